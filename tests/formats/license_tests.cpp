// SPDX-License-Identifier: MIT
// License bodies: round trips, semantic rules, versioning, and writers that refuse bad input.
#include <catch2/catch.hpp>

#include "test_support.hpp"

namespace fmt = airlock::format;
using airlock_test::check_error;
using airlock_test::rejected_body;
using airlock_test::replace_once;
using airlock_test::sample_bound_license;
using airlock_test::sample_unbound_license;

namespace {

/// Writing must refuse `lic` with a message containing `text`, and validate() must agree.
void check_refused(const fmt::license& lic, std::string_view text) {
  const auto written = fmt::write_license_body(lic);
  INFO(written.error);
  CHECK_FALSE(written.ok());
  CHECK(written.text.empty());
  CHECK(written.error.find(text) != std::string::npos);
  CHECK(fmt::validate(lic) == written.error);
}

std::string bound_body() { return airlock_test::body_of(sample_bound_license()); }

}  // namespace

TEST_CASE("A bound license survives writing and parsing unchanged", "[license]") {
  const auto parsed = fmt::parse_license_body(bound_body());
  REQUIRE(parsed.ok());
  CHECK(*parsed.value == sample_bound_license());
  CHECK_FALSE(fmt::validate(*parsed.value).has_value());
}

TEST_CASE("An unbound perpetual license survives writing and parsing unchanged", "[license]") {
  const auto parsed = fmt::parse_license_body(airlock_test::body_of(sample_unbound_license()));
  REQUIRE(parsed.ok());
  CHECK(*parsed.value == sample_unbound_license());
  CHECK_FALSE(parsed.value->expires.has_value());
  CHECK_FALSE(parsed.value->updates_until.has_value());
}

TEST_CASE("Writing a parsed body gives back the same bytes", "[license]") {
  for (const auto& lic : {sample_bound_license(), sample_unbound_license()}) {
    const std::string body = airlock_test::body_of(lic);
    const auto parsed = fmt::parse_license_body(body);
    REQUIRE(parsed.ok());
    CHECK(airlock_test::body_of(*parsed.value) == body);
  }
}

TEST_CASE("The body starts with a comment saying that edits break the signature", "[license]") {
  const std::string body = airlock_test::body_of(sample_unbound_license());
  CHECK(body.rfind("# Airlock license file, format 1.", 0) == 0);
  CHECK(body.find("any edit") != std::string::npos);
  CHECK(body.substr(body.size() - 2) == "\n\n");
}

TEST_CASE("Optional keys and tables are left out when empty", "[license]") {
  auto lic = sample_bound_license();
  lic.expires.reset();
  lic.limits.clear();
  lic.meta.clear();
  lic.machine.hashes.os.clear();
  const std::string body = airlock_test::body_of(lic);
  CHECK(body.find("expires") == std::string::npos);
  CHECK(body.find("[license.limits]") == std::string::npos);
  CHECK(body.find("[license.meta]") == std::string::npos);
  CHECK(body.find("os = ") == std::string::npos);
  const auto parsed = fmt::parse_license_body(body);
  REQUIRE(parsed.ok());
  CHECK(*parsed.value == lic);
}

TEST_CASE("A license may expire on the day it starts", "[license]") {
  auto lic = sample_unbound_license();
  lic.expires = lic.not_before;
  const auto parsed = fmt::parse_license_body(airlock_test::body_of(lic));
  REQUIRE(parsed.ok());
  CHECK(parsed.value->expires == lic.not_before);
}

TEST_CASE("Another format number is reported as unsupported_version, not malformed", "[license][version]") {
  const std::string body = airlock_test::body_of(sample_unbound_license());
  check_error(rejected_body(replace_once(body, "format = 1", "format = 2")), 3, 10, "unsupported format 2",
              fmt::error_kind::unsupported_version);
  check_error(rejected_body(replace_once(body, "format = 1", "format = 0")), 3, 10, "unsupported format 0",
              fmt::error_kind::unsupported_version);
}

TEST_CASE("A newer format is recognised even when the rest of it is outside the v1 subset", "[license][version]") {
  const std::string text = "# from the future\n[license]\nformat = 2\nratio = 0.5\ntags = { a = 1 }\n";
  check_error(rejected_body(text), 3, 10, "unsupported format 2", fmt::error_kind::unsupported_version);
}

