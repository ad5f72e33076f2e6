// SPDX-License-Identifier: MIT
// The data inventory (format/inventory.hpp) against the collectors: hwid::collect runs on fake
// machines with a recording observer and recording probes; every path, file and probe it touched
// must be in the inventory under the part that touched it, and every source the inventory lists
// must be touched by some fake machine.
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "airlock/format/inventory.hpp"
#include "fake_machine.hpp"
#include "scenarios.hpp"

namespace {

using airlock::format::component_class;
using airlock::format::data_inventory;
using airlock::format::inventory_entry;
using airlock::format::inventory_source;
using airlock::format::source_kind;

std::vector<std::string_view> components(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    const std::size_t slash = path.find('/');
    if (slash != 0) parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

// `*` is any one name, `**` one or more names (the inventory's pattern rule).
bool glob(const std::vector<std::string_view>& pattern, std::size_t p, const std::vector<std::string_view>& path,
          std::size_t i) {
  if (p == pattern.size()) return i == path.size();
  if (i == path.size()) return false;
  if (pattern[p] == "**") {
    for (std::size_t j = i + 1; j <= path.size(); ++j)
      if (glob(pattern, p + 1, path, j)) return true;
    return false;
  }
  return (pattern[p] == "*" || pattern[p] == path[i]) && glob(pattern, p + 1, path, i + 1);
}

bool matches(std::string_view pattern, std::string_view path) {
  return glob(components(pattern), 0, components(path), 0);
}

const inventory_entry& entry_named(std::string_view part) {
  for (const inventory_entry& e : data_inventory)
    if (e.name == part) return e;
  FAIL("no inventory entry for " << part);
  return data_inventory.front();
}

// What one run of collect() touched, by part ("environment" or a class name).
struct recording {
  std::map<std::string, std::set<std::string>> paths, files;
  std::set<std::string_view> probes;
};

airlock::hwid::collect_options recording_options(const fake::machine& m, recording& seen) {
  airlock::hwid::collect_options o = m.options(true);
  o.observer = [&seen](std::string_view part, const std::vector<std::string>& paths,
                       const std::vector<std::string>& files) {
    seen.paths[std::string(part)].insert(paths.begin(), paths.end());
    seen.files[std::string(part)].insert(files.begin(), files.end());
  };
  if (auto cpuid = o.probes.cpuid) {
    o.probes.cpuid = [&seen, cpuid](std::uint32_t leaf, airlock::hwid::cpuid_regs& out) {
      seen.probes.insert(airlock::format::cpuid_probe);
      return cpuid(leaf, out);
    };
  }
  o.probes.permanent_mac = [&seen, mac = o.probes.permanent_mac](const std::string& name) {
    seen.probes.insert(airlock::format::permanent_mac_probe);
    return mac(name);
  };
  o.probes.origin_of = [&seen, origin = o.probes.origin_of](const std::string& path) {
    seen.probes.insert(airlock::format::file_origin_probe);
    return origin ? origin(path) : std::nullopt;
  };
  if (auto namespaces = o.probes.namespaces) {
    o.probes.namespaces = [&seen, namespaces] {
      seen.probes.insert(airlock::format::namespace_probe);
      return namespaces();
    };
  }
  return o;
}

bool listed(const inventory_entry& e, std::string_view path, bool file_read) {
  for (const inventory_source& s : e.sources) {
    if (s.kind == source_kind::probe || (file_read && s.kind != source_kind::file)) continue;
    if (matches(s.where, path)) return true;
  }
  return false;
}

// ---- fake machines that between them reach every source

const airlock::hwid::namespace_ids initial_namespaces{airlock::hwid::initial_user_namespace,
                                                      airlock::hwid::initial_pid_namespace};

// A desktop with every firmware serial, a bonded card, a USB adapter and a card behind an
// external port.
void workstation(fake::machine& m) {
  scenario::desktop(m);
  m.namespaces = initial_namespaces;
  m.fs.file("/sys/devices/virtual/dmi/id/product_serial", "CNFCW0099S\n");
  m.fs.file("/sys/devices/virtual/dmi/id/board_asset_tag", "i-0123456789abcdef0\n");
  m.fs.file("/proc/self/uid_map", "         0          0 4294967295\n");
  const std::string bonded = m.nic("enp2s0", "/sys/devices/pci0000:00/0000:02:00.0", "pci", "3c:ec:ef:10:20:31", 0);
  m.fs.file(bonded + "/bonding_slave/perm_hwaddr", "3c:ec:ef:10:20:99\n");
  m.nic("enx001122334455", "/sys/devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0", "usb", "00:11:22:33:44:55");
  const std::string dock =
      m.nic("enp9s0", "/sys/devices/pci0000:00/0000:00:1c.0/0000:09:00.0", "pci", "3c:ec:ef:10:20:40", 0);
  m.fs.file("/sys/devices/pci0000:00/0000:00:1c.0/0000:09:00.0/removable", "removable\n");
  (void)dock;
}

// An ARM board without CPUID: /proc/cpuinfo, the device tree, an eMMC root, the old machine-id
// and a card whose current address the kernel says is its factory one.
void arm_board(fake::machine& m) {
  m.fs.file("/proc/cpuinfo", "processor\t: 0\nCPU implementer\t: 0x41\nCPU part\t: 0xd08\n");
  m.fs.file("/sys/firmware/devicetree/base/serial-number", "10000000abcdef01");
  m.fs.rel_link("/proc/device-tree", "/sys/firmware/devicetree/base");
  const std::string host = "/sys/devices/platform/emmc2bus/fe340000.mmc/mmc_host/mmc0";
  const std::string card = host + "/mmc0:0001", disk = card + "/block/mmcblk0";
  m.fs.file(card + "/cid", "9014a1323534363050d2c7b60a7e01ad\n");
  m.block(disk, "179:0");
  m.fs.rel_link(disk + "/device", card);
  m.partition(disk, "mmcblk0p2", "179:2");
  m.mount_root("179:2", "ext4", "/dev/mmcblk0p2");
  m.nic("end0", "/sys/devices/platform/scb/fd580000.ethernet", "platform", "dc:a6:32:01:02:03", 0);
  m.fs.file("/var/lib/dbus/machine-id", scenario::desktop_machine_id + "\n");
  m.fs.file("/etc/machine-id", "uninitialized\n");
}

// A WSL2-like VM (Hyper-V's MAC range) whose root is md RAID over two SATA disks, one with a
// VPD page 0x80 serial and one with only a device WWID.
void raid_vm(fake::machine& m) {
  m.x86_cpu("GenuineIntel", 0x000906ea, "Intel(R) Xeon(R) CPU", "Microsoft Hv");
  const std::string ata = "/sys/devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0";
  const std::string sda = ata + "/block/sda";
  m.block(sda, "8:0");
  m.fs.rel_link(sda + "/device", ata);
  m.fs.file(ata + "/vpd_pg80", std::string("\x00\x80\x00\x08", 4) + "ZC1A0001");
  const std::string ata2 = "/sys/devices/pci0000:00/0000:00:17.0/ata2/host1/target1:0:0/1:0:0:0";
  const std::string sdb = ata2 + "/block/sdb";
  m.block(sdb, "8:16");
  m.fs.rel_link(sdb + "/device", ata2);
  m.fs.file(ata2 + "/wwid", "naa.5000c500a1b2c3d4\n");
  m.block("/sys/devices/virtual/block/md0", "9:0");
  m.fs.rel_link("/sys/devices/virtual/block/md0/slaves/sda", sda);
  m.fs.rel_link("/sys/devices/virtual/block/md0/slaves/sdb", sdb);
  m.mount_root("9:0", "ext4", "/dev/md0");
  m.nic("eth0", "/sys/devices/LNXSYSTM:00/VMBUS:00/1234", "vmbus", "00:15:5d:01:02:03", 0);
  m.perm_macs["eth0"] = fake::mac_bytes("00:15:5d:01:02:03");
  m.fs.file("/proc/sys/kernel/osrelease", "5.15.90.1-microsoft-standard-WSL2\n");
  m.machine_id(scenario::desktop_machine_id);
}

// A btrfs root on an encrypted volume, mounted by its /dev/mapper name, over one loop device.
void btrfs_on_mapper(fake::machine& m) {
  m.x86_cpu("AuthenticAMD", 0x00a10f11, "AMD EPYC 9354 32-Core Processor");
  const std::string dm = "/sys/devices/virtual/block/dm-0";
  m.block(dm, "253:0");
  m.fs.file(dm + "/dm/name", "cryptroot\n");
  m.block("/sys/devices/virtual/block/loop0", "7:0");
  m.fs.file("/sys/devices/virtual/block/loop0/loop/backing_file", "/var/disk.img\n");
  m.fs.rel_link(dm + "/slaves/loop0", "/sys/devices/virtual/block/loop0");
  const std::string fsid = "/sys/fs/btrfs/6c3f9d1e-2b4a-4c8e-9f10-7a5b3c2d1e0f";
  m.fs.rel_link(fsid + "/devices/dm-0", dm);
  m.mount_root("0:27", "btrfs", "/dev/mapper/cryptroot", "/@");
  m.machine_id(scenario::desktop_machine_id);
}

// A btrfs root mounted by a partition's name, on a dual-port NVMe disk under native multipath.
void nvme_multipath(fake::machine& m) {
  m.x86_cpu("AuthenticAMD", 0x00a10f11, "AMD EPYC 9354 32-Core Processor");
  const std::string subsys = "/sys/devices/virtual/nvme-subsystem/nvme-subsys0";
  const std::string head = subsys + "/nvme0n1";
  const std::string ctrl = "/sys/devices/pci0000:00/0000:00:03.1/0000:41:00.0/nvme/nvme0";
  m.fs.file(ctrl + "/serial", "S5XYNA0R700123      \n");
  m.fs.rel_link(subsys + "/nvme0", ctrl);
  m.fs.rel_link(ctrl + "/nvme0c0n1/device", ctrl);
  m.block(head, "259:0");
  m.partition(head, "nvme0n1p1", "259:1");
  m.fs.rel_link("/sys/fs/btrfs/0a1b2c3d/devices/nvme0n1p1", head + "/nvme0n1p1");
  m.mount_root("0:27", "btrfs", "/dev/nvme0n1p1", "/@");
  m.machine_id(scenario::desktop_machine_id);
}

// A container that sees the host's disks (one of them removable) and every container marker.
void container(fake::machine& m) {
  scenario::docker_bridge(m);
  m.namespaces = airlock::hwid::namespace_ids{1, 2};
  m.fs.file("/run/.containerenv", "");
  m.fs.file("/run/systemd/container", "podman\n");
  m.fs.file("/proc/self/uid_map", "0 100000 65536\n");
  const std::string usb = "/sys/devices/pci0000:00/0000:00:1d.0/0000:05:00.0/block/sdz";
  m.block(usb, "65:144");
  m.fs.file(usb + "/removable", "1\n");
}

using builder = void (*)(fake::machine&);
const std::map<std::string, builder> machines = {
    {"workstation", workstation},     {"ARM board", arm_board},           {"RAID VM", raid_vm},
    {"btrfs on dm", btrfs_on_mapper}, {"NVMe multipath", nvme_multipath}, {"container", container}};

recording record(builder build) {
  fake::machine m;
  build(m);
  recording seen;
  (void)airlock::hwid::collect(recording_options(m, seen));
  return seen;
}

}  // namespace

TEST_CASE("Every class of the machine model has one inventory entry, in order, and the environment one more",
          "[hwid][inventory]") {
  REQUIRE(data_inventory.size() == airlock::format::all_component_classes.size() + 1);
  for (std::size_t i = 0; i < airlock::format::all_component_classes.size(); ++i) {
    const component_class c = airlock::format::all_component_classes[i];
    CHECK(data_inventory[i].component == c);
    CHECK(data_inventory[i].name == to_string(c));
    CHECK(&airlock::format::inventory_of(c) == &data_inventory[i]);
    CHECK_FALSE(data_inventory[i].identifies.empty());
    CHECK(data_inventory[i].sources.size() > 0);
  }
  CHECK_FALSE(airlock::format::environment_inventory().component.has_value());
}

TEST_CASE("Only board is off by default, and the inventory names the option that turns it on", "[hwid][inventory]") {
  const airlock::hwid::collect_options defaults;
  for (const component_class c : airlock::format::all_component_classes) {
    const inventory_entry& e = airlock::format::inventory_of(c);
    CHECK(e.read_by_default == defaults.wants(c));
    CHECK(e.enabled_by.empty() == e.read_by_default);
  }
  CHECK(airlock::format::inventory_of(component_class::board).enabled_by == "--board");
}

TEST_CASE("Every path, file and probe the collectors touch is in the inventory under the part that touched it",
          "[hwid][inventory]") {
  for (const auto& [name, build] : machines) {
    SECTION(name) {
      const recording seen = record(build);
      REQUIRE(seen.paths.count("environment") == 1);
      for (const auto& [part, paths] : seen.paths) {
        const inventory_entry& e = entry_named(part);
        for (const std::string& path : paths) {
          INFO(part << " looked at " << path);
          CHECK(listed(e, path, false));
        }
        for (const std::string& path : seen.files.at(part)) {
          INFO(part << " read " << path);
          CHECK(listed(e, path, true));
        }
      }
      for (const std::string_view probe : seen.probes) {
        bool found = false;
        for (const inventory_entry& e : data_inventory)
          for (const inventory_source& s : e.sources)
            found = found || (s.kind == source_kind::probe && s.where == probe);
        INFO("probe " << probe);
        CHECK(found);
      }
    }
  }
}

TEST_CASE("Every source the inventory lists is touched by some fake machine", "[hwid][inventory]") {
  std::map<std::string, std::set<std::string>> paths, files;
  std::set<std::string_view> probes;
  for (const auto& [name, build] : machines) {
    const recording seen = record(build);
    for (const auto& [part, p] : seen.paths) paths[part].insert(p.begin(), p.end());
    for (const auto& [part, f] : seen.files) files[part].insert(f.begin(), f.end());
    probes.insert(seen.probes.begin(), seen.probes.end());
  }
  for (const inventory_entry& e : data_inventory) {
    for (const inventory_source& s : e.sources) {
      bool touched = false;
      if (s.kind == source_kind::probe) {
        touched = probes.count(s.where) == 1;
      } else {
        for (const std::string& path : (s.kind == source_kind::file ? files : paths)[std::string(e.name)])
          touched = touched || matches(s.where, path);
      }
      INFO(e.name << ": " << to_string(s.kind) << " " << s.where);
      CHECK(touched);
    }
  }
}

TEST_CASE("The inventory's path patterns match as documented", "[hwid][inventory]") {
  CHECK(matches("/sys/class/net/*/address", "/sys/class/net/eth0/address"));
  CHECK_FALSE(matches("/sys/class/net/*/address", "/sys/class/net/eth0/x/address"));
  CHECK(matches("/sys/devices/**/device/serial", "/sys/devices/pci0000:00/nvme/nvme0/nvme0n1/device/serial"));
  CHECK_FALSE(matches("/sys/devices/**/device/serial", "/sys/devices/device/serial"));
  CHECK_FALSE(matches("/etc/machine-id", "/etc/machine-id/x"));
}
