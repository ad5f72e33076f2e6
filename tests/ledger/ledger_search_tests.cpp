// SPDX-License-Identifier: MIT
// ledger::search and ledger::state_counts: the filters, states, orders and pages of the console's
// license list and `airlock ledger search`, worked out by SQLite.
#include <catch2/catch.hpp>

#include <algorithm>

#include "cli/diagnostics.hpp"
#include "ledger/ledger.hpp"
#include "ledger_support.hpp"

using airlock::format::date;
using airlock::format::utc_time;
using airlock::test::temp_dir;
namespace ledger = airlock::ledger;
namespace format = airlock::format;

namespace {

constexpr std::int64_t search_day = 86400, search_jan_2026 = 1767225600;
const date search_today{2026, 3, 1};

struct listed {
  std::string id, product, licensee;
  std::int64_t issued_day;                         // days after 2026-01-01
  std::string not_before, expires, updates_until;  // YYYY-MM-DD or empty
  std::vector<std::string> features;
  std::string disk_hash;
};

// Nine licenses, one or more of each state on 2026-03-01.
const std::vector<listed> search_fixture = {
    {"a-active", "studio", "Alpha GmbH", 0, "2026-01-01", "2026-12-31", "2026-03-20", {"render", "export"}, "d1"},
    {"b-expired", "studio", "Beta Ltd", 1, "2026-01-02", "2026-02-01", "", {"render"}, "d2"},
    {"c-early", "viewer", "alpha labs", 2, "2026-06-01", "", "", {}, "d3"},
    {"d-revoked", "viewer", "Delta", 3, "2026-01-04", "2026-12-31", "", {"export"}, "d4"},
    {"e-old", "studio", "Echo", 4, "2026-01-05", "2026-03-10", "", {}, "d5"},
    {"f-renewed", "studio", "Echo", 5, "2026-01-06", "2027-03-10", "", {}, "d5"},
    {"g-perpetual", "viewer", "Golf", 6, "2026-01-07", "", "", {"render"}, ""},
    {"h-soon", "studio", "Hotel", 7, "2026-01-08", "2026-03-15", "", {}, "d8"},
    {"i-superseded-revoked", "studio", "India", 8, "2026-01-09", "2026-12-31", "", {}, "d9"},
};

void keep(ledger::ledger& book, const listed& l, const std::string& supersedes) {
  format::license lic;
  lic.id = l.id;
  lic.key_id = "55946e28fb11b7ee";
  lic.product = l.product;
  lic.licensee = l.licensee;
  lic.issued = utc_time{search_jan_2026 + l.issued_day * search_day};
  lic.not_before = *format::parse_date(l.not_before);
  lic.expires = format::parse_date(l.expires);
  lic.updates_until = format::parse_date(l.updates_until);
  lic.features = l.features;
  if (!l.disk_hash.empty()) {
    lic.machine.unbound = false;
    lic.machine.policy = "any-2";
    lic.machine.hashes.disk = {l.disk_hash};
    lic.machine.hashes.os = {"os-" + l.id};
  }
  const std::string text = "license text of " + l.id;
  book.confirm(book.record_pending(
      lic, text, {supersedes.empty() ? "issue" : "renew", supersedes, "/nonexistent", ledger::sha256_hex(text), ""}));
}

ledger::ledger searchable_ledger(const std::string& path) {
  auto book = ledger::ledger::open(path);
  for (const auto& l : search_fixture)
    keep(book, l, l.id == "f-renewed" ? "e-old" : l.id == "i-superseded-revoked" ? "h-gone" : "");
  (void)book.revoke("d-revoked", "contract ended");
  (void)book.revoke("i-superseded-revoked", "leaked");
  return book;
}

std::vector<std::string> ids_of(const ledger::search_page& page) {
  std::vector<std::string> ids;
  for (const auto& e : page.entries) ids.push_back(e.license_id);
  return ids;
}

std::vector<std::string> found(const ledger::ledger& book, ledger::search_filter f) {
  f.as_of = search_today;
  auto ids = ids_of(book.search(f));
  std::sort(ids.begin(), ids.end());
  return ids;
}

using ids = std::vector<std::string>;

}  // namespace

