#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# AuditLog = journal against a real systemd-journald: Debian's
# /lib/systemd/systemd-journald, run stand-alone in a journal namespace of
# this test's own (its socket /run/systemd/journal.NS/socket; the module
# writes there with AuditLog = journal:NS, as it writes to the system's
# journal with AuditLog = journal), queried with journalctl --namespace.
# An unmodified openssl s_client under Inventory = yes leaves an entry that
# `journalctl TLSDEFAULTS_PROGRAM=openssl` finds, with the negotiated
# version and group as fields; an audit line (a self-signed server) keeps
# its reasons as a field; each kind has its MESSAGE_ID. Without a journal
# socket the lines go to syslog, and the debug trace says why.
# Needs root (journald's sockets and files); else skipped (77).
#
# usage: journal.sh MODULE OPENSSL_PROGRAM CERTS_TOOL
set -euo pipefail
module=$1 openssl=$2 certs_tool=$3
journald=/lib/systemd/systemd-journald
if [ "$(id -u)" -ne 0 ] || [ ! -x "$journald" ] || ! command -v journalctl >/dev/null; then
    echo "SKIP: needs root, $journald and journalctl (Debian's systemd package)"
    exit 77
fi
ns=tlsdtest$$
work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work" "/run/systemd/journal.$ns" /var/log/journal/*."$ns" /run/log/journal/*."$ns"
}
trap cleanup EXIT
[ -z "${TLSD_KEEP:-}" ] || trap - EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$certs_tool" "$work" >/dev/null

SYSTEMD_LOG_TARGET=console "$journald" "$ns" >"$work/journald.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
    [ -S "/run/systemd/journal.$ns/socket" ] && break
    sleep 0.1
done
if [ ! -S "/run/systemd/journal.$ns/socket" ]; then
    cat "$work/journald.log"
    # A journald that exited at once could not run here at all (no /run,
    # no rights): the machine's limit, said as a skip; one that runs
    # without its socket is a failure.
    kill -0 "${pids[0]}" 2>/dev/null || { echo "SKIP: systemd-journald cannot run on this machine"; exit 77; }
    fail "journald did not make its socket"
fi

cnf() {
    printf 'openssl_conf = openssl_init\n[openssl_init]\ntlsdefaults = sect\n[sect]\npath = %s\n%s\n' \
        "$module" "$2" >"$work/$1.cnf"
}
cnf journal "Inventory = yes
Audit = VerifyPeer
AuditLog = journal:$ns"
cnf missing "Inventory = yes
AuditLog = journal:nosuch$ns"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
OPENSSL_CONF=/dev/null "$openssl" s_server -www -accept "127.0.0.1:$port" -cert "$work/leaf.pem" \
    -cert_chain "$work/intermediate.pem" \
    -key "$work/leaf-key.pem" </dev/null >"$work/server.log" 2>&1 &
pids+=($!)
self_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
OPENSSL_CONF=/dev/null "$openssl" s_server -www -accept "127.0.0.1:$self_port" -cert "$work/selfsigned.pem" \
    -key "$work/leaf-key.pem" </dev/null >"$work/self.log" 2>&1 &
pids+=($!)
for p in "$port" "$self_port"; do
    for _ in $(seq 50); do
        ss -Hltn "sport = :$p" 2>/dev/null | grep -q . && break
        sleep 0.1
    done
done

# A good server, verified against the test root; a self-signed one, which
# the audited VerifyPeer would refuse (s_client without -verify verifies
# nothing).
OPENSSL_CONF=$work/journal.cnf timeout 20 "$openssl" s_client -connect "127.0.0.1:$port" \
    -servername localhost -CAfile "$work/root.pem" -verify 5 -verify_return_error </dev/null >"$work/client.log" 2>&1 ||
    { cat "$work/client.log"; fail "s_client to the good server"; }
