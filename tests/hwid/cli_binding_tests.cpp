// SPDX-License-Identifier: MIT
// Machine binding through the tools: airlock keygen -> airlock-hwid request -> airlock issue --request
// -> airlock verify and airlock-verify on this machine, with requests from this machine and from fake trees.
#include <catch2/catch.hpp>

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
