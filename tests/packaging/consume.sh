#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the example product against Airlock four ways — installed package
# (find_package), add_subdirectory, FetchContent, and the single header
# alone with -Wall -Wextra -Werror -pedantic — and runs each on a license.
# usage: consume.sh SOURCE_DIR BUILD_DIR CXX
set -euo pipefail
src=$1 build=$2 cxx=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/airlock-consume.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$build/bin/airlock" issue --key "$src/formats/vectors/test_vendor_key.pem" --no-ledger --product demo-app \
  --licensee "Packaging Test" --feature export --unbound --out "$work/license.toml" >/dev/null

expect_licensed() {  # <program> <what>
  local out
  out=$("$1" "$work/license.toml")
  grep -q "Export is unlocked." <<<"$out" || { echo "FAIL: $2 printed: $out"; exit 1; }
  echo "ok: $2"
}

cmake_consumer() {  # <name> <CMakeLists body> [cmake args...]
  local name=$1 body=$2; shift 2
  mkdir -p "$work/$name"
  printf 'cmake_minimum_required(VERSION 3.21)\nproject(%s LANGUAGES CXX)\n%s\nadd_executable(product %s/examples/product.cpp)\ntarget_link_libraries(product PRIVATE airlock::verifier)\n' \
    "$name" "$body" "$src" > "$work/$name/CMakeLists.txt"
  cmake -S "$work/$name" -B "$work/$name/build" -DCMAKE_CXX_COMPILER="$cxx" "$@" >/dev/null
  cmake --build "$work/$name/build" >/dev/null
  expect_licensed "$work/$name/build/product" "$name"
}

cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$src/examples" -B "$work/installed" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/installed" >/dev/null
expect_licensed "$work/installed/product" "find_package(airlock) from an install prefix"

cmake_consumer add_subdirectory "add_subdirectory($src airlock)"
cmake_consumer fetch_content "include(FetchContent)
FetchContent_Declare(airlock SOURCE_DIR $src)
FetchContent_MakeAvailable(airlock)"

"$cxx" -std=c++17 -Wall -Wextra -Werror -pedantic -O2 -I "$src/verifier/single_include" \
  "$src/examples/product.cpp" -o "$work/single"
expect_licensed "$work/single" "single header, -Wall -Wextra -Werror -pedantic, nothing linked"
