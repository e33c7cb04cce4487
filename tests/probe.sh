#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tlsdefaults-info --probe HOST:PORT against local openssl s_server
# processes (loopback only): the enforced policy's handshake and the
# candidate's, each with its outcome or its refusal and the keys behind
# it; exit 0 when the enforced handshake connects, 1 when the policy
# refuses it, 2 when nothing listens, 64 on a bad target; --program gives
# that program's policy; --json parses; a Peers entry that matches the
# target applies to the probe's handshake, and --peer NAME shows its
# policy.
#
# usage: probe.sh INSPECTOR MODULE OPENSSL_PROGRAM CERTS_TOOL
set -euo pipefail
inspector=$1 module=$2 openssl=$3 certs_tool=$4
work=$(mktemp -d)
servers=()
trap 'for s in "${servers[@]}"; do kill "$s" 2>/dev/null || true; done; pkill -P $$ sleep 2>/dev/null || true; [ -n "${TLSD_KEEP:-}" ] || rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
"$certs_tool" "$work" >/dev/null
# The careless client's system store: the test root.
export SSL_CERT_FILE=$work/root.pem

# start_server NAME ARGS...: sets port; plain s_server, its input held open.
server_www=0
server_hold_stdin=1
. "$(dirname "$0")/support/s_server.sh"
cnf() { # NAME KEYS [SECTIONS]
    printf 'openssl_conf = openssl_init\n[openssl_init]\ntlsdefaults = tlsd\n%s\n[tlsd]\npath = %s\nAuditLog = %s\n%s\n' \
        "${3:-}" "$module" "$work/audit.log" "$2" >"$work/$1.cnf"
}
probe() { # NAME WANT ARGS...
    local name=$1 want=$2 got=0
    shift 2
    "$inspector" "$@" >"$work/$name.out" 2>&1 || got=$?
    [ "$got" -eq "$want" ] || { fail "$name: exit $got, expected $want"; cat "$work/$name.out"; }
}
expect() { grep -qF -- "$2" "$work/$1.out" || { fail "$1: no \"$2\" in:"; cat "$work/$1.out"; }; }

# -quiet: s_server writes only what it reads from its clients.
start_server tls12 -quiet -cert "$work/leaf.pem" -cert_chain "$work/intermediate.pem" -tls1_2
tls12=$port
start_server selfsigned -cert "$work/selfsigned.pem"
selfsigned=$port
cnf candidate "Candidate = next_sect
Programs = progs" "[next_sect]
Profile = strict
[progs]
curl = lax
[lax]
VerifyPeer = no"

# The enforced policy connects; the candidate (TLS 1.3 only) would not.
probe connects 0 --config "$work/candidate.cnf" --probe "127.0.0.1:$tls12" --servername localhost
expect connects "enforced: connected: version=TLSv1.2 cipher=ECDHE-RSA-AES256-GCM-SHA384"
expect connects "peer_key=RSA-2048 chain_sha1=no verified=yes resumed=no chain=ecdsa-with-SHA256,ecdsa-with-SHA256"
expect connects "candidate next_sect: refused"
expect connects "(keys: MinProtocol, MaxProtocol)"
probe connects-json 0 --config "$work/candidate.cnf" --probe "127.0.0.1:$tls12" --servername localhost --json
python3 - "$work/connects-json.out" <<'PY' || fail "connects-json: not the outcomes expected"
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(not (d["enforced"]["outcome"] == "connected" and d["enforced"]["version"] == "TLSv1.2"
              and d["candidate"]["section"] == "next_sect" and d["candidate"]["probe"]["outcome"] == "refused"
              and "MinProtocol" in d["candidate"]["probe"]["errors"]))
PY
# A self-signed server: the policy refuses (VerifyPeer), exit 1; curl's
# entry (VerifyPeer = no) connects, exit 0: the negative control.
probe refused 1 --config "$work/candidate.cnf" --probe "127.0.0.1:$selfsigned" --servername localhost
expect refused "enforced: refused (X509 error 18: self-signed certificate)"
expect refused "peer verification required by tlsdefaults policy (VerifyPeer)"
probe program 0 --config "$work/candidate.cnf" --program curl --probe "127.0.0.1:$selfsigned" --servername localhost
expect program "enforced: connected: version=TLSv1.3"
expect program "verified=no"
# Nothing listens: 2. A bad target: 64.
unused=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
probe unreachable 2 --config "$work/candidate.cnf" --probe "127.0.0.1:$unused"
expect unreachable "enforced: unreachable"
probe bad-target 64 --config "$work/candidate.cnf" --probe "no-port"
probe bad-usage 64 --servername x --config "$work/candidate.cnf"
# No application data was sent: the quiet s_server wrote nothing it read.
sleep 0.5
# (Its own error lines, for the candidate's refused handshake, are not data.)
! grep -qv ':error:\|^ERROR$' "$work/tls12.log" || { fail "s_server read application data:"; cat "$work/tls12.log"; }
# Peers (issue 24): the probe's handshake gets the entry its target
# matches, as the module's would; the control: another name does not.
start_server tls11 -quiet -cert "$work/leaf.pem" -cert_chain "$work/intermediate.pem" -tls1_1 -cipher 'ALL:@SECLEVEL=0'
tls11=$port
cnf peers "Enforce = yes
Peers = peers" "[peers]
legacy.test = legacy
[legacy]
MinProtocol = TLSv1.1
CipherString = DEFAULT:@SECLEVEL=0
HostnameCheck = no"
probe peer-entry 0 --config "$work/peers.cnf" --probe "127.0.0.1:$tls11" --servername legacy.test
expect peer-entry "enforced: Peers entry legacy.test applies"
expect peer-entry "enforced: connected: version=TLSv1.1"
probe peer-entry-json 0 --config "$work/peers.cnf" --probe "127.0.0.1:$tls11" --servername legacy.test --json
python3 - "$work/peer-entry-json.out" <<'PY' || fail "peer-entry-json: no peer_entry legacy.test"
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(not (d["enforced"]["peer_entry"] == "legacy.test" and d["enforced"]["version"] == "TLSv1.1"))
PY
probe peer-other 1 --config "$work/peers.cnf" --probe "127.0.0.1:$tls11" --servername other.test
! grep -q "Peers entry" "$work/peer-other.out" || fail "peer-other: an entry applied to other.test"
# --peer: the inspector shows the entry's client policy, and none for others.
probe peer-view 0 --config "$work/peers.cnf" --peer LEGACY.test.
expect peer-view "peer LEGACY.test.: Peers entry legacy.test of section peers, its section legacy"
expect peer-view "MinProtocol          TLSv1.1  (section legacy (peer legacy.test))"
probe peer-view-other 0 --config "$work/peers.cnf" --peer other.test
expect peer-view-other "peer other.test: no Peers entry matches"
probe peer-view-json 0 --config "$work/peers.cnf" --peer legacy.test --json
python3 - "$work/peer-view-json.out" <<'PY' || fail "peer-view-json: not the entry's policy"
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(not (d["peer"]["entry"] == "legacy.test" and d["peer"]["client"]["MinProtocol"]["value"] == "TLSv1.1"
              and d["client"]["MinProtocol"]["value"] == "TLSv1.2"))
PY
probe peer-with-probe 64 --config "$work/peers.cnf" --peer legacy.test --probe "127.0.0.1:$tls11"
[ "$failures" -eq 0 ] && echo "probe: all checks passed"
exit $((failures > 0))
