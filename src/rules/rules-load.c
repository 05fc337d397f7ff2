/* xref — rules: loading folders of rule files into one immutable rule set.
 *
 * A load reads every *.yaml of each folder (sorted by name), validates each
 * file, merges definitions by id (a later folder replaces an earlier
 * one's definition; the same id twice in one folder is an error), checks
 * references between definitions and compiles the phrase tables.  Errors
 * are collected over the whole load and reported once, sorted by file,
 * line and column: nothing is ever half loaded. */
#include "rules-private.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- errors ------------------------------------------------------------ */

static guint
file_index (RulesLoader *ld, const char *file)
{
  gpointer v = g_hash_table_lookup (ld->file_index, file);

  if (v == NULL)
    {
      v = GUINT_TO_POINTER (g_hash_table_size (ld->file_index) + 1);
      g_hash_table_insert (ld->file_index, (gpointer) file, v);
    }
  return GPOINTER_TO_UINT (v) - 1;
}

/* A message quotes keys and values from the rule file, which may hold a
 * newline or other control characters: each becomes an escape (\n, \t,
 * \xNN), so that every error is one "file:line:col: message" line.  Takes
 * msg, returns it or a new string. */
static char *
one_line (char *msg)
{
  GString *out;

  for (const char *p = msg; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      goto escape;
  return msg;
escape:
  out = g_string_sized_new (strlen (msg) + 8);
  for (const char *p = msg; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_free (msg);
  return g_string_free (out, FALSE);
}

void
xref_rules_error (RulesLoader *ld, const char *file, gint line, gint col, const char *format, ...)
{
  va_list ap;
  RulesError e = { 0 };

  va_start (ap, format);
  e.message = one_line (g_strdup_vprintf (format, ap));
  va_end (ap);
  e.file = xref_intern (file);
  e.file_index = file_index (ld, e.file);
  e.line = line;
  e.col = col;
  e.seq = ld->errors->len;
  g_array_append_val (ld->errors, e);
}

static gint
cmp_error (gconstpointer a, gconstpointer b)
{
  const RulesError *x = a, *y = b;

  if (x->file_index != y->file_index)
    return x->file_index < y->file_index ? -1 : 1;
  if (x->line != y->line)
    return x->line < y->line ? -1 : 1;
  if (x->col != y->col)
    return x->col < y->col ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
error_clear (gpointer p)
{
  g_free (((RulesError *) p)->message);
}

/* Sets the one error of a failed load: every message, one per line. */
static void
report_errors (RulesLoader *ld, GError **error)
{
  g_autoptr (GString) msg = g_string_new (NULL);

  g_array_sort (ld->errors, cmp_error);
  for (guint i = 0; i < ld->errors->len; i++)
    {
      const RulesError *e = &g_array_index (ld->errors, RulesError, i);
      if (i > 0)
        g_string_append_c (msg, '\n');
      if (e->line > 0)
        g_string_append_printf (msg, "%s:%d:%d: %s", e->file, e->line, e->col, e->message);
      else
        g_string_append_printf (msg, "%s: %s", e->file, e->message);
    }
  g_set_error_literal (error, XREF_ERROR, XREF_ERROR_RULES, msg->str);
}

/* ---- definitions ------------------------------------------------------- */

void
xref_rules_entity_free (RulesEntity *e)
{
  if (e == NULL)
    return;
  g_ptr_array_unref (e->pub.part_of);
  g_ptr_array_unref (e->pub.is_a);
  g_ptr_array_unref (e->pub.other_than);
  g_clear_pointer (&e->aliases, g_array_unref);
  g_clear_pointer (&e->roles, g_array_unref);
  g_clear_pointer (&e->demonyms, g_array_unref);
  g_clear_pointer (&e->refs, g_array_unref);
  g_clear_pointer (&e->examples, g_ptr_array_unref);
  g_free (e);
}

void
xref_rules_action_free (RulesAction *a)
{
  if (a == NULL)
    return;
  g_ptr_array_unref (a->pub.slots);
  g_ptr_array_unref (a->pub.key_slots);
  g_ptr_array_unref (a->pub.antonyms);
  g_clear_pointer (&a->pub.related, g_ptr_array_unref);
  g_array_unref (a->verbs);
  g_array_unref (a->nouns);
  g_array_unref (a->refs);
  g_clear_pointer (&a->examples, g_ptr_array_unref);
  g_free (a);
}

void
xref_rules_slot_free (RulesSlot *s)
{
  if (s == NULL)
    return;
  g_ptr_array_unref (s->pub.patterns);
  if (s->pub.groups != NULL)
    g_hash_table_unref (s->pub.groups);
  g_clear_pointer (&s->examples, g_ptr_array_unref);
  g_free (s);
}

void
xref_rules_contra_free (RulesContra *c)
{
  if (c == NULL)
    return;
  g_array_unref (c->refs);
  g_clear_pointer (&c->examples, g_ptr_array_unref);
  g_free (c);
}

void
xref_rules_boiler_free (RulesBoiler *b)
{
  if (b == NULL)
    return;
  xref_regex_free (b->pub.line);
  g_clear_pointer (&b->examples, g_ptr_array_unref);
  g_free (b);
}

void
xref_rules_example_free (RulesExample *x)
{
  if (x == NULL)
    return;
  g_ptr_array_unref (x->pub.texts);
  g_clear_pointer (&x->pub.mentions, g_ptr_array_unref);
  g_clear_pointer (&x->pub.not_mentions, g_ptr_array_unref);
  g_clear_pointer (&x->pub.claim, g_array_unref);
  g_clear_pointer (&x->pub.no_claim, g_array_unref);
  g_clear_pointer (&x->pub.row, g_array_unref);
  g_clear_pointer (&x->pub.no_row, g_array_unref);
  g_array_unref (x->refs);
  g_free (x);
}

void
xref_rules_outlet_free (RulesOutlet *o)
{
  if (o == NULL)
    return;
  g_ptr_array_unref (o->pub.patterns);
  g_free (o);
}

/* ---- the rule set ------------------------------------------------------ */

static XrefRules *
rules_new (void)
{
  XrefRules *r = g_new0 (XrefRules, 1);

  r->entities = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) xref_rules_entity_free);
  r->actions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) xref_rules_action_free);
  r->slots = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) xref_rules_slot_free);
  r->contradictions = g_ptr_array_new_with_free_func ((GDestroyNotify) xref_rules_contra_free);
  r->boilerplate = g_ptr_array_new_with_free_func ((GDestroyNotify) xref_rules_boiler_free);
  r->outlets = g_ptr_array_new_with_free_func ((GDestroyNotify) xref_rules_outlet_free);
  r->word_classes = g_hash_table_new (g_str_hash, g_str_equal);
  r->abbreviations = g_hash_table_new (g_str_hash, g_str_equal);
  r->months = g_hash_table_new (g_str_hash, g_str_equal);
  r->weekdays = g_hash_table_new (g_str_hash, g_str_equal);
  r->numbers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  r->units = g_hash_table_new (g_str_hash, g_str_equal);
  r->vague_quantities = g_hash_table_new (g_str_hash, g_str_equal);
  r->seasons = g_hash_table_new (g_str_hash, g_str_equal);
  r->dirs = g_ptr_array_new_with_free_func (g_free);
  r->files = g_ptr_array_new_with_free_func (g_free);
  r->overrides = g_ptr_array_new_with_free_func (g_free);
  r->examples = g_ptr_array_new_with_free_func ((GDestroyNotify) xref_rules_example_free);
  return r;
}

