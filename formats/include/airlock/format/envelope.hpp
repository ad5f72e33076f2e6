// SPDX-License-Identifier: MIT
// The signed license file: line-ending normalization, the body/signature split, the signed bytes.
#ifndef AIRLOCK_FORMAT_ENVELOPE_HPP
#define AIRLOCK_FORMAT_ENVELOPE_HPP

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "airlock/format/detail/declared_version.hpp"
#include "airlock/format/detail/toml_cursor.hpp"
#include "airlock/format/encoding.hpp"
#include "airlock/format/license_body.hpp"
#include "airlock/format/result.hpp"

namespace airlock::format {

/// Signed bytes = this prefix || body. The prefix keeps a license signature from ever being
/// valid for another kind of object signed with the same key.
inline constexpr std::string_view signed_message_prefix = "airlock-license-v1\n";

/// What tells the signed files apart (FORMAT.md 3.1, 11.1): the first table, read before anything
/// else, and the prefix of the signed message.
struct signed_kind {
  std::string_view first_table;
  std::string_view message_prefix;
};
inline constexpr signed_kind license_kind{"license", signed_message_prefix};
inline constexpr signed_kind revocations_kind{"revocations", "airlock-revocations-v1\n"};
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

/// A license file opened (FORMAT.md 3.2, steps 1-6): its body (every byte before the last
/// `[signature]` line) and the signature table after it. Nothing of the body is parsed yet.
struct license_envelope {
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

/// The bytes an Ed25519 signature of a file of this kind covers.
[[nodiscard]] inline std::string signed_message(const signed_kind& kind, std::string_view body) {
  std::string out(kind.message_prefix);
  out += body;
  return out;
}

/// The bytes an Ed25519 signature of a license covers.
[[nodiscard]] inline std::string signed_message(std::string_view body) { return signed_message(license_kind, body); }

namespace detail {

/// A future algorithm may have another table, so only its name is read before the three-line rule.
[[nodiscard]] inline bool is_algorithm_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 32) return false;
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

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

/// The algorithm line, then for ed25519 exactly the key_id and value lines and the end.
inline bool read_signature_table(std::string_view table, std::size_t first_line, signature_block& out,
                                 parse_error& error) {
  if (!table.empty() && table.back() == '\n') table.remove_suffix(1);  // the optional final LF
  line_walker lines(table);
  std::string_view line;
  std::string_view content;
  const auto fail = [&](std::size_t index, std::string message, error_kind kind = error_kind::malformed) {
    error = parse_error{kind, first_line + index, column_of(line, line.find('"') + 1), std::move(message)};
    return false;
  };
  const auto incomplete = [&](std::size_t index) {
    error = parse_error{error_kind::malformed, first_line + index, 1, "the signature table is incomplete"};
    return false;
  };
  if (!lines.next(line)) return incomplete(0);
  if (!match_signature_line(line, first_line, "algorithm", content, error)) return false;
  if (!is_algorithm_name(content)) return fail(0, "the algorithm name must be 1 to 32 of a-z, 0-9 and '-'");
  if (content != "ed25519") {
    return fail(0, "unsupported signature algorithm '" + std::string(content) + "' (this reader knows ed25519)",
                error_kind::unsupported_version);
  }
  if (!lines.next(line)) return incomplete(1);
  if (!match_signature_line(line, first_line + 1, "key_id", content, error)) return false;
  if (!is_lower_hex(content, 16)) return fail(1, "key_id must be 16 lowercase hex digits");
  out.key_id.assign(content);
  if (!lines.next(line)) return incomplete(2);
  if (!match_signature_line(line, first_line + 2, "value", content, error)) return false;
  const auto value = base64_decode_array<64>(content);
  if (!value) return fail(2, "value must be the canonical base64 of 64 bytes");
  out.value = *value;
  // Anything after the third line, even a blank line, would be unsigned text in the file.
  if (lines.next(line) || table.back() == '\n') {
    error = parse_error{error_kind::malformed, first_line + 3, 1, "unexpected text after the signature table"};
    return false;
  }
  return true;
}

inline bool open_normalized(std::string_view text, const signed_kind& kind, license_envelope& out, parse_error& error) {
  if (auto version = check_declared_version(text, kind.first_table)) {
    error = std::move(*version);
    return false;
  }
  const std::size_t at = find_signature_line(text);
  if (at == std::string_view::npos) {
    error = parse_error{error_kind::malformed, count_lines(text) + 1, 1, "missing [signature] line"};
    return false;
  }
  const std::string_view body = text.substr(0, at);
  const std::size_t signature_line = count_lines(body) + 1;
  const std::size_t table_start = std::min(at + signature_table_line.size() + 1, text.size());
  if (!read_signature_table(text.substr(table_start), signature_line + 1, out.signature, error)) return false;
  // The blank line before [signature] is part of the signed body: one signed spelling per license.
  if (body.size() < 2 || body.substr(body.size() - 2) != "\n\n") {
    error = parse_error{error_kind::malformed, signature_line, 1, "expected a blank line before [signature]"};
    return false;
  }
  out.body.assign(body);
  return true;
}

}  // namespace detail

/// Opens a signed file as stored (FORMAT.md 3.2, steps 1-6): size, normalization, the declared
/// version in the kind's first table, the split at the last `[signature]` line, the signature
/// table, the blank line that ends the body. The body is parsed after the signature check.
[[nodiscard]] inline parse_result<license_envelope> open_signed(std::string_view file_text,
                                                                const signed_kind& kind) noexcept {
  return detail::guarded(
      [&]() -> parse_result<license_envelope> {
        parse_result<license_envelope> result;
        if (auto early = detail::check_input_size(file_text)) {
          result.error = std::move(*early);
          return result;
        }
        license_envelope out;
        if (!detail::open_normalized(normalize_line_endings(file_text), kind, out, result.error)) return result;
        result.value = std::move(out);
        return result;
      },
      [] { return detail::out_of_memory<license_envelope>(); });
}

/// open_signed for a license file.
[[nodiscard]] inline parse_result<license_envelope> open_license(std::string_view file_text) noexcept {
  return open_signed(file_text, license_kind);
}

/// Steps 8-9: parses the body, then checks that it names the key that signed it
/// (error_kind::key_id_mismatch otherwise, at the signature's key_id line).
[[nodiscard]] inline parse_result<license> read_license_content(const license_envelope& envelope) noexcept {
  return detail::guarded(
      [&]() -> parse_result<license> {
        auto body = parse_license_body(envelope.body);
        if (body && body.value->key_id != envelope.signature.key_id) {
          const std::size_t line = detail::count_lines(envelope.body) + 3;
          body.error = parse_error{
              error_kind::key_id_mismatch, line, 11,
              "[license] names key " + body.value->key_id + " but the file is signed by " + envelope.signature.key_id};
          body.value.reset();
        }
        return body;
      },
      [] { return detail::out_of_memory<license>(); });
}

/// Reads a whole license file without checking its signature: open_license, then
/// read_license_content. Verify `signature.value` over `message` with the key named by
/// `signature.key_id` (the verifier does, between the two steps).
[[nodiscard]] inline parse_result<license_file> parse_license_file(std::string_view file_text) noexcept {
  return detail::guarded(
      [&]() -> parse_result<license_file> {
        parse_result<license_file> result;
        auto envelope = open_license(file_text);
        if (!envelope) {
          result.error = std::move(envelope.error);
          return result;
        }
        auto content = read_license_content(*envelope.value);
        if (!content) {
          result.error = std::move(content.error);
          return result;
        }
        result.value =
            license_file{std::move(*content.value), envelope.value->signature, signed_message(envelope.value->body)};
        return result;
      },
      [] { return detail::out_of_memory<license_file>(); });
}

}  // namespace airlock::format

#endif  // AIRLOCK_FORMAT_ENVELOPE_HPP
