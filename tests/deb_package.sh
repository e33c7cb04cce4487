#!/usr/bin/env bash
# The Debian package, built by CPack and installed into a scratch root:
# it holds everything, and the documented one-line step enables the module
# for the unmodified openssl s_client (a TLS 1.1 server is refused), the
# one-line reverse disables it.
#
# usage: deb_package.sh SOURCE_DIR WORK_DIR TLSD_TEST_CERTS OPENSSL
# The OpenSSL the build uses comes in the environment (tests/CMakeLists.txt):
# TLSD_OPENSSL_ROOT (its prefix), TLSD_OPENSSL_LIBDIR (where its libssl.so
# is), TLSD_OPENSSL_VERSION. The package is for the system's OpenSSL (it
# installs into /usr and the system's modules directory, and depends on the
# Debian package of the libssl it links): against any other OpenSSL the
# test is skipped (exit 77), as installing it would prove nothing.
set -uo pipefail
src=$1 work=$2 make_certs=$3 openssl=$4
: "${TLSD_OPENSSL_ROOT:?}" "${TLSD_OPENSSL_LIBDIR:?}" "${TLSD_OPENSSL_VERSION:?}"
for tool in cpack dpkg-deb dpkg-shlibdeps dpkg file readelf; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
fail() { echo "FAIL: $*"; exit 1; }

# The libssl the build links, and the Debian package it belongs to.
libssl=$(readlink -f "$TLSD_OPENSSL_LIBDIR/libssl.so") || fail "no $TLSD_OPENSSL_LIBDIR/libssl.so"
if ! owner=$(dpkg -S "$libssl" 2>/dev/null); then
    echo "SKIP: this build uses OpenSSL $TLSD_OPENSSL_VERSION from $TLSD_OPENSSL_ROOT ($libssl)," \
         "which no Debian package installed: the .deb is for the system's OpenSSL (prefix /usr," \
         "its modules directory, Depends from dpkg-shlibdeps); configure against it to test the package"
    exit 77
fi
owner=${owner%%:*}
soname=$(readelf -d "$libssl" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ -n "$soname" ] || fail "no SONAME in $libssl"
echo "OpenSSL $TLSD_OPENSSL_VERSION: $libssl ($soname) from the package $owner"

rm -rf "$work" && mkdir -p "$work/root" "$work/certs"
cmake -S "$src" -B "$work/build" -DCMAKE_INSTALL_PREFIX=/usr -DBUILD_TESTING=OFF \
    -DOPENSSL_ROOT_DIR="$TLSD_OPENSSL_ROOT" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; fail configure; }
found=$(sed -n 's/^OPENSSL_SSL_LIBRARY:[A-Z]*=//p' "$work/build/CMakeCache.txt")
[ "$(readlink -f "$found")" = "$libssl" ] || fail "the package's build found $found, not $libssl"
cmake --build "$work/build" -j "$(nproc)" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail build; }
(cd "$work/build" && cpack -G DEB) >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail cpack; }
deb=$(ls "$work"/build/tlsdefaults_*.deb) || fail "no .deb"
echo "package: $(basename "$deb")"
# Its dependency on libssl is the one dpkg-shlibdeps finds for the library
# the module links, never a name written in the build.
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
grep -Eq "(^|, )$owner( |,|$)" <<<"$depends" || fail "Depends does not name $owner, the package of $soname: $depends"

# Installed into a scratch root, as dpkg would unpack it.
dpkg-deb -x "$deb" "$work/root"
needed=$(readelf -d "$work/root/usr/lib/x86_64-linux-gnu/ossl-modules/tlsdefaults.so" 2>&1)
grep -Fq "[$soname]" <<<"$needed" || fail "the packaged module does not need $soname: $needed"
for f in usr/lib/x86_64-linux-gnu/ossl-modules/tlsdefaults.so usr/bin/tlsdefaults-info \
         usr/include/tlsdefaults.h usr/lib/x86_64-linux-gnu/libtlsdefaults.so.0 \
         usr/lib/x86_64-linux-gnu/libtlsdefaults-module.so.0 \
         usr/lib/x86_64-linux-gnu/pkgconfig/tlsdefaults.pc \
         usr/lib/x86_64-linux-gnu/cmake/tlsdefaults/tlsdefaultsConfig.cmake \
         usr/share/tlsdefaults/openssl-cnf/tlsdefaults-system.cnf \
         usr/share/tlsdefaults/openssl-cnf/tlsdefaults-user.cnf \
         usr/share/man/man5/tlsdefaults.5 usr/share/man/man3/tlsdefaults.3 \
         usr/share/man/man1/tlsdefaults-info.1; do
    [ -e "$work/root/$f" ] || fail "missing in the package: /$f"
done

