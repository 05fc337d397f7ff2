/* xref — ingest: read one article.
 *
 * The bytes are kept as they are, except that invalid UTF-8 and NUL bytes
 * are replaced one for one, so every offset later stages produce is an
 * offset into the original file.  What is not article body (front matter,
 * a UTF-8 BOM, the dateline, boilerplate, headings) is left in the text
 * and simply kept out of doc->regions. */
#include "ingest-private.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ---- bytes ---------------------------------------------------------------- */

/* How much of the start of a file the binary test looks at. */
#define SNIFF_LEN 8192

static gboolean
has_prefix_len (const char *data, gsize len, const char *magic, gsize mlen)
{
  return len >= mlen && memcmp (data, magic, mlen) == 0;
}

/* A file is binary when it starts with the magic number of a common
 * binary format, or when its first 8 KiB hold more than 3% NUL bytes or
 * more than 30% control bytes and bytes that are not UTF-8 (a Latin-1
 * article has a few percent).  UTF-16 text (a BOM, or NULs between
 * ASCII letters) counts as binary: xref reads UTF-8 only. */
/* TRUE when one of the eight bytes of w is below 0x20 (exact as a
 * whole, though not as to which byte). */
static gboolean
has_control (guint64 w)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101), high = G_GUINT64_CONSTANT (0x8080808080808080);
  return ((w - ones * 0x20) & ~w & high) != 0;
}

/* valid is xref_utf8_valid_prefix (data, len), which the caller needs too. */
static const char *
binary_reason (const char *data, gsize len, gsize valid)
{
  static const struct {
    const char *magic;
    gsize len;
    const char *what;
  } magics[] = {
    { "%PDF-", 5, "PDF" },
    { "\x89PNG\r\n\x1a\n", 8, "PNG" },
    { "\xff\xd8\xff", 3, "JPEG" },
    { "GIF87a", 6, "GIF" },
    { "GIF89a", 6, "GIF" },
    { "PK\x03\x04", 4, "ZIP" },
    { "\x1f\x8b", 2, "gzip" },
    { "\x7f" "ELF", 4, "ELF" },
    { "\xfd" "7zXZ", 5, "xz" },
    { "7z\xbc\xaf\x27\x1c", 6, "7-Zip" },
    { "Rar!\x1a\x07", 6, "RAR" },
    { "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, "OLE" },
    { "OggS", 4, "Ogg" },
    { "fLaC", 4, "FLAC" },
    { "\0asm", 4, "WebAssembly" },
    { "\xca\xfe\xba\xbe", 4, "Mach-O" },
    { "\xcf\xfa\xed\xfe", 4, "Mach-O" },
    { "\xff\xfe", 2, "UTF-16" },
    { "\xfe\xff", 2, "UTF-16" },
  };
  gsize n = MIN (len, (gsize) SNIFF_LEN);
  gsize nul = 0, ctrl = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (magics); i++)
    if (has_prefix_len (data, len, magics[i].magic, magics[i].len))
      return magics[i].what;
  if (has_prefix_len (data, len, "BZh", 3) && len >= 10 && memcmp (data + 4, "1AY&SY", 6) == 0)
    return "bzip2";

  gsize at = 0;
#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
  /* Sixteen bytes at a time: a mask of the bytes below 0x20 (min (b,
   * 0x1f) == b), and only those looked at one by one (in an article
   * mostly the line breaks, one in some sixty bytes). */
  {
    const __m128i low = _mm_set1_epi8 (0x1f);
    for (; at + 16 <= n; at += 16)
      {
        __m128i v = _mm_loadu_si128 ((const __m128i *) (gconstpointer) (data + at));
        guint m = (guint) _mm_movemask_epi8 (_mm_cmpeq_epi8 (_mm_min_epu8 (v, low), v));
        for (; m != 0; m &= m - 1)
          {
            guchar c = (guchar) data[at + (guint) __builtin_ctz (m)];
            if (c == 0)
              nul++;
            else if (c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1b)
              ctrl++;
          }
      }
  }
#endif
  for (gsize i = at; i < n; i++)
    {
      guchar c;
      guint64 w;

      /* eight bytes at a time while none is a control byte or NUL */
      if (i + 8 <= n)
        {
          memcpy (&w, data + i, 8);
          if (!has_control (w))
            {
              i += 7;
              continue;
            }
        }
      c = (guchar) data[i];
      if (c == 0)
        nul++;
      else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1b)
        ctrl++;
    }
  if (nul >= 4 && nul * 100 > n * 3)
    return "NUL bytes";

  /* bytes that are not UTF-8, counted as a scan of data[0..n) alone finds
   * them.  When the whole file is valid that far, data[0..n) is whole
   * valid characters but for the last, which n may cut: the scan is
   * started at that character, where a scan from 0 would arrive. */
  gsize bad = 0, from = 0;
  if (valid >= n)
    {
      from = n;
      if (valid > n)
        while (from > 0 && ((guchar) data[from] & 0xc0) == 0x80)
          from--;
    }
  for (gsize i = from; i < n;)
    {
      gsize stop = i + xref_utf8_valid_prefix (data + i, n - i);
      if (stop == n)
        break;
      i = stop + 1;
      bad++;
    }
  if (n >= 32 && (ctrl + bad) * 100 > n * 30)
    return "not text";
  return NULL;
}

/* Replaces each invalid UTF-8 byte by '?' and each NUL by ' ', one for one,
 * with one warning for the file. */
static void
repair_utf8 (XrefDocument *doc, const char *shown, gsize valid)
{
  char *t = doc->text;
  gsize n = doc->len, bad = 0, first = 0;
  gsize j = valid;   /* xref_utf8_valid_prefix (t, n), from the caller */

  while (j < n)
    {
      gsize i;

      if (bad == 0)
        first = j;
      bad++;
      t[j] = t[j] == '\0' ? ' ' : '?';
      i = j + 1;
      j = i + xref_utf8_valid_prefix (t + i, n - i);
    }
  if (bad > 0)
    {
      xref_warn (shown, "replaced %" G_GSIZE_FORMAT " invalid UTF-8 or NUL byte%s, the first at byte %" G_GSIZE_FORMAT,
                 bad, bad == 1 ? "" : "s", first);
      doc->n_warnings++;
    }
}

/* ---- lines ---------------------------------------------------------------- */

enum {
  LINE_BLANK,     /* only white space */
  LINE_TEXT,      /* body text (or a heading, decided later) */
  LINE_DROP,      /* boilerplate, an outlet line, a dateline alone */
  LINE_HEAD,      /* a Markdown "# heading", an HTML <h1>–<h6> */
};

typedef struct {
  gsize start;    /* first byte of the line */
  gsize end;      /* end of its content: the \n and a \r before it excluded */
  gsize body;     /* where the body begins: after a dateline or "# " */
  guint kind;
} Line;

/* Splits text[from..len) into lines (Line), into the array lines.  A line
 * ends at \n; a \r right before it is not part of the line.  One pass:
 * the array is sized for lines of 32 bytes on average (articles have
 * longer ones) and grown if need be. */
