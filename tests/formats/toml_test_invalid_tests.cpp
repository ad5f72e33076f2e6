// SPDX-License-Identifier: MIT
// The official TOML test suite's invalid documents for TOML 1.0.0 (tests/vectors/toml-test/):
// no TOML parser may accept one, so neither may Airlock's strict-subset readers. Each case goes
// through the license body reader, the request reader and the whole license check, and the
// number of cases read must be the number the suite's list names, so a lost file fails.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "airlock/format/format.hpp"
#include "airlock/verify.hpp"
#include "test_support.hpp"

namespace fmt = airlock::format;

namespace {

std::string suite_path(const std::string& relative) {
  return airlock_test::source_path("tests/vectors/toml-test/" + relative);
}

/// The suite's files-toml-1.0.0 list, filtered to its invalid/ entries: one relative path a line.
std::vector<std::string> listed_cases() {
  std::ifstream in(suite_path("files-toml-1.0.0-invalid"));
  REQUIRE(in.good());
  std::vector<std::string> names;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) names.push_back(line);
  }
  return names;
}

/// A case that cannot be opened fails here, so it is never silently skipped.
std::string read_case(const std::string& name) {
  std::ifstream in(suite_path(name), std::ios::binary);
  INFO(name);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

const airlock::trust_store& golden_vendor() {
  static const airlock::trust_store store = [] {
    airlock::trust_store s;
    const bool added =
        s.add_pem(airlock_test::read_file(airlock_test::source_path("formats/vectors/test_vendor_key.pub")));
    REQUIRE(added);
    return s;
  }();
  return store;
}

/// A rejection must say where: a line and column inside the document (or just past its end).
void check_rejection_position(const fmt::parse_error& error, const std::string& text) {
  const std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  CHECK(error.line >= 1);
  CHECK(error.line <= lines + 1);
  CHECK(error.column >= 1);
  CHECK_FALSE(error.message.empty());
}

}  // namespace

TEST_CASE("The toml-test list names every invalid TOML 1.0.0 case and each file is present", "[toml-test]") {
  const std::vector<std::string> names = listed_cases();
  // 499 is what the suite's files-toml-1.0.0 lists under invalid/; a shorter list is a lost line.
  REQUIRE(names.size() == 499);
  std::size_t read = 0;
  for (const std::string& name : names) {
    CHECK(name.rfind("invalid/", 0) == 0);
    read_case(name);
    ++read;
  }
  REQUIRE(read == names.size());
}

TEST_CASE("The license body reader rejects every invalid TOML 1.0.0 document", "[toml-test]") {
  std::size_t rejected = 0;
  const std::vector<std::string> names = listed_cases();
  for (const std::string& name : names) {
    INFO(name);
    const std::string text = read_case(name);
    const auto body = fmt::parse_license_body(text);
    CHECK_FALSE(body.ok());
    if (body.ok()) continue;
    check_rejection_position(body.error, text);
    const auto file = fmt::parse_license_file(text);
    CHECK_FALSE(file.ok());
    if (!file.ok()) ++rejected;
  }
  REQUIRE(rejected == names.size());
}

TEST_CASE("The request reader rejects every invalid TOML 1.0.0 document", "[toml-test]") {
  std::size_t rejected = 0;
  const std::vector<std::string> names = listed_cases();
  for (const std::string& name : names) {
    INFO(name);
    const std::string text = read_case(name);
    const auto parsed = fmt::parse_request(text);
    CHECK_FALSE(parsed.ok());
    if (parsed.ok()) continue;
    check_rejection_position(parsed.error, text);
    ++rejected;
  }
  REQUIRE(rejected == names.size());
}

TEST_CASE("The license check rejects every invalid TOML 1.0.0 document as a license", "[toml-test]") {
  std::size_t rejected = 0;
  const std::vector<std::string> names = listed_cases();
  airlock::verify_options options;
  options.product = "demo-app";
  options.check_machine = false;
  for (const std::string& name : names) {
    INFO(name);
    const airlock::verify_result result = airlock::verify_license(read_case(name), golden_vendor(), options);
    INFO("verifier says: " << airlock::to_string(result.why) << ": " << result.message);
    CHECK_FALSE(result.ok());
    CHECK_FALSE(result.signature_valid);
    CHECK_FALSE(result.message.empty());
    if (!result.ok()) ++rejected;
  }
  REQUIRE(rejected == names.size());
}

// As they stand, the cases stop at the readers' first step (the request reader wants [request]
// first, and the body reader soon meets an unknown table); behind a valid opening the readers must
// read each case's own text, and reject it there.
TEST_CASE("Both readers reject every invalid TOML 1.0.0 document behind a valid opening", "[toml-test]") {
  std::size_t rejected = 0;
  const std::vector<std::string> names = listed_cases();
  for (const std::string& name : names) {
    INFO(name);
    const std::string text = read_case(name);
    const std::string as_license = "[license]\nformat = 1\n" + text;
    const std::string as_request = "[request]\nformat = 1\n" + text;
    const auto body = fmt::parse_license_body(as_license);
    const auto request = fmt::parse_request(as_request);
    CHECK_FALSE(body.ok());
    CHECK_FALSE(request.ok());
    if (!body.ok()) check_rejection_position(body.error, as_license);
    if (!request.ok()) check_rejection_position(request.error, as_request);
    // Past the opening: the error is in the case's text, not in the two lines put before it.
    if (!request.ok()) CHECK(request.error.line >= 3);
    if (!body.ok() && !request.ok()) ++rejected;
  }
  REQUIRE(rejected == names.size());
}
