// SPDX-License-Identifier: MIT
// Scenarios 1-11 of hwid.md section 5.3: what each machine collects and how it matches its baseline.
#include <algorithm>
#include <cstdint>
#include <set>

#include <catch2/catch.hpp>

#include "airlock/format/match.hpp"
#include "airlock/hwid.hpp"
#include "fake_machine.hpp"
#include "scenarios.hpp"

using airlock::format::class_outcome;
using airlock::format::component_class;
using airlock::format::match_fingerprint;
using airlock::format::runtime_environment;
using strings = std::vector<std::string>;

namespace {

airlock::format::match_report rematch(const airlock::hwid::machine_snapshot& issued,
                                      const airlock::hwid::machine_snapshot& now) {
  return match_fingerprint(fake::as_fingerprint(issued), fake::as_fingerprint(now));
}

class_outcome outcome_of(const airlock::format::match_report& r, component_class c) {
  for (const auto& cr : r.classes)
    if (cr.cls == c) return cr.outcome;
  FAIL("class not in report");
  return class_outcome::missing;
}

}  // namespace

TEST_CASE("A bare-metal NVMe desktop collects the root disk serial, both permanent MACs and the machine-id",
          "[hwid][scenario]") {
  fake::machine m;
  scenario::desktop(m);
  const auto snap = m.collect();
  CHECK(snap.platform.values == strings{scenario::desktop_platform});
  CHECK(snap.disk.values == strings{scenario::desktop_nvme_serial});
  CHECK(snap.nic.values == strings{scenario::desktop_eno1, scenario::desktop_wifi});
  CHECK(snap.os.values == strings{scenario::desktop_machine_id});
  CHECK_FALSE(snap.board.present());
  CHECK(snap.board.reason == "not collected");
  CHECK(snap.environment == runtime_environment::bare_metal);
  CHECK(snap.host_hardware_visible);
  const auto report = rematch(snap, m.collect());
  CHECK(report.ok);
  CHECK(report.drift == 0);
  CHECK(report.changes_tolerated == 1);
}

TEST_CASE("A randomised Wi-Fi address leaves the nic class unchanged", "[hwid][scenario]") {
  fake::machine m;
  scenario::desktop(m);
  const auto before = m.collect();
  m.fs.file("/sys/devices/pci0000:00/0000:00:14.3/net/wlp0s20f3/address", "7a:01:02:03:04:05\n");
  const auto after = m.collect();
  CHECK(after.nic == before.nic);
  CHECK(rematch(before, after).drift == 0);
}

TEST_CASE("A replaced Ethernet card still matches through the Wi-Fi permanent MAC", "[hwid][scenario]") {
  fake::machine m;
  scenario::desktop(m);
  const auto before = m.collect();
  m.perm_macs["eno1"] = fake::mac_bytes("3c:ec:ef:99:99:99");
  const auto after = m.collect();
  CHECK(after.nic.values == strings{"3c:ec:ef:99:99:99", scenario::desktop_wifi});
  const auto report = rematch(before, after);
  CHECK(report.ok);
  CHECK(outcome_of(report, component_class::nic) == class_outcome::matched);
}

TEST_CASE("A replaced only NIC passes with one change of drift and no tolerance left", "[hwid][scenario]") {
  fake::machine m;
  scenario::desktop(m);
  m.fs.remove("/sys/class/net/wlp0s20f3");
  const auto before = m.collect();
  m.perm_macs["eno1"] = fake::mac_bytes("3c:ec:ef:99:99:99");
  const auto report = rematch(before, m.collect());
  CHECK(report.ok);
  CHECK(report.drift == 1);
  CHECK(report.changes_tolerated == 0);
  CHECK(outcome_of(report, component_class::nic) == class_outcome::changed);
}

TEST_CASE("A USB network adapter is not part of the nic class", "[hwid][scenario]") {
  fake::machine m;
  scenario::desktop(m);
  const auto before = m.collect();
  const std::string usb_if = "/sys/devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0";
  m.nic("enx00e04c680001", usb_if, "usb", "00:e0:4c:68:00:01", 0);
  m.perm_macs["enx00e04c680001"] = fake::mac_bytes("00:e0:4c:68:00:01");
  CHECK(m.collect() == before);
}

