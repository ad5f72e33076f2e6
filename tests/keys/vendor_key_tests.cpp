// SPDX-License-Identifier: MIT
// keys/: generating, storing, loading and signing with the vendor key.
#include <catch2/catch.hpp>

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <botan/ed25519.h>
#include <botan/pubkey.h>

#include "keys/vendor_key.hpp"
#include "support/support.hpp"

using namespace airlock;
using airlock::test::temp_dir;

namespace {

keys::passphrase_source fixed(const std::string& pass) {
  return [pass] { return pass; };
}

keys::passphrase_source none() {
  return []() -> std::string { throw keys::key_error(keys::key_problem::no_passphrase, "no passphrase"); };
}

// Botan's verifier as an independent check of our signatures (a fresh
// PK_Verifier per call: Botan 2.19.3 keeps stale state after a bad length).
bool botan_verifies(const keys::public_key_bytes& pub, const std::string& msg, const keys::signature_bytes& sig) {
  Botan::Ed25519_PublicKey key(pub.data(), pub.size());
  Botan::PK_Verifier verifier(key, "Pure");
  return verifier.verify_message(reinterpret_cast<const std::uint8_t*>(msg.data()), msg.size(), sig.data(), sig.size());
}

keys::signature_bytes sign_text(const keys::signing_key& key, const std::string& msg) {
  return key.sign(reinterpret_cast<const std::uint8_t*>(msg.data()), msg.size());
}

keys::key_problem problem_loading(const std::string& path, const keys::passphrase_source& pass) {
  try {
    keys::signing_key::load(path, pass);
  } catch (const keys::key_error& e) {
    CHECK(std::string(e.what()).rfind(path, 0) == 0);  // the message names the file
    return e.problem();
  }
  FAIL("the key loaded");
  return keys::key_problem::unreadable;
}

}  // namespace

TEST_CASE("A generated key signs and its public key verifies the signature", "[keys]") {
  const auto key = keys::signing_key::generate();
  const auto sig = sign_text(key, "license body");
  CHECK(botan_verifies(key.public_key(), "license body", sig));
  CHECK_FALSE(botan_verifies(key.public_key(), "license bodY", sig));
}

TEST_CASE("Signing is deterministic pure Ed25519 (RFC 8032 test 1)", "[keys]") {
  temp_dir dir;
  // RFC 8032 section 7.1 TEST 1 secret key, wrapped as PKCS#8 by openssl.
  const std::string seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
  const auto r = airlock::test::run("printf '302e020100300506032b657004220420" + seed +
                                    "' | xxd -r -p | openssl pkey -inform DER -out " + (dir / "k.pem"));
  REQUIRE(r.exit_code == 0);
  const auto key = keys::signing_key::load(dir / "k.pem", none());
  const auto sig = key.sign(nullptr, 0);
  CHECK(keys::key_id(key.public_key()).size() == 16);
  const std::string expected =
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24"
      "655141438e7a100b";
  std::string hex;
  for (auto b : sig) {
    static const char d[] = "0123456789abcdef";
    hex += d[b >> 4];
    hex += d[b & 15];
  }
  CHECK(hex == expected);
}

TEST_CASE("An encrypted private key loads back with its passphrase", "[keys]") {
  temp_dir dir;
  const auto key = keys::signing_key::generate();
  airlock::test::write_file(dir / "k.pem", key.private_pem_encrypted("correct horse"));
  const auto loaded = keys::signing_key::load(dir / "k.pem", fixed("correct horse"));
  CHECK(loaded.public_key() == key.public_key());
  CHECK(sign_text(loaded, "x") == sign_text(key, "x"));
}

TEST_CASE("An encrypted private key is refused with a wrong passphrase", "[keys]") {
  temp_dir dir;
  airlock::test::write_file(dir / "k.pem", keys::signing_key::generate().private_pem_encrypted("right"));
  CHECK(problem_loading(dir / "k.pem", fixed("wrong")) == keys::key_problem::bad_passphrase);
}

TEST_CASE("An encrypted private key is refused when no passphrase can be had", "[keys]") {
  temp_dir dir;
  airlock::test::write_file(dir / "k.pem", keys::signing_key::generate().private_pem_encrypted("right"));
  CHECK(problem_loading(dir / "k.pem", none()) == keys::key_problem::no_passphrase);
}

TEST_CASE("An unencrypted private key loads without asking for a passphrase", "[keys]") {
  temp_dir dir;
  const auto key = keys::signing_key::generate();
  airlock::test::write_file(dir / "k.pem", key.private_pem_unencrypted());
  CHECK(keys::signing_key::load(dir / "k.pem", none()).public_key() == key.public_key());
}

TEST_CASE("A public key file is refused where a private key is needed", "[keys]") {
  temp_dir dir;
  airlock::test::write_file(dir / "k.pub", keys::signing_key::generate().public_pem());
  CHECK(problem_loading(dir / "k.pub", none()) == keys::key_problem::not_private);
}

TEST_CASE("Missing, empty, folder, garbage and truncated key files are each refused", "[keys]") {
  temp_dir dir;
  CHECK(problem_loading(dir / "missing.pem", none()) == keys::key_problem::unreadable);
  CHECK(problem_loading(dir.path(), none()) == keys::key_problem::unreadable);
  airlock::test::write_file(dir / "empty.pem", "");
  CHECK(problem_loading(dir / "empty.pem", none()) == keys::key_problem::malformed);
  airlock::test::write_file(dir / "garbage.pem", "this is not a key\n");
  CHECK(problem_loading(dir / "garbage.pem", none()) == keys::key_problem::malformed);
  const std::string pem = keys::signing_key::generate().private_pem_encrypted("p");
  airlock::test::write_file(dir / "truncated.pem", pem.substr(0, pem.size() / 2));
  CHECK(problem_loading(dir / "truncated.pem", fixed("p")) == keys::key_problem::malformed);
}

TEST_CASE("A public key round-trips through SubjectPublicKeyInfo PEM", "[keys]") {
  temp_dir dir;
  const auto key = keys::signing_key::generate();
  airlock::test::write_file(dir / "k.pub", key.public_pem());
  CHECK(keys::load_public_key(dir / "k.pub") == key.public_key());
  CHECK(keys::public_key_pem(key.public_key()) == key.public_pem());
}

TEST_CASE("The key id is the first 8 bytes of SHA-256 of the raw public key", "[keys]") {
  // RFC 8032 TEST 1 public key; expected value from
  // `printf d75a...511a | xxd -r -p | sha256sum | cut -c1-16`.
  const keys::public_key_bytes pub = {0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe,
                                      0xd3, 0xc9, 0x64, 0x07, 0x3a, 0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6,
                                      0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a};
  const auto r = airlock::test::run(
      "printf d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a | xxd -r -p | sha256sum | cut -c1-16");
  REQUIRE(r.exit_code == 0);
  CHECK(keys::key_id(pub) + "\n" == r.out);
}

TEST_CASE("forbid_core_dumps leaves the process undumpable with a zero core size", "[keys][secrets]") {
  // In a child: the change cannot be undone and must not touch the test runner.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    keys::forbid_core_dumps();
    struct rlimit core {};
    const bool ok = ::prctl(PR_GET_DUMPABLE) == 0 && ::getrlimit(RLIMIT_CORE, &core) == 0 && core.rlim_cur == 0 &&
                    core.rlim_max == 0;
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("wipe_on_exit clears a secret when its scope ends", "[keys][secrets]") {
  std::string secret = "correct horse battery staple";
  { const keys::wipe_on_exit guard{secret}; }
  CHECK(secret.empty());
}
