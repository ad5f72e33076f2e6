// SPDX-License-Identifier: MIT
// No license without a row and no row without a license: `airlock issue`
// killed with SIGKILL at points spread over its run, then `ledger check`,
// leaves exactly one confirmed row per license file whose bytes match; and
// several issuers at once neither lose nor duplicate a row.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "ledger_support.hpp"

using namespace airlock::test::ledger;
using airlock::test::read_file;
using airlock::test::run;
using airlock::test::temp_dir;
using airlock::test::write_file;

namespace {

constexpr int trials = 16;

double seconds_to_run(const std::string& command) {
  const auto start = std::chrono::steady_clock::now();
  REQUIRE(run(command).exit_code == 0);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string killed_at(int i, double full_run, const std::string& command) {
  return "timeout -s KILL " + std::to_string(full_run * 1.2 * (i + 0.5) / trials) + " " + command;
}

std::string sha256_of(const std::string& path) {
  const auto r = run("sha256sum " + q(path));
  return r.out.substr(0, 64);
}

// file path -> SHA-256 of every confirmed row, after `ledger check`; fails on
// a row left pending or a file named twice.
std::map<std::string, std::string> confirmed_files(const std::string& ledger) {
  if (!airlock::test::exists(ledger)) return {};  // killed before the ledger was created
  // A killed process can take a moment to be gone (timeout -s KILL kills itself too, so the
  // process waits to be reaped by init); until then its pending rows are left alone, by design.
  for (int attempt = 0; attempt < 50; ++attempt) {
    REQUIRE(run_airlock("ledger check --ledger " + q(ledger)).exit_code == 0);
    if (sql(ledger, "SELECT count(*) FROM licenses WHERE state = 'pending';").out == "0\n") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(sql(ledger, "SELECT count(*) FROM licenses WHERE state = 'pending';").out == "0\n");
  std::map<std::string, std::string> rows;
  std::istringstream lines(sql(ledger, "SELECT file_path || '|' || file_sha256 FROM licenses;").out);
  for (std::string line; std::getline(lines, line);) {
    const auto bar = line.find('|');
    CHECK(rows.emplace(line.substr(0, bar), line.substr(bar + 1)).second);
  }
  return rows;
}

// Path -> SHA-256 of every license file in a folder.
std::map<std::string, std::string> files_in(const std::string& folder) {
  std::map<std::string, std::string> files;
  if (!std::filesystem::exists(folder)) return files;
  for (const auto& e : std::filesystem::directory_iterator(folder))
    if (e.path().extension() == ".toml") files.emplace(e.path().string(), sha256_of(e.path().string()));
  return files;
}

}  // namespace

TEST_CASE("issue killed at any point leaves a confirmed row exactly when the license file exists", "[ledger][crash]") {
  temp_dir dir;
  const std::string ledger = dir / "ledger.sqlite";
  const auto issue_into = [&](const std::string& out) {
    return airlock_cmd("issue --key " + q(test_key()) + " --ledger " + q(ledger) +
                       " --product acme-studio --licensee L --unbound --out " + q(out));
  };
  std::filesystem::create_directory(dir / "whole");
  const double full_run = seconds_to_run(issue_into(dir / "whole/l.toml"));
  std::set<bool> outcomes;
  std::map<std::string, std::string> expected = files_in(dir / "whole");
  for (int i = 0; i < trials; ++i) {
    const std::string folder = dir / ("i" + std::to_string(i));
    std::filesystem::create_directory(folder);
    (void)run(killed_at(i, full_run, issue_into(folder + "/l.toml")));
    const auto files = files_in(folder);
    expected.insert(files.begin(), files.end());
    outcomes.insert(!files.empty());
    INFO("trial " << i);
    CHECK(confirmed_files(ledger) == expected);
  }
  CHECK(run_airlock("ledger verify --ledger " + q(ledger)).exit_code == 0);
  if (outcomes.size() < 2) WARN("every kill landed on the same side of the write: timing drifted on a loaded machine");
}

TEST_CASE("issue --batch killed at any point, then ledger check, confirms exactly the files written",
          "[ledger][crash][batch]") {
  temp_dir dir;
  constexpr int rows = 120;
  std::string csv = "licensee,id,unbound\n";
  for (int r = 0; r < rows; ++r) csv += "L" + std::to_string(r) + ",row-" + std::to_string(r) + ",yes\n";
  write_file(dir / "orders.csv", csv);
  const auto batch_into = [&](const std::string& out, const std::string& ledger) {
    return airlock_cmd("issue --batch " + q(dir / "orders.csv") + " --key " + q(test_key()) + " --ledger " + q(ledger) +
                       " --product acme-studio --jobs 2 --out-dir " + q(out));
  };
  const double full_run = seconds_to_run(batch_into(dir / "whole", dir / "whole.sqlite"));
  std::set<std::size_t> counts;
  for (int i = 0; i < trials; ++i) {
    const std::string out = dir / ("b" + std::to_string(i)), ledger = dir / ("b" + std::to_string(i) + ".sqlite");
    (void)run(killed_at(i, full_run, batch_into(out, ledger)));
    INFO("trial " << i);
    const auto files = files_in(out);
    counts.insert(files.size());
    CHECK(confirmed_files(ledger) == files);
    // The rerun issues the rest; the rows already written are refused and recorded once.
    (void)run(batch_into(out, ledger));
    CHECK(files_in(out).size() == static_cast<std::size_t>(rows));
    CHECK(confirmed_files(ledger) == files_in(out));
    CHECK(run_airlock("ledger verify --ledger " + q(ledger)).exit_code == 0);
  }
  if (counts.size() < 2) WARN("every kill left the same number of licenses: timing drifted on a loaded machine");
}

TEST_CASE("several issuers at once into one ledger neither lose nor duplicate a row", "[ledger][concurrency]") {
  temp_dir dir;
  const std::string ledger = dir / "ledger.sqlite";
  constexpr int per_loop = 15, batch_rows = 200;
  std::string script;
  for (int p = 0; p < 2; ++p) {
    // A shell loop of single issues...
    script += "( for n in $(seq 1 " + std::to_string(per_loop) + "); do " +
              airlock_cmd("issue --key " + q(test_key()) + " --ledger " + q(ledger) +
                          " --product acme-studio --licensee L --unbound --id s" + std::to_string(p) + "-$n --out " +
                          q(dir.path()) + "/s" + std::to_string(p) + "-$n.toml") +
              " || exit 1; done ) & pids=\"$pids $!\"; ";
    // ...and a batch, all at the same time.
    std::string csv = "licensee,id,unbound\n";
    for (int r = 0; r < batch_rows; ++r) csv += "L,b" + std::to_string(p) + "-" + std::to_string(r) + ",yes\n";
    write_file(dir / ("orders" + std::to_string(p) + ".csv"), csv);
    script += airlock_cmd("issue --batch " + q(dir / ("orders" + std::to_string(p) + ".csv")) + " --key " +
                          q(test_key()) + " --ledger " + q(ledger) + " --product acme-studio --jobs 1 --out-dir " +
                          q(dir / ("out" + std::to_string(p)))) +
              " & pids=\"$pids $!\"; ";
  }
  script += "fail=0; for j in $pids; do wait $j || fail=1; done; exit $fail";
  const auto all = run("bash -c " + q(script));
  INFO(all.err);
  REQUIRE(all.exit_code == 0);
  const int total = 2 * per_loop + 2 * batch_rows;
  CHECK(sql(ledger, "SELECT count(*), count(DISTINCT license_id) FROM licenses WHERE state = 'confirmed';").out ==
        std::to_string(total) + "|" + std::to_string(total) + "\n");
  CHECK(sql(ledger, "SELECT count(*), min(row), max(row) FROM chain;").out ==
        std::to_string(total) + "|1|" + std::to_string(total) + "\n");
  const auto verified = run_airlock("ledger verify --ledger " + q(ledger));
  CHECK(verified.exit_code == 0);
  CHECK(contains(verified.out, "ok: " + std::to_string(total) + " rows"));
}
