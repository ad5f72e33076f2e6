// SPDX-License-Identifier: MIT
// Compiled, not run: each IGNORE_<n> drops one result that must be checked, and the build with
// -Werror must then fail ([[nodiscard]]). Without any IGNORE_<n> every result is used and the file
// compiles, so a failure can only come from the ignored result.
#include <cstdint>

#include "airlock.hpp"  // the single header, as a product includes it

int main() {
  const std::uint8_t bytes[64] = {};
  const unsigned char key[32] = {};
  airlock::trust_store trusted;
  int used = 0;
#if defined(IGNORE_1)
  airlock::ed25519::verify(bytes, 32, bytes, 0, bytes, 64);
#else
  used += airlock::ed25519::verify(bytes, 32, bytes, 0, bytes, 64) ? 1 : 0;
#endif
  const auto decoded = airlock::ed25519::public_key::decode(bytes, 32);
#if defined(IGNORE_2)
  if (decoded) decoded->verify(bytes, 0, bytes, 64);
#else
  if (decoded) used += decoded->verify(bytes, 0, bytes, 64) ? 1 : 0;
#endif
#if defined(IGNORE_3)
  trusted.add(key);
#else
  used += trusted.add(key) ? 1 : 0;
#endif
#if defined(IGNORE_4)
  trusted.add_pem("");
#else
  used += trusted.add_pem("") ? 1 : 0;
#endif
#if defined(IGNORE_5)
  airlock::format::match_fingerprint({}, {});
#else
  used += airlock::format::match_fingerprint({}, {}).ok ? 1 : 0;
#endif
#if defined(IGNORE_6)
  airlock::hwid::collect({});
#else
  used += airlock::hwid::collect({}).platform.present() ? 1 : 0;
#endif
#if defined(IGNORE_7)
  airlock::verify_license("", trusted, {});
#else
  used += airlock::verify_license("", trusted, {}).ok() ? 1 : 0;
#endif
  return used;
}
