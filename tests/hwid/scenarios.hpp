// SPDX-License-Identifier: MIT
// Test helper: the machines of the research note's scenario table (hwid.md section 5.3) as fake trees.
#ifndef AIRLOCK_TESTS_HWID_SCENARIOS_HPP
#define AIRLOCK_TESTS_HWID_SCENARIOS_HPP

#include <string>

#include "fake_machine.hpp"

namespace scenario {

inline const std::string nvme_pci = "/sys/devices/pci0000:00/0000:00:1d.0/0000:03:00.0";
inline const std::string desktop_machine_id = "4f1b2c3d4e5f60718293a4b5c6d7e8f9";
inline const std::string desktop_nvme_serial = "S4EWNX0R123456";
inline const std::string desktop_eno1 = "3c:ec:ef:10:20:30";
inline const std::string desktop_wifi = "a4:c3:f0:85:ab:cd";
inline const std::string desktop_platform =
    "cpuid GenuineIntel family 6 model 158 stepping 10 brand Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz";

// An NVMe controller `ctrl` with namespace `disk` and partitions p1, p2; the root is on p2.
inline void nvme_disk(fake::machine& m, const std::string& ctrl, const std::string& disk, int major_minor_base,
                      const std::string& serial) {
  const std::string ctrl_path = nvme_pci + "/nvme/" + ctrl;
  const std::string disk_path = ctrl_path + "/" + disk;
  const std::string base = "259:" + std::to_string(major_minor_base);
  m.fs.file(ctrl_path + "/serial", serial + "      \n");  // the kernel pads the 20-byte field
  m.fs.file(ctrl_path + "/model", "Samsung SSD 970 EVO Plus 1TB            \n");
  m.block(disk_path, base);
  m.fs.rel_link(disk_path + "/device", ctrl_path);
  m.fs.file(disk_path + "/wwid", "eui.0025388b91c2a1f4\n");
  m.partition(disk_path, disk + "p1", "259:" + std::to_string(major_minor_base + 1));
  m.partition(disk_path, disk + "p2", "259:" + std::to_string(major_minor_base + 2));
}

inline void dmi(fake::machine& m, const std::string& vendor, const std::string& product) {
  const std::string id = "/sys/devices/virtual/dmi/id";
  m.fs.file(id + "/sys_vendor", vendor + "\n");
  m.fs.file(id + "/product_name", product + "\n");
  m.fs.file(id + "/bios_version", "1.12.0\n");
  m.fs.rel_link("/sys/class/dmi/id", id);
}

// Scenario 1: bare-metal NVMe desktop with Ethernet, randomising Wi-Fi, docker0, a veth and lo.
inline void desktop(fake::machine& m) {
  m.x86_cpu("GenuineIntel", 0x000906ea, "Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz");
  nvme_disk(m, "nvme0", "nvme0n1", 0, desktop_nvme_serial);
  m.mount_root("259:2", "ext4", "/dev/nvme0n1p2");
  m.nic("eno1", "/sys/devices/pci0000:00/0000:00:1f.6", "pci", desktop_eno1, 0);
  m.perm_macs["eno1"] = fake::mac_bytes(desktop_eno1);
  const std::string wifi = m.nic("wlp0s20f3", "/sys/devices/pci0000:00/0000:00:14.3", "pci", "f2:11:22:33:44:55", 3);
  m.fs.dir(wifi + "/wireless");
  m.perm_macs["wlp0s20f3"] = fake::mac_bytes(desktop_wifi);
  m.fs.dir(m.nic("docker0", "", "", "02:42:8f:00:11:22", 3) + "/bridge");
  m.nic("veth1a2b3c4", "", "", "6e:aa:bb:cc:dd:ee", 3);
  m.nic("lo", "", "", "00:00:00:00:00:00", 0, 772);
  m.machine_id(desktop_machine_id);
  dmi(m, "Dell Inc.", "OptiPlex 7070");
  m.fs.file("/sys/devices/virtual/dmi/id/product_uuid", "4C4C4544-0042-3510-8052-B4C04F333432\n");
  m.fs.file("/sys/devices/virtual/dmi/id/board_serial", "/7B2KXN2/CNFCW0099S01DW/\n");
}

inline const std::string ci_vda_serial = "1816203954172243";
inline const std::string ci_mac = "02:fc:00:00:00:01";
inline const std::string ci_machine_id = "3d1219c7c4c5404aaa1f6d2a48adfda4";

// Scenario 10: this CI micro-VM, as probed (hwid.md section 2): a Docker image booted as a VM.
inline void ci_microvm(fake::machine& m) {
  m.x86_cpu("AuthenticAMD", 0x00b00f21, "Oxide Virtual Turin-like Processor", "bhyve bhyve ", 0x90fe0800);
  const std::string vda = "/sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda";
  m.block(vda, "254:0");
  m.fs.rel_link(vda + "/device", "/sys/devices/pci0000:00/0000:00:02.0/virtio1");
  m.fs.file(vda + "/serial", ci_vda_serial);  // no newline: virtio-blk prints the raw id
  m.block("/sys/devices/virtual/block/zram0", "253:0");
  m.block("/sys/devices/virtual/block/loop0", "7:0");
  m.mount_root("254:0", "ext4", "/dev/vda");
  m.nic("eth0", "/sys/devices/pci0000:00/0000:00:03.0/virtio2", "virtio", ci_mac, 0);
  m.perm_macs["eth0"] = fake::mac_bytes(ci_mac);
  m.nic("ifb0", "", "", "be:df:11:22:33:44", 1);
  m.nic("ifb1", "", "", "2e:47:55:66:77:88", 1);
  m.nic("lo", "", "", "00:00:00:00:00:00", 0, 772);
  m.machine_id(ci_machine_id);
  m.fs.file("/var/lib/dbus/machine-id", ci_machine_id + "\n");
  m.fs.file("/.dockerenv", "");
  m.fs.file("/run/blkid/blkid.tab", "");
  m.fs.file("/proc/self/cgroup", "4:memory:/process_api/f5845106bbb4d00cc7d902f0ed1256ce\n0::/\n");
  m.fs.file("/proc/cpuinfo", "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\n");
}

inline const std::string host_nvme_serial = "PHLJ915000AB2P0BGN";

// Scenario 11: a Docker container on a bridge network. sysfs shows the host's disks, not its NICs.
inline void docker_bridge(fake::machine& m) {
  m.x86_cpu("GenuineIntel", 0x00050657, "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz");
  nvme_disk(m, "nvme0", "nvme0n1", 0, host_nvme_serial);
  m.fs.file("/proc/self/mountinfo",
            "612 540 0:52 / / rw,relatime master:318 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/A\n"
            "613 612 0:55 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
            "614 612 0:56 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro\n");
  m.nic("eth0", "", "", "02:42:ac:11:00:02", 3);
  m.nic("lo", "", "", "00:00:00:00:00:00", 0, 772);
  m.fs.file("/.dockerenv", "");
  m.fs.file("/proc/self/cgroup", "0::/\n");
}

}  // namespace scenario

#endif  // AIRLOCK_TESTS_HWID_SCENARIOS_HPP
