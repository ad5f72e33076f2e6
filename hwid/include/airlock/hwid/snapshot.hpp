// SPDX-License-Identifier: MIT
// The data model of one hardware reading: per-class canonical values, reasons and the environment.
#ifndef AIRLOCK_HWID_SNAPSHOT_HPP
#define AIRLOCK_HWID_SNAPSHOT_HPP

#include <string>
#include <string_view>
#include <vector>

#include "airlock/format/machine.hpp"
#include "airlock/format/match.hpp"

namespace airlock::hwid {

using format::all_component_classes;
using format::component_class;
using format::runtime_environment;

// One class: its sorted, distinct canonical values, or none and the reason why. A class whose source
// is shadowed (FORMAT.md 4.10) has no values and a reason that starts with "untrusted:".
// The values are raw identifiers: the library keeps them in memory only and never writes them anywhere.
struct class_reading {
  std::vector<std::string> values;
  std::string reason;                      // empty when values are present
  std::vector<std::string> evidence_only;  // values that prove no hardware: software-assigned MACs

  bool present() const noexcept { return !values.empty(); }
  friend bool operator==(const class_reading& a, const class_reading& b) noexcept {
    return a.values == b.values && a.reason == b.reason && a.evidence_only == b.evidence_only;
  }
};

// What one reading of the machine found: per class its readings, and where it ran.
struct machine_snapshot : format::per_class<class_reading> {
  runtime_environment environment = runtime_environment::unknown;
  std::vector<std::string> evidence;  // short strings, e.g. "/.dockerenv", "cpuid hypervisor bit"
  // A hardware class (disk, nic or board) has a value. In a container these are the host's, which a
  // license may only bind to with allow_container.
  bool host_hardware_visible = false;

  [[nodiscard]] bool is_container() const noexcept { return environment == runtime_environment::container; }
  [[nodiscard]] const format::per_class<class_reading>& readings() const noexcept { return *this; }
  friend bool operator==(const machine_snapshot& a, const machine_snapshot& b) noexcept {
    return a.readings() == b.readings() && a.environment == b.environment && a.evidence == b.evidence &&
           a.host_hardware_visible == b.host_hardware_visible;
  }
  friend bool operator!=(const machine_snapshot& a, const machine_snapshot& b) noexcept { return !(a == b); }
};

/// What each class gives a binding, for format::assess_binding: a nic proves hardware unless every
/// MAC it found is software-assigned.
[[nodiscard]] inline format::per_class<format::class_evidence> evidence_of(const machine_snapshot& snap) {
  format::per_class<format::class_evidence> out;
  for (component_class c : all_component_classes) {
    const class_reading& r = snap[c];
    out[c].present = r.present();
    out[c].proof = r.present() && format::is_hardware_class(c) && r.evidence_only.size() < r.values.size();
  }
  return out;
}

}  // namespace airlock::hwid

#endif  // AIRLOCK_HWID_SNAPSHOT_HPP
