// SPDX-License-Identifier: MIT
// Integers modulo the Ed25519 group order L: range check, reduction, signed-window recoding.
#ifndef AIRLOCK_DETAIL_ED25519_SCALAR_HPP
#define AIRLOCK_DETAIL_ED25519_SCALAR_HPP

#include <array>
#include <cstddef>
#include <cstdint>

namespace airlock::ed25519::detail {

// L = 2^252 + 27742317777372353535851937790883648493 (RFC 8032 section 5.1),
// little-endian, as bytes and as 32-bit words.
inline constexpr std::uint8_t group_order_bytes[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                                       0xa2, 0xde, 0xf9, 0xde, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                                       0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};
inline constexpr std::uint32_t group_order_words[8] = {0x5cf5d3ed, 0x5812631a, 0xa2f79cd6, 0x14def9de,
                                                       0,          0,          0,          0x10000000};

// S < L, compared as 256-bit little-endian integers (RFC 8032 section 5.1.7 step 1).
inline bool scalar_is_canonical(const std::uint8_t* s) noexcept {
  for (int i = 31; i >= 0; --i) {
    if (s[i] != group_order_bytes[i]) return s[i] < group_order_bytes[i];
  }
  return false;  // S == L
}

// r -= m * L over nine 32-bit words; returns true if the result went negative.
inline bool scalar_sub_multiple_of_order(std::uint32_t (&r)[9], std::uint32_t m) noexcept {
  std::uint64_t product_carry = 0, borrow = 0;
  for (int i = 0; i < 9; ++i) {
    const std::uint64_t product = std::uint64_t{m} * (i < 8 ? group_order_words[i] : 0) + product_carry;
    product_carry = product >> 32;
    const std::uint64_t diff = std::uint64_t{r[i]} - (product & 0xffffffff) - borrow;
    r[i] = static_cast<std::uint32_t>(diff);
    borrow = diff >> 63;
  }
  return borrow != 0;
}

// A 512-bit little-endian integer (a SHA-512 digest) modulo L, by Horner's
// rule on 16-bit digits from the top: r = r * 2^16 + digit stays below
// 2^269; with q = floor(r / 2^252), r - (q - 1) L lies in [0, 2L) because
// q * (L - 2^252) < 2^142 is far below L; one trial subtraction finishes.
inline std::array<std::uint8_t, 32> scalar_reduce(const std::array<std::uint8_t, 64>& wide) noexcept {
  std::uint32_t r[9] = {};
  for (std::size_t i = 64; i >= 2; i -= 2) {
    std::uint32_t carry = static_cast<std::uint32_t>(wide[i - 2] | (wide[i - 1] << 8));
    for (auto& word : r) {
      const std::uint64_t shifted = (std::uint64_t{word} << 16) | carry;
      word = static_cast<std::uint32_t>(shifted);
      carry = static_cast<std::uint32_t>(shifted >> 32);
    }
    const std::uint32_t q = (r[7] >> 28) | (r[8] << 4);
    if (q > 1) scalar_sub_multiple_of_order(r, q - 1);
    std::uint32_t trial[9] = {};
    for (int j = 0; j < 9; ++j) trial[j] = r[j];
    if (!scalar_sub_multiple_of_order(trial, 1)) {
      for (int j = 0; j < 9; ++j) r[j] = trial[j];
    }
  }
  std::array<std::uint8_t, 32> out{};
  for (std::size_t i = 0; i < 32; ++i) out[i] = static_cast<std::uint8_t>(r[i / 4] >> (8 * (i % 4)));
  return out;
}

// Width-w non-adjacent form: s = sum digits[i] 2^i, every non-zero digit odd
// with |digit| < 2^(w-1), and at least w - 1 zeros after each one. The
// last carry lands at most two bits above the top bit of s, so s < 2^254
// keeps every digit inside the array (scalars here are below L < 2^253).
inline void scalar_to_naf(const std::uint8_t* s, int width, std::int8_t (&digits)[256]) noexcept {
  for (auto& d : digits) d = 0;
  auto bit = [s](int i) { return i < 256 ? (s[i / 8] >> (i % 8)) & 1 : 0; };
  const int window = 1 << width;
  int carry = 0;
  for (int pos = 0; pos < 256;) {
    if (bit(pos) == carry) {  // this position is 0 (carry absorbed or none)
      ++pos;
      continue;
    }
    int value = carry;
    for (int j = 0; j < width; ++j) value += bit(pos + j) << j;
    carry = value >= window / 2 ? 1 : 0;
    digits[pos] = static_cast<std::int8_t>(value - carry * window);
    pos += width;
  }
}

}  // namespace airlock::ed25519::detail

#endif  // AIRLOCK_DETAIL_ED25519_SCALAR_HPP
