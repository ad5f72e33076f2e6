// SPDX-License-Identifier: MIT
// The canonical TOML subset: each deviation is rejected with its line and column.
#include <catch2/catch.hpp>

#include "test_support.hpp"

namespace fmt = airlock::format;
using airlock_test::check_error;
using airlock_test::rejected_body;
using airlock_test::replace_once;

namespace {

/// The unbound sample body: line 3 is `format = 1`, 6 `product`, 7 `licensee`, 8 `issued`,
/// 9 `not_before`, 10 `features = []`, 12 `[machine]`, 13 `unbound = true`.
std::string base() { return airlock_test::body_of(airlock_test::sample_unbound_license()); }

fmt::parse_error reject_edit(std::string_view from, std::string_view to) {
  return rejected_body(replace_once(base(), from, to));
}

}  // namespace

TEST_CASE("Comment lines may precede the first table", "[toml]") {
  const std::string text = "# another comment\n#\n" + base();
  const auto parsed = fmt::parse_license_body(text);
  REQUIRE(parsed.ok());
  CHECK(*parsed.value == airlock_test::sample_unbound_license());
}

TEST_CASE("Comments after the first table are rejected, so a data line cannot become one", "[toml]") {
  check_error(reject_edit("format = 1\n", "format = 1\n# note\n"), 4, 1,
              "comments are allowed only before the first table");
  check_error(reject_edit("not_before = ", "#ot_before = "), 9, 1, "comments are allowed only before the first table");
}

TEST_CASE("Exactly one blank line precedes each table header after the first", "[toml]") {
  check_error(reject_edit("format = 1\n", "format = 1\n\n"), 4, 1,
              "blank lines are allowed only before a table header");
  check_error(reject_edit("[machine]\n", "[machine]\n\n"), 13, 1, "blank lines are allowed only before a table header");
  check_error(reject_edit("\n\n[machine]", "\n[machine]"), 11, 1, "expected one blank line before a table header");
  check_error(reject_edit("\n\n[machine]", "\n\n\n[machine]"), 12, 1, "more than one blank line");
  check_error(rejected_body("\n" + base()), 1, 1, "blank lines are not allowed before the first table");
  check_error(rejected_body(base() + "\n"), 15, 1, "more than one blank line");
}

TEST_CASE("A body may end with or without its blank line", "[toml]") {
  std::string text = base();
  text.pop_back();
  const auto parsed = fmt::parse_license_body(text);
  REQUIRE(parsed.ok());
  CHECK(*parsed.value == airlock_test::sample_unbound_license());
}

TEST_CASE("Tabs are rejected wherever they appear", "[toml]") {
  check_error(reject_edit("product = ", "product =\t"), 6, 10, "tab");
  check_error(reject_edit("format = 1", "\tformat = 1"), 3, 1, "tab");
  check_error(reject_edit("# Airlock", "#\tAirlock"), 1, 2, "tab");
}

TEST_CASE("Keys and values are separated by exactly one space on each side of the equals sign", "[toml]") {
  check_error(reject_edit("format = 1", "format=1"), 3, 7, "expected ' = '");
  check_error(reject_edit("format = 1", "format  = 1"), 3, 8, "expected ' = '");
  check_error(reject_edit("format = 1", "format =  1"), 3, 10, "expected a value");
}

TEST_CASE("Trailing whitespace and indentation are rejected", "[toml]") {
  check_error(reject_edit("format = 1", "format = 1 "), 3, 11, "trailing whitespace");
  check_error(reject_edit("[machine]", "[machine] "), 12, 10, "trailing whitespace");
  check_error(reject_edit("format = 1", "  format = 1"), 3, 1, "indentation");
  check_error(reject_edit("\n\n[machine]", "\n  \n[machine]"), 11, 1, "trailing whitespace");
}

TEST_CASE("Unknown keys before a defined key, duplicate and out-of-order keys are rejected", "[toml]") {
  // An unknown key after the last defined key is an extension (FORMAT.md 8.1, extension_tests.cpp).
  check_error(reject_edit("format = 1\n", "format = 1\ncolour = \"red\"\n"), 4, 1, "unknown key 'colour' in [license]");
  check_error(reject_edit("format = 1\n", "format = 1\nformat = 1\n"), 4, 1, "duplicate key 'format'");
  const std::string id_line = "id = \"0b8e4c52a7f94d1e9c3a6b2d5f708e41\"\n";
  const std::string key_line = "key_id = \"" + airlock_test::golden_key_id + "\"\n";
  check_error(reject_edit(id_line + key_line, key_line + id_line), 4, 1, "expected key 'id' before 'key_id'");
  check_error(reject_edit("product = \"acme-studio\"\n", ""), 6, 1, "expected key 'product' before 'licensee'");
}

