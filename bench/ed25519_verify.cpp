// SPDX-License-Identifier: MIT
// Ed25519 verify of a 1 KiB message: Airlock (both field paths) against Botan 2, OpenSSL and libsodium.
// Each call does what a license check does: take the raw 32-byte key and verify once.
#include <botan/ed25519.h>
#include <botan/pubkey.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "airlock/crypto/ed25519.hpp"
#include "round_robin.hpp"

namespace {

using bytes = std::vector<std::uint8_t>;

// The portable path, instantiated explicitly so both live in this binary.
bool airlock_portable_verify(const bytes& key, const bytes& message, const bytes& signature) {
  namespace d = airlock::ed25519::detail;
  d::ge_point<airlock::detail::fe25> minus_a{};
  return d::decode_key(key.data(), minus_a) &&
         d::verify_decoded(minus_a, key.data(), message.data(), message.size(), signature.data(), signature.size());
}

bool botan_verify(const bytes& key, const bytes& message, const bytes& signature) {
  const Botan::Ed25519_PublicKey public_key(key.data(), key.size());
  Botan::PK_Verifier verifier(public_key, "Pure");
  return verifier.verify_message(message.data(), message.size(), signature.data(), signature.size());
}

bool openssl_verify(const bytes& key, const bytes& message, const bytes& signature) {
  EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.data(), key.size());
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = pkey != nullptr && ctx != nullptr &&
                  EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, pkey) == 1 &&
                  EVP_DigestVerify(ctx, signature.data(), signature.size(), message.data(), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pkey);
  return ok;
}

bool sodium_verify(const bytes& key, const bytes& message, const bytes& signature) {
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(), key.data()) == 0;
}

int argument(int argc, char** argv, int index, int fallback) {
  return argc > index ? std::atoi(argv[index]) : fallback;
}

}  // namespace

// Usage: bench_ed25519_verify [rounds=21] [batch=200]
int main(int argc, char** argv) {
  if (sodium_init() < 0) return 1;
  const int rounds = argument(argc, argv, 1, 21), batch = argument(argc, argv, 2, 200);
  bytes key(crypto_sign_PUBLICKEYBYTES), secret(crypto_sign_SECRETKEYBYTES), signature(crypto_sign_BYTES);
  bytes message(1024);
  randombytes_buf(message.data(), message.size());
  crypto_sign_keypair(key.data(), secret.data());
  crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(), secret.data());

  std::vector<airlock_bench::contender> contenders = {
      {"airlock radix 2^51 (default)",
       [&] {
         return airlock::ed25519::verify(key.data(), key.size(), message.data(), message.size(), signature.data(),
                                         signature.size());
       }},
      {"airlock radix 2^25.5 (portable)", [&] { return airlock_portable_verify(key, message, signature); }},
      {"Botan 2 (key + PK_Verifier/call)", [&] { return botan_verify(key, message, signature); }},
      {"OpenSSL libcrypto (EVP per call)", [&] { return openssl_verify(key, message, signature); }},
      {"libsodium", [&] { return sodium_verify(key, message, signature); }},
  };
  std::printf("Ed25519 verify, 1 KiB message, %d interleaved rounds of %d calls each\n", rounds, batch);
  const long failures = airlock_bench::run_rounds(contenders, rounds, batch);
  airlock_bench::print_table(contenders, 2);
  if (failures != 0) std::printf("ERROR: %ld verifications failed\n", failures);
  return failures == 0 ? 0 : 1;
}
