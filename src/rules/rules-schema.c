/* xref — rules: schema validation of one rule file.
 *
 * Walks a file's node tree, checks every key and value against the schema
 * documented in rules/README.md, and turns what is valid into definitions
 * (merged by rules-load.c) and word lists (merged here, into the tables of
 * the rule set).  Every problem is recorded with its position and the walk
 * goes on, so one run shows the author every mistake of the file. */
#include "rules-private.h"

#include <math.h>
#include <string.h>
#include <yaml.h>

typedef struct {
  RulesLoader *ld;
  const YDoc *doc;
} Ctx;

static void err (Ctx *c, const YNode *n, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
err (Ctx *c, const YNode *n, const char *format, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  xref_rules_error (c->ld, c->doc->file, n->line, n->col, "%s", msg);
}

static XrefRuleOrigin
origin_of (Ctx *c, const YNode *n)
{
  XrefRuleOrigin o = { c->doc->file, n->line, n->col };
  return o;
}

static const char *
kind_name (const YNode *n)
{
  if (xref_rules_ynode_is_null (n))
    return "empty";
  switch (n->kind)
    {
    case YNODE_SEQ:
      return "a list";
    case YNODE_MAP:
      return "a mapping";
    case YNODE_SCALAR:
    default:
      return "a string";
    }
}

/* ---- keys -------------------------------------------------------------- */

/* Optimal string alignment distance (Levenshtein with transpositions). */
static guint
edit_distance (const char *a, const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *d = NULL;

  if (la > 64 || lb > 64)
    return G_MAXUINT;
  d = g_new (guint, (la + 1) * (lb + 1));
#define D(i, j) d[(i) * (lb + 1) + (j)]
  for (gsize i = 0; i <= la; i++)
    D (i, 0) = (guint) i;
  for (gsize j = 0; j <= lb; j++)
    D (0, j) = (guint) j;
  for (gsize i = 1; i <= la; i++)
    for (gsize j = 1; j <= lb; j++)
      {
        guint cost = g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 1]) ? 0 : 1;
        guint v = MIN (D (i - 1, j) + 1, D (i, j - 1) + 1);
        v = MIN (v, D (i - 1, j - 1) + cost);
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
          v = MIN (v, D (i - 2, j - 2) + 1);
        D (i, j) = v;
      }
  guint r = D (la, lb);
#undef D
  return r;
}

const char *
xref_rules_suggest (const char *s, const char *const *words)
{
  const char *best = NULL;
  guint best_d = G_MAXUINT;

  for (guint i = 0; words[i] != NULL; i++)
    {
      guint d = edit_distance (s, words[i]);
      if (d < best_d)
        {
          best_d = d;
          best = words[i];
        }
    }
  if (best != NULL && (best_d <= 2 || best_d * 3 <= strlen (best)) && best_d < strlen (s))
    return best;
  return NULL;
}

static char *
join_words (const char *const *words)
{
  return g_strjoinv (", ", (char **) words);
}

/* Reports every key of map that is not in allowed. */
static void
check_keys (Ctx *c, const YNode *map, const char *const *allowed, const char *where)
{
  for (guint i = 0; i + 1 < map->items->len; i += 2)
    {
      const YNode *k = g_ptr_array_index (map->items, i);
      gboolean ok = FALSE;

      for (guint j = 0; allowed[j] != NULL && !ok; j++)
        ok = strcmp (k->str, allowed[j]) == 0;
      if (ok)
        continue;
      const char *s = xref_rules_suggest (k->str, allowed);
      if (s != NULL)
        err (c, k, "unknown key '%s' in %s; did you mean '%s'?", k->str, where, s);
      else
        {
          g_autofree char *list = join_words (allowed);
          err (c, k, "unknown key '%s' in %s (expected one of: %s)", k->str, where, list);
        }
    }
}

/* The value of key in map, NULL when absent. */
static const YNode *
get (const YNode *map, const char *key)
{
  for (guint i = 0; i + 1 < map->items->len; i += 2)
    {
      const YNode *k = g_ptr_array_index (map->items, i);
      if (strcmp (k->str, key) == 0)
        return g_ptr_array_index (map->items, i + 1);
    }
  return NULL;
}

/* ---- values ------------------------------------------------------------ */

/* A non-empty string value (interned), or NULL after an error. */
static const char *
as_string (Ctx *c, const YNode *v, const char *what)
{
  if (v->kind != YNODE_SCALAR || xref_rules_ynode_is_null (v))
    {
      err (c, v, "%s must be a string, not %s", what, kind_name (v));
      return NULL;
    }
  if (v->len == 0)
    {
      err (c, v, "%s must not be empty", what);
      return NULL;
    }
  if (v->len != strlen (v->str))
    {
      err (c, v, "%s must not contain NUL characters", what);
      return NULL;
    }
  return xref_intern (v->str);
}

/* as_string with the description pre + name + post, put together only for
 * an error: rule files are mostly strings, and a big one has many. */
static const char *
as_string_of (Ctx *c, const YNode *v, const char *pre, const char *name, const char *post)
{
  g_autofree char *what = NULL;

  if (v->kind == YNODE_SCALAR && v->len > 0 && v->len == strlen (v->str) && !xref_rules_ynode_is_null (v))
    return xref_intern (v->str);
  what = g_strconcat (pre, name, post, NULL);
  return as_string (c, v, what);
}

static const char *
get_string (Ctx *c, const YNode *map, const char *key, gboolean required, const char *where)
{
  const YNode *v = get (map, key);

  if (v == NULL)
    {
      if (required)
        err (c, map, "missing '%s' in %s", key, where);
      return NULL;
    }
  if (!required && xref_rules_ynode_is_null (v))
    return NULL;
  return as_string_of (c, v, "'", key, "'");
}

