// SPDX-License-Identifier: MIT
// `airlock-hwid show` output, and the exit codes and one-line errors of both commands.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "hwid_tool_support.hpp"
#include "scenarios.hpp"

using namespace hwid_tool;
using airlock::test::count_entries;
using airlock::test::exists;

namespace {

bool valid_json(const temp_dir& dir, const std::string& text) {
  write_file(dir / "out.json", text);
  return run("python3 -c 'import json, sys; json.load(open(sys.argv[1]))' " + q(dir / "out.json")).exit_code == 0;
}

// The hashes `show` prints on the line of one class ("disk:     1 value(s) <hash>...").
std::vector<std::string> shown_hashes(const std::string& out, const std::string& cls) {
  for (const auto& line : lines_of(out))
    if (line.rfind(cls + ":", 0) == 0) return hex32_tokens(line);
  return {};
}

// A Docker container on a bridge network whose sysfs shows no host disk: nothing to bind to.
void container_without_host_hardware(fake::machine& m) {
  m.fs.file("/proc/self/mountinfo", "612 540 0:52 / / rw,relatime - overlay overlay rw,lowerdir=/l/A\n");
  m.nic("eth0", "", "", "02:42:ac:11:00:02", 3);
  m.nic("lo", "", "", "00:00:00:00:00:00", 0, 772);
  m.fs.file("/.dockerenv", "");
  m.machine_id("0123456789abcdef0123456789abcdef");
}

}  // namespace

TEST_CASE("show without a product and key prints the classes found and no hashes", "[hwid][tool][show]") {
  temp_dir dir;
  const auto r = run(hwid("show"));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("environment: ") == 0);
  CHECK(r.out.find("\nplatform: 1 value(s)\n") != std::string::npos);
  CHECK(hex32_tokens(r.out).empty());
  const auto json = run(hwid("show --json"));
  REQUIRE(json.exit_code == 0);
  CHECK(json.out.find("\"hashes\"") == std::string::npos);
  CHECK(hex32_tokens(json.out).empty());
}

TEST_CASE("show with a product and vendor key prints the hashes a request with the same arguments holds",
          "[hwid][tool][show]") {
  temp_dir dir;
  const auto key = openssl_vendor_key(dir, "vendor");
  const std::string args = " --product acme-studio --pubkey " + q(key.pub);
  const auto show = run(hwid("show" + args));
  REQUIRE(show.exit_code == 0);
  REQUIRE(run(hwid("request" + args + " --out " + q(dir / "request.toml"))).exit_code == 0);
  const auto dump = tomllib_dump(dir / "request.toml");
  CHECK(shown_hashes(show.out, "platform").size() == 1);
  for (const char* cls : {"platform", "disk", "nic", "os", "board"}) {
    INFO(cls);
    CHECK(shown_hashes(show.out, cls) == split_commas(dump_value(dump, std::string("machine.") + cls)));
  }
}

TEST_CASE("show --json is valid JSON with or without hashes and raw values", "[hwid][tool][show]") {
  temp_dir dir;
  const auto key = openssl_vendor_key(dir, "vendor");
  for (const auto& args :
       {std::string(), std::string(" --explain --board"), " --explain --product p --pubkey " + q(key.pub)}) {
    const auto r = run(hwid("show --json" + args));
    INFO(args);
    REQUIRE(r.exit_code == 0);
    CHECK(valid_json(dir, r.out));
  }
}

TEST_CASE("show --json stays valid JSON when machine files hold quotes and backslashes", "[hwid][tool][show]") {
  temp_dir dir;
  fake::machine m;
  scenario::desktop(m);
  m.fs.file("/sys/devices/virtual/dmi/id/sys_vendor", "QEMU \"quoted\" back\\slash\n");
  m.fs.file("/run/systemd/container", "pod\"man\\\n");
  const auto r = run(hwid("show --json --explain --board --root " + q(m.fs.root())));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("back\\\\slash") != std::string::npos);
  CHECK(valid_json(dir, r.out));
}

