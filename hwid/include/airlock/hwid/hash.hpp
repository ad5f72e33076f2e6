// SPDX-License-Identifier: MIT
// Keyed component hashes: what a license records instead of the raw identifiers.
#ifndef AIRLOCK_HWID_HASH_HPP
#define AIRLOCK_HWID_HASH_HPP

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "airlock/crypto/sha2.hpp"
#include "airlock/format/machine.hpp"
#include "airlock/hwid/snapshot.hpp"

namespace airlock::hwid {

// salt = SHA-256("airlock-hwid-salt-v1" LF key_id LF product). Not a secret (it ships with the
// product); it makes hashes differ between vendors and products, so they cannot be linked.
[[nodiscard]] inline std::array<std::uint8_t, 32> product_salt(std::string_view key_id,
                                                               std::string_view product) noexcept {
  const auto bytes = [](std::string_view s) { return reinterpret_cast<const std::uint8_t*>(s.data()); };
  const std::uint8_t lf = '\n';
  sha256 h;
  h.update(bytes(format::hash_salt_label), format::hash_salt_label.size());
  h.update(&lf, 1);
  h.update(bytes(key_id), key_id.size());
  h.update(&lf, 1);
  h.update(bytes(product), product.size());
  return h.finish();
}

// First 16 bytes of HMAC-SHA-256(salt, class_name LF canonical_value), lower-case hex.
[[nodiscard]] inline std::string component_hash(const std::array<std::uint8_t, 32>& salt, component_class c,
                                                std::string_view canonical_value) {
  std::string message(to_string(c));
  message += '\n';
  message += canonical_value;
  const auto mac =
      hmac_sha256(salt.data(), salt.size(), reinterpret_cast<const std::uint8_t*>(message.data()), message.size());
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < 16; ++i) {
    out += hex[mac[i] >> 4];
    out += hex[mac[i] & 0x0f];
  }
  return out;
}

// Hashes every present class, and marks the nic hashes of software-assigned MACs as evidence only. On allocation
// failure the result is empty, which matches nothing.
[[nodiscard]] inline format::component_hashes hash_snapshot(const machine_snapshot& snap, std::string_view key_id,
                                                            std::string_view product) noexcept {
  format::component_hashes out;
  try {
    const auto salt = product_salt(key_id, product);
    for (component_class c : all_component_classes) {
      for (const std::string& value : snap[c].values) out[c].push_back(component_hash(salt, c, value));
      std::sort(out[c].begin(), out[c].end());
    }
    for (const std::string& value : snap.nic.evidence_only)
      out.evidence_only.push_back(component_hash(salt, component_class::nic, value));
    std::sort(out.evidence_only.begin(), out.evidence_only.end());
  } catch (...) {
    out = format::component_hashes{};
  }
  return out;
}

}  // namespace airlock::hwid

#endif  // AIRLOCK_HWID_HASH_HPP
