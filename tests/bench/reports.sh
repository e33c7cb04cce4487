#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The log reports of tlsdefaults-info on a log of N lines, as a benchmark
# (not a test: it fails on no time). It writes, into a temporary
# directory, one host's syslog file (rsyslog's lines, "Dec  2 08:00:00
# web1 tlsdefaults[PID]: ...") of N lines and one of N/10: the module's
# inventory and audit lines in the shapes it writes them (inventory.c,
# audit_record.c), candidate refusals, the rate limit's "audit: K lines
# suppressed" notes, and other programs' lines (sshd, CRON, postfix, some
# holding the module's text after their own tag: never counted). 200
# programs, 5000 peer names and the client addresses a server sees (a new
# port each). Each report runs once per log under tlsd-peak-rss: wall and
# CPU seconds and peak resident memory. One row per report: lines,
# seconds, lines/s, and the peak at N and at N/10, whose ratio is the
# evidence of bounded memory (about 1).
# It exits non-zero when a report fails (exit status), when its counts do
# not add up to the lines of their kind generated (the connections per
# program and in all, candidates, reasons, versions, suppressed, those of
# programs beyond a report's table), or when its peak at N exceeds the one
# at N/10 by more than 25 % (judged from N = 100000: below, the log of N/10
# is too short to have filled the tables).
#
# usage: tests/bench/reports.sh BUILD_DIR [N]   (default 1000000; REPORTS_SEED=25,
#        REPORTS_FORMAT=journal for journalctl -o json lines instead of syslog's)
# The figures of a run are in docs/performance.md.
set -euo pipefail
build=$(cd "$1" && pwd)
lines=${2:-1000000}
seed=${REPORTS_SEED:-25}
format=${REPORTS_FORMAT:-syslog}
case $format in syslog | journal) ;; *) echo "FAIL: REPORTS_FORMAT is syslog or journal"; exit 1 ;; esac
inspector=$build/tlsdefaults-info
peak=$build/tests/tlsd-peak-rss
for f in "$inspector" "$peak"; do
    [ -x "$f" ] || { echo "FAIL: $f is not built"; exit 1; }
