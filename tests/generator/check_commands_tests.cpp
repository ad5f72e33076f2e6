// SPDX-License-Identifier: MIT
// `airlock inspect` and `airlock verify` on licenses made by `airlock issue`:
// one exit code per verdict, as the README's table documents.
#include <catch2/catch.hpp>

#include "issue_support.hpp"

using namespace airlock::test::issue;
using airlock::test::read_file;
using airlock::test::run;
using airlock::test::run_result;
using airlock::test::temp_dir;
using airlock::test::write_file;

namespace {

// Issued 2025-03-01, valid 2025-04-01 to 2025-12-31, builds up to 2025-09-30.
std::string dated_license(const temp_dir& dir) {
  const auto r =
      issue_unbound(dir / "dated.toml", "--not-before 2025-04-01 --expires 2025-12-31 --updates-until 2025-09-30");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return dir / "dated.toml";
}

run_result verify(const std::string& license, const std::string& options) {
  return run_airlock("verify " + q(license) + " --pubkey " + q(vendor_pub()) + " " + options);
}

run_result inspect(const std::string& license, const std::string& options = "") {
  return run_airlock("inspect " + q(license) + " " + options);
}

// A rejection: the code, the verdict on stdout, one stderr line naming the file and the reason.
void check_rejected(const run_result& r, int code, const std::string& file, const std::string& reason) {
  INFO(r.out << r.err);
  CHECK(r.exit_code == code);
  CHECK(one_error_line(r.err));
  CHECK(contains(r.err, file + ": " + reason));
}

// The license with `from` replaced by `to` (same length or not), as `name`.
std::string edited(const temp_dir& dir, const std::string& license, const std::string& from, const std::string& to,
                   const std::string& name) {
  std::string text = read_file(license);
  REQUIRE(text.find(from) != std::string::npos);
  text.replace(text.find(from), from.size(), to);
  write_file(dir / name, text);
  return dir / name;
}

}  // namespace

TEST_CASE("verify accepts a fresh license inside its dates and prints the verdict", "[verify]") {
  temp_dir dir;
  const auto r = verify(dated_license(dir), "--now 2025-06-01T00:00:00Z");
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(contains(r.out, "verdict:   valid\n"));
  CHECK(contains(r.out, "valid:     2025-04-01 to 2025-12-31\n"));
  CHECK(contains(r.out, "binding:   not bound to a machine\n"));
}

TEST_CASE("verify --json prints one JSON object that Python reads", "[verify][json]") {
  temp_dir dir;
  const auto r = verify(dated_license(dir), "--now 2025-06-01T00:00:00Z --json");
  REQUIRE(r.exit_code == 0);
  write_file(dir / "out.json", r.out);
  const auto py =
      run("python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
          "print(d[\"valid\"], d[\"exit_code\"], d[\"license\"][\"expires\"])' " +
          q(dir / "out.json"));
  CHECK(py.out == "True 0 2025-12-31\n");
}

TEST_CASE("verify with a public key that did not sign the license exits 12", "[verify]") {
  temp_dir dir;
  REQUIRE(run("openssl genpkey -algorithm ed25519 -out " + q(dir / "other.pem") + " && openssl pkey -pubout -in " +
              q(dir / "other.pem") + " -out " + q(dir / "other.pub"))
              .exit_code == 0);
  const std::string license = dated_license(dir);
  check_rejected(
      run_airlock("verify " + q(license) + " --pubkey " + q(dir / "other.pub") + " --now 2025-06-01T00:00:00Z"), 12,
      "dated.toml", "unknown_key");
}

TEST_CASE("verify of a license with one field edited exits 13", "[verify][tamper]") {
  temp_dir dir;
  const std::string license = edited(dir, dated_license(dir), "expires = 2025-12-31", "expires = 2029-12-31", "t.toml");
  check_rejected(verify(license, "--now 2025-06-01T00:00:00Z"), 13, "t.toml", "bad_signature");
}

TEST_CASE("verify for another product exits 15", "[verify]") {
  temp_dir dir;
  check_rejected(verify(dated_license(dir), "--now 2025-06-01T00:00:00Z --product acme-cad"), 15, "dated.toml",
                 "wrong_product");
}

TEST_CASE("verify before not_before exits 16", "[verify][dates]") {
  temp_dir dir;
  check_rejected(verify(dated_license(dir), "--now 2025-03-31T23:59:59Z"), 16, "dated.toml", "not_yet_valid");
  CHECK(verify(dir / "dated.toml", "--now 2025-04-01T00:00:00Z").exit_code == 0);
}

