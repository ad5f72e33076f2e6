// SPDX-License-Identifier: MIT
// Scenarios 12-23 of hwid.md section 5.3: host networking, bonding, stacked roots, ARM, cloud, CPU gate.
#include <catch2/catch.hpp>

#include "airlock/format/match.hpp"
#include "airlock/hwid.hpp"
#include "fake_machine.hpp"
#include "scenarios.hpp"

using airlock::format::match_fingerprint;
using airlock::format::runtime_environment;
using strings = std::vector<std::string>;

TEST_CASE("A container on the host network reports the host NICs", "[hwid][scenario]") {
  fake::machine m;
  scenario::docker_bridge(m);
  m.fs.remove("/sys/class/net");
  m.nic("eno1", "/sys/devices/pci0000:00/0000:00:1f.6", "pci", "3c:ec:ef:10:20:30", 0);
  m.perm_macs["eno1"] = fake::mac_bytes("3c:ec:ef:10:20:30");
  const auto snap = m.collect();
  CHECK(snap.environment == runtime_environment::container);
  CHECK(snap.nic.values == strings{"3c:ec:ef:10:20:30"});
}

namespace {

// Scenario 13: bond0 over eno1 and eno2; both slaves carry the bond's MAC as their address.
void bonded_server(fake::machine& m, const std::string& bond_mac) {
  scenario::desktop(m);
  m.fs.remove("/sys/class/net");
  m.perm_macs.clear();  // the saved perm_hwaddr must be enough on its own
  m.fs.dir(m.nic("bond0", "", "", bond_mac, 3) + "/bonding");
  const std::string eno1 = m.nic("eno1", "/sys/devices/pci0000:00/0000:00:1f.6", "pci", bond_mac, 2);
  const std::string eno2 = m.nic("eno2", "/sys/devices/pci0000:00/0000:00:1f.7", "pci", bond_mac, 2);
  m.fs.file(eno1 + "/bonding_slave/perm_hwaddr", "3c:ec:ef:00:00:01\n");
  m.fs.file(eno2 + "/bonding_slave/perm_hwaddr", "3c:ec:ef:00:00:02\n");
}

}  // namespace

TEST_CASE("Bonded slaves are identified by their saved permanent MACs whichever slave is active", "[hwid][scenario]") {
  fake::machine first, second;
  bonded_server(first, "3c:ec:ef:00:00:01");
  bonded_server(second, "3c:ec:ef:00:00:02");
  const auto a = first.collect();
  CHECK(a.nic.values == strings{"3c:ec:ef:00:00:01", "3c:ec:ef:00:00:02"});
  CHECK(second.collect().nic == a.nic);
}

TEST_CASE("A renamed interface with the same permanent MAC changes nothing", "[hwid][scenario]") {
  fake::machine m;
  scenario::desktop(m);
  const auto before = m.collect();
  m.fs.remove("/sys/class/net/eno1").remove("/sys/devices/pci0000:00/0000:00:1f.6/net");
  m.nic("enp0s31f6", "/sys/devices/pci0000:00/0000:00:1f.6", "pci", scenario::desktop_eno1, 0);
  m.perm_macs["enp0s31f6"] = fake::mac_bytes(scenario::desktop_eno1);
  CHECK(m.collect() == before);
}

TEST_CASE("An LVM on LUKS root resolves through both device-mapper layers to the NVMe serial", "[hwid][scenario]") {
  fake::machine m;
  scenario::desktop(m);
  const std::string p2 = scenario::nvme_pci + "/nvme/nvme0/nvme0n1/nvme0n1p2";
  m.block("/sys/devices/virtual/block/dm-0", "253:0");
  m.fs.file("/sys/devices/virtual/block/dm-0/dm/name", "luks-3f2a\n");
  m.fs.rel_link("/sys/devices/virtual/block/dm-0/slaves/nvme0n1p2", p2);
  m.block("/sys/devices/virtual/block/dm-1", "253:1");
  m.fs.file("/sys/devices/virtual/block/dm-1/dm/name", "vg-root\n");
  m.fs.rel_link("/sys/devices/virtual/block/dm-1/slaves/dm-0", "/sys/devices/virtual/block/dm-0");
  m.mount_root("253:1", "ext4", "/dev/mapper/vg-root");
  CHECK(m.collect().disk.values == strings{scenario::desktop_nvme_serial});
  m.mount_root("0:33", "btrfs", "/dev/mapper/vg-root", "/@");
  CHECK(m.collect().disk.values == strings{scenario::desktop_nvme_serial});
}

TEST_CASE("A btrfs root resolves by device name while ZFS and NFS roots have no disk", "[hwid][scenario]") {
  fake::machine m;
  scenario::desktop(m);
  m.mount_root("0:31", "btrfs", "/dev/nvme0n1p2", "/@");
  const auto btrfs = m.collect();
  CHECK(btrfs.disk.values == strings{scenario::desktop_nvme_serial});
  CHECK(btrfs.environment == runtime_environment::bare_metal);
  m.mount_root("0:40", "zfs", "rpool/ROOT/ubuntu");
  CHECK(m.collect().disk.reason == "root is on zfs: its member disks are not visible without the ZFS tools");
  m.mount_root("0:41", "nfs4", "server:/export/root");
  CHECK(m.collect().disk.reason == "root is on nfs4");
}