TEST_CASE("search filters by licensee, product, feature, machine hash, expiry and issue day", "[ledger][search]") {
  temp_dir dir;
  const auto book = searchable_ledger(dir / "l.sqlite");
  ledger::search_filter f;
  SECTION("licensee: part of the name, ASCII letters in any case") {
    f.licensee = "ALPHA";
    CHECK(found(book, f) == ids{"a-active", "c-early"});
  }
  SECTION("product: the whole name") {
    f.product = "view";
    CHECK(found(book, f).empty());
    f.product = "viewer";
    CHECK(found(book, f) == ids{"c-early", "d-revoked", "g-perpetual"});
  }
  SECTION("feature: one whole feature name") {
    f.feature = "export";
    CHECK(found(book, f) == ids{"a-active", "d-revoked"});
    f.feature = "render;export";
    CHECK(found(book, f).empty());
    f.feature = "rend";
    CHECK(found(book, f).empty());
  }
  SECTION("machine: one whole hash of any class") {
    f.machine = "d5";
    CHECK(found(book, f) == ids{"e-old", "f-renewed"});
    f.machine = "os-c-early";
    CHECK(found(book, f) == ids{"c-early"});
    f.machine = "d";
    CHECK(found(book, f).empty());
    f.machine = "d1 os-a-active";
    CHECK(found(book, f).empty());
  }
  SECTION("expiring before a day: perpetual licenses never") {
    f.expiring_before = date{2026, 3, 15};
    CHECK(found(book, f) == ids{"b-expired", "e-old"});
  }
  SECTION("maintenance ending before a day") {
    f.updates_ending_before = date{2026, 4, 1};
    CHECK(found(book, f) == ids{"a-active"});
  }
  SECTION("issued after and before a day, both exclusive") {
    f.issued_after = date{2026, 1, 2};
    f.issued_before = date{2026, 1, 5};
    CHECK(found(book, f) == ids{"c-early", "d-revoked"});
  }
  SECTION("filters combine") {
    f.product = "studio";
    f.feature = "render";
    f.licensee = "beta";
    CHECK(found(book, f) == ids{"b-expired"});
  }
}

TEST_CASE("search by state agrees with state_of for every license", "[ledger][search]") {
  temp_dir dir;
  const auto book = searchable_ledger(dir / "l.sqlite");
  ledger::search_filter f;
  f.state = GENERATE(as<std::string>{}, "active", "not yet valid", "expired", "superseded", "revoked");
  ids expected;
  for (const auto& e : book.entries())
    if (ledger::state_of(e, search_today) == f.state) expected.push_back(e.license_id);
  std::sort(expected.begin(), expected.end());
  CHECK(found(book, f) == expected);
  CHECK_FALSE(expected.empty());
}

TEST_CASE("a revoked license is revoked even when it was also superseded", "[ledger][search]") {
  temp_dir dir;
  const auto book = searchable_ledger(dir / "l.sqlite");
  ledger::search_filter f;
  f.state = "superseded";
  CHECK(found(book, f) == ids{"e-old"});
  f.state = "revoked";
  CHECK(found(book, f) == ids{"d-revoked", "i-superseded-revoked"});
}

TEST_CASE("search refuses a state that is not one", "[ledger][search]") {
  temp_dir dir;
  const auto book = searchable_ledger(dir / "l.sqlite");
  ledger::search_filter f;
  f.state = "valid";
  CHECK_THROWS_AS(book.search(f), airlock::cli::failure);
}

TEST_CASE("search orders by any listed column and breaks ties newest first", "[ledger][search]") {
  temp_dir dir;
  const auto book = searchable_ledger(dir / "l.sqlite");
  using key = ledger::search_order::key;
  SECTION("recorded, newest first by default") {
    CHECK(ids_of(book.search({})).front() == "i-superseded-revoked");
    CHECK(ids_of(book.search({}, {key::recorded, false})).front() == "a-active");
  }
  SECTION("expires: the earliest first, perpetual ones last either way") {
    const auto up = ids_of(book.search({}, {key::expires, false}));
    CHECK(up.front() == "b-expired");
    CHECK(up.back() == "c-early");  // perpetual, recorded before g-perpetual
    const auto down = ids_of(book.search({}, {key::expires, true}));
    CHECK(down.front() == "f-renewed");
    CHECK(down.back() == "c-early");
  }
  SECTION("licensee, letters in any case") {
    const auto up = ids_of(book.search({}, {key::licensee, false}));
    CHECK(ids(up.begin(), up.begin() + 2) == ids{"a-active", "c-early"});
    CHECK(ids(up.begin() + 4, up.begin() + 6) == ids{"f-renewed", "e-old"});  // Echo twice: newest first
  }
  SECTION("product") { CHECK(ids_of(book.search({}, {key::product, true})).front() == "g-perpetual"); }
  SECTION("issued") { CHECK(ids_of(book.search({}, {key::issued, false})).front() == "a-active"); }
}

TEST_CASE("search pages count every match and hold at most the limit", "[ledger][search]") {
  temp_dir dir;
  const auto book = searchable_ledger(dir / "l.sqlite");
  const auto first = book.search({}, {}, 0, 4);
  const auto third = book.search({}, {}, 8, 4);
  const auto past = book.search({}, {}, 40, 4);
  CHECK(first.total == 9);
  CHECK(first.entries.size() == 4);
  CHECK(third.entries.size() == 1);
  CHECK(third.entries[0].license_id == "a-active");
  CHECK(past.total == 9);
  CHECK(past.entries.empty());
  CHECK(book.search({}).entries.size() == 9);  // limit 0: all
}

TEST_CASE("state counts per product agree with state_of", "[ledger][search]") {
  temp_dir dir;
  const auto book = searchable_ledger(dir / "l.sqlite");
  std::map<std::string, std::array<std::int64_t, 5>> expected;
  for (const auto& e : book.entries()) {
    const std::string state = ledger::state_of(e, search_today);
    for (std::size_t i = 0; i < 5; ++i)
      if (state == ledger::license_states[i]) ++expected[e.product][i];
  }
  const auto counts = book.state_counts(search_today);
  REQUIRE(counts.size() == 2);
  for (const auto& [product, by_state] : counts) CHECK(by_state == expected[product]);
}
