// SPDX-License-Identifier: MIT
// airlock::ed25519::public_key decoding rules and key ids.
#include <catch2/catch.hpp>

#include "airlock/crypto/ed25519.hpp"
#include "airlock/crypto/key_id.hpp"
#include "test_support.hpp"

using airlock_test::bytes;
using airlock_test::from_hex;
using airlock_test::json;

namespace {

bool decodes(const std::string& hex) {
  const bytes key = from_hex(hex);
  return airlock::ed25519::public_key::decode(key.data(), key.size()).has_value();
}

// RFC 8032 TEST 1 public key.
const std::string test1_key = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

}  // namespace

TEST_CASE("public_key decodes a valid key and keeps its bytes", "[ed25519][public_key]") {
  const bytes key = from_hex(test1_key);
  const auto decoded = airlock::ed25519::public_key::decode(key.data(), key.size());
  REQUIRE(decoded.has_value());
  CHECK(bytes(decoded->bytes().begin(), decoded->bytes().end()) == key);
}

TEST_CASE("public_key rejects keys that are not 32 bytes", "[ed25519][public_key]") {
  const bytes key = from_hex(test1_key);
  CHECK_FALSE(airlock::ed25519::public_key::decode(key.data(), 31).has_value());
  CHECK_FALSE(airlock::ed25519::public_key::decode(key.data(), 0).has_value());
  bytes longer = key;
  longer.push_back(0);
  CHECK_FALSE(airlock::ed25519::public_key::decode(longer.data(), longer.size()).has_value());
  CHECK_FALSE(airlock::ed25519::public_key::decode(nullptr, 32).has_value());
}

// y = 3 is on the curve with a point of order L; y = p + 3 encodes the same
// point non-canonically (both found with a python3 model of RFC 8032 5.1.3).
TEST_CASE("public_key rejects a non-canonical y even when y mod p is a good point", "[ed25519][public_key]") {
  CHECK(decodes("0300000000000000000000000000000000000000000000000000000000000000"));
  CHECK_FALSE(decodes("f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"));
  CHECK_FALSE(decodes("f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"));
}

TEST_CASE("public_key rejects x = 0 with the sign bit set", "[ed25519][public_key]") {
  CHECK_FALSE(decodes("0100000000000000000000000000000000000000000000000000000000000080"));
  CHECK_FALSE(decodes("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"));
}

TEST_CASE("public_key rejects a y with no point on the curve", "[ed25519][public_key]") {
  // y = 2: (y^2 - 1) / (d y^2 + 1) is not a square modulo p.
  CHECK_FALSE(decodes("0200000000000000000000000000000000000000000000000000000000000000"));
}

// The eight points of order 1, 2, 4 and 8, canonically encoded (computed as
// [k][L]Q for a point Q of order 8L with a python3 model; also listed by CCTV).
TEST_CASE("public_key rejects each of the eight small-order points", "[ed25519][public_key]") {
  for (const char* hex : {"0100000000000000000000000000000000000000000000000000000000000000",
                          "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                          "0000000000000000000000000000000000000000000000000000000000000000",
                          "0000000000000000000000000000000000000000000000000000000000000080",
                          "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
                          "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
                          "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
                          "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"}) {
    INFO(hex);
    CHECK_FALSE(decodes(hex));
  }
}

TEST_CASE("verifying through a decoded public_key gives the same result as the free function",
          "[ed25519][public_key]") {
  const json doc = airlock_test::load_vector_json("c2sp_wycheproof_ed25519_test.json");
  int compared = 0;
  for (const json& group : doc["testGroups"].items) {
    const bytes key = from_hex(group["publicKey"]["pk"].text);
    const auto decoded = airlock::ed25519::public_key::decode(key.data(), key.size());
    REQUIRE(decoded.has_value());
    for (const json& test : group["tests"].items) {
      const bytes m = from_hex(test["msg"].text), s = from_hex(test["sig"].text);
      INFO("tcId " << test["tcId"].number);
      CHECK(decoded->verify(m.data(), m.size(), s.data(), s.size()) ==
            airlock::ed25519::verify(key.data(), key.size(), m.data(), m.size(), s.data(), s.size()));
      ++compared;
    }
  }
  CHECK(compared == 151);
}

// Expected id computed independently:
//   python3 -c "import hashlib; print(hashlib.sha256(bytes.fromhex('d75a...511a')).hexdigest()[:16])"
TEST_CASE("key_id_of is the first 8 bytes of SHA-256 of the key in lowercase hex", "[key_id]") {
  const bytes key = from_hex(test1_key);
  std::array<std::uint8_t, 32> raw{};
  std::copy(key.begin(), key.end(), raw.begin());
  CHECK(airlock::key_id_of(raw) == "21fe31dfa154a261");
}
