#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tlsdefaults-info on good, partial and broken configurations, and the
# golden snapshots of the shipped openssl-cnf/ files: any change to a
# default shows up as a diff here.
#
# usage: inspector.sh INSPECTOR MODULE SOURCE_DIR WORK_DIR LIBRARY_DIR
# LIBRARY_DIR holds libtlsdefaults.so: where OpenSSL's default DSO name
# finds it, as in /usr/lib/x86_64-linux-gnu with the -dev package.
# TLSD_OPENSSL_VERSION (from tests/CMakeLists.txt) is the OpenSSL the
# inspector is built against: its snapshots are tests/golden/openssl-MAJOR.MINOR.
# Versions whose output is the same share one directory: the others are
# symbolic links to it (openssl-3.5 -> openssl-3.0). A version without
# snapshots fails, with the command that makes them.
# TLSD_UPDATE_GOLDEN=1 writes the snapshots of this build's OpenSSL: into
# its own directory, made anew (a link replaced by a directory) when they
# differ from what it shared; a new version identical to a directory gets
# a link to it.
set -uo pipefail
inspector=$1 module=$2 src=$3 work=$4 library_dir=$5
version=${TLSD_OPENSSL_VERSION:?the OpenSSL version of the build (set by tests/CMakeLists.txt)}
major_minor=$(awk -F. '{ print $1 "." $2 }' <<<"$version")
golden_root=$src/tests/golden
golden_dir=$golden_root/openssl-$major_minor
failures=0

mkdir -p "$work"
# The same system store on every machine, whatever the caller's environment.
export SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt SSL_CERT_DIR=/etc/ssl/certs
export TLSDEFAULTS_DEBUG= OPENSSL_CONF=/nonexistent
unset LD_LIBRARY_PATH

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# run NAME EXPECTED_STATUS [ARGS...]: output in $work/NAME.out
run() {
    local name=$1 want=$2 got
    shift 2
    "$inspector" "$@" >"$work/$name.out" 2>&1
    got=$?
    if [ "$got" -ne "$want" ]; then
        fail "$name: exit $got, expected $want"
        cat "$work/$name.out"
    fi
}

expect() {
    local name=$1 text=$2
    grep -qF -- "$text" "$work/$name.out" || { fail "$name: no \"$text\" in:"; cat "$work/$name.out"; }
}

# expect_row NAME CONTEXT KEY VALUE ORIGIN: the --json output NAME holds
# that row (compared as JSON values, not as text).
expect_row() {
    local name=$1
    python3 - "$work/$name.out" "$2" "$3" "$4" "$5" <<'PY' || { fail "$name: no $2 row $3 = \"$4\" ($5) in:"; cat "$work/$name.out"; }
import json, sys
path, context, key, value, origin = sys.argv[1:]
with open(path) as f:
    sys.exit(json.load(f)[context].get(key) != {"value": value, "origin": origin})
PY
}

# expect_lines NAME TEXT: NAME's output holds TEXT, lines in a row as given
# (grep would take each line of TEXT as a pattern of its own).
expect_lines() {
    python3 -c 'import sys; sys.exit(sys.argv[2] not in open(sys.argv[1]).read())' "$work/$1.out" "$2" ||
        { fail "$1: no lines \"$2\" in:"; cat "$work/$1.out"; }
}

# cnf NAME BODY: a configuration that loads the module built here.
cnf() {
    printf 'openssl_conf = openssl_init\n[openssl_init]\ntlsdefaults = tlsd\n%s\n[tlsd]\npath = %s\n%s\n' \
        "${3:-}" "$module" "$2" >"$work/$1.cnf"
}

# A good configuration.
cnf good "Profile = python"
run good 0 --config "$work/good.cnf"
expect good "status: ok"
expect good "module: section tlsd, profile python"
expect good "module ran: yes, a new context carries its security callback ($module)"
expect good "MinProtocol          TLSv1.2  (profile python)"
expect good "VerifyMode           peer  (profile python)"
expect good "HostnameCheck        no  (not applied to servers)"

