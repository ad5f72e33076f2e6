// SPDX-License-Identifier: MIT
// One pipeline, one verdict: every license of the conformance manifest that fails while being read
// (FORMAT.md 3.2 steps 1-9) gets the manifest's reason, as an exit code, from every tool that reads
// licenses: `airlock verify` (with and without --product), `airlock-verify`, `airlock inspect`
// with and without --pubkey.
#include <toml++/toml.h>

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "support/support.hpp"

namespace {

const std::string vectors = std::string(AIRLOCK_SOURCE_DIR) + "/formats/vectors/";

const std::map<std::string, int> reading_exit_codes = {{"malformed", 10},       {"unsupported_version", 11},
                                                       {"unknown_key", 12},     {"bad_signature", 13},
                                                       {"key_id_mismatch", 14}, {"ok", 0}};

int exit_of(const std::string& command) { return airlock::test::run(command).exit_code; }

}  // namespace

TEST_CASE("Every tool gives the manifest's reading verdict for every conformance license", "[pipeline][tools]") {
  const toml::table manifest = toml::parse_file(vectors + "manifest.toml");
  const std::string pub = " --pubkey " + airlock::test::shell_quote(vectors + "test_vendor_key.pub");
  const std::string airlock = airlock::test::tool("airlock"), customer = airlock::test::tool("airlock-verify");
  std::size_t checked = 0;
  for (const auto& node : *manifest["license"].as_array()) {
    const toml::table& entry = *node.as_table();
    const std::string expect = entry["expect"].value_or(std::string());
    const auto code = reading_exit_codes.find(expect);
    if (code == reading_exit_codes.end() || expect == "ok") continue;
    const std::string file = airlock::test::shell_quote(vectors + entry["file"].value_or(std::string()));
    const std::string product = " --product " + airlock::test::shell_quote(entry["product"].value_or(std::string()));
    DYNAMIC_SECTION(entry["file"].value_or(std::string()) << " (" << expect << ")") {
      CHECK(exit_of(airlock + " verify " + file + pub + product + " --no-machine") == code->second);
      CHECK(exit_of(airlock + " verify " + file + pub + " --no-machine") == code->second);
      CHECK(exit_of(customer + " " + file + pub + product + " --no-machine") == code->second);
      CHECK(exit_of(airlock + " inspect " + file + pub) == code->second);
      // Without a key the signature step is skipped: a file that fails there goes on to the body
      // (which an edit may have broken), and the skipped step is never reported.
      const int unkeyed = exit_of(airlock + " inspect " + file);
      if (expect == "unknown_key" || expect == "bad_signature") {
        CHECK((unkeyed == 0 || unkeyed == 10 || unkeyed == 14));
      } else {
        CHECK(unkeyed == code->second);
      }
    }
    ++checked;
  }
  CHECK(checked >= 350);
}