TEST_CASE("A second disk or re-enumerated NVMe names leave the disk class on the root disk serial",
          "[hwid][scenario]") {
  fake::machine m;
  scenario::desktop(m);
  const auto before = m.collect();
  const std::string sdb = "/sys/devices/pci0000:00/0000:00:17.0/ata2/host1/target1:0:0/1:0:0:0/block/sdb";
  m.block(sdb, "8:16");
  m.fs.file(sdb + "/device/wwid", "naa.5000c500a1b2c3d4\n");
  CHECK(m.collect().disk == before.disk);

  fake::machine swapped;
  scenario::desktop(swapped);
  swapped.fs.remove(scenario::nvme_pci + "/nvme/nvme0")
      .remove("/sys/block")
      .remove("/sys/class/block")
      .remove("/sys/dev");
  scenario::nvme_disk(swapped, "nvme1", "nvme1n1", 4, scenario::desktop_nvme_serial);
  scenario::nvme_disk(swapped, "nvme0", "nvme0n1", 0, "S4EWNX0R999999");
  swapped.mount_root("259:6", "ext4", "/dev/nvme1n1p2");
  CHECK(swapped.collect().disk == before.disk);
}

TEST_CASE("A replaced root disk with a reinstalled OS fails as a new machine", "[hwid][scenario]") {
  fake::machine m;
  scenario::desktop(m);
  const auto before = m.collect();
  m.fs.file(scenario::nvme_pci + "/nvme/nvme0/serial", "S5NEWDISK000001\n");
  m.machine_id("0123456789abcdef0123456789abcdef");
  const auto report = rematch(before, m.collect());
  CHECK_FALSE(report.ok);
  CHECK(report.reason == "only 1 of 3 components match, 2 needed");
}

TEST_CASE("A replaced root disk with the OS cloned onto it passes with a drift warning", "[hwid][scenario]") {
  fake::machine m;
  scenario::desktop(m);
  const auto before = m.collect();
  m.fs.file(scenario::nvme_pci + "/nvme/nvme0/serial", "S5NEWDISK000001\n");
  const auto report = rematch(before, m.collect());
  CHECK(report.ok);
  CHECK(report.drift == 1);
  CHECK(outcome_of(report, component_class::disk) == class_outcome::changed);
}

namespace {

// Scenario 8: a KVM guest whose virtio disk has no serial.
void kvm_guest(fake::machine& m, const std::string& mac) {
  m.x86_cpu("AuthenticAMD", 0x00a00f11, "AMD EPYC 7763 64-Core Processor", "KVMKVMKVM");
  const std::string vda = "/sys/devices/pci0000:00/0000:00:04.0/virtio2/block/vda";
  m.block(vda, "252:0");
  m.fs.file(vda + "/serial", "");
  m.partition(vda, "vda1", "252:1");
  m.mount_root("252:1", "xfs", "/dev/vda1");
  m.nic("enp1s0", "/sys/devices/pci0000:00/0000:00:03.0/virtio1", "virtio", mac, 0);
  m.perm_macs["enp1s0"] = fake::mac_bytes(mac);
  m.machine_id("9e3f1a2b3c4d5e6f708192a3b4c5d6e7");
  scenario::dmi(m, "QEMU", "Standard PC (Q35 + ICH9, 2009)");
}

}  // namespace

TEST_CASE("A VM without a disk serial binds to nic and os and needs both", "[hwid][scenario]") {
  fake::machine m;
  kvm_guest(m, "52:54:00:12:34:56");
  const auto before = m.collect();
  CHECK_FALSE(before.disk.present());
  CHECK(before.disk.reason == "no serial");
  CHECK(before.nic.values == strings{"52:54:00:12:34:56"});
  CHECK(before.os.present());
  CHECK(before.environment == runtime_environment::vm);
  CHECK(std::find(before.evidence.begin(), before.evidence.end(), "dmi sys_vendor QEMU") != before.evidence.end());
  const auto same = rematch(before, m.collect());
  CHECK(same.ok);
  CHECK(same.needed == 2);
  CHECK(same.changes_tolerated == 0);
}

TEST_CASE("A cloned VM with a new MAC and the same machine-id fails", "[hwid][scenario]") {
  fake::machine original, clone;
  kvm_guest(original, "52:54:00:12:34:56");
  kvm_guest(clone, "52:54:00:ab:cd:ef");
  const auto report = rematch(original.collect(), clone.collect());
  CHECK_FALSE(report.ok);
  CHECK(outcome_of(report, component_class::os) == class_outcome::matched);
  CHECK(outcome_of(report, component_class::nic) == class_outcome::changed);
}