TEST_CASE("A format value that is not an integer is malformed", "[license][version]") {
  const std::string body = airlock_test::body_of(sample_unbound_license());
  check_error(rejected_body(replace_once(body, "format = 1", "format = \"2\"")), 3, 10, "must be an integer");
}

TEST_CASE("An unknown machine policy is reported as unsupported_version", "[license][version]") {
  check_error(rejected_body(replace_once(bound_body(), "airlock-match-v1", "airlock-match-v3")), 24, 10,
              "unsupported machine policy 'airlock-match-v3'", fmt::error_kind::unsupported_version);
}

TEST_CASE("Expiry before the start date is rejected", "[license]") {
  check_error(rejected_body(replace_once(bound_body(), "expires = 2026-02-28", "expires = 2025-02-28")), 10, 11,
              "expires (2025-02-28) is before not_before (2025-03-01)");
  auto lic = sample_bound_license();
  lic.expires = fmt::date{2025, 2, 28};
  check_refused(lic, "expires (2025-02-28) is before not_before");
}

TEST_CASE("An update window closing before the start date is rejected", "[license]") {
  check_error(rejected_body(replace_once(bound_body(), "updates_until = 2025-12-31", "updates_until = 2025-01-31")), 11,
              17, "updates_until (2025-01-31) is before not_before");
}

TEST_CASE("Feature names must match [a-z0-9][a-z0-9._-]* and be unique", "[license]") {
  check_error(rejected_body(replace_once(bound_body(), "\"render\"", "\"Render\"")), 12, 12,
              "feature 'Render' must start with a lowercase letter or digit");
  check_error(rejected_body(replace_once(bound_body(), "\"render\"", "\"ren der\"")), 12, 12,
              "feature 'ren der' may contain only");
  check_error(rejected_body(replace_once(bound_body(), "\"render.gpu\"", "\"render\"")), 12, 12,
              "duplicate feature 'render'");
  auto lic = sample_bound_license();
  lic.features.push_back(std::string(65, 'f'));
  check_refused(lic, "must be 1 to 64 characters");
  lic.features = {"_private"};
  check_refused(lic, "must start with a lowercase letter or digit");
}

TEST_CASE("Product and licensee must be non-empty text without control characters", "[license]") {
  check_error(rejected_body(replace_once(bound_body(), "\"acme-studio\"", "\"\"")), 6, 11, "product must not be empty");
  auto lic = sample_bound_license();
  lic.product = "";
  check_refused(lic, "product must not be empty");
  lic = sample_bound_license();
  lic.licensee = "line\nbreak";
  check_refused(lic, "licensee must not contain control characters");
  lic.licensee = "bad \xFF utf-8";
  check_refused(lic, "licensee must be valid UTF-8");
}

TEST_CASE("The license id and key_id have fixed syntax", "[license]") {
  check_error(rejected_body(replace_once(bound_body(), airlock_test::golden_key_id, "55946E28FB11B7EE")), 5, 10,
              "key_id must be 16 lowercase hex digits");
  auto lic = sample_bound_license();
  lic.id = "has space";
  check_refused(lic, "id may contain only");
  lic.id = "";
  check_refused(lic, "id must be 1 to 64 characters");
  lic.id = "Order_2025-03.A";
  CHECK_FALSE(fmt::validate(lic).has_value());
  lic.key_id = "55946e28fb11b7e";
  check_refused(lic, "key_id must be 16 lowercase hex digits");
}

TEST_CASE("Limits are non-negative and limits and meta keys are sorted and unique", "[license]") {
  check_error(rejected_body(replace_once(bound_body(), "seats = 5", "seats = -5")), 15, 9,
              "limit 'seats' must not be negative");
  check_error(rejected_body(replace_once(bound_body(), "workers = 16", "seats = 16")), 16, 1, "duplicate key 'seats'");
  check_error(rejected_body(replace_once(bound_body(), "workers = 16", "alpha = 16")), 16, 1,
              "key 'alpha' is out of order (keys are sorted)");
  check_error(rejected_body(replace_once(bound_body(), "seats = 5", "seats = \"5\"")), 15, 9, "must be an integer");
  check_error(
      rejected_body(replace_once(bound_body(), "[license.limits]\nseats = 5\nworkers = 16\n", "[license.limits]\n")),
      14, 1, "table [license.limits] is empty");
  auto lic = sample_bound_license();
  std::swap(lic.meta[0], lic.meta[1]);
  check_refused(lic, "keys of [license.meta] must be sorted and unique");
  lic = sample_bound_license();
  lic.limits[0].name = "two words";
  check_refused(lic, "key 'two words' may contain only");
}

