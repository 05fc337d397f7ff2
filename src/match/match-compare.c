/* xref — match: comparing two canonical values of one slot.
 *
 * Values arrive canonical from the extract stage (see XrefSlotValue in
 * extract.h): entity ids joined by "," for SET slots, ISO 8601 / TimeML
 * values for dates and durations, plain decimals for numbers, vague-group
 * ids for vague slots, else normalised text.  Nothing here knows a story:
 * which entity lies within which, and which concept excludes what, comes
 * from the rules (part_of, is_a, other_than).
 *
 * Relations, per compare kind:
 *  - EXACT: equal ids are EQUAL; two entities one of which lies within the
 *    other (part_of / is_a, or a concept with other_than that the other
 *    entity fits) REFINE; anything else DIFFERS.
 *  - SET: equal sets are EQUAL; when every member of one set is covered by
 *    a member of the other (the same id, an entity within it, or a concept
 *    such as "a third country" other_than {a, b} covering any other country)
 *    one set REFINES the other; else DIFFERS.
 *  - NUMERIC: |a - b| <= tolerance * max (|a|, |b|) is EQUIVALENT (EQUAL
 *    when a == b); values that are not plain numbers compare as EXACT text.
 *  - DATE: TimeML dates; two complete dates within tolerance days are
 *    EQUIVALENT; a partial date whose known fields all agree with the other
 *    ("2022-12" and "2022-12-21", "XXXX-12-28" and "2022-12-28") REFINES;
 *    a known field that differs DIFFERS.  Other values compare as text.
 *  - VAGUE: values in the same vague group (the slot's groups table, else
 *    the value itself) are EQUIVALENT; a TimeML duration with an unknown
 *    number ("PXM", several months) is REFINED by one of the same unit
 *    with a number ("P3M"); else DIFFERS.
 */
#include "match-private.h"

#include <math.h>
#include <string.h>

/* Guards the part_of walk against a cycle the loader let through. */
#define MAX_ROOT_DEPTH 64

static const XrefEntity *
entity (const XrefRules *rules, const char *id)
{
  if (rules == NULL || id == NULL)
    return NULL;
  return xref_rules_entity (rules, id);
}

/* interned: id is known to be interned, so that neither it nor a root
 * equal to it is interned again (a hash and the intern table's lock). */
static const char *
entity_root (const XrefRules *rules, GHashTable *cache, const char *id, gboolean interned)
{
  const char *root;
  const XrefEntity *e;

  if (id == NULL)
    return NULL;
  if (cache != NULL && (root = g_hash_table_lookup (cache, id)) != NULL)
    return root;

  root = id;
  e = entity (rules, id);
  for (guint depth = 0; e != NULL && e->part_of != NULL && e->part_of->len > 0 && depth < MAX_ROOT_DEPTH; depth++)
    {
      /* An entity part of several wholes rolls up through its first one, as
       * written in the rules, so the root is well defined. */
      const char *up = g_ptr_array_index (e->part_of, 0);
      const XrefEntity *next = entity (rules, up);
      root = next != NULL ? next->id : xref_intern (up);
      e = next;
    }
  /* (a root found above is interned: an entity's id is, and so is up) */
  if (root == id && !interned)
    root = xref_intern (root);
  if (cache != NULL)
    g_hash_table_insert (cache, (gpointer) (interned ? id : xref_intern (id)), (gpointer) root);
  return root;
}

const char *
xref_match_entity_root (const XrefRules *rules, GHashTable *cache, const char *id)
{
  return entity_root (rules, cache, id, FALSE);
}

const char *
xref_match_entity_root_interned (const XrefRules *rules, GHashTable *cache, const char *id)
{
  return entity_root (rules, cache, id, TRUE);
}

static gboolean
within (const XrefRules *rules, const char *a, const char *b)
{
  if (g_strcmp0 (a, b) == 0)
    return TRUE;
  if (entity (rules, a) == NULL || entity (rules, b) == NULL)
    return FALSE;
  return xref_rules_entity_within (rules, a, b);
}

/* TRUE when the concept c (an entity with other_than, "a third country")
 * covers the entity g: g is none of the excluded entities nor within one,
 * is not itself such a concept, and is of a kind the excluded entities
 * are (g's own type or its root's), so that a country stands for "a third
 * country" but a weapon does not. */
