// SPDX-License-Identifier: MIT
// Issue 14: the mount table streamed through a fixed buffer, keeping only the mounts that can cover
// an inventory path, with the same tamper verdicts as the whole table and a reason when a mount
// that matters could not be kept.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "airlock/hwid.hpp"
#include "fake_machine.hpp"
#include "scenarios.hpp"

namespace hw = airlock::hwid;
using airlock::format::component_class;
using strings = std::vector<std::string>;

namespace {

const std::string vda = "/sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda";
const std::string base_mounts =
    "22 27 0:21 / /proc rw,relatime - proc proc rw\n23 27 0:22 / /sys rw,relatime - sysfs sysfs rw\n"
    "27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n";
const std::string serial_bind = "40 23 254:0 /tmp/fake " + vda + "/serial rw - ext4 /dev/vda rw\n";

// `count` mounts a container host has, none of them on the way to an inventory path: overlay
// roots, network namespaces and pod volumes.
std::string unrelated_mounts(int count) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    const std::string n = std::to_string(1000 + i);
    switch (i % 3) {
      case 0:
        out += n + " 27 0:" + n + " / /var/lib/docker/overlay2/" + std::string(40, 'a') + n +
               "/merged rw,relatime - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/" + n + "\n";
        break;
      case 1: out += n + " 27 0:4 net:[" + n + "] /run/docker/netns/" + n + " rw - nsfs nsfs rw\n"; break;
      default: out += n + " 27 0:" + n + " / /var/lib/kubelet/pods/" + n + "/volumes rw - tmpfs tmpfs rw\n";
    }
  }
  return out;
}

// `count` mounts under /sys/devices that cover none of the paths the collectors read.
std::string mounts_on_inventory_paths(int count, std::size_t name_length = 4) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    const std::string n = std::to_string(2000 + i);
    out += n + " 23 0:" + n + " / /sys/devices/virtual/misc/" + std::string(name_length, 'm') + n +
           " rw - tmpfs tmpfs rw\n";
  }
  return out;
}

bool untrusted(const hw::class_reading& r) { return r.reason.rfind("untrusted: ", 0) == 0; }

}  // namespace

TEST_CASE("A bind mount over a disk serial among 20,000 unrelated mounts is judged as in a short table",
          "[hwid][tamper][mounts]") {
  fake::machine m;
  scenario::ci_microvm(m);
  m.fs.file("/proc/self/mountinfo", base_mounts + serial_bind);
  const hw::machine_snapshot short_table = m.collect();
  REQUIRE(untrusted(short_table.disk));
  m.fs.file("/proc/self/mountinfo", base_mounts + unrelated_mounts(10000) + serial_bind + unrelated_mounts(10000));
  const hw::machine_snapshot long_table = m.collect();
  CHECK(long_table == short_table);
  CHECK(long_table.disk.reason == short_table.disk.reason);
  CHECK(long_table.os.present());
}

TEST_CASE("Of a table of 20,000 unrelated mounts only the root, /proc, /sys and the bind mount are kept",
          "[hwid][mounts]") {
  fake::machine m;
  scenario::ci_microvm(m);
  m.fs.file("/proc/self/mountinfo", base_mounts + unrelated_mounts(10000) + serial_bind + unrelated_mounts(10000));
  const hw::rooted_fs fs(m.fs.root());
  const hw::detail::mount_table table = hw::detail::mount_table::read(fs);
  CHECK(table.error().empty());
  strings kept;
  for (const hw::detail::mount_entry& e : table.kept()) kept.push_back(e.mount_point);
  std::sort(kept.begin(), kept.end());
  CHECK(kept == strings{"/", "/proc", "/sys", vda + "/serial"});
  REQUIRE(table.root());
  CHECK(table.root()->source == "/dev/vda");
}

TEST_CASE("A later mount on the same mount point replaces the kept one", "[hwid][mounts]") {
  fake::machine m;
  scenario::ci_microvm(m);
  m.fs.file("/proc/self/mountinfo", base_mounts + "41 23 0:41 / /sys rw - tmpfs tmpfs rw\n" + unrelated_mounts(300) +
                                        "42 23 0:22 / /sys rw - sysfs sysfs rw\n");
  const hw::machine_snapshot snap = m.collect();
  CHECK(snap.disk.values == strings{scenario::ci_vda_serial});
  CHECK(snap.nic.present());
}

TEST_CASE("More mounts on inventory paths than can be kept leave the paths they may cover untrusted",
          "[hwid][tamper][mounts]") {
  fake::machine m;
  scenario::ci_microvm(m);
  SECTION("more mounts than max_kept_mounts") {
    m.fs.file("/proc/self/mountinfo",
              base_mounts + mounts_on_inventory_paths(static_cast<int>(hw::detail::max_kept_mounts) + 1));
  }
  SECTION("fewer mounts with more than max_kept_mount_bytes of fields") {
    m.fs.file("/proc/self/mountinfo", base_mounts + mounts_on_inventory_paths(12, 2000));
  }
  const hw::machine_snapshot snap = m.collect();
  CHECK_FALSE(snap.disk.present());
  CHECK(snap.disk.reason.find("may be under a mount that was not kept (more mounts on inventory paths than can be "
                              "checked)") != std::string::npos);
  CHECK(snap.os.values == strings{scenario::ci_machine_id});  // no mount beyond the bound can cover /etc
}

