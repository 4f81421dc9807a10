# parvande — the long runs before a release (make stress), included by the
# Makefile: 1,000 kills of everyday operations, four terminals for ten
# minutes, the power-cut copies over a larger file, and one run of the unit
# tests under Valgrind (memory errors and leaks fail it).
STRESS_KILLS    ?= 1000
STRESS_DURATION ?= 600

.PHONY: stress
stress: all $(BUILD)/unit-tests $(BUILD)/bench-gen
	@$(MAKE) --no-print-directory deps DEB_PKGS=valgrind >/dev/null
	KILLS=$(STRESS_KILLS) BUILD=$(BUILD) tests/e2e/run.sh tests/e2e/test_kill_ops.sh
	DURATION=$(STRESS_DURATION) BUILD=$(BUILD) tests/e2e/run.sh tests/e2e/test_four_terminals.sh
	POWERCUT_ROWS=200000 BUILD=$(BUILD) tests/e2e/run.sh tests/e2e/test_powercut.sh
	PARVANDE_LOCALEDIR=$(BUILD)/locale PARVANDE_DATADIR=data \
	  valgrind --quiet --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
	  --trace-children=yes $(BUILD)/unit-tests --jobs 1
	@echo "make stress: all passed"
