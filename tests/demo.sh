#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# What the module changes for an unmodified program: openssl s_client
# connects to local servers (openssl s_server, run without the module),
# once with the machine's defaults and once with OPENSSL_CONF loading
# tlsdefaults.so. Usage: tests/demo.sh [BUILD_DIR]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/tlsd-demo-XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$build/tests/tlsd-test-certs" "$work"
# s_server stops at the end of its input: give it a pipe that never ends.
mkfifo "$work/stdin"
exec 3<>"$work/stdin"
cat > "$work/tlsdefaults.cnf" <<CNF
openssl_conf = openssl_init
[openssl_init]
tlsdefaults = tlsdefaults_sect
[tlsdefaults_sect]
path = $build/tlsdefaults.so
CNF
plain="$src/tests/empty.cnf"   # no module, no system-wide settings

port=$((20000 + RANDOM % 20000))
# start_server CERT ARGS... : an s_server on 127.0.0.1, without the module
start_server() {
    local cert=$1; shift
    port=$((port + 1))
    OPENSSL_CONF=$plain openssl s_server -accept "127.0.0.1:$port" \
        -cert "$work/$cert" -cert_chain "$work/intermediate.pem" -key "$work/leaf-key.pem" \
        "$@" <&3 >"$work/server-$port.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 50); do
        grep -q ACCEPT "$work/server-$port.log" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "s_server did not start: $(cat "$work/server-$port.log")" >&2
    exit 1
}

# outcome CONF CAFILE ARGS... : one s_client run, summarised in a few words
outcome() {
    local conf=$1 ca=$2; shift 2
    local out
    out=$(OPENSSL_CONF=$conf openssl s_client -connect "127.0.0.1:$port" -servername localhost \
          -CAfile "$work/$ca" -verify_return_error -brief "$@" </dev/null 2>&1) || true
    if grep -q "^Protocol version:" <<<"$out"; then
        printf 'connects (%s, %s)' "$(sed -n 's/^Protocol version: //p' <<<"$out")" \
            "$(sed -n 's/^Ciphersuite: //p' <<<"$out")"
    elif grep -q "verify error" <<<"$out"; then
        printf 'refused: %s' "$(sed -n 's/^verify error:num=[0-9]*://p' <<<"$out" | head -1)"
    else
        printf 'refused: %s' "$(grep -m1 ':error:' <<<"$out" | cut -d: -f6)"
    fi
}

row() {
    local what=$1 ca=$2; shift 2
    printf '%-46s | %-48s | %s\n' "$what" "$(outcome "$plain" "$ca" "$@")" \
        "$(outcome "$work/tlsdefaults.cnf" "$ca" "$@")"
}

printf '%-46s | %-48s | %s\n' "openssl s_client to ..." "without the module" "with tlsdefaults.so"
printf '%.0s-' $(seq 150); echo

start_server leaf.pem
row "a modern server (TLS 1.3)" root.pem
start_server leaf.pem -tls1_2
row "a TLS 1.2 server with ECDHE + AES-GCM" root.pem
start_server leaf.pem -tls1_2 -cipher ECDHE-RSA-AES128-SHA
row "a server offering only CBC with SHA-1" root.pem
start_server leaf.pem -tls1_2 -cipher AES128-GCM-SHA256
row "a server offering only RSA key exchange" root.pem
start_server noakid.pem
row "a certificate without AKID (X509 strict)" root.pem
start_server leaf.pem -tls1 -cipher 'ALL:@SECLEVEL=0'
row "a TLS 1.0 server, client asks ALL:@SECLEVEL=0" root.pem -cipher 'ALL:@SECLEVEL=0'
start_server leaf.pem -tls1_1 -cipher 'ALL:@SECLEVEL=0'
row "a TLS 1.1 server, client asks ALL:@SECLEVEL=0" root.pem -cipher 'ALL:@SECLEVEL=0'
start_server leaf.pem
row "trusting only the intermediate CA (partial)" intermediate.pem
start_server wronghost.pem
row "a certificate for another host (SNI localhost)" root.pem

cat <<'TXT'

The client is the unmodified openssl s_client; only OPENSSL_CONF differs.
With the module it gets Python's create_default_context() policy: TLS 1.2
or later, forward-secret AEAD/SHA-2 suites, X509 strict, partial chains,
and its SNI name checked against the certificate (HostnameCheck).
TXT
