// SPDX-License-Identifier: MIT
// The data inventory of the machine model: per component class (and for the environment), what it
// identifies, every place on the machine it is read from, whether it is read by default, and what
// leaves the machine. One table, read by the collectors' tests, the vendor's privacy notice
// (`airlock privacy-notice`) and the customer's `airlock-hwid show --explain`, so none can drift.
#ifndef AIRLOCK_FORMAT_INVENTORY_HPP
#define AIRLOCK_FORMAT_INVENTORY_HPP

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "airlock/format/detail/field_checks.hpp"
#include "airlock/format/machine.hpp"

namespace airlock::format {

/// How a source is reached: a file's content, a folder's names, a path only tested or resolved
/// (its content is never read), or a question to the CPU or the kernel.
enum class source_kind { file, listing, path, probe };

[[nodiscard]] constexpr std::string_view to_string(source_kind k) noexcept {
  switch (k) {
    case source_kind::file: return "file";
    case source_kind::listing: return "folder listing";
    case source_kind::path: return "path tested";
    case source_kind::probe: return "probe";
  }
  return "unknown";
}

/// One source. For files, listings and paths `where` is a path pattern: `*` is any one name,
/// `**` any run of folders (a disk's own sysfs folder, which /sys/class/block/NAME links to).
/// `hashed` sources give the values that are hashed; the others are only consulted to choose or
/// reject a value and are never recorded.
struct inventory_source {
  source_kind kind;
  std::string_view where;
  std::string_view what;
  bool hashed;
};

/// The probes, named once so that the collectors' tests can say which one they saw.
inline constexpr std::string_view cpuid_probe = "CPUID instruction";
inline constexpr std::string_view permanent_mac_probe = "ETHTOOL_GPERMADDR ioctl";
inline constexpr std::string_view namespace_probe = "statfs and stat of /proc/self/ns/user and /proc/self/ns/pid";
inline constexpr std::string_view file_origin_probe = "statfs and statx of every file read";

/// The paths the collectors name literally (the others are built from folder listings).
inline constexpr std::string_view cpuinfo_path = "/proc/cpuinfo";
inline constexpr std::string_view etc_machine_id_path = "/etc/machine-id";
inline constexpr std::string_view dbus_machine_id_path = "/var/lib/dbus/machine-id";
inline constexpr std::string_view dmi_product_uuid_path = "/sys/class/dmi/id/product_uuid";
inline constexpr std::string_view dmi_board_serial_path = "/sys/class/dmi/id/board_serial";
inline constexpr std::string_view dmi_product_serial_path = "/sys/class/dmi/id/product_serial";
inline constexpr std::string_view dmi_board_asset_tag_path = "/sys/class/dmi/id/board_asset_tag";
inline constexpr std::string_view device_tree_serial_path = "/proc/device-tree/serial-number";
inline constexpr std::string_view mountinfo_path = "/proc/self/mountinfo";
inline constexpr std::string_view sys_block_path = "/sys/block";
inline constexpr std::string_view sys_fs_btrfs_path = "/sys/fs/btrfs";
inline constexpr std::string_view sys_class_net_path = "/sys/class/net";
inline constexpr std::string_view kernel_osrelease_path = "/proc/sys/kernel/osrelease";
inline constexpr std::string_view dockerenv_path = "/.dockerenv";
inline constexpr std::string_view containerenv_path = "/run/.containerenv";
inline constexpr std::string_view systemd_container_path = "/run/systemd/container";
inline constexpr std::string_view cgroup_path = "/proc/self/cgroup";
inline constexpr std::string_view uid_map_path = "/proc/self/uid_map";
inline constexpr std::string_view dmi_sys_vendor_path = "/sys/class/dmi/id/sys_vendor";
inline constexpr std::string_view dmi_product_name_path = "/sys/class/dmi/id/product_name";
inline constexpr std::string_view dmi_folder_path = "/sys/class/dmi/id";
inline constexpr std::string_view device_tree_path = "/proc/device-tree";
inline constexpr std::string_view device_tree_hypervisor_path = "/proc/device-tree/hypervisor";

namespace detail {

using k = source_kind;

inline constexpr std::array<inventory_source, 3> platform_sources = {{
    {k::probe, cpuid_probe,
     "leaves 0, 1 and 0x80000002-0x80000004: the CPU vendor, family, model, stepping and brand name "
     "(per-core and feature bits are masked)",
     true},
    {k::file, cpuinfo_path,
     "only where the CPU has no CPUID (ARM, POWER, RISC-V): the model fields, never clock speeds, "
     "flags or serials",
     true},
    {k::probe, cpuid_probe, "leaf 0x40000000: the hypervisor's name, to tell a VM (environment only)", false},
}};

inline constexpr std::array<inventory_source, 23> disk_sources = {{
    {k::file, mountinfo_path, "the mount table: which device holds /", false},
    {k::path, "/sys/dev/block/*", "the root device by its device number", false},
    {k::path, "/sys/class/block/*", "the root device by name (btrfs and similar)", false},
    {k::listing, sys_block_path, "the block devices, to find a device-mapper root or the host's disks", false},
    {k::path, "/sys/block/*", "a block device's own folder", false},
    {k::file, "/sys/block/*/dm/name", "device-mapper names, to find /dev/mapper/NAME", false},
    {k::file, "/sys/devices/**/dm/name", "the device-mapper name of the root device", false},
    {k::listing, sys_fs_btrfs_path, "btrfs file systems, to find the root's member disks", false},
    {k::listing, "/sys/fs/btrfs/*/devices", "the member disks of a btrfs file system", false},
    {k::path, "/sys/fs/btrfs/*/devices/*", "a btrfs member disk", false},
    {k::listing, "/sys/devices/**/slaves", "the disks under a device-mapper or RAID device", false},
    {k::path, "/sys/devices/**/slaves/*", "one disk under a device-mapper or RAID device", false},
    {k::listing, "/sys/devices/virtual/nvme-subsystem/*", "the controllers of a multipath NVMe disk", false},
    {k::path, "/sys/devices/**/partition", "whether a node is a partition of a disk", false},
    {k::path, "/sys/devices/**/loop", "whether the root is a loop device", false},
    {k::file, "/sys/devices/**/removable", "removable disks are skipped (containers only)", false},
    {k::file, "/sys/devices/**/device/serial", "the serial number of an NVMe or MMC disk", true},
    {k::file, "/sys/devices/**/serial", "the serial number of a virtio disk", true},
    {k::file, "/sys/devices/**/wwid", "the world-wide id of a disk", true},
    {k::file, "/sys/devices/**/device/wwid", "the world-wide id of a disk", true},
    {k::file, "/sys/devices/**/device/vpd_pg80", "SCSI VPD page 0x80: the unit serial number", true},
    {k::file, "/sys/devices/**/device/cid", "the card id of an SD or eMMC card", true},
    {k::path, "/sys/devices/**", "the disk's own folder, reached through the links above", false},
}};

inline constexpr std::array<inventory_source, 12> nic_sources = {{
    {k::listing, sys_class_net_path, "the network interfaces", false},
    {k::path, "/sys/class/net/*/device", "whether an interface is a card on a bus (virtual ones are skipped)", false},
    {k::file, "/sys/class/net/*/type", "the link type: Ethernet and Wi-Fi only", false},
    {k::file, "/sys/class/net/*/device/removable", "cards behind an external port are skipped", false},
    {k::path, "/sys/class/net/*/device/subsystem", "the bus: USB and Thunderbolt adapters are skipped", false},
    {k::file, "/sys/class/net/*/bonding_slave/perm_hwaddr", "the factory MAC address of a bonded card", true},
    {k::probe, permanent_mac_probe, "the factory (permanent) MAC address of each built-in card", true},
    {k::path, "/sys/class/net/*/wireless", "Wi-Fi cards never fall back to the current address", false},
    {k::path, "/sys/class/net/*/phy80211", "Wi-Fi cards never fall back to the current address", false},
    {k::file, "/sys/class/net/*/addr_assign_type", "whether the current address is the factory one", false},
    {k::file, "/sys/class/net/*/address", "the current MAC address, only when the kernel says it is the factory one",
     true},
    {k::file, kernel_osrelease_path, "the kernel's name, to spot WSL2's per-boot MAC", false},
}};

inline constexpr std::array<inventory_source, 2> os_sources = {{
    {k::file, etc_machine_id_path, "the id of this operating-system installation", true},
    {k::file, dbus_machine_id_path, "the same id on older systems, when /etc/machine-id has none", true},
}};

inline constexpr std::array<inventory_source, 5> board_sources = {{
    {k::file, dmi_product_uuid_path, "the firmware's system UUID", true},
    {k::file, dmi_board_serial_path, "the main board's serial number", true},
    {k::file, dmi_product_serial_path, "the computer's serial number", true},
    {k::file, device_tree_serial_path, "the board serial number on ARM and other device-tree machines", true},
    {k::file, dmi_board_asset_tag_path, "the asset tag, kept only when it is an AWS instance id", true},
}};

inline constexpr std::array<inventory_source, 14> environment_sources = {{
    {k::file, mountinfo_path, "the mount table: what file system / is on", false},
    {k::path, dockerenv_path, "a Docker marker file", false},
    {k::path, containerenv_path, "a Podman marker file", false},
    {k::file, systemd_container_path, "systemd's container marker", false},
    {k::file, cgroup_path, "the control group's name (docker, kubepods, lxc...)", false},
    {k::file, uid_map_path, "whether this process is in a user namespace", false},
    {k::probe, namespace_probe, "whether this process is in the machine's own namespaces", false},
    {k::probe, cpuid_probe, "the hypervisor bit and the hypervisor's name", false},
    {k::file, dmi_sys_vendor_path, "the maker's name, to tell a VM (QEMU, VMware...)", false},
    {k::file, dmi_product_name_path, "the model name, to tell a VM", false},
    {k::path, dmi_folder_path, "whether the machine has firmware tables", false},
    {k::path, device_tree_path, "whether the machine has a device tree", false},
    {k::path, device_tree_hypervisor_path, "a device-tree hypervisor node", false},
    {k::probe, file_origin_probe, "which file system each identifier file is on (a shadowed file counts as missing)",
     false},
}};

/// A fixed-size view of one of the arrays above (std::span is C++20).
struct source_list {
  const inventory_source* first;
  std::size_t count;

