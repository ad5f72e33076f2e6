// SPDX-License-Identifier: MIT
// The optional clock-state file: the latest time a product has seen, with a
// MAC, so that a clock set back below it is noticed on an offline machine.
//
// What it stops: a user who sets the clock back to before a time the product
// already saw, and a casual edit of the file. What it cannot stop: deleting
// the file, or renaming the license id in it (the product then starts over
// from the license's issue time, as it does after a renewal), or
// a determined root user who copies an old state file back or rebuilds the
// MAC, whose key is derived from the license's public signature.
#ifndef AIRLOCK_DETAIL_CLOCK_STATE_HPP
#define AIRLOCK_DETAIL_CLOCK_STATE_HPP

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "airlock/crypto/sha2.hpp"
#include "airlock/format/encoding.hpp"

namespace airlock::detail {

inline constexpr std::string_view clock_state_tag = "airlock-clock-v1";

// MAC = HMAC-SHA-256(key = SHA-256(tag || signature), tag SP id SP seconds).
inline std::string clock_state_mac(const std::array<std::uint8_t, 64>& signature, std::string_view license_id,
                                   std::int64_t seconds) {
  sha256 key_hash;
  key_hash.update(reinterpret_cast<const std::uint8_t*>(clock_state_tag.data()), clock_state_tag.size());
  key_hash.update(signature.data(), signature.size());
  const auto key = key_hash.finish();
  const std::string message =
      std::string(clock_state_tag) + " " + std::string(license_id) + " " + std::to_string(seconds);
  const auto mac =
      hmac_sha256(key.data(), key.size(), reinterpret_cast<const std::uint8_t*>(message.data()), message.size());
  return format::hex_encode(mac);
}

enum class clock_state_status { absent, valid, altered };

struct clock_state {
  clock_state_status status = clock_state_status::absent;
  std::int64_t latest_seen = 0;
};

// A state line written for another license id (the one a renewal replaced):
// its MAC cannot be checked without that license, so it counts as absent and
// is overwritten; the new license's issue time is then the lower bound.
inline bool belongs_to_another_license(std::string_view line, std::string_view license_id) {
  const std::size_t tag = clock_state_tag.size();
  if (line.substr(0, tag) != clock_state_tag || line.size() <= tag || line[tag] != ' ') return false;
  const std::size_t end = line.find(' ', tag + 1);
  return end != std::string_view::npos && end > tag + 1 && line.substr(tag + 1, end - tag - 1) != license_id;
}

// The file is one line: "airlock-clock-v1 <license id> <seconds> <mac>".
inline clock_state read_clock_state(const std::string& path, const std::array<std::uint8_t, 64>& signature,
                                    std::string_view license_id) {
  clock_state state;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return state;
  char buf[256] = {};
  const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  state.status = clock_state_status::altered;
  const std::string line(buf, n);
  if (belongs_to_another_license(line, license_id)) return clock_state{};
  const std::string prefix = std::string(clock_state_tag) + " " + std::string(license_id) + " ";
  if (line.compare(0, prefix.size(), prefix) != 0) return state;
  const std::size_t space = line.find(' ', prefix.size());
  if (space == std::string::npos || space == prefix.size() || space - prefix.size() > 18) return state;
  // One spelling per time: no leading zero (the MAC is over the number as written by the writer).
  if (line[prefix.size()] == '0' && space - prefix.size() > 1) return state;
  std::int64_t seconds = 0;
  for (std::size_t i = prefix.size(); i < space; ++i) {
    if (line[i] < '0' || line[i] > '9') return state;
    seconds = seconds * 10 + (line[i] - '0');
  }
  if (line.substr(space + 1) != clock_state_mac(signature, license_id, seconds) + "\n") return state;
  state.status = clock_state_status::valid;
  state.latest_seen = seconds;
  return state;
}

// Best effort: a state file that cannot be written must not fail a license.
inline void write_clock_state(const std::string& path, const std::array<std::uint8_t, 64>& signature,
                              std::string_view license_id, std::int64_t seconds) {
  if (seconds < 0) return;
  const std::string line = std::string(clock_state_tag) + " " + std::string(license_id) + " " +
                           std::to_string(seconds) + " " + clock_state_mac(signature, license_id, seconds) + "\n";
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return;
  const bool written = std::fwrite(line.data(), 1, line.size(), f) == line.size();
  if (std::fclose(f) != 0 || !written || std::rename(tmp.c_str(), path.c_str()) != 0) std::remove(tmp.c_str());
}

}  // namespace airlock::detail

#endif
