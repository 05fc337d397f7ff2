/* xref — rules: libyaml events → a small node tree that keeps positions.
 *
 * Rule files use a safe subset of YAML 1.1: one document of mappings,
 * sequences and scalars.  Anchors, aliases, merge keys and tags are
 * refused (they make a file say something other than what it shows, and
 * aliases allow "billion laughs" expansion).  Nesting is refused at
 * XREF_RULES_MAX_DEPTH while parsing, so a pathological file costs
 * nothing.  libyaml marks count from 0; positions here count from 1. */
#include "rules-private.h"

#include <string.h>
#include <yaml.h>

/* Keys of a mapping are checked for duplicates by a scan while they are
 * few, through a hash table beyond. */
#define KEYS_SCAN 16

typedef struct {
  YNode *node;
  GHashTable *keys;        /* MAP with more than KEYS_SCAN keys: key text →
                              YNode* (the key), else NULL */
  gboolean want_key;       /* MAP: the next node is a key */
  gboolean skip_value;     /* MAP: the key was refused, drop its value */
} Frame;

#define BLOCK_NODES 512

static YNode *
ynode_new (YDoc *doc, YNodeKind kind, const yaml_mark_t *mark)
{
  YNode *n;

  if (doc->blocks->len == 0 || doc->block_used == BLOCK_NODES)
    {
      g_ptr_array_add (doc->blocks, g_new (YNode, BLOCK_NODES));
      doc->block_used = 0;
    }
  n = (YNode *) g_ptr_array_index (doc->blocks, doc->blocks->len - 1) + doc->block_used++;
  memset (n, 0, sizeof *n);
  n->kind = kind;
  n->line = (gint) mark->line + 1;
  n->col = (gint) mark->column + 1;
  if (kind != YNODE_SCALAR)
    {
      n->items = g_ptr_array_new ();
      g_ptr_array_add (doc->lists, n->items);
    }
  return n;
}

gboolean
xref_rules_ynode_is_null (const YNode *n)
{
  if (n == NULL)
    return TRUE;
  if (n->kind != YNODE_SCALAR || n->style != YAML_PLAIN_SCALAR_STYLE)
    return FALSE;
  return n->len == 0 || strcmp (n->str, "~") == 0 || strcmp (n->str, "null") == 0
         || strcmp (n->str, "Null") == 0 || strcmp (n->str, "NULL") == 0;
}

void
xref_rules_ydoc_free (YDoc *doc)
{
  if (doc == NULL)
    return;
  g_ptr_array_unref (doc->lists);
  g_ptr_array_unref (doc->blocks);
  g_string_chunk_free (doc->strings);
  g_free (doc);
}

/* Line and column of a byte offset of the buffer, counting characters as
 * libyaml does (for reader errors, which carry only an offset). */
static void
offset_position (const char *buf, gsize len, gsize offset, gint *line, gint *col)
{
  gint l = 1, c = 1;
  gsize i = 0;

  while (i < offset && i < len)
    {
      if (buf[i] == '\n')
        {
          l++;
          c = 1;
          i++;
          continue;
        }
      /* The text may be invalid here: a broken sequence counts byte by
       * byte. */
      if (g_utf8_get_char_validated (buf + i, (gssize) (len - i)) >= (gunichar) -2)
        i++;
      else
        i += (gsize) g_utf8_skip[(guchar) buf[i]];
      c++;
    }
  *line = l;
  *col = c;
}

/* Adds a finished node to the collection on top of the stack (or makes it
 * the root).  Checks mapping keys: scalars only, no merge key, no
 * duplicates.  Takes ownership of n. */
