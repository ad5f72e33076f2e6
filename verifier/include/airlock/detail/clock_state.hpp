// SPDX-License-Identifier: MIT
// The optional clock-state file: the latest time a product has seen, with a
// MAC, so that a clock set back below it is noticed on an offline machine.
//
// What it stops: a user who sets the clock back to before a time the product
// already saw, a casual edit of the file, and a state file copied from another
// license. What it cannot stop: deleting the file (the product then starts over
// from the license's issue time), or a determined root user who copies an old state file back or rebuilds the
// MAC, whose key is derived from the license's public signature.
#ifndef AIRLOCK_DETAIL_CLOCK_STATE_HPP
#define AIRLOCK_DETAIL_CLOCK_STATE_HPP

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
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

enum class clock_state_status { absent, valid, altered, not_regular };

struct clock_state {
  clock_state_status status = clock_state_status::absent;
  std::int64_t latest_seen = 0;
};

// Opens without blocking (a FIFO would wait for a writer) and without following a link; only a
// regular file is read. Returns -1 with errno ENOENT when there is no file.
inline int open_clock_state(const std::string& path, bool& regular) {
  regular = false;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
  if (fd < 0) return -1;
  struct stat st {};
  regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  return fd;
}

// The one spelling of a time: decimal, no sign, no leading zero, at most 18 digits (no overflow).
inline bool parse_clock_seconds(std::string_view text, std::int64_t& seconds) {
  if (text.empty() || text.size() > 18 || (text[0] == '0' && text.size() > 1)) return false;
  seconds = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    seconds = seconds * 10 + (c - '0');
  }
  return true;
}

// The line is valid only for this license: another id, another license's MAC or any other
// spelling is altered, so that editing or copying the file cannot reset the guard.
inline bool clock_line_valid(std::string_view line, const std::array<std::uint8_t, 64>& signature,
                             std::string_view license_id, std::int64_t& seconds) {
  const std::string prefix = std::string(clock_state_tag) + " " + std::string(license_id) + " ";
  if (line.substr(0, prefix.size()) != prefix) return false;
  const std::size_t space = line.find(' ', prefix.size());
  if (space == std::string_view::npos ||
      !parse_clock_seconds(line.substr(prefix.size(), space - prefix.size()), seconds))
    return false;
  return line.substr(space + 1) == clock_state_mac(signature, license_id, seconds) + "\n";
}

// The file is one line: "airlock-clock-v1 <license id> <seconds> <mac>". Only a missing file is
// absent; a file that is there but not a regular file is not_regular.
inline clock_state read_clock_state(const std::string& path, const std::array<std::uint8_t, 64>& signature,
                                    std::string_view license_id) {
  clock_state state;
  bool regular = false;
  const int fd = open_clock_state(path, regular);
  if (fd < 0) {
    state.status = errno == ENOENT  ? clock_state_status::absent
                   : errno == ELOOP ? clock_state_status::not_regular
                                    : clock_state_status::altered;
    return state;
  }
  char buf[256] = {};
  ssize_t n = regular ? ::read(fd, buf, sizeof buf - 1) : 0;
  ::close(fd);
  if (!regular) return clock_state{clock_state_status::not_regular, 0};
  state.status = clock_state_status::altered;
  std::int64_t seconds = 0;
  if (n < 0 || !clock_line_valid(std::string_view(buf, static_cast<std::size_t>(n)), signature, license_id, seconds))
    return state;
  state.status = clock_state_status::valid;
  state.latest_seen = seconds;
  return state;
}

inline std::string clock_state_folder(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

inline bool write_fully(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Best effort: a state file that cannot be written must not fail a license. The line goes to a
// fresh, unique file in the same folder (mkstemp: O_EXCL, so nothing planted there is followed)
// and is renamed over the state, which replaces a link rather than writing through it.
inline void write_clock_state(const std::string& path, const std::array<std::uint8_t, 64>& signature,
                              std::string_view license_id, std::int64_t seconds) {
  if (seconds < 0) return;
  const std::string line = std::string(clock_state_tag) + " " + std::string(license_id) + " " +
                           std::to_string(seconds) + " " + clock_state_mac(signature, license_id, seconds) + "\n";
  std::string tmp = clock_state_folder(path) + "/.airlock-clock-XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) return;
  const bool written = write_fully(fd, line);
  if (::close(fd) != 0 || !written || std::rename(tmp.c_str(), path.c_str()) != 0) ::unlink(tmp.c_str());
}

}  // namespace airlock::detail

#endif
