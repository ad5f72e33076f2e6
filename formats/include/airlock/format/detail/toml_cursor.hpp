// SPDX-License-Identifier: MIT
// Splits a canonical-TOML document into lines and yields its table headers and key/value pairs.
#ifndef AIRLOCK_FORMAT_DETAIL_TOML_CURSOR_HPP
#define AIRLOCK_FORMAT_DETAIL_TOML_CURSOR_HPP

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "airlock/format/detail/toml_lexer.hpp"
#include "airlock/format/result.hpp"

namespace airlock::format::detail {

struct toml_item {
  enum class type { table, key_value, end };
  type kind = type::end;
  std::string name;  ///< table name (dotted) or key
  toml_value value;
  std::size_t line = 0;
  std::size_t column = 1;        ///< where the name (or '[') starts
  std::size_t value_column = 1;  ///< where the value starts
};

/// 1-based column of byte offset `pos` in `line`, counting code points (continuation bytes skipped).
[[nodiscard]] inline std::size_t column_of(std::string_view line, std::size_t pos) noexcept {
  std::size_t column = 1;
  for (std::size_t i = 0; i < pos && i < line.size(); ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++column;
  }
  return column;
}

/// A pull parser: peek() yields the next header or key/value, skipping blank and comment lines.
/// Reading stops at the first error, which stays available through error().
class toml_cursor {
 public:
  explicit toml_cursor(std::string_view text) noexcept : text_(text) {}

  /// The next item, or nullptr once an error has been recorded.
  [[nodiscard]] const toml_item* peek() {
    while (!error_ && !has_item_) read_item();
    return error_ ? nullptr : &item_;
  }

  /// Moves the current item out and advances past it.
  toml_item take() {
    has_item_ = false;
    return std::move(item_);
  }

  [[nodiscard]] bool failed() const noexcept { return error_.has_value(); }
  [[nodiscard]] const std::optional<parse_error>& error() const noexcept { return error_; }

  /// Records the first error only: later ones are consequences of it.
  bool fail_at(std::size_t line, std::size_t column, std::string message, error_kind kind = error_kind::malformed) {
    if (!error_) error_ = parse_error{kind, line, column, std::move(message)};
    return false;
  }

 private:
  void read_item() {
    if (offset_ >= text_.size()) {
      item_ = toml_item{};
      item_.line = line_number_ + 1;
      has_item_ = true;
      return;
    }
    const std::size_t newline = text_.find('\n', offset_);
    ++line_number_;
    if (line_number_ > max_lines) {
      fail_at(line_number_, 1, "more than 1024 lines");
      return;
    }
    const std::size_t end = newline == std::string_view::npos ? text_.size() : newline;
    const std::string_view line = text_.substr(offset_, end - offset_);
    offset_ = end + 1;
    if (newline == std::string_view::npos) {
      fail_at(line_number_, column_of(line, line.size()), "missing line feed at end of input");
      return;
    }
    parse_line(line);
  }

  /// Comments only before the first table; exactly one blank line before each later table
  /// header and at most one at the end. Then every document has one layout, and turning a data
  /// line into a comment or a blank line can never pass unnoticed.
  void parse_line(std::string_view line) {
    if (line.empty()) {
      if (!seen_table_) {
        fail_at(line_number_, 1, "blank lines are not allowed before the first table");
      } else if (blank_lines_++ == 1) {
        fail_at(line_number_, 1, "more than one blank line");
      }
      return;
    }
    line_scanner scan(line);
    bool ok = true;
    const char first = line[0];
    if (first == '#' && seen_table_) {
      ok = scan.fail("comments are allowed only before the first table");
    } else if (first == '#') {
      ok = scan_comment(line, scan);
    } else if (first == '[') {
      ok = scan_header(scan);
    } else if (is_bare_key_char(first)) {
      ok = scan_key_value(line, scan);
    } else if (first == ' ' && line.find_first_not_of(' ') == std::string_view::npos) {
      ok = scan.fail("trailing whitespace");
    } else if (first == ' ') {
      ok = scan.fail("indentation is not allowed");
    } else if (first == '"') {
      ok = scan.fail("quoted keys are not allowed");
    } else {
      ok = scan.fail_expected("a table header, a key or a comment");
    }
    if (!ok) {
      fail_at(line_number_, column_of(line, scan.pos()), scan.message());
    } else if (has_item_) {
      check_layout();
    }
  }

  void check_layout() {
    const bool table = item_.kind == toml_item::type::table;
    if (!table && blank_lines_ > 0) {
      fail_at(line_number_ - 1, 1, "blank lines are allowed only before a table header");
    } else if (table && seen_table_ && blank_lines_ == 0) {
      fail_at(line_number_, 1, "expected one blank line before a table header");
    }
    seen_table_ = seen_table_ || table;
    blank_lines_ = 0;
  }

  /// Comments may hold any UTF-8 text but, unlike TOML, no tab.
  static bool scan_comment(std::string_view line, line_scanner& scan) {
    for (std::size_t pos = 0; pos < line.size();) {
      const auto byte = static_cast<unsigned char>(line[pos]);
      const std::size_t length = utf8_sequence_length(line, pos);
      if (length == 0) return scan.fail_at(pos, "invalid UTF-8");
      if (byte < 0x20 || byte == 0x7F) return scan.fail_at(pos, describe_char(line[pos]) + " in a comment");
      pos += length;
    }
    return true;
  }

  bool scan_header(line_scanner& scan) {
    item_ = toml_item{};
    item_.kind = toml_item::type::table;
    item_.line = line_number_;
    scan.expect("[", "'['");
    if (scan.peek() == '[') return scan.fail("arrays of tables are not allowed");
    std::string part;
    while (true) {
      if (!scan.scan_bare_key(part)) return false;
      item_.name += part;
      if (scan.peek() != '.') break;
      item_.name += '.';
      scan.expect(".", "'.'");
    }
    if (!scan.expect("]", "']'") || !scan.expect_end()) return false;
    has_item_ = true;
    return true;
  }

  bool scan_key_value(std::string_view line, line_scanner& scan) {
    item_ = toml_item{};
    item_.kind = toml_item::type::key_value;
    item_.line = line_number_;
    if (!scan.scan_bare_key(item_.name)) return false;
    if (scan.peek() == '.') return scan.fail("dotted keys are not allowed");
    if (!scan.expect(" = ", "' = ' (one space on each side)")) return false;
    item_.value_column = column_of(line, scan.pos());
    if (!scan.scan_value(item_.value) || !scan.expect_end()) return false;
    has_item_ = true;
    return true;
  }

  std::string_view text_;
  std::size_t offset_ = 0;
  std::size_t line_number_ = 0;
  toml_item item_;
  bool has_item_ = false;
  bool seen_table_ = false;
  std::size_t blank_lines_ = 0;  ///< blank lines since the last item
  std::optional<parse_error> error_;
};

}  // namespace airlock::format::detail

#endif  // AIRLOCK_FORMAT_DETAIL_TOML_CURSOR_HPP
