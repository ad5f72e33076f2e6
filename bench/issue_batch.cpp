// SPDX-License-Identifier: MIT
// Batch issuance (`airlock issue --batch`, through generator::issue_batch)
// against the raw Ed25519 sign rate of keys::signing_key on the same number
// of threads, in the same run; plus a per-license breakdown of where the
// batch spends its time. Target: batch >= 70% of the raw rate.
#include <botan/auto_rng.h>
#include <botan/ed25519.h>
#include <botan/pubkey.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/file_io.hpp"
#include "generator/batch_issue.hpp"
#include "generator/license_builder.hpp"
#include "generator/orders_csv.hpp"
#include "keys/vendor_key.hpp"

namespace {

namespace gen = airlock::generator;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

const airlock::format::utc_time issued{1740820500};  // 2025-03-01T09:15:00Z

gen::license_order sample_order(std::size_t i) {
  gen::license_order order;
  order.product = "acme-studio";
  order.licensee = "Customer " + std::to_string(i);
  order.unbound = true;
  return order;
}

// The signed message of a typical batch license: what both sides sign.
std::string typical_message(const airlock::keys::signing_key& key) {
  const auto lic = gen::build_license(sample_order(12345), airlock::keys::key_id(key.public_key()), issued);
  const std::string file = gen::sign_license(lic, key);
  return "airlock-license-v1\n" + file.substr(0, file.rfind("[signature]\n"));
}

// Runs body(i) for i in [0, total) on `threads` threads; returns operations per second.
template <typename Body>
double rate_on_threads(unsigned threads, std::size_t total, Body body) {
  std::atomic<std::size_t> next{0};
  const auto start = clock_type::now();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (std::size_t i = next++; i < total; i = next++) body(i);
    });
  for (auto& t : pool) t.join();
  return static_cast<double>(total) / seconds_since(start);
}

std::string make_temp_dir(const std::string& root) {
  std::string pattern = root + "/airlock-bench-XXXXXX";
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

std::string orders_csv(std::size_t rows) {
  std::string csv = "licensee,unbound\n";
  for (std::size_t i = 0; i < rows; ++i) csv += "Customer " + std::to_string(i) + ",yes\n";
  return csv;
}

// One `airlock issue --batch` of `rows` unbound licenses into a fresh folder; licenses per second.
double batch_rate(const airlock::keys::signing_key& key, const std::string& work, std::size_t rows, unsigned jobs,
                  int round) {
  gen::batch_settings settings;
  settings.orders_path = work + "/orders.csv";
  settings.out_dir = work + "/out" + std::to_string(round);
  settings.default_product = "acme-studio";
  settings.jobs = jobs;
  settings.issued = issued;
  settings.progress = false;
  const auto start = clock_type::now();
  const int code = gen::issue_batch(settings, key);
  const double rate = static_cast<double>(rows) / seconds_since(start);
  // Output stays until the end: on ext4, mass deletion makes the next file
  // creations scan recently deleted inodes (recently_deleted() in the
  // kernel's inode allocator) for minutes, which would slow the next round.
  if (code != 0) throw std::runtime_error("the batch failed");
  return rate;
}

struct stage {
  const char* name;
  double microseconds;
};

// Single-threaded cost per license of each step issue_batch takes.
std::vector<stage> breakdown(const airlock::keys::signing_key& key, const std::string& work, std::size_t n,
                             const std::string& message) {
  const std::string key_id = airlock::keys::key_id(key.public_key());
  const std::string csv = orders_csv(n);
  std::vector<stage> out;
  auto start = clock_type::now();
  const auto table = gen::parse_orders_csv(csv, {"licensee", "unbound"}, {"licensee"});
  out.push_back({"parse CSV row", seconds_since(start) * 1e6 / static_cast<double>(table.rows.size())});
  start = clock_type::now();
  for (std::size_t i = 0; i < n; ++i) (void)gen::new_license_id();
  out.push_back({"  random id (getrandom)", seconds_since(start) * 1e6 / static_cast<double>(n)});
  std::vector<airlock::format::license> licenses;
  start = clock_type::now();
  for (std::size_t i = 0; i < n; ++i) licenses.push_back(gen::build_license(sample_order(i), key_id, issued));
  out.push_back({"build_license (checks, id)", seconds_since(start) * 1e6 / static_cast<double>(n)});
  std::vector<std::string> files;
  start = clock_type::now();
  for (const auto& lic : licenses) files.push_back(gen::sign_license(lic, key));
  out.push_back({"sign_license (body + sign)", seconds_since(start) * 1e6 / static_cast<double>(n)});
  start = clock_type::now();
  for (std::size_t i = 0; i < n; ++i)
    (void)key.sign(reinterpret_cast<const std::uint8_t*>(message.data()), message.size());
  out.push_back({"  of which keys::signing_key::sign", seconds_since(start) * 1e6 / static_cast<double>(n)});
  const std::string dir = work + "/breakdown";
  airlock::cli::make_private_dirs(dir);
  const airlock::cli::batch_folder folder(dir);
  start = clock_type::now();
  for (std::size_t i = 0; i < n; ++i) (void)folder.write_new(licenses[i].id + ".toml", files[i], 0644);
  out.push_back({"batch_folder::write_new", seconds_since(start) * 1e6 / static_cast<double>(n)});
  start = clock_type::now();
  folder.sync();
  out.push_back({"syncfs at the end (per license)", seconds_since(start) * 1e6 / static_cast<double>(n)});
  std::filesystem::remove_all(dir);
  return out;
}

// The same signature with one Botan PK_Signer per thread, reused: what the
// per-call PK_Signer in keys::signing_key::sign costs.
double reused_signer_rate(unsigned threads, std::size_t total, const std::string& message) {
  Botan::AutoSeeded_RNG rng;
  const Botan::Ed25519_PrivateKey botan_key(rng);
  std::atomic<std::size_t> next{0};
  const auto start = clock_type::now();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      Botan::AutoSeeded_RNG local_rng;
      Botan::PK_Signer signer(botan_key, local_rng, "Pure");
      for (std::size_t i = next++; i < total; i = next++)
        (void)signer.sign_message(reinterpret_cast<const std::uint8_t*>(message.data()), message.size(), local_rng);
    });
  for (auto& t : pool) t.join();
  return static_cast<double>(total) / seconds_since(start);
}

