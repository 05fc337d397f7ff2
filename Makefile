# xref — build, test, install.
#
#   make            build ./xref
#   make run        install missing Debian packages, build, run ./xref corpus/
#   make check      install missing packages, build with -Werror, run every test
#   make check SAN=address,undefined   the same under sanitizers
#   make golden     refresh the golden end-to-end outputs in tests/golden/
#   make install    PREFIX=/usr/local DESTDIR=
#
# Dependencies come through pkg-config; `make deps` installs the Debian
# packages that are missing (as root, or through sudo).

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
DATADIR  ?= $(PREFIX)/share/xref
MANDIR   ?= $(PREFIX)/share/man
DESTDIR  ?=

CC       ?= cc
PKG_CONFIG ?= pkg-config
PKGS      = glib-2.0 yaml-0.1 libpcre2-8 jansson libxml-2.0
TEST_PKGS = cmocka jansson

DEB_PACKAGES = pkg-config libglib2.0-dev libyaml-dev libpcre2-dev libcmocka-dev libjansson-dev libxml2-dev parallel \
               python3

WARNINGS = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
           -Wwrite-strings -Wvla -Wno-unused-parameter
GLIB_VERSION = -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 -DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74

OPT     ?= -O2 -g
WERROR  ?=
SAN     ?=

ifneq ($(SAN),)
  BUILD  ?= build/san
  # GCC leaves float-cast-overflow out of "undefined" (clang has it in):
  # casting an out-of-range double to an integer is undefined all the same.
  SANFLAGS = -fsanitize=$(SAN) $(if $(findstring undefined,$(SAN)),-fsanitize=float-cast-overflow) \
             -fno-omit-frame-pointer -fno-sanitize-recover=all
  OPT     = -O1 -g
else
  BUILD  ?= build/plain
  SANFLAGS =
endif

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lm
TEST_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS   := $(shell $(PKG_CONFIG) --libs $(TEST_PKGS) 2>/dev/null)

CFLAGS_ALL = -std=c11 -D_GNU_SOURCE $(OPT) $(WARNINGS) $(WERROR) $(GLIB_VERSION) $(SANFLAGS) \
             -Iinclude -DXREF_DATADIR='"$(DATADIR)"' $(PKG_CFLAGS) $(CFLAGS)
LDFLAGS_ALL = $(SANFLAGS) $(LDFLAGS)

