// SPDX-License-Identifier: MIT
// The vendor public-key file (PEM), checked against keys the OpenSSL command line makes.
#include <catch2/catch.hpp>

#include "test_support.hpp"

namespace fmt = airlock::format;
using airlock_test::read_file;
using airlock_test::run;

namespace {

/// Runs an openssl command in `dir`; the test fails if it does.
void openssl(const std::string& dir, const std::string& arguments) {
  const auto result = run("cd " + dir + " && openssl " + arguments);
  INFO(result.output);
  REQUIRE(result.status == 0);
}

std::string fresh_ed25519_public_pem(const std::string& dir) {
  openssl(dir, "genpkey -algorithm ed25519 -out key.pem");
  openssl(dir, "pkey -in key.pem -pubout -out key.pub");
  return read_file(dir + "/key.pub");
}

}  // namespace

TEST_CASE("A public key made by openssl is read as its 32 raw bytes", "[pem][openssl]") {
  const std::string dir = airlock_test::make_temp_dir();
  for (int round = 0; round < 4; ++round) {
    const std::string pem = fresh_ed25519_public_pem(dir);
    openssl(dir, "pkey -pubin -in key.pub -outform DER -out key.der");
    const std::string der = read_file(dir + "/key.der");
    REQUIRE(der.size() == 44);
    const auto key = fmt::public_key_from_pem(pem);
    REQUIRE(key.has_value());
    CHECK(std::string(key->begin(), key->end()) == der.substr(12));
    CHECK(fmt::public_key_to_pem(*key) == pem);
  }
}

TEST_CASE("A public key written here is accepted by openssl", "[pem][openssl]") {
  const std::string dir = airlock_test::make_temp_dir();
  std::array<std::uint8_t, 32> key{};
  const auto source = fmt::public_key_from_pem(fresh_ed25519_public_pem(dir));
  REQUIRE(source.has_value());
  key = *source;
  airlock_test::write_file(dir + "/ours.pub", fmt::public_key_to_pem(key));
  const auto text = run("openssl pkey -pubin -in " + dir + "/ours.pub -noout -text");
  INFO(text.output);
  CHECK(text.status == 0);
  CHECK(text.output.find("ED25519 Public-Key") != std::string::npos);
}

TEST_CASE("RSA, X25519 and Ed448 public keys are rejected", "[pem][openssl]") {
  const std::string dir = airlock_test::make_temp_dir();
  for (const std::string algorithm : {"RSA -pkeyopt rsa_keygen_bits:1024", "X25519", "ED448"}) {
    openssl(dir, "genpkey -algorithm " + algorithm + " -out other.pem");
    openssl(dir, "pkey -in other.pem -pubout -out other.pub");
    INFO(algorithm);
    CHECK_FALSE(fmt::public_key_from_pem(read_file(dir + "/other.pub")).has_value());
  }
}

TEST_CASE("A private key file is not a public key", "[pem][openssl]") {
  const std::string dir = airlock_test::make_temp_dir();
  fresh_ed25519_public_pem(dir);
  CHECK_FALSE(fmt::public_key_from_pem(read_file(dir + "/key.pem")).has_value());
}

TEST_CASE("Truncated, garbled or decorated PEM is rejected", "[pem]") {
  const std::string pem = read_file(airlock_test::source_path("formats/vectors/test_vendor_key.pub"));
  REQUIRE(fmt::public_key_from_pem(pem).has_value());
  for (std::size_t length = 0; length + 1 < pem.size(); ++length) {
    INFO(length);
    CHECK_FALSE(fmt::public_key_from_pem(pem.substr(0, length)).has_value());
  }
  const std::size_t body = pem.find('\n') + 1;
  std::string garbled = pem;
  garbled[body + 5] = garbled[body + 5] == 'A' ? 'B' : 'A';
  CHECK_FALSE(fmt::public_key_from_pem(garbled).has_value());  // the DER prefix changes
  garbled = pem;
  garbled[body + 20] = '*';
  CHECK_FALSE(fmt::public_key_from_pem(garbled).has_value());
  garbled = pem;
  garbled.insert(body + 30, "\n");
  CHECK_FALSE(fmt::public_key_from_pem(garbled).has_value());  // a short line before the last
  CHECK_FALSE(fmt::public_key_from_pem("comment\n" + pem).has_value());
  CHECK_FALSE(fmt::public_key_from_pem(pem + "\n").has_value());
  CHECK_FALSE(fmt::public_key_from_pem(pem + pem).has_value());
  CHECK_FALSE(
      fmt::public_key_from_pem(airlock_test::replace_once(pem, "PUBLIC KEY-----\n", "PRIVATE KEY-----\n")).has_value());
  CHECK(fmt::public_key_from_pem(pem.substr(0, pem.size() - 1)).has_value());  // the final LF is optional
}
