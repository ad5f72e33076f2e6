// SPDX-License-Identifier: MIT
// The signed license file: line-ending normalization, the body/signature split, the signed bytes.
#ifndef AIRLOCK_FORMAT_ENVELOPE_HPP
#define AIRLOCK_FORMAT_ENVELOPE_HPP

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "airlock/format/detail/toml_cursor.hpp"
#include "airlock/format/encoding.hpp"
#include "airlock/format/license_body.hpp"
#include "airlock/format/result.hpp"

namespace airlock::format {

/// Signed bytes = this prefix || body. The prefix keeps a license signature from ever being
/// valid for another kind of object signed with the same key.
inline constexpr std::string_view signed_message_prefix = "airlock-license-v1\n";
inline constexpr std::string_view signature_table_line = "[signature]";

struct signature_block {
  std::string algorithm = "ed25519";
  std::string key_id;  ///< 16 lowercase hex digits
  std::array<std::uint8_t, 64> value{};
};

[[nodiscard]] inline bool operator==(const signature_block& a, const signature_block& b) {
  return a.algorithm == b.algorithm && a.key_id == b.key_id && a.value == b.value;
}
[[nodiscard]] inline bool operator!=(const signature_block& a, const signature_block& b) { return !(a == b); }

/// A license file cut in two: the body (every byte before the last `[signature]` line) and the
/// signature table after it.
struct split_file {
  std::string body;
  signature_block signature;
};

/// A license file read completely: the license, its signature, and the bytes that signature covers.
struct license_file {
  license content;
  signature_block signature;
  std::string message;  ///< signed_message(body): what to check the signature against
};

/// Drops a leading UTF-8 BOM and turns every CRLF into LF, so that a file that went through
/// Windows tools still verifies. A lone CR is kept (and later rejected).
[[nodiscard]] inline std::string normalize_line_endings(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) out += text[i];
  }
  return out;
}

/// The bytes an Ed25519 signature of a license covers.
[[nodiscard]] inline std::string signed_message(std::string_view body) {
  std::string out(signed_message_prefix);
  out += body;
  return out;
}

namespace detail {

/// Matches `<key> = "<content>"` exactly and returns the content; on failure reports the column
/// of the first byte that differs.
inline bool match_signature_line(std::string_view line, std::size_t line_number, std::string_view key,
                                 std::string_view& content, parse_error& error) {
  const std::string head = std::string(key) + " = \"";
  std::size_t same = 0;
  while (same < head.size() && same < line.size() && line[same] == head[same]) ++same;
  const bool closed = line.size() > head.size() && line.back() == '"';
  if (same < head.size() || !closed) {
    const std::size_t at = same < head.size() ? same : line.size();
    error = parse_error{error_kind::malformed, line_number, column_of(line, at),
                        "expected '" + head + "...\"' in the signature table"};
    return false;
  }
  content = line.substr(head.size(), line.size() - head.size() - 1);
  return true;
}

inline bool read_signature_lines(std::string_view lines[3], std::size_t first_line, signature_block& out,
                                 parse_error& error) {
  std::string_view content;
  const auto fail = [&](std::size_t index, std::string message, error_kind kind = error_kind::malformed) {
    error =
        parse_error{kind, first_line + index, column_of(lines[index], lines[index].find('"') + 1), std::move(message)};
    return false;
  };
  if (!match_signature_line(lines[0], first_line, "algorithm", content, error)) return false;
  if (content != "ed25519") {
    return fail(0, "unsupported signature algorithm (this reader knows ed25519)", error_kind::unsupported_version);
  }
  if (!match_signature_line(lines[1], first_line + 1, "key_id", content, error)) return false;
  if (!is_lower_hex(content, 16)) return fail(1, "key_id must be 16 lowercase hex digits");
  out.key_id.assign(content);
  if (!match_signature_line(lines[2], first_line + 2, "value", content, error)) return false;
  const auto value = base64_decode_array<64>(content);
  if (!value) return fail(2, "value must be the canonical base64 of 64 bytes");
  out.value = *value;
  return true;
}

/// Offset of the start of the last line that is exactly [signature], or npos.
[[nodiscard]] inline std::size_t find_signature_line(std::string_view text) noexcept {
  std::size_t found = std::string_view::npos;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t newline = text.find('\n', start);
    const std::size_t end = newline == std::string_view::npos ? text.size() : newline;
    if (text.substr(start, end - start) == signature_table_line) found = start;
    start = end + 1;
  }
  return found;
}

[[nodiscard]] inline std::size_t count_lines(std::string_view text) noexcept {
  std::size_t lines = 0;
  for (const char c : text) lines += c == '\n' ? 1 : 0;
  return lines;
}

