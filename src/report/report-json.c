/* xref — report: the JSON report, the public contract of DESIGN.md.
 *
 * Written by hand into the GString: keys always in the same order, one
 * record per line, integers as integers, every string through
 * xref_escape_json so the output is valid UTF-8 JSON (RFC 8259) whatever
 * the articles hold.
 *
 * Speed.  The report is about nine bytes per byte of corpus (most of it
 * the claims, each quoting its sentence) and is written after the parallel
 * stages, so it bounds the run.  Two things keep it cheap:
 *  - pieces are written into room reserved once (room/done below; for the
 *    claims, a cursor kept in locals, Cur), keys are literals of known
 *    length, integers are formatted by hand, the escaper copies runs of
 *    plain bytes at once (report-escape.c), ids come from a memo, a
 *    sentence quoted again by the next claim is copied, and the rows'
 *    document keys come from a table built once (DocKeys);
 *  - the report is cut into parts of a few hundred KB (runs of documents,
 *    of documents' claims, of rows) that worker threads render at once
 *    while the calling thread hands them out (XrefReport.flush, or appends
 *    them to out) strictly in order.  A part's bytes depend only on the
 *    records in it (and on whether any claim comes before it), so the
 *    output is the same for any number of threads; only a few parts are in
 *    flight at a time, so memory stays bounded whatever the corpus. */
#include "report/report-private.h"

#include <string.h>

/* ---- writing ------------------------------------------------------------ */

#define room xref_report_room
#define done xref_report_done

static inline void
put (GString *out, const char *s, gsize n)
{
  char *w = room (out, n);

  memcpy (w, s, n);
  done (out, w + n);
}

/* A string literal, its length known at compile time. */
#define PUT(out, lit) put ((out), "" lit, sizeof (lit) - 1)

/* "00" to "99": two digits per division (offsets have four or five). */
static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                     "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                     "8081828384858687888990919293949596979899";

/* The decimal digits of v at w; returns the end. */
static inline char *
write_uint (char *w, guint64 v)
{
  guint n = 6;
  char *end;

  /* Offsets and lengths (nearly every integer of a report) have at most
   * five digits: each length written straight, in 32 bits. */
  if (v < 100000)
    {
      guint x = (guint) v;

      if (x < 10)
        {
          w[0] = (char) ('0' + x);
          return w + 1;
        }
      if (x < 100)
        {
          memcpy (w, digit_pairs + 2 * x, 2);
          return w + 2;
        }
      if (x < 1000)
        {
          w[0] = (char) ('0' + x / 100);
          memcpy (w + 1, digit_pairs + 2 * (x % 100), 2);
          return w + 3;
        }
      if (x < 10000)
        {
          memcpy (w, digit_pairs + 2 * (x / 100), 2);
          memcpy (w + 2, digit_pairs + 2 * (x % 100), 2);
          return w + 4;
        }
      w[0] = (char) ('0' + x / 10000);
      x %= 10000;
      memcpy (w + 1, digit_pairs + 2 * (x / 100), 2);
      memcpy (w + 3, digit_pairs + 2 * (x % 100), 2);
      return w + 5;
    }
  /* the number of digits first, so that they are written in place from
   * the last */
  for (guint64 t = v / 1000000; t > 0; t /= 10)
    n++;
  end = w + n;
  w = end;
  while (v >= 100)
    {
      guint d = (guint) (v % 100) * 2;
      v /= 100;
      *--w = digit_pairs[d + 1];
      *--w = digit_pairs[d];
    }
  if (v >= 10)
    {
      guint d = (guint) v * 2;
      *--w = digit_pairs[d + 1];
      *--w = digit_pairs[d];
    }
  else
    *--w = (char) ('0' + v);
  return end;
}

/* A key literal (",\"start\":") then the integer n. */
static inline void
put_size (GString *out, const char *key, gsize key_len, guint64 n)
{
  char *w = room (out, key_len + 20);

  memcpy (w, key, key_len);
  done (out, write_uint (w + key_len, n));
}

#define FIELD_SIZE(out, key, n) put_size ((out), "" key, sizeof (key) - 1, (n))

/* ",\"start\":start,\"end\":end", the two integers of every span, in one
 * reserved room. */
G_ALWAYS_INLINE static inline void
put_start_end (GString *out, guint64 start, guint64 end)
{
  static const char k_start[] = ",\"start\":", k_end[] = ",\"end\":";
  char *w = room (out, sizeof k_start + sizeof k_end + 40);

  memcpy (w, k_start, sizeof k_start - 1);
  w = write_uint (w + sizeof k_start - 1, start);
  memcpy (w, k_end, sizeof k_end - 1);
  done (out, write_uint (w + sizeof k_end - 1, end));
}

/* A key literal then s as a JSON string (null when NULL). */
#define FIELD_STR(out, key, s) (PUT (out, key), xref_escape_json ((out), (s), -1))

