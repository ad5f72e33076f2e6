// SPDX-License-Identifier: MIT
// The license check a product runs at start-up: read, verify the signature,
// then the product, the clock, the dates, maintenance and the machine, and
// say exactly why a license fails. Never throws, never touches the network,
// and allocates a bounded amount on any input (files over 64 KiB are
// refused before parsing).
#ifndef AIRLOCK_VERIFY_HPP
#define AIRLOCK_VERIFY_HPP

#include <string>
#include <string_view>

#include "airlock/detail/verify_steps.hpp"
#include "airlock/trust_store.hpp"
#include "airlock/verify_result.hpp"

namespace airlock {

// Checks license text (as read from the file) for this product.
[[nodiscard]] inline verify_result verify_license(std::string_view text, const trust_store& trusted,
                                                  const verify_options& options) noexcept {
  verify_result result;
  try {
    detail::run_checks(text, trusted, options, result);
  } catch (...) {
    result = verify_result{};
    result.why = reason::unreadable;
    result.message = "out of memory";
  }
  return result;
}

// Reads the file (at most 64 KiB; a larger one is malformed) and checks it.
[[nodiscard]] inline verify_result verify_license_file(const std::string& path, const trust_store& trusted,
                                                       const verify_options& options) noexcept {
  return detail::check_file(path, [&](const std::string& text) { return verify_license(text, trusted, options); });
}

}  // namespace airlock

#endif
