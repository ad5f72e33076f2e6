// SPDX-License-Identifier: MIT
// Reads the order file of `airlock issue --batch`: CSV (RFC 4180: commas,
// double-quoted fields with "" for a quote, CRLF or LF) with a header row
// naming the columns. A malformed row is reported with its line number and
// does not stop the other rows.
#ifndef AIRLOCK_GENERATOR_ORDERS_CSV_HPP
#define AIRLOCK_GENERATOR_ORDERS_CSV_HPP

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace airlock::generator {

struct csv_row {
  std::size_t line = 0;                      // 1-based line where the row starts
  std::map<std::string, std::string> cells;  // column name -> value
  std::string error;                         // non-empty: the row is unusable
};

struct csv_table {
  std::vector<std::string> columns;
  std::vector<csv_row> rows;
  std::string error;  // non-empty: the header itself is unusable
};

// Parses text into rows keyed by the header's column names. Only the names
// in `known` are accepted in the header; `required` must all be present.
csv_table parse_orders_csv(std::string_view text, const std::vector<std::string>& known,
                           const std::vector<std::string>& required);

}  // namespace airlock::generator

#endif
