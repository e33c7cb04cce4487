#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# What each shared object exports, and what the library needs first.
#   - tlsdefaults.so and libtlsdefaults-module.so.0 (the config module, and
#     the same code for OpenSSL's default-name rule): OPENSSL_init and
#     OPENSSL_finish under their own version node, nothing else;
#   - libtlsdefaults.so.0: the public tlsd_* API only, never OPENSSL_init,
#     and libtlsdefaults-module.so.0 among its NEEDED entries before
#     libssl and libcrypto, so that OpenSSL's dlsym through
#     libtlsdefaults.so finds the module's entry points, not libcrypto's
#     unrelated OPENSSL_init.
#
# usage: exports.sh MODULE MODULE_LIB LIBRARY
set -uo pipefail
module=$1 module_lib=$2 library=$3
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

defined() { nm -D --defined-only "$1" | awk '{print $3}' | sort | tr '\n' ' '; }

entry_points='OPENSSL_finish@@TLSDEFAULTS_MODULE OPENSSL_init@@TLSDEFAULTS_MODULE TLSDEFAULTS_MODULE '
for f in "$module" "$module_lib"; do
    got=$(defined "$f")
    echo "$(basename "$f"): $got"
    [ "$got" = "$entry_points" ] || fail "$(basename "$f") exports '$got', expected '$entry_points'"
done

got=$(defined "$library")
echo "$(basename "$library"): $got"
for s in $got; do
    case $s in
        tlsd_*@@TLSDEFAULTS_0 | TLSDEFAULTS_0) ;;
        *) fail "$(basename "$library") exports $s" ;;
    esac
done

# The order of the NEEDED entries is the order dlsym() searches them in
# (a sanitizer's runtime may come first: it defines no OPENSSL_init).
needed=$(readelf -d "$library" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
echo "$(basename "$library") needs:" $needed
at() { grep -n -m1 "^$1" <<<"$needed" | cut -d: -f1; }
module_at=$(at "$(basename "$module_lib")")
[ -n "$module_at" ] || fail "$(basename "$library") does not need $(basename "$module_lib")"
for dep in libssl.so libcrypto.so; do
    dep_at=$(at "$dep")
    [ -z "$module_at" ] || [ -z "$dep_at" ] || [ "$module_at" -lt "$dep_at" ] \
        || fail "$(basename "$module_lib") comes after $dep in the NEEDED entries"
done

[ "$failures" -eq 0 ] && echo "exports: all checks passed"
exit $((failures > 0))
