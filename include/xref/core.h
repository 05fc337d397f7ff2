/* xref — core types shared by every stage.
 *
 * Ownership, stated once for the whole project:
 *  - Every string field declared `const char *` in a record is either an
 *    interned string (xref_intern: ids, token forms, values — compare
 *    them with ==) or borrowed from an object that outlives the record (the
 *    rule set, the document).  Records never free them.
 *  - A `char *` field is owned by the record that holds it.
 *  - Evidence is a byte span [start, end) into the original file, never a
 *    copy of the text.  `XrefDocument.text` has exactly the bytes of the
 *    original file except that invalid UTF-8 and NUL bytes are replaced
 *    one-for-one, so a span into it is a span into the original file.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define XREF_VERSION "0.1.0"

/* Exit codes of the xref command, documented in --help and xref(1). */
typedef enum {
  XREF_EXIT_OK = 0,          /* success */
  XREF_EXIT_DIFFER = 1,      /* differences found and --fail-on asked for it */
  XREF_EXIT_ERROR = 2,       /* usage, rules or input error */
} XrefExit;

#define XREF_ERROR (xref_error_quark ())
GQuark xref_error_quark (void);

typedef enum {
  XREF_ERROR_USAGE,          /* bad command line */
  XREF_ERROR_RULES,          /* a rule file is invalid */
  XREF_ERROR_INPUT,          /* an input file or folder cannot be used */
  XREF_ERROR_IO,             /* a file cannot be written */
  XREF_ERROR_REGEX,          /* a rule regex failed at match time (limit hit) */
} XrefErrorCode;

/* A byte span into a document's original bytes, end exclusive. */
typedef struct {
  gsize start;
  gsize end;
} XrefSpan;

/* A calendar date.  Any field may be 0 for "unknown": {2022, 12, 0} is
 * December 2022, {0, 12, 28} is a December 28 of an unknown year. */
typedef struct {
  gint year;
  gint month;   /* 1..12, 0 unknown */
  gint day;     /* 1..31, 0 unknown */
} XrefDate;

/* TRUE when year, month and day are all known. */
gboolean xref_date_is_complete (const XrefDate *d);
/* Formats as TimeML does: "2022-12-28", "2022-12", "2022", "XXXX-12-28".
 * Returns an interned string, or NULL when nothing is known. */
const char *xref_date_to_iso (const XrefDate *d);
/* Parses "YYYY-MM-DD", "YYYY-MM" or "YYYY"; FALSE on anything else. */
gboolean xref_date_parse_iso (const char *s, XrefDate *out);
/* The same shapes with TimeML's X's for unknown fields ("XXXX-12-28",
 * "2022-XX"): an unknown field is 0.  FALSE when nothing is known. */
gboolean xref_date_parse_timeml (const char *s, XrefDate *out);
/* Days since 1 January of year 1 (Julian day number) of a complete, valid
 * date; FALSE otherwise. */
gboolean xref_date_to_days (const XrefDate *d, gint64 *days);
/* ISO weekday 1 (Monday) .. 7 (Sunday) of a complete date, 0 if invalid. */
gint xref_date_weekday (const XrefDate *d);

/* TimeML TIMEX3 types (the temporal stage produces them; slots name them). */
typedef enum {
  XREF_TIMEX_DATE,
  XREF_TIMEX_TIME,
  XREF_TIMEX_DURATION,
  XREF_TIMEX_SET,
} XrefTimexType;

/* Token kinds produced by the text stage. */
typedef enum {
  XREF_TOKEN_WORD,        /* letters, digits inside words, hyphens, apostrophes */
  XREF_TOKEN_NUMBER,      /* 24, 6,755, 2½, 6.5, 1939-1945, 2022-12-21 (see xref_tokenize) */
  XREF_TOKEN_PUNCT,       /* . , ; : ! ? ( ) [ ] - – — … and the like */
  XREF_TOKEN_QUOTE,       /* “ ” ‘ ’ « » " and ' used as quotation marks */
  XREF_TOKEN_SYMBOL,      /* $ € % and other symbols */
} XrefTokenKind;

/* Token flags. */
enum {
  XREF_TOKEN_CAPITALISED = 1 << 0,  /* first letter upper case */
  XREF_TOKEN_ALLCAPS     = 1 << 1,  /* two or more letters, all upper case */
  XREF_TOKEN_OPEN_QUOTE  = 1 << 2,  /* QUOTE token that opens a quotation */
  XREF_TOKEN_CLOSE_QUOTE = 1 << 3,  /* QUOTE token that closes a quotation */
  XREF_TOKEN_IN_QUOTE    = 1 << 4,  /* token lies inside a quotation */
};

/* A token: a byte span with its text interned twice, as written and lower
 * cased (Unicode case folding of the token, not locale dependent). */
typedef struct {
  gsize start;
  gsize end;
  const char *form;   /* interned, exactly the bytes of the span */
  const char *norm;   /* interned, lower-cased form ("U.S." → "u.s.") */
  XrefTokenKind kind;
  guint flags;
} XrefToken;

