#!/usr/bin/env bash
# matrix.sh - the interoperability matrix: every test server kind
# (Dovecot, Cyrus, Courier, GNU Mailutils imap4d) x implicit TLS and
# STARTTLS x the checks below, one line per cell and a summary table.
#
# Checks of a cell (user alice unless said):
#   list         login and LIST, text and JSON: exit 0, INBOX and the
#                harness's folders, non-ASCII names decoded, names with
#                space, backslash, quote and & intact (raw as sent)
#   special-use  Sent, Drafts, Trash, Junk, Archive carry their
#                attribute (skipped when the server offers no SPECIAL-USE)
#   select       --select INBOX: the message count, the first unseen
#   badpass      a wrong password: exit 77 and the server's refusal text
#   many         the user with MANY folders: all of them, plus what an
#                empty account lists
#   tree         the interface's folder tree in tmux: INBOX, and Q4 under
#                2026 under Projects
# A list that came only on a second connection (the server dropped
# commands sent together, imapconn waited out --timeout and tried again)
# fails the cell: imapconn must send each server only what it keeps.
#
# Each server is started once, all of them at the same time, and stopped
# by the EXIT trap; each server's cells then run beside the others'.  A
# server whose harness is missing or says it cannot run (exit 77) gets a
# skip line for each of its cells; one that fails to start fails them.
#
# Harnesses: tests/dovecot/imapconn-dovecot and tests/servers/imapconn-KIND
# (start DIR --many N / stop DIR, DIR/env: ports, CA, users, separator
# and what each put there).  MATRIX_SERVERS picks the kinds (default
# all four, and cyrus-slash: the same Cyrus on its listeners with the
# upstream Cyrus 3 namespace, "/" as separator and other users' and
# shared folders under parents the server never lists).
# The checks here do not end the script at a failure (FAIL_FAST is set
# only by the terminal tests' setup): what follows a fail is reachable.
# shellcheck disable=SC2317
set -euo pipefail
_matrix_dir=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$_matrix_dir/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
IMAPCONN=${IMAPCONN:-$top_builddir/imapconn}
# start_ui, screen and keys come from the terminal tests' library; the
# integration library, sourced after it, gives the runs and what a
# failed check shows.
# shellcheck source-path=SCRIPTDIR source=../ui/lib.sh
. "$top_srcdir/tests/ui/lib.sh"
# shellcheck source=../integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"

readonly KINDS=${MATRIX_SERVERS:-dovecot cyrus cyrus-slash courier mailutils}
readonly MODES='tls starttls'
readonly CHECKS='list special-use select badpass many tree'
readonly MANY=3000
readonly WAIT=10
readonly UI_WAIT=30

SERVERS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/imapconn-matrix.XXXXXX")
# The servers' files go on a tmpfs where root may mount one: removing
# tens of thousands of folders from a disk can take longer than the
# whole matrix.  The harnesses' unprivileged users must reach them.
SERVERS_TMPFS=no
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o mode=0755,size=1g \
	imapconn-matrix "$SERVERS_DIR" 2>/dev/null; then
	SERVERS_TMPFS=yes
fi
chmod 0755 "$SERVERS_DIR"
declare -A START_PID=() START_RC=() STARTED=()

# The kind whose server a kind's cells use, or nothing for its own.
server_of() {
	if [ "$1" = cyrus-slash ]; then echo cyrus; fi
}

harness_of() {
	if [ "$1" = dovecot ]; then
		printf '%s\n' "$top_srcdir/tests/dovecot/imapconn-dovecot"
	else
		printf '%s\n' "$top_srcdir/tests/servers/imapconn-$1"
	fi
}

