/* Helpers shared by the cmocka unit tests. */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "xref/rules.h"

/* The source tree (set by `make unit`), for rules/ corpus/ tests/cases/. */
static inline const char *
test_srcdir (void)
{
  const char *d = g_getenv ("XREF_SRCDIR");
  return d != NULL ? d : ".";
}

/* A path below the source tree; free with g_free. */
static inline char *
test_path (const char *rel)
{
  return g_build_filename (test_srcdir (), rel, NULL);
}

/* Asserts a GError is unset, printing its message if not. */
#define assert_no_error(err) \
  do { \
    if ((err) != NULL) \
      fail_msg ("unexpected error: %s", (err)->message); \
  } while (0)

/* Asserts two NUL-terminated strings are equal, either may be NULL. */
#define assert_str_equal_or_null(a, b) \
  do { \
    const char *a_ = (a), *b_ = (b); \
    if (g_strcmp0 (a_, b_) != 0) \
      fail_msg ("\"%s\" != \"%s\"", a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
  } while (0)

/* The default rules folder: $XREF_RULES (set by `make unit`), else rules/
 * of the source tree.  Free with g_free. */
static inline char *
test_rules_dir (void)
{
  const char *env = g_getenv ("XREF_RULES");
  return env != NULL ? g_strdup (env) : test_path ("rules");
}

/* Loads the default rules, failing the test on any error. */
static inline XrefRules *
test_load_default_rules (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = test_rules_dir ();
  const char *dirs[1] = { dir };
  XrefRules *rules = xref_rules_load (dirs, 1, &error);

  assert_no_error (error);
  assert_non_null (rules);
  return rules;
}

/* The default rules and one more folder: a new temporary folder holding
 * one file, name, with the text yaml.  *tmpdir gets the folder; remove
 * it with test_remove_rules_folder.  Fails the test on any error. */
static inline XrefRules *
test_load_rules_plus (const char *name, const char *yaml, char **tmpdir)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *defaults = test_rules_dir ();
  g_autofree char *file = NULL;
  const char *dirs[2];
  XrefRules *rules;

  *tmpdir = g_dir_make_tmp ("xref-test-rules-XXXXXX", &error);
  assert_no_error (error);
  file = g_build_filename (*tmpdir, name, NULL);
  g_file_set_contents (file, yaml, -1, &error);
  assert_no_error (error);
  dirs[0] = defaults;
  dirs[1] = *tmpdir;
  rules = xref_rules_load (dirs, 2, &error);
  assert_no_error (error);
  assert_non_null (rules);
  return rules;
}

/* Removes the folder of test_load_rules_plus and its file, name. */
static inline void
test_remove_rules_folder (const char *tmpdir, const char *name)
{
  g_autofree char *file = g_build_filename (tmpdir, name, NULL);

  g_unlink (file);
  g_rmdir (tmpdir);
}
