#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole test suite, from scratch: installs what is missing, then builds
# and runs every test twice, once with -Wall -Wextra -Werror and once under
# AddressSanitizer + UndefinedBehaviorSanitizer. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
# Each stage says when it started, in seconds since this script began, so a slow one shows in the log.
stage() {
  echo "== ($SECONDS s) $*"
}
stage "packages"
ensure_packages

stage "one format for the tree (.clang-format)"
bash scripts/check_format.sh

stage "single header is up to date"
bash scripts/amalgamate.sh --check

stage "build (warnings are errors)"
build_tree build -DAIRLOCK_WERROR=ON
stage "tests"
(cd build && ctest --output-on-failure -j"$(nproc)")

stage "build (ASan + UBSan)"
# -O1 with line tables: what the sanitizers' own docs advise, and it compiles much faster than -O2 -g.
build_tree build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" \
  -DAIRLOCK_WERROR=ON -DAIRLOCK_SANITIZE=ON
stage "tests under sanitizers"
(cd build-asan && ASAN_OPTIONS=halt_on_error=1:detect_leaks=1 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ctest --output-on-failure -j"$(nproc)")

stage "fuzzing (libFuzzer, ASan + UBSan, 12 s a target)"
bash scripts/fuzz.sh 12
stage "done"
