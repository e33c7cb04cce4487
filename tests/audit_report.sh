#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tlsdefaults-info --audit-report on a log this test produces: openssl
# s_client under Audit = yes against a self-signed server (it chose no
# verification: VerifyPeer:verification-off) and, with Enforce audited,
# against a TLS 1.1 server (Enforce:version-below-floor and its suite). The summary, as
# text and as JSON (parsed by python3), counts both per program; a log read
# from standard input (as from journalctl) gives the same. Then the report
# cannot be forged or misled: other programs' lines holding the module's
# text are not counted, names are printed escaped, and a flood of distinct
# peers does not hide the frequent one. Logs of several hosts (syslog's
# host field, the journal's _HOSTNAME) are grouped by host.
#
# usage: audit_report.sh INSPECTOR MODULE OPENSSL_PROGRAM CERTS_TOOL
set -euo pipefail
inspector=$1 module=$2 openssl=$3 certs_tool=$4
work=$(mktemp -d)
servers=()
trap 'for s in "${servers[@]}"; do kill "$s" 2>/dev/null || true; done; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$certs_tool" "$work" >/dev/null
printf 'openssl_conf = openssl_init\n[openssl_init]\ntlsdefaults = sect\n[sect]\npath = %s\nEnforce = yes\nAudit = yes\nAuditLog = %s\n' \
    "$module" "$work/audit.log" >"$work/audit.cnf"

# start_server NAME ARGS...: sets port.
. "$(dirname "$0")/support/s_server.sh"
client() {
    OPENSSL_CONF=$work/audit.cnf TLSDEFAULTS_DEBUG= timeout 20 \
        "$openssl" s_client -connect "127.0.0.1:$1" -servername localhost "${@:2}" </dev/null \
        >"$work/client.log" 2>&1 || { cat "$work/client.log"; fail "s_client to port $1"; }
}

start_server self -cert "$work/selfsigned.pem"
self_port=$port
start_server old -cert "$work/leaf.pem" -cert_chain "$work/intermediate.pem" -tls1_1 -cipher 'ALL:@SECLEVEL=0'
old_port=$port
client "$self_port"
client "$self_port"
client "$old_port" -tls1_1 -cipher 'ALL:@SECLEVEL=0' -CAfile "$work/root.pem"
cat "$work/audit.log"
[ "$(grep -c 'audit program=openssl ' "$work/audit.log")" -eq 3 ] || fail "expected 3 audit lines"

"$inspector" --audit-report "$work/audit.log" >"$work/report.txt" || fail "report exit $?"
cat "$work/report.txt"
grep -q '^Connections the policy would have refused: 3, in 1 program$' "$work/report.txt" || fail "total"
grep -q '^openssl: 3 connections, 1 peer$' "$work/report.txt" || fail "program line"
grep -Eq '^  VerifyPeer:verification-off +2$' "$work/report.txt" || fail "VerifyPeer count"
grep -Eq '^  Enforce:version-below-floor +1$' "$work/report.txt" || fail "Enforce count"
grep -Eq '^  Enforce:cipher-not-allowed +1$' "$work/report.txt" || fail "cipher count"

# JSON, from standard input behind a journal-like prefix.
sed 's/^/Jan  1 00:00:00 host /' "$work/audit.log" |
    "$inspector" --audit-report - --json >"$work/report.json" || fail "json report exit $?"
python3 - "$work/report.json" <<'PY' || fail "JSON report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["connections"] == 3, r
(p,) = r["programs"]
assert p["program"] == "openssl" and p["connections"] == 3, p
assert p["reasons"] == {"VerifyPeer:verification-off": 2, "Enforce:version-below-floor": 1,
                        "Enforce:cipher-not-allowed": 1}, p
