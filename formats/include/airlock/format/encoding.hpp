// SPDX-License-Identifier: MIT
// Canonical base64 (RFC 4648), lowercase hex and UTF-8 validation used by every airlock format.
#ifndef AIRLOCK_FORMAT_ENCODING_HPP
#define AIRLOCK_FORMAT_ENCODING_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace airlock::format {
namespace detail {

inline constexpr std::string_view base64_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
inline constexpr std::string_view hex_digits = "0123456789abcdef";

/// Value of one base64 character, or -1.
[[nodiscard]] inline int base64_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

/// Value of one lowercase hex digit, or -1 (uppercase is rejected: one spelling per value).
[[nodiscard]] inline int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/// Length of the well-formed UTF-8 sequence starting at text[pos], or 0 if it is not one.
/// Rejects overlong forms, surrogates and code points above U+10FFFF (RFC 3629).
[[nodiscard]] inline std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (text.size() - pos < length) return 0;
  if (byte(pos + 1) < low || byte(pos + 1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(pos + i) < 0x80 || byte(pos + i) > 0xBF) return 0;
  }
  return length;
}

}  // namespace detail

/// True if text is well-formed UTF-8.
[[nodiscard]] inline bool is_valid_utf8(std::string_view text) noexcept {
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t length = detail::utf8_sequence_length(text, pos);
    if (length == 0) return false;
    pos += length;
  }
  return true;
}

/// Padded base64 with the standard alphabet, no line breaks.
[[nodiscard]] inline std::string base64_encode(const std::uint8_t* data, std::size_t size) {
  std::string out;
  out.reserve((size + 2) / 3 * 4);
  for (std::size_t i = 0; i < size; i += 3) {
    const std::size_t left = size - i;
    std::uint32_t group = static_cast<std::uint32_t>(data[i]) << 16;
    if (left > 1) group |= static_cast<std::uint32_t>(data[i + 1]) << 8;
    if (left > 2) group |= data[i + 2];
    out += detail::base64_alphabet[(group >> 18) & 63];
    out += detail::base64_alphabet[(group >> 12) & 63];
    out += left > 1 ? detail::base64_alphabet[(group >> 6) & 63] : '=';
    out += left > 2 ? detail::base64_alphabet[group & 63] : '=';
  }
  return out;
}

template <std::size_t N>
[[nodiscard]] std::string base64_encode(const std::array<std::uint8_t, N>& bytes) {
  return base64_encode(bytes.data(), bytes.size());
}

/// Decodes canonical base64 only: padded to a multiple of 4, standard alphabet, no whitespace,
/// unused low bits zero. Every other spelling of the same bytes is rejected, so a signature or
/// key has exactly one text form.
[[nodiscard]] inline std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text) noexcept {
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  std::vector<std::uint8_t> out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t bits = 0;
  int bit_count = 0;
  for (std::size_t i = 0; i < text.size() - padding; ++i) {
    const int value = detail::base64_value(text[i]);
    if (value < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(value);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      out.push_back(static_cast<std::uint8_t>(bits >> bit_count));
      bits &= (1u << bit_count) - 1;
    }
  }
  if (bits != 0) return std::nullopt;  // non-zero padding bits
  return out;
}

/// Decodes canonical base64 of exactly N bytes.
template <std::size_t N>
[[nodiscard]] std::optional<std::array<std::uint8_t, N>> base64_decode_array(std::string_view text) noexcept {
  const auto bytes = base64_decode(text);
  if (!bytes || bytes->size() != N) return std::nullopt;
  std::array<std::uint8_t, N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = (*bytes)[i];
  return out;
}

/// Lowercase hex.
[[nodiscard]] inline std::string hex_encode(const std::uint8_t* data, std::size_t size) {
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += detail::hex_digits[data[i] >> 4];
    out += detail::hex_digits[data[i] & 15];
  }
  return out;
}

template <std::size_t N>
[[nodiscard]] std::string hex_encode(const std::array<std::uint8_t, N>& bytes) {
  return hex_encode(bytes.data(), bytes.size());
}

/// Decodes lowercase hex of even length; uppercase and any other character are rejected.
[[nodiscard]] inline std::optional<std::vector<std::uint8_t>> hex_decode(std::string_view text) noexcept {
  if (text.size() % 2 != 0) return std::nullopt;
  std::vector<std::uint8_t> out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int high = detail::hex_value(text[i]);
    const int low = detail::hex_value(text[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(high * 16 + low));
  }
  return out;
}

/// True if text is exactly `digits` lowercase hex digits.
[[nodiscard]] inline bool is_lower_hex(std::string_view text, std::size_t digits) noexcept {
  if (text.size() != digits) return false;
  for (const char c : text) {
    if (detail::hex_value(c) < 0) return false;
  }
  return true;
}

}  // namespace airlock::format

#endif  // AIRLOCK_FORMAT_ENCODING_HPP
