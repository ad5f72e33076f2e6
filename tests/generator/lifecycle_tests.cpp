// SPDX-License-Identifier: MIT
// `airlock renew`, `airlock rehost` and `airlock revocations`, end to end through the tools and the
// ledger, checked with the library verifier.
#include <catch2/catch.hpp>

#include <ctime>
#include <string>
#include <vector>

#include "airlock/choose.hpp"
#include "airlock/crypto/sha2.hpp"
#include "airlock/format/encoding.hpp"
#include "airlock/format/format.hpp"
#include "airlock/format/revocations.hpp"
#include "airlock/format/writers.hpp"
#include "issue_support.hpp"
#include "ledger/ledger.hpp"

using namespace airlock;
using namespace airlock::test;
using namespace airlock::test::issue;

namespace {

// A vendor's desk: the test key, a ledger of its own, and a folder for files.
struct desk {
  temp_dir dir;
  std::string ledger = dir / "ledger.sqlite";

  run_result airlock(const std::string& args) const {
    return run_airlock(args + " --key " + q(vendor_key()) + " --ledger " + q(ledger));
  }
  // A license bound to `request`, expiring in 400 days (the tools check it on today's clock); prints its id.
  std::string issue_bound(const std::string& name, const std::string& request = sample_request()) const {
    const auto in_400_days =
        format::utc_time{static_cast<std::int64_t>(std::time(nullptr)) + 400 * format::seconds_per_day};
    const auto r = airlock("issue --product acme-studio --licensee 'Example Corp' --request " + q(request) +
                           " --expires " + format::to_string(format::utc_date(in_400_days)) +
                           " --feature render --limit seats=5 --out " + q(dir / name));
    REQUIRE(r.exit_code == 0);
    return r.out.substr(0, r.out.size() - 1);
  }
  format::license read(const std::string& name) const {
    const auto parsed = format::parse_license_file(read_file(dir / name));
    REQUIRE(parsed.ok());
    return parsed.value->content;
  }
  ledger::entry entry(const std::string& id) const {
    auto book = ledger::ledger::open(ledger);
    auto found = book.find(id);
    REQUIRE(found);
    return *found;
  }
};

format::component_class class_named(const std::string& name) {
  for (const format::component_class c : format::all_component_classes)
    if (format::to_string(c) == name) return c;
  FAIL("no class " << name);
  return format::component_class::platform;
}

std::string last_line(const std::string& out) {
  const std::size_t end = out.size() - 1;
  return out.substr(out.rfind('\n', end - 1) + 1, end - out.rfind('\n', end - 1) - 1);
}

// A re-host request for `license_id`: the machine of `base` (the sample request's), with the classes
// in `changed` given other hashes.
std::string rehost_request(const desk& d, const std::string& license_id, const std::vector<std::string>& changed,
                           const std::string& name = "rehost.toml", const std::string& base = sample_request()) {
  auto req = format::parse_request(read_file(base));
  REQUIRE(req.ok());
  req.value->replaces = license_id;
  for (const std::string& c : changed) {
    // Another part for each license and class, so that every generation moves to a new machine.
    const std::string seed = license_id + "/" + c;
    const auto digest = airlock::sha256_digest(reinterpret_cast<const std::uint8_t*>(seed.data()), seed.size());
    req.value->machine[class_named(c)] = {"a" + format::hex_encode(digest).substr(0, 31)};
  }
  const auto text = format::write_request(*req.value);
  REQUIRE(text.ok());
  write_file(d.dir / name, text.text);
  return d.dir / name;
}

// The sample request's machine with a board as well, so that every class can change.
std::string with_board(const desk& d) {
  auto req = format::parse_request(read_file(sample_request()));
  REQUIRE(req.ok());
  req.value->machine[format::component_class::board] = {"b0a2d0b0a2d0b0a2d0b0a2d0b0a2d0b0"};
  const auto text = format::write_request(*req.value);
  REQUIRE(text.ok());
  write_file(d.dir / "with-board.toml", text.text);
  return d.dir / "with-board.toml";
}

}  // namespace

