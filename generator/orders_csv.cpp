// SPDX-License-Identifier: MIT
#include "generator/orders_csv.hpp"

#include <algorithm>
#include <cstring>

namespace airlock::generator {
namespace {

constexpr std::size_t chunk_bytes = 64 * 1024;
constexpr std::size_t max_column_name = 32;

bool is_column_name(const std::string& name) {
  return !name.empty() && name.size() <= max_column_name &&
         std::all_of(name.begin(), name.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

// Never echoes what a file holds beyond a plausible column name: a key or a
// passphrase file given as --batch must not end up on the screen.
std::string check_header(const std::vector<std::string>& columns, const std::vector<std::string>& known,
                         const std::vector<std::string>& required) {
  const auto is_known = [&](const std::string& name) {
    return std::find(known.begin(), known.end(), name) != known.end();
  };
  if (std::none_of(columns.begin(), columns.end(), is_known))
    return "not an orders file: the first line names none of the columns (licensee, product, request, ...)";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (!is_known(columns[i]))
      return is_column_name(columns[i]) ? "unknown column '" + columns[i] + "'"
                                        : "column " + std::to_string(i + 1) + " of the header is not a column name";
    if (std::find(columns.begin(), columns.begin() + static_cast<long>(i), columns[i]) !=
        columns.begin() + static_cast<long>(i))
      return "column '" + columns[i] + "' appears twice";
  }
  for (const auto& name : required)
    if (std::find(columns.begin(), columns.end(), name) == columns.end()) return "missing column '" + name + "'";
  return {};
}

}  // namespace

std::string excerpt(std::string_view text, std::size_t max) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (out.size() >= max) return out + "...";
    if (b >= 0x20 && b < 0x7f)
      out += c;
    else
      out += {'\\', 'x', digits[b >> 4], digits[b & 15]};
  }
  return out;
}

orders_reader::orders_reader(byte_source source, const std::vector<std::string>& known,
                             const std::vector<std::string>& required)
    : source_(std::move(source)) {
  if (peek() == 0xEF) {  // a spreadsheet's UTF-8 byte order mark
    const bool bom = buf_.size() - pos_ >= 3 && std::memcmp(buf_.data() + pos_, "\xEF\xBB\xBF", 3) == 0;
    if (bom) pos_ += 3;
  }
  if (peek() < 0) {
    header_error_ = "line 1: empty file, expected a header row";
    return;
  }
  record header;
  read_record(header);
  columns_ = std::move(header.fields);
  if (!header.error.empty())
    header_error_ = "line 1: not an orders file: " + header.error;
  else if (const std::string problem = check_header(columns_, known, required); !problem.empty())
    header_error_ = "line 1: " + problem;
}

int orders_reader::peek() {
  if (pos_ == buf_.size() && !at_end_) {
    buf_.resize(chunk_bytes);
    buf_.resize(source_(buf_.data(), buf_.size()));
    pos_ = 0;
    at_end_ = buf_.empty();
  }
  return pos_ < buf_.size() ? static_cast<unsigned char>(buf_[pos_]) : -1;
}

int orders_reader::get() {
  const int c = peek();
  if (c >= 0) ++pos_;
  return c;
}

void orders_reader::skip_line() {
  for (int c = get(); c >= 0 && c != '\n'; c = get()) {
  }
  ++line_;
}

// One record, honouring quotes (a quoted field may hold commas and line
// breaks); ends at an unquoted line end. False at the end of the input.
bool orders_reader::read_record(record& r) {
  r = record{};
  r.line = line_;
  if (peek() < 0) return false;
  std::string field;
  bool in_quotes = false, was_quoted = false;
  std::size_t bytes = 0;
  for (int c = get(); c >= 0; c = get()) {
    if (++bytes > max_row_bytes) {
      r.error = "row is longer than " + std::to_string(max_row_bytes) + " bytes";
      if (c != '\n') skip_line();
      return true;
    }
    if (in_quotes) {
      if (c == '"' && peek() == '"') {
        field += '"';
        get();
      } else if (c == '"') {
        in_quotes = false;
      } else {
        if (c == '\n') ++line_;
        field += static_cast<char>(c);
      }
    } else if (c == '"' && field.empty() && !was_quoted) {
      in_quotes = was_quoted = true;
    } else if (c == ',') {
      r.fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c == '\n' || (c == '\r' && peek() == '\n')) {
      if (c == '\r') get();
      ++line_;
      break;
    } else if (was_quoted) {
      r.error = "text after a closing quote";
    } else {
      field += static_cast<char>(c);
    }
  }
  if (in_quotes) r.error = "unterminated quoted field";
  r.fields.push_back(std::move(field));
  return true;
}

bool orders_reader::next(csv_row& row) {
  record r;
  do {
    if (!read_record(r)) return false;
  } while (r.fields.size() == 1 && r.fields[0].empty() && r.error.empty());  // a blank line
  row = csv_row{};
  row.line = r.line;
  row.error = r.error;
  if (row.error.empty() && r.fields.size() != columns_.size())
    row.error = "expected " + std::to_string(columns_.size()) + " fields, found " + std::to_string(r.fields.size());
  for (std::size_t i = 0; row.error.empty() && i < r.fields.size(); ++i)
    row.cells[columns_[i]] = std::move(r.fields[i]);
  return true;
}

csv_table parse_orders_csv(std::string_view text, const std::vector<std::string>& known,
                           const std::vector<std::string>& required) {
  byte_source from_text = [text](char* buf, std::size_t size) mutable {
    const std::size_t n = std::min(size, text.size());
    if (n > 0) std::memcpy(buf, text.data(), n);
    text.remove_prefix(n);
    return n;
  };
  orders_reader reader(from_text, known, required);
  csv_table table;
  table.columns = reader.columns();
  table.error = reader.header_error();
  if (!table.error.empty()) return table;
  for (csv_row row; reader.next(row);) table.rows.push_back(std::move(row));
  return table;
}

}  // namespace airlock::generator
