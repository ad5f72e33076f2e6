// SPDX-License-Identifier: MIT
// Ed25519 verification against every public vector set in tests/vectors (strict policy).
#include <catch2/catch.hpp>

#include "airlock/crypto/ed25519.hpp"
#include "test_support.hpp"

using airlock_test::bytes;
using airlock_test::from_hex;
using airlock_test::json;

namespace {

bool verify(const bytes& key, const bytes& message, const bytes& signature) {
  return airlock::ed25519::verify(key.data(), key.size(), message.data(), message.size(), signature.data(),
                                  signature.size());
}

struct wycheproof_tally {
  int cases = 0, agree_with_file = 0, agree_with_strict = 0;
};

// Both Wycheproof layouts: v1 keeps the key in publicKey.pk, legacy in key.pk.
wycheproof_tally run_wycheproof(const std::string& file, const std::string& set) {
  const json doc = airlock_test::load_vector_json(file);
  const auto strict = airlock_test::strict_expectations();
  wycheproof_tally tally;
  for (const json& group : doc["testGroups"].items) {
    const bytes key = from_hex(group.has("publicKey") ? group["publicKey"]["pk"].text : group["key"]["pk"].text);
    for (const json& test : group["tests"].items) {
      const int id = static_cast<int>(test["tcId"].number);
      const bool accepted = verify(key, from_hex(test["msg"].text), from_hex(test["sig"].text));
      const bool valid = test["result"].text == "valid";
      UNSCOPED_INFO(set << " tcId " << id << " (" << test["comment"].text << ") accepted " << accepted);
      ++tally.cases;
      tally.agree_with_file += accepted == valid;
      tally.agree_with_strict += accepted == strict.at({set, std::to_string(id)});
    }
  }
  return tally;
}

}  // namespace

TEST_CASE("the five RFC 8032 section 7.1 signatures verify and fail when altered", "[ed25519]") {
  const json doc = airlock_test::load_vector_json("rfc8032_7.1_ed25519.json");
  int verified = 0, altered_rejected = 0;
  for (const json& v : doc["vectors"].items) {
    const bytes key = from_hex(v["public_key"].text), message = from_hex(v["message"].text);
    bytes signature = from_hex(v["signature"].text);
    verified += verify(key, message, signature);
    signature[0] ^= 0x01;
    altered_rejected += !verify(key, message, signature);
  }
  CHECK(verified == 5);
  CHECK(altered_rejected == 5);
}

TEST_CASE("all 151 current C2SP Wycheproof results match", "[ed25519][wycheproof]") {
  const auto tally = run_wycheproof("c2sp_wycheproof_ed25519_test.json", "wp_c2sp");
  CHECK(tally.cases == 151);
  CHECK(tally.agree_with_file == 151);
  CHECK(tally.agree_with_strict == 151);
}

TEST_CASE("all 150 results of the 2023 Wycheproof release match", "[ed25519][wycheproof]") {
  const auto tally = run_wycheproof("wycheproof_v1_2023_ed25519_test.json", "wp_v1_2023");
  CHECK(tally.cases == 150);
  CHECK(tally.agree_with_file == 150);
  CHECK(tally.agree_with_strict == 150);
}

TEST_CASE("all 145 results of the legacy Wycheproof eddsa file match", "[ed25519][wycheproof]") {
  const auto tally = run_wycheproof("wycheproof_legacy_eddsa_test.json", "wp_legacy");
  CHECK(tally.cases == 145);
  CHECK(tally.agree_with_file == 145);
  CHECK(tally.agree_with_strict == 145);
}

TEST_CASE("the 12 speccheck cases match the strict policy (only case 3 is accepted)", "[ed25519][speccheck]") {
  const json doc = airlock_test::load_vector_json("speccheck_cases.json");
  const auto strict = airlock_test::strict_expectations();
  std::string pattern;
  for (std::size_t i = 0; i < doc.items.size(); ++i) {
    const json& c = doc.items[i];
    const bool accepted =
        verify(from_hex(c["pub_key"].text), from_hex(c["message"].text), from_hex(c["signature"].text));
    CHECK(accepted == strict.at({"speccheck", std::to_string(i)}));
    pattern += accepted ? 'V' : 'X';
  }
  CHECK(pattern == "XXXVXXXXXXXX");
}

TEST_CASE("the 914 CCTV edge cases match the strict policy with exactly 43 accepted", "[ed25519][cctv]") {
  const json doc = airlock_test::load_vector_json("cctv_ed25519vectors.json");
  const auto strict = airlock_test::strict_expectations();
  int cases = 0, matches = 0, accepted_count = 0;
  for (const json& c : doc.items) {
    const int number = static_cast<int>(c["number"].number);
    const bool accepted =
        verify(from_hex(c["key"].text), airlock_test::as_bytes(c["msg"].text), from_hex(c["sig"].text));
    const bool expected = strict.at({"cctv", std::to_string(number)});
    if (accepted != expected) UNSCOPED_INFO("cctv " << number << " accepted " << accepted);
    ++cases;
    matches += accepted == expected;
    accepted_count += accepted;
  }
  CHECK(cases == 914);
  CHECK(matches == 914);
  CHECK(accepted_count == 43);
}

TEST_CASE("an all-zero key and an all-zero signature are rejected", "[ed25519]") {
  const bytes zero_key(32, 0), zero_signature(64, 0), message = airlock_test::as_bytes("license");
  const json doc = airlock_test::load_vector_json("rfc8032_7.1_ed25519.json");
  const json& test1 = doc["vectors"].items[0];
  CHECK_FALSE(verify(zero_key, message, zero_signature));
  CHECK_FALSE(verify(zero_key, bytes(), from_hex(test1["signature"].text)));
  CHECK_FALSE(verify(from_hex(test1["public_key"].text), bytes(), zero_signature));
}

TEST_CASE("signatures and keys of the wrong length are rejected, never truncated", "[ed25519]") {
  const json doc = airlock_test::load_vector_json("rfc8032_7.1_ed25519.json");
  const json& test2 = doc["vectors"].items[1];
  const bytes key = from_hex(test2["public_key"].text), message = from_hex(test2["message"].text);
  const bytes signature = from_hex(test2["signature"].text);
  REQUIRE(verify(key, message, signature));
  bytes longer_signature = signature, longer_key = key;
  longer_signature.push_back(0);
  longer_key.push_back(0);
  CHECK_FALSE(verify(key, message, longer_signature));
  CHECK_FALSE(verify(longer_key, message, signature));
  CHECK_FALSE(airlock::ed25519::verify(key.data(), 31, message.data(), message.size(), signature.data(), 64));
  CHECK_FALSE(airlock::ed25519::verify(key.data(), 32, message.data(), message.size(), signature.data(), 63));
  CHECK_FALSE(airlock::ed25519::verify(nullptr, 32, message.data(), message.size(), signature.data(), 64));
  CHECK_FALSE(airlock::ed25519::verify(key.data(), 32, message.data(), message.size(), nullptr, 64));
  CHECK_FALSE(airlock::ed25519::verify(key.data(), 32, nullptr, 1, signature.data(), 64));
}
