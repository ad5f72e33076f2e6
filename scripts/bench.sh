#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the benchmarks (Release, build-bench/) and runs each one, pinned to
# CPU 1 when taskset exists. Extra arguments go to every benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_packages libssl-dev

cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DAIRLOCK_BUILD_BENCH=ON \
  -DAIRLOCK_BUILD_TESTS=OFF -DAIRLOCK_BUILD_TOOLS=ON >/dev/null
cmake --build build-bench -j2

runner=()
if command -v taskset >/dev/null && [ "$(nproc)" -gt 1 ]; then runner=(taskset -c 1); fi
for bench in build-bench/bin/bench_*; do
  echo "== ${bench##*/}"
  case "${bench##*/}" in
    bench_issue_*) "$bench" "$@" ;;  # measures all cores on purpose
    *) "${runner[@]}" "$bench" "$@" ;;
  esac
done
