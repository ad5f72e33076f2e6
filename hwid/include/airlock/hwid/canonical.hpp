// SPDX-License-Identifier: MIT
// Canonical form v1 of identifier values and the placeholder filter that drops firmware filler.
#ifndef AIRLOCK_HWID_CANONICAL_HPP
#define AIRLOCK_HWID_CANONICAL_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace airlock::hwid {

// Canonical form v1, per class (changing any of it invalidates issued licenses, hence the version):
//   platform  "cpuid <vendor> family <f> model <m> stepping <s> brand <brand>" or "cpuinfo <k>=<v>;..."
//   disk      serial or WWID, trimmed, whitespace runs collapsed, ASCII upper case
//   nic       permanent MAC, lower-case colon form "aa:bb:cc:dd:ee:ff"
//   os        machine-id, 32 lower-case hex digits exactly as stored
//   board     DMI UUID in lower case; DMI serials and device-tree serial upper case
// Values are printable ASCII of at most max_value_length bytes; anything else is garbage and dropped.
inline constexpr std::size_t max_value_length = 256;

namespace detail {

inline constexpr bool is_blank(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == '\0';
}

inline constexpr char upper_ascii(char c) noexcept { return c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c; }
inline constexpr char lower_ascii(char c) noexcept { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

// Trims blanks and NULs (device-tree strings end in one), collapses internal blank runs to one space.
// nullopt when a control byte, a non-ASCII byte or an internal NUL remains, or when too long.
inline std::optional<std::string> clean_text(std::string_view raw) {
  std::size_t begin = 0, end = raw.size();
  while (begin < end && is_blank(raw[begin])) ++begin;
  while (end > begin && is_blank(raw[end - 1])) --end;
  std::string out;
  bool in_blank = false;
  for (std::size_t i = begin; i < end; ++i) {
    const unsigned char c = static_cast<unsigned char>(raw[i]);
    if (c == '\0' || c >= 0x7f) return std::nullopt;
    if (is_blank(char(c))) {
      in_blank = true;
      continue;
    }
    if (c < 0x20) return std::nullopt;
    if (in_blank) out += ' ';
    in_blank = false;
    out += char(c);
    if (out.size() > max_value_length) return std::nullopt;
  }
  return out;
}

inline std::string upper(std::string s) {
  for (char& c : s) c = upper_ascii(c);
  return s;
}

inline std::string lower(std::string s) {
  for (char& c : s) c = lower_ascii(c);
  return s;
}

inline constexpr std::array<std::string_view, 24> placeholder_values = {"to be filled by o.e.m.",
                                                                        "to be filled by o.e.m",
                                                                        "default string",
                                                                        "not specified",
                                                                        "not applicable",
                                                                        "not available",
                                                                        "none",
                                                                        "n/a",
                                                                        "na",
                                                                        "unknown",
                                                                        "invalid",
                                                                        "empty",
                                                                        "oem",
                                                                        "o.e.m.",
                                                                        "system serial number",
                                                                        "chassis serial number",
                                                                        "base board serial number",
                                                                        "serial number",
                                                                        "system product name",
                                                                        "0123456789",
                                                                        "123456789",
                                                                        "1234567890",
                                                                        "123456789abcdef",
                                                                        "03000200-0400-0500-0006-000700080009"};

// One character repeated ("0000", "FFFF-FFFF", "XXXXXXXX") once separators are ignored.
inline bool is_one_repeated_char(std::string_view v) noexcept {
  char first = 0;
  for (char c : v) {
    if (c == '-' || c == ':' || c == ' ' || c == '.') continue;
    if (first == 0)
      first = lower_ascii(c);
    else if (lower_ascii(c) != first)
      return false;
  }
  return true;
}

// QEMU's default IDE/SCSI serials QM00001..QM00009.
inline bool is_qemu_default_serial(std::string_view v) noexcept {
  return v.size() == 7 && lower(std::string(v.substr(0, 6))) == "qm0000" && v[6] >= '0' && v[6] <= '9';
}

}  // namespace detail

// Firmware and hypervisor filler that many machines share; such a value identifies nothing.
[[nodiscard]] inline bool is_placeholder(std::string_view canonical) {
  if (detail::is_one_repeated_char(canonical) || detail::is_qemu_default_serial(canonical)) return true;
  const std::string folded = detail::lower(std::string(canonical));
  for (std::string_view p : detail::placeholder_values) {
    if (folded == p) return true;
  }
  return false;
}

[[nodiscard]] inline std::optional<std::string> canonical_serial(std::string_view raw) {
  std::optional<std::string> text = detail::clean_text(raw);
  if (!text || is_placeholder(*text)) return std::nullopt;
  return detail::upper(std::move(*text));
}

[[nodiscard]] inline std::optional<std::string> canonical_uuid(std::string_view raw) {
  std::optional<std::string> text = detail::clean_text(raw);
  if (!text || is_placeholder(*text)) return std::nullopt;
  return detail::lower(std::move(*text));
}

// A MAC that names one interface: six bytes, not all zero, not broadcast, multicast bit clear.
// Locally administered MACs are kept: clouds and virtio NICs use them as their permanent address.
[[nodiscard]] inline std::optional<std::string> canonical_mac(const std::vector<std::uint8_t>& bytes) {
  if (bytes.size() != 6 || (bytes[0] & 0x01) != 0) return std::nullopt;
  bool all_zero = true;
  for (std::uint8_t b : bytes) all_zero = all_zero && b == 0;
  if (all_zero) return std::nullopt;
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : bytes) {
    if (!out.empty()) out += ':';
    out += hex[b >> 4];
    out += hex[b & 0x0f];
  }
  return out;
}

namespace detail {

inline int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  c = lower_ascii(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// "aa:bb:cc:dd:ee:ff" (sysfs address and perm_hwaddr), optionally followed by a newline.
inline std::vector<std::uint8_t> parse_mac(std::string_view text) {
  std::optional<std::string> clean = clean_text(text);
  std::vector<std::uint8_t> bytes;
  if (!clean || clean->size() != 17) return bytes;
  for (std::size_t i = 0; i < 17; i += 3) {
    const int hi = hex_digit((*clean)[i]), lo = hex_digit((*clean)[i + 1]);
    if (hi < 0 || lo < 0 || (i + 2 < 17 && (*clean)[i + 2] != ':')) return {};
    bytes.push_back(std::uint8_t(hi * 16 + lo));
  }
  return bytes;
}

}  // namespace detail

}  // namespace airlock::hwid

#endif  // AIRLOCK_HWID_CANONICAL_HPP
