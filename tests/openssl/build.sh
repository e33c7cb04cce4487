#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/openssl/build.sh VERSION
#
# Provides OpenSSL VERSION (e.g. 3.5.7, 3.6.3, 4.0.2) built from Debian's
# source archive, and prints its install prefix on stdout. Progress goes to
# stderr.
#
#   - The archive is the main Debian entry of this machine's apt
#     configuration (/etc/apt/sources.list.d/*.sources, *.list,
#     /etc/apt/sources.list); TLSD_DEBIAN_ARCHIVE=URL overrides it.
#   - The upstream tarball is found in dists/{trixie,sid,experimental}/main/
#     source/Sources.xz (TLSD_DEBIAN_SUITES overrides the list) and checked
#     against the SHA-256 given there; a mismatch is refused.
#   - The prefix is ${TLSD_OPENSSL_CACHE:-/var/cache/tlsdefaults/openssl}/VERSION,
#     outside the clone, so that every worktree shares the builds.
#     OPENSSLDIR is /usr/lib/ssl, as in Debian's own package (the system's
#     trust store and openssl.cnf); TLSD_OPENSSL_DIR overrides it. Nothing is
#     installed there: only the software goes into the prefix.
#   - Binaries and libraries carry an rpath to <prefix>/lib, so that
#     <prefix>/bin/openssl runs without LD_LIBRARY_PATH.
#   - OpenSSL's QUIC demo server (demos/quic/server, 3.2+) is built as
#     <prefix>/bin/quic-server-demo when it builds.
#   - A completed build has the stamp file <prefix>/.tlsd-build-stamp
#     (written last, with the verified checksum): then the prefix is printed
#     at once. The build happens in a temporary directory beside the prefix
#     and is renamed into place, so an interrupted build never looks complete.
#     A lock serialises concurrent builds of the same version.
#
# TLSD_OPENSSL_VERBOSE=1 streams the configure/make output to stderr (by
# default it goes to a log file, whose tail is shown on failure).
set -euo pipefail

say() { printf 'build.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

[ $# -eq 1 ] || { echo "usage: $0 VERSION   (e.g. 3.5.7)" >&2; exit 64; }
version=$1
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+[a-z]?$ ]] || die "not an OpenSSL version: '$version'"

cache_root=${TLSD_OPENSSL_CACHE:-/var/cache/tlsdefaults/openssl}
prefix=$cache_root/$version
stamp=$prefix/.tlsd-build-stamp
openssldir=${TLSD_OPENSSL_DIR:-/usr/lib/ssl}
suites=${TLSD_DEBIAN_SUITES:-trixie sid experimental}

complete() { [ -s "$stamp" ] && grep -q '^sha256 [0-9a-f]\{64\}$' "$stamp"; }

if complete; then
    printf '%s\n' "$prefix"
    exit 0
fi

mkdir -p "$cache_root" 2>/dev/null || die "cannot create $cache_root (set TLSD_OPENSSL_CACHE to a writable directory)"
[ -w "$cache_root" ] || die "$cache_root is not writable (set TLSD_OPENSSL_CACHE)"

# One build of a version at a time; whoever waited finds it complete.
exec 9>"$cache_root/.$version.lock"
if ! flock -n 9; then
    say "another build of $version is running; waiting for it"
    flock 9
fi
if complete; then
    printf '%s\n' "$prefix"
    exit 0
fi
# A prefix without its stamp is not ours to trust (made by hand or by an
# older script): rebuild it.
if [ -e "$prefix" ]; then
    say "$prefix exists without a completed-build stamp; replacing it"
    rm -rf "$prefix"
fi

fetch() { # URL FILE
    if command -v curl >/dev/null; then
        curl -fsSL --retry 3 -o "$2" "$1"
    else
        wget -q -O "$2" "$1"
    fi
}

