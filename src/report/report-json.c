/* xref — report: the JSON report, the public contract of DESIGN.md.
 *
 * Written by hand into the GString: keys always in the same order, one
 * record per line, integers as integers, every string through
 * xref_escape_json so the output is valid UTF-8 JSON (RFC 8259) whatever
 * the articles hold. */
#include "report/report-private.h"

static void
key (GString *out, const char *name)
{
  g_string_append_c (out, '"');
  g_string_append (out, name);
  g_string_append (out, "\":");
}

/* ,"name":"s" (or null) */
static void
field_str (GString *out, const char *name, const char *s)
{
  g_string_append_c (out, ',');
  key (out, name);
  xref_escape_json (out, s, -1);
}

/* ,"name":n */
static void
field_size (GString *out, const char *name, gsize n)
{
  g_string_append_c (out, ',');
  key (out, name);
  g_string_append_printf (out, "%" G_GSIZE_FORMAT, n);
}

/* The text of doc's span [start, end) as a JSON string ("" when empty). */
static void
span_text (GString *out, const XrefDocument *doc, gsize start, gsize end)
{
  gsize len;
  const char *s = xref_report_span (doc, start, end, &len);

  xref_escape_json (out, s != NULL ? s : "", (gssize) len);
}

/* ,"name":{"<id_key>":…,"text":…,"start":…,"end":…[,"rule":…]} or null */
static void
field_arg (GString *out, const char *name, const char *id_key, const XrefDocument *doc, const XrefArg *arg)
{
  g_string_append_c (out, ',');
  key (out, name);
  if (arg->id == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append_c (out, '{');
  key (out, id_key);
  xref_escape_json (out, arg->id, -1);
  g_string_append_c (out, ',');
  key (out, "text");
  span_text (out, doc, arg->start, arg->end);
  field_size (out, "start", arg->start);
  field_size (out, "end", arg->end);
  if (arg->rule != NULL)
    field_str (out, "rule", arg->rule);
  g_string_append_c (out, '}');
}

static void
document (GString *out, const XrefDocument *doc, gboolean extract)
{
  const char *iso = xref_date_to_iso (&doc->date);
  gboolean complete = xref_date_is_complete (&doc->date);

  g_string_append_c (out, '{');
  key (out, "id");
  xref_escape_json (out, doc->id, -1);
  field_str (out, "outlet", doc->outlet);
  /* The contract allows only "YYYY-MM-DD" or null; a partial date (only
   * "December 28" was found) is kept in an added field. */
  field_str (out, "date", complete ? iso : NULL);
  if (!complete && iso != NULL)
    field_str (out, "date_partial", iso);
  field_str (out, "date_basis", xref_date_basis_name (doc->date_basis));
  if (doc->title != NULL)
    field_str (out, "title", doc->title);
  if (doc->place != NULL)
    field_str (out, "place", doc->place);
  if (doc->url != NULL)
    field_str (out, "url", doc->url);
  if (doc->author != NULL)
    field_str (out, "author", doc->author);
  field_size (out, "length", doc->len);

  if (extract)
    {
      g_string_append_c (out, ',');
      key (out, "sentences");
      g_string_append_c (out, '[');
      for (guint i = 0; doc->sentences != NULL && i < doc->sentences->len; i++)
        {
          const XrefSentence *s = &g_array_index (doc->sentences, XrefSentence, i);
          g_string_append (out, i > 0 ? ",{" : "{");
          key (out, "start");
          g_string_append_printf (out, "%" G_GSIZE_FORMAT, s->start);
          field_size (out, "end", s->end);
          if (s->flags & XREF_SENTENCE_HEADING)
            g_string_append (out, ",\"heading\":true");
          g_string_append_c (out, '}');
        }
      g_string_append_c (out, ']');

      g_string_append_c (out, ',');
      key (out, "timexes");
      g_string_append_c (out, '[');
      for (guint i = 0; doc->timexes != NULL && i < doc->timexes->len; i++)
        {
          const XrefTimex *t = &g_array_index (doc->timexes, XrefTimex, i);
          g_string_append (out, i > 0 ? ",{" : "{");
          key (out, "start");
          g_string_append_printf (out, "%" G_GSIZE_FORMAT, t->start);
          field_size (out, "end", t->end);
          g_string_append_c (out, ',');
          key (out, "text");
          span_text (out, doc, t->start, t->end);
          field_str (out, "type", xref_timex_type_name (t->type));
          field_str (out, "value", t->value);
          if (t->mod != NULL)
            field_str (out, "mod", t->mod);
          field_size (out, "sentence", t->sentence);
          g_string_append_c (out, '}');
        }
      g_string_append_c (out, ']');
    }
  g_string_append_c (out, '}');
}

static void
claim (GString *out, const XrefClaim *c)
{
  const XrefDocument *doc = c->doc;

  g_string_append_c (out, '{');
  key (out, "id");
  xref_escape_json (out, c->id, -1);
  field_str (out, "doc", doc != NULL ? doc->id : NULL);
  field_size (out, "start", c->start);
  field_size (out, "end", c->end);
  g_string_append_c (out, ',');
  key (out, "sentence");
  span_text (out, doc, c->start, c->end);
  field_size (out, "sentence_index", c->sentence);

  field_arg (out, "actor", "id", doc, &c->actor);
  field_arg (out, "action", "id", doc, &c->action);
  field_arg (out, "object", "id", doc, &c->object);
  field_arg (out, "date", "value", doc, &c->date);

  g_string_append_c (out, ',');
  key (out, "slots");
  g_string_append_c (out, '{');
  for (guint i = 0; c->slots != NULL && i < c->slots->len; i++)
    {
      const XrefSlotValue *v = &g_array_index (c->slots, XrefSlotValue, i);
      if (i > 0)
        g_string_append_c (out, ',');
      xref_escape_json (out, v->slot != NULL ? v->slot : "", -1);
      g_string_append (out, ":{");
      key (out, "value");
      xref_escape_json (out, v->value, -1);
      g_string_append_c (out, ',');
      key (out, "text");
      span_text (out, doc, v->start, v->end);
      field_size (out, "start", v->start);
      field_size (out, "end", v->end);
      if (v->rule != NULL)
        field_str (out, "rule", v->rule);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, '}');

  field_str (out, "polarity", xref_polarity_name (c->polarity));
  field_str (out, "modality", xref_modality_name (c->modality));
  field_arg (out, "speaker", "id", doc, &c->speaker);
  field_arg (out, "source", "id", doc, &c->source);

  g_string_append_c (out, ',');
  key (out, "rules");
  g_string_append_c (out, '[');
  for (guint i = 0; c->rules != NULL && i < c->rules->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      xref_escape_json (out, g_ptr_array_index (c->rules, i), -1);
    }
  g_string_append (out, "]}");
}

static void
json_source (GString *out, const XrefSource *s)
{
  gsize len;
  const char *text = s->states ? xref_report_span (s->doc, s->start, s->end, &len) : NULL;

  g_string_append_c (out, '{');
  key (out, "doc");
  xref_escape_json (out, s->doc != NULL ? s->doc->id : NULL, -1);
  field_str (out, "status", s->states ? "states" : "omits");
  field_str (out, "claim", s->claim != NULL ? s->claim->id : NULL);
  field_str (out, "value", s->states ? s->value : NULL);
  g_string_append_c (out, ',');
  key (out, "text");
  if (text != NULL)
    xref_escape_json (out, text, (gssize) len);
  else
    g_string_append (out, "null");
  if (s->states)
    {
      field_size (out, "start", s->start);
      field_size (out, "end", s->end);
      field_str (out, "speaker", s->speaker);
      field_str (out, "date", s->date);
    }
  g_string_append_c (out, '}');
}

static void
row (GString *out, const XrefRow *r)
{
  g_string_append_c (out, '{');
  key (out, "id");
  xref_escape_json (out, r->id, -1);
  g_string_append_c (out, ',');
  key (out, "topic");
  g_string_append_c (out, '{');
  key (out, "actor");
  xref_escape_json (out, r->actor, -1);
  field_str (out, "action", r->action);
  field_str (out, "object", r->object);
  if (r->actions != NULL)
    {
      g_string_append_c (out, ',');
      key (out, "actions");
      g_string_append_c (out, '[');
      for (guint i = 0; i < r->actions->len; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          xref_escape_json (out, g_ptr_array_index (r->actions, i), -1);
        }
      g_string_append_c (out, ']');
    }
  g_string_append_c (out, '}');
  field_str (out, "slot", r->slot);
  field_str (out, "verdict", xref_verdict_name (r->verdict));
  field_str (out, "qualifier", r->qualifier);
  field_str (out, "rule", r->rule);
  field_str (out, "note", r->note);
  field_size (out, "n_states", r->n_states);

  g_string_append_c (out, ',');
  key (out, "sources");
  g_string_append_c (out, '[');
  for (guint i = 0; r->sources != NULL && i < r->sources->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      json_source (out, &g_array_index (r->sources, XrefSource, i));
    }
  g_string_append (out, "],");
  /* further values of other speakers in the same documents */
  key (out, "voices");
  g_string_append_c (out, '[');
  for (guint i = 0; r->voices != NULL && i < r->voices->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      json_source (out, &g_array_index (r->voices, XrefSource, i));
    }
  g_string_append (out, "]}");
}

/* Hands out what is written when it is large (XrefReport.flush). */
static void
maybe_flush (const XrefReport *report, GString *out)
{
  if (report->flush != NULL && out->len >= (1u << 20))
    {
      report->flush (out->str, out->len, report->flush_data);
      g_string_truncate (out, 0);
    }
}

void
xref_render_json (const XrefReport *report, GString *out)
{
  guint n_docs = report->documents != NULL ? report->documents->len : 0;
  gboolean first = TRUE;

  g_string_append (out, "{\"version\":1,\n\"documents\":[");
  for (guint i = 0; i < n_docs; i++)
    {
      g_string_append (out, i > 0 ? ",\n  " : "\n  ");
      document (out, g_ptr_array_index (report->documents, i), report->extract);
    }
  g_string_append (out, n_docs > 0 ? "\n],\n\"claims\":[" : "],\n\"claims\":[");

  /* Every document's claims, in corpus order then text order. */
  for (guint i = 0; i < n_docs; i++)
    {
      const XrefDocument *doc = g_ptr_array_index (report->documents, i);
      for (guint j = 0; doc->claims != NULL && j < doc->claims->len; j++)
        {
          g_string_append (out, first ? "\n  " : ",\n  ");
          first = FALSE;
          claim (out, g_ptr_array_index (doc->claims, j));
        }
      maybe_flush (report, out);
    }
  g_string_append (out, first ? "]" : "\n]");

  /* `xref extract` has no rows; the comparison always has the key. */
  if (!report->extract)
    {
      guint n_rows = report->rows != NULL ? report->rows->len : 0;
      g_string_append (out, ",\n\"rows\":[");
      for (guint i = 0; i < n_rows; i++)
        {
          g_string_append (out, i > 0 ? ",\n  " : "\n  ");
          row (out, g_ptr_array_index (report->rows, i));
          maybe_flush (report, out);
        }
      g_string_append (out, n_rows > 0 ? "\n]" : "]");
    }
  g_string_append (out, "}\n");
}

/* One document / one claim as in the report, for `xref extract --format
 * jsonl` (src/run/run-jsonl.c), so that both formats stay one. */
void
xref_render_json_document (GString *out, const XrefDocument *doc, gboolean extract)
{
  document (out, doc, extract);
}

void
xref_render_json_claim (GString *out, const XrefClaim *claim_)
{
  claim (out, claim_);
}
