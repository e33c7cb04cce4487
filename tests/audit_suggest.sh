#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tlsdefaults-info --audit-report LOG --suggest, end to end: openssl
# s_client under Enforce = yes and Audit = yes, against a self-signed
# server under four SNI names (VerifyPeer:verification-off: four peers,
# too many for the Peers form) and a TLS 1.1 server (Enforce:version-below-floor,
# Enforce:cipher-not-allowed), logs refusals to an AuditLog file. The
# suggestion, appended as is to the configuration, exempts exactly that:
# the same clients again leave no refusal line (and the log had them
# before: the negative control). A configuration that already has a
# Programs entry for the program gets that section continued, its other
# keys kept. The Peers form (a program whose refusals are all as a client
# for at most three destinations) is checked as text here, its copies of
# the Peers entries a program has, and each case that falls back to the
# whole program's entry; its round trip is audit_suggest_peers.sh.
#
# usage: audit_suggest.sh INSPECTOR MODULE OPENSSL_PROGRAM CERTS_TOOL
set -euo pipefail
inspector=$1 module=$2 openssl=$3 certs_tool=$4
work=$(mktemp -d)
servers=()
stop() { local s; for s in "${servers[@]}"; do kill "$s" 2>/dev/null || true; done; rm -rf "$work"; }
trap stop EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$certs_tool" "$work" >/dev/null

# start_server NAME ARGS...: sets port.
. "$(dirname "$0")/support/s_server.sh"
start_server self -cert "$work/selfsigned.pem"
self_port=$port
start_server old -cert "$work/leaf.pem" -cert_chain "$work/intermediate.pem" -tls1_1 -cipher 'ALL:@SECLEVEL=0'
old_port=$port

# clients CONFIG: the same connections each time.
clients() {
    local cnf=$1 name
    for name in a.test b.test c.test d.test; do
        OPENSSL_CONF=$cnf TLSDEFAULTS_DEBUG='' timeout 20 "$openssl" s_client -connect "127.0.0.1:$self_port" \
            -servername "$name" </dev/null >"$work/client.log" 2>&1 || { cat "$work/client.log"; fail "s_client $name"; }
    done
    OPENSSL_CONF=$cnf TLSDEFAULTS_DEBUG='' timeout 20 "$openssl" s_client -connect "127.0.0.1:$old_port" \
        -servername localhost -tls1_1 -cipher 'ALL:@SECLEVEL=0' -CAfile "$work/root.pem" </dev/null \
        >"$work/client.log" 2>&1 || { cat "$work/client.log"; fail "s_client TLS 1.1"; }
}

# round_trip NAME CONFIG: clients, suggestion appended, clients again.
round_trip() {
    local name=$1 cnf=$2 log=$work/$1.log
    rm -f "$log" # the module makes it, private (a file of ours it would refuse)
    clients "$cnf"
    cat "$log"
    [ "$(grep -c ' audit program=openssl ' "$log")" -eq 5 ] || fail "$name: expected 5 refusals before"
    "$inspector" --audit-report "$log" --suggest --config "$cnf" >"$work/$name.suggest" ||
        fail "$name: --suggest exit $?"
    cat "$work/$name.suggest"
    grep -q '^# 5 connections: ' "$work/$name.suggest" || fail "$name: no count comment"
    cat "$work/$name.suggest" >>"$cnf"
    "$inspector" --config "$cnf" --program openssl >"$work/$name.inspect" ||
        { cat "$work/$name.inspect"; fail "$name: the appended configuration is broken"; }
    rm -f "$log" # the module makes it, private (a file of ours it would refuse)
    clients "$cnf"
    if grep ' audit ' "$log"; then fail "$name: refusals after the suggestion"; fi
}

printf 'openssl_conf = openssl_init\n[openssl_init]\ntlsdefaults = sect\n[sect]\npath = %s\nEnforce = yes\nAudit = yes\nAuditLog = %s\n' \
    "$module" "$work/fresh.log" >"$work/fresh.cnf"
round_trip fresh "$work/fresh.cnf"
grep -q '^\[sect\]$' "$work/fresh.suggest" || fail "fresh: the module section is not continued"
grep -q '^Programs = tlsd_suggested_programs$' "$work/fresh.suggest" || fail "fresh: no Programs key"
grep -q '^openssl = tlsd_suggested_openssl$' "$work/fresh.suggest" || fail "fresh: no entry"
for key in 'VerifyPeer = no' 'MinProtocol = TLSv1.1'; do
    grep -qx "$key" "$work/fresh.suggest" || fail "fresh: no $key"
done
grep -Eq '^CipherString = .*:ECDHE-RSA-AES256-SHA:@SECLEVEL=0$' "$work/fresh.suggest" || fail "fresh: CipherString"
grep -Eq '^  MinProtocol .*section tlsd_suggested_openssl \(program openssl\)' "$work/fresh.inspect" ||
    { cat "$work/fresh.inspect"; fail "fresh: the program's policy is not the suggestion's"; }

