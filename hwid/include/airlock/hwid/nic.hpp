// SPDX-License-Identifier: MIT
// The nic class: permanent MACs of built-in physical Ethernet and Wi-Fi interfaces.
#ifndef AIRLOCK_HWID_NIC_HPP
#define AIRLOCK_HWID_NIC_HPP

#if defined(__linux__)

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "airlock/format/inventory.hpp"
#include "airlock/hwid/canonical.hpp"
#include "airlock/hwid/disk.hpp"
#include "airlock/hwid/probes.hpp"
#include "airlock/hwid/rooted_fs.hpp"
#include "airlock/hwid/snapshot.hpp"

namespace airlock::hwid::detail {

inline constexpr std::size_t max_interfaces = 256;

inline std::optional<std::string> sysfs_text(const rooted_fs& fs, const std::string& path) {
  const fs_read r = fs.read(path);
  return r.data ? clean_text(*r.data) : std::nullopt;
}

// Bus-backed (a `device` link; bridges, veth, tun, bonds, docker0 and lo have none), ARPHRD_ETHER
// (type 1, which Wi-Fi also reports), and not pluggable: USB and Thunderbolt adapters and docks come
// and go, and the kernel marks PCI devices behind an external port as "removable".
inline bool is_builtin_physical(const rooted_fs& fs, const std::string& base) {
  if (!fs.exists(base + "/device")) return false;
  if (sysfs_text(fs, base + "/type") != std::string("1")) return false;
  if (sysfs_text(fs, base + "/device/removable") == std::string("removable")) return false;
  const std::optional<std::string> bus = fs.resolve(base + "/device/subsystem").path;
  return !bus || (base_name(*bus) != "usb" && base_name(*bus) != "thunderbolt");
}

// WSL2 gives its Hyper-V NIC a new MAC from Hyper-V's dynamic range (00:15:5d) at every boot.
inline bool is_wsl_kernel(const rooted_fs& fs) {
  const std::optional<std::string> release = sysfs_text(fs, std::string(format::kernel_osrelease_path));
  if (!release) return false;
  const std::string folded = lower(*release);
  return folded.find("microsoft") != std::string::npos || folded.find("wsl") != std::string::npos;
}

// A MAC that software chose (FORMAT.md 4.6): the locally administered bit, which hypervisor
// defaults such as QEMU's 52:54:00:12:34:56 and cloud virtio NICs carry, or WSL2's per-boot MAC.
// Every clone of an image gets the same one, so it is evidence, never proof of the hardware.
inline bool is_software_assigned(const std::string& mac, bool wsl) {
  const int first = hex_digit(mac[0]) * 16 + hex_digit(mac[1]);
  return (first & 0x02) != 0 || (wsl && mac.rfind("00:15:5d:", 0) == 0);
}

// The permanent MAC, in order: bonding's saved perm_hwaddr (a slave's `address` is the bond's),
// ETHTOOL_GPERMADDR, then sysfs `address` only when the kernel says it is the permanent one
// (addr_assign_type 0). Wi-Fi never falls back to `address`: randomisation rewrites it.
inline std::optional<std::string> permanent_mac(const rooted_fs& fs, const system_probes& probes,
                                                const std::string& name, const std::string& base) {
  if (const fs_read bonded = fs.read(base + "/bonding_slave/perm_hwaddr"); bonded.data) {
    if (std::optional<std::string> mac = canonical_mac(parse_mac(*bonded.data))) return mac;
  }
  if (probes.permanent_mac) {
    if (std::optional<std::string> mac = canonical_mac(probes.permanent_mac(name))) return mac;
  }
  const bool wireless = fs.exists(base + "/wireless") || fs.exists(base + "/phy80211");
  if (wireless || sysfs_text(fs, base + "/addr_assign_type") != std::string("0")) return std::nullopt;
  const fs_read address = fs.read(base + "/address");
  return address.data ? canonical_mac(parse_mac(*address.data)) : std::nullopt;
}

inline class_reading collect_nic(const rooted_fs& fs, const system_probes& probes) {
  class_reading reading;
  bool saw_physical = false;
  std::size_t seen = 0;
  for (const std::string& name : fs.list(format::sys_class_net_path, max_interfaces)) {
    if (++seen > max_interfaces) break;
    const std::string base = std::string(format::sys_class_net_path) + "/" + name;
    if (!is_builtin_physical(fs, base)) continue;
    saw_physical = true;
    if (std::optional<std::string> mac = permanent_mac(fs, probes, name, base)) reading.values.push_back(*mac);
  }
  sort_unique(reading.values);
  const bool hyperv_range = std::any_of(reading.values.begin(), reading.values.end(),
                                        [](const std::string& mac) { return mac.rfind("00:15:5d:", 0) == 0; });
  const bool wsl = hyperv_range && is_wsl_kernel(fs);
  for (const std::string& mac : reading.values) {
    if (is_software_assigned(mac, wsl)) reading.evidence_only.push_back(mac);
  }
  if (reading.values.empty()) reading.reason = saw_physical ? "no permanent MAC" : "no physical network interface";
  return reading;
}

}  // namespace airlock::hwid::detail

#endif  // defined(__linux__)

#endif  // AIRLOCK_HWID_NIC_HPP