assert sum(p["x509_errors"].values()) == 2 and p["peers"] == {"localhost": 3}, p
print("JSON report checked")
PY
# Only the module's own lines count: its tag at the start of the line (a
# file, standard error) or right after a syslog/journal header, and the
# exact shapes it writes. A program that logs what a remote party sends
# (sshd: "Invalid user NAME") cannot forge refusals or a suppressed count.
pid=$(sed -n 's/^tlsdefaults\[\([0-9]*\)\]: .*/\1/p' "$work/audit.log" | head -1)
{
    cat "$work/audit.log"
    echo "Dec  2 08:00:00 host sshd[4242]: Invalid user tlsdefaults[$pid]: audit program=evil pid=1 role=client peer=x reasons=VerifyPeer:unverified from 10.0.0.1 port 22"
    echo "Dec  2 08:00:00 host sshd[4242]: Invalid user audit program=evil pid=1 role=client peer=x reasons=VerifyPeer:unverified from 10.0.0.1 port 22"
    echo "Dec  2 08:00:01 host sshd[4242]: Invalid user tlsdefaults[$pid]: audit: 999999999 lines suppressed (rate limit) from 10.0.0.1 port 22"
    echo "Dec  2 08:00:01 host sshd[4242]: Invalid user audit: 999999999 lines suppressed (rate limit)"
    echo "10.0.0.1 - - [02/Dec/2026:08:00:00 +0000] \"GET /tlsdefaults[$pid]: audit program=evil pid=1 role=client peer=x reasons=VerifyPeer:unverified HTTP/1.1\" 404"
    echo "tlsdefaults[$pid]: audit program=evil pid=1 role=client peer=x reasons=VerifyPeer:unverified from 10.0.0.1 port 22"
    echo "tlsdefaults[$pid]: audit: 999999999 lines suppressed (rate limit) from 10.0.0.1"
    # A line longer than the reader's buffer (8191 bytes and its NUL), a tag where its rest starts.
    printf 'Dec  2 08:00:02 host sshd[4242]: Invalid user %08145d' 0 | tr 0 x
    echo "tlsdefaults[$pid]: audit program=evil pid=1 role=client peer=x reasons=VerifyPeer:unverified"
} >"$work/forged.log"
"$inspector" --audit-report "$work/forged.log" >"$work/forged.txt" || fail "forged report exit $?"
cat "$work/forged.txt"
grep -q '^Connections the policy would have refused: 3, in 1 program$' "$work/forged.txt" || fail "forged lines counted"
grep -q 'suppressed' "$work/forged.txt" && fail "a forged suppressed count"
grep -q evil "$work/forged.txt" && fail "a forged program"
# The same lines behind a journal's ISO header are the module's.
sed "s/^/2026-12-02T08:00:00+0000 host /" "$work/audit.log" | "$inspector" --audit-report - >"$work/iso.txt"
grep -q '^Connections the policy would have refused: 3, in 1 program$' "$work/iso.txt" || fail "ISO journal prefix"

# Names are printed escaped: an ESC in a name never reaches the terminal.
esc=$(printf '\033')
printf 'tlsdefaults[%s]: audit program=%s[31mred pid=1 role=client peer=a%s]0;title%s reasons=VerifyPeer:unverified\n' \
    "$pid" "$esc" "$esc" "$(printf '\007')" >"$work/esc.log"
"$inspector" --audit-report "$work/esc.log" >"$work/esc.txt" || fail "esc report exit $?"
cat "$work/esc.txt"
LC_ALL=C grep -q "$esc" "$work/esc.txt" && fail "an ESC byte printed raw"
grep -qF '\x1b[31mred: 1 connection, 1 peer' "$work/esc.txt" || fail "program name not escaped"
grep -qF 'peer a\x1b]0;title\x07' "$work/esc.txt" || fail "peer name not escaped"

# A client that first sends 32 distinct SNI names does not push out the
# peer that matters: the most frequent peers are kept, with the count of
# the rest, in the text and the JSON report.
{
    for i in $(seq 32); do
        echo "tlsdefaults[$pid]: audit program=flooded pid=2 role=server peer=noise$i.example reasons=Enforce:version-below-floor version=TLSv1.1 floor=TLSv1.2"
    done
    for i in $(seq 10); do
        echo "tlsdefaults[$pid]: audit program=flooded pid=2 role=server peer=frequent.example reasons=Enforce:version-below-floor version=TLSv1.1 floor=TLSv1.2"
    done
} >"$work/peers.log"
"$inspector" --audit-report "$work/peers.log" >"$work/peers.txt" || fail "peers report exit $?"
cat "$work/peers.txt"
grep -Eq '^flooded: 42 connections, 32 peers \(and more\)$' "$work/peers.txt" || fail "peers: program line"
grep -Eq '^  peer frequent.example +10$' "$work/peers.txt" || fail "peers: the frequent peer is not listed first"
grep -Eq '^  other peers +28$' "$work/peers.txt" || fail "peers: the count of the rest"
"$inspector" --audit-report "$work/peers.log" --json >"$work/peers.json" || fail "peers json exit $?"
python3 - "$work/peers.json" <<'PY' || fail "peers JSON"
import json, sys
(p,) = json.load(open(sys.argv[1]))["programs"]
assert p["peers"]["frequent.example"] == 10, p
assert p["more_peers"] + sum(p["peers"].values()) == p["connections"] == 42, p
print("peers JSON checked")
PY

# Logs of several machines: a syslog file's host field, journalctl -o
# json's _HOSTNAME (SYSLOG_IDENTIFIER tlsdefaults only). Grouped by host
# when more than one appears; one host alone is not.
line="audit program=openssl pid=7 role=client peer=localhost reasons=VerifyPeer:unverified"
{
    echo "Dec  2 08:00:00 web1 tlsdefaults[7]: $line"
    echo "Dec  2 08:00:01 web1 tlsdefaults[7]: $line"
    echo "Dec  2 08:00:02 db-2.example tlsdefaults[7]: $line"
} >"$work/hosts.log"
"$inspector" --audit-report "$work/hosts.log" >"$work/hosts.txt" || fail "hosts report exit $?"
cat "$work/hosts.txt"
grep -q '^Connections the policy would have refused: 3, in 2 programs on 2 hosts$' "$work/hosts.txt" || fail "hosts: total"
[ "$(grep -A2 '^Host web1:$' "$work/hosts.txt" | grep -c '^openssl: 2 connections, 1 peer$')" -eq 1 ] || fail "hosts: web1"
[ "$(grep -A2 '^Host db-2.example:$' "$work/hosts.txt" | grep -c '^openssl: 1 connection, 1 peer$')" -eq 1 ] || fail "hosts: db-2"
grep -v db-2 "$work/hosts.log" | "$inspector" --audit-report - >"$work/onehost.txt"
grep -q '^Host' "$work/onehost.txt" && fail "one host grouped"
python3 - "$line" >"$work/journal.json" <<'PY'
import json, sys
for host, ident in (("web1", "tlsdefaults"), ("web1", "tlsdefaults"), ("db-2", "tlsdefaults"), ("evil", "sshd")):
    print(json.dumps({"__CURSOR": "s=1", "MESSAGE": sys.argv[1], "_HOSTNAME": host,
                      "SYSLOG_IDENTIFIER": ident, "_PID": "7", "PRIORITY": "4"}))
