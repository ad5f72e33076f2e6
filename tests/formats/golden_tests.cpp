// SPDX-License-Identifier: MIT
// The vectors in formats/vectors: reproduced by the writer, and read alike by tomllib and toml++.
#include <toml++/toml.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

#include "golden_support.hpp"
#include "test_support.hpp"

namespace fmt = airlock::format;
using airlock_test::read_file;
using airlock_test::vector_path;

namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    if (end > start) lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::vector<std::string> tomllib_leaves(const std::string& path) {
  const auto result = airlock_test::run("/usr/bin/python3 " +
                                        airlock_test::source_path("tests/formats/tomllib_flatten.py") + " " + path);
  INFO(result.output);
  REQUIRE(result.status == 0);
  return split_lines(result.output);
}

void add_tomlpp_leaves(const std::string& path, const toml::node& node, std::vector<std::string>& out) {
  if (const auto* table = node.as_table()) {
    for (const auto& [key, child] : *table) {
      add_tomlpp_leaves(path.empty() ? std::string(key.str()) : path + "." + std::string(key.str()), child, out);
    }
  } else if (const auto* array = node.as_array()) {
    out.push_back(path + " array " + std::to_string(array->size()));
    for (std::size_t i = 0; i < array->size(); ++i) add_tomlpp_leaves(path + "." + std::to_string(i), (*array)[i], out);
  } else if (const auto* text = node.as_string()) {
    const std::string& value = text->get();
    out.push_back(path + " string " +
                  fmt::hex_encode(reinterpret_cast<const std::uint8_t*>(value.data()), value.size()));
  } else if (const auto* integer = node.as_integer()) {
    out.push_back(path + " int " + std::to_string(integer->get()));
  } else if (const auto* boolean = node.as_boolean()) {
    out.push_back(path + " bool " + (boolean->get() ? "true" : "false"));
  } else if (const auto* day = node.as_date()) {
    const fmt::date d{day->get().year, day->get().month, day->get().day};
    out.push_back(path + " date " + fmt::to_string(d));
  } else if (const auto* stamp = node.as_date_time()) {
    const auto& value = stamp->get();
    const bool utc = value.offset.has_value() && value.offset->minutes == 0 && value.time.nanosecond == 0;
    const fmt::date d{value.date.year, value.date.month, value.date.day};
    const auto seconds =
        fmt::start_of_day(d).seconds + value.time.hour * 3600 + value.time.minute * 60 + value.time.second;
    out.push_back(path + (utc ? " datetime " : " non-utc-datetime ") + fmt::to_string(fmt::utc_time{seconds}));
  } else {
    out.push_back(path + " other");
  }
}

std::vector<std::string> tomlpp_leaves(const std::string& path) {
  std::vector<std::string> out;
  try {
    const toml::table table = toml::parse_file(path);
    add_tomlpp_leaves("", table, out);
  } catch (const toml::parse_error& error) {
    FAIL("toml++ rejected " << path << ": " << error.description());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("The golden vectors are exactly what the writer and the test key produce", "[golden]") {
  // Set AIRLOCK_REGENERATE_VECTORS=1 to rewrite them after a deliberate format change.
  const bool regenerate = std::getenv("AIRLOCK_REGENERATE_VECTORS") != nullptr;
  for (const auto& golden : airlock_test::goldens()) {
    INFO(golden.file);
    const std::string expected = golden.make();
    if (regenerate) airlock_test::write_file(vector_path(golden.file), expected);
    CHECK(read_file(vector_path(golden.file)) == expected);
  }
}

TEST_CASE("Every golden vector parses with Python's tomllib to the values airlock reads", "[golden][tomllib]") {
  for (const auto& golden : airlock_test::goldens()) {
    INFO(golden.file);
    const std::string path = vector_path(golden.file);
    CHECK(tomllib_leaves(path) == golden.leaves(read_file(path)));
  }
}

TEST_CASE("Every golden vector parses with toml++ to the values airlock reads", "[golden][tomlplusplus]") {
  for (const auto& golden : airlock_test::goldens()) {
    INFO(golden.file);
    const std::string path = vector_path(golden.file);
    CHECK(tomlpp_leaves(path) == golden.leaves(read_file(path)));
  }
}

TEST_CASE("Licenses with unusual but valid values still parse alike in tomllib, toml++ and airlock",
          "[golden][tomllib]") {
  auto lic = airlock_test::sample_bound_license();
  lic.meta[0].value = std::string("\x01\x1f\x7f\b\f\r\n\t\"\\ \xF0\x9F\x98\x80 \xEF\xBF\xBF");
  lic.limits = {{"A-b_9", 0}, {"max", 9223372036854775807}};
  lic.issued = *fmt::parse_utc_time("0001-01-01T00:00:00Z");
  lic.not_before = {2024, 2, 29};
  lic.expires = fmt::date{9999, 12, 31};
  fmt::signature_block block;
  block.key_id = lic.key_id;
  const std::string text = airlock_test::body_of(lic) + fmt::write_signature_block(block).text;
  const std::string path = airlock_test::make_temp_dir() + "/unusual.toml";
  airlock_test::write_file(path, text);
  const auto ours = airlock_test::license_leaves(text);
  CHECK(tomllib_leaves(path) == ours);
  CHECK(tomlpp_leaves(path) == ours);
}

TEST_CASE("The examples in FORMAT.md are the golden vectors", "[golden][spec]") {
  const std::string spec = read_file(airlock_test::source_path("formats/FORMAT.md"));
  for (const auto& golden : airlock_test::goldens()) {
    INFO(golden.file);
    const std::string marker = "<!-- example: " + std::string(golden.file) + " -->\n```toml\n";
    const std::size_t start = spec.find(marker);
    REQUIRE(start != std::string::npos);
    const std::size_t body = start + marker.size();
    const std::size_t end = spec.find("```\n", body);
    REQUIRE(end != std::string::npos);
    CHECK(spec.substr(body, end - body) == read_file(vector_path(golden.file)));
  }
}