namespace {

std::string vpd_page80(const std::string& serial) {
  return std::string("\x00\x80\x00", 3) + char(serial.size()) + serial;
}

// Scenario 17: md RAID1 over sda2 and sdb2.
void sata_raid1(fake::machine& m, const std::string& sdb_wwid) {
  scenario::desktop(m);
  const std::string ata = "/sys/devices/pci0000:00/0000:00:17.0/ata";
  const std::string sda = ata + "1/host0/target0:0:0/0:0:0:0/block/sda";
  const std::string sdb = ata + "2/host1/target1:0:0/1:0:0:0/block/sdb";
  m.block(sda, "8:0");
  m.partition(sda, "sda2", "8:2");
  m.fs.file(sda + "/device/vpd_pg80", vpd_page80("  WD-WCC4N0123456"));
  m.block(sdb, "8:16");
  m.partition(sdb, "sdb2", "8:18");
  m.fs.file(sdb + "/device/wwid", sdb_wwid);
  m.block("/sys/devices/virtual/block/md0", "9:0");
  m.fs.rel_link("/sys/devices/virtual/block/md0/slaves/sda2", sda + "/sda2");
  m.fs.rel_link("/sys/devices/virtual/block/md0/slaves/sdb2", sdb + "/sdb2");
  m.mount_root("9:0", "ext4", "/dev/md0");
}

}  // namespace

TEST_CASE("A RAID1 root records both members and survives replacing one of them", "[hwid][scenario]") {
  fake::machine original, repaired;
  sata_raid1(original, "t10.ATA     WDC WD10EZEX-08W   WD-WCC6Y7654321\n");
  sata_raid1(repaired, "naa.5000c500a1b2c3d4\n");
  const auto before = original.collect();
  CHECK(before.disk.values == strings{"T10.ATA WDC WD10EZEX-08W WD-WCC6Y7654321", "WD-WCC4N0123456"});
  const auto report = match_fingerprint(fake::as_fingerprint(before), fake::as_fingerprint(repaired.collect()));
  CHECK(report.ok);
  CHECK(report.drift == 0);
}

namespace {

// Scenario 18: a Raspberry Pi. No CPUID, an absolute /proc/device-tree link, a NUL-terminated serial.
void raspberry_pi(fake::machine& m) {
  m.fs.file("/proc/cpuinfo",
            "processor\t: 0\nBogoMIPS\t: 108.00\nFeatures\t: fp asimd evtstrm crc32 cpuid\n"
            "CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: 0xd08\n"
            "CPU revision\t: 3\n\nHardware\t: BCM2835\nRevision\t: c03111\nSerial\t\t: 10000000abcdef01\n");
  m.fs.file("/sys/firmware/devicetree/base/serial-number", std::string("10000000abcdef01\0", 17));
  m.fs.link("/proc/device-tree", "/sys/firmware/devicetree/base");
  const std::string mmc = "/sys/devices/platform/emmc2bus/fe340000.mmc/mmc_host/mmc0/mmc0:aaaa";
  m.block(mmc + "/block/mmcblk0", "179:0");
  m.fs.rel_link(mmc + "/block/mmcblk0/device", mmc);
  m.fs.file(mmc + "/serial", "0x1a2b3c4d\n");
  m.fs.file(mmc + "/cid", "035344534333324780a2b3c4d0146300\n");
  m.partition(mmc + "/block/mmcblk0", "mmcblk0p2", "179:2");
  m.mount_root("179:2", "ext4", "/dev/mmcblk0p2");
  m.nic("eth0", "/sys/devices/platform/scb/fd580000.ethernet", "platform", "dc:a6:32:01:02:03", 0);
  m.machine_id("a1b2c3d4e5f60718293a4b5c6d7e8f90");
}

}  // namespace

TEST_CASE("A Raspberry Pi reads its platform from cpuinfo and its board serial inside the root", "[hwid][scenario]") {
  fake::machine m;
  raspberry_pi(m);
  const auto snap = m.collect(true);
  CHECK(snap.platform.values == strings{"cpuinfo CPU implementer=0x41;CPU architecture=8;CPU variant=0x0;CPU "
                                        "part=0xd08;CPU revision=3;Hardware=BCM2835"});
  CHECK(snap.board.values == strings{"10000000ABCDEF01"});
  CHECK(snap.disk.values == strings{"0X1A2B3C4D"});
  CHECK(snap.nic.values == strings{"dc:a6:32:01:02:03"});
  CHECK(snap.environment == runtime_environment::bare_metal);
}

