// SPDX-License-Identifier: MIT
// One test per reason a license check can give, with an injected clock and machine.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <string>

#include "support/support.hpp"
#include "verifier_support.hpp"

using namespace airlock;
using namespace airlock::format;
using namespace airlock::vtest;

namespace {

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  return text.replace(pos, from.size(), to);
}

}  // namespace

TEST_CASE("A valid unbound license is ok and carries its fields", "[verify]") {
  const verify_result r = check(sign(unbound_license()), options_at(february));
  CHECK(r.why == reason::ok);
  CHECK(r.ok());
  CHECK(r.signature_valid);
  CHECK(r.license == unbound_license());
  CHECK(r.message == "valid license test-0001 for Example Corp");
  CHECK(r.warnings.empty());
  CHECK_FALSE(r.machine_checked);
}

TEST_CASE("A license bound to this machine is ok with every recorded class matched", "[verify]") {
  const verify_result r = check(sign(license_bound_to(office_pc())), options_at(february));
  REQUIRE(r.why == reason::ok);
  REQUIRE(r.machine_checked);
  CHECK(r.binding.ok);
  CHECK(r.binding.drift == 0);
  REQUIRE(r.binding.classes.size() == 4);
  for (const class_result& c : r.binding.classes) CHECK(c.outcome == class_outcome::matched);
  CHECK(r.warnings.empty());
}

TEST_CASE("A license file that does not exist is unreadable", "[verify]") {
  test::temp_dir dir;
  const verify_result r = verify_license_file(dir / "missing.lic", acme().trust(), options_at(february));
  CHECK(r.why == reason::unreadable);
  CHECK(r.message.find("missing.lic") != std::string::npos);
  CHECK_FALSE(r.signature_valid);
}

TEST_CASE("A folder given as the license file is unreadable", "[verify]") {
  test::temp_dir dir;
  const verify_result r = verify_license_file(dir.path(), acme().trust(), options_at(february));
  CHECK(r.why == reason::unreadable);
}

TEST_CASE("A FIFO or device given as the license file is unreadable at once", "[verify]") {
  test::temp_dir dir;
  std::string path = dir / "license.lic";
  SECTION("a FIFO with no writer") { REQUIRE(::mkfifo(path.c_str(), 0600) == 0); }
  SECTION("a character device") { path = "/dev/zero"; }
  const test::fifo_unblocker unblock(path);
  const verify_result r = verify_license_file(path, acme().trust(), options_at(february));
  CHECK(r.why == reason::unreadable);
  CHECK(r.message == path + ": not a regular file, so not read as a license");
}

TEST_CASE("A license file read from disk verifies like its text", "[verify]") {
  test::temp_dir dir;
  test::write_file(dir / "license.lic", sign(unbound_license()));
  const verify_result r = verify_license_file(dir / "license.lic", acme().trust(), options_at(february));
  CHECK(r.why == reason::ok);
  CHECK(r.license == unbound_license());
}

TEST_CASE("A file without a signature table is malformed at the end of the file", "[verify]") {
  const std::string body = body_of(unbound_license());
  const verify_result r = check(body, options_at(february));
  CHECK(r.why == reason::malformed);
  CHECK(r.line == 18);  // the body has 17 lines
  CHECK(r.column == 1);
  CHECK(r.message.rfind("line 18, column 1: ", 0) == 0);
}

TEST_CASE("A signature table with an extra line is malformed at that line", "[verify]") {
  const verify_result r = check(sign(unbound_license()) + "comment = \"x\"\n", options_at(february));
  CHECK(r.why == reason::malformed);
  CHECK(r.line == 22);  // [signature] is line 18, then three lines
  CHECK(r.column == 1);
}

TEST_CASE("A signed body outside the canonical subset is malformed with line and column", "[verify]") {
  // Line 7 is the licensee; the second space after '=' is at column 12.
  const std::string body = replaced(body_of(unbound_license()), "licensee = \"", "licensee =  \"");
  const verify_result r = check(sign_body(body, acme(), acme().key_id), options_at(february));
  CHECK(r.why == reason::malformed);
  CHECK(r.line == 7);
  CHECK(r.column == 12);
  CHECK(r.message.rfind("line 7, column 12: ", 0) == 0);
  CHECK_FALSE(r.signature_valid);
  CHECK_FALSE(r.has_feature("render"));
}