# A Programs entry of its own: its section is continued, nothing added to
# the Programs section, its other keys kept.
printf 'openssl_conf = openssl_init\n[openssl_init]\ntlsdefaults = sect\n[sect]\npath = %s\nEnforce = yes\nAudit = yes\nAuditLog = %s\nPrograms = progs\n[progs]\nopenssl = mine\n[mine]\nMaxProtocol = TLSv1.2\n' \
    "$module" "$work/own.log" >"$work/own.cnf"
round_trip own "$work/own.cnf"
grep -q '^\[mine\]$' "$work/own.suggest" || fail "own: the program's section is not continued"
grep -q 'tlsd_suggested_programs\|^openssl = ' "$work/own.suggest" && fail "own: an entry added"
grep -Eq '^  MaxProtocol +TLSv1.2 +\(section mine \(program openssl\)\)' "$work/own.inspect" ||
    { cat "$work/own.inspect"; fail "own: the section's own key lost"; }
grep -Eq '^  MinProtocol .*section mine \(program openssl\)' "$work/own.inspect" || fail "own: the suggestion not in effect"

# Few destinations, all as a client: a Peers entry each, the program's
# section holding only Peers (the round trip: audit_suggest_peers.sh).
# Names as the engine matches them (one destination in any case), an
# address without its port, IPv6 escaped for openssl.cnf.
{
    echo 'tlsdefaults[9]: audit program=nginx pid=9 role=client peer=backend.example reasons=VerifyPeer:unverified x509_error=18 x509_text="self-signed certificate"'
    echo 'tlsdefaults[9]: audit program=nginx pid=9 role=client peer=Backend.Example. reasons=VerifyPeer:unverified x509_error=18 x509_text="self-signed certificate"'
    echo 'tlsdefaults[9]: audit program=nginx pid=9 role=client peer=legacy.example reasons=HostnameCheck:mismatch x509_error=62 x509_text="hostname mismatch"'
    echo 'tlsdefaults[9]: audit program=nginx pid=9 role=client peer=[2001:db8::1]:443 reasons=VerifyPeer:unverified x509_error=18 x509_text="self-signed certificate"'
} >"$work/peers.log"
"$inspector" --audit-report "$work/peers.log" --suggest --config "$work/fresh.cnf" >"$work/peers.suggest" ||
    fail "peers: --suggest exit $?"
cat "$work/peers.suggest"
# sections FILE: a Python dict of the file's sections, their lines.
sections='
import re, sys
text = open(sys.argv[1]).read()
sections = {}
for block in re.split(r"\n(?=\[)", text):
    head = re.match(r"\[([^\]]+)\]\n", block)
    if head:
        sections[head.group(1)] = [l for l in block.splitlines()[1:] if l]
keys = lambda s: [l for l in sections[s] if not l.startswith("#")]
'
python3 -c "$sections"'
assert "nginx = tlsd_suggested_nginx" in sections["tlsd_suggested_programs"], sections
assert sections["tlsd_suggested_nginx"][0] == "# 4 connections: VerifyPeer:unverified 3, HostnameCheck:mismatch 1", sections
assert keys("tlsd_suggested_nginx") == ["Peers = tlsd_suggested_nginx.peers"], sections
assert sections["tlsd_suggested_nginx.peers"] == ["backend.example = tlsd_suggested_nginx.peer1",
                                                  "legacy.example = tlsd_suggested_nginx.peer2",
                                                  r"2001\:db8\:\:1 = tlsd_suggested_nginx.peer3"], sections
assert sections["tlsd_suggested_nginx.peer1"] == ["# 2 connections: VerifyPeer:unverified 2",
                                                  "VerifyPeer = no"], sections
assert sections["tlsd_suggested_nginx.peer2"] == ["# 1 connection: HostnameCheck:mismatch 1",
                                                  "HostnameCheck = no"], sections
assert sections["tlsd_suggested_nginx.peer3"] == ["# 1 connection: VerifyPeer:unverified 1",
                                                  "VerifyPeer = no"], sections
print("Peers form checked")
' "$work/peers.suggest" || fail "peers: the Peers form"
# Appended, the module reads it.
cp "$work/fresh.cnf" "$work/peers.cnf"
cat "$work/peers.suggest" >>"$work/peers.cnf"
"$inspector" --config "$work/peers.cnf" --program nginx >"$work/peers.inspect" ||
    { cat "$work/peers.inspect"; fail "peers: the appended configuration is broken"; }