TEST_CASE("The CI micro-VM replica is a bindable vm despite its /.dockerenv", "[hwid][scenario]") {
  fake::machine m;
  scenario::ci_microvm(m);
  const auto snap = m.collect();
  CHECK(snap.environment == runtime_environment::vm);
  CHECK(snap.host_hardware_visible);
  CHECK_FALSE(airlock::format::unbindable_environment(snap.is_container(), snap.host_hardware_visible, false));
  CHECK(snap.disk.values == strings{scenario::ci_vda_serial});
  CHECK(snap.nic.values == strings{scenario::ci_mac});
  CHECK(snap.os.values == strings{scenario::ci_machine_id});
  CHECK(snap.platform.values ==
        strings{"cpuid AuthenticAMD family 26 model 2 stepping 1 brand Oxide Virtual Turin-like Processor"});
  CHECK_FALSE(snap.board.present());
  const strings evidence = snap.evidence;
  CHECK(std::find(evidence.begin(), evidence.end(), "/.dockerenv") != evidence.end());
  CHECK(std::find(evidence.begin(), evidence.end(), "hypervisor bhyve bhyve") != evidence.end());
}

TEST_CASE("New random ifb MACs on the CI micro-VM change nothing", "[hwid][scenario]") {
  fake::machine m;
  scenario::ci_microvm(m);
  const auto before = m.collect();
  m.nic("ifb0", "", "", "aa:11:22:33:44:55", 1);
  m.nic("ifb1", "", "", "ce:66:77:88:99:00", 1);
  CHECK(m.collect() == before);
}

TEST_CASE("A Docker container on a bridge network is unbindable without allow_container", "[hwid][scenario]") {
  fake::machine m;
  scenario::docker_bridge(m);
  const auto snap = m.collect();
  CHECK(snap.environment == runtime_environment::container);
  CHECK_FALSE(snap.nic.present());
  CHECK(snap.nic.reason == "no physical network interface");
  CHECK_FALSE(snap.os.present());
  CHECK(snap.os.reason == "machine-id missing");
  CHECK(snap.disk.values == strings{scenario::host_nvme_serial});
  CHECK(snap.host_hardware_visible);
  CHECK(airlock::format::unbindable_environment(snap.is_container(), snap.host_hardware_visible, false));
  CHECK_FALSE(airlock::format::unbindable_environment(snap.is_container(), snap.host_hardware_visible, true));
}

TEST_CASE("A container that sees no host disk serial stays unbindable even with allow_container", "[hwid][scenario]") {
  fake::machine m;
  scenario::docker_bridge(m);
  m.fs.remove("/sys/block");
  const auto snap = m.collect();
  CHECK(snap.environment == runtime_environment::container);
  CHECK(snap.disk.reason == "container: no host disk serial visible");
  CHECK_FALSE(snap.host_hardware_visible);
  CHECK(airlock::format::unbindable_environment(snap.is_container(), snap.host_hardware_visible, true));
}

TEST_CASE("Collecting for a license check tells a container from the rest and reads nothing else", "[hwid][scenario]") {
  std::set<std::uint32_t> leaves;
  const auto check_options = [&leaves](const fake::machine& m, bool platform) {
    airlock::hwid::collect_options o = m.options();
    const auto wanted = airlock::hwid::options_for(airlock::hwid::hash_snapshot(m.collect(), "0123456789abcdef", "p"));
    o.classes = wanted.classes;
    o.tell_vm_from_bare_metal = wanted.tell_vm_from_bare_metal;
    o.set(component_class::platform, platform);
    o.probes.cpuid = [&leaves, cpuid = o.probes.cpuid](std::uint32_t leaf, airlock::hwid::cpuid_regs& out) {
      leaves.insert(leaf);
      return cpuid(leaf, out);
    };
    return o;
  };
  SECTION("a VM: the same class values, no VM verdict, no hypervisor leaf") {
    fake::machine m;
    scenario::ci_microvm(m);
    const auto full = m.collect();
    const auto checked = airlock::hwid::collect(check_options(m, true));
    CHECK(checked.readings() == full.readings());
    CHECK(checked.environment == runtime_environment::unknown);
    CHECK(std::find(checked.evidence.begin(), checked.evidence.end(), "hypervisor bhyve bhyve") ==
          checked.evidence.end());
    CHECK(leaves.count(0x40000000u) == 0);
    CHECK(leaves.count(0) == 1);
  }
  SECTION("without platform: no CPUID at all") {
    fake::machine m;
    scenario::ci_microvm(m);
    CHECK(airlock::hwid::collect(check_options(m, false)).disk.values == strings{scenario::ci_vda_serial});
    CHECK(leaves.empty());
  }
  SECTION("a container is still a container") {
    fake::machine m;
    scenario::docker_bridge(m);
    const auto checked = airlock::hwid::collect(check_options(m, true));
    CHECK(checked.environment == runtime_environment::container);
    CHECK(checked.disk.values == strings{scenario::host_nvme_serial});
  }
}
