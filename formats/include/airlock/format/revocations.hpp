// SPDX-License-Identifier: MIT
// The signed revocation list (FORMAT.md 11): which license ids of a product the vendor revoked.
#ifndef AIRLOCK_FORMAT_REVOCATIONS_HPP
#define AIRLOCK_FORMAT_REVOCATIONS_HPP

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/format/detail/toml_schema.hpp"
#include "airlock/format/detail/toml_writer.hpp"
#include "airlock/format/envelope.hpp"
#include "airlock/format/license_body.hpp"
#include "airlock/format/result.hpp"
#include "airlock/format/time.hpp"

namespace airlock::format {

inline constexpr std::size_t max_revoked_ids = 1024;

/// The first line of every revocation list body (without "# ").
inline constexpr std::string_view revocations_comment =
    "Airlock revocation list, format 1. It is signed: any edit, even of one byte, breaks the signature.";

struct revocation_list {
  std::int64_t format = 1;
  std::string key_id;  ///< 16 lowercase hex digits; equals the signature's key_id
  std::string product;
  std::int64_t sequence = 1;         ///< higher for each list the vendor signs for the product
  utc_time issued;                   ///< when the list was signed
  std::vector<std::string> revoked;  ///< license ids, sorted, unique
  std::vector<std::string> critical;
  std::vector<std::string> extensions;  ///< read and ignored (FORMAT.md 8.1), never written

  [[nodiscard]] bool lists(std::string_view license_id) const noexcept {
    return std::binary_search(revoked.begin(), revoked.end(), license_id);
  }
};

[[nodiscard]] inline bool operator==(const revocation_list& a, const revocation_list& b) {
  return a.format == b.format && a.key_id == b.key_id && a.product == b.product && a.sequence == b.sequence &&
         a.issued == b.issued && a.revoked == b.revoked && a.critical == b.critical && a.extensions == b.extensions;
}
[[nodiscard]] inline bool operator!=(const revocation_list& a, const revocation_list& b) { return !(a == b); }

namespace detail {

[[nodiscard]] inline std::string check_revoked_ids(const std::vector<std::string>& ids) {
  if (ids.size() > max_revoked_ids) return "more than 1024 revoked ids";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (std::string text = check_license_id(ids[i]); !text.empty()) return "revoked " + text;
    if (i > 0 && ids[i - 1] == ids[i]) return "revoked lists '" + ids[i] + "' twice";
    if (i > 0 && ids[i - 1] > ids[i]) return "revoked ids are not sorted ('" + ids[i] + "')";
  }
  return {};
}

[[nodiscard]] inline std::optional<problem> find_revocations_problem(const revocation_list& list) {
  if (list.format != 1) return problem{"revocations.format", "format must be 1"};
  if (std::string text = check_key_id("key_id", list.key_id); !text.empty()) return problem{"revocations.key_id", text};
  if (std::string text = check_text("product", list.product, 128); !text.empty()) {
    return problem{"revocations.product", text};
  }
  if (list.sequence < 1) return problem{"revocations.sequence", "sequence must be at least 1"};
  if (!is_representable(list.issued)) {
    return problem{"revocations.issued", "issued must lie in the years 0001 to 9999"};
  }
  if (std::string text = check_revoked_ids(list.revoked); !text.empty()) return problem{"revocations.revoked", text};
  if (std::string text = check_critical_names(list.critical); !text.empty()) {
    return problem{"revocations.critical", text};
  }
  return std::nullopt;
}

inline bool read_revocations_document(document_reader& reader, revocation_list& out) {
  reader.expect_tables({"revocations"});
  if (!reader.take_table("revocations", true)) return false;
  reader.expect_keys("revocations", {"format", "key_id", "product", "sequence", "issued", "revoked", "critical"});
  const bool syntax_ok =
      read_format(reader, "revocations.format", out.format) && read_key(reader, "key_id", out.key_id) &&
      read_key(reader, "product", out.product) && read_key(reader, "sequence", out.sequence) &&
      read_key(reader, "issued", out.issued) && read_key(reader, "revoked", out.revoked) &&
      read_critical(reader, "revocations", out.critical) && reader.take_extension_keys("revocations", out.extensions) &&
      reader.take_extension_tables(out.extensions) && reader.expect_end();
  if (!syntax_ok || !check_critical(reader, "revocations", out.critical, out.extensions)) return false;
  if (auto found = find_revocations_problem(out)) return reader.fail_problem(*found);
  return true;
}

inline std::string write_revocations_text(const revocation_list& list) {
  toml_writer writer;
  writer.comment(revocations_comment);
  writer.table("revocations");
  writer.key("format", list.format);
  writer.key("key_id", list.key_id);
  writer.key("product", list.product);
  writer.key("sequence", list.sequence);
  writer.key("issued", list.issued);
  writer.key("revoked", list.revoked);
  writer.blank_line();
  return writer.take();
}

}  // namespace detail

/// Opens a revocation list file (FORMAT.md 11.1: the steps 1-6 of 3.2 with [revocations]).
[[nodiscard]] inline parse_result<license_envelope> open_revocation_list(std::string_view file_text) noexcept {
  return open_signed(file_text, revocations_kind);
}

/// Parses the body of an opened list and checks that it names the key that signed it.
[[nodiscard]] inline parse_result<revocation_list> read_revocations_content(const license_envelope& envelope) noexcept {
  return detail::guarded(
      [&]() -> parse_result<revocation_list> {
        parse_result<revocation_list> result;
        if (auto early = detail::check_input_size(envelope.body)) {
          result.error = std::move(*early);
          return result;
        }
        detail::document_reader reader(envelope.body);
        revocation_list out;
        if (!detail::read_revocations_document(reader, out)) {
          result.error = reader.error();
          return result;
        }
        if (out.key_id != envelope.signature.key_id) {
          result.error = parse_error{
              error_kind::key_id_mismatch, detail::count_lines(envelope.body) + 3, 11,
              "[revocations] names key " + out.key_id + " but the file is signed by " + envelope.signature.key_id};
          return result;
        }
        result.value = std::move(out);
        return result;
      },
      [] { return detail::out_of_memory<revocation_list>(); });
}

/// The canonical body of `list`, comment and final blank line included. Refuses an invalid list,
/// and one over the bounds every reader applies (FORMAT.md 2).
[[nodiscard]] inline write_result write_revocations_body(const revocation_list& list) noexcept {
  return detail::guarded(
      [&]() -> write_result {
        if (auto found = detail::find_revocations_problem(list)) return write_result{{}, std::move(found->message)};
        if (!list.critical.empty() || !list.extensions.empty()) {
          return write_result{{}, "this writer writes no extensions, so no critical names"};
        }
        std::string body = detail::write_revocations_text(list);
        // The signature table adds four lines of at most 110 bytes.
        if (body.size() + 512 > max_input_size) return write_result{{}, "the list would be larger than 65536 bytes"};
        return write_result{std::move(body), {}};
      },
      []() -> write_result {
        return write_result{{}, "out of memory"};
      });
}

}  // namespace airlock::format

#endif  // AIRLOCK_FORMAT_REVOCATIONS_HPP