static void
split_lines (GArray *lines, const char *text, gsize from, gsize len)
{
  guint k = 0;
  gsize p;

  g_array_set_size (lines, (guint) ((len - MIN (from, len)) / 32) + 16);
  for (p = from; p < len; k++)
    {
      const char *nl = memchr (text + p, '\n', len - p);
      gsize e = nl != NULL ? (gsize) (nl - text) : len;
      Line *l;

      if (G_UNLIKELY (k == lines->len))
        g_array_set_size (lines, 2 * k);
      l = &g_array_index (lines, Line, k);
      l->start = l->body = p;
      l->end = (e > p && text[e - 1] == '\r') ? e - 1 : e;
      l->kind = LINE_TEXT;
      p = nl != NULL ? e + 1 : len;
    }
  g_array_set_size (lines, k);
}

static gboolean
is_blank_char (guchar c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\n';
}

/* Trims ASCII white space and no-break spaces (U+00A0) from [*s, *e)
 * (the loops of trim, below). */
static void
trim_slow (const char *text, gsize *s, gsize *e)
{
  for (;;)
    {
      if (*s < *e && is_blank_char ((guchar) text[*s]))
        (*s)++;
      else if (*s + 1 < *e && (guchar) text[*s] == 0xc2 && (guchar) text[*s + 1] == 0xa0)
        *s += 2;
      else
        break;
    }
  for (;;)
    {
      if (*e > *s && is_blank_char ((guchar) text[*e - 1]))
        (*e)--;
      else if (*e >= *s + 2 && (guchar) text[*e - 2] == 0xc2 && (guchar) text[*e - 1] == 0xa0)
        *e -= 2;
      else
        break;
    }
}

/* Most spans neither start nor end with white space or a no-break space:
 * the two bytes that say so, inline, and the loops only for the others
 * (a blank byte is below 0x21; U+00A0 is C2 A0). */
static inline void
trim (const char *text, gsize *s, gsize *e)
{
  if (*s < *e)
    {
      guchar a = (guchar) text[*s], z = (guchar) text[*e - 1];
      if (a > 0x20 && a != 0xc2 && z > 0x20 && z != 0xa0)
        return;
    }
  trim_slow (text, s, e);
}

static gboolean
span_is_blank (const char *text, gsize s, gsize e)
{
  trim (text, &s, &e);
  return s >= e;
}

/* ---- front matter --------------------------------------------------------- */

/* TRUE when [s, e) is the line "---" (or "..." when closing), trailing
 * spaces allowed. */
static gboolean
is_fence (const char *text, gsize s, gsize e, gboolean closing)
{
  while (e > s && (text[e - 1] == ' ' || text[e - 1] == '\t'))
    e--;
  if (e - s != 3)
    return FALSE;
  return memcmp (text + s, "---", 3) == 0 || (closing && memcmp (text + s, "...", 3) == 0);
}

static char *
yaml_value_text (yaml_document_t *ydoc, yaml_node_t *v)
{
  if (v->type == YAML_SCALAR_NODE)
    return g_strndup ((const char *) v->data.scalar.value, v->data.scalar.length);
  if (v->type == YAML_SEQUENCE_NODE)
    {
      /* author: [A, B] → "A, B" */
      GString *s = g_string_new (NULL);
      for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++)
        {
          yaml_node_t *n = yaml_document_get_node (ydoc, *it);
          if (n == NULL || n->type != YAML_SCALAR_NODE)
            continue;
          if (s->len > 0)
            g_string_append (s, ", ");
          g_string_append_len (s, (const char *) n->data.scalar.value, (gssize) n->data.scalar.length);
        }
      return g_string_free (s, FALSE);
    }
  return NULL;
}

/* One key and value of the front matter: only our keys are read (front
 * matter of static site generators holds many others: layout, tags);
 * value is owned and may be changed.  line and col (from 1) locate the
 * value in the file for a warning. */
static void
front_matter_pair (XrefDocument *doc, XrefMeta *fm, const char *shown, const char *key, char *value, gint line,
                   gint col)
{
  g_autofree char *why = NULL;

  if (strcmp (key, "outlet") != 0 && strcmp (key, "date") != 0 && strcmp (key, "title") != 0
      && strcmp (key, "place") != 0 && strcmp (key, "url") != 0 && strcmp (key, "author") != 0)
    return;
  if (value == NULL || *value == '\0')
    return;
  /* "2022-12-21T10:00:00Z" and "2022-12-21 10:00" give their day */
  if (strcmp (key, "date") == 0 && strlen (value) > 10 && (value[10] == 'T' || value[10] == ' '))
    value[10] = '\0';
  if (!xref_ingest_meta_set (fm, key, value, &why))
    {
      /* the place as xref_ingest_yaml_where gives it */
      xref_warn (NULL, "%s:%d:%d: %s", shown, line, col, why);
      doc->n_warnings++;
    }
}

/* The most front matter can hold for the fast path below. */
#define SIMPLE_MAX_PAIRS 16
#define SIMPLE_MAX_KEY 32

typedef struct {
  gsize key, key_len, value, value_len;   /* offsets into the YAML */
  guint line;                             /* from 0 */
} SimplePair;

/* A byte that may stand inside a simple value (see simple_front_matter). */
static gboolean
simple_value_char (guchar c)
{
  return g_ascii_isalnum (c) || c == ' ' || c == '.' || c == ',' || c == '-' || c == '/' || c == '\'' || c == '('
         || c == ')' || c == '&' || c == '+' || c == '_';
}

/* Front matter is nearly always a few lines "key: value" ("outlet: AP",
 * "date: 2022-12-21"), and libyaml spends more on loading such a block
 * than ingest on the rest of the article.  This reads y[0..len) when
 * every line (ended by \n) is exactly
 *   KEY ": " VALUE
 * with KEY of ASCII lower-case letters and '_', at the start of the line,
 * and VALUE a plain scalar of ASCII: it starts with a letter or digit,
 * holds only letters, digits, single spaces and . , - / ' ( ) & + _, and
 * does not end with a space.  Such a line has no YAML indicator (no ':',
 * '#', quote, bracket or tab; an indicator character after the first is
 * plain text in block context), no line break but \n and no folding, so
 * libyaml loads the block as a mapping of these scalar keys to these
 * scalar values, in this order, each value at this line and column.  Any
 * other block (comments, quotes, sequences, blank lines, \r, non-ASCII,
 * more than SIMPLE_MAX_PAIRS lines) returns FALSE and goes to libyaml. */
static gboolean
simple_front_matter (const char *y, gsize len, SimplePair *pairs, guint *n_pairs)
{
  gsize p = 0;
  guint n = 0;

  if (len == 0)
    return FALSE;
  while (p < len)
    {
      SimplePair *pr;
      gsize q = p;

      if (n == SIMPLE_MAX_PAIRS)
        return FALSE;
      pr = &pairs[n];
      while (q < len && ((y[q] >= 'a' && y[q] <= 'z') || y[q] == '_'))
        q++;
      if (q == p || q - p > SIMPLE_MAX_KEY || q + 2 >= len || y[q] != ':' || y[q + 1] != ' ')
        return FALSE;
      pr->key = p;
      pr->key_len = q - p;
      pr->line = n;
      q += 2;
      if (!g_ascii_isalnum (y[q]))
        return FALSE;
      pr->value = q;
      while (q < len && y[q] != '\n')
        {
          if (!simple_value_char ((guchar) y[q]) || (y[q] == ' ' && (y[q - 1] == ' ' || q + 1 >= len || y[q + 1] == '\n')))
            return FALSE;
          q++;
        }
      if (q >= len)
        return FALSE;   /* the last line ends with \n: the closing fence follows */
      pr->value_len = q - pr->value;
      n++;
      p = q + 1;
    }
  *n_pairs = n;
  return TRUE;
}

