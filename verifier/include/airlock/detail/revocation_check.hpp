// SPDX-License-Identifier: MIT
// A license against the vendor's revocation list (FORMAT.md 11.2): the list must be a trusted list
// for this product, no older than one already accepted or than the license requires, and must not
// name the license.
#ifndef AIRLOCK_DETAIL_REVOCATION_CHECK_HPP
#define AIRLOCK_DETAIL_REVOCATION_CHECK_HPP

#include <cstdint>
#include <string>

#include "airlock/detail/bounded_read.hpp"
#include "airlock/format/license.hpp"
#include "airlock/format/revocations.hpp"
#include "airlock/reason.hpp"
#include "airlock/trust_store.hpp"
#include "airlock/verify_result.hpp"

namespace airlock::detail {

struct revocation_verdict {
  reason why = reason::ok;
  std::string message;
  std::int64_t accepted_sequence = 0;  // the list's sequence once it is trusted; 0: none
};

[[nodiscard]] inline revocation_verdict revocation_failure(reason why, std::string message) {
  return revocation_verdict{why, std::move(message), 0};
}

[[nodiscard]] inline revocation_verdict invalid_list(std::string_view cause, const std::string& detail) {
  return revocation_failure(reason::revocation_list_invalid, "revocation list: " + std::string(cause) + ": " + detail);
}

// Steps 1-9 of FORMAT.md 3.2 for a list, then its product: everything that makes it trusted.
[[nodiscard]] inline revocation_verdict read_trusted_list(std::string_view text, const trust_store& trusted,
                                                          const std::string& product, format::revocation_list& out) {
  const auto located = [](const format::parse_error& e) {
    return "line " + std::to_string(e.line) + ", column " + std::to_string(e.column) + ": " + e.message;
  };
  auto opened = format::open_revocation_list(text);
  if (!opened.ok()) return invalid_list(format::to_string(opened.error.kind), located(opened.error));
  const format::license_envelope& envelope = *opened.value;
  const ed25519::public_key* key = trusted.find(envelope.signature.key_id);
  if (key == nullptr) {
    return invalid_list("unknown_key", "signed by key " + envelope.signature.key_id + ", which is not trusted here");
  }
  const std::string message = format::signed_message(format::revocations_kind, envelope.body);
  if (!key->verify(reinterpret_cast<const std::uint8_t*>(message.data()), message.size(),
                   envelope.signature.value.data(), envelope.signature.value.size())) {
    return invalid_list("bad_signature", "the signature does not match the list (was it edited?)");
  }
  auto content = format::read_revocations_content(envelope);
  if (!content.ok()) return invalid_list(format::to_string(content.error.kind), located(content.error));
  out = std::move(*content.value);
  if (out.product != product) {
    return invalid_list("wrong_product", "the list is for '" + out.product + "', not '" + product + "'");
  }
  return {};
}

[[nodiscard]] inline bool read_list_text(const verify_options& options, std::string& text, revocation_verdict& v) {
  if (!options.revocation_list.empty() && !options.revocation_list_file.empty()) {
    v = invalid_list("usage", "give the list as text or as a file, not both");
    return false;
  }
  if (options.revocation_list_file.empty()) {
    text = options.revocation_list;
    return true;
  }
  verify_result io;
  if (read_capped(options.revocation_list_file, text, io, "revocation list")) return true;
  v = invalid_list(to_string(io.why), io.message);
  return false;
}

// `seen` is the sequence kept in the clock-state file (0: none). Never throws past its caller's
// guard; allocates no more than the 64 KiB list.
[[nodiscard]] inline revocation_verdict check_revocations(const trust_store& trusted, const verify_options& options,
                                                          std::int64_t seen, const format::license& lic) {
  const bool given = !options.revocation_list.empty() || !options.revocation_list_file.empty();
  const std::int64_t required = lic.min_revocation_sequence.value_or(0);
  if (!given) {
    if (required == 0) return {};
    return revocation_failure(
        reason::revocation_list_stale,
        "the license needs revocation list " + std::to_string(required) + " or newer, and none was given");
  }
  revocation_verdict verdict;
  std::string text;
  if (!read_list_text(options, text, verdict)) return verdict;
  format::revocation_list list;
  verdict = read_trusted_list(text, trusted, options.product, list);
  if (verdict.why != reason::ok) return verdict;
  const std::string number = "revocation list " + std::to_string(list.sequence);
  if (list.sequence < seen) {
    return revocation_failure(reason::revocation_list_stale,
                              number + " is older than list " + std::to_string(seen) + ", already seen here");
  }
  if (list.sequence < required) {
    return revocation_failure(reason::revocation_list_stale,
                              number + " is older than list " + std::to_string(required) + ", which the license needs");
  }
  verdict.accepted_sequence = list.sequence;
  if (list.lists(lic.id)) {
    verdict.why = reason::revoked;
    verdict.message =
        "the vendor revoked license " + lic.id + " (" + number + " of " + format::to_string(list.issued) + ")";
  }
  return verdict;
}

}  // namespace airlock::detail

#endif
