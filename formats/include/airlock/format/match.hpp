// SPDX-License-Identifier: MIT
// Tolerant hardware matching (FORMAT.md 5): the recorded per-class hashes of a license against the
// ones read now, under policy airlock-match-v1 or airlock-match-v2, and the one strength rule that
// every tool uses to say how well a machine can be bound.
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

/// Under v1 the classes that count toward the match; `platform` is a gate of its own there.
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
  bool proof = false;  // matched, and the match proves hardware (v2: not only software-assigned MACs)
  std::string note;    // why a missing class could not be read (filled in by the verifier)
};

struct match_report {
  bool ok = false;
  std::vector<class_result> classes;  // every recorded class, in component_class order
  int strong_recorded = 0;            // N: recorded classes that count (v1: all but platform; v2: all)
  int strong_matched = 0;
  int needed = 0;             // counted classes that must match
  int drift = 0;              // counted classes recorded but not matched
  int proof_matched = 0;      // matched classes that prove hardware
  int changes_tolerated = 0;  // further changes that still pass, whichever class they hit (0 when failing)
  std::string reason;         // one line, empty when ok
};

namespace detail {

// Sorted copies, so that hostile list sizes stay O(n log n).
inline std::vector<std::string_view> sorted_views(const std::vector<std::string>& hashes) {
  std::vector<std::string_view> out(hashes.begin(), hashes.end());
  std::sort(out.begin(), out.end());
  return out;
}

// The hashes in both lists.
inline std::vector<std::string_view> common_hashes(const std::vector<std::string>& recorded,
                                                   const std::vector<std::string>& current) {
  const std::vector<std::string_view> a = sorted_views(recorded), b = sorted_views(current);
  std::vector<std::string_view> both(std::min(a.size(), b.size()));
  both.erase(std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), both.begin()), both.end());
  return both;
}

// A hardware class proves the machine unless every hash involved is a software-assigned MAC.
inline bool proves_hardware(component_class c, const std::vector<std::string_view>& hashes,
                            const std::vector<std::string>& evidence_a, const std::vector<std::string>& evidence_b) {
  if (!is_hardware_class(c)) return false;
  if (c != component_class::nic) return !hashes.empty();
  const std::vector<std::string_view> a = sorted_views(evidence_a), b = sorted_views(evidence_b);
  for (std::string_view h : hashes) {
    if (!std::binary_search(a.begin(), a.end(), h) && !std::binary_search(b.begin(), b.end(), h)) return true;
  }
  return false;
}

inline std::string count_reason(int matched, int recorded, int needed) {
  return "only " + std::to_string(matched) + " of " + std::to_string(recorded) + " components match, " +
         std::to_string(needed) + " needed";
}

inline int needed_v1(int recorded) noexcept { return recorded <= 2 ? recorded : std::max(2, recorded - 1); }
inline int needed_v2(int recorded) noexcept { return recorded <= 2 ? recorded : recorded - 1; }

// FORMAT.md 5.1: platform gates, then max(2, N-1) of the other classes, one of them hardware.
inline void judge_v1(match_report& report, int hardware_matched) {
  report.needed = needed_v1(report.strong_recorded);
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

// FORMAT.md 5.2: N-1 of all N recorded classes, one of them proving the hardware. An unreadable
// proof counts like a changed one: whoever runs a clone can also hide its disk serial.
inline void judge_v2(match_report& report, int proof_capable) {
  report.needed = needed_v2(report.strong_recorded);
  report.drift = report.strong_recorded - report.strong_matched;
  if (report.strong_matched < report.needed) {
    report.reason = count_reason(report.strong_matched, report.strong_recorded, report.needed);
    return;
  }
  if (report.proof_matched == 0) {
    report.reason =
        proof_capable == 0
            ? "the license records no hardware proof"
            : "no hardware component matches (a changed disk with a copied system image looks like a clone)";
    return;
  }
  report.ok = true;
  report.changes_tolerated = std::min(report.strong_matched - report.needed, report.proof_matched - 1);
}

inline match_report match_classes(std::string_view policy, const component_hashes& recorded,
                                  const component_hashes& current) {
  const bool v2 = policy == match_policy_v2;
  match_report report;
  int hardware_matched = 0, proof_capable = 0;
  for (component_class c : all_component_classes) {
    if (recorded[c].empty()) continue;
    const std::vector<std::string_view> both = common_hashes(recorded[c], current[c]);
    class_result r{c, class_outcome::changed, false, {}};
    if (current[c].empty()) r.outcome = class_outcome::missing;
    if (!both.empty()) r.outcome = class_outcome::matched;
    const bool matched = r.outcome == class_outcome::matched;
    r.proof = matched &&
              (v2 ? proves_hardware(c, both, recorded.evidence_only, current.evidence_only) : is_hardware_class(c));
    const std::vector<std::string_view> all_recorded = sorted_views(recorded[c]);
    if (proves_hardware(c, all_recorded, recorded.evidence_only, {})) ++proof_capable;
    report.classes.push_back(r);
    if (!v2 && !is_strong_class(c)) continue;
    ++report.strong_recorded;
    report.strong_matched += matched ? 1 : 0;
    hardware_matched += matched && is_hardware_class(c) ? 1 : 0;
    report.proof_matched += r.proof ? 1 : 0;
  }
  if (v2)
    judge_v2(report, proof_capable);
  else
    judge_v1(report, hardware_matched);
  return report;
}

}  // namespace detail