OPENSSL_CONF=$work/journal.cnf timeout 20 "$openssl" s_client -connect "127.0.0.1:$self_port" \
    -servername localhost </dev/null >"$work/client-self.log" 2>&1 ||
    { cat "$work/client-self.log"; fail "s_client to the self-signed server"; }

# journalctl reads journald's files: wait for both entries.
query() { journalctl --namespace="$ns" --no-pager -o json "$@" 2>/dev/null || true; }
for _ in $(seq 50); do
    [ "$(query TLSDEFAULTS_PROGRAM=openssl | wc -l)" -ge 3 ] && break
    sleep 0.1
done
query TLSDEFAULTS_PROGRAM=openssl >"$work/entries.json"
# OpenSSL 3.5 and later negotiate X25519MLKEM768 by default: pq=yes.
group=x25519
"$openssl" version | grep -Eq '^OpenSSL (3\.[5-9]|[4-9]\.)' && group=X25519MLKEM768
python3 - "$work/entries.json" "$group" <<'PY' || { cat "$work/entries.json"; fail "the journal's entries"; }
import json, sys
entries = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
inv = [e for e in entries if e.get("TLSDEFAULTS_KIND") == "inventory"]
audit = [e for e in entries if e.get("TLSDEFAULTS_KIND") == "audit"]
ok = True
def check(cond, what):
    global ok
    if not cond:
        print("missing:", what); ok = False
check(len(inv) == 2, "two inventory entries (good and self-signed server)")
check(len(audit) == 1, "one audit entry (the self-signed server)")
for e in inv:
    check(e.get("MESSAGE_ID") == "246fdd19eaa24e2287d633bddf4238a8", "inventory MESSAGE_ID")
    check(e.get("SYSLOG_IDENTIFIER") == "tlsdefaults", "SYSLOG_IDENTIFIER")
    check(e.get("TLSDEFAULTS_VERSION") == "TLSv1.3", "TLSDEFAULTS_VERSION")
    check(e.get("TLSDEFAULTS_GROUP") == sys.argv[2], "TLSDEFAULTS_GROUP=" + sys.argv[2])
    check(e.get("TLSDEFAULTS_PQ") == ("yes" if sys.argv[2] == "X25519MLKEM768" else "no"), "TLSDEFAULTS_PQ")
    check(e.get("TLSDEFAULTS_ROLE") == "client" and e.get("TLSDEFAULTS_PEER") == "localhost", "role and peer")
    check(e.get("MESSAGE", "").startswith("inventory program=openssl "), "MESSAGE")
check(sorted(e.get("TLSDEFAULTS_VERIFIED") for e in inv) == ["no", "yes"], "verified yes (good) and no (self-signed)")
for e in audit:
    check(e.get("MESSAGE_ID") == "3eab6aac2d0c41af8993f92bc3e254f5", "audit MESSAGE_ID")
    check(e.get("TLSDEFAULTS_REASONS") == "VerifyPeer:verification-off", "TLSDEFAULTS_REASONS")
    check(e.get("PRIORITY") == "4", "audit PRIORITY warning")
sys.exit(0 if ok else 1)
PY
echo "journal: journalctl TLSDEFAULTS_PROGRAM=openssl shows the inventory and audit entries with their fields"

# Without the journal's socket: syslog, and the reason in the trace.
OPENSSL_CONF=$work/missing.cnf TLSDEFAULTS_DEBUG=1 timeout 20 "$openssl" s_client \
    -connect "127.0.0.1:$port" -servername localhost -CAfile "$work/root.pem" </dev/null \
    >"$work/client-missing.log" 2>&1 || { cat "$work/client-missing.log"; fail "s_client without a journal"; }
grep -q "AuditLog=journal:nosuch$ns: no journal socket at /run/systemd/journal.nosuch$ns/socket (No such file or directory); writing to syslog" \
    "$work/client-missing.log" || { cat "$work/client-missing.log"; fail "no note of the missing journal"; }
echo "journal: without a journal socket, syslog, and the trace says why"
