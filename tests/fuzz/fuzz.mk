# parvande — libFuzzer targets (clang from Debian). Included by the Makefile.
#   make fuzz         each target for FUZZ_SECONDS (default 60) from its seed corpus
#   make fuzz-replay  each target once over its seeds and past findings (in make check)
# The library is built again with clang and the fuzzer's coverage hooks in
# $(FUZZ_BUILD); a finding (crash-*, leak-*, timeout-*) goes into
# tests/fuzz/regress/TARGET/ so that fuzz-replay keeps it fixed.
FUZZ_TARGETS := csv ids text bidi card package
FUZZ_BUILD   := build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz-%)
FUZZ_DEB     := clang libclang-rt-14-dev

.PHONY: fuzz fuzz-replay fuzz-deps fuzz-lib
fuzz-deps:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(FUZZ_DEB)" >/dev/null
fuzz-lib: fuzz-deps
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang CFLAGS="-O1 -g" \
	  SAN="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
	  $(FUZZ_BUILD)/libparvande.a $(FUZZ_BUILD)/tui/bidi.o
$(FUZZ_BUILD)/fuzz-%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h fuzz-lib
	clang -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) -fsanitize=fuzzer $(FUZZ_SAN) \
	  -Iinclude -Icore -Itui $(shell pkg-config --cflags fribidi 2>/dev/null) -o $@ $< \
	  $(FUZZ_BUILD)/tui/bidi.o $(FUZZ_BUILD)/libparvande.a $(TUI_LIBS) $(CORE_LIBS)
fuzz: $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t tests/fuzz/regress/$$t; \
	  echo "fuzz $$t: $(FUZZ_SECONDS) s"; \
	  $(FUZZ_BUILD)/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -timeout=10 \
	    -artifact_prefix=tests/fuzz/regress/$$t/ -print_final_stats=1 \
	    $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t 2>$(FUZZ_BUILD)/fuzz-$$t.log \
	    || { tail -30 $(FUZZ_BUILD)/fuzz-$$t.log; exit 1; }; \
	  grep -E 'stat::number_of_executed_units|stat::peak_rss' $(FUZZ_BUILD)/fuzz-$$t.log; \
	done
fuzz-replay: $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p tests/fuzz/regress/$$t; \
	  $(FUZZ_BUILD)/fuzz-$$t -runs=0 tests/fuzz/corpus/$$t tests/fuzz/regress/$$t \
	    >$(FUZZ_BUILD)/replay-$$t.log 2>&1 \
	    || { tail -30 $(FUZZ_BUILD)/replay-$$t.log; exit 1; }; \
	  echo "fuzz-replay $$t: $$(ls tests/fuzz/corpus/$$t tests/fuzz/regress/$$t | wc -l) inputs ok"; \
	done
