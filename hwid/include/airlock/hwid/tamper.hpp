// SPDX-License-Identifier: MIT
// Tamper evidence (FORMAT.md 4.10): a class whose identifier files are shadowed by a mount is not
// trusted. Two independent witnesses: the mount table, and the kernel's statfs/statx answers for
// each path, which a user cannot shadow the way files under /proc can be.
#ifndef AIRLOCK_HWID_TAMPER_HPP
#define AIRLOCK_HWID_TAMPER_HPP

#if defined(__linux__)

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/hwid/disk.hpp"
#include "airlock/hwid/probes.hpp"
#include "airlock/hwid/rooted_fs.hpp"
#include "airlock/hwid/snapshot.hpp"

namespace airlock::hwid::detail {

inline constexpr std::string_view untrusted_prefix = "untrusted: ";

// Where an identifier file must live: the mount that must hold it (mount point and type in the
// mount table) and the file-system magic statfs must report. The device tree is sysfs reached
// through the /proc/device-tree link.
struct expected_home {
  std::string_view mount_point, fstype;
  std::uint64_t magic = 0;  // 0: the root file system's own
  std::string_view anchor;  // the path whose mount the file's mount must be
};

inline expected_home home_of(std::string_view path) {
  if (is_under(path, "/proc/device-tree")) return {"/proc", "proc", sysfs_magic, "/sys"};
  if (is_under(path, "/sys")) return {"/sys", "sysfs", sysfs_magic, "/sys"};
  if (is_under(path, "/proc")) return {"/proc", "proc", procfs_magic, "/proc"};
  return {"/", "", 0, "/"};
}

// The mount that holds `path`: the last entry (the top of a stack) on `path` or a parent of it.
inline const mount_entry* covering_mount(const std::vector<mount_entry>& mounts, std::string_view path) {
  const mount_entry* found = nullptr;
  std::size_t depth = 0;
  for (const mount_entry& m : mounts) {
    if (!is_under(path, m.mount_point)) continue;
    const std::size_t here = m.mount_point == "/" ? 0 : m.mount_point.size();
    if (found == nullptr || here >= depth) found = &m, depth = here;
  }
  return found;
}

// A mount of a file system onto the same place of itself (systemd's ProtectSystem= and
// ProtectKernelTunables=, runc's read-only /proc/sys): field 4 is the mount point as seen inside
// the home mount, on the home's device.
inline bool is_self_bind(const mount_entry& m, const mount_entry& home) {
  if (m.major != home.major || m.minor != home.minor || m.fstype != home.fstype) return false;
  const std::string inside = home.mount_point == "/" ? m.mount_point : m.mount_point.substr(home.mount_point.size());
  const std::string expected = home.root == "/" ? inside : home.root + inside;
  return m.root == expected;
}

// Outside /sys and /proc a path may also lie on another whole local file system (a separate /var).
inline bool is_whole_local_mount(const mount_entry& m, std::string_view path) {
  return m.mount_point != path && m.root == "/" && m.source.rfind("/dev/", 0) == 0 && !is_diskless_fstype(m.fstype);
}

inline std::string mount_table_problem(const mount_table& table, const std::string& path) {
  if (table.error() == "too large")  // read in part, it cannot vouch for a path: the rest may shadow it
    return "the mount table is over " + std::to_string(mountinfo_read_cap >> 20) + " MiB, so " + path +
           " cannot be checked";
  if (table.empty()) return {};  // unreadable: it says nothing (FORMAT.md 4.10)
  if (std::string unchecked = table.unchecked(path); !unchecked.empty()) return unchecked;
  const std::vector<mount_entry>& mounts = table.kept();
  const expected_home home = home_of(path);
  const mount_entry* m = covering_mount(mounts, path);
  if (m == nullptr) return path + " is on no mount at all";
  const mount_entry* base = covering_mount(mounts, home.mount_point);
  const bool at_home =
      m->mount_point == home.mount_point && (home.fstype.empty() || (m->fstype == home.fstype && m->root == "/"));
  if (at_home) return {};
  if (base != nullptr && base != m && base->mount_point == home.mount_point && is_self_bind(*m, *base)) return {};
  if (home.fstype.empty() && is_whole_local_mount(*m, path)) return {};
  return path + " is shadowed by a mount on " + m->mount_point + " (" + m->fstype + ")";
}

// The kernel's view of each path, against the same view of the mount point it must be on.
class origin_checker {
 public:
  explicit origin_checker(const system_probes& probes) : probes_(probes) {}

  std::string problem(const std::string& path) {
    if (!probes_.origin_of) return {};
    const std::optional<file_origin> origin = probes_.origin_of(path);
    if (!origin) return {};  // nothing there, so nothing was read from it
    const expected_home home = home_of(path);
    if (origin->mount_root && path != home.anchor) return path + " has a mount of its own on it";
    if (home.magic == 0) return {};  // a file of the root (or a whole local) file system: the table decides
    if (origin->fs_magic != home.magic) return path + " is not on " + std::string(home.fstype);
    const std::optional<file_origin> anchor = anchor_of(std::string(home.anchor));
    if (anchor && origin->device != anchor->device)
      return path + " is on another " + std::string(home.fstype) + " than " + std::string(home.anchor);
    return {};
  }

 private:
  std::optional<file_origin> anchor_of(const std::string& mount_point) {
    const auto it = anchors_.find(mount_point);
    if (it != anchors_.end()) return it->second;
    return anchors_[mount_point] = probes_.origin_of(mount_point);
  }

  const system_probes& probes_;
  std::map<std::string, std::optional<file_origin>> anchors_;
};

// Judges what one class looked at; a class with any shadowed path loses its values.
class tamper_judge {
 public:
  // `mounts` must outlive the judge.
  tamper_judge(const mount_table& mounts, const system_probes& probes) : mounts_(mounts), origins_(probes) {}

  // The first problem, empty when everything looked at is where it must be: the mount table for
  // every path, the kernel for every file whose content was read.
  std::string problem(const rooted_fs::looked_at& seen) {
    if (seen.overflow) return "more paths than can be checked";
    for (const std::string& path : seen.paths) {
      if (std::string found = mount_table_problem(mounts_, path); !found.empty()) return found;
    }
    for (const std::string& path : seen.files_read) {
      if (std::string found = origins_.problem(path); !found.empty()) return found;
    }
    return {};
  }

  // Judged whether or not the class was found, so that a lost class says why it was lost.
  void judge(const rooted_fs::looked_at& seen, class_reading& reading) {
    const std::string found = problem(seen);
    if (found.empty()) return;
    reading = class_reading{};
    reading.reason = std::string(untrusted_prefix) + found;
  }

 private:
  const mount_table& mounts_;
  origin_checker origins_;
};

}  // namespace airlock::hwid::detail

#endif  // defined(__linux__)

#endif  // AIRLOCK_HWID_TAMPER_HPP