/* Reads YAML front matter when the body (at byte from) starts with a "---"
 * line closed by a "---" or "..." line.  Fills fm and returns where the
 * body continues, or from when there is no front matter. */
static gsize
read_front_matter (XrefDocument *doc, gsize from, const char *shown, XrefMeta *fm)
{
  const char *text = doc->text;
  const char *nl = memchr (text + from, '\n', doc->len - from);
  gsize first_end, p, yaml_start;
  /* the YAML starts on the file's second line */
  const gint line_no = 2;
  g_autofree char *problem = NULL;
  yaml_document_t ydoc;
  yaml_node_t *root;

  if (nl == NULL)
    return from;
  first_end = (gsize) (nl - text);
  if (first_end > from && text[first_end - 1] == '\r')
    first_end--;
  if (!is_fence (text, from, first_end, FALSE))
    return from;

  yaml_start = p = (gsize) (nl - text) + 1;
  while (p < doc->len)
    {
      const char *n2 = memchr (text + p, '\n', doc->len - p);
      gsize e = n2 != NULL ? (gsize) (n2 - text) : doc->len;
      gsize ce = (e > p && text[e - 1] == '\r') ? e - 1 : e;
      gsize next = n2 != NULL ? e + 1 : doc->len;

      if (is_fence (text, p, ce, TRUE))
        {
          gboolean is_meta = TRUE;
          SimplePair pairs[SIMPLE_MAX_PAIRS];
          guint n_pairs = 0;

          if (simple_front_matter (text + yaml_start, p - yaml_start, pairs, &n_pairs))
            {
              for (guint i = 0; i < n_pairs; i++)
                {
                  const SimplePair *pr = &pairs[i];
                  char key[SIMPLE_MAX_KEY + 1];
                  g_autofree char *value = g_strndup (text + yaml_start + pr->value, pr->value_len);

                  memcpy (key, text + yaml_start + pr->key, pr->key_len);
                  key[pr->key_len] = '\0';
                  front_matter_pair (doc, fm, shown, key, value, (gint) pr->line + line_no,
                                     (gint) (pr->value - pr->key) + 1);
                }
              return next;
            }

          if (!xref_ingest_yaml_load (shown, line_no, text + yaml_start, p - yaml_start, &ydoc, &problem))
            {
              /* a "---" line at byte 0 closed by another is front matter
               * even when its YAML is broken: keep it out of the body */
              xref_warn (NULL, "%s (front matter ignored)", problem);
              doc->n_warnings++;
              return next;
            }
          root = yaml_document_get_root_node (&ydoc);
          if (root != NULL && root->type != YAML_MAPPING_NODE)
            is_meta = FALSE;   /* prose between two rules, not metadata */
          else if (root != NULL)
            {
              for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++)
                {
                  yaml_node_t *k = yaml_document_get_node (&ydoc, pr->key);
                  yaml_node_t *v = yaml_document_get_node (&ydoc, pr->value);
                  g_autofree char *value = NULL;

                  if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE)
                    continue;
                  value = yaml_value_text (&ydoc, v);
                  front_matter_pair (doc, fm, shown, (const char *) k->data.scalar.value, value,
                                     (gint) v->start_mark.line + line_no, (gint) v->start_mark.column + 1);
                }
            }
          yaml_document_delete (&ydoc);
          return is_meta ? next : from;
        }
      p = next;
    }
  return from;   /* never closed: not front matter */
}

/* ---- dateline and outlets -------------------------------------------------- */

/* What a document asks of the outlets' patterns, worked out once per
 * document (a loop over the patterns) rather than for each of its lines:
 * most lines are longer than any pattern and start with a byte no
 * pattern starts with, so they are answered without the loop. */
typedef struct {
  const XrefRules *rules;
  gsize max_len;           /* the longest pattern */
  guint64 first[4];        /* bit c: a pattern starts with byte c */
} Outlets;

static void
outlets_init (Outlets *ox, const XrefRules *rules)
{
  memset (ox, 0, sizeof *ox);
  ox->rules = rules;
  if (rules == NULL || rules->outlets == NULL)
    return;
  for (guint i = 0; i < rules->outlets->len; i++)
    {
      const XrefOutlet *o = g_ptr_array_index (rules->outlets, i);
      for (guint j = 0; o->patterns != NULL && j < o->patterns->len; j++)
        {
          const char *pat = g_ptr_array_index (o->patterns, j);
          guchar c = (guchar) pat[0];
          ox->max_len = MAX (ox->max_len, strlen (pat));
          ox->first[c >> 6] |= G_GUINT64_CONSTANT (1) << (c & 63);
        }
    }
}

/* The outlet whose pattern occurs at text[pos..limit), longest first. */
static const XrefOutlet *
outlet_at (const Outlets *ox, const char *text, gsize pos, gsize limit, gsize *len)
{
  const XrefRules *rules = ox->rules;
  const XrefOutlet *best = NULL;
  gsize best_len = 0;
  guchar c0 = (guchar) text[pos];

  *len = 0;
  /* no pattern starts with this byte (an empty one is never taken) */
  if (!(ox->first[c0 >> 6] & (G_GUINT64_CONSTANT (1) << (c0 & 63))))
    return NULL;
  if (rules == NULL || rules->outlets == NULL)
    return NULL;
  for (guint i = 0; i < rules->outlets->len; i++)
    {
      const XrefOutlet *o = g_ptr_array_index (rules->outlets, i);
      for (guint j = 0; o->patterns != NULL && j < o->patterns->len; j++)
        {
          const char *pat = g_ptr_array_index (o->patterns, j);
          gsize n;
          /* most patterns differ at the first byte; text[pos] can be
           * read (pos <= limit <= the text's length, and a NUL ends the
           * text), and an empty pattern was never taken (n > best_len) */
          if (pat[0] != text[pos])
            continue;
          n = strlen (pat);
          if (n > best_len && n <= limit - pos && memcmp (text + pos, pat, n) == 0)
            {
              best = o;
              best_len = n;
            }
        }
    }
  *len = best_len;
  return best;
}

/* The outlet of a line that is nothing but an outlet pattern: "(AP)". */
static const XrefOutlet *
outlet_line (const Outlets *ox, const char *text, gsize s, gsize e)
{
  gsize n = 0;
  const XrefOutlet *o;

  trim (text, &s, &e);
  /* (a line longer than every pattern is none of them) */
  if (s >= e || e - s > ox->max_len)
    return NULL;
  o = outlet_at (ox, text, s, e, &n);
  return (o != NULL && s + n == e) ? o : NULL;
}