TEST_CASE("A value of the wrong type is rejected at the value", "[toml]") {
  check_error(reject_edit("format = 1", "format = \"1\""), 3, 10, "'format' must be an integer");
  check_error(reject_edit("features = []", "features = \"render\""), 10, 12, "'features' must be an array of strings");
  check_error(reject_edit("not_before = 2025-03-01", "not_before = 2025-03-01T00:00:00Z"), 9, 14,
              "'not_before' must be a date");
  check_error(reject_edit("unbound = true", "unbound = 1"), 13, 11, "'unbound' must be a boolean");
}

TEST_CASE("Multi-line strings, literal strings and inline tables are rejected", "[toml]") {
  check_error(reject_edit("\"acme-studio\"", "\"\"\"acme-studio\"\"\""), 6, 11, "multi-line strings");
  check_error(reject_edit("\"acme-studio\"", "'acme-studio'"), 6, 11, "literal strings");
  check_error(reject_edit("\"acme-studio\"", "{ name = \"acme\" }"), 6, 11, "inline tables");
  check_error(reject_edit("[license]", "[[license]]"), 2, 2, "arrays of tables");
}

TEST_CASE("Dotted keys, quoted keys and spaced table names are rejected", "[toml]") {
  check_error(reject_edit("format = 1", "format.major = 1"), 3, 7, "dotted keys");
  check_error(reject_edit("format = 1", "\"format\" = 1"), 3, 1, "quoted keys");
  check_error(reject_edit("[machine]", "[ machine ]"), 12, 2, "expected a bare key");
  check_error(reject_edit("format = 1", std::string(65, 'k') + " = 1"), 3, 1, "key longer than 64");
}

TEST_CASE("Integers are decimal without leading zeros, signs, underscores or fractions, within int64", "[toml]") {
  check_error(reject_edit("format = 1", "format = 01"), 3, 10, "leading zeros");
  check_error(reject_edit("format = 1", "format = +1"), 3, 10, "leading '+'");
  check_error(reject_edit("format = 1", "format = 1_0"), 3, 10, "underscores");
  check_error(reject_edit("format = 1", "format = 1.0"), 3, 10, "floats");
  check_error(reject_edit("format = 1", "format = 1e3"), 3, 10, "floats");
  check_error(reject_edit("format = 1", "format = inf"), 3, 10, "floats");
  check_error(reject_edit("format = 1", "format = -0"), 3, 10, "-0");
  check_error(reject_edit("format = 1", "format = 0x1"), 3, 10, "expected a value");
  check_error(reject_edit("format = 1", "format = 9223372036854775808"), 3, 10, "out of range");
  check_error(reject_edit("format = 1", "format = -9223372036854775809"), 3, 10, "out of range");
  check_error(reject_edit("format = 1", "format = 99999999999999999999999"), 3, 10, "out of range");
}

TEST_CASE("The int64 extremes are read exactly", "[toml]") {
  auto bound = airlock_test::sample_bound_license();
  bound.limits[0].value = 9223372036854775807;
  const auto parsed = fmt::parse_license_body(airlock_test::body_of(bound));
  REQUIRE(parsed.ok());
  CHECK(parsed.value->limits[0].value == 9223372036854775807);
  const std::string text = replace_once(airlock_test::body_of(bound), "9223372036854775807", "-9223372036854775808");
  check_error(rejected_body(text), 15, 9, "must not be negative");
}

TEST_CASE("Only the canonical escapes are accepted in strings", "[toml]") {
  check_error(reject_edit("Example Corp", "Example\\qCorp"), 7, 20, "invalid escape");
  check_error(reject_edit("Example Corp", "Example\\eCorp"), 7, 20, "invalid escape");
  check_error(reject_edit("Example Corp", "Example\\U0001F600"), 7, 20, "invalid escape");
  check_error(reject_edit("Example Corp", "Example\\u0041"), 7, 20, "non-canonical escape");
  check_error(reject_edit("Example Corp", "Example\\u000a"), 7, 20, "non-canonical escape");
  check_error(reject_edit("Example Corp", "Example\\u001B"), 7, 20, "four lowercase hex digits");
  check_error(reject_edit("Example Corp", "Example\\u00"), 7, 20, "four lowercase hex digits");
  check_error(reject_edit("Example Corp", "Example\\"), 7, 22, "unterminated string");
}

TEST_CASE("Strings must be valid UTF-8 without raw control characters", "[toml]") {
  check_error(reject_edit("Example Corp", "Example \xFF"), 7, 21, "invalid UTF-8");
  check_error(reject_edit("Example Corp", "Example \xC0\xAF"), 7, 21, "invalid UTF-8");
  check_error(reject_edit("Example Corp", "Example \xED\xA0\x80"), 7, 21, "invalid UTF-8");
  check_error(reject_edit("Example Corp", "Exa\x01mple"), 7, 16, "control character U+0001");
  check_error(reject_edit("Example Corp", "Exa\x7Fmple"), 7, 16, "control character U+007F");
  check_error(reject_edit("Example Corp", "Exa\tmple"), 7, 16, "tab");
  check_error(reject_edit("\"Example Corp\"", "\"Example Corp"), 7, 25, "unterminated string");
}