TEST_CASE("DMI placeholders, QEMU disk serials and blank NVMe serials are all dropped", "[hwid][scenario]") {
  fake::machine m;
  scenario::desktop(m);
  m.fs.file("/sys/devices/virtual/dmi/id/product_uuid", "03000200-0400-0500-0006-000700080009\n");
  m.fs.file("/sys/devices/virtual/dmi/id/board_serial", "Default string\n");
  m.fs.file("/sys/devices/virtual/dmi/id/product_serial", "To be filled by O.E.M.\n");
  m.fs.file(scenario::nvme_pci + "/nvme/nvme0/serial", "                    \n");
  m.fs.file(scenario::nvme_pci + "/nvme/nvme0/nvme0n1/wwid", "QM00001\n");
  const auto snap = m.collect(true);
  CHECK_FALSE(snap.board.present());
  CHECK(snap.board.reason == "no board serial");
  CHECK_FALSE(snap.disk.present());
  CHECK(snap.disk.reason == "no serial");
}

TEST_CASE("With default options a readable or unreadable product_uuid gives identical snapshots", "[hwid][scenario]") {
  fake::machine as_root, as_user;
  scenario::desktop(as_root);
  scenario::desktop(as_user);
  as_user.fs.remove("/sys/devices/virtual/dmi/id/product_uuid").remove("/sys/devices/virtual/dmi/id/board_serial");
  as_user.fs.link("/sys/devices/virtual/dmi/id/product_uuid", "/nonexistent");
  CHECK(as_root.collect() == as_user.collect());
  CHECK(as_root.collect(true).board.values ==
        strings{"/7B2KXN2/CNFCW0099S01DW/", "4c4c4544-0042-3510-8052-b4c04f333432"});
  CHECK(as_user.collect(true).board.reason == "no board serial");
}

namespace {

// Scenario 22: an AWS Nitro instance. EBS volume id as NVMe serial, instance id as asset tag.
void nitro(fake::machine& m, const std::string& root_ctrl, const std::string& volume, const std::string& mac,
           const std::string& instance) {
  m.x86_cpu("GenuineIntel", 0x00050657, "Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz", "KVMKVMKVM");
  const std::string other = root_ctrl == "nvme0" ? "nvme1" : "nvme0";
  scenario::nvme_disk(m, root_ctrl, root_ctrl + "n1", root_ctrl == "nvme0" ? 0 : 4, volume);
  scenario::nvme_disk(m, other, other + "n1", other == "nvme0" ? 0 : 4, "vol0ddd0000000000data");
  m.mount_root(root_ctrl == "nvme0" ? "259:2" : "259:6", "xfs", "/dev/" + root_ctrl + "n1p2");
  m.nic("ens5", "/sys/devices/pci0000:00/0000:00:05.0", "pci", mac, 0);
  m.machine_id("ec2aaaaabbbbccccddddeeeeffff0000");
  scenario::dmi(m, "Amazon EC2", "m5.large");
  m.fs.file("/sys/devices/virtual/dmi/id/board_asset_tag", instance + "\n");
}

}  // namespace

TEST_CASE("A cloud instance survives stop and start but not a relaunch from its image", "[hwid][scenario]") {
  fake::machine first, restarted, relaunched;
  nitro(first, "nvme0", "vol0123456789abcdef0", "0a:1b:2c:3d:4e:5f", "i-0123456789abcdef0");
  nitro(restarted, "nvme1", "vol0123456789abcdef0", "0a:1b:2c:3d:4e:5f", "i-0123456789abcdef0");
  nitro(relaunched, "nvme0", "vol0fedcba987654321f", "0a:99:88:77:66:55", "i-0fedcba9876543210");
  const auto issued = first.collect(true);
  CHECK(issued.board.values == strings{"i-0123456789abcdef0"});
  CHECK(issued.disk.values == strings{"VOL0123456789ABCDEF0"});
  CHECK(issued.nic.values == strings{"0a:1b:2c:3d:4e:5f"});
  CHECK(match_fingerprint(fake::as_fingerprint(issued), fake::as_fingerprint(restarted.collect(true))).ok);
  const auto report = match_fingerprint(fake::as_fingerprint(issued), fake::as_fingerprint(relaunched.collect(true)));
  CHECK_FALSE(report.ok);
  CHECK(report.reason == "only 1 of 4 components match, 3 needed");
}

TEST_CASE("The platform ignores the APIC ID, reserved EAX bits, brand padding and cpuinfo", "[hwid][scenario]") {
  fake::machine cpu0, cpu1;
  scenario::ci_microvm(cpu0);
  scenario::ci_microvm(cpu1);
  cpu1.x86_cpu("AuthenticAMD", 0xf0000000u | 0x0000c000u | 0x00b00f21u, "Oxide Virtual Turin-like Processor     ",
               "bhyve bhyve ", 0x8cfe0800);
  cpu1.fs.file("/proc/cpuinfo", "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 9004\n");
  CHECK(cpu1.collect().platform == cpu0.collect().platform);
}

TEST_CASE("A different CPU model fails the platform gate", "[hwid][scenario]") {
  fake::machine before, after;
  scenario::desktop(before);
  scenario::desktop(after);
  after.x86_cpu("GenuineIntel", 0x000a0655, "Intel(R) Core(TM) i7-10700 CPU @ 2.90GHz");
  const auto report = match_fingerprint(fake::as_fingerprint(before.collect()), fake::as_fingerprint(after.collect()));
  CHECK_FALSE(report.ok);
  CHECK(report.reason == "platform changed");
}