static void word_index_free (XrefWordIndex *x);

void
xref_rules_free (XrefRules *r)
{
  if (r == NULL)
    return;
  /* The phrase tables hold pointers to definitions: free them first. */
  g_clear_pointer (&r->entity_phrases, xref_phrase_table_free);
  g_clear_pointer (&r->action_phrases, xref_phrase_table_free);
  g_clear_pointer (&r->speech_phrases, xref_phrase_table_free);
  g_clear_pointer (&r->modal_phrases, xref_phrase_table_free);
  g_clear_pointer (&r->word_index, word_index_free);
  g_hash_table_unref (r->entities);
  g_hash_table_unref (r->actions);
  g_hash_table_unref (r->slots);
  g_ptr_array_unref (r->contradictions);
  g_ptr_array_unref (r->boilerplate);
  g_ptr_array_unref (r->outlets);
  g_hash_table_unref (r->word_classes);
  g_hash_table_unref (r->abbreviations);
  g_hash_table_unref (r->months);
  g_hash_table_unref (r->weekdays);
  g_hash_table_unref (r->numbers);
  g_hash_table_unref (r->units);
  g_hash_table_unref (r->vague_quantities);
  g_hash_table_unref (r->seasons);
  g_clear_pointer (&r->temporal_words, g_hash_table_unref);
  g_ptr_array_unref (r->dirs);
  g_ptr_array_unref (r->files);
  g_ptr_array_unref (r->overrides);
  g_ptr_array_unref (r->examples);
  g_free (r);
}

static RulesLoader *
loader_new (void)
{
  RulesLoader *ld = g_new0 (RulesLoader, 1);

  ld->rules = rules_new ();
  ld->errors = g_array_new (FALSE, FALSE, sizeof (RulesError));
  g_array_set_clear_func (ld->errors, error_clear);
  ld->file_index = g_hash_table_new (g_direct_hash, g_direct_equal);
  ld->contra_index = g_hash_table_new (g_str_hash, g_str_equal);
  ld->boiler_index = g_hash_table_new (g_str_hash, g_str_equal);
  ld->outlet_index = g_hash_table_new (g_str_hash, g_str_equal);
  ld->entities = g_ptr_array_new ();
  ld->actions = g_ptr_array_new ();
  ld->slots = g_ptr_array_new ();
  ld->contras = g_ptr_array_new ();
  ld->boilers = g_ptr_array_new ();
  ld->outlets = g_ptr_array_new ();
  ld->irregular = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  ld->speech = g_array_new (FALSE, FALSE, sizeof (RulesStr));
  ld->attribution = g_array_new (FALSE, FALSE, sizeof (RulesStr));
  ld->modals = g_array_new (FALSE, FALSE, sizeof (RulesModal));
  ld->no_ids = g_ptr_array_new ();
  return ld;
}