/// Compares the classes recorded in a license with the ones read now, under `policy`. Never
/// throws; an unknown policy or an allocation failure gives a report that is not ok.
[[nodiscard]] inline match_report match_fingerprint(std::string_view policy, const component_hashes& recorded,
                                                    const component_hashes& current) noexcept {
  try {
    if (!is_known_policy(policy)) {
      match_report report;
      report.reason = "unknown matching policy";
      return report;
    }
    return detail::match_classes(policy, recorded, current);
  } catch (...) {
    match_report report;
    report.reason = "out of memory while matching";
    return report;
  }
}

/// The v1 rule, for callers that predate policies.
[[nodiscard]] inline match_report match_fingerprint(const component_hashes& recorded,
                                                    const component_hashes& current) noexcept {
  return match_fingerprint(match_policy_v1, recorded, current);
}

// A container is unbindable unless the license opts in (allow_container) and host hardware is visible.
// A license issued for a container without the opt-in must not fall back to the baked machine-id alone.
[[nodiscard]] constexpr bool unbindable_environment(bool is_container, bool host_hardware_visible,
                                                    bool allow_container) noexcept {
  return is_container && !(allow_container && host_hardware_visible);
}

/// What one class gives a binding: a value, and whether that value proves the hardware.
struct class_evidence {
  bool present = false;
  bool proof = false;
};

/// Per class, from recorded hashes: a nic proves hardware unless all its hashes are evidence only.
[[nodiscard]] inline per_class<class_evidence> evidence_of(const component_hashes& hashes) {
  per_class<class_evidence> out;
  for (component_class c : all_component_classes) {
    out[c].present = !hashes[c].empty();
    out[c].proof = detail::proves_hardware(c, detail::sorted_views(hashes[c]), hashes.evidence_only, {});
  }
  return out;
}

enum class binding_level { none, weak, limited, good };

[[nodiscard]] constexpr std::string_view to_string(binding_level level) noexcept {
  switch (level) {
    case binding_level::none: return "none";
    case binding_level::weak: return "weak";
    case binding_level::limited: return "limited";
    case binding_level::good: return "good";
  }
  return "unknown";
}

struct binding_strength {
  binding_level level = binding_level::none;
  int classes = 0;      // classes present that count under the policy
  int proofs = 0;       // of them, classes that prove the hardware
  std::string summary;  // one line: the level and why
};

namespace detail {

inline std::string proof_names(const per_class<class_evidence>& evidence) {
  std::string out;
  for (component_class c : all_component_classes) {
    if (evidence[c].present && evidence[c].proof) out += (out.empty() ? "" : ", ") + std::string(to_string(c));
  }
  return out;
}

inline binding_strength strength_v2(const per_class<class_evidence>& evidence) {
  binding_strength s;
  for (component_class c : all_component_classes) {
    s.classes += evidence[c].present ? 1 : 0;
    s.proofs += evidence[c].present && evidence[c].proof ? 1 : 0;
  }
  const std::string counts = std::to_string(s.classes) + " component class(es), " + std::to_string(s.proofs) +
                             " proving hardware (" + proof_names(evidence) + ")";
  if (s.proofs == 0) {
    s.summary = "none: nothing proves this hardware, so a copy of the system image would pass";
  } else if (s.classes <= 2) {
    s.level = binding_level::weak;
    s.summary = "weak: " + counts + "; every recorded part must stay";
  } else if (s.proofs == 1) {
    s.level = binding_level::limited;
    s.summary = "limited: " + counts + "; one part may change, but not the " + proof_names(evidence);
  } else {
    s.level = binding_level::good;
    s.summary = "good: " + counts + "; any one part may change";
  }
  return s;
}

inline binding_strength strength_v1(const per_class<class_evidence>& evidence) {
  binding_strength s;
  int hardware = 0;
  for (component_class c : all_component_classes) {
    if (!evidence[c].present || !is_strong_class(c)) continue;
    ++s.classes;
    hardware += is_hardware_class(c) ? 1 : 0;
    s.proofs += evidence[c].proof ? 1 : 0;
  }
  const std::string counts =
      std::to_string(s.classes) + " strong component class(es), " + std::to_string(hardware) + " of them hardware";
  if (!evidence.platform.present || hardware == 0) {
    s.summary = "none: no readable platform or hardware identifier";
  } else if (s.classes >= 3) {
    s.level = binding_level::good;
    s.summary = "good: " + counts + "; one part other than the CPU may change";
  } else {
    s.level = binding_level::weak;
    s.summary = "weak: " + counts + "; every recorded part must stay";
  }
  return s;
}

}  // namespace detail

/// How well a license under `policy` binds to a machine with these classes: one rule for
/// `airlock-hwid show` and `request`, `airlock issue` and the verifier's report. `none` means a
/// license must not be bound (the tools refuse), including the container rule above.
[[nodiscard]] inline binding_strength assess_binding(std::string_view policy, const per_class<class_evidence>& evidence,
                                                     bool is_container, bool allow_container) {
  const bool hardware_visible = evidence.disk.present || evidence.nic.present || evidence.board.present;
  if (unbindable_environment(is_container, hardware_visible, allow_container)) {
    binding_strength s;
    s.summary = allow_container ? "none: a container that shows none of the host's hardware"
                                : "none: a container (a license must allow containers to bind here)";
    return s;
  }
  return policy == match_policy_v1 ? detail::strength_v1(evidence) : detail::strength_v2(evidence);
}

}  // namespace airlock::format

#endif  // AIRLOCK_FORMAT_MATCH_HPP
