// SPDX-License-Identifier: MIT
// Root disks beyond one partition on one disk: native NVMe multipath.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "airlock/hwid.hpp"
#include "fake_machine.hpp"
#include "scenarios.hpp"

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
