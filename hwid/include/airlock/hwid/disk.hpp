// SPDX-License-Identifier: MIT
// The disk class: serials/WWIDs of the whole disk(s) under `/`, found through mountinfo and sysfs.
#ifndef AIRLOCK_HWID_DISK_HPP
#define AIRLOCK_HWID_DISK_HPP

#if defined(__linux__)

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/format/inventory.hpp"
#include "airlock/hwid/canonical.hpp"
#include "airlock/hwid/rooted_fs.hpp"
#include "airlock/hwid/snapshot.hpp"

namespace airlock::hwid::detail {

struct mount_entry {
  unsigned long major = 0, minor = 0;
  std::string root, mount_point, fstype, source;
};

// mountinfo escapes space, tab, newline and backslash as \ooo.
inline std::string unescape_mount_field(std::string_view field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    const bool octal = field[i] == '\\' && i + 3 < field.size();
    if (octal && field[i + 1] >= '0' && field[i + 1] <= '3' && field[i + 2] >= '0' && field[i + 2] <= '7' &&
        field[i + 3] >= '0' && field[i + 3] <= '7') {
      out += char((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0'));
      i += 3;
    } else {
      out += field[i];
    }
  }
  return out;
}

inline std::optional<unsigned long> parse_device_number(std::string_view digits) {
  if (digits.empty() || digits.size() > 9) return std::nullopt;
  unsigned long value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned long>(c - '0');
  }
  return value;
}

// "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw" (proc(5)).
inline std::optional<mount_entry> parse_mountinfo_line(std::string_view line) {
  std::vector<std::string_view> fields;
  for (std::string_view rest = line; !rest.empty() && fields.size() < 64;) {
    const std::size_t space = rest.find(' ');
    if (space != 0) fields.push_back(rest.substr(0, space));
    if (space == std::string_view::npos) break;
    rest.remove_prefix(space + 1);
  }
  const auto dash = std::find(fields.begin(), fields.end(), std::string_view("-"));
  if (fields.size() < 9 || dash - fields.begin() < 6 || fields.end() - dash < 3) return std::nullopt;
  const std::size_t colon = fields[2].find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto major = parse_device_number(fields[2].substr(0, colon));
  const auto minor = parse_device_number(fields[2].substr(colon + 1));
  if (!major || !minor) return std::nullopt;
  return mount_entry{*major,
                     *minor,
                     unescape_mount_field(fields[3]),
                     unescape_mount_field(fields[4]),
                     std::string(dash[1]),
                     unescape_mount_field(dash[2])};
}

// The last "/" entry wins: a later mount stacks on top of an earlier one.
inline std::optional<mount_entry> find_root_mount(std::string_view mountinfo) {
  std::optional<mount_entry> found;
  while (!mountinfo.empty()) {
    const std::size_t end = mountinfo.find('\n');
    std::optional<mount_entry> entry = parse_mountinfo_line(mountinfo.substr(0, end));
    if (entry && entry->mount_point == "/") found = std::move(entry);
    if (end == std::string_view::npos) break;
    mountinfo.remove_prefix(end + 1);
  }
  return found;
}

// File systems whose root is not a local disk: there is nothing to bind to, so don't guess.
inline bool is_diskless_fstype(std::string_view fstype) {
  static constexpr std::array<std::string_view, 16> diskless = {
      "overlay",  "aufs",  "zfs",   "nfs",    "nfs4", "cifs",      "smb3", "9p",
      "virtiofs", "tmpfs", "ramfs", "rootfs", "ceph", "glusterfs", "fuse", "squashfs"};
  return std::find(diskless.begin(), diskless.end(), fstype) != diskless.end() || fstype.substr(0, 5) == "fuse.";
}

// ZFS opens its member disks itself: they are in no holders/ directory, /proc/spl/kstat/zfs/<pool>/
// lists no vdevs, and only the ZFS tools (ioctls on /dev/zfs) can name them.
inline std::string diskless_reason(std::string_view fstype) {
  if (fstype == "zfs") return "root is on zfs: its member disks are not visible without the ZFS tools";
  return "root is on " + std::string(fstype);
}

struct root_disk_facts {
  std::vector<std::string> values;  // canonical serials of the leaf disks
  std::string reason;
  std::string fstype;
  std::string mount_root;           // mountinfo field 4: "/" unless a subvolume or bind mount
  std::string device_mapper_name;   // dm/name of the root node, if any
  bool local_block_device = false;  // reached a non-virtual leaf disk, serial or not
};

inline std::optional<std::string> block_node_by_name(const rooted_fs& fs, std::string_view source) {
  constexpr std::string_view mapper = "/dev/mapper/";
  if (source.substr(0, mapper.size()) == mapper) {
    for (const std::string& dm : fs.list(format::sys_block_path)) {
      const fs_read name = fs.read("/sys/block/" + dm + "/dm/name");
      if (name.data && clean_text(*name.data) == std::string(source.substr(mapper.size())))
        return fs.resolve("/sys/block/" + dm).path;
    }
    return std::nullopt;
  }
  if (source.substr(0, 5) != "/dev/" || source.find('/', 5) != std::string_view::npos) return std::nullopt;
  return fs.resolve("/sys/class/block/" + std::string(source.substr(5))).path;
}

inline std::optional<std::string> root_block_node(const rooted_fs& fs, const mount_entry& m) {
  if (m.major != 0) return fs.resolve("/sys/dev/block/" + std::to_string(m.major) + ":" + std::to_string(m.minor)).path;
  return block_node_by_name(fs, m.source);  // btrfs and other anonymous-device file systems
}

inline bool starts_with_folded(std::string_view v, std::string_view lower_prefix) {
  return v.size() >= lower_prefix.size() && lower(std::string(v.substr(0, lower_prefix.size()))) == lower_prefix;
}

// `lower_prefix` then one or more decimal digits and nothing else, ASCII case ignored.
inline bool is_numbered(std::string_view v, std::string_view lower_prefix) {
  return v.size() > lower_prefix.size() && starts_with_folded(v, lower_prefix) &&
         std::all_of(v.begin() + lower_prefix.size(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Google Compute Engine gives every VM the same disk serials: NVMe controllers report nvme_card-pd
// (persistent disks) or nvme_card... (local SSDs), and SCSI disks report their device name, which
// is persistent-disk-N or local-ssd-N unless the user named the disk (GCE names have no '_').
inline bool is_gce_default_disk_serial(std::string_view v) {
  return starts_with_folded(v, "nvme_card") || is_numbered(v, "persistent-disk-") || is_numbered(v, "local-ssd-");
}

inline bool is_hex_run(std::string_view v) {
  return std::all_of(v.begin(), v.end(), [](char c) { return hex_digit(c) >= 0; });
}

// The serial spelled in hex inside "nvme.VVVV-<serial>-<model>-NNNNNNNN", the wwid the kernel makes
// for a namespace without UUID, NGUID or EUI-64. nullopt for any other text.
inline std::optional<std::string> serial_in_nvme_wwid(std::string_view v) {
  if (!starts_with_folded(v, "nvme.")) return std::nullopt;
  std::vector<std::string_view> parts;
  for (std::string_view rest = v.substr(5); parts.size() < 5;) {
    const std::size_t dash = rest.find('-');
    parts.push_back(rest.substr(0, dash));
    if (dash == std::string_view::npos) break;
    rest.remove_prefix(dash + 1);
  }
  if (parts.size() != 4 || parts[0].size() != 4 || parts[1].size() % 2 != 0 || parts[2].size() % 2 != 0 ||
      parts[3].size() != 8 || !std::all_of(parts.begin(), parts.end(), is_hex_run))
    return std::nullopt;
  std::string serial;
  for (std::size_t i = 0; i < parts[1].size(); i += 2)
    serial += char(hex_digit(parts[1][i]) * 16 + hex_digit(parts[1][i + 1]));
  return serial;
}

// Disk serials that many machines share beyond the placeholders of is_placeholder. A wwid the kernel
// built from the serial identifies no more than that serial (nvme_card-pd on GCE, blank ones).
inline bool is_shared_disk_serial(std::string_view v) {
  if (is_gce_default_disk_serial(v)) return true;
  const std::optional<std::string> spelled = serial_in_nvme_wwid(v);
  if (!spelled) return false;
  const std::optional<std::string> serial = canonical_serial(*spelled);
  return !serial || is_gce_default_disk_serial(*serial);
}

// One disk attribute file's content as a disk value.
inline std::optional<std::string> disk_value(std::string_view raw) {
  std::optional<std::string> v = canonical_serial(raw);
  if (v && is_shared_disk_serial(*v)) return std::nullopt;
  return v;
}

// Reads the serial of a whole disk in the order: nvme/mmc, virtio, WWID, SCSI VPD page 0x80, mmc CID.
inline std::optional<std::string> disk_serial(const rooted_fs& fs, const std::string& disk) {
  for (const char* attribute : {"/device/serial", "/serial", "/wwid", "/device/wwid"}) {
    const fs_read r = fs.read(disk + attribute);
    if (std::optional<std::string> v = r.data ? disk_value(*r.data) : std::nullopt) return v;
  }
  const fs_read vpd = fs.read(disk + "/device/vpd_pg80");
  if (vpd.data && vpd.data->size() >= 4 && static_cast<unsigned char>((*vpd.data)[1]) == 0x80) {
    const std::size_t length =
        static_cast<unsigned char>((*vpd.data)[2]) * 256u + static_cast<unsigned char>((*vpd.data)[3]);
    if (std::optional<std::string> v = disk_value(vpd.data->substr(4, length))) return v;
  }
  const fs_read cid = fs.read(disk + "/device/cid");
  return cid.data ? disk_value(*cid.data) : std::nullopt;
}

inline constexpr int max_stack_depth = 8;
inline constexpr std::size_t max_leaf_disks = 16;
// A real stack (partition, dm-crypt, LVM, md, NVMe paths) has a few dozen nodes. The bounds make a
// cyclic or absurdly wide sysfs graph cost milliseconds instead of exponential time.
inline constexpr std::size_t max_block_nodes = 256;
inline constexpr std::size_t max_block_walk_calls = 2048;
inline constexpr std::string_view block_graph_reason = "sysfs block graph too large or cyclic";

// The walk's state: each node is expanded once, and every file-system call is paid from one budget.
struct block_walk {
  const rooted_fs& fs;
  std::vector<std::string> leaves, expanded, stack;
  std::string note;
  std::size_t calls = 0;
  bool exceeded = false;  // too deep, too wide or cyclic: the leaves found are not the whole answer

  [[nodiscard]] bool spend(std::size_t n = 1) {
    calls += n;
    if (calls > max_block_walk_calls) exceeded = true;
    return !exceeded;
  }
};

inline bool is_decimal(std::string_view v) {
  return !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Where "nvme<S>n<H>" has the 'n' before H; npos for any other name.
inline std::size_t nvme_head_split(std::string_view name) {
  const std::size_t n = name.find('n', 4);
  const bool ok = name.substr(0, 4) == "nvme" && n != std::string_view::npos && is_decimal(name.substr(4, n - 4)) &&
                  is_decimal(name.substr(n + 1));
  return ok ? n : std::string_view::npos;
}

// Native NVMe multipath: the head node nvme<S>n<H> sits in /sys/devices/virtual/nvme-subsystem/
// nvme-subsys<S>, which links to its controllers nvme<C>; the head's path through controller C is the
// controller's child nvme<S>c<C>n<H>, a namespace node like any other (device/serial, wwid), so a
// dual-port disk reads the same with multipath on or off. Names, not the head's multipath/ links,
// because only recent kernels have those.
inline std::vector<std::string> nvme_head_paths(block_walk& walk, const std::string& head) {
  std::vector<std::string> paths;
  const std::string subsystem = parent_path(head), name = base_name(head);
  const std::size_t n = nvme_head_split(name);
  if (subsystem.rfind("/sys/devices/virtual/nvme-subsystem/", 0) != 0 || n == std::string::npos) return paths;
  if (!walk.spend()) return paths;
  for (const std::string& entry : walk.fs.list(subsystem)) {
    if (entry.substr(0, 4) != "nvme" || !is_decimal(std::string_view(entry).substr(4))) continue;
    if (!walk.spend(2)) return paths;
    const std::optional<std::string> controller = walk.fs.resolve(subsystem + "/" + entry).path;
    if (!controller) continue;
    const std::string path = *controller + "/" + name.substr(0, n) + "c" + entry.substr(4) + name.substr(n);
    if (walk.fs.is_dir(path)) paths.push_back(path);
  }
  return paths;
}

inline bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The nodes `node` stands on: NVMe paths of a multipath head, or the slaves of a dm/md device.
inline std::vector<std::string> lower_block_nodes(block_walk& walk, const std::string& node) {
  std::vector<std::string> lower = nvme_head_paths(walk, node);
  if (!lower.empty() || !walk.spend()) return lower;
  for (const std::string& slave : walk.fs.list(node + "/slaves")) {
    if (!walk.spend()) break;
    if (std::optional<std::string> next = walk.fs.resolve(node + "/slaves/" + slave).path) lower.push_back(*next);
  }
  return lower;
}

inline void add_leaf_disk(block_walk& walk, const std::string& node) {
  if (!walk.spend()) return;
  if (walk.fs.exists(node + "/loop") || base_name(node).substr(0, 4) == "loop") {
    walk.note = "root is on a loop device";
  } else if (node.rfind("/sys/devices/virtual/", 0) == 0) {
    walk.note = "root is on a virtual block device";
  } else if (!contains(walk.leaves, node)) {
    walk.leaves.push_back(node);
  }
}

// Walks partition -> whole disk, dm/md -> slaves and NVMe multipath head -> paths, collecting the
// leaf disks under `node`. A node reached twice (two partitions of one disk) is expanded once; a
// node on its own way down is a cycle.
inline void collect_leaf_disks(block_walk& walk, std::string node) {
  if (walk.exceeded || walk.leaves.size() >= max_leaf_disks || !walk.spend()) return;
  if (walk.fs.exists(node + "/partition")) node = parent_path(node);
  if (contains(walk.stack, node) || walk.stack.size() > std::size_t(max_stack_depth) ||
      walk.expanded.size() >= max_block_nodes) {
    walk.exceeded = true;
    return;
  }
  if (contains(walk.expanded, node)) return;
  walk.expanded.push_back(node);
  const std::vector<std::string> lower = lower_block_nodes(walk, node);
  if (lower.empty()) return add_leaf_disk(walk, node);
  walk.stack.push_back(node);
  for (const std::string& next : lower) collect_leaf_disks(walk, next);
  walk.stack.pop_back();
}

inline void sort_unique(std::vector<std::string>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

// A btrfs file system lists its member devices as links in /sys/fs/btrfs/<fsid>/devices/; the
// root's file system is the one whose list holds the mounted device. Any other file system, or a
// kernel without that list, has the mounted device alone. Every listing and link costs one call of
// the walk's budget, so a sysfs with thousands of file systems of thousands of devices is refused
// (nullopt) in milliseconds.
inline std::optional<std::vector<std::string>> file_system_devices(const rooted_fs& fs, const std::string& fstype,
                                                                   const std::string& node) {
  if (fstype != "btrfs") return std::vector<std::string>{node};
  std::size_t calls = 0;
  for (const std::string& fsid : fs.list(format::sys_fs_btrfs_path)) {
    const std::string dir = "/sys/fs/btrfs/" + fsid + "/devices/";
    std::vector<std::string> members;
    if (++calls > max_block_walk_calls) return std::nullopt;
    for (const std::string& name : fs.list(dir)) {
      if (++calls > max_block_walk_calls) return std::nullopt;
      if (std::optional<std::string> member = fs.resolve(dir + name).path) members.push_back(*member);
    }
    if (std::find(members.begin(), members.end(), node) != members.end()) return members;
  }
  return std::vector<std::string>{node};
}

inline void read_leaf_serials(const rooted_fs& fs, const std::vector<std::string>& devices, root_disk_facts& facts) {
  block_walk walk{fs, {}, {}, {}, {}, 0, false};
  for (const std::string& device : devices) collect_leaf_disks(walk, device);
  if (walk.exceeded) {  // some leaves may be missing: binding to the rest would be a guess
    facts.reason = std::string(block_graph_reason);
    return;
  }
  facts.local_block_device = !walk.leaves.empty();
  for (const std::string& leaf : walk.leaves) {
    if (std::optional<std::string> serial = disk_serial(fs, leaf)) facts.values.push_back(*serial);
  }
  sort_unique(facts.values);
  if (facts.values.empty())
    facts.reason = walk.leaves.empty() ? (walk.note.empty() ? "no root disk" : walk.note) : "no serial";
}

// `mountinfo` is /proc/self/mountinfo as the collector read it (once, for every class).
inline root_disk_facts find_root_disk(const rooted_fs& fs, const fs_read& mountinfo) {
  root_disk_facts facts;
  if (!mountinfo.data) {
    facts.reason = "mountinfo " + mountinfo.error;
    return facts;
  }
  const std::optional<mount_entry> root = find_root_mount(*mountinfo.data);
  if (!root) {
    facts.reason = "root mount not found";
    return facts;
  }
  facts.fstype = root->fstype;
  facts.mount_root = root->root;
  if (is_diskless_fstype(root->fstype)) {
    facts.reason = diskless_reason(root->fstype);
    return facts;
  }
  const std::optional<std::string> node = root_block_node(fs, *root);
  if (!node) {
    facts.reason = "root device not found in sysfs";
    return facts;
  }
  if (const fs_read dm = fs.read(*node + "/dm/name"); dm.data)
    facts.device_mapper_name = clean_text(*dm.data).value_or("");
  const std::optional<std::vector<std::string>> devices = file_system_devices(fs, root->fstype, *node);
  if (!devices) {
    facts.reason = std::string(block_graph_reason);
    return facts;
  }
  read_leaf_serials(fs, *devices, facts);
  return facts;
}

// Inside a container `/` is an overlay, but sysfs is not namespaced: the host's fixed disks are listed
// in /sys/block. A license with allow_container binds to them (removable and USB disks are skipped).
inline class_reading host_disks(const rooted_fs& fs) {
  class_reading reading;
  std::size_t examined = 0;  // a host has a few dozen block devices; a hostile sysfs has no say
  for (const std::string& name : fs.list(format::sys_block_path)) {
    if (++examined > max_block_nodes) break;
    const std::optional<std::string> node = fs.resolve("/sys/block/" + name).path;
    if (!node || node->rfind("/sys/devices/virtual/", 0) == 0 || node->find("/usb") != std::string::npos) continue;
    const fs_read removable = fs.read(*node + "/removable");
    if (removable.data && clean_text(*removable.data) == std::string("1")) continue;
    if (std::optional<std::string> serial = disk_serial(fs, *node)) reading.values.push_back(*serial);
    if (reading.values.size() >= max_leaf_disks) break;
  }
  sort_unique(reading.values);
  if (reading.values.empty()) reading.reason = "container: no host disk serial visible";
  return reading;
}

}  // namespace airlock::hwid::detail

#endif  // defined(__linux__)

#endif  // AIRLOCK_HWID_DISK_HPP
