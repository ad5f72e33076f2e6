// SPDX-License-Identifier: MIT
// `airlock-hwid` as a customer runs it: one static file, and requests that hold the documented keyed
// hashes and none of the raw identifiers, checked on this machine and on fake trees given with --root.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "hwid_tool_support.hpp"
#include "scenarios.hpp"

using namespace hwid_tool;

namespace {

const std::vector<std::string> request_keys = {"request.format",  "request.product", "request.key_id",
                                               "request.created", "request.tool",    "request.environment"};
const std::vector<std::string> machine_keys = {"machine.platform", "machine.disk",  "machine.nic",
                                               "machine.os",       "machine.board", "machine.evidence_only"};

std::string request_cmd(const std::string& product, const vendor_key& key, const std::string& out,
                        const std::string& extra = "") {
  return hwid("request --product " + q(product) + " --pubkey " + q(key.pub) + " --out " + q(out) + extra);
}

// The key part ("table.key") of each dump line that holds a value.
std::vector<std::string> keys_of(const std::vector<std::string>& dump) {
  std::vector<std::string> out;
  for (const auto& line : dump)
    if (line[0] != '[') out.push_back(line.substr(0, line.find('=')));
  return out;
}

// Fails on each spelling of each raw value found in text.
void check_no_raw_value(const std::string& text, const std::vector<std::string>& raw) {
  for (const auto& value : raw) {
    for (const auto& spelling : spellings(value)) {
      INFO("raw identifier: " << spelling);
      CHECK(text.find(spelling) == std::string::npos);
    }
  }
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST_CASE("airlock-hwid is one statically linked executable", "[hwid][tool]") {
#if AIRLOCK_TOOLS_STATIC
  const auto r = run("file " + q(tool("airlock-hwid")));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("statically linked") != std::string::npos);
  CHECK(run("ldd " + q(tool("airlock-hwid"))).out.find("libstdc++") == std::string::npos);
#else
  WARN("sanitizer build (AIRLOCK_SANITIZE=ON) links the tools dynamically: static linking not checked");
#endif
}

TEST_CASE("A request parses with tomllib and holds only the request and machine tables with documented keys",
          "[hwid][tool][request]") {
  temp_dir dir;
  const auto key = openssl_vendor_key(dir, "vendor");
  const auto r = run(request_cmd("acme-studio", key, dir / "request.toml", " --board"));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.empty());
  const auto dump = tomllib_dump(dir / "request.toml");
  CHECK(with_prefix(dump, "[") == std::vector<std::string>{"[request]", "[machine]"});
  CHECK(with_prefix(keys_of(dump), "request.") == request_keys);
  for (const auto& k : with_prefix(keys_of(dump), "machine.")) {
    INFO(k);
    CHECK(std::find(machine_keys.begin(), machine_keys.end(), k) != machine_keys.end());
  }
  CHECK(dump_value(dump, "machine.platform").size() == 32);
  for (const auto& line : with_prefix(dump, "machine."))
    for (const auto& h : split_commas(line.substr(line.find('=') + 1)))
      CHECK(hex32_tokens(h) == std::vector<std::string>{h});
}

TEST_CASE("A request names the product and the vendor key id it was made for", "[hwid][tool][request]") {
  temp_dir dir;
  const auto key = openssl_vendor_key(dir, "vendor");
  REQUIRE(run(request_cmd("Acme Studio \"Pro\" \xc3\xa9", key, dir / "request.toml")).exit_code == 0);
  const auto dump = tomllib_dump(dir / "request.toml");
  CHECK(dump_value(dump, "request.format") == "1");
  CHECK(dump_value(dump, "request.product") == "Acme Studio \"Pro\" \xc3\xa9");
  CHECK(dump_value(dump, "request.key_id") == key.key_id);
  CHECK(dump_value(dump, "request.tool").rfind("airlock-hwid ", 0) == 0);
  const std::string env = dump_value(dump, "request.environment");
  CHECK((env == "bare-metal" || env == "vm" || env == "container" || env == "unknown"));
}

TEST_CASE("A request of this machine contains none of the raw identifiers the tool reads here",
          "[hwid][tool][request][privacy]") {
  temp_dir dir;
  const auto key = openssl_vendor_key(dir, "vendor");
  const auto show = run(hwid("show --explain --json --board"));
  REQUIRE(show.exit_code == 0);
  std::vector<std::string> raw;
  for (const auto& [cls, value] : raw_values(dir, show.out)) raw.push_back(value);
  REQUIRE_FALSE(raw.empty());
  REQUIRE(run(request_cmd("acme-studio", key, dir / "request.toml", " --board")).exit_code == 0);
  check_no_raw_value(read_file(dir / "request.toml"), raw);
}

