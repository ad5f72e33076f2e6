// SPDX-License-Identifier: MIT
// Fields added later (FORMAT.md 8.1): ignored when unknown, unsupported_version when critical,
// never malformed; and the fields renewal and re-host add.
#include <catch2/catch.hpp>

#include <string>

#include "airlock/format/writers.hpp"
#include "test_support.hpp"

using namespace airlock_test;

namespace {

fmt::license sample() {
  fmt::license lic;
  lic.id = "ext-0001";
  lic.key_id = golden_key_id;
  lic.product = "acme-studio";
  lic.licensee = "Example Corp";
  lic.issued = *fmt::parse_utc_time("2026-01-10T12:00:00Z");
  lic.not_before = *fmt::parse_date("2026-01-10");
  lic.features = {"render"};
  return lic;
}

// Inserts `lines` right before the line that starts with `before`.
std::string insert_before(const std::string& body, const std::string& before, const std::string& lines) {
  const std::size_t at = body.find("\n" + before);
  REQUIRE(at != std::string::npos);
  return body.substr(0, at + 1) + lines + body.substr(at + 1);
}

// A body whose [license] ends with `lines` (features is its last defined key here).
std::string with_license_keys(const std::string& lines) {
  return insert_before(body_of(sample()), "\n[machine]", lines);
}

// A body with `tables` after [machine] (which ends the body with "unbound = true\n\n").
std::string with_tables(const std::string& tables) {
  const std::string body = body_of(sample());
  return body.substr(0, body.size() - 1) + "\n" + tables + "\n";
}

fmt::parse_result<fmt::license> parse(const std::string& body) { return fmt::parse_license_body(body); }

}  // namespace

TEST_CASE("An unknown key at the end of [license] is ignored and named", "[format][extensions]") {
  const auto r = parse(with_license_keys("seat_server = \"10.0.0.1\"\nz_level = 3\n"));
  REQUIRE(r.ok());
  CHECK(r.value->extensions == std::vector<std::string>{"license.seat_server", "license.z_level"});
  CHECK(r.value->features == std::vector<std::string>{"render"});
}

TEST_CASE("Unknown keys at the end of [machine] and unknown tables after it are ignored", "[format][extensions]") {
  SECTION("unbound [machine]") {
    const std::string body = body_of(sample());
    const auto r = parse(body.substr(0, body.size() - 1) + "zone = \"eu\"\n\n");
    REQUIRE(r.ok());
    CHECK(r.value->extensions == std::vector<std::string>{"machine.zone"});
  }
  SECTION("two sorted tables") {
    const auto r = parse(with_tables("[audit]\nlevel = 2\n\n[seats.server]\nhost = \"a\"\nport = 7000\n"));
    REQUIRE(r.ok());
    CHECK(r.value->extensions == std::vector<std::string>{"audit", "seats.server"});
  }
}

TEST_CASE("Extensions out of their one spelling are malformed", "[format][extensions]") {
  std::string body;
  std::string expected;
  SECTION("unsorted keys") {
    body = with_license_keys("zeta = 1\nalpha = 2\n");
    expected = "out of order";
  }
  SECTION("a repeated key") {
    body = with_license_keys("alpha = 1\nalpha = 2\n");
    expected = "duplicate key";
  }
  SECTION("an unknown key before a defined one") {
    body = insert_before(body_of(sample()), "features = ", "alpha = 1\n");
    expected = "alpha";
  }
  SECTION("a defined key among the extensions") {
    body = with_license_keys("alpha = 1\nsupersedes = \"x\"\n");
    expected = "out of order";
  }
  SECTION("unsorted tables") {
    body = with_tables("[zeta]\na = 1\n\n[alpha]\na = 1\n");
    expected = "out of order";
  }
  SECTION("an empty table") {
    body = with_tables("[alpha]\n\n[beta]\na = 1\n");
    expected = "empty";
  }
  SECTION("a table named signature") {
    body = with_tables("[signature]\na = 1\n");
    expected = "signature";
  }
  SECTION("a table under a defined one") {
    body = with_tables("[machine.extra]\na = 1\n");
    expected = "not an extension table";
  }
  SECTION("a defined table again") {
    body = with_tables("[license.meta]\na = \"b\"\n");
    expected = "license.meta";
  }
  const auto r = parse(body);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error.kind == fmt::error_kind::malformed);
  CHECK(r.error.message.find(expected) != std::string::npos);
}

