// SPDX-License-Identifier: MIT
// Trust anchors: PEM, raw bytes, the `airlock pubkey --format cpp` array, and key rotation.
#include <catch2/catch.hpp>

#include <string>

#include "verifier_support.hpp"

using namespace airlock;
using namespace airlock::vtest;

TEST_CASE("A trust store with two keys accepts a license signed by the second", "[trust]") {
  const vendor old_key, new_key;
  trust_store trusted;
  REQUIRE(trusted.add(old_key.public_key.data(), 32));
  REQUIRE(trusted.add(new_key.public_key.data(), 32));
  const verify_result r = verify_license(sign(unbound_license(new_key), new_key), trusted, options_at(february));
  CHECK(r.why == reason::ok);
  CHECK(r.license.key_id == new_key.key_id);
}

TEST_CASE("A trust store with two keys still accepts licenses signed by the first", "[trust]") {
  const vendor old_key, new_key;
  trust_store trusted;
  REQUIRE(trusted.add(old_key.public_key.data(), 32));
  REQUIRE(trusted.add(new_key.public_key.data(), 32));
  CHECK(verify_license(sign(unbound_license(old_key), old_key), trusted, options_at(february)).ok());
}

TEST_CASE("A trust store finds each key by its key id", "[trust]") {
  const vendor first, second;
  trust_store trusted;
  REQUIRE(trusted.add(first.public_key.data(), 32));
  REQUIRE(trusted.add(second.public_key.data(), 32));
  REQUIRE(trusted.size() == 2);
  REQUIRE(trusted.find(first.key_id) != nullptr);
  REQUIRE(trusted.find(second.key_id) != nullptr);
  CHECK(trusted.find(first.key_id)->bytes() == first.public_key);
  CHECK(trusted.find(second.key_id)->bytes() == second.public_key);
  CHECK(trusted.find("0000000000000000") == nullptr);
  CHECK(trusted.find("") == nullptr);
}

TEST_CASE("The key id of a trusted key is the one the vendor tools print", "[trust]") {
  CHECK(key_id_of(acme().public_key) == acme().key_id);
}

TEST_CASE("Adding the same key twice keeps one anchor", "[trust]") {
  trust_store trusted;
  CHECK(trusted.add(acme().public_key.data(), 32));
  CHECK(trusted.add(acme().public_key.data(), 32));
  CHECK(trusted.size() == 1);
}

TEST_CASE("A trust store takes the vendor.pub PEM text", "[trust]") {
  trust_store trusted;
  REQUIRE(trusted.add_pem(acme().key.public_pem()));
  CHECK(trusted.size() == 1);
  CHECK(trusted.find(acme().key_id) != nullptr);
  CHECK(verify_license(sign(unbound_license()), trusted, options_at(february)).ok());
}

TEST_CASE("A trust store refuses PEM text that is not an Ed25519 public key", "[trust]") {
  trust_store trusted;
  CHECK_FALSE(trusted.add_pem(""));
  CHECK_FALSE(trusted.add_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"));
  CHECK_FALSE(trusted.add_pem(acme().key.private_pem_unencrypted()));
  CHECK(trusted.size() == 0);
}

TEST_CASE("A trust store takes the 32 raw key bytes", "[trust]") {
  trust_store trusted;
  REQUIRE(trusted.add(acme().public_key.data(), acme().public_key.size()));
  CHECK(verify_license(sign(unbound_license()), trusted, options_at(february)).ok());
}

TEST_CASE("A trust store refuses raw keys of the wrong size or off the curve", "[trust]") {
  trust_store trusted;
  CHECK_FALSE(trusted.add(acme().public_key.data(), 31));
  CHECK_FALSE(trusted.add(nullptr, 0));
  // y = 2^255 - 19 = p is not a canonical encoding of any point.
  unsigned char not_canonical[32];
  for (auto& b : not_canonical) b = 0xff;
  not_canonical[0] = 0xed;
  not_canonical[31] = 0x7f;
  CHECK_FALSE(trusted.add(not_canonical));
  // y = 1 is the neutral element: a small-order key would accept forged signatures.
  unsigned char neutral[32] = {1};
  CHECK_FALSE(trusted.add(neutral));
  CHECK(trusted.size() == 0);
}

TEST_CASE("A trust store takes the array airlock pubkey --format cpp prints", "[trust]") {
  // The shape of the printed snippet: a 32-element unsigned char array.
  static constexpr unsigned char airlock_vendor_public_key[32] = {
      0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
      0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a,
  };  // RFC 8032 section 7.1, test 1
  trust_store trusted;
  REQUIRE(trusted.add(airlock_vendor_public_key));
  const std::array<std::uint8_t, 32> raw = {0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe,
                                            0xd3, 0xc9, 0x64, 0x07, 0x3a, 0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6,
                                            0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a};
  REQUIRE(trusted.find(key_id_of(raw)) != nullptr);
  CHECK(trusted.find(key_id_of(raw))->bytes() == raw);
}

TEST_CASE("An empty trust store rejects every license as unknown_key", "[trust]") {
  const trust_store nobody;
  CHECK(verify_license(sign(unbound_license()), nobody, options_at(february)).why == reason::unknown_key);
}
