/* xref — ingest: HTML articles through libxml2's HTML parser.
 *
 * Offsets must stay the original file's, so markup is not removed but
 * blanked in place, one byte for one.  libxml2 parses the page (implied
 * and unclosed elements, comments, script and style contents, character
 * references: the HTML rules, not ours) through SAX callbacks; at each
 * callback xmlByteConsumed() tells where in the file the parser stands,
 * so every run of text it reports is mapped back to its bytes.  Those
 * bytes are kept (a character reference is decoded where it stood,
 * padded with spaces: "&amp;" → "&    "), everything else becomes a
 * space, and each block element leaves line breaks where its tags stood
 * so that the rest of ingest reads the page as a plain-text article.
 *
 * Metadata comes from the page itself: <title>, <meta> (og:title,
 * og:site_name, author, article:published_time, date, …), the first
 * <time datetime>, and <link rel="canonical">. */
#include "ingest-private.h"

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <string.h>

/* Elements whose whole content is not article text. */
static const char *const skipped[] = { "script", "style", "head", "noscript", "template", "svg", "nav",
                                       "footer", "aside", "form", "iframe", "button", "select", "object",
                                       "textarea", "math", "canvas", "audio", "video" };

/* Elements that end a paragraph. */
static const char *const blocks[] = { "p", "div", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul",
                                      "ol", "tr", "td", "th", "table", "blockquote", "section", "article",
                                      "header", "main", "figure", "figcaption", "pre", "dd", "dt", "dl",
                                      "title", "body", "html", "address", "center", "caption", "details",
                                      "summary" };

/* <meta name|property=…> keys that give a publication date. */
static const char *const date_keys[] = { "article:published_time", "og:published_time", "date", "pubdate",
                                         "publishdate", "publish-date", "dc.date", "dc.date.issued",
                                         "dcterms.date", "dcterms.created", "sailthru.date", "parsely-pub-date",
                                         "datepublished" };

static gboolean
in_list (const char *name, const char *const *list, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (g_ascii_strcasecmp (list[i], name) == 0)
      return TRUE;
  return FALSE;
}

typedef struct {
  char *text;
  gsize len;
  guint8 *keep;              /* 1 for each byte that is article text */
  htmlParserCtxtPtr ctxt;

  guint depth;               /* open elements */
  guint skip_depth;          /* depth of the outermost skipped element, 0 if none */
  guint heading_depth;       /* depth of the open h1–h6, 0 if none */
  gsize heading_start, heading_end;
  gboolean heading_any;
  guint title_depth;         /* depth of the open <title>, 0 if none */
  GString *title;

  GArray *headings;          /* XrefSpan */
  GArray *breaks;            /* gsize: where a block element stood */
  XrefMeta *meta;
  char *og_title;
  char *date;
} Html;

static gsize
position (Html *h)
{
  long n = xmlByteConsumed (h->ctxt);
  if (n < 0)
    return 0;
  return MIN ((gsize) n, h->len);
}

static const char *
attr (const xmlChar **atts, const char *name)
{
  for (guint i = 0; atts != NULL && atts[i] != NULL; i += 2)
    if (g_ascii_strcasecmp ((const char *) atts[i], name) == 0)
      return atts[i + 1] != NULL ? (const char *) atts[i + 1] : "";
  return NULL;
}

/* An element that holds reader comments: id or class "comments",
 * "comment-list", "comments-area". */
static gboolean
is_comment_section (const xmlChar **atts)
{
  const char *names[2] = { attr (atts, "id"), attr (atts, "class") };
  for (int k = 0; k < 2; k++)
    {
      g_auto (GStrv) words = NULL;
      if (names[k] == NULL)
        continue;
      words = g_strsplit_set (names[k], " \t\n", -1);
      for (guint i = 0; words[i] != NULL; i++)
        if (g_ascii_strncasecmp (words[i], "comment", 7) == 0)
          return TRUE;
    }
  return FALSE;
}

static void
set_once (char **field, const char *value)
{
  if (*field == NULL && value != NULL)
    {
      g_autofree char *v = g_strstrip (g_strdup (value));
      if (*v != '\0' && g_utf8_validate (v, -1, NULL))
        *field = g_steal_pointer (&v);
    }
}

