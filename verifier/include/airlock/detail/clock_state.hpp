// SPDX-License-Identifier: MIT
// The optional clock-state file: the latest time a product has seen and the
// newest revocation list it accepted, with a MAC, so that a clock set back
// below it, or an older list given again, is noticed on an offline machine.
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
#include <limits>
#include <string>
#include <string_view>

#include "airlock/crypto/sha2.hpp"
#include "airlock/format/encoding.hpp"

namespace airlock::detail {

inline constexpr std::string_view clock_state_tag = "airlock-clock-v2";
inline constexpr std::string_view clock_state_tag_v1 = "airlock-clock-v1";  // still read

// What the MAC covers after the tag: "id seconds" (v1) or "id seconds sequence" (v2).
inline std::string clock_state_fields(std::string_view tag, std::string_view license_id, std::int64_t seconds,
                                      std::int64_t sequence) {
  std::string fields = std::string(license_id) + " " + std::to_string(seconds);
  if (tag != clock_state_tag_v1) fields += " " + std::to_string(sequence);
  return fields;
}

// MAC = HMAC-SHA-256(key = SHA-256(tag || signature), tag SP fields) (FORMAT.md 10).
inline std::string clock_state_mac(std::string_view tag, const std::array<std::uint8_t, 64>& signature,
                                   std::string_view license_id, std::int64_t seconds, std::int64_t sequence) {
  sha256 key_hash;
  key_hash.update(reinterpret_cast<const std::uint8_t*>(tag.data()), tag.size());
  key_hash.update(signature.data(), signature.size());
  const auto key = key_hash.finish();
  const std::string message = std::string(tag) + " " + clock_state_fields(tag, license_id, seconds, sequence);
  const auto mac =
      hmac_sha256(key.data(), key.size(), reinterpret_cast<const std::uint8_t*>(message.data()), message.size());
  return format::hex_encode(mac);
}

enum class clock_state_status { absent, valid, altered, not_regular };

struct clock_state {
  clock_state_status status = clock_state_status::absent;
  std::int64_t latest_seen = 0;
  std::int64_t revocation_sequence = 0;  // the highest revocation list accepted; 0: none
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

// The one spelling of a number: decimal, no sign, no leading zero, within int64 (a list's sequence
// may be any positive int64, and what was written must read back).
[[nodiscard]] inline bool parse_clock_number(std::string_view text, std::int64_t& out) {
  if (text.empty() || text.size() > 19 || (text[0] == '0' && text.size() > 1)) return false;
  constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
  out = 0;
  for (const char c : text) {
    if (c < '0' || c > '9' || out > (max - (c - '0')) / 10) return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

// Splits off the next space-separated word of `rest`.
[[nodiscard]] inline std::string_view next_word(std::string_view& rest) {
  const std::size_t space = rest.find(' ');
  const std::string_view word = rest.substr(0, space);
  rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  return word;
}

// The line is valid only for this license: another id, another license's MAC or any other
// spelling is altered, so that editing or copying the file cannot reset the guard.
inline bool clock_line_valid(std::string_view line, const std::array<std::uint8_t, 64>& signature,
                             std::string_view license_id, clock_state& out) {
  if (line.empty() || line.back() != '\n') return false;
  line.remove_suffix(1);
  const std::string_view tag = next_word(line);
  if ((tag != clock_state_tag && tag != clock_state_tag_v1) || next_word(line) != license_id) return false;
  if (!parse_clock_number(next_word(line), out.latest_seen)) return false;
  out.revocation_sequence = 0;
  if (tag == clock_state_tag && !parse_clock_number(next_word(line), out.revocation_sequence)) return false;
  return line == clock_state_mac(tag, signature, license_id, out.latest_seen, out.revocation_sequence);
}

// The file is one line: "airlock-clock-v2 <license id> <seconds> <sequence> <mac>" (or the v1 line
// without a sequence). Only a missing file is absent; a file that is there but not a regular file
// is not_regular.
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
  if (!regular) return clock_state{clock_state_status::not_regular, 0, 0};
  if (n < 0 || !clock_line_valid(std::string_view(buf, static_cast<std::size_t>(n)), signature, license_id, state)) {
    return clock_state{clock_state_status::altered, 0, 0};
  }
  state.status = clock_state_status::valid;
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
                              std::string_view license_id, std::int64_t seconds, std::int64_t sequence) {
  if (seconds < 0 || sequence < 0) return;
  const std::string line = std::string(clock_state_tag) + " " +
                           clock_state_fields(clock_state_tag, license_id, seconds, sequence) + " " +
                           clock_state_mac(clock_state_tag, signature, license_id, seconds, sequence) + "\n";
  std::string tmp = clock_state_folder(path) + "/.airlock-clock-XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) return;
  const bool written = write_fully(fd, line);
  if (::close(fd) != 0 || !written || std::rename(tmp.c_str(), path.c_str()) != 0) ::unlink(tmp.c_str());
}

}  // namespace airlock::detail

#endif