  [[nodiscard]] constexpr const inventory_source* begin() const noexcept { return first; }
  [[nodiscard]] constexpr const inventory_source* end() const noexcept { return first + count; }
  [[nodiscard]] constexpr std::size_t size() const noexcept { return count; }
};

template <std::size_t N>
[[nodiscard]] constexpr source_list list_of(const std::array<inventory_source, N>& a) noexcept {
  return {a.data(), N};
}

}  // namespace detail

/// One entry of the inventory: a component class, or the environment (`component` empty), which is
/// judged on the machine and leaves it as one word (bare-metal, vm, container, unknown).
struct inventory_entry {
  std::optional<component_class> component;
  std::string_view name;
  std::string_view identifies;
  bool read_by_default;
  std::string_view enabled_by;  // the airlock-hwid option that turns it on, when not by default
  detail::source_list sources;
};

/// The inventory: the five classes in the order of all_component_classes, then the environment.
inline constexpr std::array<inventory_entry, 6> data_inventory = {{
    {component_class::platform, "platform",
     "the model of the CPU (vendor, family, model, stepping, brand name): shared by every machine with the same CPU",
     true, "", detail::list_of(detail::platform_sources)},
    {component_class::disk, "disk", "the disk (or RAID member disks) holding the root file system, by serial number",
     true, "", detail::list_of(detail::disk_sources)},
    {component_class::nic, "nic",
     "the built-in Ethernet and Wi-Fi cards, by factory MAC address (USB, virtual and randomised addresses are "
     "skipped)",
     true, "", detail::list_of(detail::nic_sources)},
    {component_class::os, "os", "this installation of the operating system, by its machine-id", true, "",
     detail::list_of(detail::os_sources)},
    {component_class::board, "board", "the main board and the computer, by firmware serial numbers and UUID", false,
     "--board", detail::list_of(detail::board_sources)},
    {std::nullopt, "environment",
     "whether this is a physical machine, a virtual machine or a container, and the evidence for it", true, "",
     detail::list_of(detail::environment_sources)},
}};

/// The inventory entry of a class; every class has one (tested).
[[nodiscard]] constexpr const inventory_entry& inventory_of(component_class c) noexcept {
  for (const inventory_entry& e : data_inventory) {
    if (e.component == c) return e;
  }
  return data_inventory.back();
}

/// The environment's entry.
[[nodiscard]] constexpr const inventory_entry& environment_inventory() noexcept { return data_inventory.back(); }

/// What a hash is (FORMAT.md 4.1): the parts a text about it needs.
inline constexpr std::string_view hash_algorithm = "HMAC-SHA-256";
inline constexpr std::size_t hash_bits = 128;

/// The longest product name a license or request holds, in bytes (FORMAT.md 3.4).
inline constexpr std::size_t max_product_bytes = 128;

/// The rule of names shown to people (product, licensee, vendor): 1 to `max_bytes` bytes of UTF-8
/// without control characters. The problem as text naming `field`, empty when `text` is fine.
[[nodiscard]] inline std::string check_name_text(std::string_view field, std::string_view text, std::size_t max_bytes) {
  return detail::check_text(field, text, max_bytes);
}

/// The product-name rule of licenses and requests: empty when `product` is fine.
[[nodiscard]] inline std::string check_product_name(std::string_view product) {
  return check_name_text("product", product, max_product_bytes);
}

}  // namespace airlock::format

#endif  // AIRLOCK_FORMAT_INVENTORY_HPP
