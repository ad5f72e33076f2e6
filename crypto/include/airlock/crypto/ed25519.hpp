// SPDX-License-Identifier: MIT
// Ed25519 signature verification (RFC 8032 section 5.1.7, pure Ed25519), strict policy.
//
// Policy ("strict"; equals libsodium 1.0.18 on every public test vector):
//   1. The public key is exactly 32 bytes and the signature exactly 64
//      bytes (R || S); other lengths are rejected, never truncated or padded.
//   2. S < L, by a full 256-bit comparison (L = 2^252 + 2774...8493).
//   3. A is rejected if its y is not canonical (y >= p), if x = 0 while the
//      sign bit is set, if it is not on the curve, or if it has small order
//      ([8]A is the identity).
//   4. k = SHA-512(R || A || M) mod L over the received bytes of R and A.
//   5. Cofactorless equation: the canonical encoding of R' = [S]B - [k]A must
//      equal the 32 received R bytes. This rejects every non-canonical R
//      (including x = 0 with the sign bit set). R' of small order is also
//      rejected: honest signers never produce one.
// Every input of verification is public, so the code is variable-time.
//
// Configuration: the field uses radix 2^51 with unsigned __int128 where the
// compiler provides it (__SIZEOF_INT128__), and radix 2^25.5 with 64-bit
// products otherwise. Defining AIRLOCK_ED25519_PORTABLE=1 forces the latter;
// every translation unit of a program must make the same choice.
#ifndef AIRLOCK_ED25519_HPP
#define AIRLOCK_ED25519_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "airlock/crypto/detail/ed25519_point.hpp"
#include "airlock/crypto/detail/ed25519_scalar.hpp"
#include "airlock/crypto/sha2.hpp"

namespace airlock::ed25519 {
namespace detail {

#if defined(__SIZEOF_INT128__) && !(defined(AIRLOCK_ED25519_PORTABLE) && AIRLOCK_ED25519_PORTABLE)
using field = airlock::detail::fe51;
#else
using field = airlock::detail::fe25;
#endif

// Policy item 3; on success stores -A, the form the equation uses.
template <class Fe>
bool decode_key(const std::uint8_t* bytes, ge_point<Fe>& minus_a) noexcept {
  ge_point<Fe> a{};
  if (!ge_decode(bytes, a) || ge_has_small_order(a)) return false;
  minus_a = ge_negate(a);
  return true;
}

// Policy items 1, 2, 4 and 5, for a key that passed decode_key.
template <class Fe>
bool verify_decoded(const ge_point<Fe>& minus_a, const std::uint8_t* key_bytes, const std::uint8_t* message,
                    std::size_t message_size, const std::uint8_t* signature, std::size_t signature_size) noexcept {
  if (signature == nullptr || signature_size != 64 || (message == nullptr && message_size != 0)) return false;
  const std::uint8_t* r = signature;
  const std::uint8_t* s = signature + 32;
  if (!scalar_is_canonical(s)) return false;
  sha512 hash;
  hash.update(r, 32);
  hash.update(key_bytes, 32);
  hash.update(message, message_size);
  const auto k = scalar_reduce(hash.finish());
  const ge_point<Fe> r_check = ge_double_scalar_mul(s, k.data(), minus_a);
  if (ge_has_small_order(r_check)) return false;
  const auto encoded = ge_encode(r_check);
  for (std::size_t i = 0; i < 32; ++i) {
    if (encoded[i] != r[i]) return false;
  }
  return true;
}

}  // namespace detail

// A public key that passed the checks of policy item 3, decoded once for
// callers that verify many signatures with it.
class public_key {
 public:
  // nullopt: wrong size, non-canonical, not on the curve, or small order.
  [[nodiscard]] static std::optional<public_key> decode(const std::uint8_t* bytes, std::size_t size) noexcept {
    if (bytes == nullptr || size != 32) return std::nullopt;
    public_key key;
    if (!detail::decode_key(bytes, key.minus_a_)) return std::nullopt;
    for (std::size_t i = 0; i < 32; ++i) key.bytes_[i] = bytes[i];
    return key;
  }

  const std::array<std::uint8_t, 32>& bytes() const noexcept { return bytes_; }

  [[nodiscard]] bool verify(const std::uint8_t* message, std::size_t message_size, const std::uint8_t* signature,
                            std::size_t signature_size) const noexcept {
    return detail::verify_decoded(minus_a_, bytes_.data(), message, message_size, signature, signature_size);
  }

 private:
  public_key() noexcept = default;

  std::array<std::uint8_t, 32> bytes_{};
  detail::ge_point<detail::field> minus_a_{};
};

[[nodiscard]] inline bool verify(const std::uint8_t* public_key_bytes, std::size_t public_key_size,
                                 const std::uint8_t* message, std::size_t message_size, const std::uint8_t* signature,
                                 std::size_t signature_size) noexcept {
  const auto key = public_key::decode(public_key_bytes, public_key_size);
  return key.has_value() && key->verify(message, message_size, signature, signature_size);
}

}  // namespace airlock::ed25519

#endif  // AIRLOCK_ED25519_HPP
