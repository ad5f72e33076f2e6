// SPDX-License-Identifier: MIT
// The vendor's public key as a PEM file: an Ed25519 SubjectPublicKeyInfo (RFC 8410, RFC 7468).
#ifndef AIRLOCK_FORMAT_PEM_HPP
#define AIRLOCK_FORMAT_PEM_HPP

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "airlock/format/encoding.hpp"
#include "airlock/format/envelope.hpp"
#include "airlock/format/result.hpp"

namespace airlock::format {

inline constexpr std::string_view pem_public_key_begin = "-----BEGIN PUBLIC KEY-----";
inline constexpr std::string_view pem_public_key_end = "-----END PUBLIC KEY-----";

/// DER of SubjectPublicKeyInfo { AlgorithmIdentifier { id-Ed25519 (1.3.101.112) }, BIT STRING },
/// everything but the 32 key bytes that follow it. Ed25519 has no parameters, so this prefix is
/// the only valid one and the whole DER is a fixed 44 bytes.
inline constexpr std::array<std::uint8_t, 12> ed25519_spki_prefix = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                                                     0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

namespace detail {

/// The base64 between the armor lines: lines of 64 characters, the last one 1 to 64.
[[nodiscard]] inline std::optional<std::string> pem_body(std::string_view text) {
  if (text.substr(0, pem_public_key_begin.size()) != pem_public_key_begin) return std::nullopt;
  text.remove_prefix(pem_public_key_begin.size());
  if (text.empty() || text[0] != '\n') return std::nullopt;
  text.remove_prefix(1);
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (text.size() < pem_public_key_end.size() + 1 ||
      text.substr(text.size() - pem_public_key_end.size()) != pem_public_key_end) {
    return std::nullopt;
  }
  text.remove_suffix(pem_public_key_end.size());
  std::string base64;
  bool last_line_seen = false;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    if (newline == std::string_view::npos || newline == 0 || newline > 64 || last_line_seen) return std::nullopt;
    last_line_seen = newline < 64;
    base64.append(text.substr(0, newline));
    text.remove_prefix(newline + 1);
  }
  return base64;
}

}  // namespace detail

/// The raw 32-byte Ed25519 public key from a PEM "PUBLIC KEY" block as `openssl pkey -pubout`
/// writes it. Strict: one block and nothing around it (a final LF, a BOM and CRLF line endings
/// are accepted), canonical base64, and exactly the Ed25519 DER. Anything else gives nullopt.
[[nodiscard]] inline std::optional<std::array<std::uint8_t, 32>> public_key_from_pem(std::string_view pem) noexcept {
  return detail::guarded(
      [&]() -> std::optional<std::array<std::uint8_t, 32>> {
        if (pem.size() > 4096) return std::nullopt;
        const auto base64 = detail::pem_body(normalize_line_endings(pem));
        if (!base64) return std::nullopt;
        const auto der = base64_decode_array<44>(*base64);
        if (!der) return std::nullopt;
        std::array<std::uint8_t, 32> key{};
        for (std::size_t i = 0; i < ed25519_spki_prefix.size(); ++i) {
          if ((*der)[i] != ed25519_spki_prefix[i]) return std::nullopt;
        }
        for (std::size_t i = 0; i < key.size(); ++i) key[i] = (*der)[ed25519_spki_prefix.size() + i];
        return key;
      },
      []() -> std::optional<std::array<std::uint8_t, 32>> { return std::nullopt; });
}

/// The PEM text of a raw Ed25519 public key, as OpenSSL writes it.
[[nodiscard]] inline std::string public_key_to_pem(const std::array<std::uint8_t, 32>& key) {
  std::array<std::uint8_t, 44> der{};
  for (std::size_t i = 0; i < ed25519_spki_prefix.size(); ++i) der[i] = ed25519_spki_prefix[i];
  for (std::size_t i = 0; i < key.size(); ++i) der[ed25519_spki_prefix.size() + i] = key[i];
  std::string out(pem_public_key_begin);
  out += '\n';
  out += base64_encode(der);
  out += '\n';
  out += pem_public_key_end;
  out += '\n';
  return out;
}

}  // namespace airlock::format

#endif  // AIRLOCK_FORMAT_PEM_HPP
