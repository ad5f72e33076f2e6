// SPDX-License-Identifier: MIT
// Reading a license without judging it for a product: what `airlock inspect` and a support desk
// need. The same steps as verify_license up to the body and its key id (FORMAT.md 3.2, steps
// 1-9), so the same bytes get the same reason; the product, clock, dates and machine are not
// checked. A product does not need this header (airlock/airlock.hpp does not include it).
#ifndef AIRLOCK_INSPECT_HPP
#define AIRLOCK_INSPECT_HPP

#include <string>
#include <string_view>

#include "airlock/detail/verify_steps.hpp"
#include "airlock/trust_store.hpp"
#include "airlock/verify_result.hpp"

namespace airlock {

// Reads license text. With `trusted`, the signature is checked as verify_license checks it;
// without (nullptr), it is skipped and result.signature_valid stays false. reason::ok means the
// file was read; result.license then holds its fields.
[[nodiscard]] inline verify_result inspect_license(std::string_view text, const trust_store* trusted) noexcept {
  verify_result result;
  try {
    format::license_envelope envelope;
    if (!detail::read_license_steps(text, trusted, envelope, result)) return result;
    result.why = reason::ok;
    result.message = result.signature_valid ? "license " + result.license.id + ", signed by a trusted key"
                                            : "license " + result.license.id + " (signature not checked)";
  } catch (...) {
    result = verify_result{};
    result.why = reason::unreadable;
    result.message = "out of memory";
  }
  return result;
}

// Reads the file as verify_license_file does (at most 64 KiB; a larger one is malformed).
[[nodiscard]] inline verify_result inspect_license_file(const std::string& path, const trust_store* trusted) noexcept {
  return detail::check_file(path, [&](const std::string& text) { return inspect_license(text, trusted); });
}

}  // namespace airlock

#endif
