// SPDX-License-Identifier: MIT
// The revocation list file (FORMAT.md 11.1): layout, reading, writing, limits.
#include <catch2/catch.hpp>

#include <string>

#include "airlock/format/revocations.hpp"
#include "airlock/format/writers.hpp"
#include "test_support.hpp"

using namespace airlock_test;

namespace {

fmt::revocation_list sample_list() {
  fmt::revocation_list list;
  list.key_id = golden_key_id;
  list.product = "acme-studio";
  list.sequence = 3;
  list.issued = *fmt::parse_utc_time("2025-06-01T08:00:00Z");  // the FORMAT.md 11.1 example
  list.revoked = {"0b8e4c52a7f94d1e9c3a6b2d5f708e41", "3c9e1f0a2b4d4c6e8a0b1c2d3e4f5a6b"};
  return list;
}

// A whole file with a well-formed (not a valid) signature: reading does not check it.
std::string file_of(const std::string& body, const std::string& key_id = golden_key_id) {
  fmt::signature_block block;
  block.key_id = key_id;
  return body + fmt::write_signature_block(block).text;
}

std::string body_of(const fmt::revocation_list& list) {
  const auto body = fmt::write_revocations_body(list);
  REQUIRE(body.ok());
  return body.text;
}

fmt::parse_result<fmt::revocation_list> read(const std::string& file) {
  const auto opened = fmt::open_revocation_list(file);
  if (!opened.ok()) {
    fmt::parse_result<fmt::revocation_list> failed;
    failed.error = opened.error;
    return failed;
  }
  return fmt::read_revocations_content(*opened.value);
}

}  // namespace

TEST_CASE("A revocation list round-trips through its writer and reader", "[format][revocations]") {
  const std::string body = body_of(sample_list());
  CHECK(body.rfind("# Airlock revocation list, format 1.", 0) == 0);
  CHECK(body.find("\n[revocations]\nformat = 1\nkey_id = ") != std::string::npos);
  const auto r = read(file_of(body));
  REQUIRE(r.ok());
  CHECK(*r.value == sample_list());
  CHECK(r.value->lists("3c9e1f0a2b4d4c6e8a0b1c2d3e4f5a6b"));
  CHECK_FALSE(r.value->lists("3c9e"));
}

TEST_CASE("An empty revocation list only raises the sequence", "[format][revocations]") {
  fmt::revocation_list list = sample_list();
  list.revoked.clear();
  const auto r = read(file_of(body_of(list)));
  REQUIRE(r.ok());
  CHECK(r.value->revoked.empty());
}

TEST_CASE("A revocation list breaking a rule is refused", "[format][revocations]") {
  fmt::revocation_list list = sample_list();
  SECTION("unsorted ids") { std::swap(list.revoked[0], list.revoked[1]); }
  SECTION("a repeated id") { list.revoked[1] = list.revoked[0]; }
  SECTION("an invalid id") { list.revoked[0] = "not an id"; }
  SECTION("sequence 0") { list.sequence = 0; }
  SECTION("an empty product") { list.product.clear(); }
  SECTION("more than 1024 ids") {
    list.revoked.clear();
    for (int i = 0; i < 1025; ++i) list.revoked.push_back("id-" + std::to_string(10000 + i));
  }
  CHECK_FALSE(fmt::write_revocations_body(list).ok());
}

TEST_CASE("Reading a revocation list applies the license envelope rules", "[format][revocations]") {
  const std::string body = body_of(sample_list());
  SECTION("another key in the body than in the signature") {
    const auto r = read(file_of(body, "0000000000000000"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error.kind == fmt::error_kind::key_id_mismatch);
  }
  SECTION("a license is not a list") {
    const auto r = read(file_of("# x\n[license]\nformat = 1\n\n"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error.message.find("[revocations]") != std::string::npos);
  }
  SECTION("a later format is unsupported_version") {
    const auto r = read(file_of(replace_once(body, "format = 1", "format = 2")));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error.kind == fmt::error_kind::unsupported_version);
  }
  SECTION("an unknown key at the end is ignored") {
    const auto r = read(file_of(replace_once(body, "\"]\n\n", "\"]\nmirror = \"x\"\n\n")));
    REQUIRE(r.ok());
    CHECK(r.value->extensions == std::vector<std::string>{"revocations.mirror"});
  }
}

TEST_CASE("A list of 1024 short ids fits in one file", "[format][revocations]") {
  fmt::revocation_list list = sample_list();
  list.revoked.clear();
  for (int i = 0; i < 1024; ++i) list.revoked.push_back(std::to_string(100000000 + i) + "0123456789abcdef0123456");
  const auto r = read(file_of(body_of(list)));
  REQUIRE(r.ok());
  CHECK(r.value->revoked.size() == 1024);
}

TEST_CASE("The revocation list example of FORMAT.md is a conformance vector the writer reproduces",
          "[format][revocations][spec]") {
  const std::string vector = read_file(source_path("formats/vectors/revocations/003-rl-ok-example.toml"));
  const std::string spec = read_file(source_path("formats/FORMAT.md"));
  const std::string marker = "<!-- example: revocations/003-rl-ok-example.toml -->\n```toml\n";
  const std::size_t start = spec.find(marker);
  REQUIRE(start != std::string::npos);
  const std::size_t body = start + marker.size();
  CHECK(spec.substr(body, spec.find("```\n", body) - body) == vector);
  CHECK(vector.rfind(body_of(sample_list()), 0) == 0);  // the writer's body, then the signature table
}