_matrix_cleanup() {
	local rc=$? kind
	# A cell that ended early may have left its interface running.
	local s
	for s in "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/imapconn-matrix-$$-"*; do
		[ -S "$s" ] || continue
		tmux -L "${s##*/}" kill-server >/dev/null 2>&1 || true
	done
	for kind in "${!START_PID[@]}"; do
		kill -TERM "${START_PID[$kind]}" 2>/dev/null || true
		wait "${START_PID[$kind]}" 2>/dev/null || true
	done
	for kind in "${!STARTED[@]}"; do
		"$(harness_of "$kind")" stop "$SERVERS_DIR/$kind" \
			>/dev/null 2>&1 || true
	done
	if [ "${IMAPCONN_TEST_KEEP:-0}" = 1 ]; then
		say "kept $SERVERS_DIR (a tmpfs to umount: $SERVERS_TMPFS)"
	else
		if [ "$SERVERS_TMPFS" = yes ]; then
			umount "$SERVERS_DIR" 2>/dev/null ||
				umount -l "$SERVERS_DIR" || true
		fi
		rm -rf "$SERVERS_DIR"
	fi
	(exit "$rc")
	lib_cleanup
}
trap _matrix_cleanup EXIT

mode_name() {
	if [ "$1" = tls ]; then echo 'implicit TLS'; else echo STARTTLS; fi
}

# ---------------------------------------------------------------- servers

# Whether the packages the harness of KIND needs are installed.
packages_installed() {
	# shellcheck disable=SC2016
	[ -z "$(PROG=matrix bash -c '. "$1"; srv_missing_deps "$2"' _ \
		"$top_srcdir/tests/servers/lib.sh" "$1")" ]
}

# Starts every kind's harness at once and waits for all of them.
start_servers() {
	local kind harness
	for kind in $KINDS; do
		# The listeners of another kind's server: started with it.
		[ -n "$(server_of "$kind")" ] && continue
		harness=$(harness_of "$kind")
		if [ ! -x "$harness" ]; then
			START_RC[$kind]=absent
			continue
		fi
		if [ "$kind" = dovecot ] && ! command -v dovecot >/dev/null; then
			START_RC[$kind]=no-dovecot
			continue
		fi
		if [ "$kind" != dovecot ] && ! packages_installed "$kind"; then
			START_RC[$kind]=no-packages
			continue
		fi
		STARTED[$kind]=1
		"$harness" start "$SERVERS_DIR/$kind" --many "$MANY" \
			>"$WORK/start-$kind.out" 2>&1 </dev/null &
		START_PID[$kind]=$!
	done
	for kind in "${!START_PID[@]}"; do
		START_RC[$kind]=0
		wait "${START_PID[$kind]}" || START_RC[$kind]=$?
		unset 'START_PID[$kind]'
	done
	for kind in $KINDS; do
		[ -z "$(server_of "$kind")" ] ||
			START_RC[$kind]=${START_RC[$(server_of "$kind")]:-absent}
	done
}

# Why KIND's cells cannot run, or nothing when they can.
server_trouble() {
	local kind=$1 out=$WORK/start-$1.out
	case ${START_RC[$kind]} in
	0) ;;
	absent) echo "skip: no harness $(harness_of "$kind")" ;;
	no-dovecot) echo "skip: dovecot not found (Debian dovecot-imapd)" ;;
	no-packages) echo "skip: the packages $kind needs are not installed" \
		"(./quickstart build installs them)" ;;
	77) echo "skip: $(tail -n 1 "$out")" ;;
	*) echo "FAIL: the harness did not start it (exit" \
		"${START_RC[$kind]}): $(tail -n 1 "$out")" ;;
	esac
}