std::size_t argument(int argc, char** argv, int index, std::size_t fallback) {
  return argc > index ? static_cast<std::size_t>(std::atoll(argv[index])) : fallback;
}

}  // namespace

// Usage: bench_issue_batch [rows=20000] [rounds=3] [threads=2] [folder=$TMPDIR or /tmp]
// Run it unpinned (not under `taskset -c 1`): it measures two threads. A
// folder on tmpfs (/dev/shm) shows the code's own cost without the disk's.
int main(int argc, char** argv) {
  const std::size_t rows = argument(argc, argv, 1, 20000);
  const int rounds = static_cast<int>(argument(argc, argv, 2, 3));
  const unsigned threads = static_cast<unsigned>(argument(argc, argv, 3, 2));
  const auto key = airlock::keys::signing_key::generate();
  const std::string message = typical_message(key);
  const std::string work =
      make_temp_dir(argc > 4 ? std::string(argv[4]) : std::filesystem::temp_directory_path().string());
  { std::ofstream(work + "/orders.csv") << orders_csv(rows); }
  std::printf(
      "batch issuance of %zu unbound licenses vs raw Ed25519 signing of a %zu-byte message, %u threads, "
      "%d interleaved rounds (temp folder %s)\n",
      rows, message.size(), threads, rounds, work.c_str());
  std::vector<double> raw, batch;
  for (int round = 0; round < rounds; ++round) {
    raw.push_back(rate_on_threads(threads, rows, [&](std::size_t) {
      (void)key.sign(reinterpret_cast<const std::uint8_t*>(message.data()), message.size());
    }));
    batch.push_back(batch_rate(key, work, rows, threads, round));
  }
  const double raw_rate = median(raw), batch_rate_median = median(batch);
  std::printf("raw keys::signing_key::sign   %9.0f signatures/s (median; min %.0f, max %.0f)\n", raw_rate,
              *std::min_element(raw.begin(), raw.end()), *std::max_element(raw.begin(), raw.end()));
  std::printf("airlock issue --batch         %9.0f licenses/s   (median; min %.0f, max %.0f)\n", batch_rate_median,
              *std::min_element(batch.begin(), batch.end()), *std::max_element(batch.begin(), batch.end()));
  std::printf("batch / raw                   %9.2f   (target >= 0.70: %s)\n", batch_rate_median / raw_rate,
              batch_rate_median >= 0.7 * raw_rate ? "met" : "NOT met");
  std::printf("reference: one reused Botan PK_Signer per thread %9.0f signatures/s\n",
              reused_signer_rate(threads, rows, message));
  std::printf("\nper license, one thread (us):\n");
  for (const auto& s : breakdown(key, work, std::min<std::size_t>(rows, 5000), message))
    std::printf("  %-38s %8.2f\n", s.name, s.microseconds);
  std::filesystem::remove_all(work);
  return 0;
}