TEST_CASE("A request without --out, --product or --pubkey is a usage error with exit code 2", "[hwid][tool][errors]") {
  temp_dir dir;
  const auto key = openssl_vendor_key(dir, "vendor");
  const std::string out = " --out " + q(dir / "r.toml"), product = " --product p", pub = " --pubkey " + q(key.pub);
  for (const auto& args : {product + pub, pub + out, product + out, std::string(" --product")}) {
    const auto r = run(hwid("request" + args));
    INFO(args);
    CHECK(r.exit_code == 2);
    CHECK(one_error_line(r.err));
    CHECK(r.out.empty());
  }
  CHECK(count_entries(dir.path()) == 2);  // the key pair only
}

TEST_CASE("Unknown commands and options and a product without a key are usage errors", "[hwid][tool][errors]") {
  for (const char* args : {"", "frobnicate", "show --no-such-option", "show --product p", "--json show"}) {
    const auto r = run(hwid(args));
    INFO(args);
    CHECK(r.exit_code == 2);
    CHECK(one_error_line(r.err));
  }
  const auto help = run(hwid("--help"));
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("exit status:") != std::string::npos);
}

TEST_CASE("An unreadable vendor key fails with exit code 3 naming the file", "[hwid][tool][errors]") {
  temp_dir dir;
  for (const auto& path : {dir / "missing.pub", dir.path()}) {
    const auto r = run(hwid("request --product p --pubkey " + q(path) + " --out " + q(dir / "r.toml")));
    INFO(path);
    CHECK(r.exit_code == 3);
    CHECK(one_error_line(r.err));
    CHECK(r.err.find(path) != std::string::npos);
    CHECK_FALSE(exists(dir / "r.toml"));
    CHECK(run(hwid("show --product p --pubkey " + q(path))).exit_code == 3);
  }
}

TEST_CASE("A vendor key that is not an Ed25519 public key fails with exit code 5", "[hwid][tool][errors]") {
  temp_dir dir;
  write_file(dir / "garbage.pub", "not a key at all\n");
  REQUIRE(run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + q(dir / "ec.key") +
              " && openssl pkey -in " + q(dir / "ec.key") + " -pubout -out " + q(dir / "ec.pub") +
              " && openssl genpkey -algorithm x25519 -out " + q(dir / "x.key") + " && openssl pkey -in " +
              q(dir / "x.key") + " -pubout -out " + q(dir / "x25519.pub") +
              " && openssl genpkey -algorithm ed25519 -out " + q(dir / "ed.key"))
              .exit_code == 0);
  // X25519's SubjectPublicKeyInfo has the same length as Ed25519's and differs only in the OID.
  for (const char* name : {"garbage.pub", "ec.pub", "x25519.pub", "ed.key"}) {
    const auto r = run(hwid("request --product p --pubkey " + q(dir / name) + " --out " + q(dir / "r.toml")));
    INFO(name);
    CHECK(r.exit_code == 5);
    CHECK(one_error_line(r.err));
    CHECK(r.err.find(name) != std::string::npos);
    CHECK_FALSE(exists(dir / "r.toml"));
    CHECK(run(hwid("show --product p --pubkey " + q(dir / name))).exit_code == 5);
  }
}

TEST_CASE("request refuses to replace an existing file with exit code 4 and leaves it untouched",
          "[hwid][tool][errors]") {
  temp_dir dir;
  const auto key = openssl_vendor_key(dir, "vendor");
  write_file(dir / "r.toml", "keep me");
  const auto r = run(hwid("request --product p --pubkey " + q(key.pub) + " --out " + q(dir / "r.toml")));
  CHECK(r.exit_code == 4);
  CHECK(one_error_line(r.err));
  CHECK(r.err.find(dir / "r.toml") != std::string::npos);
  CHECK(read_file(dir / "r.toml") == "keep me");
  CHECK(count_entries(dir.path()) == 3);  // no temporary file left behind
}

