# shellcheck shell=bash
# lib.sh - what the private test servers share: messages, set-up steps,
# free loopback ports, a test CA and server certificate, the cache of
# unpacked server packages, and running a server in its own mount
# namespace.  Sourced by tests/dovecot/imapconn-dovecot and the harnesses
# in tests/servers/ after they set PROG (their name, for messages) and
# DIR (the instance directory) when they have one.
#
# Cyrus, Courier and Mailutils conflict with dovecot-imapd (all provide
# imap-server), so their server packages are never installed: they are
# downloaded once (apt-get download) and unpacked (dpkg-deb -x) under
# SRV_CACHE/<package>_<version>/, and only their non-conflicting
# dependencies (SRV_DEPS_*) are installed with apt-get.

readonly SRV_PORT_MIN=20000
readonly SRV_PORT_MAX=60999
readonly SRV_WAIT_LISTEN_SECONDS=10
readonly SRV_STOP_WAIT_SECONDS=5
SRV_CACHE=${IMAPCONN_SERVER_CACHE:-/var/cache/imapconn-servers}

# The accounts every server gets (as far as it allows).
readonly ALICE_PASSWORD='Wonder-land.42'
readonly BOB_PASSWORD='Builder.99'
readonly MANY_PASSWORD='Many.1000'
readonly FOLDERS_PER_TEAM=20
readonly MANY_MAX=200000

# Server packages to unpack, and the installed packages they need (read
# through namerefs, hence the shellcheck directives).
# shellcheck disable=SC2034
SRV_PACKAGES_cyrus=(cyrus-common cyrus-imapd)
# shellcheck disable=SC2034
SRV_PACKAGES_courier=(courier-base courier-imap)
# shellcheck disable=SC2034
SRV_PACKAGES_mailutils=(mailutils-common libmailutils9 mailutils-imap4d)
# shellcheck disable=SC2034
SRV_DEPS_cyrus=(sasl2-bin libsasl2-2 libsasl2-modules libsasl2-modules-db
	libcom-err2 libwrap0 zlib1g libssl3 libclamav12 libical3 libicu72
	libjansson4 libkrb5-3 libldap-2.5-0 libpcre3 libpq5 libsqlite3-0
	libstdc++6 libxapian30 libxml2 libzephyr4 util-linux openssl)
# shellcheck disable=SC2034
SRV_DEPS_courier=(courier-authlib courier-authdaemon courier-authlib-userdb
	libcourier-unicode4 libgamin0 libgdbm6 libidn12 libpcre3 libgnutls30
	util-linux openssl)
# shellcheck disable=SC2034
SRV_DEPS_mailutils=(libgnutls30 libgsasl18 libgssapi-krb5-2 libk5crypto3
	libkrb5-3 libldap-2.5-0 libnsl2 libpam0g libunistring2 libwrap0
	libcrypt1 libcom-err2 guile-3.0-libs libltdl7 libmariadb3 libpq5
	libpython3.11 util-linux openssl)
SRV_KINDS=(cyrus courier mailutils)

say() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { say "$*"; exit 1; }

now_ms() {
	local t=${EPOCHREALTIME/[.,]/}
	printf '%s\n' "$((t / 1000))"
}

# run WHAT COMMAND...: runs the command (stdin passed on), appends its
# output to DIR/setup.log; on failure names the step, shows the output
# and exits.
run() {
	local what=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	printf '+ %s\n%s\n' "$*" "$out" >>"$DIR/setup.log"
	if [ "$rc" -ne 0 ]; then
		say "$what failed (exit $rc): $*"
		printf '%s\n' "$out" >&2
		exit 1
	fi
}

