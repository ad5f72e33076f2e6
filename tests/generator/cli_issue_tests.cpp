// SPDX-License-Identifier: MIT
// `airlock issue` as a vendor runs it: golden files, byte-identical reissues,
// files that tomllib, toml++ and OpenSSL read as FORMAT.md says.
#include <toml++/toml.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <vector>

#include "issue_support.hpp"
#include "tests/formats/golden_support.hpp"

using namespace airlock::test::issue;
using airlock::test::count_entries;
using airlock::test::read_file;
using airlock::test::run;
using airlock::test::temp_dir;
using airlock::test::write_file;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    if (end > start) lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::vector<std::string> tomllib_leaves(const std::string& path) {
  const auto r = run("python3 " + q(source_file("tests/formats/tomllib_flatten.py")) + " " + q(path));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return lines_of(r.out);
}

std::string hex(const std::string& s) { return airlock_test::hex_of(s); }

// Flattens toml++'s tree the way tomllib_flatten.py flattens tomllib's.
void flatten(const std::string& path, const toml::node& node, std::vector<std::string>& out) {
  if (const auto* table = node.as_table()) {
    for (const auto& [key, child] : *table)
      flatten(path.empty() ? std::string(key.str()) : path + "." + std::string(key.str()), child, out);
  } else if (const auto* array = node.as_array()) {
    out.push_back(path + " array " + std::to_string(array->size()));
    for (std::size_t i = 0; i < array->size(); ++i) flatten(path + "." + std::to_string(i), (*array)[i], out);
  } else if (const auto* text = node.as_string()) {
    out.push_back(path + " string " + hex(text->get()));
  } else if (const auto* integer = node.as_integer()) {
    out.push_back(path + " int " + std::to_string(integer->get()));
  } else if (const auto* boolean = node.as_boolean()) {
    out.push_back(path + " bool " + (boolean->get() ? "true" : "false"));
  } else if (const auto* day = node.as_date()) {
    out.push_back(path + " date " +
                  airlock::format::to_string(airlock::format::date{day->get().year, day->get().month, day->get().day}));
  } else if (const auto* stamp = node.as_date_time()) {
    const auto& v = stamp->get();
    const bool utc = v.offset && v.offset->minutes == 0 && v.time.nanosecond == 0;
    const auto midnight = airlock::format::start_of_day({v.date.year, v.date.month, v.date.day}).seconds;
    const std::int64_t seconds = midnight + v.time.hour * 3600 + v.time.minute * 60 + v.time.second;
    out.push_back(path + (utc ? " datetime " : " non-utc-datetime ") +
                  airlock::format::to_string(airlock::format::utc_time{seconds}));
  } else {
    out.push_back(path + " other");
  }
}