# A partial one: a few keys edit the profile, system_default overrides one.
# Candidate = SECTION: its effective policy next to the enforced one, in
# text and JSON; the enforced rows are the module's own; a broken
# candidate is a broken configuration.
cnf candidate "Candidate = next_sect" "[next_sect]
Profile = strict"
run candidate 0 --config "$work/candidate.cnf"
expect candidate "candidate: section next_sect, profile strict (strict-202612) (audited beside the policy above, never applied)"
expect candidate "candidate client context (TLS_client_method)"
expect candidate "MinProtocol          TLSv1.3  (profile strict)"
expect candidate "MinProtocol          TLSv1.2  (profile python)"
run candidate-json 0 --config "$work/candidate.cnf" --json
python3 - "$work/candidate-json.out" <<'PY' || fail "candidate-json: no candidate rows"
import json, sys
d = json.load(open(sys.argv[1]))
c = d["candidate"]
sys.exit(not (c["section"] == "next_sect" and c["profile"] == "strict" and c["profile_target"] == "strict-202612"
              and c["client"]["MinProtocol"]["value"] == "TLSv1.3" and c["server"]["MinProtocol"]["value"] == "TLSv1.3"
              and d["client"]["MinProtocol"]["value"] == "TLSv1.2"))
PY
run good-json-nocandidate 0 --config "$work/good.cnf" --json
grep -q '"candidate"' "$work/good-json-nocandidate.out" && fail "a configuration without Candidate shows one"
cnf candidate-broken "Candidate = nosuch_sect"
run candidate-broken 1 --config "$work/candidate-broken.cnf"
expect candidate-broken "key=Candidate value=nosuch_sect: no such section"

cnf partial "VerifyFlags = -X509Strict
Enforce = yes" "ssl_conf = ssl_sect
[ssl_sect]
system_default = sd
[sd]
MinProtocol = TLSv1.3"
run partial 0 --config "$work/partial.cnf"
expect partial "MinProtocol          TLSv1.3  (system_default [sd], over profile python)"
expect partial "VerifyFlags          PartialChain, TrustedFirst  (profile python + section tlsd)"
expect partial "Enforce              yes  (section tlsd)"
expect partial "system_default: sd"
run partial-json 0 --config "$work/partial.cnf" --json
expect partial-json '"status": "ok"'
expect_row partial-json client Enforce yes "section tlsd"
if command -v python3 >/dev/null; then
    python3 -m json.tool "$work/partial-json.out" >/dev/null || fail "partial-json: not valid JSON"
fi

# Programs: --program shows one program's policy; the others keep the lock.
cnf programs "VerifyPeer = force
MinProtocol = TLSv1.3
Programs = progs
[progs]
nginx = nginx_policy
[nginx_policy]
VerifyPeer = no
MinProtocol = TLSv1.2"
run programs 0 --config "$work/programs.cnf"
expect programs "VerifyMode           peer, forced (VerifyPeer = force)  (section tlsd)"
expect programs "MinProtocol          TLSv1.3  (section tlsd)"
run programs-nginx 0 --config "$work/programs.cnf" --program nginx
expect programs-nginx "program: nginx"
expect programs-nginx "VerifyMode           none  (section nginx_policy (program nginx))"
expect programs-nginx "MinProtocol          TLSv1.2  (section nginx_policy (program nginx))"
run programs-path 0 --config "$work/programs.cnf" --program /usr/sbin/nginx --json
expect_row programs-path client MinProtocol TLSv1.2 "section nginx_policy (program nginx)"
run programs-other 0 --config "$work/programs.cnf" --program curl
expect programs-other "VerifyMode           peer, forced (VerifyPeer = force)  (section tlsd)"
run programs-bad-name 64 --program bin/nginx
# A program's own Groups: what a client of that program offers, read from
# its context (not from the inspector's own).
cnf programs-groups "Programs = progs
[progs]
nginx = nginx_policy
[nginx_policy]
Groups = P-384"
run programs-groups 0 --config "$work/programs-groups.cnf" --program nginx --json
expect_row programs-groups client Groups '*secp384r1' "section nginx_policy (program nginx)"
run programs-groups-other 0 --config "$work/programs-groups.cnf" --program curl --json
python3 -c 'import json, sys; sys.exit("secp384r1" == json.load(open(sys.argv[1]))["client"]["Groups"]["value"].lstrip("*"))' \
    "$work/programs-groups-other.out" || fail "programs-groups-other: curl offers nginx's Groups"
