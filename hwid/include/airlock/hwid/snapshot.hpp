// SPDX-License-Identifier: MIT
// The data model of one hardware reading: per-class canonical values, reasons and the environment.
#ifndef AIRLOCK_HWID_SNAPSHOT_HPP
#define AIRLOCK_HWID_SNAPSHOT_HPP

#include <string>
#include <string_view>
#include <vector>

#include "airlock/format/machine.hpp"

namespace airlock::hwid {

using format::all_component_classes;
using format::component_class;
using format::runtime_environment;

// One class: its sorted, distinct canonical values, or none and the reason why.
// The values are raw identifiers: the library keeps them in memory only and never writes them anywhere.
struct class_reading {
  std::vector<std::string> values;
  std::string reason;  // empty when values are present

  bool present() const noexcept { return !values.empty(); }
  friend bool operator==(const class_reading& a, const class_reading& b) noexcept {
    return a.values == b.values && a.reason == b.reason;
  }
};

struct machine_snapshot {
  class_reading platform, disk, nic, os, board;
  runtime_environment environment = runtime_environment::unknown;
  std::vector<std::string> evidence;  // short strings, e.g. "/.dockerenv", "cpuid hypervisor bit"
  // A hardware class (disk, nic or board) has a value. In a container these are the host's, which a
  // license may only bind to with allow_container.
  bool host_hardware_visible = false;

  const class_reading& operator[](component_class c) const noexcept {
    switch (c) {
      case component_class::platform: return platform;
      case component_class::disk: return disk;
      case component_class::nic: return nic;
      case component_class::os: return os;
      case component_class::board: return board;
    }
    return platform;
  }
  class_reading& operator[](component_class c) noexcept {
    return const_cast<class_reading&>(static_cast<const machine_snapshot&>(*this)[c]);
  }
  bool is_container() const noexcept { return environment == runtime_environment::container; }
  friend bool operator==(const machine_snapshot& a, const machine_snapshot& b) noexcept {
    return a.platform == b.platform && a.disk == b.disk && a.nic == b.nic && a.os == b.os && a.board == b.board &&
           a.environment == b.environment && a.evidence == b.evidence &&
           a.host_hardware_visible == b.host_hardware_visible;
  }
  friend bool operator!=(const machine_snapshot& a, const machine_snapshot& b) noexcept { return !(a == b); }
};

}  // namespace airlock::hwid

#endif  // AIRLOCK_HWID_SNAPSHOT_HPP
