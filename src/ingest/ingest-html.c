/* xref — ingest: HTML articles.
 *
 * Offsets must stay the original file's, so markup is not removed but
 * blanked in place, one byte for one: a tag becomes spaces (a block tag
 * starts with line breaks so that paragraphs stay apart), comments and
 * the contents of script, style, head, nav, footer and the like become
 * spaces, and a character reference is decoded where it stood, padded
 * with spaces ("&amp;" → "&    ").  The rest of ingest then reads the
 * file like a plain-text article.  This is a reader for news pages, not
 * an HTML5 parser: what it does not understand it leaves as text. */
#include "ingest-private.h"

#include <string.h>

/* Elements whose whole content is not article text. */
static const char *const skipped[] = { "script", "style", "head", "noscript", "template", "svg", "nav",
                                       "footer", "aside", "form", "iframe", "button", "select", "object" };

/* Elements that end a paragraph. */
static const char *const blocks[] = { "p", "div", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul",
                                      "ol", "tr", "td", "th", "table", "blockquote", "section", "article",
                                      "header", "main", "figure", "figcaption", "pre", "dd", "dt", "dl",
                                      "title", "body", "html" };

static const struct {
  const char *name;
  gunichar c;
} entities[] = {
  { "amp", '&' },      { "lt", '<' },        { "gt", '>' },        { "quot", '"' },      { "apos", '\'' },
  { "nbsp", ' ' },     { "mdash", 0x2014 },  { "ndash", 0x2013 },  { "hellip", 0x2026 }, { "rsquo", 0x2019 },
  { "lsquo", 0x2018 }, { "rdquo", 0x201D },  { "ldquo", 0x201C },  { "laquo", 0x00AB }, { "raquo", 0x00BB },
  { "copy", 0x00A9 },  { "reg", 0x00AE },    { "euro", 0x20AC },   { "pound", 0x00A3 }, { "frac12", 0x00BD },
  { "frac14", 0x00BC }, { "frac34", 0x00BE }, { "eacute", 0x00E9 }, { "egrave", 0x00E8 }, { "aacute", 0x00E1 },
  { "oacute", 0x00F3 }, { "uuml", 0x00FC },  { "ouml", 0x00F6 },   { "auml", 0x00E4 },  { "ccedil", 0x00E7 },
  { "shy", 0 },
};

static gboolean
in_list (const char *name, gsize n, const char *const *list, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (strlen (list[i]) == n && g_ascii_strncasecmp (list[i], name, n) == 0)
      return TRUE;
  return FALSE;
}

static void
blank (char *text, gsize s, gsize e)
{
  for (gsize i = s; i < e; i++)
    if (text[i] != '\n')
      text[i] = ' ';
}

/* The end of the tag starting at text[p] == '<' (one past its '>'), quoted
 * attribute values skipped; len when it never closes. */
static gsize
tag_end (const char *text, gsize p, gsize len)
{
  char quote = 0;
  for (gsize i = p + 1; i < len; i++)
    {
      char c = text[i];
      if (quote != 0)
        {
          if (c == quote)
            quote = 0;
        }
      else if (c == '"' || c == '\'')
        quote = c;
      else if (c == '>')
        return i + 1;
    }
  return len;
}

/* Decodes the character reference at text[p] == '&' in place.  Returns the
 * bytes it covered, 0 when it is not one. */
