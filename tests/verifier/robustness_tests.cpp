// SPDX-License-Identifier: MIT
// Hostile input: the size cap before parsing, and thousands of random and mutated licenses.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "support/support.hpp"
#include "verifier_support.hpp"

using namespace airlock;
using namespace airlock::vtest;

namespace {

// A well-formed license padded with meta fields to exactly `size` bytes.
std::string license_of_size(std::size_t size) {
  format::license lic = unbound_license();
  std::string text = sign(lic);
  for (int i = 0; text.size() < size; ++i) {
    const bool last = size - text.size() <= 1024 + 64;
    lic.meta.push_back({"m" + std::to_string(100 + i), ""});
    const std::size_t empty_entry = sign(lic).size();
    lic.meta.back().value.assign(last ? size - empty_entry : 1024, 'x');
    text = sign(lic);
  }
  return text;
}

std::string mutated(std::string text, std::mt19937& rng) {
  std::uniform_int_distribution<int> kind(0, 5);
  const auto at_pos = [&](std::size_t extra) {
    return std::uniform_int_distribution<std::size_t>(0, text.size() - 1 + extra)(rng);
  };
  const char byte = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
  switch (kind(rng)) {
    case 0: text[at_pos(0)] ^= static_cast<char>(1 << std::uniform_int_distribution<int>(0, 7)(rng)); break;
    case 1: text[at_pos(0)] = byte; break;
    case 2: text.insert(at_pos(1), 1, byte); break;
    case 3: text.erase(at_pos(0), 1 + at_pos(0) % 8); break;
    case 4: text.resize(at_pos(0)); break;
    default: {
      const std::size_t from = at_pos(0);
      text.insert(at_pos(1), text.substr(from, 1 + from % 40));
    }
  }
  return text;
}

}  // namespace

TEST_CASE("A license of exactly 64 KiB is read and verified", "[verify][robustness]") {
  const std::string text = license_of_size(64 * 1024);
  REQUIRE(text.size() == 64 * 1024);
  CHECK(check(text, options_at(february)).why == reason::ok);
}

TEST_CASE("A license of 64 KiB plus one byte is malformed before parsing", "[verify][robustness]") {
  const std::string text = license_of_size(64 * 1024) + "\n";
  const verify_result r = check(text, options_at(february));
  CHECK(r.why == reason::malformed);
  CHECK(r.line == 0);
  CHECK(r.message == "larger than 65536 bytes, so not a license");
}

TEST_CASE("A license file of 64 KiB plus one byte is malformed like its text", "[verify][robustness]") {
  test::temp_dir dir;
  test::write_file(dir / "big.lic", license_of_size(64 * 1024) + "\n");
  const verify_result r = verify_license_file(dir / "big.lic", acme().trust(), options_at(february));
  CHECK(r.why == reason::malformed);
  CHECK(r.message.find("larger than 65536 bytes") != std::string::npos);
}

TEST_CASE("An 8 MiB license file is malformed, like any file over 64 KiB", "[verify][robustness]") {
  test::temp_dir dir;
  test::write_file(dir / "huge.lic", std::string(8 << 20, '#'));
  const verify_result r = verify_license_file(dir / "huge.lic", acme().trust(), options_at(february));
  CHECK(r.why == reason::malformed);
}

TEST_CASE("Random bytes never crash the verifier and are never accepted", "[verify][robustness]") {
  std::mt19937 rng(20260201);
  for (int i = 0; i < 1500; ++i) {
    std::string junk(std::uniform_int_distribution<std::size_t>(0, 600)(rng), '\0');
    for (char& c : junk) c = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
    if (i % 3 == 0) junk = "[signature]\n" + junk;
    const verify_result r = check(junk, options_at(february));
    REQUIRE_FALSE(r.ok());
    REQUIRE_FALSE(r.message.empty());
  }
}

TEST_CASE("A mutated license is either rejected or still the license that was signed", "[verify][robustness]") {
  const format::license original = license_bound_to(office_pc());
  const std::string text = sign(original);
  std::mt19937 rng(7);
  int accepted = 0;
  for (int i = 0; i < 2000; ++i) {
    const verify_result r = check(mutated(text, rng), options_at(february));
    REQUIRE_FALSE(r.message.empty());
    if (r.ok()) {
      ++accepted;
      REQUIRE(r.license == original);
    }
  }
  CHECK(accepted < 100);  // only edits the format ignores (the final LF) survive
}

TEST_CASE("Mutated bodies signed by the vendor never crash the parser behind the signature", "[verify][robustness]") {
  const std::string body = body_of(license_bound_to(office_pc()));
  std::mt19937 rng(11);
  int parsed = 0;
  for (int i = 0; i < 600; ++i) {
    const verify_result r = check(sign_body(mutated(body, rng), acme(), acme().key_id), options_at(february));
    REQUIRE_FALSE(r.message.empty());
    if (r.why == reason::malformed) REQUIRE(r.line > 0);
    if (r.signature_valid) ++parsed;
  }
  CHECK(parsed > 0);
}