static gboolean
valid_id (const char *s)
{
  if (!g_ascii_isalnum (s[0]))
    return FALSE;
  for (const char *p = s; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

static const char *
get_id (Ctx *c, const YNode *map, const char *where)
{
  const char *id = get_string (c, map, "id", TRUE, where);

  if (id != NULL && !valid_id (id))
    {
      err (c, get (map, "id"), "invalid id '%s' (use letters, digits, '-', '_' and '.', starting with a letter or digit)",
           id);
      return NULL;
    }
  return id;
}

/* Checks that v is a list (an empty value counts as an empty list). */
static gboolean
is_list (Ctx *c, const YNode *v, const char *key)
{
  if (xref_rules_ynode_is_null (v))
    return FALSE;
  if (v->kind != YNODE_SEQ)
    {
      err (c, v, "'%s' must be a list, not %s", key, kind_name (v));
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_map (Ctx *c, const YNode *v, const char *key)
{
  if (xref_rules_ynode_is_null (v))
    return FALSE;
  if (v->kind != YNODE_MAP)
    {
      err (c, v, "'%s' must be a mapping, not %s", key, kind_name (v));
      return FALSE;
    }
  return TRUE;
}

/* Appends the strings of list v (may be NULL) to out (GArray of RulesStr). */
static void
str_list (Ctx *c, const YNode *v, const char *key, GArray *out)
{
  if (v == NULL || !is_list (c, v, key))
    return;
  for (guint i = 0; i < v->items->len; i++)
    {
      const YNode *it = g_ptr_array_index (v->items, i);
      const char *s = as_string_of (c, it, "an item of '", key, "'");
      if (s == NULL)
        continue;
      RulesStr rs = { s, origin_of (c, it) };
      g_array_append_val (out, rs);
    }
}

static gboolean
parse_number (const char *s, gdouble *out)
{
  char *end = NULL;
  gdouble d;

  if (s == NULL || *s == '\0')
    return FALSE;
  d = g_ascii_strtod (s, &end);
  if (end == s || *end != '\0' || !isfinite (d))
    return FALSE;
  *out = d;
  return TRUE;
}

static gboolean
get_number (Ctx *c, const YNode *map, const char *key, gdouble *out)
{
  const YNode *v = get (map, key);

  if (v == NULL || xref_rules_ynode_is_null (v))
    return FALSE;
  if (v->kind != YNODE_SCALAR || !parse_number (v->str, out))
    {
      err (c, v, "'%s' must be a number, not %s%s%s%s", key, kind_name (v), v->kind == YNODE_SCALAR ? " '" : "",
           v->kind == YNODE_SCALAR ? v->str : "", v->kind == YNODE_SCALAR ? "'" : "");
      return FALSE;
    }
  if (*out < 0)
    {
      err (c, v, "'%s' must not be negative", key);
      return FALSE;
    }
  return TRUE;
}

static gboolean
get_bool (Ctx *c, const YNode *map, const char *key, gboolean *out)
{
  const YNode *v = get (map, key);
  static const char *const yes[] = { "true", "True", "TRUE", NULL };
  static const char *const no[] = { "false", "False", "FALSE", NULL };

  if (v == NULL || xref_rules_ynode_is_null (v))
    return FALSE;
  if (v->kind == YNODE_SCALAR && v->style == YAML_PLAIN_SCALAR_STYLE)
    {
      if (g_strv_contains (yes, v->str))
        {
          *out = TRUE;
          return TRUE;
        }
      if (g_strv_contains (no, v->str))
        {
          *out = FALSE;
          return TRUE;
        }
    }
  err (c, v, "'%s' must be true or false, not %s%s%s%s", key, kind_name (v), v->kind == YNODE_SCALAR ? " '" : "",
       v->kind == YNODE_SCALAR ? v->str : "", v->kind == YNODE_SCALAR ? "'" : "");
  return FALSE;
}

/* Index of the string of v in names, or -1 after an error. */
static gint
as_enum (Ctx *c, const YNode *v, const char *key, const char *const *names)
{
  const char *s = as_string_of (c, v, "'", key, "'");

  if (s == NULL)
    return -1;
  for (gint i = 0; names[i] != NULL; i++)
    if (strcmp (s, names[i]) == 0)
      return i;
  const char *near = xref_rules_suggest (s, names);
  g_autofree char *list = join_words (names);
  if (near != NULL)
    err (c, v, "invalid %s '%s'; did you mean '%s'?", key, s, near);
  else
    err (c, v, "invalid %s '%s' (expected one of: %s)", key, s, list);
  return -1;
}

static gint
get_enum (Ctx *c, const YNode *map, const char *key, const char *const *names, gboolean required, const char *where)
{
  const YNode *v = get (map, key);

  if (v == NULL || (!required && xref_rules_ynode_is_null (v)))
    {
      if (required)
        err (c, map, "missing '%s' in %s", key, where);
      return -1;
    }
  return as_enum (c, v, key, names);
}

/* Compiles the regex held by scalar v; an error points at the offending
 * character of the pattern in the YAML file. */
static XrefRegex *
as_regex (Ctx *c, const YNode *v, const char *what)
{
  g_autofree char *msg = NULL;
  gsize off = 0;
  XrefRegex *re;
  gint line, col;

  if (as_string (c, v, what) == NULL)
    return NULL;
  re = xref_regex_new (v->str, v->len, &msg, &off);
  if (re != NULL)
    return re;
  xref_rules_yaml_locate (c->doc, v, off, &line, &col);
  xref_rules_error (c->ld, c->doc->file, line, col, "invalid regex in %s: %s", what, msg);
  return NULL;
}

/* Reads a list of ids into ids (interned) and records a reference for
 * each, checked once every file is loaded. */
static void
ref_list (Ctx *c, const YNode *map, const char *key, RulesRefTarget target, GPtrArray *ids, GArray *refs)
{
  g_autoptr (GArray) strs = NULL;
  const YNode *v = get (map, key);

  if (v == NULL)
    return;
  strs = g_array_new (FALSE, FALSE, sizeof (RulesStr));
  str_list (c, v, key, strs);
  for (guint i = 0; i < strs->len; i++)
    {
      RulesStr *s = &g_array_index (strs, RulesStr, i);
      RulesRef r = { s->text, key, target, s->origin };
      g_ptr_array_add (ids, (gpointer) s->text);
      g_array_append_val (refs, r);
    }
}

/* An entity's list of ids: the loader's shared empty array when the key
 * is absent (most entities have no part_of, is_a, other_than), else its
 * own.  refs is created when needed. */
static GPtrArray *
entity_refs (Ctx *c, const YNode *map, const char *key, GArray **refs)
{
  GPtrArray *ids;

  if (get (map, key) == NULL)
    return g_ptr_array_ref (c->ld->no_ids);
  ids = g_ptr_array_new ();
  if (*refs == NULL)
    *refs = g_array_new (FALSE, FALSE, sizeof (RulesRef));
  ref_list (c, map, key, RULES_REF_ENTITY, ids, *refs);
  return ids;
}

/* The strings of the list under key, or NULL when there is none. */
static GArray *
str_list_new (Ctx *c, const YNode *map, const char *key)
{
  const YNode *v = get (map, key);
  GArray *out;

  if (v == NULL)
    return NULL;
  out = g_array_sized_new (FALSE, FALSE, sizeof (RulesStr), v->kind == YNODE_SEQ ? v->items->len : 0);
  str_list (c, v, key, out);
  return out;
}

static GArray *
str_array (void)
{
  return g_array_new (FALSE, FALSE, sizeof (RulesStr));
}

static GArray *
ref_array (void)
{
  return g_array_new (FALSE, FALSE, sizeof (RulesRef));
}

/* ---- examples ---------------------------------------------------------- */

/* In the order of XrefModality. */
static const char *const modality_names[] = { "asserted", "planned", "possible", "refused", "unconfirmed",
                                              "conditional", NULL };
static const char *const polarity_names[] = { "affirmed", "negated", NULL };
static const char *const verdict_names[] = { "agree", "differ", "omit", NULL };
static const char *const example_keys[] = { "text", "sources", "published", "mentions", "not_mentions", "claim",
                                            "slot", "no_claim", "row", "no_row", NULL };
static const char *const boiler_example_keys[] = { "line", "keep", NULL };
static const char *const claim_keys[] = { "actor", "action", "object", "date", "polarity", "modality", "speaker",
                                          "source", NULL };
static const char *const row_keys[] = { "actor", "action", "object", "slot", "verdict", "rule", NULL };

static void
example_ref (RulesExample *x, const char *id, const char *key, RulesRefTarget target, XrefRuleOrigin o)
{
  RulesRef r = { id, key, target, o };
  g_array_append_val (x->refs, r);
}

/* An id that names an entity unless it is a phrase id ("np:…") or any
 * other id with a prefix the pipeline makes up. */
static gboolean
names_definition (const char *id)
{
  return id != NULL && strchr (id, ':') == NULL;
}

/* Reads a mapping of expected fields (`claim`, `no_claim`, `row`,
 * `no_row`: keys from `keys`; `slot`: slot ids) and appends them to out.
 * A null value means "absent". */
static void
read_expect (Ctx *c, RulesExample *x, const YNode *map, const char *key, const char *const *keys, GArray *out)
{
  g_autofree char *where = g_strdup_printf ("'%s'", key);
  gboolean slots = keys == NULL;

  if (!is_map (c, map, key))
    return;
  if (!slots)
    check_keys (c, map, keys, where);
  for (guint i = 0; i + 1 < map->items->len; i += 2)
    {
      const YNode *k = g_ptr_array_index (map->items, i);
      const YNode *v = g_ptr_array_index (map->items, i + 1);
      XrefExpect e = { xref_intern (k->str), NULL, slots };
      const char *const *names = NULL;

      if (!slots && !g_strv_contains (keys, k->str))
        continue;
      if (!slots && strcmp (k->str, "polarity") == 0)
        names = polarity_names;
      else if (!slots && strcmp (k->str, "modality") == 0)
        names = modality_names;
      else if (!slots && strcmp (k->str, "verdict") == 0)
        names = verdict_names;

      if (names != NULL)
        {
          gint which = as_enum (c, v, k->str, names);
          if (which < 0)
            continue;
          e.value = xref_intern (names[which]);
        }
      else if (!xref_rules_ynode_is_null (v))
        {
          e.value = as_string_of (c, v, "the value of '", k->str, "'");
          if (e.value == NULL)
            continue;
        }

      if (slots)
        example_ref (x, e.key, "slot", RULES_REF_SLOT, origin_of (c, k));
      else if (e.value != NULL && names_definition (e.value))
        {
          if (strcmp (e.key, "actor") == 0 || strcmp (e.key, "object") == 0 || strcmp (e.key, "speaker") == 0
              || strcmp (e.key, "source") == 0)
            example_ref (x, e.value, e.key, RULES_REF_ENTITY, origin_of (c, v));
          else if (strcmp (e.key, "action") == 0)
            example_ref (x, e.value, e.key, RULES_REF_ACTION, origin_of (c, v));
          else if (strcmp (e.key, "rule") == 0)
            example_ref (x, e.value, e.key, RULES_REF_CONTRA, origin_of (c, v));
          else if (strcmp (e.key, "slot") == 0 && strcmp (e.value, "event") != 0
                   && strcmp (e.value, "polarity") != 0)
            example_ref (x, e.value, e.key, RULES_REF_SLOT, origin_of (c, v));
        }
      g_array_append_val (out, e);
    }
}

static GArray *
expect_array (void)
{
  return g_array_new (FALSE, FALSE, sizeof (XrefExpect));
}

static GPtrArray *
id_list (Ctx *c, RulesExample *x, const YNode *v, const char *key)
{
  g_autoptr (GArray) strs = str_array ();
  GPtrArray *ids = g_ptr_array_new ();

  str_list (c, v, key, strs);
  for (guint i = 0; i < strs->len; i++)
    {
      const RulesStr *s = &g_array_index (strs, RulesStr, i);
      g_ptr_array_add (ids, (gpointer) s->text);
      example_ref (x, s->text, key, RULES_REF_ENTITY, s->origin);
    }
  return ids;
}

/* One item of `examples:`. */
static RulesExample *
read_example (Ctx *c, const YNode *n, XrefExampleOf of, const char *rule)
{
  RulesExample *x;
  const YNode *v;

  if (n->kind != YNODE_MAP)
    {
      err (c, n, "an example must be a mapping, not %s", kind_name (n));
      return NULL;
    }
  x = g_new0 (RulesExample, 1);
  x->refs = ref_array ();
  x->pub.of = of;
  x->pub.rule = rule;
  x->pub.texts = g_ptr_array_new ();
  x->pub.origin = origin_of (c, n);

  if (of == XREF_EXAMPLE_BOILERPLATE)
    {
      check_keys (c, n, boiler_example_keys, "a boilerplate example");
      x->pub.line = get_string (c, n, "line", FALSE, "a boilerplate example");
      x->pub.keep = get_string (c, n, "keep", FALSE, "a boilerplate example");
      if ((get (n, "line") != NULL) == (get (n, "keep") != NULL))
        err (c, n, "a boilerplate example needs either 'line' (a line to drop) or 'keep' (a line to keep)");
      return x;
    }

  check_keys (c, n, example_keys, "an example");
  if ((v = get (n, "text")) != NULL)
    {
      const char *t = as_string (c, v, "'text'");
      if (t != NULL)
        g_ptr_array_add (x->pub.texts, (gpointer) t);
    }
  if ((v = get (n, "sources")) != NULL)
    {
      g_autoptr (GArray) strs = str_array ();
      str_list (c, v, "sources", strs);
      for (guint i = 0; i < strs->len; i++)
        g_ptr_array_add (x->pub.texts, (gpointer) g_array_index (strs, RulesStr, i).text);
    }
  if ((get (n, "text") != NULL) == (get (n, "sources") != NULL))
    err (c, n, "an example needs either 'text' (one article) or 'sources' (a list of articles)");

  if ((v = get (n, "published")) != NULL)
    {
      const char *d = as_string (c, v, "'published'");
      if (d != NULL && !xref_date_parse_iso (d, &x->pub.published))
        err (c, v, "'published' must be a date YYYY-MM-DD, YYYY-MM or YYYY, not '%s'", d);
    }
  if ((v = get (n, "mentions")) != NULL)
    x->pub.mentions = id_list (c, x, v, "mentions");
  if ((v = get (n, "not_mentions")) != NULL)
    x->pub.not_mentions = id_list (c, x, v, "not_mentions");
  if (get (n, "claim") != NULL || get (n, "slot") != NULL)
    {
      x->pub.claim = expect_array ();
      if ((v = get (n, "claim")) != NULL)
        read_expect (c, x, v, "claim", claim_keys, x->pub.claim);
      if ((v = get (n, "slot")) != NULL)
        read_expect (c, x, v, "slot", NULL, x->pub.claim);
    }
  if ((v = get (n, "no_claim")) != NULL)
    {
      x->pub.no_claim = expect_array ();
      read_expect (c, x, v, "no_claim", claim_keys, x->pub.no_claim);
    }
  if ((v = get (n, "row")) != NULL)
    {
      x->pub.row = expect_array ();
      read_expect (c, x, v, "row", row_keys, x->pub.row);
    }
  if ((v = get (n, "no_row")) != NULL)
    {
      x->pub.no_row = expect_array ();
      read_expect (c, x, v, "no_row", row_keys, x->pub.no_row);
    }

  /* A contradiction's rows are its own unless the example names another
   * rule or a verdict other than differ (agree and omit rows are never
   * decided by a contradiction). */
  if (of == XREF_EXAMPLE_CONTRADICTION && rule != NULL)
    for (guint pass = 0; pass < 2; pass++)
      {
        GArray *a = pass == 0 ? x->pub.row : x->pub.no_row;
        gboolean named = FALSE;
        if (a == NULL)
          continue;
        for (guint i = 0; i < a->len && !named; i++)
          {
            const XrefExpect *e = &g_array_index (a, XrefExpect, i);
            named = strcmp (e->key, "rule") == 0
                    || (strcmp (e->key, "verdict") == 0 && g_strcmp0 (e->value, "differ") != 0);
          }
        if (!named)
          {
            XrefExpect e = { xref_intern ("rule"), rule, FALSE };
            g_array_prepend_val (a, e);
          }
      }

  if (x->pub.mentions == NULL && x->pub.not_mentions == NULL && x->pub.claim == NULL && x->pub.no_claim == NULL
      && x->pub.row == NULL && x->pub.no_row == NULL)
    err (c, n, "an example needs at least one of 'mentions', 'not_mentions', 'claim', 'slot', 'no_claim', 'row' "
               "or 'no_row'");
  return x;
}

/* Reads the `examples:` of definition n (NULL when it has none). */
static GPtrArray *
read_examples (Ctx *c, const YNode *n, XrefExampleOf of, const char *rule)
{
  const YNode *v = get (n, "examples");
  GPtrArray *out;

  if (v == NULL || !is_list (c, v, "examples"))
    return NULL;
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) xref_rules_example_free);
  for (guint i = 0; i < v->items->len; i++)
    {
      RulesExample *x = read_example (c, g_ptr_array_index (v->items, i), of, rule);
      if (x != NULL)
        g_ptr_array_add (out, x);
    }
  return out;
}

/* ---- definitions ------------------------------------------------------- */

static const char *const entity_keys[] = { "id", "type", "name", "gender", "aliases", "roles", "demonyms",
                                           "part_of", "is_a", "other_than", "examples", NULL };
static const char *const entity_types[] = { "person", "organisation", "country", "place", "weapon", "group",
                                            "event", "concept", "other", NULL };
static const char *const genders[] = { "male", "female", NULL };

static void
read_entity (Ctx *c, const YNode *n)
{
  RulesEntity *e;
  const char *id, *name;
  gint type, gender;

  if (n->kind != YNODE_MAP)
    {
      err (c, n, "an entity must be a mapping, not %s", kind_name (n));
      return;
    }
  check_keys (c, n, entity_keys, "an entity");
  id = get_id (c, n, "an entity");
  type = get_enum (c, n, "type", entity_types, TRUE, "an entity");
  gender = get_enum (c, n, "gender", genders, FALSE, "an entity");
  name = get_string (c, n, "name", FALSE, "an entity");

  e = g_new0 (RulesEntity, 1);
  e->aliases = str_list_new (c, n, "aliases");
  e->roles = str_list_new (c, n, "roles");
  e->demonyms = str_list_new (c, n, "demonyms");
  e->pub.part_of = entity_refs (c, n, "part_of", &e->refs);
  e->pub.is_a = entity_refs (c, n, "is_a", &e->refs);
  e->pub.other_than = entity_refs (c, n, "other_than", &e->refs);
  e->examples = read_examples (c, n, XREF_EXAMPLE_ENTITY, id);

  if (id == NULL)
    {
      xref_rules_entity_free (e);
      return;
    }
  e->pub.id = id;
  e->pub.type = xref_intern (type >= 0 ? entity_types[type] : "other");
  e->pub.gender = gender >= 0 ? xref_intern (genders[gender]) : NULL;
  e->pub.name = name != NULL                               ? name
                : e->aliases != NULL && e->aliases->len > 0 ? g_array_index (e->aliases, RulesStr, 0).text
                                                            : id;
  e->pub.origin = origin_of (c, n);
  e->folder = c->ld->folder;
  e->seq = c->ld->seq++;
  g_ptr_array_add (c->ld->entities, e);
}

static const char *const action_keys[] = { "id", "verbs", "nouns", "slots", "key", "antonyms", "related", "examples",
                                           NULL };

static void
read_action (Ctx *c, const YNode *n)
{
  RulesAction *a;
  const char *id;

  if (n->kind != YNODE_MAP)
    {
      err (c, n, "an action must be a mapping, not %s", kind_name (n));
      return;
    }
  check_keys (c, n, action_keys, "an action");
  id = get_id (c, n, "an action");

  a = g_new0 (RulesAction, 1);
  a->verbs = str_array ();
  a->nouns = str_array ();
  a->refs = ref_array ();
  a->pub.slots = g_ptr_array_new ();
  a->pub.key_slots = g_ptr_array_new ();
  a->pub.antonyms = g_ptr_array_new ();
  a->pub.related = g_ptr_array_new ();
  str_list (c, get (n, "verbs"), "verbs", a->verbs);
  str_list (c, get (n, "nouns"), "nouns", a->nouns);
  ref_list (c, n, "slots", RULES_REF_SLOT, a->pub.slots, a->refs);
  ref_list (c, n, "key", RULES_REF_SLOT, a->pub.key_slots, a->refs);
  ref_list (c, n, "antonyms", RULES_REF_ACTION, a->pub.antonyms, a->refs);
  ref_list (c, n, "related", RULES_REF_ACTION, a->pub.related, a->refs);

  /* A key slot is one whose omission is reported: it must apply. */
  for (guint i = 0; i < a->refs->len; i++)
    {
      const RulesRef *r = &g_array_index (a->refs, RulesRef, i);
      gboolean found = FALSE;
      if (strcmp (r->key, "key") != 0)
        continue;
      for (guint j = 0; j < a->pub.slots->len && !found; j++)
        found = g_ptr_array_index (a->pub.slots, j) == r->id;
      if (!found)
        xref_rules_error (c->ld, r->origin.file, r->origin.line, r->origin.col,
                          "key slot '%s' is not among the slots of this action", r->id);
    }
  a->examples = read_examples (c, n, XREF_EXAMPLE_ACTION, id);

  if (id == NULL)
    {
      xref_rules_action_free (a);
      return;
    }
  a->pub.id = id;
  a->pub.origin = origin_of (c, n);
  a->folder = c->ld->folder;
  a->seq = c->ld->seq++;
  g_ptr_array_add (c->ld->actions, a);
}

static const char *const slot_keys[] = { "id", "compare", "tolerance", "from_timex", "patterns", "groups", "examples",
                                         NULL };
static const char *const compare_names[] = { "exact", "set", "numeric", "date", "vague", NULL };
static const char *const timex_names[] = { "DATE", "TIME", "DURATION", "SET", NULL };

static void
read_slot (Ctx *c, const YNode *n)
{
  RulesSlot *s;
  const YNode *v;
  const char *id;
  gint compare;
  gdouble tol = 0;

  if (n->kind != YNODE_MAP)
    {
      err (c, n, "a slot must be a mapping, not %s", kind_name (n));
      return;
    }
  check_keys (c, n, slot_keys, "a slot");
  id = get_id (c, n, "a slot");
  compare = get_enum (c, n, "compare", compare_names, FALSE, "a slot");
  get_number (c, n, "tolerance", &tol);

  s = g_new0 (RulesSlot, 1);
  s->pub.compare = compare >= 0 ? (XrefCompare) compare : XREF_COMPARE_EXACT;
  s->pub.tolerance = tol;
  s->pub.patterns = g_ptr_array_new_with_free_func ((GDestroyNotify) xref_regex_free);

  v = get (n, "from_timex");
  if (v != NULL && is_list (c, v, "from_timex"))
    for (guint i = 0; i < v->items->len; i++)
      {
        gint t = as_enum (c, g_ptr_array_index (v->items, i), "timex type", timex_names);
        if (t >= 0)
          {
            s->pub.from_timex = TRUE;
            s->pub.timex_types |= 1u << t;
          }
      }

  v = get (n, "patterns");
  if (v != NULL && is_list (c, v, "patterns"))
    for (guint i = 0; i < v->items->len; i++)
      {
        XrefRegex *re = as_regex (c, g_ptr_array_index (v->items, i), "'patterns'");
        if (re != NULL)
          g_ptr_array_add (s->pub.patterns, re);
      }

  /* groups: { GROUP: [value, …] } → value (as written and folded) → GROUP */
  v = get (n, "groups");
  if (v != NULL && is_map (c, v, "groups"))
    {
      s->pub.groups = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i + 1 < v->items->len; i += 2)
        {
          const YNode *k = g_ptr_array_index (v->items, i);
          g_autoptr (GArray) vals = str_array ();
          const char *group = as_string (c, k, "a group name");
          str_list (c, g_ptr_array_index (v->items, i + 1), k->str, vals);
          for (guint j = 0; group != NULL && j < vals->len; j++)
            {
              const char *val = g_array_index (vals, RulesStr, j).text;
              g_autofree char *f = xref_rules_fold (val);
              g_hash_table_insert (s->pub.groups, (gpointer) val, (gpointer) group);
              g_hash_table_insert (s->pub.groups, (gpointer) xref_intern (f), (gpointer) group);
            }
        }
    }

  s->examples = read_examples (c, n, XREF_EXAMPLE_SLOT, id);

  if (id == NULL)
    {
      xref_rules_slot_free (s);
      return;
    }
  s->pub.id = id;
  s->pub.origin = origin_of (c, n);
  s->folder = c->ld->folder;
  g_ptr_array_add (c->ld->slots, s);
}

static const char *const contra_keys[] = { "id", "kind", "slot", "tolerance", "description", "examples", NULL };
static const char *const contra_kinds[] = { "polarity", "antonym", "exclusive", "numeric", "date", NULL };

static void
read_contra (Ctx *c, const YNode *n)
{
  RulesContra *k;
  GPtrArray *examples;
  const char *id, *slot, *desc;
  gint kind;
  gdouble tol = 0;

  if (n->kind != YNODE_MAP)
    {
      err (c, n, "a contradiction must be a mapping, not %s", kind_name (n));
      return;
    }
  check_keys (c, n, contra_keys, "a contradiction");
  id = get_id (c, n, "a contradiction");
  kind = get_enum (c, n, "kind", contra_kinds, TRUE, "a contradiction");
  slot = get_string (c, n, "slot", FALSE, "a contradiction");
  desc = get_string (c, n, "description", FALSE, "a contradiction");
  get_number (c, n, "tolerance", &tol);
  examples = read_examples (c, n, XREF_EXAMPLE_CONTRADICTION, id);
  if (id == NULL || kind < 0)
    {
      g_clear_pointer (&examples, g_ptr_array_unref);
      return;
    }

  k = g_new0 (RulesContra, 1);
  k->refs = ref_array ();
  k->examples = examples;
  k->pub.id = id;
  k->pub.kind = (XrefContraKind) kind;
  k->pub.slot = slot;
  k->pub.tolerance = tol;
  k->pub.description = desc != NULL ? desc : id;
  k->pub.origin = origin_of (c, n);
  if (slot != NULL)
    {
      const YNode *sv = get (n, "slot");
      RulesRef r = { slot, "slot", RULES_REF_SLOT, origin_of (c, sv) };
      g_array_append_val (k->refs, r);
    }
  k->folder = c->ld->folder;
  g_ptr_array_add (c->ld->contras, k);
}

static const char *const boiler_keys[] = { "id", "line", "cut_rest", "examples", NULL };

static void
read_boiler (Ctx *c, const YNode *n)
{
  RulesBoiler *b;
  GPtrArray *examples;
  const YNode *v;
  const char *id;
  XrefRegex *re = NULL;
  gboolean cut = FALSE;

  if (n->kind != YNODE_MAP)
    {
      err (c, n, "a boilerplate rule must be a mapping, not %s", kind_name (n));
      return;
    }
  check_keys (c, n, boiler_keys, "a boilerplate rule");
  id = get_id (c, n, "a boilerplate rule");
  v = get (n, "line");
  if (v == NULL)
    err (c, n, "missing 'line' in a boilerplate rule");
  else
    re = as_regex (c, v, "'line'");
  get_bool (c, n, "cut_rest", &cut);
  examples = read_examples (c, n, XREF_EXAMPLE_BOILERPLATE, id);
  if (id == NULL || re == NULL)
    {
      xref_regex_free (re);
      g_clear_pointer (&examples, g_ptr_array_unref);
      return;
    }
  b = g_new0 (RulesBoiler, 1);
  b->pub.id = id;
  b->pub.line = re;
  b->pub.cut_rest = cut;
  b->examples = examples;
  b->pub.origin = origin_of (c, n);
  b->folder = c->ld->folder;
  g_ptr_array_add (c->ld->boilers, b);
}

static const char *const outlet_keys[] = { "id", "name", "patterns", NULL };

static void
read_outlet (Ctx *c, const YNode *n)
{
  RulesOutlet *o;
  const char *id, *name;
  g_autoptr (GArray) pats = str_array ();

  if (n->kind != YNODE_MAP)
    {
      err (c, n, "an outlet must be a mapping, not %s", kind_name (n));
      return;
    }
  check_keys (c, n, outlet_keys, "an outlet");
  id = get_id (c, n, "an outlet");
  name = get_string (c, n, "name", FALSE, "an outlet");
  str_list (c, get (n, "patterns"), "patterns", pats);
  if (id == NULL)
    return;
  o = g_new0 (RulesOutlet, 1);
  o->pub.id = id;
  o->pub.name = name != NULL ? name : id;
  o->pub.patterns = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < pats->len; i++)
    g_ptr_array_add (o->pub.patterns, g_strdup (g_array_index (pats, RulesStr, i).text));
  o->pub.origin = origin_of (c, n);
  o->folder = c->ld->folder;
  g_ptr_array_add (c->ld->outlets, o);
}

