# SPDX-License-Identifier: Apache-2.0
# Sourced by the shell tests: start_server NAME ARGS... starts an openssl
# s_server on a free loopback port without the module (the test's peer),
# with the test's leaf key, its output in $work/NAME.log; sets port and
# adds the pid to servers. Needs work, openssl, servers and fail().
# server_www=0: a plain s_server (default -www: one HTTP answer per
# request); server_hold_stdin=1 keeps its standard input open (s_server
# without -www stops at its end). server_address (default 127.0.0.1) is
# the loopback address it listens on; server_conf (default /dev/null) its
# OPENSSL_CONF, for a server under the module.
start_server() {
    local name=$1
    shift
    local www=(-www)
    [ "${server_www:-1}" = 1 ] || www=()
    local address=${server_address:-127.0.0.1} conf=${server_conf:-/dev/null}
    port=$(python3 -c 'import socket, sys; s=socket.socket(); s.bind((sys.argv[1], 0)); print(s.getsockname()[1])' \
           "$address")
    if [ "${server_hold_stdin:-0}" = 1 ]; then
        # The writer that holds the input open is a job of the test, in
        # servers too: a process substitution's would outlive the server.
        rm -f "$work/$name.in" && mkfifo "$work/$name.in"
        sleep 600 >"$work/$name.in" 2>/dev/null &
        servers+=($!)
        OPENSSL_CONF=$conf "$openssl" s_server "${www[@]}" -accept "$address:$port" \
            -key "$work/leaf-key.pem" "$@" <"$work/$name.in" >"$work/$name.log" 2>&1 &
    else
        OPENSSL_CONF=$conf "$openssl" s_server "${www[@]}" -accept "$address:$port" \
            -key "$work/leaf-key.pem" "$@" </dev/null >"$work/$name.log" 2>&1 &
    fi
    servers+=($!)
    for _ in $(seq 50); do
        ss -Hltn "sport = :$port" 2>/dev/null | grep -q . && return 0
        sleep 0.1
    done
    cat "$work/$name.log"
    fail "s_server $name did not start"
}