# A program's own Audit: its context keeps no floor and no verification of
# the main section's (audited keys are not applied), as the module does.
cnf programs-audit "VerifyPeer = force
MinProtocol = TLSv1.3
Programs = progs
[progs]
nginx = nginx_policy
[nginx_policy]
Audit = MinProtocol, VerifyPeer"
run programs-audit 0 --config "$work/programs-audit.cnf" --program nginx
expect programs-audit "MinProtocol          any  (audited: the value of section tlsd is reported, not applied (Audit, section nginx_policy (program nginx)))"
expect programs-audit "VerifyMode           none  (audited: the value of section tlsd is reported, not applied (Audit, section nginx_policy (program nginx)))"

# A program section holding a value only OpenSSL rejects: every program
# refuses TLS (the module checks every section, whichever program runs),
# and the verdict says so, with --program too (the entry's program and
# another), naming the section and key. A valid one: ok for both.
for variant in bad good; do
    cipher=NOSUCHCIPHER want=1
    [ $variant = good ] && cipher=DEFAULT want=0
    cnf "programs-$variant-cipher" "Programs = progs
[progs]
nginx = nginx_policy
[nginx_policy]
CipherString = $cipher"
    for who in "" nginx curl; do
        name=programs-$variant-cipher${who:+-$who}
        run "$name" $want --config "$work/programs-$variant-cipher.cnf" ${who:+--program "$who"}
        if [ $variant = bad ]; then
            expect "$name" "status: broken"
            expect "$name" "every TLS handshake of a program using this configuration is refused"
            expect "$name" "section nginx_policy (program nginx): key=CipherString value=NOSUCHCIPHER"
        else
            expect "$name" "status: ok"
        fi
    done
done

# --program NAME that is not a path: the command NAME runs is found in
# PATH, links resolved, and matched as the module matches it. A link
# "mytool" to "mytool-2.1" (like python3 -> python3.11) is matched as
# mytool-2.1: the inspector warns, naming the file and the entry it gets.
mkdir -p "$work/bin"
cp "$inspector" "$work/bin/mytool-2.1"
ln -sf mytool-2.1 "$work/bin/mytool"
cnf programs-link "MinProtocol = TLSv1.3
Programs = progs
[progs]
mytool = mytool_policy
mytool-2.1 = real_policy
[mytool_policy]
MinProtocol = TLSv1.2
[real_policy]
MinProtocol = TLSv1.2
MaxProtocol = TLSv1.2"
PATH="$work/bin:$PATH" run programs-link 0 --config "$work/programs-link.cnf" --program mytool
expect programs-link "warning: the command mytool runs $work/bin/mytool-2.1; the module matches that process as mytool-2.1, which gets the entry mytool-2.1 = real_policy of section progs, not the entry mytool = mytool_policy shown below"
PATH="$work/bin:$PATH" run programs-link-json 0 --config "$work/programs-link.cnf" --program mytool --json
expect programs-link-json '"warning": "the command mytool runs '
# The real file's name, or its absolute path: no warning.
PATH="$work/bin:$PATH" run programs-link-real 0 --config "$work/programs-link.cnf" --program mytool-2.1
grep -q warning "$work/programs-link-real.out" && fail "programs-link-real: a warning" && cat "$work/programs-link-real.out"
# A link whose file no entry names: the module section's policy.
ln -sf "$work/bin/mytool-2.1" "$work/bin/othertool"
ln -sf "$work/bin/othertool" "$work/bin/othertool3"
cnf programs-link2 "Programs = progs
[progs]
othertool3 = p3
[p3]
MinProtocol = TLSv1.3"
PATH="$work/bin:$PATH" run programs-link2 0 --config "$work/programs-link2.cnf" --program othertool3
expect programs-link2 "warning: the command othertool3 runs $work/bin/mytool-2.1; the module matches that process as mytool-2.1, which gets no entry of section progs (the module section's policy), not the entry othertool3 = p3 shown below"
# A script: the kernel runs its interpreter, which the module matches.
printf '#!/bin/sh\nexec true\n' >"$work/bin/myscript"
chmod +x "$work/bin/myscript"
PATH="$work/bin:$PATH" run programs-script 0 --config "$work/programs-link.cnf" --program myscript
expect programs-script "warning: the command myscript runs $work/bin/myscript, a script (#!/bin/sh): the process is its interpreter, and the module matches that, not myscript"
# Not in PATH: said too.
PATH="$work/bin" run programs-not-found 0 --config "$work/programs-link.cnf" --program no-such-tool
expect programs-not-found "warning: no-such-tool is not found in PATH"
# python3 itself, where it is a link (Debian: python3 -> python3.11).
# (The system's: a pyenv shim in PATH is a script, whose process is its
# interpreter.)
python3=/usr/bin/python3
[ -x "$python3" ] || python3=$(command -v python3 || true)
if [ -n "$python3" ] && [ "$(basename "$(readlink -f "$python3")")" != python3 ]; then
    real=$(readlink -f "$python3")
    cnf programs-python "Programs = progs
