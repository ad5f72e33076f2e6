// SPDX-License-Identifier: MIT
// The version rule of FORMAT.md 8: the first table and its first key, `format`, are read before
// anything else, so a file of a later version is recognised even when nothing else of it parses.
#ifndef AIRLOCK_FORMAT_DETAIL_DECLARED_VERSION_HPP
#define AIRLOCK_FORMAT_DETAIL_DECLARED_VERSION_HPP

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "airlock/format/detail/toml_cursor.hpp"
#include "airlock/format/result.hpp"

namespace airlock::format::detail {

/// The only format version this reader knows.
inline constexpr std::int64_t known_format = 1;

/// Yields the lines of a text one by one, with their 1-based numbers.
class line_walker {
 public:
  explicit line_walker(std::string_view text) noexcept : text_(text) {}

  /// The next line without its LF, or false at the end of the text.
  bool next(std::string_view& line) noexcept {
    if (offset_ >= text_.size()) return false;
    const std::size_t newline = text_.find('\n', offset_);
    const std::size_t end = newline == std::string_view::npos ? text_.size() : newline;
    line = text_.substr(offset_, end - offset_);
    offset_ = end + 1;
    ++number_;
    return true;
  }
  [[nodiscard]] std::size_t number() const noexcept { return number_; }

 private:
  std::string_view text_;
  std::size_t offset_ = 0;
  std::size_t number_ = 0;
};

/// nullopt when `text` (normalized) declares format 1 in its first table, which must be `table`.
/// A canonical integer other than 1 is unsupported_version; anything else is malformed.
[[nodiscard]] inline std::optional<parse_error> check_declared_version(std::string_view text, std::string_view table) {
  const std::string header = "[" + std::string(table) + "]";
  line_walker lines(text);
  std::string_view line;
  bool more = lines.next(line);
  while (more && !line.empty() && line[0] == '#') more = lines.next(line);
  if (!more || line != header) {
    return parse_error{error_kind::malformed, more ? lines.number() : lines.number() + 1, 1,
                       "the first table must be " + header};
  }
  constexpr std::string_view key = "format = ";
  const bool has_line = lines.next(line);
  if (!has_line || line.substr(0, key.size()) != key) {
    return parse_error{error_kind::malformed, has_line ? lines.number() : lines.number() + 1, 1,
                       "the first key of " + header + " must be format"};
  }
  line_scanner scan(line.substr(key.size()));
  toml_value value;
  const std::size_t column = key.size() + 1;
  if (!scan.scan_value(value) || !scan.expect_end()) {
    return parse_error{error_kind::malformed, lines.number(),
                       column + column_of(line.substr(key.size()), scan.pos()) - 1, scan.message()};
  }
  if (value.kind != value_kind::integer) {
    return parse_error{error_kind::malformed, lines.number(), column, "format must be an integer"};
  }
  if (value.integer == known_format) return std::nullopt;
  return parse_error{error_kind::unsupported_version, lines.number(), column,
                     "unsupported format " + std::to_string(value.integer) + " (this reader knows format 1)"};
}

}  // namespace airlock::format::detail

#endif  // AIRLOCK_FORMAT_DETAIL_DECLARED_VERSION_HPP
