// SPDX-License-Identifier: MIT
// GF(2^255 - 19) operations shared by both limb representations (field51, field25).
#ifndef AIRLOCK_DETAIL_FIELD_HPP
#define AIRLOCK_DETAIL_FIELD_HPP

#include <array>
#include <cstddef>
#include <cstdint>

#include "airlock/crypto/detail/field25.hpp"
#include "airlock/crypto/detail/field51.hpp"

namespace airlock::detail {

template <class Fe>
constexpr std::uint64_t fe_limb_mask(std::size_t i) noexcept {
  return (std::uint64_t{1} << Fe::limb_bits(i)) - 1;
}

// Little-endian 255-bit integer; bit 255 (the sign bit of a point) is ignored.
// Values p..2^255-1 are accepted here: canonicity is checked on the bytes.
template <class Fe>
constexpr Fe fe_from_bytes(const std::uint8_t* s) noexcept {
  Fe r{};
  std::uint64_t acc = 0;
  int acc_bits = 0;
  std::size_t next = 0;
  for (std::size_t i = 0; i < Fe::limb_count; ++i) {
    while (acc_bits < Fe::limb_bits(i)) {
      acc |= std::uint64_t{s[next++]} << acc_bits;
      acc_bits += 8;
    }
    r.v[i] = static_cast<typename Fe::limb>(acc & fe_limb_mask<Fe>(i));
    acc >>= Fe::limb_bits(i);
    acc_bits -= Fe::limb_bits(i);
  }
  return r;
}

// The unique representative in [0, p): two carry passes bring every limb
// under its width and the value under 2^255; then p is subtracted once if
// the value is at least p, detected by whether value + 19 reaches 2^255.
template <class Fe>
constexpr Fe fe_canonical(const Fe& a) noexcept {
  constexpr std::size_t n = Fe::limb_count;
  std::uint64_t h[n] = {};
  for (std::size_t i = 0; i < n; ++i) h[i] = a.v[i];
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t carry = h[i] >> Fe::limb_bits(i);
      h[i] &= fe_limb_mask<Fe>(i);
      h[(i + 1) % n] += i + 1 < n ? carry : 19 * carry;  // 2^255 = 19 (mod p)
    }
  }
  std::uint64_t at_least_p = 19;
  for (std::size_t i = 0; i < n; ++i) at_least_p = (h[i] + at_least_p) >> Fe::limb_bits(i);
  h[0] += 19 * at_least_p;  // with the 2^255 dropped below, this subtracts p
  Fe r{};
  for (std::size_t i = 0; i < n; ++i) {
    if (i + 1 < n) h[i + 1] += h[i] >> Fe::limb_bits(i);
    r.v[i] = static_cast<typename Fe::limb>(h[i] & fe_limb_mask<Fe>(i));
  }
  return r;
}

template <class Fe>
constexpr std::array<std::uint8_t, 32> fe_to_bytes(const Fe& a) noexcept {
  const Fe c = fe_canonical(a);
  std::array<std::uint8_t, 32> out{};
  std::uint64_t acc = 0;
  int acc_bits = 0;
  std::size_t next = 0;
  for (std::size_t i = 0; i < Fe::limb_count; ++i) {
    acc |= std::uint64_t{c.v[i]} << acc_bits;
    for (acc_bits += Fe::limb_bits(i); acc_bits >= 8; acc_bits -= 8, acc >>= 8) {
      out[next++] = static_cast<std::uint8_t>(acc & 0xff);
    }
  }
  out[31] = static_cast<std::uint8_t>(acc);
  return out;
}

// True iff s (bit 255 ignored) encodes an integer y >= p = 2^255 - 19.
constexpr bool fe_bytes_exceed_p(const std::uint8_t* s) noexcept {
  if ((s[31] & 0x7f) != 0x7f || s[0] < 0xed) return false;
  for (int i = 1; i < 31; ++i) {
    if (s[i] != 0xff) return false;
  }
  return true;
}

template <class Fe>
constexpr Fe fe_one() noexcept {
  Fe r{};
  r.v[0] = 1;
  return r;
}

template <class Fe>
constexpr Fe fe_neg(const Fe& a) noexcept {
  return fe_sub(Fe{}, a);
}

template <class Fe>
constexpr bool fe_is_zero(const Fe& a) noexcept {
  const auto bytes = fe_to_bytes(a);
  std::uint8_t any = 0;
  for (auto b : bytes) any |= b;
  return any == 0;
}

template <class Fe>
constexpr bool fe_equal(const Fe& a, const Fe& b) noexcept {
  return fe_to_bytes(a) == fe_to_bytes(b);
}

// "Negative" in RFC 8032 section 5.1.2: the canonical value is odd.
template <class Fe>
constexpr bool fe_is_odd(const Fe& a) noexcept {
  return (fe_to_bytes(a)[0] & 1) != 0;
}

template <class Fe>
constexpr Fe fe_sq_times(Fe a, int times) noexcept {
  for (int i = 0; i < times; ++i) a = fe_sq(a);
  return a;
}

// z^(2^250 - 1), and z^11 on the side: the common prefix of the addition
// chains for z^(p - 2) and z^((p - 5) / 8). Exponents in the comments.
template <class Fe>
constexpr Fe fe_pow_2_250_minus_1(const Fe& z, Fe& z11) noexcept {
  const Fe z2 = fe_sq(z);
  const Fe z9 = fe_mul(fe_sq_times(z2, 2), z);
  z11 = fe_mul(z9, z2);
  // z^(2^k - 1) squared m times, times z^(2^m - 1), is z^(2^(k+m) - 1).
  // One loop over the runs keeps one inlined copy of the squaring loop
  // instead of seven.
  constexpr int runs[7] = {5, 10, 20, 10, 50, 100, 50};  // k: 5, 10, 20, 40, 50, 100, 200 -> 250
  Fe e = fe_mul(fe_sq(z11), z9);                         // 2^5 - 1
  Fe e10{}, e50{};
  for (int i = 0; i < 7; ++i) {
    const Fe factor = i == 3 ? e10 : i == 6 ? e50 : e;
    e = fe_mul(fe_sq_times(e, runs[i]), factor);
    if (i == 0) e10 = e;
    if (i == 3) e50 = e;
  }
  return e;  // 2^250 - 1
}

// z^(p - 2) = z^(2^255 - 21) = 1 / z for z != 0 (Fermat).
template <class Fe>
constexpr Fe fe_invert(const Fe& z) noexcept {
  Fe z11{};
  const Fe e250 = fe_pow_2_250_minus_1(z, z11);
  return fe_mul(fe_sq_times(e250, 5), z11);
}

// z^((p - 5) / 8) = z^(2^252 - 3), the exponent of RFC 8032 section 5.1.3 step 2.
template <class Fe>
constexpr Fe fe_pow_p58(const Fe& z) noexcept {
  Fe z11{};
  const Fe e250 = fe_pow_2_250_minus_1(z, z11);
  return fe_mul(fe_sq_times(e250, 2), z);
}

}  // namespace airlock::detail

#endif  // AIRLOCK_DETAIL_FIELD_HPP
