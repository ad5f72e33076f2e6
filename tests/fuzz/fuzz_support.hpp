// SPDX-License-Identifier: MIT
// Shared by the fuzz targets: the fixed test key, and options that make a verification
// deterministic (no system clock, no reading of this machine).
#ifndef AIRLOCK_FUZZ_SUPPORT_HPP
#define AIRLOCK_FUZZ_SUPPORT_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "airlock/trust_store.hpp"
#include "airlock/verify_result.hpp"

namespace airlock::fuzz {

// The Ed25519 seed of formats/vectors/test_vendor_key.pem (the last 32 bytes of its DER).
inline constexpr std::array<unsigned char, 32> test_seed = {
    0x28, 0xa9, 0xf8, 0x4d, 0xe2, 0x1a, 0x11, 0x26, 0xb9, 0x48, 0x9e, 0xe6, 0x36, 0x71, 0xca, 0x95,
    0x04, 0x64, 0xdc, 0xd8, 0x3d, 0x58, 0x9c, 0x45, 0x9d, 0x02, 0x9b, 0x9d, 0x47, 0xab, 0xd2, 0xb8};

// formats/vectors/test_vendor_key.pub
inline constexpr std::string_view test_public_pem =
    "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA5NQf0iMDtiklXYo2nqrKPloa4kkHhhxt/wNDGWCvCfs=\n-----END PUBLIC "
    "KEY-----\n";

// The seed corpora are for product acme-studio (formats/vectors/licenses).
inline trust_store test_trust_store() {
  trust_store store;
  if (!store.add_pem(test_public_pem)) __builtin_trap();  // the harness itself is broken
  return store;
}

inline verify_options fixed_options() {
  verify_options options;
  options.product = "acme-studio";
  options.now = 1767225600;  // 2026-01-01T00:00:00Z, inside the vectors' validity
  options.check_machine = false;
  return options;
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

}  // namespace airlock::fuzz

#endif