/* Frees the loader; returns its rule set unless stolen (NULL). */
static void
loader_free (RulesLoader *ld)
{
  if (ld->rules != NULL)
    xref_rules_free (ld->rules);
  g_array_unref (ld->errors);
  g_hash_table_unref (ld->file_index);
  g_hash_table_unref (ld->contra_index);
  g_hash_table_unref (ld->boiler_index);
  g_hash_table_unref (ld->outlet_index);
  /* The per-file lists are empty between files. */
  g_ptr_array_unref (ld->entities);
  g_ptr_array_unref (ld->actions);
  g_ptr_array_unref (ld->slots);
  g_ptr_array_unref (ld->contras);
  g_ptr_array_unref (ld->boilers);
  g_ptr_array_unref (ld->outlets);
  g_hash_table_unref (ld->irregular);
  g_array_unref (ld->speech);
  g_array_unref (ld->attribution);
  g_array_unref (ld->modals);
  g_ptr_array_unref (ld->no_ids);
  g_free (ld);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RulesLoader, loader_free)

/* ---- merging by id ----------------------------------------------------- */

static void
duplicate (RulesLoader *ld, const char *what, const char *id, const XrefRuleOrigin *dup, const XrefRuleOrigin *first)
{
  xref_rules_error (ld, dup->file, dup->line, dup->col, "duplicate %s id '%s' (first defined at %s:%d:%d)", what, id,
                    first->file, first->line, first->col);
}

/* Merges def (of type Type) into a hash table of definitions, or into an
 * ordered list with its id index: a definition from a later folder
 * replaces the earlier one, a second one from the same folder is an
 * error and is dropped. */
/* Records that a later folder's definition replaces an earlier one. */
static void
override (RulesLoader *ld, const char *what, const char *id, const XrefRuleOrigin *old, const XrefRuleOrigin *by)
{
  XrefRuleOverride *o = g_new0 (XrefRuleOverride, 1);

  o->kind = what;
  o->id = id;
  o->replaced = *old;
  o->by = *by;
  g_ptr_array_add (ld->rules->overrides, o);
}

#define MERGE_HASH(ld, table, Type, def, what, free_fn)                                                                 \
  G_STMT_START                                                                                                    \
  {                                                                                                               \
    Type *old_ = g_hash_table_lookup ((table), (def)->pub.id);                                                    \
    if (old_ != NULL && old_->folder == (def)->folder)                                                            \
      {                                                                                                           \
        duplicate ((ld), (what), (def)->pub.id, &(def)->pub.origin, &old_->pub.origin);                           \
        free_fn (def);                                                                                            \
      }                                                                                                           \
    else                                                                                                          \
      {                                                                                                           \
        if (old_ != NULL)                                                                                         \
          override ((ld), (what), (def)->pub.id, &old_->pub.origin, &(def)->pub.origin);                          \
        g_hash_table_replace ((table), (gpointer) (def)->pub.id, (def));                                          \
      }                                                                                                           \
  }                                                                                                               \
  G_STMT_END

#define MERGE_LIST(ld, array, index, Type, def, what, free_fn)                                                          \
  G_STMT_START                                                                                                    \
  {                                                                                                               \
    guint at_ = GPOINTER_TO_UINT (g_hash_table_lookup ((index), (def)->pub.id));                                  \
    if (at_ == 0)                                                                                                 \
      {                                                                                                           \
        g_ptr_array_add ((array), (def));                                                                         \
        g_hash_table_insert ((index), (gpointer) (def)->pub.id, GUINT_TO_POINTER ((array)->len));                 \
      }                                                                                                           \
    else                                                                                                          \
      {                                                                                                           \
        Type *old_ = g_ptr_array_index ((array), at_ - 1);                                                        \
        if (old_->folder == (def)->folder)                                                                        \
          {                                                                                                       \
            duplicate ((ld), (what), (def)->pub.id, &(def)->pub.origin, &old_->pub.origin);                       \
            free_fn (def);                                                                                        \
          }                                                                                                       \
        else                                                                                                      \
          {                                                                                                       \
            /* A later folder's definition replaces it in place. */                                              \
            override ((ld), (what), (def)->pub.id, &old_->pub.origin, &(def)->pub.origin);                        \
            (array)->pdata[at_ - 1] = (def);                                                                      \
            free_fn (old_);                                                                                       \
          }                                                                                                       \
      }                                                                                                           \
  }                                                                                                               \
  G_STMT_END

static void
merge_file (RulesLoader *ld)
{
  XrefRules *r = ld->rules;

  for (guint i = 0; i < ld->entities->len; i++)
    {
      RulesEntity *d = g_ptr_array_index (ld->entities, i);
      MERGE_HASH (ld, r->entities, RulesEntity, d, "entity", xref_rules_entity_free);
    }
  for (guint i = 0; i < ld->actions->len; i++)
    {
      RulesAction *d = g_ptr_array_index (ld->actions, i);
      MERGE_HASH (ld, r->actions, RulesAction, d, "action", xref_rules_action_free);
    }
  for (guint i = 0; i < ld->slots->len; i++)
    {
      RulesSlot *d = g_ptr_array_index (ld->slots, i);
      MERGE_HASH (ld, r->slots, RulesSlot, d, "slot", xref_rules_slot_free);
    }
  for (guint i = 0; i < ld->contras->len; i++)
    {
      RulesContra *d = g_ptr_array_index (ld->contras, i);
      MERGE_LIST (ld, r->contradictions, ld->contra_index, RulesContra, d, "contradiction", xref_rules_contra_free);
    }
  for (guint i = 0; i < ld->boilers->len; i++)
    {
      RulesBoiler *d = g_ptr_array_index (ld->boilers, i);
      MERGE_LIST (ld, r->boilerplate, ld->boiler_index, RulesBoiler, d, "boilerplate", xref_rules_boiler_free);
    }
  for (guint i = 0; i < ld->outlets->len; i++)
    {
      RulesOutlet *d = g_ptr_array_index (ld->outlets, i);
      MERGE_LIST (ld, r->outlets, ld->outlet_index, RulesOutlet, d, "outlet", xref_rules_outlet_free);
    }
  g_ptr_array_set_size (ld->entities, 0);
  g_ptr_array_set_size (ld->actions, 0);
  g_ptr_array_set_size (ld->slots, 0);
  g_ptr_array_set_size (ld->contras, 0);
  g_ptr_array_set_size (ld->boilers, 0);
  g_ptr_array_set_size (ld->outlets, 0);
}

