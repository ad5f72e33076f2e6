// SPDX-License-Identifier: MIT
// collect(): one noexcept pass over every identifier source, through an injectable root and probes.
#ifndef AIRLOCK_HWID_COLLECT_HPP
#define AIRLOCK_HWID_COLLECT_HPP

#include <array>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/format/inventory.hpp"
#include "airlock/format/machine.hpp"
#include "airlock/hwid/probes.hpp"
#include "airlock/hwid/snapshot.hpp"

#if defined(__linux__)
#include "airlock/hwid/disk.hpp"
#include "airlock/hwid/environment.hpp"
#include "airlock/hwid/nic.hpp"
#include "airlock/hwid/os_board.hpp"
#include "airlock/hwid/platform.hpp"
#include "airlock/hwid/rooted_fs.hpp"
#include "airlock/hwid/tamper.hpp"
#endif

namespace airlock::hwid {

struct collect_options {
  // Prefix for every path read ("/" is the real machine; tests point it at a fake tree). The probes
  // are not files: with a fake root, pass probes that describe the same fake machine.
  std::string root = "/";
  // The classes to read, indexed by component_class; the others stay empty with the reason
  // "not collected". board is off by default: DMI serials are root-only, so with it on, root and
  // non-root runs can differ.
  std::array<bool, 5> classes = {true, true, true, true, false};
  // false: the environment only tells a container from the rest (all a license check needs) and
  // leaves the rest `unknown`, without the VM signals: no DMI names, no hypervisor CPUID leaf, and
  // no CPUID at all when platform is not wanted.
  bool tell_vm_from_bare_metal = true;
  system_probes probes = default_probes();
  // Told, after each part of the collection ("environment" or a class name), every path it looked
  // at and the files it read: how the tests hold the collectors to the data inventory
  // (format/inventory.hpp). Empty: nobody is told.
  std::function<void(std::string_view part, const std::vector<std::string>& paths,
                     const std::vector<std::string>& files_read)>
      observer;

  [[nodiscard]] bool wants(component_class c) const noexcept { return classes[static_cast<std::size_t>(c)]; }
  void set(component_class c, bool on) noexcept { classes[static_cast<std::size_t>(c)] = on; }
};

/// Options that read exactly the classes `recorded` holds, and of the environment only whether it is
/// a container (what a verifier needs for one license).
[[nodiscard]] inline collect_options options_for(const format::component_hashes& recorded) {
  collect_options options;
  for (const component_class c : all_component_classes) options.set(c, !recorded[c].empty());
  options.tell_vm_from_bare_metal = false;
  return options;
}

inline constexpr std::string_view not_collected_reason = "not collected";

inline constexpr std::string_view unsupported_platform_reason = "not supported on this platform yet";

namespace detail {

// Runs one wanted collector; an exception (allocation failure, a throwing injected probe) only loses
// its class.
template <typename Collector>
void guarded(const collect_options& options, component_class c, class_reading& out, Collector&& collector) noexcept {
  try {
    if (!options.wants(c)) {
      out = class_reading{{}, std::string(not_collected_reason), {}};
      return;
    }
    out = collector();
  } catch (...) {
    out = class_reading{};
    out.reason = "internal error";
  }
}

#if defined(__linux__)
inline void tell_observer(const collect_options& options, std::string_view part, const rooted_fs::looked_at& seen) {
  if (options.observer) options.observer(part, seen.paths, seen.files_read);
}

// Each class is judged by what its collector looked at (tamper.hpp), right after it ran.
inline void collect_linux(const collect_options& options, machine_snapshot& snap) {
  const rooted_fs fs(options.root);
  std::optional<cpu_identity> cpu;
  // CPUID traps to the hypervisor on a VM: ask it only when an answer is used.
  if (options.wants(component_class::platform) || options.tell_vm_from_bare_metal) {
    try {
      cpu = read_cpu_identity(options.probes, options.tell_vm_from_bare_metal);
    } catch (...) {
      cpu.reset();
    }
  }
  const mount_table mounts = mount_table::read(fs);
  tamper_judge tamper(mounts, options.probes);
  const rooted_fs::looked_at table_seen = fs.take_looked_at();
  classify_environment(fs, options.probes, cpu, mounts.root(), options.tell_vm_from_bare_metal, snap);
  tell_observer(options, "environment", table_seen);
  // The environment is not a class: its files can only add doubt, so they are not judged.
  tell_observer(options, "environment", fs.take_looked_at());

  const auto run = [&](component_class c, class_reading& out, auto&& collector) {
    guarded(options, c, out, collector);
    if (!options.wants(c)) return;
    rooted_fs::looked_at seen = fs.take_looked_at();
    if (c == component_class::disk) {  // the root disk was found through the mount table
      seen.paths.insert(seen.paths.end(), table_seen.paths.begin(), table_seen.paths.end());
      seen.files_read.insert(seen.files_read.end(), table_seen.files_read.begin(), table_seen.files_read.end());
    }
    tell_observer(options, to_string(c), seen);
    tamper.judge(seen, out);
  };
  run(component_class::platform, snap.platform, [&] { return collect_platform(fs, cpu); });
  run(component_class::disk, snap.disk, [&] {
    if (snap.is_container()) return host_disks(fs);
    const root_disk_facts root = find_root_disk(fs, mounts);
    return class_reading{root.values, root.reason, {}};
  });
  run(component_class::nic, snap.nic, [&] { return collect_nic(fs, options.probes); });
  run(component_class::os, snap.os, [&] { return collect_os(fs); });
  run(component_class::board, snap.board, [&] { return collect_board(fs); });
  snap.host_hardware_visible = snap.disk.present() || snap.nic.present() || snap.board.present();
}
#endif

}  // namespace detail

// Reads the machine. Never throws: every class that cannot be read is absent, with a reason.
[[nodiscard]] inline machine_snapshot collect(const collect_options& options) noexcept {
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
