// SPDX-License-Identifier: MIT
// The shell lines of FORMAT.md 3.9 verify licenses that this writer produced and OpenSSL signed.
#include <catch2/catch.hpp>

#include "golden_support.hpp"
#include "test_support.hpp"

namespace fmt = airlock::format;
using airlock_test::run;

namespace {

/// The sh block between the openssl-verify markers of FORMAT.md, exactly as documented.
std::string documented_verify_script() {
  const std::string spec = airlock_test::read_file(airlock_test::source_path("formats/FORMAT.md"));
  const std::string begin = "<!-- openssl-verify:begin -->\n```sh\n";
  const std::size_t start = spec.find(begin);
  const std::size_t end = spec.find("```\n<!-- openssl-verify:end -->");
  REQUIRE(start != std::string::npos);
  REQUIRE(end != std::string::npos);
  return spec.substr(start + begin.size(), end - start - begin.size());
}

/// Runs the documented lines on `license` with `public_key` in a fresh directory.
airlock_test::command_result verify_with_documented_lines(const std::string& license, const std::string& public_key) {
  const std::string dir = airlock_test::make_temp_dir();
  airlock_test::write_file(dir + "/license.toml", license);
  airlock_test::write_file(dir + "/vendor.pub", public_key);
  airlock_test::write_file(dir + "/verify.sh", documented_verify_script());
  return run("cd " + dir + " && sh verify.sh");
}

struct vendor_key {
  std::string private_path;
  std::string public_pem;
};

vendor_key fresh_vendor_key() {
  const std::string dir = airlock_test::make_temp_dir();
  REQUIRE(run("openssl genpkey -algorithm ed25519 -out " + dir + "/vendor.pem").status == 0);
  REQUIRE(run("openssl pkey -in " + dir + "/vendor.pem -pubout -out " + dir + "/vendor.pub").status == 0);
  return {dir + "/vendor.pem", airlock_test::read_file(dir + "/vendor.pub")};
}

std::string to_crlf(const std::string& text) {
  std::string out;
  for (const char c : text) out += c == '\n' ? std::string("\r\n") : std::string(1, c);
  return out;
}

}  // namespace

TEST_CASE("A license written here and signed by openssl verifies with the documented openssl lines",
          "[openssl][envelope]") {
  const vendor_key key = fresh_vendor_key();
  for (const auto& lic : {airlock_test::sample_bound_license(), airlock_test::sample_unbound_license()}) {
    const std::string text = airlock_test::signed_license_text(lic, key.private_path);
    const auto result = verify_with_documented_lines(text, key.public_pem);
    INFO(result.output);
    CHECK(result.status == 0);
    CHECK(result.output.find("Signature Verified Successfully") != std::string::npos);
    REQUIRE(fmt::parse_license_file(text).ok());
  }
}

TEST_CASE("The documented openssl lines accept the license after a trip through Windows", "[openssl][envelope]") {
  const vendor_key key = fresh_vendor_key();
  const std::string text = airlock_test::signed_license_text(airlock_test::sample_bound_license(), key.private_path);
  const auto result = verify_with_documented_lines("\xEF\xBB\xBF" + to_crlf(text), key.public_pem);
  INFO(result.output);
  CHECK(result.status == 0);
}

TEST_CASE("The documented openssl lines reject a license with one changed byte or another key", "[openssl][envelope]") {
  const vendor_key key = fresh_vendor_key();
  const std::string text = airlock_test::signed_license_text(airlock_test::sample_bound_license(), key.private_path);
  const auto changed =
      verify_with_documented_lines(airlock_test::replace_once(text, "seats = 5", "seats = 6"), key.public_pem);
  INFO(changed.output);
  CHECK(changed.status != 0);
  const auto other = verify_with_documented_lines(text, fresh_vendor_key().public_pem);
  INFO(other.output);
  CHECK(other.status != 0);
}

TEST_CASE("The golden licenses verify with the documented openssl lines and the test public key", "[openssl][golden]") {
  const std::string public_key = airlock_test::read_file(airlock_test::vector_path("test_vendor_key.pub"));
  for (const char* file : {"license_bound.toml", "license_unbound.toml"}) {
    INFO(file);
    const auto result =
        verify_with_documented_lines(airlock_test::read_file(airlock_test::vector_path(file)), public_key);
    INFO(result.output);
    CHECK(result.status == 0);
  }
}

TEST_CASE("The message a parsed license reports is exactly what openssl signed", "[openssl][envelope]") {
  const vendor_key key = fresh_vendor_key();
  const auto lic = airlock_test::sample_bound_license();
  const std::string body = airlock_test::body_of(lic);
  const fmt::signature_block block = airlock_test::sign_with_openssl(body, lic.key_id, key.private_path);
  const auto file = fmt::parse_license_file(body + fmt::write_signature_block(block).text);
  REQUIRE(file.ok());
  CHECK(file.value->message == fmt::signed_message(body));
  CHECK(file.value->signature == block);
}
