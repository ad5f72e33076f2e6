// SPDX-License-Identifier: MIT
// keys/ against OpenSSL's command line: our key files open there, its key
// files open here, and signatures cross over both ways.
#include <catch2/catch.hpp>

#include "keys/vendor_key.hpp"
#include "support/support.hpp"

using namespace airlock;
using airlock::test::run;
using airlock::test::shell_quote;
using airlock::test::temp_dir;
using airlock::test::write_file;

namespace {

keys::passphrase_source fixed_passphrase(const std::string& pass) {
  return [pass] { return pass; };
}

std::string q(const std::string& s) { return shell_quote(s); }

// Signs msg with our key and asks `openssl pkeyutl` to verify it.
bool openssl_verifies(const keys::signing_key& key, const temp_dir& dir, const std::string& msg,
                      const std::string& claimed_msg) {
  write_file(dir / "pub.pem", key.public_pem());
  write_file(dir / "msg", claimed_msg);
  const auto sig = key.sign(reinterpret_cast<const std::uint8_t*>(msg.data()), msg.size());
  write_file(dir / "sig", std::string(sig.begin(), sig.end()));
  const auto r = run("openssl pkeyutl -verify -pubin -inkey " + q(dir / "pub.pem") + " -rawin -in " + q(dir / "msg") +
                     " -sigfile " + q(dir / "sig"));
  return r.exit_code == 0 && r.out.find("Signature Verified Successfully") != std::string::npos;
}

std::string openssl_raw_public(const std::string& args) {
  // The last 32 bytes of the SPKI DER are the raw key.
  const auto r = run("openssl pkey " + args + " -pubout -outform DER | tail -c 32 | od -An -tx1 | tr -d ' \\n'");
  REQUIRE(r.exit_code == 0);
  return r.out;
}

std::string hex(const keys::public_key_bytes& k) {
  static const char d[] = "0123456789abcdef";
  std::string s;
  for (auto b : k) {
    s += d[b >> 4];
    s += d[b & 15];
  }
  return s;
}

}  // namespace

TEST_CASE("Our encrypted private key opens with openssl pkey and its passphrase", "[keys][openssl]") {
  temp_dir dir;
  const auto key = keys::signing_key::generate();
  write_file(dir / "k.pem", key.private_pem_encrypted("s3cret"));
  write_file(dir / "pass", "s3cret");
  CHECK(openssl_raw_public("-in " + q(dir / "k.pem") + " -passin file:" + q(dir / "pass")) == hex(key.public_key()));
  write_file(dir / "wrong", "nope");
  CHECK(run("openssl pkey -noout -in " + q(dir / "k.pem") + " -passin file:" + q(dir / "wrong")).exit_code != 0);
}

TEST_CASE("Our encrypted private key uses PBES2 with PBKDF2-HMAC-SHA-256, 600000 rounds and AES-256-CBC",
          "[keys][openssl]") {
  temp_dir dir;
  write_file(dir / "k.pem", keys::signing_key::generate().private_pem_encrypted("s3cret"));
  const auto r = run("openssl asn1parse -in " + q(dir / "k.pem"));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("PBES2") != std::string::npos);
  CHECK(r.out.find("PBKDF2") != std::string::npos);
  CHECK(r.out.find("INTEGER           :0927C0") != std::string::npos);  // 600000
  CHECK(r.out.find("hmacWithSHA256") != std::string::npos);
  CHECK(r.out.find("aes-256-cbc") != std::string::npos);
}

TEST_CASE("Our public key file is the SubjectPublicKeyInfo PEM that openssl writes", "[keys][openssl]") {
  temp_dir dir;
  const auto key = keys::signing_key::generate();
  write_file(dir / "k.pub", key.public_pem());
  const auto r = run("openssl pkey -pubin -in " + q(dir / "k.pub") + " -pubout");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == key.public_pem());
}

TEST_CASE("A signature made with our key verifies with openssl pkeyutl -rawin", "[keys][openssl]") {
  temp_dir dir;
  const auto key = keys::signing_key::generate();
  CHECK(openssl_verifies(key, dir, "airlock-license-v1\nbody\n", "airlock-license-v1\nbody\n"));
  CHECK_FALSE(openssl_verifies(key, dir, "airlock-license-v1\nbody\n", "airlock-license-v1\nbodY\n"));
}

TEST_CASE("A key made by openssl genpkey loads and signs, unencrypted or encrypted", "[keys][openssl]") {
  temp_dir dir;
  REQUIRE(run("openssl genpkey -algorithm ed25519 -out " + q(dir / "plain.pem")).exit_code == 0);
  REQUIRE(run("openssl pkey -in " + q(dir / "plain.pem") + " -aes256 -passout pass:pw -out " + q(dir / "enc.pem"))
              .exit_code == 0);
  const auto plain = keys::signing_key::load(dir / "plain.pem", fixed_passphrase("unused"));
  const auto enc = keys::signing_key::load(dir / "enc.pem", fixed_passphrase("pw"));
  CHECK(hex(plain.public_key()) == openssl_raw_public("-in " + q(dir / "plain.pem")));
  CHECK(enc.public_key() == plain.public_key());
  CHECK(openssl_verifies(enc, dir, "message", "message"));
}

TEST_CASE("RSA, EC and X25519 keys are refused as the wrong algorithm", "[keys][openssl]") {
  temp_dir dir;
  const char* algorithms[] = {"-algorithm rsa -pkeyopt rsa_keygen_bits:1024",
                              "-algorithm ec -pkeyopt ec_paramgen_curve:P-256", "-algorithm x25519"};
  for (const char* alg : algorithms) {
    REQUIRE(run(std::string("openssl genpkey ") + alg + " -out " + q(dir / "k.pem")).exit_code == 0);
    try {
      keys::signing_key::load(dir / "k.pem", fixed_passphrase("unused"));
      FAIL("loaded a key made with " << alg);
    } catch (const keys::key_error& e) {
      CHECK(e.problem() == keys::key_problem::wrong_algorithm);
    }
    std::remove((dir / "k.pem").c_str());
  }
}
