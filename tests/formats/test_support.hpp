// SPDX-License-Identifier: MIT
// Shared helpers of the format tests: sample documents, files, shell commands, error checks.
#ifndef AIRLOCK_TESTS_FORMATS_TEST_SUPPORT_HPP
#define AIRLOCK_TESTS_FORMATS_TEST_SUPPORT_HPP

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>

#include "airlock/format/format.hpp"

namespace airlock_test {

namespace fmt = airlock::format;

/// The key ID of formats/vectors/test_vendor_key.pub: the first 8 bytes of SHA-256 of its raw
/// 32 bytes, in hex.
inline const std::string golden_key_id = "55946e28fb11b7ee";

inline std::string source_path(std::string_view relative) {
  return std::string(AIRLOCK_SOURCE_DIR) + "/" + std::string(relative);
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_file(const std::string& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  REQUIRE(out.good());
}

/// A fresh empty directory under /tmp (left in place for post-mortems on failure).
inline std::string make_temp_dir() {
  char name[] = "/tmp/airlock-formats-XXXXXX";
  REQUIRE(mkdtemp(name) != nullptr);
  return name;
}

struct command_result {
  int status = -1;
  std::string output;  ///< stdout and stderr together
};

/// Runs a /bin/sh command line and captures its output and exit status.
inline command_result run(const std::string& command) {
  command_result result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, got);
  const int raw = pclose(pipe);
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return result;
}

inline std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline std::string replace_once(std::string text, std::string_view from, std::string_view to) {
  const std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  return text;
}

inline fmt::license sample_unbound_license() {
  fmt::license lic;
  lic.id = "0b8e4c52a7f94d1e9c3a6b2d5f708e41";
  lic.key_id = golden_key_id;
  lic.product = "acme-studio";
  lic.licensee = "Example Corp";
  lic.issued = *fmt::parse_utc_time("2025-03-01T09:15:00Z");
  lic.not_before = *fmt::parse_date("2025-03-01");
  return lic;
}

inline fmt::license sample_bound_license() {
  fmt::license lic;
  lic.id = "7f3a9c2e4b1d4e8fa0c6d2b5e9f81a37";
  lic.key_id = golden_key_id;
  lic.product = "acme-studio";
  lic.licensee = "M\xC3\xBCller & S\xC3\xB6hne GmbH";
  lic.issued = *fmt::parse_utc_time("2025-03-01T12:30:05Z");
  lic.not_before = *fmt::parse_date("2025-03-01");
  lic.expires = fmt::parse_date("2026-02-28");
  lic.updates_until = fmt::parse_date("2025-12-31");
  lic.features = {"export.pdf", "render", "render.gpu"};
  lic.limits = {{"seats", 5}, {"workers", 16}};
  lic.meta = {{"note", "tab\there \"quoted\" back\\slash esc\x1b \xE2\x98\x83"}, {"order", "SO-1042"}};
  lic.machine.unbound = false;
  lic.machine.policy = std::string(fmt::match_policy_v1);
  lic.machine.hashes.platform = {"05feb126946b54a25e841d449bbd516c"};
  lic.machine.hashes.disk = {"fec50738aa755e2c8649e35886a978c8", "66f504ae9b75f1f5f2d5c1b47d9be794"};
  lic.machine.hashes.nic = {"8fe0d3f1ac5117e299451dc6bb971d2a", "3c50acb7c28af2c18de8720fc2635ca2"};
  lic.machine.hashes.os = {"6b426e7563c8cdcdc55796e08d57d9c0"};
  lic.machine.hashes.board = {"83440fa4f3936f8a407c811ebbcaaede"};
  return lic;
}

inline fmt::request sample_request() {
  fmt::request req;
  req.product = "acme-studio";
  req.key_id = golden_key_id;
  req.created = *fmt::parse_utc_time("2025-02-27T16:04:59Z");
  req.tool = "airlock-hwid 0.1.0";
  req.environment = fmt::runtime_environment::vm;
  req.machine.platform = {"f5c0bcd99b401a359cb29c1435252daa"};
  req.machine.disk = {"8367e2769307c385d8d7199ecab051a0"};
  req.machine.nic = {"776d221c2d0428bef3a7a3a67180ce42", "be238996a828aa9d19f49f1f6f41e4ce"};
  req.machine.os = {"232a93157753405bdde4c0aa07ebb038"};
  return req;
}

inline std::string body_of(const fmt::license& lic) {
  const auto written = fmt::write_license_body(lic);
  INFO(written.error);
  REQUIRE(written.ok());
  return written.text;
}

/// Parses a body that must be rejected and returns the error.
inline fmt::parse_error rejected_body(std::string_view body) {
  const auto parsed = fmt::parse_license_body(body);
  REQUIRE_FALSE(parsed.ok());
  INFO(parsed.error.line << ":" << parsed.error.column << ": " << parsed.error.message);
  CHECK(parsed.error.line >= 1);
  CHECK(parsed.error.column >= 1);
  return parsed.error;
}

/// The error must be at line:column and its message must contain `text`.
inline void check_error(const fmt::parse_error& error, std::size_t line, std::size_t column, std::string_view text,
                        fmt::error_kind kind = fmt::error_kind::malformed) {
  INFO(error.line << ":" << error.column << ": " << error.message);
  CHECK(error.line == line);
  CHECK(error.column == column);
  CHECK(error.message.find(text) != std::string::npos);
  CHECK(error.kind == kind);
}

}  // namespace airlock_test

#endif  // AIRLOCK_TESTS_FORMATS_TEST_SUPPORT_HPP