TEST_CASE("renew issues a successor that supersedes the old license and keeps its machine", "[lifecycle][renew]") {
  desk d;
  const std::string old_id = d.issue_bound("old.toml");
  const auto r = d.airlock("renew " + q(d.dir / "old.toml") +
                           " --expires 2028-01-31 --feature +export --feature -render --limit seats=9 --out " +
                           q(d.dir / "new.toml"));
  REQUIRE(r.exit_code == 0);
  const format::license old = d.read("old.toml"), next = d.read("new.toml");
  CHECK(next.id == last_line(r.out));
  CHECK(next.id != old.id);
  CHECK(next.supersedes == old_id);
  CHECK(next.licensee == old.licensee);
  CHECK(next.machine == old.machine);
  CHECK(next.not_before == old.not_before);
  CHECK(next.expires == format::parse_date("2028-01-31"));
  CHECK(next.features == std::vector<std::string>{"export"});
  REQUIRE(next.limits.size() == 1);
  CHECK(next.limits[0].value == 9);
  const ledger::entry row = d.entry(next.id);
  CHECK(row.operation == "renew");
  CHECK(row.supersedes == old_id);
}

TEST_CASE("renew finds a license by its id in the ledger", "[lifecycle][renew]") {
  desk d;
  const std::string old_id = d.issue_bound("old.toml");
  REQUIRE(d.airlock("renew " + old_id + " --out " + q(d.dir / "new.toml")).exit_code == 0);
  CHECK(d.read("new.toml").supersedes == old_id);
}

TEST_CASE("renew and rehost write the maintenance date and the minimum revocation list they are given",
          "[lifecycle][renew][rehost]") {
  desk d;
  const std::string old_id = d.issue_bound("old.toml");
  REQUIRE(d.airlock("renew " + old_id + " --updates-until 2027-06-30 --min-revocations 4 --out " +
                    q(d.dir / "renewed.toml"))
              .exit_code == 0);
  const format::license renewed = d.read("renewed.toml");
  CHECK(renewed.updates_until == format::parse_date("2027-06-30"));
  CHECK(renewed.min_revocation_sequence == 4u);
  // The product must now hold list 4 or newer: without one it refuses the license.
  const auto unlisted = run_airlock("verify " + q(d.dir / "renewed.toml") + " --pubkey " + q(vendor_pub()) +
                                    " --product acme-studio --no-machine");
  CHECK(unlisted.exit_code == 24);
  const auto r = d.airlock("rehost " + q(rehost_request(d, renewed.id, {"disk"})) + " --min-revocations 5 --out " +
                           q(d.dir / "rehosted.toml"));
  REQUIRE(r.exit_code == 0);
  CHECK(d.read("rehosted.toml").min_revocation_sequence == 5u);
}

TEST_CASE("The ledger marks a renewed license superseded and names its successor", "[lifecycle][renew]") {
  desk d;
  const std::string old_id = d.issue_bound("old.toml");
  const auto renewed = d.airlock("renew " + old_id + " --out " + q(d.dir / "new.toml"));
  REQUIRE(renewed.exit_code == 0);
  const std::string new_id = last_line(renewed.out);
  CHECK(d.entry(old_id).superseded_by == new_id);
  CHECK(d.entry(new_id).superseded_by.empty());
  const auto list = run_airlock("ledger list --ledger " + q(d.ledger));
  REQUIRE(list.exit_code == 0);
  const std::size_t row = list.out.find(old_id);
  REQUIRE(row != std::string::npos);
  CHECK(list.out.substr(row, list.out.find('\n', row) - row).find("superseded") != std::string::npos);
  CHECK(contains(run_airlock("ledger show " + old_id + " --ledger " + q(d.ledger)).out, "superseded by " + new_id));
  CHECK(contains(run_airlock("ledger show " + old_id + " --json --ledger " + q(d.ledger)).out,
                 "\"superseded_by\":\"" + new_id + "\""));
}

TEST_CASE("renew refuses what it cannot trust or has already replaced", "[lifecycle][renew]") {
  desk d;
  const std::string old_id = d.issue_bound("old.toml");
  SECTION("an edited license file") {
    std::string text = read_file(d.dir / "old.toml");
    text.replace(text.find("Example Corp"), 12, "Example Inc.");
    write_file(d.dir / "edited.toml", text);
    const auto r = d.airlock("renew " + q(d.dir / "edited.toml") + " --out " + q(d.dir / "new.toml"));
    CHECK(r.exit_code == 7);
    CHECK(contains(r.err, "not a license signed by this key"));
  }
  SECTION("a license already renewed") {
    REQUIRE(d.airlock("renew " + old_id + " --out " + q(d.dir / "new.toml")).exit_code == 0);
    const auto r = d.airlock("renew " + old_id + " --out " + q(d.dir / "again.toml"));
    CHECK(r.exit_code == 7);
    CHECK(contains(r.err, "already replaced"));
  }
  SECTION("an id the ledger does not hold") {
    const auto r = d.airlock("renew no-such-id --out " + q(d.dir / "new.toml"));
    CHECK(r.exit_code == 7);
    CHECK(one_error_line(r.err));
  }
  CHECK_FALSE(exists(d.dir / "again.toml"));
}

