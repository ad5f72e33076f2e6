#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job, end to end on this machine: build; the vendor creates a
# signing key; the customer fingerprints this machine into an activation
# request; the vendor issues a license bound to it, renews it, re-hosts it
# after a (simulated) disk replacement and revokes it; the product, with the
# customer's statically linked verifier, uses the newest license, refuses the
# revoked ones and an older revocation list; the ledger records it all.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_packages --tools-only
# Only the three tools the demo runs, in a folder of its own: no tests, no example, no benchmark.
started=$SECONDS
cmake -S . -B build-demo -DCMAKE_BUILD_TYPE=Release -DAIRLOCK_BUILD_TESTS=OFF >/dev/null
cmake --build build-demo -j"$(nproc)" --target airlock airlock-verify airlock-hwid >/dev/null
echo "== built airlock, airlock-verify and airlock-hwid in $((SECONDS - started)) s"

work=$(mktemp -d "${TMPDIR:-/tmp}/airlock-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
bin=build-demo/bin
# A demo passphrase from a file; a vendor would type it at the prompt.
printf 'demo passphrase, not for real keys\n' > "$work/passphrase"

echo "== 1. vendor: create a signing key (encrypted with a passphrase)"
key_id=$("$bin/airlock" keygen --out-dir "$work/vendor" --passphrase-file "$work/passphrase")
echo "key id: $key_id"

echo "== 2. customer: what this machine offers (hashes only leave it)"
"$bin/airlock-hwid" show --product demo-app --pubkey "$work/vendor/vendor.pub"
"$bin/airlock-hwid" request --product demo-app --pubkey "$work/vendor/vendor.pub" --out "$work/request.toml"
cat "$work/request.toml"

# This machine has one part that proves its hardware: its disk (airlock-hwid show says so). To show
# a re-host without opening the case, the first license is bound to this machine as it was before
# its disk was replaced: the request with the disk hash of another disk. Every other part is real.
grep -q '^disk = \["[0-9a-f]\{32\}' "$work/request.toml" ||
  { echo "demo: this machine reports no disk, so the re-host story cannot be simulated here" >&2; exit 1; }
sed -E 's/^disk = \["[0-9a-f]{32}"/disk = ["0d15c0ffee0d15c0ffee0d15c0ffee00"/' "$work/request.toml" > "$work/old-machine.toml"
export AIRLOCK_LEDGER="$work/vendor/ledger.sqlite"
sign=(--key "$work/vendor/vendor.key" --passphrase-file "$work/passphrase")
verify=("$bin/airlock-verify" --pubkey "$work/vendor/vendor.pub" --product demo-app)
expect() {  # expect CODE COMMAND...: the demo shows refusals too, each with its own exit code
  local want=$1 rc=0
  shift
  "$@" || rc=$?
  [ "$rc" -eq "$want" ] || { echo "demo: expected exit $want, got $rc: $*" >&2; exit 1; }
}

echo "== 3. vendor: issue a license bound to the machine (as it was, with its old disk)"
mkdir -p "$work/licenses"
first=$("$bin/airlock" issue "${sign[@]}" \
  --product demo-app --licensee "Demo Customer Ltd" --feature pro --feature export --limit seats=5 \
  --expires "$(date -u -d '+1 year' +%F)" --updates-until "$(date -u -d '+6 months' +%F)" \
  --request "$work/old-machine.toml" --out "$work/licenses/1-license.toml")
cat "$work/licenses/1-license.toml"

echo "== 4. vendor: renew it for another year, with one more feature"
second=$("$bin/airlock" renew "$first" "${sign[@]}" --expires "$(date -u -d '+2 years' +%F)" \
  --feature +cloud-export --out "$work/licenses/2-renewal.toml")
echo "renewal: $second (supersedes $first)"

echo "== 5. the product, given both files: it uses the renewal, and its disk was replaced"
"$bin/airlock" verify "$work/licenses/2-renewal.toml" --pubkey "$work/vendor/vendor.pub" --no-machine
expect 19 "${verify[@]}" "$work/licenses"

echo "== 6. customer: a re-host request for the renewal, from the machine as it is now"
"$bin/airlock-hwid" request --rehost "$work/licenses/2-renewal.toml" --out "$work/rehost.toml"
cat "$work/rehost.toml"

echo "== 7. vendor: re-host (shows what changed, checks the budget, revokes the old license)"
"$bin/airlock" rehost "$work/rehost.toml" "${sign[@]}" --out "$work/licenses/3-rehosted.toml" > "$work/rehost.out"
cat "$work/rehost.out"
third=$(tail -1 "$work/rehost.out")
"$bin/airlock" revocations "${sign[@]}" --product demo-app --out "$work/revoked-1.toml"

echo "== 8. the product with the revocation list: the re-hosted license works, the old one is revoked"
mkdir -p "$work/state"
"${verify[@]}" "$work/licenses" --revocations "$work/revoked-1.toml" --clock-state-dir "$work/state"
expect 22 "${verify[@]}" "$work/licenses/2-renewal.toml" --revocations "$work/revoked-1.toml"

echo "== 9. vendor: the contract ends; the product refuses the license, and the older list replayed"
"$bin/airlock" revoke "$third" --reason "contract ended"
"$bin/airlock" revocations "${sign[@]}" --product demo-app --out "$work/revoked-2.toml"
expect 22 "${verify[@]}" "$work/licenses/3-rehosted.toml" --revocations "$work/revoked-2.toml" \
  --clock-state-dir "$work/state"
expect 24 "${verify[@]}" "$work/licenses/3-rehosted.toml" --revocations "$work/revoked-1.toml" \
  --clock-state-dir "$work/state"

echo "== 10. vendor: the ledger of it all, checked, and what it holds about the customer"
"$bin/airlock" ledger list
"$bin/airlock" ledger verify
"$bin/airlock" ledger export --licensee "Demo Customer Ltd" > "$work/export.json"
echo "ledger export for the customer (access request): $(wc -c < "$work/export.json") bytes of JSON"
"$bin/airlock" privacy-notice --product demo-app > "$work/privacy-notice.md"
head -n 12 "$work/privacy-notice.md"
echo "demo finished: every step passed"