/* The outlet named anywhere in [s, e) (a footer "watch the X TV channel"). */
static const XrefOutlet *
outlet_within (const Outlets *ox, const char *text, gsize s, gsize e)
{
  for (gsize p = s; p < e; p++)
    {
      gsize n;
      const XrefOutlet *o = outlet_at (ox, text, p, e, &n);
      if (o != NULL)
        return o;
    }
  return NULL;
}

static char *
title_case (const char *s, gsize len)
{
  g_autofree char *lower = g_utf8_strdown (s, (gssize) len);
  GString *out = g_string_sized_new (len);
  gboolean start = TRUE;

  for (const char *p = lower; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      g_string_append_unichar (out, start ? g_unichar_totitle (c) : c);
      start = !g_unichar_isalpha (c);
    }
  return g_string_free (out, FALSE);
}

static const XrefToken *
tok (GArray *toks, guint i)
{
  return i < toks->len ? &g_array_index (toks, XrefToken, i) : NULL;
}

static gboolean
tok_is (GArray *toks, guint i, const char *form)
{
  const XrefToken *t = tok (toks, i);
  return t != NULL && strcmp (t->form, form) == 0;
}

static gboolean
tok_is_dash (GArray *toks, guint i)
{
  /* "_" stands for a dash in old wire copy: "CANBERRA, Australia (AP) _" */
  return tok_is (toks, i, "-") || tok_is (toks, i, "\u2013") || tok_is (toks, i, "\u2014") || tok_is (toks, i, "_");
}

static gint
month_of (const XrefRules *rules, const XrefToken *t)
{
  if (rules == NULL || rules->months == NULL || t == NULL || t->kind != XREF_TOKEN_WORD)
    return 0;
  return GPOINTER_TO_INT (g_hash_table_lookup (rules->months, t->norm));
}

static gint
number_of (const XrefToken *t, gint lo, gint hi)
{
  gint v = 0;
  if (t == NULL || t->kind != XREF_TOKEN_NUMBER || strlen (t->form) > 4)
    return 0;
  for (const char *p = t->form; *p; p++)
    {
      if (!g_ascii_isdigit (*p))
        return 0;
      v = v * 10 + (*p - '0');
    }
  return v >= lo && v <= hi ? v : 0;
}

/* "December 21", "Dec. 21", "December 21, 2022" at token i.  Sets *next. */
static gboolean
parse_month_day (const XrefRules *rules, GArray *toks, guint i, XrefDate *d, guint *next)
{
  gint m = month_of (rules, tok (toks, i));
  gint day, year;

  if (m == 0)
    return FALSE;
  i++;
  if (tok_is (toks, i, ".") && tok (toks, i)->start == tok (toks, i - 1)->end)
    i++;
  day = number_of (tok (toks, i), 1, 31);
  if (day == 0)
    return FALSE;
  i++;
  d->year = 0;
  d->month = m;
  d->day = day;
  if (tok_is (toks, i, ",") && (year = number_of (tok (toks, i + 1), 1000, 9999)) != 0)
    {
      d->year = year;
      i += 2;
    }
  *next = i;
  return TRUE;
}

/* Reads a dateline at the start of [s, e): "date 2022-12-21",
 * "WASHINGTON, December 21. /TASS/.", "MOSCOW (Reuters) -", "(AP) —".
 * Fills what the document does not know yet and returns where the body
 * continues (s when there is no dateline). */