TEST_CASE("Three generations: the product uses the newest and ignores the old ones", "[lifecycle][renew]") {
  desk d;
  const std::string first = d.issue_bound("1.toml");
  REQUIRE(d.airlock("renew " + first + " --expires 2040-01-31 --out " + q(d.dir / "2.toml")).exit_code == 0);
  const std::string second = d.read("2.toml").id;
  REQUIRE(d.airlock("renew " + second + " --expires 2041-01-31 --out " + q(d.dir / "3.toml")).exit_code == 0);
  verify_options options = offline_options();
  options.now.reset();  // the licenses are issued now
  const license_choice c =
      verify_license_files({d.dir / "3.toml", d.dir / "1.toml", d.dir / "2.toml"}, test_trust(), options);
  REQUIRE(c.ok());
  CHECK(c.path == d.dir / "3.toml");
  CHECK(c.result.license.expires == format::parse_date("2041-01-31"));
  // The middle generation links the first to the last: without it, 1.toml would not be superseded.
  const auto tool = run(q(test::tool("airlock-verify")) + " " + q(d.dir / "1.toml") + " " + q(d.dir / "2.toml") + " " +
                        q(d.dir / "3.toml") + " --pubkey " + q(vendor_pub()) + " --no-machine");
  CHECK(tool.exit_code == 0);
  CHECK(contains(tool.out, "used:      " + d.dir / "3.toml"));
  CHECK(contains(tool.out, "1.toml: superseded"));
}

TEST_CASE("rehost after one or two changed parts issues a successor for the new machine", "[lifecycle][rehost]") {
  desk d;
  const std::string machine = with_board(d);
  const std::string old_id = d.issue_bound("old.toml", machine);
  std::vector<std::string> changed;
  SECTION("platform") { changed = {"platform"}; }
  SECTION("disk") { changed = {"disk"}; }
  SECTION("nic") { changed = {"nic"}; }
  SECTION("os") { changed = {"os"}; }
  SECTION("board") { changed = {"board"}; }
  SECTION("disk and os") { changed = {"disk", "os"}; }
  const auto r = d.airlock("rehost " + q(rehost_request(d, old_id, changed, "rehost.toml", machine)) + " --out " +
                           q(d.dir / "new.toml"));
  REQUIRE(r.exit_code == 0);
  for (const char* c : {"platform", "disk", "nic", "os", "board"}) {
    const bool is_changed = std::find(changed.begin(), changed.end(), c) != changed.end();
    CHECK(contains(r.out, std::string("  ") + c + ": " + (is_changed ? "changed" : "same")));
  }
  const format::license next = d.read("new.toml");
  CHECK(next.supersedes == old_id);
  CHECK(next.id == last_line(r.out));
  for (const std::string& c : changed) CHECK(next.machine.hashes[class_named(c)][0][0] == 'a');
  CHECK(d.entry(old_id).revoked);
  CHECK(d.entry(next.id).operation == "rehost");
}

TEST_CASE("rehost keeps to the budget unless forced with a recorded reason", "[lifecycle][rehost]") {
  desk d;
  std::string id = d.issue_bound("0.toml");
  for (int i = 1; i <= 3; ++i) {
    const std::string out = d.dir / (std::to_string(i) + ".toml");
    const auto r = d.airlock("rehost " + q(rehost_request(d, id, {"disk"})) + " --out " + q(out));
    REQUIRE(r.exit_code == 0);
    id = last_line(r.out);
  }
  const std::string request = rehost_request(d, id, {"disk"});
  const auto over = d.airlock("rehost " + q(request) + " --out " + q(d.dir / "4.toml"));
  CHECK(over.exit_code == 7);
  CHECK(contains(over.err, "re-hosted 3 time(s) in the last 365 days"));
  CHECK_FALSE(exists(d.dir / "4.toml"));
  CHECK(d.airlock("rehost " + q(request) + " --force --out " + q(d.dir / "4.toml")).exit_code == 2);
  const auto forced =
      d.airlock("rehost " + q(request) + " --force --reason 'mainboard died twice' --out " + q(d.dir / "4.toml"));
  REQUIRE(forced.exit_code == 0);
  CHECK(d.entry(last_line(forced.out)).note == "forced: mainboard died twice");
  SECTION("a larger budget is the vendor's choice") {
    const std::string again = rehost_request(d, last_line(forced.out), {"os"}, "again.toml");
    CHECK(d.airlock("rehost " + q(again) + " --budget 10 --out " + q(d.dir / "5.toml")).exit_code == 0);
  }
}

