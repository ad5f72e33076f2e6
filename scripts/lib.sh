# SPDX-License-Identifier: MIT
# Shared by the scripts: install the Debian packages Airlock needs, only the
# missing ones, and configure + build one build folder.

# What building the tools needs, and what the test suite needs on top (oracles, test framework,
# the formatter CI checks with, clang and its libFuzzer runtime for scripts/fuzz.sh, headless
# Chromium and Selenium for the console's browser test).
airlock_tool_packages=(g++ cmake make pkg-config libbotan-2-dev libboost-program-options-dev libsqlite3-dev libcpp-httplib-dev libzip-dev)
airlock_test_packages=(file openssl python3 xxd sqlite3 libssl-dev libtomlplusplus-dev catch2 libsodium-dev clang-format clang libclang-rt-14-dev chromium chromium-driver python3-selenium)

# ensure_packages [--tools-only] [extra packages...]
ensure_packages() {
  local wanted=("${airlock_tool_packages[@]}")
  if [ "${1:-}" = "--tools-only" ]; then shift; else wanted+=("${airlock_test_packages[@]}"); fi
  local missing=() p
  for p in "${wanted[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "airlock: installing ${missing[*]}" >&2
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# build_tree <dir> [cmake options...]
build_tree() {
  local dir=$1; shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  cmake --build "$dir" -j"$(nproc)"
}
