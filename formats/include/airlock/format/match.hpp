// SPDX-License-Identifier: MIT
// Tolerant hardware matching (policy "airlock-match-v1"): recorded vs current per-class component hashes.
#ifndef AIRLOCK_FORMAT_MATCH_HPP
#define AIRLOCK_FORMAT_MATCH_HPP

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/format/machine.hpp"

namespace airlock::format {

/// The classes that count toward the match; `platform` is a gate of its own.
[[nodiscard]] constexpr bool is_strong_class(component_class c) noexcept { return c != component_class::platform; }

enum class class_outcome { matched, changed, missing };

[[nodiscard]] constexpr std::string_view to_string(class_outcome o) noexcept {
  switch (o) {
    case class_outcome::matched: return "matched";
    case class_outcome::changed: return "changed";
    case class_outcome::missing: return "missing";
  }
  return "unknown";
}

struct class_result {
  component_class cls = component_class::platform;
  class_outcome outcome = class_outcome::missing;
};

struct match_report {
  bool ok = false;
  std::vector<class_result> classes;  // every recorded class, in component_class order
  int strong_recorded = 0;            // N: recorded strong classes
  int strong_matched = 0;
  int needed = 0;             // strong classes that must match
  int drift = 0;              // recorded strong classes not matched
  int changes_tolerated = 0;  // further strong-class changes that still pass (0 when failing)
  std::string reason;         // one line, empty when ok
};

namespace detail {

// Any recorded hash equal to any current hash. Copies are sorted so hostile sizes stay O(n log n).
inline bool hashes_overlap(const std::vector<std::string>& recorded, const std::vector<std::string>& current) {
  std::vector<std::string_view> a(recorded.begin(), recorded.end());
  std::vector<std::string_view> b(current.begin(), current.end());
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) return true;
    if (a[i] < b[j])
      ++i;
    else
      ++j;
  }
  return false;
}

inline class_outcome compare_class(const std::vector<std::string>& recorded, const std::vector<std::string>& current) {
  if (current.empty()) return class_outcome::missing;
  return hashes_overlap(recorded, current) ? class_outcome::matched : class_outcome::changed;
}

inline int strong_needed(int recorded) noexcept { return recorded <= 2 ? recorded : std::max(2, recorded - 1); }

inline std::string count_reason(int matched, int recorded, int needed) {
  return "only " + std::to_string(matched) + " of " + std::to_string(recorded) + " components match, " +
         std::to_string(needed) + " needed";
}

// Applies the three acceptance rules to the per-class outcomes already in `report`.
inline void judge(match_report& report, int hardware_matched) {
  report.needed = strong_needed(report.strong_recorded);
  report.drift = report.strong_recorded - report.strong_matched;
  for (const class_result& r : report.classes) {
    if (r.cls == component_class::platform && r.outcome != class_outcome::matched) {
      report.reason = r.outcome == class_outcome::missing ? "platform is unreadable" : "platform changed";
      return;
    }
  }
  if (report.strong_matched < report.needed) {
    report.reason = count_reason(report.strong_matched, report.strong_recorded, report.needed);
    return;
  }
  if (hardware_matched == 0) {
    report.reason = "no hardware component matches";
    return;
  }
  report.ok = true;
  // Worst case: the next change hits a matched hardware class, so both limits apply.
  report.changes_tolerated = std::min(report.strong_matched - report.needed, hardware_matched - 1);
}

}  // namespace detail

// Compares the classes recorded in a license with the ones read now. Never throws; on allocation
// failure the report says so and is not ok.
[[nodiscard]] inline match_report match_fingerprint(const component_hashes& recorded,
                                                    const component_hashes& current) noexcept {
  match_report report;
  try {
    int hardware_matched = 0;
    for (component_class c : all_component_classes) {
      if (recorded[c].empty()) continue;
      const class_outcome outcome = detail::compare_class(recorded[c], current[c]);
      report.classes.push_back({c, outcome});
      if (!is_strong_class(c)) continue;
      ++report.strong_recorded;
      if (outcome != class_outcome::matched) continue;
      ++report.strong_matched;
      if (is_hardware_class(c)) ++hardware_matched;
    }
    detail::judge(report, hardware_matched);
  } catch (...) {
    report = match_report{};
    report.reason = "out of memory while matching";
  }
  return report;
}

// A container is unbindable unless the license opts in (allow_container) and host hardware is visible.
// A license issued for a container without the opt-in must not fall back to the baked machine-id alone.
[[nodiscard]] constexpr bool unbindable_environment(bool is_container, bool host_hardware_visible,
                                                    bool allow_container) noexcept {
  return is_container && !(allow_container && host_hardware_visible);
}

}  // namespace airlock::format

#endif  // AIRLOCK_FORMAT_MATCH_HPP
