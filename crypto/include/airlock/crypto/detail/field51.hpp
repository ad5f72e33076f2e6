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

// Carries 128-bit column sums into 51-bit limbs; 2^255 = 19 folds the top
// carry. Straight-line on scalars, not a loop over an array: -O2 does not
// unroll such a loop and would keep the columns in memory.
constexpr fe51 fe51_carry(fe51_wide t0, fe51_wide t1, fe51_wide t2, fe51_wide t3, fe51_wide t4) noexcept {
  t1 += t0 >> 51;
  t2 += t1 >> 51;
  t3 += t2 >> 51;
  t4 += t3 >> 51;
  const fe51_wide low = (t4 >> 51) * 19 + (static_cast<std::uint64_t>(t0) & fe51_mask);
  return {{static_cast<std::uint64_t>(low) & fe51_mask,
           (static_cast<std::uint64_t>(t1) & fe51_mask) + static_cast<std::uint64_t>(low >> 51),
           static_cast<std::uint64_t>(t2) & fe51_mask, static_cast<std::uint64_t>(t3) & fe51_mask,
           static_cast<std::uint64_t>(t4) & fe51_mask}};
}

inline constexpr fe51_wide fe51_product(std::uint64_t p, std::uint64_t q) noexcept {
  return static_cast<fe51_wide>(p) * q;
}

// Schoolbook product; column k gathers a_i b_j with i + j = k or k + 5 (times 19).
constexpr fe51 fe_mul(const fe51& a, const fe51& b) noexcept {
  const std::uint64_t x0 = a.v[0], x1 = a.v[1], x2 = a.v[2], x3 = a.v[3], x4 = a.v[4];
  const std::uint64_t y0 = b.v[0], y1 = b.v[1], y2 = b.v[2], y3 = b.v[3], y4 = b.v[4];
  const std::uint64_t n1 = 19 * y1, n2 = 19 * y2, n3 = 19 * y3, n4 = 19 * y4;
  return fe51_carry(
      fe51_product(x0, y0) + fe51_product(x1, n4) + fe51_product(x2, n3) + fe51_product(x3, n2) + fe51_product(x4, n1),
      fe51_product(x0, y1) + fe51_product(x1, y0) + fe51_product(x2, n4) + fe51_product(x3, n3) + fe51_product(x4, n2),
      fe51_product(x0, y2) + fe51_product(x1, y1) + fe51_product(x2, y0) + fe51_product(x3, n4) + fe51_product(x4, n3),
      fe51_product(x0, y3) + fe51_product(x1, y2) + fe51_product(x2, y1) + fe51_product(x3, y0) + fe51_product(x4, n4),
      fe51_product(x0, y4) + fe51_product(x1, y3) + fe51_product(x2, y2) + fe51_product(x3, y1) + fe51_product(x4, y0));
}

// Squaring: the cross products appear twice, so 15 multiplications instead of 25.
constexpr fe51 fe_sq(const fe51& a) noexcept {
  const std::uint64_t x0 = a.v[0], x1 = a.v[1], x2 = a.v[2], x3 = a.v[3], x4 = a.v[4];
  const std::uint64_t d0 = 2 * x0, d1 = 2 * x1, d2 = 2 * x2, d3 = 2 * x3;
  const std::uint64_t n3 = 19 * x3, n4 = 19 * x4;
  return fe51_carry(fe51_product(x0, x0) + fe51_product(d1, n4) + fe51_product(d2, n3),
                    fe51_product(d0, x1) + fe51_product(d2, n4) + fe51_product(x3, n3),
                    fe51_product(d0, x2) + fe51_product(x1, x1) + fe51_product(d3, n4),
                    fe51_product(d0, x3) + fe51_product(d1, x2) + fe51_product(x4, n4),
                    fe51_product(d0, x4) + fe51_product(d1, x3) + fe51_product(x2, x2));
}

}  // namespace airlock::detail

#endif  // __SIZEOF_INT128__
#endif  // AIRLOCK_DETAIL_FIELD51_HPP
