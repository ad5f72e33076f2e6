// SPDX-License-Identifier: MIT
// Syntax rules for individual field values, shared by the license and the activation request.
#ifndef AIRLOCK_FORMAT_DETAIL_FIELD_CHECKS_HPP
#define AIRLOCK_FORMAT_DETAIL_FIELD_CHECKS_HPP

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/format/encoding.hpp"
#include "airlock/format/machine.hpp"

namespace airlock::format::detail {

inline constexpr std::size_t max_features = 128;
inline constexpr std::size_t max_table_entries = 64;

/// A semantic problem found in a parsed value, named by its dotted path ("license.expires").
struct problem {
  std::string field;
  std::string message;
};

[[nodiscard]] inline bool is_lower_alnum(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

/// Each check returns the problem as text, or an empty string when the value is fine.
[[nodiscard]] inline std::string check_license_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return "id must be 1 to 64 characters";
  for (const char c : id) {
    const bool ok = is_lower_alnum(c) || (c >= 'A' && c <= 'Z') || c == '.' || c == '_' || c == '-';
    if (!ok) return "id may contain only letters, digits, '.', '_' and '-'";
  }
  return {};
}

inline constexpr std::size_t max_critical_names = 64;

/// `critical` (FORMAT.md 8.1): a sorted set of 1-64 names. Whether each names a field present in
/// the file is checked by the reader, which knows what it read.
[[nodiscard]] inline std::string check_critical_names(const std::vector<std::string>& names) {
  if (names.size() > max_critical_names) return "critical has more than 64 names";
  for (std::size_t i = 1; i < names.size(); ++i) {
    if (names[i - 1] == names[i]) return "critical names '" + names[i] + "' twice";
    if (names[i - 1] > names[i]) return "critical names are not sorted ('" + names[i] + "')";
  }
  return {};
}

[[nodiscard]] inline std::string check_key_id(std::string_view field, std::string_view key_id) {
  if (!is_lower_hex(key_id, 16)) return std::string(field) + " must be 16 lowercase hex digits";
  return {};
}

/// True for a C1 control character (U+0080-U+009F), whose UTF-8 form is C2 80 .. C2 9F.
[[nodiscard]] inline bool starts_c1_control(std::string_view text, std::size_t pos) noexcept {
  return pos + 1 < text.size() && static_cast<unsigned char>(text[pos]) == 0xC2 &&
         static_cast<unsigned char>(text[pos + 1]) <= 0x9F;
}

/// Human-readable text such as a product or licensee name: UTF-8 without control characters
/// (C0, DEL and C1: a terminal would act on them).
[[nodiscard]] inline std::string check_text(std::string_view field, std::string_view text, std::size_t max_size) {
  const std::string name(field);
  if (text.empty()) return name + " must not be empty";
  if (text.size() > max_size) return name + " must be at most " + std::to_string(max_size) + " bytes";
  if (!is_valid_utf8(text)) return name + " must be valid UTF-8";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7F || starts_c1_control(text, i)) return name + " must not contain control characters";
  }
  return {};
}

[[nodiscard]] inline std::string check_feature_name(std::string_view name) {
  const std::string shown = "feature '" + std::string(name) + "'";
  if (name.empty() || name.size() > 64) return shown + " must be 1 to 64 characters";
  if (!is_lower_alnum(name[0])) return shown + " must start with a lowercase letter or digit";
  for (const char c : name) {
    if (!is_lower_alnum(c) && c != '.' && c != '_' && c != '-') {
      return shown + " may contain only a-z, 0-9, '.', '_' and '-'";
    }
  }
  return {};
}

[[nodiscard]] inline std::string check_features(const std::vector<std::string>& features) {
  if (features.size() > max_features) return "more than 128 features";
  for (std::size_t i = 0; i < features.size(); ++i) {
    if (std::string problem = check_feature_name(features[i]); !problem.empty()) return problem;
    if (i > 0 && features[i - 1] == features[i]) return "duplicate feature '" + features[i] + "'";
    // One spelling per set of features, as for the keys of limits and meta.
    if (i > 0 && features[i - 1] > features[i]) return "features must be sorted ('" + features[i] + "')";
  }
  return {};
}

/// A key of [license.limits] or [license.meta]: a TOML bare key.
[[nodiscard]] inline std::string check_entry_name(std::string_view table, std::string_view name) {
  if (name.empty() || name.size() > 64) return "keys of " + std::string(table) + " must be 1 to 64 characters";
  for (const char c : name) {
    const bool ok = is_lower_alnum(c) || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
    if (!ok) return "key '" + std::string(name) + "' may contain only letters, digits, '_' and '-'";
  }
  return {};
}

/// Entries must be sorted and unique so that each set of entries has one spelling.
template <class Entry>
[[nodiscard]] std::string check_entry_order(std::string_view table, const std::vector<Entry>& entries) {
  if (entries.size() > max_table_entries) return "more than 64 entries in " + std::string(table);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (std::string problem = check_entry_name(table, entries[i].name); !problem.empty()) return problem;
    if (i > 0 && entries[i - 1].name >= entries[i].name) {
      return "keys of " + std::string(table) + " must be sorted and unique ('" + entries[i].name + "')";
    }
  }
  return {};
}

/// One class of component hashes: 1 to 16 distinct 128-bit hashes as 32 lowercase hex digits.
[[nodiscard]] inline std::string check_hash_list(std::string_view component, const std::vector<std::string>& hashes) {
  const std::string name(component);
  if (hashes.empty()) return name + " must hold at least one hash (omit the key instead)";
  if (hashes.size() > max_hashes_per_class) return name + " holds more than 16 hashes";
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    if (!is_lower_hex(hashes[i], 32)) return name + " hashes must be 32 lowercase hex digits";
    for (std::size_t j = 0; j < i; ++j) {
      if (hashes[j] == hashes[i]) return name + " holds the same hash twice";
    }
  }
  return {};
}

/// Every recorded class of a license's or request's [machine]; absent classes are fine here.
[[nodiscard]] inline std::optional<problem> find_hashes_problem(const component_hashes& hashes) {
  for (const component_class c : all_component_classes) {
    if (hashes[c].empty()) continue;
    if (std::string text = check_hash_list(to_string(c), hashes[c]); !text.empty()) {
      return problem{"machine." + std::string(to_string(c)), text};
    }
  }
  if (hashes.evidence_only.empty()) return std::nullopt;
  if (std::string text = check_hash_list("evidence_only", hashes.evidence_only); !text.empty()) {
    return problem{"machine.evidence_only", text};
  }
  for (const std::string& h : hashes.evidence_only) {
    if (std::find(hashes.nic.begin(), hashes.nic.end(), h) == hashes.nic.end()) {
      return problem{"machine.evidence_only", "evidence_only names a hash that is not in nic"};
    }
  }
  return std::nullopt;
}

}  // namespace airlock::format::detail

#endif  // AIRLOCK_FORMAT_DETAIL_FIELD_CHECKS_HPP
