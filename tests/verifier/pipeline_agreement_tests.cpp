// SPDX-License-Identifier: MIT
// One pipeline, one verdict: every license of the conformance manifest that fails while being read
// (FORMAT.md 3.2 steps 1-9) gets the manifest's reason, as an exit code, from every tool that reads
// licenses: `airlock verify` (with and without --product), `airlock-verify`, `airlock inspect`
// with and without --pubkey.
#include <toml++/toml.h>

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "support/support.hpp"

namespace {

const std::string vectors = std::string(AIRLOCK_SOURCE_DIR) + "/formats/vectors/";

const std::map<std::string, int> reading_exit_codes = {{"malformed", 10},       {"unsupported_version", 11},
                                                       {"unknown_key", 12},     {"bad_signature", 13},
                                                       {"key_id_mismatch", 14}, {"ok", 0}};

int exit_of(const std::string& command) { return airlock::test::run(command).exit_code; }

struct reading_case {
  std::string file;     // shell-quoted path
  std::string product;  // " --product '...'"
  std::string expect;   // the manifest's reason
  int exit_code;
};

// Every manifest license that fails while being read, with the exit code its reason maps to.
std::vector<reading_case> reading_cases() {
  const toml::table manifest = toml::parse_file(vectors + "manifest.toml");
  std::vector<reading_case> cases;
  for (const auto& node : *manifest["license"].as_array()) {
    const toml::table& entry = *node.as_table();
    const std::string expect = entry["expect"].value_or(std::string());
    const auto code = reading_exit_codes.find(expect);
    if (code == reading_exit_codes.end() || expect == "ok") continue;
    cases.push_back({airlock::test::shell_quote(vectors + entry["file"].value_or(std::string())),
                     " --product " + airlock::test::shell_quote(entry["product"].value_or(std::string())), expect,
                     code->second});
  }
  return cases;
}

const std::string pub = " --pubkey " + airlock::test::shell_quote(vectors + "test_vendor_key.pub");

// Runs `command_for` on every case and expects the manifest's exit code; one tool per test case, so
// ctest spreads the tools over the cores.
template <class Command>
void expect_reading_verdicts(Command command_for) {
  const std::vector<reading_case> cases = reading_cases();
  for (const reading_case& c : cases) {
    INFO(c.file << " (" << c.expect << ")");
    CHECK(exit_of(command_for(c)) == c.exit_code);
  }
  CHECK(cases.size() >= 350);
}

}  // namespace

TEST_CASE("airlock verify --product gives the manifest's reading verdict for every conformance license",
          "[pipeline][tools]") {
  const std::string airlock = airlock::test::tool("airlock");
  expect_reading_verdicts(
      [&](const reading_case& c) { return airlock + " verify " + c.file + pub + c.product + " --no-machine"; });
}

TEST_CASE("airlock verify without --product gives the manifest's reading verdict for every conformance license",
          "[pipeline][tools]") {
  const std::string airlock = airlock::test::tool("airlock");
  expect_reading_verdicts([&](const reading_case& c) { return airlock + " verify " + c.file + pub + " --no-machine"; });
}

TEST_CASE("airlock-verify gives the manifest's reading verdict for every conformance license", "[pipeline][tools]") {
  const std::string customer = airlock::test::tool("airlock-verify");
  expect_reading_verdicts(
      [&](const reading_case& c) { return customer + " " + c.file + pub + c.product + " --no-machine"; });
}

TEST_CASE("airlock inspect --pubkey gives the manifest's reading verdict for every conformance license",
          "[pipeline][tools]") {
  const std::string airlock = airlock::test::tool("airlock");
  expect_reading_verdicts([&](const reading_case& c) { return airlock + " inspect " + c.file + pub; });
}

// Without a key the signature step is skipped: a file that fails there goes on to the body (which an
// edit may have broken), and the skipped step is never reported.
TEST_CASE("airlock inspect without a key gives every reading verdict but the signature's", "[pipeline][tools]") {
  const std::string airlock = airlock::test::tool("airlock");
  for (const reading_case& c : reading_cases()) {
    INFO(c.file << " (" << c.expect << ")");
    const int unkeyed = exit_of(airlock + " inspect " + c.file);
    if (c.expect == "unknown_key" || c.expect == "bad_signature") {
      CHECK((unkeyed == 0 || unkeyed == 10 || unkeyed == 14));
    } else {
      CHECK(unkeyed == c.exit_code);
    }
  }
}