/* Tokenizes text[start..end) (valid UTF-8) and appends XrefTokens to tokens
 * (a GArray of XrefToken; offsets relative to text).  The one tokenizer of
 * xref: the text stage uses it on articles and the rule loader on rule
 * phrases, so both split the same way.  Implemented in src/text/.
 *
 * Splitting, Penn-Treebank-like:
 *  - WORD: letters/digits/marks, with inner hyphens ("anti-aircraft") and
 *    inner apostrophes only where they do not split (O'Brien).  Clitics are
 *    split: "Russia’s" → "Russia" "’s"; "doesn't" → "does" "n't";
 *    "I’m" → "I" "’m".  Initialisms keep their dots: "U.S.", "a.m.",
 *    "D.C."; any other word never includes a trailing dot ("Feb" ".").
 *  - NUMBER: digits with inner , . : / - between digits and an optional
 *    vulgar fraction or ordinal suffix: "6,755", "6.5", "2½", "7:35",
 *    "2022-12-21", "12/21/2022", "21st", "1939-1945".
 *  - QUOTE: “ ” ‘ ’ « » and straight " ' used as quotation marks, with
 *    OPEN/CLOSE flags; tokens between get IN_QUOTE.
 *  - PUNCT: "..." and "…" are one token; — – - ( ) [ ] . , ; : ! ? each one.
 *  - SYMBOL: $ € £ % & + = @ # and other symbols.
 * norm is the form lower-cased, with ’ ‘ turned into ' and “ ” « » into ". */
void xref_tokenize (const char *text, gsize start, gsize end, GArray *tokens);
/* xref_tokenize without its fast paths and caches: the general code
 * alone, one character at a time.  The same tokens; for tests that pin
 * the fast paths to it. */
void xref_tokenize_reference (const char *text, gsize start, gsize end, GArray *tokens);

/* Interns a string: returns the one canonical copy of its bytes, which
 * lives until the process exits, so interned strings compare with ==.
 * Thread safe.  xref's own table, not g_intern_string: GLib's quark table
 * abandons its old blocks as it grows, which sanitizers and valgrind
 * report as leaks.  NULL gives NULL. */
const char *xref_intern (const char *s);

/* Fibonacci hashing of an address: the top bits (1..63) of p times
 * 2^64/φ, a slot index of a table of 2^bits.  The tables keyed by
 * interned strings, rule records or documents compare addresses, so
 * they hash the address. */
static inline gsize
xref_hash_ptr (gconstpointer p, guint bits)
{
  return (gsize) (((guint64) (guintptr) p * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> (64 - bits));
}
/* The same for s[0..len), which need not be NUL-terminated. */
const char *xref_intern_len (const char *s, gsize len);
/* xref_intern_len for a caller whose strings are mostly new to this
 * thread (the tokenizer's form-cache misses): it neither reads nor fills
 * the thread's cache of recent strings, a cache miss that would find
 * nothing and push out strings that others find there. */
const char *xref_intern_len_cold (const char *s, gsize len);
/* size bytes of zeros aligned on 2 MiB, asked for transparent huge pages
 * (madvise) where the system has them, else from malloc (64-byte
 * aligned); NULL never.  For tables of a MiB or more probed at random (a
 * probe on 4 KiB pages misses the TLB as well as the cache).  *handle is
 * what xref_huge_free takes, with the same size. */
gpointer xref_huge_alloc0 (gsize size, gpointer *handle);
void xref_huge_free (gpointer handle, gsize size);

/* The interned copy of s if s was ever interned, else NULL; interns
 * nothing (for lookups of words built on the fly). */
const char *xref_intern_try (const char *s);

/* The length of the longest prefix of s[0..len) that g_utf8_validate_len
 * accepts (so it also stops at a NUL byte): the offset of the first
 * invalid character, or len.  Fast on ASCII. */
gsize xref_utf8_valid_prefix (const char *s, gsize len);

/* TRUE for characters never shown raw from article or rule text: C0
 * controls, DEL, C1 controls, and the bidirectional controls that let
 * quoted text reorder what is shown around it ("Trojan Source",
 * CVE-2021-42574): embeddings, overrides and isolates (U+202A–202E,
 * U+2066–2069) and the marks LRM, RLM and ALM (U+200E, U+200F, U+061C). */
gboolean xref_unichar_unsafe (gunichar c);

/* Prints "xref: warning: FILE: MESSAGE" on stderr (FILE may be NULL).
 * Thread safe.  Warnings never stop a run. */
void xref_warn (const char *file, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Holds back the calling thread's warnings: while buf is set, xref_warn on
 * this thread appends its lines to buf instead of writing them (NULL
 * writes again).  For work run beside other work whose warnings come
 * first in a run on one thread (the corpus walk beside the rules load);
 * xref_warn_write then writes buf to stderr, or the caller drops it. */
void xref_warn_hold (GString *buf);
void xref_warn_write (const GString *buf);

/* Reads a whole file into a newly allocated buffer (NUL-terminated, the NUL
 * not counted in *len).  Refuses files larger than max_size bytes.
 * Returns FALSE with XREF_ERROR_INPUT on failure. */
gboolean xref_read_file (const char *path, gsize max_size, char **contents, gsize *len, GError **error);

/* Writes contents to path atomically: a temporary file in the same folder,
 * fsync, then rename over path.  A reader sees the old file or the new one,
 * never half of one.  "-" writes to stdout.  Returns FALSE with
 * XREF_ERROR_IO on failure. */
gboolean xref_write_file_atomic (const char *path, const char *contents, gsize len, GError **error);

/* The same, streamed: a report too large to hold in memory is written
 * piece by piece to a temporary file beside path, which commit fsyncs and
 * renames over path; abort (or a failed commit) removes it, leaving path
 * as it was.  "-" writes straight to stdout.  open fails with
 * XREF_ERROR_IO when the temporary file cannot be created; write returns
 * FALSE once a write has failed (the error is kept for commit, which then
 * fails with XREF_ERROR_IO).  commit and abort free out. */
typedef struct _XrefOutput XrefOutput;
XrefOutput *xref_output_open (const char *path, GError **error);
gboolean xref_output_write (XrefOutput *out, const char *data, gsize len);
gboolean xref_output_commit (XrefOutput *out, GError **error);
void xref_output_abort (XrefOutput *out);

G_END_DECLS
