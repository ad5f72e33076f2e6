// SPDX-License-Identifier: MIT
// The ledger seen from outside: `airlock issue` records, `airlock ledger`
// reads, verifies and erases, and the sqlite3 tool opens the file.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <ctime>
#include <sstream>

#include "airlock/format/time.hpp"
#include "ledger_support.hpp"

using namespace airlock::test::ledger;
using airlock::test::exists;
using airlock::test::file_mode;
using airlock::test::read_file;
using airlock::test::run;
using airlock::test::temp_dir;
using airlock::test::tool;
using airlock::test::write_file;

namespace {

std::string day_from_today(int days) {
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  return airlock::format::to_string(
      airlock::format::utc_date(airlock::format::utc_time{now + days * airlock::format::seconds_per_day}));
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// Three licenses L1, L2, L3, in that order.
void issue_three(const temp_dir& dir, const std::string& ledger) {
  for (const char* id : {"L1", "L2", "L3"})
    REQUIRE(issue(ledger, dir / (std::string(id) + ".toml"), id).exit_code == 0);
}

}  // namespace

TEST_CASE("an empty file becomes a ledger of the current schema, in WAL mode", "[ledger][schema]") {
  temp_dir dir;
  const std::string ledger = dir / "ledger.sqlite";
  write_file(ledger, "");
  const auto verified = run_airlock("ledger verify --ledger " + q(ledger));
  CHECK(verified.exit_code == 0);
  CHECK(contains(verified.out, "ok: 0 rows"));
  CHECK(trimmed(sql(ledger, "PRAGMA user_version;").out) == "3");
  CHECK(trimmed(sql(ledger, "PRAGMA journal_mode;").out) == "wal");
  CHECK(trimmed(sql(ledger, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;").out) ==
        "api_tokens\naudit\nchain\ncustomer_sessions\ncustomers\nlicenses\noperators\nportal_requests\nsessions");
}

TEST_CASE("an older ledger is migrated to the current schema and its chain still verifies", "[ledger][schema]") {
  temp_dir dir;
  const std::string ledger = dir / "ledger.sqlite";
  issue_three(dir, ledger);
  const std::string to_version_2 =
      "DROP TABLE api_tokens; DROP TABLE customers; DROP TABLE customer_sessions; DROP TABLE portal_requests; "
      "DROP INDEX licenses_listed; DROP INDEX chain_by_kind; ";
  SECTION("from version 2") { REQUIRE(sql(ledger, to_version_2 + "PRAGMA user_version = 2;").exit_code == 0); }
  SECTION("from version 1") {
    REQUIRE(sql(ledger, to_version_2 + "DROP TABLE operators; DROP TABLE sessions; DROP TABLE audit; "
                                       "PRAGMA user_version = 1;")
                .exit_code == 0);
  }
  const auto verified = run_airlock("ledger verify --ledger " + q(ledger));
  CHECK(verified.exit_code == 0);
  CHECK(contains(verified.out, "ok: 3 rows"));
  CHECK(trimmed(sql(ledger, "PRAGMA user_version;").out) == "3");
  CHECK(trimmed(sql(ledger, "SELECT count(*) FROM sqlite_master WHERE name = 'portal_requests';").out) == "1");
}

TEST_CASE("the sqlite3 command-line tool reads the licenses a ledger holds", "[ledger][sqlite3]") {
  temp_dir dir;
  const std::string ledger = dir / "ledger.sqlite";
  issue_three(dir, ledger);
  const auto rows = sql(ledger, "SELECT license_id, licensee, operation, state FROM licenses ORDER BY chain_row;");
  CHECK(rows.exit_code == 0);
  CHECK(rows.out ==
        "L1|Example Corp|issue|confirmed\nL2|Example Corp|issue|confirmed\nL3|Example Corp|issue|confirmed\n");
  const auto digest = run("sha256sum " + q(dir / "L2.toml"));
  CHECK(trimmed(sql(ledger, "SELECT file_sha256 FROM licenses WHERE license_id = 'L2';").out) ==
        digest.out.substr(0, 64));
  CHECK(trimmed(sql(ledger, "SELECT count(*) FROM chain WHERE kind = 'license';").out) == "3");
}

TEST_CASE("the default ledger lies beside the key, mode 0600, and --no-ledger records nothing", "[ledger][location]") {
  temp_dir dir;
  REQUIRE(run_airlock("keygen --out-dir " + q(dir / "k") + " --unencrypted").exit_code == 0);
  const std::string key = dir / "k/vendor.key";
  SECTION("beside the key") {
    REQUIRE(run_airlock("issue --key " + q(key) + " --product p --licensee L --unbound --out " + q(dir / "a.toml"))
                .exit_code == 0);
    REQUIRE(exists(dir / "k/airlock-ledger.sqlite"));
    CHECK(file_mode(dir / "k/airlock-ledger.sqlite") == 0600);
    CHECK(contains(run_airlock("ledger list --key " + q(key)).out, "p "));
  }
  SECTION("AIRLOCK_LEDGER") {
    const auto r = run("AIRLOCK_LEDGER=" + q(dir / "env.sqlite") + " " + tool("airlock") + " issue --key " + q(key) +
                       " --product p --licensee L --unbound --out " + q(dir / "a.toml"));
    REQUIRE(r.exit_code == 0);
    CHECK(exists(dir / "env.sqlite"));
    CHECK_FALSE(exists(dir / "k/airlock-ledger.sqlite"));
  }
  SECTION("--no-ledger") {
    REQUIRE(run_airlock("issue --key " + q(key) + " --no-ledger --product p --licensee L --unbound --out " +
                        q(dir / "a.toml"))
                .exit_code == 0);
    CHECK_FALSE(exists(dir / "k/airlock-ledger.sqlite"));
    CHECK(run_airlock("issue --key " + q(key) + " --no-ledger --ledger " + q(dir / "x") +
                      " --product p --licensee L --unbound --out " + q(dir / "b.toml"))
              .exit_code == 2);
  }
  SECTION("a ledger command never creates a ledger") {
    const auto r = run_airlock("ledger list --ledger " + q(dir / "typo.sqlite"));
    CHECK(r.exit_code == 3);
    CHECK(one_error_line(r.err));
    CHECK_FALSE(exists(dir / "typo.sqlite"));
  }
  SECTION("a ledger command with neither --ledger nor --key is a usage error") {
    const auto r = run_airlock("ledger list");
    CHECK(r.exit_code == 2);
    CHECK(one_error_line(r.err));
  }
}

TEST_CASE("a ledger that cannot be opened stops issue with exit 4 before any license is written", "[ledger][errors]") {
  temp_dir dir;
  std::string ledger;
  SECTION("a folder") {
    ledger = dir / "folder";
    REQUIRE(run("mkdir " + q(ledger)).exit_code == 0);
  }
  SECTION("not an SQLite file") {
    ledger = dir / "text.sqlite";
    write_file(ledger, "this is not a database, only some text that is long enough to look like a header\n");
  }
  SECTION("a corrupt SQLite file") {
    ledger = dir / "corrupt.sqlite";
    REQUIRE(issue(ledger, dir / "first.toml", "first").exit_code == 0);
    std::string data = read_file(ledger);
    for (std::size_t i = 100; i < data.size(); ++i) data[i] = static_cast<char>(0xA5);
    write_file(ledger, data);
  }
  SECTION("in a folder that does not exist") { ledger = dir / "missing/ledger.sqlite"; }
  SECTION("single issue") {
    const auto r = issue(ledger, dir / "out.toml", "x");
    CHECK(r.exit_code == 4);
    CHECK(one_error_line(r.err));
    CHECK(contains(r.err, ledger));
    CHECK_FALSE(exists(dir / "out.toml"));
  }
  SECTION("batch") {
    write_file(dir / "orders.csv", "licensee,id,unbound\nA,b1,yes\n");
    const auto r = run_airlock("issue --batch " + q(dir / "orders.csv") + " --key " + q(test_key()) + " --ledger " +
                               q(ledger) + " --product acme-studio --out-dir " + q(dir / "out"));
    CHECK(r.exit_code == 4);
    CHECK(one_error_line(r.err));
    CHECK(contains(r.err, ledger));
    CHECK_FALSE(exists(dir / "out/b1.toml"));
  }
}

TEST_CASE("ledger verify names an edited, a deleted and a reordered row", "[ledger][chain]") {
  temp_dir dir;
  const std::string ledger = dir / "ledger.sqlite";
  issue_three(dir, ledger);
  REQUIRE(run_airlock("revoke L1 --reason 'contract ended' --ledger " + q(ledger)).exit_code == 0);  // row 4
  const auto before = run_airlock("ledger verify --ledger " + q(ledger));
  REQUIRE(before.exit_code == 0);
  CHECK(contains(before.out, "ok: 4 rows, chain head "));
  std::string statements, row, license;
  SECTION("a date edited") {
    statements = "UPDATE licenses SET expires = '2099-12-31' WHERE license_id = 'L2';";
    row = "row 2 ", license = "L2";
  }
  SECTION("the licensee edited") {
    statements = "UPDATE licenses SET licensee = 'Someone Else' WHERE license_id = 'L2';";
    row = "row 2 ", license = "L2";
  }
  SECTION("a revocation's reason edited") {
    statements = "UPDATE chain SET detail = 'nothing' WHERE kind = 'revoke';";
    row = "row 4 ", license = "L1";
  }
  SECTION("a row deleted") {
    statements = "DELETE FROM chain WHERE row = 2; DELETE FROM licenses WHERE license_id = 'L2';";
    row = "row 2 is missing", license = "L3";
  }
  SECTION("a row deleted and the rest renumbered") {
    statements =
        "DELETE FROM chain WHERE row = 2; DELETE FROM licenses WHERE license_id = 'L2';"
        "UPDATE chain SET row = row - 1 WHERE row > 2; UPDATE licenses SET chain_row = chain_row - 1 WHERE chain_row > "
        "2;";
    row = "row 2 ", license = "L3";
  }
  SECTION("two rows swapped") {
    statements =
        "UPDATE chain SET row = -1 WHERE row = 2; UPDATE chain SET row = 2 WHERE row = 3; "
        "UPDATE chain SET row = 3 WHERE row = -1; UPDATE licenses SET chain_row = -1 WHERE chain_row = 2; "
        "UPDATE licenses SET chain_row = 2 WHERE chain_row = 3; UPDATE licenses SET chain_row = 3 WHERE chain_row = "
        "-1;";
    row = "row 2 ", license = "L3";
  }
  REQUIRE(sql(ledger, statements).exit_code == 0);
  const auto after = run_airlock("ledger verify --ledger " + q(ledger));
  INFO(after.err);
  CHECK(after.exit_code == 9);
  CHECK(one_error_line(after.err));
  CHECK(contains(after.err, row));
  CHECK(contains(after.err, license));
}

TEST_CASE("forget erases a licensee from every table and the chain still verifies", "[ledger][privacy]") {
  temp_dir dir;
  const std::string ledger = dir / "ledger.sqlite";
  const std::string name = "Erika Mustermann";
  REQUIRE(issue(ledger, dir / "e1.toml", "e1", "--licensee " + q(name) + " --meta email=erika@example.org").exit_code ==
          0);
  REQUIRE(issue(ledger, dir / "other.toml", "other").exit_code == 0);
  REQUIRE(issue(ledger, dir / "e2.toml", "e2", "--licensee " + q(name)).exit_code == 0);
  const auto held = run_airlock("ledger export --licensee " + q(name) + " --ledger " + q(ledger));
  REQUIRE(held.exit_code == 0);
  CHECK(contains(held.out, "\"license_id\":\"e1\""));
  CHECK(contains(held.out, "\"license_id\":\"e2\""));
  CHECK(contains(held.out, "erika@example.org"));
  CHECK_FALSE(contains(held.out, "\"license_id\":\"other\""));

  const auto forgot = run_airlock("ledger forget --licensee " + q(name) + " --ledger " + q(ledger));
  REQUIRE(forgot.exit_code == 0);
  CHECK(contains(forgot.out, "2 license(s)"));
  CHECK(run_airlock("ledger verify --ledger " + q(ledger)).exit_code == 0);
  const auto dump = sql(ledger, ".dump");
  REQUIRE(dump.exit_code == 0);
  CHECK_FALSE(contains(dump.out, "Erika"));
  CHECK_FALSE(contains(dump.out, "erika@example.org"));
  CHECK(contains(dump.out, "Example Corp"));  // another licensee's rows are kept
  // Not in the file's free pages or write-ahead log either.
  CHECK_FALSE(contains(read_file(ledger), "Erika"));
  CHECK_FALSE(contains(read_file(ledger + "-wal"), "Erika"));
  CHECK(contains(run_airlock("ledger export --licensee " + q(name) + " --ledger " + q(ledger)).out, "\"licenses\":[]"));
  CHECK(contains(run_airlock("ledger show e1 --ledger " + q(ledger)).out, "personal fields erased"));
  CHECK(trimmed(sql(ledger, "SELECT count(*) FROM chain WHERE kind = 'forget';").out) == "2");
}

TEST_CASE("ledger check applies the retention period to licenses that expired long enough ago", "[ledger][privacy]") {
  temp_dir dir;
  const std::string ledger = dir / "ledger.sqlite";
  REQUIRE(issue(ledger, dir / "old.toml", "old",
                "--licensee 'Old Customer' --not-before 2020-01-01 --expires 2020-01-31 --issued 2020-01-01T00:00:00Z")
              .exit_code == 0);
  REQUIRE(issue(ledger, dir / "recent.toml", "recent",
                "--licensee 'Recent Customer' --not-before " + day_from_today(-30) + " --expires " + day_from_today(-5))
              .exit_code == 0);
  REQUIRE(issue(ledger, dir / "forever.toml", "forever", "--licensee 'Perpetual Customer'").exit_code == 0);
  CHECK(contains(run_airlock("ledger retention --ledger " + q(ledger)).out, "retention: off"));
  const auto set = run_airlock("ledger retention --days 30 --ledger " + q(ledger));
  REQUIRE(set.exit_code == 0);
  CHECK(contains(set.out, "30 days"));
  const auto names = sql(ledger, "SELECT license_id, licensee FROM licenses ORDER BY chain_row;").out;
  CHECK(names == "old|(forgotten)\nrecent|Recent Customer\nforever|Perpetual Customer\n");
  CHECK(run_airlock("ledger verify --ledger " + q(ledger)).exit_code == 0);
  CHECK(trimmed(sql(ledger, "SELECT kind, number FROM chain WHERE kind != 'license' ORDER BY row;").out) ==
        "retention|30\nforget|");
  SECTION("a later license past the period is forgotten by the next command's check") {
    REQUIRE(issue(ledger, dir / "old2.toml", "old2",
                  "--licensee 'Another Old' --not-before 2021-01-01 --expires 2021-01-31 --issued 2021-01-01T00:00:00Z")
                .exit_code == 0);
    const auto checked = run_airlock("ledger check --ledger " + q(ledger));
    CHECK(checked.exit_code == 0);
    CHECK(trimmed(sql(ledger, "SELECT licensee FROM licenses WHERE license_id = 'old2';").out) == "(forgotten)");
  }
}

TEST_CASE("list, show, search, expiring and export print what the ledger holds", "[ledger][queries]") {
  temp_dir dir;
  const std::string ledger = dir / "ledger.sqlite";
  REQUIRE(issue(ledger, dir / "a.toml", "a-soon",
                "--licensee 'Alpha GmbH' --feature render --expires " + day_from_today(10) + " --limit seats=5")
              .exit_code == 0);
  REQUIRE(issue(ledger, dir / "b.toml", "b-later",
                "--licensee 'Beta and a licensee name far too long for one column' --expires " + day_from_today(60))
              .exit_code == 0);
  REQUIRE(run_airlock("issue --key " + q(test_key()) + " --ledger " + q(ledger) +
                      " --product acme-studio --licensee 'Gamma' --id c-bound --request " + q(sample_request()) +
                      " --out " + q(dir / "c.toml"))
              .exit_code == 0);
  const std::string in = " --ledger " + q(ledger);

  const auto list = run_airlock("ledger list" + in);
  REQUIRE(list.exit_code == 0);
  std::istringstream lines(list.out);
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) CHECK(line.size() <= 80);
  CHECK(count == 4);  // header + 3

  CHECK(contains(run_airlock("ledger show a-soon" + in).out, "seats=5"));
  const auto missing = run_airlock("ledger show nothing" + in);
  CHECK(missing.exit_code == 7);
  CHECK(one_error_line(missing.err));

  const auto by_name = run_airlock("ledger search --licensee alpha --json" + in);
  CHECK(contains(by_name.out, "\"license_id\":\"a-soon\""));
  CHECK_FALSE(contains(by_name.out, "b-later"));
  CHECK(contains(run_airlock("ledger search --feature render" + in).out, "a-soon"));
  const std::string hash =
      trimmed(sql(ledger, "SELECT hashes_platform FROM licenses WHERE license_id = 'c-bound';").out);
  REQUIRE(hash.size() >= 32);
  const auto by_machine = run_airlock("ledger search --machine " + hash.substr(0, 32) + in).out;
  CHECK(contains(by_machine, "c-bound"));
  CHECK_FALSE(contains(by_machine, "a-soon"));
  CHECK(contains(run_airlock("ledger search --expiring-before " + day_from_today(30) + in).out, "a-soon"));
  CHECK_FALSE(contains(run_airlock("ledger search --expiring-before " + day_from_today(30) + in).out, "b-later"));
  CHECK(contains(run_airlock("ledger search --issued-after 2000-01-01 --issued-before " + day_from_today(1) + in).out,
                 "c-bound"));
  CHECK_FALSE(contains(run_airlock("ledger search --issued-before 2000-01-01" + in).out, "c-bound"));

  const auto soon = run_airlock("ledger expiring --within 30d" + in);
  CHECK(contains(soon.out, "a-soon"));
  CHECK_FALSE(contains(soon.out, "b-later"));
  CHECK_FALSE(contains(soon.out, "c-bound"));

  const auto csv = run_airlock("ledger export --format csv" + in);
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.rfind("row,license_id,key_id,product,licensee,", 0) == 0);
  CHECK(contains(csv.out, ",a-soon,"));
  const auto json = run_airlock("ledger export --format json" + in);
  CHECK(contains(json.out, "\"license_text\":\"# Airlock license file"));
  const auto parsed =
      run("printf '%s' " + q(json.out) + " | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'");
  CHECK(trimmed(parsed.out) == "3");
}

TEST_CASE("ledger search --product finds only that product's licenses", "[ledger][queries]") {
  temp_dir dir;
  const std::string ledger = dir / "ledger.sqlite";
  REQUIRE(issue(ledger, dir / "a.toml", "studio-1").exit_code == 0);
  REQUIRE(run_airlock("issue --key " + q(test_key()) + " --ledger " + q(ledger) +
                      " --product acme-viewer --licensee 'Example Corp' --unbound --id viewer-1 --out " +
                      q(dir / "b.toml"))
              .exit_code == 0);
  const auto found = run_airlock("ledger search --product acme-viewer --ledger " + q(ledger));
  REQUIRE(found.exit_code == 0);
  CHECK(contains(found.out, "viewer-1"));
  CHECK_FALSE(contains(found.out, "studio-1"));
}

TEST_CASE("a ledger of a newer schema is refused, not migrated down or written", "[ledger][schema]") {
  temp_dir dir;
  const std::string ledger = dir / "ledger.sqlite";
  REQUIRE(issue(ledger, dir / "a.toml", "L1").exit_code == 0);
  REQUIRE(sql(ledger, "PRAGMA user_version = 99;").exit_code == 0);
  SECTION("a reading command") {
    const auto r = run_airlock("ledger list --ledger " + q(ledger));
    CHECK(r.exit_code == 4);
    CHECK(one_error_line(r.err));
    CHECK(contains(r.err, "schema version 99 is newer"));
  }
  SECTION("issue writes no license") {
    const auto r = issue(ledger, dir / "b.toml", "L2");
    CHECK(r.exit_code == 4);
    CHECK(contains(r.err, "schema version 99 is newer"));
    CHECK_FALSE(exists(dir / "b.toml"));
  }
  CHECK(trimmed(sql(ledger, "PRAGMA user_version;").out) == "99");
  CHECK(trimmed(sql(ledger, "SELECT count(*) FROM licenses;").out) == "1");
}

TEST_CASE("revoke records each license once and refuses an unknown id", "[ledger][revoke]") {
  temp_dir dir;
  const std::string ledger = dir / "ledger.sqlite";
  issue_three(dir, ledger);
  const std::string in = " --ledger " + q(ledger);
  const auto first = run_airlock("revoke L1 L2 --reason 'contract ended'" + in);
  CHECK(first.exit_code == 0);
  CHECK(first.out == "revoked L1\nrevoked L2\n");
  const auto again = run_airlock("revoke L2 --reason again" + in);
  CHECK(again.exit_code == 0);
  CHECK(contains(again.out, "L2 was already revoked"));
  const auto unknown = run_airlock("revoke L3 nope --reason x" + in);
  CHECK(unknown.exit_code == 7);
  CHECK(one_error_line(unknown.err));
  CHECK(contains(unknown.err, "'nope'"));
  CHECK(trimmed(sql(ledger, "SELECT license_id FROM chain WHERE kind = 'revoke' ORDER BY row;").out) == "L1\nL2");
  CHECK(contains(run_airlock("ledger list" + in).out, "revoked"));
  CHECK(run_airlock("revoke L3" + in).exit_code == 2);  // no --reason
  CHECK(run_airlock("ledger verify" + in).exit_code == 0);
}
