// SPDX-License-Identifier: MIT
// The signed file: normalization, the body/signature split, the signature table, the signed bytes.
#include <catch2/catch.hpp>

#include "test_support.hpp"

namespace fmt = airlock::format;
using airlock_test::check_error;
using airlock_test::replace_once;

namespace {

fmt::signature_block sample_signature() {
  fmt::signature_block block;
  block.key_id = airlock_test::golden_key_id;
  for (std::size_t i = 0; i < block.value.size(); ++i) block.value[i] = static_cast<std::uint8_t>(i * 37 + 11);
  return block;
}

std::string sample_file() {
  const auto block = fmt::write_signature_block(sample_signature());
  REQUIRE(block.ok());
  return airlock_test::body_of(airlock_test::sample_bound_license()) + block.text;
}

fmt::parse_error rejected_split(std::string_view text) {
  const auto split = fmt::open_license(text);
  REQUIRE_FALSE(split.ok());
  return split.error;
}

/// Line of `value = "..."` in the sample file.
constexpr std::size_t value_line = 35;

}  // namespace

TEST_CASE("The signed message is the prefix line followed by the body bytes", "[envelope]") {
  CHECK(fmt::signed_message("[license]\n") == std::string("airlock-license-v1\n[license]\n"));
  CHECK(fmt::signed_message("") == "airlock-license-v1\n");
}

TEST_CASE("Splitting gives back the body and signature that were written", "[envelope]") {
  const auto split = fmt::open_license(sample_file());
  REQUIRE(split.ok());
  CHECK(split.value->body == airlock_test::body_of(airlock_test::sample_bound_license()));
  CHECK(split.value->signature == sample_signature());
}

TEST_CASE("Normalization drops a BOM and turns CRLF into LF but keeps a lone CR", "[envelope]") {
  CHECK(fmt::normalize_line_endings("\xEF\xBB\xBF"
                                    "a\r\nb\r\n") == "a\nb\n");
  CHECK(fmt::normalize_line_endings("a\rb\r\r\n") == "a\rb\r\n");
  CHECK(fmt::normalize_line_endings("a\xEF\xBB\xBF") == "a\xEF\xBB\xBF");
}

TEST_CASE("CRLF and BOM variants of a license file give the same body as LF", "[envelope]") {
  const std::string lf = sample_file();
  std::string crlf;
  for (const char c : lf) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  for (const std::string& variant : {crlf, "\xEF\xBB\xBF" + lf, "\xEF\xBB\xBF" + crlf}) {
    const auto file = fmt::parse_license_file(variant);
    REQUIRE(file.ok());
    CHECK(file.value->message == fmt::signed_message(airlock_test::body_of(airlock_test::sample_bound_license())));
    CHECK(file.value->content == airlock_test::sample_bound_license());
  }
}

TEST_CASE("A lone carriage return in the body is rejected", "[envelope]") {
  const auto file = fmt::parse_license_file(replace_once(sample_file(), "format = 1\n", "format = 1\r"));
  REQUIRE_FALSE(file.ok());
  check_error(file.error, 3, 11, "control character U+000D");
}

TEST_CASE("The final line feed of the file is optional but a second one is not", "[envelope]") {
  std::string text = sample_file();
  text.pop_back();
  const auto split = fmt::open_license(text);
  REQUIRE(split.ok());
  CHECK(split.value->signature == sample_signature());
  check_error(rejected_split(sample_file() + "\n"), value_line + 1, 1, "unexpected text after the signature table");
}

TEST_CASE("The last line that is exactly [signature] starts the signature table", "[envelope]") {
  // An earlier [signature] line ends up in the body, which then fails to parse as a license.
  const std::string body = airlock_test::body_of(airlock_test::sample_bound_license());
  const std::string text = replace_once(sample_file(), "[machine]", "[signature]\n\n[machine]");
  const auto split = fmt::open_license(text);
  REQUIRE(split.ok());
  const auto parsed = fmt::parse_license_body(split.value->body);
  REQUIRE_FALSE(parsed.ok());
  check_error(parsed.error, 22, 1, "unknown table [signature]");
  // "[signature] " or "# [signature]" are not the line.
  check_error(rejected_split(body + "[signature] \n"), 33, 1, "missing [signature] line");
}

TEST_CASE("A string can never put a [signature] line into the body", "[envelope]") {
  auto lic = airlock_test::sample_bound_license();
  lic.meta[0].value = "x\n[signature]\nalgorithm = \"ed25519\"\n";
  const auto block = fmt::write_signature_block(sample_signature());
  const auto file = fmt::parse_license_file(airlock_test::body_of(lic) + block.text);
  REQUIRE(file.ok());
  CHECK(file.value->content == lic);
}

