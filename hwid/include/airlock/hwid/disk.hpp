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

// The fields of one mountinfo line: split at spaces, empty fields skipped, at most the first 64.
struct mountinfo_fields {
  std::array<std::string_view, 64> at{};
  std::size_t count = 0;
};

inline mountinfo_fields split_mountinfo_line(std::string_view line) {
  mountinfo_fields f;
  for (std::string_view rest = line; !rest.empty() && f.count < f.at.size();) {
    const std::size_t space = rest.find(' ');
    if (space != 0) f.at[f.count++] = rest.substr(0, space);
    if (space == std::string_view::npos) break;
    rest.remove_prefix(space + 1);
  }
  return f;
}

// "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw" (proc(5)).
inline std::optional<mount_entry> parse_mountinfo_fields(const mountinfo_fields& f) {
  const auto first = f.at.begin(), last = first + static_cast<std::ptrdiff_t>(f.count);
  const auto dash = std::find(first, last, std::string_view("-"));
  if (f.count < 9 || dash - first < 6 || last - dash < 3) return std::nullopt;
  const std::size_t colon = f.at[2].find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto major = parse_device_number(f.at[2].substr(0, colon));
  const auto minor = parse_device_number(f.at[2].substr(colon + 1));
  if (!major || !minor) return std::nullopt;
  return mount_entry{*major,
                     *minor,
                     unescape_mount_field(f.at[3]),
                     unescape_mount_field(f.at[4]),
                     std::string(dash[1]),
                     unescape_mount_field(dash[2])};
}

inline std::optional<mount_entry> parse_mountinfo_line(std::string_view line) {
  return parse_mountinfo_fields(split_mountinfo_line(line));
}

// A mount on `mount_point` (or, for a mount point known only as far as `mount_point` goes, on
// something that starts so) can cover a path at or under `dir`: it is on the way to `dir`, or
// inside it. Compared as text, so that a prefix cut anywhere errs towards yes.
inline bool may_cover(std::string_view mount_point, std::string_view dir) {
  if (mount_point.size() <= dir.size()) return dir.substr(0, mount_point.size()) == mount_point;
  return mount_point.substr(0, dir.size()) == dir && mount_point[dir.size()] == '/';
}

// The folders and files of the data inventory (format/inventory.hpp) up to their first wildcard:
// every path a collector looks at is one of them or under one (the inventory tests hold the
// collectors to it), so only mounts that may_cover() one of them can decide a verdict.
inline constexpr std::size_t max_inventory_roots = [] {
  std::size_t n = 0;
  for (const format::inventory_entry& e : format::data_inventory) n += e.sources.size();
  return n;
}();

struct inventory_roots {
  std::array<std::string_view, max_inventory_roots> at{};
  std::size_t count = 0;
};

inline inventory_roots collected_path_roots() {
  inventory_roots roots;
  for (const format::inventory_entry& e : format::data_inventory) {
    for (const format::inventory_source& s : e.sources) {
      if (s.kind == format::source_kind::probe) continue;
      std::string_view root = s.where.substr(0, s.where.find('*'));
      if (root.size() < s.where.size()) root = root.substr(0, std::max<std::size_t>(root.rfind('/'), 1));
      if (std::find(roots.at.begin(), roots.at.begin() + static_cast<std::ptrdiff_t>(roots.count), root) ==
          roots.at.begin() + static_cast<std::ptrdiff_t>(roots.count))
        roots.at[roots.count++] = root;
    }
  }
  return roots;
}

// A machine has a handful of mounts on the inventory's paths (/, /proc, /sys, /run, a separate
// /var, a self-bound /etc or /proc/sys, LXCFS's files in /proc and /sys/devices/system/cpu): these
// bounds leave room for ten times that and hold the kept mounts to about 24 KiB of heap whatever
// the table (65 entries of 144 bytes, half as many more while the vector grows, 8 KiB of fields),
// where a container host's thousands of mounts elsewhere are read and dropped. A mount beyond
// them is not kept, and every path it may cover is doubted (mount_table::unchecked).
inline constexpr std::size_t max_kept_mounts = 64;
inline constexpr std::size_t max_kept_mount_bytes = 8 * 1024;  // their root, mount point, type, source

// /proc/self/mountinfo as the collectors need it, read once through rooted_fs::read_lines (a
// fixed buffer, never the whole table): the root mount and the mounts that may cover an inventory
// path, the last one of each mount point (a later mount stacks on an earlier one, FORMAT.md 4.10).
class mount_table {
 public:
  static mount_table read(const rooted_fs& fs) {
    mount_table table;
    table.error_ = fs.read_lines(format::mountinfo_path, mountinfo_read_cap,
                                 [&table](std::string_view line, bool cut) { table.add_line(line, cut); });
    if (!table.error_.empty()) table.forget();  // "too large": a table seen in part is no table
    return table;
  }

  // Why the table was not read ("missing", "too large"...), empty when it was.
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  // No usable line at all.
  [[nodiscard]] bool empty() const noexcept { return !any_; }
  // The root mount: the last usable line whose mount point is `/` (FORMAT.md 4.5).
  [[nodiscard]] std::optional<mount_entry> root() const {
    const auto found = on("/");
    return found == kept_.end() ? std::nullopt : std::optional<mount_entry>(*found);
  }
  // The root mount and the mounts that may cover an inventory path, one per mount point.
  [[nodiscard]] const std::vector<mount_entry>& kept() const noexcept { return kept_; }