/* Calls fn on each item of the list under a top-level key. */
static void
each_item (Ctx *c, const YNode *v, const char *key, void (*fn) (Ctx *, const YNode *))
{
  if (!is_list (c, v, key))
    return;
  for (guint i = 0; i < v->items->len; i++)
    fn (c, g_ptr_array_index (v->items, i));
}

/* ---- word lists -------------------------------------------------------- */

/* Adds each folded word of list v to table with value, replacing. */
static void
fold_into (Ctx *c, const YNode *v, const char *key, GHashTable *table, gpointer value)
{
  g_autoptr (GArray) words = str_array ();

  str_list (c, v, key, words);
  for (guint i = 0; i < words->len; i++)
    {
      g_autofree char *f = xref_rules_fold (g_array_index (words, RulesStr, i).text);
      g_hash_table_replace (table, (gpointer) xref_intern (f), value);
    }
}

static void
add_class (Ctx *c, const YNode *v, const char *key, guint bit)
{
  g_autoptr (GArray) words = str_array ();
  GHashTable *wc = c->ld->rules->word_classes;

  str_list (c, v, key, words);
  for (guint i = 0; i < words->len; i++)
    {
      g_autofree char *f = xref_rules_fold (g_array_index (words, RulesStr, i).text);
      const char *w = xref_intern (f);
      guint bits = GPOINTER_TO_UINT (g_hash_table_lookup (wc, w));
      g_hash_table_replace (wc, (gpointer) w, GUINT_TO_POINTER (bits | bit));
    }
}

