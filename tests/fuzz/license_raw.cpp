// SPDX-License-Identifier: MIT
// The product's license check on raw bytes: must never crash, hang or leak, whatever the file.
#include "airlock/verify.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const airlock::trust_store trusted = airlock::fuzz::test_trust_store();
  static const airlock::verify_options options = airlock::fuzz::fixed_options();
  const auto result = airlock::verify_license(airlock::fuzz::as_text(data, size), trusted, options);
  (void)result;
  return 0;
}
