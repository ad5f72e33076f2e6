// SPDX-License-Identifier: MIT
#include "generator/orders_csv.hpp"

#include <algorithm>

namespace airlock::generator {
namespace {

struct record {
  std::size_t line = 0;
  std::vector<std::string> fields;
  std::string error;
};

// Splits the text into records, honouring quotes (a quoted field may hold
// commas and line breaks). Stops a record at an unquoted line end.
class record_reader {
 public:
  explicit record_reader(std::string_view text) : text_(text) {}
  bool done() const { return pos_ >= text_.size(); }

  record next() {
    record r;
    r.line = line_;
    std::string field;
    bool in_quotes = false, was_quoted = false;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (in_quotes) {
        if (c == '"' && peek() == '"') {
          field += '"';
          ++pos_;
        } else if (c == '"')
          in_quotes = false;
        else {
          if (c == '\n') ++line_;
          field += c;
        }
      } else if (c == '"' && field.empty() && !was_quoted) {
        in_quotes = was_quoted = true;
      } else if (c == ',') {
        r.fields.push_back(std::move(field));
        field.clear();
        was_quoted = false;
      } else if (c == '\n' || (c == '\r' && peek() == '\n')) {
        if (c == '\r') ++pos_;
        ++line_;
        break;
      } else if (was_quoted) {
        r.error = "text after a closing quote";
      } else {
        field += c;
      }
    }
    if (in_quotes) r.error = "unterminated quoted field";
    r.fields.push_back(std::move(field));
    return r;
  }

 private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

bool blank(const record& r) { return r.fields.size() == 1 && r.fields[0].empty() && r.error.empty(); }

std::string check_header(const std::vector<std::string>& columns, const std::vector<std::string>& known,
                         const std::vector<std::string>& required) {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (std::find(known.begin(), known.end(), columns[i]) == known.end()) return "unknown column '" + columns[i] + "'";
    if (std::find(columns.begin(), columns.begin() + static_cast<long>(i), columns[i]) !=
        columns.begin() + static_cast<long>(i))
      return "column '" + columns[i] + "' appears twice";
  }
  for (const auto& name : required)
    if (std::find(columns.begin(), columns.end(), name) == columns.end()) return "missing column '" + name + "'";
  return {};
}

}  // namespace

csv_table parse_orders_csv(std::string_view text, const std::vector<std::string>& known,
                           const std::vector<std::string>& required) {
  csv_table table;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // spreadsheet BOM
  record_reader reader(text);
  if (reader.done()) {
    table.error = "line 1: empty file, expected a header row";
    return table;
  }
  record header = reader.next();
  table.columns = header.fields;
  std::string problem = header.error.empty() ? check_header(table.columns, known, required) : header.error;
  if (!problem.empty()) {
    table.error = "line 1: " + problem;
    return table;
  }
  while (!reader.done()) {
    record r = reader.next();
    if (blank(r)) continue;
    csv_row row;
    row.line = r.line;
    row.error = r.error;
    if (row.error.empty() && r.fields.size() != table.columns.size())
      row.error =
          "expected " + std::to_string(table.columns.size()) + " fields, found " + std::to_string(r.fields.size());
    for (std::size_t i = 0; row.error.empty() && i < r.fields.size(); ++i) row.cells[table.columns[i]] = r.fields[i];
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace airlock::generator
