#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job, end to end on this machine: build, create a vendor key pair
# in a temporary folder, and show its key id. (Later steps of the story —
# fingerprint this machine, issue a license bound to it, verify it — are
# added here as they land.)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_packages
build_tree build >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/airlock-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
bin=build/bin
# A demo passphrase from a file; a vendor would type it at the prompt.
printf 'demo passphrase, not for real keys\n' > "$work/passphrase"

echo "== 1. vendor: create a signing key"
key_id=$("$bin/airlock" keygen --out-dir "$work/vendor" --passphrase-file "$work/passphrase")
echo "key id: $key_id"
"$bin/airlock" pubkey --key "$work/vendor/vendor.pub" --format cpp
echo "demo finished: files were in $work (now removed)"
