// SPDX-License-Identifier: MIT
// Scans the values of the canonical TOML subset within one line (see FORMAT.md, "Grammar").
#ifndef AIRLOCK_FORMAT_DETAIL_TOML_LEXER_HPP
#define AIRLOCK_FORMAT_DETAIL_TOML_LEXER_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/format/encoding.hpp"
#include "airlock/format/result.hpp"
#include "airlock/format/time.hpp"

namespace airlock::format::detail {

inline constexpr std::size_t max_key_size = 64;

enum class value_kind { string, integer, boolean, date, date_time, string_array };

[[nodiscard]] inline std::string_view kind_name(value_kind kind) noexcept {
  switch (kind) {
    case value_kind::string: return "a string";
    case value_kind::integer: return "an integer";
    case value_kind::boolean: return "a boolean";
    case value_kind::date: return "a date";
    case value_kind::date_time: return "a date-time";
    case value_kind::string_array: return "an array of strings";
  }
  return "a value";
}

struct toml_value {
  value_kind kind = value_kind::string;
  std::string text;
  std::int64_t integer = 0;
  bool boolean = false;
  date day{};
  utc_time instant{};
  std::vector<std::string> strings;
};

[[nodiscard]] inline bool is_bare_key_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/// Names a character for an error message.
[[nodiscard]] inline std::string describe_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (c == '\t') return "a tab (tabs are not allowed)";
  if (c == ' ') return "a space";
  if (byte < 0x20 || byte == 0x7F) {
    constexpr std::string_view upper_hex = "0123456789ABCDEF";  // U+ notation is uppercase
    std::string out = "control character U+00";
    out += upper_hex[byte >> 4];
    out += upper_hex[byte & 15];
    return out;
  }
  if (byte >= 0x80) return "a non-ASCII character";
  return std::string("'") + c + "'";
}

/// Scans one line (without its LF). On failure message() says why and pos() is where.
class line_scanner {
 public:
  explicit line_scanner(std::string_view line) noexcept : line_(line) {}

  [[nodiscard]] std::size_t pos() const noexcept { return pos_; }
  [[nodiscard]] const std::string& message() const noexcept { return message_; }
  [[nodiscard]] bool at_end() const noexcept { return pos_ >= line_.size(); }
  [[nodiscard]] char peek() const noexcept { return at_end() ? '\0' : line_[pos_]; }

  bool fail(std::string message) {
    message_ = std::move(message);
    return false;
  }

  bool fail_at(std::size_t pos, std::string message) {
    pos_ = pos;
    return fail(std::move(message));
  }

  /// Fails with "expected <what>, found ..." at the current position.
  bool fail_expected(std::string_view what) {
    const std::string found = at_end() ? std::string("end of line") : describe_char(line_[pos_]);
    return fail("expected " + std::string(what) + ", found " + found);
  }

  bool expect(std::string_view literal, std::string_view what) {
    for (const char c : literal) {
      if (peek() != c || at_end()) return fail_expected(what);
      ++pos_;
    }
    return true;
  }

  /// The line must end here; trailing spaces get their own message because they are invisible.
  bool expect_end() {
    if (at_end()) return true;
    if (line_.find_first_not_of(' ', pos_) == std::string_view::npos) return fail("trailing whitespace");
    return fail_expected("end of line");
  }

  bool scan_bare_key(std::string& out) {
    const std::size_t start = pos_;
    while (!at_end() && is_bare_key_char(line_[pos_])) ++pos_;
    if (pos_ == start) return fail_expected("a bare key");
    if (pos_ - start > max_key_size) {
      pos_ = start;
      return fail("key longer than 64 characters");
    }
    out.assign(line_.substr(start, pos_ - start));
    return true;
  }

  bool scan_value(toml_value& out) {
    const char c = peek();
    if (c == '"') {
      out.kind = value_kind::string;
      return scan_string(out.text);
    }
    if (c == '[') {
      out.kind = value_kind::string_array;
      return scan_string_array(out.strings);
    }
    if (c == '\'') return fail("literal strings are not allowed, use a basic string");
    if (c == '{') return fail("inline tables are not allowed");
    return scan_token(out);
  }

 private:
  bool scan_string(std::string& out) {
    if (line_.substr(pos_, 3) == "\"\"\"") return fail("multi-line strings are not allowed");
    ++pos_;
    out.clear();
    while (true) {
      if (at_end()) return fail("unterminated string");
      const auto byte = static_cast<unsigned char>(line_[pos_]);
      if (byte == '"') break;
      if (byte == '\\') {
        if (!scan_escape(out)) return false;
      } else if (byte < 0x20 || byte == 0x7F) {
        return fail(describe_char(line_[pos_]) + " must be escaped in a string");
      } else {
        const std::size_t length = utf8_sequence_length(line_, pos_);
        if (length == 0) return fail("invalid UTF-8");
        out.append(line_.substr(pos_, length));
        pos_ += length;
      }
      if (out.size() > max_string_size) return fail("string longer than 1024 bytes");
    }
    ++pos_;
    return true;
  }

