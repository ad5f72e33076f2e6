// SPDX-License-Identifier: MIT
// Hostile and broken trees (scenario 24), the in-root resolver, canonical values and machine-id rules.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "airlock/hwid.hpp"
#include "airlock/hwid/rooted_fs.hpp"
#include "fake_machine.hpp"
#include "scenarios.hpp"

using airlock::hwid::rooted_fs;
using strings = std::vector<std::string>;

TEST_CASE("Relative and absolute symlinks resolve inside the root", "[hwid][fs]") {
  fake::tree t;
  t.file("/sys/devices/a/b/value", "42\n");
  t.rel_link("/sys/class/x/b", "/sys/devices/a/b");
  t.link("/proc/abs", "/sys/class/x");
  const rooted_fs fs(t.root());
  CHECK(fs.resolve("/proc/abs/b/value").path == std::string("/sys/devices/a/b/value"));
  CHECK(fs.read("/proc/abs/b/value").data == std::string("42\n"));
  CHECK(fs.read("/sys/class/x/b/../b/./value").data == std::string("42\n"));
}

TEST_CASE("A symlink cannot escape the root with dot-dot or an absolute target", "[hwid][fs]") {
  fake::tree outside;
  outside.file("/secret", "do not read\n");
  fake::tree t;
  t.link("/sys/block/vda/serial", "../../../../../../../../../../" + outside.root() + "/secret");
  t.link("/sys/block/vdb/serial", outside.root() + "/secret");
  const rooted_fs fs(t.root());
  CHECK_FALSE(fs.read("/sys/block/vda/serial").data);
  CHECK_FALSE(fs.read("/sys/block/vdb/serial").data);
  CHECK(fs.read("/sys/block/vdb/serial").error == "missing");
  CHECK(rooted_fs(outside.root()).read("/secret").data == std::string("do not read\n"));
}

TEST_CASE("A symlink loop is reported as a reason, not followed forever", "[hwid][fs]") {
  fake::tree t;
  t.link("/sys/a", "b");
  t.link("/sys/b", "a");
  t.link("/sys/self", "/sys/self/x");
  const rooted_fs fs(t.root());
  CHECK(fs.read("/sys/a").error == "symlink loop");
  CHECK(fs.read("/sys/self").error == "symlink loop");
}

TEST_CASE("Oversized files, directories, FIFOs and dangling links read as errors", "[hwid][fs]") {
  fake::tree t;
  t.file("/big", std::string(airlock::hwid::sysfs_read_cap + 1, 'A'));
  t.file("/page", std::string(airlock::hwid::sysfs_read_cap, 'A'));
  t.dir("/adir");
  t.link("/dangling", "/nowhere");
  REQUIRE(::mkfifo(t.host("/fifo").c_str(), 0600) == 0);
  const rooted_fs fs(t.root());
  CHECK(fs.read("/big").error == "too large");
  CHECK(fs.read("/page").data->size() == airlock::hwid::sysfs_read_cap);
  CHECK(fs.read_head("/big", 10).data == std::string(10, 'A'));
  CHECK(fs.read("/adir").error == "not a regular file");
  CHECK(fs.read("/fifo").error == "not a regular file");
  CHECK(fs.read("/dangling").error == "missing");
  CHECK(fs.list("/nowhere").empty());
}

TEST_CASE("A missing sys and proc leave every class absent with a reason", "[hwid][robustness]") {
  fake::machine m;
  const auto snap = m.collect(true);
  CHECK(snap.platform.reason == "cpuinfo missing");
  CHECK(snap.disk.reason == "mountinfo missing");
  CHECK(snap.nic.reason == "no physical network interface");
  CHECK(snap.os.reason == "machine-id missing");
  CHECK(snap.board.reason == "no board serial");
  CHECK(snap.environment == airlock::format::runtime_environment::unknown);
  CHECK_FALSE(snap.host_hardware_visible);
}

