// SPDX-License-Identifier: MIT
// GF(2^255 - 19) in radix 2^25.5 (ten 32-bit limbs, 64-bit products): the portable path.
#ifndef AIRLOCK_DETAIL_FIELD25_HPP
#define AIRLOCK_DETAIL_FIELD25_HPP

#include <cstdint>

namespace airlock::detail {

// An element is sum v[i] 2^ceil(25.5 i): even limbs hold 26 bits, odd limbs 25.
// Every operation ends with a carry pass, so limbs stay below 2^26 + 2^18
// and no bound has to be tracked across operations. Unsigned throughout.
struct fe25 {
  using limb = std::uint32_t;
  static constexpr int limb_count = 10;
  static constexpr int limb_bits(int i) noexcept { return i % 2 == 0 ? 26 : 25; }
  limb v[10];
};

// Carries 64-bit column sums into 26/25-bit limbs; 2^255 = 19 folds the top carry.
constexpr fe25 fe25_carry(std::uint64_t (&t)[10]) noexcept {
  for (int i = 0; i < 9; ++i) {
    const int bits = fe25::limb_bits(i);
    t[i + 1] += t[i] >> bits;
    t[i] &= (std::uint64_t{1} << bits) - 1;
  }
  t[0] += (t[9] >> 25) * 19;
  t[9] &= (std::uint64_t{1} << 25) - 1;
  t[1] += t[0] >> 26;
  t[0] &= (std::uint64_t{1} << 26) - 1;
  fe25 r{};
  for (int i = 0; i < 10; ++i) r.v[i] = static_cast<std::uint32_t>(t[i]);
  return r;
}

constexpr fe25 fe_add(const fe25& a, const fe25& b) noexcept {
  std::uint64_t t[10] = {};
  for (int i = 0; i < 10; ++i) t[i] = std::uint64_t{a.v[i]} + b.v[i];
  return fe25_carry(t);
}

// a + 2p - b: each limb of 2p exceeds the largest carried limb, so no underflow.
constexpr fe25 fe_sub(const fe25& a, const fe25& b) noexcept {
  std::uint64_t t[10] = {};
  for (int i = 0; i < 10; ++i) {
    const std::uint64_t two_p = 2 * ((std::uint64_t{1} << fe25::limb_bits(i)) - (i == 0 ? 19 : 1));
    t[i] = std::uint64_t{a.v[i]} + two_p - b.v[i];
  }
  return fe25_carry(t);
}

// Schoolbook product. Limb positions round up, so a product of two odd limbs
// lands one bit above its column (factor 2); columns past 9 wrap with factor 19.
// Bound: 10 terms of at most 2^27 * 19 * 2^26.1 stay below 2^61.
constexpr fe25 fe_mul(const fe25& a, const fe25& b) noexcept {
  std::uint64_t t[10] = {};
  for (int i = 0; i < 10; ++i) {
    const std::uint64_t ai = a.v[i];
    const std::uint64_t ai2 = (i % 2 == 1) ? 2 * ai : ai;
    for (int j = 0; j < 10 - i; ++j) t[i + j] += ((i & j & 1) ? ai2 : ai) * b.v[j];
    for (int j = 10 - i; j < 10; ++j) t[i + j - 10] += ((i & j & 1) ? ai2 : ai) * (19 * std::uint64_t{b.v[j]});
  }
  return fe25_carry(t);
}

constexpr fe25 fe_sq(const fe25& a) noexcept { return fe_mul(a, a); }

}  // namespace airlock::detail

#endif  // AIRLOCK_DETAIL_FIELD25_HPP