/* ---- files and folders ------------------------------------------------- */

static void
load_text (RulesLoader *ld, const char *name, const char *text, gsize len)
{
  YDoc *doc;

  doc = xref_rules_yaml_parse (ld, name, text, len);
  if (doc->failed)
    ld->yaml_failed = TRUE;
  else
    xref_rules_schema_apply (ld, doc);
  merge_file (ld);
  xref_rules_ydoc_free (doc);
}

static void
load_file (RulesLoader *ld, const char *path)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;

  file_index (ld, xref_intern (path));
  g_ptr_array_add (ld->rules->files, g_strdup (path));
  if (!xref_read_file (path, XREF_RULES_MAX_FILE, &text, &len, &local))
    {
      xref_rules_error (ld, path, 0, 0, "%s", local->message);
      ld->yaml_failed = TRUE;
      return;
    }
  load_text (ld, path, text, len);
}

static gint
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
load_dir (RulesLoader *ld, const char *dir)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GDir *d;
  const char *name;

  file_index (ld, xref_intern (dir));
  g_ptr_array_add (ld->rules->dirs, g_strdup (dir));
  if (!g_file_test (dir, G_FILE_TEST_EXISTS))
    {
      xref_rules_error (ld, dir, 0, 0, "rules folder does not exist");
      ld->yaml_failed = TRUE;
      return;
    }
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      xref_rules_error (ld, dir, 0, 0, "not a folder (rules are read from folders of *.yaml files)");
      ld->yaml_failed = TRUE;
      return;
    }
  d = g_dir_open (dir, 0, &local);
  if (d == NULL)
    {
      xref_rules_error (ld, dir, 0, 0, "cannot read rules folder: %s", local->message);
      ld->yaml_failed = TRUE;
      return;
    }
  while ((name = g_dir_read_name (d)) != NULL)
    if (name[0] != '.' && g_str_has_suffix (name, ".yaml"))
      g_ptr_array_add (names, g_strdup (name));
  g_dir_close (d);
  g_ptr_array_sort (names, cmp_str);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      load_file (ld, path);
    }
}

/* ---- references -------------------------------------------------------- */

static void
check_refs (RulesLoader *ld, GArray *refs)
{
  XrefRules *r = ld->rules;

  for (guint i = 0; refs != NULL && i < refs->len; i++)
    {
      const RulesRef *ref = &g_array_index (refs, RulesRef, i);
      GHashTable *table = ref->target == RULES_REF_ENTITY   ? r->entities
                          : ref->target == RULES_REF_ACTION ? r->actions
                          : ref->target == RULES_REF_SLOT   ? r->slots
                                                            : ld->contra_index;
      const char *what = ref->target == RULES_REF_ENTITY   ? "entity"
                         : ref->target == RULES_REF_ACTION ? "action"
                         : ref->target == RULES_REF_SLOT   ? "slot"
                                                           : "contradiction";
      if (g_hash_table_contains (table, ref->id))
        continue;
      GList *ids = g_hash_table_get_keys (table);
      g_autoptr (GPtrArray) names = g_ptr_array_new ();
      for (GList *l = ids; l != NULL; l = l->next)
        g_ptr_array_add (names, l->data);
      g_list_free (ids);
      g_ptr_array_sort (names, cmp_str);
      g_ptr_array_add (names, NULL);

      const char *best = xref_rules_suggest (ref->id, (const char *const *) names->pdata);
      if (best != NULL)
        xref_rules_error (ld, ref->origin.file, ref->origin.line, ref->origin.col,
                          "'%s' refers to undefined %s '%s'; did you mean '%s'?", ref->key, what, ref->id, best);
      else
        xref_rules_error (ld, ref->origin.file, ref->origin.line, ref->origin.col,
                          "'%s' refers to undefined %s '%s'", ref->key, what, ref->id);
    }
}

/* Depth-first search of part_of links; colour 1 = on the path, 2 = done. */
static void
visit_part_of (RulesLoader *ld, RulesEntity *e, GPtrArray *path)
{
  e->colour = 1;
  g_ptr_array_add (path, (gpointer) e->pub.id);
  for (guint i = 0; e->refs != NULL && i < e->refs->len; i++)
    {
      const RulesRef *ref = &g_array_index (e->refs, RulesRef, i);
      RulesEntity *next;
      gint c;

      if (strcmp (ref->key, "part_of") != 0)
        continue;
      next = g_hash_table_lookup (ld->rules->entities, ref->id);
      if (next == NULL)
        continue;
      c = (gint) next->colour;
      if (c == 1)
        {
          g_autoptr (GString) cycle = g_string_new (NULL);
          guint start = 0;
          while (start < path->len && g_ptr_array_index (path, start) != ref->id)
            start++;
          for (guint k = start; k < path->len; k++)
            g_string_append_printf (cycle, "%s → ", (const char *) g_ptr_array_index (path, k));
          g_string_append (cycle, ref->id);
          xref_rules_error (ld, ref->origin.file, ref->origin.line, ref->origin.col, "part_of cycle: %s",
                            cycle->str);
        }
      else if (c == 0)
        visit_part_of (ld, next, path);
    }
  g_ptr_array_set_size (path, path->len - 1);
  e->colour = 2;
}

