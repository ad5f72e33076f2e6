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

#include "airlock/format/inventory.hpp"
#include "airlock/hwid/canonical.hpp"
#include "airlock/hwid/disk.hpp"
#include "airlock/hwid/platform.hpp"
#include "airlock/hwid/probes.hpp"
#include "airlock/hwid/rooted_fs.hpp"
#include "airlock/hwid/snapshot.hpp"

namespace airlock::hwid::detail {

// `needle` (lower case) in `text`, ASCII case ignored, without a folded copy of `text`.
inline bool contains_folded(std::string_view text, std::string_view needle) {
  if (needle.size() > text.size()) return false;
  for (std::size_t at = 0; at + needle.size() <= text.size(); ++at) {
    std::size_t i = 0;
    while (i < needle.size() && lower_ascii(text[at + i]) == needle[i]) ++i;
    if (i == needle.size()) return true;
  }
  return false;
}

// /proc/self/cgroup is one line per hierarchy; a process nested deep in a delegated subtree can
// make it long, so it is searched line by line through read_lines' buffer, never held whole.
inline constexpr std::size_t cgroup_read_cap = 64 * 1024;
inline constexpr std::array<std::string_view, 6> container_engines = {"docker", "kubepods", "containerd",
                                                                      "libpod", "lxc",      "crio"};

// Marker files and cgroup names. On cgroup v2 with a cgroup namespace every path is "/", so the
// markers carry most of the weight; an overlay root is a signal of its own. All of these are
// files an image can carry, so alone they only count when the root is not the machine's own disk.
inline std::vector<std::string> container_marks(const rooted_fs& fs, const std::optional<mount_entry>& root) {
  std::vector<std::string> found;
  for (const std::string_view marker : {format::dockerenv_path, format::containerenv_path}) {
    if (fs.exists(marker)) found.emplace_back(marker);
  }
  if (const fs_read kind = fs.read(format::systemd_container_path); kind.data) {
    found.push_back("systemd container " + clean_text(*kind.data).value_or("?"));
  }
  std::size_t engine = container_engines.size();  // the first of the list found in any line
  const std::string cgroup_error =
      fs.read_lines(format::cgroup_path, cgroup_read_cap, [&](std::string_view line, bool) {
        for (std::size_t i = 0; i < engine; ++i) {
          if (contains_folded(line, container_engines[i])) engine = i;
        }
      });
  if (cgroup_error.empty() && engine < container_engines.size())  // a larger file gives no signal
    found.push_back("cgroup " + std::string(container_engines[engine]));
  if (root && (root->fstype == "overlay" || root->fstype == "aufs" || root->fstype == "fuse.fuse-overlayfs"))
    found.push_back("root is on " + root->fstype);
  if (root && root->source.rfind("/dev/mapper/docker-", 0) == 0)
    found.emplace_back("root is a docker devicemapper volume");
  return found;
}

// The identity map of the whole uid range: what the initial user namespace shows.
inline bool is_identity_uid_map(std::string_view text) {
  std::string folded;
  bool blank = true;
  for (char c : text) {
    const bool space = c == ' ' || c == '\t' || c == '\n';
    if (!space) folded += c;
    if (space && !blank) folded += ' ';
    blank = space;
  }
  while (!folded.empty() && folded.back() == ' ') folded.pop_back();
  return folded == "0 0 4294967295";
}

// The namespace signals of FORMAT.md 4.9. A process in another user namespace owns its mounts and
// cannot vouch for its file views; another PID namespace alone is what WSL2 and app sandboxes give.
struct namespace_signals {
  std::vector<std::string> user;  // each alone makes a container
  std::vector<std::string> pid;   // a container only off the machine's own disk
};

inline namespace_signals namespace_marks(const rooted_fs& fs, const system_probes& probes) {
  namespace_signals found;
  if (const fs_read map = fs.read(format::uid_map_path); map.data && !is_identity_uid_map(*map.data))
    found.user.emplace_back("uid_map is not the identity map");
  if (!probes.namespaces) return found;
  const std::optional<namespace_ids> ids = probes.namespaces();
  if (!ids) {
    found.user.emplace_back("namespace files unreadable or shadowed");
  } else {
    if (ids->user != initial_user_namespace) found.user.emplace_back("not the initial user namespace");
    if (ids->pid != initial_pid_namespace) found.pid.emplace_back("not the initial PID namespace");
  }
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
  for (const std::string_view path : {format::dmi_sys_vendor_path, format::dmi_product_name_path}) {
    const std::string field = base_name(path);
    const fs_read r = fs.read(path);
    const std::optional<std::string> text = r.data ? clean_text(*r.data) : std::nullopt;
    if (!text) continue;
    for (std::string_view word : vm_dmi_words) {
      if (contains_folded(*text, word)) {
        found.push_back("dmi " + field + " " + *text);
        break;
      }
    }
  }
  if (fs.exists(format::device_tree_hypervisor_path)) found.emplace_back("device-tree hypervisor node");
  return found;
}

// A root that is a whole local file system on a block device is the machine's own, whatever marker
// files the image carries: a micro-VM booted from a Docker image has /.dockerenv but its own ext4
// root on a virtio disk. Decided from the mount table alone, so that a disk whose sysfs entry cannot
// be read leaves the environment as it is (FORMAT.md 4.9).
inline bool root_is_own_disk(const std::optional<mount_entry>& root) {
  if (!root || is_diskless_fstype(root->fstype) || root->source.rfind("/dev/", 0) != 0) return false;
  if (root->source.rfind("/dev/mapper/docker-", 0) == 0 || root->source.rfind("/dev/loop", 0) == 0) return false;
  return root->root == "/" || root->fstype == "btrfs";  // a btrfs root is often a subvolume such as /@
}

// `root`: the root mount (mount_table::root). `tell_vm`: false stops after the container decision (see
// collect_options::tell_vm_from_bare_metal).
inline void classify_environment(const rooted_fs& fs, const system_probes& probes,
                                 const std::optional<cpu_identity>& cpu, const std::optional<mount_entry>& root,
                                 bool tell_vm, machine_snapshot& snap) {
  const namespace_signals namespaces = namespace_marks(fs, probes);
  const std::vector<std::string> marks = container_marks(fs, root);
  const std::vector<std::string> vm = tell_vm ? vm_signals(fs, cpu) : std::vector<std::string>{};
  snap.evidence = namespaces.user;
  for (const auto* more : {&namespaces.pid, &marks, &vm})
    snap.evidence.insert(snap.evidence.end(), more->begin(), more->end());
  const bool own_disk = root_is_own_disk(root);
  if (!namespaces.user.empty() || (!own_disk && (!namespaces.pid.empty() || !marks.empty()))) {
    snap.environment = runtime_environment::container;
    return;
  }
  if (!marks.empty()) snap.evidence.push_back("root is " + root->fstype + " on its own block device");
  if (!tell_vm) {
    snap.environment = runtime_environment::unknown;
  } else if (!vm.empty()) {
    snap.environment = runtime_environment::vm;
  } else if (cpu || fs.exists(format::dmi_folder_path) || fs.exists(format::device_tree_path)) {
    snap.environment = runtime_environment::bare_metal;
  } else {
    snap.environment = runtime_environment::unknown;
  }
}

}  // namespace airlock::hwid::detail

#endif  // defined(__linux__)

#endif  // AIRLOCK_HWID_ENVIRONMENT_HPP