static gsize
read_dateline (XrefDocument *doc, const Outlets *ox, gsize s, gsize e, GArray *toks)
{
  const XrefRules *rules = ox->rules;
  const char *text = doc->text;
  guint i = 0, end_tok = 0;
  XrefDate full = { 0, 0, 0 }, md = { 0, 0, 0 };
  gboolean have_full = FALSE, have_md = FALSE;
  const XrefOutlet *outlet = NULL;
  gsize place_s = 0, place_e = 0;

  /* Most lines start with a word like "The" or "said": two ASCII
   * letters, the second lower case, are one word token (the tokenizer
   * splits a run of letters only before "n't"), which is not in capitals
   * (no place), not "date" or "dated" unless the line starts so, and
   * starts where the line does; with no outlet pattern there either, the
   * steps below find no dateline and change nothing.  Those lines are
   * answered without tokenizing them. */
  if (e - s >= 2 && g_ascii_isalpha (text[s]) && g_ascii_islower (text[s + 1])
      && !(text[s + 1] == 'n' && s + 2 < e && (text[s + 2] == '\'' || (guchar) text[s + 2] == 0xe2))
      && !(e - s >= 4 && g_ascii_strncasecmp (text + s, "date", 4) == 0))
    {
      gsize n;
      if (outlet_at (ox, text, s, e, &n) == NULL)
        return s;
    }
  /* Lines that open with a quotation mark (most first lines that the test
   * above leaves: “We…”, "The…") start with a QUOTE token: no "date", no
   * place (a word in capitals), no dash, "." or ":" to close, so unless
   * an outlet pattern starts there the steps below find no dateline. */
  if (text[s] == '"' || (e - s >= 3 && memcmp (text + s, "\xe2\x80\x9c", 3) == 0))
    {
      gsize n;
      if (outlet_at (ox, text, s, e, &n) == NULL)
        return s;
    }

  /* the dateline is short: tokenize the start of the line only (toks:
   * the caller's scratch) */
  g_array_set_size (toks, 0);
  xref_tokenize (text, s, MIN (e, s + 300), toks);
  if (toks->len == 0)
    return s;

  /* "date 2022-12-21" */
  if (tok (toks, 0)->kind == XREF_TOKEN_WORD
      && (strcmp (tok (toks, 0)->norm, "date") == 0 || strcmp (tok (toks, 0)->norm, "dated") == 0))
    {
      guint j = tok_is (toks, 1, ":") ? 2 : 1;
      const XrefToken *t = tok (toks, j);
      if (t != NULL && t->kind == XREF_TOKEN_NUMBER && xref_date_parse_iso (t->form, &full)
          && xref_date_is_complete (&full))
        {
          have_full = TRUE;
          i = end_tok = j + 1;
        }
    }

  /* PLACE: upper-case words ("WASHINGTON", "NEW YORK", "LONDON/PARIS") */
  guint p0 = i;
  while (tok (toks, i) != NULL
         && ((tok (toks, i)->kind == XREF_TOKEN_WORD && (tok (toks, i)->flags & XREF_TOKEN_ALLCAPS)
              && month_of (rules, tok (toks, i)) == 0)
             || (i > p0 && (tok_is (toks, i, "/") || tok_is (toks, i, "-")) && tok (toks, i + 1) != NULL
                 && (tok (toks, i + 1)->flags & XREF_TOKEN_ALLCAPS))))
    i++;
  if (i > p0)
    {
      place_s = tok (toks, p0)->start;
      place_e = tok (toks, i - 1)->end;
      if (tok_is (toks, i, ","))
        {
          guint k;
          if (parse_month_day (rules, toks, i + 1, &md, &k))
            {
              have_md = TRUE;
              i = k;
            }
          else
            {
              /* "SAN JOSE, Calif. (Reuters) -": a region before the outlet */
              k = i + 1;
              while (k < i + 4 && tok (toks, k) != NULL && tok (toks, k)->kind == XREF_TOKEN_WORD
                     && (tok (toks, k)->flags & XREF_TOKEN_CAPITALISED))
                k++;
              gsize n;
              if (k > i + 1 && tok (toks, k) != NULL
                  && (outlet_at (ox, text, tok (toks, k)->start, e, &n) != NULL || tok_is (toks, k, "(")))
                i = k;
            }
        }
      if (have_md && tok_is (toks, i, "."))
        i++;
    }

  /* the outlet: "/TASS/", "(Reuters)", "(AP)" */
  if (tok (toks, i) != NULL)
    {
      gsize n = 0;
      gsize at = tok (toks, i)->start;
      outlet = outlet_at (ox, text, at, e, &n);
      if (outlet != NULL)
        {
          /* a pattern must end on a token boundary */
          guint k = i;
          while (tok (toks, k) != NULL && tok (toks, k)->end <= at + n)
            k++;
          if (k > i && tok (toks, k - 1)->end == at + n)
            i = k;
          else
            outlet = NULL;
        }
    }

  /* an agency the rules do not know, after a place and before a dash:
   * "JOHANNESBURG, August 7 (Xinhua) --" */
  char *other_outlet = NULL;
  if (outlet == NULL && place_e > place_s && tok_is (toks, i, "("))
    {
      guint k = i + 1;
      while (k < i + 4 && tok (toks, k) != NULL && tok (toks, k)->kind == XREF_TOKEN_WORD
             && (tok (toks, k)->flags & XREF_TOKEN_CAPITALISED))
        k++;
      if (k > i + 1 && tok_is (toks, k, ")") && tok_is_dash (toks, k + 1))
        {
          other_outlet = g_strndup (text + tok (toks, i + 1)->start, tok (toks, k - 1)->end - tok (toks, i + 1)->start);
          i = k + 1;
        }
    }

  /* what closes a dateline; a pattern may hold it: "(AP) —" */
  gboolean closed = FALSE, dash = FALSE;
  if (outlet != NULL && (tok_is_dash (toks, i - 1) || tok_is (toks, i - 1, ".")))
    closed = dash = TRUE;
  if (closed)
    {
      while (dash && tok_is_dash (toks, i))   /* "(AP) --" */
        i++;
    }
  else if (tok_is_dash (toks, i))
    {
      dash = closed = TRUE;
      while (tok_is_dash (toks, i))   /* "--" is two tokens */
        i++;
    }
  else if (tok_is (toks, i, ".") || tok_is (toks, i, ":"))
    {
      closed = TRUE;
      i++;
    }
  else if (tok (toks, i) == NULL && i > 0 && e <= s + 300)
    closed = TRUE;   /* the whole line */

  gboolean have_place = place_e > place_s;
  gboolean accept = (have_place && (outlet != NULL || other_outlet != NULL || have_md || dash))
                    || (!have_place && outlet != NULL && closed);
  if (accept)
    end_tok = i;
  else
    {
      outlet = NULL;
      g_clear_pointer (&other_outlet, g_free);
      have_md = FALSE;
      have_place = FALSE;
    }
  if (end_tok == 0)
    return s;
  if (other_outlet != NULL && doc->outlet == NULL)
    doc->outlet = g_steal_pointer (&other_outlet);
  g_free (other_outlet);

  if (have_full && doc->date_basis == XREF_DATE_BASIS_NONE)
    {
      doc->date = full;
      doc->date_basis = XREF_DATE_BASIS_DATELINE;
    }
  if (have_md && doc->date_basis == XREF_DATE_BASIS_NONE)
    {
      doc->date = md;
      doc->date_basis = XREF_DATE_BASIS_DATELINE;
    }
  if (have_place && doc->place == NULL)
    doc->place = title_case (text + place_s, place_e - place_s);
  if (outlet != NULL && doc->outlet == NULL)
    doc->outlet = g_strdup (outlet->name != NULL ? outlet->name : outlet->id);

  return end_tok < toks->len ? tok (toks, end_tok)->start : MIN (e, tok (toks, end_tok - 1)->end);
}

/* ---- headings ------------------------------------------------------------ */

/* The last character of [s, e) before trailing space, skipping closing
 * quotes and brackets; 0 when none. */
static gunichar
last_char (const char *text, gsize s, gsize e, gboolean skip_closers)
{
  trim (text, &s, &e);
  while (e > s)
    {
      const char *p;
      gunichar c;

      /* an ASCII byte is a character of its own (most lines end in one) */
      if ((guchar) text[e - 1] < 0x80)
        {
          p = text + e - 1;
          c = (guchar) *p;
        }
      else
        {
          p = g_utf8_find_prev_char (text + s, text + e);
          if (p == NULL)
            p = text + s;
          c = g_utf8_get_char (p);
        }
      if (skip_closers
          && (c == 0x201D || c == 0x2019 || c == '"' || c == '\'' || c == 0x00BB || c == ')' || c == ']'))
        {
          e = (gsize) (p - text);
          continue;
        }
      return c;
    }
  return 0;
}

static gboolean
ends_final (const char *text, gsize s, gsize e)
{
  gunichar c = last_char (text, s, e, TRUE);
  return c == '.' || c == '!' || c == '?' || c == 0x2026;
}

static gboolean
ends_continuation (const char *text, gsize s, gsize e)
{
  gunichar c = last_char (text, s, e, FALSE);
  return c == ',' || c == ';' || c == ':' || c == '-' || c == 0x2013 || c == 0x2014;
}

/* The first character of [s, e) starts a sentence: an upper-case letter,
 * a digit, an opening quote or bracket. */
static gboolean
starts_upper (const char *text, gsize s, gsize e)
{
  trim (text, &s, &e);
  if (s >= e)
    return FALSE;
  gunichar c = g_utf8_get_char (text + s);
  return g_unichar_isupper (c) || g_unichar_istitle (c) || g_unichar_isdigit (c) || c == 0x201C || c == '"'
         || c == 0x2018 || c == 0x00AB || c == '(' || c == '[';
}

/* Could [s, e) be a heading: no sentence-final punctuation, not cut off
 * mid-sentence, one to twelve words, starting with a capital or digit. */
