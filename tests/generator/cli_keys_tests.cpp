// SPDX-License-Identifier: MIT
// `airlock keygen` and `airlock pubkey` as a vendor runs them: files, modes,
// exit codes, one-line errors, and nothing left behind on failure.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "issue_support.hpp"
#include "support/support.hpp"

using airlock::test::count_entries;
using airlock::test::exists;
using airlock::test::file_mode;
using airlock::test::read_file;
using airlock::test::run;
using airlock::test::shell_quote;
using airlock::test::temp_dir;
using airlock::test::tool;
using airlock::test::write_file;
using airlock::test::issue::airlock_cmd;
using airlock::test::issue::one_error_line;

namespace {

// Runs keygen into dir/keys with a passphrase file.
airlock::test::run_result keygen(const temp_dir& dir) {
  write_file(dir / "pass", "correct horse battery staple\n");
  return run(
      airlock_cmd("keygen --out-dir " + shell_quote(dir / "keys") + " --passphrase-file " + shell_quote(dir / "pass")));
}

}  // namespace

TEST_CASE("keygen creates a 0700 folder, a 0600 private key, a public key, and prints the key id", "[cli][keygen]") {
  temp_dir dir;
  const auto r = keygen(dir);
  REQUIRE(r.exit_code == 0);
  CHECK(file_mode(dir / "keys") == 0700);
  CHECK(file_mode(dir / "keys/vendor.key") == 0600);
  CHECK(file_mode(dir / "keys/vendor.pub") == 0644);
  CHECK(count_entries(dir / "keys") == 2);  // no temporary file left
  CHECK(read_file(dir / "keys/vendor.key").rfind("-----BEGIN ENCRYPTED PRIVATE KEY-----", 0) == 0);
  const auto id = run(airlock_cmd("pubkey --key " + shell_quote(dir / "keys/vendor.pub") + " --format id"));
  CHECK(id.exit_code == 0);
  CHECK(r.out == id.out);
  CHECK(r.out.size() == 17);
}

TEST_CASE("keygen never overwrites an existing private key", "[cli][keygen]") {
  temp_dir dir;
  REQUIRE(keygen(dir).exit_code == 0);
  const std::string before = read_file(dir / "keys/vendor.key");
  ::unlink((dir / "keys/vendor.pub").c_str());
  const auto r = keygen(dir);
  CHECK(r.exit_code == 4);
  CHECK(one_error_line(r.err));
  CHECK(r.err.find("vendor.key: already exists") != std::string::npos);
  CHECK(read_file(dir / "keys/vendor.key") == before);
  CHECK_FALSE(exists(dir / "keys/vendor.pub"));
}

TEST_CASE("keygen refuses an existing public key file and writes nothing", "[cli][keygen]") {
  temp_dir dir;
  write_file(dir / "pass", "pw");
  write_file(dir / "taken.pub", "keep me");
  const auto r = run(airlock_cmd("keygen --private " + shell_quote(dir / "new.key") + " --public " +
                                 shell_quote(dir / "taken.pub") + " --passphrase-file " + shell_quote(dir / "pass")));
  CHECK(r.exit_code == 4);
  CHECK(read_file(dir / "taken.pub") == "keep me");
  CHECK_FALSE(exists(dir / "new.key"));
}

TEST_CASE("keygen without any passphrase source fails with exit code 6 and writes nothing", "[cli][keygen]") {
  temp_dir dir;
  const auto r = run(airlock_cmd("keygen --out-dir " + shell_quote(dir / "keys")));
  CHECK(r.exit_code == 6);
  CHECK(one_error_line(r.err));
  CHECK_FALSE(exists(dir / "keys"));
}

TEST_CASE("keygen refuses an empty passphrase file", "[cli][keygen]") {
  temp_dir dir;
  write_file(dir / "pass", "\n");
  const auto r = run(
      airlock_cmd("keygen --out-dir " + shell_quote(dir / "keys") + " --passphrase-file " + shell_quote(dir / "pass")));
  CHECK(r.exit_code == 6);
  CHECK(r.err.find("pass: the passphrase file is empty") != std::string::npos);
  CHECK_FALSE(exists(dir / "keys"));
}

TEST_CASE("keygen takes the passphrase from AIRLOCK_PASSPHRASE", "[cli][keygen]") {
  temp_dir dir;
  const auto r = run("AIRLOCK_PASSPHRASE=envpass " + shell_quote(tool("airlock")) + " keygen --out-dir " +
                     shell_quote(dir / "keys"));
  REQUIRE(r.exit_code == 0);
  CHECK(run("openssl pkey -noout -in " + shell_quote(dir / "keys/vendor.key") + " -passin pass:envpass").exit_code ==
        0);
}

TEST_CASE("keygen --unencrypted warns and writes a key openssl reads without a passphrase", "[cli][keygen]") {
  temp_dir dir;
  const auto r = run(airlock_cmd("keygen --unencrypted --out-dir " + shell_quote(dir / "keys")));
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("airlock: warning: the private key is stored unencrypted") != std::string::npos);
  CHECK(read_file(dir / "keys/vendor.key").rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
  CHECK(run("openssl pkey -noout -in " + shell_quote(dir / "keys/vendor.key")).exit_code == 0);
}

