#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tlsdefaults-info --audit-report LOG --suggest, the Peers form end to end
# (issue 25 item 5, issue 24's Peers): openssl s_client under Enforce = yes,
# VerifyPeer = force and Audit = yes is logged as refused for three
# destinations only, while a fourth connects cleanly:
#   legacy.test  a TLS 1.1 server (version and cipher below the floor,
#                and a certificate for localhost: unverified for that name)
#   self.test    a self-signed server (unverified)
#   127.0.0.2    a self-signed server reached without a server name (the
#                log's peer= is ADDRESS:PORT, the entry the address)
#   localhost    a good server (no line)
# The suggestion must be Peers entries naming exactly those three, with no
# key in the program's own section but Peers. Enforced (Audit removed),
# the configuration as it was refuses the three (the negative control of
# the round trip); with the suggestion appended as is, the same clients
# connect, and a destination the log did not show (other.test, the same
# self-signed server as self.test) is still refused: the entries, not the
# program, are exempt. With Audit on again (and Inventory = yes), the three
# leave no refusal line, their inventory lines name their suggested
# entries, and other.test is logged.
# Run twice: on a configuration without Peers, and on one whose module
# section has Peers (a wildcard entry for *.test, under which legacy.test,
# self.test and other.test are refused, and an entry for an address block):
# the program's own Peers replaces the module section's, so the suggestion
# copies its entries, and a destination's section copies the keys of the
# entry it was refused under.
#
# usage: audit_suggest_peers.sh INSPECTOR MODULE OPENSSL_PROGRAM CERTS_TOOL
set -euo pipefail
inspector=$1 module=$2 openssl=$3 certs_tool=$4
work=$(mktemp -d)
servers=()
stop() { local s; for s in "${servers[@]}"; do kill "$s" 2>/dev/null || true; done; rm -rf "$work"; }
trap stop EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$certs_tool" "$work" >/dev/null

# start_server NAME ARGS...: sets port (on 127.0.0.1).
. "$(dirname "$0")/support/s_server.sh"
start_server self -cert "$work/selfsigned.pem"
self_port=$port
start_server old -cert "$work/leaf.pem" -cert_chain "$work/intermediate.pem" -tls1_1 -cipher 'ALL:@SECLEVEL=0'
old_port=$port
start_server good -cert "$work/leaf.pem" -cert_chain "$work/intermediate.pem"
good_port=$port
# The same self-signed server on another loopback address.
server_address=127.0.0.2 start_server addr -cert "$work/selfsigned.pem"
addr_port=$port

# client NAME CONFIG ARGS...: one s_client under CONFIG; its output in
# $work/NAME.out; returns s_client's status.
client() {
    local name=$1 cnf=$2
    shift 2
    OPENSSL_CONF=$cnf TLSDEFAULTS_DEBUG='' timeout 20 "$openssl" s_client "$@" </dev/null >"$work/$name.out" 2>&1
}
# clients CONFIG: the same four connections each time; each must succeed.
clients() {
    local cnf=$1
    client legacy "$cnf" -connect "127.0.0.1:$old_port" -servername legacy.test -tls1_1 \
        -cipher 'ALL:@SECLEVEL=0' -CAfile "$work/root.pem" || { cat "$work/legacy.out"; fail "s_client legacy.test"; }
    client self "$cnf" -connect "127.0.0.1:$self_port" -servername self.test ||
        { cat "$work/self.out"; fail "s_client self.test"; }
    client addr "$cnf" -connect "127.0.0.2:$addr_port" -noservername ||
        { cat "$work/addr.out"; fail "s_client 127.0.0.2"; }
    client good "$cnf" -connect "127.0.0.1:$good_port" -servername localhost -CAfile "$work/root.pem" ||
        { cat "$work/good.out"; fail "s_client localhost"; }
}
# refused WHY NAME CONFIG ARGS...: a client the policy refuses, its
# output matching WHY.
refused() {
    local why=$1 name=$2
    shift
    if client "$@"; then cat "$work/$name.out"; fail "$name connected under $2"; fi
    grep -q "$why" "$work/$name.out" || { cat "$work/$name.out"; fail "$name: refused, but not for $why"; }
}
# The floor: the guard's, or (under an entry, whose bounds go on the
# connection over the client's -tls1_1) the server's alert.
floor='below tlsdefaults floor (Enforce)\|alert protocol version'
unverified='certificate verify failed' # VerifyPeer = force
# refusals LOG PEER: the audit lines for PEER.
refusals() { grep -c " audit program=openssl .* peer=$2 " "$1" || true; }

