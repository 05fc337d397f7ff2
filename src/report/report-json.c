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
 *    the other w_ writers; only a span longer than a few bytes makes
 *    its own room), keys are literals of known length (a null arg is
 *    one copy with its key), integers are formatted by hand (four digits
 *    from one table entry), the escaper copies runs of plain bytes at
 *    once (report-escape.c), ids come from a memo, a claim's id and doc
 *    from its document's escaped id (w_claim_id), a sentence quoted
 *    again by a claim of its document is copied (Quote), and the rows'
 *    document keys come from a table built once (DocKeys);
 *  - the memory a claim or source reads (its lines, the memo's lines of
 *    its rarer ids, its rules' array, a source's text) is asked for a
 *    record or more ahead: rendering is bound by those misses more than
 *    by writing;
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

/* The bytes [s, s + n). */
G_ALWAYS_INLINE static inline char *
w_put (char *w, const char *s, gsize n)
{
  memcpy (w, s, n);
  return w + n;
}

/* A string literal. */
#define W_LIT(w, lit) ((w) = w_put ((w), "" lit, sizeof (lit) - 1))

/* "00" to "99": two digits per division (offsets have four or five). */
static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                     "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                     "8081828384858687888990919293949596979899";

/* "0000" to "9999": the four digits of an offset in one 4-byte copy (a
 * report's integers are nearly all offsets into documents of a few KB).
 * 40 KB, made by the compiler. */
#define QUAD(a, b, c, d) { '0' + (a), '0' + (b), '0' + (c), '0' + (d) }
#define QUAD10(a, b, c) QUAD (a, b, c, 0), QUAD (a, b, c, 1), QUAD (a, b, c, 2), QUAD (a, b, c, 3), QUAD (a, b, c, 4), \
  QUAD (a, b, c, 5), QUAD (a, b, c, 6), QUAD (a, b, c, 7), QUAD (a, b, c, 8), QUAD (a, b, c, 9)
#define QUAD100(a, b) QUAD10 (a, b, 0), QUAD10 (a, b, 1), QUAD10 (a, b, 2), QUAD10 (a, b, 3), QUAD10 (a, b, 4), \
  QUAD10 (a, b, 5), QUAD10 (a, b, 6), QUAD10 (a, b, 7), QUAD10 (a, b, 8), QUAD10 (a, b, 9)
#define QUAD1000(a) QUAD100 (a, 0), QUAD100 (a, 1), QUAD100 (a, 2), QUAD100 (a, 3), QUAD100 (a, 4), \
  QUAD100 (a, 5), QUAD100 (a, 6), QUAD100 (a, 7), QUAD100 (a, 8), QUAD100 (a, 9)
static const char digit_quads[10000][4] = {
  QUAD1000 (0), QUAD1000 (1), QUAD1000 (2), QUAD1000 (3), QUAD1000 (4),
  QUAD1000 (5), QUAD1000 (6), QUAD1000 (7), QUAD1000 (8), QUAD1000 (9),
};

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
  /* Offsets (nearly every integer of a report) are mostly of four digits
   * (documents of a few KB), then three: those first, one compare each
   * instead of a walk down from one digit, and their digits one copy from
   * the table (all four of it: the fourth byte of a number of three is
   * overwritten by what follows, inside the room of the number). */
  if (G_LIKELY (v - 1000 < 9000))
    {
      memcpy (w, digit_quads[v], 4);
      return w + 4;
    }
  if (v - 100 < 900)
    {
      memcpy (w, digit_quads[v] + 1, 4);
      return w + 3;
    }
  if (v < 100)
    {
      guint x = (guint) v;

      if (x < 10)
        {
          w[0] = (char) ('0' + x);
          return w + 1;
        }
      memcpy (w, digit_pairs + 2 * x, 2);
      return w + 2;
    }
  if (v < 100000)
    {
      guint x = (guint) v;

      w[0] = (char) ('0' + x / 10000);
      x %= 10000;
      memcpy (w + 1, digit_pairs + 2 * (x / 100), 2);
      memcpy (w + 3, digit_pairs + 2 * (x % 100), 2);
      return w + 5;
    }
  return write_uint_long (w, v);
}

/* write_uint for a number that is mostly under 100 (a sentence's index):
 * those first, instead of after the tests for offsets. */