static const char *const lexicon_keys[] = { "determiners", "negations", "pronouns", "prepositions", "auxiliaries",
                                            "modals", "conjunctions", "stopwords", "irregular_verbs", "speech_verbs",
                                            "attribution_phrases", "modality", "negating", NULL };
static const guint lexicon_bits[] = { XREF_WC_DETERMINER, XREF_WC_NEGATION, 0, XREF_WC_PREPOSITION,
                                      XREF_WC_AUXILIARY, XREF_WC_MODAL, XREF_WC_CONJUNCTION, XREF_WC_STOPWORD };
static const char *const pronoun_keys[] = { "male", "female", "plural", "neuter", NULL };
static const guint pronoun_bits[] = { XREF_WC_PRONOUN_MALE, XREF_WC_PRONOUN_FEMALE, XREF_WC_PRONOUN_PLURAL,
                                      XREF_WC_PRONOUN_NEUTER };
static void
read_irregular (Ctx *c, const YNode *v)
{
  if (!is_map (c, v, "irregular_verbs"))
    return;
  for (guint i = 0; i + 1 < v->items->len; i += 2)
    {
      const YNode *k = g_ptr_array_index (v->items, i);
      const YNode *forms = g_ptr_array_index (v->items, i + 1);
      g_autoptr (GArray) strs = str_array ();
      const char *base = as_string (c, k, "a verb");

      if (base == NULL)
        continue;
      if (forms->kind != YNODE_SEQ)
        {
          err (c, forms, "irregular verb '%s' needs a list [past, past participle], not %s", base, kind_name (forms));
          continue;
        }
      str_list (c, forms, base, strs);
      if (forms->items->len != 2)
        {
          err (c, forms, "irregular verb '%s' needs a list [past, past participle], not %u item%s", base,
               forms->items->len, forms->items->len == 1 ? "" : "s");
          continue;
        }
      if (strs->len != 2)
        continue;
      RulesIrregular *irr = g_new0 (RulesIrregular, 1);
      g_autofree char *fb = xref_rules_fold (base);
      g_autofree char *fp = xref_rules_fold (g_array_index (strs, RulesStr, 0).text);
      g_autofree char *fq = xref_rules_fold (g_array_index (strs, RulesStr, 1).text);
      irr->past = xref_intern (fp);
      irr->participle = xref_intern (fq);
      g_hash_table_replace (c->ld->irregular, (gpointer) xref_intern (fb), irr);
    }
}

