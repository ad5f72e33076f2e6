// SPDX-License-Identifier: MIT
// Key ids: the short, stable name of a vendor public key.
#ifndef AIRLOCK_KEY_ID_HPP
#define AIRLOCK_KEY_ID_HPP

#include <array>
#include <cstdint>
#include <string>

#include "airlock/crypto/sha2.hpp"

namespace airlock {

// The first 8 bytes of SHA-256 over the 32 raw public-key bytes, as 16
// lowercase hex digits. Not noexcept: the 16-character string exceeds the
// small-string buffer of common libraries, so it allocates, and the only
// exception it can throw is std::bad_alloc.
[[nodiscard]] inline std::string key_id_of(const std::array<std::uint8_t, 32>& public_key) {
  static constexpr char hex_digits[] = "0123456789abcdef";
  const auto digest = sha256_digest(public_key.data(), public_key.size());
  std::string id(16, '0');
  for (std::size_t i = 0; i < 8; ++i) {
    id[2 * i] = hex_digits[digest[i] >> 4];
    id[2 * i + 1] = hex_digits[digest[i] & 0x0f];
  }
  return id;
}

}  // namespace airlock

#endif  // AIRLOCK_KEY_ID_HPP