std::vector<std::string> tomlpp_leaves(const std::string& path) {
  std::vector<std::string> out;
  try {
    flatten("", toml::parse_file(path), out);
  } catch (const toml::parse_error& e) {
    FAIL("toml++ rejected " << path << ": " << e.description());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct golden_case {
  const char* file;
  std::string options;
};

std::vector<golden_case> golden_cases() {
  return {{"license_unbound.toml", unbound_golden_options()}, {"license_bound.toml", bound_golden_options()}};
}

// The sh block between the openssl-verify markers of FORMAT.md.
std::string documented_openssl_script() {
  const std::string spec = read_file(source_file("formats/FORMAT.md"));
  const std::string begin = "<!-- openssl-verify:begin -->\n```sh\n";
  const std::size_t start = spec.find(begin), end = spec.find("```\n<!-- openssl-verify:end -->");
  REQUIRE(start != std::string::npos);
  REQUIRE(end != std::string::npos);
  return spec.substr(start + begin.size(), end - start - begin.size());
}

airlock::test::run_result run_openssl_lines(const temp_dir& dir, const std::string& license_text) {
  write_file(dir / "license.toml", license_text);
  write_file(dir / "vendor.pub", read_file(vendor_pub()));
  write_file(dir / "check.sh", documented_openssl_script());
  return run("cd " + q(dir.path()) + " && sh ./check.sh");
}

}  // namespace

TEST_CASE("airlock issue writes the committed golden file for an unbound and a bound license", "[issue][golden]") {
  // AIRLOCK_REGENERATE_GOLDEN=1 rewrites them after a deliberate format change.
  const bool regenerate = std::getenv("AIRLOCK_REGENERATE_GOLDEN") != nullptr;
  temp_dir dir;
  for (const auto& golden : golden_cases()) {
    INFO(golden.file);
    const auto r = issue_golden(golden.options, dir / golden.file);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    if (regenerate) write_file(golden_file(golden.file), read_file(dir / golden.file));
    CHECK(read_file(dir / golden.file) == read_file(golden_file(golden.file)));
  }
}

TEST_CASE("The unbound golden license is byte for byte the format vector that OpenSSL signed",
          "[issue][golden][openssl]") {
  CHECK(read_file(golden_file("license_unbound.toml")) ==
        read_file(source_file("formats/vectors/license_unbound.toml")));
}

TEST_CASE("airlock issue prints the license id on stdout and nothing on stderr", "[issue]") {
  temp_dir dir;
  const auto r = issue_golden(bound_golden_options(), dir / "l.toml");
  CHECK(r.exit_code == 0);
  CHECK(r.out == "7f3a9c2e4b1d4e8fa0c6d2b5e9f81a37\n");
  CHECK(r.err.empty());
  CHECK(airlock::test::file_mode(dir / "l.toml") == 0644);
  CHECK(count_entries(dir.path()) == 1);  // no temporary file left
}

TEST_CASE("The same order, key, id and issue time give a byte-identical file", "[issue][reproducible]") {
  temp_dir dir;
  for (const auto& golden : golden_cases()) {
    INFO(golden.file);
    REQUIRE(issue_golden(golden.options, dir / "a.toml").exit_code == 0);
    REQUIRE(issue_golden(golden.options, dir / "b.toml").exit_code == 0);
    CHECK(read_file(dir / "a.toml") == read_file(dir / "b.toml"));
    ::unlink((dir / "a.toml").c_str());
    ::unlink((dir / "b.toml").c_str());
  }
}

TEST_CASE("Without --id every license gets a fresh 32-digit lowercase hex id", "[issue]") {
  temp_dir dir;
  const std::string base = "issue --key " + q(vendor_key()) + " --product p --licensee L --unbound --out ";
  const auto a = run_airlock(base + q(dir / "a.toml")), b = run_airlock(base + q(dir / "b.toml"));
  REQUIRE((a.exit_code == 0 && b.exit_code == 0));
  CHECK(a.out != b.out);
  for (const auto& id : {a.out, b.out}) {
    CHECK(id.size() == 33);
    CHECK(id.find_first_not_of("0123456789abcdef\n") == std::string::npos);
  }
  CHECK(contains(read_file(dir / "a.toml"), "id = \"" + a.out.substr(0, 32) + "\"\n"));
}

TEST_CASE("Every golden license parses with Python's tomllib to the values airlock reads", "[issue][golden][tomllib]") {
  for (const auto& golden : golden_cases()) {
    INFO(golden.file);
    const std::string path = golden_file(golden.file);
    CHECK(tomllib_leaves(path) == airlock_test::license_leaves(read_file(path)));
  }
}

TEST_CASE("Every golden license parses with toml++ to the values airlock reads", "[issue][golden][tomlplusplus]") {
  for (const auto& golden : golden_cases()) {
    INFO(golden.file);
    const std::string path = golden_file(golden.file);
    CHECK(tomlpp_leaves(path) == airlock_test::license_leaves(read_file(path)));
  }
}

TEST_CASE("The bound golden license carries the request's hashes and every option given", "[issue][golden]") {
  const auto leaves = airlock_test::license_leaves(read_file(golden_file("license_bound.toml")));
  const auto has = [&](const std::string& leaf) {
    return std::find(leaves.begin(), leaves.end(), leaf) != leaves.end();
  };
  CHECK(has("machine.platform.0 string " + hex("f5c0bcd99b401a359cb29c1435252daa")));
  CHECK(has("machine.nic.1 string " + hex("be238996a828aa9d19f49f1f6f41e4ce")));
  CHECK(has("machine.allow_container bool false"));
  CHECK(has("license.not_before date 2025-03-01"));  // the issue date by default
  CHECK(has("license.limits.seats int 5"));
  CHECK(has("license.meta.note string " + hex("tab\there \"quoted\" back\\slash esc\x1b \xE2\x98\x83")));
  CHECK(has("license.key_id string " + hex(test_key_id)));
}

TEST_CASE("Limits and meta fields may be given in any order and come out sorted", "[issue]") {
  temp_dir dir;
  REQUIRE(issue_unbound(dir / "a.toml", "--limit workers=2 --limit seats=1 --meta z=1 --meta a=2").exit_code == 0);
  REQUIRE(issue_unbound(dir / "b.toml", "--limit seats=1 --limit workers=2 --meta a=2 --meta z=1").exit_code == 0);
  const std::string text = read_file(dir / "a.toml");
  CHECK(text == read_file(dir / "b.toml"));
  CHECK(contains(text, "[license.limits]\nseats = 1\nworkers = 2\n"));
  CHECK(contains(text, "[license.meta]\na = \"2\"\nz = \"1\"\n"));
}

TEST_CASE("A license made by airlock issue passes the OpenSSL lines of FORMAT.md", "[issue][openssl]") {
  temp_dir dir;
  REQUIRE(issue_golden(bound_golden_options(), dir / "issued.toml").exit_code == 0);
  const auto r = run_openssl_lines(dir, read_file(dir / "issued.toml"));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "Signature Verified Successfully"));
}

