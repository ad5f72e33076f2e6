// SPDX-License-Identifier: MIT
// Reads the order file of `airlock issue --batch`: CSV (RFC 4180: commas,
// double-quoted fields with "" for a quote, CRLF or LF) with a header row
// naming the columns. Rows are read one at a time, so an order file of any
// size costs the memory of one row; a row is at most max_row_bytes. A
// malformed row is reported with its line number and does not stop the
// other rows.
#ifndef AIRLOCK_GENERATOR_ORDERS_CSV_HPP
#define AIRLOCK_GENERATOR_ORDERS_CSV_HPP

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace airlock::generator {

constexpr std::size_t max_row_bytes = 64 * 1024;

struct csv_row {
  std::size_t line = 0;                      // 1-based line where the row starts
  std::map<std::string, std::string> cells;  // column name -> value
  std::string error;                         // non-empty: the row is unusable
};

// Fills buf with up to size bytes and returns how many; 0 at the end.
using byte_source = std::function<std::size_t(char* buf, std::size_t size)>;

class orders_reader {
 public:
  // Reads the header. Only the names in `known` are accepted; `required`
  // must all be present. A header that is not one is header_error().
  orders_reader(byte_source source, const std::vector<std::string>& known, const std::vector<std::string>& required);
  const std::string& header_error() const { return header_error_; }
  const std::vector<std::string>& columns() const { return columns_; }
  // The next non-blank row; false at the end of the file.
  bool next(csv_row& row);

 private:
  struct record {
    std::size_t line = 0;
    std::vector<std::string> fields;
    std::string error;
  };
  bool read_record(record& r);
  int get();
  int peek();
  void skip_line();

  byte_source source_;
  std::string buf_;
  std::size_t pos_ = 0;
  bool at_end_ = false;
  std::size_t line_ = 1;
  std::vector<std::string> columns_;
  std::string header_error_;
};

struct csv_table {
  std::vector<std::string> columns;
  std::vector<csv_row> rows;
  std::string error;  // non-empty: the header itself is unusable
};

// The whole of an order file held in memory (tests, fuzzing).
csv_table parse_orders_csv(std::string_view text, const std::vector<std::string>& known,
                           const std::vector<std::string>& required);

// At most `max` bytes of text for a message: control and non-ASCII bytes as
// \xNN, so that what a file holds can never break the one-line rule.
std::string excerpt(std::string_view text, std::size_t max);

}  // namespace airlock::generator

#endif
