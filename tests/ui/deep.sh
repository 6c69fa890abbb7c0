#!/usr/bin/env bash
# deep.sh - eight mailbox names of 1 MiB, each over 500,000 levels deep
# (inside the limits of one LIST: 200,000 names, 8 MiB of them): the
# folder tree keeps the levels past its depth limit as one leaf, says
# so, and its peak memory stays a small multiple of the names' size.
# (start_ui and wait_exit take optional arguments.)
# Server scripts hold a literal $TAG:
# shellcheck disable=SC2016,SC2119
TEST=deep
# shellcheck source=tests/ui/lib.sh
. "${top_srcdir:-.}/tests/ui/lib.sh"

# Peak resident memory allowed, in KiB: the names are 8 MiB; without
# the depth limit the tree alone took over 300 MB.
PEAK_LIMIT_KB=$((64 * 1024))

need_tmux
setup

names=
for c in b c d e f g h i; do
	# "c/" then "a/" 524,286 times then "a": 1,048,575 bytes.
	names+="send * LIST () \"/\" {1048575}\\r\\n
send $c/
repeat 524286 a/
sendln a
"
done
start_scripted "sendln * PREAUTH [CAPABILITY IMAP4rev1] hi
expect-tag LIST
${names}sendln \$TAG OK done
expect-tag LOGOUT
sendln * BYE bye
sendln \$TAG OK bye"
start_ui --starttls=off "127.0.0.1:$port"
wait_for "mailboxes: 127.0.0.1 port $port" 30
wait_for "8 mailboxes" 30
wait_for "note: 8 mailboxes nested deeper than 32 levels"
peak=$(awk '/^VmHWM:/ { print $2 }' "/proc/$(ui_pid)/status")
say "peak RSS $peak KiB"
[ -n "$peak" ] || fail "no VmHWM for imapconn"
# AddressSanitizer's shadow memory and quarantine are not the tree's: a
# sanitizer build's peak is shown, not checked (as tests/hostile does).
if grep -qa __asan_init "$IMAPCONN"; then
	say "sanitizer build: peak RSS shown, not checked"
elif [ "$peak" -gt "$PEAK_LIMIT_KB" ]; then
	fail "peak RSS $peak KiB, over $PEAK_LIMIT_KB KiB"
fi

# The deepest row of the last name: its path from level 32 on, one leaf.
keys End
wait_for_re '^ +a/a/a/a/a'
quit_ok 20
say "ok"
