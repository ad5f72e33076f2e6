// SPDX-License-Identifier: MIT
// Machine binding through the tools: airlock keygen -> airlock-hwid request -> airlock issue --request
// -> airlock verify and airlock-verify on this machine, with requests from this machine and from fake trees.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "hwid_tool_support.hpp"
#include "scenarios.hpp"

using namespace hwid_tool;

namespace {

const std::string product = "acme-studio";

// A vendor with an unencrypted key (key derivation would only slow the tests down).
struct vendor {
  temp_dir dir;
  std::string key = dir / "vendor/vendor.key", pub = dir / "vendor/vendor.pub";
  vendor() { REQUIRE(run(q(tool("airlock")) + " keygen --unencrypted --out-dir " + q(dir / "vendor")).exit_code == 0); }

  // Writes a request of this machine (root "/") or of a fake tree, and a license bound to it.
  std::string license_for(const std::string& name, const std::string& root = "/") const {
    const std::string request = dir / (name + ".toml"), license = dir / (name + ".lic");
    const auto req = run(hwid("request --product " + product + " --pubkey " + q(pub) + " --out " + q(request) +
                              (root == "/" ? "" : " --root " + q(root))));
    INFO(req.err);
    REQUIRE(req.exit_code == 0);
    const auto issued = run(q(tool("airlock")) + " issue --key " + q(key) + " --product " + product +
                            " --licensee 'Test Customer' --request " + q(request) + " --out " + q(license));
    INFO(issued.err);
    REQUIRE(issued.exit_code == 0);
    return license;
  }
};

airlock::test::run_result airlock_verify(const vendor& v, const std::string& license, const std::string& extra = "") {
  return run(q(tool("airlock")) + " verify " + q(license) + " --pubkey " + q(v.pub) + extra);
}

airlock::test::run_result customer_verify(const vendor& v, const std::string& license, const std::string& extra = "") {
  return run(q(tool("airlock-verify")) + " " + q(license) + " --pubkey " + q(v.pub) + extra);
}

// This machine's disk serial, permanent MAC and machine-id as airlock-hwid reads them; empty when
// one of the three is missing here.
std::vector<std::string> real_disk_nic_os(const temp_dir& dir) {
  const auto show = run(hwid("show --explain --json"));
  REQUIRE(show.exit_code == 0);
  const auto raw = raw_values(dir, show.out);
  std::vector<std::string> out;
  for (const char* cls : {"disk", "nic", "os"}) {
    const auto values = of_class(raw, cls);
    if (values.empty()) return {};
    out.push_back(values.front());
  }
  return out;
}

// A fake copy of this machine: its own disk serial, MAC and machine-id, each replaceable.
void replica(fake::machine& m, const std::string& disk_serial, const std::string& mac, const std::string& machine_id) {
  const std::string virtio = "/sys/devices/pci0000:00/0000:00:02.0/virtio1", vda = virtio + "/block/vda";
  m.block(vda, "254:0");
  m.fs.rel_link(vda + "/device", virtio);
  m.fs.file(vda + "/serial", disk_serial);
  m.mount_root("254:0", "ext4", "/dev/vda");
  m.nic("eth0", "/sys/devices/pci0000:00/0000:00:03.0/virtio2", "virtio", mac, 0);
  m.machine_id(machine_id);
}

}  // namespace

TEST_CASE("A license issued for this machine's request passes airlock verify and airlock-verify here",
          "[hwid][tool][binding]") {
  const vendor v;
  const std::string license = v.license_for("here");
  const auto vendor_side = airlock_verify(v, license);
  CHECK(vendor_side.exit_code == 0);
  CHECK(vendor_side.out.find("binding:   platform matched") != std::string::npos);
  const auto customer_side = customer_verify(v, license);
  CHECK(customer_side.exit_code == 0);
  CHECK(customer_side.out.find("(drift 0,") != std::string::npos);
}

TEST_CASE("A license issued for another machine's request fails both verifiers with exit code 19",
          "[hwid][tool][binding]") {
  const vendor v;
  fake::machine other;
  scenario::desktop(other);
  const std::string license = v.license_for("other", other.fs.root());
  for (const auto& r : {airlock_verify(v, license), customer_verify(v, license)}) {
    INFO(r.out << r.err);
    CHECK(r.exit_code == 19);
    CHECK(r.err.find('\n') == r.err.size() - 1);
    CHECK(r.out.find("disk changed") != std::string::npos);
  }
}

TEST_CASE("Both verifiers accept a license bound to another machine when given --no-machine", "[hwid][tool][binding]") {
  const vendor v;
  fake::machine other;
  scenario::desktop(other);
  const std::string license = v.license_for("other", other.fs.root());
  CHECK(airlock_verify(v, license, " --no-machine").exit_code == 0);
  CHECK(customer_verify(v, license, " --no-machine").exit_code == 0);
}