static void
attach (RulesLoader *ld, YDoc *doc, GArray *stack, YNode *n)
{
  Frame *top;

  if (stack->len == 0)
    {
      doc->root = n;
      return;
    }
  top = &g_array_index (stack, Frame, stack->len - 1);
  if (top->node->kind == YNODE_SEQ)
    {
      g_ptr_array_add (top->node->items, n);
      return;
    }

  if (!top->want_key)
    {
      top->want_key = TRUE;
      if (top->skip_value)
        {
          top->skip_value = FALSE;
          return;
        }
      g_ptr_array_add (top->node->items, n);
      return;
    }

  top->want_key = FALSE;
  if (n->kind != YNODE_SCALAR)
    {
      xref_rules_error (ld, doc->file, n->line, n->col, "a mapping key must be a plain string, not a %s",
                        n->kind == YNODE_SEQ ? "list" : "mapping");
      doc->failed = TRUE;
      top->skip_value = TRUE;
      return;
    }
  if (n->style == YAML_PLAIN_SCALAR_STYLE && strcmp (n->str, "<<") == 0)
    {
      xref_rules_error (ld, doc->file, n->line, n->col, "merge keys ('<<') are not allowed in rule files");
      doc->failed = TRUE;
      top->skip_value = TRUE;
      return;
    }
  YNode *first = NULL;
  if (top->keys != NULL)
    first = g_hash_table_lookup (top->keys, n->str);
  else
    for (guint i = 0; i < top->node->items->len && first == NULL; i += 2)
      {
        YNode *k = g_ptr_array_index (top->node->items, i);
        if (k->len == n->len && memcmp (k->str, n->str, n->len) == 0)
          first = k;
      }
  if (first != NULL)
    {
      xref_rules_error (ld, doc->file, n->line, n->col, "duplicate key '%s' (first at line %d, column %d)", n->str,
                        first->line, first->col);
      doc->failed = TRUE;
      top->skip_value = TRUE;
      return;
    }
  g_ptr_array_add (top->node->items, n);
  if (top->keys != NULL)
    g_hash_table_insert (top->keys, n->str, n);
  else if (top->node->items->len / 2 + 1 > KEYS_SCAN)
    {
      /* Many keys: index them all from now on. */
      top->keys = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < top->node->items->len; i += 2)
        {
          YNode *k = g_ptr_array_index (top->node->items, i);
          g_hash_table_insert (top->keys, k->str, k);
        }
    }
}

/* Anchors and tags on any node event are refused where they appear. */
static void
check_props (RulesLoader *ld, YDoc *doc, const yaml_event_t *ev, const yaml_char_t *anchor, const yaml_char_t *tag)
{
  gint line = (gint) ev->start_mark.line + 1, col = (gint) ev->start_mark.column + 1;

  if (anchor != NULL)
    {
      xref_rules_error (ld, doc->file, line, col, "anchors ('&%s') are not allowed in rule files", (const char *) anchor);
      doc->failed = TRUE;
    }
  if (tag != NULL)
    {
      /* libyaml resolves "!!str" to "tag:yaml.org,2002:str": show it as
       * the author wrote it. */
      const char *t = (const char *) tag;
      const char *shown = g_str_has_prefix (t, "tag:yaml.org,2002:") ? t + strlen ("tag:yaml.org,2002:") : t;
      xref_rules_error (ld, doc->file, line, col, "tags ('%s%s') are not allowed in rule files",
                        shown != t ? "!!" : "", shown);
      doc->failed = TRUE;
    }
}

static void
syntax_error (RulesLoader *ld, YDoc *doc, const yaml_parser_t *parser)
{
  gint line, col;

  doc->failed = TRUE;
  if (parser->error == YAML_MEMORY_ERROR)
    {
      xref_rules_error (ld, doc->file, 0, 0, "out of memory while reading YAML");
      return;
    }
  if (parser->error == YAML_READER_ERROR)
    {
      offset_position (doc->buf, doc->len, parser->problem_offset, &line, &col);
      xref_rules_error (ld, doc->file, line, col, "invalid text: %s", parser->problem ? parser->problem : "unreadable");
      return;
    }
  line = (gint) parser->problem_mark.line + 1;
  col = (gint) parser->problem_mark.column + 1;
  if (parser->context != NULL)
    xref_rules_error (ld, doc->file, line, col, "syntax error: %s (%s at line %d, column %d)",
                      parser->problem ? parser->problem : "invalid YAML", parser->context,
                      (gint) parser->context_mark.line + 1, (gint) parser->context_mark.column + 1);
  else
    xref_rules_error (ld, doc->file, line, col, "syntax error: %s", parser->problem ? parser->problem : "invalid YAML");
}

static void
frame_clear (gpointer p)
{
  Frame *f = p;
  /* The nodes of frames still open when parsing stops go with the doc. */
  g_clear_pointer (&f->keys, g_hash_table_unref);
}