static gboolean
heading_like (const char *text, gsize s, gsize e, GArray *scratch)
{
  guint words = 0;
  const XrefToken *first = NULL;

  if (ends_final (text, s, e) || ends_continuation (text, s, e))
    return FALSE;
  /* A long line is no heading, and most lines are long: no token spans
   * white space, so each chunk between ASCII white space that holds an
   * ASCII letter or digit holds a WORD or NUMBER token of its own; with
   * thirteen such chunks the count below would pass twelve. */
  {
    guint chunks = 0;
    gboolean in_chunk = FALSE, counted = FALSE;
    for (gsize p = s; p < e; p++)
      {
        guchar c = (guchar) text[p];
        if (c <= 0x20)
          in_chunk = FALSE;
        else
          {
            if (!in_chunk)
              counted = FALSE;
            in_chunk = TRUE;
            if (!counted && g_ascii_isalnum (c))
              {
                counted = TRUE;
                if (++chunks > 12)
                  return FALSE;
              }
          }
      }
  }
  g_array_set_size (scratch, 0);
  xref_tokenize (text, s, e, scratch);
  for (guint i = 0; i < scratch->len; i++)
    {
      const XrefToken *t = &g_array_index (scratch, XrefToken, i);
      if (t->kind == XREF_TOKEN_WORD || t->kind == XREF_TOKEN_NUMBER)
        {
          if (first == NULL)
            first = t;
          if (++words > 12)
            return FALSE;
        }
    }
  return first != NULL && (first->kind == XREF_TOKEN_NUMBER || (first->flags & XREF_TOKEN_CAPITALISED));
}

/* A line holds text when it has a number or a word of two letters or more;
 * what is left ("p>", "***", "•", "|") is residue of markup or layout. */
static gboolean
has_content (const char *text, gsize s, gsize e, GArray *scratch)
{
  /* Without tokenizing, for nearly every line: an ASCII digit always lies
   * in a NUMBER token or in a WORD of two characters or more, and two
   * ASCII letters side by side always lie in one WORD or NUMBER token of
   * two characters or more (the tokenizer splits a run of letters only
   * before "n't", itself a word of three), so either settles it.  Other
   * lines are tokenized. */
  for (gsize p = s; p < e; p++)
    {
      guchar c = (guchar) text[p];
      if (g_ascii_isdigit (c) || (g_ascii_isalpha (c) && p + 1 < e && g_ascii_isalpha (text[p + 1])))
        return TRUE;
    }
  g_array_set_size (scratch, 0);
  xref_tokenize (text, s, e, scratch);
  for (guint i = 0; i < scratch->len; i++)
    {
      const XrefToken *t = &g_array_index (scratch, XrefToken, i);
      if (t->kind == XREF_TOKEN_NUMBER || (t->kind == XREF_TOKEN_WORD && g_utf8_strlen (t->form, -1) >= 2))
        return TRUE;
    }
  return FALSE;
}

/* ---- the article ---------------------------------------------------------- */

static gboolean
has_ext (const char *id, const char *ext)
{
  gsize n = strlen (id), e = strlen (ext);
  return n > e && g_ascii_strcasecmp (id + n - e, ext) == 0;
}

static gboolean
is_markdown (const char *id)
{
  return has_ext (id, ".md") || has_ext (id, ".markdown");
}

static gboolean
is_html (const char *id)
{
  return has_ext (id, ".html") || has_ext (id, ".htm");
}

/* TRUE when the trimmed [s, e) lies inside one of spans. */
static gboolean
inside_spans (const char *text, GArray *spans, gsize s, gsize e)
{
  trim (text, &s, &e);
  for (guint i = 0; spans != NULL && i < spans->len; i++)
    {
      const XrefSpan *sp = &g_array_index (spans, XrefSpan, i);
      if (s >= sp->start && e <= sp->end)
        return TRUE;
    }
  return FALSE;
}

static void
fill_meta (char **field, const char *value)
{
  if (*field == NULL && value != NULL && *value != '\0')
    *field = g_strdup (value);
}

static void
add_span (GArray *a, const char *text, gsize s, gsize e)
{
  trim (text, &s, &e);
  if (s < e)
    {
      XrefSpan sp = { s, e };
      g_array_append_val (a, sp);
    }
}

/* Drops boilerplate lines; cut_rest drops everything after too.  A footer
 * line naming the outlet ("watch the Izvestia TV channel") tells the
 * outlet when nothing else did. */
/* Boilerplate is a short line ("Search", "3 Responses", a footer); longer
 * lines are body text and are not matched (rule regexes also refuse very
 * long subjects). */
#define BOILERPLATE_MAX_LINE 4096

/* text_valid: the text is valid UTF-8, so xref_regex_cannot_match may
 * skip the patterns that cannot match a line (most lines, most patterns)
 * without running them. */
static void
mark_boilerplate (XrefDocument *doc, GArray *lines, const Outlets *ox, const char *shown, gboolean text_valid,
                  const XrefOutlet **footer_outlet)
{
  const XrefRules *rules = ox->rules;
  gboolean cut = FALSE, warned = FALSE;

  if (rules == NULL || rules->boilerplate == NULL)
    return;
  for (guint i = 0; i < lines->len; i++)
    {
      Line *l = &g_array_index (lines, Line, i);
      if (cut)
        {
          l->kind = LINE_DROP;
          continue;
        }
      if (l->kind != LINE_TEXT || l->end - l->start > BOILERPLATE_MAX_LINE)
        continue;
      for (guint b = 0; b < rules->boilerplate->len; b++)
        {
          const XrefBoilerplate *bp = g_ptr_array_index (rules->boilerplate, b);
          g_autoptr (GError) err = NULL;
          XrefSpan m, v;

          if (bp->line == NULL)
            continue;
          if (text_valid && xref_regex_cannot_match (bp->line, doc->text + l->start, l->end - l->start))
            continue;
          /* a line of a valid text is valid (it is cut at \n): PCRE2 need
           * not check it again for every pattern */
          if (text_valid ? xref_regex_match_valid (bp->line, doc->text + l->start, l->end - l->start, 0, &m, &v, &err)
                         : xref_regex_match (bp->line, doc->text + l->start, l->end - l->start, 0, &m, &v, &err))
            {
              l->kind = LINE_DROP;
              if (bp->cut_rest)
                cut = TRUE;
              else if (*footer_outlet == NULL)
                *footer_outlet = outlet_within (ox, doc->text, l->start, l->end);
              break;
            }
          if (err != NULL && !warned)
            {
              /* once per document: the same rule would fail again */
              xref_warn (shown, "boilerplate rule '%s' (%s:%d:%d): %s", bp->id != NULL ? bp->id : "?",
                         bp->origin.file != NULL ? bp->origin.file : "?", bp->origin.line, bp->origin.col,
                         err->message);
              doc->n_warnings++;
              warned = TRUE;
            }
        }
    }
}

/* Groups the kept lines into paragraphs and sorts them into regions and
 * headings.  A line break ends a paragraph when the line ends a sentence,
 * when the line is a heading, or when a short line is followed by one
 * that starts like a sentence; otherwise the lines are one hard-wrapped
 * paragraph.  Blank and dropped lines always end a paragraph. */
