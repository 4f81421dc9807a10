# parvande — build, test, run, install.
# `make run` and `make check` are all a new machine needs: both install missing
# Debian packages first (make deps).

BUILD   ?= build
PREFIX  ?= /usr/local
CC      ?= cc
SAN     ?=
VERSION := 0.1.0

DEB_PKGS := build-essential pkg-config gettext tmux sqlite3 \
            libncurses-dev libfribidi-dev libsqlite3-dev libsodium-dev libcriterion-dev
PKG_MODS := ncursesw fribidi sqlite3 libsodium

LOCALEDIR_DEFAULT := $(PREFIX)/share/locale
DATADIR_DEFAULT   := $(PREFIX)/share/parvande

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS  ?= -O2 -g
# The core never sees the interface: its objects are compiled without -Itui
# and without the curses and fribidi flags, so an #include of either fails.
# (Recursive variables: pkg-config runs when a recipe runs, after the deps
# stamp has installed it, not when a new machine first reads this file.)
# core/i18n_macros.h: the _() and N_() marks, in every compile but kept out
# of the public headers.
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SAN) -Iinclude -include core/i18n_macros.h \
             -DPV_VERSION='"$(VERSION)"' \
             -DPV_LOCALEDIR='"$(LOCALEDIR_DEFAULT)"' -DPV_DATADIR='"$(DATADIR_DEFAULT)"'
CORE_CFLAGS = $(BASE_CFLAGS) -Icore $(shell pkg-config --cflags sqlite3 libsodium 2>/dev/null)
TUI_CFLAGS  = $(BASE_CFLAGS) -Itui $(shell pkg-config --cflags ncursesw fribidi libsodium 2>/dev/null)
# tests and benches look inside both
TEST_CFLAGS = $(BASE_CFLAGS) -Icore -Itui $(shell pkg-config --cflags $(PKG_MODS) criterion 2>/dev/null)
CORE_LIBS   = $(shell pkg-config --libs sqlite3 libsodium 2>/dev/null) -lm -lpthread
TUI_LIBS    = $(shell pkg-config --libs ncursesw fribidi 2>/dev/null) -lutil
TEST_LIBS   = $(shell pkg-config --libs criterion 2>/dev/null)
# exchange packages are compressed before they are sealed (zlib)
DEB_PKGS    += zlib1g-dev
PKG_MODS    += zlib
CORE_CFLAGS += $(shell pkg-config --cflags zlib 2>/dev/null)
CORE_LIBS   += $(shell pkg-config --libs zlib 2>/dev/null)