static void
read_meta (Html *h, const xmlChar **atts)
{
  const char *key = attr (atts, "property");
  const char *content = attr (atts, "content");

  if (key == NULL)
    key = attr (atts, "name");
  if (key == NULL)
    key = attr (atts, "itemprop");
  if (key == NULL || content == NULL)
    return;
  if (g_ascii_strcasecmp (key, "og:site_name") == 0)
    set_once (&h->meta->outlet, content);
  else if (g_ascii_strcasecmp (key, "og:title") == 0)
    set_once (&h->og_title, content);
  else if ((g_ascii_strcasecmp (key, "author") == 0 || g_ascii_strcasecmp (key, "article:author") == 0
            || g_ascii_strcasecmp (key, "byl") == 0)
           && !g_str_has_prefix (content, "http"))
    set_once (&h->meta->author, content);
  else if (g_ascii_strcasecmp (key, "og:url") == 0)
    set_once (&h->meta->url, content);
  else if (in_list (key, date_keys, G_N_ELEMENTS (date_keys)))
    set_once (&h->date, content);
}

/* Records a line break where a block element's tag ended. */
static void
add_break (Html *h)
{
  gsize p = position (h);
  g_array_append_val (h->breaks, p);
}

static void
on_start (void *data, const xmlChar *xname, const xmlChar **atts)
{
  Html *h = data;
  const char *name = (const char *) xname;

  h->depth++;
  if (h->skip_depth == 0
      && (in_list (name, skipped, G_N_ELEMENTS (skipped)) || is_comment_section (atts)))
    h->skip_depth = h->depth;

  if (g_ascii_strcasecmp (name, "meta") == 0)
    read_meta (h, atts);
  else if (g_ascii_strcasecmp (name, "time") == 0)
    set_once (&h->date, attr (atts, "datetime"));
  else if (g_ascii_strcasecmp (name, "link") == 0 && g_strcmp0 (attr (atts, "rel"), "canonical") == 0)
    set_once (&h->meta->url, attr (atts, "href"));
  else if (g_ascii_strcasecmp (name, "title") == 0 && h->title_depth == 0)
    h->title_depth = h->depth;
  else if (h->skip_depth == 0 && h->heading_depth == 0 && strlen (name) == 2 && g_ascii_tolower (name[0]) == 'h'
           && name[1] >= '1' && name[1] <= '6')
    {
      h->heading_depth = h->depth;
      h->heading_any = FALSE;
    }
  if (in_list (name, blocks, G_N_ELEMENTS (blocks)))
    add_break (h);
}

static void
on_end (void *data, const xmlChar *xname)
{
  Html *h = data;
  const char *name = (const char *) xname;

  if (in_list (name, blocks, G_N_ELEMENTS (blocks)))
    add_break (h);
  if (h->heading_depth == h->depth)
    {
      if (h->heading_any)
        {
          XrefSpan sp = { h->heading_start, h->heading_end };
          g_array_append_val (h->headings, sp);
        }
      h->heading_depth = 0;
    }
  if (h->title_depth == h->depth)
    h->title_depth = 0;
  if (h->skip_depth == h->depth)
    h->skip_depth = 0;
  if (h->depth > 0)
    h->depth--;
}

/* Finds the bytes text[s..e) that hold the n decoded bytes ch, which end
 * at e: the same bytes, or a character reference "&…;" decoding to them.
 * Returns s, or (gsize) -1 when the text cannot be placed. */
static gsize
place (Html *h, const char *ch, gsize n, gsize e, gboolean *reference)
{
  *reference = FALSE;
  if (n <= e && memcmp (h->text + e - n, ch, n) == 0)
    return e - n;
  /* a reference: "&amp;", "&#8220;", "&nbsp" without its semicolon */
  for (gsize s = e; s > 0 && e - s < 40;)
    {
      s--;
      if (h->text[s] == '&')
        {
          *reference = TRUE;
          return s;
        }
      if (h->text[s] == '<' || h->text[s] == '>')
        break;
    }
  /* CR LF read as LF */
  {
    gsize i = n, r = e;
    while (i > 0 && r > 0)
      {
        if (h->text[r - 1] == ch[i - 1])
          {
            i--;
            r--;
          }
        else if (ch[i - 1] == '\n' && h->text[r - 1] == '\r')
          r--;
        else if (h->text[r - 1] == '\r' && r >= 2 && h->text[r - 2] == '\n')
          r--;
        else
          return (gsize) -1;
      }
    return i == 0 ? r : (gsize) -1;
  }
}

