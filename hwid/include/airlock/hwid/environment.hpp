// SPDX-License-Identifier: MIT
// Environment classification (bare metal, VM, container) from what the machine really has.
#ifndef AIRLOCK_HWID_ENVIRONMENT_HPP
#define AIRLOCK_HWID_ENVIRONMENT_HPP

#if defined(__linux__)

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/hwid/canonical.hpp"
#include "airlock/hwid/disk.hpp"
#include "airlock/hwid/platform.hpp"
#include "airlock/hwid/rooted_fs.hpp"
#include "airlock/hwid/snapshot.hpp"

namespace airlock::hwid::detail {

inline bool contains_folded(std::string_view text, std::string_view needle) {
  return lower(std::string(text)).find(needle) != std::string::npos;
}

// Marker files and cgroup names. On cgroup v2 with a cgroup namespace every path is "/", so the
// markers carry most of the weight; an overlay root is a signal of its own.
inline std::vector<std::string> container_signals(const rooted_fs& fs, const root_disk_facts& root) {
  std::vector<std::string> found;
  for (const char* marker : {"/.dockerenv", "/run/.containerenv"}) {
    if (fs.exists(marker)) found.emplace_back(marker);
  }
  if (const fs_read kind = fs.read("/run/systemd/container"); kind.data) {
    found.push_back("systemd container " + clean_text(*kind.data).value_or("?"));
  }
  if (const fs_read cgroup = fs.read("/proc/self/cgroup", 64 * 1024); cgroup.data) {
    for (std::string_view engine : {"docker", "kubepods", "containerd", "libpod", "lxc", "crio"}) {
      if (contains_folded(*cgroup.data, engine)) {
        found.push_back("cgroup " + std::string(engine));
        break;
      }
    }
  }
  if (root.fstype == "overlay" || root.fstype == "aufs") found.push_back("root is on " + root.fstype);
  if (root.device_mapper_name.rfind("docker-", 0) == 0) found.emplace_back("root is a docker devicemapper volume");
  return found;
}

inline constexpr std::array<std::string_view, 12> vm_dmi_words = {
    "qemu",      "kvm",   "vmware",    "virtualbox",           "innotek", "xen", "virtual machine", "bochs",
    "parallels", "bhyve", "openstack", "google compute engine"};

inline std::vector<std::string> vm_signals(const rooted_fs& fs, const std::optional<cpu_identity>& cpu) {
  std::vector<std::string> found;
  if (cpu && cpu->hypervisor) {
    found.emplace_back("cpuid hypervisor bit");
    if (!cpu->hypervisor_signature.empty()) found.push_back("hypervisor " + cpu->hypervisor_signature);
  }
  for (const char* field : {"sys_vendor", "product_name"}) {
    const fs_read r = fs.read(std::string("/sys/class/dmi/id/") + field);
    const std::optional<std::string> text = r.data ? clean_text(*r.data) : std::nullopt;
    if (!text) continue;
    for (std::string_view word : vm_dmi_words) {
      if (contains_folded(*text, word)) {
        found.push_back("dmi " + std::string(field) + " " + *text);
        break;
      }
    }
  }
  if (fs.exists("/proc/device-tree/hypervisor")) found.emplace_back("device-tree hypervisor node");
  return found;
}

// A root that is a whole local file system on a bus-backed disk is the machine's own, whatever
// marker files the image carries: a micro-VM booted from a Docker image has /.dockerenv but its own
// ext4 root on a virtio disk. A container's root is an overlay, a subvolume or a bind of the host's.
inline bool root_is_own_disk(const root_disk_facts& root) {
  return root.local_block_device && root.mount_root == "/" && root.device_mapper_name.rfind("docker-", 0) != 0;
}

inline void classify_environment(const rooted_fs& fs, const std::optional<cpu_identity>& cpu,
                                 const root_disk_facts& root, machine_snapshot& snap) {
  const std::vector<std::string> container = container_signals(fs, root);
  const std::vector<std::string> vm = vm_signals(fs, cpu);
  snap.evidence = container;
  snap.evidence.insert(snap.evidence.end(), vm.begin(), vm.end());
  if (!container.empty() && !root_is_own_disk(root)) {
    snap.environment = runtime_environment::container;
    return;
  }
  if (!container.empty()) snap.evidence.push_back("root is " + root.fstype + " on its own block device");
  if (!vm.empty()) {
    snap.environment = runtime_environment::vm;
  } else if (cpu || fs.exists("/sys/class/dmi/id") || fs.exists("/proc/device-tree")) {
    snap.environment = runtime_environment::bare_metal;
  } else {
    snap.environment = runtime_environment::unknown;
  }
}

}  // namespace airlock::hwid::detail

#endif  // defined(__linux__)

#endif  // AIRLOCK_HWID_ENVIRONMENT_HPP
