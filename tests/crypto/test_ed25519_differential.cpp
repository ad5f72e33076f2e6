// SPDX-License-Identifier: MIT
// Differential test: Botan 2 signs, we verify; tampered copies are rejected by us and by libsodium.
#include <botan/auto_rng.h>
#include <botan/ed25519.h>
#include <botan/pubkey.h>
#include <sodium.h>

#include <catch2/catch.hpp>

#include "airlock/crypto/ed25519.hpp"
#include "test_support.hpp"

using airlock_test::bytes;

namespace {

constexpr int signature_count = 10000;

bool ours(const bytes& key, const bytes& message, const bytes& signature) {
  return airlock::ed25519::verify(key.data(), key.size(), message.data(), message.size(), signature.data(),
                                  signature.size());
}

bool libsodium(const bytes& key, const bytes& message, const bytes& signature) {
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(), key.data()) == 0;
}

struct signed_message {
  bytes key, message, signature;
};

// Deterministic from the seed: Botan derives the key from 32 seed bytes and
// Ed25519 signing is deterministic, so AIRLOCK_TEST_SEED replays a failure.
signed_message sign_with_botan(std::mt19937_64& rng, Botan::RandomNumberGenerator& botan_rng) {
  const bytes seed = airlock_test::random_bytes(rng, 32);
  const Botan::Ed25519_PrivateKey key(Botan::secure_vector<std::uint8_t>(seed.begin(), seed.end()));
  signed_message out;
  out.key = key.get_public_key();
  out.message = airlock_test::random_bytes(rng, rng() % 2049);
  Botan::PK_Signer signer(key, botan_rng, "Pure");
  out.signature = signer.sign_message(out.message, botan_rng);
  return out;
}

// Flips one random bit of the key, the message or the signature.
void flip_one_bit(signed_message& s, std::mt19937_64& rng) {
  const int target = static_cast<int>(rng() % 3);
  bytes& victim = target == 0 ? s.key : (target == 1 && !s.message.empty()) ? s.message : s.signature;
  victim[rng() % victim.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
}

}  // namespace

TEST_CASE("every Botan signature verifies and every one-bit tampering is rejected by us and libsodium",
          "[ed25519][botan][libsodium]") {
  REQUIRE(sodium_init() >= 0);
  std::mt19937_64 rng(airlock_test::test_seed("ed25519 differential"));
  Botan::AutoSeeded_RNG botan_rng;
  int accepted = 0, sodium_accepted = 0, tampered_rejected = 0, sodium_tampered_rejected = 0;
  for (int i = 0; i < signature_count; ++i) {
    signed_message s = sign_with_botan(rng, botan_rng);
    const bool ok = ours(s.key, s.message, s.signature);
    if (!ok)
      UNSCOPED_INFO("rejected: key " << airlock_test::to_hex(s.key) << " sig " << airlock_test::to_hex(s.signature));
    accepted += ok;
    sodium_accepted += libsodium(s.key, s.message, s.signature);
    flip_one_bit(s, rng);
    const bool tampered_ok = ours(s.key, s.message, s.signature);
    if (tampered_ok) UNSCOPED_INFO("accepted tampered: key " << airlock_test::to_hex(s.key));
    tampered_rejected += !tampered_ok;
    sodium_tampered_rejected += !libsodium(s.key, s.message, s.signature);
  }
  CHECK(accepted == signature_count);
  CHECK(sodium_accepted == signature_count);
  CHECK(tampered_rejected == signature_count);
  CHECK(sodium_tampered_rejected == signature_count);
}