static void
add_modals (Ctx *c, const YNode *v, const char *key, XrefModality m, gboolean negates)
{
  g_autoptr (GArray) strs = str_array ();

  str_list (c, v, key, strs);
  for (guint i = 0; i < strs->len; i++)
    {
      RulesModal md = { g_array_index (strs, RulesStr, i), m, negates };
      g_array_append_val (c->ld->modals, md);
    }
}

static void
read_lexicon (Ctx *c, const YNode *lex)
{
  if (!is_map (c, lex, "lexicon"))
    return;
  check_keys (c, lex, lexicon_keys, "'lexicon'");
  for (guint i = 0; i + 1 < lex->items->len; i += 2)
    {
      const YNode *k = g_ptr_array_index (lex->items, i);
      const YNode *v = g_ptr_array_index (lex->items, i + 1);
      guint which;

      for (which = 0; lexicon_keys[which] != NULL; which++)
        if (strcmp (k->str, lexicon_keys[which]) == 0)
          break;
      if (lexicon_keys[which] == NULL)
        continue;

      if (which < G_N_ELEMENTS (lexicon_bits) && lexicon_bits[which] != 0)
        add_class (c, v, k->str, lexicon_bits[which]);
      else if (strcmp (k->str, "pronouns") == 0)
        {
          if (!is_map (c, v, "pronouns"))
            continue;
          check_keys (c, v, pronoun_keys, "'pronouns'");
          for (guint j = 0; pronoun_keys[j] != NULL; j++)
            {
              const YNode *l = get (v, pronoun_keys[j]);
              if (l != NULL)
                add_class (c, l, pronoun_keys[j], pronoun_bits[j]);
            }
        }
      else if (strcmp (k->str, "irregular_verbs") == 0)
        read_irregular (c, v);
      else if (strcmp (k->str, "speech_verbs") == 0)
        str_list (c, v, k->str, c->ld->speech);
      else if (strcmp (k->str, "attribution_phrases") == 0)
        str_list (c, v, k->str, c->ld->attribution);
      else if (strcmp (k->str, "negating") == 0)
        add_modals (c, v, k->str, XREF_MODALITY_ASSERTED, TRUE);
      else if (strcmp (k->str, "modality") == 0)
        {
          if (!is_map (c, v, "modality"))
            continue;
          check_keys (c, v, modality_names, "'modality'");
          for (guint j = 0; modality_names[j] != NULL; j++)
            {
              const YNode *l = get (v, modality_names[j]);
              if (l != NULL)
                add_modals (c, l, modality_names[j], (XrefModality) j, FALSE);
            }
        }
    }
}