TEST_CASE("A critical extension is unsupported_version, a critical defined field is fine", "[format][extensions]") {
  SECTION("critical names an extension this reader does not know") {
    const auto r = parse(with_license_keys("critical = [\"license.seat_server\"]\nseat_server = \"a\"\n"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error.kind == fmt::error_kind::unsupported_version);
    CHECK(r.error.message.find("needs a newer verifier") != std::string::npos);
  }
  SECTION("critical names an extension table") {
    const std::string body =
        insert_before(with_tables("[seats]\nhost = \"a\"\n"), "\n[machine]", "critical = [\"seats\"]\n");
    const auto r = parse(body);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error.kind == fmt::error_kind::unsupported_version);
  }
  SECTION("critical names a field this version defines") {
    fmt::license lic = sample();
    lic.supersedes = "ext-0000";
    const auto r = parse(insert_before(body_of(lic), "\n[machine]", "critical = [\"license.supersedes\"]\n"));
    REQUIRE(r.ok());
    CHECK(r.value->critical == std::vector<std::string>{"license.supersedes"});
  }
}

TEST_CASE("A critical list that is absent from the file or not a set is malformed", "[format][extensions]") {
  std::string lines;
  SECTION("names an absent field") { lines = "critical = [\"license.expires\"]\n"; }
  SECTION("empty") { lines = "critical = []\n"; }
  SECTION("unsorted") { lines = "critical = [\"license.id\", \"license.features\"]\n"; }
  SECTION("repeated") { lines = "critical = [\"license.id\", \"license.id\"]\n"; }
  SECTION("a key inside an extension table, which critical cannot name") {
    const auto r =
        parse(insert_before(with_tables("[seats]\nhost = \"a\"\n"), "\n[machine]", "critical = [\"seats.host\"]\n"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error.kind == fmt::error_kind::malformed);
    return;
  }
  const auto r = parse(with_license_keys(lines));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error.kind == fmt::error_kind::malformed);
}

TEST_CASE("supersedes and min_revocation_sequence round-trip and are checked", "[format][lineage]") {
  fmt::license lic = sample();
  lic.supersedes = "ext-0000";
  lic.min_revocation_sequence = 3;
  const auto r = parse(body_of(lic));
  REQUIRE(r.ok());
  CHECK(*r.value == lic);
  SECTION("a license cannot supersede itself") {
    lic.supersedes = lic.id;
    CHECK(fmt::validate(lic).value_or("").find("supersede itself") != std::string::npos);
  }
  SECTION("supersedes follows the id rules") {
    lic.supersedes = "bad id";
    CHECK(fmt::validate(lic).has_value());
  }
  SECTION("min_revocation_sequence is at least 1") {
    lic.min_revocation_sequence = 0;
    CHECK(fmt::validate(lic).has_value());
  }
}

TEST_CASE("The writer writes no extension and so nothing critical", "[format][extensions]") {
  fmt::license lic = sample();
  lic.critical = {"license.id"};
  CHECK_FALSE(fmt::write_license_body(lic).ok());
}

TEST_CASE("A re-host request names the license it replaces", "[format][request]") {
  fmt::request req;
  req.product = "acme-studio";
  req.key_id = golden_key_id;
  req.created = *fmt::parse_utc_time("2026-01-10T12:00:00Z");
  req.tool = "airlock-hwid test";
  req.machine.platform = {"0123456789abcdef0123456789abcdef"};
  req.replaces = "ext-0001";
  const auto text = fmt::write_request(req);
  REQUIRE(text.ok());
  CHECK(text.text.find("replaces = \"ext-0001\"\n") != std::string::npos);
  const auto back = fmt::parse_request(text.text);
  REQUIRE(back.ok());
  CHECK(*back.value == req);
  req.replaces = "no spaces allowed";
  CHECK(fmt::validate(req).has_value());
}