[progs]
python3 = py
[py]
MinProtocol = TLSv1.3"
    PATH="$(dirname "$python3"):$PATH" run programs-python 0 --config "$work/programs-python.cnf" --program python3
    expect programs-python "warning: the command python3 runs $real; the module matches that process as $(basename "$real"), which gets no entry of section progs"
fi

# Broken: a bad value (fail closed), a module file that is not there.
cnf broken "MinProtocol = TLSv1.9"
run broken 1 --config "$work/broken.cnf"
expect broken "status: broken"
expect broken "bad value for configuration key: section tlsd: key=MinProtocol value=TLSv1.9"
expect broken "every TLS handshake of a program using this configuration is refused"
run broken-json 1 --config "$work/broken.cnf" --json
expect broken-json '"status": "broken"'
printf 'openssl_conf = openssl_init\n[openssl_init]\ntlsdefaults = tlsd\n[tlsd]\npath = %s/missing/tlsdefaults.so\n' \
    "$work" >"$work/missing.cnf"
# OpenSSL skips a module it cannot load: programs get no policy, unless
# config_diagnostics makes the failure fatal.
run missing 3 --config "$work/missing.cnf"
expect missing "status: no policy"
expect missing "module ran: no, new contexts do not carry its security callback"
expect missing "programs using this configuration get NO policy: the module of section tlsd did not run"
{ echo "config_diagnostics = 1"; cat "$work/missing.cnf"; } >"$work/missing-diag.cnf"
run missing-diag 1 --config "$work/missing-diag.cnf"
expect missing-diag "OpenSSL fails to load this configuration (config_diagnostics = 1): programs using it cannot start TLS"

# Another module that fails: after ours, programs keep our policy but
# lose the entries after it (broken); before ours, ours never runs.
cnf other-after "" "other = other_sect
[other_sect]
path = $work/missing/other.so"
run other-after 1 --config "$work/other-after.cnf"
expect other-after "module ran: yes"
expect other-after "OpenSSL stops at the module that fails"
printf 'openssl_conf = openssl_init\n[openssl_init]\nother = other_sect\ntlsdefaults = tlsd\n[other_sect]\npath = %s/missing/other.so\n[tlsd]\npath = %s\n' \
    "$work" "$module" >"$work/other-before.cnf"
run other-before 3 --config "$work/other-before.cnf"
expect other-before "programs using this configuration get NO policy: the module of section tlsd did not run"

# A file OpenSSL cannot read or parse, here for an unset $ENV:: variable,
# is ignored whole, even with config_diagnostics: no policy at all.
run unreadable 3 --config "$work/does-not-exist.cnf"
expect unreadable "programs using this configuration get NO policy"
printf 'config_diagnostics = 1\nopenssl_conf = openssl_init\n[openssl_init]\ntlsdefaults = tlsd\n[tlsd]\npath = $ENV::TLSD_UNSET_VARIABLE/tlsdefaults.so\n' \
    >"$work/unset-env.cnf"
unset TLSD_UNSET_VARIABLE
run unset-env 3 --config "$work/unset-env.cnf"
expect unset-env "status: no policy"
expect unset-env "variable has no value"
expect unset-env "programs using this configuration get NO policy: OpenSSL cannot read or parse the file and ignores all of it, even with config_diagnostics = 1"
run unset-env-json 3 --config "$work/unset-env.cnf" --json
expect unset-env-json '"status": "no policy"'

# Typos that leave OpenSSL without a lower-case path: it loads the default
# DSO name, libtlsdefaults.so. Where the library is, the module runs from
# it and refuses TLS; where it is not, nothing runs. Never exit 0.
printf 'openssl_conf = openssl_init\n[openssl_init]\ntlsdefaults = tlsd\n[tlsd]\nPath = %s\n' \
    "$module" >"$work/path-typo.cnf"