  /// Exactly one escape per character: the short forms, and \u00XX (lowercase hex) only for the
  /// other control characters. Anything else would give one string two spellings.
  bool scan_escape(std::string& out) {
    const std::string_view shorts = "\"\\btnfr";
    const std::string_view decoded = "\"\\\b\t\n\f\r";
    const char c = pos_ + 1 < line_.size() ? line_[pos_ + 1] : '\0';
    const std::size_t index = shorts.find(c);
    if (c != '\0' && index != std::string_view::npos) {
      out += decoded[index];
      pos_ += 2;
      return true;
    }
    if (c != 'u') return fail("invalid escape sequence");
    const std::string_view digits = line_.substr(pos_ + 2, 4);
    const auto bytes = hex_decode(digits);
    if (digits.size() != 4 || !bytes) return fail("\\u must be followed by four lowercase hex digits");
    const int code = (*bytes)[0] * 256 + (*bytes)[1];
    const bool has_short_form = code < 0x20 && decoded.find(static_cast<char>(code)) != std::string_view::npos;
    if (!(code < 0x20 || code == 0x7F) || has_short_form) {
      return fail("non-canonical escape: only control characters without a short escape use \\u");
    }
    out += static_cast<char>(code);
    pos_ += 6;
    return true;
  }

  bool scan_string_array(std::vector<std::string>& out) {
    ++pos_;
    out.clear();
    if (peek() == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      if (peek() != '"') return fail_expected("a string (arrays hold strings only, on one line)");
      if (out.size() == max_array_size) return fail("array has more than 1024 entries");
      out.emplace_back();
      if (!scan_string(out.back())) return false;
      if (peek() == ']') break;
      if (!expect(", ", "', ' or ']'")) return false;
    }
    ++pos_;
    return true;
  }

  static bool is_token_char(char c) noexcept { return is_bare_key_char(c) || c == ':' || c == '+' || c == '.'; }

  bool scan_token(toml_value& out) {
    const std::size_t start = pos_;
    while (!at_end() && is_token_char(line_[pos_])) ++pos_;
    const std::string_view token = line_.substr(start, pos_ - start);
    if (token.empty()) return fail_expected("a value");
    const std::size_t end = pos_;
    pos_ = start;
    if (!classify_token(token, out)) return false;
    pos_ = end;
    return true;
  }

  bool classify_token(std::string_view token, toml_value& out) {
    if (token == "true" || token == "false") {
      out.kind = value_kind::boolean;
      out.boolean = token == "true";
      return true;
    }
    if (token.size() >= 10 && token[4] == '-' && token[7] == '-') return scan_date_token(token, out);
    if (token == "inf" || token == "nan" || token.find_first_of(".eE") != std::string_view::npos) {
      return fail("floats are not allowed");
    }
    return scan_integer_token(token, out);
  }

  bool scan_date_token(std::string_view token, toml_value& out) {
    if (token.size() == 10) {
      const auto day = parse_date(token);
      if (!day) return fail("invalid date (expected a real date as YYYY-MM-DD)");
      out.kind = value_kind::date;
      out.day = *day;
      return true;
    }
    const auto instant = parse_utc_time(token);
    if (!instant) {
      if (token.size() > 19 && token[19] == '.') return fail("fractional seconds are not allowed");
      return fail("invalid date-time (expected YYYY-MM-DDTHH:MM:SSZ in UTC)");
    }
    out.kind = value_kind::date_time;
    out.instant = *instant;
    return true;
  }

  bool scan_integer_token(std::string_view token, toml_value& out) {
    const bool negative = token[0] == '-';
    const std::string_view digits = token.substr(negative ? 1 : 0);
    if (token[0] == '+') return fail("a leading '+' is not allowed");
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
      if (digits.find('_') != std::string_view::npos) return fail("underscores in integers are not allowed");
      return fail("expected a value (string, integer, boolean, date, date-time or array of strings)");
    }
    if (digits.size() > 1 && digits[0] == '0') return fail("leading zeros are not allowed");
    if (negative && digits == "0") return fail("-0 is not allowed, write 0");
    const std::uint64_t limit = negative ? std::uint64_t{1} << 63 : (std::uint64_t{1} << 63) - 1;
    std::uint64_t value = 0;
    for (const char c : digits) {
      const auto digit = static_cast<std::uint64_t>(c - '0');
      if (value > (limit - digit) / 10) return fail("integer out of range");
      value = value * 10 + digit;
    }
    out.kind = value_kind::integer;
    // -(value - 1) - 1 reaches INT64_MIN without overflowing.
    out.integer = negative ? -static_cast<std::int64_t>(value - 1) - 1 : static_cast<std::int64_t>(value);
    return true;
  }

  std::string_view line_;
  std::size_t pos_ = 0;
  std::string message_;
};

}  // namespace airlock::format::detail

#endif  // AIRLOCK_FORMAT_DETAIL_TOML_LEXER_HPP
