#!/usr/bin/env bash
# The layer check's circle finder (.ci/include-cycles.sh): quiet on the
# sources as they are; on a made-up tree, it names the modules that include
# each other in a circle and fails, through files named after a module, a
# private header and core/internal.h alike, and passes once one include is
# gone.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
fail() { echo "FAIL: $*"; exit 1; }

"$root/.ci/include-cycles.sh" core || fail "the core's modules are in a circle"
"$root/.ci/include-cycles.sh" tui || fail "the interface's modules are in a circle"

t=$TMPDIR/tree
mkdir -p "$t/.ci" "$t/core" "$t/include/parvande" "$t/tui"
cp "$root/.ci/include-cycles.sh" "$t/.ci/"
inc() { printf '#include "%s"\n' "$2" >>"$t/$1"; }
for m in a b c; do : >"$t/include/parvande/$m.h"; done
inc core/a.c parvande/b.h        # a -> b
inc core/b_part.c c_internal.h   # b -> c: b_part.c is b's, c_internal.h is c's
: >"$t/core/c_internal.h"
inc core/c.c internal.h          # c -> context: internal.h is the context's
inc core/internal.h parvande/a.h # context -> a
inc tui/x.c y.h                  # x -> y
inc tui/y_more.c x.h             # y -> x
inc tui/y_more.c parvande/a.h    # the core is no part of the interface's graph
: >"$t/tui/x.h"; : >"$t/tui/y.h"

if out=$("$t/.ci/include-cycles.sh" core); then fail "a circle in the core passed: $out"; fi
for m in a b c context; do
  echo "$out" | grep -qE "^core: modules in a circle:.* $m( |$)" || fail "$m not named: $out"
done
if out=$("$t/.ci/include-cycles.sh" tui); then fail "a circle in the interface passed: $out"; fi
echo "$out" | grep -qE '^tui: modules in a circle:( (x|y)){2}$' || fail "x, y not named: $out"
"$t/.ci/include-cycles.sh" core edges | grep -qx 'b -> c  (core/b_part.c includes c_internal.h)' ||
  fail "edges does not show the include"

: >"$t/core/internal.h"          # the circle is open again
"$t/.ci/include-cycles.sh" core >/dev/null || fail "no circle left, but the core fails"
echo ok
