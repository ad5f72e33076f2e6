// SPDX-License-Identifier: MIT
// `airlock` killed with SIGKILL at points spread over its whole run: no file
// ever appears under its final name half-written, no temporary file stays
// behind, a private key never appears without its public key, and a rerun
// of a batch completes it without duplicates or replacements.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <set>

#include "issue_support.hpp"

using namespace airlock::test::issue;
using airlock::test::read_file;
using airlock::test::run;
using airlock::test::temp_dir;
using airlock::test::write_file;

namespace {

constexpr int trials = 50;

std::set<std::string> names_in(const std::string& folder) {
  std::set<std::string> names;
  if (!std::filesystem::exists(folder)) return names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) names.insert(entry.path().filename());
  return names;
}

double seconds_to_run(const std::string& command) {
  const auto start = std::chrono::steady_clock::now();
  REQUIRE(run(command).exit_code == 0);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Trial i is killed after (i + 1/2)/trials of a little more than a whole run
// (never 0: `timeout 0` would not kill at all).
std::string killed_at(int i, double full_run, const std::string& command) {
  const double delay = full_run * 1.2 * (i + 0.5) / trials;
  return "timeout -s KILL " + std::to_string(delay) + " " + command;
}

bool verifies(const std::string& path) {
  return airlock::verify_license(read_file(path), test_trust(), offline_options()).ok();
}

}  // namespace

TEST_CASE("keygen killed at any point leaves both key files, only the public key, or nothing", "[crash][keygen]") {
  temp_dir dir;
  write_file(dir / "pass", "correct horse battery staple\n");
  const auto keygen = [&](const std::string& out) {
    return airlock_cmd("keygen --out-dir " + q(out) + " --passphrase-file " + q(dir / "pass"));
  };
  const double full_run = seconds_to_run(keygen(dir / "whole"));
  std::set<std::set<std::string>> outcomes;
  for (int i = 0; i < trials; ++i) {
    const std::string out = dir / ("k" + std::to_string(i));
    (void)run(killed_at(i, full_run, keygen(out)));
    const auto names = names_in(out);
    INFO("trial " << i << ": " << names.size() << " files");
    CHECK((names.empty() || names == std::set<std::string>{"vendor.pub"} ||
           names == std::set<std::string>{"vendor.key", "vendor.pub"}));
    if (names.size() == 2) {
      const auto id = run(
          airlock_cmd("pubkey --format id --key " + q(out + "/vendor.key") + " --passphrase-file " + q(dir / "pass")));
      CHECK(id.exit_code == 0);
      CHECK(id.out == run(airlock_cmd("pubkey --format id --key " + q(out + "/vendor.pub"))).out);
    }
    outcomes.insert(names);
  }
  // The kills should land at different points; on a loaded machine the timing can drift, which
  // weakens this run of the test but says nothing against keygen.
  if (outcomes.size() < 2) WARN("every kill landed at the same point: timing drifted on a loaded machine");
}

TEST_CASE("issue killed at any point leaves a license that verifies or no file", "[crash][issue]") {
  temp_dir dir;
  const auto issue_into = [&](const std::string& out) {
    return airlock_cmd("issue --key " + q(vendor_key()) +
                       " --issued 2025-03-01T09:15:00Z --product acme-studio --licensee L --unbound --out " + q(out));
  };
  const double full_run = seconds_to_run(issue_into(dir / "whole.toml"));
  int written = 0;
  for (int i = 0; i < trials; ++i) {
    const std::string folder = dir / ("i" + std::to_string(i));
    std::filesystem::create_directory(folder);
    (void)run(killed_at(i, full_run, issue_into(folder + "/l.toml")));
    const auto names = names_in(folder);
    INFO("trial " << i);
    CHECK((names.empty() || names == std::set<std::string>{"l.toml"}));
    if (!names.empty()) CHECK(verifies(folder + "/l.toml"));
    written += static_cast<int>(names.size());
  }
  if (written == 0) WARN("no kill came late enough to leave a license: timing drifted on a loaded machine");
}

TEST_CASE("issue --batch killed at any point leaves only whole licenses, and a rerun completes the batch",
          "[crash][batch]") {
  temp_dir dir;
  constexpr int rows = 120;
  std::string csv = "licensee,id,unbound\n";
  std::set<std::string> all;
  for (int r = 0; r < rows; ++r) {
    csv += "L" + std::to_string(r) + ",row-" + std::to_string(r) + ",yes\n";
    all.insert("row-" + std::to_string(r) + ".toml");
  }
  write_file(dir / "orders.csv", csv);
  const auto batch_into = [&](const std::string& out) {
    return airlock_cmd("issue --batch " + q(dir / "orders.csv") + " --key " + q(vendor_key()) +
                       " --issued 2025-03-01T09:15:00Z --product acme-studio --jobs 2 --out-dir " + q(out));
  };
  const double full_run = seconds_to_run(batch_into(dir / "whole"));
  std::set<std::size_t> counts;
  for (int i = 0; i < trials; ++i) {
    const std::string out = dir / ("b" + std::to_string(i));
    (void)run(killed_at(i, full_run, batch_into(out)));
    const auto names = names_in(out);
    INFO("trial " << i << ": " << names.size() << " licenses before the rerun");
    counts.insert(names.size());
    for (const auto& name : names) {
      CHECK(all.count(name) == 1);
      CHECK(verifies(out + "/" + name));
    }
    const auto rerun = run(batch_into(out));
    CHECK(rerun.exit_code == (names.empty() ? 0 : 8));  // the rows already written are refused, not replaced
    CHECK(names_in(out) == all);
    for (const auto& name : names) CHECK(verifies(out + "/" + name));
  }
  if (counts.size() < 2) WARN("every kill left the same number of licenses: timing drifted on a loaded machine");
}