TEST_CASE("A request of a fake machine contains none of its serials, MACs, UUIDs or machine-id",
          "[hwid][tool][request][privacy]") {
  temp_dir dir;
  const auto key = openssl_vendor_key(dir, "vendor");
  fake::machine m;
  scenario::desktop(m);
  const std::string root = " --root " + q(m.fs.root());
  const auto show = run(hwid("show --explain --json --board" + root));
  REQUIRE(show.exit_code == 0);
  const auto reported = raw_values(dir, show.out);
  CHECK(of_class(reported, "disk") == std::vector<std::string>{scenario::desktop_nvme_serial});
  CHECK(of_class(reported, "os") == std::vector<std::string>{scenario::desktop_machine_id});
  CHECK(of_class(reported, "board").size() == 2);
  std::vector<std::string> raw = {scenario::desktop_nvme_serial, "eui.0025388b91c2a1f4",
                                  scenario::desktop_eno1,        scenario::desktop_wifi,
                                  scenario::desktop_machine_id,  "4C4C4544-0042-3510-8052-B4C04F333432",
                                  "7B2KXN2/CNFCW0099S01DW"};
  for (const auto& [cls, value] : reported)
    if (cls != "platform") raw.push_back(value);
  REQUIRE(run(request_cmd("acme-studio", key, dir / "request.toml", " --board" + root)).exit_code == 0);
  check_no_raw_value(read_file(dir / "request.toml"), raw);
}

TEST_CASE("A request of a fake machine holds the documented keyed hash of each value read from the tree",
          "[hwid][tool][request]") {
  temp_dir dir;
  const auto key = openssl_vendor_key(dir, "vendor");
  fake::machine m;
  scenario::desktop(m);
  const std::string root = " --board --root " + q(m.fs.root());
  const auto show = run(hwid("show --explain --json" + root));
  REQUIRE(show.exit_code == 0);
  const auto reported = raw_values(dir, show.out);
  REQUIRE(run(request_cmd("acme-studio", key, dir / "request.toml", root)).exit_code == 0);
  const auto dump = tomllib_dump(dir / "request.toml");
  for (const char* cls : {"platform", "disk", "nic", "os", "board"}) {
    std::vector<std::string> expected;
    for (const auto& value : of_class(reported, cls))
      expected.push_back(python_component_hash(key.key_id, "acme-studio", cls, value));
    INFO(cls);
    CHECK(sorted(split_commas(dump_value(dump, std::string("machine.") + cls))) == sorted(expected));
  }
}

TEST_CASE("With a fake root the nic class is the tree's own MAC, not one of this machine's cards",
          "[hwid][tool][request]") {
  temp_dir dir;
  const auto key = openssl_vendor_key(dir, "vendor");
  fake::machine m;
  // Named like the usual real interface, so a real ethtool ioctl would answer for it.
  m.nic("eth0", "/sys/devices/pci0000:00/0000:00:03.0/virtio2", "virtio", "52:54:00:ab:cd:ef", 0);
  const auto show = run(hwid("show --explain --json --root " + q(m.fs.root())));
  REQUIRE(show.exit_code == 0);
  CHECK(of_class(raw_values(dir, show.out), "nic") == std::vector<std::string>{"52:54:00:ab:cd:ef"});
  const auto hashed = run(hwid("show --product p --pubkey " + q(key.pub) + " --root " + q(m.fs.root())));
  CHECK(hashed.out.find("nic:      1 value(s) " + python_component_hash(key.key_id, "p", "nic", "52:54:00:ab:cd:ef")) !=
        std::string::npos);
}

TEST_CASE("The hashes of a fake machine differ for another product and for another vendor key",
          "[hwid][tool][request][privacy]") {
  temp_dir dir;
  const auto key = openssl_vendor_key(dir, "vendor"), other_key = openssl_vendor_key(dir, "other");
  fake::machine m;
  scenario::desktop(m);
  const std::string root = " --board --root " + q(m.fs.root());
  REQUIRE(run(request_cmd("acme-studio", key, dir / "a.toml", root)).exit_code == 0);
  REQUIRE(run(request_cmd("acme-cad", key, dir / "b.toml", root)).exit_code == 0);
  REQUIRE(run(request_cmd("acme-studio", other_key, dir / "c.toml", root)).exit_code == 0);
  std::vector<std::string> all;
  for (const char* file : {"a.toml", "b.toml", "c.toml"}) {
    const auto hashes = hex32_tokens(read_file(dir / file));
    CHECK(hashes.size() == 6);  // platform, disk, nic, os and two board values
    all.insert(all.end(), hashes.begin(), hashes.end());
  }
  std::sort(all.begin(), all.end());
  CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());
}

