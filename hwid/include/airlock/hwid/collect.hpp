// SPDX-License-Identifier: MIT
// collect(): one noexcept pass over every identifier source, through an injectable root and probes.
#ifndef AIRLOCK_HWID_COLLECT_HPP
#define AIRLOCK_HWID_COLLECT_HPP

#include <optional>
#include <string>

#include "airlock/hwid/probes.hpp"
#include "airlock/hwid/snapshot.hpp"

#if defined(__linux__)
#include "airlock/hwid/disk.hpp"
#include "airlock/hwid/environment.hpp"
#include "airlock/hwid/nic.hpp"
#include "airlock/hwid/os_board.hpp"
#include "airlock/hwid/platform.hpp"
#include "airlock/hwid/rooted_fs.hpp"
#endif

namespace airlock::hwid {

struct collect_options {
  // Prefix for every path read ("/" is the real machine; tests point it at a fake tree). The probes
  // are not files: with a fake root, pass probes that describe the same fake machine.
  std::string root = "/";
  // DMI serials are root-only, so with this on, root and non-root runs can differ. Off by default.
  bool include_board = false;
  system_probes probes = default_probes();
};

inline constexpr std::string_view unsupported_platform_reason = "not supported on this platform yet";

namespace detail {

// Runs one collector; an exception (allocation failure, a throwing injected probe) only loses its class.
template <typename Collector>
void guarded(class_reading& out, Collector&& collector) noexcept {
  try {
    out = collector();
  } catch (...) {
    out = class_reading{};
    out.reason = "internal error";
  }
}

#if defined(__linux__)
inline void collect_linux(const collect_options& options, machine_snapshot& snap) {
  const rooted_fs fs(options.root);
  std::optional<cpu_identity> cpu;
  try {
    cpu = read_cpu_identity(options.probes);
  } catch (...) {
    cpu.reset();
  }
  guarded(snap.platform, [&] { return collect_platform(fs, cpu); });
  root_disk_facts root;
  try {
    root = find_root_disk(fs);
    classify_environment(fs, cpu, root, snap);
  } catch (...) {
    root = root_disk_facts{};
    root.reason = "internal error";
  }
  guarded(snap.disk, [&] {
    if (snap.is_container()) return host_disks(fs);
    return class_reading{root.values, root.reason};
  });
  guarded(snap.nic, [&] { return collect_nic(fs, options.probes); });
  guarded(snap.os, [&] { return collect_os(fs); });
  guarded(snap.board, [&] {
    return options.include_board ? collect_board(fs) : class_reading{{}, "not collected (include_board is off)"};
  });
  snap.host_hardware_visible = snap.disk.present() || snap.nic.present() || snap.board.present();
}
#endif

}  // namespace detail

// Reads the machine. Never throws: every class that cannot be read is absent, with a reason.
inline machine_snapshot collect(const collect_options& options) noexcept {
  machine_snapshot snap;
#if defined(__linux__)
  try {
    detail::collect_linux(options, snap);
  } catch (...) {
    snap = machine_snapshot{};
    for (component_class c : all_component_classes) snap[c].reason = "internal error";
  }
#else
  (void)options;
  try {
    for (component_class c : all_component_classes) snap[c].reason = std::string(unsupported_platform_reason);
  } catch (...) {
  }
#endif
  return snap;
}

}  // namespace airlock::hwid

#endif  // AIRLOCK_HWID_COLLECT_HPP
