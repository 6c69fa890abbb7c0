#!/usr/bin/env bash
# selftest.sh - checks the private Cyrus, Courier and Mailutils servers
# of tests/servers: starts the three at once (each with --many 45) in
# fresh directories, then for each: the env file; every listener greets
# over implicit TLS and STARTTLS (openssl s_client) with a certificate
# that verifies against the test CA for localhost, in TLS 1.2 or 1.3;
# alice logs in and lists exactly ALICE_MAILBOXES; INBOX holds
# INBOX_MESSAGES messages; a wrong password is refused; "many" lists
# INBOX and MANY_FOLDERS folders; stop leaves no process of the server
# and frees its ports.
# Exit 0 pass, 1 fail, 77 skip (not root, or a server's packages are
# not installed: ./quickstart build installs them).
set -uo pipefail

TEST_NAME='servers-selftest'
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
servers=$top_srcdir/tests/servers
readonly MANY_N=45
readonly KINDS=(cyrus courier mailutils)
TRANSCRIPT=''

_dump_run() {
	[ -n "$TRANSCRIPT" ] && printf '  transcript:\n%s\n' "$TRANSCRIPT" |
		sed 's/^/    /' | head -n 60
	return 0
}

# stop_all: every server, stopped at exit.
stop_all() {
	local kind
	for kind in "${KINDS[@]}"; do
		[ -d "$tmp/$kind" ] &&
			"$servers/imapconn-$kind" stop "$tmp/$kind" >/dev/null 2>&1
	done
	return 0
}

skip_unless_runnable() {
	local kind
	[ "$(id -u)" -eq 0 ] || skip_all "needs root to start the servers"
	command -v openssl >/dev/null 2>&1 || skip_all "openssl not found"
	for kind in "${KINDS[@]}"; do
		# shellcheck disable=SC2016
		if [ -n "$(PROG=check bash -c '. "$1"; srv_missing_deps "$2"' \
			_ "$servers/lib.sh" "$kind")" ]; then
			skip_all "the packages $kind needs are not installed" \
				"(./quickstart build installs them)"
		fi
	done
}

# ------------------------------------------------------------ sessions

# session MODE PORT COMMAND...: talks IMAP through openssl s_client
# (MODE tls: implicit TLS; starttls: -starttls imap), verifying the
# certificate against CA_FILE for localhost.  Sends each command with a
# tag (t1, t2, ...) and waits for its tagged answer; TRANSCRIPT gets
# every line received (without CR) and the s_client summary.
session() {
	local mode=$1 port=$2 line cmd n=0 err
	local -a opts=(-connect "127.0.0.1:$port" -CAfile "$CA_FILE"
		-verify_return_error -verify_hostname localhost -brief -ign_eof)
	shift 2
	[ "$mode" = starttls ] && opts+=(-starttls imap)
	TRANSCRIPT=''
	err=$tmp/s_client.err
	coproc CLIENT { exec openssl s_client "${opts[@]}" 2>"$err"; }
	if [ "$mode" = tls ]; then
		IFS= read -r -t 30 -u "${CLIENT[0]:-0}" line || {
			_session_end
			return 1
		}
		TRANSCRIPT+="${line%$'\r'}"$'\n'
	else
		# The greeting went to s_client; a first command shows TLS works.
		set -- CAPABILITY "$@"
	fi
	for cmd in "$@"; do
		n=$((n + 1))
		[ -n "${CLIENT[1]:-}" ] || break
		printf 't%d %s\r\n' "$n" "$cmd" >&"${CLIENT[1]}"
		while IFS= read -r -t 30 -u "${CLIENT[0]:-0}" line; do
			line=${line%$'\r'}
			TRANSCRIPT+="$line"$'\n'
			case "$line" in "t$n "*) break ;; esac
		done
	done
	_session_end
}

_session_end() {
	local pid=${CLIENT_PID:-} fd=${CLIENT[1]:-}
	[ -n "$fd" ] && exec {fd}>&-
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	TRANSCRIPT+=$(grep -v '^depth=' "$tmp/s_client.err" 2>/dev/null)
	return 0
}

# The tagged answer to command N of the last session.
answer() {
	grep -m 1 "^t$1 " <<<"$TRANSCRIPT"
}