  // Why the kept mounts cannot speak for `path`, empty when they can: it is outside the inventory,
  // or a mount that may cover it was not kept.
  [[nodiscard]] std::string unchecked(std::string_view path) const {
    bool inside = false;
    for (std::size_t i = 0; i < roots_.count; ++i) {
      if (!is_under(path, roots_.at[i])) continue;
      if (lost_[i])
        return std::string(path) + " may be under a mount that was not kept (" + std::string(lost_why_) + ")";
      inside = true;
    }
    if (!inside) return std::string(path) + " is outside the data inventory, so no mount over it was kept";
    return {};
  }

  // One line as read_lines() hands it over; `cut`: only its first line_buffer_bytes.
  void add_line(std::string_view line, bool cut) {
    std::string_view last;  // the field the cut may have cut short
    if (cut) {
      const std::size_t space = line.rfind(' ');
      last = space == std::string_view::npos ? line : line.substr(space + 1);
      line = space == std::string_view::npos ? std::string_view() : line.substr(0, space);
    }
    const mountinfo_fields fields = split_mountinfo_line(line);
    if (fields.count > 4 && !relevant(fields.at[4])) {  // most of a container host's table: not even parsed
      if (!any_) any_ = parse_mountinfo_fields(fields).has_value();
      return;
    }
    if (std::optional<mount_entry> entry = parse_mountinfo_fields(fields)) {
      any_ = true;
      return add(std::move(*entry));
    }
    if (!cut) return;  // unusable, skipped like any malformed line
    // The fields up to the source did not fit: the mount point, as far as it was read, is all
    // there is to tell which paths the mount covers. A cut \ooo escape is left out.
    std::string_view start = fields.count > 4 ? fields.at[4] : fields.count == 4 ? last : std::string_view();
    if (const std::size_t slash = start.rfind('\\'); slash != std::string_view::npos && slash + 4 > start.size())
      start = start.substr(0, slash);
    lose(unescape_mount_field(start), long_line_reason);
  }

 private:
  static constexpr std::string_view too_many_reason = "more mounts on inventory paths than can be checked";
  static constexpr std::string_view long_line_reason = "a mount table line too long to read";

  mount_table() : roots_(collected_path_roots()) {}

  [[nodiscard]] std::vector<mount_entry>::const_iterator on(std::string_view mount_point) const {
    return std::find_if(kept_.begin(), kept_.end(),
                        [mount_point](const mount_entry& k) { return k.mount_point == mount_point; });
  }

  static std::size_t bytes_of(const mount_entry& m) noexcept {
    return m.root.size() + m.mount_point.size() + m.fstype.size() + m.source.size();
  }

  // Whether a mount on `mount_point` (as mountinfo spells it, escapes and all) may cover an
  // inventory path; the root mount always does.
  [[nodiscard]] bool relevant(std::string_view mount_point) const {
    if (mount_point.find('\\') != std::string_view::npos) return relevant_unescaped(unescape_mount_field(mount_point));
    return relevant_unescaped(mount_point);
  }
  [[nodiscard]] bool relevant_unescaped(std::string_view mount_point) const {
    for (std::size_t i = 0; i < roots_.count; ++i) {
      if (may_cover(mount_point, roots_.at[i])) return true;
    }
    return mount_point == "/";
  }

  void add(mount_entry&& m) {
    if (!relevant_unescaped(m.mount_point)) return;
    if (const auto same = on(m.mount_point); same != kept_.end()) {  // stacked on: only the later one counts
      if (same->mount_point != "/") bytes_ -= bytes_of(*same);
      kept_.erase(same);
    }
    if (m.mount_point != "/") {  // the root mount is always kept: there is one, of one line
      const std::size_t others = kept_.size() - (on("/") == kept_.end() ? 0 : 1);
      if (others >= max_kept_mounts || bytes_ + bytes_of(m) > max_kept_mount_bytes)
        return lose(m.mount_point, too_many_reason);
      bytes_ += bytes_of(m);
    }
    if (kept_.size() == kept_.capacity())  // grown by doubling, but never past the bound
      kept_.reserve(std::min(std::max<std::size_t>(1, 2 * kept_.capacity()), max_kept_mounts + 1));
    kept_.push_back(std::move(m));
  }

  void lose(std::string_view mount_point, std::string_view why) {
    for (std::size_t i = 0; i < roots_.count; ++i) {
      if (!may_cover(mount_point, roots_.at[i]) || lost_[i]) continue;
      lost_[i] = true;
      if (lost_why_.empty()) lost_why_ = why;
    }
  }

  void forget() {
    kept_.clear();
    any_ = false;
    lost_ = {};
    bytes_ = 0;
  }

  inventory_roots roots_;
  std::vector<mount_entry> kept_;
  std::array<bool, max_inventory_roots> lost_{};
  std::string_view lost_why_;
  std::size_t bytes_ = 0;
  bool any_ = false;
  std::string error_;
};

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

// `mounts` is the mount table as the collector read it (once, for every class).
inline root_disk_facts find_root_disk(const rooted_fs& fs, const mount_table& mounts) {
  root_disk_facts facts;
  if (!mounts.error().empty()) {
    facts.reason = "mountinfo " + mounts.error();
    return facts;
  }
  const std::optional<mount_entry> root = mounts.root();
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
  for (const std::string& name : fs.list(format::sys_block_path, max_block_nodes)) {
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