TEST_CASE("Columns count code points, not bytes", "[toml]") {
  check_error(reject_edit("Example Corp", "\xC3\xA9\xC3\xA9\\q"), 7, 15, "invalid escape");
}

TEST_CASE("Invalid dates and non-UTC date-times are rejected", "[toml]") {
  check_error(reject_edit("not_before = 2025-03-01", "not_before = 2023-02-29"), 9, 14, "invalid date");
  check_error(reject_edit("not_before = 2025-03-01", "not_before = 2025-13-01"), 9, 14, "invalid date");
  check_error(reject_edit("T09:15:00Z", "T09:15:00+01:00"), 8, 10, "invalid date-time");
  check_error(reject_edit("T09:15:00Z", "T09:15:00+00:00"), 8, 10, "invalid date-time");
  check_error(reject_edit("T09:15:00Z", "T09:15:00z"), 8, 10, "invalid date-time");
  check_error(reject_edit("T09:15:00Z", "T09:15:00"), 8, 10, "invalid date-time");
  check_error(reject_edit("T09:15:00Z", "T09:15:00.25Z"), 8, 10, "fractional seconds");
  check_error(reject_edit("2025-03-01T09:15:00Z", "2025-03-01 09:15:00Z"), 8, 20, "expected end of line");
}

TEST_CASE("Arrays hold strings on one line separated by a comma and one space", "[toml]") {
  check_error(reject_edit("features = []", "features = [1]"), 10, 13, "expected a string");
  check_error(reject_edit("features = []", "features = [\"a\",]"), 10, 17, "expected ', ' or ']'");
  check_error(reject_edit("features = []", "features = [\"a\",\"b\"]"), 10, 17, "expected ', ' or ']'");
  check_error(reject_edit("features = []", "features = [ \"a\" ]"), 10, 13, "expected a string");
  check_error(reject_edit("features = []", "features = [\"a\""), 10, 16, "expected ', ' or ']'");
}

TEST_CASE("Empty input, a missing final line feed and stray carriage returns are rejected", "[toml]") {
  check_error(rejected_body(""), 1, 1, "empty input");
  std::string text = base();
  text.resize(text.size() - 2);
  check_error(rejected_body(text), 13, 15, "missing line feed");
  check_error(reject_edit("format = 1\n", "format = 1\r\n"), 3, 11, "control character U+000D");
}

TEST_CASE("Unknown tables before a defined one, missing and out-of-order tables are rejected", "[toml]") {
  // An unknown table after [machine] is an extension (FORMAT.md 8.1, extension_tests.cpp).
  check_error(reject_edit("\n[machine]", "\n[extra]\nx = 1\n\n[machine]"), 12, 1, "unknown table [extra]");
  check_error(reject_edit("\n[machine]\nunbound = true\n", ""), 12, 1, "missing table [machine]");
  check_error(rejected_body(base() + "[machine]\nunbound = true\n"), 15, 1, "duplicate table [machine]");
  check_error(rejected_body("# only a comment\n"), 2, 1, "missing table [license]");
  const std::string bound = airlock_test::body_of(airlock_test::sample_bound_license());
  const std::string limits = "[license.limits]\nseats = 5\nworkers = 16\n\n";
  const std::size_t meta_end = bound.find("[machine]");
  std::string swapped = replace_once(bound, limits, "");
  swapped.insert(meta_end - limits.size(), limits);
  check_error(rejected_body(swapped), 18, 1, "table [license.limits] is out of order");
}

TEST_CASE("Input larger than 64 KiB is rejected before parsing", "[toml]") {
  std::string text = base();
  text.insert(0, std::string(fmt::max_input_size - text.size() + 1, '\n'));
  check_error(rejected_body(text), 1, 1, "larger than 65536 bytes");
}

TEST_CASE("More than 1024 lines are rejected", "[toml]") {
  std::string text = base();
  for (int i = 0; i < 1100; ++i) text.insert(0, "#\n");
  check_error(rejected_body(text), 1025, 1, "more than 1024 lines");
}

TEST_CASE("Arrays of more than 1024 entries and strings over 1024 bytes are rejected", "[toml]") {
  std::string features;
  for (int i = 0; i < 1025; ++i) features += std::string(i ? ", " : "") + "\"f" + std::to_string(1000 + i) + "\"";
  check_error(reject_edit("features = []", "features = [" + features + "]"), 10, 13 + 1024 * 9,
              "more than 1024 entries");
  features.resize(128 * 9 - 2);  // 128 names: an array the lexer takes, but more features than a license has
  check_error(reject_edit("features = []", "features = [" + features + ", \"f9999\"]"), 10, 12,
              "more than 128 features");
  check_error(reject_edit("Example Corp", std::string(1025, 'a')), 7, 13 + 1025, "longer than 1024 bytes");
}
