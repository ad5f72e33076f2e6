// SPDX-License-Identifier: MIT
#include "keys/password.hpp"

#include <botan/argon2.h>
#include <botan/hex.h>
#include <botan/system_rng.h>

#include <vector>

namespace airlock::keys {
namespace {

constexpr std::size_t argon2_lanes = 1, argon2_memory_kib = 19 * 1024, argon2_passes = 2;
constexpr std::uint8_t argon2id = 2;  // Botan's y: 0 Argon2d, 1 Argon2i, 2 Argon2id

}  // namespace

std::string hash_password(const std::string& password) {
  Botan::System_RNG rng;
  return Botan::argon2_generate_pwhash(password.data(), password.size(), rng, argon2_lanes, argon2_memory_kib,
                                       argon2_passes, argon2id);
}

bool check_password(const std::string& password, const std::string& hash) noexcept {
  if (hash.rfind("$argon2id$", 0) != 0) return false;  // only what hash_password writes
  try {
    return Botan::argon2_check_pwhash(password.data(), password.size(), hash);
  } catch (...) {
    return false;  // a corrupt stored hash is a failed login, never a crash
  }
}

std::string random_hex(std::size_t bytes) {
  Botan::System_RNG rng;
  std::vector<std::uint8_t> buffer(bytes);
  rng.randomize(buffer.data(), buffer.size());
  return Botan::hex_encode(buffer.data(), buffer.size(), false);
}

}  // namespace airlock::keys
