// SPDX-License-Identifier: MIT
// Issue 11: environments decided from namespaces and the mount table, tamper evidence, software-assigned
// MACs, and the airlock-match-v2 rule on collected fake machines.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "airlock/format/match.hpp"
#include "airlock/hwid.hpp"
#include "fake_machine.hpp"
#include "scenarios.hpp"

namespace fmt = airlock::format;
namespace hw = airlock::hwid;
using fmt::class_outcome;
using fmt::component_class;
using fmt::runtime_environment;
using strings = std::vector<std::string>;

namespace {

// Identity "hashing" with the evidence-only marks: matching only compares strings.
fmt::component_hashes recorded_of(const hw::machine_snapshot& snap) {
  fmt::component_hashes out = fake::as_fingerprint(snap);
  out.evidence_only = snap.nic.evidence_only;
  return out;
}

fmt::match_report match_v2(const hw::machine_snapshot& recorded, const hw::machine_snapshot& now) {
  return fmt::match_fingerprint(fmt::match_policy_v2, recorded_of(recorded), recorded_of(now));
}

class_outcome outcome_in(const fmt::match_report& r, component_class c) {
  for (const auto& result : r.classes)
    if (result.cls == c) return result.outcome;
  FAIL("class not recorded");
  return class_outcome::missing;
}

void use_initial_namespaces(fake::machine& m) {
  m.namespaces = fake::namespace_ids{hw::initial_user_namespace, hw::initial_pid_namespace};
}

}  // namespace

TEST_CASE("A VM whose root-disk link cannot be read stays a VM with the disk missing", "[hwid][environment][v2]") {
  fake::machine m;
  scenario::ci_microvm(m);
  use_initial_namespaces(m);
  const auto before = m.collect();
  m.fs.remove("/sys/dev/block");
  const auto after = m.collect();
  CHECK(after.environment == runtime_environment::vm);
  CHECK_FALSE(after.disk.present());
  // v1 takes the software-assigned MAC as hardware; v2 has lost its only proof, as a clone would.
  CHECK(fmt::match_fingerprint(fmt::match_policy_v1, recorded_of(before), recorded_of(after)).ok);
  const auto v2 = match_v2(before, after);
  CHECK_FALSE(v2.ok);
  CHECK(outcome_in(v2, component_class::disk) == class_outcome::missing);
}

TEST_CASE("A machine with two proofs survives losing its disk under v2", "[hwid][match][v2]") {
  fake::machine m;
  scenario::desktop(m);
  const auto before = m.collect();
  m.fs.remove("/sys/dev/block");
  const auto r = match_v2(before, m.collect());
  CHECK(r.ok);
  CHECK(outcome_in(r, component_class::disk) == class_outcome::missing);
  CHECK(r.changes_tolerated == 0);
}

TEST_CASE("A process outside the initial user namespace is in a container", "[hwid][environment]") {
  fake::machine m;
  scenario::ci_microvm(m);
  SECTION("the user namespace inode is another one") {
    m.namespaces = fake::namespace_ids{4026532100, hw::initial_pid_namespace};
  }
  SECTION("uid_map is not the identity map, with no namespace answer at all") {
    m.fs.file("/proc/self/uid_map", "         0      65534          1\n");
  }
  bool unvouched = false;
  SECTION("the namespace files are missing or shadowed") { unvouched = true; }
  auto options = m.options();
  if (unvouched) options.probes.namespaces = [] { return std::optional<fake::namespace_ids>(); };
  CHECK(hw::collect(options).environment == runtime_environment::container);
}

TEST_CASE("Another PID namespace on the machine's own root disk is no container, as under WSL2",
          "[hwid][environment]") {
  fake::machine m;
  scenario::ci_microvm(m);
  m.fs.remove("/.dockerenv");
  m.namespaces = fake::namespace_ids{hw::initial_user_namespace, 4026532200};
  const auto snap = m.collect();
  CHECK(snap.environment == runtime_environment::vm);
  CHECK(std::find(snap.evidence.begin(), snap.evidence.end(), "not the initial PID namespace") != snap.evidence.end());
}

TEST_CASE("The identity uid_map and the initial namespaces leave the CI micro-VM a VM", "[hwid][environment]") {
  fake::machine m;
  scenario::ci_microvm(m);
  use_initial_namespaces(m);
  m.fs.file("/proc/self/uid_map", "         0          0 4294967295\n");
  CHECK(m.collect().environment == runtime_environment::vm);
}

