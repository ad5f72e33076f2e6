// SPDX-License-Identifier: MIT
// Root disks beyond one partition on one disk: native NVMe multipath, multi-device btrfs, ZFS, and the
// disk serials that clouds give every VM alike.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "airlock/format/match.hpp"
#include "airlock/hwid.hpp"
#include "fake_machine.hpp"
#include "scenarios.hpp"

using airlock::format::match_fingerprint;
using strings = std::vector<std::string>;

namespace {

// A rack server with no disk yet: the tests below add the root's.
void server(fake::machine& m) {
  m.x86_cpu("AuthenticAMD", 0x00a10f11, "AMD EPYC 9354 32-Core Processor");
  m.nic("eno1", "/sys/devices/pci0000:00/0000:00:01.1/0000:02:00.0", "pci", "b4:96:91:aa:bb:01", 0);
  m.perm_macs["eno1"] = fake::mac_bytes("b4:96:91:aa:bb:01");
  m.machine_id("7e1f0c2b9a8d4e6f8a0b1c2d3e4f5a6b");
  scenario::dmi(m, "Supermicro", "AS -1115CS-TNR");
}

std::string vpd_page80_of(const std::string& serial) {
  return std::string("\x00\x80\x00", 3) + char(serial.size()) + serial;
}

// ---- native NVMe multipath

const std::string nvme_subsys = "/sys/devices/virtual/nvme-subsystem/nvme-subsys0";
const std::string nvme_head = nvme_subsys + "/nvme0n1";
const std::string port_a = "/sys/devices/pci0000:00/0000:00:03.1/0000:41:00.0/nvme/nvme0";
const std::string port_b = "/sys/devices/pci0000:80/0000:80:03.1/0000:c1:00.0/nvme/nvme1";
const std::string fabric_a = "/sys/devices/virtual/nvme-fabrics/ctl/nvme0";
const std::string fabric_b = "/sys/devices/virtual/nvme-fabrics/ctl/nvme1";
const std::string dual_port_serial = "S5XYNA0R700123";
const std::string dual_port_wwid = "eui.36344730525001230025384500000001";

// Controller nvme<C> at `dir`, linked from the subsystem, with the head's path node nvme0c<C>n1:
// hidden (no dev), listed in /sys/block, its `device` the controller, its wwid the namespace's.
void nvme_controller(fake::machine& m, const std::string& dir, const std::string& serial) {
  const std::string name = fake::fs::path(dir).filename().string();
  m.fs.file(dir + "/serial", serial + "      \n");
  m.fs.file(dir + "/model", "SAMSUNG MZWLJ3T8HBLS-00007              \n");
  m.fs.file(dir + "/subsysnqn", "nqn.1994-11.com.samsung:nvme:PM1733:2.5-inch:" + serial + "\n");
  m.fs.rel_link("/sys/class/nvme/" + name, dir);
  m.fs.rel_link(nvme_subsys + "/" + name, dir);
  const std::string path = dir + "/nvme0c" + name.substr(4) + "n1";
  m.fs.rel_link(path + "/device", dir);
  m.fs.file(path + "/wwid", dual_port_wwid + "\n");
  m.fs.file(path + "/nsid", "1\n");
  m.fs.file(path + "/hidden", "1\n");
  m.fs.rel_link("/sys/block/" + fake::fs::path(path).filename().string(), path);
  m.fs.rel_link(nvme_head + "/multipath/" + fake::fs::path(path).filename().string(), path);
}

// The head nvme0n1 in nvme-subsys0 (a virtual device whose `device` is the subsystem), its
// partitions, and the root on p2; then one controller per directory given.
void multipath_root(fake::machine& m, const strings& controllers) {
  server(m);
  m.fs.file(nvme_subsys + "/serial", dual_port_serial + "      \n");
  m.fs.file(nvme_subsys + "/model", "SAMSUNG MZWLJ3T8HBLS-00007              \n");
  m.fs.file(nvme_subsys + "/iopolicy", "numa\n");
  m.fs.rel_link("/sys/class/nvme-subsystem/nvme-subsys0", nvme_subsys);
  m.block(nvme_head, "259:0");
  m.fs.rel_link(nvme_head + "/device", nvme_subsys);
  m.fs.file(nvme_head + "/wwid", dual_port_wwid + "\n");
  m.partition(nvme_head, "nvme0n1p1", "259:1");
  m.partition(nvme_head, "nvme0n1p2", "259:2");
  m.mount_root("259:2", "xfs", "/dev/nvme0n1p2");
  for (const std::string& dir : controllers) nvme_controller(m, dir, dual_port_serial);
}

}  // namespace

