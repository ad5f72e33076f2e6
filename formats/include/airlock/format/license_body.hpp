// SPDX-License-Identifier: MIT
// Reads the signed body of a license: [license], its limits and meta, and [machine].
#ifndef AIRLOCK_FORMAT_LICENSE_BODY_HPP
#define AIRLOCK_FORMAT_LICENSE_BODY_HPP

#include <string>
#include <string_view>

#include "airlock/format/detail/toml_schema.hpp"
#include "airlock/format/license.hpp"
#include "airlock/format/result.hpp"

namespace airlock::format {

namespace detail {

/// The size rules every parser applies before reading a single line.
[[nodiscard]] inline std::optional<parse_error> check_input_size(std::string_view text) {
  if (text.size() > max_input_size) return parse_error{error_kind::malformed, 1, 1, "input larger than 65536 bytes"};
  if (text.empty()) return parse_error{error_kind::malformed, 1, 1, "empty input"};
  return std::nullopt;
}

/// `format` comes first in its table so that any later format is recognised as such before the
/// rest of it (which this reader may not understand) is read.
inline bool read_format(document_reader& reader, std::string_view field, std::int64_t& out) {
  if (!read_key(reader, "format", out)) return false;
  if (out == 1) return true;
  return reader.fail_at_value(field, "unsupported format " + std::to_string(out) + " (this reader knows format 1)",
                              error_kind::unsupported_version);
}

/// `critical` (FORMAT.md 8.1), read where `table` defines it; `[]` has no canonical form.
inline bool read_critical(document_reader& reader, std::string_view table, std::vector<std::string>& out) {
  bool present = false;
  if (!read_optional_key(reader, "critical", out, present)) return false;
  if (present && out.empty()) {
    return reader.fail_at_value(std::string(table) + ".critical", "critical must not be empty (omit the key instead)",
                                error_kind::malformed);
  }
  return true;
}

/// After the body parses and before its field rules (FORMAT.md 8.1): every critical name is in the
/// file, and none is an extension, since this reader implements no extension.
inline bool check_critical(document_reader& reader, std::string_view table, const std::vector<std::string>& critical,
                           const std::vector<std::string>& extensions) {
  const std::string field = std::string(table) + ".critical";
  if (std::string text = check_critical_names(critical); !text.empty()) {
    return reader.fail_at_value(field, text, error_kind::malformed);
  }
  // Only the forms of 8.1 name something: a key of a defined table (`license.KEY`, no further dot)
  // or an extension table; a key inside an extension table is not a name `critical` can use.
  const auto nameable = [&](const std::string& name) {
    if (std::find(extensions.begin(), extensions.end(), name) != extensions.end()) return true;
    const std::size_t dot = name.find('.');
    return dot != std::string::npos && name.find('.', dot + 1) == std::string::npos &&
           document_reader::names_defined_subtable(name);
  };
  for (const std::string& name : critical) {
    if (!nameable(name) || !reader.has_field(name)) {
      return reader.fail_at_value(field, "critical names '" + name + "', which is not in the file",
                                  error_kind::malformed);
    }
    if (std::find(extensions.begin(), extensions.end(), name) != extensions.end()) {
      return reader.fail_at_value(name, "needs a newer verifier: '" + name + "' is critical and not known here",
                                  error_kind::unsupported_version);
    }
  }
  return true;
}

inline bool read_license_table(document_reader& reader, license& out) {
  if (!reader.take_table("license", true)) return false;
  reader.expect_keys("license", {"format", "id", "key_id", "product", "licensee", "issued", "not_before", "expires",
                                 "updates_until", "features", "supersedes", "min_revocation_sequence", "critical"});
  return read_format(reader, "license.format", out.format) && read_key(reader, "id", out.id) &&
         read_key(reader, "key_id", out.key_id) && read_key(reader, "product", out.product) &&
         read_key(reader, "licensee", out.licensee) && read_key(reader, "issued", out.issued) &&
         read_key(reader, "not_before", out.not_before) && read_optional_key(reader, "expires", out.expires) &&
         read_optional_key(reader, "updates_until", out.updates_until) && read_key(reader, "features", out.features) &&
         read_optional_key(reader, "supersedes", out.supersedes) &&
         read_optional_key(reader, "min_revocation_sequence", out.min_revocation_sequence) &&
         read_critical(reader, "license", out.critical) && reader.take_extension_keys("license", out.extensions);
}

/// Reads [license.limits] or [license.meta] if present; an empty table has no canonical form.
template <class Entry, class Convert>
bool read_entry_table(document_reader& reader, std::string_view table, value_kind kind, std::vector<Entry>& out,
                      Convert convert) {
  if (!reader.take_table(table, false)) return !reader.failed();
  auto entries = reader.take_sorted_entries(table, kind, max_table_entries);
  if (reader.failed()) return false;
  if (entries.empty()) {
    return reader.fail_at_value(table, "table [" + std::string(table) + "] is empty (omit it instead)",
                                error_kind::malformed);
  }
  for (toml_item& entry : entries) out.push_back(convert(entry));
  return true;
}

/// The recorded classes of a [machine] table: each optional, never written as an empty array.
inline bool read_component_hashes(document_reader& reader, component_hashes& out) {
  for (const component_class c : all_component_classes) {
    bool present = false;
    const std::string name(to_string(c));
    if (!read_optional_key(reader, name, out[c], present)) return false;
    if (present && out[c].empty()) {
      return reader.fail_at_value("machine." + name, name + " must not be empty (omit the key instead)",
                                  error_kind::malformed);
    }
  }
  bool present = false;
  if (!read_optional_key(reader, "evidence_only", out.evidence_only, present)) return false;
  if (present && out.evidence_only.empty()) {
    return reader.fail_at_value("machine.evidence_only", "evidence_only must not be empty (omit the key instead)",
                                error_kind::malformed);
  }
  return true;
}

inline bool read_machine_table(document_reader& reader, machine_binding& out, std::vector<std::string>& extensions) {
  if (!reader.take_table("machine", true)) return false;
  reader.expect_keys(
      "machine", {"unbound", "policy", "allow_container", "platform", "disk", "nic", "os", "board", "evidence_only"});
  if (!read_key(reader, "unbound", out.unbound)) return false;
  if (out.unbound) {
    return reader.end_defined_keys("an unbound license holds only 'unbound = true' in [machine]") &&
           reader.take_extension_keys("machine", extensions);
  }
  if (!read_key(reader, "policy", out.policy)) return false;
  if (!is_known_policy(out.policy)) {
    return reader.fail_at_value("machine.policy", "unsupported machine policy '" + out.policy + "'",
                                error_kind::unsupported_version);
  }
  return read_key(reader, "allow_container", out.allow_container) && read_component_hashes(reader, out.hashes) &&
         reader.take_extension_keys("machine", extensions);
}

inline bool read_license_document(document_reader& reader, license& out) {
  reader.expect_tables({"license", "license.limits", "license.meta", "machine"});
  const bool syntax_ok = read_license_table(reader, out) &&
                         read_entry_table(reader, "license.limits", value_kind::integer, out.limits,
                                          [](toml_item& e) {
                                            return limit_entry{std::move(e.name), e.value.integer};
                                          }) &&
                         read_entry_table(reader, "license.meta", value_kind::string, out.meta,
                                          [](toml_item& e) {
                                            return meta_entry{std::move(e.name), std::move(e.value.text)};
                                          }) &&
                         read_machine_table(reader, out.machine, out.extensions) &&
                         reader.take_extension_tables(out.extensions) && reader.expect_end();
  if (!syntax_ok || !check_critical(reader, "license", out.critical, out.extensions)) return false;
  if (auto found = find_license_problem(out)) return reader.fail_problem(*found);
  return true;
}

}  // namespace detail

/// Parses a license body (the text before the [signature] line, already normalized) in the
/// canonical subset, then checks every semantic rule. Never throws.
[[nodiscard]] inline parse_result<license> parse_license_body(std::string_view body) noexcept {
  return detail::guarded(
      [&]() -> parse_result<license> {
        parse_result<license> result;
        if (auto early = detail::check_input_size(body)) {
          result.error = std::move(*early);
          return result;
        }
        detail::document_reader reader(body);
        license out;
        if (!detail::read_license_document(reader, out)) {
          result.error = reader.error();
          return result;
        }
        result.value = std::move(out);
        return result;
      },
      [] { return detail::out_of_memory<license>(); });
}

}  // namespace airlock::format

#endif  // AIRLOCK_FORMAT_LICENSE_BODY_HPP