TEST_CASE("A license of format 2 is unsupported_version at the format line", "[verify]") {
  const std::string body = replaced(body_of(unbound_license()), "format = 1\n", "format = 2\n");
  const verify_result r = check(sign_body(body, acme(), acme().key_id), options_at(february));
  CHECK(r.why == reason::unsupported_version);
  CHECK(r.line == 3);
  CHECK(r.column == 10);
}

TEST_CASE("A format 2 license is reported as unsupported_version even when its signature is foreign", "[verify]") {
  // A newer format may sign differently: the version is named before the signature is judged.
  const vendor other;
  const std::string body = replaced(body_of(unbound_license()), "format = 1\n", "format = 2\n");
  CHECK(check(sign_body(body, other, other.key_id), options_at(february)).why == reason::unsupported_version);
}

TEST_CASE("A signature algorithm other than ed25519 is unsupported_version", "[verify]") {
  const std::string text = replaced(sign(unbound_license()), "algorithm = \"ed25519\"", "algorithm = \"ed448\"");
  const verify_result r = check(text, options_at(february));
  CHECK(r.why == reason::unsupported_version);
  CHECK(r.line == 19);
}

TEST_CASE("A license signed by an untrusted key is rejected as unknown_key", "[verify]") {
  const vendor stranger;
  const verify_result r = check(sign(unbound_license(stranger), stranger), options_at(february));
  CHECK(r.why == reason::unknown_key);
  CHECK(r.message.find(stranger.key_id) != std::string::npos);
  CHECK_FALSE(r.signature_valid);
}

TEST_CASE("A license edited after signing is rejected as bad_signature", "[verify]") {
  const std::string text = replaced(sign(unbound_license()), "seats = 5", "seats = 9");
  const verify_result r = check(text, options_at(february));
  CHECK(r.why == reason::bad_signature);
  CHECK_FALSE(r.signature_valid);
  CHECK_FALSE(r.limit("seats"));
}

TEST_CASE("A signature under a trusted key id but made by another key is bad_signature", "[verify]") {
  const vendor forger;
  const format::license lic = unbound_license();  // names acme's key id
  const verify_result r = check(sign_body(body_of(lic), forger, acme().key_id), options_at(february));
  CHECK(r.why == reason::bad_signature);
}

TEST_CASE("A body naming another key id than its signature is key_id_mismatch", "[verify]") {
  const vendor other;
  format::license lic = unbound_license();
  lic.key_id = other.key_id;  // the body names `other`, the signature block and the signer are acme
  const verify_result r = check(sign_body(body_of(lic), acme(), acme().key_id), options_at(february));
  CHECK(r.why == reason::key_id_mismatch);
  CHECK(r.message.find(other.key_id) != std::string::npos);
  CHECK(r.message.find(acme().key_id) != std::string::npos);
  CHECK_FALSE(r.has_feature("render"));
}

TEST_CASE("A license for another product is wrong_product", "[verify]") {
  verify_options options = options_at(february);
  options.product = "acme-studio-pro";
  const verify_result r = check(sign(unbound_license()), options);
  CHECK(r.why == reason::wrong_product);
  CHECK(r.message == "the license is for 'acme-studio', not 'acme-studio-pro'");
}

TEST_CASE("A product name differing only in case is wrong_product", "[verify]") {
  verify_options options = options_at(february);
  options.product = "Acme-Studio";
  CHECK(check(sign(unbound_license()), options).why == reason::wrong_product);
}

TEST_CASE("A clock earlier than issued beyond the tolerance is clock_rolled_back", "[verify][clock]") {
  format::license lic = unbound_license();
  lic.not_before = day("2026-01-01");
  const std::int64_t issued = lic.issued.seconds;
  const std::string text = sign(lic);
  CHECK(check(text, options_at(issued - 24 * 3600 - 1)).why == reason::clock_rolled_back);
  CHECK(check(text, options_at(issued - 24 * 3600)).why == reason::ok);
  verify_options strict = options_at(issued - 60);
  strict.clock_tolerance_seconds = 0;
  CHECK(check(text, strict).why == reason::clock_rolled_back);
}

