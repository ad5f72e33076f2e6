#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job, end to end on this machine: build; the vendor creates a
# signing key; the customer fingerprints this machine into an activation
# request; the vendor issues a license bound to it; the license is verified
# here, by the vendor's tool and by the customer's statically linked one.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_packages --tools-only
# Only the three tools the demo runs: no tests, in a folder of its own.
build_tree build-demo -DAIRLOCK_BUILD_TESTS=OFF >/dev/null

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

echo "== 3. vendor: issue a license bound to that request"
"$bin/airlock" issue --key "$work/vendor/vendor.key" --passphrase-file "$work/passphrase" \
  --product demo-app --licensee "Demo Customer Ltd" --feature pro --feature export --limit seats=5 \
  --expires "$(date -u -d '+1 year' +%F)" --updates-until "$(date -u -d '+6 months' +%F)" \
  --request "$work/request.toml" --out "$work/license.toml"
cat "$work/license.toml"

echo "== 4. verify the license on this machine"
"$bin/airlock" verify "$work/license.toml" --pubkey "$work/vendor/vendor.pub"
if [ -x "$bin/airlock-verify" ]; then
  "$bin/airlock-verify" "$work/license.toml" --pubkey "$work/vendor/vendor.pub" --product demo-app
fi
echo "demo finished: every step passed"