TEST_CASE("An NVMe multipath root reads one serial through the two controllers of its head", "[hwid][disk]") {
  fake::machine m;
  multipath_root(m, {port_a, port_b});
  CHECK(m.collect().disk.values == strings{dual_port_serial});
}

TEST_CASE("An NVMe multipath root reads the same when one of its paths is gone", "[hwid][disk]") {
  fake::machine both, one;
  multipath_root(both, {port_a, port_b});
  multipath_root(one, {port_b});
  const auto disk = one.collect().disk;
  CHECK(disk.values == strings{dual_port_serial});
  CHECK(disk == both.collect().disk);
}

TEST_CASE("A dual-port NVMe disk reads the same with native multipath on or off", "[hwid][disk]") {
  fake::machine on, off;
  multipath_root(on, {port_a, port_b});
  server(off);
  scenario::nvme_disk(off, "nvme0", "nvme0n1", 0, dual_port_serial);
  off.mount_root("259:2", "xfs", "/dev/nvme0n1p2");
  CHECK(off.collect().disk == on.collect().disk);
}

TEST_CASE("An NVMe multipath root reached only over fabrics has no disk", "[hwid][disk]") {
  fake::machine m;
  multipath_root(m, {fabric_a, fabric_b});
  const auto disk = m.collect().disk;
  CHECK_FALSE(disk.present());
  CHECK(disk.reason == "root is on a virtual block device");
}

namespace {

// ---- multi-device btrfs

const std::string root_fsid = "/sys/fs/btrfs/6c3f9d1e-2b4a-4c8e-9f10-7a5b3c2d1e0f";

// SATA disk sd<letter> on ATA port `port` with partition 1 of it a member of the root btrfs.
std::string sata_member(fake::machine& m, char letter, int port, const std::string& serial) {
  const std::string name = std::string("sd") + letter, p = std::to_string(port);
  const std::string disk = "/sys/devices/pci0000:00/0000:00:17.0/ata" + std::to_string(port + 1) + "/host" + p +
                           "/target" + p + ":0:0/" + p + ":0:0:0/block/" + name;
  const int minor = (letter - 'a') * 16;
  m.block(disk, "8:" + std::to_string(minor));
  m.fs.file(disk + "/device/vpd_pg80", vpd_page80_of(serial));
  m.partition(disk, name + "1", "8:" + std::to_string(minor + 1));
  m.fs.rel_link(root_fsid + "/devices/" + name + "1", disk + "/" + name + "1");
  return disk;
}

// A btrfs RAID1 root over partition 1 of one SATA disk per serial (sda1, sdb1, ...), mounted from
// subvolume @ by the name of sda1; a second btrfs on the NVMe disk holds /home, not the root.
void btrfs_raid1(fake::machine& m, const strings& serials) {
  server(m);
  for (std::size_t i = 0; i < serials.size(); ++i) sata_member(m, char('a' + i), int(i), serials[i]);
  m.fs.file(root_fsid + "/label", "root\n");
  m.fs.file(root_fsid + "/metadata_uuid", "6c3f9d1e-2b4a-4c8e-9f10-7a5b3c2d1e0f\n");
  m.fs.dir("/sys/fs/btrfs/features");
  scenario::nvme_disk(m, "nvme0", "nvme0n1", 0, scenario::desktop_nvme_serial);
  const std::string home_fsid = "/sys/fs/btrfs/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  m.fs.rel_link(home_fsid + "/devices/nvme0n1p2", scenario::nvme_pci + "/nvme/nvme0/nvme0n1/nvme0n1p2");
  m.mount_root("0:27", "btrfs", "/dev/sda1", "/@");
}

}  // namespace

TEST_CASE("A multi-device btrfs root records the serial of every member disk and no other", "[hwid][disk]") {
  fake::machine m;
  btrfs_raid1(m, {"ZC1A0001", "ZC1A0002", "ZC1A0003"});
  CHECK(m.collect().disk.values == strings{"ZC1A0001", "ZC1A0002", "ZC1A0003"});
}

TEST_CASE("A multi-device btrfs root still matches after one member disk is replaced", "[hwid][disk]") {
  fake::machine original, repaired;
  btrfs_raid1(original, {"ZC1A0001", "ZC1A0002", "ZC1A0003"});
  btrfs_raid1(repaired, {"ZC1A0001", "ZC1A0002", "WD-WX52D0000777"});
  const auto report =
      match_fingerprint(fake::as_fingerprint(original.collect()), fake::as_fingerprint(repaired.collect()));
  CHECK(report.ok);
  CHECK(report.drift == 0);
}