# prepare_dir SUBDIR...: DIR must be new or empty; makes it 0755 (the
# servers' unprivileged processes reach into it), DIR/pki (0700), the
# SUBDIRs and an empty DIR/setup.log, and makes DIR absolute.
prepare_dir() {
	local -a entries
	[ -d "$DIR" ] || mkdir -p "$DIR" || die "cannot create $DIR"
	DIR=$(cd "$DIR" && pwd -P)
	shopt -s nullglob
	entries=("$DIR"/* "$DIR"/.[!.]* "$DIR"/..?*)
	shopt -u nullglob
	[ "${#entries[@]}" -eq 0 ] ||
		die "$DIR is not empty (give a fresh directory)"
	chmod 0755 "$DIR"
	local sub
	for sub in "$@"; do
		mkdir -p "$DIR/$sub"
	done
	mkdir -m 0700 "$DIR/pki"
	: >"$DIR/setup.log"
}

# check_access USER: the server's processes run as USER and must reach
# DIR; a parent that others cannot search (mktemp -d makes 0700 ones, a
# home directory may be one) would stop them.
check_access() {
	setpriv --reuid="$1" --regid="$(id -g "$1")" --clear-groups -- \
		test -x "$DIR" ||
		die "the user $1 cannot reach $DIR: a directory above it is" \
			"not searchable by others"
}

# parse_many ARGS...: the --many N option of start; sets MANY.
parse_many() {
	MANY=0
	while [ $# -gt 0 ]; do
		case "$1" in
		--many)
			[ $# -ge 2 ] || die "--many needs a number"
			case "$2" in
			'' | *[!0-9]*) die "--many needs a number, not '$2'" ;;
			esac
			MANY=$((10#$2))
			if [ "$MANY" -lt 1 ] || [ "$MANY" -gt "$MANY_MAX" ]; then
				die "--many must be in 1-$MANY_MAX"
			fi
			shift 2
			;;
		*) die "unknown option: $1" ;;
		esac
	done
}

# ----------------------------------------------------------------- ports

# Local ports of every TCP socket (any state, any address), in hex.
declare -A USED_PORTS=()
# Ports handed out by random_free_port since PICKED_PORTS was emptied.
PICKED_PORTS=' '
RANDOM_PORT=

# awk reads the tables in blocks: bash's read would seek back after
# every line, and each seek makes the kernel walk the socket table
# again, minutes on a machine with tens of thousands of sockets.
read_used_ports() {
	local file port
	USED_PORTS=()
	for file in /proc/net/tcp /proc/net/tcp6; do
		[ -r "$file" ] || continue
		while read -r port; do
			USED_PORTS[$port]=1
		done < <(awk 'NR > 1 { sub(/.*:/, "", $2); print $2 }' "$file" |
			sort -u)
	done
}

port_in_use() {
	local hex
	printf -v hex '%04X' "$1"
	[ -n "${USED_PORTS[$hex]:-}" ]
}

# Sets RANDOM_PORT to a port in SRV_PORT_MIN-SRV_PORT_MAX that no socket
# uses and that was not picked before (PICKED_PORTS).
random_free_port() {
	local port tries=0 span=$((SRV_PORT_MAX - SRV_PORT_MIN + 1))
	while [ "$tries" -lt 200 ]; do
		tries=$((tries + 1))
		port=$(((RANDOM << 15 | RANDOM) % span + SRV_PORT_MIN))
		case "$PICKED_PORTS" in
		*" $port "*) continue ;;
		esac
		port_in_use "$port" && continue
		RANDOM_PORT=$port
		PICKED_PORTS="$PICKED_PORTS$port "
		return 0
	done
	die "no free port found in $SRV_PORT_MIN-$SRV_PORT_MAX"
}

# pick_ports_list N: PORTS=(N free ports, all different).
pick_ports_list() {
	local i
	PORTS=()
	PICKED_PORTS=' '
	read_used_ports
	for ((i = 0; i < $1; i++)); do
		random_free_port
		PORTS+=("$RANDOM_PORT")
	done
}

# Connects to HOST PORT; with "greeting", also waits for "* OK".
can_connect() {
	(
		local line=''
		exec 3<>"/dev/tcp/$1/$2" || exit 1
		[ "$3" = greeting ] || exit 0
		read -r -t 2 -u 3 line || exit 1
		case "$line" in
		'* OK'*) exit 0 ;;
		*) exit 1 ;;
		esac
	) 2>/dev/null
}

# wait_for_listeners LOG < "HOST PORT KIND" lines: waits until each
# accepts (KIND greeting: and greets); shows LOG and exits on timeout.
wait_for_listeners() {
	local log=$1 deadline host port kind
	deadline=$(($(now_ms) + SRV_WAIT_LISTEN_SECONDS * 1000))
	while read -r host port kind; do
		until can_connect "$host" "$port" "$kind"; do
			if [ "$(now_ms)" -ge "$deadline" ]; then
				say "nothing accepts on $host port $port after" \
					"${SRV_WAIT_LISTEN_SECONDS}s; $log:"
				tail -n 40 "$log" >&2 2>/dev/null || true
				exit 1
			fi
			sleep 0.05
		done
	done
}

# ---------------------------------------------------------- certificates

# Prints the time SECONDS after NOW (epoch seconds), UTC, as openssl ca
# wants it.  Both ends of a validity come from one reading of the clock,
# or a second ticking over between two would make it 30 days and 1 s.
openssl_date() {
	local when
	TZ=UTC0 printf -v when '%(%Y%m%d%H%M%S)TZ' "$(($1 + $2))"
	printf '%s\n' "$when"
}

write_ca_config() {
	local pki=$DIR/pki
	: >"$pki/index.txt"
	printf '1000\n' >"$pki/serial"
	cat >"$pki/openssl.cnf" <<EOF
# Test CA for a private test server; written by $PROG.
[ ca ]
default_ca = test_ca

[ test_ca ]
dir = $pki
database = $pki/index.txt
new_certs_dir = $pki
serial = $pki/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no

[ policy_any ]
commonName = supplied
organizationName = optional

[ req ]
distinguished_name = req_dn
prompt = no

[ req_dn ]
CN = unused

[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ server_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:127.0.0.2, IP:::1
EOF
}

# Makes a new P-256 key NAME.key and a request NAME.csr for SUBJECT.
make_key_and_request() {
	local pki=$DIR/pki name=$1 subject=$2
	run "making the $name key" openssl req -new -config "$pki/openssl.cnf" \
		-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$pki/$name.key" -subj "$subject" -out "$pki/$name.csr"
}

# Makes DIR/ca.pem (the test CA) and DIR/pki/server.pem with its key
# DIR/pki/server.key: EC P-256, valid from yesterday for 30 days, for
# DNS:localhost, IP:127.0.0.1, IP:127.0.0.2 and IP:::1.
# openssl ca rather than req -x509 or x509 -req: only it can backdate
# the start of validity with OpenSSL 3.0.
make_certificates() {
	local pki=$DIR/pki start end ca_job server_job
	local now=$EPOCHSECONDS
	start=$(openssl_date "$now" -86400)
	end=$(openssl_date "$now" $((29 * 86400)))
	write_ca_config
	make_key_and_request ca '/O=imapconn tests/CN=imapconn test CA' &
	ca_job=$!
	make_key_and_request server '/O=imapconn tests/CN=localhost' &
	server_job=$!
	wait "$ca_job" || exit 1
	wait "$server_job" || exit 1
	run "self-signing the CA" openssl ca -batch -notext \
		-config "$pki/openssl.cnf" -selfsign -keyfile "$pki/ca.key" \
		-extensions ca_ext -startdate "$start" -enddate "$end" \
		-in "$pki/ca.csr" -out "$DIR/ca.pem"
	run "signing the server certificate" openssl ca -batch -notext \
		-config "$pki/openssl.cnf" -cert "$DIR/ca.pem" \
		-keyfile "$pki/ca.key" -extensions server_ext \
		-startdate "$start" -enddate "$end" \
		-in "$pki/server.csr" -out "$pki/server.pem"
}

# -------------------------------------------------------------- messages

# alice's messages, one function each, LF line ends; SERVER names the
# server in the first one.  The same on every server: INBOX gets
# welcome, koeln and long (in this order, unread), Projects/2026/Q4 gets
# q4.
message_welcome() {
	cat <<EOF
From: Test Server <postmaster@localhost>
To: Alice <alice@localhost>
Subject: Welcome to the test server
Date: Mon, 05 Jan 2026 09:00:00 +0000
Message-ID: <welcome.1@imapconn.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Hello Alice,

this mailbox belongs to a private $1 started for tests.
EOF
}

message_koeln() {
	cat <<'EOF'
From: =?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <juergen@localhost>
To: Alice <alice@localhost>
Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=
Date: Tue, 06 Jan 2026 10:30:00 +0100
Message-ID: <koeln.2@imapconn.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Viele Grüße aus Köln!
EOF
}

message_long() {
	cat <<'EOF'
From: Long Winded <long@localhost>
To: Alice <alice@localhost>
Subject: A very long subject line that goes on and on to check how clients
 truncate, wrap or scroll subjects that are much wider than any terminal
 window ever is, even a very wide one; it has 200 characters...
Date: Wed, 07 Jan 2026 11:45:00 +0000
Message-ID: <long.3@imapconn.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

The subject of this message is folded over three header lines.
EOF
}

message_q4() {
	cat <<'EOF'
From: Bob <bob@localhost>
To: Alice <alice@localhost>
Subject: Q4 planning
Date: Thu, 01 Oct 2026 08:15:00 +0000
Message-ID: <q4.4@imapconn.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Plans for the fourth quarter.
EOF
}

# alice's folders besides INBOX and the special-use ones, one a line:
# the name as IMAP sends it (modified UTF-7, unquoted), a TAB, the name
# in UTF-8; SEP is the hierarchy separator.
alice_folders() {
	local sep=$1
	printf '%s\t%s\n' \
		Projects Projects \
		"Projects${sep}2026" "Projects${sep}2026" \
		"Projects${sep}2026${sep}Q4" "Projects${sep}2026${sep}Q4" \
		'Entw&APw-rfe' 'Entwürfe' \
		'&ZeVnLIqe-' '日本語' \
		'Caf&AOk- &- Co' 'Café & Co' \
		'back\slash' 'back\slash' \
		'say "hi"' 'say "hi"'
}

# The special-use folders: name and attribute.
special_folders() {
	printf '%s\n' 'Sent \Sent' 'Drafts \Drafts' 'Trash \Trash' \
		'Junk \Junk'
}

# imap_quote NAME: prints NAME as an IMAP quoted string.
imap_quote() {
	local s=${1//\\/\\\\}
	s=${s//\"/\\\"}
	printf '"%s"\n' "$s"
}

# expected_mailboxes SEP PREFIX REFUSED [EXTRA...]: what LIST "" "*"
# gives alice, sorted (LC_ALL=C): INBOX, alice_folders with SEP (but the
# names matching the extended regular expression REFUSED, if not empty)
# and special_folders, under PREFIX, and the EXTRA names.
expected_mailboxes() {
	local sep=$1 prefix=$2 refused=$3 wire _utf8 name _attr
	shift 3
	{
		printf 'INBOX\n'
		while IFS=$'\t' read -r wire _utf8; do
			[ -n "$refused" ] && [[ $wire =~ $refused ]] && continue
			printf '%s%s\n' "$prefix" "$wire"
		done < <(alice_folders "$sep")
		while read -r name _attr; do
			printf '%s%s\n' "$prefix" "$name"
		done < <(special_folders)
		[ $# -gt 0 ] && printf '%s\n' "$@"
	} | LC_ALL=C sort
}

# many_names N SEP: the N folder names of "many", one a line: a tree
# Team-NNN/List-MM of FOLDERS_PER_TEAM folders per team (Team-001,
# Team-001SEPList-01 .. List-19, Team-002, ...), NNN of 3 digits or more.
many_names() {
	local n=$1 sep=$2 teams width t l made=0 name
	teams=$(((n + FOLDERS_PER_TEAM - 1) / FOLDERS_PER_TEAM))
	width=${#teams}
	[ "$width" -lt 3 ] && width=3
	for ((t = 1; t <= teams && made < n; t++)); do
		printf -v name "Team-%0${width}d" "$t"
		printf '%s\n' "$name"
		made=$((made + 1))
		for ((l = 1; l < FOLDERS_PER_TEAM && made < n; l++)); do
			printf '%s%sList-%02d\n' "$name" "$sep" "$l"
			made=$((made + 1))
		done
	done
}

# make_maildirs BASE [folder] < NAMES: makes BASE/NAME/{cur,new,tmp} for
# every NAME (one a line; NAME may hold "/"); with "folder", also
# NAME/maildirfolder (Maildir++).  Few processes, whatever the number of
# names: the caller gives the tree to its owner with one chown -R.
make_maildirs() {
	local base=$1 kind=${2:-} name
	local -a names=()
	mapfile -t names
	[ "${#names[@]}" -eq 0 ] && return 0
	(
		cd "$base" || exit 1
		for name in "${names[@]}"; do
			printf '%s\0' "$name"
		done | xargs -0 -n 4000 mkdir -p || exit 1
		for name in "${names[@]}"; do
			printf '%s/cur\0%s/new\0%s/tmp\0' "$name" "$name" "$name"
		done | xargs -0 -n 4000 -P 2 mkdir || exit 1
		[ "$kind" = folder ] || exit 0
		printf '%s/maildirfolder\0' "${names[@]}" |
			xargs -0 -n 5000 -P 2 touch || exit 1
	)
}

# maildir_deliver MAILDIR NAME < MESSAGE: writes an unread message into
# MAILDIR/cur as file NAME:2, (no flags), with LF line ends as Maildir
# keeps them.
maildir_deliver() {
	cat >"$1/cur/$2:2,"
}

# -------------------------------------------------------- package cache

# The multiarch triplet (x86_64-linux-gnu), for the library directories.
srv_multiarch() {
	local triplet
	triplet=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null) ||
		triplet=$(gcc -print-multiarch 2>/dev/null) ||
		triplet="$(uname -m)-linux-gnu"
	printf '%s\n' "$triplet"
}

# srv_candidate_versions PACKAGE...: prints "PACKAGE VERSION" for each
# package apt knows, the version it would install (one apt-cache run).
srv_candidate_versions() {
	apt-cache show --no-all-versions "$@" 2>/dev/null |
		awk '/^Package: / { p = $2 } /^Version: / { print p, $2 }'
}

# srv_cached_dir PACKAGE: prints the newest unpacked version of PACKAGE
# in the cache, or fails.
srv_cached_dir() {
	local -a found
	shopt -s nullglob
	found=("$SRV_CACHE/${1}_"*/)
	shopt -u nullglob
	[ "${#found[@]}" -gt 0 ] || return 1
	printf '%s\n' "${found[@]%/}" | sort -V | tail -n 1
}