/* months / weekdays: { N: [names] } with N in 1..max. */
static void
read_numbered (Ctx *c, const YNode *v, const char *key, gint max, GHashTable *table)
{
  if (!is_map (c, v, key))
    return;
  for (guint i = 0; i + 1 < v->items->len; i += 2)
    {
      const YNode *k = g_ptr_array_index (v->items, i);
      gdouble d = 0;
      if (!parse_number (k->str, &d) || d != floor (d) || d < 1 || d > max)
        {
          err (c, k, "'%s' keys are numbers from 1 to %d, not '%s'", key, max, k->str);
          continue;
        }
      fold_into (c, g_ptr_array_index (v->items, i + 1), k->str, table, GINT_TO_POINTER ((gint) d));
    }
}

/* { word: value } where value is a number (numbers) or a code. */
static void
read_word_map (Ctx *c, const YNode *v, const char *key, GHashTable *table, gboolean numeric)
{
  if (!is_map (c, v, key))
    return;
  for (guint i = 0; i + 1 < v->items->len; i += 2)
    {
      const YNode *k = g_ptr_array_index (v->items, i);
      const YNode *val = g_ptr_array_index (v->items, i + 1);
      g_autofree char *f = NULL;
      gpointer stored;

      if (as_string (c, k, "a word") == NULL)
        continue;
      if (numeric)
        {
          gdouble d;
          if (val->kind != YNODE_SCALAR || !parse_number (val->str, &d))
            {
              err (c, val, "the value of '%s' must be a number, not %s", k->str, kind_name (val));
              continue;
            }
          gdouble *p = g_new (gdouble, 1);
          *p = d;
          stored = p;
        }
      else
        {
          const char *s = as_string_of (c, val, "the value of '", k->str, "'");
          if (s == NULL)
            continue;
          stored = (gpointer) s;
        }
      f = xref_rules_fold (k->str);
      g_hash_table_replace (table, (gpointer) xref_intern (f), stored);
    }
}

