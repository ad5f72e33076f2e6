// SPDX-License-Identifier: MIT
// `airlock issue` given bad input: the documented exit code, one line on
// stderr naming the option or file at fault, and no license file at all.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "issue_support.hpp"

using namespace airlock::test::issue;
using airlock::test::exists;
using airlock::test::read_file;
using airlock::test::run;
using airlock::test::run_result;
using airlock::test::temp_dir;
using airlock::test::write_file;

namespace {

// The license must not exist, stdout must be empty, stderr one line naming `culprit`.
void check_refused(const run_result& r, int code, const std::string& culprit, const std::string& out) {
  INFO(r.err);
  CHECK(r.exit_code == code);
  CHECK(one_error_line(r.err));
  CHECK(contains(r.err, culprit));
  CHECK(r.out.empty());
  CHECK_FALSE(exists(out));
}

run_result issue_order(const temp_dir& dir, const std::string& order) { return issue(dir / "l.toml", order); }

// The test key, encrypted with "sesame" by OpenSSL (few PBKDF2 rounds: tests stay fast).
std::string encrypted_key(const temp_dir& dir) {
  const auto r = run("openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 -iter 2048 -passout pass:sesame -in " +
                     q(vendor_key()) + " -out " + q(dir / "enc.pem"));
  REQUIRE(r.exit_code == 0);
  write_file(dir / "pass", "sesame\n");
  return dir / "enc.pem";
}

// A copy of the sample request with one line replaced.
std::string edited_request(const temp_dir& dir, const std::string& from, const std::string& to) {
  std::string text = read_file(sample_request());
  REQUIRE(text.find(from) != std::string::npos);
  text.replace(text.find(from), from.size(), to);
  write_file(dir / "req.toml", text);
  return dir / "req.toml";
}

const std::string unbound_order = "--product acme-studio --licensee L --unbound ";

}  // namespace

TEST_CASE("issue without --product or --licensee is a usage error naming the option", "[issue][errors]") {
  temp_dir dir;
  check_refused(issue_order(dir, "--licensee L --unbound"), 2, "--product", dir / "l.toml");
  check_refused(issue_order(dir, "--product p --unbound"), 2, "--licensee", dir / "l.toml");
  check_refused(run_airlock("issue --key " + q(vendor_key()) + " --product p --licensee L --unbound"), 2, "--out",
                dir / "l.toml");
}

TEST_CASE("issue with both or neither of --request and --unbound is a usage error", "[issue][errors]") {
  temp_dir dir;
  check_refused(issue_order(dir, "--product acme-studio --licensee L"), 2, "--request", dir / "l.toml");
  check_refused(issue_order(dir, unbound_order + "--request " + q(sample_request())), 2, "--unbound", dir / "l.toml");
}

TEST_CASE("issue refuses dates that are not real YYYY-MM-DD days with exit code 7", "[issue][errors]") {
  temp_dir dir;
  check_refused(issue_order(dir, unbound_order + "--expires 2026-02-29"), 7, "expires '2026-02-29'", dir / "l.toml");
  check_refused(issue_order(dir, unbound_order + "--not-before tomorrow"), 7, "not-before 'tomorrow'", dir / "l.toml");
  check_refused(issue_order(dir, unbound_order + "--updates-until 2026-1-1"), 7, "updates-until '2026-1-1'",
                dir / "l.toml");
}

TEST_CASE("issue refuses an --issued that is not a UTC time as a usage error", "[issue][errors]") {
  temp_dir dir;
  check_refused(run_airlock("issue --key " + q(vendor_key()) + " " + unbound_order + "--issued 2025-03-01 --out " +
                            q(dir / "l.toml")),
                2, "--issued '2025-03-01'", dir / "l.toml");
}

TEST_CASE("issue refuses an expiry or update window before not-before", "[issue][errors]") {
  temp_dir dir;
  check_refused(issue_order(dir, unbound_order + "--not-before 2025-05-01 --expires 2025-04-30"), 7, "expires",
                dir / "l.toml");
  check_refused(issue_order(dir, unbound_order + "--not-before 2025-05-01 --updates-until 2025-04-30"), 7,
                "updates_until", dir / "l.toml");
}

TEST_CASE("issue refuses an empty product or licensee", "[issue][errors]") {
  temp_dir dir;
  check_refused(issue_order(dir, "--product '' --licensee L --unbound"), 7, "product", dir / "l.toml");
  check_refused(issue_order(dir, "--product p --licensee '' --unbound"), 7, "licensee", dir / "l.toml");
}

TEST_CASE("issue refuses feature names outside the documented syntax and duplicates", "[issue][errors]") {
  temp_dir dir;
  for (const std::string bad : {"Render", "-pro", "a b", "\xC3\xA9t\xC3\xA9", ""}) {
    INFO(bad);
    check_refused(issue_order(dir, unbound_order + "--feature " + q(bad)), 7, "feature", dir / "l.toml");
  }
  check_refused(issue_order(dir, unbound_order + "--feature pro --feature pro"), 7, "duplicate feature 'pro'",
                dir / "l.toml");
}

