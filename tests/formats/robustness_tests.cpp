// SPDX-License-Identifier: MIT
// Damaged licenses: every truncation and many single-byte changes are either rejected or read
// back as exactly the damaged bytes (the reader never silently canonicalizes).
#include <catch2/catch.hpp>

#include "golden_support.hpp"
#include "test_support.hpp"

namespace fmt = airlock::format;

namespace {

/// What the writer makes of a parsed file: if parsing accepted `text`, this must equal it.
std::string rewrite(const fmt::license_file& file) {
  return airlock_test::body_of(file.content) + fmt::write_signature_block(file.signature).text;
}

/// Accepted damage must be harmless or visible: either the file still means exactly what it meant
/// (a CR before an LF, a blank line less, the free text of the comment line), or the writer
/// reproduces the damaged text, so the change shows in the values and the signature catches it.
void check_accepted_text_is_canonical(const std::string& original, const std::string& damaged, std::size_t position) {
  const auto file = fmt::parse_license_file(damaged);
  if (!file.ok()) {
    CHECK(file.error.line >= 1);
    CHECK_FALSE(file.error.message.empty());
    return;
  }
  const auto before = fmt::parse_license_file(original);
  REQUIRE(before.ok());
  if (file.value->content == before.value->content && file.value->signature == before.value->signature) return;
  // A key renamed past the last defined one reads as an extension (FORMAT.md 8.1): named in the
  // values, signed, ignored; the writer writes none, so there is nothing to compare.
  if (!file.value->content.extensions.empty()) return;
  std::string expected = fmt::normalize_line_endings(damaged);
  if (expected.empty() || expected.back() != '\n') expected += '\n';
  if (rewrite(*file.value) != expected) FAIL("damage at byte " << position << " was silently accepted");
}

}  // namespace

TEST_CASE("Every truncation of a golden license is rejected or read back exactly", "[robustness]") {
  for (const char* name : {"license_bound.toml", "license_unbound.toml"}) {
    const std::string text = airlock_test::read_file(airlock_test::vector_path(name));
    for (std::size_t length = 0; length < text.size(); ++length) {
      check_accepted_text_is_canonical(text, text.substr(0, length), length);
    }
  }
}

TEST_CASE("Every single-byte change of a golden license is rejected or read back exactly", "[robustness]") {
  const unsigned char replacements[] = {0x00, 0x09, 0x0A, 0x0D, 0x20, 0x22, 0x23, 0x2C, 0x2E, 0x30,
                                        0x3D, 0x5B, 0x5C, 0x5D, 0x61, 0x7F, 0x80, 0xC3, 0xFF};
  for (const char* name : {"license_bound.toml", "license_unbound.toml"}) {
    const std::string text = airlock_test::read_file(airlock_test::vector_path(name));
    for (std::size_t position = 0; position < text.size(); ++position) {
      std::string damaged = text;
      for (const unsigned char value : replacements) {
        damaged[position] = static_cast<char>(value);
        check_accepted_text_is_canonical(text, damaged, position);
      }
      damaged[position] = static_cast<char>(text[position] ^ 0x01);
      check_accepted_text_is_canonical(text, damaged, position);
    }
  }
}

TEST_CASE("Every single-byte change of the golden request is rejected or read back exactly", "[robustness]") {
  const std::string text = airlock_test::read_file(airlock_test::vector_path("request.toml"));
  const std::size_t comments_end = text.find("[request]");
  for (std::size_t position = comments_end; position < text.size(); ++position) {
    for (const unsigned char value : {0x00, 0x09, 0x0A, 0x20, 0x22, 0x23, 0x2C, 0x30, 0x5C, 0x61, 0x7F, 0xFF}) {
      std::string damaged = text;
      damaged[position] = static_cast<char>(value);
      const auto parsed = fmt::parse_request(damaged);
      if (!parsed.ok()) {
        CHECK(parsed.error.line >= 1);
        continue;
      }
      const auto rewritten = fmt::write_request(*parsed.value);
      if (rewritten.text != damaged) FAIL("damage at byte " << position << " was silently accepted");
    }
  }
}

TEST_CASE("Random garbage of every size up to 64 KiB is rejected without crashing", "[robustness]") {
  std::uint32_t state = 12345;
  const auto next = [&state] {
    state = state * 1103515245u + 12345u;
    return static_cast<char>(state >> 16);
  };
  for (std::size_t size = 1; size <= fmt::max_input_size; size = size * 3 + 1) {
    std::string noise;
    for (std::size_t i = 0; i < size; ++i) noise += next();
    CHECK_FALSE(fmt::parse_license_file(noise).ok());
    CHECK_FALSE(fmt::parse_license_body(noise).ok());
    CHECK_FALSE(fmt::parse_request(noise).ok());
    CHECK_FALSE(fmt::public_key_from_pem(noise).has_value());
  }
}