static const char *const temporal_keys[] = { "months", "weekdays", "numbers", "units", "vague_quantities", "seasons",
                                             /* the grammar's word lists (temporal_lists below) */
                                             "signals", "deictic", "relative", "anchored", "anchored_days", "latest",
                                             "period_nouns", "period_which", "parts_of_day", "references",
                                             "references_after_at", "reference_adjectives", "frequencies", "repeats",
                                             "set_words", "ordinals", "modifiers", "relative_modifiers",
                                             "duration_modifiers", "prefixes", "clock", "clock_words", "time_zones",
                                             "time_signals", "quantity_words", "span_signals", "after_unit",
                                             "bare_unit_before", "bare_unit_after", "season_signals", "ago", "shift",
                                             "future_markers", "intent_markers", "past_markers", "passive_aux",
                                             "unit_adjectives", NULL };

/* The word lists of the temporal grammar: a plain list (value "1"), or a
 * map of words to a number or to a code (documented in rules/README.md). */
typedef enum { TLIST_WORDS, TLIST_NUMBERS, TLIST_CODES } TListKind;

static const struct {
  const char *key;
  TListKind kind;
} temporal_lists[] = {
  { "signals", TLIST_WORDS },           { "deictic", TLIST_NUMBERS },          { "relative", TLIST_NUMBERS },
  { "anchored", TLIST_NUMBERS },        { "anchored_days", TLIST_NUMBERS },    { "latest", TLIST_NUMBERS },
  { "period_nouns", TLIST_WORDS },      { "period_which", TLIST_WORDS },       { "parts_of_day", TLIST_CODES },
  { "references", TLIST_CODES },        { "references_after_at", TLIST_CODES }, { "reference_adjectives", TLIST_CODES },
  { "frequencies", TLIST_CODES },       { "repeats", TLIST_NUMBERS },          { "set_words", TLIST_WORDS },
  { "ordinals", TLIST_NUMBERS },        { "modifiers", TLIST_CODES },          { "relative_modifiers", TLIST_CODES },
  { "duration_modifiers", TLIST_CODES }, { "prefixes", TLIST_CODES },          { "clock", TLIST_CODES },
  { "clock_words", TLIST_NUMBERS },     { "time_zones", TLIST_WORDS },         { "time_signals", TLIST_WORDS },
  { "quantity_words", TLIST_WORDS },    { "span_signals", TLIST_NUMBERS },     { "after_unit", TLIST_WORDS },
  { "bare_unit_before", TLIST_WORDS },  { "bare_unit_after", TLIST_WORDS },    { "season_signals", TLIST_WORDS },
  { "ago", TLIST_WORDS },               { "shift", TLIST_NUMBERS },            { "future_markers", TLIST_WORDS },
  { "intent_markers", TLIST_WORDS },    { "past_markers", TLIST_WORDS },       { "passive_aux", TLIST_WORDS },
  { "unit_adjectives", TLIST_WORDS },
};

