// SPDX-License-Identifier: MIT
// Canonical base64, lowercase hex and UTF-8 validation.
#include <catch2/catch.hpp>

#include "test_support.hpp"

namespace fmt = airlock::format;

namespace {

std::string encode(std::string_view text) {
  return fmt::base64_encode(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

std::optional<std::string> decode(std::string_view text) {
  const auto bytes = fmt::base64_decode(text);
  if (!bytes) return std::nullopt;
  return std::string(bytes->begin(), bytes->end());
}

}  // namespace

// RFC 4648 section 10.
TEST_CASE("Base64 encodes the RFC 4648 test vectors", "[base64]") {
  CHECK(encode("") == "");
  CHECK(encode("f") == "Zg==");
  CHECK(encode("fo") == "Zm8=");
  CHECK(encode("foo") == "Zm9v");
  CHECK(encode("foob") == "Zm9vYg==");
  CHECK(encode("fooba") == "Zm9vYmE=");
  CHECK(encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("Base64 decodes the RFC 4648 test vectors", "[base64]") {
  CHECK(decode("") == std::string());
  CHECK(decode("Zg==") == std::string("f"));
  CHECK(decode("Zm8=") == std::string("fo"));
  CHECK(decode("Zm9vYmE=") == std::string("fooba"));
  CHECK(decode("Zm9vYmFy") == std::string("foobar"));
}

TEST_CASE("Base64 decoding rejects every non-canonical spelling", "[base64]") {
  CHECK_FALSE(decode("Zg="));       // missing padding
  CHECK_FALSE(decode("Zg"));        // no padding at all
  CHECK_FALSE(decode("Zh=="));      // non-zero padding bits
  CHECK_FALSE(decode("Zm9="));      // non-zero padding bits
  CHECK_FALSE(decode("Zm 9v"));     // whitespace
  CHECK_FALSE(decode("Zm9v\n"));    // line break
  CHECK_FALSE(decode("Zm9v===="));  // a whole group of padding
  CHECK_FALSE(decode("Z==="));      // three padding characters
  CHECK_FALSE(decode("Zg==Zg=="));  // padding in the middle
  CHECK_FALSE(decode("-_8="));      // URL-safe alphabet
}

TEST_CASE("Base64 round-trips every length and byte value", "[base64]") {
  std::vector<std::uint8_t> bytes;
  for (int length = 0; length < 300; ++length) {
    const auto text = fmt::base64_encode(bytes.data(), bytes.size());
    CHECK(fmt::base64_decode(text) == bytes);
    bytes.push_back(static_cast<std::uint8_t>(length * 7 + 3));
  }
}

TEST_CASE("Base64 decoding into a fixed-size array requires exactly that many bytes", "[base64]") {
  CHECK(fmt::base64_decode_array<3>("Zm9v").has_value());
  CHECK_FALSE(fmt::base64_decode_array<4>("Zm9v").has_value());
  CHECK_FALSE(fmt::base64_decode_array<2>("Zm9v").has_value());
}

TEST_CASE("Hex is lowercase and decoding rejects uppercase, odd lengths and other characters", "[hex]") {
  const std::array<std::uint8_t, 4> bytes = {0x00, 0x9f, 0xa0, 0xff};
  CHECK(fmt::hex_encode(bytes) == "009fa0ff");
  CHECK(fmt::hex_decode("009fa0ff") == std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
  CHECK_FALSE(fmt::hex_decode("009FA0FF"));
  CHECK_FALSE(fmt::hex_decode("009"));
  CHECK_FALSE(fmt::hex_decode("0g"));
  CHECK(fmt::is_lower_hex("0123456789abcdef", 16));
  CHECK_FALSE(fmt::is_lower_hex("0123456789ABCDEF", 16));
  CHECK_FALSE(fmt::is_lower_hex("0123456789abcde", 16));
}

TEST_CASE("UTF-8 validation accepts well-formed text", "[utf8]") {
  CHECK(fmt::is_valid_utf8(""));
  CHECK(fmt::is_valid_utf8("plain ascii"));
  CHECK(fmt::is_valid_utf8("M\xC3\xBCller \xE2\x98\x83 \xF0\x9F\x98\x80"));
  CHECK(fmt::is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  CHECK(fmt::is_valid_utf8("\xEF\xBF\xBF"));      // U+FFFF
}

TEST_CASE("UTF-8 validation rejects overlong forms, surrogates, out-of-range and truncated sequences", "[utf8]") {
  CHECK_FALSE(fmt::is_valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(fmt::is_valid_utf8("\xE0\x80\xAF"));      // overlong '/'
  CHECK_FALSE(fmt::is_valid_utf8("\xF0\x80\x80\xAF"));  // overlong '/'
  CHECK_FALSE(fmt::is_valid_utf8("\xED\xA0\x80"));      // U+D800
  CHECK_FALSE(fmt::is_valid_utf8("\xF4\x90\x80\x80"));  // U+110000
  CHECK_FALSE(fmt::is_valid_utf8("\xF5\x80\x80\x80"));
  CHECK_FALSE(fmt::is_valid_utf8("\x80"));
  CHECK_FALSE(fmt::is_valid_utf8("\xE2\x98"));
  CHECK_FALSE(fmt::is_valid_utf8("\xFF"));
}