TEST_CASE("A license before its first valid day is not_yet_valid", "[verify]") {
  format::license lic = unbound_license();
  lic.not_before = day("2026-03-01");
  const std::string text = sign(lic);
  const verify_result r = check(text, options_at(at("2026-02-28T23:59:59Z")));
  CHECK(r.why == reason::not_yet_valid);
  CHECK(r.message == "the license is valid from 2026-03-01");
  CHECK_FALSE(r.has_feature("render"));
  CHECK(check(text, options_at(at("2026-03-01T00:00:00Z"))).why == reason::ok);
}

TEST_CASE("A license is valid through the whole of its expiry day and expired the next", "[verify]") {
  format::license lic = unbound_license();
  lic.expires = day("2026-06-30");
  const std::string text = sign(lic);
  CHECK(check(text, options_at(at("2026-06-30T23:59:59Z"))).why == reason::ok);
  const verify_result r = check(text, options_at(at("2026-07-01T00:00:00Z")));
  CHECK(r.why == reason::expired);
  CHECK(r.message == "the license expired on 2026-06-30");
  CHECK(r.signature_valid);
  CHECK_FALSE(r.has_feature("render"));
}

TEST_CASE("A build released after updates_until is build_too_new", "[verify]") {
  format::license lic = unbound_license();
  lic.updates_until = day("2026-06-30");
  const std::string text = sign(lic);
  verify_options options = options_at(february);
  options.build_date = day("2026-07-01");
  const verify_result r = check(text, options);
  CHECK(r.why == reason::build_too_new);
  CHECK(r.message.find("2026-07-01") != std::string::npos);
  options.build_date = day("2026-06-30");
  CHECK(check(text, options).why == reason::ok);
}

TEST_CASE("A container without allow_container is an unbindable_environment", "[verify][hwid]") {
  hwid::machine_snapshot container = office_pc();
  container.environment = format::runtime_environment::container;
  const verify_result r = check(sign(license_bound_to(office_pc())), options_at(february, container));
  CHECK(r.why == reason::unbindable_environment);
  CHECK_FALSE(r.machine_checked);
}

TEST_CASE("A container with allow_container binds to the host hardware it sees", "[verify][hwid]") {
  hwid::machine_snapshot container = office_pc();
  container.environment = format::runtime_environment::container;
  format::license lic = license_bound_to(container);
  lic.machine.allow_container = true;
  const verify_result r = check(sign(lic), options_at(february, container));
  CHECK(r.why == reason::ok);
  CHECK(r.machine_checked);
}

TEST_CASE("A container with allow_container but no host hardware visible is unbindable", "[verify][hwid]") {
  hwid::machine_snapshot container = office_pc();
  format::license lic = license_bound_to(container);
  lic.machine.allow_container = true;
  container.environment = format::runtime_environment::container;
  container.disk = {{}, "no block devices", {}};
  container.nic = {{}, "no physical interfaces", {}};
  container.host_hardware_visible = false;
  CHECK(check(sign(lic), options_at(february, container)).why == reason::unbindable_environment);
}

TEST_CASE("A license bound to another machine is machine_mismatch with a binding report", "[verify][hwid]") {
  hwid::machine_snapshot elsewhere = office_pc();
  elsewhere.disk.values = {"nvme:WD Blue SN570:22123A456789"};
  elsewhere.nic.values = {"00:1a:2b:3c:4d:5e"};
  elsewhere.os.values = {"0123456789abcdef0123456789abcdef"};
  const verify_result r = check(sign(license_bound_to(office_pc())), options_at(february, elsewhere));
  CHECK(r.why == reason::machine_mismatch);
  CHECK(r.machine_checked);
  CHECK_FALSE(r.binding.ok);
  CHECK(r.binding.drift == 3);
  CHECK(r.message.rfind("bound to another machine: ", 0) == 0);
  CHECK_FALSE(r.has_feature("render"));
}

TEST_CASE("The checks run in order so the lowest failing one is reported", "[verify]") {
  // Expired, wrong product and for another machine: the product is checked first.
  format::license lic = license_bound_to(office_pc());
  lic.expires = day("2026-01-31");
  hwid::machine_snapshot elsewhere = office_pc();
  elsewhere.platform.values = {"aarch64 Apple M2"};
  verify_options options = options_at(february, elsewhere);
  options.product = "other";
  CHECK(check(sign(lic), options).why == reason::wrong_product);
  options.product = std::string(product);
  CHECK(check(sign(lic), options).why == reason::expired);
  options.now = at("2026-01-20T00:00:00Z");
  CHECK(check(sign(lic), options).why == reason::machine_mismatch);
}