static gint
cmp_entity_seq (gconstpointer a, gconstpointer b)
{
  const RulesEntity *x = *(RulesEntity *const *) a, *y = *(RulesEntity *const *) b;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
check_example_refs (RulesLoader *ld, GPtrArray *examples)
{
  for (guint i = 0; examples != NULL && i < examples->len; i++)
    check_refs (ld, ((RulesExample *) g_ptr_array_index (examples, i))->refs);
}

static void
check_all_refs (RulesLoader *ld)
{
  XrefRules *r = ld->rules;
  GHashTableIter it;
  gpointer v;
  g_autoptr (GPtrArray) ents = g_ptr_array_new ();
  g_autoptr (GPtrArray) path = g_ptr_array_new ();

  g_hash_table_iter_init (&it, r->entities);
  while (g_hash_table_iter_next (&it, NULL, &v))
    {
      check_refs (ld, ((RulesEntity *) v)->refs);
      check_example_refs (ld, ((RulesEntity *) v)->examples);
      g_ptr_array_add (ents, v);
    }
  g_hash_table_iter_init (&it, r->actions);
  while (g_hash_table_iter_next (&it, NULL, &v))
    {
      check_refs (ld, ((RulesAction *) v)->refs);
      check_example_refs (ld, ((RulesAction *) v)->examples);
    }
  g_hash_table_iter_init (&it, r->slots);
  while (g_hash_table_iter_next (&it, NULL, &v))
    check_example_refs (ld, ((RulesSlot *) v)->examples);
  for (guint i = 0; i < r->contradictions->len; i++)
    {
      check_refs (ld, ((RulesContra *) g_ptr_array_index (r->contradictions, i))->refs);
      check_example_refs (ld, ((RulesContra *) g_ptr_array_index (r->contradictions, i))->examples);
    }
  for (guint i = 0; i < r->boilerplate->len; i++)
    check_example_refs (ld, ((RulesBoiler *) g_ptr_array_index (r->boilerplate, i))->examples);

  /* In definition order, so that a cycle is reported at the same link on
   * every run. */
  g_ptr_array_sort (ents, cmp_entity_seq);
  for (guint i = 0; i < ents->len; i++)
    {
      RulesEntity *e = g_ptr_array_index (ents, i);
      if (e->colour == 0)
        visit_part_of (ld, e, path);
    }
}

/* ---- examples ---------------------------------------------------------- */

static void
take_examples (RulesLoader *ld, GPtrArray *from)
{
  if (from == NULL)
    return;
  for (guint i = 0; i < from->len; i++)
    g_ptr_array_add (ld->rules->examples, g_ptr_array_index (from, i));
  /* Moved, not freed: the rule set owns them now. */
  g_ptr_array_set_free_func (from, NULL);
  g_ptr_array_set_size (from, 0);
  g_ptr_array_set_free_func (from, (GDestroyNotify) xref_rules_example_free);
}

static gint
cmp_example (gconstpointer a, gconstpointer b, gpointer data)
{
  RulesLoader *ld = data;
  const XrefExample *x = *(XrefExample *const *) a, *y = *(XrefExample *const *) b;
  guint fx = GPOINTER_TO_UINT (g_hash_table_lookup (ld->file_index, x->origin.file));
  guint fy = GPOINTER_TO_UINT (g_hash_table_lookup (ld->file_index, y->origin.file));

  if (fx != fy)
    return fx < fy ? -1 : 1;
  if (x->origin.line != y->origin.line)
    return x->origin.line < y->origin.line ? -1 : 1;
  return x->origin.col < y->origin.col ? -1 : x->origin.col > y->origin.col;
}

/* Gathers the examples of the definitions in force (a replaced definition
 * took its examples with it) into rules->examples, in file order. */
static void
collect_examples (RulesLoader *ld)
{
  XrefRules *r = ld->rules;
  GHashTableIter it;
  gpointer v;

  g_hash_table_iter_init (&it, r->entities);
  while (g_hash_table_iter_next (&it, NULL, &v))
    take_examples (ld, ((RulesEntity *) v)->examples);
  g_hash_table_iter_init (&it, r->actions);
  while (g_hash_table_iter_next (&it, NULL, &v))
    take_examples (ld, ((RulesAction *) v)->examples);
  g_hash_table_iter_init (&it, r->slots);
  while (g_hash_table_iter_next (&it, NULL, &v))
    take_examples (ld, ((RulesSlot *) v)->examples);
  for (guint i = 0; i < r->contradictions->len; i++)
    take_examples (ld, ((RulesContra *) g_ptr_array_index (r->contradictions, i))->examples);
  for (guint i = 0; i < r->boilerplate->len; i++)
    take_examples (ld, ((RulesBoiler *) g_ptr_array_index (r->boilerplate, i))->examples);
  g_ptr_array_sort_with_data (r->examples, cmp_example, ld);
}

/* Fills rules->counts once the set is complete. */
static void
count (RulesLoader *ld)
{
  XrefRules *r = ld->rules;
  XrefRulesCounts *n = &r->counts;
  GHashTableIter it;
  gpointer k, v;

  memset (n, 0, sizeof *n);
  n->entities = g_hash_table_size (r->entities);
  g_hash_table_iter_init (&it, r->entities);
  while (g_hash_table_iter_next (&it, NULL, &v))
    {
      const RulesEntity *e = v;
      n->aliases += e->aliases != NULL ? e->aliases->len : 0;
      n->roles += e->roles != NULL ? e->roles->len : 0;
      n->demonyms += e->demonyms != NULL ? e->demonyms->len : 0;
    }
  n->actions = g_hash_table_size (r->actions);
  g_hash_table_iter_init (&it, r->actions);
  while (g_hash_table_iter_next (&it, NULL, &v))
    {
      const RulesAction *a = v;
      n->verbs += a->verbs->len;
      n->nouns += a->nouns->len;
    }
  n->verb_forms = ld->n_verb_forms;
  n->slots = g_hash_table_size (r->slots);
  n->contradictions = r->contradictions->len;
  n->boilerplate = r->boilerplate->len;
  n->outlets = r->outlets->len;
  /* The table holds each abbreviation as written and case folded. */
  g_hash_table_iter_init (&it, r->abbreviations);
  while (g_hash_table_iter_next (&it, &k, NULL))
    {
      g_autofree char *f = xref_rules_fold (k);
      if (strcmp (f, k) == 0)
        n->abbreviations++;
    }
  n->speech_verbs = ld->speech->len + ld->attribution->len;
  n->modal_phrases = xref_phrase_table_size (r->modal_phrases);
  n->examples = r->examples->len;
}

/* ---- the word index ---------------------------------------------------- */

/* The text, temporal and extract stages ask the rule set about every token,
 * several times: its word class, whether it is a number word, whether a
 * phrase can start there.  The words of a rule set are interned and so are
 * the tokens' norms, so one table keyed by the pointer (open addressing,
 * linear probing, Fibonacci hashing of the address) answers all of these
 * with a multiply and a compare or two, without hashing the word's bytes
 * as the GHashTables of the rule set do (bench/README.md).  Built once at
 * load; immutable after, so threads share it. */
typedef struct {
  const char *key;             /* interned; NULL for an empty slot */
  guint bits;                  /* XREF_WB_* */
} WordSlot;

#define SHAPE_BITS 4096u
#define KEY_BITS   65536u

/* The definitions of one kind (entities, actions, slots) by id, keyed by
 * the interned id's pointer as the words are, for the lookups that the
 * stages make per claim and per row (xref_rules_action …).  A pointer
 * that is no key may still be a copy of one: shape (as for the word
 * classes) says which strings can be, and only those go on to the
 * GHashTable. */
typedef struct {
  const char *key;             /* interned id; NULL for an empty slot */
  gpointer value;              /* the table's value */
} IdSlot;

typedef struct {
  guint shift, mask;
  IdSlot *slots;
  guint64 shape[SHAPE_BITS / 64];
} IdIndex;

typedef enum {
  ID_ENTITY,
  ID_ACTION,
  ID_SLOT,
  ID_KINDS
} IdKind;

struct _XrefWordIndex {
  guint shift;                 /* 64 - log2 (number of slots) */
  guint mask;                  /* number of slots - 1 */
  WordSlot *slots;
  /* For xref_rules_word_class given a string that is not the interned copy
   * of a key (a copy, or an interned word of no class): one bit per
   * (length, first byte, last byte) of the word_classes keys, so that
   * nearly all such strings are answered without the string table. */
  guint64 shape[SHAPE_BITS / 64];
  IdIndex ids[ID_KINDS];
  /* One bit per key (key_bit): most tokens are no key, and a clear bit
   * answers them from these 8 KB, which stay in the first-level cache,
   * instead of a probe of the slots (128 KB for the default rules). */
  guint64 keys[KEY_BITS / 64];
};

static inline guint
word_hash (const XrefWordIndex *x, const char *key)
{
  return (guint) (((guint64) (guintptr) key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> x->shift);
}

/* The bit of an interned key in keys: the top bits of another product
 * than word_hash's, so that keys sharing a slot's cluster spread. */
static inline guint
key_bit (const char *key)
{
  return (guint) (((guint64) (guintptr) key * G_GUINT64_CONSTANT (0xC2B2AE3D27D4EB4F)) >> 48);
}

static inline guint
shape_bit (const char *s, gsize len)
{
  guint last = len > 0 ? (guchar) s[len - 1] : 0;
  return ((guint) len * 0x9E37u ^ (guint) (guchar) s[0] * 0x85EBu ^ last * 0xC2B3u) % SHAPE_BITS;
}

static const WordSlot *
word_find (const XrefWordIndex *x, const char *key)
{
  for (guint h = word_hash (x, key);; h = (h + 1) & x->mask)
    {
      const WordSlot *w = &x->slots[h];
      if (w->key == key)
        return w;
      if (w->key == NULL)
        return NULL;
    }
}

static void
word_add (XrefWordIndex *x, const char *key, guint bits)
{
  guint kb = key_bit (key);

  x->keys[kb / 64] |= G_GUINT64_CONSTANT (1) << (kb % 64);
  for (guint h = word_hash (x, key);; h = (h + 1) & x->mask)
    {
      WordSlot *w = &x->slots[h];
      if (w->key == NULL)
        w->key = key;
      if (w->key == key)
        {
          w->bits |= bits;
          return;
        }
    }
}

static IdSlot *
id_slot (const IdIndex *x, const char *key)
{
  guint h = (guint) (((guint64) (guintptr) key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> x->shift);

  while (x->slots[h].key != NULL && x->slots[h].key != key)
    h = (h + 1) & x->mask;
  return &x->slots[h];
}

static void
id_index_build (IdIndex *x, GHashTable *table)
{
  GHashTableIter it;
  gpointer k, v;
  guint log2 = 4;

  while ((1u << log2) < 2 * g_hash_table_size (table))
    log2++;
  x->shift = 64 - log2;
  x->mask = (1u << log2) - 1;
  x->slots = g_new0 (IdSlot, (gsize) x->mask + 1);
  g_hash_table_iter_init (&it, table);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      const char *id = xref_intern (k);
      IdSlot *e = id_slot (x, id);
      guint b = shape_bit (id, strlen (id));
      e->key = id;
      e->value = v;
      x->shape[b / 64] |= G_GUINT64_CONSTANT (1) << (b % 64);
    }
}

static GHashTable *
id_table (const XrefRules *rules, IdKind kind)
{
  return kind == ID_ENTITY ? rules->entities : kind == ID_ACTION ? rules->actions : rules->slots;
}

/* The definition of a kind with this id: by the pointer, else (a copy of
 * an id, or no id) by the string when its shape is an id's. */
static gpointer
id_lookup (const XrefRules *rules, IdKind kind, const char *id)
{
  if (rules == NULL || id == NULL)
    return NULL;
  if (rules->word_index != NULL)
    {
      const IdIndex *x = &rules->word_index->ids[kind];
      const IdSlot *e = id_slot (x, id);
      guint b;
      if (e->key != NULL)
        return e->value;
      b = shape_bit (id, strlen (id));
      if (!(x->shape[b / 64] & (G_GUINT64_CONSTANT (1) << (b % 64))))
        return NULL;
    }
  return g_hash_table_lookup (id_table (rules, kind), id);
}

static void
word_index_free (XrefWordIndex *x)
{
  if (x == NULL)
    return;
  g_free (x->slots);
  for (guint k = 0; k < ID_KINDS; k++)
    g_free (x->ids[k].slots);
  g_free (x);
}

static XrefWordIndex *
word_index_build (const XrefRules *r)
{
  const XrefPhraseTable *tables[] = { r->entity_phrases, r->action_phrases, r->speech_phrases, r->modal_phrases };
  const guint head_bits[] = { XREF_WB_ENTITY_HEAD, XREF_WB_ACTION_HEAD, XREF_WB_SPEECH_HEAD, XREF_WB_MODAL_HEAD };
  GPtrArray *heads[G_N_ELEMENTS (tables)];
  XrefWordIndex *x = g_new0 (XrefWordIndex, 1);
  GHashTableIter it;
  gpointer k, v;
  guint n, log2 = 4;

  n = g_hash_table_size (r->word_classes) + g_hash_table_size (r->vague_quantities) + g_hash_table_size (r->numbers);
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      heads[t] = g_ptr_array_new ();
      xref_phrase_table_heads (tables[t], heads[t]);
      n += heads[t]->len;
    }
  /* at most half full */
  while ((1u << log2) < 2 * n)
    log2++;
  x->shift = 64 - log2;
  x->mask = (1u << log2) - 1;
  x->slots = g_new0 (WordSlot, (gsize) x->mask + 1);

  g_hash_table_iter_init (&it, r->word_classes);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      gsize len = strlen (k);
      guint b = shape_bit (k, len);
      word_add (x, k, GPOINTER_TO_UINT (v) & XREF_WB_CLASSES);
      x->shape[b / 64] |= G_GUINT64_CONSTANT (1) << (b % 64);
    }
  g_hash_table_iter_init (&it, r->vague_quantities);
  while (g_hash_table_iter_next (&it, &k, NULL))
    word_add (x, k, XREF_WB_VAGUE);
  g_hash_table_iter_init (&it, r->numbers);
  while (g_hash_table_iter_next (&it, &k, NULL))
    word_add (x, k, XREF_WB_NUMBER);
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    for (guint i = 0; i < heads[t]->len; i++)
      word_add (x, g_ptr_array_index (heads[t], i), head_bits[t]);
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    g_ptr_array_unref (heads[t]);
  for (guint kind = 0; kind < ID_KINDS; kind++)
    id_index_build (&x->ids[kind], id_table (r, (IdKind) kind));
  return x;
}

