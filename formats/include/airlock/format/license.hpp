// SPDX-License-Identifier: MIT
// The license as data (format 1) and the semantic rules every license must satisfy.
#ifndef AIRLOCK_FORMAT_LICENSE_HPP
#define AIRLOCK_FORMAT_LICENSE_HPP

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/format/detail/field_checks.hpp"
#include "airlock/format/detail/toml_schema.hpp"
#include "airlock/format/machine.hpp"
#include "airlock/format/result.hpp"
#include "airlock/format/time.hpp"

namespace airlock::format {

/// [machine] of a license. Unbound: only `unbound = true`. Bound: the policy, the container
/// switch and the hashes recorded per class.
struct machine_binding {
  bool unbound = true;
  std::string policy;  ///< a known policy (match_policy_v1 or _v2) when bound, empty when unbound
  bool allow_container = false;
  component_hashes hashes;
};

/// One entry of [license.limits], such as seats = 5.
struct limit_entry {
  std::string name;
  std::int64_t value = 0;
};

/// One entry of [license.meta]: the vendor's own fields, signed but not interpreted.
struct meta_entry {
  std::string name;
  std::string value;
};

struct license {
  std::int64_t format = 1;
  std::string id;      ///< 1-64 of [A-Za-z0-9._-]
  std::string key_id;  ///< 16 lowercase hex digits; equals the signature's key_id
  std::string product;
  std::string licensee;
  utc_time issued;
  date not_before;
  std::optional<date> expires;        ///< inclusive; absent = perpetual
  std::optional<date> updates_until;  ///< builds released after this date are not covered
  std::vector<std::string> features;
  std::optional<std::string> supersedes;                ///< the id of the license this one replaces
  std::optional<std::int64_t> min_revocation_sequence;  ///< the oldest revocation list accepted (>= 1)
  std::vector<std::string> critical;                    ///< extensions that must be understood (8.1)
  std::vector<limit_entry> limits;                      ///< sorted by name, unique
  std::vector<meta_entry> meta;                         ///< sorted by name, unique
  machine_binding machine;
  /// Names of the extensions found and ignored (FORMAT.md 8.1): "license.KEY", "machine.KEY" or a
  /// table. Read, never written.
  std::vector<std::string> extensions;
};

[[nodiscard]] inline bool operator==(const machine_binding& a, const machine_binding& b) {
  return a.unbound == b.unbound && a.policy == b.policy && a.allow_container == b.allow_container &&
         a.hashes == b.hashes;
}
[[nodiscard]] inline bool operator==(const limit_entry& a, const limit_entry& b) {
  return a.name == b.name && a.value == b.value;
}
[[nodiscard]] inline bool operator==(const meta_entry& a, const meta_entry& b) {
  return a.name == b.name && a.value == b.value;
}
[[nodiscard]] inline bool operator==(const license& a, const license& b) {
  return a.format == b.format && a.id == b.id && a.key_id == b.key_id && a.product == b.product &&
         a.licensee == b.licensee && a.issued == b.issued && a.not_before == b.not_before && a.expires == b.expires &&
         a.updates_until == b.updates_until && a.features == b.features && a.supersedes == b.supersedes &&
         a.min_revocation_sequence == b.min_revocation_sequence && a.critical == b.critical && a.limits == b.limits &&
         a.meta == b.meta && a.machine == b.machine && a.extensions == b.extensions;
}
[[nodiscard]] inline bool operator!=(const machine_binding& a, const machine_binding& b) { return !(a == b); }
[[nodiscard]] inline bool operator!=(const limit_entry& a, const limit_entry& b) { return !(a == b); }
[[nodiscard]] inline bool operator!=(const meta_entry& a, const meta_entry& b) { return !(a == b); }
[[nodiscard]] inline bool operator!=(const license& a, const license& b) { return !(a == b); }

namespace detail {

[[nodiscard]] inline std::optional<problem> find_machine_problem(const machine_binding& m) {
  if (m.unbound) {
    if (!m.hashes.empty()) return problem{"machine", "an unbound license must not record components"};
    if (!m.policy.empty() || m.allow_container) {
      return problem{"machine", "an unbound license must not set policy or allow_container"};
    }
    return std::nullopt;
  }
  if (!is_known_policy(m.policy)) return problem{"machine.policy", "unsupported machine policy '" + m.policy + "'"};
  if (m.policy == match_policy_v1 && !m.hashes.evidence_only.empty()) {
    return problem{"machine.evidence_only", "evidence_only needs policy " + std::string(match_policy_v2)};
  }
  if (m.hashes.platform.empty()) return problem{"machine", "a bound license must record platform"};
  if (auto found = find_hashes_problem(m.hashes)) return found;
  // The match needs at least one hardware class to agree, so without one the license could
  // never match anything.
  if (m.hashes.disk.empty() && m.hashes.nic.empty() && m.hashes.board.empty()) {
    return problem{"machine", "a bound license must record disk, nic or board"};
  }
  return std::nullopt;
}

[[nodiscard]] inline std::optional<problem> find_date_problem(const license& lic) {
  if (!is_representable(lic.issued)) return problem{"license.issued", "issued must lie in the years 0001 to 9999"};
  if (!is_valid(lic.not_before)) return problem{"license.not_before", "not_before is not a valid date"};
  if (lic.expires && !is_valid(*lic.expires)) return problem{"license.expires", "expires is not a valid date"};
  if (lic.expires && *lic.expires < lic.not_before) {
    return problem{"license.expires", "expires (" + to_string(*lic.expires) + ") is before not_before (" +
                                          to_string(lic.not_before) + ")"};
  }
  if (lic.updates_until && !is_valid(*lic.updates_until)) {
    return problem{"license.updates_until", "updates_until is not a valid date"};
  }
  // An update window that closes before the license starts is almost certainly a typo.
  if (lic.updates_until && *lic.updates_until < lic.not_before) {
    return problem{"license.updates_until", "updates_until (" + to_string(*lic.updates_until) +
                                                ") is before not_before (" + to_string(lic.not_before) + ")"};
  }
  return std::nullopt;
}

[[nodiscard]] inline std::optional<problem> find_table_problem(const license& lic) {
  if (std::string text = check_entry_order("[license.limits]", lic.limits); !text.empty()) {
    return problem{"license.limits", text};
  }
  for (const limit_entry& entry : lic.limits) {
    if (entry.value < 0)
      return problem{"license.limits." + entry.name, "limit '" + entry.name + "' must not be negative"};
  }
  if (std::string text = check_entry_order("[license.meta]", lic.meta); !text.empty()) {
    return problem{"license.meta", text};
  }
  for (const meta_entry& entry : lic.meta) {
    const bool ok = entry.value.size() <= max_string_size && is_valid_utf8(entry.value) &&
                    entry.value.find('\0') == std::string::npos;
    if (!ok)
      return problem{"license.meta." + entry.name, "meta value '" + entry.name +
                                                       "' must be valid UTF-8 "
                                                       "of at most 1024 bytes without NUL"};
  }
  return std::nullopt;
}

/// supersedes, min_revocation_sequence and the form of critical: what renewal, re-host and
/// revocation add to a license.
[[nodiscard]] inline std::optional<problem> find_lineage_problem(const license& lic) {
  if (lic.supersedes) {
    if (std::string text = check_license_id(*lic.supersedes); !text.empty()) {
      return problem{"license.supersedes", "supersedes: " + text};
    }
    if (*lic.supersedes == lic.id) return problem{"license.supersedes", "a license cannot supersede itself"};
  }
  if (lic.min_revocation_sequence && *lic.min_revocation_sequence < 1) {
    return problem{"license.min_revocation_sequence", "min_revocation_sequence must be at least 1"};
  }
  if (std::string text = check_critical_names(lic.critical); !text.empty()) return problem{"license.critical", text};
  return std::nullopt;
}

/// The first rule `lic` breaks, naming the field so a parser can point at its line.
[[nodiscard]] inline std::optional<problem> find_license_problem(const license& lic) {
  if (lic.format != 1) return problem{"license.format", "format must be 1"};
  const std::pair<const char*, std::string> text_checks[] = {
      {"license.id", check_license_id(lic.id)},
      {"license.key_id", check_key_id("key_id", lic.key_id)},
      {"license.product", check_text("product", lic.product, 128)},
      {"license.licensee", check_text("licensee", lic.licensee, 256)},
  };
  for (const auto& [field, text] : text_checks) {
    if (!text.empty()) return problem{field, text};
  }
  if (auto found = find_date_problem(lic)) return found;
  if (std::string text = check_features(lic.features); !text.empty()) return problem{"license.features", text};
  if (auto found = find_lineage_problem(lic)) return found;
  if (auto found = find_table_problem(lic)) return found;
  return find_machine_problem(lic.machine);
}

}  // namespace detail

/// Why `name` cannot be a key of `table` ("[license.limits]" or "[license.meta]"), or an empty
/// string when it can.
[[nodiscard]] inline std::string entry_name_problem(std::string_view table, std::string_view name) {
  return detail::check_entry_name(table, name);
}

/// The first problem that keeps `lic` from being written as a license, or nullopt if none.
[[nodiscard]] inline std::optional<std::string> validate(const license& lic) noexcept {
  return detail::guarded(
      [&]() -> std::optional<std::string> {
        if (auto found = detail::find_license_problem(lic)) return std::move(found->message);
        return std::nullopt;
      },
      []() -> std::optional<std::string> { return std::string("out of memory"); });
}

}  // namespace airlock::format

#endif  // AIRLOCK_FORMAT_LICENSE_HPP