printf 'openssl_conf = openssl_init\n[openssl_init]\ntlsdefaults = tlsd_typo\n[tlsd]\npath = %s\n' \
    "$module" >"$work/section-typo.cnf"
printf 'openssl_conf = openssl_init\n[openssl_init]\ntlsdefaults = tlsd\n[tlsd]\nMinProtocol = TLSv1.3\n' \
    >"$work/no-path.cnf"
for typo in path-typo section-typo no-path; do
    LD_LIBRARY_PATH=$library_dir run "$typo-lib" 1 --config "$work/$typo.cnf"
    expect "$typo-lib" "status: broken"
    expect "$typo-lib" "module ran: yes, a new context carries its security callback ($library_dir/libtlsdefaults-module.so.0)"
    expect "$typo-lib" "every TLS handshake of a program using this configuration is refused: tlsdefaults configuration is invalid, TLS refused"
    run "$typo" 3 --config "$work/$typo.cnf"
    expect "$typo" "programs using this configuration get NO policy: the module of section"
    expect "$typo" "(OpenSSL loads libtlsdefaults.so for it)"
done
expect path-typo-lib "key=Path: OpenSSL reads only the lower-case path"
expect path-typo "module: section tlsd, profile (invalid)"
expect section-typo-lib "configuration section not found: section=tlsd_typo"
expect no-path-lib "module section has no path: section tlsd: key=path is required"

# A configuration without the module: OpenSSL's defaults, exit 2.
printf 'openssl_conf = openssl_init\n[openssl_init]\n' >"$work/none.cnf"
run none 2 --config "$work/none.cnf"
expect none "module: not loaded by this configuration"
expect none "MinProtocol          any  (OpenSSL default)"
# The default configuration comes from OPENSSL_CONF.
OPENSSL_CONF="$work/good.cnf" run default 0
expect default "configuration: $work/good.cnf"

# --profile NAME: a profile alone, no configuration read, its policy given
# to the contexts as the module gives it.
run profile-alone 0 --profile python
expect profile-alone "configuration: none (profile python)"
expect profile-alone "profile python (python-3.13)"
expect profile-alone "status: ok"
expect profile-alone "MinProtocol          TLSv1.2  (profile python)"
expect profile-alone "VerifyMode           peer  (profile python)"
run profile-frozen 0 --profile python-3.13
expect profile-frozen "profile python-3.13"
grep -q "^profile python-3.13 (" "$work/profile-frozen.out" && fail "profile-frozen: a target for a frozen profile"
run profile-alone-json 0 --profile python --json
expect_row profile-alone-json client MinProtocol TLSv1.2 "profile python"
expect_row profile-alone-json server VerifyMode none "OpenSSL default"
run profile-unknown 64 --profile no-such-profile
expect profile-unknown "--profile: no-such-profile is no profile; the profiles are: python, "
run profile-with-config 64 --profile python --config "$work/good.cnf"

# --diff A B: each side inspected by the inspector itself (--json), then
# compared by value. expect_diff NAME A B: the --diff --json output NAME
# lists exactly the rows whose values differ between the --json
# inspections A and B (a row on one side only too), in A's order.
expect_diff() {
    python3 - "$work/$1.out" "$work/$2.out" "$work/$3.out" <<'PY' || { fail "$1: not the differences of $2 and $3:"; cat "$work/$1.out"; }
import json, sys
d, a, b = (json.load(open(p)) for p in sys.argv[1:])
want = []
for c in ("client", "server"):
    va = {k: r["value"] for k, r in a[c].items()}
    vb = {k: r["value"] for k, r in b[c].items()}
    for k in list(va) + [k for k in vb if k not in va]:
        if k not in va or k not in vb or va[k] != vb[k]:
            want.append({"context": c, "key": k, "a": va.get(k), "b": vb.get(k)})
sys.exit(d["differences"] != want)
PY
}
# expect_differs NAME CONTEXT KEY: the --diff --json output NAME lists it.
expect_differs() {
    python3 - "$work/$1.out" "$2" "$3" <<'PY' || { fail "$1: no $2 $3 difference in:"; cat "$work/$1.out"; }
import json, sys
path, context, key = sys.argv[1:]
sys.exit(not any(d["context"] == context and d["key"] == key for d in json.load(open(path))["differences"]))
PY
}
for p in python python-3.13 mozilla-intermediate; do
    run "side-$p" 0 --profile $p --json