# The system's openssl.cnf (a copy), and the drop-in as shipped: its path,
# $ORIGIN/ossl-modules/tlsdefaults.so, is the modules directory beside the
# libcrypto that loads it. The system's libssl and libcrypto (what the
# libssl3 package holds) are copied into the scratch root's libdir and
# chosen with LD_LIBRARY_PATH, so that $ORIGIN is that directory and the
# package's module is the one loaded, as on a real system.
# shellcheck disable=SC2016 # the literal text of the file
grep -qF 'path = \$ORIGIN/ossl-modules/tlsdefaults.so' \
    "$work/root/usr/share/tlsdefaults/openssl-cnf/tlsdefaults-system.cnf" || fail "the drop-in names another path"
cp "$work/root/usr/share/tlsdefaults/openssl-cnf/tlsdefaults-system.cnf" "$work/tlsdefaults-system.cnf"
libdir=$work/root/usr/lib/x86_64-linux-gnu
for lib in $(ldd "$openssl" | awk '$1 ~ /^lib(ssl|crypto)\.so/ {print $3}'); do
    [ "$(dirname "$(realpath "$lib")")" = "$(realpath /usr/lib/x86_64-linux-gnu)" ] \
        || fail "$openssl uses $lib, not the multiarch directory the package installs into"
    cp -L "$lib" "$libdir/"
done
export LD_LIBRARY_PATH=$libdir
if [ -f /etc/ssl/openssl.cnf ]; then cp /etc/ssl/openssl.cnf "$work/openssl.cnf"
else printf 'openssl_conf = openssl_init\n[openssl_init]\n' >"$work/openssl.cnf"; fi

# Enable: the one documented step (the drop-in's own path on a real system).
echo ".include $work/tlsdefaults-system.cnf" >>"$work/openssl.cnf"
"$work/root/usr/bin/tlsdefaults-info" --config "$work/openssl.cnf" >"$work/info.txt" 2>&1
status=$?
[ $status -eq 0 ] || { cat "$work/info.txt"; fail "tlsdefaults-info exit $status after enabling"; }
grep -q "module: section tlsdefaults_sect, profile python" "$work/info.txt" || fail "module not reported"

"$make_certs" "$work/certs" || fail "certificates"
# shellcheck source=tests/support/tls11_server.sh
. "$(dirname "$0")/support/tls11_server.sh"
server=''
trap 'kill $server 2>/dev/null; exec 3>&-' EXIT
tls11_server "$openssl" "$work/certs" "$work" || fail "s_server did not start"
client() {
    OPENSSL_CONF=$1 timeout 20 "$openssl" s_client -connect "127.0.0.1:$port" -servername localhost \
        -CAfile "$work/certs/root.pem" -cipher 'ALL:@SECLEVEL=0' -brief </dev/null >"$work/client.log" 2>&1
}
# refused WHAT CNF: s_client exits 1 by itself. Connecting fails the test,
# and so does a crash or the time limit: neither is a refusal.
refused() {
    local what=$1 rc=0
    client "$2" || rc=$?
    [ "$rc" -eq 1 ] && return 0
    cat "$work/client.log"
    case $rc in
        0) fail "$what: s_client connected" ;;
        124) fail "$what: s_client hit the time limit, it did not refuse" ;;
        *) [ "$rc" -gt 128 ] && fail "$what: s_client was killed by signal $((rc - 128)): a crash is not a refusal"
           fail "$what: s_client exit $rc, expected 1" ;;
    esac
}
client /dev/null || { cat "$work/client.log"; fail "without the module, TLS 1.1 should connect"; }
refused "with the package enabled, TLS 1.1" "$work/openssl.cnf"
grep -q "alert protocol version" "$work/client.log" \
    || { cat "$work/client.log"; fail "the TLS 1.1 server was refused, but not for its protocol version"; }
echo "enabled: s_client refuses the TLS 1.1 server"

# A typo ("Path =") makes OpenSSL load libtlsdefaults.so, the package's
# development symlink, from the library path (LD_LIBRARY_PATH, set above,
# stands in for the real /usr/lib/x86_64-linux-gnu): TLS is refused, with
# the reason.
sed -i 's|^path = |Path = |' "$work/tlsdefaults-system.cnf"
refused "with 'Path ='" "$work/openssl.cnf"
grep -q "key=Path: OpenSSL reads only the lower-case path" "$work/client.log" \
    || { cat "$work/client.log"; fail "the refusal does not name the typo"; }
echo "typo 'Path =': s_client refused, the reason named"
sed -i 's|^Path = |path = |' "$work/tlsdefaults-system.cnf"

# Disable: the one documented reverse step.
sed -i "\|tlsdefaults-system.cnf|d" "$work/openssl.cnf"
"$work/root/usr/bin/tlsdefaults-info" --config "$work/openssl.cnf" >"$work/info.txt" 2>&1
status=$?
[ $status -eq 2 ] || { cat "$work/info.txt"; fail "tlsdefaults-info exit $status after disabling, expected 2"; }
client "$work/openssl.cnf" || { cat "$work/client.log"; fail "disabled: TLS 1.1 should connect again"; }
echo "disabled: s_client connects again"
echo "deb package: all checks passed"