TEST_CASE("verify after the whole UTC day of expires exits 17", "[verify][dates]") {
  temp_dir dir;
  CHECK(verify(dated_license(dir), "--now 2025-12-31T23:59:59Z").exit_code == 0);
  check_rejected(verify(dir / "dated.toml", "--now 2026-01-01T00:00:00Z"), 17, "dated.toml", "expired");
}

TEST_CASE("verify --grace-days accepts a recently expired license with a warning", "[verify][dates]") {
  temp_dir dir;
  const auto r = verify(dated_license(dir), "--now 2026-01-03T00:00:00Z --grace-days 5");
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "warning:   grace_period: the license expired on 2025-12-31; grace period ends in 2 days"));
  CHECK(verify(dir / "dated.toml", "--now 2026-01-05T23:59:59Z --grace-days 5").exit_code == 0);
  check_rejected(verify(dir / "dated.toml", "--now 2026-01-06T00:00:00Z --grace-days 5"), 17, "dated.toml", "expired");
}

TEST_CASE("verify with a build newer than updates_until exits 18", "[verify][dates]") {
  temp_dir dir;
  check_rejected(verify(dated_license(dir), "--now 2025-06-01T00:00:00Z --build-date 2025-10-01"), 18, "dated.toml",
                 "build_too_new");
  CHECK(verify(dir / "dated.toml", "--now 2025-06-01T00:00:00Z --build-date 2025-09-30").exit_code == 0);
}

TEST_CASE("A perpetual license keeps working for builds released within its update window", "[verify][dates]") {
  temp_dir dir;
  REQUIRE(issue_unbound(dir / "p.toml", "--updates-until 2025-09-30").exit_code == 0);
  CHECK(verify(dir / "p.toml", "--now 2030-06-01T00:00:00Z --build-date 2025-09-01").exit_code == 0);
  CHECK(verify(dir / "p.toml", "--now 2030-06-01T00:00:00Z").exit_code == 0);  // no build date given
  check_rejected(verify(dir / "p.toml", "--now 2030-06-01T00:00:00Z --build-date 2026-01-15"), 18, "p.toml",
                 "build_too_new");
}

TEST_CASE("verify of a license with a broken signature table exits 10", "[verify][malformed]") {
  temp_dir dir;
  const std::string license = edited(dir, dated_license(dir), "\nvalue = \"", "\nvalue  = \"", "m.toml");
  check_rejected(verify(license, "--now 2025-06-01T00:00:00Z"), 10, "m.toml", "malformed");
}

TEST_CASE("verify refuses bad options as usage errors", "[verify][errors]") {
  temp_dir dir;
  const std::string license = dated_license(dir);
  for (const std::string bad : {"--now 2025-06-01", "--build-date 2025-13-01", "--grace-days -1", "--grace-days x"}) {
    INFO(bad);
    const auto r = verify(license, bad);
    CHECK(r.exit_code == 2);
    CHECK(one_error_line(r.err));
  }
  CHECK(run_airlock("verify " + q(license)).exit_code == 2);  // no --pubkey
}

TEST_CASE("verify with a missing license fails with exit code 3 and a private key as --pubkey with 5",
          "[verify][errors]") {
  temp_dir dir;
  const auto missing = verify(dir / "none.toml", "");
  CHECK(missing.exit_code == 3);
  CHECK(one_error_line(missing.err));
  CHECK(contains(missing.err, "none.toml"));
  const auto wrong_kind = run_airlock("verify " + q(dated_license(dir)) + " --pubkey " + q(vendor_key()));
  CHECK(wrong_kind.exit_code == 5);
  CHECK(contains(wrong_kind.err, "test_vendor_key.pem: not an Ed25519 public key"));
}

TEST_CASE("The report shows control characters of meta values escaped, never raw", "[inspect][report]") {
  const auto r = inspect(golden_file("license_bound.toml"));
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "meta:      note = tab\\u0009here \"quoted\" back\\slash esc\\u001b \xE2\x98\x83\n"));
  CHECK(r.out.find('\x1b') == std::string::npos);
  CHECK(r.out.find('\t') == std::string::npos);
}