done
run diff-same 0 --diff python python-3.13
expect diff-same "no differences"
run diff-same-json 0 --diff python python-3.13 --json
expect_diff diff-same-json side-python side-python-3.13
run diff-mozilla 1 --diff python mozilla-intermediate
expect_lines diff-mozilla "client Ciphers
  - python: ECDHE-"
expect diff-mozilla "server Ciphers"
expect diff-mozilla "  + mozilla-intermediate: ECDHE-"
run diff-mozilla-json 1 --diff python mozilla-intermediate --json
expect_diff diff-mozilla-json side-python side-mozilla-intermediate
expect_differs diff-mozilla-json client Ciphers
expect_differs diff-mozilla-json server Ciphers
n=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["differences"]))' "$work/diff-mozilla-json.out")
expect diff-mozilla "$n keys differ"
run diff-next 0 --diff next mozilla-intermediate-6.0
expect diff-next "no differences"
# A file against a profile: the module's context in the child against the
# profile's in-process one.
cnf diff-strict "Profile = strict"
run diff-file-same 0 --diff "$work/diff-strict.cnf" strict-202612
run diff-file 1 --diff "$work/diff-strict.cnf" python
expect_lines diff-file "client MinProtocol
  - $work/diff-strict.cnf: TLSv1.3
  + python: TLSv1.2"
expect diff-file "server MinProtocol"
run side-strict 0 --config "$work/diff-strict.cnf" --json
run diff-file-json 1 --diff "$work/diff-strict.cnf" python --json
expect_diff diff-file-json side-strict side-python
expect diff-file-json "\"a\": \"$work/diff-strict.cnf\", \"b\": \"python\", \"program\": null"
# --program: that program's Programs entry; without it, the same as python.
cnf diff-programs "Programs = progs
[progs]
nginx = nginx_policy
[nginx_policy]
MinProtocol = TLSv1.3"
run diff-programs 1 --diff "$work/diff-programs.cnf" python --program nginx
expect_lines diff-programs "client MinProtocol
  - $work/diff-programs.cnf: TLSv1.3"
run diff-programs-json 1 --diff python "$work/diff-programs.cnf" --program nginx --json
expect diff-programs-json '"program": "nginx"'
expect_differs diff-programs-json server MinProtocol
run diff-programs-other 0 --diff "$work/diff-programs.cnf" python --program curl
run diff-programs-none 0 --diff "$work/diff-programs.cnf" python
# A row on one side only: Audit and AuditLog are shown when Audit is set.
cnf diff-audit "Audit = MinProtocol"
run diff-audit 1 --diff "$work/diff-audit.cnf" python
expect diff-audit "client Audit"
expect diff-audit "  + python: (no such row)"
run side-audit 0 --config "$work/diff-audit.cnf" --json
run diff-audit-json 1 --diff "$work/diff-audit.cnf" python --json
expect_diff diff-audit-json side-audit side-python
# Bad usage, and a side whose inspection is not ok (exit 2, with why).
run diff-one 64 --diff python
run diff-unknown 64 --diff python no-such-profile
expect diff-unknown "--diff: no-such-profile is no profile and no file; the profiles are: python, "
run diff-with-config 64 --diff python python-3.13 --config "$work/good.cnf"
run diff-broken 2 --diff "$work/broken.cnf" python
expect diff-broken "$work/broken.cnf: status broken: every TLS handshake"
expect diff-broken "key=MinProtocol value=TLSv1.9"
run diff-broken-b 2 --diff python "$work/broken.cnf" --json
run diff-not-module 2 --diff python "$work/none.cnf"
expect diff-not-module "$work/none.cnf: status module not loaded"
run diff-missing 2 --diff "$work/does-not-exist.cnf" python
expect diff-missing "status no policy"

