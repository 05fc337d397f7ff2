/* xref — report: every escaping rule of the renderers lives here (JSON,
 * terminal, CSV, Markdown, HTML), over one strict UTF-8 decoder so that
 * every format replaces the same bytes the same way. */
#include "xref/report.h"

#include <string.h>

#define REPLACEMENT 0xFFFD

/* Decodes one character at p (n > 0 bytes available) under RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF.  Returns its
 * length in bytes, or 0 when the bytes at p are not valid UTF-8. */
static guint
utf8_decode (const guchar *p, gsize n, gunichar *out)
{
  guchar b = p[0];
  gunichar c, min;
  guint len;

  if (b < 0x80)
    {
      *out = b;
      return 1;
    }
  if (b >= 0xC2 && b <= 0xDF)
    len = 2, c = b & 0x1F, min = 0x80;
  else if (b >= 0xE0 && b <= 0xEF)
    len = 3, c = b & 0x0F, min = 0x800;
  else if (b >= 0xF0 && b <= 0xF4)
    len = 4, c = b & 0x07, min = 0x10000;
  else
    return 0;
  if (n < len)
    return 0;
  for (guint i = 1; i < len; i++)
    {
      if ((p[i] & 0xC0) != 0x80)
        return 0;
      c = (c << 6) | (p[i] & 0x3F);
    }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
    return 0;
  *out = c;
  return len;
}

/* The next character of [*p, end), advancing *p; an invalid byte reads as
 * U+FFFD and is skipped alone (one replacement per bad byte). */
static gunichar
next_char (const guchar **p, const guchar *end)
{
  gunichar c;
  guint n = utf8_decode (*p, (gsize) (end - *p), &c);

  if (n == 0)
    {
      *p += 1;
      return REPLACEMENT;
    }
  *p += n;
  return c;
}

static gsize
length_of (const char *s, gssize len)
{
  return len < 0 ? strlen (s) : (gsize) len;
}