TEST_CASE("As many mounts on inventory paths as can be kept leave every class trusted", "[hwid][mounts]") {
  fake::machine m;
  scenario::ci_microvm(m);
  const hw::machine_snapshot before = m.collect();
  // /proc and /sys are kept too.
  m.fs.file("/proc/self/mountinfo",
            base_mounts + mounts_on_inventory_paths(static_cast<int>(hw::detail::max_kept_mounts) - 2));
  CHECK(m.collect() == before);
}

TEST_CASE("A mount table line cut within its super options still counts", "[hwid][mounts]") {
  fake::machine m;
  scenario::ci_microvm(m);
  const std::string long_options = "lowerdir=" + std::string(3 * hw::line_buffer_bytes, 'l');
  SECTION("a self-bind of /proc/sys, which is kept") {
    m.fs.file("/proc/sys/kernel/osrelease", "6.1.0-27-amd64\n");
    m.fs.file("/proc/self/mountinfo",
              base_mounts + "51 22 0:21 /sys /proc/sys ro,relatime - proc proc rw," + long_options + "\n");
    CHECK(m.collect().nic.present());
    const hw::rooted_fs fs(m.fs.root());
    CHECK(hw::detail::mount_table::read(fs).kept().back().mount_point == "/proc/sys");
  }
  SECTION("a tmpfs over /sys/dev/block, which shadows the disk") {
    m.fs.file("/proc/self/mountinfo",
              base_mounts + "40 23 0:40 / /sys/dev/block rw - tmpfs tmpfs rw," + long_options + "\n");
    CHECK(m.collect().disk.reason ==
          "untrusted: /sys/dev/block/254:0 is shadowed by a mount on /sys/dev/block (tmpfs)");
  }
}

TEST_CASE("A mount table line cut before its source leaves the paths its mount point may cover untrusted",
          "[hwid][tamper][mounts]") {
  fake::machine m;
  scenario::ci_microvm(m);
  const std::string long_root = "/" + std::string(hw::line_buffer_bytes, 'r');
  SECTION("the mount point read whole") {
    m.fs.file("/proc/self/mountinfo", base_mounts + "40 23 254:0 /" + std::string(hw::line_buffer_bytes - 100, 'r') +
                                          " " + vda + "/serial rw shared:1 " + std::string(200, 'x') +
                                          " - ext4 /dev/vda rw\n");
  }
  SECTION("the mount point not reached") {
    m.fs.file("/proc/self/mountinfo",
              base_mounts + "40 23 254:0 " + long_root + " " + vda + "/serial rw - ext4 /dev/vda rw\n");
    CHECK_FALSE(m.collect().os.present());  // where the mount is, nobody knows
  }
  const hw::machine_snapshot snap = m.collect();
  CHECK_FALSE(snap.disk.present());
  CHECK(snap.disk.reason.find("may be under a mount that was not kept (a mount table line too long to read)") !=
        std::string::npos);
}

TEST_CASE("A cut line of an unrelated mount changes nothing", "[hwid][mounts]") {
  fake::machine m;
  scenario::ci_microvm(m);
  const hw::machine_snapshot before = m.collect();
  m.fs.file("/proc/self/mountinfo", base_mounts + "40 27 0:40 / /srv/data rw shared:1 " +
                                        std::string(hw::line_buffer_bytes, 'x') + " - ext4 /dev/vdb rw\n");
  CHECK(m.collect() == before);
}

TEST_CASE("A disk found outside the inventory's folders is untrusted", "[hwid][tamper][mounts]") {
  fake::machine m;
  scenario::ci_microvm(m);
  m.fs.file("/opt/disk/serial", "ELSEWHERE-1\n");
  m.fs.link("/sys/dev/block/254:0", "/opt/disk");
  const hw::machine_snapshot snap = m.collect();
  CHECK_FALSE(snap.disk.present());
  CHECK(snap.disk.reason.rfind("untrusted: /opt/disk/", 0) == 0);
  CHECK(snap.disk.reason.find(" is outside the data inventory, so no mount over it was kept") != std::string::npos);
}

TEST_CASE("A mount table over its cap leaves every path it would judge untrusted", "[hwid][tamper][mounts]") {
  fake::machine m;
  scenario::ci_microvm(m);
  m.fs.file("/proc/self/mountinfo", base_mounts + std::string(hw::mountinfo_read_cap, 'x'));
  const hw::machine_snapshot snap = m.collect();
  CHECK(snap.disk.reason.rfind("untrusted: the mount table is over 16 MiB, so ", 0) == 0);
  CHECK(untrusted(snap.os));
  const hw::rooted_fs fs(m.fs.root());
  CHECK(hw::detail::find_root_disk(fs, hw::detail::mount_table::read(fs)).reason == "mountinfo too large");
}
