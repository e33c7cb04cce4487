#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tlsdefaults-info --audit-report on a log this test produces: openssl
# s_client under Audit = yes against a self-signed server (it chose no
# verification: VerifyPeer:verification-off) and, with Enforce audited,
# against a TLS 1.1 server (Enforce:version-below-floor and its suite). The summary, as
# text and as JSON (parsed by python3), counts both per program; a log read
# from standard input (as from journalctl) gives the same.
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
start_server() {
    local name=$1
    shift
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    OPENSSL_CONF=/dev/null "$openssl" s_server -www -accept "127.0.0.1:$port" -key "$work/leaf-key.pem" \
        "$@" </dev/null >"$work/$name.log" 2>&1 &
    servers+=($!)
    for _ in $(seq 50); do
        ss -Hltn "sport = :$port" 2>/dev/null | grep -q . && return 0
        sleep 0.1
    done
    cat "$work/$name.log"
    fail "s_server $name did not start"
}
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
# No audit line at all: exit 1; an unreadable file: 2.
status=0; "$inspector" --audit-report /dev/null >/dev/null || status=$?
[ $status -eq 1 ] || fail "empty log: exit $status"
status=0; "$inspector" --audit-report "$work/missing" >/dev/null 2>&1 || status=$?
[ $status -eq 2 ] || fail "missing log: exit $status"
echo "audit_report: all checks passed"
