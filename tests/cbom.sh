#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tlsdefaults-info --inventory-report LOG --cbom is a valid CycloneDX 1.6
# BOM: validated by @cyclonedx/cyclonedx-library's JsonStrictValidator
# (the official schema as the library ships it, with ajv), installed by
# npm into a cache outside the source tree (TLSD_NPM_CACHE, default
# /var/cache/tlsdefaults/npm; reused when present). An invalid BOM fails
# the test; a BOM mutated by hand must be refused (the validator really
# validates). Without node and npm, or without the registry, the test is
# skipped (77): Debian packages nodejs and npm.
#
# usage: cbom.sh INSPECTOR SOURCE_DIR
set -uo pipefail
inspector=$1 src=$2
cache=${TLSD_NPM_CACHE:-/var/cache/tlsdefaults/npm}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

command -v node >/dev/null || skip "node is not installed (Debian package nodejs)"
packages="@cyclonedx/cyclonedx-library ajv ajv-formats ajv-formats-draft2019"
have=1
for p in $packages; do
    [ -f "$cache/node_modules/$p/package.json" ] || have=0
done
if [ $have -eq 0 ]; then
    command -v npm >/dev/null || skip "npm is not installed (Debian package npm)"
    if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
        skip "cannot write the npm cache $cache (set TLSD_NPM_CACHE)"
    fi
    # shellcheck disable=SC2086 # the package list
    timeout 300 npm install --no-audit --no-fund --no-save --prefix "$cache" $packages >"$work/npm.log" 2>&1 ||
        { cat "$work/npm.log"; skip "npm could not install $packages (registry unreachable?)"; }
fi
echo "validator: @cyclonedx/cyclonedx-library $(node -p "require('$cache/node_modules/@cyclonedx/cyclonedx-library/package.json').version")"

# An inventory of two hosts: TLS 1.3 with ML-KEM, TLS 1.2 and 1.1, RSA,
# EC, Ed25519 and ML-DSA peer keys, a key of no known type.
line() { echo "$1 tlsdefaults[7]: inventory program=$2 pid=7 role=client peer=$3 version=$4 cipher=$5 group=$6 pq=$7 sigalg=none peer_key=$8 chain_sha1=no verified=yes resumed=no"; }
{
    line "Dec  2 20:00:00 web1" curl a.example TLSv1.3 TLS_AES_128_GCM_SHA256 X25519MLKEM768 yes EC-256
    line "Dec  2 20:00:00 web1" curl b.example TLSv1.3 TLS_CHACHA20_POLY1305_SHA256 x25519 no ED25519-253
    line "Dec  2 20:00:00 web1" curl c.example TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 secp256r1 no RSA-2048
    line "Dec  2 20:00:00 db2" python3.11 d.example TLSv1.1 ECDHE-RSA-AES256-SHA x25519 no RSA-1024
    line "Dec  2 20:00:00 db2" python3.11 e.example TLSv1.3 TLS_AES_256_GCM_SHA384 SecP256r1MLKEM768 yes ML-DSA-65-15616
    line "Dec  2 20:00:00 db2" my\\x20agent f.example TLSv1.3 TLS_AES_256_GCM_SHA384 ffdhe2048 no FOO-99
} >"$work/inventory.log"
"$inspector" --inventory-report "$work/inventory.log" --cbom >"$work/bom.json" || fail "--cbom exit $?"
cat "$work/bom.json"
node "$src/tests/cbom_validate.js" "$cache/node_modules" "$work/bom.json"
status=$?
[ $status -eq 0 ] || fail "the BOM is not valid CycloneDX 1.6 (validator exit $status)"

# What it says: every program an application depending on what it used.
python3 - "$work/bom.json" <<'PY' || fail "BOM content"
import json, sys
b = json.load(open(sys.argv[1]))
assert b["bomFormat"] == "CycloneDX" and b["specVersion"] == "1.6" and b["version"] == 1, b
assert b["metadata"]["tools"]["components"][0]["name"] == "tlsdefaults-info", b["metadata"]
comps = {c["bom-ref"]: c for c in b["components"]}
apps = {c["name"]: c for c in b["components"] if c["type"] == "application"}
assert sorted(apps) == ["curl", "my agent", "python3.11"], apps
deps = {d["ref"]: d["dependsOn"] for d in b["dependencies"]}
for ref in (r for v in deps.values() for r in v):
    assert comps[ref]["type"] == "cryptographic-asset", ref
def used(app):
    return {comps[r]["name"] for r in deps[apps[app]["bom-ref"]]}
assert {"TLSv1.3", "TLSv1.2", "X25519MLKEM768", "EC-256", "ED25519-253", "RSA-2048"} <= used("curl"), used("curl")
assert "TLSv1.1" not in used("curl") and "TLSv1.1" in used("python3.11"), used("python3.11")
tls13 = comps["crypto/protocol/TLSv1.3"]["cryptoProperties"]["protocolProperties"]
assert tls13["type"] == "tls" and tls13["version"] == "1.3", tls13
names = [s["name"] for s in tls13["cipherSuites"]]
assert sorted(names) == ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"], names
suite = [s for s in tls13["cipherSuites"] if s["name"] == "TLS_AES_128_GCM_SHA256"][0]
assert suite["identifiers"] == ["0x13", "0x01"] and all(r in comps for r in suite["algorithms"]), suite
old = comps["crypto/protocol/TLSv1.1"]["cryptoProperties"]["protocolProperties"]
assert old["version"] == "1.1" and old["cipherSuites"][0]["name"] == "ECDHE-RSA-AES256-SHA", old
def alg(name):
    return comps["crypto/algorithm/" + name]["cryptoProperties"]["algorithmProperties"]
assert alg("X25519MLKEM768") == {"primitive": "kem", "classicalSecurityLevel": 128, "nistQuantumSecurityLevel": 3}
assert alg("x25519")["primitive"] == "key-agree" and alg("x25519")["nistQuantumSecurityLevel"] == 0
assert alg("RSA-1024") == {"primitive": "signature", "parameterSetIdentifier": "1024",
                           "classicalSecurityLevel": 80, "nistQuantumSecurityLevel": 0}, alg("RSA-1024")
assert alg("ML-DSA-65-15616")["nistQuantumSecurityLevel"] == 3, alg("ML-DSA-65-15616")
assert "classicalSecurityLevel" not in alg("FOO-99"), alg("FOO-99")
assert alg("aes-128-gcm")["primitive"] == "ae" and alg("aes-128-gcm")["nistQuantumSecurityLevel"] == 1
print("BOM content checked")
PY
# A fresh serial number each time (random, version 4).
"$inspector" --inventory-report "$work/inventory.log" --cbom >"$work/bom2.json" || fail "--cbom exit $?"
s1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["serialNumber"])' "$work/bom.json")
s2=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["serialNumber"])' "$work/bom2.json")
[ "$s1" != "$s2" ] || fail "the same serial number twice"
# The negative control: what the schema forbids is refused.
python3 - "$work/bom.json" "$work/bad.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
[c for c in b["components"] if c["type"] == "cryptographic-asset"][0]["cryptoProperties"]["assetType"] = "cipher"
json.dump(b, open(sys.argv[2], "w"))
PY
node "$src/tests/cbom_validate.js" "$cache/node_modules" "$work/bad.json" 2>"$work/bad.err"
status=$?
[ $status -eq 1 ] || { cat "$work/bad.err"; fail "a BOM with assetType cipher was not refused (exit $status)"; }
echo "cbom: all checks passed"
