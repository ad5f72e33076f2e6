// SPDX-License-Identifier: MIT
// `airlock issue --batch`: one license per CSV row, bad rows reported by line
// number while the others are issued, exit code 8 for a partial batch.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <vector>

#include "issue_support.hpp"

using namespace airlock::test::issue;
using airlock::test::count_entries;
using airlock::test::exists;
using airlock::test::read_file;
using airlock::test::run_result;
using airlock::test::temp_dir;
using airlock::test::write_file;

namespace {

run_result batch(const temp_dir& dir, const std::string& csv, const std::string& extra = "") {
  write_file(dir / "orders.csv", csv);
  return run_airlock("issue --batch " + q(dir / "orders.csv") + " --key " + q(vendor_key()) + " --out-dir " +
                     q(dir / "out") + " --issued 2025-03-01T09:15:00Z " + extra);
}

std::vector<std::string> stderr_lines(const std::string& err) {
  std::vector<std::string> lines;
  for (std::size_t start = 0; start < err.size();) {
    const std::size_t end = err.find('\n', start);
    lines.push_back(err.substr(start, end - start));
    start = end == std::string::npos ? err.size() : end + 1;
  }
  return lines;
}

airlock::verify_result verified(const std::string& path) {
  return airlock::verify_license(read_file(path), test_trust(), offline_options());
}

const std::string header = "licensee,product,id,expires,features,limits,request,unbound,file\n";

// `rows` unbound orders L0, L1, ... with random ids.
std::string unbound_orders(int rows) {
  std::string csv = "licensee,unbound\n";
  for (int i = 0; i < rows; ++i) csv += "L" + std::to_string(i) + ",yes\n";
  return csv;
}

}  // namespace

TEST_CASE("A batch with bad rows issues the good ones, reports each bad line and exits 8", "[batch]") {
  temp_dir dir;
  write_file(dir / "req.toml", read_file(sample_request()));
  const auto r = batch(dir, header +
                                "Good One,acme-studio,g1,2026-01-01,render;export.pdf,seats=5,,yes,\n"  // line 2
                                "Bad Date,acme-studio,g2,2026-02-30,,,,yes,\n"                          // line 3
                                ",acme-studio,g3,,,,,yes,\n"                                            // line 4
                                "Bad Feature,acme-studio,g4,,Render,,,yes,\n"                           // line 5
                                "No Request,acme-studio,g5,,,,missing.toml,,\n"                         // line 6
                                "Too,few,fields\n"                                                      // line 7
                                "Bound,acme-studio,g6,,,,req.toml,,bound.toml\n");                      // line 8
  CHECK(r.exit_code == 8);
  const auto lines = stderr_lines(r.err);
  REQUIRE(lines.size() == 6);
  const std::string csv = dir / "orders.csv";
  CHECK(lines[0] == "airlock: error: " + csv + ":3: expires '2026-02-30' is not a date (YYYY-MM-DD)");
  CHECK(lines[1] == "airlock: error: " + csv + ":4: licensee must not be empty");
  CHECK(lines[2] == "airlock: error: " + csv + ":5: feature 'Render' must start with a lowercase letter or digit");
  CHECK(contains(lines[3], csv + ":6: " + dir.path() + "/missing.toml: cannot open"));
  CHECK(lines[4] == "airlock: error: " + csv + ":7: expected 9 fields, found 3");
  CHECK(contains(lines[5], "airlock: issued 2 license(s) into " + dir / "out" + ", 5 row(s) failed"));
  CHECK(count_entries(dir / "out") == 2);
  CHECK(verified(dir / "out/g1.toml").ok());
  CHECK(verified(dir / "out/g1.toml").limit("seats") == 5);
  CHECK(verified(dir / "out/bound.toml").license.machine.hashes.nic.size() == 2);  // the request beside the CSV
}