# srv_package_dir PACKAGE [VERSION]: prints the directory PACKAGE is
# unpacked in, downloading (apt-get download) and unpacking it first if
# the cache has none, or none of VERSION when given.  A ':' of the
# version becomes "%3a" in the directory's name.
srv_package_dir() {
	local pkg=$1 version=${2:-} dir tmp deb
	if [ -n "$version" ]; then
		dir=$SRV_CACHE/${pkg}_${version//:/%3a}
		[ -d "$dir" ] && { printf '%s\n' "$dir"; return 0; }
	elif srv_cached_dir "$pkg"; then
		return 0
	fi
	mkdir -p "$SRV_CACHE" || return 1
	tmp=$(mktemp -d "$SRV_CACHE/.download.XXXXXX") || return 1
	# _apt, which downloads, must be able to write there.
	chmod 0755 "$tmp"
	if ! (cd "$tmp" && apt-get download "$pkg" >download.log 2>&1) &&
		! { apt-get update -qq >/dev/null 2>&1 &&
			(cd "$tmp" && apt-get download "$pkg" \
				>download.log 2>&1); }; then
		printf '%s: apt-get download %s failed:\n' "$PROG" "$pkg" >&2
		cat "$tmp/download.log" >&2
		rm -rf "$tmp"
		return 1
	fi
	deb=$(printf '%s\n' "$tmp"/*.deb | head -n 1)
	version=$(dpkg-deb -f "$deb" Version)
	dir=$SRV_CACHE/${pkg}_${version//:/%3a}
	mkdir "$tmp/root"
	if ! dpkg-deb -x "$deb" "$tmp/root"; then
		rm -rf "$tmp"
		return 1
	fi
	# Another start may have unpacked the same version meanwhile.
	mv -T "$tmp/root" "$dir" 2>/dev/null || true
	rm -rf "$tmp"
	[ -d "$dir" ] || return 1
	printf '%s\n' "$dir"
}

# srv_missing_deps KIND: prints the dependencies of KIND not installed.
srv_missing_deps() {
	local -n deps="SRV_DEPS_$1"
	local p
	local -A ok=()
	while read -r p; do
		ok[$p]=1
	done < <(dpkg-query -W -f='${Package} ${Status}\n' "${deps[@]}" \
		2>/dev/null | awk '/ install ok installed$/ { print $1 }')
	for p in "${deps[@]}"; do
		[ -n "${ok[$p]:-}" ] || printf '%s\n' "$p"
	done
}

# srv_check_deps KIND: exits naming the missing dependencies, if any.
srv_check_deps() {
	local -a missing
	[ "$EUID" -eq 0 ] || die "must run as root (the server needs it)"
	mapfile -t missing < <(srv_missing_deps "$1")
	[ "${#missing[@]}" -eq 0 ] ||
		die "missing packages: ${missing[*]}" \
			"(./quickstart build installs them)"
	command -v unshare >/dev/null 2>&1 ||
		die "unshare not found (Debian package util-linux)"
}

# srv_unpack KIND: PKGDIR[package]=its unpacked directory, for every
# server package of KIND, in the version SRV_WANT[package] names if set
# (see srv_package_dir).
declare -A PKGDIR=() SRV_WANT=()
srv_unpack() {
	local -n pkgs="SRV_PACKAGES_$1"
	local p dir
	for p in "${pkgs[@]}"; do
		dir=$(srv_package_dir "$p" "${SRV_WANT[$p]:-}") ||
			die "cannot unpack $p into $SRV_CACHE"
		PKGDIR[$p]=$dir
	done
}

# srv_fill_cache: unpacks every server package into the cache, in the
# version apt offers.
srv_fill_cache() {
	local kind p version
	local -a all=()
	for kind in "${SRV_KINDS[@]}"; do
		local -n pkgs="SRV_PACKAGES_$kind"
		all+=("${pkgs[@]}")
		unset -n pkgs
	done
	while read -r p version; do
		SRV_WANT[$p]=$version
	done < <(srv_candidate_versions "${all[@]}")
	for kind in "${SRV_KINDS[@]}"; do
		srv_unpack "$kind"
	done
}

# ------------------------------------------------ running in a namespace

# The server runs in a mount namespace of its own, made by
# srv_launch: the mounts it needs (a private /etc/courier, a tmpfs for
# Cyrus, a private /etc/passwd) exist only there and vanish with its
# last process, and stop finds every process of the instance, however
# it detached, by that namespace.

# srv_launch SCRIPT LOG: runs bash SCRIPT in a new session and mount
# namespace; DIR/run/leader.pid and DIR/run/mntns record it.
srv_launch() {
	local script=$1 log=$2 pid ns='' host_ns tries=0
	mkdir -p "$DIR/run"
	setsid unshare --mount --propagation private \
		bash "$script" >>"$log" 2>&1 </dev/null &
	pid=$!
	host_ns=$(readlink /proc/self/ns/mnt)
	# unshare execs bash once the namespace exists.
	while [ "$tries" -lt 200 ]; do
		ns=$(readlink "/proc/$pid/ns/mnt" 2>/dev/null) || ns=''
		[ -z "$ns" ] && break
		[ "$ns" != "$host_ns" ] && break
		sleep 0.01
		tries=$((tries + 1))
	done
	if [ -z "$ns" ] || [ "$ns" = "$host_ns" ]; then
		say "the server did not start in a namespace of its own; log:"
		tail -n 40 "$log" >&2
		exit 1
	fi
	printf '%s\n' "$pid" >"$DIR/run/leader.pid"
	printf '%s\n' "$ns" >"$DIR/run/mntns"
	LAUNCHED=yes
}

# Prints the processes in the mount namespace NS, "mnt:[INODE]" as
# readlink shows it (never the host's).  One stat for all processes:
# a readlink each takes seconds on a busy machine.
srv_namespace_pids() {
	local ns=$1 inode
	[ -n "$ns" ] || return 0
	[ "$ns" = "$(readlink /proc/1/ns/mnt)" ] && return 0
	[ "$ns" = "$(readlink /proc/self/ns/mnt)" ] && return 0
	inode=${ns#mnt:[}
	inode=${inode%]}
	case "$inode" in '' | *[!0-9]*) return 0 ;; esac
	stat -L -c '%i %n' /proc/[0-9]*/ns/mnt 2>/dev/null |
		awk -v want="$inode" '$1 == want {
			split($2, part, "/"); print part[3] }'
	return 0
}

# srv_leader_pid DIR: prints the leader's PID while it runs.
srv_leader_pid() {
	local dir=$1 pid='' ns=''
	read -r pid <"$dir/run/leader.pid" 2>/dev/null || return 1
	read -r ns <"$dir/run/mntns" 2>/dev/null || return 1
	case "$pid" in '' | *[!0-9]*) return 1 ;; esac
	[ "$(readlink "/proc/$pid/ns/mnt" 2>/dev/null)" = "$ns" ] || return 1
	printf '%s\n' "$pid"
}