TEST_CASE("A file without a [signature] line is rejected", "[envelope]") {
  const std::string body = airlock_test::body_of(airlock_test::sample_bound_license());
  check_error(rejected_split(body), 32, 1, "missing [signature] line");
}

TEST_CASE("The signature table must have exactly its three lines in order", "[envelope]") {
  const std::string file = sample_file();
  const std::string text = file.substr(0, file.find("value = "));
  check_error(rejected_split(text), value_line, 1, "the signature table is incomplete");
  check_error(rejected_split(file.substr(0, file.find("[signature]") + 12)), 33, 1,
              "the signature table is incomplete");
  check_error(rejected_split(file + "extra = 1\n"), value_line + 1, 1, "unexpected text");
  const std::string algorithm = "algorithm = \"ed25519\"\n";
  const std::string key = "key_id = \"" + airlock_test::golden_key_id + "\"\n";
  check_error(rejected_split(replace_once(file, algorithm + key, key + algorithm)), 33, 1, "expected 'algorithm = \"");
  check_error(rejected_split(replace_once(file, "value = \"", "value  = \"")), value_line, 7, "expected 'value = \"");
  check_error(rejected_split(replace_once(file, "algorithm = \"ed25519\"", "algorithm = \"ed25519\" ")), 33, 23,
              "expected 'algorithm = \"");
}

TEST_CASE("Another signature algorithm is reported as unsupported_version", "[envelope][version]") {
  check_error(rejected_split(replace_once(sample_file(), "\"ed25519\"", "\"ed448\"")), 33, 14,
              "unsupported signature algorithm", fmt::error_kind::unsupported_version);
}

TEST_CASE("The signature key_id must be 16 lowercase hex digits", "[envelope]") {
  check_error(rejected_split(replace_once(sample_file(), "key_id = \"55946e28fb11b7ee\"\nvalue",
                                          "key_id = \"55946E28FB11B7EE\"\nvalue")),
              34, 11, "key_id must be 16 lowercase hex digits");
  check_error(rejected_split(replace_once(sample_file(), "key_id = \"55946e28fb11b7ee\"\nvalue",
                                          "key_id = \"55946e28fb11b7e\"\nvalue")),
              34, 11, "key_id must be 16 lowercase hex digits");
}

TEST_CASE("The signature value must be canonical base64 of exactly 64 bytes", "[envelope]") {
  const std::string file = sample_file();
  const std::string value = fmt::base64_encode(sample_signature().value);
  REQUIRE(value.substr(85) == "g==");  // 'g' = 100000: its low 4 bits are the zero padding bits
  const auto with_value = [&](const std::string& text) { return replace_once(file, value, text); };
  const std::string text = "must be the canonical base64 of 64 bytes";
  check_error(rejected_split(with_value(value.substr(0, 85) + "h==")), value_line, 10, text);  // padding bits
  check_error(rejected_split(with_value(value.substr(0, 86))), value_line, 10, text);          // no padding
  check_error(rejected_split(with_value(value.substr(0, 40) + " " + value.substr(40))), value_line, 10, text);
  check_error(rejected_split(with_value(value.substr(0, 80) + "Sg==")), value_line, 10, text);  // 61 bytes
  check_error(rejected_split(with_value(value + "AAAA")), value_line, 10, text);                // 67 bytes
  check_error(rejected_split(with_value(value.substr(0, 84) + "-g==")), value_line, 10, text);  // alphabet
}

TEST_CASE("The key_id of [license] must equal the signature's", "[envelope]") {
  auto block = sample_signature();
  block.key_id = "0000000000000000";
  const auto file = fmt::parse_license_file(airlock_test::body_of(airlock_test::sample_bound_license()) +
                                            fmt::write_signature_block(block).text);
  REQUIRE_FALSE(file.ok());
  check_error(file.error, 34, 11, "[license] names key 55946e28fb11b7ee but the file is signed by 0000000000000000",
              fmt::error_kind::key_id_mismatch);
}

TEST_CASE("Writing a signature block refuses a bad key_id or algorithm", "[envelope]") {
  auto block = sample_signature();
  block.key_id = "XYZ";
  CHECK_FALSE(fmt::write_signature_block(block).ok());
  block = sample_signature();
  block.algorithm = "rsa";
  CHECK_FALSE(fmt::write_signature_block(block).ok());
}

TEST_CASE("Oversized files are rejected before they are split", "[envelope]") {
  const std::string huge(fmt::max_input_size + 1, '#');
  check_error(rejected_split(huge), 1, 1, "larger than 65536 bytes");
  const auto file = fmt::parse_license_file(huge);
  REQUIRE_FALSE(file.ok());
  check_error(file.error, 1, 1, "larger than 65536 bytes");
}
