// SPDX-License-Identifier: MIT
// GF(2^255 - 19) in radix 2^25.5 (ten 32-bit limbs, 64-bit products): the portable path.
#ifndef AIRLOCK_DETAIL_FIELD25_HPP
#define AIRLOCK_DETAIL_FIELD25_HPP

#include <cstddef>
#include <cstdint>

namespace airlock::detail {

// An element is sum v[i] 2^ceil(25.5 i): even limbs hold 26 bits, odd limbs 25.
// Every operation ends with a carry pass, so limbs stay below 2^26 + 2^13
// and no bound has to be tracked across operations. Unsigned throughout.
struct fe25 {
  using limb = std::uint32_t;
  static constexpr std::size_t limb_count = 10;
  static constexpr int limb_bits(std::size_t i) noexcept { return i % 2 == 0 ? 26 : 25; }
  limb v[10];
};

// Carries 64-bit column sums into 26/25-bit limbs; 2^255 = 19 folds the top
// carry back into limb 0. Two interleaved chains (from limbs 0 and 4) keep
// the dependency chain short; afterwards limbs 1 and 5 may exceed their
// width by at most 2^13.
constexpr fe25 fe25_carry(std::uint64_t (&t)[10]) noexcept {
  auto carry = [&t](std::size_t from, std::size_t to, std::uint64_t factor) {
    const int bits = fe25::limb_bits(from);
    t[to] += factor * (t[from] >> bits);
    t[from] &= (std::uint64_t{1} << bits) - 1;
  };
  carry(0, 1, 1);
  carry(4, 5, 1);
  carry(1, 2, 1);
  carry(5, 6, 1);
  carry(2, 3, 1);
  carry(6, 7, 1);
  carry(3, 4, 1);
  carry(7, 8, 1);
  carry(4, 5, 1);
  carry(8, 9, 1);
  carry(9, 0, 19);
  carry(0, 1, 1);
  return {{static_cast<std::uint32_t>(t[0]), static_cast<std::uint32_t>(t[1]), static_cast<std::uint32_t>(t[2]),
           static_cast<std::uint32_t>(t[3]), static_cast<std::uint32_t>(t[4]), static_cast<std::uint32_t>(t[5]),
           static_cast<std::uint32_t>(t[6]), static_cast<std::uint32_t>(t[7]), static_cast<std::uint32_t>(t[8]),
           static_cast<std::uint32_t>(t[9])}};
}

constexpr fe25 fe_add(const fe25& a, const fe25& b) noexcept {
  auto s = [&a, &b](std::size_t i) { return std::uint64_t{a.v[i]} + b.v[i]; };
  std::uint64_t t[10] = {s(0), s(1), s(2), s(3), s(4), s(5), s(6), s(7), s(8), s(9)};
  return fe25_carry(t);
}

// a + 2p - b: each limb of 2p exceeds the largest carried limb, so no underflow.
constexpr fe25 fe_sub(const fe25& a, const fe25& b) noexcept {
  constexpr std::uint64_t two_p_even = 2 * ((std::uint64_t{1} << 26) - 1),
                          two_p_odd = 2 * ((std::uint64_t{1} << 25) - 1);
  auto d = [&a, &b](std::size_t i, std::uint64_t two_p) { return std::uint64_t{a.v[i]} + two_p - b.v[i]; };
  // limb 0 of 2p is 2 (2^26 - 19)
  std::uint64_t t[10] = {d(0, two_p_even - 36), d(1, two_p_odd),  d(2, two_p_even), d(3, two_p_odd),  d(4, two_p_even),
                         d(5, two_p_odd),       d(6, two_p_even), d(7, two_p_odd),  d(8, two_p_even), d(9, two_p_odd)};
  return fe25_carry(t);
}

// Schoolbook product, written out. Limb positions round up, so a product
// of two odd limbs lands one bit above its column (factor 2: x2), and
// columns past 9 wrap with 2^255 = 19 (y19, x19). Each column is at
// most 10 terms below 2^27 * 2^30.3, so the sums stay below 2^61.
constexpr fe25 fe_mul(const fe25& a, const fe25& b) noexcept {
  auto x = [&a](std::size_t i) { return std::uint64_t{a.v[i]}; };
  auto x2 = [&a](std::size_t i) { return 2 * std::uint64_t{a.v[i]}; };
  auto y = [&b](std::size_t i) { return std::uint64_t{b.v[i]}; };
  auto y19 = [&b](std::size_t i) { return 19 * std::uint64_t{b.v[i]}; };
  auto m = [](std::uint64_t p, std::uint64_t q) { return p * q; };
  std::uint64_t t[10] = {
      m(x(0), y(0)) + m(x2(1), y19(9)) + m(x(2), y19(8)) + m(x2(3), y19(7)) + m(x(4), y19(6)) + m(x2(5), y19(5)) +
          m(x(6), y19(4)) + m(x2(7), y19(3)) + m(x(8), y19(2)) + m(x2(9), y19(1)),
      m(x(0), y(1)) + m(x(1), y(0)) + m(x(2), y19(9)) + m(x(3), y19(8)) + m(x(4), y19(7)) + m(x(5), y19(6)) +
          m(x(6), y19(5)) + m(x(7), y19(4)) + m(x(8), y19(3)) + m(x(9), y19(2)),
      m(x(0), y(2)) + m(x2(1), y(1)) + m(x(2), y(0)) + m(x2(3), y19(9)) + m(x(4), y19(8)) + m(x2(5), y19(7)) +
          m(x(6), y19(6)) + m(x2(7), y19(5)) + m(x(8), y19(4)) + m(x2(9), y19(3)),
      m(x(0), y(3)) + m(x(1), y(2)) + m(x(2), y(1)) + m(x(3), y(0)) + m(x(4), y19(9)) + m(x(5), y19(8)) +
          m(x(6), y19(7)) + m(x(7), y19(6)) + m(x(8), y19(5)) + m(x(9), y19(4)),
      m(x(0), y(4)) + m(x2(1), y(3)) + m(x(2), y(2)) + m(x2(3), y(1)) + m(x(4), y(0)) + m(x2(5), y19(9)) +
          m(x(6), y19(8)) + m(x2(7), y19(7)) + m(x(8), y19(6)) + m(x2(9), y19(5)),
      m(x(0), y(5)) + m(x(1), y(4)) + m(x(2), y(3)) + m(x(3), y(2)) + m(x(4), y(1)) + m(x(5), y(0)) + m(x(6), y19(9)) +
          m(x(7), y19(8)) + m(x(8), y19(7)) + m(x(9), y19(6)),
      m(x(0), y(6)) + m(x2(1), y(5)) + m(x(2), y(4)) + m(x2(3), y(3)) + m(x(4), y(2)) + m(x2(5), y(1)) + m(x(6), y(0)) +
          m(x2(7), y19(9)) + m(x(8), y19(8)) + m(x2(9), y19(7)),
      m(x(0), y(7)) + m(x(1), y(6)) + m(x(2), y(5)) + m(x(3), y(4)) + m(x(4), y(3)) + m(x(5), y(2)) + m(x(6), y(1)) +
          m(x(7), y(0)) + m(x(8), y19(9)) + m(x(9), y19(8)),
      m(x(0), y(8)) + m(x2(1), y(7)) + m(x(2), y(6)) + m(x2(3), y(5)) + m(x(4), y(4)) + m(x2(5), y(3)) + m(x(6), y(2)) +
          m(x2(7), y(1)) + m(x(8), y(0)) + m(x2(9), y19(9)),
      m(x(0), y(9)) + m(x(1), y(8)) + m(x(2), y(7)) + m(x(3), y(6)) + m(x(4), y(5)) + m(x(5), y(4)) + m(x(6), y(3)) +
          m(x(7), y(2)) + m(x(8), y(1)) + m(x(9), y(0)),
  };
  return fe25_carry(t);
}

// Squaring: each cross product a_i a_j (i < j) appears twice, hence x2 and x4.
constexpr fe25 fe_sq(const fe25& a) noexcept {
  auto x = [&a](std::size_t i) { return std::uint64_t{a.v[i]}; };
  auto x2 = [&a](std::size_t i) { return 2 * std::uint64_t{a.v[i]}; };
  auto x4 = [&a](std::size_t i) { return 4 * std::uint64_t{a.v[i]}; };
  auto x19 = [&a](std::size_t i) { return 19 * std::uint64_t{a.v[i]}; };
  auto m = [](std::uint64_t p, std::uint64_t q) { return p * q; };
  std::uint64_t t[10] = {
      m(x(0), x(0)) + m(x4(1), x19(9)) + m(x2(2), x19(8)) + m(x4(3), x19(7)) + m(x2(4), x19(6)) + m(x2(5), x19(5)),
      m(x2(0), x(1)) + m(x2(2), x19(9)) + m(x2(3), x19(8)) + m(x2(4), x19(7)) + m(x2(5), x19(6)),
      m(x2(0), x(2)) + m(x2(1), x(1)) + m(x4(3), x19(9)) + m(x2(4), x19(8)) + m(x4(5), x19(7)) + m(x(6), x19(6)),
      m(x2(0), x(3)) + m(x2(1), x(2)) + m(x2(4), x19(9)) + m(x2(5), x19(8)) + m(x2(6), x19(7)),
      m(x2(0), x(4)) + m(x4(1), x(3)) + m(x(2), x(2)) + m(x4(5), x19(9)) + m(x2(6), x19(8)) + m(x2(7), x19(7)),
      m(x2(0), x(5)) + m(x2(1), x(4)) + m(x2(2), x(3)) + m(x2(6), x19(9)) + m(x2(7), x19(8)),
      m(x2(0), x(6)) + m(x4(1), x(5)) + m(x2(2), x(4)) + m(x2(3), x(3)) + m(x4(7), x19(9)) + m(x(8), x19(8)),
      m(x2(0), x(7)) + m(x2(1), x(6)) + m(x2(2), x(5)) + m(x2(3), x(4)) + m(x2(8), x19(9)),
      m(x2(0), x(8)) + m(x4(1), x(7)) + m(x2(2), x(6)) + m(x4(3), x(5)) + m(x(4), x(4)) + m(x2(9), x19(9)),
      m(x2(0), x(9)) + m(x2(1), x(8)) + m(x2(2), x(7)) + m(x2(3), x(6)) + m(x2(4), x(5)),
  };
  return fe25_carry(t);
}

}  // namespace airlock::detail

#endif  // AIRLOCK_DETAIL_FIELD25_HPP
