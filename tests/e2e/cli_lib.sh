# Shared by the command-line tests: a failure, an exit status expected,
# valid national IDs and a command run as a user. The script defines P (the
# program on its database) before it calls expect_rc P ... or as.
fail() { echo "FAIL: $*"; exit 1; }
expect_rc() { # expect_rc WANT command...
  local want=$1; shift
  "$@" >"$TMPDIR/out" 2>"$TMPDIR/err"; local rc=$?
  [ "$rc" -eq "$want" ] || { cat "$TMPDIR/out" "$TMPDIR/err"; fail "'$*': exit $rc, wanted $want"; }
}
# A valid national ID from a nine-digit stem.
natid() {
  local s=$1 sum=0 i r
  for ((i = 0; i < 9; i++)); do sum=$((sum + ${s:i:1} * (10 - i))); done
  r=$((sum % 11)); [ $r -lt 2 ] && echo "$s$r" || echo "$s$((11 - r))"
}
# as USER command...: logged in as USER, whose password is USER-password-1.
as() { local u=$1; shift; P --user "$u" --password-fd 3 "$@" 3<<<"$u-password-1"; }
