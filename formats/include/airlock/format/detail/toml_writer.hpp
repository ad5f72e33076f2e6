// SPDX-License-Identifier: MIT
// Writes values in the canonical TOML subset: the one spelling the parser accepts for each value.
#ifndef AIRLOCK_FORMAT_DETAIL_TOML_WRITER_HPP
#define AIRLOCK_FORMAT_DETAIL_TOML_WRITER_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/format/encoding.hpp"
#include "airlock/format/time.hpp"

namespace airlock::format::detail {

/// A basic string: short escapes where TOML has them, \u00xx for the other control characters,
/// everything else (including non-ASCII UTF-8) verbatim. Precondition: text is valid UTF-8.
inline void append_quoted(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (byte < 0x20 || byte == 0x7F) {
          out += "\\u00";
          out += hex_digits[byte >> 4];
          out += hex_digits[byte & 15];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

/// Accumulates `key = value` lines.
class toml_writer {
 public:
  void comment(std::string_view text) { ((out_ += "# ") += text) += '\n'; }
  void blank_line() { out_ += '\n'; }
  void table(std::string_view name) { ((out_ += '[') += name) += "]\n"; }

  void key(std::string_view name, std::string_view value) {
    append_quoted(key_start(name), value);
    out_ += '\n';
  }
  void key(std::string_view name, const char* value) { key(name, std::string_view(value)); }
  void key(std::string_view name, bool value) { key_start(name) += value ? "true\n" : "false\n"; }
  void key(std::string_view name, std::int64_t value) { key_start(name) += std::to_string(value) + '\n'; }
  void key(std::string_view name, const date& value) { key_start(name) += to_string(value) + '\n'; }
  void key(std::string_view name, utc_time value) { key_start(name) += to_string(value) + '\n'; }

  void key(std::string_view name, const std::vector<std::string>& values) {
    key_start(name) += '[';
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out_ += ", ";
      append_quoted(out_, values[i]);
    }
    out_ += "]\n";
  }

  [[nodiscard]] std::string take() { return std::move(out_); }

 private:
  std::string& key_start(std::string_view name) { return (out_ += name) += " = "; }

  std::string out_;
};

}  // namespace airlock::format::detail

#endif  // AIRLOCK_FORMAT_DETAIL_TOML_WRITER_HPP
