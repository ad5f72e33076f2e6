// SPDX-License-Identifier: MIT
// Ed25519 verify of a 1 KiB message: Airlock (the default radix 2^51 field and
// the portable radix 2^25.5 one, each at the project's flags and at -O2 as a
// product builds the header) against Botan 2, OpenSSL and libsodium. Each
// call does what a license check does: take the raw 32-byte key and verify once.
//
// This file is compiled twice (bench/CMakeLists.txt): once at -O2 with
// AIRLOCK_BENCH_O2_PART, which defines only the two -O2 entry points, and
// once with the project's flags for everything else.
#if defined(AIRLOCK_BENCH_O2_PART)
// Every standard header the verifier includes, first, so that none of them
// ends up inside the namespace below.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

// The header's inline functions get internal linkage here, so the linker
// cannot merge them with the other object's copies built with other flags.
namespace {
#include "airlock/crypto/ed25519.hpp"
}  // namespace

namespace airlock_bench_o2 {

bool verify_default(const std::uint8_t* key, const std::uint8_t* message, std::size_t message_size,
                    const std::uint8_t* signature) {
  return airlock::ed25519::verify(key, 32, message, message_size, signature, 64);
}

bool verify_portable(const std::uint8_t* key, const std::uint8_t* message, std::size_t message_size,
                     const std::uint8_t* signature) {
  namespace d = airlock::ed25519::detail;
  d::ge_point<airlock::detail::fe25> minus_a{};
  return d::decode_key(key, minus_a) && d::verify_decoded(minus_a, key, message, message_size, signature, 64);
}

}  // namespace airlock_bench_o2

#else
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

namespace airlock_bench_o2 {
bool verify_default(const std::uint8_t* key, const std::uint8_t* message, std::size_t message_size,
                    const std::uint8_t* signature);
bool verify_portable(const std::uint8_t* key, const std::uint8_t* message, std::size_t message_size,
                     const std::uint8_t* signature);
}  // namespace airlock_bench_o2

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

// Median over rounds of ours / theirs within the same round: a load drift
// during the run hits both sides of each quotient alike.
double median_ratio(const airlock_bench::contender& ours, const airlock_bench::contender& theirs) {
  std::vector<double> ratios;
  for (std::size_t i = 0; i < ours.microseconds_per_op.size(); ++i) {
    ratios.push_back(ours.microseconds_per_op[i] / theirs.microseconds_per_op[i]);
  }
  return airlock_bench::median(ratios);
}

void print_ratio(const airlock_bench::contender& ours, const airlock_bench::contender& theirs, double target) {
  const double ratio = median_ratio(ours, theirs);
  std::printf("  %-30s / %-9.9s %6.3f  (target <= %.2f: %s)\n", ours.name.c_str(), theirs.name.c_str(), ratio, target,
              ratio <= target ? "met" : "NOT met");
}

int argument(int argc, char** argv, int index, int fallback) {
  return argc > index ? std::atoi(argv[index]) : fallback;
}

}  // namespace

// Usage: bench_ed25519_verify [rounds=41] [batch=100]
int main(int argc, char** argv) {
  if (sodium_init() < 0) return 1;
  const int rounds = argument(argc, argv, 1, 41), batch = argument(argc, argv, 2, 100);
  bytes key(crypto_sign_PUBLICKEYBYTES), secret(crypto_sign_SECRETKEYBYTES), signature(crypto_sign_BYTES);
  bytes message(1024);
  randombytes_buf(message.data(), message.size());
  crypto_sign_keypair(key.data(), secret.data());
  crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(), secret.data());

  std::vector<airlock_bench::contender> contenders = {
      {"airlock 2^51, project flags",
       [&] {
         return airlock::ed25519::verify(key.data(), key.size(), message.data(), message.size(), signature.data(),
                                         signature.size());
       }},
      {"airlock 2^51, -O2",
       [&] { return airlock_bench_o2::verify_default(key.data(), message.data(), message.size(), signature.data()); }},
      {"airlock 2^25.5, project flags", [&] { return airlock_portable_verify(key, message, signature); }},
      {"airlock 2^25.5, -O2",
       [&] { return airlock_bench_o2::verify_portable(key.data(), message.data(), message.size(), signature.data()); }},
      {"Botan 2 (key + PK_Verifier/call)", [&] { return botan_verify(key, message, signature); }},
      {"OpenSSL libcrypto (EVP per call)", [&] { return openssl_verify(key, message, signature); }},
      {"libsodium", [&] { return sodium_verify(key, message, signature); }},
  };
  enum { default_project, default_o2, portable_project, portable_o2, botan, openssl, sodium };
  std::printf("Ed25519 verify, 1 KiB message, %d interleaved rounds of %d calls each\n", rounds, batch);
  const long failures = airlock_bench::run_rounds(contenders, rounds, batch);
  airlock_bench::print_table(contenders, 0);
  std::printf("Ratios (median over rounds of the per-round quotient; issue 14 targets):\n");
  for (int ours : {default_project, default_o2}) print_ratio(contenders[ours], contenders[sodium], 1.0);
  for (int ours : {portable_project, portable_o2}) print_ratio(contenders[ours], contenders[botan], 1.0);
  if (failures != 0) std::printf("ERROR: %ld verifications failed\n", failures);
  return failures == 0 ? 0 : 1;
}

#endif  // AIRLOCK_BENCH_O2_PART
