// SPDX-License-Identifier: MIT
// The activation request reader (customer-supplied, untrusted text).
#include "airlock/format/request.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto result = airlock::format::parse_request(airlock::fuzz::as_text(data, size));
  (void)result;
  return 0;
}
