#!/usr/bin/env bash
# quickstart.sh - `./quickstart demo` from the build tree, in tmux: quit
# with q after connecting, then with Ctrl-C at the form.  Each time the
# Dovecot it started is stopped and its /tmp/imapconn-demo.* directory
# removed; a quit with q ends with status 0, Ctrl-C with 130.  Nothing
# is installed or built: quickstart finds everything in place, and the
# test skips when it would have to install a package.
TEST=quickstart
# shellcheck source=tests/ui/lib.sh
. "${top_srcdir:-.}/tests/ui/lib.sh"

need_tmux
need_dovecot
top=$(cd "$top_srcdir" && pwd)
[ -f "$top/Makefile" ] || skip_all "quickstart runs in the source tree," \
	"which is not the build tree here"
setup
demo_dir=
LIB_AT_EXIT+=(demo_leftovers)

# demo_dirs: the demo directories present now, one a line.
demo_dirs() {
	find /tmp -maxdepth 1 -name 'imapconn-demo.*' 2>/dev/null | sort
}

# start_demo: ./quickstart demo in the pane; its exit status goes to
# $tmp/exit, its standard error to $tmp/stderr.
start_demo() {
	rm -f "$tmp/exit" "$tmp/exit.tmp"
	demo_dirs >"$tmp/before"
	{
		printf '#!/usr/bin/env bash\n'
		printf 'cd %q || exit 1\n' "$top"
		printf 'env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL '
		printf 'QUICKSTART_NO_INSTALL=1 LANG=C.UTF-8 LC_ALL=C.UTF-8 '
		printf './quickstart demo 2>%q\n' "$tmp/stderr"
		printf 'echo $? >%q\n' "$tmp/exit.tmp"
		printf 'mv %q %q\n' "$tmp/exit.tmp" "$tmp/exit"
		printf 'sleep 600\n'
	} >"$tmp/run.sh"
	chmod +x "$tmp/run.sh"
	tmux -L "$sock" kill-server >/dev/null 2>&1
	new_sock
	tmux -L "$sock" -f /dev/null new-session -d -s ui -x 100 -y 30 \
		"$tmp/run.sh" || { say "FAIL: tmux did not start"; exit 1; }
}

# demo_started: waits for the form; sets demo_dir and demo_pid (the
# Dovecot master it started).
demo_started() {
	local limit=$((WAIT_SECONDS * 30))

	for _ in $(seq "$limit"); do
		screen | grep -qF "connect to an IMAP server" && break
		if [ -f "$tmp/exit" ]; then
			grep -q "missing packages" "$tmp/stderr" &&
				skip_all "quickstart would install packages"
			fail "quickstart ended early"
		fi
		sleep 0.1
	done
	shows "connect to an IMAP server"
	demo_dir=$(demo_dirs | comm -13 "$tmp/before" - | head -1)
	[ -n "$demo_dir" ] || fail "no new /tmp/imapconn-demo.* directory"
	[ -s "$demo_dir/env" ] || fail "no $demo_dir/env"
	demo_pid=$(sed -n 's/^PID=//p' "$demo_dir/env" | tr -d "'\"")
	[ -n "$demo_pid" ] || fail "no PID in $demo_dir/env"
	dovecot_runs "$demo_pid" ||
		fail "the demo's Dovecot ($demo_pid) is not running"
}

# dovecot_runs PID: PID is a Dovecot, not yet a zombie.
dovecot_runs() {
	local stat

	[ "$(ps -o comm= -p "$1")" = dovecot ] || return 1
	stat=$(ps -o stat= -p "$1")
	[ "${stat#Z}" = "$stat" ]
}

# demo_leftovers: stops and removes what a failed run left behind.
demo_leftovers() {
	[ -n "$demo_dir" ] || return 0
	"$top/tests/dovecot/imapconn-dovecot" stop "$demo_dir" \
		>/dev/null 2>&1
	rm -rf "$demo_dir"
}

# demo_cleaned WANT-STATUS HOW
demo_cleaned() {
	local problem=

	wait_exit 30
	[ "$status" = "$1" ] || problem="exit status $status, not $1"
	grep -qF "unbound variable" "$tmp/stderr" &&
		problem="$problem; the shell complained"
	dovecot_runs "$demo_pid" &&
		problem="$problem; the demo's Dovecot ($demo_pid) still runs"
	[ -e "$demo_dir" ] && problem="$problem; $demo_dir is still there"
	demo_leftovers
	demo_dir=
	[ -z "$problem" ] || fail "$2: ${problem#; }"
}

# Connect (Enter), see the folders, quit with q.
start_demo
demo_started
keys Enter
wait_for "mailboxes: localhost port" 20
keys q
demo_cleaned 0 "q"

# Ctrl-C at the form.
start_demo
demo_started
keys C-c
demo_cleaned 130 "Ctrl-C"

say "PASS"