static void
build_regions (XrefDocument *doc, GArray *lines, GArray *scratch)
{
  const char *text = doc->text;
  gsize longest = 0;
  guint i = 0, n_text = 0;

  for (guint k = 0; k < lines->len; k++)
    {
      const Line *l = &g_array_index (lines, Line, k);
      if (l->kind == LINE_TEXT)
        {
          n_text++;
          if (l->end - l->body > longest)
            longest = l->end - l->body;
        }
    }
  /* a region per text line at most: room made once, not grown span by
   * span (a reallocation at 1, 2, 4, 8 and 16 regions) */
  if (n_text > 0)
    {
      guint had = doc->regions->len;
      g_array_set_size (doc->regions, had + n_text);
      g_array_set_size (doc->regions, had);
    }

  while (i < lines->len)
    {
      Line *l = &g_array_index (lines, Line, i);
      guint j;

      if (l->kind == LINE_HEAD)
        {
          if (doc->title == NULL && doc->regions->len == 0 && !span_is_blank (text, l->body, l->end))
            {
              gsize s = l->body, e = l->end;
              trim (text, &s, &e);
              doc->title = g_strndup (text + s, e - s);
            }
          add_span (doc->headings, text, l->body, l->end);
          i++;
          continue;
        }
      if (l->kind != LINE_TEXT)
        {
          i++;
          continue;
        }

      /* a paragraph: lines i..j-1; heading_like of line i, asked at most
       * once (-1: not yet) */
      gint first_heading = -1;
      j = i + 1;
      while (j < lines->len)
        {
          const Line *prev = &g_array_index (lines, Line, j - 1);
          const Line *next = &g_array_index (lines, Line, j);
          gsize plen = prev->end - prev->body;

          if (next->kind != LINE_TEXT)
            break;
          if (ends_final (text, prev->body, prev->end))
            break;
          if (j - 1 == i && (first_heading = heading_like (text, prev->body, prev->end, scratch))
              && starts_upper (text, next->body, next->end))
            break;
          if (plen * 10 < longest * 6 && starts_upper (text, next->body, next->end)
              && !ends_continuation (text, prev->body, prev->end))
            break;
          j++;
        }

      if (j == i + 1 && (first_heading >= 0 ? first_heading : heading_like (text, l->body, l->end, scratch)))
        {
          /* the first heading before any body text is the title */
          if (doc->title == NULL && doc->regions->len == 0)
            {
              gsize s = l->body, e = l->end;
              trim (text, &s, &e);
              doc->title = g_strndup (text + s, e - s);
            }
          add_span (doc->headings, text, l->body, l->end);
        }
      else
        add_span (doc->regions, text, l->body, g_array_index (lines, Line, j - 1).end);
      i = j;
    }
}

static int
cmp_spans (gconstpointer a, gconstpointer b)
{
  const XrefSpan *x = a, *y = b;
  return x->start < y->start ? -1 : x->start > y->start;
}

/* A question standing alone as a paragraph among section titles is one
 * of them: "What does the New Year bring us?" between the paragraphs of
 * an article whose other sections open with titles.  Only when the
 * document has titles already, the question is short, is not quoted,
 * holds one sentence and is followed by body text. */
static void
question_headings (XrefDocument *doc, GArray *scratch)
{
  const char *text = doc->text;
  gboolean moved = FALSE;

  if (doc->headings->len < 2)
    return;
  for (guint i = 0; i + 1 < doc->regions->len; i++)
    {
      const XrefSpan *r = &g_array_index (doc->regions, XrefSpan, i);
      guint words = 0, stops = 0;
      gboolean quoted = FALSE;

      if (r->end - r->start > 120 || memchr (text + r->start, '\n', r->end - r->start) != NULL
          || last_char (text, r->start, r->end, FALSE) != '?')
        continue;
      g_array_set_size (scratch, 0);
      xref_tokenize (text, r->start, r->end, scratch);
      for (guint k = 0; k < scratch->len; k++)
        {
          const XrefToken *t = &g_array_index (scratch, XrefToken, k);
          if (t->kind == XREF_TOKEN_WORD || t->kind == XREF_TOKEN_NUMBER)
            words++;
          else if (t->kind == XREF_TOKEN_QUOTE)
            quoted = TRUE;
          else if (strcmp (t->form, ".") == 0 || strcmp (t->form, "?") == 0 || strcmp (t->form, "!") == 0)
            stops++;
        }
      if (quoted || stops != 1 || words < 2 || words > 10 || !starts_upper (text, r->start, r->end))
        continue;
      g_array_append_val (doc->headings, *r);
      g_array_remove_index (doc->regions, i);
      i--;
      moved = TRUE;
    }
  if (moved)
    g_array_sort (doc->headings, cmp_spans);
}

/* ingest_take's lines and token scratch, kept by each thread from one
 * document to the next rather than allocated (and grown) for each; those
 * of a document over SCRATCH_KEEP bytes are let go after it.  A thread's
 * are freed when it ends; the main thread's live to exit. */
#define SCRATCH_KEEP (1u << 20)

typedef struct {
  GArray *lines;           /* Line */
  GArray *tokens;          /* XrefToken */
} Scratch;

static void
scratch_free (gpointer data)
{
  Scratch *s = data;

  g_array_unref (s->lines);
  g_array_unref (s->tokens);
  g_free (s);
}

static GPrivate scratch_key = G_PRIVATE_INIT (scratch_free);

static Scratch *
scratch_get (void)
{
  Scratch *s = g_private_get (&scratch_key);

  if (G_UNLIKELY (s == NULL))
    {
      s = g_new (Scratch, 1);
      s->lines = g_array_new (FALSE, FALSE, sizeof (Line));
      s->tokens = g_array_new (FALSE, TRUE, sizeof (XrefToken));
      g_private_set (&scratch_key, s);
    }
  return s;
}