# round_trip NAME CONFIG: clients, the suggestion, appended, clients again.
round_trip() {
    local name=$1 cnf=$2 log=$work/$1.log suggest=$work/$1.suggest
    rm -f "$log" # the module makes it, private (a file of ours it would refuse)
    clients "$cnf"
    cat "$log"
    [ "$(refusals "$log" legacy.test)" -eq 1 ] || fail "$name: legacy.test not refused before"
    [ "$(refusals "$log" self.test)" -eq 1 ] || fail "$name: self.test not refused before"
    [ "$(refusals "$log" "127.0.0.2:$addr_port")" -eq 1 ] || fail "$name: 127.0.0.2 not refused before"
    [ "$(grep -c ' audit ' "$log")" -eq 3 ] || fail "$name: expected 3 refusals before (localhost is fine)"
    "$inspector" --audit-report "$log" --suggest --config "$cnf" >"$suggest" || fail "$name: --suggest exit $?"
    cat "$suggest"
    python3 - "$suggest" "$name" <<'PY' || fail "$name: not the Peers form"
import re, sys
text, name = open(sys.argv[1]).read(), sys.argv[2]
sections = {}
for block in re.split(r"\n(?=\[)", text):
    head = re.match(r"\[([^\]]+)\]\n", block)
    if head:
        sections.setdefault(head.group(1), []).extend(l for l in block.splitlines()[1:] if l)
keys = lambda s: [l for l in sections[s] if not l.startswith("#")]
assert keys("tlsd_suggested_programs") == ["openssl = tlsd_suggested_openssl"], sections
prog = sections["tlsd_suggested_openssl"]
assert prog[0].startswith("# 3 connections: "), prog
assert keys("tlsd_suggested_openssl") == ["Peers = tlsd_suggested_openssl.peers"], prog  # no whole-program key
entries = dict(l.split(" = ") for l in keys("tlsd_suggested_openssl.peers"))
ours = {"legacy.test", "self.test", "127.0.0.2"}
if name == "merge":
    # The module section's entries for other destinations, copied.
    assert entries.pop("*.test") == "wild_test" and entries.pop("192.0.2.0/24") == "doc_net", entries
assert set(entries) == ours, entries
by = {d: keys(s) for d, s in entries.items()}
copied = ["MaxProtocol = TLSv1.3"] if name == "merge" else []
assert by["self.test"] == copied + ["VerifyPeer = no"], by
assert by["127.0.0.2"] == ["VerifyPeer = no"], by
legacy = by["legacy.test"]
assert legacy[:len(copied)] == copied and "VerifyPeer = no" in legacy and "MinProtocol = TLSv1.1" in legacy, by
assert any(re.fullmatch(r"CipherString = .*:ECDHE-RSA-AES256-SHA:@SECLEVEL=0", l) for l in legacy), by
for d, s in entries.items():
    assert re.match(r"# 1 connection: ", sections[s][0]), sections[s]
print(name + ": Peers entries for exactly", sorted(ours))
PY
    # The negative control of the whole round trip: enforced (no Audit),
    # the configuration as it was refuses the three.
    sed '/^Audit = yes$/d' "$cnf" >"$work/$name-enforced.cnf"
    refused "$floor" legacy "$work/$name-enforced.cnf" -connect "127.0.0.1:$old_port" -servername legacy.test -tls1_1 \
        -cipher 'ALL:@SECLEVEL=0' -CAfile "$work/root.pem"
    refused "$unverified" self "$work/$name-enforced.cnf" -connect "127.0.0.1:$self_port" -servername self.test
    refused "$unverified" addr "$work/$name-enforced.cnf" -connect "127.0.0.2:$addr_port" -noservername

    cat "$suggest" >>"$cnf"
    "$inspector" --config "$cnf" --program openssl >"$work/$name.inspect" ||
        { cat "$work/$name.inspect"; fail "$name: the appended configuration is broken"; }

    # Again, Audit on: no refusal line for the three, each connected under
    # its suggested entry (its inventory line names it); a destination the
    # log did not show (the same server as self.test) is still refused.
    rm -f "$log"
    clients "$cnf"
    client other "$cnf" -connect "127.0.0.1:$self_port" -servername other.test ||
        { cat "$work/other.out"; fail "$name: s_client other.test"; }
    cat "$log"
    for peer in legacy.test self.test "127.0.0.2:$addr_port"; do
        [ "$(refusals "$log" "$peer")" -eq 0 ] || fail "$name: $peer refused after the suggestion"
        grep -q " inventory program=openssl .* peer=$peer .* peer_entry=${peer%:*}\$" "$log" ||
            fail "$name: $peer not under its suggested entry"
    done
    [ "$(refusals "$log" other.test)" -eq 1 ] || fail "$name: other.test not refused (the control)"
    # Under no entry, or (merge) the module section's *.test, copied.
    case $name in fresh) control='x509_text="self-signed certificate"$' ;; *) control=' peer_entry=\*\.test$' ;; esac
    grep ' audit .* peer=other.test ' "$log" | grep -q "$control" || fail "$name: other.test not under the entry it had"
    [ "$(grep -c ' audit ' "$log")" -eq 1 ] || fail "$name: refusals after the suggestion"

    # Enforced (no Audit): the three connect, other.test is refused.
    sed -i '/^Audit = yes$/d' "$cnf"
    rm -f "$log"
    clients "$cnf"
    refused "$unverified" other "$cnf" -connect "127.0.0.1:$self_port" -servername other.test
}

base='openssl_conf = openssl_init\n[openssl_init]\ntlsdefaults = sect\n[sect]\npath = %s\nEnforce = yes\nVerifyPeer = force\nAudit = yes\nInventory = yes\nAuditLog = %s\n'
# shellcheck disable=SC2059 # the format is ours
printf "$base" "$module" "$work/fresh.log" >"$work/fresh.cnf"
round_trip fresh "$work/fresh.cnf"

# shellcheck disable=SC2059
printf "${base}Peers = module_peers\n[module_peers]\n*.test = wild_test\n192.0.2.0/24 = doc_net\n[wild_test]\nMaxProtocol = TLSv1.3\n[doc_net]\nVerifyPeer = no\n" \
    "$module" "$work/merge.log" >"$work/merge.cnf"
round_trip merge "$work/merge.cnf"
grep -q '^# Its Peers is module_peers now; the Peers below replaces it' "$work/merge.suggest" || fail "merge: no word of the copied Peers"
grep -c '^# Under the Peers entry \*\.test (section wild_test) before' "$work/merge.suggest" | grep -qx 2 ||
    fail "merge: the sections of legacy.test and self.test do not say whose keys they copy"
echo "audit_suggest_peers: all checks passed"