TEST_CASE("issue refuses a --limit that is not NAME=whole number", "[issue][errors]") {
  temp_dir dir;
  for (const std::string bad : {"seats", "=5", "seats=", "seats=-1", "seats=+1", "seats=1.5", "seats=5x",
                                "seats=99999999999999999999", "se ats=5"}) {
    INFO(bad);
    check_refused(issue_order(dir, unbound_order + "--limit " + q(bad)), 7, "limit", dir / "l.toml");
  }
  check_refused(issue_order(dir, unbound_order + "--limit seats=1 --limit seats=2"), 7, "limit 'seats' is given twice",
                dir / "l.toml");
}

TEST_CASE("issue refuses a --meta that is not NAME=TEXT", "[issue][errors]") {
  temp_dir dir;
  for (const std::string bad : {"order", "=SO-1", "or.der=1"}) {
    INFO(bad);
    check_refused(issue_order(dir, unbound_order + "--meta " + q(bad)), 7, "meta", dir / "l.toml");
  }
  check_refused(issue_order(dir, unbound_order + "--meta a=1 --meta a=2"), 7, "meta 'a' is given twice",
                dir / "l.toml");
}

TEST_CASE("issue refuses an --id outside letters, digits and . _ - or longer than 64", "[issue][errors]") {
  temp_dir dir;
  check_refused(
      run_airlock("issue --key " + q(vendor_key()) + " " + unbound_order + "--id 'a/b' --out " + q(dir / "l.toml")), 7,
      "id", dir / "l.toml");
  check_refused(run_airlock("issue --key " + q(vendor_key()) + " " + unbound_order + "--id " + std::string(65, 'a') +
                            " --out " + q(dir / "l.toml")),
                7, "id", dir / "l.toml");
}

TEST_CASE("issue with a missing key file fails with exit code 3 naming it", "[issue][errors][keys]") {
  temp_dir dir;
  check_refused(run_airlock("issue --key " + q(dir / "none.pem") + " " + unbound_order + "--out " + q(dir / "l.toml")),
                3, "none.pem", dir / "l.toml");
}

TEST_CASE("issue with a public key or a non-key as --key fails with exit code 5", "[issue][errors][keys]") {
  temp_dir dir;
  check_refused(run_airlock("issue --key " + q(vendor_pub()) + " " + unbound_order + "--out " + q(dir / "l.toml")), 5,
                "test_vendor_key.pub: is a public key", dir / "l.toml");
  write_file(dir / "junk.pem", "not a key\n");
  check_refused(run_airlock("issue --key " + q(dir / "junk.pem") + " " + unbound_order + "--out " + q(dir / "l.toml")),
                5, "junk.pem", dir / "l.toml");
}

