/* xref — extract: a small map from interned pointer to interned pointer
 * whose entries belong to a generation, so that a new one starts empty
 * without clearing the table (extract.c: the last word of a multi-word
 * name → its np id, per document, in the thread's work buffers).  Private
 * to the stage; included by tests/unit/test-extract.c. */
#pragma once

#include <glib.h>
#include <string.h>

/* Open addressing by pointer, at most half full; an entry whose gen is
 * not the map's is empty.  Nothing is ever removed but by names_clear. */
typedef struct {
  const char *key;
  const char *id;
  guint gen;
} NameEntry;

typedef struct Names_ {
  NameEntry *e;
  guint cap;                    /* a power of two, or 0 */
  guint n;                      /* entries of this generation */
  guint gen;
} Names;

/* Empties the map: a new generation (every 2^32nd time the table is
 * cleared for real). */
static inline void
names_clear (Names *nm)
{
  nm->n = 0;
  if (++nm->gen == 0)
    {
      if (nm->e != NULL)
        memset (nm->e, 0, nm->cap * sizeof (NameEntry));
      nm->gen = 1;
    }
}

static inline guint
names_slot (const Names *nm, const char *key)
{
  return (guint) (((guint64) (guintptr) key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 32) & (nm->cap - 1);
}

static inline const char *
names_lookup (const Names *nm, const char *key)
{
  if (nm->n == 0)
    return NULL;
  for (guint h = names_slot (nm, key);; h = (h + 1) & (nm->cap - 1))
    {
      const NameEntry *e = &nm->e[h];
      if (e->gen != nm->gen)
        return NULL;
      if (e->key == key)
        return e->id;
    }
}

/* Sets key → id (a new value for a key replaces the old one, as
 * g_hash_table_insert does). */
static inline void
names_insert (Names *nm, const char *key, const char *id)
{
  NameEntry *e;

  if (2 * (nm->n + 1) > nm->cap)
    {
      NameEntry *old = nm->e;
      guint old_cap = nm->cap;
      nm->cap = MAX (64, 2 * old_cap);
      nm->e = g_new0 (NameEntry, nm->cap);
      nm->n = 0;
      for (guint i = 0; i < old_cap; i++)
        if (old[i].gen == nm->gen)
          names_insert (nm, old[i].key, old[i].id);
      g_free (old);
    }
  for (guint h = names_slot (nm, key);; h = (h + 1) & (nm->cap - 1))
    {
      e = &nm->e[h];
      if (e->gen != nm->gen)
        {
          e->gen = nm->gen;
          e->key = key;
          nm->n++;
          break;
        }
      if (e->key == key)
        break;
    }
  e->id = id;
}