TEST_CASE("A batch of good rows exits 0 with one file per row named by file, id or random id", "[batch]") {
  temp_dir dir;
  const auto r = batch(dir,
                       "licensee,unbound,id,file,meta\n"
                       "\"ACME, Inc. \"\"West\"\"\",yes,,acme.toml,order=SO-1;region=eu\n"
                       "Globex,yes,globex-1,,\n"
                       "Initech,yes,,,\n",
                       "--product acme-studio");
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(stderr_lines(r.err).size() == 1);  // the summary only
  REQUIRE(count_entries(dir / "out") == 3);
  const auto acme = verified(dir / "out/acme.toml");
  CHECK(acme.ok());
  CHECK(acme.license.licensee == "ACME, Inc. \"West\"");
  CHECK(acme.license.meta.size() == 2);
  CHECK(verified(dir / "out/globex-1.toml").license.licensee == "Globex");
}

TEST_CASE("A batch whose header names an unknown column exits 7 and writes nothing", "[batch][errors]") {
  temp_dir dir;
  const auto r = batch(dir, "licensee,colour\nACME,red\n", "--product p");
  CHECK(r.exit_code == 7);
  CHECK(one_error_line(r.err));
  CHECK(contains(r.err, "orders.csv: line 1: unknown column 'colour'"));
  CHECK_FALSE(exists(dir / "out"));
}

TEST_CASE("A batch without a licensee column or with an empty file exits 7", "[batch][errors]") {
  temp_dir dir;
  const auto missing = batch(dir, "product,unbound\np,yes\n");
  CHECK(missing.exit_code == 7);
  CHECK(contains(missing.err, "missing column 'licensee'"));
  const auto empty = batch(dir, "");
  CHECK(empty.exit_code == 7);
  CHECK(contains(empty.err, "empty file"));
  CHECK_FALSE(exists(dir / "out"));
}

TEST_CASE("A batch whose orders file is missing exits 3 and without --out-dir exits 2", "[batch][errors]") {
  temp_dir dir;
  const auto missing = run_airlock("issue --batch " + q(dir / "none.csv") + " --key " + q(vendor_key()) +
                                   " --out-dir " + q(dir / "out"));
  CHECK(missing.exit_code == 3);
  CHECK(contains(missing.err, "none.csv"));
  write_file(dir / "orders.csv", "licensee\nA\n");
  CHECK(run_airlock("issue --batch " + q(dir / "orders.csv") + " --key " + q(vendor_key())).exit_code == 2);
}

TEST_CASE("Rows naming the same output file: the first is issued and each later one reported", "[batch][duplicates]") {
  temp_dir dir;
  // Many pairs on two threads: the outcome must not depend on which thread is faster.
  std::string csv = "licensee,id,file,unbound\n";
  for (int i = 0; i < 100; ++i) {
    csv += "First " + std::to_string(i) + ",,f" + std::to_string(i) + ".toml,yes\n";
    csv += "Second " + std::to_string(i) + ",,f" + std::to_string(i) + ".toml,yes\n";
  }
  csv += "By id,same,,yes\nAgain by id,same,,yes\n";
  const auto r = batch(dir, csv, "--product acme-studio --jobs 2");
  CHECK(r.exit_code == 8);
  CHECK(count_entries(dir / "out") == 101);
  int reported = 0;
  for (const auto& line : stderr_lines(r.err)) reported += contains(line, "is already written by line") ? 1 : 0;
  CHECK(reported == 101);
  CHECK(contains(r.err, ":203: output file 'same.toml' is already written by line 202"));
  bool all_first = true;
  for (int i = 0; i < 100; ++i)
    all_first = all_first && verified(dir / ("out/f" + std::to_string(i) + ".toml")).license.licensee ==
                                 "First " + std::to_string(i);
  CHECK(all_first);
}

