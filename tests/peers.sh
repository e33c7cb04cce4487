#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Peers = SECTION (issue 24) with real handshakes: openssl s_client under
# the module (Enforce = yes, TLS 1.2 floor) against TLS 1.1-only
# s_server processes without it, on 127.0.0.1 and 127.0.0.2. An entry for
# the destination is what lets the client go below the floor: the same
# handshake without a matching entry is refused. Names (exact, case and
# trailing dot, wildcards), addresses and CIDR blocks, the most specific
# entry winning; TrustStore for one destination; a server under the
# module ignores the SNI name a client sends; bad entries fail closed,
# named by tlsdefaults-info.
#
# usage: peers.sh MODULE OPENSSL_PROGRAM CERTS_TOOL INSPECTOR
set -euo pipefail
module=$1 openssl=$2 certs_tool=$3 inspector=$4
work=$(mktemp -d)
servers=()
trap 'for s in "${servers[@]}"; do kill "$s" 2>/dev/null || true; done; [ -n "${TLSD_KEEP:-}" ] || rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
"$certs_tool" "$work" >/dev/null

# The system's store of the clients: the test root.
export SSL_CERT_FILE=$work/root.pem

# cnf NAME ENTRIES [LEGACY_EXTRA] [PEERS] [SECTIONS]: Enforce = yes,
# Peers = PEERS (default peers) holding ENTRIES, then SECTIONS.
# legacy_sect allows TLS 1.1 (OpenSSL 3 needs level 0 for it) and holds
# LEGACY_EXTRA, strict_sect does not (TLS 1.3 only): the outcome against
# a TLS 1.1 server tells which entry applied.
cnf() {
    printf '%s\n' "openssl_conf = openssl_init" "[openssl_init]" "tlsdefaults = tlsd" "[tlsd]" \
        "path = $module" "AuditLog = $work/audit.log" "Enforce = yes" "Peers = ${4:-peers}" \
        "[peers]" "$2" "[legacy_sect]" "MinProtocol = TLSv1.1" "CipherString = DEFAULT:@SECLEVEL=0" \
        "${3:-}" "[strict_sect]" "MinProtocol = TLSv1.3" "${5:-}" >"$work/$1.cnf"
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
# refused NAME [REASON]: s_client failed, REASON in its output. (A TLS 1.3
# handshake refused at the server's certificate has its "New," line with
# the suite of the ServerHello: not a sign of success.)
refused() {
    local name=$1 reason=${2:-}
    if [ "$(cat "$work/$name.rc")" = 0 ]; then
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
lax_args=(-cert "$work/leaf.pem" -cert_chain "$work/intermediate.pem" -cipher 'ALL:@SECLEVEL=0')
start_server lax "${lax_args[@]}"
lax=127.0.0.1:$port
start_server private -cert "$work/other-leaf.pem"
private=127.0.0.1:$port

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

# 3. Addresses: the connected peer's address, with or without an SNI name;
# a /32 of another address, or another address, does not match; a CIDR
# block does, the longest prefix winning; a host entry wins over an
# address entry, in either direction.
cnf address '127.0.0.2 = legacy_sect
strict.test = strict_sect'
client address-nosni address "$old2" -noservername
connects address-nosni TLSv1.1
entry address-nosni 127.0.0.2 '(no name)' 127.0.0.2
client address-default address "$old2"
connects address-default TLSv1.1
entry address-default 127.0.0.2 '(no name)' 127.0.0.2
client address-host-wins address "$old2" -servername strict.test
refused address-host-wins "protocol version"
entry address-host-wins strict.test strict.test 127.0.0.2
cnf host-wins 'legacy.test = legacy_sect
127.0.0.2 = strict_sect'
client host-wins host-wins "$old2" -servername legacy.test
connects host-wins TLSv1.1
entry host-wins legacy.test legacy.test 127.0.0.2
client host-wins-nosni host-wins "$old2" -noservername
refused host-wins-nosni "protocol version"
entry host-wins-nosni 127.0.0.2 '(no name)' 127.0.0.2
cnf other-address '127.0.0.3 = legacy_sect
127.0.0.1/32 = legacy_sect'
client other-address other-address "$old2" -noservername
refused other-address "protocol version"
no_entry other-address
client other-address-own other-address "$old1" -noservername
connects other-address-own TLSv1.1
entry other-address-own 127.0.0.1/32 '(no name)' 127.0.0.1
# IPv6 is written escaped in OpenSSL's configuration syntax.
cnf cidr '127.0.0.0/30 = legacy_sect
127.0.0.0/31 = strict_sect
2001\:db8\:\:/32 = legacy_sect'
client cidr cidr "$old2" -noservername
connects cidr TLSv1.1
entry cidr 127.0.0.0/30 '(no name)' 127.0.0.2
client cidr-longest cidr "$old1" -noservername
refused cidr-longest "protocol version"
entry cidr-longest 127.0.0.0/31 '(no name)' 127.0.0.1

# 4. A server under the module: the SNI name and the address it comes
# from are the client's to choose, so an entry never lowers the server's
# floor, neither by name nor by the client's address (127.0.0.0/8 holds
# every client here). Its twin without the module, with the same
# arguments, serves the same TLS 1.1 client.
cnf server 'legacy.test = legacy_sect
127.0.0.0/8 = legacy_sect'
server_conf=$work/server.cnf TLSDEFAULTS_DEBUG=$work/under-module.trace start_server under-module "${lax_args[@]}"
under_module=127.0.0.1:$port
client server-tls11 /dev/null "$under_module" -tls1_1 -cipher 'ALL:@SECLEVEL=0' -servername legacy.test
refused server-tls11 "protocol version"
client server-tls11-twin /dev/null "$lax" -tls1_1 -cipher 'ALL:@SECLEVEL=0' -servername legacy.test
connects server-tls11-twin TLSv1.1
client server-modern /dev/null "$under_module" -servername legacy.test
connects server-modern TLSv1.3
grep -q 'unsupported protocol' "$work/under-module.log" || { fail "under-module: no version refusal in its log"; cat "$work/under-module.log"; }
! grep -q 'Peers: entry' "$work/under-module.trace" || { fail "under-module: an entry applied to a server"; cat "$work/under-module.trace"; }
grep -q 'tlsdefaults' "$work/under-module.trace" || fail "under-module: no debug trace: was the module loaded?"

# 5. Bad input fails closed, naming the entry: tlsdefaults-info reports it
# (exit 1), and s_client under it reaches nothing, not even the server of
# today's defaults that the same configuration without the bad entry
# reaches.
info() { # NAME WANT TEXT...
    local name=$1 want=$2 got=0
    shift 2
    "$inspector" --config "$work/$name.cnf" >"$work/$name.info" 2>&1 || got=$?
    [ "$got" -eq "$want" ] || { fail "$name: tlsdefaults-info exit $got, expected $want"; cat "$work/$name.info"; }
    for text in "$@"; do
        grep -qF -- "$text" "$work/$name.info" || { fail "$name: no \"$text\" in:"; cat "$work/$name.info"; }
    done
}
cnf good 'legacy.test = legacy_sect'
info good 0
client good good "$modern" -servername other.test
connects good TLSv1.3
bad() { # NAME TEXT...: the bad configuration NAME refuses TLS, its error names TEXT
    local name=$1
    shift
    info "$name" 1 "every TLS handshake of a program using this configuration is refused" "$@"
    client "$name" "$name" "$modern" -servername other.test
    refused "$name" "tlsdefaults configuration is invalid, TLS refused"
    for text in "$@"; do
        grep -qF -- "$text" "$work/$name.out" || { fail "$name: s_client's error without \"$text\""; show "$name"; }
    done
}
cnf bad-empty-label 'legacy..test = legacy_sect'
bad bad-empty-label "key=legacy..test" "not a host name, an IP address or a CIDR block"
cnf bad-wildcard '*foo.test = legacy_sect'
bad bad-wildcard "key=*foo.test" "a wildcard is written *.DOMAIN"
cnf bad-cidr '192.0.2.1/24 = legacy_sect'
bad bad-cidr "key=192.0.2.1/24" "address has bits set past its prefix"
cnf bad-partial-address '10.1 = legacy_sect'
bad bad-partial-address "key=10.1" "not a full IPv4 address"
cnf bad-section 'legacy.test = nosuch_sect'
bad bad-section "key=legacy.test value=nosuch_sect" "no section nosuch_sect"
cnf bad-peers 'legacy.test = legacy_sect' '' nosuch_peers
bad bad-peers "key=Peers value=nosuch_peers" "no such section"
cnf bad-twice 'legacy.test = legacy_sect
LEGACY.test. = legacy_sect'
bad bad-twice "key=LEGACY.test.: the same destination as key=legacy.test"
cnf bad-enforce 'legacy.test = legacy_sect' 'Enforce = no'
bad bad-enforce "key cannot apply to one destination (Peers)" "section legacy_sect (peer legacy.test): key=Enforce"
cnf bad-audit 'legacy.test = legacy_sect' 'Audit = yes'
bad bad-audit "key cannot apply to one destination (Peers)" "section legacy_sect (peer legacy.test): key=Audit"

# 6. TrustStore per destination: a client that verifies but loads no CA
# of its own (s_client -no-CAfile -no-CApath -no-CAstore) gets the
# policy's store (the system's: the test root), which does not know the
# private root of this server; the entry for its name brings that root.
cnf trust 'localhost = private_sect' '' peers "[private_sect]
TrustStore = $work/other-root.pem"
cnf no-trust 'unrelated.test = private_sect' '' peers "[private_sect]
TrustStore = $work/other-root.pem"
careless=(-verify_return_error -no-CAfile -no-CApath -no-CAstore -servername localhost)
client trust trust "$private" "${careless[@]}"
connects trust TLSv1.3
grep -q '^Verify return code: 0 (ok)' "$work/trust.out" || { fail "trust: not verified"; show trust; }
entry trust localhost localhost 127.0.0.1
client no-trust no-trust "$private" "${careless[@]}"
refused no-trust "certificate verify failed"
grep -q '^Verify return code: 20 ' "$work/no-trust.out" || { fail "no-trust: not X509 error 20"; show no-trust; }
no_entry no-trust

[ "$failures" -eq 0 ] && echo "peers: all checks passed"
exit $((failures > 0))
