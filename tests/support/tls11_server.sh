# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Sourced by the shell tests: a TLS 1.1-only openssl s_server on 127.0.0.1
# with the test certificates (tlsd-test-certs), run without any
# configuration: a client under the module's TLS 1.2 floor must refuse it,
# a client without policy connects.
#
# tls11_server OPENSSL CERT_DIR WORK_DIR: sets port and server (its PID);
# s_server reads WORK_DIR/server.in, a FIFO held open on descriptor 3, and
# logs to WORK_DIR/server.log. Returns 1, with the log on stdout, when it
# does not start. The caller stops it: kill "$server"; exec 3>&-
tls11_server() {
    local openssl=$1 certs=$2 work=$3
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' \
           2>/dev/null || echo $((20000 + RANDOM % 20000)))
    rm -f "$work/server.in" && mkfifo "$work/server.in"
    OPENSSL_CONF=/dev/null "$openssl" s_server -accept "127.0.0.1:$port" -cert "$certs/leaf.pem" \
        -cert_chain "$certs/intermediate.pem" -key "$certs/leaf-key.pem" \
        -tls1_1 -cipher 'ALL:@SECLEVEL=0' <"$work/server.in" >"$work/server.log" 2>&1 &
    # shellcheck disable=SC2034 # for the caller
    server=$!
    exec 3>"$work/server.in"
    for _ in $(seq 100); do
        grep -q ACCEPT "$work/server.log" 2>/dev/null && return 0
        sleep 0.1
    done
    cat "$work/server.log"
    return 1
}