TEST_CASE("Podman rootless is a container: fuse-overlayfs root, containerenv, its own user namespace",
          "[hwid][environment][scenario]") {
  fake::machine m;
  m.x86_cpu("GenuineIntel", 0x000906ea, "Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz");
  m.fs.file("/proc/self/mountinfo",
            "801 700 0:61 / / rw,nodev,relatime - fuse.fuse-overlayfs fuse-overlayfs rw,user_id=0\n"
            "802 801 0:63 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
            "803 801 0:64 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro\n");
  m.fs.file("/run/.containerenv", "engine=\"podman-4.3.1\"\nrootless=1\n");
  m.fs.file("/proc/self/uid_map", "         0       1000          1\n         1     100000      65536\n");
  m.namespaces = fake::namespace_ids{4026532301, 4026532304};
  m.machine_id("0f1e2d3c4b5a69788796a5b4c3d2e1f0");
  const auto snap = m.collect();
  CHECK(snap.environment == runtime_environment::container);
  CHECK(fmt::assess_binding(fmt::match_policy_v2, hw::evidence_of(snap), snap.is_container(), false).level ==
        fmt::binding_level::none);
}

TEST_CASE("LXC on cgroup v2 without systemd is a container by its PID namespace alone",
          "[hwid][environment][scenario]") {
  fake::machine m;
  scenario::desktop(m);
  // A directory of the host's ext4 as the root, a cgroup namespace ("0::/") and no marker files.
  m.fs.file("/proc/self/mountinfo",
            "1100 1000 259:2 /var/lib/lxc/c1/rootfs / rw,relatime - ext4 /dev/nvme0n1p2 rw\n"
            "1101 1100 0:70 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
            "1102 1100 0:71 / /sys rw,nosuid,nodev,noexec,relatime - sysfs sysfs rw\n");
  m.fs.file("/proc/self/cgroup", "0::/\n");
  SECTION("privileged: only the PID namespace tells") {
    m.namespaces = fake::namespace_ids{hw::initial_user_namespace, 4026532410};
  }
  SECTION("unprivileged: the uid map tells too") {
    m.namespaces = fake::namespace_ids{4026532400, 4026532410};
    m.fs.file("/proc/self/uid_map", "         0     100000      65536\n");
  }
  CHECK(m.collect().environment == runtime_environment::container);
}

TEST_CASE("Software-assigned MACs are recorded as evidence only", "[hwid][nic][v2]") {
  fake::machine m;
  SECTION("QEMU's default MAC") {
    m.nic("eth0", "/sys/devices/pci0000:00/0000:00:03.0/virtio2", "virtio", "52:54:00:12:34:56", 0);
  }
  SECTION("this CI micro-VM's locally administered MAC") {
    m.nic("eth0", "/sys/devices/pci0000:00/0000:00:03.0/virtio2", "virtio", scenario::ci_mac, 0);
  }
  SECTION("WSL2's per-boot MAC from Hyper-V's range under a WSL kernel") {
    m.nic("eth0", "/sys/devices/LNXSYSTM:00/LNXSYBUS:00/vmbus/f8615163", "vmbus", "00:15:5d:a1:b2:c3", 0);
    m.fs.file("/proc/sys/kernel/osrelease", "5.15.153.1-microsoft-standard-WSL2\n");
  }
  const auto snap = m.collect();
  REQUIRE(snap.nic.values.size() == 1);
  CHECK(snap.nic.evidence_only == snap.nic.values);
  CHECK_FALSE(hw::evidence_of(snap).nic.proof);
}

TEST_CASE("A factory MAC proves hardware, Hyper-V's range included outside WSL", "[hwid][nic][v2]") {
  fake::machine m;
  m.nic("eth0", "/sys/devices/LNXSYSTM:00/LNXSYBUS:00/vmbus/f8615163", "vmbus", "00:15:5d:a1:b2:c3", 0);
  m.fs.file("/proc/sys/kernel/osrelease", "6.1.0-27-amd64\n");
  const auto snap = m.collect();
  CHECK(snap.nic.values == strings{"00:15:5d:a1:b2:c3"});
  CHECK(snap.nic.evidence_only.empty());
  CHECK(hw::evidence_of(snap).nic.proof);
}

TEST_CASE("A docked laptop's Thunderbolt or removable PCI network card is not bound", "[hwid][nic][scenario]") {
  fake::machine m;
  scenario::desktop(m);
  const auto before = m.collect().nic;
  SECTION("thunderbolt-net on the thunderbolt bus") {
    m.nic("thunderbolt0", "/sys/devices/pci0000:00/0000:00:0d.2/domain0/0-0/0-1/0-1.0", "thunderbolt",
          "02:11:22:33:44:55", 0);
  }
  SECTION("a dock's Ethernet behind an external PCIe port") {
    const std::string dock = "/sys/devices/pci0000:00/0000:00:07.0/0000:20:00.0/0000:21:01.0/0000:22:00.0";
    m.nic("enp34s0", dock, "pci", "00:50:b6:aa:bb:cc", 0);
    m.fs.file(dock + "/removable", "removable\n");
  }
  CHECK(m.collect().nic == before);
}

