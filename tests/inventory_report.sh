#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tlsdefaults-info --inventory-report on logs this test writes in the
# module's inventory line format (issue 25), as a module file, a syslog
# file of two hosts and journalctl -o json of two hosts: per program the
# connections, the share of each version and of post-quantum key exchange,
# the weakest peer key (lowest security bits), SHA-1 chains, unverified
# connections, the top peers and the suppressed count, as text and JSON
# (the JSON compared with what python3 computes from the same lines).
# Forged lines (another program's tag, another SYSLOG_IDENTIFIER, a line of
# a wrong shape) count for nothing; escaped names are counted as bytes.
#
# usage: inventory_report.sh INSPECTOR
set -euo pipefail
inspector=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# The lines, their expected report, and the three kinds of log.
python3 - "$work" <<'PY'
import json, random, sys
work = sys.argv[1]
random.seed(25)
bits = {"RSA-1024": 80, "RSA-2048": 112, "EC-256": 128, "RSA-3072": 128, "ED25519-253": 128}
conns = []
for i in range(400):
    host = "web1" if i % 3 else "db-2.example"
    prog = random.choice(["curl", "nginx", "my\\x20agent"])
    version = random.choice(["TLSv1.3", "TLSv1.3", "TLSv1.2"])
    cipher = "TLS_AES_128_GCM_SHA256" if version == "TLSv1.3" else "ECDHE-RSA-AES128-GCM-SHA256"
    group = random.choice(["X25519MLKEM768", "x25519", "secp256r1"]) if version == "TLSv1.3" else "x25519"
    key = random.choice(list(bits) + ["none"])
    peer = "frequent.example" if i % 2 else "p%d.example" % random.randrange(60)
    c = dict(host=host, program=prog, pid=str(100 + i % 7), role=random.choice(["client", "server"]),
             peer=peer, version=version, cipher=cipher, group=group,
             pq="yes" if group == "X25519MLKEM768" else "no",
             sigalg="none" if key == "none" else "rsa_pss_rsae_sha256", peer_key=key,
             chain_sha1=random.choice(["yes", "no", "no", "no"]),
             verified="none" if key == "none" else random.choice(["yes", "yes", "no"]),
             resumed=random.choice(["yes", "no"]))
    conns.append(c)
fields = ["program", "pid", "role", "peer", "version", "cipher", "group", "pq", "sigalg", "peer_key",
          "chain_sha1", "verified", "resumed"]
def message(c):
    m = "inventory " + " ".join("%s=%s" % (f, c[f]) for f in fields)
    return m + (" peer_entry=frequent.example" if c["peer"] == "frequent.example" else "")
def expect(rows, by_host):
    progs = {}
    for c in rows:
        name = c["program"].replace("\\x20", " ")
        p = progs.setdefault(json.dumps([c["host"] if by_host else None, name]), dict(
            program=name, host=c["host"] if by_host else None, connections=0, versions={}, pq=0,
            sha1_chains=0, unverified=0, no_certificate=0, resumed=0, client=0, weakest=None))
        p["connections"] += 1
        p["client"] += c["role"] == "client"
        p["versions"][c["version"]] = p["versions"].get(c["version"], 0) + 1
        p["pq"] += c["pq"] == "yes"
        p["sha1_chains"] += c["chain_sha1"] == "yes"
        p["unverified"] += c["verified"] == "no"
        p["no_certificate"] += c["verified"] == "none"
        p["resumed"] += c["resumed"] == "yes"
        if c["peer_key"] != "none":
            b = bits[c["peer_key"]]
            if p["weakest"] is None or b < p["weakest"][1]:
                p["weakest"] = [c["peer_key"], b, 0]
            if b == p["weakest"][1]:
                p["weakest"][2] += 1
    return {"connections": len(rows), "programs": progs}
with open(work + "/module.log", "w") as f:
    for c in conns[:200]:
        f.write("tlsdefaults[%s]: %s\n" % (c["pid"], message(c)))
    f.write("tlsdefaults[1]: audit: 17 lines suppressed (rate limit)\n")
with open(work + "/syslog.log", "w") as f:
    for c in conns:
        f.write("Dec  2 20:01:02 %s tlsdefaults[%s]: %s\n" % (c["host"], c["pid"], message(c)))
    f.write("Dec  2 20:01:03 web1 tlsdefaults[1]: audit: 4 lines suppressed (rate limit)\n")
with open(work + "/journal.json", "w") as f:
    for c in conns:
        f.write(json.dumps({"__CURSOR": "s=%d" % id(c), "MESSAGE": message(c), "_HOSTNAME": c["host"],
                            "SYSLOG_IDENTIFIER": "tlsdefaults", "TLSDEFAULTS_PROGRAM": c["program"],
                            "_PID": c["pid"]}) + "\n")
one = [dict(c, host="") for c in conns[:200]]
json.dump({"module": expect(one, False), "hosts": expect(conns, True)},
          open(work + "/expected.json", "w"), default=list)
PY

# check REPORT.json EXPECTED-KEY SUPPRESSED
check() {
    python3 - "$1" "$work/expected.json" "$2" "$3" <<'PY'
import json, sys
r, e = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))[sys.argv[3]]
assert r["connections"] == e["connections"] and r["suppressed"] == int(sys.argv[4]), r
got = {json.dumps([p["host"], p["program"]]): p for p in r["programs"]}
assert sorted(got) == sorted(e["programs"]), (sorted(got), sorted(e["programs"]))
for key, p in got.items():
    x = e["programs"][key]
    for k in ("connections", "versions", "pq", "sha1_chains", "unverified", "no_certificate", "resumed"):
        assert p[k] == x[k], (p["program"], k, p[k], x[k])
    assert p["roles"] == {"client": x["client"], "server": x["connections"] - x["client"]}, p
    w = p["weakest_peer_key"]
    assert [w["key"], w["security_bits"], w["connections"]] == x["weakest"], (w, x["weakest"])
    top = max(p["peers"], key=p["peers"].get)
    assert top == "frequent.example", p["peers"]
    assert p["more_peers"] + sum(p["peers"].values()) == p["connections"], p