# srv_stop DIR: TERM to every process of the instance, KILL to those
# left after SRV_STOP_WAIT_SECONDS; returns once none is left.
srv_stop() {
	local dir=$1 ns='' waited=0 limit=$((SRV_STOP_WAIT_SECONDS * 10))
	local -a pids
	read -r ns <"$dir/run/mntns" 2>/dev/null || return 0
	mapfile -t pids < <(srv_namespace_pids "$ns")
	[ "${#pids[@]}" -eq 0 ] && return 0
	kill -TERM "${pids[@]}" 2>/dev/null || true
	while :; do
		mapfile -t pids < <(srv_namespace_pids "$ns")
		[ "${#pids[@]}" -eq 0 ] && return 0
		if [ "$waited" -ge "$limit" ]; then
			say "killing what did not stop in" \
				"${SRV_STOP_WAIT_SECONDS}s: ${pids[*]}"
			kill -KILL "${pids[@]}" 2>/dev/null || true
			waited=0
			limit=20
		fi
		sleep 0.1
		waited=$((waited + 1))
	done
}

# --------------------------------------------------------------- IMAP

# imap_script PORT LOG < COMMANDS: COMMANDS are NUL-terminated, without
# tags.  Sends the first (a LOGIN) and waits for its answer, then sends
# every further one at once (tagged s1, s2, ...; one may carry a
# LITERAL+ literal, see append_command) and LOGOUT, and reads until the
# LOGOUT's answer.  Fails if any command is not answered OK; the answers
# that are not OK go to LOG.
imap_script() {
	local port=$1 log=$2 fd line login n=0 bad=0 tag='' writer
	local -a cmds=()
	IFS= read -r -d '' login || return 1
	while IFS= read -r -d '' line; do
		cmds+=("$line")
	done
	exec {fd}<>"/dev/tcp/127.0.0.1/$port" || return 1
	IFS= read -r -t 10 -u "$fd" line || { exec {fd}<&-; return 1; }
	printf 's0 %s\r\n' "$login" >&"$fd"
	while IFS= read -r -t 10 -u "$fd" line; do
		case "$line" in
		's0 OK'*) break ;;
		's0 '*)
			printf 'login refused: %s\n' "$line" >>"$log"
			exec {fd}<&-
			return 1
			;;
		esac
	done
	{
		for line in "${cmds[@]}"; do
			n=$((n + 1))
			printf 's%d %s\r\n' "$n" "$line"
		done
		printf 'zz LOGOUT\r\n'
	} >&"$fd" &
	writer=$!
	while IFS= read -r -t 120 -u "$fd" line; do
		line=${line%$'\r'}
		tag=${line%% *}
		case "$tag" in
		s[0-9]*)
			case "$line" in
			"$tag OK"*) ;;
			*)
				bad=$((bad + 1))
				printf '%s\n' "$line" >>"$log"
				;;
			esac
			;;
		zz) break ;;
		esac
	done
	wait "$writer" 2>/dev/null || true
	exec {fd}<&-
	[ "$bad" -eq 0 ] && [ "$tag" = zz ]
}