# Sources KIND's env: ports, CA, users, SERVER_KIND and SEPARATOR, and
# what the harness put there: INBOX_PREFIX, ALICE_MAILBOXES (every name
# alice lists, raw, sorted), SPECIAL_USE ("NAME \Attribute" lines),
# INBOX_MESSAGES, INBOX_UNSEEN.
load_env() {
	unset IMAP_PORT IMAPS_PORT CA_FILE TEST_USER TEST_PASSWORD EMPTY_USER \
		EMPTY_PASSWORD MANY_USER MANY_PASSWORD MANY_FOLDERS \
		SERVER_KIND SEPARATOR DOVECOT_CONF INBOX_PREFIX \
		ALICE_MAILBOXES SPECIAL_USE INBOX_MESSAGES INBOX_UNSEEN
	# shellcheck source=/dev/null
	. "$SERVERS_DIR/${2:-$1}/env"
	SERVER_KIND=${SERVER_KIND:-$1}
	if [ "$1" = cyrus-slash ]; then
		IMAP_PORT=$IMAP_SLASH_PORT IMAPS_PORT=$IMAPS_SLASH_PORT
		SEPARATOR=$SEPARATOR_SLASH INBOX_PREFIX=$INBOX_PREFIX_SLASH
		ALICE_MAILBOXES=$ALICE_MAILBOXES_SLASH
		SPECIAL_USE=$SPECIAL_USE_SLASH
	fi
	SEPARATOR=${SEPARATOR:-/}
	INBOX_MESSAGES=${INBOX_MESSAGES:-3}
	INBOX_UNSEEN=${INBOX_UNSEEN:-3}
}

# Dovecot's harness makes no folder with a backslash or a quote in its
# name (other tests count its mailboxes); the other harnesses make them
# for alice where the server allows.
add_dovecot_folders() {
	[ "$SERVER_KIND" = dovecot ] || return 0
	doveadm -c "$DOVECOT_CONF" mailbox create -s -u "$TEST_USER" \
		'back\slash' 'say "hi"' >>"$WORK/setup.log" 2>&1 ||
		hard_fail "doveadm could not add alice's folders"
	ALICE_MAILBOXES=$(printf '%s\n%s\n%s\n' "$ALICE_MAILBOXES" \
		'back\slash' 'say "hi"' | LC_ALL=C sort)
}

# ------------------------------------------------------------------- cells

# cell CHECK FUNCTION: runs FUNCTION for the cell KIND MODE CHECK; its
# asserts decide ok or FAIL, cell_skip WHY makes it a skip.  Prints the
# cell's line and records it in the server's results.
cell() {
	local check=$1 before=$FAILURES result note='' t0=${EPOCHREALTIME/[.,]/}
	CELL_SKIP=''
	WHAT="$KIND $(mode_name "$MODE")"
	"$2"
	if [ -n "$CELL_SKIP" ]; then
		result=skip
		note=" ($CELL_SKIP)"
	elif [ "$FAILURES" -eq "$before" ]; then
		result=ok
	else
		result=FAIL
	fi
	t0=$(((${EPOCHREALTIME/[.,]/} - t0) / 100000))
	printf 'cell: %-9s %-12s %-11s %-4s %3d.%d s%s\n' "$KIND" \
		"$(mode_name "$MODE")" "$check" "$result" $((t0 / 10)) \
		$((t0 % 10)) "$note"
	printf '%s\t%s\t%s\t%s\n' "$KIND" "$MODE" "$check" "$result" \
		>>"$RESULTS"
}

cell_skip() {
	CELL_SKIP=$1
}

# The command-line words that reach the server of KIND in MODE.
conn_args() {
	CONN=(--timeout "$WAIT" --ca-file "$CA_FILE" --server-name localhost)
	if [ "$MODE" = tls ]; then
		CONN+=("imaps://127.0.0.1:$IMAPS_PORT")
	else
		CONN+=(--starttls "imap://127.0.0.1:$IMAP_PORT")
	fi
}

# The mailboxes of the text output of --check, one name a line (what
# follows a name after two spaces, its attribute, cut off).
text_mailboxes() {
	awk '/^mailboxes$/ { on = 1; next }
		on && /^[^ ]/ { on = 0 }
		on { s = substr($0, 3); sub(/  +[^ ].*$/, "", s); print s }' "$1"
}