print("report matches the lines:", len(r["programs"]), "programs")
PY
}
"$inspector" --inventory-report "$work/module.log" --json >"$work/module.json" || fail "module file: exit $?"
check "$work/module.json" module 17 || fail "module file JSON"
"$inspector" --inventory-report - --json <"$work/syslog.log" >"$work/syslog.json" || fail "syslog: exit $?"
check "$work/syslog.json" hosts 4 || fail "syslog JSON"
"$inspector" --inventory-report "$work/journal.json" --json >"$work/journal.out" || fail "journal: exit $?"
check "$work/journal.out" hosts 0 || fail "journal JSON"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["hosts"] == ["db-2.example", "web1"]' \
    "$work/journal.out" || fail "journal hosts"

# The text: grouped by host only when the log names more than one.
"$inspector" --inventory-report "$work/module.log" >"$work/module.txt" || fail "module text: exit $?"
cat "$work/module.txt"
grep -q '^TLS inventory: 200 connections, in 3 programs$' "$work/module.txt" || fail "text: total"
grep -q '^Lines suppressed by the rate limit: 17 (not counted above)$' "$work/module.txt" || fail "text: suppressed"
grep -q '^Host' "$work/module.txt" && fail "text: one host grouped"
grep -q '^my agent: ' "$work/module.txt" || fail "text: the escaped name"
python3 - "$work/module.json" "$work/module.txt" <<'PY' || fail "text against JSON"
import json, re, sys
r, text = json.load(open(sys.argv[1])), open(sys.argv[2]).read()
for p in r["programs"]:
    block = text.split("\n%s: " % p["program"], 1)[1].split("\n\n", 1)[0]
    assert block.startswith("%d connections" % p["connections"]), block
    for v, n in p["versions"].items():
        assert re.search(r"^  %s +%.1f%% \(%d\)$" % (re.escape(v), 100.0 * n / p["connections"], n), block, re.M), (v, block)
    assert re.search(r"^  post-quantum key exchange +%.1f%% \(%d\)$" % (100.0 * p["pq"] / p["connections"], p["pq"]), block, re.M), block
    w = p["weakest_peer_key"]
    assert re.search(r"^  weakest peer key +%s \(%d bits\), %d connections?$" % (w["key"], w["security_bits"], w["connections"]), block, re.M), block
    assert re.search(r"^  SHA-1 in the peer's chain +%d$" % p["sha1_chains"], block, re.M), block
    assert re.search(r"^  unverified +%d$" % p["unverified"], block, re.M), block
    assert re.search(r"^  peer frequent.example +%d$" % p["peers"]["frequent.example"], block, re.M), block
print("text checked")
PY
"$inspector" --inventory-report "$work/syslog.log" >"$work/syslog.txt" || fail "syslog text: exit $?"
grep -q '^TLS inventory: 400 connections, in 6 programs on 2 hosts$' "$work/syslog.txt" || fail "hosts: total"
grep -q '^Host web1:$' "$work/syslog.txt" || fail "hosts: web1"
grep -q '^Host db-2.example:$' "$work/syslog.txt" || fail "hosts: db-2.example"

# Only the module's own lines, of the exact shape, count.
good="inventory program=evil pid=1 role=client peer=x version=TLSv1.3 cipher=TLS_AES_128_GCM_SHA256 group=x25519 pq=no sigalg=none peer_key=none chain_sha1=no verified=none resumed=no"
{
    echo "Dec  2 08:00:00 host sshd[4242]: Invalid user tlsdefaults[1]: $good"
    echo "Dec  2 08:00:00 host sshd[4242]: Invalid user $good"
    echo "Dec  2 08:00:01 host sshd[4242]: Invalid user tlsdefaults[1]: audit: 999 lines suppressed (rate limit)"
    echo "tlsdefaults[1]: $good extra=1"
    echo "tlsdefaults[1]: ${good/pq=no/pq=maybe}"
    echo "tlsdefaults[1]: ${good/ role=client/}"
    echo "tlsdefaults[1]: ${good/peer=x/peer=a\\x0}"
    python3 -c 'import json,sys; print(json.dumps({"MESSAGE": sys.argv[1], "_HOSTNAME": "h", "SYSLOG_IDENTIFIER": "sshd"}))' "$good"
    echo "tlsdefaults[1]: ${good/program=evil/program=real}"
} >"$work/forged.log"
"$inspector" --inventory-report "$work/forged.log" >"$work/forged.txt" || fail "forged: exit $?"
cat "$work/forged.txt"
grep -q '^TLS inventory: 1 connection, in 1 program$' "$work/forged.txt" || fail "forged lines counted"
grep -q 'evil\|suppressed' "$work/forged.txt" && fail "a forged line counted"

# Exit statuses: no inventory line 1, unreadable 2, bad usage 64.
status=0; "$inspector" --inventory-report /dev/null >/dev/null || status=$?
[ $status -eq 1 ] || fail "empty log: exit $status"
status=0; "$inspector" --inventory-report "$work/missing" >/dev/null 2>&1 || status=$?
[ $status -eq 2 ] || fail "missing log: exit $status"
status=0; "$inspector" --inventory-report "$work/module.log" --cbom --json >/dev/null 2>&1 || status=$?
[ $status -eq 64 ] || fail "--cbom --json: exit $status"
echo "inventory_report: all checks passed"
