#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A soak under load, as a benchmark (not a test: it fails on no number).
# nginx runs under the module with Audit and Inventory on, as a TLS server
# and as a reverse proxy to itself over TLS (its upstream is a client
# context of the module), with two forked workers; concurrent clients
# (curl, openssl s_time, and threads of one Python process) connect over
# loopback without the module; `nginx -s reload` every RELOAD seconds.
# Every SAMPLE seconds it prints the nginx master's resident memory and
# open descriptors (the process that lives through every reload), the
# same summed over the workers of the moment, the lines the module wrote
# and those the rate limit counted as suppressed. At the end: the lines
# the clients' connections account for against written + suppressed.
#
# usage: tests/bench/soak.sh BUILD_DIR [SECONDS]   (default 300; SOAK_RELOAD=5, SOAK_SAMPLE=15,
#        SOAK_WITHOUT_MODULE=1 for the baseline: nginx without the module)
# The figures of a run are in docs/hardening.md.
set -euo pipefail
build=$(cd "$1" && pwd)
seconds=${2:-300}
reload_every=${SOAK_RELOAD:-5}
sample_every=${SOAK_SAMPLE:-15}
module=$build/tlsdefaults.so
certs_tool=$build/tests/tlsd-test-certs
work=$(mktemp -d /tmp/tlsd-soak.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
"$certs_tool" "$work" >/dev/null
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
backend=$(free_port) proxy=$(free_port)

# Audit = yes: a careless client's verification left to the policy, and
# the rest; Inventory: a line per handshake, client and server.
cat >"$work/tlsd.cnf" <<EOF
openssl_conf = openssl_init
[openssl_init]
tlsdefaults = tlsd
[tlsd]
path = $module
Audit = yes
Inventory = yes
AuditLog = $work/audit.log
EOF
mkdir -p "$work/logs"
cat >"$work/nginx.conf" <<EOF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/logs/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$backend ssl;
        ssl_certificate $work/leaf-chain.pem;
        ssl_certificate_key $work/leaf-key.pem;
        location / { return 200 "backend\n"; }
    }
    server {
        listen 127.0.0.1:$proxy ssl;
        ssl_certificate $work/leaf-chain.pem;
        ssl_certificate_key $work/leaf-key.pem;
        location / {
            proxy_pass https://127.0.0.1:$backend;
            proxy_ssl_server_name on;
            proxy_ssl_name localhost;
            proxy_ssl_trusted_certificate $work/root.pem;
            proxy_ssl_verify on;
        }
    }
}
EOF
# SOAK_WITHOUT_MODULE=1: the same nginx without the module, the baseline.
nginx_cnf=$work/tlsd.cnf
[ -z "${SOAK_WITHOUT_MODULE:-}" ] || nginx_cnf=/dev/null
OPENSSL_CONF=$nginx_cnf TLSDEFAULTS_DEBUG= nginx -p "$work" -c "$work/nginx.conf" -g 'daemon off;' \
    >"$work/logs/nginx.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
    curl -s --cacert "$work/root.pem" "https://localhost:$proxy/" --resolve "localhost:$proxy:127.0.0.1" \
        -o /dev/null && break
    sleep 0.2
done
master=$(cat "$work/nginx.pid")
echo "nginx master $master; backend :$backend, proxy :$proxy; $seconds s, reload every $reload_every s"

# Clients, each counting the connections it completed.
end=$(($(date +%s) + seconds))
curl_loop() { # PORT COUNTFILE
    local n=0
    while [ "$(date +%s)" -lt "$end" ]; do
        curl -s --cacert "$work/root.pem" --resolve "localhost:$1:127.0.0.1" "https://localhost:$1/" \
            -o /dev/null && n=$((n + 1))
        echo "$n" >"$2"
    done
}
OPENSSL_CONF=/dev/null curl_loop "$backend" "$work/curl-backend.count" &
pids+=($!)
OPENSSL_CONF=/dev/null curl_loop "$proxy" "$work/curl-proxy.count" &
pids+=($!)
OPENSSL_CONF=/dev/null openssl s_time -connect "127.0.0.1:$backend" -new -time "$seconds" \
    >"$work/s_time.out" 2>&1 &
