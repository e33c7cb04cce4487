#!/usr/bin/env bash
# The Debian package, built by CPack and installed into a scratch root:
# it holds everything, and the documented one-line step enables the module
# for the unmodified openssl s_client (a TLS 1.1 server is refused), the
# one-line reverse disables it.
#
# usage: deb_package.sh SOURCE_DIR WORK_DIR TLSD_TEST_CERTS OPENSSL
set -uo pipefail
src=$1 work=$2 make_certs=$3 openssl=$4
# The package is built against the system's OpenSSL (the cmake call below
# gets no OPENSSL_ROOT_DIR), so its checks run the system's openssl even
# when the suite is configured for another OpenSSL: a CLI of another major
# version refuses the package's module (issue 13), and would pass the
# "refused" check below for that reason.
[ -x /usr/bin/openssl ] && openssl=/usr/bin/openssl
for tool in cpack dpkg-deb dpkg-shlibdeps; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
fail() { echo "FAIL: $*"; exit 1; }

rm -rf "$work" && mkdir -p "$work/root" "$work/certs"
cmake -S "$src" -B "$work/build" -DCMAKE_INSTALL_PREFIX=/usr -DBUILD_TESTING=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; fail configure; }
cmake --build "$work/build" -j "$(nproc)" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail build; }
(cd "$work/build" && cpack -G DEB) >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail cpack; }
deb=$(ls "$work"/build/tlsdefaults_*.deb) || fail "no .deb"
echo "package: $(basename "$deb")"
depends=$(dpkg-deb -f "$deb" Depends)
grep -q libssl3 <<<"$depends" || fail "Depends lacks libssl3: $depends"

# Installed into a scratch root, as dpkg would unpack it.
dpkg-deb -x "$deb" "$work/root"
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
client /dev/null || { cat "$work/client.log"; fail "without the module, TLS 1.1 should connect"; }
client "$work/openssl.cnf"
status=$?
# Refused by the policy (exit 1, a protocol version error), not by a crash.
if [ $status -ne 1 ] || ! grep -qiE "protocol version|unsupported protocol|no protocols available" "$work/client.log"; then
    cat "$work/client.log"; fail "with the package enabled, TLS 1.1 should be refused (exit $status)"
fi
echo "enabled: s_client refuses the TLS 1.1 server"

# A typo ("Path =") makes OpenSSL load libtlsdefaults.so, the package's
# development symlink, from the library path (LD_LIBRARY_PATH, set above,
# stands in for the real /usr/lib/x86_64-linux-gnu): TLS is refused, with
# the reason.
sed -i 's|^path = |Path = |' "$work/tlsdefaults-system.cnf"
client "$work/openssl.cnf" && { cat "$work/client.log"; fail "with 'Path =', TLS should be refused"; }
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