/* ---- public API -------------------------------------------------------- */

/* The last XrefRules.serial given (rules.h). */
static gint rules_serial;

static XrefRules *
finish (RulesLoader *ld, GError **error)
{
  /* References are only meaningful when every file was read. */
  if (!ld->yaml_failed)
    check_all_refs (ld);
  xref_rules_compile (ld);
  if (ld->errors->len > 0)
    {
      report_errors (ld, error);
      return NULL;
    }
  collect_examples (ld);
  count (ld);
  ld->rules->word_index = word_index_build (ld->rules);
  xref_slot_words_build (ld->rules);
  ld->rules->serial = (guint) g_atomic_int_add (&rules_serial, 1) + 1;
  return g_steal_pointer (&ld->rules);
}

XrefRules *
xref_rules_load (const char *const *dirs, guint n_dirs, GError **error)
{
  g_autoptr (RulesLoader) ld = loader_new ();

  for (guint i = 0; i < n_dirs; i++)
    {
      ld->folder = i;
      load_dir (ld, dirs[i]);
    }
  return finish (ld, error);
}

XrefRules *
xref_rules_load_string (const char *name, const char *yaml, gsize len, GError **error)
{
  g_autoptr (RulesLoader) ld = loader_new ();

  name = xref_intern (name);
  file_index (ld, name);
  g_ptr_array_add (ld->rules->files, g_strdup (name));
  if (len > XREF_RULES_MAX_FILE)
    {
      xref_rules_error (ld, name, 0, 0, "file too large (%" G_GSIZE_FORMAT " bytes, limit %u)", len,
                        XREF_RULES_MAX_FILE);
      ld->yaml_failed = TRUE;
    }
  else
    load_text (ld, name, yaml, len);
  return finish (ld, error);
}

