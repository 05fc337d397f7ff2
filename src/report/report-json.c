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
 *  - pieces are written into room reserved once (xref_report_room and
 *    xref_report_done, report-private.h; for the claims, once per claim,
 *    at a pointer kept in a register: w_put and
 *    the other w_ writers), keys are literals of known
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


#define PUT XREF_REPORT_PUT

/* "00" to "99": two digits per division (offsets have four or five). */
static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                     "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                     "8081828384858687888990919293949596979899";

/* write_uint for v of six digits or more. */
G_NO_INLINE static char *
write_uint_long (char *w, guint64 v)
{
  guint n = 6;
  char *end;

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

/* The decimal digits of v at w; returns the end. */
G_ALWAYS_INLINE static inline char *
write_uint (char *w, guint64 v)
{
  /* Offsets and lengths (nearly every integer of a report) have at most
   * five digits: each length written straight, in 32 bits, inline. */
  if (G_LIKELY (v < 100000))
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
  return write_uint_long (w, v);
}

/* A key literal (",\"start\":") then the integer n. */
static inline void
put_size (GString *out, const char *key, gsize key_len, guint64 n)
{
  char *w = xref_report_room (out, key_len + 20);

  memcpy (w, key, key_len);
  xref_report_done (out, write_uint (w + key_len, n));
}

#define FIELD_SIZE(out, key, n) put_size ((out), "" key, sizeof (key) - 1, (n))

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
#define MEMO_BITS 12
#define MEMO_SLOTS (1u << MEMO_BITS)
#define MEMO_LONG 54              /* longer escaped forms are not kept */

typedef struct {
  const char *key;
  guint8 len;
  char bytes[MEMO_LONG + 1];      /* the escaped form, quotes included */
} MemoSlot;                       /* 64 bytes: one cache line */

typedef struct {
  MemoSlot slot[MEMO_SLOTS];
  /* A claim's ",\"polarity\":…,\"modality\":…" as last written: nearly
   * every claim is affirmed and asserted, so both are one copy. */
  gint pm_polarity, pm_modality;   /* -1: none yet */
  guint8 pm_len;
  char pm[MEMO_LONG + 1];
} Memo;

static Memo *
memo_new (void)
{
  Memo *m = g_new0 (Memo, 1);

  m->pm_polarity = m->pm_modality = -1;
  return m;
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
      xref_report_put (out, key, key_len);
      xref_escape_json (out, s, -1);
      return;
    }
  w = xref_report_room (out, key_len + sizeof slot->bytes);
  memcpy (w, key, key_len);
  w += key_len;
  if (s == NULL)
    {
      memcpy (w, "null", 4);
      xref_report_done (out, w + 4);
      return;
    }
  /* Fibonacci hashing of the address */
  slot = &m->slot[((guint64) (guintptr) s * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> (64 - MEMO_BITS)];
  if (G_LIKELY (slot->key == s))
    {
      memcpy (w, slot->bytes, sizeof slot->bytes);
      xref_report_done (out, w + slot->len);
      return;
    }
  xref_report_done (out, w);
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

/* Claims, the bulk of the report, are written at a plain pointer w into
 * room reserved once per claim (claim_room: an upper bound of everything
 * but the claim's id), so that none of their forty-odd pieces checks the
 * GString's room, and w stays in a register: the GString's fields, which
 * every byte store may alias, are not reloaded.  Each writer below takes w
 * and returns the end of what it wrote.  The rare pieces written through
 * out (a memo miss) bring out up to date, write, and reserve the bound
 * again (still a bound of what is left). */

/* The bytes [s, s + n). */
G_ALWAYS_INLINE static inline char *
w_put (char *w, const char *s, gsize n)
{
  memcpy (w, s, n);
  return w + n;
}

/* A string literal. */
#define W_LIT(w, lit) ((w) = w_put ((w), "" lit, sizeof (lit) - 1))

/* A key literal then the integer n. */
#define W_SIZE(w, key, n) (W_LIT (w, key), (w) = write_uint ((w), (n)))

/* ",\"start\":start,\"end\":end". */
G_ALWAYS_INLINE static inline char *
w_start_end (char *w, guint64 start, guint64 end)
{
  W_SIZE (w, ",\"start\":", start);
  W_SIZE (w, ",\"end\":", end);
  return w;
}

/* The bytes a memo hit writes (the whole slot, whatever its length). */
#define W_ID_ROOM (sizeof ((MemoSlot *) NULL)->bytes)

/* The miss path of w_id: s escaped through out, then room for need bytes
 * again.  Also for m NULL (`xref extract --format jsonl`: no memo). */
G_NO_INLINE static char *
w_id_miss (char *w, GString *out, gsize need, MemoSlot *slot, const char *s)
{
  xref_report_done (out, w);
  if (slot != NULL)
    put_id_miss (out, slot, s);
  else
    xref_escape_json (out, s, -1);
  return xref_report_room (out, need);
}

/* s (NUL-terminated, or NULL) as a JSON string, through memo m when not
 * NULL; need is what claim_room reserved. */
G_ALWAYS_INLINE static inline char *
w_id (char *w, GString *out, gsize need, Memo *m, const char *s)
{
  MemoSlot *slot;

  if (s == NULL)
    return w_put (w, "null", 4);
  if (G_UNLIKELY (m == NULL))
    return w_id_miss (w, out, need, NULL, s);
  slot = &m->slot[((guint64) (guintptr) s * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> (64 - MEMO_BITS)];
  if (G_LIKELY (slot->key == s))
    {
      /* the whole slot: a fixed size, a few vector moves */
      memcpy (w, slot->bytes, sizeof slot->bytes);
      return w + slot->len;
    }
  return w_id_miss (w, out, need, slot, s);
}

/* The length of doc's span [start, end) as xref_report_span clamps it. */
static inline gsize
span_len (const XrefDocument *doc, gsize start, gsize end)
{
  if (doc == NULL || doc->text == NULL)
    return 0;
  end = MIN (end, doc->len);
  return end > start ? end - start : 0;
}

/* The text of doc's span [start, end) as a JSON string ("" when empty);
 * room for XREF_REPORT_JSON_ROOM of its span_len. */
G_ALWAYS_INLINE static inline char *
w_span (char *w, const XrefDocument *doc, gsize start, gsize end)
{
  gsize len;
  const char *s;

#if defined(__SSE2__)
  /* Most spans but the sentences (an actor, a value: "Moscow") are a few
   * plain bytes: one 16-byte test, written here without the escaper's
   * call, when 16 bytes of the text can be read from the start. */
  if (doc != NULL && doc->text != NULL && start < end && end <= doc->len && end - start <= 16
      && doc->len - start >= 16)
    {
      guint bad, n = (guint) (end - start);
      __m128i v = xref_report_json_load16 (doc->text + start, &bad);

      if ((bad & ((1u << n) - 1)) == 0)
        {
          w[0] = '"';
          _mm_storeu_si128 ((__m128i *) (w + 1), v);
          w[1 + n] = '"';
          return w + n + 2;
        }
    }
#endif
  s = xref_report_span (doc, start, end, &len);
  if (s == NULL)
    return w_put (w, "\"\"", 2);
  return xref_report_escape_json_to (w, s, len, (gsize) (doc->text + doc->len - s));
}

/* The most bytes w_arg writes for arg but its text. */
#define ARG_ROOM (16 + 16 + W_ID_ROOM + 8 + 2 * (16 + 20) + 8 + W_ID_ROOM + 1)

/* KEY{"<id_key>":…,"text":…,"start":…,"end":…[,"rule":…]} or KEYnull,
 * where KEY is the literal ",\"name\":" and ID_KEY "{\"id\":". */
G_ALWAYS_INLINE static inline char *
w_arg (char *w, GString *out, gsize need, Memo *m, const char *key, gsize key_len, const char *id_key,
       gsize id_key_len, const XrefDocument *doc, const XrefArg *arg)
{
  w = w_put (w, key, key_len);
  if (arg->id == NULL)
    return w_put (w, "null", 4);
  w = w_put (w, id_key, id_key_len);
  w = w_id (w, out, need, m, arg->id);
  W_LIT (w, ",\"text\":");
  w = w_span (w, doc, arg->start, arg->end);
  w = w_start_end (w, arg->start, arg->end);
  if (arg->rule != NULL)
    {
      W_LIT (w, ",\"rule\":");
      w = w_id (w, out, need, m, arg->rule);
    }
  *w++ = '}';
  return w;
}

#define W_ARG(w, key, id_key, arg) \
  ((w) = w_arg ((w), out, need, m, "" key, sizeof (key) - 1, "" id_key, sizeof (id_key) - 1, doc, (arg)))
#define W_ID(w, s) ((w) = w_id ((w), out, need, m, (s)))

/* The room of an arg: its fixed pieces and its text. */
static inline gsize
arg_room (const XrefDocument *doc, const XrefArg *a)
{
  return ARG_ROOM + XREF_REPORT_JSON_ROOM (span_len (doc, a->start, a->end));
}

/* An upper bound of the bytes claim writes after the claim's id. */
static gsize
claim_room (const XrefClaim *c)
{
  const XrefDocument *doc = c->doc;
  guint n_slots = c->slots != NULL ? c->slots->len : 0;
  guint n_rules = c->rules != NULL ? c->rules->len : 0;
  /* the keys and integers of the claim itself, its doc, polarity and
   * modality, each rule */
  gsize n = 256 + 3 * W_ID_ROOM + (gsize) n_rules * (1 + W_ID_ROOM);

  n += XREF_REPORT_JSON_ROOM (span_len (doc, c->start, c->end));
  n += arg_room (doc, &c->actor) + arg_room (doc, &c->action) + arg_room (doc, &c->object)
       + arg_room (doc, &c->date) + arg_room (doc, &c->speaker) + arg_room (doc, &c->source);
  for (guint i = 0; i < n_slots; i++)
    {
      const XrefSlotValue *v = &g_array_index (c->slots, XrefSlotValue, i);

      n += 1 + W_ID_ROOM + ARG_ROOM + XREF_REPORT_JSON_ROOM (span_len (doc, v->start, v->end));
    }
  return n;
}

static void
claim (GString *out, Memo *m, Quote *q, const XrefClaim *c)
{
  const XrefDocument *doc = c->doc;
  gsize need;
  char *w;

  PUT (out, "{\"id\":");
  xref_escape_json (out, c->id, -1);
  need = claim_room (c);
  w = xref_report_room (out, need);
  W_LIT (w, ",\"doc\":");
  W_ID (w, doc != NULL ? doc->id : NULL);
  w = w_start_end (w, c->start, c->end);
  W_LIT (w, ",\"sentence\":");
  if (q != NULL && q->doc == doc && doc != NULL && q->start == c->start && q->end == c->end)
    w = w_put (w, out->str + q->at, q->len);
  else
    {
      char *at = w;

      w = w_span (w, doc, c->start, c->end);
      if (q != NULL)
        {
          q->doc = doc;
          q->start = c->start;
          q->end = c->end;
          q->at = (gsize) (at - out->str);
          q->len = (gsize) (w - at);
        }
    }
  W_SIZE (w, ",\"sentence_index\":", c->sentence);

  W_ARG (w, ",\"actor\":", "{\"id\":", &c->actor);
  W_ARG (w, ",\"action\":", "{\"id\":", &c->action);
  W_ARG (w, ",\"object\":", "{\"id\":", &c->object);
  W_ARG (w, ",\"date\":", "{\"value\":", &c->date);

  W_LIT (w, ",\"slots\":{");
  for (guint i = 0; c->slots != NULL && i < c->slots->len; i++)
    {
      const XrefSlotValue *v = &g_array_index (c->slots, XrefSlotValue, i);
      if (i > 0)
        *w++ = ',';
      W_ID (w, v->slot != NULL ? v->slot : "");
      W_LIT (w, ":{\"value\":");
      W_ID (w, v->value);
      W_LIT (w, ",\"text\":");
      w = w_span (w, doc, v->start, v->end);
      w = w_start_end (w, v->start, v->end);
      if (v->rule != NULL)
        {
          W_LIT (w, ",\"rule\":");
          W_ID (w, v->rule);
        }
      *w++ = '}';
    }
  *w++ = '}';

  if (m != NULL && m->pm_polarity == (gint) c->polarity && m->pm_modality == (gint) c->modality)
    {
      memcpy (w, m->pm, sizeof m->pm);
      w += m->pm_len;
    }
  else
    {
      /* by offset: a memo miss may move out's bytes */
      gsize at = (gsize) (w - out->str);

      W_LIT (w, ",\"polarity\":");
      W_ID (w, xref_polarity_name (c->polarity));
      W_LIT (w, ",\"modality\":");
      W_ID (w, xref_modality_name (c->modality));
      if (m != NULL && (gsize) (w - out->str) - at <= sizeof m->pm)
        {
          m->pm_polarity = (gint) c->polarity;
          m->pm_modality = (gint) c->modality;
          m->pm_len = (guint8) ((gsize) (w - out->str) - at);
          memcpy (m->pm, out->str + at, m->pm_len);
        }
    }
  W_ARG (w, ",\"speaker\":", "{\"id\":", &c->speaker);
  W_ARG (w, ",\"source\":", "{\"id\":", &c->source);

  W_LIT (w, ",\"rules\":[");
  for (guint i = 0; c->rules != NULL && i < c->rules->len; i++)
    {
      if (i > 0)
        *w++ = ',';
      W_ID (w, g_ptr_array_index (c->rules, i));
    }
  W_LIT (w, "]}");
  xref_report_done (out, w);
}

/* The escaped ids of the documents, for the sources of the rows.  Every
 * row has a source per document that reports its topic, so a large report
 * writes each document's id many times: with thousands of documents they
 * would only thrash the memo (keyed by the ids' addresses, as many as the
 * documents).  Built once before the rows are rendered, read-only after
 * (shared by the workers): the bytes by document index, and a table from
 * a document's address to its index (open addressing, Fibonacci hashing,
 * at most half full). */
typedef struct {
  const GPtrArray *documents;
  GString *bytes;          /* "{\"doc\":" and the escaped id, one after the other */
  gsize *at;               /* document i's are bytes[at[i], at[i + 1]) */
  guint n;
  guint bits;              /* the table has 1 << bits slots */
  const XrefDocument **slot_doc;   /* NULL: a free slot */
  guint *slot_index;
} DocKeys;

static inline guint
doc_keys_hash (const DocKeys *k, const XrefDocument *doc)
{
  return (guint) (((guint64) (guintptr) doc * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> (64 - k->bits));
}

static DocKeys *
doc_keys_new (const XrefReport *report)
{
  DocKeys *k = g_new0 (DocKeys, 1);
  guint mask;

  k->documents = report->documents;
  k->n = report->documents != NULL ? report->documents->len : 0;
  k->bytes = g_string_sized_new (64 * (gsize) k->n + 1);
  k->at = g_new (gsize, k->n + 1);
  k->bits = 4;
  while ((1u << k->bits) < 2 * k->n)
    k->bits++;
  mask = (1u << k->bits) - 1;
  k->slot_doc = g_new0 (const XrefDocument *, mask + 1);
  k->slot_index = g_new0 (guint, mask + 1);
  for (guint i = 0; i < k->n; i++)
    {
      const XrefDocument *doc = g_ptr_array_index (report->documents, i);
      guint h;

      k->at[i] = k->bytes->len;
      PUT (k->bytes, "{\"doc\":");
      xref_escape_json (k->bytes, doc->id, -1);
      for (h = doc_keys_hash (k, doc); k->slot_doc[h] != NULL && k->slot_doc[h] != doc; h = (h + 1) & mask)
        ;
      if (k->slot_doc[h] == NULL)
        {
          k->slot_doc[h] = doc;
          k->slot_index[h] = i;
        }
    }
  k->at[k->n] = k->bytes->len;
  return k;
}

/* The index of doc among the documents of the report, or -1; hint is
 * where it is when the sources list every document in corpus order (up
 * to XREF_MATCH_DENSE_MAX documents), which is checked first. */
static inline gint
doc_keys_find (const DocKeys *k, const XrefDocument *doc, guint hint)
{
  const guint mask = (1u << k->bits) - 1;

  if (doc == NULL)
    return -1;
  if (hint < k->n && g_ptr_array_index (k->documents, hint) == doc)
    return (gint) hint;
  for (guint h = doc_keys_hash (k, doc); k->slot_doc[h] != NULL; h = (h + 1) & mask)
    if (k->slot_doc[h] == doc)
      return (gint) k->slot_index[h];
  return -1;
}

static void
doc_keys_free (DocKeys *k)
{
  if (k == NULL)
    return;
  g_string_free (k->bytes, TRUE);
  g_free (k->at);
  g_free (k->slot_doc);
  g_free (k->slot_index);
  g_free (k);
}

/* A source; its "{\"doc\":…" from keys when not NULL (hint: see
 * doc_keys_find). */
static void
json_source (GString *out, Memo *m, const DocKeys *keys, guint hint, const XrefSource *s)
{
  static const char omits[] = ",\"status\":\"omits\",\"claim\":null,\"value\":null,\"text\":null}";
  const char *text;
  gint index = keys != NULL ? doc_keys_find (keys, s->doc, hint) : -1;
  gsize len, need;
  char *w;

  if (index >= 0)
    {
      gsize key_len = keys->at[index + 1] - keys->at[index];

      /* Most sources of a large report are documents that leave the row's
       * value out: their value and text are null, so the rest is one
       * literal (or two around the claim's id), written with the key. */
      if (!s->states && s->claim == NULL)
        {
          w = xref_report_room (out, key_len + sizeof omits);
          w = w_put (w, keys->bytes->str + keys->at[index], key_len);
          xref_report_done (out, w_put (w, omits, sizeof omits - 1));
          return;
        }
      xref_report_put (out, keys->bytes->str + keys->at[index], key_len);
    }
  else
    FIELD_ID (out, m, "{\"doc\":", s->doc != NULL ? s->doc->id : NULL);
  if (!s->states)
    {
      if (s->claim == NULL)
        xref_report_put (out, omits, sizeof omits - 1);
      else
        {
          FIELD_STR (out, ",\"status\":\"omits\",\"claim\":", s->claim->id);
          PUT (out, ",\"value\":null,\"text\":null}");
        }
      return;
    }
  FIELD_STR (out, ",\"status\":\"states\",\"claim\":", s->claim != NULL ? s->claim->id : NULL);
  /* the rest at a pointer, as for the claims */
  text = xref_report_span (s->doc, s->start, s->end, &len);
  need = 128 + 3 * W_ID_ROOM + XREF_REPORT_JSON_ROOM (len);
  w = xref_report_room (out, need);
  W_LIT (w, ",\"value\":");
  W_ID (w, s->value);
  W_LIT (w, ",\"text\":");
  if (text != NULL)
    w = xref_report_escape_json_to (w, text, len, (gsize) (s->doc->text + s->doc->len - text));
  else
    W_LIT (w, "null");
  w = w_start_end (w, s->start, s->end);
  W_LIT (w, ",\"speaker\":");
  W_ID (w, s->speaker);
  W_LIT (w, ",\"date\":");
  W_ID (w, s->date);
  *w++ = '}';
  xref_report_done (out, w);
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

      if (i > 0)
        PUT (out, ",");
      json_source (out, m, keys, i, s);
    }
  /* further values of other speakers in the same documents */
  PUT (out, "],\"voices\":[");
  for (guint i = 0; r->voices != NULL && i < r->voices->len; i++)
    {
      if (i > 0)
        PUT (out, ",");
      json_source (out, m, keys, G_MAXUINT, &g_array_index (r->voices, XrefSource, i));
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
  const GArray *parts;     /* Part */
} Plan;

static void
json_part (GString *out, guint i, gpointer data, gpointer state)
{
  const Plan *plan = data;

  render_part (plan->report, &g_array_index (plan->parts, Part, i), state, out);
}

/* Each rendering thread's own memo of escaped ids. */
static gpointer
json_memo_new (gpointer data)
{
  return memo_new ();
}

static void
json_memo_free (gpointer memo)
{
  memo_free (memo);
}

/* Renders parts in order on n_threads threads (the caller only hands
 * them out) or, for one, on the calling thread (report.c). */
static void
render_parts (const XrefReport *report, const GArray *parts, guint n_threads, GString *out)
{
  Plan plan = { report, parts };

  xref_report_run_parts (report, parts->len, MAX (n_threads, 1u), json_part, &plan, json_memo_new, json_memo_free,
                         out);
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
      /* the documents' keys do not depend on the rows either: made
       * before waiting for them, while match may still run */
      keys = doc_keys_new (report);
      with_rows.rows = report->rows_later (report->rows_later_data);
      with_rows.rows_later = NULL;
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