# imap_command TEXT...: prints one command for imap_script.
imap_command() {
	printf '%s\0' "$*"
}

# append_command MAILBOX < MESSAGE: prints an APPEND command for
# imap_script, the message (given with LF line ends) sent with CRLF
# line ends as a LITERAL+ literal.
append_command() {
	local msg len
	msg=$(sed 's/$/\r/')
	msg+=$'\n'
	len=$(printf '%s' "$msg" | LC_ALL=C wc -c)
	printf 'APPEND %s () {%d+}\r\n%s\0' "$1" "$len" "$msg"
}

# srv_env_head KIND: the first lines of every DIR/env: the kind, the
# ports, the CA, DIR and the users.
srv_env_head() {
	printf '# Private %s for imapconn tests; written by %s.\n' \
		"$SERVER_NAME" "$PROG"
	printf 'SERVER_KIND=%s\n' "$1"
	printf 'IMAP_PORT=%q\n' "$IMAP_PORT"
	printf 'IMAPS_PORT=%q\n' "$IMAPS_PORT"
	printf 'CA_FILE=%q\n' "$DIR/ca.pem"
	printf 'SERVER_DIR=%q\n' "$DIR"
	printf 'TEST_USER=alice\n'
	printf 'TEST_PASSWORD=%q\n' "$ALICE_PASSWORD"
	printf 'EMPTY_USER=bob\n'
	printf 'EMPTY_PASSWORD=%q\n' "$BOB_PASSWORD"
	if [ "$MANY" -gt 0 ]; then
		printf 'MANY_USER=many\n'
		printf 'MANY_PASSWORD=%q\n' "$MANY_PASSWORD"
		printf 'MANY_FOLDERS=%q\n' "$MANY"
	fi
}

