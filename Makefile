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
PKGS      = glib-2.0 yaml-0.1 libpcre2-8
TEST_PKGS = cmocka jansson

DEB_PACKAGES = pkg-config libglib2.0-dev libyaml-dev libpcre2-dev libcmocka-dev libjansson-dev

WARNINGS = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
           -Wwrite-strings -Wvla -Wno-unused-parameter
GLIB_VERSION = -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 -DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74

OPT     ?= -O2 -g
WERROR  ?=
SAN     ?=

ifneq ($(SAN),)
  BUILD  ?= build/san
  SANFLAGS = -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
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

$(BUILD)/obj/%.o: src/%.c $(HEADERS) $(wildcard src/*/*.h) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Isrc -c -o $@ $<

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
	$(MAKE) WERROR=-Werror BUILD=build/check$(if $(SAN),-san) unit cli-check story-check headers-check golden-check

unit: $(UNIT_BIN) $(BUILD)/xref
	@set -e; for t in $(UNIT_BIN); do \
	  echo "== $$t"; XREF_RULES=$(CURDIR)/rules XREF_SRCDIR=$(CURDIR) $$t; \
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

VALGRIND = XREF_NO_JIT=1 G_SLICE=always-malloc G_DEBUG=gc-friendly valgrind -q --error-exitcode=1 \
  --leak-check=full --errors-for-leak-kinds=definite \
  --suppressions=/usr/share/glib-2.0/valgrind/glib.supp --suppressions=tests/valgrind.supp

valgrind: $(BUILD)/xref $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do \
	  echo "== valgrind $$t"; XREF_RULES=$(CURDIR)/rules XREF_SRCDIR=$(CURDIR) $(VALGRIND) $$t; \
	done
	XREF_RULES=$(CURDIR)/rules $(VALGRIND) $(BUILD)/xref --format json corpus/ >/dev/null
	XREF_RULES=$(CURDIR)/rules $(VALGRIND) $(BUILD)/xref corpus/ >/dev/null

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