# --- The archive: the main Debian entry of apt's own configuration ---------
# Prints "URI SUITE" pairs, one a line, of every deb/deb-src entry.
apt_entries() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        # deb822: stanzas separated by blank lines; a commented line is a comment.
        awk 'BEGIN { RS = ""; FS = "\n" }
             {
                 types = ""; uris = ""; suites = ""; enabled = "yes"
                 for (i = 1; i <= NF; i++) {
                     line = $i
                     if (line ~ /^#/) continue
                     if (match(line, /^[A-Za-z-]+:/)) {
                         key = tolower(substr(line, 1, RLENGTH - 1))
                         val = substr(line, RLENGTH + 1)
                         if (key == "types") types = val
                         else if (key == "uris") uris = val
                         else if (key == "suites") suites = val
                         else if (key == "enabled") enabled = val
                     }
                 }
                 if (types !~ /deb/ || enabled ~ /no/) next
                 nu = split(uris, u, /[ \t]+/); ns = split(suites, s, /[ \t]+/)
                 for (a = 1; a <= nu; a++) for (b = 1; b <= ns; b++)
                     if (u[a] != "" && s[b] != "") print u[a], s[b]
             }' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        # deb [options] URI SUITE COMPONENTS...
        sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" |
            awk '$1 == "deb" || $1 == "deb-src" { if (NF >= 3) print $2, $3 }'
    done
}

archive=${TLSD_DEBIAN_ARCHIVE:-}
if [ -z "$archive" ]; then
    # The main archive: an http(s) entry whose suite is a plain code name
    # (no -security, -updates, -backports) and whose path is not the
    # security archive's.
    archive=$(apt_entries |
        awk '$1 ~ /^https?:\/\// && $2 !~ /-/ && $1 !~ /security/ { print $1; exit }')
    [ -n "$archive" ] || die "no main Debian archive in the apt configuration (set TLSD_DEBIAN_ARCHIVE)"
fi
archive=${archive%/}
say "OpenSSL $version from the Debian archive $archive"

