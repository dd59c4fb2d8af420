#!/bin/bash
# tests/world/down leaves nothing behind: no namespace, no process, no file
# under /etc/netns, no state directory, no /etc/echomx it made; it is safe
# twice, and after an up that failed half-way. Runs last of the world tests
# and brings the world up again for the tests after it.
. "$(dirname "$0")/../lib.sh"
W=${ECHOMX_WORLD:-/run/echomx-world}
WD=$TOP/tests/world
[ -f "$W/record" ] || fail "the world is not up"

# snapshot NAME: what the world made, from its own records
snapshot() {
	awk '$1 == "netns" { print $2 }' "$W/record" >"$T/$1.netns"
	awk '$1 == "etcdir" { print $2 }' "$W/record" >"$T/$1.etc"
	awk '$1 == "mkdir" { print $2 }' "$W/record" >"$T/$1.mkdir"
	: >"$T/$1.pids"
	while read -r n; do
		ip netns pids "$n" 2>/dev/null >>"$T/$1.pids" || true
	done <"$T/$1.netns"
}
# gone NAME: everything in the snapshot is gone
gone() {
	local n p left
	[ ! -e "$W" ] || fail "$1: $W still exists"
	left=$(ip netns list | awk '{ print $1 }')
	while read -r n; do
		if echo "$left" | grep -qx "$n"; then fail "$1: namespace $n left"; fi
	done <"$T/$1.netns"
	while read -r p; do
		[ -n "$p" ] || continue
		local i=0
		# a zombie being reaped is gone; anything else gets 2 s
		while kill -0 "$p" 2>/dev/null &&
		    [ "$(awk '{ print $3 }' /proc/"$p"/stat 2>/dev/null)" != Z ]; do
			i=$((i + 1))
			[ $i -lt 20 ] || fail "$1: process $p left: $(tr '\0' ' ' </proc/"$p"/cmdline)"
			sleep 0.1
		done
	done <"$T/$1.pids"
	while read -r n; do
		[ ! -e "$n" ] || fail "$1: $n left"
	done <"$T/$1.etc"
	while read -r n; do
		[ ! -e "$n" ] || fail "$1: directory $n (made by up) left"
	done <"$T/$1.mkdir"
	p=$(pgrep -f "$W/" || true)
	[ -z "$p" ] || fail "$1: processes still use $W: $p"
	! ip -o link | grep -Eq ': (p[0-9]+|br0)[@:]' || fail "$1: world links in the root namespace"
}

snapshot full
[ "$(wc -l <"$T/full.netns")" -ge 20 ] || fail "too few namespaces recorded"
[ "$(wc -l <"$T/full.pids")" -ge 30 ] || fail "too few processes in the world"
"$WD/down" || fail "down failed"
gone full
"$WD/down" || fail "down a second time failed"
note "down: $(wc -l <"$T/full.netns") namespaces and $(wc -l <"$T/full.pids") processes gone; twice is fine"

for stage in network daemons; do
	if ECHOMX_WORLD_FAIL_AT=$stage "$WD/up" >"$T/up.log" 2>&1; then
		fail "up did not fail at $stage as asked"
	fi
	snapshot "failed-$stage"
	"$WD/down" || fail "down after a failed up ($stage) failed"
	gone "failed-$stage"
	note "down after up failed at $stage: clean"
done

"$WD/up" || fail "up again failed"
"$WD/up" | grep -q 'already up' || fail "a second up is not a no-op"
"$WD/status" >/dev/null || fail "status after up: $("$WD/status" | grep -v '^alive')"