TEST_CASE("An unbound license holds nothing but unbound = true in [machine]", "[license][machine]") {
  const std::string body = airlock_test::body_of(sample_unbound_license());
  check_error(rejected_body(replace_once(body, "unbound = true\n", "unbound = true\nallow_container = true\n")), 14, 1,
              "an unbound license holds only 'unbound = true'");
  auto lic = sample_unbound_license();
  lic.machine.hashes.disk = {"fec50738aa755e2c8649e35886a978c8"};
  check_refused(lic, "an unbound license must not record components");
  lic = sample_unbound_license();
  lic.machine.allow_container = true;
  check_refused(lic, "an unbound license must not set policy or allow_container");
}

TEST_CASE("A bound license records platform and at least one hardware class", "[license][machine]") {
  check_error(rejected_body(replace_once(bound_body(), "platform = [\"05feb126946b54a25e841d449bbd516c\"]\n", "")), 22,
              1, "a bound license must record platform");
  auto lic = sample_bound_license();
  lic.machine.hashes.disk.clear();
  lic.machine.hashes.nic.clear();
  lic.machine.hashes.board.clear();
  check_refused(lic, "a bound license must record disk, nic or board");
  lic = sample_bound_license();
  lic.machine.policy = "";
  check_refused(lic, "unsupported machine policy ''");
}

TEST_CASE("Component hashes are 1 to 16 distinct values of 32 lowercase hex digits", "[license][machine]") {
  const std::string disk = "disk = [\"fec50738aa755e2c8649e35886a978c8\", \"66f504ae9b75f1f5f2d5c1b47d9be794\"]";
  check_error(rejected_body(replace_once(bound_body(), disk, "disk = []")), 27, 8, "disk must not be empty");
  check_error(
      rejected_body(replace_once(bound_body(), "66f504ae9b75f1f5f2d5c1b47d9be794", "fec50738aa755e2c8649e35886a978c8")),
      27, 8, "disk holds the same hash twice");
  check_error(
      rejected_body(replace_once(bound_body(), "66f504ae9b75f1f5f2d5c1b47d9be794", "66F504AE9B75F1F5F2D5C1B47D9BE794")),
      27, 8, "disk hashes must be 32 lowercase hex digits");
  auto lic = sample_bound_license();
  lic.machine.hashes.nic.clear();
  for (int i = 0; i < 17; ++i)
    lic.machine.hashes.nic.push_back(fmt::hex_encode(std::array<std::uint8_t, 16>{{std::uint8_t(i)}}));
  check_refused(lic, "nic holds more than 16 hashes");
}

TEST_CASE("A bound license may allow binding inside a container", "[license][machine]") {
  auto lic = sample_bound_license();
  lic.machine.allow_container = true;
  const std::string body = airlock_test::body_of(lic);
  CHECK(body.find("allow_container = true\n") != std::string::npos);
  const auto parsed = fmt::parse_license_body(body);
  REQUIRE(parsed.ok());
  CHECK(parsed.value->machine.allow_container);
}

TEST_CASE("Meta values may hold any UTF-8 text except NUL and are escaped canonically", "[license]") {
  auto lic = sample_bound_license();
  lic.meta[0].value = std::string("ctl \x01\x1f\x7f nl \n cr \r ff \f bs \b");
  const std::string body = airlock_test::body_of(lic);
  CHECK(body.find("note = \"ctl \\u0001\\u001f\\u007f nl \\n cr \\r ff \\f bs \\b\"") != std::string::npos);
  const auto parsed = fmt::parse_license_body(body);
  REQUIRE(parsed.ok());
  CHECK(*parsed.value == lic);
  lic.meta[0].value = std::string("nul \0 inside", 12);
  check_refused(lic, "meta value 'note' must be valid UTF-8");
}