# A program section with its own Peers, and sections of the suggestion's
# names taken already: the entries copied, the names made unique; a.example
# was refused under *.example: its keys copied, its VerifyFlags kept and
# edited after; b.example has an entry of its own now (written in another
# case, the log older): it is replaced, its keys copied.
printf 'openssl_conf = openssl_init\n[openssl_init]\ntlsdefaults = sect\n[sect]\npath = %s\nAudit = yes\nPrograms = progs\n[progs]\nnginx = mine\n[mine]\nPeers = mine_peers\n[mine_peers]\n*.example = wide\nB.Example = exact_b\n[wide]\nVerifyFlags = +CRLCheck\n[exact_b]\nMaxProtocol = TLSv1.3\n[tlsd_suggested_nginx.peers]\n[tlsd_suggested_nginx.peer1]\n' \
    "$module" >"$work/own_peers.cnf"
{
    echo 'tlsdefaults[9]: audit program=nginx pid=9 role=client peer=a.example reasons=VerifyFlags:failed x509_error=85 x509_text="missing Authority Key Identifier" peer_entry=*.example'
    echo 'tlsdefaults[9]: audit program=nginx pid=9 role=client peer=b.example reasons=VerifyPeer:unverified x509_error=18 x509_text="self-signed certificate"'
} >"$work/own_peers.log"
"$inspector" --audit-report "$work/own_peers.log" --suggest --config "$work/own_peers.cnf" >"$work/own_peers.suggest" ||
    fail "own_peers: --suggest exit $?"
cat "$work/own_peers.suggest"
python3 -c "$sections"'
assert keys("mine") == ["Peers = tlsd_suggested_nginx.peers_2"], sections
assert keys("tlsd_suggested_nginx.peers_2") == ["*.example = wide", "a.example = tlsd_suggested_nginx.peer1_2",
                                                "b.example = tlsd_suggested_nginx.peer2"], sections
assert keys("tlsd_suggested_nginx.peer1_2") == ["VerifyFlags = +CRLCheck,-X509Strict"], sections
assert keys("tlsd_suggested_nginx.peer2") == ["MaxProtocol = TLSv1.3", "VerifyPeer = no"], sections
print("own Peers copied")
' "$work/own_peers.suggest" || fail "own_peers: the Peers form"
cat "$work/own_peers.suggest" >>"$work/own_peers.cnf"
"$inspector" --config "$work/own_peers.cnf" --program nginx >"$work/own_peers.inspect" ||
    { cat "$work/own_peers.inspect"; fail "own_peers: the appended configuration is broken"; }

# whole_program NAME WHY FIELDS: what Peers entries cannot exempt gets the
# program's own entry, saying why.
whole_program() {
    local name=$1 why=$2 fields=$3
    echo "tlsdefaults[9]: audit program=$name pid=9 $fields" >"$work/$name.log"
    "$inspector" --audit-report "$work/$name.log" --suggest --config "$work/fresh.cnf" >"$work/$name.suggest" ||
        fail "$name: --suggest exit $?"
    cat "$work/$name.suggest"
    grep -qF "# For the whole program, not Peers entries: $why" "$work/$name.suggest" || fail "$name: not \"$why\""
    if grep -q '^Peers = ' "$work/$name.suggest"; then fail "$name: a Peers key"; fi
}
whole_program level "Enforce (for a.example) is the whole policy's" \
    'role=client peer=a.example reasons=Enforce:below-security-level peer_key=RSA-1024'
whole_program server "it was refused as a server, and Peers entries apply to client connections only" \
    'role=server peer=a.example reasons=VerifyPeer:unverified x509_error=18 x509_text="self-signed certificate"'
whole_program nowhere "a peer of its refusals is neither a host name nor an IP address" \
    'role=client peer=unknown reasons=VerifyPeer:unverified x509_error=18 x509_text="self-signed certificate"'
whole_program gone "the Peers entry *.example its refusals for a.example were under is not in the configuration now" \
    'role=client peer=a.example reasons=VerifyPeer:unverified x509_error=18 x509_text="self-signed certificate" peer_entry=*.example'
# A forged line cannot write configuration: names openssl.cnf cannot
# hold stay comments, and a cipher name with '$' is left out.
# shellcheck disable=SC2016 # the $ is the forgery
echo 'tlsdefaults[9]: audit program=a$b pid=9 role=client peer=x reasons=CipherString:cipher-not-allowed cipher=X$Y' >"$work/forged.log"
"$inspector" --audit-report "$work/forged.log" --suggest --config "$work/fresh.cnf" >"$work/forged.suggest"
cat "$work/forged.suggest"
grep -v '^#' "$work/forged.suggest" | grep -qF '$' && fail "forged: a \$ outside comments"
grep -q '^\[tlsd_suggested_a' "$work/forged.suggest" && fail "forged: a section no entry leads to"
status=0; "$inspector" --audit-report /dev/null --suggest >/dev/null || status=$?
[ $status -eq 1 ] || fail "empty log: exit $status"
echo "audit_suggest: all checks passed"