static XrefDocument *
ingest_take (const char *id, const char *path, const char *shown, char *data, gsize len, const XrefMeta *meta,
             const XrefRules *rules, GError **error)
{
  g_autoptr (XrefDocument) doc = NULL;
  Scratch *kept;
  GArray *lines;
  XrefMeta fm = { 0 };
  const char *why;
  gsize body = 0, valid;
  const XrefOutlet *footer_outlet = NULL;
  g_autoptr (GArray) html_heads = NULL;

  valid = xref_utf8_valid_prefix (data, len);
  why = binary_reason (data, len, valid);
  if (why != NULL)
    {
      g_free (data);
      g_set_error (error, XREF_ERROR, XREF_ERROR_INPUT, "binary file skipped (%s)", why);
      return NULL;
    }

  doc = xref_document_new (id, path);
  doc->text = data;
  doc->len = len;
  repair_utf8 (doc, shown, valid);

  /* a UTF-8 BOM stays in the text, out of every region */
  if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    body = 3;

  if (is_html (id))
    html_heads = xref_ingest_html_blank (doc->text, doc->len, &fm);
  else
    /* front matter, then the manifest for what it leaves open */
    body = read_front_matter (doc, body, shown, &fm);
  doc->outlet = g_steal_pointer (&fm.outlet);
  doc->title = g_steal_pointer (&fm.title);
  doc->place = g_steal_pointer (&fm.place);
  doc->url = g_steal_pointer (&fm.url);
  doc->author = g_steal_pointer (&fm.author);
  if (fm.date.year > 0)
    {
      doc->date = fm.date;
      doc->date_basis = XREF_DATE_BASIS_METADATA;
    }
  if (meta != NULL)
    {
      fill_meta (&doc->outlet, meta->outlet);
      fill_meta (&doc->title, meta->title);
      fill_meta (&doc->place, meta->place);
      fill_meta (&doc->url, meta->url);
      fill_meta (&doc->author, meta->author);
      if (doc->date_basis == XREF_DATE_BASIS_NONE && meta->date.year > 0)
        {
          doc->date = meta->date;
          doc->date_basis = XREF_DATE_BASIS_METADATA;
        }
    }

  kept = scratch_get ();
  lines = kept->lines;
  split_lines (lines, doc->text, body, doc->len);

  /* blank lines, Markdown headings, lines that only name the outlet */
  gboolean md = is_markdown (id);
  /* tokens of a line, for every step below that tokenizes one (each
   * empties it first) */
  GArray *scratch = kept->tokens;
  Outlets ox;
  outlets_init (&ox, rules);
  for (guint i = 0; i < lines->len; i++)
    {
      Line *l = &g_array_index (lines, Line, i);
      const XrefOutlet *o;

      if (span_is_blank (doc->text, l->start, l->end))
        l->kind = LINE_BLANK;
      else if (!has_content (doc->text, l->start, l->end, scratch))
        l->kind = LINE_DROP;
      else if (html_heads != NULL && inside_spans (doc->text, html_heads, l->start, l->end))
        l->kind = LINE_HEAD;
      else if (md && doc->text[l->start] == '#')
        {
          gsize p = l->start;
          while (p < l->end && doc->text[p] == '#')
            p++;
          if (p - l->start <= 6 && (p == l->end || doc->text[p] == ' ' || doc->text[p] == '\t'))
            {
              l->kind = LINE_HEAD;
              l->body = p;
            }
        }
      else if ((o = outlet_line (&ox, doc->text, l->start, l->end)) != NULL)
        {
          l->kind = LINE_DROP;
          fill_meta (&doc->outlet, o->name != NULL ? o->name : o->id);
        }
    }

  /* repair_utf8 left a valid text; an HTML page's decoded references
   * were written after it, so its text is checked again */
  gboolean text_valid = !is_html (id) || xref_utf8_valid_prefix (doc->text, doc->len) == doc->len;
  mark_boilerplate (doc, lines, &ox, shown, text_valid, &footer_outlet);

  /* the dateline opens the first body line (after a title or two) */
  for (guint i = 0, tried = 0; i < lines->len && tried < 3; i++)
    {
      Line *l = &g_array_index (lines, Line, i);
      gsize b;

      if (l->kind != LINE_TEXT)
        continue;
      tried++;
      b = read_dateline (doc, &ox, l->start, l->end, scratch);
      if (b > l->start)
        {
          l->body = b;
          if (!span_is_blank (doc->text, l->body, l->end))
            break;
          /* a dateline alone on its line ("date 2022-12-21"): the next
           * line may carry the rest of it */
          l->kind = LINE_DROP;
          continue;
        }
      if (!heading_like (doc->text, l->start, l->end, scratch))
        break;
    }

  if (footer_outlet != NULL)
    fill_meta (&doc->outlet, footer_outlet->name != NULL ? footer_outlet->name : footer_outlet->id);

  build_regions (doc, lines, scratch);
  question_headings (doc, scratch);
  if (G_UNLIKELY (doc->len > SCRATCH_KEEP))
    g_private_replace (&scratch_key, NULL);   /* (frees them) */
  return g_steal_pointer (&doc);
}

XrefDocument *
xref_ingest_bytes (const char *id, const char *data, gsize len, const XrefMeta *meta, const XrefRules *rules,
                   GError **error)
{
  char *copy;

  /* the limit files have (so that every offset into a text fits a claim's
   * 32 bits, extract.h) */
  if (len > XREF_INGEST_MAX_FILE)
    {
      g_set_error (error, XREF_ERROR, XREF_ERROR_INPUT, "file too large (limit %u bytes)", XREF_INGEST_MAX_FILE);
      return NULL;
    }
  copy = g_malloc (len + 1);
  if (len > 0)
    memcpy (copy, data, len);
  copy[len] = '\0';
  return ingest_take (id, id, id, copy, len, meta, rules, error);
}

/* What the first read of a file asks for: an article (about 4 KB in the
 * bench corpus, rarely over 64 KB as news) in one call. */
#define READ_GUESS (64u * 1024u)

/* xref_read_file's usual case in three system calls instead of four:
 * open, one read, close; no fstat.  The walk has seen the file as a
 * regular one (d_type or stat), so the size is asked for only when the
 * first read fills READ_GUESS: a read of a regular file that returns
 * less than it was asked for has reached the end.  The buffer is cut to
 * the size read (glibc shrinks in place: no copy, and the pages past the
 * text are never touched).  A file that cannot be opened is "cannot
 * read" (the walk does not ask beforehand: the open answers), with
 * *failed set.  Anything else returns FALSE, and the caller reads the file
 * again with xref_read_file, which handles every case and words the
 * error: a read error (EISDIR, EAGAIN: a folder or a FIFO put there since
 * the walk), nothing read (an empty file, or a FIFO without a writer),
 * not a regular file or too large at the fstat, or one that grew or
 * shrank since that fstat. */
int
xref_ingest_open (const XrefCorpusFile *file)
{
  const int flags = O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC;

  return file->root_fd != NULL ? openat (*file->root_fd, file->name, flags) : open (file->path, flags);
}

static gboolean
read_whole (const XrefCorpusFile *file, char **contents, gsize *len, gboolean *failed, GError **error)
{
  struct stat st;
  int fd;
  char *buf;
  ssize_t n, m;

  fd = xref_ingest_open (file);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, XREF_ERROR, XREF_ERROR_INPUT, "cannot read: %s", g_strerror (saved));
      *failed = TRUE;
      return FALSE;
    }
  buf = g_malloc (READ_GUESS);
  while ((n = read (fd, buf, READ_GUESS)) < 0 && errno == EINTR)
    ;
  if (n > 0 && (gsize) n < READ_GUESS)
    {
      close (fd);
      buf = g_realloc (buf, (gsize) n + 1);
      goto done;
    }
  /* a large file: its size, then the rest and one more byte, which a
   * file that has not grown does not have */
  if (n < 0 || fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || (guint64) st.st_size > XREF_INGEST_MAX_FILE
      || st.st_size < n)
    {
      close (fd);
      g_free (buf);
      return FALSE;
    }
  buf = g_realloc (buf, (gsize) st.st_size + 1);
  while ((m = read (fd, buf + n, (gsize) (st.st_size - n) + 1)) < 0 && errno == EINTR)
    ;
  close (fd);
  if (m != st.st_size - n)
    {
      g_free (buf);
      return FALSE;
    }
  n += m;

done:
  buf[n] = '\0';
  *contents = buf;
  *len = (gsize) n;
  return TRUE;
}

XrefDocument *
xref_ingest_file (const XrefCorpusFile *file, const XrefMeta *meta, const XrefRules *rules, GError **error)
{
  char *data = NULL;
  gsize len = 0;
  gboolean failed = FALSE;

  if (!read_whole (file, &data, &len, &failed, error)
      && (failed || !xref_read_file (file->path, XREF_INGEST_MAX_FILE, &data, &len, error)))
    return NULL;
  return ingest_take (file->id, file->path, file->path, data, len, meta, rules, error);
}
