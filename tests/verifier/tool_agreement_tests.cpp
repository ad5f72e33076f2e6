// SPDX-License-Identifier: MIT
// The vendor's `airlock verify` and the customer's `airlock-verify` give the
// same verdict, JSON, stderr line and exit code on a corpus of licenses.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/support.hpp"
#include "verifier_support.hpp"

using namespace airlock;
using namespace airlock::vtest;

namespace {

struct corpus_entry {
  std::string name;
  std::string extra_arguments;
  int expected_exit;
};

struct corpus {
  test::temp_dir dir;
  std::vector<corpus_entry> entries;

  std::string add(const std::string& name, const std::string& text, const std::string& extra, int expected) {
    test::write_file(dir / (name + ".lic"), text);
    entries.push_back({name, extra, expected});
    return dir / (name + ".lic");
  }
};

std::string first_replaced(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

// A license for this very machine, made the way a customer and vendor would:
// `airlock-hwid request` here, then `airlock issue --request`.
std::string bound_here(const corpus& c) {
  const std::string request = c.dir / "request.toml", out = c.dir / "here.lic";
  const auto requested = test::run(test::tool("airlock-hwid") + " request --product acme-studio --pubkey " +
                                   test::shell_quote(c.dir / "vendor.pub") + " --out " + test::shell_quote(request));
  REQUIRE(requested.exit_code == 0);
  const auto issued = test::run(test::tool("airlock") + " issue --key " + test::shell_quote(c.dir / "vendor.key") +
                                " --product acme-studio --licensee 'This Machine Ltd' --request " +
                                test::shell_quote(request) + " --issued 2026-01-10T12:00:00Z --not-before 2026-01-10" +
                                " --feature render --out " + test::shell_quote(out));
  INFO(issued.err);
  REQUIRE(issued.exit_code == 0);
  return test::read_file(out);
}

void fill(corpus& made) {
  test::write_file(made.dir / "vendor.pub", acme().key.public_pem());
  test::write_file(made.dir / "vendor.key", acme().key.private_pem_unencrypted());
  const std::string valid = sign(unbound_license());
  format::license lic = unbound_license();
  made.add("valid", valid, "", 0);
  lic.expires = day("2026-01-31");
  made.add("expired", sign(lic), "", 17);
  made.add("expired-in-grace", sign(lic), "--grace-days 7", 0);
  made.add("tampered", first_replaced(valid, "seats = 5", "seats = 6"), "", 13);
  const vendor stranger;
  made.add("unknown-key", sign(unbound_license(stranger), stranger), "", 12);
  lic = unbound_license();
  lic.product = "acme-other";
  made.add("wrong-product", sign(lic), "", 15);
  made.add("malformed", "this is not a license\n", "", 10);
  made.add("oversized", std::string(64 * 1024 + 1, '#'), "", 10);
  made.add("unsupported-version",
           sign_body(first_replaced(body_of(unbound_license()), "format = 1", "format = 7"), acme(), acme().key_id), "",
           11);
  lic = unbound_license();
  lic.key_id = stranger.key_id;
  made.add("key-id-mismatch", sign_body(body_of(lic), acme(), acme().key_id), "", 14);
  lic = unbound_license();
  lic.not_before = day("2026-03-01");
  made.add("not-yet-valid", sign(lic), "", 16);
  lic = unbound_license();
  lic.updates_until = day("2026-01-20");
  made.add("build-too-new", sign(lic), "--build-date 2026-01-25", 18);
  made.add("older-build", sign(lic), "--build-date 2026-01-15", 0);
  made.add("clock-rolled-back", valid, "--now 2026-01-05T00:00:00Z", 21);
  made.add("bound-here", bound_here(made), "", 0);
  made.add("bound-elsewhere", sign(license_bound_to(office_pc())), "", 19);
  made.add("bound-elsewhere-unchecked", sign(license_bound_to(office_pc())), "--no-machine", 0);
  made.entries.push_back({"missing-file", "", 3});
}

const corpus& the_corpus() {
  static corpus c;
  static const bool filled = (fill(c), true);
  (void)filled;
  return c;
}

test::run_result run_tool(const std::string& tool, const corpus& c, const corpus_entry& e, const std::string& mode) {
  std::string now = e.extra_arguments.find("--now") == std::string::npos ? " --now 2026-02-01T10:00:00Z" : "";
  return test::run(test::tool(tool) + (tool == "airlock" ? " verify " : " ") +
                   test::shell_quote(c.dir / (e.name + ".lic")) + " --pubkey " +
                   test::shell_quote(c.dir / "vendor.pub") + " --product acme-studio" + now + " " + e.extra_arguments +
                   mode);
}

// The stderr line names the tool first; everything after it must be identical.
std::string without_tool_name(const std::string& err, const std::string& tool) {
  if (err.empty()) return err;
  return err.rfind(tool + ": ", 0) == 0 ? err.substr(tool.size() + 2) : "(not from " + tool + ") " + err;
}

}  // namespace

TEST_CASE("Both verify tools give the same JSON verdict and the expected exit code on the corpus", "[verify][tools]") {
  const corpus& c = the_corpus();
  for (const corpus_entry& e : c.entries) {
    const auto vendor_side = run_tool("airlock", c, e, " --json");
    const auto customer_side = run_tool("airlock-verify", c, e, " --json");
    INFO(e.name << "\nairlock verify: " << vendor_side.out << vendor_side.err
                << "\nairlock-verify: " << customer_side.out << customer_side.err);
    CHECK(vendor_side.exit_code == e.expected_exit);
    CHECK(customer_side.exit_code == vendor_side.exit_code);
    CHECK(customer_side.out == vendor_side.out);
    CHECK(vendor_side.out.find("\"exit_code\": " + std::to_string(e.expected_exit) + ",") != std::string::npos);
  }
}

TEST_CASE("Both verify tools print the same report and stderr line on the corpus", "[verify][tools]") {
  const corpus& c = the_corpus();
  for (const corpus_entry& e : c.entries) {
    const auto vendor_side = run_tool("airlock", c, e, "");
    const auto customer_side = run_tool("airlock-verify", c, e, "");
    INFO(e.name);
    CHECK(customer_side.exit_code == vendor_side.exit_code);
    CHECK(customer_side.out == vendor_side.out);
    CHECK(without_tool_name(customer_side.err, "airlock-verify") == without_tool_name(vendor_side.err, "airlock"));
    CHECK((vendor_side.err.empty()) == (e.expected_exit == 0));
  }
}

TEST_CASE("A license bound to this machine through airlock-hwid request verifies in process", "[verify][tools][hwid]") {
  // The same license the tools accept, checked by the library on the real machine (no snapshot given).
  const corpus& c = the_corpus();
  verify_options options;
  options.product = "acme-studio";
  options.now = at("2026-02-01T10:00:00Z");
  const verify_result r = verify_license_file(c.dir / "bound-here.lic", acme().trust(), options);
  CHECK(r.why == reason::ok);
  CHECK(r.machine_checked);
  CHECK(r.has_feature("render"));
}
