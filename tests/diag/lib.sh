# lib.sh - helpers for the diagnosis tests: the integration helpers, plus
# certificates made with the openssl tool, private /etc files, a
# listener whose backlog is full, and hint assertions.  Sourced, never
# run.
# Variables set here are read by the scripts that source this file:
# shellcheck shell=bash disable=SC2034

_diag_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$_diag_dir/../integration/lib.sh"

need_openssl() {
	command -v openssl >/dev/null 2>&1 ||
		skip_all "openssl (the tool) is not installed"
}

# ------------------------------------------------------------- assertions

# assert_hint CLASS PHASE NEEDLE...: the last run failed with CLASS in
# PHASE, and its hint holds every NEEDLE (fixed strings).
assert_hint() {
	local cls=$1 phase=$2 hint
	shift 2
	assert_eq "failure class $cls" "$cls" "$RUN_CLASS"
	assert_eq "failed in the $phase phase" "$phase" "$RUN_PHASE"
	hint=$(jf '.failure.hint')
	for needle in "$@"; do
		assert_contains "hint says '$needle'" "$needle" "$hint"
	done
	assert_between "the hint is one line of at most 255 bytes" 1 255 \
		"$(printf '%s' "$hint" | wc -c | tr -d ' ')"
	assert_eq "the hint is one line" 1 "$(printf '%s\n' "$hint" | wc -l |
		tr -d ' ')"
}

# assert_reason REASON: the last run's JSON failure.reason is REASON
# ("null": none), the stable name scripts choose by.
assert_reason() {
	assert_json "failure reason $1" .failure.reason "$1"
}

# ------------------------------------------------------------ certificates

CERTS=$WORK/certs

# _stamp DAYS: the UTC time DAYS days from now (negative: past), as
# openssl ca takes it.
_stamp() {
	date -u -d "@$(($(date +%s) + $1 * 86400))" +%Y%m%d%H%M%SZ
}

_ca_init() {
	[ -d "$CERTS/db" ] && return 0
	mkdir -p "$CERTS/db/new"
	: >"$CERTS/db/index.txt"
	printf '1000\n' >"$CERTS/db/serial"
	cat >"$CERTS/db/ca.cnf" <<EOF
[ ca ]
default_ca = ca_default
[ ca_default ]
database = $CERTS/db/index.txt
new_certs_dir = $CERTS/db/new
serial = $CERTS/db/serial
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
[ policy_any ]
commonName = supplied
organizationName = optional
EOF
}

# make_cert NAME ISSUER FROM_DAYS TO_DAYS KIND [SAN]: NAME.pem and
# NAME.key in $CERTS, subject CN=NAME, valid from FROM_DAYS to TO_DAYS
# (days from now), signed by ISSUER (a NAME made before) or self-signed
# when ISSUER is "-".  KIND is ca or leaf; SAN ("DNS:a,IP:127.0.0.1") for
# a leaf.
make_cert() {
	local name=$1 issuer=$2 from=$3 to=$4 kind=$5 san=${6:-}
	local ext=$CERTS/$name.ext
	local -a sign=()
	_ca_init
	if [ "$kind" = ca ]; then
		printf '%s\n' 'basicConstraints = critical,CA:true' \
			'keyUsage = critical,keyCertSign,cRLSign' \
			'subjectKeyIdentifier = hash' >"$ext"
	else
		printf '%s\n' 'basicConstraints = CA:false' \
			'keyUsage = digitalSignature,keyEncipherment' \
			'extendedKeyUsage = serverAuth' \
			'subjectKeyIdentifier = hash' >"$ext"
		[ -z "$san" ] || printf 'subjectAltName = %s\n' "$san" >>"$ext"
	fi
	if [ "$issuer" = - ]; then
		sign=(-selfsign -keyfile "$CERTS/$name.key")
	else
		sign=(-cert "$CERTS/$issuer.pem" -keyfile "$CERTS/$issuer.key")
		printf 'authorityKeyIdentifier = keyid\n' >>"$ext"
	fi
	if ! openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
		-out "$CERTS/$name.key" >>"$CERTS/openssl.log" 2>&1 ||
		! openssl req -new -key "$CERTS/$name.key" -subj "/CN=$name" \
			-out "$CERTS/$name.csr" >>"$CERTS/openssl.log" 2>&1 ||
		! openssl ca -batch -notext -config "$CERTS/db/ca.cnf" \
			"${sign[@]}" -in "$CERTS/$name.csr" \
			-out "$CERTS/$name.pem" -extfile "$ext" \
			-startdate "$(_stamp "$from")" \
			-enddate "$(_stamp "$to")" >>"$CERTS/openssl.log" 2>&1
	then
		hard_fail "could not make the certificate $name" \
			"(see $CERTS/openssl.log)"
	fi
}

# revoke_cert NAME ISSUER: NAME revoked by ISSUER, and $CERTS/ISSUER.crl
# the list ISSUER publishes (valid for 30 days).
revoke_cert() {
	local -a ca=(-config "$CERTS/db/ca.cnf" -cert "$CERTS/$2.pem"
		-keyfile "$CERTS/$2.key")
	if ! openssl ca "${ca[@]}" -revoke "$CERTS/$1.pem" \
		>>"$CERTS/openssl.log" 2>&1 ||
		! openssl ca "${ca[@]}" -gencrl -crldays 30 \
			-out "$CERTS/$2.crl" >>"$CERTS/openssl.log" 2>&1
	then
		hard_fail "could not revoke $1 (see $CERTS/openssl.log)"
	fi
}