print("{not json tlsdefaults")
PY
"$inspector" --audit-report "$work/journal.json" --json >"$work/journal.out" || fail "journal report exit $?"
python3 - "$work/journal.out" <<'PY' || fail "journal JSON hosts"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["connections"] == 3 and r["hosts"] == ["web1", "db-2"], r
assert [(p["host"], p["program"], p["connections"]) for p in r["programs"]] == \
    [("web1", "openssl", 2), ("db-2", "openssl", 1)], r
print("journal hosts checked")
PY
"$inspector" --audit-report "$work/audit.log" --json | python3 -c 'import json,sys; r=json.load(sys.stdin); assert r["hosts"] == [] and r["programs"][0]["host"] is None, r' ||
    fail "a module file names a host"
# Escaped names (\xNN, as the module writes them) are counted as their bytes.
printf 'tlsdefaults[1]: audit program=my\\x20prog pid=1 role=client peer=a\\x3db reasons=VerifyPeer:unverified\n' >"$work/escaped.log"
"$inspector" --audit-report "$work/escaped.log" >"$work/escaped.txt" || fail "escaped report exit $?"
cat "$work/escaped.txt"
grep -q '^my prog: 1 connection, 1 peer$' "$work/escaped.txt" || fail "escaped program name"
grep -Eq '^  peer a=b +1$' "$work/escaped.txt" || fail "escaped peer name"

# A candidate's refusals (issue 23) are counted apart from the enforced
# policy's: their own entry per program, their own total; the new reasons'
# fields (peer_key, dh_bits, group, sigalg) are the module's own shape.
{
    printf 'tlsdefaults[1]: audit program=curl pid=1 role=client peer=a.test reasons=MinProtocol:version-below-floor version=TLSv1.2 floor=TLSv1.3\n'
    printf 'tlsdefaults[1]: audit program=curl pid=1 role=client peer=a.test reasons=MinProtocol:version-below-floor version=TLSv1.2 floor=TLSv1.3 candidate=next_sect\n'
    printf 'tlsdefaults[1]: audit program=curl pid=1 role=client peer=b.test reasons=SecurityLevel:weak-key x509_error=66 x509_text="EE certificate key too weak" peer_key=RSA-1024 candidate=next_sect\n'
    printf 'tlsdefaults[1]: audit program=curl pid=1 role=client peer=c.test reasons=Groups:group-not-allowed group=x25519 candidate=next_sect\n'
    printf 'tlsdefaults[1]: audit program=curl pid=1 role=client peer=d.test reasons=VerifyPeer:unverified,SecurityLevel:sha1-signature x509_error=68 x509_text="CA signature digest algorithm too weak"\n'
} >"$work/candidate.log"
"$inspector" --audit-report "$work/candidate.log" >"$work/candidate.txt" || fail "candidate report exit $?"
grep -q '^Connections the policy would have refused: 2,' "$work/candidate.txt" || fail "candidate lines counted as the policy's"
# A reason's what with a digit (the module's SecurityLevel:sha1-signature) is of its shape.
grep -Eq '^  SecurityLevel:sha1-signature +1$' "$work/candidate.txt" || fail "SecurityLevel:sha1-signature not counted"
grep -q '^Connections a candidate would refuse: 3 ' "$work/candidate.txt" || fail "candidate total"
grep -q '^curl \[candidate next_sect\]: 3 connections, 3 peers$' "$work/candidate.txt" || fail "candidate entry"
grep -Eq '^  SecurityLevel:weak-key +1$' "$work/candidate.txt" || fail "SecurityLevel reason"
"$inspector" --audit-report "$work/candidate.log" --json | python3 -c 'import json,sys; r=json.load(sys.stdin); assert r["connections"] == 2 and r["candidate_connections"] == 3, r' ||
    fail "candidate counts in JSON"

# No audit line at all: exit 1; an unreadable file: 2.
status=0; "$inspector" --audit-report /dev/null >/dev/null || status=$?
[ $status -eq 1 ] || fail "empty log: exit $status"
status=0; "$inspector" --audit-report "$work/missing" >/dev/null 2>&1 || status=$?
[ $status -eq 2 ] || fail "missing log: exit $status"
echo "audit_report: all checks passed"