# srv_env_write TEXT: DIR/env becomes TEXT, the INBOX counts and PID
# (the namespace's first process), in one rename.
srv_env_write() {
	local pid
	pid=$(srv_leader_pid "$DIR") || die "$SERVER_NAME is gone"
	{
		printf '%s\n' "$1"
		printf 'INBOX_MESSAGES=3\n'
		printf 'INBOX_UNSEEN=3\n'
		printf 'PID=%q\n' "$pid"
	} >"$DIR/env.tmp"
	mv "$DIR/env.tmp" "$DIR/env"
}

# ------------------------------------------------------------ commands

# The command line every harness in tests/servers shares; the harness
# sets SERVER_NAME (for messages) and defines cmd_start DIR [--many N],
# which sets DIR, LAUNCHED=yes once the server runs, and traps
# srv_on_start_exit on EXIT.
srv_usage() {
	printf 'usage: %s start DIR [--many N] | stop DIR | env DIR\n' \
		"$PROG" >&2
	exit 64
}

# A start that fails after the server was launched stops it again.
srv_on_start_exit() {
	local rc=$?
	[ "$BASHPID" = "$MAIN_PID" ] || return "$rc"
	if [ "$rc" -ne 0 ] && [ "$LAUNCHED" = yes ]; then
		say "stopping the $SERVER_NAME of the failed start"
		srv_stop "$DIR" || true
	fi
	return "$rc"
}

srv_main() {
	[ $# -ge 1 ] || srv_usage
	local cmd=$1
	shift
	case "$cmd" in
	start) cmd_start "$@" ;;
	stop)
		[ $# -eq 1 ] || srv_usage
		srv_stop "$1"
		;;
	env)
		[ $# -eq 1 ] || srv_usage
		[ -r "$1/env" ] ||
			die "$1/env not found (is $SERVER_NAME started there?)"
		cat "$1/env"
		;;
	*) srv_usage ;;
	esac
}