TEST_CASE("This machine gives the same request machine table twice", "[hwid][tool][real]") {
  temp_dir dir;
  const auto key = openssl_vendor_key(dir, "vendor");
  REQUIRE(run(request_cmd("acme-studio", key, dir / "first.toml")).exit_code == 0);
  REQUIRE(run(request_cmd("acme-studio", key, dir / "second.toml")).exit_code == 0);
  const auto first = with_prefix(tomllib_dump(dir / "first.toml"), "machine.");
  CHECK_FALSE(first.empty());
  CHECK(first == with_prefix(tomllib_dump(dir / "second.toml"), "machine."));
}

TEST_CASE("A machine with more than 16 network cards gets a request with 16 of their hashes, the same each time",
          "[hwid][tool][request]") {
  temp_dir dir;
  const auto key = openssl_vendor_key(dir, "vendor");
  fake::machine m;
  scenario::desktop(m);
  for (int port = 0; port < 20; ++port) {
    const std::string hex = (port < 16 ? "0" : "1") + std::string(1, "0123456789abcdef"[port % 16]);
    m.nic("enp5s0f" + std::to_string(port), "/sys/devices/pci0000:00/0000:00:1c.0/0000:05:00." + std::to_string(port),
          "pci", "3c:ec:ef:99:00:" + hex, 0);
  }
  const std::string args = " --product acme-studio --pubkey " + q(key.pub) + " --root " + q(m.fs.root());
  const auto show = run(hwid("show" + args));
  REQUIRE(show.exit_code == 0);
  std::vector<std::string> all;
  for (const auto& line : lines_of(show.out))
    if (line.rfind("nic:", 0) == 0) all = hex32_tokens(line);
  REQUIRE(all.size() == 21);  // eno1 and the 20 ports
  const auto first = run(hwid("request" + args + " --out " + q(dir / "first.toml")));
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  REQUIRE(run(hwid("request" + args + " --out " + q(dir / "second.toml"))).exit_code == 0);
  const auto recorded = split_commas(dump_value(tomllib_dump(dir / "first.toml"), "machine.nic"));
  CHECK(recorded.size() == 16);
  for (const auto& h : recorded) CHECK(std::find(all.begin(), all.end(), h) != all.end());
  CHECK(recorded == split_commas(dump_value(tomllib_dump(dir / "second.toml"), "machine.nic")));
}

TEST_CASE("A re-host request names the license it replaces and hashes with that license's product and key",
          "[hwid][tool][request][rehost]") {
  temp_dir dir;
  const std::string license = std::string(AIRLOCK_SOURCE_DIR) + "/formats/vectors/license_bound.toml";
  fake::machine m;
  scenario::desktop(m);
  const std::string root = " --board --root " + q(m.fs.root());
  REQUIRE(run(hwid("request --rehost " + q(license) + " --out " + q(dir / "rehost.toml") + root)).exit_code == 0);
  const auto dump = tomllib_dump(dir / "rehost.toml");
  CHECK(dump_value(dump, "request.replaces") == "7f3a9c2e4b1d4e8fa0c6d2b5e9f81a37");
  CHECK(dump_value(dump, "request.product") == "acme-studio");
  CHECK(dump_value(dump, "request.key_id") == "55946e28fb11b7ee");
  CHECK(split_commas(dump_value(dump, "machine.disk")) ==
        std::vector<std::string>{
            python_component_hash("55946e28fb11b7ee", "acme-studio", "disk", scenario::desktop_nvme_serial)});
}

TEST_CASE("A re-host request refuses what is not a license and a product or key given as well",
          "[hwid][tool][request][rehost]") {
  temp_dir dir;
  const std::string out = dir / "rehost.toml";
  int expected_exit = 0;
  std::string command, expected_text;
  SECTION("a file that is not a license") {
    write_file(dir / "notes.toml", "[license]\nformat = \"one\"\n");
    command = "request --rehost " + q(dir / "notes.toml") + " --out " + q(out);
    expected_exit = 7;
    expected_text = "notes.toml: not a license file";
  }
  SECTION("--product with --rehost") {
    command = "request --rehost " + q(std::string(AIRLOCK_SOURCE_DIR) + "/formats/vectors/license_bound.toml") +
              " --product acme-studio --out " + q(out);
    expected_exit = 2;
    expected_text = "--rehost takes product and key from the license";
  }
  const auto r = run(hwid(command));
  CHECK(r.exit_code == expected_exit);
  CHECK(one_error_line(r.err));
  CHECK(r.err.find(expected_text) != std::string::npos);
  CHECK_FALSE(airlock::test::exists(out));
}
