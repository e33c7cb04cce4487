#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Issue 13: a module built for one OpenSSL major version and loaded by a
# program of the other (libcrypto.so.3 and libcrypto.so.4 in one process)
# used to crash the program (exit 139). It must refuse cleanly: the program
# runs on without the policy, or fails its OpenSSL initialisation under
# config_diagnostics = 1, never a signal. Then the layout that gives each
# major its own build from one openssl.cnf: path = $ORIGIN/ossl-modules/...
# resolved against the directory of the libcrypto that loads the module.
#
# usage: cross_major.sh SOURCE_DIR WORK_DIR MODULE OPENSSL TLSD_TEST_CERTS CMAKE
#   MODULE, OPENSSL: this build's tlsdefaults.so and the openssl CLI of the
#   OpenSSL it is built against.
# The other major's module is configured and built under WORK_DIR (kept
# between runs, so a rerun only rebuilds what changed) against the first
# OpenSSL of another major among: the prefix in TLSD_OTHER_OPENSSL, the
# system's, the builds of tests/openssl/build.sh in ${TLSD_OPENSSL_CACHE:-
# /var/cache/tlsdefaults/openssl} (newest first). None: exit 77.
set -uo pipefail
[ $# -eq 6 ] || { echo "usage: $0 SOURCE_DIR WORK_DIR MODULE OPENSSL TLSD_TEST_CERTS CMAKE" >&2; exit 2; }
src=$1 work=$2 module=$3 openssl=$4 make_certs=$5 cmake=$6
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
# ok TEXT: says TEXT when no check failed since the last call.
checked=0
ok() { [ "$failures" -gt "$checked" ] || echo "ok: $*"; checked=$failures; }
skip() { echo "SKIP: $*"; exit 77; }

major_of() { "$1" version 2>/dev/null | awk '/^OpenSSL [0-9]/ {split($2, v, "."); print v[1]; exit}'; }

this_major=$(major_of "$openssl")
[ -n "$this_major" ] || { echo "FAIL: cannot run $openssl version"; exit 1; }
# A module built with AddressSanitizer or ThreadSanitizer cannot be loaded
# by programs that are not (the runtime must come first; libtsan's static
# TLS cannot be dlopen()ed): nothing to learn here.
if grep -q 'libasan\|libtsan' <<<"$(ldd "$module" 2>/dev/null)"; then
    skip "$module is built with a sanitizer runtime; uninstrumented programs cannot load it"
fi

# The other OpenSSL: "PREFIX CLI" ("" as PREFIX for the system's).
other_prefix='' other_cli='' other_major=''
candidates=()
[ -n "${TLSD_OTHER_OPENSSL:-}" ] && candidates+=("$TLSD_OTHER_OPENSSL")
candidates+=(system)
cache=${TLSD_OPENSSL_CACHE:-/var/cache/tlsdefaults/openssl}
if [ -d "$cache" ]; then
    while IFS= read -r dir; do candidates+=("$dir"); done \
        < <(find "$cache" -mindepth 1 -maxdepth 1 -type d ! -name '.*' | sort -V -r)
fi
for candidate in "${candidates[@]}"; do
    if [ "$candidate" = system ]; then
        cli=/usr/bin/openssl prefix=''
        [ -f /usr/include/openssl/ssl.h ] || continue
    else
        cli=$candidate/bin/openssl prefix=$candidate
        [ -f "$candidate/include/openssl/ssl.h" ] || continue
    fi
    [ -x "$cli" ] || continue
    major=$(major_of "$cli")
    if [ -n "$major" ] && [ "$major" != "$this_major" ]; then
        other_prefix=$prefix other_cli=$cli other_major=$major
        break
    fi
done
[ -n "$other_cli" ] || skip "no OpenSSL of a major other than $this_major (set TLSD_OTHER_OPENSSL=PREFIX, or build one with tests/openssl/build.sh 4.0.2)"
echo "this build: OpenSSL $this_major ($openssl); the other: OpenSSL $other_major ($other_cli)"

mkdir -p "$work"
other_build=$work/build-openssl-$other_major
other_module=$other_build/tlsdefaults.so
root_arg=()
[ -n "$other_prefix" ] && root_arg=(-DOPENSSL_ROOT_DIR="$other_prefix")
if ! env -u OPENSSL_ROOT_DIR "$cmake" -S "$src" -B "$other_build" "${root_arg[@]}" -DBUILD_TESTING=OFF \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$work/other-configure.log" 2>&1 \
    || ! "$cmake" --build "$other_build" --target tlsdefaults_module -j "$(nproc)" \
        >"$work/other-build.log" 2>&1; then
    cat "$work/other-configure.log" "$work/other-build.log" 2>/dev/null | tail -40
    echo "FAIL: building the module against OpenSSL $other_major"
    exit 1
fi
grep -q "libcrypto\.so\.$other_major " <<<"$(ldd "$other_module")" \
    || { ldd "$other_module"; echo "FAIL: $other_module does not link libcrypto.so.$other_major"; exit 1; }

# Test certificates and a TLS 1.1 server (this build's CLI, no policy):
# a client with the python profile's TLS 1.2 floor refuses it; a client
# without policy connects.
rm -rf "$work/certs" && mkdir -p "$work/certs"
"$make_certs" "$work/certs" >/dev/null || { echo "FAIL: certificates"; exit 1; }
# shellcheck source=tests/support/tls11_server.sh
. "$(dirname "$0")/support/tls11_server.sh"
server=''
trap 'kill $server 2>/dev/null; exec 3>&-' EXIT
tls11_server "$openssl" "$work/certs" "$work" || { echo "FAIL: s_server did not start"; exit 1; }
closed_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# cnf NAME PATH DIAGNOSTICS: a configuration that loads the module at PATH.
cnf() {
    {
        [ "$3" = 1 ] && echo "config_diagnostics = 1"
        printf 'openssl_conf = openssl_init\n[openssl_init]\ntlsdefaults = tlsd_sect\n'
        printf '[tlsd_sect]\npath = %s\nProfile = python\n' "$2"
    } >"$work/$1.cnf"
}

# run NAME DEBUG CNF COMMAND...: output (both streams) in $work/NAME.out,
# exit status in $status; a signal is a failure whatever the case wants.
run() {
    local name=$1 debug=$2 conf=$3
    shift 3
    OPENSSL_CONF=$conf TLSDEFAULTS_DEBUG=$debug timeout 30 "$@" </dev/null >"$work/$name.out" 2>&1
    status=$?
    if [ $status -ge 124 ]; then
        fail "$name: exit $status (a crash or a hang: 139 is SIGSEGV)"
        sed 's/^/    /' "$work/$name.out"
    fi
}
want_status() { [ "$status" -eq "$2" ] || { fail "$1: exit $status, expected $2"; sed 's/^/    /' "$work/$1.out"; }; }
has() { grep -qF -- "$2" "$work/$1.out" || { fail "$1: no \"$2\" in:"; sed 's/^/    /' "$work/$1.out"; }; }
lacks() { ! grep -qF -- "$2" "$work/$1.out" || { fail "$1: unexpected \"$2\" in:"; sed 's/^/    /' "$work/$1.out"; }; }
trace_lines() { grep -c '^tlsdefaults\[' "$work/$1.out"; }

# The refusal: no trace without TLSDEFAULTS_DEBUG; one line with it.
# refused_cli NAME CLI MODULE MODULE_MAJOR
refused_cli() {
    local name=$1 cli=$2 mod=$3 mod_major=$4
    cnf "$name" "$mod" 0
    cnf "$name-diag" "$mod" 1
    s_client=(s_client -connect "127.0.0.1:$port" -servername localhost -CAfile "$work/certs/root.pem"
              -cipher 'ALL:@SECLEVEL=0' -brief)
    # Without config_diagnostics: the module is skipped, the program runs
    # without its policy (the TLS 1.1 server is accepted) and prints nothing
    # of ours.
    run "$name" "" "$work/$name.cnf" "$cli" "${s_client[@]}"
    want_status "$name" 0
    has "$name" "Protocol version: TLSv1.1"
    lacks "$name" "tlsdefaults["
    run "$name-debug" 1 "$work/$name.cnf" "$cli" "${s_client[@]}"
    want_status "$name-debug" 0
    has "$name-debug" "is built for OpenSSL $mod_major."
    has "$name-debug" "refused, this process gets no policy from it"
    [ "$(trace_lines "$name-debug")" -eq 1 ] || fail "$name-debug: $(trace_lines "$name-debug") trace lines, expected 1"
    # With config_diagnostics = 1: OpenSSL's initialisation fails, with the
    # reason on its error queue; the openssl CLI then refuses to start.
    run "$name-diag" "" "$work/$name-diag.cnf" "$cli" "${s_client[@]}"
    want_status "$name-diag" 1
    has "$name-diag" "module initialization error"
    has "$name-diag" "is built for OpenSSL $mod_major."
    lacks "$name-diag" "tlsdefaults["
    lacks "$name-diag" "Protocol version"
    ok "openssl $(major_of "$cli") with a module built for OpenSSL $mod_major: refused, no crash"
}
refused_cli this-cli-other-module "$openssl" "$other_module" "$other_major"
refused_cli other-cli-this-module "$other_cli" "$module" "$this_major"

# The module of each major for a program of the given major: the one it
# must refuse (another major) and, if there is one, its own.
module_not_of() { if [ "$1" != "$this_major" ]; then echo "$module $this_major"; else echo "$other_module $other_major"; fi; }
module_of() { if [ "$1" = "$this_major" ]; then echo "$module"; elif [ "$1" = "$other_major" ]; then echo "$other_module"; fi; }

# python3 (the system's): a new client context carries X509 strict only
# when the module ran.
py_major=$(python3 -c 'import ssl; print(ssl.OPENSSL_VERSION_INFO[0])' 2>/dev/null || true)
if [ -n "$py_major" ]; then
    probe=(python3 -c 'import ssl; c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); print("x509strict", bool(c.verify_flags & ssl.VERIFY_X509_STRICT))')
    read -r mod mod_major <<<"$(module_not_of "$py_major")"
    for diag in 0 1; do
        cnf "python-$diag" "$mod" "$diag"
        run "python-$diag" 1 "$work/python-$diag.cnf" "${probe[@]}"
        want_status "python-$diag" 0
        has "python-$diag" "x509strict False"
        has "python-$diag" "is built for OpenSSL $mod_major."
        [ "$(trace_lines "python-$diag")" -eq 1 ] || fail "python-$diag: $(trace_lines "python-$diag") trace lines, expected 1"
    done
    own=$(module_of "$py_major")
    if [ -n "$own" ]; then # the control: the probe does see a module that runs
        cnf python-own "$own" 0
        run python-own "" "$work/python-own.cnf" "${probe[@]}"
        has python-own "x509strict True"
    fi
    ok "python3 (OpenSSL $py_major) with a module built for OpenSSL $mod_major: refused, no crash"
else
    echo "python3 with the ssl module not found: skipped"
fi

# curl (the system's): a closed port, so exit 7 whatever the policy.
curl_major=$(curl --version 2>/dev/null | sed -n 's|.* OpenSSL/\([0-9]*\)\..*|\1|p' | head -1)
if [ -n "$curl_major" ]; then
    read -r mod mod_major <<<"$(module_not_of "$curl_major")"
    for diag in 0 1; do
        cnf "curl-$diag" "$mod" "$diag"
        run "curl-$diag" 1 "$work/curl-$diag.cnf" curl -sS "https://127.0.0.1:$closed_port/"
        want_status "curl-$diag" 7
        has "curl-$diag" "is built for OpenSSL $mod_major."
    done
    ok "curl (OpenSSL $curl_major) with a module built for OpenSSL $mod_major: refused, no crash"
else
    echo "curl on OpenSSL not found: skipped"
fi

# The layout: each major's build in <its libcrypto's directory>/ossl-modules,
# one configuration naming path = $ORIGIN/ossl-modules/tlsdefaults.so. Each
# libcrypto and its libssl are copied into a directory of their own (as two
# majors installed in two prefixes) and chosen with LD_LIBRARY_PATH.
# layout_dir CLI MODULE DIR
layout_dir() {
    local cli=$1 mod=$2 dir=$3 lib
    rm -rf "$dir" && mkdir -p "$dir/ossl-modules"
    for lib in $(ldd "$cli" | awk '$1 ~ /^lib(ssl|crypto)\.so/ {print $3}'); do
        cp -L "$lib" "$dir/"
    done
    cp "$mod" "$dir/ossl-modules/tlsdefaults.so"
}
layout_dir "$openssl" "$module" "$work/layout/openssl-$this_major"
layout_dir "$other_cli" "$other_module" "$work/layout/openssl-$other_major"
# In openssl.cnf a literal '$' is written '\$'.
# shellcheck disable=SC2016 # a literal $ORIGIN for OpenSSL and the dynamic linker
cnf layout '\$ORIGIN/ossl-modules/tlsdefaults.so' 1
for pair in "$this_major $openssl" "$other_major $other_cli"; do
    read -r major cli <<<"$pair"
    dir=$work/layout/openssl-$major
    run "layout-$major" 1 "$work/layout.cnf" env LD_LIBRARY_PATH="$dir" "$cli" s_client \
        -connect "127.0.0.1:$port" -servername localhost -CAfile "$work/certs/root.pem" \
        -cipher 'ALL:@SECLEVEL=0' -brief
    # The module of that major ran: the TLS 1.1 server is refused.
    want_status "layout-$major" 1
    lacks "layout-$major" "Protocol version: TLSv1.1"
    has "layout-$major" "section tlsd_sect loaded"
    has "layout-$major" "(client): policy of section tlsd_sect applied"
    lacks "layout-$major" "is built for OpenSSL"
    ok "openssl $major with \$ORIGIN/ossl-modules/tlsdefaults.so: its own build, policy applied"
done

[ "$failures" -eq 0 ] && echo "cross_major: all checks passed"
exit $((failures > 0))