TEST_CASE("Garbage and NUL bytes in identifier files drop the value", "[hwid][robustness]") {
  fake::machine m;
  scenario::ci_microvm(m);
  const std::string vda = "/sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda";
  m.fs.file(vda + "/serial", std::string("18162\0"
                                         "03954",
                                         11));
  CHECK(m.collect().disk.reason == "no serial");
  std::string noise;
  for (int i = 0; i < 4096; ++i) noise += char((i * 131 + 7) % 256);
  m.fs.file(vda + "/serial", noise);
  CHECK(m.collect().disk.reason == "no serial");
  m.fs.file(vda + "/serial", std::string(5000, '7'));
  CHECK(m.collect().disk.reason == "no serial");
  m.fs.file("/sys/devices/pci0000:00/0000:00:03.0/virtio2/net/eth0/address", noise);
  m.perm_macs.clear();
  CHECK(m.collect().nic.reason == "no permanent MAC");
}

TEST_CASE("Malformed mountinfo lines are skipped and a missing root mount is a reason", "[hwid][robustness]") {
  fake::machine m;
  scenario::ci_microvm(m);
  m.fs.remove("/.dockerenv");  // with the marker, a root that is not its own disk means "container"
  m.fs.file("/proc/self/mountinfo",
            "garbage\n27 1 254:0 / / rw - ext4\n27 1 x:y / / rw - ext4 /dev/vda rw\n"
            "27 1 99999999999:0 / / rw - ext4 /dev/vda rw\n\n   \n" +
                std::string(3000, '-') + "\n");
  CHECK(m.collect().disk.reason == "root mount not found");
  m.fs.file("/proc/self/mountinfo",
            "bad line\n27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n- - -\n"
            "23 27 0:22 / /sys rw - sysfs sysfs rw\n22 27 0:21 / /proc rw - proc proc rw\n");
  CHECK(m.collect().disk.values == strings{scenario::ci_vda_serial});
}

TEST_CASE("A loop in the block device stack or a loop-device root yields no disk", "[hwid][robustness]") {
  fake::machine m;
  scenario::ci_microvm(m);
  m.fs.remove("/.dockerenv");  // with the marker, a root that is not its own disk means "container"
  m.mount_root("7:0", "squashfs", "/dev/loop0");
  CHECK(m.collect().disk.reason == "root is on squashfs");
  m.mount_root("7:0", "ext4", "/dev/loop0");
  CHECK(m.collect().disk.reason == "root is on a loop device");
  m.block("/sys/devices/virtual/block/dm-0", "253:0");
  m.fs.rel_link("/sys/devices/virtual/block/dm-0/slaves/dm-0", "/sys/devices/virtual/block/dm-0");
  m.mount_root("253:0", "ext4", "/dev/mapper/x");
  CHECK(m.collect().disk.reason == "sysfs block graph too large or cyclic");
}

namespace {

const std::string vda_node = "/sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda";

// A device-mapper node dm-<n> whose slaves/ links point at `lower` (sysfs paths).
void dm_node(fake::machine& m, int n, const std::vector<std::string>& lower) {
  const std::string node = "/sys/devices/virtual/block/dm-" + std::to_string(n);
  m.fs.dir(node + "/slaves");
  for (std::size_t i = 0; i < lower.size(); ++i) m.fs.rel_link(node + "/slaves/s" + std::to_string(i), lower[i]);
}

std::string dm_path(int n) { return "/sys/devices/virtual/block/dm-" + std::to_string(n); }

// The root disk found from dm-0, and whether the file-system calls stayed under rooted_fs's record.
airlock::hwid::detail::root_disk_facts root_disk_from_dm0(fake::machine& m, bool& calls_bounded) {
  m.fs.remove("/.dockerenv");
  m.block(dm_path(0), "253:7");
  m.mount_root("253:7", "ext4", "/dev/mapper/root");
  const rooted_fs fs(m.fs.root());
  const auto facts = airlock::hwid::detail::find_root_disk(fs, airlock::hwid::detail::mount_table::read(fs));
  calls_bounded = !fs.take_looked_at().overflow;  // fewer than 16384 calls were made
  return facts;
}

}  // namespace