# alice's folders as the harnesses make them, "/" between levels: the
# name shown (decoded; a backslash that could not pass for an escape
# shown once), then the name as the server sends it (modified UTF-7).
expected_folders() {
	cat <<'EOF'
Projects	Projects
Projects/2026	Projects/2026
Projects/2026/Q4	Projects/2026/Q4
Entwürfe	Entw&APw-rfe
日本語	&ZeVnLIqe-
Café & Co	Caf&AOk- &- Co
back\slash	back\slash
say "hi"	say "hi"
EOF
}

# Sets PREFIX, where alice's folders are: the harness's INBOX_PREFIX,
# or else "" when Projects sits beside INBOX, "INBOX" and the separator
# when under it.
find_prefix() {
	if [ -n "${INBOX_PREFIX+set}" ]; then
		PREFIX=$INBOX_PREFIX
		return 0
	fi
	PREFIX=$(jq -r --arg s "$SEPARATOR" '[.mailboxes[].raw] as $r
		| if ($r | index("INBOX" + $s + "Projects")) then "INBOX" + $s
		  else "" end' "$LIST_JSON" 2>/dev/null || true)
}

# In the harness's list of alice's mailboxes?
expected_mailbox() {
	grep -qxF -- "$1" <<<"$ALICE_MAILBOXES"
}


# listed NAME RAW: how many mailboxes of the last run have that name (as
# shown) and that raw name.
listed() {
	jq -r --arg n "$1" --arg r "$2" '[.mailboxes[]
		| select(.name == $n and .raw == $r)] | length' "$RUN_OUT" \
		2>/dev/null || echo '(no JSON)'
}

check_list() {
	local text=$WORK/list-$MODE.txt shown raw names rc=0
	LIST_JSON=''
	# A failure here is about the text run: no JSON run to show.
	# shellcheck disable=SC2034
	RUN_DUMPED=yes
	conn_args
	IMAPCONN_PASSWORD=$TEST_PASSWORD timeout -k 5 60 "$IMAPCONN" --check \
		-u "$TEST_USER" "${CONN[@]}" >"$text" 2>&1 </dev/null || rc=$?
	assert_eq "$WHAT: text output, exit status" 0 "$rc"
	# What failed is in its output; the rest would only repeat it.
	if [ "$rc" -ne 0 ]; then
		sed -n '/^FAILED/,$p' "$text" | sed 's/^/  | /'
		return 0
	fi
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check -u "$TEST_USER" "${CONN[@]}"
	LIST_JSON=$RUN_OUT
	assert_rc 0 null
	[ "$RUN_RC" -eq 0 ] || return 0
	assert_no_retry
	find_prefix
	names=$'\n'$(text_mailboxes "$text")$'\n'
	assert_contains "$WHAT: text lists INBOX" $'\nINBOX\n' "$names"
	assert_eq "$WHAT: JSON lists INBOX" 1 "$(listed INBOX INBOX)"
	assert_eq "$WHAT: JSON lists what the harness made, raw" \
		"$ALICE_MAILBOXES" "$(jq -r '.mailboxes[].raw' "$RUN_OUT" |
			LC_ALL=C sort)"
	while IFS=$'\t' read -r shown raw; do
		shown=$PREFIX${shown//\//$SEPARATOR}
		raw=$PREFIX${raw//\//$SEPARATOR}
		if ! expected_mailbox "$raw"; then
			say "skip: $WHAT: no folder $raw (the server refuses" \
				"the name)"
			continue
		fi
		assert_contains "$WHAT: text shows $shown" $'\n'"$shown"$'\n' \
			"$names"
		assert_eq "$WHAT: JSON has $shown (raw $raw)" 1 \
			"$(listed "$shown" "$raw")"
	done < <(expected_folders)
}

# The list came on the first connection: no server of the matrix needs
# the retry without pipelining (which waits out the timeout first).  GNU
# Mailutils offers SCRAM it cannot serve: there the default login is
# refused and LOGIN follows on the same connection, which the timeline
# says.
assert_no_retry() {
	assert_json "$WHAT: no second connection" '.retried | length' 0
	if jq -e '.notes[] | select(test("without SCRAM on this connection"))' \
		"$RUN_OUT" >/dev/null 2>&1; then
		say "$WHAT: listed after logging in again without SCRAM"
	fi
}

# Capabilities the server offered over TLS, before or after the login,
# from the list run's JSON.
offered_caps() {
	jq -r '[.capabilities[] | select(.when != "before-tls") | .list
		| split(" ")[]] | unique | join(" ")' \
		"$LIST_JSON" 2>/dev/null || true
}