TEST_CASE("A batch never replaces a license already in the output folder", "[batch][duplicates]") {
  temp_dir dir;
  airlock::test::run("mkdir " + q(dir / "out"));
  write_file(dir / "out/taken.toml", "keep me");
  const auto r = batch(dir, "licensee,file,unbound\nA,taken.toml,yes\nB,free.toml,yes\n", "--product acme-studio");
  CHECK(r.exit_code == 8);
  CHECK(contains(r.err, "orders.csv:2: " + dir / "out/taken.toml" + ": already exists"));
  CHECK(read_file(dir / "out/taken.toml") == "keep me");
  CHECK(verified(dir / "out/free.toml").ok());
}

TEST_CASE("A batch refuses output names that are paths", "[batch][errors]") {
  temp_dir dir;
  const auto r = batch(dir, "licensee,file,unbound\nA,../escape.toml,yes\nB,.hidden,yes\n", "--product acme-studio");
  CHECK(r.exit_code == 8);
  CHECK(contains(r.err, "orders.csv:2: file '../escape.toml' must be a plain file name"));
  CHECK(contains(r.err, "orders.csv:3: file '.hidden' must be a plain file name"));
  CHECK_FALSE(exists(dir / "escape.toml"));
  CHECK(count_entries(dir / "out") == 0);
}

TEST_CASE("More --jobs than rows still issues every row", "[batch]") {
  temp_dir dir;
  const auto r = batch(dir, "licensee,unbound\nA,yes\nB,yes\n", "--product acme-studio --jobs 64");
  CHECK(r.exit_code == 0);
  CHECK(count_entries(dir / "out") == 2);
}

TEST_CASE("1000 rows issued on two threads each give a license that verifies", "[batch][threads]") {
  temp_dir dir;
  std::string csv = "licensee,id,limits,unbound\n";
  for (int i = 0; i < 1000; ++i)
    csv += "Customer " + std::to_string(i) + ",c" + std::to_string(i) + ",seats=" + std::to_string(i) + ",yes\n";
  const auto r = batch(dir, csv, "--product acme-studio --jobs 2");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(count_entries(dir / "out") == 1000);
  const airlock::trust_store trusted = test_trust();
  int good = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto result =
        airlock::verify_license(read_file(dir / ("out/c" + std::to_string(i) + ".toml")), trusted, offline_options());
    good +=
        result.ok() && result.license.licensee == "Customer " + std::to_string(i) && result.limit("seats") == i ? 1 : 0;
  }
  CHECK(good == 1000);
}

TEST_CASE("A batch reads requests only from the order file's folder and below", "[batch][errors]") {
  temp_dir dir;
  REQUIRE(::mkdir((dir / "reqs").c_str(), 0700) == 0);
  write_file(dir / "reqs/inside.toml", read_file(sample_request()));
  REQUIRE(::symlink(sample_request().c_str(), (dir / "reqs/link.toml").c_str()) == 0);
  const auto r = batch(dir,
                       "licensee,request,file\n"
                       "Inside,reqs/inside.toml,inside.toml\n"  // line 2
                       "Absolute," +
                           sample_request() +
                           ",absolute.toml\n"                  // line 3
                           "Up,reqs/../../x.toml,up.toml\n"    // line 4
                           "Link,reqs/link.toml,link.toml\n",  // line 5
                       "--product acme-studio");
  INFO(r.err);
  CHECK(r.exit_code == 8);
  const auto lines = stderr_lines(r.err);
  REQUIRE(lines.size() == 4);
  CHECK(contains(lines[0],
                 "orders.csv:3: request '" + sample_request() + "' must be a path inside the order file's folder"));
  CHECK(contains(lines[1], "orders.csv:4: request 'reqs/../../x.toml' must be a path inside the order file's folder"));
  CHECK(contains(lines[2], "orders.csv:5: request 'reqs/link.toml' leads out of the order file's folder"));
  CHECK(verified(dir / "out/inside.toml").ok());
  CHECK(count_entries(dir / "out") == 1);
}