TEST_CASE("Cyclic, diamond and deep slaves links in sysfs cost a bounded walk", "[hwid][robustness]") {
  fake::machine m;
  scenario::ci_microvm(m);
  bool calls_bounded = false;
  const std::string cyclic = "sysfs block graph too large or cyclic";
  SECTION("a node that is its own slave four times") {
    dm_node(m, 0, strings(4, dm_path(0)));
    CHECK(root_disk_from_dm0(m, calls_bounded).reason == cyclic);
  }
  SECTION("two nodes that are each other's slaves four times") {
    dm_node(m, 0, strings(4, dm_path(1)));
    dm_node(m, 1, strings(4, dm_path(0)));
    CHECK(root_disk_from_dm0(m, calls_bounded).reason == cyclic);
  }
  SECTION("a diamond of eight levels, two nodes each, over one disk is walked once per node") {
    dm_node(m, 0, {dm_path(1), dm_path(2)});
    for (int level = 1; level < 8; ++level) {
      const strings below = level == 7 ? strings{vda_node} : strings{dm_path(2 * level + 1), dm_path(2 * level + 2)};
      dm_node(m, 2 * level - 1, below);
      dm_node(m, 2 * level, below);
    }
    const auto facts = root_disk_from_dm0(m, calls_bounded);
    CHECK(facts.values == strings{scenario::ci_vda_serial});
    CHECK(facts.reason.empty());
  }
  SECTION("a chain deeper than any real stack") {
    for (int n = 0; n < 40; ++n) dm_node(m, n, {dm_path(n + 1)});
    dm_node(m, 40, {vda_node});
    CHECK(root_disk_from_dm0(m, calls_bounded).reason == cyclic);
  }
  SECTION("a node with more slaves than the walk's budget") {
    strings many;
    for (int n = 1; n <= 600; ++n) {
      dm_node(m, n, {vda_node});
      many.push_back(dm_path(n));
    }
    dm_node(m, 0, many);
    CHECK(root_disk_from_dm0(m, calls_bounded).reason == cyclic);
  }
  CHECK(calls_bounded);
}

TEST_CASE("A throwing injected probe costs only its own class", "[hwid][robustness]") {
  fake::machine m;
  scenario::ci_microvm(m);
  auto options = m.options();
  options.probes.permanent_mac = [](const std::string&) -> std::vector<std::uint8_t> { throw 42; };
  const auto snap = airlock::hwid::collect(options);
  CHECK(snap.nic.reason == "internal error");
  CHECK(snap.disk.values == strings{scenario::ci_vda_serial});
  static_assert(noexcept(airlock::hwid::collect(options)), "collect must be noexcept");
}

TEST_CASE("machine-id is taken from /etc first and only when well formed", "[hwid][os]") {
  const std::string good = "0123456789abcdef0123456789abcdef";
  const std::string dbus = "fedcba9876543210fedcba9876543210";
  struct row {
    const char* etc;  // nullptr: file absent
    const char* dbus;
    std::string expected_value;
    std::string expected_reason;
  };
  const std::vector<row> rows = {
      {"", nullptr, "", "machine-id empty"},
      {"uninitialized\n", nullptr, "", "machine-id uninitialized"},
      {"0123456789ABCDEF0123456789ABCDEF\n", nullptr, "", "machine-id malformed"},
      {"0123456789abcdef0123456789abcde\n", nullptr, "", "machine-id malformed"},
      {"00000000000000000000000000000000\n", nullptr, "", "machine-id all zeros"},
      {nullptr, "fedcba9876543210fedcba9876543210\n", dbus, ""},
      {"0123456789abcdef0123456789abcdef\n", "fedcba9876543210fedcba9876543210\n", good, ""},
      {"uninitialized\n", "fedcba9876543210fedcba9876543210\n", dbus, ""},
      {nullptr, nullptr, "", "machine-id missing"},
  };
  for (const row& r : rows) {
    fake::machine m;
    if (r.etc) m.fs.file("/etc/machine-id", r.etc);
    if (r.dbus) m.fs.file("/var/lib/dbus/machine-id", r.dbus);
    const auto os = m.collect().os;
    INFO((r.etc ? r.etc : "(none)"));
    CHECK(os.values == (r.expected_value.empty() ? strings{} : strings{r.expected_value}));
    CHECK(os.reason == r.expected_reason);
  }
}