has_cap() {
	case " $(offered_caps) " in *" $1 "*) return 0 ;; esac
	return 1
}

check_special_use() {
	local name attr got
	if [ -z "$LIST_JSON" ]; then
		fail "$WHAT: special-use" "a mailbox list" "none (see list)"
		return 0
	fi
	if ! has_cap SPECIAL-USE; then
		cell_skip "the server offers no SPECIAL-USE"
		return 0
	fi
	if [ -z "${SPECIAL_USE:-}" ]; then
		cell_skip "the harness set up no special-use folder"
		return 0
	fi
	RUN_OUT=$LIST_JSON
	while read -r name attr; do
		got=$(jq -r --arg r "$name" '[.mailboxes[]
			| select(.raw == $r) | .special_use // "none"]
			| first // "not listed"' "$LIST_JSON")
		assert_eq "$WHAT: $name is $attr" "${attr#\\}" "$got"
	done <<<"$SPECIAL_USE"
}

check_select() {
	local unseen
	conn_args
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check -u "$TEST_USER" \
		--select INBOX "${CONN[@]}"
	assert_rc 0 null
	[ "$RUN_RC" -eq 0 ] || return 0
	assert_jsons "$WHAT: INBOX has $INBOX_MESSAGES messages" \
		'.selected.messages' "$INBOX_MESSAGES" \
		"$WHAT: INBOX opened read-only" '.selected.read_only' true
	unseen=$(jf '.selected.first_unseen')
	if [ "$unseen" = null ]; then
		say "skip: $WHAT: the server reports no first unseen message"
	elif [ "$INBOX_UNSEEN" = "$INBOX_MESSAGES" ]; then
		assert_eq "$WHAT: all unseen, the first unseen is 1" 1 "$unseen"
	else
		assert_between "$WHAT: the first unseen is a message" 1 \
			"$INBOX_MESSAGES" "$unseen"
	fi
}

# The text of the server's last tagged NO to a login, from a transcript
# (a login without SCRAM after a refused one logs in twice).
refusal_text() {
	awk '$2 == "C:" && ($4 == "LOGIN" || $4 == "AUTHENTICATE") {
			tag = $3
		}
		tag != "" && $2 == "S:" && $3 == tag && $4 == "NO" {
			sub(/^[^ ]+ S: [^ ]+ NO +/, "")
			last = $0
		}
		END { if (last != "") print last }' "$1"
}

check_badpass() {
	local said
	local transcript=$WORK/badpass-$MODE.transcript
	conn_args
	IMAPCONN_PASSWORD=Not-the-password.0 run_check -u "$TEST_USER" \
		--transcript "$transcript" "${CONN[@]}"
	assert_rc 77 auth authenticate
	said=$(refusal_text "$transcript")
	if [ -z "$said" ]; then
		fail "$WHAT: the server refused the login with a NO" \
			"a tagged NO with text" "$(tail -n 5 "$transcript")"
		return 0
	fi
	assert_contains "$WHAT: its refusal text is shown" "$said" \
		"$(jf '.failure.detail')"
}

# Names of the many user's folders: Team-NNN and Team-NNN/List-MM (with
# the server's separator, under the prefix).
count_teams() {
	jq -r --arg p "$PREFIX" --arg s "$SEPARATOR" '[.mailboxes[].raw
		| select(startswith($p)) | .[($p | length):] | split($s)
		| join("/")
		| select(test("^Team-[0-9]{3,}(/List-[0-9]{2})?$"))]
		| unique | length' "$RUN_OUT" 2>/dev/null || echo '(no JSON)'
}