TEST_CASE("A multi-device btrfs root mounted by any member name gives the same disks", "[hwid][disk]") {
  fake::machine by_sda, by_sdc;
  btrfs_raid1(by_sda, {"ZC1A0001", "ZC1A0002", "ZC1A0003"});
  btrfs_raid1(by_sdc, {"ZC1A0001", "ZC1A0002", "ZC1A0003"});
  by_sdc.mount_root("0:27", "btrfs", "/dev/sdc1", "/@");
  CHECK(by_sdc.collect().disk == by_sda.collect().disk);
}

TEST_CASE("A btrfs root over 20 disks records the first 16 members", "[hwid][disk]") {
  fake::machine m;
  strings serials;
  for (int i = 0; i < 20; ++i) serials.push_back("ZC1B00" + std::to_string(10 + i));
  btrfs_raid1(m, serials);
  const strings first16(serials.begin(), serials.begin() + 16);
  CHECK(m.collect().disk.values == first16);
}

TEST_CASE("A sysfs listing thousands of btrfs file systems costs a bounded walk and no disk class",
          "[hwid][disk][robustness]") {
  fake::machine m;
  btrfs_raid1(m, {"ZC1A0001", "ZC1A0002"});
  // Sorted before the root's fsid, so every one of them is looked at first.
  for (int i = 0; i < 1100; ++i) {
    const std::string decoy = "/sys/fs/btrfs/0000-" + std::to_string(10000 + i);
    m.fs.rel_link(decoy + "/devices/sdz1", root_fsid + "/label");
    m.fs.rel_link(decoy + "/devices/sdy1", root_fsid + "/label");
  }
  const auto disk = m.collect().disk;
  CHECK_FALSE(disk.present());
  CHECK(disk.reason == "sysfs block graph too large or cyclic");
}

TEST_CASE("A ZFS root has no disk class and says its disks need the ZFS tools", "[hwid][disk]") {
  fake::machine m;
  server(m);
  scenario::nvme_disk(m, "nvme0", "nvme0n1", 0, scenario::desktop_nvme_serial);  // p2 is the vdev
  m.fs.file("/proc/spl/kstat/zfs/rpool/state", "ONLINE\n");
  m.fs.file("/proc/spl/kstat/zfs/rpool/txgs", "txg birth state ndirty nread nwritten reads writes\n");
  m.mount_root("0:25", "zfs", "rpool/ROOT/ubuntu_k3x9q2");
  const auto disk = m.collect().disk;
  CHECK_FALSE(disk.present());
  CHECK(disk.reason == "root is on zfs: its member disks are not visible without the ZFS tools");
}

namespace {

// ---- serials every VM of a cloud shares

// A GCE VM without its disks.
void gce_vm(fake::machine& m) {
  m.x86_cpu("GenuineIntel", 0x000606a6, "Intel(R) Xeon(R) CPU @ 2.60GHz", "KVMKVMKVM");
  scenario::dmi(m, "Google", "Google Compute Engine");
  m.nic("ens4", "/sys/devices/pci0000:00/0000:00:04.0/virtio1", "virtio", "42:01:0a:80:00:02", 0);
  m.machine_id("c0ffee00c0ffee00c0ffee00c0ffee00");
}

const std::string gce_scsi_host = "/sys/devices/pci0000:00/0000:00:03.0/virtio0/host0";

// Disk sd<letter> on virtio-scsi target 0:0:<target>:0 reporting `device_name` as its unit serial.
std::string gce_scsi_disk(fake::machine& m, char letter, int target, const std::string& model,
                          const std::string& device_name) {
  const std::string t = std::to_string(target), name = std::string("sd") + letter;
  const std::string lun = gce_scsi_host + "/target0:0:" + t + "/0:0:" + t + ":0", disk = lun + "/block/" + name;
  m.block(disk, "8:" + std::to_string((letter - 'a') * 16));
  m.fs.rel_link(disk + "/device", lun);
  m.fs.file(lun + "/vendor", "Google  \n");
  m.fs.file(lun + "/model", model + "\n");
  m.fs.file(lun + "/vpd_pg80", vpd_page80_of(device_name));
  return disk;
}

// A GCE VM of the third generation (C3, N4): the boot persistent disk is an NVMe namespace.
void gce_nvme_boot_disk(fake::machine& m, const std::string& namespace_wwid) {
  gce_vm(m);
  const std::string ctrl = "/sys/devices/pci0000:00/0000:00:05.0/nvme/nvme0";
  m.fs.file(ctrl + "/serial", "nvme_card-pd        \n");
  m.fs.file(ctrl + "/model", "nvme_card-pd                            \n");
  m.block(ctrl + "/nvme0n1", "259:0");
  m.fs.rel_link(ctrl + "/nvme0n1/device", ctrl);
  m.fs.file(ctrl + "/nvme0n1/wwid", namespace_wwid + "\n");
  m.partition(ctrl + "/nvme0n1", "nvme0n1p1", "259:1");
  m.mount_root("259:1", "ext4", "/dev/nvme0n1p1");
}

const std::string card_pd_hex = "6e766d655f636172642d7064";  // "nvme_card-pd" in hex

}  // namespace

