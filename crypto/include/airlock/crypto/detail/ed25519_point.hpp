// SPDX-License-Identifier: MIT
// The edwards25519 group -x^2 + y^2 = 1 + d x^2 y^2: decoding, encoding, addition, [s]B + [k]P.
#ifndef AIRLOCK_DETAIL_ED25519_POINT_HPP
#define AIRLOCK_DETAIL_ED25519_POINT_HPP

#include <array>
#include <cstddef>
#include <cstdint>

#include "airlock/crypto/detail/ed25519_scalar.hpp"
#include "airlock/crypto/detail/field.hpp"

namespace airlock::ed25519::detail {

using airlock::detail::fe_add;
using airlock::detail::fe_bytes_exceed_p;
using airlock::detail::fe_equal;
using airlock::detail::fe_from_bytes;
using airlock::detail::fe_invert;
using airlock::detail::fe_is_odd;
using airlock::detail::fe_is_zero;
using airlock::detail::fe_mul;
using airlock::detail::fe_neg;
using airlock::detail::fe_one;
using airlock::detail::fe_pow_p58;
using airlock::detail::fe_sq;
using airlock::detail::fe_sub;
using airlock::detail::fe_to_bytes;

// Constants of RFC 8032 section 5.1, little-endian: d = -121665/121666,
// sqrt(-1) = 2^((p-1)/4), and the base point B = (x, 4/5) with x even.
inline constexpr std::uint8_t curve_d_bytes[32] = {0xa3, 0x78, 0x59, 0x13, 0xca, 0x4d, 0xeb, 0x75, 0xab, 0xd8, 0x41,
                                                   0x41, 0x4d, 0x0a, 0x70, 0x00, 0x98, 0xe8, 0x79, 0x77, 0x79, 0x40,
                                                   0xc7, 0x8c, 0x73, 0xfe, 0x6f, 0x2b, 0xee, 0x6c, 0x03, 0x52};
inline constexpr std::uint8_t sqrt_minus_one_bytes[32] = {
    0xb0, 0xa0, 0x0e, 0x4a, 0x27, 0x1b, 0xee, 0xc4, 0x78, 0xe4, 0x2f, 0xad, 0x06, 0x18, 0x43, 0x2f,
    0xa7, 0xd7, 0xfb, 0x3d, 0x99, 0x00, 0x4d, 0x2b, 0x0b, 0xdf, 0xc1, 0x4f, 0x80, 0x24, 0x83, 0x2b};
inline constexpr std::uint8_t base_x_bytes[32] = {0x1a, 0xd5, 0x25, 0x8f, 0x60, 0x2d, 0x56, 0xc9, 0xb2, 0xa7, 0x25,
                                                  0x95, 0x60, 0xc7, 0x2c, 0x69, 0x5c, 0xdc, 0xd6, 0xfd, 0x31, 0xe2,
                                                  0xa4, 0xc0, 0xfe, 0x53, 0x6e, 0xcd, 0xd3, 0x36, 0x69, 0x21};
inline constexpr std::uint8_t base_y_bytes[32] = {0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                                                  0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                                                  0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66};

template <class Fe>
inline constexpr Fe curve_d = fe_from_bytes<Fe>(curve_d_bytes);
template <class Fe>
inline constexpr Fe curve_2d = fe_add(curve_d<Fe>, curve_d<Fe>);
template <class Fe>
inline constexpr Fe sqrt_minus_one = fe_from_bytes<Fe>(sqrt_minus_one_bytes);

// Extended coordinates (Hisil, Wong, Carter, Dawson, "Twisted Edwards Curves
// Revisited", 2008, section 3): x = X/Z, y = Y/Z, x y = T/Z.
template <class Fe>
struct ge_point {
  Fe x, y, z, t;
};
// The point (E F : G H : F G : E H), the shared tail of addition and doubling.
template <class Fe>
struct ge_completed {
  Fe e, f, g, h;
};
// An addend prepared once for many additions: (Y - X, Y + X, 2 Z, 2 d T).
template <class Fe>
struct ge_cached {
  Fe y_minus_x, y_plus_x, z2, t2d;
};
// The same with Z = 1, (y - x, y + x, 2 d x y): the base point's table,
// normalised at compile time, so that each addition saves a multiplication.
template <class Fe>
struct ge_affine_cached {
  Fe y_minus_x, y_plus_x, t2d;
};

template <class Fe>
constexpr ge_point<Fe> ge_identity() noexcept {
  return {Fe{}, fe_one<Fe>(), fe_one<Fe>(), Fe{}};
}

// T costs a multiplication and only additions read it, so callers whose
// next step is a doubling skip it (with_t = false leaves T zero, unused).
template <class Fe>
constexpr ge_point<Fe> ge_from_completed(const ge_completed<Fe>& c, bool with_t) noexcept {
  return {fe_mul(c.e, c.f), fe_mul(c.g, c.h), fe_mul(c.f, c.g), with_t ? fe_mul(c.e, c.h) : Fe{}};
}

template <class Fe>
constexpr ge_cached<Fe> ge_to_cached(const ge_point<Fe>& p) noexcept {
  return {fe_sub(p.y, p.x), fe_add(p.y, p.x), fe_add(p.z, p.z), fe_mul(p.t, curve_2d<Fe>)};
}

// The term 2 Z1 Z2 of the addition below.
template <class Fe>
constexpr Fe ge_z_product(const ge_point<Fe>& p, const ge_cached<Fe>& q) noexcept {
  return fe_mul(p.z, q.z2);
}
template <class Fe>
constexpr Fe ge_z_product(const ge_point<Fe>& p, const ge_affine_cached<Fe>&) noexcept {
  return fe_add(p.z, p.z);
}

// P + Q or P - Q: "add-2008-hwcd-3" of the paper above with a = -1, k = 2d.
// Negating Q swaps Y - X with Y + X and negates 2dT, which swaps F and G.
template <class Fe, class Addend>
constexpr ge_completed<Fe> ge_add(const ge_point<Fe>& p, const Addend& q, bool subtract) noexcept {
  const Fe a = fe_mul(fe_sub(p.y, p.x), subtract ? q.y_plus_x : q.y_minus_x);
  const Fe b = fe_mul(fe_add(p.y, p.x), subtract ? q.y_minus_x : q.y_plus_x);
  const Fe c = fe_mul(p.t, q.t2d);
  const Fe d = ge_z_product(p, q);
  const Fe d_minus_c = fe_sub(d, c), d_plus_c = fe_add(d, c);
  return {fe_sub(b, a), subtract ? d_plus_c : d_minus_c, subtract ? d_minus_c : d_plus_c, fe_add(b, a)};
}

// 2P: "dbl-2008-hwcd" with a = -1; E, F, G, H are all negated, which the
// products E F, G H, F G, E H do not see. Reads X, Y, Z only.
template <class Fe>
constexpr ge_completed<Fe> ge_double(const ge_point<Fe>& p) noexcept {
  const Fe xx = fe_sq(p.x), yy = fe_sq(p.y), zz = fe_sq(p.z);
  const Fe h = fe_add(xx, yy), g = fe_sub(xx, yy);
  return {fe_sub(h, fe_sq(fe_add(p.x, p.y))), fe_add(fe_add(zz, zz), g), g, h};
}

template <class Fe>
constexpr ge_point<Fe> ge_negate(const ge_point<Fe>& p) noexcept {
  return {fe_neg(p.x), p.y, p.z, fe_neg(p.t)};
}

// RFC 8032 section 5.1.3. Rejects y >= p, x = 0 with the sign bit set, and
// every y for which no x exists (the point is not on the curve).
template <class Fe>
constexpr bool ge_decode(const std::uint8_t* s, ge_point<Fe>& out) noexcept {
  if (fe_bytes_exceed_p(s)) return false;
  const Fe one = fe_one<Fe>();
  const Fe y = fe_from_bytes<Fe>(s);
  const Fe yy = fe_sq(y);
  const Fe u = fe_sub(yy, one);  // x^2 = u / v
  const Fe v = fe_add(fe_mul(yy, curve_d<Fe>), one);
  const Fe v3 = fe_mul(fe_sq(v), v);
  const Fe uv7 = fe_mul(u, fe_mul(fe_sq(v3), v));
  Fe x = fe_mul(fe_mul(u, v3), fe_pow_p58(uv7));  // x = u v^3 (u v^7)^((p-5)/8)
  const Fe vxx = fe_mul(v, fe_sq(x));
  if (!fe_equal(vxx, u)) {
    if (!fe_is_zero(fe_add(vxx, u))) return false;  // v x^2 = -u: x needs a factor sqrt(-1)
    x = fe_mul(x, sqrt_minus_one<Fe>);
  }
  const bool x_odd = (s[31] & 0x80) != 0;
  if (x_odd && fe_is_zero(x)) return false;
  if (fe_is_odd(x) != x_odd) x = fe_neg(x);
  out = {x, y, one, fe_mul(x, y)};
  return true;
}

// RFC 8032 section 5.1.2: y with the parity of x in bit 255.
template <class Fe>
constexpr std::array<std::uint8_t, 32> ge_encode(const ge_point<Fe>& p) noexcept {
  const Fe z_inverse = fe_invert(p.z);
  auto out = fe_to_bytes(fe_mul(p.y, z_inverse));
  if (fe_is_odd(fe_mul(p.x, z_inverse))) out[31] |= 0x80;
  return out;
}

// [8]P is the identity iff P lies in the torsion subgroup (order 1, 2, 4 or
// 8). The group has no element of order 16, so [8]P = (0, -1) cannot occur
// and X = 0 identifies the identity.
template <class Fe>
constexpr bool ge_has_small_order(const ge_point<Fe>& p) noexcept {
  ge_point<Fe> q = p;
  for (int i = 0; i < 3; ++i) q = ge_from_completed(ge_double(q), false);
  return fe_is_zero(q.x);
}

// P, 3P, 5P, ..., (2 Count - 1) P: the addends of a signed-window chain.
template <class Fe, std::size_t Count>
constexpr std::array<ge_point<Fe>, Count> ge_odd_multiple_points(const ge_point<Fe>& p) noexcept {
  std::array<ge_point<Fe>, Count> points{};
  const ge_cached<Fe> twice = ge_to_cached(ge_from_completed(ge_double(p), true));
  points[0] = p;
  for (std::size_t i = 1; i < Count; ++i) points[i] = ge_from_completed(ge_add(points[i - 1], twice, false), true);
  return points;
}

template <class Fe, std::size_t Count>
constexpr std::array<ge_cached<Fe>, Count> ge_odd_multiples(const ge_point<Fe>& p) noexcept {
  const auto points = ge_odd_multiple_points<Fe, Count>(p);
  std::array<ge_cached<Fe>, Count> table{};
  for (std::size_t i = 0; i < Count; ++i) table[i] = ge_to_cached(points[i]);
  return table;
}

// The same multiples with Z = 1. All Z share one inversion (Montgomery's
// trick), which keeps the compile-time evaluation of the base table short.
template <class Fe, std::size_t Count>
constexpr std::array<ge_affine_cached<Fe>, Count> ge_odd_multiples_affine(const ge_point<Fe>& p) noexcept {
  const auto points = ge_odd_multiple_points<Fe, Count>(p);
  std::array<Fe, Count> prefix{};  // prefix[i] = z_0 z_1 ... z_i
  prefix[0] = points[0].z;
  for (std::size_t i = 1; i < Count; ++i) prefix[i] = fe_mul(prefix[i - 1], points[i].z);
  Fe inverse = fe_invert(prefix[Count - 1]);  // 1 / prefix[i] for the i of the loop below
  std::array<ge_affine_cached<Fe>, Count> table{};
  for (std::size_t i = Count; i-- > 0;) {
    const Fe z_inverse = i > 0 ? fe_mul(inverse, prefix[i - 1]) : inverse;
    inverse = fe_mul(inverse, points[i].z);
    const Fe x = fe_mul(points[i].x, z_inverse), y = fe_mul(points[i].y, z_inverse);
    table[i] = {fe_sub(y, x), fe_add(y, x), fe_mul(fe_mul(x, y), curve_2d<Fe>)};
  }
  return table;
}

template <class Fe>
constexpr ge_point<Fe> ge_base_point() noexcept {
  const Fe x = fe_from_bytes<Fe>(base_x_bytes), y = fe_from_bytes<Fe>(base_y_bytes);
  return {x, y, fe_one<Fe>(), fe_mul(x, y)};
}

// NAF widths: B's table is computed at compile time, so it can be larger.
inline constexpr int base_naf_width = 7;
inline constexpr int point_naf_width = 5;
template <class Fe>
inline constexpr auto base_odd_multiples = ge_odd_multiples_affine<Fe, 1 << (base_naf_width - 2)>(ge_base_point<Fe>());

// Odd digit +-(2 j + 1) selects entry j of a table of odd multiples.
constexpr std::size_t table_index(int digit) noexcept {
  return static_cast<std::size_t>(digit < 0 ? -digit : digit) / 2;
}

// [s]B + [k]P with one shared chain of doublings over both NAFs (Straus).
template <class Fe>
inline ge_point<Fe> ge_double_scalar_mul(const std::uint8_t* s, const std::uint8_t* k, const ge_point<Fe>& p) noexcept {
  std::int8_t s_naf[256], k_naf[256];
  scalar_to_naf(s, base_naf_width, s_naf);
  scalar_to_naf(k, point_naf_width, k_naf);
  const auto p_table = ge_odd_multiples<Fe, 1 << (point_naf_width - 2)>(p);
  const auto& b_table = base_odd_multiples<Fe>;
  int top = 255;
  while (top >= 0 && s_naf[top] == 0 && k_naf[top] == 0) --top;
  ge_point<Fe> r = ge_identity<Fe>();
  for (int i = top; i >= 0; --i) {
    const int sd = s_naf[i], kd = k_naf[i];
    r = ge_from_completed(ge_double(r), sd != 0 || kd != 0);
    if (sd != 0) r = ge_from_completed(ge_add(r, b_table[table_index(sd)], sd < 0), kd != 0);
    if (kd != 0) r = ge_from_completed(ge_add(r, p_table[table_index(kd)], kd < 0), false);
  }
  return r;
}

}  // namespace airlock::ed25519::detail

#endif  // AIRLOCK_DETAIL_ED25519_POINT_HPP