done
[ "$lines" -ge 1000 ] 2>/dev/null || { echo "FAIL: N must be a number of at least 1000"; exit 1; }
work=$(mktemp -d /tmp/tlsd-reports.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
: >"$work/empty.cnf" # --suggest's configuration: no module section, no entries

# generate N LOG TALLIES: the log, and what it holds, one count a line:
# "KIND<TAB>NAME<TAB>FIELD<TAB>COUNT" (kind total, audit, suggest or inventory).
generate() {
    awk -v n="$1" -v seed="$seed" -v format="$format" -v out="$2" -v tallies="$3" '
function pick(k, skew) { return int(k * rand() ^ skew) }
function peer(role,    r) {
    if (role == "client")
        return sprintf("h%04d.example.com", pick(5000, 2))
    r = rand()
    if (r < 0.5)
        return own[int(r * 12)]
    # No SNI: the address of the client, a new port each time.
    return sprintf("198.51.%d.%d:%d", pick(256, 1), pick(256, 1), 32768 + pick(28000, 1))
}
# One line of program ident (process id) saying msg: as rsyslog writes it, or journalctl -o json.
function emit(ident, id, msg) {
    if (format == "syslog") {
        printf "Dec  2 %02d:%02d:%02d web1 %s[%d]: %s\n", int(t / 3600), int(t / 60) % 60, t % 60, ident, id, msg > out
        return
    }
    gsub(/["\\]/, "\\\\&", msg)
    printf "{\"__CURSOR\":\"s=6c1f;i=%x\",\"__REALTIME_TIMESTAMP\":\"%d\",\"PRIORITY\":\"%d\",\"_HOSTNAME\":\"web1\"," \
        "\"SYSLOG_IDENTIFIER\":\"%s\",\"_PID\":\"%d\",\"MESSAGE\":\"%s\"}\n", l, 1796198400000000 + t * 1000000, \
        ident == "tlsdefaults" ? 4 : 6, ident, id, msg > out
}
function audit_line(p,    role, a, name, entry, cand, k, parts, i) {
    name = prog[p]
    cand = p < 20 && rand() < 0.2
    a = cand ? 100 + pick(4, 1) : 1 + pick(13, 1.5)
    role = arole[a] == "any" ? (rand() < 0.5 ? "client" : "server") : arole[a]
    entry = cand ? name " [candidate tlsd_next]" : name
    emit("tlsdefaults", pid[p], "audit program=" name " pid=" pid[p] " role=" role " peer=" peer(role) \
        " reasons=" areason[a] afields[a] (cand ? " candidate=tlsd_next" : "") \
        (!cand && role == "client" && rand() < 0.05 ? " peer_entry=legacy.example" : ""))
    T["total", "", "audit"]++
    if (cand)
        T["total", "", "candidate"]++
    A[entry, "connections"]++
    S[name, "connections"]++
    k = split(areason[a], parts, ",")
    for (i = 1; i <= k; i++) {
        A[entry, "reason:" parts[i]]++
        S[name, "reason:" parts[i]]++
    }
}
function inventory_line(p,    role, v, c, g, key, sig, ver, res, sha1, r, name) {
    name = prog[p]
    role = rand() < 0.6 ? "client" : "server"
    r = rand()
    v = r < 0.70 ? "TLSv1.3" : r < 0.95 ? "TLSv1.2" : r < 0.99 ? "TLSv1.1" : "TLSv1"
    if (v == "TLSv1.3") {
        c = suite13[pick(3, 1)]
        r = rand()
        g = r < 0.35 ? "X25519MLKEM768" : r < 0.80 ? "x25519" : r < 0.95 ? "secp256r1" : "secp384r1"
    } else {
        c = v == "TLSv1.2" ? suite12[pick(5, 1)] : suite10[pick(2, 1)]
        g = c ~ /^ECDHE/ ? (rand() < 0.7 ? "x25519" : "secp256r1") : c ~ /^DHE/ ? "ffdhe2048" : "none"
    }
    res = rand() < 0.2 ? "yes" : "no"
    sha1 = "no"
    if (role == "client" || rand() < 0.1) {
        # The peer has a certificate (a server always; a client in mutual TLS).
        r = rand()
        if (c ~ /ECDSA/)
            key = r < 0.8 ? "EC-256" : "EC-384"
        else if (v == "TLSv1.3" && r < 0.25)
            key = r < 0.2 ? "EC-256" : "ED25519-253"
        else
            key = r < 0.6 ? "RSA-2048" : r < 0.85 ? "RSA-3072" : r < 0.99 ? "RSA-4096" : "RSA-1024"
        if (res == "yes" || c ~ /^(AES|TLS_RSA)/)
            sig = "none" # no handshake signature: resumed, or RSA key exchange
        else if (v == "TLSv1.3")
            sig = key ~ /^RSA/ ? "RSA-PSS+SHA256" : key == "EC-384" ? "ECDSA+SHA384" : key ~ /^EC/ ? "ECDSA+SHA256" : "ed25519"
        else if (v == "TLSv1.2")
            sig = key ~ /^RSA/ ? (rand() < 0.7 ? "RSA-PSS+SHA256" : "RSA+SHA256") : "ECDSA+SHA256"
        else
            sig = key ~ /^RSA/ ? "RSA+MD5-SHA1" : "ECDSA+SHA1"
        ver = rand() < 0.9 ? "yes" : "no"
        sha1 = rand() < 0.01 ? "yes" : "no"
    } else {
        key = "none"; sig = "none"; ver = "none"
    }
    emit("tlsdefaults", pid[p], "inventory program=" name " pid=" pid[p] " role=" role " peer=" peer(role) \
        " version=" v " cipher=" c " group=" g " pq=" (g ~ /MLKEM/ ? "yes" : "no") " sigalg=" sig \
        " peer_key=" key " chain_sha1=" sha1 " verified=" ver " resumed=" res \
        (role == "client" && rand() < 0.05 ? " peer_entry=*.corp.example" : ""))
    T["total", "", "inventory"]++
    I[name, "connections"]++
    I[name, "clients"] += role == "client"
    I[name, "pq"] += g ~ /MLKEM/
    I[name, "sha1_chains"] += sha1 == "yes"
    I[name, "unverified"] += ver == "no"
    I[name, "no_certificate"] += ver == "none"
    I[name, "resumed"] += res == "yes"
    I[name, "version:" v]++
}
function foreign_line(    r) {
    r = rand()
    if (r < 0.35)
        emit("sshd", 4000 + pick(900, 1), "Accepted publickey for deploy from 203.0.113." pick(256, 1) \
            " port " (40000 + pick(20000, 1)) " ssh2: ED25519 SHA256:Zm9vYmFyYmF6cXV4cXV1eHh5enp5")
    else if (r < 0.55)
        emit("CRON", 9000 + pick(900, 1), "(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)")
    else if (r < 0.75)
        emit("postfix/smtpd", 2200 + pick(50, 1), "Anonymous TLS connection established from mx" pick(900, 1) \
            ".example.net[192.0.2." pick(256, 1) "]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)")
    else if (r < 0.95)
        emit("systemd", 1, "Started session-" pick(100000, 1) ".scope - Session of User deploy.")
    else
        # What a remote party sends, logged by another program: the module text after the tag of sshd.
        emit("sshd", 4242, "Invalid user tlsdefaults[1037]: audit program=evil pid=1 role=client peer=x" \
            " reasons=VerifyPeer:unverified from 203.0.113.9 port 22")
    T["total", "", "foreign"]++
}
BEGIN {
    srand(seed)
    split("curl nginx postfix python3.11 wget git-remote-https openssl java node ruby3.1 php-fpm8.2 " \
          "haproxy dovecot exim4 apt-get unattended-upgr mutt fetchmail stunnel4 ldapsearch", base, " ")
    for (p = 0; p < 200; p++) {
        prog[p] = p < 20 ? base[p + 1] : sprintf("worker-%03d", p)
        pid[p] = 1000 + 37 * p
    }
    split("www.example.org api.example.org mail.example.org imap.example.org ldap.example.org smtp.example.org", o, " ")
    for (i = 0; i < 6; i++)
        own[i] = o[i + 1]
    split("TLS_AES_256_GCM_SHA384 TLS_AES_128_GCM_SHA256 TLS_CHACHA20_POLY1305_SHA256", s, " ")
    for (i = 0; i < 3; i++) suite13[i] = s[i + 1]
    split("ECDHE-RSA-AES128-GCM-SHA256 ECDHE-ECDSA-AES256-GCM-SHA384 ECDHE-RSA-CHACHA20-POLY1305 " \
          "DHE-RSA-AES256-GCM-SHA384 AES128-GCM-SHA256", s, " ")
    for (i = 0; i < 5; i++) suite12[i] = s[i + 1]
    suite10[0] = "ECDHE-RSA-AES256-SHA"; suite10[1] = "AES128-SHA"
    # The refusals: reasons and their fields as audit_record.c writes them
    # (and, on some client lines, peer_entry= of a Peers entry).
    i = 0
    arole[++i] = "client"; areason[i] = "VerifyPeer:verification-off"; afields[i] = " x509_error=18 x509_text=\"self-signed certificate\""
    arole[++i] = "client"; areason[i] = "VerifyPeer:unverified"; afields[i] = " x509_error=20 x509_text=\"unable to get local issuer certificate\""
    arole[++i] = "client"; areason[i] = "HostnameCheck:mismatch"; afields[i] = " x509_error=62 x509_text=\"hostname mismatch\""
    arole[++i] = "client"; areason[i] = "VerifyPeer:verification-off,MinProtocol:version-below-floor,CipherString:cipher-not-allowed"
    afields[i] = " x509_error=62 x509_text=\"hostname mismatch\" version=TLSv1.1 floor=TLSv1.2 cipher=ECDHE-RSA-AES256-SHA"
    arole[++i] = "client"; areason[i] = "MinProtocol:version-below-floor"; afields[i] = " version=TLSv1 floor=TLSv1.2"
    arole[++i] = "any"; areason[i] = "CipherString:cipher-not-allowed"; afields[i] = " cipher=AES128-SHA"
    arole[++i] = "client"; areason[i] = "SecurityLevel:weak-key"; afields[i] = " x509_error=66 x509_text=\"EE certificate key too weak\" peer_key=RSA-1024"
    arole[++i] = "client"; areason[i] = "SecurityLevel:weak-dh"; afields[i] = " dh_bits=1024"
    arole[++i] = "client"; areason[i] = "VerifyPeer:unverified,SecurityLevel:sha1-signature"
    afields[i] = " x509_error=68 x509_text=\"CA signature digest algorithm too weak\""
    arole[++i] = "client"; areason[i] = "VerifyFlags:failed"; afields[i] = " x509_error=3 x509_text=\"unable to get certificate CRL\""
    arole[++i] = "server"; areason[i] = "VerifyPeer:no-certificate"; afields[i] = " cipher=TLS_AES_256_GCM_SHA384"
    arole[++i] = "client"; areason[i] = "HostnameCheck:no-server-name"; afields[i] = ""
    arole[++i] = "client"; areason[i] = "Enforce:version-below-floor,Enforce:cipher-not-allowed"
    afields[i] = " version=TLSv1.1 floor=TLSv1.2 cipher=ECDHE-RSA-AES256-SHA"
    # A candidate policy (candidate=SECTION) refuses what the enforced one lets through.
    arole[100] = "client"; areason[100] = "Groups:group-not-allowed"; afields[100] = " group=x25519"
    arole[101] = "client"; areason[101] = "MinProtocol:version-below-floor"; afields[101] = " version=TLSv1.2 floor=TLSv1.3"
    arole[102] = "client"; areason[102] = "SignatureAlgorithms:sigalg-not-allowed"; afields[102] = " sigalg=0x0401"
    arole[103] = "client"; areason[103] = "SecurityLevel:weak-key"; afields[103] = " x509_error=66 x509_text=\"EE certificate key too weak\" peer_key=RSA-2048"

    for (l = 1; l <= n; l++) {
        t = int((l - 1) * 86400 / n)
        if (l % 2500 == 0) {
            k = 1 + pick(400, 1)
            emit("tlsdefaults", pid[pick(200, 2.5)], "audit: " k " lines suppressed (rate limit)")
            T["total", "", "note"]++
            T["total", "", "suppressed"] += k
            continue
        }
        r = rand()
        if (r < 0.10)
            foreign_line()
        else if (r < 0.35)
            audit_line(pick(200, 2.5))
        else
            inventory_line(pick(200, 2.5))
    }
    T["total", "", "lines"] = n
    for (key in T) { split(key, f, SUBSEP); print f[1] "\t" f[2] "\t" f[3] "\t" T[key] > tallies }
    for (key in A) { split(key, f, SUBSEP); print "audit\t" f[1] "\t" f[2] "\t" A[key] > tallies }
    for (key in S) { split(key, f, SUBSEP); print "suggest\t" f[1] "\t" f[2] "\t" S[key] > tallies }
    for (key in I) { split(key, f, SUBSEP); print "inventory\t" f[1] "\t" f[2] "\t" I[key] > tallies }
}'
}

# The reports: a name, then the option that takes the log, and what follows the log.
reports=("audit-report:--audit-report"
         "audit-report --json:--audit-report --json"
         "audit-report --suggest:--audit-report --suggest --config $work/empty.cnf"
         "inventory-report:--inventory-report"
         "inventory-report --json:--inventory-report --json"
         "inventory-report --cbom:--inventory-report --cbom")

# run SIZE: each report on log SIZE, its output in out.SIZE.I, its figures in fig.SIZE.I.
run() {
    local size=$1 i=0 r name words status
    for r in "${reports[@]}"; do
        name=${r%%:*}
        read -r -a words <<<"${r#*:}"
        status=0
        "$peak" "$work/fig.$size.$i" "$inspector" "${words[0]}" "$work/log.$size" "${words[@]:1}" \
            >"$work/out.$size.$i" 2>"$work/err.$size.$i" || status=$?
        [ $status -eq 0 ] || { cat "$work/err.$size.$i"; fail "$name on $(wc -l <"$work/log.$size") lines: exit $status"; }
        i=$((i + 1))
    done
}

small=$((lines / 10))
for size in "$lines" "$small"; do
    start=$EPOCHREALTIME
    generate "$size" "$work/log.$size" "$work/tallies.$size"
    echo "generated $size lines, $(du -m "$work/log.$size" | cut -f1) MB, in $(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
    run "$size"
done

# The outputs against the tallies, and the table.
python3 - "$work" "$lines" "$small" "${#reports[@]}" "${reports[@]%%:*}" <<'PY'
import collections, json, re, sys

work, big, small, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
names = sys.argv[5:5 + count]
errors = []


def tallies(size):
    t = collections.defaultdict(lambda: collections.defaultdict(dict))
    for line in open("%s/tallies.%s" % (work, size)):
        kind, name, field, value = line.rstrip("\n").split("\t")
        t[kind][name][field] = int(float(value))
    return t


def number(pattern, text):
    """The number the line of pattern holds; 0 when the report has no such line (it prints none for 0)."""
    m = re.search(pattern, text, re.M)
    return int(m.group(1)) if m else 0


def expect(what, got, want):
    if got != want:
        errors.append("%s: %r, the log has %r" % (what, got, want))


def reasons_of(fields):
    return {k[len("reason:"):]: v for k, v in fields.items() if k.startswith("reason:")}


def check_audit_text(text, t, tot):
    expect("audit text: total", number(r"^Connections the policy would have refused: (\d+), in \d+ programs?$", text),
           tot["audit"] - tot["candidate"])
    expect("audit text: candidates", number(r"^Connections a candidate would refuse: (\d+) ", text), tot["candidate"])
    expect("audit text: suppressed", number(r"^Lines suppressed by the rate limit: (\d+) ", text), tot["suppressed"])
    shown = 0
    for m in re.finditer(r"^(\S.*): (\d+) connections?, \d+ peers?( \(and more\))?$", text, re.M):
        expect("audit text: %s" % m.group(1), int(m.group(2)), t["audit"][m.group(1)]["connections"])
        shown += int(m.group(2))
    expect("audit text: all programs", shown + number(r"^(\d+) connections of further programs not shown$", text),
           tot["audit"])


def check_audit_json(r, t, tot):
    expect("audit JSON: connections", r["connections"], tot["audit"] - tot["candidate"])
    expect("audit JSON: candidates", r["candidate_connections"], tot["candidate"])
    expect("audit JSON: suppressed", r["suppressed"], tot["suppressed"])
    expect("audit JSON: programs and further", sum(p["connections"] for p in r["programs"]) + r["other_programs"],
           tot["audit"])
    for p in r["programs"]:
        want = t["audit"][p["program"]]
        expect("audit JSON: %s connections" % p["program"], p["connections"], want["connections"])
        expect("audit JSON: %s reasons" % p["program"], p["reasons"], reasons_of(want))
        expect("audit JSON: %s peers and more" % p["program"], sum(p["peers"].values()) + p["more_peers"],
               p["connections"])


def check_suggest(text, t, tot):
    m = re.search(r"^# tlsdefaults-info --suggest: (\d+) refused connections?, (\d+) programs?\.$", text, re.M)
    expect("suggest: total", m and int(m.group(1)), tot["audit"])
    entries = re.search(r"^\[tlsd_suggested_programs\]\n((?:.+\n)+)", text, re.M)
    covered = 0
    for line in entries.group(1).splitlines() if entries else []:
        name, section = line.split(" = ")
        block = re.search(r"^\[%s\]\n# (\d+) connections?: (.*)$" % re.escape(section), text, re.M)
        if block is None:
            errors.append("suggest: no section %s for %s" % (section, name))
            continue
        expect("suggest: %s connections" % name, int(block.group(1)), t["suggest"][name]["connections"])
        got = dict(item.rsplit(" ", 1) for item in block.group(2).split(", "))
        expect("suggest: %s reasons" % name, {k: int(v) for k, v in got.items()}, reasons_of(t["suggest"][name]))
        covered += int(block.group(1))
    expect("suggest: all programs",
           covered + number(r"^# (\d+) connections of further programs not covered\.$", text), tot["audit"])


def check_inventory_text(text, t, tot):
    expect("inventory text: total", number(r"^TLS inventory: (\d+) connections?, in \d+ programs?$", text),
           tot["inventory"])
    expect("inventory text: suppressed", number(r"^Lines suppressed by the rate limit: (\d+) ", text), tot["suppressed"])
    shown = 0
    for m in re.finditer(r"^(\S.*): (\d+) connections? \((\d+) as client, \d+ as server\), ", text, re.M):
        want = t["inventory"][m.group(1)]
        expect("inventory text: %s" % m.group(1), (int(m.group(2)), int(m.group(3))),
               (want["connections"], want["clients"]))
        shown += int(m.group(2))
    expect("inventory text: all programs", shown + number(r"^(\d+) connections of further programs not shown$", text),
           tot["inventory"])


def check_inventory_json(r, t, tot):
    expect("inventory JSON: connections", r["connections"], tot["inventory"])
    expect("inventory JSON: suppressed", r["suppressed"], tot["suppressed"])
    expect("inventory JSON: programs and further",
           sum(p["connections"] for p in r["programs"]) + r["other_programs"], tot["inventory"])
    for p in r["programs"]:
        want = t["inventory"][p["program"]]
        for k in ("connections", "pq", "sha1_chains", "unverified", "no_certificate", "resumed"):
            expect("inventory JSON: %s %s" % (p["program"], k), p[k], want[k])
        expect("inventory JSON: %s clients" % p["program"], p["roles"]["client"], want["clients"])
        expect("inventory JSON: %s versions" % p["program"], p["versions"],
               {k[len("version:"):]: v for k, v in want.items() if k.startswith("version:")})
        expect("inventory JSON: %s peers and more" % p["program"], sum(p["peers"].values()) + p["more_peers"],
               p["connections"])


def check_cbom(b, inventory):
    expect("cbom: format", (b["bomFormat"], b["specVersion"]), ("CycloneDX", "1.6"))
    apps = [c["name"] for c in b["components"] if c["type"] == "application"]
    expect("cbom: applications", apps, [p["program"] for p in inventory["programs"]])
    protocols = {c["name"] for c in b["components"] if c["bom-ref"].startswith("crypto/protocol/")}
    expect("cbom: protocols", protocols, {v for p in inventory["programs"] for v in p["versions"]})
    expect("cbom: dependencies", len(b["dependencies"]), len(apps))


def figures(size, i):
    status, wall, cpu, kib = open("%s/fig.%s.%d" % (work, size, i)).read().split()
    return float(wall), float(cpu), int(kib)


for size in (big, small):
    t = tallies(size)
    tot = collections.defaultdict(int, t["total"][""])
    out = ["%s/out.%s.%d" % (work, size, i) for i in range(count)]
    check_audit_text(open(out[0]).read(), t, tot)
    check_audit_json(json.load(open(out[1])), t, tot)
    check_suggest(open(out[2]).read(), t, tot)
    check_inventory_text(open(out[3]).read(), t, tot)
    inventory = json.load(open(out[4]))
    check_inventory_json(inventory, t, tot)
    check_cbom(json.load(open(out[5])), inventory)
    if size == big:
        print("log of %s lines: %d inventory, %d audit (%d of a candidate), %d notes (%d suppressed), %d of other programs"
              % (size, tot["inventory"], tot["audit"], tot["candidate"], tot["note"], tot["suppressed"],
                 tot["foreign"]))

print("%-26s %9s %8s %8s %10s %12s %12s %6s" % ("report", "lines", "wall s", "cpu s", "lines/s", "peak KiB N",
                                                "peak KiB N/10", "ratio"))
grows = []
for i, name in enumerate(names):
    wall, cpu, kib = figures(big, i)
    _, _, small_kib = figures(small, i)
    ratio = kib / small_kib
    print("%-26s %9s %8.2f %8.2f %10.0f %12d %12d %6.2f" % (name, big, wall, cpu, int(big) / wall,
                                                           kib, small_kib, ratio))
    if ratio > 1.25 and int(big) >= 100000:
        grows.append(name)
for e in errors:
    print("FAIL:", e)
for name in grows:
    print("FAIL: %s: its peak memory grows with the log (more than 25 %% from N/10 to N)" % name)
sys.exit(1 if errors or grows else 0)
PY
echo "reports: all counts add up"