pids+=($!)
OPENSSL_CONF=/dev/null python3 - "$backend" "$seconds" "$work/root.pem" >"$work/python.count" <<'PY' &
import socket, ssl, sys, threading, time
port, seconds, ca = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
ctx = ssl.create_default_context(cafile=ca)
end = time.monotonic() + seconds
counts = [0] * 8
def run(i):
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port)) as s:
                with ctx.wrap_socket(s, server_hostname="localhost") as t:
                    t.sendall(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
                    t.recv(1024)
            counts[i] += 1
        except OSError:
            pass
threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
for t in threads: t.start()
for t in threads: t.join()
print(sum(counts))
PY
pids+=($!)

# A worker that exits meanwhile (or a zombie, which has no VmRSS) counts 0.
rss_kb() {
    local v
    v=$(awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null || true)
    echo "${v:-0}"
}
fds() { { ls "/proc/$1/fd" 2>/dev/null || true; } | wc -l; }
lines() {
    local n
    n=$(grep -c ']: inventory \|]: audit program=' "$work/audit.log" 2>/dev/null || true)
    echo "${n:-0}"
}
suppressed() { { grep -o 'audit: [0-9]* lines suppressed' "$work/audit.log" 2>/dev/null || true; } | awk '{ s += $2 } END { print s + 0 }'; }
printf '%6s %10s %10s %8s %12s %12s %10s %12s\n' time master_kB master_fd workers worker_kB worker_fd written suppressed
start=$(date +%s) next_reload=$((start + reload_every)) next_sample=$start reloads=0
while [ "$(date +%s)" -lt "$end" ]; do
    now=$(date +%s)
    if [ "$now" -ge "$next_reload" ]; then
        nginx -p "$work" -c "$work/nginx.conf" -s reload 2>>"$work/logs/reload.err" && reloads=$((reloads + 1))
        next_reload=$((now + reload_every))
    fi
    if [ "$now" -ge "$next_sample" ]; then
        workers=$(pgrep -P "$master" || true)
        wkb=0 wfd=0 nw=0
        for w in $workers; do wkb=$((wkb + $(rss_kb "$w"))) wfd=$((wfd + $(fds "$w"))) nw=$((nw + 1)); done
        printf '%6d %10d %10d %8d %12d %12d %10d %12d\n' $((now - start)) "$(rss_kb "$master")" "$(fds "$master")" \
            "$nw" "$wkb" "$wfd" "$(lines)" "$(suppressed)"
        next_sample=$((now + sample_every))
    fi
    sleep 1
done
# Let the clients finish, then stop nginx: the module's last note of what
# it suppressed is written when each process unloads it.
sleep 3
kill -QUIT "$master" 2>/dev/null || true
for _ in $(seq 50); do kill -0 "$master" 2>/dev/null || break; sleep 0.2; done
curl_b=$(cat "$work/curl-backend.count" 2>/dev/null || echo 0)
curl_p=$(cat "$work/curl-proxy.count" 2>/dev/null || echo 0)
py=$(cat "$work/python.count" 2>/dev/null || echo 0)
st=$(awk '/connections in/ { print $1; exit }' "$work/s_time.out" 2>/dev/null || echo 0)
direct=$((curl_b + py + st))
# A direct connection: nginx's server line. Through the proxy: the
# proxy's server line, its upstream client line, the backend's server line.
# The readiness probe above went through the proxy once.
expected=$((direct + 3 * curl_p + 3))
written=$(lines) dropped=$(suppressed)
echo
echo "reloads: $reloads; connections: curl $curl_b direct + $curl_p through the proxy, s_time $st, python $py"
echo "inventory and audit lines: expected $expected, written $written + suppressed $dropped = $((written + dropped))"
echo "audit lines among them: $(grep -c ']: audit program=' "$work/audit.log" 2>/dev/null || true)"
echo "nginx errors: $(grep -c '\[emerg\]\|\[alert\]\|\[crit\]' "$work/logs/error.log" || true) emerg/alert/crit lines"