TEST_CASE("The OpenSSL lines of FORMAT.md accept the issued license after CRLF and a BOM", "[issue][openssl]") {
  temp_dir dir;
  REQUIRE(issue_golden(bound_golden_options(), dir / "issued.toml").exit_code == 0);
  std::string windows = "\xEF\xBB\xBF";
  for (const char c : read_file(dir / "issued.toml")) windows += c == '\n' ? std::string("\r\n") : std::string(1, c);
  CHECK(run_openssl_lines(dir, windows).exit_code == 0);
}

TEST_CASE("The OpenSSL lines of FORMAT.md reject the issued license with one body byte changed", "[issue][openssl]") {
  temp_dir dir;
  REQUIRE(issue_golden(bound_golden_options(), dir / "issued.toml").exit_code == 0);
  std::string text = read_file(dir / "issued.toml");
  text[text.find("seats = 5")] = 'S';
  CHECK(run_openssl_lines(dir, text).exit_code != 0);
}

TEST_CASE("A container request binds only with --allow-container, which the license records", "[issue][request]") {
  temp_dir dir;
  std::string request = read_file(sample_request());
  request.replace(request.find("environment = \"vm\""), 18, "environment = \"container\"");
  write_file(dir / "container.toml", request);
  const std::string order = "--product acme-studio --licensee L --request " + q(dir / "container.toml");
  const auto refused = issue(dir / "refused.toml", order);
  CHECK(refused.exit_code == 7);
  CHECK(one_error_line(refused.err));
  CHECK(contains(refused.err, "container.toml: comes from a container"));
  CHECK_FALSE(airlock::test::exists(dir / "refused.toml"));
  REQUIRE(issue(dir / "allowed.toml", order + " --allow-container").exit_code == 0);
  CHECK(contains(read_file(dir / "allowed.toml"), "\nallow_container = true\n"));
}

TEST_CASE("issue with --force replaces an existing license file", "[issue]") {
  temp_dir dir;
  write_file(dir / "l.toml", "old");
  const auto r = issue_unbound(dir / "l.toml", "--force");
  CHECK(r.exit_code == 0);
  CHECK(airlock::verify_license(read_file(dir / "l.toml"), test_trust(), offline_options()).ok());
  CHECK(count_entries(dir.path()) == 1);
}
