// SPDX-License-Identifier: MIT
// The revocation list as a product gets it (FORMAT.md 11): read, checked for trust and age, and
// searched for a license, on raw bytes. Must never crash, hang or leak; a list that reads must
// read the same a second time, and an accepted list must be the one that was parsed.
#include <cstdlib>

#include "airlock/detail/revocation_check.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace d = airlock::detail;
  static const airlock::trust_store trusted = airlock::fuzz::test_trust_store();
  const std::string_view text = airlock::fuzz::as_text(data, size);
  airlock::verify_options options = airlock::fuzz::fixed_options();
  options.product = "acme-studio";
  options.revocation_list = std::string(text);
  airlock::format::license lic;
  lic.id = "0b8e4c52a7f94d1e9c3a6b2d5f708e41";
  lic.min_revocation_sequence = 2;
  const d::revocation_verdict verdict = d::check_revocations(trusted, options, 1, lic);
  const auto opened = airlock::format::open_revocation_list(text);
  if (opened.ok()) {
    const auto first = airlock::format::read_revocations_content(*opened.value);
    const auto again = airlock::format::read_revocations_content(*opened.value);
    if (first.ok() != again.ok() || (first.ok() && *first.value != *again.value)) std::abort();
    if (verdict.accepted_sequence != 0 && (!first.ok() || first.value->sequence != verdict.accepted_sequence)) {
      std::abort();
    }
  } else if (verdict.accepted_sequence != 0) {
    std::abort();
  }
  return 0;
}