check_many() {
	local base
	if [ -z "${MANY_USER:-}" ]; then
		cell_skip "the harness made no user with many folders"
		return 0
	fi
	conn_args
	# What an account without folders of its own lists.
	IMAPCONN_PASSWORD=$EMPTY_PASSWORD run_check -u "$EMPTY_USER" \
		"${CONN[@]}"
	assert_rc 0 null
	[ "$RUN_RC" -eq 0 ] || return 0
	base=$(jf '.mailboxes | length')
	IMAPCONN_PASSWORD=$MANY_PASSWORD run_check -u "$MANY_USER" "${CONN[@]}"
	assert_rc 0 null
	[ "$RUN_RC" -eq 0 ] || return 0
	assert_eq "$WHAT: all $MANY_FOLDERS folders of $MANY_USER" \
		"$MANY_FOLDERS" "$(count_teams)"
	assert_jsons "$WHAT: and the $base of an empty account" \
		'.mailboxes | length' "$((MANY_FOLDERS + base))" \
		"$WHAT: every name once" '.mailboxes | map(.raw) | unique
		| length' "$((MANY_FOLDERS + base))"
}

# ui_wait_re REGEX: until a line of the pane matches (bounded, and no
# longer than the connection's failure); fails the check when it never
# does.
ui_wait_re() {
	local i shown
	for ((i = 0; i < UI_WAIT * 10; i++)); do
		shown=$(screen)
		grep -qE -- "$1" <<<"$shown" && return 0
		grep -q '^  FAILED in ' <<<"$shown" && break
		sleep 0.1
	done
	fail "$KIND $(mode_name "$MODE"): the tree shows /$1/" \
		"a line matching it" "$(screen)"
	return 1
}

# Columns before the first row of the pane matching REGEX begins.
ui_indent() {
	{ screen | grep -E -- "$1" || true; } | head -n 1 |
		sed 's/[^ ▾▸].*//' | LC_ALL=C.UTF-8 wc -m
}

