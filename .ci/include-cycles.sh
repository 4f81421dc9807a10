#!/bin/sh
# Fails when the modules of a layer import each other in a circle.
#
# Usage: .ci/include-cycles.sh core|tui [edges]
#   edges: also print every import, "a -> b  (file includes header)", to
#   see which include closes a circle.
#
# A module is a public header's stem (include/parvande/X.h, for the core;
# tui/X.h for the interface) with the files named after it: X.c, X_*.c,
# X_*.h and X_internal.h. A file whose name starts with no module's stem is
# a module of its own. Three private headers say in their first lines whose
# they are: core/internal.h the context's (struct pv_ctx, the statement and
# transaction helpers), svc_internal.h the services module's and
# grp_internal.h the groups module's.
# Module X imports Y when a file of X includes a header of Y ("..."
# includes only: the core below the interface is no part of its graph).
# Every strongly connected group of two or more modules is printed.
set -eu
cd "$(dirname "$0")/.."
layer=${1:?usage: $0 core|tui [edges]}
edges=${2:-}
case $layer in
core) files="core/*.c core/*.h include/parvande/*.h"
      heads=$(ls include/parvande/*.h core/*_internal.h) ;;
tui)  files="tui/*.c tui/*.h"
      heads=$(ls tui/*.h) ;;
*)    echo "$0: no layer $layer" >&2; exit 2 ;;
esac
# One line "file included" per quoted include; the module names first.
{ for h in $heads; do echo "HEAD $h"; done
  grep -H -E '^#[ ]*include[ ]*"' $files | sed -E 's/:#[ ]*include[ ]*"([^"]*)".*/ \1/'
} | awk -v layer="$layer" -v show="$edges" '
function stem(path) { sub(/.*\//, "", path); sub(/\.[ch]$/, "", path); return path }
function module(s,   m, best) {
    if (s in alias) return alias[s]
    best = ""
    for (m in head)
        if ((s == m || index(s, m "_") == 1) && length(m) > length(best)) best = m
    return best != "" ? best : s
}
# Tarjan: the strongly connected groups of the graph edge[a, b].
function visit(v,   w, k, group, n) {
    index_of[v] = low[v] = ++counter
    stack[++top] = v; on[v] = 1
    for (k in edge) {
        split(k, pair, SUBSEP)
        if (pair[1] != v) continue
        w = pair[2]
        if (!(w in index_of)) { visit(w); if (low[w] < low[v]) low[v] = low[w] }
        else if (on[w] && index_of[w] < low[v]) low[v] = index_of[w]
    }
    if (low[v] != index_of[v]) return
    group = ""; n = 0
    do { w = stack[top--]; on[w] = 0; group = group " " w; n++ } while (w != v)
    if (n > 1) { print layer ": modules in a circle:" group; cycles++ }
}
BEGIN { alias["internal"] = "context"; alias["svc_internal"] = "services"
        alias["grp_internal"] = "groups" }
$1 == "HEAD" { s = stem($2); sub(/_internal$/, "", s); head[s] = 1; next }
{
    from = stem($1); to = $2
    if (to ~ /^parvande\//) { if (layer != "core") next }
    else if (to ~ /\//) next
    a = module(from); b = module(stem(to))
    node[a] = 1; node[b] = 1
    if (a == b) next
    edge[a, b] = 1
    if (show != "") print a " -> " b "  (" $1 " includes " $2 ")"
}
END {
    for (v in node) if (!(v in index_of)) visit(v)
    exit cycles > 0
}'