TEST_CASE("rehost refuses a request that replaces nothing it can re-host", "[lifecycle][rehost]") {
  desk d;
  const std::string old_id = d.issue_bound("old.toml");
  std::string request;
  std::string expected;
  SECTION("an ordinary request") {
    request = sample_request();
    expected = "names no license to replace";
  }
  SECTION("an unknown license") {
    request = rehost_request(d, "not-issued-here", {"disk"});
    expected = "not in the ledger";
  }
  SECTION("the machine the license is already bound to") {
    request = rehost_request(d, old_id, {});
    expected = "no class changed";
  }
  SECTION("a license re-hosted already") {
    REQUIRE(d.airlock("rehost " + q(rehost_request(d, old_id, {"disk"})) + " --out " + q(d.dir / "1.toml")).exit_code ==
            0);
    request = rehost_request(d, old_id, {"os"}, "second.toml");
    expected = "revoked";
  }
  const auto r = d.airlock("rehost " + q(request) + " --out " + q(d.dir / "new.toml"));
  CHECK(r.exit_code == 7);
  CHECK(one_error_line(r.err));
  CHECK(contains(r.err, expected));
  CHECK_FALSE(exists(d.dir / "new.toml"));
}

TEST_CASE("revocations signs the next list with every revoked license of the product", "[lifecycle][revocations]") {
  desk d;
  const std::string a = d.issue_bound("a.toml");
  const std::string b = d.issue_bound("b.toml");
  REQUIRE(d.airlock("revoke " + a + " --reason 'contract ended'").exit_code == 0);
  REQUIRE(d.airlock("revocations --product acme-studio --out " + q(d.dir / "r1.toml")).exit_code == 0);
  REQUIRE(d.airlock("revoke " + b + " --reason leaked").exit_code == 0);
  const auto second = d.airlock("revocations --product acme-studio --out " + q(d.dir / "r2.toml"));
  REQUIRE(second.exit_code == 0);
  CHECK(contains(second.out, "revocation list 2 for acme-studio: 2 license(s)"));
  const auto opened = format::open_revocation_list(read_file(d.dir / "r2.toml"));
  REQUIRE(opened.ok());
  const auto list = format::read_revocations_content(*opened.value);
  REQUIRE(list.ok());
  CHECK(list.value->sequence == 2);
  std::vector<std::string> both = {a, b};
  std::sort(both.begin(), both.end());
  CHECK(list.value->revoked == both);
  SECTION("the output is never replaced") {
    const auto again = d.airlock("revocations --product acme-studio --out " + q(d.dir / "r2.toml"));
    CHECK(again.exit_code == 4);
  }
}

TEST_CASE("A revoked license among a product's files is passed over for a valid one", "[lifecycle][revocations]") {
  desk d;
  const std::string a = d.issue_bound("a.toml");
  (void)d.issue_bound("b.toml");
  REQUIRE(d.airlock("revoke " + a + " --reason leaked").exit_code == 0);
  REQUIRE(d.airlock("revocations --product acme-studio --out " + q(d.dir / "revoked.toml")).exit_code == 0);
  verify_options options = offline_options();
  options.now.reset();  // the licenses are issued now
  options.revocation_list_file = d.dir / "revoked.toml";
  const license_choice c = verify_license_files({d.dir / "a.toml", d.dir / "b.toml"}, test_trust(), options);
  REQUIRE(c.ok());
  CHECK(c.path == d.dir / "b.toml");
  CHECK(c.files[0].result.why == reason::revoked);
  const auto tool = run(q(test::tool("airlock-verify")) + " " + q(d.dir / "a.toml") + " --pubkey " + q(vendor_pub()) +
                        " --no-machine --revocations " + q(d.dir / "revoked.toml"));
  CHECK(tool.exit_code == 22);
  CHECK(contains(tool.err, "revoked: the vendor revoked license " + a));
}

TEST_CASE("A machine mismatch prints the command that makes a re-host request", "[lifecycle][rehost]") {
  desk d;
  (void)d.issue_bound("old.toml");  // bound to the sample request's machine, not this one
  const auto r =
      run(q(test::tool("airlock-verify")) + " " + q(d.dir / "old.toml") + " --pubkey " + q(vendor_pub()) + "");
  if (r.exit_code == 20) {
    WARN("this machine cannot check a binding (a container without host hardware): " + r.err);
    return;
  }
  CHECK(r.exit_code == 19);
  CHECK(contains(r.out, "airlock-hwid request --rehost " + d.dir / "old.toml" + " --out rehost-request.toml"));
}