static gboolean
concept_covers (const XrefMatchComparer *c, const char *concept, const char *g)
{
  const XrefEntity *ec = entity (c->rules, concept);
  const XrefEntity *eg = entity (c->rules, g);
  const XrefEntity *er;
  gboolean kind = FALSE;

  if (ec == NULL || eg == NULL || ec == eg || ec->other_than == NULL || ec->other_than->len == 0)
    return FALSE;
  if (eg->other_than != NULL && eg->other_than->len > 0)
    return FALSE;
  er = entity (c->rules, xref_match_entity_root (c->rules, c->roots, eg->id));
  for (guint i = 0; i < ec->other_than->len; i++)
    {
      const char *x = g_ptr_array_index (ec->other_than, i);
      const XrefEntity *ex = entity (c->rules, x);

      if (within (c->rules, g, x))
        return FALSE;
      if (ex != NULL && (g_strcmp0 (ex->type, eg->type) == 0 || (er != NULL && g_strcmp0 (ex->type, er->type) == 0)))
        kind = TRUE;
    }
  return kind;
}

/* TRUE when the value general covers the more specific value specific. */
static gboolean
covers (const XrefMatchComparer *c, const char *general, const char *specific)
{
  return within (c->rules, specific, general) || concept_covers (c, general, specific);
}

static XrefMatchRelation
compare_exact (const XrefMatchComparer *c, const char *a, const char *b)
{
  if (strcmp (a, b) == 0)
    return XREF_MATCH_EQUAL;
  if (covers (c, a, b) || covers (c, b, a))
    return XREF_MATCH_REFINES;
  return XREF_MATCH_DIFFERS;
}

/* TRUE when every member of sub is covered by some member of super. */
static gboolean
set_refines (const XrefMatchComparer *c, char **sub, char **super)
{
  for (guint i = 0; sub[i] != NULL; i++)
    {
      gboolean found = FALSE;
      for (guint j = 0; super[j] != NULL && !found; j++)
        found = covers (c, super[j], sub[i]);
      if (!found)
        return FALSE;
    }
  return TRUE;
}

