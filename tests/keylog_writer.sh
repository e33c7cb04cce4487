#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# One writer of SSLKEYLOGFILE, whatever headers the module was built with:
# this build's module (KeyLog = yes) is loaded by the `openssl s_client` of
# an OpenSSL 3.5+ of the same major that writes SSLKEYLOGFILE itself
# (enable-sslkeylog, as tests/openssl/build.sh builds them). One connection
# must leave one CLIENT_TRAFFIC_SECRET_0 line: a module that decided from
# its headers (3.0's) logged every secret twice there.
#
# usage: keylog_writer.sh MODULE OPENSSL_PROGRAM CERTS_TOOL
# exit 77 (skipped) when no such other OpenSSL is in the cache.
set -euo pipefail
module=$1 openssl=$2 certs_tool=$3
cache=${TLSD_OPENSSL_CACHE:-/var/cache/tlsdefaults/openssl}
own=$("$openssl" version | awk '{print $2}')

major=${own%%.*}

# Another OpenSSL of the same major (the module refuses another major, and
# would pass here for that reason), whose libssl reads SSLKEYLOGFILE.
other=
for prefix in "$cache/$major".*; do
    [ -x "$prefix/bin/openssl" ] || continue
    v=$("$prefix/bin/openssl" version | awk '{print $2}')
    [ "$v" != "$own" ] || continue
    grep -q SSLKEYLOGFILE "$prefix/lib/libssl.so.$major" 2>/dev/null || continue
    other=$prefix/bin/openssl
done
[ -n "$other" ] || { echo "SKIP: no OpenSSL $major.x other than $own that writes SSLKEYLOGFILE in $cache"; exit 77; }
echo "module built for $own, loaded by $("$other" version)"

work=$(mktemp -d)
server=
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
"$certs_tool" "$work" >/dev/null
printf 'openssl_conf = openssl_init\n[openssl_init]\ntlsdefaults = sect\n[sect]\npath = %s\nKeyLog = yes\n' \
    "$module" >"$work/module.cnf"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
env -u SSLKEYLOGFILE OPENSSL_CONF=/dev/null "$other" s_server -accept "127.0.0.1:$port" -naccept 1 \
    -cert "$work/leaf-chain.pem" -key "$work/leaf-key.pem" -quiet </dev/null >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 50); do
    ss -Hltn "sport = :$port" 2>/dev/null | grep -q . && break
    sleep 0.1
done

status=0
SSLKEYLOGFILE=$work/keys.txt OPENSSL_CONF=$work/module.cnf TLSDEFAULTS_DEBUG= timeout 20 \
    "$other" s_client -connect "127.0.0.1:$port" -CAfile "$work/root.pem" -brief </dev/null \
    >"$work/client.log" 2>&1 || status=$?
[ "$status" -eq 0 ] || { cat "$work/client.log"; echo "FAIL: s_client exit $status"; exit 1; }
lines=$(grep -c '^CLIENT_TRAFFIC_SECRET_0 ' "$work/keys.txt" || true)
echo "CLIENT_TRAFFIC_SECRET_0 lines for one connection: $lines"
[ "$lines" -eq 1 ] || { echo "FAIL: expected 1 (one writer)"; exit 1; }
echo "keylog_writer: 1 passed, 0 failed"
