#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# QUIC clients get the protections of TLS clients: the unmodified
# `openssl s_client -quic`, verifying the chain (-verify_return_error) but
# naming no host to check, against a QUIC server whose certificate is for
# another host. Accepted without the module and with HostnameCheck = no,
# refused with it; the right certificate still connects.
#
# The server is OpenSSL's own demos/quic/server (tests/openssl/build.sh
# builds it beside the CLI of 3.2+). It binds every address, so both ends
# run in a network namespace of their own with only loopback up.
#
# usage: quic.sh MODULE OPENSSL_PROGRAM CERTS_TOOL EMPTY_CNF
# exit 77 (skipped) without QUIC, without the demo server, or without a
# network namespace (needs root).
set -euo pipefail
module=$1 openssl=$2 certs_tool=$3 empty_cnf=$4
server=$(dirname "$openssl")/quic-server-demo

skip() { echo "SKIP: $*"; exit 77; }
help=$("$openssl" s_client -help 2>&1 || true)
case "$help" in *-quic*) ;; *) skip "$("$openssl" version) has no QUIC client" ;; esac
[ -x "$server" ] || skip "no $server (tests/openssl/build.sh builds it for 3.2+)"
unshare -n true 2>/dev/null || skip "cannot make a network namespace (unshare -n needs root)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$certs_tool" "$work" >/dev/null
write_cnf() { # name keys
    printf 'openssl_conf = openssl_init\n[openssl_init]\ntlsdefaults = sect\n[sect]\npath = %s\n%s\n' \
        "$module" "$2" >"$work/$1.cnf"
}
write_cnf module ""
write_cnf no-hostname "HostnameCheck = no"

# One QUIC handshake in a fresh namespace: server with CHAIN, s_client with
# configuration CNF. Prints s_client's output; its exit status is the
# function's.
handshake() { # chain cnf
    unshare -n bash -c '
        ip link set lo up
        "$1" 4433 "$2" "$3" >/dev/null 2>&1 &
        for _ in $(seq 50); do
            ss -Hlun "sport = :4433" 2>/dev/null | grep -q . && break
            sleep 0.1
        done
        status=0
        OPENSSL_CONF="$5" TLSDEFAULTS_DEBUG= timeout 20 "$4" s_client -quic -alpn ossltest \
            -connect 127.0.0.1:4433 -servername localhost -CAfile "$6" \
            -verify_return_error -brief </dev/null 2>&1 || status=$?
        kill %1 2>/dev/null || true
        exit "$status"
    ' quic "$server" "$work/$1" "$work/leaf-key.pem" "$openssl" "$2" "$work/root.pem"
}

failures=0 passes=0
expect() { # want(connects|refused|mismatch) chain cnf what
    local out status=0
    out=$(handshake "$2" "$3") || status=$?
    if [ "$status" -ge 124 ]; then
        echo "FAIL: $4: s_client died or hung (status $status)"; echo "$out"; failures=$((failures + 1)); return
    fi
    case "$1:$status" in
        connects:0) passes=$((passes + 1)); echo "ok: $4" ;;
        mismatch:0) echo "FAIL: $4: connected"; echo "$out"; failures=$((failures + 1)) ;;
        mismatch:*)
            case "$out" in
                *"hostname mismatch"*) passes=$((passes + 1)); echo "ok: $4 (refused)" ;;
                *) echo "FAIL: $4: refused for another reason"; echo "$out"; failures=$((failures + 1)) ;;
            esac ;;
        *) echo "FAIL: $4: exit $status"; echo "$out"; failures=$((failures + 1)) ;;
    esac
}

expect connects wronghost-chain.pem "$empty_cnf" "wrong host, no module: accepted (OpenSSL checks no name)"
expect connects wronghost-chain.pem "$work/no-hostname.cnf" "wrong host, HostnameCheck = no: accepted"
expect mismatch wronghost-chain.pem "$work/module.cnf" "wrong host, module: refused"
expect connects leaf-chain.pem "$work/module.cnf" "right host, module: accepted"
echo "quic: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