# Names in the LIST answers of the last session, unquoted, sorted.
listed_names() {
	local line rest literal=no
	while IFS= read -r line; do
		if [ "$literal" = yes ]; then
			printf '%s\n' "$line"
			literal=no
			continue
		fi
		case "$line" in '* LIST '*) ;; *) continue ;; esac
		rest=${line#* LIST (*) }
		case "$rest" in
		NIL\ *) rest=${rest#NIL } ;;
		\"\\\\\"\ *) rest=${rest:5} ;;
		\"?\"\ *) rest=${rest:4} ;;
		esac
		case "$rest" in
		\{*\}) literal=yes ;;
		\"*\")
			rest=${rest:1:${#rest}-2}
			rest=${rest//\\\"/\"}
			printf '%s\n' "${rest//\\\\/\\}"
			;;
		*) printf '%s\n' "$rest" ;;
		esac
	done <<<"$TRANSCRIPT" | LC_ALL=C sort
}

# ------------------------------------------------------------ checks

check_env() {
	local var missing=''
	for var in SERVER_KIND IMAP_PORT IMAPS_PORT CA_FILE TEST_USER \
		TEST_PASSWORD EMPTY_USER EMPTY_PASSWORD MANY_USER MANY_PASSWORD \
		MANY_FOLDERS SEPARATOR ALICE_MAILBOXES INBOX_MESSAGES PID; do
		[ -n "${!var:-}" ] || missing+=" $var"
	done
	assert_eq "$1: env sets every variable" '' "$missing"
	assert_eq "$1: SERVER_KIND" "$1" "${SERVER_KIND:-}"
	assert_eq "$1: MANY_FOLDERS" "$MANY_N" "${MANY_FOLDERS:-}"
	if [ -n "${INBOX_PREFIX+set}" ]; then
		pass "$1: env sets INBOX_PREFIX"
	else
		fail "$1: env sets INBOX_PREFIX" set unset
	fi
}

# check_listener KIND WHAT MODE PORT MAILBOXES
check_listener() {
	local kind=$1 what=$2 mode=$3 port=$4 expected=$5
	session "$mode" "$port" "LOGIN $TEST_USER \"$TEST_PASSWORD\"" \
		'LIST "" "*"' 'STATUS INBOX (MESSAGES)' LOGOUT
	if [ "$mode" = tls ]; then
		assert_match "$kind $what: greeting over TLS" '^\* OK' \
			"$(head -n 1 <<<"$TRANSCRIPT")"
		set -- 1
	else
		assert_match "$kind $what: CAPABILITY after STARTTLS" \
			'^t1 OK' "$(answer 1)"
		set -- 2
	fi
	assert_match "$kind $what: TLS 1.2 or 1.3, certificate verified" \
		'Protocol version: TLSv1\.[23]' "$TRANSCRIPT"
	assert_match "$kind $what: alice logs in" "^t$1 OK" "$(answer "$1")"
	assert_eq "$kind $what: alice's LIST" "$expected" "$(listed_names)"
	assert_contains "$kind $what: INBOX holds $INBOX_MESSAGES messages" \
		"(MESSAGES $INBOX_MESSAGES)" "$TRANSCRIPT"
}

check_server() {
	local kind=$1 dir=$tmp/$1 count
	# shellcheck disable=SC1091
	. "$dir/env"
	check_env "$kind"
	check_listener "$kind" imaps tls "$IMAPS_PORT" "$ALICE_MAILBOXES"
	check_listener "$kind" imap starttls "$IMAP_PORT" "$ALICE_MAILBOXES"
	if [ "$kind" = cyrus ]; then
		check_listener "$kind" imaps-slash tls "$IMAPS_SLASH_PORT" \
			"$ALICE_MAILBOXES_SLASH"
		check_listener "$kind" imap-slash starttls "$IMAP_SLASH_PORT" \
			"$ALICE_MAILBOXES_SLASH"
	fi
	session tls "$IMAPS_PORT" "LOGIN $TEST_USER wrong-password" LOGOUT
	assert_match "$kind: a wrong password is refused" '^t1 NO' \
		"$(answer 1)"
	session tls "$IMAPS_PORT" "LOGIN $EMPTY_USER \"$EMPTY_PASSWORD\"" \
		'STATUS INBOX (MESSAGES)' LOGOUT
	assert_contains "$kind: bob's INBOX is empty" '(MESSAGES 0)' \
		"$TRANSCRIPT"
	session tls "$IMAPS_PORT" "LOGIN $MANY_USER \"$MANY_PASSWORD\"" \
		'LIST "" "*"' LOGOUT
	count=$(listed_names | wc -l)
	assert_eq "$kind: many lists INBOX and $MANY_N folders" \
		"$((MANY_N + 1))" "$count"
	TRANSCRIPT=''
}

# The processes of the instance in DIR, by its mount namespace.
instance_pids() {
	# shellcheck disable=SC2016
	PROG=check bash -c '. "$1"; read -r ns <"$2/run/mntns" &&
		srv_namespace_pids "$ns"' _ "$servers/lib.sh" "$1"
}

check_stop() {
	local kind=$1 dir=$tmp/$1 port open=''
	# shellcheck disable=SC1091
	. "$dir/env"
	if [ -n "$(instance_pids "$dir")" ]; then
		pass "$kind: processes found before stop"
	else
		fail "$kind: processes found before stop" 'some' 'none'
	fi
	"$servers/imapconn-$kind" stop "$dir"
	assert_eq "$kind: stop leaves no process" '' \
		"$(instance_pids "$dir" | tr '\n' ' ')"
	for port in "$IMAP_PORT" "$IMAPS_PORT" ${IMAP_SLASH_PORT:-} \
		${IMAPS_SLASH_PORT:-}; do
		accepts 127.0.0.1 "$port" && open+=" $port"
	done
	assert_eq "$kind: stop frees the ports" '' "$open"
	unset IMAP_SLASH_PORT IMAPS_SLASH_PORT
}

main() {
	local kind pid
	local -A job=()
	skip_unless_runnable
	lib_workdir servers
	LIB_AT_EXIT+=(stop_all)
	tmp=$WORK
	# The servers run as other users and must reach their directories.
	chmod 0755 "$tmp"
	for kind in "${KINDS[@]}"; do
		"$servers/imapconn-$kind" start "$tmp/$kind" --many "$MANY_N" \
			>"$tmp/$kind.start" 2>&1 &
		job[$kind]=$!
	done
	for kind in "${KINDS[@]}"; do
		pid=${job[$kind]}
		if wait "$pid"; then
			pass "$kind starts"
		else
			TRANSCRIPT=$(cat "$tmp/$kind.start")
			fail "$kind starts" 'exit 0' 'failure'
			TRANSCRIPT=''
			continue
		fi
		check_server "$kind"
	done
	for kind in "${KINDS[@]}"; do
		[ -r "$tmp/$kind/env" ] && check_stop "$kind"
	done
	finish
}

main "$@"
