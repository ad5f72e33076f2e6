# SPDX-License-Identifier: MIT
# Shared by the scripts: install the Debian packages Airlock needs, only the
# missing ones, and configure + build one build folder.

airlock_packages=(g++ cmake make pkg-config file openssl python3 xxd libssl-dev
  libbotan-2-dev libtomlplusplus-dev libboost-program-options-dev catch2 libsodium-dev
  clang-format)

ensure_packages() {
  local missing=() p
  for p in "${airlock_packages[@]}" "$@"; do
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