inline bool split_signature_table(std::string_view table, std::size_t first_line, signature_block& out,
                                  parse_error& error) {
  if (!table.empty() && table.back() == '\n') table.remove_suffix(1);  // the optional final LF
  std::string_view lines[3];
  std::size_t count = 0;
  for (std::size_t start = 0; !table.empty() && count < 4;) {
    const std::size_t newline = table.find('\n', start);
    const std::size_t end = newline == std::string_view::npos ? table.size() : newline;
    // Anything after the third line, even a blank line, would be unsigned text in the file.
    if (count == 3) {
      error = parse_error{error_kind::malformed, first_line + 3, 1, "unexpected text after the signature table"};
      return false;
    }
    lines[count++] = table.substr(start, end - start);
    if (newline == std::string_view::npos) break;
    start = newline + 1;
  }
  if (count < 3) {
    error = parse_error{error_kind::malformed, first_line + count, 1, "the signature table is incomplete"};
    return false;
  }
  return read_signature_lines(lines, first_line, out, error);
}

}  // namespace detail

/// Splits normalized text at the last line that is exactly [signature]. The body keeps the LF
/// that ends the line before it. After [signature] come exactly three lines (algorithm, key_id,
/// value) and the end of the file, with one optional final LF.
[[nodiscard]] inline parse_result<split_file> split_license(std::string_view normalized_text) noexcept {
  return detail::guarded(
      [&]() -> parse_result<split_file> {
        parse_result<split_file> result;
        if (normalized_text.size() > max_input_size) {
          result.error = parse_error{error_kind::malformed, 1, 1, "input larger than 65536 bytes"};
          return result;
        }
        const std::size_t at = detail::find_signature_line(normalized_text);
        if (at == std::string_view::npos) {
          const std::size_t last = detail::count_lines(normalized_text) + 1;
          result.error = parse_error{error_kind::malformed, last, 1, "missing [signature] line"};
          return result;
        }
        const std::string_view body = normalized_text.substr(0, at);
        const std::size_t table_start = std::min(at + signature_table_line.size() + 1, normalized_text.size());
        const std::string_view table = normalized_text.substr(table_start);
        split_file out;
        const std::size_t first_line = detail::count_lines(body) + 2;
        if (!detail::split_signature_table(table, first_line, out.signature, result.error)) return result;
        out.body.assign(body);
        result.value = std::move(out);
        return result;
      },
      [] { return detail::out_of_memory<split_file>(); });
}

/// The signature table as written after a body: `[signature]` and three lines, final LF included.
[[nodiscard]] inline write_result write_signature_block(const signature_block& block) noexcept {
  return detail::guarded(
      [&]() -> write_result {
        if (block.algorithm != "ed25519") return write_result{{}, "algorithm must be ed25519"};
        if (!is_lower_hex(block.key_id, 16)) return write_result{{}, "key_id must be 16 lowercase hex digits"};
        std::string out(signature_table_line);
        out += "\nalgorithm = \"ed25519\"\nkey_id = \"" + block.key_id + "\"\nvalue = \"" + base64_encode(block.value) +
               "\"\n";
        return write_result{std::move(out), {}};
      },
      []() -> write_result {
        return write_result{{}, "out of memory"};
      });
}

/// Reads a whole license file as stored: size check, normalization, split, body parse, and the
/// rule that the body's key_id equals the signature's. Does not check the signature itself:
/// verify `signature.value` over `message` with the key named by `signature.key_id`.
[[nodiscard]] inline parse_result<license_file> parse_license_file(std::string_view file_text) noexcept {
  return detail::guarded(
      [&]() -> parse_result<license_file> {
        parse_result<license_file> result;
        if (file_text.size() > max_input_size) {
          result.error = parse_error{error_kind::malformed, 1, 1, "input larger than 65536 bytes"};
          return result;
        }
        auto split = split_license(normalize_line_endings(file_text));
        if (!split) {
          result.error = std::move(split.error);
          return result;
        }
        auto body = parse_license_body(split.value->body);
        if (!body) {
          result.error = std::move(body.error);
          return result;
        }
        if (body.value->key_id != split.value->signature.key_id) {
          const std::size_t line = detail::count_lines(split.value->body) + 3;
          result.error = parse_error{error_kind::malformed, line, 11, "key_id differs from the key_id of [license]"};
          return result;
        }
        result.value = license_file{std::move(*body.value), split.value->signature, signed_message(split.value->body)};
        return result;
      },
      [] { return detail::out_of_memory<license_file>(); });
}

}  // namespace airlock::format

#endif  // AIRLOCK_FORMAT_ENVELOPE_HPP
