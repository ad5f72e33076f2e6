#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Real perturbations of this machine, each in a child of its own (namespaces, bind mounts, CPU
# pinning, another uid), with a v2 license (default policy) and a v1 license issued for this machine.
# In every perturbed environment `airlock verify`, `airlock-verify` and `airlock-hwid show --json` run,
# and their exit codes and show's classes, environment and binding line are checked against each other
# and against the expected rows below. Needs root (CI runs as root on a Debian 12 Firecracker micro-VM); as
# another user it prints one line and exits 77 (SKIP_RETURN_CODE). Needs util-linux (unshare, setpriv,
# taskset, mount) and python3 (tomllib, 3.11) to compare the JSON. Nothing outside the private mount
# namespaces is changed: every mount happens in a child that first checks that it is in a private mount
# namespace of its own, and the host's mount table and files are checked afterwards.
#
# usage: perturbations.sh AIRLOCK AIRLOCK_HWID AIRLOCK_VERIFY
# (internal: perturbations.sh --inside PERTURBATION WORK_DIR OUT_DIR HOST_MOUNT_NAMESPACE)
set -euo pipefail

readonly skip_code=77
readonly product=perturbation-test
readonly nobody=65534
readonly fake_serial=AIRLOCKFAKESERIAL0001
readonly fake_machine_id=0123456789abcdef0123456789abcdef

die() { echo "perturbations.sh: $*" >&2; exit 1; }

# Runs the tools once in the current environment; OUT gets NAME.out, NAME.err and NAME.rc for each.
probe() {
  local work=$1 out=$2 name rc lic
  run() {
    name=$1; shift; rc=0
    "$@" >"$out/$name.out" 2>"$out/$name.err" || rc=$?
    echo "$rc" >"$out/$name.rc"
  }
  run show "$work/bin/airlock-hwid" show --json --product "$product" --pubkey "$work/vendor.pub"
  for lic in v2 v1; do
    run "verify-$lic" "$work/bin/airlock" verify "$work/$lic.toml" --pubkey "$work/vendor.pub" --json
    run "airlock-verify-$lic" "$work/bin/airlock-verify" "$work/$lic.toml" --pubkey "$work/vendor.pub" --json
  done
}

# The child side: make sure this is a private mount namespace before any mount, perturb, probe.
inside() {
  local what=$1 work=$2 out=$3 host_ns=$4
  local serial_file
  serial_file=$(cat "$work/serial_file")
  private_mount_namespace() {
    [ "$(readlink /proc/self/ns/mnt)" != "$host_ns" ] || die "$what: not in a mount namespace of its own, no mount done"
    if grep -q ' shared:' /proc/self/mountinfo; then die "$what: mounts still propagate to the host, no mount done"; fi
  }
  case $what in
    none | nobody | taskset | netns) ;;
    *) private_mount_namespace ;;
  esac
  case $what in
    netns-sysfs) mount -t sysfs sysfs /sys ;;  # the new network namespace's own view of /sys/class/net
    fake-serial) mount --bind "$work/fake/serial" "$serial_file" ;;
    empty-dev-block) mount --bind "$work/fake/empty" /sys/dev/block ;;
    fake-machine-id) mount --bind "$work/fake/machine-id" /etc/machine-id ;;
    empty-sys) mount -t tmpfs -o size=64k,mode=0755 airlock-empty-sys /sys ;;
    userns-fakes)
      mount --bind "$work/fake/serial" "$serial_file"
      mount --bind "$work/fake/machine-id" /etc/machine-id
      ;;
  esac
  probe "$work" "$out"
}