TEST_CASE("A batch refuses output names with control characters and prints them escaped on one line",
          "[batch][errors]") {
  temp_dir dir;
  const auto r = batch(dir,
                       "licensee,file,unbound\nA,\"two\nlines.toml\",yes\nB,nul" + std::string(1, '\0') +
                           ".toml,yes\n" + "C,ok.toml,yes\n",
                       "--product acme-studio");
  INFO(r.err);
  CHECK(r.exit_code == 8);
  const auto lines = stderr_lines(r.err);
  REQUIRE(lines.size() == 3);
  CHECK(contains(lines[0], "orders.csv:2: file 'two\\x0alines.toml' must be a plain file name"));
  CHECK(contains(lines[1], "orders.csv:4: file 'nul\\x00.toml' must be a plain file name"));
  CHECK(count_entries(dir / "out") == 1);
}

TEST_CASE("A batch header is never echoed beyond a short column name", "[batch][errors][secrets]") {
  temp_dir dir;
  std::string header, secret;
  SECTION("a 10 MB unknown column") { header = "licensee," + std::string(10 << 20, 'x') + "\n"; }
  SECTION("a passphrase file given as --batch") { header = secret = "correct horse battery staple"; }
  SECTION("a private key given as --batch") {
    header = read_file(vendor_key());
    secret = header.substr(header.find('\n') + 1, 20);
  }
  SECTION("binary bytes") { header = std::string("licensee,\x01\x02\xff\n", 13); }
  const auto r = batch(dir, header, "--product p");
  CHECK(r.exit_code == 7);
  CHECK(one_error_line(r.err));
  CHECK(r.err.size() < 200);
  if (!secret.empty()) CHECK_FALSE(contains(r.err, secret));
  CHECK_FALSE(exists(dir / "out"));
}

TEST_CASE("A batch row longer than 64 KiB is that row's error and the rows after it are issued", "[batch][errors]") {
  temp_dir dir;
  const auto r =
      batch(dir, "licensee,unbound,file\nA,yes,a.toml\nB" + std::string(70000, 'b') + ",yes,b.toml\nC,yes,c.toml\n",
            "--product acme-studio");
  CHECK(r.exit_code == 8);
  const auto lines = stderr_lines(r.err);
  REQUIRE(lines.size() == 2);
  CHECK(contains(lines[0], "orders.csv:3: row is longer than 65536 bytes"));
  CHECK(verified(dir / "out/a.toml").ok());
  CHECK(verified(dir / "out/c.toml").ok());
}

TEST_CASE("A batch into a read-only folder fails once with exit code 4, not once per row", "[batch][errors][root]") {
  temp_dir dir;
  const airlock::test::tmpfs_mount read_only(dir / "out", "ro,size=1m");
  if (!read_only.mounted()) {
    WARN("not root: a read-only mount cannot be made here, so this case is skipped");
    return;
  }
  const auto r = batch(dir, unbound_orders(200), "--product acme-studio");
  INFO(r.err);
  CHECK(r.exit_code == 4);
  CHECK(one_error_line(r.err));
  CHECK(contains(r.err, "out: cannot create files in this folder: Read-only file system"));
}

TEST_CASE("A batch that fills the disk stops with one error and every license it wrote verifies",
          "[batch][errors][root]") {
  temp_dir dir;
  const airlock::test::tmpfs_mount small(dir / "out", "size=64k");
  if (!small.mounted()) {
    WARN("not root: a small tmpfs cannot be mounted here, so this case is skipped");
    return;
  }
  const auto r = batch(dir, unbound_orders(500), "--product acme-studio --jobs 2");
  std::size_t files = 0, good = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "out")) {
    ++files;
    good += verified(entry.path()).ok() ? 1 : 0;
  }
  INFO(r.err);
  CHECK(r.exit_code == 4);
  CHECK(one_error_line(r.err));
  CHECK(contains(r.err, "No space left on device (the batch stopped"));
  CHECK(files > 0);
  CHECK(files < 500);
  CHECK(good == files);
}
