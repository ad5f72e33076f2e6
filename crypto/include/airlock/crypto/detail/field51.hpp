// SPDX-License-Identifier: MIT
// GF(2^255 - 19) in radix 2^51 (five 64-bit limbs, 128-bit products): the fast path.
#ifndef AIRLOCK_DETAIL_FIELD51_HPP
#define AIRLOCK_DETAIL_FIELD51_HPP

#include <cstddef>
#include <cstdint>

#if defined(__SIZEOF_INT128__)

namespace airlock::detail {

// unsigned __int128 is a GCC/Clang extension; __extension__ keeps -pedantic quiet.
__extension__ typedef unsigned __int128 fe51_wide;

// An element is v[0] + v[1] 2^51 + ... + v[4] 2^204. Limbs may exceed 51 bits:
// mul/sq leave them below 2^52, add and sub below 2^54, and mul/sq accept
// inputs up to 2^58 (19 * 2^58 still fits 64 bits; five products fit 128).
struct fe51 {
  using limb = std::uint64_t;
  static constexpr std::size_t limb_count = 5;
  static constexpr int limb_bits(std::size_t) noexcept { return 51; }
  limb v[5];
};

inline constexpr std::uint64_t fe51_mask = (std::uint64_t{1} << 51) - 1;

constexpr fe51 fe_add(const fe51& a, const fe51& b) noexcept {
  return {{a.v[0] + b.v[0], a.v[1] + b.v[1], a.v[2] + b.v[2], a.v[3] + b.v[3], a.v[4] + b.v[4]}};
}

// a + 4p - b: no underflow while b's limbs are at most 4 (2^51 - 19), which
// holds for mul/sq results, sums of two of them and fe_sub(0, x) of those;
// never pass a difference as b.
constexpr fe51 fe_sub(const fe51& a, const fe51& b) noexcept {
  constexpr std::uint64_t four_p0 = 4 * ((std::uint64_t{1} << 51) - 19);
  constexpr std::uint64_t four_pi = 4 * ((std::uint64_t{1} << 51) - 1);
  return {{a.v[0] + four_p0 - b.v[0], a.v[1] + four_pi - b.v[1], a.v[2] + four_pi - b.v[2], a.v[3] + four_pi - b.v[3],
           a.v[4] + four_pi - b.v[4]}};
}

// Carries 128-bit column sums into 51-bit limbs; 2^255 = 19 folds the top carry.
constexpr fe51 fe51_carry(fe51_wide (&t)[5]) noexcept {
  for (int i = 0; i < 4; ++i) {
    t[i + 1] += t[i] >> 51;
    t[i] &= fe51_mask;
  }
  const fe51_wide low = (t[4] >> 51) * 19 + t[0];
  t[4] &= fe51_mask;
  const auto r0 = static_cast<std::uint64_t>(low) & fe51_mask;
  const auto r1 = static_cast<std::uint64_t>(t[1] + (low >> 51));
  return {
      {r0, r1, static_cast<std::uint64_t>(t[2]), static_cast<std::uint64_t>(t[3]), static_cast<std::uint64_t>(t[4])}};
}

// Schoolbook product; column k gathers a_i b_j with i + j = k or k + 5 (times 19).
constexpr fe51 fe_mul(const fe51& a, const fe51& b) noexcept {
  const std::uint64_t* x = a.v;
  const std::uint64_t* y = b.v;
  const std::uint64_t y1 = 19 * y[1], y2 = 19 * y[2], y3 = 19 * y[3], y4 = 19 * y[4];
  auto m = [](std::uint64_t p, std::uint64_t q) { return static_cast<fe51_wide>(p) * q; };
  fe51_wide t[5] = {m(x[0], y[0]) + m(x[1], y4) + m(x[2], y3) + m(x[3], y2) + m(x[4], y1),
                    m(x[0], y[1]) + m(x[1], y[0]) + m(x[2], y4) + m(x[3], y3) + m(x[4], y2),
                    m(x[0], y[2]) + m(x[1], y[1]) + m(x[2], y[0]) + m(x[3], y4) + m(x[4], y3),
                    m(x[0], y[3]) + m(x[1], y[2]) + m(x[2], y[1]) + m(x[3], y[0]) + m(x[4], y4),
                    m(x[0], y[4]) + m(x[1], y[3]) + m(x[2], y[2]) + m(x[3], y[1]) + m(x[4], y[0])};
  return fe51_carry(t);
}

// Squaring: the cross products appear twice, so 15 multiplications instead of 25.
constexpr fe51 fe_sq(const fe51& a) noexcept {
  const std::uint64_t* x = a.v;
  const std::uint64_t d0 = 2 * x[0], d1 = 2 * x[1], d2 = 2 * x[2], d3 = 2 * x[3];
  const std::uint64_t n3 = 19 * x[3], n4 = 19 * x[4];
  auto m = [](std::uint64_t p, std::uint64_t q) { return static_cast<fe51_wide>(p) * q; };
  fe51_wide t[5] = {m(x[0], x[0]) + m(d1, n4) + m(d2, n3), m(d0, x[1]) + m(d2, n4) + m(x[3], n3),
                    m(d0, x[2]) + m(x[1], x[1]) + m(d3, n4), m(d0, x[3]) + m(d1, x[2]) + m(x[4], n4),
                    m(d0, x[4]) + m(d1, x[3]) + m(x[2], x[2])};
  return fe51_carry(t);
}

}  // namespace airlock::detail

#endif  // __SIZEOF_INT128__
#endif  // AIRLOCK_DETAIL_FIELD51_HPP
