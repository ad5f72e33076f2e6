// SPDX-License-Identifier: MIT
// Internals: the two field representations agree, and scalars reduce modulo L like Botan's BigInt.
#include <botan/bigint.h>

#include <catch2/catch.hpp>

#include "airlock/crypto/ed25519.hpp"
#include "test_support.hpp"

using airlock_test::bytes;

namespace {

namespace fd = airlock::detail;

// Random 32-byte strings plus the values around p and 2^255 where carries
// and the final reduction are most likely to go wrong.
std::vector<std::array<std::uint8_t, 32>> field_inputs(std::mt19937_64& rng) {
  std::vector<std::array<std::uint8_t, 32>> out;
  auto little_endian = [](std::uint8_t low, std::uint8_t fill, std::uint8_t top) {
    std::array<std::uint8_t, 32> v{};
    v.fill(fill);
    v[0] = low;
    v[31] = top;
    return v;
  };
  for (std::uint8_t low : {0x00, 0x01, 0xec, 0xed, 0xee, 0xff}) out.push_back(little_endian(low, 0xff, 0x7f));
  out.push_back(little_endian(0, 0, 0));
  out.push_back(little_endian(1, 0, 0));
  out.push_back(little_endian(0x13, 0, 0));
  for (int i = 0; i < 300; ++i) {
    std::array<std::uint8_t, 32> v{};
    for (auto& b : v) b = static_cast<std::uint8_t>(rng());
    out.push_back(v);
  }
  return out;
}

template <class Fe>
std::array<std::uint8_t, 32> combine(const std::uint8_t* a_bytes, const std::uint8_t* b_bytes) {
  const Fe a = fd::fe_from_bytes<Fe>(a_bytes), b = fd::fe_from_bytes<Fe>(b_bytes);
  // A chain that mixes every operation, as the point formulas do.
  const Fe sum = fd::fe_add(a, b), difference = fd::fe_sub(a, b);
  const Fe product = fd::fe_mul(fd::fe_add(sum, difference), fd::fe_sq(difference));
  return fd::fe_to_bytes(fd::fe_mul(fd::fe_invert(fd::fe_add(product, fd::fe_one<Fe>())), fd::fe_neg(b)));
}

Botan::BigInt little_endian_int(const std::uint8_t* data, std::size_t size) {
  bytes big_endian(data, data + size);
  std::reverse(big_endian.begin(), big_endian.end());
  return Botan::BigInt(big_endian.data(), big_endian.size());
}

}  // namespace

TEST_CASE("field encoding reduces values at and above p to the canonical residue", "[ed25519][field]") {
  std::array<std::uint8_t, 32> p_bytes{};
  p_bytes.fill(0xff);
  p_bytes[0] = 0xed;
  p_bytes[31] = 0x7f;
  CHECK(fd::fe_to_bytes(fd::fe_from_bytes<fd::fe25>(p_bytes.data())) == std::array<std::uint8_t, 32>{});
  p_bytes[0] = 0xff;  // 2^255 - 1 = p + 18
  std::array<std::uint8_t, 32> eighteen{};
  eighteen[0] = 18;
  CHECK(fd::fe_to_bytes(fd::fe_from_bytes<fd::fe25>(p_bytes.data())) == eighteen);
#if defined(__SIZEOF_INT128__)
  CHECK(fd::fe_to_bytes(fd::fe_from_bytes<fd::fe51>(p_bytes.data())) == eighteen);
#endif
}

#if defined(__SIZEOF_INT128__)
TEST_CASE("radix 2^51 and radix 2^25.5 arithmetic give identical results", "[ed25519][field]") {
  std::mt19937_64 rng(airlock_test::test_seed("field representations"));
  const auto inputs = field_inputs(rng);
  int compared = 0;
  for (const auto& a : inputs) {
    for (int j = 0; j < 8; ++j) {
      const auto& b = inputs[rng() % inputs.size()];
      CHECK(combine<fd::fe51>(a.data(), b.data()) == combine<fd::fe25>(a.data(), b.data()));
      ++compared;
    }
  }
  CHECK(compared == 8 * static_cast<int>(inputs.size()));
}
#endif

TEST_CASE("multiplication and inversion agree with Botan BigInt modulo p", "[ed25519][field]") {
  std::mt19937_64 rng(airlock_test::test_seed("field vs BigInt"));
  const Botan::BigInt p = (Botan::BigInt(1) << 255) - 19;
  const auto inputs = field_inputs(rng);
  for (std::size_t i = 0; i + 1 < inputs.size(); ++i) {
    const auto& a = inputs[i];
    const auto& b = inputs[i + 1];
    const auto product = fd::fe_to_bytes(fd::fe_mul(fd::fe_from_bytes<airlock::ed25519::detail::field>(a.data()),
                                                    fd::fe_from_bytes<airlock::ed25519::detail::field>(b.data())));
    auto a_int = little_endian_int(a.data(), 32), b_int = little_endian_int(b.data(), 32);
    a_int.clear_bit(255);
    b_int.clear_bit(255);
    CHECK(little_endian_int(product.data(), 32) == (a_int * b_int) % p);
  }
}

TEST_CASE("scalar reduction of 64-byte values agrees with Botan BigInt modulo L", "[ed25519][scalar]") {
  std::mt19937_64 rng(airlock_test::test_seed("scalar reduction"));
  const Botan::BigInt order = (Botan::BigInt(1) << 252) + Botan::BigInt("27742317777372353535851937790883648493");
  for (int i = 0; i < 2000; ++i) {
    std::array<std::uint8_t, 64> wide{};
    for (auto& b : wide) b = static_cast<std::uint8_t>(i < 4 ? (i % 2 == 0 ? 0xff : 0x00) : rng());
    const auto reduced = airlock::ed25519::detail::scalar_reduce(wide);
    CHECK(little_endian_int(reduced.data(), 32) == little_endian_int(wide.data(), 64) % order);
  }
}

TEST_CASE("S is accepted as canonical exactly when S < L", "[ed25519][scalar]") {
  std::array<std::uint8_t, 32> s{};
  std::copy(std::begin(airlock::ed25519::detail::group_order_bytes),
            std::end(airlock::ed25519::detail::group_order_bytes), s.begin());
  CHECK_FALSE(airlock::ed25519::detail::scalar_is_canonical(s.data()));  // L
  s[0] -= 1;
  CHECK(airlock::ed25519::detail::scalar_is_canonical(s.data()));  // L - 1
  s[0] += 2;
  CHECK_FALSE(airlock::ed25519::detail::scalar_is_canonical(s.data()));  // L + 1
  s[31] = 0x0f;
  CHECK(airlock::ed25519::detail::scalar_is_canonical(s.data()));  // below 2^252
}