TEST_CASE("An identifier file shadowed by a mount is untrusted and its class is missing", "[hwid][tamper]") {
  fake::machine m;
  scenario::ci_microvm(m);
  const std::string vda = "/sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda";
  const std::string base =
      "22 27 0:21 / /proc rw,relatime - proc proc rw\n23 27 0:22 / /sys rw,relatime - sysfs sysfs rw\n"
      "27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n";
  component_class lost = component_class::disk;
  SECTION("a file bind-mounted over the disk serial") {
    m.fs.file("/proc/self/mountinfo", base + "40 23 254:0 /tmp/fake " + vda + "/serial rw - ext4 /dev/vda rw\n");
  }
  SECTION("a tmpfs over /sys/dev/block") {
    m.fs.file("/proc/self/mountinfo", base + "40 23 0:40 / /sys/dev/block rw - tmpfs tmpfs rw\n");
  }
  SECTION("a file bind-mounted over /etc/machine-id") {
    lost = component_class::os;
    m.fs.file("/proc/self/mountinfo", base + "40 27 254:0 /home/u/id /etc/machine-id rw - ext4 /dev/vda rw\n");
  }
  SECTION("a sysfs subtree bound over the disk") {
    m.fs.file("/proc/self/mountinfo", base + "40 23 0:22 /block/vdb " + vda + " rw - sysfs sysfs rw\n");
  }
  const auto snap = m.collect();
  CHECK_FALSE(snap[lost].present());
  CHECK(snap[lost].reason.rfind("untrusted: ", 0) == 0);
  CHECK(snap.environment == runtime_environment::vm);
}

TEST_CASE("Self-bind mounts of hardened services and separate local file systems are not tampering", "[hwid][tamper]") {
  fake::machine m;
  scenario::ci_microvm(m);
  m.fs.file("/proc/sys/kernel/osrelease", "6.1.0-27-amd64\n");
  m.fs.file("/proc/self/mountinfo",
            "22 27 0:21 / /proc rw - proc proc rw\n23 27 0:22 / /sys rw - sysfs sysfs rw\n"
            "27 1 254:0 / / rw - ext4 /dev/vda rw\n"
            "50 27 254:0 /etc /etc ro,relatime - ext4 /dev/vda rw\n"      // ProtectSystem=full
            "51 22 0:21 /sys /proc/sys ro,relatime - proc proc rw\n"      // ProtectKernelTunables=yes
            "52 23 0:22 /fs/cgroup /sys/fs/cgroup ro - sysfs sysfs rw\n"  // unrelated to identifiers
            "53 27 254:16 / /var rw,relatime - xfs /dev/vdb rw\n");       // a separate /var
  m.fs.remove("/etc/machine-id");  // so the os class comes from /var/lib/dbus/machine-id
  const auto snap = m.collect();
  CHECK(snap.disk.present());
  CHECK(snap.nic.present());
  CHECK(snap.os.values == strings{scenario::ci_machine_id});
}

TEST_CASE("A tmpfs over all of /sys leaves nothing read from sysfs trusted", "[hwid][tamper]") {
  fake::machine m;
  scenario::ci_microvm(m);
  m.fs.file("/proc/self/mountinfo",
            "22 27 0:21 / /proc rw - proc proc rw\n23 27 0:22 / /sys rw - sysfs sysfs rw\n"
            "27 1 254:0 / / rw - ext4 /dev/vda rw\n41 23 0:41 / /sys rw - tmpfs tmpfs rw\n");
  const auto snap = m.collect();
  CHECK(snap.disk.reason.rfind("untrusted: ", 0) == 0);
  CHECK(snap.nic.reason.rfind("untrusted: ", 0) == 0);
  CHECK(snap.os.present());
}

TEST_CASE("The kernel's statfs and statx answers expose a shadowed file the mount table hides", "[hwid][tamper]") {
  fake::machine m;
  scenario::ci_microvm(m);
  const std::string serial = "/sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda/serial";
  m.origins[""] = fake::file_origin{0xEF53, false, 0xFE00000000};
  m.origins["/"] = fake::file_origin{0xEF53, true, 0xFE00000000};
  m.origins["/sys"] = fake::file_origin{hw::sysfs_magic, true, 22};
  m.origins["/proc"] = fake::file_origin{hw::procfs_magic, true, 21};
  REQUIRE(m.collect().disk.present());
  REQUIRE(m.collect().os.present());
  component_class lost = component_class::disk;
  SECTION("the serial file is on ext4, not sysfs") {
    m.origins[serial] = fake::file_origin{0xEF53, false, 0xFE00000000};
  }
  SECTION("the serial file is the root of a mount") {
    m.origins[serial] = fake::file_origin{hw::sysfs_magic, true, 22};
  }
  SECTION("the serial file is on another sysfs instance") {
    m.origins[serial] = fake::file_origin{hw::sysfs_magic, false, 77};
  }
  SECTION("/etc/machine-id is a mount of its own") {
    lost = component_class::os;
    m.origins["/etc/machine-id"] = fake::file_origin{0xEF53, true, 0xFE00000000};
  }
  const auto snap = m.collect();
  CHECK_FALSE(snap[lost].present());
  CHECK(snap[lost].reason.rfind("untrusted: ", 0) == 0);
}

