// SPDX-License-Identifier: MIT
// Why a license check failed: one reason per distinct cause, each with a
// stable token that the tools, the JSON output and the docs all use.
#ifndef AIRLOCK_REASON_HPP
#define AIRLOCK_REASON_HPP

#include <string_view>

namespace airlock {

// Listed in the order the checks run: a lower-level failure (reading,
// parsing, signature) is never reported as a higher-level one.
enum class reason {
  ok,
  unreadable,               // the license file could not be read
  malformed,                // not a license file of this format (line, column)
  unsupported_version,      // a license format this verifier does not know
  unknown_key,              // signed by a key that is not trusted here
  bad_signature,            // the signature does not match the contents
  key_id_mismatch,          // the body names another key than the signature
  wrong_product,            // a license for another product
  clock_rolled_back,        // the clock is earlier than time already seen
  revocation_list_invalid,  // the revocation list given is not a trusted list for this product
  revocation_list_stale,    // older than a list already seen, or than the license requires
  revoked,                  // the vendor revoked this license
  not_yet_valid,            // before not_before
  expired,                  // after expires (and any grace period)
  build_too_new,            // this build is newer than updates_until
  unbindable_environment,   // a container, and the license does not allow it
  machine_mismatch,         // bound to another machine
};

[[nodiscard]] constexpr std::string_view to_string(reason r) noexcept {
  switch (r) {
    case reason::ok: return "ok";
    case reason::unreadable: return "unreadable";
    case reason::malformed: return "malformed";
    case reason::unsupported_version: return "unsupported_version";
    case reason::unknown_key: return "unknown_key";
    case reason::bad_signature: return "bad_signature";
    case reason::key_id_mismatch: return "key_id_mismatch";
    case reason::wrong_product: return "wrong_product";
    case reason::clock_rolled_back: return "clock_rolled_back";
    case reason::revocation_list_invalid: return "revocation_list_invalid";
    case reason::revocation_list_stale: return "revocation_list_stale";
    case reason::revoked: return "revoked";
    case reason::not_yet_valid: return "not_yet_valid";
    case reason::expired: return "expired";
    case reason::build_too_new: return "build_too_new";
    case reason::unbindable_environment: return "unbindable_environment";
    case reason::machine_mismatch: return "machine_mismatch";
  }
  return "unknown";
}

}  // namespace airlock

#endif
