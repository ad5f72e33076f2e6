// SPDX-License-Identifier: MIT
// The ledger's C++ interface, as renew, rehost and revocations use it.
#include <catch2/catch.hpp>

#include "cli/diagnostics.hpp"
#include "ledger/ledger.hpp"
#include "ledger_support.hpp"

using airlock::format::license;
using airlock::format::utc_time;
using airlock::test::temp_dir;
namespace ledger = airlock::ledger;

namespace {

license make_license(const std::string& id, std::int64_t issued) {
  license lic;
  lic.id = id;
  lic.key_id = "55946e28fb11b7ee";
  lic.product = "acme-studio";
  lic.licensee = "Example Corp";
  lic.issued = utc_time{issued};
  lic.not_before = airlock::format::utc_date(lic.issued);
  lic.features = {"render"};
  lic.limits = {{"seats", 5}};
  lic.meta = {{"order", "SO-1"}};
  return lic;
}

// Records and confirms one license as `operation`, superseding `supersedes`.
void record(ledger::ledger& book, const license& lic, const std::string& operation, const std::string& supersedes) {
  const std::string text = "license text of " + lic.id;
  ledger::record_context ctx{operation, supersedes, "/nonexistent/" + lic.id + ".toml", ledger::sha256_hex(text), ""};
  book.confirm(book.record_pending(lic, text, ctx));
}

constexpr std::int64_t day = 86400, jan_2026 = 1767225600;

}  // namespace

TEST_CASE("a recorded license is found with every field it was recorded with", "[ledger][api]") {
  temp_dir dir;
  auto book = ledger::ledger::open(dir / "l.sqlite");
  CHECK_FALSE(book.find("a"));
  record(book, make_license("a", jan_2026), "issue", "");
  const auto e = book.find("a");
  REQUIRE(e);
  CHECK(e->product == "acme-studio");
  CHECK(e->licensee == "Example Corp");
  CHECK(e->features == std::vector<std::string>{"render"});
  REQUIRE(e->limits.size() == 1);
  CHECK(e->limits[0].value == 5);
  CHECK(e->operation == "issue");
  CHECK(e->file_sha256 == ledger::sha256_hex("license text of a"));
  CHECK(e->license_text == "license text of a");
  CHECK_FALSE(e->issued_by.empty());
  CHECK(e->row == 1);
  CHECK_FALSE(e->revoked);
}

TEST_CASE("successors and the re-host count follow supersedes back to the first license", "[ledger][api]") {
  temp_dir dir;
  auto book = ledger::ledger::open(dir / "l.sqlite");
  record(book, make_license("first", jan_2026), "issue", "");
  record(book, make_license("moved-1", jan_2026 + 10 * day), "rehost", "first");
  record(book, make_license("renewed", jan_2026 + 20 * day), "renew", "moved-1");
  record(book, make_license("moved-2", jan_2026 + 400 * day), "rehost", "renewed");
  const auto next = book.successors_of("moved-1");
  REQUIRE(next.size() == 1);
  CHECK(next[0].license_id == "renewed");
  CHECK(book.successors_of("moved-2").empty());
  CHECK(book.rehosts_in_chain_since("moved-2", utc_time{jan_2026}) == 2);
  CHECK(book.rehosts_in_chain_since("moved-2", utc_time{jan_2026 + 100 * day}) == 1);
  CHECK(book.rehosts_in_chain_since("renewed", utc_time{jan_2026}) == 1);
  CHECK(book.rehosts_in_chain_since("first", utc_time{jan_2026}) == 0);
}

TEST_CASE("revocations are kept per product, whatever key signed, and revocation lists count up", "[ledger][api]") {
  temp_dir dir;
  auto book = ledger::ledger::open(dir / "l.sqlite");
  record(book, make_license("b", jan_2026), "issue", "");
  record(book, make_license("a", jan_2026), "issue", "");
  CHECK(book.revoke("b", "leaked"));
  CHECK(book.revoke("a", "contract ended"));
  CHECK_FALSE(book.revoke("a", "again"));
  CHECK_THROWS_AS(book.revoke("unknown", "x"), airlock::cli::failure);
  CHECK(book.revoked_ids("acme-studio") == std::vector<std::string>{"a", "b"});
  CHECK(book.revoked_ids("other").empty());
  CHECK(book.find("b")->revoke_reason == "leaked");
  CHECK(book.last_revocation_sequence("acme-studio") == 0);
  book.record_revocation_list("55946e28fb11b7ee", "acme-studio", 1, std::string(64, 'a'));
  book.record_revocation_list("55946e28fb11b7ee", "acme-studio", 2, std::string(64, 'b'));
  CHECK(book.last_revocation_sequence("acme-studio") == 2);
  // A list signed after a key rotation continues the product's sequence.
  book.record_revocation_list("c6aa291e007fdfd3", "acme-studio", 3, std::string(64, 'c'));
  CHECK(book.last_revocation_sequence("acme-studio") == 3);
  CHECK(book.verify().ok);
  CHECK(book.verify().rows == 7);
}

TEST_CASE("the retention period is stored in the chain and read back", "[ledger][api]") {
  temp_dir dir;
  auto book = ledger::ledger::open(dir / "l.sqlite");
  CHECK_FALSE(book.retention_days());
  book.set_retention_days(90);
  CHECK(book.retention_days() == 90);
  book.set_retention_days(std::nullopt);
  CHECK_FALSE(book.retention_days());
  auto reopened = ledger::ledger::open(dir / "l.sqlite");
  CHECK_FALSE(reopened.retention_days());
  CHECK(reopened.verify().rows == 2);
}

TEST_CASE("a pending row of this process is left alone, and dropped when its file is not written", "[ledger][api]") {
  temp_dir dir;
  auto book = ledger::ledger::open(dir / "l.sqlite");
  const auto lic = make_license("p", jan_2026);
  const auto pending = book.record_pending(lic, "text", {"issue", "", dir / "p.toml", ledger::sha256_hex("text"), ""});
  const auto checked = book.check();  // another command's check while this one is still writing
  CHECK(checked.dropped == 0);
  CHECK_FALSE(book.find("p"));
  book.drop_pending({pending});
  CHECK_FALSE(book.find("p"));
  CHECK(book.verify().rows == 0);
}