static gint
cmp_strv (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Splits a SET value into sorted, trimmed, non-empty members. */
static char **
set_members (const char *value)
{
  g_auto (GStrv) parts = g_strsplit (value, ",", -1);
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *m = g_strstrip (parts[i]);
      if (*m != '\0')
        g_ptr_array_add (out, g_strdup (m));
    }
  g_ptr_array_sort (out, cmp_strv);
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

static XrefMatchRelation
compare_set (const XrefMatchComparer *c, const char *a, const char *b)
{
  g_auto (GStrv) sa = NULL;
  g_auto (GStrv) sb = NULL;

  if (strcmp (a, b) == 0)
    return XREF_MATCH_EQUAL;
  sa = set_members (a);
  sb = set_members (b);
  if (g_strv_equal ((const char *const *) sa, (const char *const *) sb))
    return XREF_MATCH_EQUAL;
  if (sa[0] == NULL || sb[0] == NULL)
    return XREF_MATCH_DIFFERS;
  if (set_refines (c, sa, sb) || set_refines (c, sb, sa))
    return XREF_MATCH_REFINES;
  return XREF_MATCH_DIFFERS;
}

/* A plain decimal as the extract stage writes it ("6755", "2.5", "-3");
 * thousands separators are tolerated.  FALSE for anything else. */
static gboolean
parse_number (const char *value, gdouble *out)
{
  GString *s = g_string_sized_new (32);
  char *end = NULL;
  gboolean ok;

  for (const char *p = value; *p; p++)
    if (*p != ',')
      g_string_append_c (s, *p);
  ok = s->len > 0 && (g_ascii_isdigit (s->str[0]) || s->str[0] == '-' || s->str[0] == '.');
  if (ok)
    {
      *out = g_ascii_strtod (s->str, &end);
      ok = end != NULL && *end == '\0' && isfinite (*out);
    }
  g_string_free (s, TRUE);
  return ok;
}

static XrefMatchRelation
compare_numeric (const XrefMatchComparer *c, const char *a, const char *b)
{
  gdouble x, y;

  if (strcmp (a, b) == 0)
    return XREF_MATCH_EQUAL;
  if (!parse_number (a, &x) || !parse_number (b, &y))
    return XREF_MATCH_DIFFERS;
  if (x == y)
    return XREF_MATCH_EQUAL;
  if (ABS (x - y) <= c->tolerance * MAX (ABS (x), ABS (y)))
    return XREF_MATCH_EQUIVALENT;
  return XREF_MATCH_DIFFERS;
}

static XrefMatchRelation
compare_date (const XrefMatchComparer *c, const char *a, const char *b)
{
  XrefDate da, db;
  gint64 x, y;

  if (strcmp (a, b) == 0)
    return XREF_MATCH_EQUAL;
  if (!xref_date_parse_timeml (a, &da) || !xref_date_parse_timeml (b, &db))
    return XREF_MATCH_DIFFERS;
  if (xref_date_to_days (&da, &x) && xref_date_to_days (&db, &y))
    {
      gint64 diff = x > y ? x - y : y - x;
      if (diff == 0)
        return XREF_MATCH_EQUAL;
      return (gdouble) diff <= c->tolerance ? XREF_MATCH_EQUIVALENT : XREF_MATCH_DIFFERS;
    }
  /* A partial date: every field both know must agree. */
  if ((da.year && db.year && da.year != db.year) || (da.month && db.month && da.month != db.month)
      || (da.day && db.day && da.day != db.day))
    return XREF_MATCH_DIFFERS;
  return XREF_MATCH_REFINES;
}

/* Splits a TimeML duration "P3M", "PT2.5H", "PXM" into its number ("3",
 * "2.5", "X") and its unit ("M", "TH" — the T stays with the unit so that
 * months and minutes never meet). */
static gboolean
duration_parts (const char *v, GString *num, GString *unit)
{
  const char *p = v;
  gboolean time = FALSE;

  if (*p++ != 'P')
    return FALSE;
  if (*p == 'T')
    time = TRUE, p++;
  while (*p == 'X' || *p == '.' || g_ascii_isdigit (*p))
    g_string_append_c (num, *p++);
  if (num->len == 0 || *p == '\0')
    return FALSE;
  if (time)
    g_string_append_c (unit, 'T');
  g_string_append (unit, p);
  return TRUE;
}

static XrefMatchRelation
compare_vague (const XrefMatchComparer *c, const char *a, const char *b)
{
  const char *ga = NULL, *gb = NULL;
  g_autoptr (GString) na = g_string_new (NULL);
  g_autoptr (GString) nb = g_string_new (NULL);
  g_autoptr (GString) ua = g_string_new (NULL);
  g_autoptr (GString) ub = g_string_new (NULL);

  if (strcmp (a, b) == 0)
    return XREF_MATCH_EQUAL;
  if (c->groups != NULL)
    {
      ga = g_hash_table_lookup (c->groups, a);
      gb = g_hash_table_lookup (c->groups, b);
    }
  if (strcmp (ga != NULL ? ga : a, gb != NULL ? gb : b) == 0)
    return XREF_MATCH_EQUIVALENT;
  if (duration_parts (ga != NULL ? ga : a, na, ua) && duration_parts (gb != NULL ? gb : b, nb, ub)
      && strcmp (ua->str, ub->str) == 0 && (strcmp (na->str, "X") == 0) != (strcmp (nb->str, "X") == 0))
    return XREF_MATCH_REFINES;
  return XREF_MATCH_DIFFERS;
}

XrefMatchRelation
xref_match_compare_values (const XrefMatchComparer *c, const char *a, const char *b)
{
  if (a == NULL || b == NULL)
    return a == b ? XREF_MATCH_EQUAL : XREF_MATCH_DIFFERS;
  switch (c->compare)
    {
    case XREF_COMPARE_SET:
      return compare_set (c, a, b);
    case XREF_COMPARE_NUMERIC:
      return compare_numeric (c, a, b);
    case XREF_COMPARE_DATE:
      return compare_date (c, a, b);
    case XREF_COMPARE_VAGUE:
      return compare_vague (c, a, b);
    case XREF_COMPARE_EXACT:
    default:
      return compare_exact (c, a, b);
    }
}