/* Ids.  A claim's strings are mostly ids from a small set (actions,
 * entities, slots, rules, the document's id, "affirmed"), each escaped
 * again for every claim and source.  A memo keyed by the string's address
 * keeps their escaped form: a hit is one pointer compare and a copy, and
 * reads none of the string's bytes (which are scattered over the heap).
 * Keying by address is sound because nothing a report shows changes or is
 * freed while it is rendered; a memo lives for one xref_render_json call,
 * one per thread.  Direct-mapped: a collision only costs a miss. */
#define MEMO_BITS 11
#define MEMO_SLOTS (1u << MEMO_BITS)
#define MEMO_LONG 54              /* longer escaped forms are not kept */

typedef struct {
  const char *key;
  guint8 len;
  char bytes[MEMO_LONG + 1];      /* the escaped form, quotes included */
} MemoSlot;                       /* 64 bytes: one cache line */

typedef struct {
  MemoSlot slot[MEMO_SLOTS];
} Memo;

static Memo *
memo_new (void)
{
  return g_new0 (Memo, 1);
}

static void
memo_free (Memo *m)
{
  g_free (m);
}

/* The miss path of put_id: escapes s and keeps its escaped form in slot
 * when it fits.  Out of line so that the hit path stays small. */
G_NO_INLINE static void
put_id_miss (GString *out, MemoSlot *slot, const char *s)
{
  gsize start = out->len, len;

  xref_escape_json (out, s, -1);
  len = out->len - start;
  if (len <= MEMO_LONG)
    {
      slot->key = s;
      slot->len = (guint8) len;
      memcpy (slot->bytes, out->str + start, len);
    }
}

/* The key literal [key, key + key_len) then s (NUL-terminated, or NULL)
 * as a JSON string, through memo m when not NULL.  Most calls are hits
 * (ids, names) or nulls, so these are written inline in one reserved room
 * with the key: a hit copies the whole slot (a fixed size, so a few vector
 * moves rather than a call to memcpy) and keeps only its length. */