char *
xref_rules_default_dir (void)
{
  const char *env = g_getenv ("XREF_RULES");
  g_autofree char *exe = NULL;

  /* An explicit choice is returned as is: the loader names it if it is
   * missing. */
  if (env != NULL && *env != '\0')
    return g_strdup (env);

  exe = g_file_read_link ("/proc/self/exe", NULL);
  if (exe != NULL)
    {
      g_autofree char *bin = g_path_get_dirname (exe);
      char *beside = g_build_filename (bin, "rules", NULL);
      if (g_file_test (beside, G_FILE_TEST_IS_DIR))
        return beside;
      g_free (beside);
    }
  if (g_file_test (XREF_DATADIR "/rules", G_FILE_TEST_IS_DIR))
    return g_strdup (XREF_DATADIR "/rules");
  return NULL;
}

guint
xref_rules_word_class (const XrefRules *rules, const char *norm)
{
  if (rules == NULL || norm == NULL)
    return 0;
  if (rules->word_index != NULL)
    {
      const XrefWordIndex *x = rules->word_index;
      guint kb = key_bit (norm);
      const WordSlot *w = x->keys[kb / 64] & (G_GUINT64_CONSTANT (1) << (kb % 64)) ? word_find (x, norm) : NULL;
      gsize len;
      guint b;

      /* found by its pointer: the interned copy, whose bits these are */
      if (w != NULL)
        return w->bits & XREF_WB_CLASSES;
      /* else an interned word that is no key, or a copy of a word: only
       * a string of a key's shape can be the latter */
      len = strlen (norm);
      b = shape_bit (norm, len);
      if (!(x->shape[b / 64] & (G_GUINT64_CONSTANT (1) << (b % 64))))
        return 0;
    }
  return GPOINTER_TO_UINT (g_hash_table_lookup (rules->word_classes, norm));
}