TEST_CASE("issue signs with an encrypted key given its passphrase file", "[issue][keys]") {
  temp_dir dir;
  const std::string key = encrypted_key(dir);
  const auto r = run_airlock("issue --key " + q(key) + " --passphrase-file " + q(dir / "pass") + " " + unbound_order +
                             "--issued 2025-03-01T09:15:00Z --out " + q(dir / "l.toml"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(airlock::verify_license(read_file(dir / "l.toml"), test_trust(), offline_options()).ok());
}

TEST_CASE("issue with a wrong passphrase fails with exit code 6 naming the key", "[issue][errors][keys]") {
  temp_dir dir;
  const std::string key = encrypted_key(dir);
  write_file(dir / "wrong", "open sesame\n");
  check_refused(run_airlock("issue --key " + q(key) + " --passphrase-file " + q(dir / "wrong") + " " + unbound_order +
                            "--out " + q(dir / "l.toml")),
                6, "enc.pem: wrong passphrase", dir / "l.toml");
}

TEST_CASE("issue with an encrypted key and no passphrase source fails with exit code 6", "[issue][errors][keys]") {
  temp_dir dir;
  const std::string key = encrypted_key(dir);
  check_refused(run_airlock("issue --key " + q(key) + " " + unbound_order + "--out " + q(dir / "l.toml")), 6,
                "enc.pem: no passphrase", dir / "l.toml");
}

TEST_CASE("issue never replaces an existing file without --force", "[issue][errors]") {
  temp_dir dir;
  write_file(dir / "l.toml", "keep me");
  const auto r = issue_unbound(dir / "l.toml");
  CHECK(r.exit_code == 4);
  CHECK(one_error_line(r.err));
  CHECK(contains(r.err, "l.toml: already exists"));
  CHECK(read_file(dir / "l.toml") == "keep me");
  CHECK(airlock::test::count_entries(dir.path()) == 1);
}

TEST_CASE("issue into a folder that does not exist fails with exit code 4", "[issue][errors]") {
  temp_dir dir;
  check_refused(issue_unbound(dir / "no/such/l.toml"), 4, "no/such/l.toml", dir / "no/such/l.toml");
}

TEST_CASE("issue with a missing request file fails with exit code 3 naming it", "[issue][errors][request]") {
  temp_dir dir;
  check_refused(issue_order(dir, "--product acme-studio --licensee L --request " + q(dir / "none.toml")), 3,
                "none.toml", dir / "l.toml");
}

TEST_CASE("issue refuses a request for another product", "[issue][errors][request]") {
  temp_dir dir;
  check_refused(issue_order(dir, "--product other --licensee L --request " + q(sample_request())), 7,
                "request.toml: is for product 'acme-studio', not 'other'", dir / "l.toml");
}

TEST_CASE("issue refuses a request made for another vendor key", "[issue][errors][request]") {
  temp_dir dir;
  const std::string req = edited_request(dir, "key_id = \"" + test_key_id + "\"", "key_id = \"0123456789abcdef\"");
  check_refused(issue_order(dir, "--product acme-studio --licensee L --request " + q(req)), 7,
                "req.toml: was made for vendor key 0123456789abcdef", dir / "l.toml");
}

TEST_CASE("issue refuses a malformed request with its line and column", "[issue][errors][request]") {
  temp_dir dir;
  const std::string req = edited_request(dir, "format = 1", "format=1");
  check_refused(issue_order(dir, "--product acme-studio --licensee L --request " + q(req)), 7,
                "req.toml: line 4, column", dir / "l.toml");
}

TEST_CASE("issue refuses a request whose environment is container without --allow-container",
          "[issue][errors][request]") {
  temp_dir dir;
  const std::string req = edited_request(dir, "environment = \"vm\"", "environment = \"container\"");
  check_refused(issue_order(dir, "--product acme-studio --licensee L --request " + q(req)), 7, "--allow-container",
                dir / "l.toml");
}

TEST_CASE("issue refuses an order whose license would exceed 65536 bytes and writes nothing", "[issue][errors]") {
  temp_dir dir;
  std::string meta;
  for (int i = 0; i < 64; ++i) meta += " --meta m" + std::to_string(100 + i) + "=" + std::string(1024, 'x');
  check_refused(issue_order(dir, unbound_order + meta), 7, "a license file holds at most 65536", dir / "l.toml");
  // Just under the limit it is written, and it verifies.
  std::string fits;
  for (int i = 0; i < 60; ++i) fits += " --meta m" + std::to_string(100 + i) + "=" + std::string(1000, 'x');
  const auto written = issue_order(dir, unbound_order + fits);
  INFO(written.err);
  CHECK(written.exit_code == 0);
  CHECK(read_file(dir / "l.toml").size() <= 65536);
}

TEST_CASE("issue refuses year 0000, which tomllib cannot read, and accepts 0001 and 9999", "[issue][errors]") {
  temp_dir dir;
  check_refused(issue_order(dir, unbound_order + "--not-before 0000-12-31"), 7, "0000-12-31", dir / "l.toml");
  const auto early = issue(dir / "a.toml", unbound_order + "--not-before 0001-01-01 --expires 9999-12-31");
  INFO(early.err);
  CHECK(early.exit_code == 0);
}

TEST_CASE("issue refuses a FIFO as key, request or passphrase file at once with exit code 3", "[issue][errors]") {
  temp_dir dir;
  const std::string fifo = dir / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::string args;
  SECTION("key") { args = "--key " + q(fifo) + " " + unbound_order; }
  SECTION("request") { args = "--key " + q(vendor_key()) + " --product acme-studio --licensee L --request " + q(fifo); }
  SECTION("passphrase file") {
    args = "--key " + q(encrypted_key(dir)) + " --passphrase-file " + q(fifo) + " " + unbound_order;
  }
  // `timeout`: a tool that waits for a writer would otherwise hang the suite; it then exits 124.
  const run_result r = run("timeout 20 " + airlock_cmd("issue " + args + " --out " + q(dir / "l.toml")));
  check_refused(r, 3, fifo + ": not a regular file", dir / "l.toml");
}

TEST_CASE("issue never writes over its own key, request or passphrase file, even with --force", "[issue][errors]") {
  temp_dir dir;
  write_file(dir / "key.pem", read_file(vendor_key()));
  write_file(dir / "req.toml", read_file(sample_request()));
  write_file(dir / "pass", "unused\n");
  const std::string key = " --key " + q(dir / "key.pem") + " --passphrase-file " + q(dir / "pass");
  const std::string order = " --product acme-studio --licensee L --request " + q(dir / "req.toml") + " --force";
  std::string out;
  SECTION("the key") { out = dir / "key.pem"; }
  SECTION("the key under another name") { out = dir / "./key.pem"; }
  SECTION("the request") { out = dir / "req.toml"; }
  SECTION("the passphrase file") { out = dir / "pass"; }
  const auto r = run_airlock("issue" + key + order + " --out " + q(out));
  INFO(r.err);
  CHECK(r.exit_code == 4);
  CHECK(one_error_line(r.err));
  CHECK(contains(r.err, "is also this command's input"));
  CHECK(r.out.empty());
  CHECK(read_file(dir / "key.pem") == read_file(vendor_key()));
  CHECK(read_file(dir / "req.toml") == read_file(sample_request()));
  CHECK(read_file(dir / "pass") == "unused\n");
  CHECK(airlock::test::count_entries(dir.path()) == 3);
}

TEST_CASE("issue --force never replaces a file that holds a private key", "[issue][errors]") {
  temp_dir dir;
  const std::string other_key = read_file(source_file("formats/vectors/other_key.pem"));
  write_file(dir / "l.toml", other_key);
  const auto r = issue_unbound(dir / "l.toml", "--force");
  CHECK(r.exit_code == 4);
  CHECK(one_error_line(r.err));
  CHECK(contains(r.err, "l.toml: holds a private key; --force never replaces a key"));
  CHECK(read_file(dir / "l.toml") == other_key);
  CHECK(airlock::test::count_entries(dir.path()) == 1);
}

TEST_CASE("issue --force replaces an earlier license", "[issue]") {
  temp_dir dir;
  write_file(dir / "l.toml", "old license");
  REQUIRE(issue_unbound(dir / "l.toml", "--force").exit_code == 0);
  CHECK(contains(read_file(dir / "l.toml"), "licensee = \"Example Corp\""));
  CHECK(airlock::test::count_entries(dir.path()) == 1);
}

TEST_CASE("A file option given an option-looking value is a usage error that creates nothing", "[issue][errors]") {
  temp_dir dir;
  std::string options;
  SECTION("--out --force") { options = "--product p --licensee L --unbound --out --force"; }
  SECTION("--passphrase-file --force") {
    options = "--passphrase-file --force --product p --licensee L --unbound --out l.toml";
  }
  SECTION("--request --unbound") { options = "--product p --licensee L --request --unbound --out l.toml"; }
  const auto r = run("cd " + q(dir.path()) + " && " + airlock_cmd("issue --key " + q(vendor_key()) + " " + options));
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(one_error_line(r.err));
  CHECK(contains(r.err, "looks like an option"));
  CHECK(airlock::test::count_entries(dir.path()) == 0);
}

TEST_CASE("issue usage errors are one line that points to --help", "[issue][errors]") {
  temp_dir dir;
  std::string options;
  SECTION("an unknown option") { options = "--bogus"; }
  SECTION("an option without its value") { options = "--out"; }
  SECTION("a value where none is taken") { options = "--unbound=yes"; }
  const auto r = run_airlock("issue " + options);
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(one_error_line(r.err));
  CHECK(contains(r.err, "(see: airlock issue --help)"));
}

TEST_CASE("issue with an empty --id refuses rather than choosing a random id", "[issue][errors]") {
  temp_dir dir;
  check_refused(
      run_airlock("issue --key " + q(vendor_key()) + " " + unbound_order + "--id '' --out " + q(dir / "l.toml")), 7,
      "--id is empty", dir / "l.toml");
}

TEST_CASE("issue --batch refuses a --jobs count that is negative or absurd as a usage error", "[issue][errors]") {
  temp_dir dir;
  write_file(dir / "orders.csv", "licensee,unbound\nA,yes\n");
  const std::string jobs = GENERATE(as<std::string>{}, "-1", "1025", "4294967295", "x");
  const auto r = run_airlock("issue --key " + q(vendor_key()) + " --product p --batch " + q(dir / "orders.csv") +
                             " --out-dir " + q(dir / "out") + " --jobs " + jobs);
  INFO(jobs << ": " << r.err);
  CHECK(r.exit_code == 2);
  CHECK(one_error_line(r.err));
  CHECK(contains(r.err, "--jobs"));
  CHECK_FALSE(exists(dir / "out"));
}

TEST_CASE("issue past the file size limit (ulimit -f) reports the write error instead of dying", "[issue][errors]") {
  temp_dir dir;
  const auto r = run(airlock::test::without_file_growth(
      airlock_cmd("issue --key " + q(vendor_key()) + " --no-ledger " + unbound_order + "--out " + q(dir / "l.toml"))));
  INFO(r.err);
  CHECK(r.exit_code == 4);
  CHECK(one_error_line(r.err));
  CHECK(contains(r.err, "l.toml: write failed: File too large"));
  CHECK(airlock::test::count_entries(dir.path()) == 0);
}