G_ALWAYS_INLINE static inline void
put_id_key (GString *out, Memo *m, const char *key, gsize key_len, const char *s)
{
  MemoSlot *slot;
  char *w;

  if (G_UNLIKELY (m == NULL))
    {
      put (out, key, key_len);
      xref_escape_json (out, s, -1);
      return;
    }
  w = room (out, key_len + sizeof slot->bytes);
  memcpy (w, key, key_len);
  w += key_len;
  if (s == NULL)
    {
      memcpy (w, "null", 4);
      done (out, w + 4);
      return;
    }
  /* Fibonacci hashing of the address */
  slot = &m->slot[((guint64) (guintptr) s * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> (64 - MEMO_BITS)];
  if (G_LIKELY (slot->key == s))
    {
      memcpy (w, slot->bytes, sizeof slot->bytes);
      done (out, w + slot->len);
      return;
    }
  done (out, w);
  put_id_miss (out, slot, s);
}

/* s as a JSON string, through memo m (no key before it). */
#define put_id(out, m, s) put_id_key ((out), (m), "", 0, (s))

/* A key literal then the id s. */
#define FIELD_ID(out, m, key, s) put_id_key ((out), (m), "" key, sizeof (key) - 1, (s))

/* The text of doc's span [start, end) as a JSON string ("" when empty). */
static void
span_text (GString *out, const XrefDocument *doc, gsize start, gsize end)
{
  gsize len;
  const char *s = xref_report_span (doc, start, end, &len);

  if (s != NULL)
    xref_report_escape_json_in (out, s, len, (gsize) (doc->text + doc->len - s));
  else
    PUT (out, "\"\"");
}

/* ---- records ------------------------------------------------------------ */

/* Prefetching.  The records a part shows are scattered over the heap (a
 * claim, its id, its slots and rules arrays, its document's text; a row's
 * sources point to claims anywhere in the corpus), so rendering is bound by
 * cache misses rather than by writing.  Asking for the next records'
 * memory while the current one is written overlaps those misses: the
 * record two ahead, then the blocks it points to one ahead (by then its
 * own bytes have arrived).  A hint only: it never changes what is read. */
#define PREFETCH(p) __builtin_prefetch (p)

static inline void
prefetch_claim_blocks (const XrefClaim *c)
{
  PREFETCH (c->id);
  if (c->slots != NULL)
    PREFETCH (c->slots->data);
  if (c->rules != NULL)
    PREFETCH (c->rules->pdata);
  if (c->doc != NULL && c->doc->text != NULL && c->start < c->doc->len)
    PREFETCH (c->doc->text + c->start);
}

static inline void
prefetch_source_blocks (const XrefSource *s)
{
  if (s->claim != NULL)
    PREFETCH (s->claim->id);
  if (s->states && s->doc != NULL && s->doc->text != NULL && s->start < s->doc->len)
    PREFETCH (s->doc->text + s->start);
}


static void
document (GString *out, const XrefDocument *doc, gboolean extract)
{
  const char *iso = xref_date_to_iso (&doc->date);
  gboolean complete = xref_date_is_complete (&doc->date);

  FIELD_STR (out, "{\"id\":", doc->id);
  FIELD_STR (out, ",\"outlet\":", doc->outlet);
  /* The contract allows only "YYYY-MM-DD" or null; a partial date (only
   * "December 28" was found) is kept in an added field. */
  FIELD_STR (out, ",\"date\":", complete ? iso : NULL);
  if (!complete && iso != NULL)
    FIELD_STR (out, ",\"date_partial\":", iso);
  FIELD_STR (out, ",\"date_basis\":", xref_date_basis_name (doc->date_basis));
  if (doc->title != NULL)
    FIELD_STR (out, ",\"title\":", doc->title);
  if (doc->place != NULL)
    FIELD_STR (out, ",\"place\":", doc->place);
  if (doc->url != NULL)
    FIELD_STR (out, ",\"url\":", doc->url);
  if (doc->author != NULL)
    FIELD_STR (out, ",\"author\":", doc->author);
  FIELD_SIZE (out, ",\"length\":", doc->len);

  if (extract)
    {
      PUT (out, ",\"sentences\":[");
      for (guint i = 0; doc->sentences != NULL && i < doc->sentences->len; i++)
        {
          const XrefSentence *s = &g_array_index (doc->sentences, XrefSentence, i);
          if (i > 0)
            PUT (out, ",");
          FIELD_SIZE (out, "{\"start\":", s->start);
          FIELD_SIZE (out, ",\"end\":", s->end);
          if (s->flags & XREF_SENTENCE_HEADING)
            PUT (out, ",\"heading\":true");
          PUT (out, "}");
        }
      PUT (out, "],\"timexes\":[");
      for (guint i = 0; doc->timexes != NULL && i < doc->timexes->len; i++)
        {
          const XrefTimex *t = &g_array_index (doc->timexes, XrefTimex, i);
          if (i > 0)
            PUT (out, ",");
          FIELD_SIZE (out, "{\"start\":", t->start);
          FIELD_SIZE (out, ",\"end\":", t->end);
          PUT (out, ",\"text\":");
          span_text (out, doc, t->start, t->end);
          FIELD_STR (out, ",\"type\":", xref_timex_type_name (t->type));
          FIELD_STR (out, ",\"value\":", t->value);
          if (t->mod != NULL)
            FIELD_STR (out, ",\"mod\":", t->mod);
          FIELD_SIZE (out, ",\"sentence\":", t->sentence);
          PUT (out, "}");
        }
      PUT (out, "]");
    }
  PUT (out, "}");
}

/* The sentence a claim quotes, as last written into out.  A sentence with
 * several claims is quoted by each of them, one after the other (about a
 * third of the claims of a corpus quote their predecessor's sentence), so
 * the escaped bytes already in out are copied instead of escaping the text
 * again.  Kept by offset in out (which may move when it grows), only for
 * the records of one part: the part is not flushed while it is written,
 * so the bytes are still there. */
typedef struct {
  const XrefDocument *doc;
  gsize start, end;        /* the claim's span */
  gsize at, len;           /* its escaped form: out->str[at, at + len) */
} Quote;

/* A write cursor over out for the claims, the bulk of the report.  Most
 * pieces of a claim are short and bounded (keys, integers, nulls, memo
 * hits), and checking out's room for each through the GString costs more
 * than writing them: its fields are reloaded after every byte store (they
 * may alias).  The cursor keeps the write position and the end of the room
 * in locals; out is brought up to date (sync) only around the pieces
 * written by the escapers, and at the end. */
typedef struct {
  GString *out;
  char *w;                 /* next byte to write */
  char *end;               /* the last byte of room (kept for the NUL) */
} Cur;

static inline void
cur_open (Cur *c, GString *out)
{
  c->out = out;
  c->w = out->str + out->len;
  c->end = out->str + out->allocated_len - 1;
}

static inline void
cur_sync (Cur *c)
{
  done (c->out, c->w);
}

/* Makes room for n more bytes at c->w. */
static inline void
cur_need (Cur *c, gsize n)
{
  if (G_UNLIKELY ((gsize) (c->end - c->w) < n))
    {
      cur_sync (c);
      room (c->out, n);
      cur_open (c, c->out);
    }
}

/* The bytes [s, s + n), room already made. */
#define CUR_COPY(c, s, n) (memcpy ((c)->w, (s), (n)), (c)->w += (n))
/* A string literal, room made here. */
#define CUR_LIT(c, lit) (cur_need ((c), sizeof (lit) - 1), CUR_COPY ((c), "" lit, sizeof (lit) - 1))

/* A key literal then the integer n. */
#define CUR_SIZE(c, key, n) \
  (cur_need ((c), sizeof (key) - 1 + 20), CUR_COPY ((c), "" key, sizeof (key) - 1), (c)->w = write_uint ((c)->w, (n)))

/* ",\"start\":start,\"end\":end". */
static inline void
cur_start_end (Cur *c, guint64 start, guint64 end)
{
  CUR_SIZE (c, ",\"start\":", start);
  CUR_SIZE (c, ",\"end\":", end);
}

/* The key literal [key, key + key_len) then s (or null) as in put_id_key. */
G_ALWAYS_INLINE static inline void
cur_id (Cur *c, Memo *m, const char *key, gsize key_len, const char *s)
{
  MemoSlot *slot;

  cur_need (c, key_len + sizeof slot->bytes);
  CUR_COPY (c, key, key_len);
  if (s == NULL)
    {
      CUR_COPY (c, "null", 4);
      return;
    }
  if (G_UNLIKELY (m == NULL))
    {
      cur_sync (c);
      xref_escape_json (c->out, s, -1);
      cur_open (c, c->out);
      return;
    }
  slot = &m->slot[((guint64) (guintptr) s * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> (64 - MEMO_BITS)];
  if (G_LIKELY (slot->key == s))
    {
      /* the whole slot: a fixed size, a few vector moves */
      memcpy (c->w, slot->bytes, sizeof slot->bytes);
      c->w += slot->len;
      return;
    }
  cur_sync (c);
  put_id_miss (c->out, slot, s);
  cur_open (c, c->out);
}

#define CUR_ID(c, m, key, s) cur_id ((c), (m), "" key, sizeof (key) - 1, (s))

/* The text of doc's span [start, end) as a JSON string, by the escaper. */
static inline void
cur_span (Cur *c, const XrefDocument *doc, gsize start, gsize end)
{
#if defined(__SSE2__)
  /* Most spans but the sentences (an actor, a value: "Moscow") are a few
   * plain bytes: one 16-byte test, written here without the escaper's
   * calls, when 16 bytes of the text can be read from the start. */
  if (doc != NULL && doc->text != NULL && start < end && end <= doc->len && end - start <= 16
      && doc->len - start >= 16)
    {
      guint bad, n = (guint) (end - start);
      __m128i v = xref_report_json_load16 (doc->text + start, &bad);

      if ((bad & ((1u << n) - 1)) == 0)
        {
          cur_need (c, 18);
          c->w[0] = '"';
          _mm_storeu_si128 ((__m128i *) (c->w + 1), v);
          c->w[1 + n] = '"';
          c->w += n + 2;
          return;
        }
    }
#endif
  cur_sync (c);
  span_text (c->out, doc, start, end);
  cur_open (c, c->out);
}

/* KEY{"<id_key>":…,"text":…,"start":…,"end":…[,"rule":…]} or KEYnull,
 * where KEY is the literal ",\"name\":" and ID_KEY "{\"id\":". */
G_ALWAYS_INLINE static inline void
cur_arg (Cur *c, Memo *m, const char *key, gsize key_len, const char *id_key, gsize id_key_len,
         const XrefDocument *doc, const XrefArg *arg)
{
  cur_need (c, key_len + id_key_len + 4);
  CUR_COPY (c, key, key_len);
  if (arg->id == NULL)
    {
      CUR_COPY (c, "null", 4);
      return;
    }
  cur_id (c, m, id_key, id_key_len, arg->id);
  CUR_LIT (c, ",\"text\":");
  cur_span (c, doc, arg->start, arg->end);
  cur_start_end (c, arg->start, arg->end);
  if (arg->rule != NULL)
    CUR_ID (c, m, ",\"rule\":", arg->rule);
  CUR_LIT (c, "}");
}

#define CUR_ARG(c, m, key, id_key, doc, arg) \
  cur_arg ((c), (m), "" key, sizeof (key) - 1, "" id_key, sizeof (id_key) - 1, (doc), (arg))

static void
claim (GString *out, Memo *m, Quote *q, const XrefClaim *c)
{
  const XrefDocument *doc = c->doc;
  Cur cur;

  PUT (out, "{\"id\":");
  xref_escape_json (out, c->id, -1);
  cur_open (&cur, out);
  CUR_ID (&cur, m, ",\"doc\":", doc != NULL ? doc->id : NULL);
  cur_start_end (&cur, c->start, c->end);
  CUR_LIT (&cur, ",\"sentence\":");
  cur_sync (&cur);
  if (q != NULL && q->doc == doc && doc != NULL && q->start == c->start && q->end == c->end)
    {
      char *w = room (out, q->len);

      memcpy (w, out->str + q->at, q->len);
      done (out, w + q->len);
    }
  else
    {
      gsize at = out->len;

      span_text (out, doc, c->start, c->end);
      if (q != NULL)
        {
          q->doc = doc;
          q->start = c->start;
          q->end = c->end;
          q->at = at;
          q->len = out->len - at;
        }
    }
  cur_open (&cur, out);
  CUR_SIZE (&cur, ",\"sentence_index\":", c->sentence);

  CUR_ARG (&cur, m, ",\"actor\":", "{\"id\":", doc, &c->actor);
  CUR_ARG (&cur, m, ",\"action\":", "{\"id\":", doc, &c->action);
  CUR_ARG (&cur, m, ",\"object\":", "{\"id\":", doc, &c->object);
  CUR_ARG (&cur, m, ",\"date\":", "{\"value\":", doc, &c->date);

  CUR_LIT (&cur, ",\"slots\":{");
  for (guint i = 0; c->slots != NULL && i < c->slots->len; i++)
    {
      const XrefSlotValue *v = &g_array_index (c->slots, XrefSlotValue, i);
      if (i > 0)
        CUR_LIT (&cur, ",");
      CUR_ID (&cur, m, "", v->slot != NULL ? v->slot : "");
      CUR_ID (&cur, m, ":{\"value\":", v->value);
      CUR_LIT (&cur, ",\"text\":");
      cur_span (&cur, doc, v->start, v->end);
      cur_start_end (&cur, v->start, v->end);
      if (v->rule != NULL)
        CUR_ID (&cur, m, ",\"rule\":", v->rule);
      CUR_LIT (&cur, "}");
    }
  CUR_LIT (&cur, "}");

  CUR_ID (&cur, m, ",\"polarity\":", xref_polarity_name (c->polarity));
  CUR_ID (&cur, m, ",\"modality\":", xref_modality_name (c->modality));
  CUR_ARG (&cur, m, ",\"speaker\":", "{\"id\":", doc, &c->speaker);
  CUR_ARG (&cur, m, ",\"source\":", "{\"id\":", doc, &c->source);

  CUR_LIT (&cur, ",\"rules\":[");
  for (guint i = 0; c->rules != NULL && i < c->rules->len; i++)
    {
      if (i > 0)
        CUR_LIT (&cur, ",");
      CUR_ID (&cur, m, "", g_ptr_array_index (c->rules, i));
    }
  CUR_LIT (&cur, "]}");
  cur_sync (&cur);
}

/* The escaped ids of the documents, in corpus order, for the sources of
 * the rows.  Every row has one source per document in corpus order (most
 * of them omitting its value), so a large report writes each document's
 * id once per row: with tens of thousands of documents they would only
 * thrash the memo.  Built once before the rows are rendered, read-only
 * after (shared by the workers). */
typedef struct {
  const XrefReport *report;
  GString *bytes;          /* "{\"doc\":" and the escaped id, one after the other */
  gsize *at;               /* document i's are bytes[at[i], at[i + 1]) */
  guint n;
} DocKeys;

static DocKeys *
doc_keys_new (const XrefReport *report)
{
  DocKeys *k = g_new0 (DocKeys, 1);

  k->report = report;
  k->n = report->documents != NULL ? report->documents->len : 0;
  k->bytes = g_string_sized_new (64 * (gsize) k->n + 1);
  k->at = g_new (gsize, k->n + 1);
  for (guint i = 0; i < k->n; i++)
    {
      const XrefDocument *doc = g_ptr_array_index (report->documents, i);

      k->at[i] = k->bytes->len;
      PUT (k->bytes, "{\"doc\":");
      xref_escape_json (k->bytes, doc->id, -1);
    }
  k->at[k->n] = k->bytes->len;
  return k;
}

static void
doc_keys_free (DocKeys *k)
{
  if (k == NULL)
    return;
  g_string_free (k->bytes, TRUE);
  g_free (k->at);
  g_free (k);
}

/* A source; keys, when not NULL, holds its "{\"doc\":…" at index (the
 * caller checked that index is its document's). */
static void
json_source (GString *out, Memo *m, const DocKeys *keys, guint index, const XrefSource *s)
{
  gsize len;
  const char *text;

  if (keys != NULL)
    put (out, keys->bytes->str + keys->at[index], keys->at[index + 1] - keys->at[index]);
  else
    FIELD_ID (out, m, "{\"doc\":", s->doc != NULL ? s->doc->id : NULL);
  if (!s->states)
    {
      /* Most sources of a large report are documents that leave the row's
       * value out: their value and text are null, so the rest is one
       * literal (or two around the claim's id). */
      if (s->claim == NULL)
        PUT (out, ",\"status\":\"omits\",\"claim\":null,\"value\":null,\"text\":null}");
      else
        {
          FIELD_STR (out, ",\"status\":\"omits\",\"claim\":", s->claim->id);
          PUT (out, ",\"value\":null,\"text\":null}");
        }
      return;
    }
  text = xref_report_span (s->doc, s->start, s->end, &len);
  if (s->states)
    PUT (out, ",\"status\":\"states\"");
  else
    PUT (out, ",\"status\":\"omits\"");
  FIELD_STR (out, ",\"claim\":", s->claim != NULL ? s->claim->id : NULL);
  FIELD_ID (out, m, ",\"value\":", s->states ? s->value : NULL);
  PUT (out, ",\"text\":");
  if (text != NULL)
    xref_report_escape_json_in (out, text, len, (gsize) (s->doc->text + s->doc->len - text));
  else
    PUT (out, "null");
  if (s->states)
    {
      put_start_end (out, s->start, s->end);
      FIELD_ID (out, m, ",\"speaker\":", s->speaker);
      FIELD_ID (out, m, ",\"date\":", s->date);
    }
  PUT (out, "}");
}

static void
row (GString *out, Memo *m, const DocKeys *keys, const XrefRow *r)
{
  FIELD_STR (out, "{\"id\":", r->id);
  FIELD_ID (out, m, ",\"topic\":{\"actor\":", r->actor);
  FIELD_ID (out, m, ",\"action\":", r->action);
  FIELD_ID (out, m, ",\"object\":", r->object);
  if (r->actions != NULL)
    {
      PUT (out, ",\"actions\":[");
      for (guint i = 0; i < r->actions->len; i++)
        {
          if (i > 0)
            PUT (out, ",");
          put_id (out, m, g_ptr_array_index (r->actions, i));
        }
      PUT (out, "]");
    }
  PUT (out, "}");
  FIELD_ID (out, m, ",\"slot\":", r->slot);
  FIELD_ID (out, m, ",\"verdict\":", xref_verdict_name (r->verdict));
  FIELD_ID (out, m, ",\"qualifier\":", r->qualifier);
  FIELD_ID (out, m, ",\"rule\":", r->rule);
  FIELD_STR (out, ",\"note\":", r->note);
  FIELD_SIZE (out, ",\"n_states\":", r->n_states);

  PUT (out, ",\"sources\":[");
  for (guint i = 0; r->sources != NULL && i < r->sources->len; i++)
    {
      if (i + 2 < r->sources->len)
        {
          PREFETCH (g_array_index (r->sources, XrefSource, i + 2).claim);
          PREFETCH (g_array_index (r->sources, XrefSource, i + 2).doc);
        }
      if (i + 1 < r->sources->len)
        prefetch_source_blocks (&g_array_index (r->sources, XrefSource, i + 1));
      const XrefSource *s = &g_array_index (r->sources, XrefSource, i);
      gboolean in_order = keys != NULL && i < keys->n && s->doc != NULL
                          && s->doc == g_ptr_array_index (keys->report->documents, i);

      if (i > 0)
        PUT (out, ",");
      json_source (out, m, in_order ? keys : NULL, i, s);
    }
  /* further values of other speakers in the same documents */
  PUT (out, "],\"voices\":[");
  for (guint i = 0; r->voices != NULL && i < r->voices->len; i++)
    {
      if (i > 0)
        PUT (out, ",");
      json_source (out, m, NULL, 0, &g_array_index (r->voices, XrefSource, i));
    }
  PUT (out, "]}");
}

/* ---- parts -------------------------------------------------------------- */

typedef enum {
  PART_DOCUMENTS,          /* documents [begin, end) */
  PART_CLAIMS,             /* the claims of documents [begin, end) */
  PART_ROWS,               /* rows [begin, end) */
} PartKind;

/* A run of records rendered as one piece, with the report's punctuation
 * around it. */
typedef struct {
  PartKind kind;
  guint begin, end;
  gboolean first;          /* claims: no claim comes before the part */
  const char *head;        /* written before its records, or NULL */
  const char *tail;        /* written after them, or NULL */
  const DocKeys *keys;     /* rows: the documents' keys, or NULL */
} Part;

/* About this many bytes of JSON per part: large enough that handing parts
 * out costs nothing, small enough that a few in flight per thread are
 * little memory. */
#define PART_BYTES (256u * 1024u)

/* A rough size in bytes of record i of a part of kind (only for cutting
 * parts: the cuts never change the output). */
static gsize
weight (const XrefReport *report, PartKind kind, guint i)
{
  const XrefDocument *doc;
  const XrefRow *r;

  switch (kind)
    {
    case PART_DOCUMENTS:
      doc = g_ptr_array_index (report->documents, i);
      if (!report->extract)
        return 128;
      return 128 + 32 * (doc->sentences != NULL ? doc->sentences->len : 0)
             + 128 * (doc->timexes != NULL ? doc->timexes->len : 0);
    case PART_CLAIMS:
      doc = g_ptr_array_index (report->documents, i);
      return doc->claims != NULL ? 800 * doc->claims->len : 0;
    case PART_ROWS:
    default:
      r = g_ptr_array_index (report->rows, i);
      return 256 + 256 * ((r->sources != NULL ? r->sources->len : 0) + (r->voices != NULL ? r->voices->len : 0));
    }
}

/* Cuts the n records of a section into parts of about PART_BYTES; the
 * first part gets head and the last tail (there is always one part, empty
 * when n is 0, so that the punctuation is written). */
static void
cut (GArray *parts, const XrefReport *report, PartKind kind, guint n, const char *head, const char *tail)
{
  Part p = { kind, 0, 0, TRUE, head, NULL, NULL };
  gsize bytes = 0;
  gboolean any = FALSE;   /* claims: some document before the cut has one */

  for (guint i = 0; i < n; i++)
    {
      gsize w = weight (report, kind, i);

      bytes += w;
      any = any || (kind == PART_CLAIMS && w > 0);
      if (bytes >= PART_BYTES && i + 1 < n)
        {
          p.end = i + 1;
          g_array_append_val (parts, p);
          p.begin = i + 1;
          p.first = !any;
          p.head = NULL;
          bytes = 0;
        }
    }
  p.end = n;
  p.tail = tail;
  g_array_append_val (parts, p);
}

/* The parts of the report: with head, "{" through the claims; with rows,
 * the rows and the closing "}" (never for `xref extract`). */
static GArray *
plan (const XrefReport *report, gboolean head, gboolean rows, const DocKeys *keys)
{
  GArray *parts = g_array_new (FALSE, FALSE, sizeof (Part));
  guint n_docs = report->documents != NULL ? report->documents->len : 0;
  guint n_rows = !report->extract && report->rows != NULL ? report->rows->len : 0;
  gboolean any_claims = xref_report_n_claims (report) > 0;
  const char *claims_tail;

  if (head)
    {
      cut (parts, report, PART_DOCUMENTS, n_docs, "{\"version\":1,\n\"documents\":[",
           n_docs > 0 ? "\n],\n\"claims\":[" : "],\n\"claims\":[");
      /* `xref extract` has no rows; the comparison always has the key. */
      if (report->extract)
        claims_tail = any_claims ? "\n]}\n" : "]}\n";
      else
        claims_tail = any_claims ? "\n]" : "]";
      cut (parts, report, PART_CLAIMS, n_docs, NULL, claims_tail);
    }
  if (rows && !report->extract)
    {
      guint from = parts->len;

      cut (parts, report, PART_ROWS, n_rows, ",\n\"rows\":[", n_rows > 0 ? "\n]}\n" : "]}\n");
      for (guint i = from; i < parts->len; i++)
        g_array_index (parts, Part, i).keys = keys;
    }
  return parts;
}

static void
render_part (const XrefReport *report, const Part *p, Memo *m, GString *out)
{
  gboolean first = p->first;
  Quote quote = { NULL, 0, 0, 0, 0 };

  if (p->head != NULL)
    g_string_append (out, p->head);
  for (guint i = p->begin; i < p->end; i++)
    switch (p->kind)
      {
      case PART_DOCUMENTS:
        if (i > 0)
          PUT (out, ",\n  ");
        else
          PUT (out, "\n  ");
        document (out, g_ptr_array_index (report->documents, i), report->extract);
        break;
      case PART_CLAIMS:
        {
          /* Every document's claims, in corpus order then text order. */
          const XrefDocument *doc = g_ptr_array_index (report->documents, i);
          for (guint j = 0; doc->claims != NULL && j < doc->claims->len; j++)
            {
              if (j + 2 < doc->claims->len)
                PREFETCH (g_ptr_array_index (doc->claims, j + 2));
              if (j + 1 < doc->claims->len)
                prefetch_claim_blocks (g_ptr_array_index (doc->claims, j + 1));
              if (first)
                PUT (out, "\n  ");
              else
                PUT (out, ",\n  ");
              first = FALSE;
              claim (out, m, &quote, g_ptr_array_index (doc->claims, j));
            }
        }
        break;
      case PART_ROWS:
      default:
        if (i > 0)
          PUT (out, ",\n  ");
        else
          PUT (out, "\n  ");
        row (out, m, p->keys, g_ptr_array_index (report->rows, i));
        break;
      }
  if (p->tail != NULL)
    g_string_append (out, p->tail);
}

/* ---- rendering parts on several threads --------------------------------- */

typedef struct {
  const XrefReport *report;
  const Part *parts;
  guint n_parts;
  guint n_slots;           /* parts in flight at most */
  GMutex lock;
  GCond cond;              /* a part is ready, or a slot was freed */
  guint next;              /* the next part to render */
  guint emitted;           /* parts handed out so far */
  GString **slot;          /* part i is rendered into slot[i % n_slots] */
  gboolean *ready;
} Pool;

/* Takes the next part whose slot is free, renders it, marks it ready. */
static gpointer
worker (gpointer data)
{
  Pool *pool = data;
  Memo *memo = memo_new ();

  g_mutex_lock (&pool->lock);
  for (;;)
    {
      guint i;

      while (pool->next < pool->n_parts && pool->next >= pool->emitted + pool->n_slots)
        g_cond_wait (&pool->cond, &pool->lock);
      if (pool->next >= pool->n_parts)
        break;
      i = pool->next++;
      g_mutex_unlock (&pool->lock);

      /* part i - n_slots was handed out, so the slot is this worker's */
      render_part (pool->report, &pool->parts[i], memo, pool->slot[i % pool->n_slots]);

      g_mutex_lock (&pool->lock);
      pool->ready[i % pool->n_slots] = TRUE;
      g_cond_broadcast (&pool->cond);
    }
  g_mutex_unlock (&pool->lock);
  memo_free (memo);
  return NULL;
}

/* Hands buf out after what out holds: to report->flush when set, else
 * appended to out. */
static void
emit (const XrefReport *report, GString *out, const GString *buf)
{
  if (report->flush == NULL)
    {
      g_string_append_len (out, buf->str, (gssize) buf->len);
      return;
    }
  if (out->len > 0)
    {
      report->flush (out->str, out->len, report->flush_data);
      g_string_truncate (out, 0);
    }
  if (buf->len > 0)
    report->flush (buf->str, buf->len, report->flush_data);
}

static void
render_parallel (const XrefReport *report, const GArray *parts, guint n_threads, GString *out)
{
  Pool pool = { 0 };
  GThread **threads = g_new0 (GThread *, n_threads);

  pool.report = report;
  pool.parts = (const Part *) (gconstpointer) parts->data;
  pool.n_parts = parts->len;
  pool.n_slots = 2 * n_threads + 2;
  pool.slot = g_new0 (GString *, pool.n_slots);
  pool.ready = g_new0 (gboolean, pool.n_slots);
  for (guint s = 0; s < pool.n_slots; s++)
    pool.slot[s] = g_string_sized_new (PART_BYTES + PART_BYTES / 4);
  g_mutex_init (&pool.lock);
  g_cond_init (&pool.cond);

  for (guint t = 0; t < n_threads; t++)
    threads[t] = g_thread_new ("xref-json", worker, &pool);

  /* This thread hands the parts out in order as they become ready. */
  for (guint i = 0; i < pool.n_parts; i++)
    {
      GString *buf = pool.slot[i % pool.n_slots];

      g_mutex_lock (&pool.lock);
      while (!pool.ready[i % pool.n_slots])
        g_cond_wait (&pool.cond, &pool.lock);
      g_mutex_unlock (&pool.lock);

      emit (report, out, buf);
      g_string_truncate (buf, 0);

      g_mutex_lock (&pool.lock);
      pool.ready[i % pool.n_slots] = FALSE;
      pool.emitted++;
      g_cond_broadcast (&pool.cond);
      g_mutex_unlock (&pool.lock);
    }

  for (guint t = 0; t < n_threads; t++)
    g_thread_join (threads[t]);
  g_free (threads);
  for (guint s = 0; s < pool.n_slots; s++)
    g_string_free (pool.slot[s], TRUE);
  g_free (pool.slot);
  g_free (pool.ready);
  g_mutex_clear (&pool.lock);
  g_cond_clear (&pool.cond);
}

/* Renders parts in order on n_threads threads (the caller only hands
 * them out) or, for one, on the calling thread. */
static void
render_parts (const XrefReport *report, const GArray *parts, guint n_threads, GString *out)
{
  Memo *memo;

  n_threads = MIN (n_threads, parts->len);
  if (n_threads > 1)
    {
      render_parallel (report, parts, n_threads, out);
      return;
    }
  memo = memo_new ();
  for (guint i = 0; i < parts->len; i++)
    {
      render_part (report, &g_array_index (parts, Part, i), memo, out);
      /* Hands out what is written when it is large (XrefReport.flush). */
      if (report->flush != NULL && out->len >= (1u << 20))
        {
          report->flush (out->str, out->len, report->flush_data);
          g_string_truncate (out, 0);
        }
    }
  memo_free (memo);
}

void
xref_render_json (const XrefReport *report, GString *out)
{
  guint n_threads = report->jobs > 0 ? report->jobs : g_get_num_processors ();

  if (report->rows_later != NULL && !report->extract)
    {
      /* The documents and claims do not depend on the rows: they are
       * rendered while the caller's match runs on one thread, on the
       * others, then the rows once rows_later has them. */
      XrefReport with_rows = *report;
      g_autoptr (GArray) head = plan (report, TRUE, FALSE, NULL);
      g_autoptr (GArray) tail = NULL;
      DocKeys *keys;

      render_parts (report, head, MAX (n_threads, 2u) - 1, out);
      with_rows.rows = report->rows_later (report->rows_later_data);
      with_rows.rows_later = NULL;
      keys = doc_keys_new (&with_rows);
      tail = plan (&with_rows, FALSE, TRUE, keys);
      render_parts (&with_rows, tail, n_threads, out);
      doc_keys_free (keys);
      return;
    }
  DocKeys *keys = report->extract ? NULL : doc_keys_new (report);
  g_autoptr (GArray) parts = plan (report, TRUE, TRUE, keys);
  render_parts (report, parts, n_threads, out);
  doc_keys_free (keys);
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
  claim (out, NULL, NULL, claim_);
}
