#!/bin/sh
# layering.sh - the source tree calls only downwards.
#
# Two graphs of the files under src/ and ui/ are checked:
#   calls     file A needs a symbol file B's object defines (nm): a call,
#             or a function or variable A names, from A to B;
#   includes  file A (a .c or .h) includes B.h: a use of B.
# A file's layer is its folder; LAYERS below ranks the folders, lowest
# first, and folders on one line are peers.  The test fails when a file
# calls or includes a file of a higher layer or of a peer, and when
# files call each other in a circle: no header that declares everything
# can hide that, since the symbol tables show who really calls whom.
#
# Usage: layering.sh [--print]   (in make check: top_srcdir, top_builddir)
# --print lists every edge as "FROM TO how" instead of judging.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
NM=${NM:-nm}

# Lowest first; names on one line would be peers, which may not use
# each other.  A folder not named here makes the test fail.  "src"
# alone is the flat tree from before the folders: nothing is left in
# it, and it is named so that the test judges that tree too.
LAYERS='
src
src/base
src/imap
src/net
src/session
src/diag
src/cli
ui/core
ui/screens
ui
src/main
'

work=$(mktemp -d) || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

# Sources: path relative to top, one per line.
(cd "$top_srcdir" && find src ui -name '*.[ch]' | LC_ALL=C sort) \
	>"$work/sources"

# The object a source file built into, by its base name in the build
# folder of its own folder; test programs' copies are left out.
object_of() {
	dir=$(dirname "$1") base=$(basename "$1" .c)
	for o in "$top_builddir/$dir/$base.o" "$top_builddir/$dir"/*-"$base".o
	do
		case $(basename "$o") in
		tests_*|fuzz*|replay*) continue ;;
		esac
		[ -f "$o" ] && { printf '%s\n' "$o"; return 0; }
	done
	return 1
}

: >"$work/defs"; : >"$work/needs"
missing=0
grep '\.c$' "$work/sources" | while read -r src; do
	obj=$(object_of "$src") || {
		echo "layering: no object for $src (build first)" >&2
		echo x >>"$work/missing"; continue
	}
	"$NM" -P "$obj" | awk -v f="$src" -v d="$work/defs" -v n="$work/needs" '
		$2 == "U" { print f, $1 >> n; next }
		$2 ~ /^[TDBRCVWG]$/ { print $1, f >> d }'
done
[ -s "$work/missing" ] 2>/dev/null && exit 99

# Calls: A needs symbol s, B defines s.
sort -k1,1 "$work/defs" >"$work/defs.s"
sort -k2,2 "$work/needs" | join -1 2 -2 1 -o 1.1,2.2 - "$work/defs.s" |
	awk '$1 != $2' | sort -u >"$work/calls"

# Includes: A includes "B.h" that is one of ours; the edge goes to the
# header, which belongs to the folder it stands in.
while read -r src; do
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' \
		"$top_srcdir/$src" | while read -r inc; do
		hit=$(grep -E "(^|/)$inc\$" "$work/sources" | head -n 1)
		[ -n "$hit" ] && [ "$hit" != "$src" ] && echo "$src $hit"
	done
done <"$work/sources" | sort -u >"$work/includes"

if [ "${1:-}" = --print ]; then
	sed 's/$/ calls/' "$work/calls"
	sed 's/$/ includes/' "$work/includes"
	exit 0
fi

status=0

# Upward and sideways uses.
cat "$work/calls" "$work/includes" | sort -u |
	awk -v layers="$LAYERS" '
	BEGIN {
		n = split(layers, line, "\n")
		for (i = 1; i <= n; i++) {
			if (line[i] ~ /^[ \t]*$/) continue
			r++; m = split(line[i], f, " ")
			for (j = 1; j <= m; j++) rank[f[j]] = r
		}
	}
	function dir(p) { sub(/\/[^\/]*$/, "", p); return p }
	{
		la = dir($1); lb = dir($2)
		if (!(la in rank)) { print "layering: " la " has no layer"; next }
		if (!(lb in rank)) { print "layering: " lb " has no layer"; next }
		if (la != lb && rank[lb] >= rank[la])
			print "layering: " $1 " (" la ") uses " $2 " (" lb \
			    "), a layer not below it"
	}' | sort -u >"$work/upward"
if [ -s "$work/upward" ]; then
	cat "$work/upward"
	status=1
fi

# Circles of calls between files: tsort names each loop it meets.
# Each file also points at itself so that every file is a node.
{ cat "$work/calls"; awk '{ print $1, $1 }' "$work/calls"; } |
	tsort >/dev/null 2>"$work/loops"
if grep -q 'loop' "$work/loops"; then
	echo "layering: files that call each other in a circle:"
	awk '/loop:$/ { if (l != "") print "  " l; l = ""; next }
	     { sub(/^tsort: /, ""); l = (l == "" ? $0 : l " -> " $0) }
	     END { if (l != "") print "  " l }' "$work/loops"
	status=1
fi

n=$(wc -l <"$work/calls") i=$(wc -l <"$work/includes")
[ $status -eq 0 ] && echo "layering: $n calls and $i includes, all downwards"
exit $status