if [ "${1:-}" = "--inside" ]; then
  [ $# -eq 5 ] || die "--inside needs PERTURBATION WORK_DIR OUT_DIR HOST_MOUNT_NAMESPACE"
  inside "$2" "$3" "$4" "$5"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "skipped: needs root for namespaces and bind mounts"
  exit "$skip_code"
fi
[ $# -eq 3 ] || die "usage: perturbations.sh AIRLOCK AIRLOCK_HWID AIRLOCK_VERIFY"
for tool in unshare setpriv taskset mount python3; do
  command -v "$tool" >/dev/null || die "$tool not found (Debian: util-linux for unshare, setpriv, taskset; mount; python3)"
done
started=$SECONDS

# The whole disk under "/" (last "/" line of mountinfo wins) and its serial file, as the collector finds them.
root_dev=$(awk '$5 == "/" { dev = $3 } END { print dev }' /proc/self/mountinfo)
root_node=$(readlink -f "/sys/dev/block/$root_dev" 2>/dev/null || true)
[ -n "$root_node" ] && [ -e "$root_node/partition" ] && root_node=$(dirname "$root_node")
serial_file=
for candidate in "$root_node/serial" "$root_node/device/serial"; do
  if [ -n "$root_node" ] && [ -s "$candidate" ]; then serial_file=$candidate; break; fi
done
if [ -z "$serial_file" ] || [ ! -s /etc/machine-id ]; then
  echo "skipped: the root disk ($root_dev) has no sysfs serial file or there is no /etc/machine-id (written for the CI micro-VM)"
  exit "$skip_code"
fi

# One folder that uid 65534 can read (0755, in /tmp rather than a TMPDIR that may be private): the
# binaries, this script, the public key, the licenses and the fake files. The private key stays 0600.
work=$(mktemp -d /tmp/airlock-perturbations.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
mkdir -m 0755 "$work/bin" "$work/fake" "$work/fake/empty" "$work/out"
install -m 0755 "$1" "$work/bin/airlock"
install -m 0755 "$2" "$work/bin/airlock-hwid"
install -m 0755 "$3" "$work/bin/airlock-verify"
install -m 0644 "$0" "$work/perturbations.sh"
printf '%s\n' "$fake_serial" >"$work/fake/serial"
printf '%s\n' "$fake_machine_id" >"$work/fake/machine-id"
chmod 0644 "$work/fake/serial" "$work/fake/machine-id"
printf '%s\n' "$serial_file" >"$work/serial_file"
chmod 0644 "$work/serial_file"
real_serial=$(cat "$serial_file")
real_machine_id=$(cat /etc/machine-id)
host_ns=$(readlink /proc/self/ns/mnt)

echo "== setup: key pair, activation request for this machine, v2 and v1 licenses"
"$work/bin/airlock" keygen --out-dir "$work/vendor" --unencrypted >/dev/null 2>"$work/keygen.err" ||
  { cat "$work/keygen.err"; die "airlock keygen failed"; }
install -m 0644 "$work/vendor/vendor.pub" "$work/vendor.pub"
"$work/bin/airlock-hwid" request --product "$product" --pubkey "$work/vendor.pub" --out "$work/request.toml" 2>/dev/null ||
  die "airlock-hwid request failed on the unperturbed machine"
issue() {
  "$work/bin/airlock" issue --key "$work/vendor/vendor.key" --product "$product" --licensee "Perturbation test" \
    --request "$work/request.toml" "$@" >/dev/null
}
issue --out "$work/v2.toml"
notes=()
if "$work/bin/airlock" issue --help 2>&1 | grep -q -- '--policy'; then
  issue --policy airlock-match-v1 --out "$work/v1.toml"
else
  issue --out "$work/v1.toml"
  notes+=("airlock issue has no --policy yet: the v1 license was issued with the default policy")
fi
grep -q '^policy = "airlock-match-v2"$' "$work/v2.toml" ||
  notes+=("the default policy is not airlock-match-v2 yet: the \"v2\" license says $(grep '^policy' "$work/v2.toml")")
grep -q '^policy = "airlock-match-v1"$' "$work/v1.toml" ||
  notes+=("the v1 license says $(grep '^policy' "$work/v1.toml")")
chmod 0644 "$work/v2.toml" "$work/v1.toml"

# cases.tsv: one row per check, read by the comparison at the end.
#   probe <id> <label> <v2> <v1> <environment|-> <missing classes|-> <untrusted classes|-> <out dirs, comma-separated>
#   fixed <id> <label> <expected> <observed>      (observed computed here)
#   skipped <id> <label> <expected> <why>
cases=$work/cases.tsv
: >"$cases"
row() { local IFS=$'\t'; echo "$*" >>"$cases"; }

# run_in <name> <uid: root|nobody> <command prefix...>: the probe, in a child made by the prefix.
run_in() {
  local name=$1 who=$2; shift 2
  local out=$work/out/$name
  mkdir -m 0755 "$out"
  if [ "$who" = nobody ]; then chown "$nobody:$nobody" "$out"; fi
  if ! "$@" bash "$work/perturbations.sh" --inside "${name%%@*}" "$work" "$out" "$host_ns" >"$out/child.log" 2>&1; then
    echo "child for $name failed:"; cat "$out/child.log"
    echo "failed" >"$out/child.failed"
  fi
}
as_nobody=(setpriv --reuid "$nobody" --regid "$nobody" --clear-groups --)
private_ns=(unshare --mount --propagation private --)

echo "== perturbations"
run_in none root
row probe 1 "none" 0 0 vm "" - none
run_in netns root unshare --net --
# The host's sysfs still lists the host's NIC (sysfs shows the network namespace of whoever mounted
# it), so the card is found; only a sysfs of the new namespace (2b) hides it.
row probe 2 "new network namespace (unshare -n)" 0 0 vm "" - netns
run_in netns-sysfs root unshare --net --mount --propagation private --
row probe 2b "new network namespace with its own sysfs mount" 0 0 vm nic - netns-sysfs
run_in fake-serial root "${private_ns[@]}"
# On this VM the disk is the only hardware proof (the MAC is software-assigned): under v2 a disk
# that is lost or not trusted fails like another disk, as a clone's would; v1 still passes.
row probe 3 "bind-mounted fake disk serial" 19 0 vm disk disk fake-serial
run_in empty-dev-block root "${private_ns[@]}"
row probe 4 "empty directory over /sys/dev/block" 19 0 vm disk - empty-dev-block
run_in fake-machine-id root "${private_ns[@]}"
row probe 5 "bind-mounted fake /etc/machine-id" 0 0 vm os os fake-machine-id
run_in empty-sys root "${private_ns[@]}"
row probe 6 "tmpfs over /sys" 19 19 - disk,nic - empty-sys

label_7a="uid 65534, user+mount namespace, fake serial and machine-id"
if userns_error=$("${as_nobody[@]}" unshare --user --map-root-user --mount -- true 2>&1); then
  run_in userns-fakes nobody "${as_nobody[@]}" unshare --user --map-root-user --mount --propagation private --
  row probe 7a "$label_7a" 20 20 container - - userns-fakes
else
  echo "skipped 7a: unprivileged user namespaces are disabled here ($userns_error)"
  row skipped 7a "$label_7a" "20 / 20; show agrees" "skipped: unprivileged user namespaces disabled"
fi
run_in nobody nobody "${as_nobody[@]}"
row probe 7b "uid 65534, no namespace" 0 0 vm "" - nobody

cpus=()
IFS=, read -r -a ranges <<<"$(awk '/^Cpus_allowed_list:/ { print $2 }' /proc/self/status)"
for range in "${ranges[@]}"; do
  for ((cpu = ${range%-*}; cpu <= ${range#*-}; cpu++)); do cpus+=("$cpu"); done
done
taskset_dirs=()
for cpu in "${cpus[@]}"; do
  run_in "taskset@$cpu" root taskset -c "$cpu"
  taskset_dirs+=("taskset@$cpu")
done
row probe 8 "taskset -c N, each of ${#cpus[@]} allowed CPU(s) (${cpus[*]})" 0 0 vm "" - "$(IFS=,; echo "${taskset_dirs[*]}")"

repeat=$work/out/repeat
mkdir "$repeat"
for i in $(seq 1 100); do
  "$work/bin/airlock-hwid" show --json --product "$product" --pubkey "$work/vendor.pub" >"$repeat/$i" 2>&1 || true
done
distinct=$(for f in "$repeat"/*; do sha256sum <"$f"; done | sort -u | wc -l)
if [ "$distinct" -eq 1 ]; then observed_9="byte-identical"; else observed_9="$distinct distinct outputs"; fi
row fixed 9 "100 runs of airlock-hwid show --json --product --pubkey" "byte-identical" "$observed_9"

# Nothing leaked: no host mount refers to the work folder or covers /sys or /etc/machine-id anew, and
# the real files read as before.
host_state="unchanged"
if grep -qF "$work" /proc/self/mountinfo; then host_state="a mount of $work is on the host"; fi
if awk '$5 == "/sys/dev/block" || $5 == "/etc/machine-id" || ($5 == "/sys" && $9 != "sysfs") { bad = 1 } END { exit !bad }' \
  /proc/self/mountinfo; then host_state="a perturbation mount is on the host"; fi
[ "$(cat "$serial_file")" = "$real_serial" ] || host_state="$serial_file reads differently"
[ "$(cat /etc/machine-id)" = "$real_machine_id" ] || host_state="/etc/machine-id reads differently"
row fixed 10 "host mounts and files unchanged afterwards" "unchanged" "$host_state"

cat >"$work/compare.py" <<'PY'
# Compares what every child saw with the expected table; prints the table; exit 1 on a difference.
import json, re, sys, tomllib

work = sys.argv[1]
notes = sys.argv[2:]
lic = {}
for name in ("v2", "v1"):
    with open(f"{work}/{name}.toml", "rb") as f:
        lic[name] = tomllib.load(f)["machine"]
recorded = [c for c in ("platform", "disk", "nic", "os", "board") if lic["v2"].get(c)]
untrusted_words = re.compile(r"untrusted|shadow|tamper|bind[- ]?mount|mounted over", re.I)


crashes = []


def read(out, name):
    with open(f"{out}/{name}.rc") as f:
        rc = int(f.read())
    if rc == 1 or rc >= 128:  # an internal error, a sanitizer report or a signal: keep what it said
        with open(f"{out}/{name}.err", errors="replace") as f:
            said = " / ".join(f.read().strip().splitlines()[:3])
        crash = f"{out.rsplit('/', 1)[-1]}: {name} exited {rc}: {said}"
        if crash not in crashes:
            crashes.append(crash)
    with open(f"{out}/{name}.out") as f:
        text = f.read()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    return rc, data


def check_dir(out, env, missing, untrusted, problems):
    """Returns (v2 code, v1 code) as text; appends every disagreement to problems."""
    try:
        open(f"{out}/child.failed").close()
        problems.append("the child failed (see its log above)")
        return "child failed", "child failed"
    except FileNotFoundError:
        pass
    rc, show = read(out, "show")
    if rc != 0 or not isinstance(show, dict):
        problems.append(f"airlock-hwid show exited {rc} or printed no JSON object")
        show = None
    codes = []
    for name in ("v2", "v1"):
        rc_a, ja = read(out, f"verify-{name}")
        rc_b, jb = read(out, f"airlock-verify-{name}")
        codes.append(str(rc_a) if rc_a == rc_b else f"airlock {rc_a}, airlock-verify {rc_b}")
        if rc_a != rc_b or ja is None or jb is None or ja.get("binding") != jb.get("binding"):
            problems.append(f"{name}: airlock verify and airlock-verify disagree")
        if ja is None or show is None:
            continue
        if ja.get("exit_code") != rc_a:
            problems.append(f"{name}: verify's JSON exit_code {ja.get('exit_code')} is not its exit status {rc_a}")
        allow = bool(lic[name].get("allow_container"))
        container = show.get("environment") == "container"
        if rc_a == 20 and not container:
            problems.append(f"{name}: verify says unbindable_environment, show says {show.get('environment')}")
        if container and not allow and rc_a != 20:
            problems.append(f"{name}: show says container, verify exits {rc_a}, not 20")
        binding_line = str(show.get("binding", ""))
        # With every recorded class readable, a machine that passes must also be one show would bind.
        all_found = all(((show.get("classes") or {}).get(c) or {}).get("found") for c in recorded)
        if rc_a == 0 and all_found and binding_line.startswith("none"):
            problems.append(f"{name}: verify accepts but show's binding line is '{binding_line}'")
        binding = ja.get("binding") or {}
        if binding.get("checked"):
            for c, status in (binding.get("classes") or {}).items():
                s = (show.get("classes") or {}).get(c, {})
                if not s.get("found"):
                    implied = "missing"
                elif set(s.get("hashes") or []) & set(lic[name].get(c) or []):
                    implied = "matched"
                else:
                    implied = "changed"
                if implied != status:
                    problems.append(f"{name}: verify says {c} {status}, show implies {implied}")
    if show is not None:
        classes = show.get("classes") or {}
        if env != "-" and show.get("environment") != env:
            problems.append(f"environment {show.get('environment')}, expected {env}")
        if missing != "-":
            want_missing = set(missing.split(",")) if missing else set()
            for c in recorded:
                found = bool(classes.get(c, {}).get("found"))
                if found and c in want_missing:
                    problems.append(f"{c} found, expected missing")
                if not found and c not in want_missing:
                    problems.append(f"{c} missing ({classes.get(c, {}).get('reason')}), expected found")
        for c in untrusted.split(",") if untrusted != "-" else []:
            info = classes.get(c, {})
            named = info.get("untrusted") is True or info.get("trusted") is False
            named = named or bool(untrusted_words.search(str(info.get("reason", ""))))
            if not named:
                problems.append(f"{c} not named untrusted/shadowed (reason: {info.get('reason')})")
    return codes[0], codes[1]


def platform_hashes(out):
    _, show = read(out, "show")
    return tuple(((show or {}).get("classes") or {}).get("platform", {}).get("hashes") or [])


rows, details, failed = [], [], False
with open(f"{work}/cases.tsv") as f:
    lines = [line.rstrip("\n").split("\t") for line in f if line.strip()]
for fields in lines:
    kind, ident, label = fields[0], fields[1], fields[2]
    name = f"{ident}. {label}"
    if kind == "fixed":
        expected, observed = fields[3], fields[4]
    elif kind == "skipped":
        rows.append((name, fields[3], fields[4]))
        continue
    else:
        v2, v1, env, missing, untrusted, dirs = fields[3:9]
        expected = f"{v2} / {v1}; show agrees"
        per_dir, problems = [], []
        for d in dirs.split(","):
            p = []
            per_dir.append((d, check_dir(f"{work}/out/{d}", env, missing, untrusted, p)))
            problems += [f"{d}: {x}" if "," in dirs else x for x in p]
        codes = {c for _, c in per_dir}
        if len(codes) == 1:
            c2, c1 = codes.pop()
            codes_text = f"{c2} / {c1}"
        else:
            codes_text = ", ".join(f"{d} {c[0]} / {c[1]}" for d, c in per_dir)
        observed = codes_text + ("; show agrees" if not problems else f"; {problems[0]}"
                                 + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""))
        details += [f"{name}: {p}" for p in problems]
        if ident == "8":
            base = platform_hashes(f"{work}/out/none")
            differ = [d for d in dirs.split(",") if platform_hashes(f"{work}/out/{d}") != base or not base]
            n = len(dirs.split(","))
            rows.append((name, expected, observed))
            failed |= observed != expected
            name, expected = f"8. platform hash on each of {n} CPU(s), equal to the unpinned one", "identical"
            observed = "identical" if not differ else "differs: " + ", ".join(differ)
    rows.append((name, expected, observed))
    failed |= observed != expected

for note in notes:
    print(f"note: {note}")
w = [max(len(r[i]) for r in rows + [("perturbation", "expected", "observed")]) for i in range(3)]
line = lambda r: " | ".join(r[i].ljust(w[i]) for i in range(3)).rstrip()
print(line(("perturbation", "expected", "observed (v2 / v1)")))
print("-+-".join("-" * x for x in w))
for r in rows:
    print(line(r) + ("" if r[1] == r[2] or r[2].startswith("skipped") else "   <-- differs"))
if details:
    print("\ndisagreements:")
    for d in details:
        print(f"  {d}")
if crashes:
    print("\ntools that failed internally:")
    for c in crashes:
        print(f"  {c}")
sys.exit(1 if failed else 0)
PY

echo "== results ($((SECONDS - started)) s)"
status=0
python3 "$work/compare.py" "$work" "${notes[@]}" || status=$?
if [ "$status" -ne 0 ]; then
  echo "FAILED: an observed result differs from the expected one (details above)"
  exit 1
fi
echo "all perturbations gave the expected results"