# Golden snapshots of the shipped files, with path pointing here. The
# system-wide drop-in is included from a main file, as /etc/ssl/openssl.cnf
# would include it.
mkdir -p "$work/golden"
rm -f "$work/golden/"*
for snippet in "$src"/openssl-cnf/*.cnf; do
    name=$(basename "$snippet" .cnf)
    sed "s|^path = .*|path = $module|" "$snippet" >"$work/$name.snippet"
    if grep -q '^openssl_conf' "$work/$name.snippet"; then
        cp "$work/$name.snippet" "$work/$name.cnf"
    else
        printf 'openssl_conf = openssl_init\n.include %s\n' "$work/$name.snippet" >"$work/$name.cnf"
    fi
    for format in txt json; do
        flag=()
        [ "$format" = json ] && flag=(--json)
        "$inspector" --config "$work/$name.cnf" "${flag[@]}" 2>&1 |
            sed -e "s|$module|<module>|g" -e "s|$work|<dir>|g" >"$work/golden/$name.$format"
    done
done
# Every frozen profile's effect, as a section with only its Profile shows
# it: a frozen profile never changes once released, so a change here is a
# defect, not an update (add a new dated profile instead: docs/profiles.md).
frozen=$("$inspector" --profiles --json | python3 -c '
import json, sys
print("\n".join(p["name"] for p in json.load(sys.stdin)["profiles"] if p["frozen"]))')
[ -n "$frozen" ] || fail "--profiles lists no frozen profile"
# Every profile is documented where administrators look.
for profile in $("$inspector" --profiles | awk '{ print $1 }'); do
    grep -q "^| \`$profile\` |" "$src/docs/profiles.md" || fail "docs/profiles.md has no row for profile $profile"
    grep -q "^\.BR\? $(sed 's/-/\\\\-/g' <<<"$profile")\( \|$\)" "$src/docs/man/tlsdefaults.5" ||
        fail "tlsdefaults.5 has no PROFILES entry for $profile"
done
for profile in $frozen; do
    cnf "profile-$profile" "Profile = $profile"
    for format in txt json; do
        flag=()
        [ "$format" = json ] && flag=(--json)
        "$inspector" --config "$work/profile-$profile.cnf" "${flag[@]}" 2>&1 |
            sed -e "s|$module|<module>|g" -e "s|$work|<dir>|g" >"$work/golden/profile-$profile.$format"
    done
done
shown=tests/golden/openssl-$major_minor
if [ "${TLSD_UPDATE_GOLDEN:-}" = 1 ]; then
    if [ -d "$golden_dir" ] && diff -r "$golden_dir" "$work/golden" >/dev/null; then
        echo "golden snapshots: $shown is up to date"
    elif [ -L "$golden_dir" ] || [ ! -e "$golden_dir" ]; then
        # A directory of its own, or a link to an identical one.
        rm -f "$golden_dir"
        same=
        for d in "$golden_root"/openssl-*; do
            if [ -d "$d" ] && [ ! -L "$d" ] && diff -r "$d" "$work/golden" >/dev/null; then same=$d; break; fi
        done
        if [ -n "$same" ]; then
            ln -s "$(basename "$same")" "$golden_dir"
            echo "golden snapshots: $shown -> $(basename "$same") (the same output)"
        else
            mkdir "$golden_dir" && cp "$work/golden/"* "$golden_dir/"
            echo "golden snapshots: $shown written; compare it with the others (diff -r) before committing"
        fi
    else
        cp "$work/golden/"* "$golden_dir/"
        echo "golden snapshots: $shown rewritten (and those that link to it); check with git diff"
    fi
elif [ ! -d "$golden_dir" ]; then
    fail "golden snapshots: none for OpenSSL $version ($shown). Make them with
    TLSD_UPDATE_GOLDEN=1 ctest --test-dir BUILD_DIR -R inspector
then read the diff against another version's (diff -r tests/golden/openssl-3.0 $shown): only
differences that this OpenSSL explains, and commit them"
else
    for f in "$work/golden/"*; do
        name=$(basename "$f")
        if ! diff -u "$golden_dir/$name" "$f"; then
            fail "golden $name differs from $shown (TLSD_UPDATE_GOLDEN=1 to accept)"
        fi
    done
    [ "$(find "$golden_dir/" -type f | wc -l)" -eq "$(find "$work/golden" -type f | wc -l)" ] ||
        fail "$shown holds other files than the snapshots of openssl-cnf/*.cnf and the frozen profiles"
fi

[ "$failures" -eq 0 ] && echo "inspector: all checks passed"
exit $((failures > 0))