# The counts of the rows on screen, with INBOX's on screen: they came
# with the LIST when the server offered LIST-STATUS before the login
# (Cyrus after STARTTLS), else asked for in one write (every STATUS out
# before the first reply came back), and every STATUS was answered.
tree_counts() {
	local tr=$tmp/tree.transcript together asked answered
	if ui_wait_re "INBOX.* $INBOX_MESSAGES +$INBOX_UNSEEN *\$"; then
		pass "$WHAT: INBOX's counts on screen"
	fi
	together=$(awk '/ C: [^ ]+ STATUS /{ n++; next }
			n > 0 && / S: /{ print n; exit }' "$tr")
	asked=$(awk '/ C: [^ ]+ STATUS /{ print $3 }' "$tr" | sort -u)
	answered=$(awk '$2 == "S:" { print $3 }' "$tr" | sort -u |
		comm -12 - <(printf '%s\n' "$asked"))
	if grep -q ' C: [^ ]* LIST .*RETURN (.*STATUS (' "$tr" &&
		[ "$asked" = "$answered" ]; then
		pass "$WHAT: the counts came with the LIST (LIST-STATUS)"
	elif [ "${together:-0}" -ge 8 ] && [ "$asked" = "$answered" ]; then
		pass "$WHAT: the screen's $together counts in one write"
	else
		fail "$WHAT: the screen's counts in one write, all answered" \
			"8 or more STATUS before the first reply, each answered" \
			"${together:-0} together; asked $(echo "$asked");
			answered $(echo "$answered")"
	fi
}

check_tree() {
	local port=$IMAPS_PORT
	local -a url=("imaps://127.0.0.1:$IMAPS_PORT")
	if [ "$MODE" = starttls ]; then
		port=$IMAP_PORT
		url=(--starttls "imap://127.0.0.1:$IMAP_PORT")
	fi
	tmp=$WORK/ui-$MODE
	SOCK_BASE=imapconn-matrix-$$-$KIND-$MODE
	mkdir -p "$tmp"
	(umask 077 && printf '%s\n' "$TEST_PASSWORD" >"$tmp/password")
	start_ui --timeout "$WAIT" --ca-file "$CA_FILE" \
		--server-name localhost --password-file "$tmp/password" \
		--transcript "$tmp/tree.transcript" \
		-u "$TEST_USER" "${url[@]}"
	if ui_wait_re "mailboxes: .* port $port" &&
		ui_wait_re '(^|[ ▾▸])INBOX( |$)' &&
		ui_wait_re ' Q4( |$)'; then
		local p y q
		p=$(ui_indent '[ ▾▸]Projects( |$)')
		y=$(ui_indent '[ ▾▸]2026( |$)')
		q=$(ui_indent '[ ▾▸]Q4( |$)')
		if [ "$p" -lt "$y" ] && [ "$y" -lt "$q" ]; then
			pass "$WHAT: Q4 under 2026 under Projects"
		else
			fail "$WHAT: Q4 under 2026 under Projects" \
				"indents rising" "$p $y $q: $(screen)"
		fi
	fi
	tree_counts
	# Parents Cyrus never lists are in the tree, above their children.
	if [ "$KIND" = cyrus-slash ] &&
		ui_wait_re '[ ▾▸]Other Users( |$)' &&
		ui_wait_re '[ ▾▸]carol( |$)'; then
		local o c
		o=$(ui_indent '[ ▾▸]Other Users( |$)')
		c=$(ui_indent '[ ▾▸]carol( |$)')
		if [ "$o" -lt "$c" ]; then
			pass "$WHAT: carol under Other Users, never listed"
		else
			fail "$WHAT: carol under Other Users" "indents rising" \
				"$o $c: $(screen)"
		fi
	fi
	keys q
	wait_until "$WAIT" test -f "$tmp/exit" || true
	assert_eq "$WHAT: the interface ends with q" 0 \
		"$(cat "$tmp/exit" 2>/dev/null || echo 'still running')"
	tmux -L "$sock" kill-server >/dev/null 2>&1 || true
}

# The line of what KIND offers, for the second table: after the
# implicit TLS login, from the list run's JSON.
record_offers() {
	local caps mech=' ' c
	[ -n "$LIST_JSON" ] || return 0
	caps=" $(offered_caps) "
	for c in SASL-IR ID LIST-STATUS SPECIAL-USE LITERAL+ NAMESPACE; do
		case "$caps" in
		*" $c "*) mech+="yes " ;;
		*) mech+="no " ;;
		esac
	done
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$KIND" \
		"$(jq -r '.server_id.name // "-"' "$LIST_JSON" 2>/dev/null)" \
		"$mech" "$SEPARATOR" "${PREFIX:-(none)}" \
		"$(jq -r '[.capabilities[] | select(.when != "after-login")
			| .list] | last // "" | split(" ")
			| map(select(startswith("AUTH=")) | .[5:]) | join(" ")' \
			"$LIST_JSON" 2>/dev/null)" >"$WORK/offers"
}

# All cells of one server, in a subshell of its own (WORK, RESULTS and
# the counters are its own; the caller prints its output in order).
server_cells() {
	KIND=$1
	WORK=$WORK/$KIND
	RESULTS=$WORK/results
	mkdir -p "$WORK"
	: >"$RESULTS"
	FAILURES=0 PASSES=0
	load_env "$KIND" "$(server_of "$KIND")"
	add_dovecot_folders
	for MODE in $MODES; do
		cell list check_list
		if [ "$MODE" = tls ]; then record_offers; fi
		cell special-use check_special_use
		cell select check_select
		cell badpass check_badpass
		cell many check_many
		cell tree check_tree
	done
}