static void
read_temporal_list (Ctx *c, const YNode *v, const char *key, TListKind kind)
{
  XrefRules *r = c->ld->rules;
  GHashTable *table;

  if (r->temporal_words == NULL)
    r->temporal_words = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_hash_table_unref);
  table = g_hash_table_lookup (r->temporal_words, xref_intern (key));
  if (table == NULL)
    {
      table = g_hash_table_new (g_str_hash, g_str_equal);
      g_hash_table_insert (r->temporal_words, (gpointer) xref_intern (key), table);
    }
  if (kind == TLIST_WORDS)
    {
      fold_into (c, v, key, table, (gpointer) xref_intern ("1"));
      return;
    }
  if (!is_map (c, v, key))
    return;
  for (guint i = 0; i + 1 < v->items->len; i += 2)
    {
      const YNode *k = g_ptr_array_index (v->items, i);
      const YNode *val = g_ptr_array_index (v->items, i + 1);
      g_autofree char *f = NULL;
      const char *text;
      gdouble d;

      if (as_string (c, k, "a word") == NULL)
        continue;
      if ((text = as_string_of (c, val, "the value of '", k->str, "'")) == NULL)
        continue;
      if (kind == TLIST_NUMBERS && !parse_number (text, &d))
        {
          err (c, val, "the value of '%s' must be a number, not '%s'", k->str, text);
          continue;
        }
      f = xref_rules_fold (k->str);
      g_hash_table_replace (table, (gpointer) xref_intern (f), (gpointer) xref_intern (text));
    }
}

static void
read_temporal (Ctx *c, const YNode *t)
{
  XrefRules *r = c->ld->rules;
  const YNode *v;

  if (!is_map (c, t, "temporal"))
    return;
  check_keys (c, t, temporal_keys, "'temporal'");
  if ((v = get (t, "months")) != NULL)
    read_numbered (c, v, "months", 12, r->months);
  if ((v = get (t, "weekdays")) != NULL)
    read_numbered (c, v, "weekdays", 7, r->weekdays);
  if ((v = get (t, "numbers")) != NULL)
    read_word_map (c, v, "numbers", r->numbers, TRUE);
  if ((v = get (t, "units")) != NULL)
    read_word_map (c, v, "units", r->units, FALSE);
  if ((v = get (t, "seasons")) != NULL)
    read_word_map (c, v, "seasons", r->seasons, FALSE);
  if ((v = get (t, "vague_quantities")) != NULL)
    fold_into (c, v, "vague_quantities", r->vague_quantities, GINT_TO_POINTER (1));
  for (gsize k = 0; k < G_N_ELEMENTS (temporal_lists); k++)
    if ((v = get (t, temporal_lists[k].key)) != NULL)
      read_temporal_list (c, v, temporal_lists[k].key, temporal_lists[k].kind);
}

static void
read_abbreviations (Ctx *c, const YNode *v)
{
  g_autoptr (GArray) strs = str_array ();

  str_list (c, v, "abbreviations", strs);
  for (guint i = 0; i < strs->len; i++)
    {
      const RulesStr *s = &g_array_index (strs, RulesStr, i);
      gsize n = strlen (s->text);
      if (n < 2 || s->text[n - 1] != '.' || strchr (s->text, ' ') != NULL)
        {
          xref_rules_error (c->ld, s->origin.file, s->origin.line, s->origin.col,
                            "abbreviation '%s' must be one word ending with a dot", s->text);
          continue;
        }
      g_autofree char *f = xref_rules_fold (s->text);
      g_hash_table_replace (c->ld->rules->abbreviations, (gpointer) s->text, GINT_TO_POINTER (1));
      g_hash_table_replace (c->ld->rules->abbreviations, (gpointer) xref_intern (f), GINT_TO_POINTER (1));
    }
}

/* ---- the file ---------------------------------------------------------- */

static const char *const top_keys[] = { "entities", "actions", "slots", "contradictions", "boilerplate", "outlets",
                                        "abbreviations", "lexicon", "temporal", NULL };

void
xref_rules_schema_apply (RulesLoader *ld, const YDoc *doc)
{
  Ctx c = { ld, doc };
  const YNode *root = doc->root;

  if (root == NULL || xref_rules_ynode_is_null (root))
    return;
  if (root->kind != YNODE_MAP)
    {
      err (&c, root, "a rule file must be a mapping of sections (entities, actions, …), not %s", kind_name (root));
      return;
    }
  check_keys (&c, root, top_keys, "a rule file");
  for (guint i = 0; i + 1 < root->items->len; i += 2)
    {
      const YNode *k = g_ptr_array_index (root->items, i);
      const YNode *v = g_ptr_array_index (root->items, i + 1);

      if (strcmp (k->str, "entities") == 0)
        each_item (&c, v, k->str, read_entity);
      else if (strcmp (k->str, "actions") == 0)
        each_item (&c, v, k->str, read_action);
      else if (strcmp (k->str, "slots") == 0)
        each_item (&c, v, k->str, read_slot);
      else if (strcmp (k->str, "contradictions") == 0)
        each_item (&c, v, k->str, read_contra);
      else if (strcmp (k->str, "boilerplate") == 0)
        each_item (&c, v, k->str, read_boiler);
      else if (strcmp (k->str, "outlets") == 0)
        each_item (&c, v, k->str, read_outlet);
      else if (strcmp (k->str, "abbreviations") == 0)
        read_abbreviations (&c, v);
      else if (strcmp (k->str, "lexicon") == 0)
        read_lexicon (&c, v);
      else if (strcmp (k->str, "temporal") == 0)
        read_temporal (&c, v);
    }
}
