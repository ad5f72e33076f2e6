// SPDX-License-Identifier: MIT
// The batch orders CSV reader (generator/orders_csv.cpp), fed in small chunks so that the
// refill paths are reached too.
#include "generator/orders_csv.hpp"

#include <algorithm>
#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace airlock::generator;
  // The columns generator/batch_issue.cpp accepts.
  static const std::vector<std::string> known = {"licensee",      "product",         "id",     "not_before", "expires",
                                                 "updates_until", "features",        "limits", "meta",       "request",
                                                 "unbound",       "allow_container", "file"};
  static const std::vector<std::string> required = {"licensee"};
  (void)parse_orders_csv(std::string_view(reinterpret_cast<const char*>(data), size), known, required);
  std::size_t pos = 0;
  const std::size_t chunk = size == 0 ? 1 : 1 + data[0] % 7;
  orders_reader reader(
      [&](char* buf, std::size_t room) {
        const std::size_t n = std::min({room, chunk, size - pos});
        std::memcpy(buf, data + pos, n);
        pos += n;
        return n;
      },
      known, required);
  csv_row row;
  for (int rows = 0; reader.header_error().empty() && rows < 10000 && reader.next(row); ++rows) {
  }
  return 0;
}