TEST_CASE("Under airlock-match-v2 any one changed part passes and two do not", "[hwid][match][v2]") {
  fake::machine m;
  scenario::desktop(m);
  const auto recorded = m.collect();
  REQUIRE(hw::evidence_of(recorded).nic.proof);
  auto now = recorded;
  SECTION("one change, whichever class") {
    for (const component_class c :
         {component_class::platform, component_class::disk, component_class::nic, component_class::os}) {
      INFO(fmt::to_string(c));
      now = recorded;
      now[c].values = {"replaced"};
      const auto r = match_v2(recorded, now);
      CHECK(r.ok);
      CHECK(outcome_in(r, c) == class_outcome::changed);
      CHECK(r.changes_tolerated == 0);
    }
  }
  SECTION("two changes") {
    now.platform.values = {"new cpu"};
    now.os.values = {"new os"};
    const auto r = match_v2(recorded, now);
    CHECK_FALSE(r.ok);
    CHECK(r.reason == "only 2 of 4 components match, 3 needed");
  }
  SECTION("under v1 the CPU still gates") {
    now.platform.values = {"new cpu"};
    CHECK_FALSE(fmt::match_fingerprint(fmt::match_policy_v1, recorded_of(recorded), recorded_of(now)).ok);
    CHECK(match_v2(recorded, now).ok);
  }
}

TEST_CASE("A clone with the same machine-id and software-assigned MAC but another disk is a mismatch",
          "[hwid][match][v2]") {
  fake::machine original, clone;
  scenario::ci_microvm(original);
  scenario::ci_microvm(clone);
  clone.fs.file("/sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda/serial", "9999000011112222");
  const auto recorded = original.collect(), now = clone.collect();
  const auto r = match_v2(recorded, now);
  CHECK_FALSE(r.ok);
  CHECK(r.reason.rfind("no hardware component matches", 0) == 0);
  // v1 took the software-assigned MAC as the hardware proof.
  CHECK(fmt::match_fingerprint(fmt::match_policy_v1, recorded_of(recorded), recorded_of(now)).ok);
}

TEST_CASE("A binding with nothing but software-assigned MACs as hardware is never valid under v2",
          "[hwid][match][v2]") {
  fake::machine m;
  scenario::ci_microvm(m);
  m.fs.remove("/sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda/serial");
  const auto snap = m.collect();
  REQUIRE_FALSE(snap.disk.present());
  const auto r = match_v2(snap, snap);
  CHECK_FALSE(r.ok);
  CHECK(r.reason == "the license records no hardware proof");
  CHECK(fmt::assess_binding(fmt::match_policy_v2, hw::evidence_of(snap), false, false).level ==
        fmt::binding_level::none);
}

TEST_CASE("The one strength rule grades machines for both policies", "[hwid][strength]") {
  fake::machine m;
  const auto level = [](const hw::machine_snapshot& s, std::string_view policy, bool allow = false) {
    return fmt::assess_binding(policy, hw::evidence_of(s), s.is_container(), allow).level;
  };
  SECTION("a desktop with a disk and a factory MAC") {
    scenario::desktop(m);
    CHECK(level(m.collect(), fmt::match_policy_v2) == fmt::binding_level::good);
    CHECK(level(m.collect(), fmt::match_policy_v1) == fmt::binding_level::good);
  }
  SECTION("the CI micro-VM: the disk is the only proof") {
    scenario::ci_microvm(m);
    const auto s = m.collect();
    CHECK(level(s, fmt::match_policy_v2) == fmt::binding_level::limited);
    CHECK(fmt::assess_binding(fmt::match_policy_v2, hw::evidence_of(s), false, false).summary.find("not the disk") !=
          std::string::npos);
  }
  SECTION("a Docker container, with and without the opt-in") {
    scenario::docker_bridge(m);
    const auto s = m.collect();
    CHECK(level(s, fmt::match_policy_v2) == fmt::binding_level::none);
    CHECK(level(s, fmt::match_policy_v2, true) == fmt::binding_level::weak);
  }
}
