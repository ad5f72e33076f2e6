// SPDX-License-Identifier: MIT
// The activation request: round trip, privacy (nothing but the listed keys), rejections.
#include <catch2/catch.hpp>

#include "test_support.hpp"

namespace fmt = airlock::format;
using airlock_test::check_error;
using airlock_test::replace_once;
using airlock_test::sample_request;

namespace {

std::string request_text(const fmt::request& req) {
  const auto written = fmt::write_request(req);
  INFO(written.error);
  REQUIRE(written.ok());
  return written.text;
}

fmt::parse_error rejected_request(std::string_view text) {
  const auto parsed = fmt::parse_request(text);
  REQUIRE_FALSE(parsed.ok());
  return parsed.error;
}

}  // namespace

TEST_CASE("A request survives writing and parsing unchanged", "[request]") {
  const auto parsed = fmt::parse_request(request_text(sample_request()));
  REQUIRE(parsed.ok());
  CHECK(*parsed.value == sample_request());
}

TEST_CASE("A request starts with comments saying what it is and that it holds only keyed hashes", "[request]") {
  const std::string text = request_text(sample_request());
  CHECK(text.rfind("# Airlock activation request, format 1.", 0) == 0);
  CHECK(text.find("only keyed hashes") != std::string::npos);
}

TEST_CASE("Component classes a machine lacks are left out of the request", "[request]") {
  auto req = sample_request();
  req.machine = {};
  req.environment = fmt::runtime_environment::container;
  const std::string text = request_text(req);
  CHECK(text.substr(text.size() - 10) == "[machine]\n");
  const auto parsed = fmt::parse_request(text);
  REQUIRE(parsed.ok());
  CHECK(*parsed.value == req);
}

TEST_CASE("Every environment value round-trips and others are rejected", "[request]") {
  for (const auto env : {fmt::runtime_environment::bare_metal, fmt::runtime_environment::vm,
                         fmt::runtime_environment::container, fmt::runtime_environment::unknown}) {
    auto req = sample_request();
    req.environment = env;
    const auto parsed = fmt::parse_request(request_text(req));
    REQUIRE(parsed.ok());
    CHECK(parsed.value->environment == env);
  }
  const std::string text = replace_once(request_text(sample_request()), "\"vm\"", "\"physical\"");
  check_error(rejected_request(text), 9, 15, "environment must be one of bare-metal, vm, container, unknown");
}

TEST_CASE("A request holds no keys beyond those the format lists", "[request]") {
  const std::string text = request_text(sample_request());
  check_error(
      rejected_request(replace_once(text, "environment = \"vm\"\n", "environment = \"vm\"\nhostname = \"build-01\"\n")),
      10, 1, "unknown key 'hostname' in [request]");
  check_error(rejected_request(replace_once(text, "[machine]\n", "[machine]\nmac = [\"00:11:22:33:44:55\"]\n")), 12, 1,
              "unknown key 'mac' in [machine]");
}

TEST_CASE("A request uses a BOM or CRLF line endings without harm", "[request]") {
  std::string crlf;
  for (const char c : request_text(sample_request())) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  const auto parsed = fmt::parse_request("\xEF\xBB\xBF" + crlf);
  REQUIRE(parsed.ok());
  CHECK(*parsed.value == sample_request());
}

TEST_CASE("A request of another format is reported as unsupported_version", "[request][version]") {
  const std::string text = replace_once(request_text(sample_request()), "format = 1", "format = 3");
  check_error(rejected_request(text), 4, 10, "unsupported format 3", fmt::error_kind::unsupported_version);
}

TEST_CASE("Request hashes follow the same rules as a license's", "[request]") {
  const std::string text = request_text(sample_request());
  check_error(rejected_request(replace_once(text, "os = [\"232a93157753405bdde4c0aa07ebb038\"]", "os = []")), 15, 6,
              "os must not be empty");
  check_error(rejected_request(replace_once(text, "232a93157753405bdde4c0aa07ebb038", "not-a-hash")), 15, 6,
              "os hashes must be 32 lowercase hex digits");
}

TEST_CASE("Writing a request refuses missing product, tool or a bad key_id", "[request]") {
  auto req = sample_request();
  req.product.clear();
  CHECK(fmt::write_request(req).error == "product must not be empty");
  CHECK(fmt::validate(req) == std::string("product must not be empty"));
  req = sample_request();
  req.tool.clear();
  CHECK(fmt::write_request(req).error == "tool must not be empty");
  req = sample_request();
  req.key_id = "abc";
  CHECK(fmt::write_request(req).error == "key_id must be 16 lowercase hex digits");
  req = sample_request();
  req.machine.board = {"83440fa4f3936f8a407c811ebbcaaede", "83440fa4f3936f8a407c811ebbcaaede"};
  CHECK(fmt::write_request(req).error == "board holds the same hash twice");
}
