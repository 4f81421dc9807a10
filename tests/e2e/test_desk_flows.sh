#!/usr/bin/env bash
# The desk's flows: enrolling asks in a box that Enter does not confirm;
# a caseworker is told a refused service needs a supervisor, a supervisor
# overrides it with a justification; the enrollment's key bar shows only
# what the role may do; a ticked document is unticked after a box (in the
# history and the audit trail); a change from another terminal shows on
# the next key; a form's error comes back with the cursor; a choice field
# takes no typing; Ctrl-C leaves as F10 does; NO_COLOR has no colour.
. "$(dirname "$0")/desk_lib.sh"

desk_make_db
count_enr() { # count_enr NATIONAL_ID CODE
  pv_as sara sarapass11 enrollments "$1" --tsv | grep -c $'\t'"$2"$'\t' || true
}
wait_db() { # wait_db DESCRIPTION COMMAND...: until the command succeeds
  local what=$1 i=0; shift
  until "$@"; do
    i=$((i + 1)); [ "$i" -lt 200 ] || tui_fail "$what"
    sleep 0.05
  done
}
login_open() { # login_open USER PASSWORD NATIONAL_ID [LANG]
  tui_start "${4:-en}" 80 24
  if [ "${4:-en}" = fa ]; then tui_wait "۱۴۰۳/۱۰/۲۶"; else tui_wait "Log in"; fi
  tui_login "$1" "$2"
  if [ "${4:-en}" = fa ]; then tui_wait "$1  ۱۴۰۳"; else tui_wait "Find a file"; fi
  tui_type "$3"
  if [ "${4:-en}" = en ]; then tui_wait "1 found"; fi
  tui_keys Enter
  if [ "${4:-en}" = fa ]; then tui_wait "ﺭﺍﻮﻧﺎﺧ"; else tui_wait "Household ("; fi
}

# --- enrolling: a box, Enter does nothing, Esc cancels, F2 enrolls ---------
login_open sara sarapass11 0012345679
tui_keys F7                                # the first service she is eligible for
tui_wait "F2: Enroll    Esc: cancel"
tui_golden tui_desk_confirm_en_80x24
tui_keys Enter
tui_wait "F2 confirms, Esc cancels."
[ "$(count_enr 0012345679 19072703102)" = 0 ] || tui_fail "Enter enrolled"
tui_keys Escape
tui_wait "Cancelled; nothing was done."
[ "$(count_enr 0012345679 19072703102)" = 0 ] || tui_fail "Esc enrolled"
tui_keys F7
tui_wait "F2: Enroll"
tui_keys F2
tui_wait "Done: enrolled (in progress)"    # distinct from the question
tui_screen | grep -q "F2: Enroll" && tui_fail "the box stayed after enrolling"
[ "$(count_enr 0012345679 19072703102)" = 1 ] || tui_fail "F2 did not enroll"
tui_wait "● 19072703102  [enrolled: step 1 of 3]"

# --- Ctrl-C leaves as F10 does ----------------------------------------------
tui_keys C-c
tui_wait_exit
[ "$(tui_exit_status)" = 0 ] || tui_fail "Ctrl-C: exit status $(tui_exit_status)"

# --- a caseworker on a refused service: told, no box ----------------------
login_open sara sarapass11 0071000011
tui_keys Home Tab Tab Tab Tab              # the services: 19041060106 (✗) first
tui_keys F7
tui_wait "a supervisor may override"
tui_screen | grep -q "Justification" && tui_fail "a caseworker was offered the override"
[ "$(count_enr 0071000011 19041060106)" = 0 ] || tui_fail "a caseworker enrolled a refused person"

# --- the enrollment's bar: no approval for a caseworker; untick ------------
tui_keys Home Tab Tab Tab Enter            # the first open enrollment
tui_wait "Enrollment — Community-based social work"
tui_screen | grep -q "Approve" && tui_fail "a caseworker's bar offers Approve"
tui_screen | grep -q "F6Step done" || tui_fail "no F6 in the bar"
enr=$(pv_as sara sarapass11 enrollments 0071000011 --tsv | grep $'\t19071053115\t' | cut -f1)
# another terminal ticks the document: the next key shows it
pv_as sara sarapass11 document "$enr" identity >/dev/null || tui_fail "document from the CLI"
tui_keys Down
tui_wait "✓      identity documents"
tui_keys Home Tab Tab                       # the steps, then the documents
tui_keys Enter                              # ticked: asks to untick
tui_wait "Untick «"
tui_golden tui_desk_untick_en_80x24
tui_keys F2
tui_wait "Done: the document is unticked."
tui_wait "☐      identity documents"
tui_wait "document unticked: identity documents"
[ "$(sqlite3 "$TUI_DB" "SELECT count(*) FROM enrollment_document WHERE enrollment_id = $enr")" = 0 ] \
  || tui_fail "the document is still ticked in the database"
