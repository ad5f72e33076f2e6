#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/check_layout.py passes on the tree and fails on a copy with a cycle planted in it:
# hwid/ including a verifier header, and a tool using another folder's detail name.
set -euo pipefail
source_dir=$1
python3 "$source_dir/scripts/check_layout.py" "$source_dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for folder in crypto formats hwid verifier cli generator keys; do cp -r "$source_dir/$folder" "$work/"; done
sed -i '0,/#include "airlock\/hwid\/probes.hpp"/s//#include "airlock\/hwid\/probes.hpp"\n#include "airlock\/verify.hpp"/' \
  "$work/hwid/include/airlock/hwid/collect.hpp"
echo 'int x = airlock::format::detail::known_format;' >> "$work/cli/json.cpp"
if out=$(python3 "$source_dir/scripts/check_layout.py" "$work" 2>&1); then
  echo "check_layout.py accepted a tree where hwid/ includes verifier/:"; echo "$out"; exit 1
fi
grep -q 'hwid/include/airlock/hwid/collect.hpp: includes airlock/verify.hpp of verifier/' <<<"$out"
grep -q 'cli/json.cpp: uses detail::known_format of formats' <<<"$out"
echo "1 passed, 0 failed"