/* C0 controls, DEL and C1 controls. */
static gboolean
is_control (gunichar c)
{
  return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

/* Characters that end or break a line of text. */
static gboolean
is_line_space (gunichar c)
{
  return c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == 0x85 || c == 0x2028
         || c == 0x2029;
}

void
xref_escape_json (GString *out, const char *s, gssize len)
{
  const guchar *p, *end;

  if (s == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  p = (const guchar *) s;
  end = p + length_of (s, len);
  g_string_append_c (out, '"');
  while (p < end)
    {
      /* Fast path: a run of plain ASCII that needs no escape. */
      const guchar *run = p;
      while (p < end && *p >= 0x20 && *p < 0x7F && *p != '"' && *p != '\\')
        p++;
      if (p > run)
        g_string_append_len (out, (const char *) run, p - run);
      if (p >= end)
        break;

      gunichar c = next_char (&p, end);
      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          /* RFC 8259 requires escaping U+0000–001F; DEL and C1 are escaped
           * for readability, and U+2028/2029 because JavaScript (before
           * ES2019) does not accept them raw inside a string literal. */
          if (is_control (c) || c == 0x2028 || c == 0x2029)
            g_string_append_printf (out, "\\u%04x", (guint) c);
          else
            g_string_append_unichar (out, c);
          break;
        }
    }
  g_string_append_c (out, '"');
}

void
xref_escape_terminal (GString *out, const char *s, gssize len)
{
  const guchar *p, *end;

  if (s == NULL)
    return;
  p = (const guchar *) s;
  end = p + length_of (s, len);
  while (p < end)
    {
      const guchar *run = p;
      while (p < end && *p >= 0x20 && *p < 0x7F)
        p++;
      if (p > run)
        g_string_append_len (out, (const char *) run, p - run);
      if (p >= end)
        break;

      gunichar c = next_char (&p, end);
      if (is_line_space (c))
        g_string_append_c (out, ' ');
      else if (xref_unichar_unsafe (c))
        g_string_append_unichar (out, REPLACEMENT);
      else
        g_string_append_unichar (out, c);
    }
}

/* Columns one character takes on a terminal, after the wcwidth(3)
 * conventions: marks and zero-width format characters 0, East Asian wide
 * and fullwidth 2.  Controls count 0 (xref_escape_terminal never lets one
 * through). */
static guint
char_width (gunichar c)
{
  if (is_control (c))
    return 0;
  if (g_unichar_iszerowidth (c) || g_unichar_ismark (c))
    return 0;
  if (g_unichar_iswide (c))
    return 2;
  return 1;
}

guint
xref_display_width (const char *s, gssize len)
{
  const guchar *p, *end;
  guint w = 0;

  if (s == NULL)
    return 0;
  p = (const guchar *) s;
  end = p + length_of (s, len);
  while (p < end)
    {
      if (*p >= 0x20 && *p < 0x7F)
        {
          w++;
          p++;
          continue;
        }
      w += char_width (next_char (&p, end));
    }
  return w;
}

void
xref_escape_csv (GString *out, const char *s, gssize len)
{
  const guchar *p, *end;
  gboolean quote = FALSE;

  if (s == NULL)
    return;
  p = (const guchar *) s;
  end = p + length_of (s, len);

  /* RFC 4180 §2.6–2.7: a field holding a comma, quote or line break is
   * enclosed in double quotes, and inner quotes are doubled.  These are
   * ASCII bytes, never part of a multi-byte character, so a byte scan
   * decides. */
  for (const guchar *q = p; q < end && !quote; q++)
    quote = *q == ',' || *q == '"' || *q == '\r' || *q == '\n';
  if (quote)
    g_string_append_c (out, '"');

  /* OWASP "CSV Injection": a spreadsheet evaluates a cell starting with one
   * of these as a formula; a leading apostrophe makes it text. */
  if (p < end && *p != 0 && strchr ("=+-@\t\r", *p) != NULL)
    g_string_append_c (out, '\'');

  while (p < end)
    {
      const guchar *run = p;
      while (p < end && *p > 0 && *p < 0x80 && *p != '"')
        p++;
      if (p > run)
        g_string_append_len (out, (const char *) run, p - run);
      if (p >= end)
        break;

      gunichar c = next_char (&p, end);
      if (c == '"')
        g_string_append (out, "\"\"");
      else
        g_string_append_unichar (out, c == 0 ? REPLACEMENT : c);
    }
  if (quote)
    g_string_append_c (out, '"');
}

void
xref_escape_markdown (GString *out, const char *s, gssize len)
{
  const guchar *p, *end;

  if (s == NULL)
    return;
  p = (const guchar *) s;
  end = p + length_of (s, len);
  while (p < end)
    {
      gunichar c = next_char (&p, end);

      /* GFM tables: a pipe ends the cell unless escaped, and a line break
       * ends the row.  The other characters are CommonMark inline markup
       * (emphasis, code, links, raw HTML, entities, strikethrough);
       * CommonMark lets a backslash escape any ASCII punctuation. */
      if (c != 0 && c < 0x80 && strchr ("\\|*_`[]<>&~", (int) c) != NULL)
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (is_line_space (c))
        g_string_append_c (out, ' ');
      else if (xref_unichar_unsafe (c))
        g_string_append_unichar (out, REPLACEMENT);
      else
        g_string_append_unichar (out, c);
    }
}

void
xref_escape_html (GString *out, const char *s, gssize len)
{
  const guchar *p, *end;

  if (s == NULL)
    return;
  p = (const guchar *) s;
  end = p + length_of (s, len);
  while (p < end)
    {
      gunichar c = next_char (&p, end);
      switch (c)
        {
        case '&': g_string_append (out, "&amp;"); break;
        case '<': g_string_append (out, "&lt;"); break;
        case '>': g_string_append (out, "&gt;"); break;
        case '"': g_string_append (out, "&quot;"); break;
        case '\'': g_string_append (out, "&#39;"); break;
        case '\n':
        case '\t':
          g_string_append_c (out, (char) c);
          break;
        default:
          if (c == '\r' || c == 0x2028 || c == 0x2029)
            g_string_append_c (out, ' ');
          else if (xref_unichar_unsafe (c))
            g_string_append_unichar (out, REPLACEMENT);
          else
            g_string_append_unichar (out, c);
          break;
        }
    }
}