# Cells of a server that cannot run: SKIP or FAIL lines, WHY each.
server_missing() {
	local kind=$1 why=$2 result=skip mode check
	case "$why" in FAIL:*) result=FAIL ;; esac
	mkdir -p "$WORK/$kind"
	for mode in $MODES; do
		for check in $CHECKS; do
			printf 'cell: %-9s %-12s %-11s %s (%s)\n' "$kind" \
				"$(mode_name "$mode")" "$check" "$result" \
				"${why#*: }"
			printf '%s\t%s\t%s\t%s\n' "$kind" "$mode" "$check" \
				"$result" >>"$WORK/$kind/results"
		done
	done
}

# ------------------------------------------------------------------ report

summary() {
	local kind mode check line r
	declare -A cell=()
	while IFS=$'\t' read -r kind mode check r; do
		cell[$kind/$mode/$check]=$r
	done < <(cat "$WORK"/*/results)
	printf '\n| server | mode |'
	# shellcheck disable=SC2086
	printf ' %s |' $CHECKS
	printf '\n|---|---|'
	for check in $CHECKS; do printf -- '---|'; done
	printf '\n'
	for kind in $KINDS; do
		for mode in $MODES; do
			line="| $kind | $(mode_name "$mode") |"
			for check in $CHECKS; do
				line+=" ${cell[$kind/$mode/$check]:-missing} |"
			done
			printf '%s\n' "$line"
		done
	done
	printf '\n| server | ID name | SASL-IR | ID | LIST-STATUS |'
	printf ' SPECIAL-USE | LITERAL+ | NAMESPACE | separator |'
	printf ' personal prefix | AUTH= before login |\n'
	printf '|---|---|---|---|---|---|---|---|---|---|---|\n'
	for kind in $KINDS; do
		[ -s "$WORK/$kind/offers" ] || continue
		IFS=$'\t' read -r kind name flags sep prefix mechs \
			<"$WORK/$kind/offers"
		# shellcheck disable=SC2086
		printf '| %s | %s |%s %s | %s | %s |\n' "$kind" "$name" \
			"$(printf ' %s |' $flags)" "$sep" "$prefix" "$mechs"
	done
}

main() {
	local kind why t0 rc
	local -A pid=()
	need_jq
	need_imapconn
	[ "$(id -u)" -eq 0 ] || skip_all "the test servers need root"
	command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"
	# The harnesses look their tools up in PATH.
	PATH=$PATH:/usr/sbin:/sbin
	t0=$EPOCHSECONDS
	start_servers
	say "servers started in $((EPOCHSECONDS - t0)) s"
	for kind in $KINDS; do
		why=$(server_trouble "$kind")
		if [ -n "$why" ]; then
			server_missing "$kind" "$why" >"$WORK/$kind.log"
			continue
		fi
		(server_cells "$kind") >"$WORK/$kind.log" 2>&1 &
		pid[$kind]=$!
	done
	for kind in $KINDS; do
		rc=0
		[ -z "${pid[$kind]:-}" ] || wait "${pid[$kind]}" || rc=$?
		cat "$WORK/$kind.log"
		[ "$rc" -eq 0 ] || say "ERROR: the cells of $kind ended with $rc"
		[ "$rc" -eq 0 ] || FAILURES=$((FAILURES + 1))
		case ${START_RC[$kind]} in
		0 | 77 | absent | no-dovecot | no-packages) ;;
		*)
			sed 's/^/  | /' "$WORK/start-$kind.out" | tail -n 20
			;;
		esac
	done
	summary
	FAILURES=$((FAILURES + $(cat "$WORK"/*/results | grep -c $'\tFAIL$' ||
		true)))
	PASSES=$(cat "$WORK"/*/results | grep -c $'\tok$' || true)
	say "matrix run in $((EPOCHSECONDS - t0)) s"
	[ "$PASSES" -gt 0 ] || [ "$FAILURES" -gt 0 ] ||
		skip_all "no server could run"
	if [ "$FAILURES" -gt 0 ]; then
		say "$FAILURES cell(s) failed, $PASSES passed"
		exit 1
	fi
	say "all $PASSES cells passed"
}

main "$@"