G_ALWAYS_INLINE static inline char *
write_uint_small (char *w, guint64 v)
{
  if (G_LIKELY (v < 100))
    {
      if (v < 10)
        {
          w[0] = (char) ('0' + v);
          return w + 1;
        }
      memcpy (w, digit_pairs + 2 * v, 2);
      return w + 2;
    }
  return write_uint (w, v);
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
#define MEMO_BITS 13
#define MEMO_SLOTS (1u << MEMO_BITS)
#define MEMO_LONG 54              /* longer escaped forms are not kept */
#define DOC_ESC_MAX 64            /* nor longer escaped document ids */
#define ESC_COPY 56               /* w_claim_id copies so many bytes of them */

typedef struct {
  const char *key;
  guint8 len;
  char bytes[MEMO_LONG + 1];      /* the escaped form, quotes included */
} MemoSlot;                       /* 64 bytes: one cache line */

/* A claim's rules list, written: most claims of xref_extract_claims
 * share their list with others (one GPtrArray per distinct list, kept
 * until exit), so ",\"rules\":[…]}" is kept by the array's address like
 * the ids, and a hit is one copy instead of a memo lookup per rule.
 * 4096 slots (512 KB): a 10 MB corpus has some 5,500 distinct lists, and
 * with 1024 a quarter of the claims missed (each miss reads the list's
 * array, elsewhere on the heap, then every id). */
#define RULES_BITS 12
#define RULES_SLOTS (1u << RULES_BITS)
#define RULES_LONG 118            /* longer forms are not kept */

typedef struct {
  const GPtrArray *key;
  guint8 len;
  char bytes[RULES_LONG + 1];
} RulesSlot;                      /* 128 bytes: two cache lines */

typedef struct {
  MemoSlot slot[MEMO_SLOTS];
  RulesSlot rules[RULES_SLOTS];
  /* A claim's ",\"polarity\":…,\"modality\":…" as last written: nearly
   * every claim is affirmed and asserted, so both are one copy. */
  gint pm_polarity, pm_modality;   /* -1: none yet */
  guint8 pm_len;
  char pm[MEMO_LONG + 1];
  /* The document whose claims are being written (NULL: none yet), its
   * id's length and its id escaped, quotes included, when that fits
   * (doc_esc_len 0 when not): every claim writes it twice, as its "doc"
   * and in its own id (w_claim_id). */
  const XrefDocument *doc;
  gsize doc_id_len;
  guint8 doc_esc_len;
  char doc_esc[DOC_ESC_MAX];
} Memo;

static Memo *
memo_new (void)
{
  Memo *m = g_new0 (Memo, 1);

  m->pm_polarity = m->pm_modality = -1;
  m->doc = NULL;
  return m;
}

static void
memo_free (Memo *m)
{
  g_free (m);
}

/* The memo's slot for s (Fibonacci hashing of the address). */
static inline MemoSlot *
memo_slot (const Memo *m, const char *s)
{
  return (MemoSlot *) &m->slot[xref_hash_ptr (s, MEMO_BITS)];
}

/* The rules memo's slot for the list rules. */
static inline RulesSlot *
rules_slot (const Memo *m, const GPtrArray *rules)
{
  return (RulesSlot *) &m->rules[xref_hash_ptr (rules, RULES_BITS)];
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
  slot = memo_slot (m, s);
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

static void
document (GString *out, const XrefDocument *doc, gboolean extract)
{
  FIELD_STR (out, "{\"id\":", doc->id);
  FIELD_STR (out, ",\"outlet\":", doc->outlet);
  /* The contract allows only "YYYY-MM-DD" or null; a partial date (only
   * "December 28" was found) is kept in an added field. */
  {
    const char *iso = xref_date_to_iso (&doc->date);
    gboolean complete = xref_date_is_complete (&doc->date);

    FIELD_STR (out, ",\"date\":", complete ? iso : NULL);
    if (!complete && iso != NULL)
      FIELD_STR (out, ",\"date_partial\":", iso);
  }
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

/* The sentences a part's claims quote, as written into out.  A sentence
 * with several claims is quoted by each of them (half the claims of a
 * corpus quote a sentence already quoted in their document, most the one
 * of the claim before, the rest a few claims back), so the escaped bytes
 * already in out are copied instead of escaping the text again.  An entry
 * per sentence index (modulo QUOTE_SLOTS), kept by offset in out (which
 * may move when it grows), is used only when its document and span are
 * the claim's own: the index only picks the entry, so a claim that gives
 * another index than its sentence's only misses.  For the records of one
 * part (a document's claims are never split between parts): the part is
 * not flushed while it is written, so the bytes are still there. */
#define QUOTE_SLOTS 64

typedef struct {
  const XrefDocument *doc;     /* NULL: empty */
  XrefOffset start, end;       /* the span quoted */
  gsize at, len;               /* its escaped form: out->str[at, at + len) */
} QuoteSlot;

typedef struct {
  QuoteSlot slot[QUOTE_SLOTS];
} Quote;

/* Claims, the bulk of the report, are written at a plain pointer w into
 * room reserved once per claim (claim_room: an upper bound of everything
 * but the claim's id), so that none of their forty-odd pieces checks the
 * GString's room, and w stays in a register: the GString's fields, which
 * every byte store may alias, are not reloaded.  Each writer below takes w
 * and returns the end of what it wrote.  The rare pieces written through
 * out (a memo miss) bring out up to date, write, and reserve the bound
 * again (still a bound of what is left). */


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
 * again.  Also for m NULL (`xref extract --format jsonl`: no memo).  An
 * id that fits the memo and needs no escape (nearly all) goes into the
 * slot and at w without going through out. */
G_NO_INLINE static char *
w_id_miss (char *w, GString *out, gsize need, MemoSlot *slot, const char *s)
{
#if defined(__SSE2__)
  gsize n = strlen (s);

  if (slot != NULL && n + 2 <= MEMO_LONG)
    {
      /* s copied into src to be tested 16 bytes at a time (the bytes past
       * n are masked off), written into esc between quotes; when nothing
       * needs escaping, esc is the slot's bytes */
      char src[MEMO_LONG + 16], esc[MEMO_LONG + 32];
      guint bad_all = 0;

      G_STATIC_ASSERT (sizeof esc >= sizeof slot->bytes);
      memcpy (src, s, n);
      for (gsize i = 0; i < n; i += 16)
        {
          guint bad;
          __m128i v = xref_report_json_load16 (src + i, &bad);

          _mm_storeu_si128 ((__m128i *) (esc + 1 + i), v);
          if (n - i < 16)
            bad &= (1u << (n - i)) - 1;
          bad_all |= bad;
        }
      if (bad_all == 0)
        {
          esc[0] = '"';
          esc[n + 1] = '"';
          slot->key = s;
          slot->len = (guint8) (n + 2);
          memcpy (slot->bytes, esc, sizeof slot->bytes);
          memcpy (w, esc, sizeof slot->bytes);
          return w + n + 2;
        }
    }
#endif
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
  slot = memo_slot (m, s);
  if (G_LIKELY (slot->key == s))
    {
      /* fixed sizes, a few vector moves: 32 bytes (most escaped ids),
       * then the rest of the slot when the id is longer */
      memcpy (w, slot->bytes, 32);
      if (slot->len > 32)
        memcpy (w + 32, slot->bytes + 32, sizeof slot->bytes - 32);
      return w + slot->len;
    }
  return w_id_miss (w, out, need, slot, s);
}

/* A document's text and its length for w_span: NULL and 0 when doc or
 * its text is NULL.  Read once per record into locals (the writers' byte
 * stores could alias the document's fields: the compiler would reload
 * them for every span). */
#define DOC_TEXT(doc) ((doc) != NULL ? (doc)->text : NULL)
#define DOC_LEN(doc) ((doc) != NULL && (doc)->text != NULL ? (doc)->len : 0)

/* The slow path of w_room: w's bytes handed to out, room made. */
G_NO_INLINE static char *
w_grow (char *w, GString *out, gsize n)
{
  xref_report_done (out, w);
  return xref_report_room (out, n);
}

/* Room for n more bytes at w, a pointer into out's room: w itself when
 * out has them, else where w's bytes are once out has grown. */
G_ALWAYS_INLINE static inline char *
w_room (char *w, GString *out, gsize n)
{
  if (G_UNLIKELY ((gsize) (out->str + out->allocated_len - w) <= n))
    return w_grow (w, out, n);
  return w;
}

/* The span [start, end) of text (len bytes, or NULL and 0) as a JSON
 * string, clamped as xref_report_span does ("" when empty).  w has room
 * for XREF_REPORT_JSON_ROOM (0) bytes and need more (what the record's
 * writer reserved for the rest of it): a span of a few plain bytes takes
 * the fast path below, which writes no more; a longer one makes room for
 * its escaped form first (most are a record's sentence: a span can be up
 * to the whole text, too much to reserve for every one of a record's
 * spans up front). */
G_ALWAYS_INLINE static inline char *
w_span (char *w, GString *out, gsize need, const char *text, gsize len, gsize start, gsize end)
{
#if defined(__SSE2__)
  /* Most spans but the sentences (an actor, a value: "Moscow") are a few
   * plain bytes: one 16-byte test, written here without the escaper's
   * call, when 16 bytes of the text can be read from the start.
   * (end - start - 1 < 16: 1 to 16 bytes; len - start >= 16: 16 bytes
   * readable from start, and end <= len then follows; len is 0 without a
   * text) */
  if (end - start - 1 < 16 && start <= len && len - start >= 16)
    {
      guint bad, n = (guint) (end - start);
      __m128i v = xref_report_json_load16 (text + start, &bad);

      if ((bad & ((1u << n) - 1)) == 0)
        {
          w[0] = '"';
          _mm_storeu_si128 ((__m128i *) (w + 1), v);
          w[1 + n] = '"';
          return w + n + 2;
        }
    }
#endif
  end = MIN (end, len);
  start = MIN (start, end);
  if (start == end)
    return w_put (w, "\"\"", 2);
  w = w_room (w, out, XREF_REPORT_JSON_ROOM (end - start) + need);
  return xref_report_escape_json_to (w, text + start, end - start, len - start);
}

/* The most bytes w_arg writes for arg but its text. */
#define ARG_ROOM (16 + 16 + W_ID_ROOM + 8 + 2 * (16 + 20) + 8 + W_ID_ROOM + 1)

/* KEY{"<id_key>":…,"text":…,"start":…,"end":…[,"rule":…]} or KEYnull,
 * where KEY is the literal ",\"name\":" and ID_KEY "{\"id\":": open is
 * KEY and ID_KEY as one literal, null KEY and "null" (one copy each). */
G_ALWAYS_INLINE static inline char *
w_arg (char *w, GString *out, gsize need, Memo *m, const char *open, gsize open_len, const char *null,
       gsize null_len, const char *text, gsize len, const XrefArg *arg, const char *rule)
{
  if (arg->id == NULL)
    return w_put (w, null, null_len);
  w = w_put (w, open, open_len);
  w = w_id (w, out, need, m, arg->id);
  W_LIT (w, ",\"text\":");
  w = w_span (w, out, need, text, len, arg->start, arg->end);
  w = w_start_end (w, arg->start, arg->end);
  if (rule != NULL)
    {
      W_LIT (w, ",\"rule\":");
      w = w_id (w, out, need, m, rule);
    }
  *w++ = '}';
  return w;
}

#define W_ARG(w, key, id_key, c, role) \
  ((w) = w_arg ((w), out, need, m, "" key id_key, sizeof (key id_key) - 1, "" key "null", sizeof (key "null") - 1, \
                text, len, xref_claim_arg ((c), (role)), xref_claim_arg_rule ((c), (role))))
#define W_ID(w, s) ((w) = w_id ((w), out, need, m, (s)))

/* An upper bound of the bytes claim writes after the claim's id, but the
 * texts of spans longer than w_span's fast path and the rules (which make
 * their own room). */
G_ALWAYS_INLINE static inline gsize
claim_room (const XrefClaim *c)
{
  guint n_slots = c->slots != NULL ? c->slots->len : 0;

  /* the keys and integers of the claim itself, its doc, polarity and
   * modality, the six args and each slot, and their texts as short spans
   * (not its rules: w_rules makes their room, so that the rules' array,
   * shared and elsewhere on the heap, is read only when the memo does
   * not have the list) */
  return 256 + 3 * W_ID_ROOM + 7 * XREF_REPORT_JSON_ROOM (0) + 6 * ARG_ROOM
         + (gsize) n_slots * (1 + W_ID_ROOM + ARG_ROOM + XREF_REPORT_JSON_ROOM (0));
}

/* The escaped id esc[0, esc_len) without its closing quote at w;
 * returns its end.  Short ones (nearly all) as one fixed-size copy: 32
 * bytes when esc_len - 1 <= 32 (the bytes of a DocKey's inline key up to
 * its line's end), ESC_COPY when esc_len <= ESC_COPY; so many bytes must
 * be readable at esc, and w have room for ESC_COPY. */
G_ALWAYS_INLINE static inline char *
w_esc_open (char *w, const char *esc, gsize esc_len)
{
  if (G_LIKELY (esc_len <= 33))
    memcpy (w, esc, 32);
  else if (esc_len <= ESC_COPY)
    memcpy (w, esc, ESC_COPY);
  else
    memcpy (w, esc, esc_len - 1);
  return w + esc_len - 1;
}

/* A claim's id written from its document's id already escaped.  The
 * claims of xref_extract_claims have ids "<doc id>#<n>" (extract.h), so
 * only the digits after the document's id need a look: the id is written
 * as esc[0, esc_len) (the document's id escaped, quotes included) without
 * its closing quote, then '#', the digits and the quote.  doc_id_len is
 * the length of doc_id.  Returns the end, or NULL (having maybe written
 * at w) when id has another form: the caller then escapes it the general
 * way.  Writes at most MAX (esc_len, ESC_COPY) + 12 bytes; ESC_COPY
 * bytes must be readable at esc. */
G_ALWAYS_INLINE static inline char *
w_claim_id (char *w, const char *id, const char *doc_id, gsize doc_id_len, const char *esc, gsize esc_len)
{
  const char *p = id + doc_id_len;
  guint k;

  /* strncmp, not memcmp: id may be shorter than doc_id */
  if (strncmp (id, doc_id, doc_id_len) != 0 || p[0] != '#')
    return NULL;
  w = w_esc_open (w, esc, esc_len);
  w[0] = '#';
  for (k = 1; p[k] >= '0' && p[k] <= '9'; k++)
    {
      if (k > 10)
        return NULL;
      w[k] = p[k];
    }
  if (p[k] != '\0' || k == 1)
    return NULL;
  w[k] = '"';
  return w + k + 1;
}

/* What w_claim_id writes for a claim whose id is known to be "<doc
 * id>#<n>": the escaped document id esc[0, esc_len) without its closing
 * quote (ESC_COPY bytes readable at esc, and room for them at w), '#', n
 * and the quote. */
G_ALWAYS_INLINE static inline char *
w_claim_n (char *w, const char *esc, gsize esc_len, guint32 n)
{
  w = w_esc_open (w, esc, esc_len);
  *w++ = '#';
  w = write_uint (w, n);
  *w++ = '"';
  return w;
}

/* Makes m's document doc (w_claim_id and the claims' "doc"). */
G_NO_INLINE static void
memo_set_doc (Memo *m, const XrefDocument *doc)
{
  /* escaped on the stack (no GString per document): an id longer than
   * DOC_ESC_MAX cannot fit escaped, and is not kept */
  char esc[XREF_REPORT_JSON_ROOM (DOC_ESC_MAX)];
  gsize n;

  m->doc = doc;
  m->doc_esc_len = 0;
  if (doc == NULL || doc->id == NULL)
    return;
  n = m->doc_id_len = strlen (doc->id);
  if (n <= DOC_ESC_MAX)
    {
      n = (gsize) (xref_report_escape_json_to (esc, doc->id, n, n) - esc);
      if (n <= sizeof m->doc_esc)
        {
          memcpy (m->doc_esc, esc, n);
          m->doc_esc_len = (guint8) n;
        }
    }
}

/* A claim's rules and the claim's end: ,"rules":[…]} (rules may be NULL),
 * through m's rules memo when m is not NULL. */
G_ALWAYS_INLINE static inline char *
w_rules (char *w, GString *out, gsize need, Memo *m, const GPtrArray *rules)
{
  RulesSlot *slot = NULL;
  gsize at = 0;

  if (m != NULL && rules != NULL)
    {
      slot = rules_slot (m, rules);
      if (G_LIKELY (slot->key == rules))
        {
          /* fixed sizes, a few vector moves: 64 bytes (most lists), then
           * the rest of the slot when the list is longer */
          w = w_room (w, out, sizeof slot->bytes);
          memcpy (w, slot->bytes, 64);
          if (slot->len > 64)
            memcpy (w + 64, slot->bytes + 64, sizeof slot->bytes - 64);
          return w + slot->len;
        }
    }
  /* the list's own room: a bound of what is left (a memo miss of one of
   * the ids makes it again) */
  need = 16 + (rules != NULL ? (gsize) rules->len : 0) * (1 + W_ID_ROOM);
  w = w_room (w, out, need);
  /* by offset: a memo miss may move out's bytes */
  at = (gsize) (w - out->str);
  W_LIT (w, ",\"rules\":[");
  for (guint i = 0; rules != NULL && i < rules->len; i++)
    {
      if (i > 0)
        *w++ = ',';
      W_ID (w, g_ptr_array_index (rules, i));
    }
  W_LIT (w, "]}");
  if (slot != NULL && (gsize) (w - out->str) - at <= RULES_LONG)
    {
      slot->key = rules;
      slot->len = (guint8) ((gsize) (w - out->str) - at);
      memcpy (slot->bytes, out->str + at, slot->len);
    }
  return w;
}

/* What claim writes before a claim. */
typedef enum {
  SEP_NONE,
  SEP_FIRST,               /* "\n  " */
  SEP_NEXT,                /* ",\n  " */
} Sep;

/* A claim, after sep; m and q may be NULL (no memo, no quote). */
G_ALWAYS_INLINE static inline void
claim_in (GString *out, Memo *m, Quote *q, const XrefClaim *c, Sep sep)
{
  const XrefDocument *doc = c->doc;
  const char *text = DOC_TEXT (doc);
  const gsize len = DOC_LEN (doc);
  gsize need;
  char *w, *end;
  QuoteSlot *qs;

  if (m != NULL && G_UNLIKELY (m->doc != doc))
    memo_set_doc (m, doc);
  if (m != NULL && m->doc_esc_len > 0)
    {
      /* the id and the doc from the document's escaped id: the room of
       * both (a whole number of vectors for the doc's copy) */
      need = claim_room (c) + 2 * sizeof m->doc_esc + 32;
      w = xref_report_room (out, need);
      if (sep == SEP_NEXT)
        W_LIT (w, ",\n  {\"id\":");
      else if (sep == SEP_FIRST)
        W_LIT (w, "\n  {\"id\":");
      else
        W_LIT (w, "{\"id\":");
      end = w_claim_id (w, c->id, doc->id, m->doc_id_len, m->doc_esc, m->doc_esc_len);
      if (G_UNLIKELY (end == NULL))
        {
          xref_report_done (out, w);
          xref_escape_json (out, c->id, -1);
          end = xref_report_room (out, need);
        }
      w = end;
      W_LIT (w, ",\"doc\":");
      /* the whole buffer: a fixed size, a few vector moves */
      memcpy (w, m->doc_esc, sizeof m->doc_esc);
      w += m->doc_esc_len;
    }
  else
    {
      if (sep == SEP_NEXT)
        PUT (out, ",");
      if (sep != SEP_NONE)
        PUT (out, "\n  ");
      PUT (out, "{\"id\":");
      xref_escape_json (out, c->id, -1);
      need = claim_room (c);
      w = xref_report_room (out, need);
      W_LIT (w, ",\"doc\":");
      W_ID (w, doc != NULL ? doc->id : NULL);
    }
  w = w_start_end (w, c->start, c->end);
  W_LIT (w, ",\"sentence\":");
  qs = q != NULL ? &q->slot[c->sentence % QUOTE_SLOTS] : NULL;
  if (qs != NULL && qs->doc == doc && doc != NULL && qs->start == c->start && qs->end == c->end)
    {
      /* (room first: out may move) */
      w = w_room (w, out, qs->len + need);
      w = w_put (w, out->str + qs->at, qs->len);
    }
  else
    {
      /* by offset: w_span may move out's bytes */
      gsize at = (gsize) (w - out->str);

      w = w_span (w, out, need, text, len, c->start, c->end);
      if (qs != NULL)
        {
          qs->doc = doc;
          qs->start = c->start;
          qs->end = c->end;
          qs->at = at;
          qs->len = (gsize) (w - out->str) - at;
        }
    }
  W_LIT (w, ",\"sentence_index\":");
  w = write_uint_small (w, c->sentence);

  W_ARG (w, ",\"actor\":", "{\"id\":", c, XREF_ROLE_ACTOR);
  W_ARG (w, ",\"action\":", "{\"id\":", c, XREF_ROLE_ACTION);
  W_ARG (w, ",\"object\":", "{\"id\":", c, XREF_ROLE_OBJECT);
  W_ARG (w, ",\"date\":", "{\"value\":", c, XREF_ROLE_DATE);

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
      w = w_span (w, out, need, text, len, v->start, v->end);
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
  if (c->speaker.id == NULL && c->source.id == NULL)
    W_LIT (w, ",\"speaker\":null,\"source\":null");   /* most claims: one copy */
  else
    {
      W_ARG (w, ",\"speaker\":", "{\"id\":", c, XREF_ROLE_SPEAKER);
      W_ARG (w, ",\"source\":", "{\"id\":", c, XREF_ROLE_SOURCE);
    }

  w = w_rules (w, out, need, m, c->rules);
  xref_report_done (out, w);
}

/* A claim of a part: m and q are never NULL there, which the inlined
 * claim_in then needs not test at each of its pieces.  Inline in the
 * loop over the claims (a call would cost a few percent). */
G_ALWAYS_INLINE static inline void
claim_of_part (GString *out, Memo *m, Quote *q, const XrefClaim *c, Sep sep)
{
  if (m == NULL || q == NULL)
    g_return_if_reached ();
  claim_in (out, m, q, c, sep);
}

/* A claim alone, without a memo (`xref extract --format jsonl`). */
static void
claim (GString *out, const XrefClaim *c)
{
  claim_in (out, NULL, NULL, c, SEP_NONE);
}

/* The escaped ids of the documents, for the sources of the rows.  Every
 * row has a source per document that reports its topic, so a large report
 * writes each document's id many times: with thousands of documents they
 * would only thrash the memo (keyed by the ids' addresses, as many as the
 * documents).  Built once before the rows are rendered, read-only after
 * (shared by the workers): a table from a document's address to its
 * record (open addressing, Fibonacci hashing, at most half full).
 *
 * A record is one cache line holding all that a source reads of its
 * document: the key ("{\"doc\":" and the escaped id), the text and its
 * length.  The sources of a row are documents all over the corpus, so a
 * source used to wait on four misses in a row (the table, the index, the
 * key's offset, the key) and one more on the document for its text;
 * now the line of a source a few ahead is prefetched from its address
 * alone (row_sources), then its text from the line. */
#define KEY_INLINE 40            /* keys up to this long are in the record */

typedef struct {
  const XrefDocument *doc;       /* NULL: a free slot */
  const char *text;              /* DOC_TEXT (doc) */
  guint32 len;                   /* DOC_LEN (doc) */
  guint16 key_len;               /* the key's length */
  guint16 id_len;                /* strlen (doc->id), for w_claim_id */
  union {
    char bytes[KEY_INLINE];      /* key_len <= KEY_INLINE */
    const char *at;              /* else the key in DocKeys.bytes */
  } key;
} DocKey;                        /* 64 bytes: one cache line */

G_STATIC_ASSERT (sizeof (DocKey) == 64);

/* Keys and escaped ids longer than KEY_INLINE are copied as one fixed-size
 * block when they fit (a few vector moves instead of a call to memcpy):
 * the bytes after them are readable (padding) and the writers' room covers
 * the block. */
#define KEY_COPY 64

typedef struct {
  DocKey *slot;                  /* 1 << bits records, 64-byte aligned */
  gpointer slot_mem;             /* slot's allocation */
  guint bits;
  GString *bytes;                /* the keys longer than KEY_INLINE */
} DocKeys;

static inline const DocKey *
doc_keys_slot (const DocKeys *k, const XrefDocument *doc)
{
  return &k->slot[xref_hash_ptr (doc, k->bits)];
}

static DocKeys *
doc_keys_new (const XrefReport *report)
{
  DocKeys *k = g_new0 (DocKeys, 1);
  guint n = report->documents != NULL ? report->documents->len : 0;
  g_autoptr (GString) key = g_string_sized_new (128);
  GArray *at;   /* gsize: a long key's offset in bytes, by slot (G_MAXSIZE: inline) */
  guint mask;

  k->bits = 4;
  while ((1u << k->bits) < 2 * n)
    k->bits++;
  mask = (1u << k->bits) - 1;
  k->slot_mem = g_malloc0 (((gsize) mask + 1) * sizeof (DocKey) + 63);
  k->slot = (DocKey *) (((guintptr) k->slot_mem + 63) & ~(guintptr) 63);
  k->bytes = g_string_new (NULL);
  at = g_array_sized_new (FALSE, FALSE, sizeof (gsize), mask + 1);
  g_array_set_size (at, mask + 1);
  for (guint i = 0; i < n; i++)
    {
      const XrefDocument *doc = g_ptr_array_index (report->documents, i);
      DocKey *d = (DocKey *) doc_keys_slot (k, doc);
      gsize id_len;

      while (d->doc != NULL && d->doc != doc)
        d = &k->slot[(gsize) (d - k->slot + 1) & mask];
      /* (a document listed twice keeps its first record) */
      if (d->doc != NULL || doc == NULL)
        continue;
      g_string_assign (key, "{\"doc\":");
      xref_escape_json (key, doc->id, -1);
      id_len = doc->id != NULL ? strlen (doc->id) : 0;
      /* a document of more than 4 GB, or an id of 64 KB, is written the
       * general way (json_source_other) */
      if (DOC_LEN (doc) > G_MAXUINT32 || id_len > G_MAXUINT16 || key->len > G_MAXUINT16)
        continue;
      d->doc = doc;
      d->text = DOC_TEXT (doc);
      d->len = (guint32) DOC_LEN (doc);
      d->key_len = (guint16) key->len;
      d->id_len = (guint16) id_len;
      g_array_index (at, gsize, d - k->slot) = G_MAXSIZE;
      if (key->len <= KEY_INLINE)
        memcpy (d->key.bytes, key->str, key->len);
      else
        {
          g_array_index (at, gsize, d - k->slot) = k->bytes->len;
          g_string_append_len (k->bytes, key->str, (gssize) key->len);
        }
    }
  /* KEY_COPY bytes readable from any key's start (see json_source); the
   * long keys' addresses once bytes no longer moves */
  g_string_set_size (k->bytes, k->bytes->len + KEY_COPY);
  for (guint s = 0; s <= mask; s++)
    if (k->slot[s].doc != NULL && k->slot[s].key_len > KEY_INLINE)
      k->slot[s].key.at = k->bytes->str + g_array_index (at, gsize, s);
  g_array_free (at, TRUE);
  return k;
}

/* doc's record, or NULL when doc is not among the report's documents. */
static inline const DocKey *
doc_keys_find (const DocKeys *k, const XrefDocument *doc)
{
  if (k == NULL || doc == NULL)
    return NULL;

  const guint mask = (1u << k->bits) - 1;

  for (const DocKey *d = doc_keys_slot (k, doc); d->doc != NULL; d = &k->slot[(gsize) (d - k->slot + 1) & mask])
    if (d->doc == doc)
      return d;
  return NULL;
}

static void
doc_keys_free (DocKeys *k)
{
  if (k == NULL)
    return;
  g_string_free (k->bytes, TRUE);
  g_free (k->slot_mem);
  g_free (k);
}

/* The end of a source that states its value: its value, text, offsets,
 * speaker and date at w (room: need, with XREF_REPORT_JSON_ROOM (len) for
 * text; has_text: the span is not empty; text and len: its document's). */
G_ALWAYS_INLINE static inline char *
w_source_value (char *w, GString *out, gsize need, Memo *m, const XrefSource *s, gboolean has_text,
                const char *text, gsize len)
{
  W_LIT (w, ",\"value\":");
  W_ID (w, s->value);
  W_LIT (w, ",\"text\":");
  if (has_text)
    w = w_span (w, out, need, text, len, s->start, s->end);
  else
    W_LIT (w, "null");
  w = w_start_end (w, s->start, s->end);
  W_LIT (w, ",\"speaker\":");
  W_ID (w, s->speaker);
  W_LIT (w, ",\"date\":");
  W_ID (w, s->date);
  *w++ = '}';
  return w;
}

/* The room of w_source_value but the text. */
#define SOURCE_VALUE_ROOM (64 + 3 * W_ID_ROOM + 2 * 20)

static const char omits[] = ",\"status\":\"omits\",\"claim\":null,\"value\":null,\"text\":null}";

/* A source whose document is not among the report's (keys has no key for
 * it): each piece the general way. */
static void
json_source_other (GString *out, Memo *m, const XrefSource *s)
{
  const char *text;
  gsize len, need;

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
  text = xref_report_span (s->doc, s->start, s->end, &len);
  need = SOURCE_VALUE_ROOM + XREF_REPORT_JSON_ROOM (len);
  xref_report_done (out, w_source_value (xref_report_room (out, need), out, need, m, s, text != NULL,
                                         DOC_TEXT (s->doc), DOC_LEN (s->doc)));
}

/* The key of d at w (room: MAX (key_len, KEY_COPY)); returns its end. */
G_ALWAYS_INLINE static inline char *
w_key (char *w, const DocKey *d)
{
  if (G_LIKELY (d->key_len <= KEY_INLINE))
    memcpy (w, d->key.bytes, KEY_INLINE);   /* the whole field: a fixed size */
  else
    memcpy (w, d->key.at, d->key_len <= KEY_COPY ? KEY_COPY : d->key_len);
  return w + d->key_len;
}

/* A source of document d (its record in DocKeys; NULL when the document
 * is not among the report's). */
static void
json_source (GString *out, Memo *m, const DocKey *d, const XrefSource *s)
{
  gsize len, need, key_len;
  gboolean has_text;
  char *w, *end, *key_at;

  if (d == NULL)
    {
      json_source_other (out, m, s);
      return;
    }
  key_len = d->key_len;
  /* Most sources of a large report are documents that leave the row's
   * value out: their value and text are null, so the rest is one literal
   * written with the key. */
  if (!s->states && s->claim == NULL)
    {
      w = xref_report_room (out, MAX (key_len, (gsize) KEY_COPY) + sizeof omits);
      w = w_key (w, d);
      xref_report_done (out, w_put (w, omits, sizeof omits - 1));
      return;
    }
  /* the rest at a pointer, as for the claims, in room reserved once; the
   * claim's id from the key when it is one of this document's claims
   * (w_claim_id: the key is "{\"doc\":" then the document's escaped id;
   * its bytes read again from where they were just written) */
  len = 0;
  has_text = FALSE;
  if (s->states && d->text != NULL)
    {
      gsize e = MIN ((gsize) s->end, (gsize) d->len), b = MIN ((gsize) s->start, e);

      len = e - b;
      has_text = len > 0;
    }
  need = 64 + 2 * MAX (key_len, (gsize) KEY_COPY) + 12 + SOURCE_VALUE_ROOM + XREF_REPORT_JSON_ROOM (len);
  key_at = xref_report_room (out, need);
  w = w_key (key_at, d);
  if (s->states)
    W_LIT (w, ",\"status\":\"states\",\"claim\":");
  else
    W_LIT (w, ",\"status\":\"omits\",\"claim\":");
  end = NULL;
  if (s->claim == NULL)
    end = w_put (w, "null", 4);
  else if (s->claim_n != 0)
    /* match found the id to be "<doc id>#<claim_n>": written from the
     * key and the number, without reading the claim */
    end = w_claim_n (w, G_LIKELY (key_len <= KEY_INLINE) ? d->key.bytes + 7 : d->key.at + 7, key_len - 7, s->claim_n);
  else if (s->claim->doc == s->doc && s->claim->id != NULL && s->doc->id != NULL)
    end = w_claim_id (w, s->claim->id, s->doc->id, d->id_len,
                      G_LIKELY (key_len <= KEY_INLINE) ? d->key.bytes + 7 : d->key.at + 7, key_len - 7);
  if (G_UNLIKELY (end == NULL))
    {
      xref_report_done (out, w);
      xref_escape_json (out, s->claim->id, -1);
      end = xref_report_room (out, need);
    }
  w = end;
  if (s->states)
    w = w_source_value (w, out, need, m, s, has_text, d->text, d->len);
  else
    W_LIT (w, ",\"value\":null,\"text\":null}");
  xref_report_done (out, w);
}

/* A row is written in three pieces, so that a row of thousands of
 * sources can be cut into parts (cut_rows): row_head up to its
 * "sources":[, row_sources for its sources [from, to), row_tail after
 * them. */
static void
row_head (GString *out, Memo *m, const XrefRow *r)
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
}

/* Sources are looked up so many ahead of the one written (a ring of
 * their records), their records' lines prefetched twice as far. */
#define SRC_AHEAD 8

/* Looks up source s's record, and asks for what json_source will read
 * through it: the text of its value (and the claim when its id must be
 * read).  Always inlined: a helper of nothing but prefetches has no
 * effect as far as GCC can tell, which drops every call to it (the
 * prefetch helpers of the claims and sources before this were such dead
 * calls at -O2). */
G_ALWAYS_INLINE static inline const DocKey *
source_ahead (const DocKeys *keys, Memo *m, const XrefSource *s)
{
  const DocKey *d = doc_keys_find (keys, s->doc);

  if (s->states)
    {
      if (d != NULL && d->text != NULL && s->start < d->len)
        {
          /* both lines when the 16 bytes w_span tests cross one */
          PREFETCH (d->text + s->start);
          PREFETCH (d->text + s->start + 15);
        }
      /* the memo lines of its ids (values and speakers are all over
       * the memo: a line of a rare one is a miss) */
      PREFETCH (memo_slot (m, s->value));
      PREFETCH (memo_slot (m, s->speaker));
      PREFETCH (memo_slot (m, s->date));
    }
  if (s->claim != NULL && s->claim_n == 0)
    PREFETCH (s->claim);
  return d;
}

static void
row_sources (GString *out, Memo *m, const DocKeys *keys, const XrefRow *r, guint from, guint to)
{
  const XrefSource *src = (const XrefSource *) (gpointer) r->sources->data;
  const DocKey *ring[SRC_AHEAD];

  for (guint i = from; i < to && i < from + SRC_AHEAD; i++)
    ring[i % SRC_AHEAD] = source_ahead (keys, m, &src[i]);
  for (guint i = from; i < to; i++)
    {
      const DocKey *d = ring[i % SRC_AHEAD];

      if (i + 2 * SRC_AHEAD < to && keys != NULL)
        PREFETCH (doc_keys_slot (keys, src[i + 2 * SRC_AHEAD].doc));
      if (i + SRC_AHEAD < to)
        ring[i % SRC_AHEAD] = source_ahead (keys, m, &src[i + SRC_AHEAD]);
      if (i > 0)
        PUT (out, ",");
      json_source (out, m, d, &src[i]);
    }
}

static void
row_tail (GString *out, Memo *m, const DocKeys *keys, const XrefRow *r)
{
  /* further values of other speakers in the same documents */
  PUT (out, "],\"voices\":[");
  for (guint i = 0; r->voices != NULL && i < r->voices->len; i++)
    {
      const XrefSource *s = &g_array_index (r->voices, XrefSource, i);

      if (i > 0)
        PUT (out, ",");
      json_source (out, m, doc_keys_find (keys, s->doc), s);
    }
  PUT (out, "]}");
}

static guint
n_sources (const XrefRow *r)
{
  return r->sources != NULL ? r->sources->len : 0;
}

static void
row (GString *out, Memo *m, const DocKeys *keys, const XrefRow *r)
{
  row_head (out, m, r);
  row_sources (out, m, keys, r, 0, n_sources (r));
  row_tail (out, m, keys, r);
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
  gboolean slice;          /* rows: the sources [src_begin, src_end) of
                              row begin (end is begin + 1), with its head
                              when src_begin is 0 and its tail when
                              src_end is its number of sources */
  guint src_begin, src_end;
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
  Part p = { kind, 0, 0, TRUE, head, NULL, NULL, FALSE, 0, 0 };
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

/* A row with more sources than this is cut into parts of so many (its
 * weight alone is past PART_BYTES): past 256 documents one row can list
 * thousands, and one part of them, written on one thread while the
 * parts after it wait in order for it, would leave the other cores
 * idle. */
#define ROW_SLICE (PART_BYTES / 256)

/* cut for the rows, a row of more than ROW_SLICE sources in slices. */
static void
cut_rows (GArray *parts, const XrefReport *report, guint n, const char *head, const char *tail, const DocKeys *keys)
{
  Part p = { PART_ROWS, 0, 0, TRUE, head, NULL, keys, FALSE, 0, 0 };
  gsize bytes = 0;

  for (guint i = 0; i < n; i++)
    {
      const XrefRow *r = g_ptr_array_index (report->rows, i);
      guint n_src = n_sources (r);

      if (n_src > ROW_SLICE)
        {
          if (i > p.begin)
            {
              p.end = i;
              g_array_append_val (parts, p);
              p.head = NULL;
            }
          for (guint a = 0; a < n_src; a += ROW_SLICE)
            {
              Part q = p;

              q.begin = i;
              q.end = i + 1;
              q.slice = TRUE;
              q.src_begin = a;
              q.src_end = MIN (a + ROW_SLICE, n_src);
              g_array_append_val (parts, q);
              p.head = NULL;
            }
          p.begin = i + 1;
          bytes = 0;
          continue;
        }
      bytes += weight (report, PART_ROWS, i);
      if (bytes >= PART_BYTES && i + 1 < n)
        {
          p.end = i + 1;
          g_array_append_val (parts, p);
          p.begin = i + 1;
          p.head = NULL;
          bytes = 0;
        }
    }
  /* the last part, with the tail (empty when a sliced row ends the rows) */
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
    cut_rows (parts, report, n_rows, ",\n\"rows\":[", n_rows > 0 ? "\n]}\n" : "]}\n", keys);
  return parts;
}

static void
render_part (const XrefReport *report, const Part *p, Memo *m, GString *out)
{
  gboolean first = p->first;
  Quote quote;

  /* the part's own quotes: offsets into this part's bytes */
  if (p->kind == PART_CLAIMS)
    memset (&quote, 0, sizeof quote);
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
          /* Every document's claims, in corpus order then text order (a
           * document's claims are one block, in order: read as a stream,
           * which the processor's own prefetching follows) */
          const XrefDocument *doc = g_ptr_array_index (report->documents, i);

          /* The next documents' claim arrays, a stage per document (each
           * pointer is read from what was asked for one document
           * before): the document three ahead, the claims' header two
           * ahead, their pointers one ahead, whose first claims and the
           * text are then asked for below; every first read of a
           * document was a miss. */
          if (i + 3 < p->end)
            PREFETCH (g_ptr_array_index (report->documents, i + 3));
          if (i + 2 < p->end)
            PREFETCH (((const XrefDocument *) g_ptr_array_index (report->documents, i + 2))->claims);
          if (i + 1 < p->end)
            {
              const XrefDocument *d1 = g_ptr_array_index (report->documents, i + 1);

              if (d1->claims != NULL)
                PREFETCH (d1->claims->pdata);
            }
          if (doc->claims != NULL && doc->claims->len > 0)
            {
              const char *c0 = g_ptr_array_index (doc->claims, 0);

              PREFETCH (c0);
              PREFETCH (c0 + 64);
              PREFETCH (c0 + 128);
              PREFETCH (c0 + sizeof (XrefClaim) - 1);
              PREFETCH (doc->text);
            }
          for (guint j = 0; doc->claims != NULL && j < doc->claims->len; j++)
            {
              if (j + 2 < doc->claims->len)
                {
                  /* every line of the claim after next (192 bytes, not
                   * aligned: up to four lines; the hardware's prefetcher
                   * left the fields of the later ones to miss) */
                  const char *c2 = g_ptr_array_index (doc->claims, j + 2);

                  PREFETCH (c2);
                  PREFETCH (c2 + 64);
                  PREFETCH (c2 + 128);
                  PREFETCH (c2 + sizeof (XrefClaim) - 1);
                }
              if (j + 1 < doc->claims->len)
                {
                  /* The memo lines the next claim reads (1 MB of memo
                   * against a 1 MB L2: a rare id's or rule list's line
                   * is a cache miss, and each is on the chain of the
                   * writing pointer) and its rules' array, asked for a
                   * claim ahead; not its action's (a few hundred ids,
                   * always cached).  Written here, not in a helper: GCC
                   * drops a call whose only effect is a prefetch. */
                  const XrefClaim *n = g_ptr_array_index (doc->claims, j + 1);

                  PREFETCH (memo_slot (m, n->actor.id));
                  PREFETCH (memo_slot (m, n->object.id));
                  PREFETCH (memo_slot (m, n->date.id));
                  PREFETCH (memo_slot (m, n->speaker.id));
                  PREFETCH (rules_slot (m, n->rules));
                  PREFETCH (n->rules);
                  /* its id and slots header, after the claims in the
                   * document's block */
                  PREFETCH (n->id);
                  if (n->slots != NULL)
                    PREFETCH (n->slots);
                }
              claim_of_part (out, m, &quote, g_ptr_array_index (doc->claims, j), first ? SEP_FIRST : SEP_NEXT);
              first = FALSE;
            }
        }
        break;
      case PART_ROWS:
      default:
        {
          const XrefRow *r = g_ptr_array_index (report->rows, i);

          if (!p->slice || p->src_begin == 0)
            {
              if (i > 0)
                PUT (out, ",\n  ");
              else
                PUT (out, "\n  ");
            }
          if (!p->slice)
            row (out, m, p->keys, r);
          else
            {
              if (p->src_begin == 0)
                row_head (out, m, r);
              row_sources (out, m, p->keys, r, p->src_begin, p->src_end);
              if (p->src_end == n_sources (r))
                row_tail (out, m, p->keys, r);
            }
        }
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

      /* on as many threads as there are cores, not one fewer (the
       * calling thread is one of them): match's threads and these share
       * the cores while both run, and once match is done (or in its
       * serial steps) the claims left would otherwise be written on one
       * core while the others idle */
      render_parts (report, head, n_threads, out);
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
  claim (out, claim_);
}