TEST_CASE("Canonical values are trimmed, collapsed and case-normalised per class", "[hwid][canonical]") {
  using namespace airlock::hwid;
  CHECK(canonical_serial("  ab12  cd\t34 \n") == std::string("AB12 CD 34"));
  CHECK(canonical_serial(std::string("10000000abcdef01\0", 17)) == std::string("10000000ABCDEF01"));
  CHECK(canonical_uuid("4C4C4544-0042-3510-8052-B4C04F333432\n") ==
        std::string("4c4c4544-0042-3510-8052-b4c04f333432"));
  CHECK(canonical_mac({0x02, 0xFC, 0x00, 0x00, 0x00, 0x01}) == std::string("02:fc:00:00:00:01"));
  CHECK_FALSE(canonical_mac({0, 0, 0, 0, 0, 0}));
  CHECK_FALSE(canonical_mac({0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));
  CHECK_FALSE(canonical_mac({0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}));
  CHECK_FALSE(canonical_mac({0x02, 0x42}));
  CHECK_FALSE(canonical_serial("caf\xc3\xa9"));
  CHECK_FALSE(
      canonical_serial("ab\x01"
                       "cd"));
}

TEST_CASE("Known placeholders are rejected case-insensitively and real serials are kept", "[hwid][canonical]") {
  using airlock::hwid::is_placeholder;
  for (const char* p :
       {"", "0", "00000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", "00000000-0000-0000-0000-000000000000",
        "03000200-0400-0500-0006-000700080009", "To Be Filled By O.E.M.", "Default string", "Not Specified", "NONE",
        "System Serial Number", "0123456789", "QM00001", "QM00004", "XXXXXXXX"}) {
    INFO(p);
    CHECK(is_placeholder(p));
  }
  for (const char* real :
       {"S4EWNX0R123456", "QM00001X", "1816203954172243", "WD-WCC4N0123456", "i-0123456789abcdef0"}) {
    INFO(real);
    CHECK_FALSE(is_placeholder(real));
  }
}

TEST_CASE("A listing keeps only its first names in byte order however many the folder holds", "[hwid][fs]") {
  fake::tree t;
  for (int i = 0; i < 300; ++i) t.dir("/sys/class/net/veth" + std::to_string(1000 - i));
  t.dir("/sys/class/net/eth0");
  const rooted_fs fs(t.root());
  const strings all = fs.list("/sys/class/net");
  REQUIRE(all.size() == 301);
  CHECK(fs.list("/sys/class/net", 10) == strings(all.begin(), all.begin() + 10));
  CHECK(fs.list("/sys/class/net", 1) == strings{"eth0"});
  CHECK(fs.list("/sys/class/net", 0).empty());
}

TEST_CASE("A container engine in a long multi-line cgroup file is found line by line", "[hwid][environment]") {
  fake::machine m;
  scenario::ci_microvm(m);
  std::string cgroup;
  for (int i = 0; i < 40; ++i) cgroup += std::to_string(i) + ":cpu:/" + std::string(1000, 'a') + "\n";
  m.fs.file("/proc/self/cgroup", cgroup + "41:memory:/KubePods/burstable/pod1/" + std::string(9000, 'b') + "\n");
  const auto evidence = m.collect().evidence;
  CHECK(std::find(evidence.begin(), evidence.end(), "cgroup kubepods") != evidence.end());
  m.fs.file("/proc/self/cgroup", std::string(64 * 1024, 'a') + "\n0::/docker/abc\n");  // over the limit
  const auto over = m.collect().evidence;
  CHECK(std::find(over.begin(), over.end(), "cgroup docker") == over.end());
}
