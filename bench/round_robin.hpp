// SPDX-License-Identifier: MIT
// A small interleaved timing harness: every round times one batch of each
// contender in turn, so drifts in machine load hit all of them alike.
#ifndef AIRLOCK_BENCH_ROUND_ROBIN_HPP
#define AIRLOCK_BENCH_ROUND_ROBIN_HPP

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace airlock_bench {

struct contender {
  std::string name;
  std::function<bool()> run;  // one operation; returns its result so it cannot be elided
  std::vector<double> microseconds_per_op{};
};

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Returns the number of operations that reported failure (should be 0).
inline long run_rounds(std::vector<contender>& contenders, int rounds, int batch) {
  long failures = 0;
  for (int round = 0; round < rounds; ++round) {
    for (auto& c : contenders) {
      const auto start = std::chrono::steady_clock::now();
      for (int i = 0; i < batch; ++i) failures += c.run() ? 0 : 1;
      const std::chrono::duration<double, std::micro> elapsed = std::chrono::steady_clock::now() - start;
      c.microseconds_per_op.push_back(elapsed.count() / batch);
    }
  }
  return failures;
}

inline void print_table(const std::vector<contender>& contenders, std::size_t ours_count) {
  std::printf("%-34s %10s %10s %10s", "implementation", "median us", "min us", "max us");
  for (std::size_t o = 0; o < ours_count; ++o) std::printf("  %s/this", contenders[o].name.c_str());
  std::printf("\n");
  for (const auto& c : contenders) {
    const auto& v = c.microseconds_per_op;
    std::printf("%-34s %10.1f %10.1f %10.1f", c.name.c_str(), median(v), *std::min_element(v.begin(), v.end()),
                *std::max_element(v.begin(), v.end()));
    for (std::size_t o = 0; o < ours_count; ++o) {
      std::printf("  %*.2f", static_cast<int>(contenders[o].name.size() + 5),
                  median(contenders[o].microseconds_per_op) / median(v));
    }
    std::printf("\n");
  }
}

}  // namespace airlock_bench

#endif  // AIRLOCK_BENCH_ROUND_ROBIN_HPP