LIB_SRC  := $(sort $(wildcard src/*/*.c)) src/core.c
LIB_OBJ  := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRC))
LIB      := $(BUILD)/libxref.a
UNIT_SRC := $(sort $(wildcard tests/unit/test-*.c))
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
HEADERS  := $(sort $(wildcard include/xref/*.h))

.PHONY: all run check deps unit golden-check golden headers-check install uninstall clean bench valgrind cli-check story-check

all: xref

# ./xref is the build of the current configuration; a sanitizer build lives
# in build/san and is used by `make check SAN=…` only.
xref: $(BUILD)/xref
	cp $< $@

$(BUILD)/xref: $(BUILD)/obj/main.o $(LIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The data folder is compiled into the rule loader: rebuild it when PREFIX
# or DATADIR change (make install PREFIX=… after a plain make).
$(BUILD)/datadir.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' > $@

$(BUILD)/obj/rules/rules-load.o: $(BUILD)/datadir.stamp

.PHONY: FORCE
FORCE:

# ---- profile-guided optimisation (bench/README.md "Profile-guided build") ----
#
# A plain build (no SAN) with gcc and python3 is built twice: first with
# -fprofile-generate in $(BUILD)/pgo, run over a training corpus generated
# from the seed articles (bench/gen-corpus.py, no ECB+: a clean checkout
# has everything it needs) in every output format, then with
# -fprofile-use from the counts of that run.  PGO=0 builds once (faster
# edit-build cycles); sanitizer and fuzzing builds never use a profile.
PGO_OK := $(if $(SAN),,$(if $(shell command -v python3 2>/dev/null),1,))
PGO    ?= $(if $(filter gcc cc,$(notdir $(CC))),$(PGO_OK),)
ifeq ($(PGO),0)
  override PGO :=
else ifeq ($(PGO)$(SAN),)
  ifneq ($(filter gcc cc,$(notdir $(CC))),)
    $(info make: python3 not found, building without a profile (make deps installs it))
  endif
endif
PGO_DIR := $(BUILD)/pgo
PGO_MB  ?= 4

ifneq ($(PGO),)
PGO_OBJ := $(patsubst src/%.c,$(PGO_DIR)/obj/%.o,$(LIB_SRC) src/main.c)

$(PGO_DIR)/obj/%.o: src/%.c $(HEADERS) $(wildcard src/*/*.h) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -fprofile-generate -fprofile-update=atomic -Isrc -c -o $@ $<

$(PGO_DIR)/obj/rules/rules-load.o: $(BUILD)/datadir.stamp

$(PGO_DIR)/xref: $(PGO_OBJ)
	$(CC) $(LDFLAGS_ALL) -fprofile-generate -o $@ $^ $(PKG_LIBS)

$(PGO_DIR)/corpus.stamp: bench/gen-corpus.py $(wildcard corpus/*.txt)
	@mkdir -p $(dir $@)
	python3 bench/gen-corpus.py --mb $(PGO_MB) --seed 7 --ecb '' --out $(PGO_DIR)/corpus
	@touch $@

# The training run: every format, the sharded path, one thread and two.
$(PGO_DIR)/profile.stamp: $(PGO_DIR)/xref $(PGO_DIR)/corpus.stamp
	@find $(PGO_DIR)/obj -name '*.gcda' -delete
	@echo "pgo: training $(PGO_DIR)/xref on $(PGO_DIR)/corpus"
	@set -e; x=$(PGO_DIR)/xref; c=$(PGO_DIR)/corpus; export XREF_RULES=$(CURDIR)/rules; \
	  $$x --format json $$c >/dev/null; $$x --jobs 1 --format json $$c >/dev/null; \
	  for f in table md csv html; do $$x --format $$f $$c >/dev/null; done; \
	  $$x extract --format jsonl $$c > $(PGO_DIR)/train.jsonl; \
	  $$x match --format json $(PGO_DIR)/train.jsonl >/dev/null; rm -f $(PGO_DIR)/train.jsonl; \
	  $$x corpus/ >/dev/null
	@touch $@

PGO_USE = -fprofile-use -fprofile-partial-training -Wno-missing-profile
PGO_DEP = $(PGO_DIR)/profile.stamp
endif

# (with PGO, -dumpbase names the instrumented object: -fprofile-use reads
# its counts, and GCC matches the functions of a unit by that name too)
$(BUILD)/obj/%.o: src/%.c $(HEADERS) $(wildcard src/*/*.h) Makefile $(PGO_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(if $(PGO),$(PGO_USE) -dumpbase $(PGO_DIR)/obj/$*) -Isrc -c -o $@ $<

$(BUILD)/tests/test-%: tests/unit/test-%.c $(LIB) tests/unit/test-util.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(TEST_CFLAGS) -Itests/unit -o $@ $< $(LIB) $(LDFLAGS_ALL) $(PKG_LIBS) $(TEST_LIBS)

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

run: deps
	$(MAKE) xref
	./xref corpus/

# check builds in its own folder so that -Werror applies to every object.
check: deps
	$(MAKE) WERROR=-Werror BUILD=build/check$(if $(SAN),-san) unit cli-check story-check headers-check golden-check html-check shard-check \
	  fuzz-regress hostile

# (a GLib critical, a g_return_if_fail that fired, fails the test)
unit: $(UNIT_BIN) $(BUILD)/xref
	@set -e; for t in $(UNIT_BIN); do \
	  echo "== $$t"; XREF_RULES=$(CURDIR)/rules XREF_SRCDIR=$(CURDIR) G_DEBUG=fatal-criticals $$t; \
	done

# Every public header compiles on its own.
headers-check: $(HEADERS)
	@mkdir -p $(BUILD)/headers
	@set -e; for h in $(HEADERS); do \
	  echo "#include \"$${h#include/}\"" > $(BUILD)/headers/check.c; \
	  $(CC) $(CFLAGS_ALL) -fsyntax-only $(BUILD)/headers/check.c; \
	done; echo "headers: $(words $(HEADERS)) compile on their own"

# The command line: exit codes, errors, -o, --only, --fail-on, NO_COLOR.
cli-check: $(BUILD)/xref
	@XREF=$(BUILD)/xref XREF_RULES=$(CURDIR)/rules sh tests/cli.sh

# Nothing about one story in C: story and world knowledge live in YAML.
STORY_WORDS = patriot|lavrov|ukrain|kyiv|kiev|peskov
story-check:
	@if grep -rniE '$(STORY_WORDS)' src include; then \
	  echo "story-check: the lines above name one story; move that knowledge to rules/ YAML"; exit 1; \
	fi; echo "story-check: no story knowledge in src/ include/"

golden-check: $(BUILD)/xref
	@XREF=$(BUILD)/xref sh tests/golden.sh check

golden: $(BUILD)/xref
	@XREF=$(BUILD)/xref sh tests/golden.sh update

VALGRIND = XREF_NO_JIT=1 XREF_FREE_AT_EXIT=1 G_SLICE=always-malloc G_DEBUG=gc-friendly valgrind -q --error-exitcode=1 \
  --leak-check=full --errors-for-leak-kinds=definite \
  --suppressions=/usr/share/glib-2.0/valgrind/glib.supp --suppressions=tests/valgrind.supp

valgrind: $(BUILD)/xref $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do \
	  echo "== valgrind $$t"; XREF_RULES=$(CURDIR)/rules XREF_SRCDIR=$(CURDIR) $(VALGRIND) $$t; \
	done
	XREF_RULES=$(CURDIR)/rules $(VALGRIND) $(BUILD)/xref --format json corpus/ >/dev/null
	XREF_RULES=$(CURDIR)/rules $(VALGRIND) $(BUILD)/xref corpus/ >/dev/null
	@$(MAKE) --no-print-directory BUILD=$(BUILD) $(patsubst %,$(BUILD)/fuzz/fuzz-%,extract rules render)
	@set -e; for n in extract rules render; do \
	  echo "== valgrind fuzz-$$n over fuzz/corpus/$$n fuzz/regress/$$n"; \
	  XREF_RULES=$(CURDIR)/rules $(VALGRIND) $(BUILD)/fuzz/fuzz-$$n fuzz/corpus/$$n fuzz/regress/$$n \
	    >/dev/null 2>$(BUILD)/fuzz/valgrind-$$n.log \
	    || { grep -v '^xref: warning:' $(BUILD)/fuzz/valgrind-$$n.log | head -60; exit 1; }; \
	done

install: xref
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/rules $(DESTDIR)$(MANDIR)/man1
	install -m 755 xref $(DESTDIR)$(BINDIR)/xref
	install -m 644 rules/*.yaml rules/README.md $(DESTDIR)$(DATADIR)/rules/
	install -m 644 doc/xref.1 $(DESTDIR)$(MANDIR)/man1/xref.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/xref $(DESTDIR)$(MANDIR)/man1/xref.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build xref

# Rule loader benchmark (not a test): the default rules plus a generated
# folder of 10,000 entities, best of 10 loads.  Target: under 50 ms.
.PHONY: bench-rules
bench-rules: $(BUILD)/bench/rules-load
	XREF_RULES=$(CURDIR)/rules $(BUILD)/bench/rules-load 10000 10

$(BUILD)/bench/rules-load: bench/rules-load.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(LIB) $(LDFLAGS_ALL) $(PKG_LIBS)

# Sentence boundary precision, recall and F1 on the ECB+ training documents
# (one gold sentence per line, joined into running text).  Dev data only,
# never part of `make check`.
ECBPLUS_DOCS ?= $(CURDIR)/../shared/data/ecbplus-train/docs
.PHONY: eval-sentences
eval-sentences: $(BUILD)/tools/eval-sentences
	XREF_RULES=$(CURDIR)/rules $(BUILD)/tools/eval-sentences $(ECBPLUS_DOCS)

$(BUILD)/tools/eval-sentences: tools/eval-sentences.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(LIB) $(LDFLAGS_ALL) $(PKG_LIBS)

# ---- fuzzing and hostile inputs (issue 8; tests/README.md) -------------------
#
#   make deps-fuzz     install clang 14 and its libFuzzer runtime (Debian)
#   make fuzz          run every libFuzzer harness of fuzz/ for FUZZ_TIME s
#                      (default 600), in turn, growing build/fuzz/corpus/
#   make fuzz-smoke    the same for 60 s each (CI)
#   make fuzz-regress  replay fuzz/corpus/ and fuzz/regress/ through the
#                      harnesses built without libFuzzer (part of check)
#   make hostile       hostile articles, rules and output paths (part of check)
#
# Harness sources and their seed corpora live in fuzz/: fuzz-NAME.c with
# fuzz/corpus/NAME/ and fuzz/regress/NAME/ (every crash ever found).
FUZZ_NAMES     = extract rules render
FUZZ_CC       ?= clang-14
FUZZ_BUILD    ?= build/fuzz
FUZZ_TIME     ?= 600
FUZZ_SAN       = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_FLAGS    ?= -max_len=65536 -timeout=10 -rss_limit_mb=4096 -close_fd_mask=2
FUZZ_DEB       = clang-14 libclang-rt-14-dev
FUZZ_DRIVERS   = $(patsubst %,$(BUILD)/fuzz/fuzz-%,$(FUZZ_NAMES))

.PHONY: deps-fuzz fuzz fuzz-smoke fuzz-build fuzz-regress hostile

deps-fuzz:
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(FUZZ_DEB)"

# The library again with clang, instrumented for libFuzzer, in its own folder.
fuzz-build:
	$(MAKE) CC=$(FUZZ_CC) BUILD=$(FUZZ_BUILD) OPT="-O1 -g" SANFLAGS="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" \
	  $(FUZZ_BUILD)/libxref.a
	@set -e; for n in $(FUZZ_NAMES); do \
	  echo "$(FUZZ_CC) … -o $(FUZZ_BUILD)/fuzz-$$n fuzz/fuzz-$$n.c"; \
	  $(FUZZ_CC) -std=c11 -D_GNU_SOURCE -O1 -g $(GLIB_VERSION) $(FUZZ_SAN) -fsanitize=fuzzer \
	    -Iinclude -Ifuzz -DFUZZ_SRCDIR='"$(CURDIR)"' $(PKG_CFLAGS) $(TEST_CFLAGS) \
	    -o $(FUZZ_BUILD)/fuzz-$$n fuzz/fuzz-$$n.c $(FUZZ_BUILD)/libxref.a $(PKG_LIBS) $(TEST_LIBS); \
	done

# Each harness in turn for FUZZ_TIME seconds; new inputs go to
# build/fuzz/corpus/NAME, crashes to build/fuzz/crash-NAME-*.  Prints the
# executions and coverage of each run and their sum.
fuzz: fuzz-build
	@total=0; crashed=""; for n in $(FUZZ_NAMES); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$n; \
	  echo "== fuzz-$$n for $(FUZZ_TIME) s"; \
	  XREF_RULES=$(CURDIR)/rules $(FUZZ_BUILD)/fuzz-$$n $(FUZZ_FLAGS) -max_total_time=$(FUZZ_TIME) \
	    -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/crash-$$n- \
	    $(FUZZ_BUILD)/corpus/$$n fuzz/corpus/$$n fuzz/regress/$$n >$(FUZZ_BUILD)/fuzz-$$n.log 2>&1 \
	    || { grep -E -A12 'ERROR|runtime error|invariant' $(FUZZ_BUILD)/fuzz-$$n.log | head -40; crashed="$$crashed $$n"; }; \
	  execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $(FUZZ_BUILD)/fuzz-$$n.log); \
	  cov=$$(grep -E '^#[0-9]+.*cov:' $(FUZZ_BUILD)/fuzz-$$n.log | tail -1 | sed 's/.*\(cov: [0-9]* ft: [0-9]*\).*/\1/'); \
	  echo "fuzz-$$n: $${execs:-0} executions, $$cov"; total=$$((total + $${execs:-0})); \
	done; echo "fuzz: $$total executions in all"; \
	if [ -n "$$crashed" ]; then echo "fuzz: crashes in$$crashed: see $(FUZZ_BUILD)/crash-*"; exit 1; fi

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_TIME=60

# The harnesses built with the plain driver fuzz/fuzz-main.c and this
# build's compiler and sanitizers; every seed and past crash must pass.
$(BUILD)/fuzz/fuzz-%: fuzz/fuzz-%.c fuzz/fuzz-main.c fuzz/fuzz.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(TEST_CFLAGS) -Ifuzz -DFUZZ_SRCDIR='"$(CURDIR)"' -o $@ $< fuzz/fuzz-main.c $(LIB) \
	  $(LDFLAGS_ALL) $(PKG_LIBS) $(TEST_LIBS)

fuzz-regress: $(FUZZ_DRIVERS)
	@set -e; for n in $(FUZZ_NAMES); do \
	  XREF_RULES=$(CURDIR)/rules $(BUILD)/fuzz/fuzz-$$n fuzz/corpus/$$n fuzz/regress/$$n \
	    >$(BUILD)/fuzz/regress-$$n.log 2>&1 || { tail -40 $(BUILD)/fuzz/regress-$$n.log; exit 1; }; \
	  sed -n "s/^fuzz\//fuzz-$$n: fuzz\//p" $(BUILD)/fuzz/regress-$$n.log; \
	done

hostile: $(BUILD)/xref
	@XREF=$(BUILD)/xref XREF_RULES=$(CURDIR)/rules sh tests/hostile.sh

# Claim extraction measured on ECB+ (dev data, never part of `make check`):
# action precision and recall per topic and overall, claims mapped to the
# gold action mentions of the annotated sentences by their action spans.
ECBPLUS ?= ../shared/data/ecbplus-train
.PHONY: eval-claims
eval-claims: $(BUILD)/xref
	XREF_RULES=$(CURDIR)/rules python3 tools/eval-claims.py --xref $(BUILD)/xref --data $(ECBPLUS) $(EVAL_ARGS)

# Whole-pipeline benchmark (not a test): generated corpora of 1, 10 and
# 100 MB under build/bench (bench/gen-corpus.py), xref --format json on
# each: MB/s, words/s, claims/s, rows, peak RSS, rule-loading time.
# BENCH_SIZES="1 10" for a quicker run; JOBS=N to pin the thread count.
# Each run also times bench/baseline.c, a one-pass C tokenizer like the
# one issue 9 gives as this machine's reference (about 430 MB/s then), on
# the largest corpus: the VM's speed drifts, and the reference says by how
# much.
BENCH_SIZES ?= 1 10 100
bench: $(BUILD)/xref $(BUILD)/bench/baseline
	@XREF=$(BUILD)/xref BASELINE=$(BUILD)/bench/baseline BENCH_DIR=build/bench JOBS=$(or $(JOBS),0) \
	  XREF_RULES=$(CURDIR)/rules sh bench/run.sh $(BENCH_SIZES)

$(BUILD)/bench/baseline: bench/baseline.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE $(OPT) $(WARNINGS) $(WERROR) $(CFLAGS) -o $@ $<

# Time expressions against TimeML gold (dev data, not a test): TempEval-3
# style span P/R/F1, type and value accuracy, the most frequent errors.
TIMEML_DATA ?= ../shared/data/timeml-train
.PHONY: eval-dates
eval-dates: $(BUILD)/xref
	python3 tools/eval-dates.py --xref $(BUILD)/xref --rules $(CURDIR)/rules --data $(TIMEML_DATA) \
	  --work $(BUILD)/eval-dates

# The HTML report in headless Chromium (tests/html/check.sh): part of
# `make check` when chromium is installed, skipped otherwise.
# `make deps-browser` installs the Debian packages it needs.
BROWSER_PACKAGES = chromium chromium-driver
.PHONY: deps-browser html-check
deps-browser:
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(BROWSER_PACKAGES)"

html-check: $(BUILD)/xref
	@if command -v $${CHROMIUM:-chromium} >/dev/null 2>&1; then \
	  XREF=$(BUILD)/xref XREF_RULES=$(CURDIR)/rules sh tests/html/check.sh; \
	else echo "html-check: skipped, chromium is not installed (make deps-browser)"; fi

# Sharded extraction (xref extract --format jsonl --shard K/N under GNU
# parallel) + xref match gives the output of one run, byte for byte; and
# one thread gives what two give.
.PHONY: shard-check
shard-check: $(BUILD)/xref
	@XREF=$(BUILD)/xref XREF_RULES=$(CURDIR)/rules sh tests/shard.sh
