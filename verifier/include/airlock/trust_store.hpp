// SPDX-License-Identifier: MIT
// The vendor public keys a product trusts, each known by its key id, so a
// vendor can rotate keys: licenses signed by any trusted key verify.
#ifndef AIRLOCK_TRUST_STORE_HPP
#define AIRLOCK_TRUST_STORE_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/crypto/ed25519.hpp"
#include "airlock/crypto/key_id.hpp"
#include "airlock/format/pem.hpp"

namespace airlock {

class trust_store {
 public:
  // Adds a key from its 32 raw bytes (the array `airlock pubkey --format
  // cpp` prints). False when the bytes are not a valid Ed25519 key.
  [[nodiscard]] bool add(const std::uint8_t* public_key, std::size_t size) noexcept {
    const auto key = ed25519::public_key::decode(public_key, size);
    if (!key) return false;
    try {
      if (find(key_id_of(key->bytes())) == nullptr) anchors_.push_back({key_id_of(key->bytes()), *key});
      return true;
    } catch (...) {
      return false;
    }
  }

  template <std::size_t N>
  [[nodiscard]] bool add(const unsigned char (&public_key)[N]) noexcept {
    static_assert(N == 32, "an Ed25519 public key is 32 bytes");
    return add(public_key, N);
  }

  // Adds a key from SubjectPublicKeyInfo PEM text (the vendor.pub file).
  [[nodiscard]] bool add_pem(std::string_view pem) noexcept {
    const auto raw = format::public_key_from_pem(pem);
    return raw && add(raw->data(), raw->size());
  }

  // The trusted key with this id, or nullptr.
  [[nodiscard]] const ed25519::public_key* find(std::string_view key_id) const noexcept {
    for (const anchor& a : anchors_)
      if (a.key_id == key_id) return &a.key;
    return nullptr;
  }

  [[nodiscard]] std::size_t size() const noexcept { return anchors_.size(); }

 private:
  struct anchor {
    std::string key_id;
    ed25519::public_key key;
  };
  std::vector<anchor> anchors_;
};

}  // namespace airlock

#endif
