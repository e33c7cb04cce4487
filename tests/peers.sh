#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Peers = SECTION (issue 24) with real handshakes: openssl s_client under
# the module (Enforce = yes, TLS 1.2 floor) against TLS 1.1-only
# s_server processes without it, on 127.0.0.1 and 127.0.0.2. An entry for
# the destination is what lets the client go below the floor: the same
# handshake without a matching entry is refused. Names (exact, case and
# trailing dot, wildcards), addresses and CIDR blocks, the most specific
# entry winning; a server under the module ignores the SNI name a client
# sends; bad entries fail closed, named by tlsdefaults-info.
#
# usage: peers.sh MODULE OPENSSL_PROGRAM CERTS_TOOL INSPECTOR
set -euo pipefail
module=$1 openssl=$2 certs_tool=$3 inspector=$4
work=$(mktemp -d)
servers=()
trap 'for s in "${servers[@]}"; do kill "$s" 2>/dev/null || true; done; pkill -P $$ sleep 2>/dev/null || true; [ -n "${TLSD_KEEP:-}" ] || rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
"$certs_tool" "$work" >/dev/null

# cnf NAME ENTRIES [LEGACY_EXTRA] [PEERS]: Enforce = yes, Peers = PEERS
# (default peers) holding ENTRIES; legacy_sect allows TLS 1.1 (OpenSSL 3
# needs level 0 for it), strict_sect does not (TLS 1.3 only), so the
# outcome against a TLS 1.1 server tells which entry applied.
cnf() {
    printf '%s\n' "openssl_conf = openssl_init" "[openssl_init]" "tlsdefaults = tlsd" "[tlsd]" \
        "path = $module" "AuditLog = $work/audit.log" "Enforce = yes" "Peers = ${4:-peers}" \
        "[peers]" "$2" "[legacy_sect]" "MinProtocol = TLSv1.1" "CipherString = DEFAULT:@SECLEVEL=0" \
        "${3:-}" "[strict_sect]" "MinProtocol = TLSv1.3" >"$work/$1.cnf"
}
# client NAME CONF HOST:PORT ARGS...: s_client under CONF (a name of cnf,
# or a path), its output in NAME.out, its exit status in NAME.rc, its
# debug trace in NAME.trace.
client() {
    local name=$1 conf=$2 target=$3 rc=0
    shift 3
    case $conf in /*) ;; *) conf=$work/$conf.cnf ;; esac
    OPENSSL_CONF=$conf TLSDEFAULTS_DEBUG=$work/$name.trace timeout 10 "$openssl" s_client \
        -connect "$target" "$@" </dev/null >"$work/$name.out" 2>&1 || rc=$?
    echo "$rc" >"$work/$name.rc"
}
show() { echo "--- $1.out:"; cat "$work/$1.out"; [ ! -s "$work/$1.trace" ] || { echo "--- $1.trace:"; cat "$work/$1.trace"; }; }
# connects NAME VERSION: a handshake completed at VERSION. s_client prints
# its session's "Protocol  :" even when refused (the version it tried,
# with "Cipher    : 0000"), so the status and a real cipher count too;
# TLS 1.3 prints the session only with a ticket, its "New," line always.
connects() {
    local name=$1 version=$2 ok=1
    [ "$(cat "$work/$name.rc")" = 0 ] || ok=0
    grep -q '^New, .*Cipher is [A-Z]' "$work/$name.out" || ok=0
    if [ "$version" = TLSv1.3 ]; then
        grep -q "^New, TLSv1.3, Cipher is TLS_" "$work/$name.out" || ok=0
    else
        grep -q "^    Protocol  : $version\$" "$work/$name.out" || ok=0
        grep -q '^    Cipher    : [A-Z]' "$work/$name.out" || ok=0
    fi
    [ "$ok" = 1 ] || { fail "$name: no $version handshake (exit $(cat "$work/$name.rc"))"; show "$name"; }
}
# refused NAME [REASON]: no handshake, and REASON in the output.
refused() {
    local name=$1 reason=${2:-}
    if [ "$(cat "$work/$name.rc")" = 0 ] || grep -q '^New, .*Cipher is [A-Z]' "$work/$name.out"; then
        fail "$name: connected, expected a refusal"; show "$name"
    elif [ -n "$reason" ] && ! grep -qF -- "$reason" "$work/$name.out"; then
        fail "$name: refused, but without \"$reason\""; show "$name"
    fi
}
# entry NAME ENTRY HOST ADDRESS: the trace names the entry that applied;
# no_entry NAME: none did.
entry() {
    grep -qF "Peers: entry $2 applies to the connection to $3 (address $4)" "$work/$1.trace" 2>/dev/null ||
        { fail "$1: no trace of entry $2 for $3 ($4)"; show "$1"; }
}
no_entry() {
    ! grep -q 'Peers: entry' "$work/$1.trace" 2>/dev/null || { fail "$1: an entry applied"; show "$1"; }
}

# The peers: TLS 1.1-only servers on two loopback addresses; a server of
# today's defaults; one that accepts TLS 1.1 beside the rest (the twin of
# the server under the module, in case 4).
server_www=0
server_hold_stdin=1
. "$(dirname "$0")/support/s_server.sh"
tls11=(-cert "$work/leaf.pem" -cert_chain "$work/intermediate.pem" -tls1_1 -cipher 'ALL:@SECLEVEL=0')
start_server tls11 "${tls11[@]}"
old1=127.0.0.1:$port
server_address=127.0.0.2 start_server tls11-b "${tls11[@]}"
old2=127.0.0.2:$port
start_server modern -cert "$work/leaf.pem" -cert_chain "$work/intermediate.pem"
modern=127.0.0.1:$port
lax=(-cert "$work/leaf.pem" -cert_chain "$work/intermediate.pem" -cipher 'ALL:@SECLEVEL=0')
start_server lax "${lax[@]}"
lax=127.0.0.1:$port

# 1. An exact name: legacy.test reaches the TLS 1.1 server, other.test
# and a policy without the entry do not.
cnf names 'legacy.test = legacy_sect
*.corp.test = legacy_sect
*.deep.corp.test = strict_sect
exact.corp.test = strict_sect'
cnf no-peers 'unrelated.test = legacy_sect'
client exact names "$old1" -servername legacy.test
connects exact TLSv1.1
entry exact legacy.test legacy.test 127.0.0.1
client other-name names "$old1" -servername other.test
refused other-name "protocol version"
no_entry other-name
client without-entry no-peers "$old1" -servername legacy.test
refused without-entry "protocol version"
no_entry without-entry
# Case and one trailing dot do not matter.
client exact-case names "$old1" -servername LEGACY.TEST.
connects exact-case TLSv1.1
entry exact-case legacy.test LEGACY.TEST. 127.0.0.1
# Enforce's floor is lowered for the entry only: a program asking for
# TLS 1.1 itself is refused for other.test, with the module's reason.
client floor-other names "$old1" -tls1_1 -cipher 'ALL:@SECLEVEL=0' -servername other.test
refused floor-other "protocol version below tlsdefaults floor (Enforce)"
client floor-entry names "$old1" -tls1_1 -cipher 'ALL:@SECLEVEL=0' -servername legacy.test
connects floor-entry TLSv1.1

# 2. *.corp.test: any name below corp.test, not corp.test itself, nor a
# name that only ends the same; the exact name, then the longest
# wildcard, win over it.
client wild-a names "$old1" -servername a.corp.test
connects wild-a TLSv1.1
entry wild-a '*.corp.test' a.corp.test 127.0.0.1
client wild-xy names "$old1" -servername x.y.corp.test
connects wild-xy TLSv1.1
entry wild-xy '*.corp.test' x.y.corp.test 127.0.0.1
client wild-apex names "$old1" -servername corp.test
refused wild-apex "protocol version"
no_entry wild-apex
client wild-suffix names "$old1" -servername acorp.test
refused wild-suffix "protocol version"
no_entry wild-suffix
client wild-longer names "$old1" -servername z.deep.corp.test
refused wild-longer "protocol version"
entry wild-longer '*.deep.corp.test' z.deep.corp.test 127.0.0.1
client wild-exact names "$old1" -servername exact.corp.test
refused wild-exact "protocol version"
entry wild-exact exact.corp.test exact.corp.test 127.0.0.1

[ "$failures" -eq 0 ] && echo "peers: all checks passed"
exit $((failures > 0))