TEST_CASE("GCE's default device name persistent-disk-N is not a disk serial", "[hwid][disk][placeholder]") {
  fake::machine m;
  gce_vm(m);
  const std::string sda = gce_scsi_disk(m, 'a', 1, "PersistentDisk  ", "persistent-disk-0");
  m.partition(sda, "sda1", "8:1");
  m.mount_root("8:1", "ext4", "/dev/sda1");
  const auto disk = m.collect().disk;
  CHECK_FALSE(disk.present());
  CHECK(disk.reason == "no serial");
}

TEST_CASE("GCE's default local SSD name local-ssd-N is not a disk serial", "[hwid][disk][placeholder]") {
  fake::machine m;
  gce_vm(m);
  m.block("/sys/devices/virtual/block/md0", "9:0");
  for (int i = 0; i < 2; ++i) {
    const char letter = char('b' + i);
    const std::string disk = gce_scsi_disk(m, letter, 2 + i, "EphemeralDisk   ", "local-ssd-" + std::to_string(i));
    m.fs.rel_link("/sys/devices/virtual/block/md0/slaves/sd" + std::string(1, letter), disk);
  }
  m.mount_root("9:0", "ext4", "/dev/md0");
  const auto disk = m.collect().disk;
  CHECK_FALSE(disk.present());
  CHECK(disk.reason == "no serial");
}

TEST_CASE("GCE's NVMe controller serial nvme_card-pd is skipped for the namespace's own wwid",
          "[hwid][disk][placeholder]") {
  fake::machine m;
  gce_nvme_boot_disk(m, "eui.1ae0c3d9a4b2f1e60000000000000001");
  CHECK(m.collect().disk.values == strings{"EUI.1AE0C3D9A4B2F1E60000000000000001"});
}

TEST_CASE("A kernel-made NVMe wwid that spells a dropped serial is dropped too", "[hwid][disk][placeholder]") {
  fake::machine m;
  gce_nvme_boot_disk(m, "nvme.1ae0-" + card_pd_hex + "-" + card_pd_hex + "-00000001");
  const auto disk = m.collect().disk;
  CHECK_FALSE(disk.present());
  CHECK(disk.reason == "no serial");
}

TEST_CASE("Cloud and hypervisor disk serials that name one disk are kept", "[hwid][disk][placeholder]") {
  using airlock::hwid::detail::disk_value;
  // An EBS volume's wwid, made by the kernel from its serial vol0123456789abcdef0: as unique as that.
  const std::string ebs_wwid =
      "nvme.1d0f-766f6c3031323334353637383961626364656630-"
      "416d617a6f6e20456c617374696320426c6f636b2053746f7265-00000001";
  CHECK(disk_value("vol0123456789abcdef0\n") == "VOL0123456789ABCDEF0");  // AWS EBS
  CHECK(disk_value(ebs_wwid + "\n") == airlock::hwid::detail::upper(ebs_wwid));
  CHECK(disk_value("naa.60022480c3b2a1f0e9d8c7b6a5f4e3d2\n") == "NAA.60022480C3B2A1F0E9D8C7B6A5F4E3D2");  // Azure
  CHECK(disk_value("6000c29a1b2c3d4e5f60718293a4b5c6\n") == "6000C29A1B2C3D4E5F60718293A4B5C6");          // VMware
  CHECK(disk_value("VB8faec56f-bb97899f\n") == "VB8FAEC56F-BB97899F");    // VirtualBox; "VBOX HARDDISK" is the model
  CHECK(disk_value("persistent-disk-data\n") == "PERSISTENT-DISK-DATA");  // a GCE device name the user chose
  CHECK(disk_value("local-ssd-0a\n") == "LOCAL-SSD-0A");
}