TEST_CASE("keygen into a folder it cannot write fails with exit code 4 and leaves nothing", "[cli][keygen]") {
  temp_dir dir;
  write_file(dir / "pass", "pw");
  // Tests may run as root, which ignores mode bits; /proc refuses new files
  // to everyone.
  const auto r = run(airlock_cmd("keygen --private /proc/self/airlock.key --public " + shell_quote(dir / "k.pub") +
                                 " --passphrase-file " + shell_quote(dir / "pass")));
  CHECK(r.exit_code == 4);
  CHECK(one_error_line(r.err));
  CHECK(r.err.find("/proc/self/airlock.key") != std::string::npos);
  CHECK_FALSE(exists(dir / "k.pub"));
}

TEST_CASE("pubkey prints the same key as pem, raw hex and C++ snippet", "[cli][pubkey]") {
  temp_dir dir;
  REQUIRE(keygen(dir).exit_code == 0);
  const std::string key = shell_quote(dir / "keys/vendor.key"), pass = shell_quote(dir / "pass");
  const auto pem = run(airlock_cmd("pubkey --key " + key + " --passphrase-file " + pass));
  const auto raw = run(airlock_cmd("pubkey --key " + key + " --passphrase-file " + pass + " --format raw"));
  const auto cpp = run(airlock_cmd("pubkey --key " + key + " --passphrase-file " + pass + " --format cpp"));
  REQUIRE((pem.exit_code == 0 && raw.exit_code == 0 && cpp.exit_code == 0));
  CHECK(pem.out == read_file(dir / "keys/vendor.pub"));
  const auto ossl = run("openssl pkey -pubin -in " + shell_quote(dir / "keys/vendor.pub") +
                        " -outform DER | tail -c 32 | od -An -tx1 | tr -d ' \\n'");
  CHECK(raw.out == ossl.out + "\n");
  CHECK(cpp.out.find("0x" + raw.out.substr(0, 2) + ",") != std::string::npos);
  CHECK(cpp.out.find("airlock_vendor_public_key[32]") != std::string::npos);
}

TEST_CASE("pubkey with a wrong passphrase fails with exit code 6 naming the file", "[cli][pubkey]") {
  temp_dir dir;
  REQUIRE(keygen(dir).exit_code == 0);
  write_file(dir / "wrong", "wrong");
  const auto r = run(airlock_cmd("pubkey --key " + shell_quote(dir / "keys/vendor.key") + " --passphrase-file " +
                                 shell_quote(dir / "wrong")));
  CHECK(r.exit_code == 6);
  CHECK(one_error_line(r.err));
  CHECK(r.err.find("vendor.key: wrong passphrase") != std::string::npos);
  CHECK(r.out.empty());
}

TEST_CASE("pubkey of an RSA key fails with exit code 5", "[cli][pubkey]") {
  temp_dir dir;
  REQUIRE(run("openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:1024 -out " + shell_quote(dir / "rsa.pem"))
              .exit_code == 0);
  const auto r = run(airlock_cmd("pubkey --key " + shell_quote(dir / "rsa.pem")));
  CHECK(r.exit_code == 5);
  CHECK(r.err.find("rsa.pem: is an RSA key") != std::string::npos);
}

TEST_CASE("pubkey of a missing file fails with exit code 3", "[cli][pubkey]") {
  temp_dir dir;
  const auto r = run(airlock_cmd("pubkey --key " + shell_quote(dir / "none.pem")));
  CHECK(r.exit_code == 3);
  CHECK(one_error_line(r.err));
}

TEST_CASE("Bad command lines fail with exit code 2 and help succeeds", "[cli]") {
  CHECK(run(airlock_cmd("frobnicate")).exit_code == 2);
  CHECK(run(airlock_cmd("keygen --no-such-option")).exit_code == 2);
  CHECK(run(airlock_cmd("pubkey")).exit_code == 2);
  CHECK(run(airlock_cmd("pubkey --key x --format jpeg")).exit_code == 2);
  const auto help = run(airlock_cmd("--help"));
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("exit status:") != std::string::npos);
  CHECK(run(airlock_cmd("keygen --help")).exit_code == 0);
  CHECK(run(airlock_cmd("--version")).out == "airlock 0.1.0\n");
}

TEST_CASE("keygen after an interrupted run explains the public key it finds alone", "[cli][keygen]") {
  temp_dir dir;
  write_file(dir / "pass", "pw");
  REQUIRE(::mkdir((dir / "keys").c_str(), 0700) == 0);
  write_file(dir / "keys/vendor.pub", "left by a killed keygen");
  const auto r = keygen(dir);
  CHECK(r.exit_code == 4);
  CHECK(one_error_line(r.err));
  CHECK(r.err.find("vendor.pub: already exists, with no private key beside it") != std::string::npos);
  CHECK(count_entries(dir / "keys") == 1);
}

TEST_CASE("keygen that cannot write its files removes the folders it created and prints one line", "[cli][keygen]") {
  temp_dir dir;
  std::string flags;
  SECTION("encrypted") {
    write_file(dir / "pass", "pw");
    flags = " --passphrase-file " + shell_quote(dir / "pass");
  }
  SECTION("--unencrypted, whose warning is only for a key that was written") { flags = " --unencrypted"; }
  const auto r =
      run(airlock::test::without_file_growth(airlock_cmd("keygen --out-dir " + shell_quote(dir / "new/keys") + flags)));
  INFO(r.err);
  CHECK(r.exit_code == 4);
  CHECK(one_error_line(r.err));
  CHECK(r.err.find("File too large") != std::string::npos);
  CHECK_FALSE(exists(dir / "new"));
}