# leaf_cert KEY-OPTION...: $CERTS/leaf.pem and leaf.key, self-signed for
# localhost and 127.0.0.1, the key made as openssl req KEY-OPTION... says.
leaf_cert() {
	mkdir -p "$CERTS"
	openssl req -x509 "$@" -nodes -keyout "$CERTS/leaf.key" \
		-out "$CERTS/leaf.pem" -days 30 -subj /CN=localhost \
		-addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
		>"$WORK/openssl.log" 2>&1 ||
		hard_fail "could not make a certificate"
}

# cat_certs OUT NAME...: the PEM certificates of NAME... into $CERTS/OUT.
cat_certs() {
	local out=$CERTS/$1 name
	shift
	: >"$out"
	for name in "$@"; do
		cat "$CERTS/$name.pem" >>"$out"
	done
}

# ------------------------------------------------------- private /etc files

# private_etc NAME LINE...: from now on imapconn runs in a private mount
# namespace where /etc/NAME holds only LINE... (NAME: hosts or
# resolv.conf; calls add up).  The system's files are not touched.
# Returns 1 (the check is skipped) when this machine cannot do it.
private_etc() {
	local name=$1 real=${IMAPCONN_REAL:-$IMAPCONN} why=
	shift
	if [ "$(id -u)" -ne 0 ]; then
		why="needs root for a private /etc/$name"
	elif ! command -v unshare >/dev/null 2>&1 ||
		! command -v mount >/dev/null 2>&1; then
		why="unshare or mount not found"
	fi
	if [ -n "$why" ]; then
		skip_check "a private /etc/$name" "$why"
		return 1
	fi
	IMAPCONN_REAL=$real
	mkdir -p "$WORK/etc"
	printf '%s\n' "$@" >"$WORK/etc/$name"
	cat >"$WORK/imapconn-private" <<EOF
#!/bin/sh
# imapconn, with the files of $WORK/etc over those of /etc
exec unshare -m --propagation private -- sh -c '
	for f in "\$0"/*; do
		mount --bind "\$f" "/etc/\${f##*/}" || exit 70
	done
	exec "\$@"' '$WORK/etc' '$real' "\$@"
EOF
	chmod +x "$WORK/imapconn-private"
	if ! "$WORK/imapconn-private" --version >/dev/null 2>&1; then
		skip_check "a private /etc/$name" \
			"no private mount namespace here (unshare -m)"
		return 1
	fi
	IMAPCONN=$WORK/imapconn-private
}

# private_etc_end: imapconn itself again, with the system's files.
private_etc_end() {
	IMAPCONN=${IMAPCONN_REAL:-$IMAPCONN}
	rm -rf "${WORK:?}/etc"
}

# ------------------------------------------------------- a full backlog

# listener_start SCRIPT [SERVER OPTION...]: the scripted server playing
# SCRIPT to each connection in turn (not --once: the listener stays
# open, and connections wait in its queue while one is served).  Sets
# SCRIPTED_PORT, SCRIPTED_LOG and SCRIPTED_PID as scripted_start does.
listener_start() {
	local script=$1
	shift
	scripted_launch_or_fail "$script" --max-seconds 30 "$@"
	SCRIPTED_PORT=$LAUNCH_PORT SCRIPTED_LOG=$LAUNCH_LOG
	SCRIPTED_PID=$LAUNCH_PID
}

# backlog_fill PORT [HOST]: open connections to a listener that accepts
# one at a time (listener_start 'silent') until one
# no longer completes: the listener's queue is then full, and a new
# connection gets no answer, as from a firewall that drops packets.  The
# connections are held by a background shell stopped at exit.
BACKLOG_PID=
backlog_fill() {
	local port=$1 host=${2:-127.0.0.1} count=$WORK/backlog.count
	local i n last stable
	: >"$count"
	# shellcheck disable=SC2016
	timeout 30 bash -c '
		fds=()
		for ((i = 0; i < 200; i++)); do
			exec {fd}<>"/dev/tcp/$1/$2" || exit 0
			fds+=("$fd")
			echo "$i" >>"$3"
		done
		sleep 30' backlog "$host" "$port" "$count" 2>/dev/null &
	BACKLOG_PID=$!
	LIB_PIDS+=("$BACKLOG_PID")
	# Full when no connection completed for 1.5 s (a late one may
	# complete when its SYN is sent again, after a second).
	last=-1
	stable=0
	for ((i = 0; i < 100; i++)); do
		sleep 0.3
		n=$(wc -l <"$count" | tr -d ' ')
		if [ "$n" -eq "$last" ] && [ "$n" -gt 0 ]; then
			stable=$((stable + 1))
			[ "$stable" -lt 5 ] || return 0
		else
			stable=0
		fi
		last=$n
	done
	hard_fail "the listener's backlog did not fill"
}