YDoc *
xref_rules_yaml_parse (RulesLoader *ld, const char *file, const char *buf, gsize len)
{
  YDoc *doc = g_new0 (YDoc, 1);
  yaml_parser_t parser;
  g_autoptr (GArray) stack = g_array_new (FALSE, TRUE, sizeof (Frame));
  guint n_docs = 0;
  gboolean done = FALSE;

  g_array_set_clear_func (stack, frame_clear);
  doc->file = xref_intern (file);
  doc->buf = buf;
  doc->len = len;
  doc->strings = g_string_chunk_new (MAX (len, 64));
  doc->blocks = g_ptr_array_new_with_free_func (g_free);
  doc->lists = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);

  if (!yaml_parser_initialize (&parser))
    {
      xref_rules_error (ld, doc->file, 0, 0, "out of memory while reading YAML");
      doc->failed = TRUE;
      return doc;
    }
  /* libyaml asserts on a NULL string, which an empty input may be */
  yaml_parser_set_input_string (&parser, (const unsigned char *) (buf != NULL ? buf : ""), buf != NULL ? len : 0);

  while (!done)
    {
      yaml_event_t ev;
      YNode *n;

      if (!yaml_parser_parse (&parser, &ev))
        {
          syntax_error (ld, doc, &parser);
          break;
        }

      switch (ev.type)
        {
        case YAML_STREAM_END_EVENT:
          done = TRUE;
          break;

        case YAML_DOCUMENT_START_EVENT:
          if (ev.data.document_start.tag_directives.start != ev.data.document_start.tag_directives.end)
            {
              xref_rules_error (ld, doc->file, (gint) ev.start_mark.line + 1, (gint) ev.start_mark.column + 1,
                                "tag directives ('%%TAG') are not allowed in rule files");
              doc->failed = TRUE;
            }
          if (++n_docs > 1)
            {
              xref_rules_error (ld, doc->file, (gint) ev.start_mark.line + 1, (gint) ev.start_mark.column + 1,
                                "a rule file holds one YAML document; this is a second one");
              doc->failed = TRUE;
              done = TRUE;
            }
          break;

        case YAML_ALIAS_EVENT:
          xref_rules_error (ld, doc->file, (gint) ev.start_mark.line + 1, (gint) ev.start_mark.column + 1,
                            "aliases ('*%s') are not allowed in rule files", (const char *) ev.data.alias.anchor);
          doc->failed = TRUE;
          /* Keep the tree's shape with a null in its place. */
          n = ynode_new (doc, YNODE_SCALAR, &ev.start_mark);
          n->style = YAML_PLAIN_SCALAR_STYLE;
          n->str = g_string_chunk_insert_len (doc->strings, "", 0);
          attach (ld, doc, stack, n);
          break;

        case YAML_SCALAR_EVENT:
          check_props (ld, doc, &ev, ev.data.scalar.anchor, ev.data.scalar.tag);
          n = ynode_new (doc, YNODE_SCALAR, &ev.start_mark);
          n->style = ev.data.scalar.style;
          n->len = ev.data.scalar.length;
          n->str = g_string_chunk_insert_len (doc->strings, (const char *) ev.data.scalar.value,
                                              (gssize) ev.data.scalar.length);
          attach (ld, doc, stack, n);
          break;

        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
          if (ev.type == YAML_SEQUENCE_START_EVENT)
            check_props (ld, doc, &ev, ev.data.sequence_start.anchor, ev.data.sequence_start.tag);
          else
            check_props (ld, doc, &ev, ev.data.mapping_start.anchor, ev.data.mapping_start.tag);
          if (stack->len >= XREF_RULES_MAX_DEPTH)
            {
              /* Refuse here: a deeper file is never read any further. */
              xref_rules_error (ld, doc->file, (gint) ev.start_mark.line + 1, (gint) ev.start_mark.column + 1,
                                "nesting deeper than %d levels", XREF_RULES_MAX_DEPTH);
              doc->failed = TRUE;
              done = TRUE;
              break;
            }
          {
            Frame f = { 0 };
            f.node = ynode_new (doc, ev.type == YAML_SEQUENCE_START_EVENT ? YNODE_SEQ : YNODE_MAP, &ev.start_mark);
            f.want_key = TRUE;
            g_array_append_val (stack, f);
          }
          break;

        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
          {
            Frame *top = &g_array_index (stack, Frame, stack->len - 1);
            n = g_steal_pointer (&top->node);
            g_array_set_size (stack, stack->len - 1);
            attach (ld, doc, stack, n);
          }
          break;

        case YAML_NO_EVENT:
        case YAML_STREAM_START_EVENT:
        case YAML_DOCUMENT_END_EVENT:
        default:
          break;
        }
      yaml_event_delete (&ev);
    }

  yaml_parser_delete (&parser);
  return doc;
}

/* ---- positions inside scalars ----------------------------------------- */

