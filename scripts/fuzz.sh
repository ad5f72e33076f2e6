#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets of tests/fuzz/ in build-fuzz/ with clang++ (ASan + UBSan) and runs
# each for SECONDS (default 10) on a copy of its seed corpus, so the checked-in corpus never
# changes. Prints one line per target (execs, coverage, crashes) and exits non-zero when any
# target crashed, leaked or timed out, naming the file that reproduces it.
# A plain compile rather than CMake: the targets are one file each over header-only code, and the
# gcc build stays untouched.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
out=build-fuzz
cxx=${AIRLOCK_FUZZ_CXX:-$(command -v clang++-14 || command -v clang++)}
targets=(license_raw license_signed request_reader decoders clock_state collectors orders_csv license_differential
  revocations)
flags=(-std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
  -Wall -Wextra -Werror -I. -Icrypto/include -Iverifier/include -Iformats/include -Ihwid/include)
mkdir -p "$out"

build() {  # build <target>: only when a source or header is newer than the binary
  local t=$1 extra=()
  case $t in
    license_signed) extra=(-lsodium) ;;
    orders_csv) extra=(generator/orders_csv.cpp) ;;
  esac
  if [ -x "$out/$t" ] && [ -z "$(find tests/fuzz crypto formats/include verifier/include hwid/include generator \
    -newer "$out/$t" \( -name '*.hpp' -o -name '*.cpp' -o -name '*.h' \) -print -quit)" ]; then
    return 0
  fi
  echo "== fuzz: building $t" >&2
  "$cxx" "${flags[@]}" "tests/fuzz/$t.cpp" "${extra[@]}" -o "$out/$t"
}

# Two compiles at a time (the CI machine has two cores); each is slow, mostly in the sanitizers.
pending=()
for t in "${targets[@]}"; do
  build "$t" &
  pending+=($!)
  if [ ${#pending[@]} -eq 2 ]; then
    wait "${pending[0]}"
    pending=("${pending[1]}")
  fi
done
for p in "${pending[@]}"; do wait "$p"; done

failed=0
printf '%-22s %10s %6s %s\n' target execs cov crashes
for t in "${targets[@]}"; do
  work="$out/run/$t"
  rm -rf "$work" && mkdir -p "$work/corpus" "$work/artifacts"
  cp tests/fuzz/corpus/"$t"/* "$work/corpus/" 2>/dev/null || true
  rc=0
  ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$out/$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1 || rc=$?
  # A crashed run has no final stats: "?" then, not an early exit under pipefail.
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$' | tail -1 || true)
  cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -1 | grep -o '[0-9]*$' || true)
  crashes=$(find "$work/artifacts" -type f | wc -l)
  printf '%-22s %10s %6s %s\n' "$t" "${execs:-?}" "${cov:-?}" "$crashes"
  if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    failed=1
    echo "fuzz: $t failed (exit $rc); log $work/log; reproducer(s):" $(find "$work/artifacts" -type f) >&2
    grep -m3 -E 'ERROR: |runtime error|mismatch|rejects' "$work/log" >&2 || true
  fi
done
exit "$failed"