CORE_SRC := $(sort $(wildcard core/*.c))
TUI_SRC  := $(sort $(filter-out tui/main.c,$(wildcard tui/*.c)))
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
BENCH_SRC := $(sort $(wildcard bench/*.c))

CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o)
TUI_OBJ  := $(TUI_SRC:%.c=$(BUILD)/%.o)
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/%.o)

PO_FA   := $(sort $(wildcard locale/fa/*.po))
MO      := $(BUILD)/locale/fa/LC_MESSAGES/parvande.mo $(BUILD)/locale/en/LC_MESSAGES/parvande.mo

E2E_SH  := $(sort $(wildcard tests/e2e/test_*.sh))
E2E_RUN := $(E2E_SH:tests/e2e/%.sh=e2e-%)

# Every compile, link and catalog step waits (order-only) on this stamp: the
# Debian packages are installed once, before anything is built, also under
# make -j on a new machine.
DEPS_STAMP := $(BUILD)/.deps-installed

.PHONY: all deps deps-quiet run check layer-check unit e2e $(E2E_RUN) asan asan-build asan-unit asan-e2e \
        bench install clean po-check pot
all: $(BUILD)/parvande $(BUILD)/libparvande.a $(MO) | $(DEPS_STAMP)

# --- dependencies ----------------------------------------------------------
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
deps-quiet:
	@$(MAKE) --no-print-directory deps >/dev/null
$(DEPS_STAMP):
	@$(MAKE) --no-print-directory deps >/dev/null
	@mkdir -p $(@D) && touch $@

# --- library and program ---------------------------------------------------
$(BUILD)/core/%.o: core/%.c $(wildcard include/parvande/*.h core/*.h) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CORE_CFLAGS) -c $< -o $@
$(BUILD)/tui/%.o: tui/%.c $(wildcard include/parvande/*.h tui/*.h) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(TUI_CFLAGS) -c $< -o $@
$(BUILD)/tests/%.o: tests/%.c $(wildcard include/parvande/*.h core/*.h tui/*.h tests/unit/*.h) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -c $< -o $@
$(BUILD)/bench/%.o: bench/%.c $(wildcard include/parvande/*.h core/*.h tui/*.h) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -c $< -o $@

$(BUILD)/libparvande.a: $(CORE_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^
$(BUILD)/parvande: $(BUILD)/tui/main.o $(TUI_OBJ) $(BUILD)/libparvande.a
	$(CC) $(SAN) -o $@ $^ $(TUI_LIBS) $(CORE_LIBS)
$(BUILD)/unit-tests: $(UNIT_OBJ) $(TUI_OBJ) $(BUILD)/libparvande.a
	$(CC) $(SAN) -o $@ $^ $(TEST_LIBS) $(TUI_LIBS) $(CORE_LIBS)
$(BUILD)/bench-%: $(BUILD)/bench/%.o $(TUI_OBJ) $(BUILD)/libparvande.a
	$(CC) $(SAN) -o $@ $^ $(TUI_LIBS) $(CORE_LIBS)

# --- translations: Persian sources per module; English is the msgid language --
$(BUILD)/parvande.pot: $(CORE_SRC) $(TUI_SRC) tui/main.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	xgettext --from-code=UTF-8 -k_ -kN_ -kPV_TR -kPV_N --add-comments=TRANSLATORS -o $@ $^
$(BUILD)/locale/fa/LC_MESSAGES/parvande.mo: $(PO_FA) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	msgcat --use-first -o $(BUILD)/fa.po $(PO_FA)
	msgfmt --check-format -o $@ $(BUILD)/fa.po
$(BUILD)/locale/en/LC_MESSAGES/parvande.mo: $(BUILD)/parvande.pot
	@mkdir -p $(@D)
	sed 's/charset=CHARSET/charset=UTF-8/' $< | msgen -o $(BUILD)/en.po -
	msgfmt -o $@ $(BUILD)/en.po
pot: $(BUILD)/parvande.pot
# Every string the program can show must have a Persian translation.
po-check: $(BUILD)/parvande.pot $(BUILD)/locale/fa/LC_MESSAGES/parvande.mo
	@tests/po-check.sh $(BUILD)/parvande.pot $(BUILD)/fa.po

# --- running ---------------------------------------------------------------
run: all
	@tests/demo-db.sh $(BUILD) >/dev/null
	PARVANDE_DEMO_LOGIN="demo / parvande-demo" PARVANDE_LOCALEDIR=$(BUILD)/locale $(BUILD)/parvande --db $(BUILD)/demo.db

# --- tests -----------------------------------------------------------------
# `make -j2 check` runs its steps side by side: po-check, the unit tests, each
# end-to-end script (e2e-NAME: tests/e2e/NAME.sh alone), and the sanitized
# build's unit and end-to-end tests once that build is done.
unit: all $(BUILD)/unit-tests
	PARVANDE_LOCALEDIR=$(BUILD)/locale PARVANDE_DATADIR=data $(BUILD)/unit-tests --jobs 2
e2e: $(E2E_RUN)
$(E2E_RUN): e2e-%: all
	@BUILD=$(BUILD) tests/e2e/run.sh tests/e2e/$*.sh
ASAN_BUILD := $(BUILD)/asan
ASAN_VARS = BUILD=$(ASAN_BUILD) SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" CFLAGS="-O1 -g"
# The unit tests, and every end-to-end test against the sanitized program.
# One make builds it; then its unit and end-to-end runs go side by side.
asan: asan-unit asan-e2e
asan-build:
	$(MAKE) --no-print-directory $(ASAN_VARS) all $(ASAN_BUILD)/unit-tests
asan-unit: asan-build
	$(MAKE) --no-print-directory $(ASAN_VARS) unit
asan-e2e: asan-build
	$(MAKE) --no-print-directory $(ASAN_VARS) e2e
# The headers the build cannot keep from the core (curses lives in
# /usr/include): no core file may include them.
layer-check:
	@if grep -nE '^#[ ]*include[ ]*<(n?curses[^>]*|term|fribidi[^>]*)\.h>' core/*.[ch] include/parvande/*.h; then \
	  echo "layer-check: the core includes an interface library"; exit 1; fi
	@.ci/include-cycles.sh core
	@.ci/include-cycles.sh tui
check: layer-check po-check unit e2e asan fuzz-replay
	@echo "make check: all passed"

bench: all $(patsubst bench/%.c,$(BUILD)/bench-%,$(BENCH_SRC))
	BUILD=$(BUILD) bench/run.sh

# --- install ---------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(DATADIR_DEFAULT)/services
	install -m 0755 $(BUILD)/parvande $(DESTDIR)$(PREFIX)/bin/parvande
	install -m 0644 doc/parvande.1 $(DESTDIR)$(PREFIX)/share/man/man1/parvande.1
	for l in fa en; do install -d $(DESTDIR)$(LOCALEDIR_DEFAULT)/$$l/LC_MESSAGES; \
	  install -m 0644 $(BUILD)/locale/$$l/LC_MESSAGES/parvande.mo $(DESTDIR)$(LOCALEDIR_DEFAULT)/$$l/LC_MESSAGES/; done
	cp -r data/services/. $(DESTDIR)$(DATADIR_DEFAULT)/services/

clean:
	rm -rf $(BUILD)
include tests/fuzz/fuzz.mk
include tests/stress.mk