[ "$(sqlite3 "$TUI_DB" "SELECT count(*) FROM audit WHERE tbl = 'enrollment_document' AND action = 'delete' AND actor = 'sara'")" -ge 1 ] \
  || tui_fail "the untick is not in the audit trail"
pv_as sara sarapass11 enrollment "$enr" | grep -q "document unticked" \
  || tui_fail "the command line's history does not name the untick"
tui_keys F10; tui_wait_exit

# --- a supervisor overrides a refused service with a justification --------
login_open sup suppass1111 0071000011
tui_keys Home Tab Tab Tab Tab              # 19041060106, refused
tui_keys F7
tui_wait "Justification"
tui_wait "is not eligible for"
tui_golden tui_desk_override_en_80x24
tui_keys F2                                 # no justification yet
tui_wait "Justification: this field is required"
tui_type "the court's order is on its way; the children are at risk"
tui_keys F2
tui_wait "Done: enrolled (requested"
oid=$(pv_sup enrollments 0071000011 --tsv | grep $'\t19041060106\t' | cut -f1)
[ -n "$oid" ] || tui_fail "the override did not enroll"
pv_sup enrollment "$oid" | grep -q "the court's order is on its way" || tui_fail "justification not kept"
# the supervisor's bar on a requested enrollment: approve and reject
tui_keys Home Tab Tab Tab
tui_wait "requested, waits for a supervisor's approval"
tui_keys Enter
tui_wait "Enrollment — Future-provision"
tui_wait "F7Approve"
tui_screen | grep -q "F5Reject" || tui_fail "a supervisor's bar has no Reject"
tui_keys F10; tui_wait_exit

# --- forms: an error comes back with the cursor; a choice takes no typing --
login_open sara sarapass11 0012345679
tui_keys F4
tui_wait "Edit the person"
tui_keys Tab Tab Tab Tab Tab Tab C-u        # the phone
tui_type "12"
tui_keys Tab                                # leaving it: refused
tui_wait "Phone:"
tui_keys Tab Tab                            # on, then another key clears the line
tui_keys C-l
tui_wait_gone "Phone:"
tui_keys BTab BTab BTab                     # back on the phone: said again
tui_wait "Phone:"
tui_screen | grep -q "✗ Phone" || tui_fail "the refused field is not marked"
tui_keys BTab BTab                          # the gender, a choice
tui_type "x"
tui_wait "choose with Space or the arrows"
tui_type "m"
tui_wait "male"
tui_keys F2                                 # Save names the phone again
tui_wait "Phone:"
tui_keys C-c                                # changes: Ctrl-C asks first, as F10
tui_wait "press F10 again"
tui_keys C-c
tui_wait_exit
pv_as sara sarapass11 show 0012345679 --tsv | grep -q $'\tfemale\t' || tui_fail "the refused form saved"

# --- NO_COLOR: attributes only, no colour ---------------------------------
NO_COLOR=1 login_open sara sarapass11 0071000011
tmux -L "$TUI_SOCK" capture-pane -p -e | grep -qE $'\e\\[[0-9;]*(3[0-7]|4[0-7]|38;5)[;m]' \
  && tui_fail "NO_COLOR still draws colours"
tmux -L "$TUI_SOCK" capture-pane -p -e | grep -qE $'\e\\[[0-9;]*[17]m' \
  || tui_fail "NO_COLOR: no bold or reverse either"
tui_keys F10; tui_wait_exit
login_open sara sarapass11 0071000011
tmux -L "$TUI_SOCK" capture-pane -p -e | grep -qE $'\e\\[[0-9;]*(3[0-7]|4[0-7])[;m]' \
  || tui_fail "colours are missing without NO_COLOR (the test above could not fail)"
tui_keys F10; tui_wait_exit
echo "ok: the desk's flows"