static void
on_text (void *data, const xmlChar *xch, int xlen)
{
  Html *h = data;
  const char *ch = (const char *) xch;
  gsize n = xlen > 0 ? (gsize) xlen : 0;
  gsize e = position (h), s;
  gboolean reference;

  if (n == 0)
    return;
  if (h->title_depth > 0)
    {
      g_string_append_len (h->title, ch, (gssize) n);
      return;
    }
  if (h->skip_depth > 0)
    return;
  s = place (h, ch, n, e, &reference);
  if (s == (gsize) -1 || s >= e)
    return;
  if (reference)
    {
      /* decode in place when the character fits; a no-break space, a
       * soft hyphen or a control character is a space */
      gunichar c = g_utf8_get_char_validated (ch, (gssize) n);
      memset (h->text + s, ' ', e - s);
      if (n <= e - s && c != (gunichar) -1 && c != (gunichar) -2 && c >= 0x20 && c != 0x7f && c != 0xA0
          && c != 0xAD)
        memcpy (h->text + s, ch, n);
    }
  memset (h->keep + s, 1, e - s);
  if (h->heading_depth > 0)
    {
      gsize a = s, b = e;
      while (a < b && g_ascii_isspace (h->text[a]))
        a++;
      while (b > a && g_ascii_isspace (h->text[b - 1]))
        b--;
      if (a < b)
        {
          if (!h->heading_any)
            h->heading_start = a;
          h->heading_end = b;
          h->heading_any = TRUE;
        }
    }
}

static void
on_ignore_text (void *data, const xmlChar *ch, int len)
{
  /* the contents of <script> and <style> */
}

static void
on_error (void *data, const char *msg, ...)
{
  /* a news page is rarely valid HTML: the parser recovers, xref says nothing */
}

GArray *
xref_ingest_html_blank (char *text, gsize len, XrefMeta *meta)
{
  htmlSAXHandler sax;
  Html h = { 0 };
  gsize i = 0;

  h.text = text;
  h.len = len;
  h.keep = g_malloc0 (len + 1);
  h.headings = g_array_new (FALSE, TRUE, sizeof (XrefSpan));
  h.breaks = g_array_new (FALSE, FALSE, sizeof (gsize));
  h.title = g_string_new (NULL);
  h.meta = meta;

  memset (&sax, 0, sizeof sax);
  sax.startElement = on_start;
  sax.endElement = on_end;
  sax.characters = on_text;
  sax.ignorableWhitespace = on_text;
  sax.cdataBlock = on_ignore_text;
  sax.error = on_error;
  sax.warning = on_error;

  /* UTF-8 always: ingest repaired the bytes, and a <meta charset> must
   * not make libxml2 convert them (offsets would move) */
  h.ctxt = htmlCreatePushParserCtxt (&sax, &h, NULL, 0, NULL, XML_CHAR_ENCODING_UTF8);
  if (h.ctxt != NULL)
    {
      htmlCtxtUseOptions (h.ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET
                                    | HTML_PARSE_IGNORE_ENC | HTML_PARSE_NOBLANKS);
      /* libxml2 takes an int length: feed very large pages in pieces */
      while (i < len)
        {
          gsize n = MIN (len - i, (gsize) (1u << 30));
          htmlParseChunk (h.ctxt, text + i, (int) n, 0);
          i += n;
        }
      htmlParseChunk (h.ctxt, NULL, 0, 1);
      htmlFreeParserCtxt (h.ctxt);
    }

  /* markup becomes spaces; line breaks inside text are spaces too (HTML
   * collapses white space), so only block elements break lines */
  for (gsize k = 0; k < len; k++)
    if (!h.keep[k] || text[k] == '\n' || text[k] == '\r' || text[k] == '\t' || text[k] == '\f')
      text[k] = ' ';
  for (guint b = 0; b < h.breaks->len; b++)
    {
      gsize p = g_array_index (h.breaks, gsize, b);
      guint put = 0;
      /* two line breaks in the markup bytes just before the position */
      for (gsize k = MIN (p, len); k > 0 && put < 2 && p - k < 64; k--)
        {
          if (h.keep[k - 1])
            break;
          text[k - 1] = '\n';
          put++;
        }
    }

  {
    g_autofree char *t = g_strstrip (g_string_free (h.title, FALSE));
    if (*t != '\0' && g_utf8_validate (t, -1, NULL))
      set_once (&meta->title, t);
  }
  set_once (&meta->title, h.og_title);
  if (h.date != NULL && meta->date.year == 0)
    {
      /* "2022-12-21T10:00:00Z" gives its day */
      XrefDate d;
      char day[11];
      g_strlcpy (day, h.date, sizeof day);
      if (xref_date_parse_iso (day, &d) || xref_date_parse_iso (h.date, &d))
        meta->date = d;
    }
  g_free (h.og_title);
  g_free (h.date);
  g_free (h.keep);
  g_array_unref (h.breaks);
  return h.headings;
}