# --- The orig tarball and its checksum, from the source indices --------------
work=$(mktemp -d "$cache_root/.build-$version.XXXXXX")
keep_log=
cleanup() {
    local rc=$?
    if [ $rc -ne 0 ] && [ -n "$keep_log" ] && [ -f "$keep_log" ]; then
        cp "$keep_log" "$cache_root/$version.failed.log" 2>/dev/null &&
            say "log of the failed build: $cache_root/$version.failed.log"
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# Candidates: "SHA256 SIZE DIRECTORY FILE" for every openssl stanza whose
# upstream version (no epoch, no Debian revision) is VERSION, possibly
# repacked (VERSION+dfsg...).
candidates=$work/candidates
: >"$candidates"
for suite in $suites; do
    idx=$work/Sources-$suite.xz
    if ! fetch "$archive/dists/$suite/main/source/Sources.xz" "$idx"; then
        say "no source index for $suite; skipped"
        continue
    fi
    xz -dc "$idx" | awk -v want="$version" '
        BEGIN { RS = ""; FS = "\n" }
        {
            pkg = ""; ver = ""; dir = ""; insums = 0; n = 0
            for (i = 1; i <= NF; i++) {
                line = $i
                if (line ~ /^[ \t]/) {
                    if (insums) sums[++n] = line
                    continue
                }
                insums = 0
                if (line ~ /^Package:/) { pkg = line; sub(/^Package:[ \t]*/, "", pkg) }
                else if (line ~ /^Version:/) { ver = line; sub(/^Version:[ \t]*/, "", ver) }
                else if (line ~ /^Directory:/) { dir = line; sub(/^Directory:[ \t]*/, "", dir) }
                else if (line ~ /^Checksums-Sha256:/) insums = 1
            }
            if (pkg != "openssl") next
            up = ver; sub(/^[0-9]+:/, "", up); sub(/-[^-]*$/, "", up)
            if (up != want && index(up, want "+") != 1) next
            if (dir == "") dir = "pool/main/o/openssl"
            for (k = 1; k <= n; k++) {
                split(sums[k], f, /[ \t]+/)   # f[1] is empty (leading blank)
                if (f[4] ~ /\.orig\.tar\.(gz|xz|bz2)$/) print f[2], f[3], dir, f[4]
            }
        }' >>"$candidates"
done
sort -u -o "$candidates" "$candidates"
[ -s "$candidates" ] || die "OpenSSL $version is in none of the source indices of: $suites"

# --- Download, verify, unpack -------------------------------------------------
downloads=$cache_root/.downloads
mkdir -p "$downloads"
tarball='' sha=''
while read -r c_sha c_size c_dir c_file; do
    [[ $c_file =~ ^[A-Za-z0-9._+~-]+$ && $c_dir =~ ^[A-Za-z0-9._+/-]+$ && $c_dir != *..* ]] ||
        { say "odd entry in the index ($c_dir/$c_file); skipped"; continue; }
    dest=$downloads/$c_file
    if [ -f "$dest" ] && printf '%s  %s\n' "$c_sha" "$dest" | sha256sum -c --status; then
        say "using the downloaded $c_file (SHA-256 verified)"
        tarball=$dest sha=$c_sha
        break
    fi
    say "downloading $c_dir/$c_file ($c_size bytes)"
    if ! fetch "$archive/$c_dir/$c_file" "$work/$c_file"; then
        say "$c_file is listed but not in the pool; trying the next candidate"
        continue
    fi
    if ! printf '%s  %s\n' "$c_sha" "$work/$c_file" | sha256sum -c --status; then
        got=$(sha256sum "$work/$c_file" | cut -d' ' -f1)
        die "SHA-256 mismatch for $c_file: index says $c_sha, download is $got; refused"
    fi
    mv "$work/$c_file" "$dest"
    tarball=$dest sha=$c_sha
    say "SHA-256 verified: $sha"
    break
done <"$candidates"
[ -n "$tarball" ] || die "no tarball of OpenSSL $version could be downloaded"

src=$work/src
mkdir -p "$src"
tar -xf "$tarball" -C "$src" --strip-components=1
[ -x "$src/Configure" ] || [ -f "$src/Configure" ] || die "no Configure in $tarball"

# --- Configure, build, install into a staging root ---------------------------
# Options that exist on this version (Configure's list of disablables).
has_option() { grep -Eq "^[[:space:]]*\"$1\",?[[:space:]]*(#.*)?$" "$src/Configure"; }

args=(--prefix="$prefix" --libdir=lib --openssldir="$openssldir" shared)
for opt in tests docs; do
    if has_option "$opt"; then args+=("no-$opt"); else say "Configure of $version has no no-$opt"; fi
done
if has_option sslkeylog; then args+=(enable-sslkeylog); else say "Configure of $version has no enable-sslkeylog"; fi
args+=("-Wl,-rpath,$prefix/lib")

log=$work/build.log
keep_log=$log
run() { # quiet unless TLSD_OPENSSL_VERBOSE=1
    if [ "${TLSD_OPENSSL_VERBOSE:-0}" = 1 ]; then
        "$@" >&2
    elif ! "$@" >>"$log" 2>&1; then
        say "failed: $*"; tail -n 40 "$log" >&2; return 1
    fi
}

jobs=$(nproc)
stage=$work/stage
start=$SECONDS
say "configuring: ./Configure ${args[*]}"
(cd "$src" && run ./Configure "${args[@]}")
say "building with make -j$jobs (a few minutes; log in $log)"
(cd "$src" && run make -j"$jobs" build_sw)
say "installing the software into a staging root"
(cd "$src" && run make DESTDIR="$stage" install_sw)
staged=$stage$prefix
[ -x "$staged/bin/openssl" ] || die "no bin/openssl after install_sw"

# QUIC demo server (3.2+), for the QUIC tests.
demo=$src/demos/quic/server/server.c
if [ -f "$demo" ]; then
    if run cc -O2 -g -I"$staged/include" "$demo" -o "$staged/bin/quic-server-demo" \
           -L"$staged/lib" -lssl -lcrypto -Wl,-rpath,"$prefix/lib"; then
        say "QUIC demo server: $prefix/bin/quic-server-demo"
    else
        say "the QUIC demo server did not build; skipped"
        rm -f "$staged/bin/quic-server-demo"
    fi
else
    say "no demos/quic/server in $version; QUIC demo server skipped"
fi

# The stamp, last: what was built, from what, how.
{
    printf 'version %s\n' "$version"
    printf 'tarball %s\n' "${tarball##*/}"
    printf 'sha256 %s\n' "$sha"
    printf 'configure %s\n' "${args[*]}"
    printf 'built %s in %ss\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$((SECONDS - start))"
} >"$staged/.tlsd-build-stamp.tmp"
# Check the result before declaring it complete: runs without
# LD_LIBRARY_PATH, from its own libraries. (The binary is built for its final
# path; run it from the staging root against the staged libraries.)
got=$(LD_LIBRARY_PATH="$staged/lib" "$staged/bin/openssl" version) || die "the built openssl does not run"
say "built: $got"
mv "$staged/.tlsd-build-stamp.tmp" "$staged/.tlsd-build-stamp"
mv -T "$staged" "$prefix"
keep_log=
"$prefix/bin/openssl" version >/dev/null ||
    { rm -rf "$prefix"; die "$prefix/bin/openssl does not run without LD_LIBRARY_PATH"; }
say "done in $((SECONDS - start))s: $prefix"
printf '%s\n' "$prefix"
