/* xref — report: CSV for a spreadsheet (RFC 4180).
 *
 * A header record, then one record per (row, source); for `xref extract`
 * one record per claim.  Records end with CRLF (RFC 4180 §2.1); every
 * text field goes through xref_escape_csv (quoting and the OWASP guard
 * against formula injection). */
#include "report/report-private.h"

/* ,field — every field but the first of a record. */
static void
field (GString *out, const char *s)
{
  g_string_append_c (out, ',');
  xref_escape_csv (out, s, -1);
}

static void
field_span (GString *out, const XrefDocument *doc, gsize start, gsize end)
{
  gsize len;
  const char *s = xref_report_span (doc, start, end, &len);

  g_string_append_c (out, ',');
  if (s != NULL)
    xref_escape_csv (out, s, (gssize) len);
}

static void
field_size (GString *out, gsize n)
{
  /* the digits by hand: printf is most of a short record's cost */
  char buf[24], *w = buf + sizeof buf;

  do
    *--w = (char) ('0' + n % 10);
  while ((n /= 10) > 0);
  *--w = ',';
  g_string_append_len (out, w, (gssize) (buf + sizeof buf - w));
}

static void
end_record (GString *out)
{
  g_string_append_len (out, "\r\n", 2);
}

/* Rows [from, to) of report (data), one record per source and voice
 * (run on several threads: xref_report_render_parts). */
static void
rows_part (GString *out, guint from, guint to, gpointer data)
{
  const XrefReport *report = data;
  g_autoptr (GString) head = g_string_new (NULL);
  g_autoptr (GString) tail = g_string_new (NULL);

  for (guint i = from; i < to; i++)
    {
      const XrefRow *row = g_ptr_array_index (report->rows, i);
      guint n_src = row->sources != NULL ? row->sources->len : 0;
      guint n_voices = row->voices != NULL ? row->voices->len : 0;
      g_autoptr (GString) actions = g_string_new (row->action);

      /* a row across related actions names them all: "deploy+train" */
      for (guint k = 1; row->actions != NULL && k < row->actions->len; k++)
        g_string_append_printf (actions, "+%s", (const char *) g_ptr_array_index (row->actions, k));
      /* The fields of the row (id to note) and its qualifier are the same
       * in each of its records (one per document of the corpus up to 256
       * documents): escaped once per row, then copied. */
      g_string_truncate (head, 0);
      xref_escape_csv (head, row->id, -1);
      field (head, xref_verdict_name (row->verdict));
      field (head, row->slot);
      field (head, row->actor);
      field (head, row->action != NULL ? actions->str : NULL);
      field (head, row->object);
      field (head, row->rule);
      field (head, row->note);
      g_string_truncate (tail, 0);
      field (tail, row->qualifier);
      end_record (tail);

      /* one record per source, then one per further speaker's value */
      for (guint j = 0; j < n_src + n_voices; j++)
        {
          const XrefSource *s = j < n_src ? &g_array_index (row->sources, XrefSource, j)
                                          : &g_array_index (row->voices, XrefSource, j - n_src);

          xref_report_put (out, head->str, head->len);
          field (out, s->doc != NULL ? s->doc->id : NULL);
          field (out, s->states ? "states" : "omits");
          field (out, s->claim != NULL ? s->claim->id : NULL);
          field (out, s->states ? s->value : NULL);
          if (s->states)
            {
              field_span (out, s->doc, s->start, s->end);
              field_size (out, s->start);
              field_size (out, s->end);
            }
          else
            g_string_append_len (out, ",,,", 3);
          field (out, s->states ? s->speaker : NULL);
          field (out, s->states ? s->date : NULL);
          xref_report_put (out, tail->str, tail->len);
        }
    }
}

static void
rows (GString *out, const XrefReport *report)
{
  g_string_append (out, "row,verdict,slot,actor,action,object,rule,note,doc,status,claim,value,text,start,end,"
                        "speaker,date,qualifier");
  end_record (out);
  /* parts of up to 16 rows and about XREF_REPORT_PART_SOURCES records:
   * about 1 MB at the most, whatever a row lists */
  if (report->rows != NULL)
    xref_report_render_row_parts (report, 16, rows_part, (gpointer) report, out);
}

static void
claims (GString *out, const XrefReport *report)
{
  g_string_append (out, "claim,doc,start,end,actor,action,object,date,polarity,modality,speaker,source,slots,"
                        "rules,sentence");
  end_record (out);
  for (guint i = 0; report->documents != NULL && i < report->documents->len; i++)
    {
      const XrefDocument *doc = g_ptr_array_index (report->documents, i);

      for (guint j = 0; doc->claims != NULL && j < doc->claims->len; j++)
        {
          const XrefClaim *c = g_ptr_array_index (doc->claims, j);
          g_autoptr (GString) slots = g_string_new (NULL);
          g_autoptr (GString) rules = g_string_new (NULL);

          for (guint k = 0; c->slots != NULL && k < c->slots->len; k++)
            {
              const XrefSlotValue *v = &g_array_index (c->slots, XrefSlotValue, k);
              g_string_append_printf (slots, "%s%s=%s", k > 0 ? "; " : "", v->slot != NULL ? v->slot : "?",
                                      v->value != NULL ? v->value : "");
            }
          for (guint k = 0; c->rules != NULL && k < c->rules->len; k++)
            g_string_append_printf (rules, "%s%s", k > 0 ? " " : "", (const char *) g_ptr_array_index (c->rules, k));

          xref_escape_csv (out, c->id, -1);
          field (out, doc->id);
          field_size (out, c->start);
          field_size (out, c->end);
          field (out, c->actor.id);
          field (out, c->action.id);
          field (out, c->object.id);
          field (out, c->date.id);
          field (out, xref_polarity_name (c->polarity));
          field (out, xref_modality_name (c->modality));
          field (out, c->speaker.id);
          field (out, c->source.id);
          field (out, slots->str);
          field (out, rules->str);
          field_span (out, doc, c->start, c->end);
          end_record (out);
          xref_report_maybe_flush (report, out);
        }
    }
}

void
xref_render_csv (const XrefReport *report, GString *out)
{
  if (report->extract || report->rows == NULL)
    claims (out, report);
  else
    rows (out, report);
}