guint
xref_rules_word_bits (const XrefRules *rules, const char *norm)
{
  const WordSlot *w;
  guint kb;

  if (rules == NULL || norm == NULL || rules->word_index == NULL)
    return 0;
  kb = key_bit (norm);
  if (!(rules->word_index->keys[kb / 64] & (G_GUINT64_CONSTANT (1) << (kb % 64))))
    return 0;
  w = word_find (rules->word_index, norm);
  return w != NULL ? w->bits : 0;
}

const XrefEntity *
xref_rules_entity (const XrefRules *rules, const char *id)
{
  return id_lookup (rules, ID_ENTITY, id);
}

const XrefAction *
xref_rules_action (const XrefRules *rules, const char *id)
{
  return id_lookup (rules, ID_ACTION, id);
}

const XrefSlotDef *
xref_rules_slot (const XrefRules *rules, const char *id)
{
  return id_lookup (rules, ID_SLOT, id);
}

gboolean
xref_rules_entity_within (const XrefRules *rules, const char *a, const char *b)
{
  g_autoptr (GHashTable) seen = NULL;
  g_autoptr (GPtrArray) todo = NULL;

  if (a == NULL || b == NULL)
    return FALSE;
  if (a == b || strcmp (a, b) == 0)
    return TRUE;
  if (rules == NULL)
    return FALSE;

  /* Breadth first over part_of and is_a; `seen` makes is_a cycles safe. */
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  todo = g_ptr_array_new ();
  g_ptr_array_add (todo, (gpointer) a);
  g_hash_table_add (seen, (gpointer) a);
  for (guint i = 0; i < todo->len; i++)
    {
      const XrefEntity *e = g_hash_table_lookup (rules->entities, g_ptr_array_index (todo, i));
      if (e == NULL)
        continue;
      for (guint pass = 0; pass < 2; pass++)
        {
          GPtrArray *up = pass == 0 ? e->part_of : e->is_a;
          for (guint j = 0; j < up->len; j++)
            {
              const char *id = g_ptr_array_index (up, j);
              if (strcmp (id, b) == 0)
                return TRUE;
              if (!g_hash_table_contains (seen, id))
                {
                  g_hash_table_add (seen, (gpointer) id);
                  g_ptr_array_add (todo, (gpointer) id);
                }
            }
        }
    }
  return FALSE;
}