TEST_CASE("request --force replaces an existing file with the request", "[hwid][tool]") {
  temp_dir dir;
  const auto key = openssl_vendor_key(dir, "vendor");
  write_file(dir / "r.toml", "old");
  const auto r = run(hwid("request --force --product p --pubkey " + q(key.pub) + " --out " + q(dir / "r.toml")));
  CHECK(r.exit_code == 0);
  CHECK(read_file(dir / "r.toml").rfind("# Airlock activation request", 0) == 0);
  CHECK(dump_value(tomllib_dump(dir / "r.toml"), "request.product") == "p");
}

TEST_CASE("request --force never writes over its vendor key or over a private key", "[hwid][tool][errors]") {
  temp_dir dir;
  const auto key = openssl_vendor_key(dir, "vendor");
  const std::string private_key = dir / "vendor.key";
  const std::string pub_before = read_file(key.pub), private_before = read_file(private_key);
  for (const auto& [out, problem] : {std::pair{key.pub, "is also this command's input"},
                                     std::pair{private_key, "holds a private key; --force never replaces a key"}}) {
    const auto r = run(hwid("request --force --product p --pubkey " + q(key.pub) + " --out " + q(out)));
    INFO(r.err);
    CHECK(r.exit_code == 4);
    CHECK(one_error_line(r.err));
    CHECK(r.err.find(problem) != std::string::npos);
  }
  CHECK(read_file(key.pub) == pub_before);
  CHECK(read_file(private_key) == private_before);
  CHECK(count_entries(dir.path()) == 2);
}

TEST_CASE("request --out followed by an option is a usage error that creates nothing", "[hwid][tool][errors]") {
  temp_dir dir;
  const auto key = openssl_vendor_key(dir, "vendor");
  const auto r =
      run("cd " + q(dir.path()) + " && " + hwid("request --product p --pubkey " + q(key.pub) + " --out --force"));
  CHECK(r.exit_code == 2);
  CHECK(one_error_line(r.err));
  CHECK(r.err.find("'--force' of --out looks like an option") != std::string::npos);
  CHECK(count_entries(dir.path()) == 2);
}

TEST_CASE("A container without visible host hardware gets exit code 7 and no request file", "[hwid][tool][errors]") {
  temp_dir dir;
  const auto key = openssl_vendor_key(dir, "vendor");
  fake::machine m;
  container_without_host_hardware(m);
  const std::string root = " --root " + q(m.fs.root());
  CHECK(run(hwid("show" + root)).out.find("binding:     none: a container") != std::string::npos);
  const auto r = run(hwid("request --product p --pubkey " + q(key.pub) + " --out " + q(dir / "r.toml") + root));
  CHECK(r.exit_code == 7);
  CHECK(one_error_line(r.err));
  CHECK(r.err.find("cannot be bound") != std::string::npos);
  CHECK_FALSE(exists(dir / "r.toml"));
  CHECK(count_entries(dir.path()) == 2);
}

TEST_CASE("A machine whose only identifiers are the CPU and machine-id gets exit code 7", "[hwid][tool][errors]") {
  temp_dir dir;
  const auto key = openssl_vendor_key(dir, "vendor");
  fake::machine m;
  m.machine_id("0123456789abcdef0123456789abcdef");
  const auto r = run(
      hwid("request --product p --pubkey " + q(key.pub) + " --out " + q(dir / "r.toml") + " --root " + q(m.fs.root())));
  CHECK(r.exit_code == 7);
  CHECK(one_error_line(r.err));
  CHECK_FALSE(exists(dir / "r.toml"));
}

TEST_CASE("show fails with exit code 4 when its output cannot be written", "[hwid][tool][errors]") {
  for (const char* args : {"show", "show --json"}) {
    const auto r = run(hwid(args) + " >/dev/full");
    INFO(args);
    CHECK(r.exit_code == 4);
    CHECK(one_error_line(r.err));
  }
}

TEST_CASE("show names --board as the way to read the board class", "[hwid][tool][show]") {
  const auto r = run(hwid("show"));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("\nboard:    not found (not read without --board)\n") != std::string::npos);
}