TEST_CASE("inspect prints every field of a license without a key", "[inspect]") {
  const auto r = inspect(golden_file("license_bound.toml"));
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  for (const std::string line :
       {"license:   7f3a9c2e4b1d4e8fa0c6d2b5e9f81a37\n", "licensee:  M\xC3\xBCller & S\xC3\xB6hne GmbH\n",
        "product:   acme-studio\n", "issued:    2025-03-01T12:30:05Z\n", "valid:     2025-03-01 to 2026-02-28\n",
        "updates:   until 2025-12-31\n", "features:  export.pdf render render.gpu\n", "limit:     seats = 5\n",
        "limit:     workers = 16\n", "meta:      order = SO-1042\n", "key id:    55946e28fb11b7ee\n",
        "machine:   bound (airlock-match-v2): platformx1 diskx1 nicx2 osx1\n",
        "signature: not checked (give --pubkey)\n"}) {
    CHECK(contains(r.out, line));
  }
}

TEST_CASE("inspect --pubkey reports a valid signature and exits 13 for an edited license", "[inspect][tamper]") {
  temp_dir dir;
  const auto good = inspect(golden_file("license_bound.toml"), "--pubkey " + q(vendor_pub()));
  CHECK(good.exit_code == 0);
  CHECK(contains(good.out, "signature: valid (key 55946e28fb11b7ee)\n"));
  const std::string license = edited(dir, golden_file("license_bound.toml"), "seats = 5", "seats = 9", "t.toml");
  const auto bad = inspect(license, "--pubkey " + q(vendor_pub()));
  check_rejected(bad, 13, "t.toml", "bad_signature: the signature does not match the license");
  CHECK(bad.out.empty());  // nothing of an edited license is shown as if it were a license
}

TEST_CASE("inspect --json prints one JSON object that Python reads", "[inspect][json]") {
  temp_dir dir;
  const auto r = inspect(golden_file("license_bound.toml"), "--json");
  REQUIRE(r.exit_code == 0);
  write_file(dir / "out.json", r.out);
  const auto py =
      run("python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))[\"license\"]; "
          "print(d[\"licensee\"], d[\"features\"], d[\"limits\"], d[\"bound\"])' " +
          q(dir / "out.json"));
  CHECK(py.out ==
        "M\xC3\xBCller & S\xC3\xB6hne GmbH ['export.pdf', 'render', 'render.gpu'] {'seats': 5, 'workers': 16} True\n");
}

TEST_CASE("inspect --json without a key says the signature was not checked and claims no validity", "[inspect][json]") {
  const auto r = inspect(golden_file("license_bound.toml"), "--json");
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "{\"signature\": \"not checked (give --pubkey)\""));
  CHECK_FALSE(contains(r.out, "\"valid\""));
  CHECK(contains(r.out, "\"machine\": {\"policy\": \"airlock-match-v2\""));
}

TEST_CASE("inspect lists every recorded machine hash", "[inspect]") {
  const auto r = inspect(golden_file("license_bound.toml"));
  REQUIRE(r.exit_code == 0);
  std::size_t hashes = 0;
  for (std::size_t pos = r.out.find("\n  "); pos != std::string::npos; pos = r.out.find("\n  ", pos + 1)) ++hashes;
  CHECK(hashes == 5);  // platform 1, disk 1, nic 2, os 1
}

TEST_CASE("inspect of a malformed license exits 10 with the line and column", "[inspect][malformed]") {
  temp_dir dir;
  const std::string license =
      edited(dir, golden_file("license_unbound.toml"), "features = []", "features = [ ]", "m.toml");
  const auto r = inspect(license);
  check_rejected(r, 10, "m.toml", "malformed: line 10, column 13");
  CHECK(r.out.empty());
}

TEST_CASE("inspect of a license of an unsupported format version or algorithm exits 11", "[inspect][version]") {
  temp_dir dir;
  const std::string v2 = edited(dir, golden_file("license_unbound.toml"), "format = 1", "format = 2", "v2.toml");
  check_rejected(inspect(v2), 11, "v2.toml", "unsupported_version: line 3");
  const std::string ed448 = edited(dir, golden_file("license_unbound.toml"), "\"ed25519\"", "\"ed448\"", "ed448.toml");
  check_rejected(inspect(ed448), 11, "ed448.toml", "unsupported_version: line");
  check_rejected(verify(v2, ""), 11, "v2.toml", "unsupported_version");
}

TEST_CASE("inspect of a missing file fails with exit code 3", "[inspect][errors]") {
  temp_dir dir;
  const auto r = inspect(dir / "none.toml");
  CHECK(r.exit_code == 3);
  CHECK(one_error_line(r.err));
  CHECK(contains(r.err, "none.toml"));
}