TEST_CASE("A license whose bound hashes were edited is a bad signature with exit code 13, not a mismatch",
          "[hwid][tool][binding]") {
  const vendor v;
  fake::machine other;
  scenario::desktop(other);
  const std::string license = v.license_for("other", other.fs.root());
  // Swap in this machine's hashes: the binding would now match, but the signature no longer does.
  const auto here = tomllib_dump(v.license_for("here"));
  std::string text = read_file(license);
  const auto theirs = tomllib_dump(license);
  for (const char* cls : {"disk", "nic", "os"}) {
    const std::string from = dump_value(theirs, std::string("machine.") + cls);
    const std::string to = dump_value(here, std::string("machine.") + cls);
    if (from.size() == 32 && to.size() == 32) text.replace(text.find(from), 32, to);
  }
  write_file(license, text);
  CHECK(airlock_verify(v, license).exit_code == 13);
  CHECK(customer_verify(v, license).exit_code == 13);
}

TEST_CASE("A license still verifies here when one of three bound parts differs", "[hwid][tool][binding]") {
  const vendor v;
  const auto real = real_disk_nic_os(v.dir);
  if (real.empty()) {
    WARN("this machine lacks a disk, nic or os identifier: drift through the tools not checked");
    return;
  }
  fake::machine changed_nic;
  replica(changed_nic, real[0], "52:54:00:ab:cd:ef", real[2]);
  const std::string license = v.license_for("nic-changed", changed_nic.fs.root());
  const auto vendor_side = airlock_verify(v, license);
  CHECK(vendor_side.exit_code == 0);
  CHECK(vendor_side.out.find("nic changed") != std::string::npos);
  CHECK(vendor_side.out.find("(drift 1, 0 more change(s) tolerated)") != std::string::npos);
  CHECK(customer_verify(v, license).exit_code == 0);
}

TEST_CASE("A license fails here with exit code 19 when two of three bound parts differ", "[hwid][tool][binding]") {
  const vendor v;
  const auto real = real_disk_nic_os(v.dir);
  if (real.empty()) {
    WARN("this machine lacks a disk, nic or os identifier: drift through the tools not checked");
    return;
  }
  fake::machine changed;
  replica(changed, "OTHERDISK0001", "52:54:00:ab:cd:ef", real[2]);
  const std::string license = v.license_for("two-changed", changed.fs.root());
  CHECK(airlock_verify(v, license).exit_code == 19);
  CHECK(customer_verify(v, license).exit_code == 19);
}

TEST_CASE("show, request, issue and the verify report state a machine's binding strength in the same words",
          "[hwid][tool][binding][strength]") {
  const vendor v;
  SECTION("a VM whose only hardware proof is its disk: limited, and every tool says so") {
    fake::machine m;
    replica(m, "1816203954172243", "02:fc:00:00:00:01", "3d1219c7c4c5404aaa1f6d2a48adfda4");
    const auto show = run(hwid("show --root " + q(m.fs.root())));
    REQUIRE(show.exit_code == 0);
    const std::string summary =
        "limited: 4 component class(es), 1 proving hardware (disk); one part may change, "
        "but not the disk";
    CHECK(show.out.find("binding:     " + summary + "\n") != std::string::npos);
    // Verified here, the replica is another machine, but the report grades what the license recorded.
    const auto report = airlock_verify(v, v.license_for("limited", m.fs.root()));
    INFO(report.out);
    CHECK(report.out.find("strength:  airlock-match-v2, " + summary + "\n") != std::string::npos);
  }
  SECTION("a VM with nothing but a software-assigned MAC as hardware: none, refused by request and by issue") {
    fake::machine m;
    replica(m, "1816203954172243", "02:fc:00:00:00:01", "3d1219c7c4c5404aaa1f6d2a48adfda4");
    m.fs.remove("/sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda/serial");
    const std::string why = "nothing proves this hardware, so a copy of the system image would pass";
    const auto show = run(hwid("show --root " + q(m.fs.root())));
    CHECK(show.out.find("binding:     none: " + why + "\n") != std::string::npos);
    const std::string request = v.dir / "none.toml";
    const auto refused = run(hwid("request --product " + product + " --pubkey " + q(v.pub) + " --out " + q(request) +
                                  " --root " + q(m.fs.root())));
    CHECK(refused.exit_code == 7);
    CHECK(refused.err.find(why) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(request));
    // The same machine's request, written by hand: the vendor's tool refuses it for the same reason.
    fake::machine with_disk;
    replica(with_disk, "1816203954172243", "02:fc:00:00:00:01", "3d1219c7c4c5404aaa1f6d2a48adfda4");
    REQUIRE(run(hwid("request --product " + product + " --pubkey " + q(v.pub) + " --out " + q(request) + " --root " +
                     q(with_disk.fs.root())))
                .exit_code == 0);
    std::string text = read_file(request);
    const std::size_t disk = text.find("disk = [");
    REQUIRE(disk != std::string::npos);
    text.erase(disk, text.find('\n', disk) - disk + 1);
    write_file(request, text);
    const auto issued = run(q(tool("airlock")) + " issue --key " + q(v.key) + " --product " + product +
                            " --licensee T --request " + q(request) + " --out " + q(v.dir / "none.lic"));
    CHECK(issued.exit_code == 7);
    CHECK(issued.err.find(why) != std::string::npos);
    CHECK(issued.err.rfind("airlock: error: " + request + ": ", 0) == 0);
    CHECK(issued.err.find('\n') == issued.err.size() - 1);
  }
}
