#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds and runs only the verifier cost benchmark (Release, build-bench/),
# pinned to CPU 1 when taskset exists. Arguments: [latency rounds] [compile runs].
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DAIRLOCK_BUILD_BENCH=ON \
  -DAIRLOCK_BUILD_TESTS=OFF -DAIRLOCK_BUILD_TOOLS=ON >/dev/null
cmake --build build-bench -j2 --target bench_verifier_cost
runner=()
if command -v taskset >/dev/null && [ "$(nproc)" -gt 1 ]; then runner=(taskset -c 1); fi
"${runner[@]}" build-bench/bin/bench_verifier_cost "$@"