/* Byte offset in buf of the 1-based line and (character) column. */
static gsize
line_col_offset (const char *buf, gsize len, gint line, gint col)
{
  gsize i = 0;
  gint l = 1;

  while (l < line && i < len)
    {
      if (buf[i] == '\n')
        l++;
      i++;
    }
  for (gint c = 1; c < col && i < len && buf[i] != '\n'; c++)
    i += (gsize) g_utf8_skip[(guchar) buf[i]];
  return MIN (i, len);
}

static gsize
utf8_len_of (gunichar c)
{
  char tmp[6];
  return (gsize) g_unichar_to_utf8 (c, tmp);
}

/* Walks the source of a flow scalar (plain, single- or double-quoted) from
 * its first character, consuming value bytes, until `offset` value bytes
 * have been produced.  Returns the source byte offset reached.  Folded
 * line breaks count as one value byte; trailing space before them is
 * walked as if kept (close enough for pointing at a column). */
static gsize
walk_flow (const char *buf, gsize len, gsize r, gint style, gsize offset)
{
  gsize v = 0;

  if (style == YAML_SINGLE_QUOTED_SCALAR_STYLE || style == YAML_DOUBLE_QUOTED_SCALAR_STYLE)
    r++;
  while (v < offset && r < len)
    {
      char c = buf[r];
      if (style == YAML_SINGLE_QUOTED_SCALAR_STYLE && c == '\'' && r + 1 < len && buf[r + 1] == '\'')
        {
          r += 2;
          v += 1;
        }
      else if (style == YAML_DOUBLE_QUOTED_SCALAR_STYLE && c == '\\' && r + 1 < len)
        {
          char e = buf[r + 1];
          gsize hex = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
          if (hex > 0)
            {
              gunichar u = 0;
              for (gsize k = 0; k < hex && r + 2 + k < len; k++)
                u = u * 16 + (gunichar) g_ascii_xdigit_value (buf[r + 2 + k]);
              r += 2 + hex;
              v += utf8_len_of (u);
            }
          else if (e == '\n' || e == '\r')
            {
              /* An escaped line break produces nothing. */
              r += 2;
              while (r < len && (buf[r] == ' ' || buf[r] == '\t' || buf[r] == '\n'))
                r++;
            }
          else
            {
              r += 2;
              v += e == 'N' || e == '_' ? 2 : e == 'L' || e == 'P' ? 3 : 1;
            }
        }
      else if (c == '\n' || c == '\r')
        {
          while (r < len && (buf[r] == '\n' || buf[r] == '\r' || buf[r] == ' ' || buf[r] == '\t'))
            r++;
          v += 1;
        }
      else
        {
          gsize n = (gsize) g_utf8_skip[(guchar) c];
          r += n;
          v += n;
        }
    }
  return MIN (r, len);
}

/* The same for a block scalar (| or >): skip the header line, then each
 * content line's indentation. */
static gsize
walk_block (const char *buf, gsize len, gsize r, gsize offset)
{
  gsize v = 0, indent = 0;

  while (r < len && buf[r] != '\n')
    r++;
  if (r < len)
    r++;
  while (r + indent < len && buf[r + indent] == ' ')
    indent++;
  r += indent;
  while (v < offset && r < len)
    {
      if (buf[r] == '\n')
        {
          r++;
          for (gsize k = 0; k < indent && r < len && buf[r] == ' '; k++)
            r++;
          v++;
          continue;
        }
      gsize n = (gsize) g_utf8_skip[(guchar) buf[r]];
      r += n;
      v += n;
    }
  return MIN (r, len);
}

void
xref_rules_yaml_locate (const YDoc *doc, const YNode *n, gsize offset, gint *line, gint *col)
{
  gsize start, r;

  *line = n->line;
  *col = n->col;
  if (doc->buf == NULL || n->kind != YNODE_SCALAR)
    return;
  start = line_col_offset (doc->buf, doc->len, n->line, n->col);
  if (n->style == YAML_LITERAL_SCALAR_STYLE || n->style == YAML_FOLDED_SCALAR_STYLE)
    r = walk_block (doc->buf, doc->len, start, offset);
  else
    r = walk_flow (doc->buf, doc->len, start, n->style, offset);

  /* Count lines and characters from the scalar's start to r. */
  gint l = n->line, c = n->col;
  for (gsize i = start; i < r;)
    {
      if (doc->buf[i] == '\n')
        {
          l++;
          c = 1;
          i++;
          continue;
        }
      i += (gsize) g_utf8_skip[(guchar) doc->buf[i]];
      c++;
    }
  *line = l;
  *col = c;
}