static gsize
decode_reference (char *text, gsize p, gsize len)
{
  gsize q = p + 1;
  gunichar c = 0;
  gboolean found = FALSE;

  while (q < len && q - p < 12 && (g_ascii_isalnum (text[q]) || text[q] == '#'))
    q++;
  if (q >= len || text[q] != ';' || q == p + 1)
    return 0;
  if (text[p + 1] == '#')
    {
      const char *digits = text + p + 2;
      gboolean hex = (*digits == 'x' || *digits == 'X');
      gchar *endp = NULL;
      guint64 v;

      if (hex)
        digits++;
      v = g_ascii_strtoull (digits, &endp, hex ? 16 : 10);
      if (endp != text + q || endp == digits || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
      c = (gunichar) v;
      found = TRUE;
    }
  else
    for (gsize i = 0; i < G_N_ELEMENTS (entities); i++)
      if (strlen (entities[i].name) == q - p - 1 && strncmp (entities[i].name, text + p + 1, q - p - 1) == 0)
        {
          c = entities[i].c;
          found = TRUE;
          break;
        }
  if (!found)
    return 0;

  gsize covered = q + 1 - p;
  blank (text, p, q + 1);
  if (c >= 0x20 && c != 0x7f && c != 0xA0)
    {
      char buf[6];
      gint n = g_unichar_to_utf8 (c, buf);
      if ((gsize) n <= covered)
        memcpy (text + p, buf, (gsize) n);
    }
  return covered;
}

GArray *
xref_ingest_html_blank (char *text, gsize len, char **title)
{
  GArray *headings = g_array_new (FALSE, TRUE, sizeof (XrefSpan));
  gsize p = 0;
  gsize heading_start = 0;
  gboolean in_heading = FALSE;
  gsize title_start = 0;
  gboolean in_title = FALSE;

  while (p < len)
    {
      if (text[p] == '&')
        {
          gsize n = decode_reference (text, p, len);
          p += n > 0 ? n : 1;
          continue;
        }
      if (text[p] != '<')
        {
          p++;
          continue;
        }

      /* comments, doctype, CDATA */
      if (len - p >= 4 && memcmp (text + p, "<!--", 4) == 0)
        {
          const char *e = g_strstr_len (text + p + 4, (gssize) (len - p - 4), "-->");
          gsize end = e != NULL ? (gsize) (e - text) + 3 : len;
          blank (text, p, end);
          p = end;
          continue;
        }
      if (len - p >= 2 && (text[p + 1] == '!' || text[p + 1] == '?'))
        {
          gsize end = tag_end (text, p, len);
          blank (text, p, end);
          p = end;
          continue;
        }

      /* a tag: "<name ...>" or "</name>"; anything else is text ("a < b") */
      gsize q = p + 1;
      gboolean closing = FALSE;
      if (q < len && text[q] == '/')
        {
          closing = TRUE;
          q++;
        }
      gsize name = q;
      while (q < len && (g_ascii_isalnum (text[q]) || text[q] == '-'))
        q++;
      if (q == name || !g_ascii_isalpha (text[name]))
        {
          p++;
          continue;
        }
      gsize nlen = q - name;
      gsize end = tag_end (text, p, len);
      char name_buf[16] = { 0 };
      if (nlen < sizeof name_buf)
        memcpy (name_buf, text + name, nlen);
      gboolean is_block = in_list (text + name, nlen, blocks, G_N_ELEMENTS (blocks));
      gboolean is_heading = nlen == 2 && g_ascii_tolower (text[name]) == 'h' && text[name + 1] >= '1'
                            && text[name + 1] <= '6';
      gboolean is_title = nlen == 5 && g_ascii_strncasecmp (text + name, "title", 5) == 0;
      gboolean is_br = nlen == 2 && g_ascii_strncasecmp (text + name, "br", 2) == 0;

      /* the <title> inside <head> is read before <head> is skipped */
      if (!closing && in_list (text + name, nlen, skipped, G_N_ELEMENTS (skipped)) && end - p >= 3
          && text[end - 1] == '>' && text[end - 2] != '/')
        {
          g_autofree char *close = g_strdup_printf ("</%s", name_buf);
          gsize e = end;
          while (e < len)
            {
              const char *hit = g_strstr_len (text + e, (gssize) (len - e), "</");
              if (hit == NULL)
                {
                  e = len;
                  break;
                }
              e = (gsize) (hit - text);
              if (len - e >= strlen (close) && g_ascii_strncasecmp (text + e, close, strlen (close)) == 0)
                break;
              if (title != NULL && *title == NULL && len - e >= 8 && g_ascii_strncasecmp (text + e, "</title", 7) == 0)
                {
                  /* find "<title" before e and keep its text */
                  const char *t = g_strrstr_len (text + end, (gssize) (e - end), "<title");
                  if (t == NULL)
                    t = g_strrstr_len (text + end, (gssize) (e - end), "<TITLE");
                  if (t != NULL)
                    {
                      gsize ts = tag_end (text, (gsize) (t - text), e);
                      g_autofree char *raw = g_strndup (text + ts, e - ts);
                      g_strstrip (raw);
                      if (*raw != '\0' && g_utf8_validate (raw, -1, NULL))
                        *title = g_steal_pointer (&raw);
                    }
                }
              e += 2;
            }
          gsize after = e < len ? tag_end (text, e, len) : len;
          blank (text, p, after);
          if (after - p >= 2)
            text[p] = text[p + 1] = '\n';
          p = after;
          continue;
        }

      if (is_heading || is_title)
        {
          if (!closing)
            {
              if (is_heading)
                {
                  in_heading = TRUE;
                  heading_start = end;
                }
              else
                {
                  in_title = TRUE;
                  title_start = end;
                }
            }
          else if (is_heading && in_heading)
            {
              XrefSpan sp = { heading_start, p };
              g_array_append_val (headings, sp);
              in_heading = FALSE;
            }
          else if (is_title && in_title)
            {
              /* a <title> outside <head>: its text is the title, not body */
              if (title != NULL && *title == NULL)
                {
                  g_autofree char *raw = g_strndup (text + title_start, p - title_start);
                  g_strstrip (raw);
                  if (*raw != '\0' && g_utf8_validate (raw, -1, NULL))
                    *title = g_steal_pointer (&raw);
                }
              blank (text, title_start, p);
              in_title = FALSE;
            }
        }

      blank (text, p, end);
      if (is_block)
        {
          text[p] = '\n';
          if (end - p >= 2 && !is_br)
            text[p + 1] = '\n';
        }
      p = end;
    }
  return headings;
}
