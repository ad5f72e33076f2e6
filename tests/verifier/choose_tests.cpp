// SPDX-License-Identifier: MIT
// Several licenses for one product (FORMAT.md 12): the newest valid one that nothing supersedes.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "airlock/choose.hpp"
#include "support/support.hpp"
#include "verifier_support.hpp"

using namespace airlock;
using namespace airlock::vtest;

namespace {

// Generation n of a renewal chain: issued a month after the last, superseding it.
format::license generation(int n) {
  format::license lic = unbound_license();
  lic.id = "gen-" + std::to_string(n);
  lic.issued = format::utc_time{at("2026-01-10T12:00:00Z") + n * 30 * 24 * 3600};
  if (n > 1) lic.supersedes = "gen-" + std::to_string(n - 1);
  lic.features = {"gen" + std::to_string(n)};
  return lic;
}

std::string write_license(const test::temp_dir& dir, const std::string& name, const format::license& lic) {
  const std::string path = dir / name;
  test::write_file(path, sign(lic));
  return path;
}

license_choice choose(const std::vector<std::string>& paths) {
  return verify_license_files(paths, acme().trust(), options_at(at("2026-06-01T00:00:00Z")));
}

}  // namespace

TEST_CASE("Of three generations the newest is used, whatever the file order", "[verify][choose]") {
  test::temp_dir dir;
  const std::string one = write_license(dir, "a.toml", generation(1));
  const std::string two = write_license(dir, "b.toml", generation(2));
  const std::string three = write_license(dir, "c.toml", generation(3));
  std::vector<std::string> paths = {one, two, three};
  SECTION("in order") {}
  SECTION("reversed") { paths = {three, two, one}; }
  SECTION("shuffled") { paths = {two, three, one}; }
  const license_choice c = choose(paths);
  REQUIRE(c.ok());
  CHECK(c.path == three);
  CHECK(c.result.has_feature("gen3"));
  for (const license_file_verdict& f : c.files) CHECK(f.superseded == (f.path != three));
}

TEST_CASE("An old license swapped back next to its renewal is ignored", "[verify][choose]") {
  test::temp_dir dir;
  // The old one even has a later expiry; superseded is superseded.
  format::license old = generation(1);
  old.expires = day("2030-01-01");
  format::license renewal = generation(2);
  renewal.expires = day("2027-01-01");
  const license_choice c = choose({write_license(dir, "old.toml", old), write_license(dir, "new.toml", renewal)});
  REQUIRE(c.ok());
  CHECK(c.result.license.id == "gen-2");
}

TEST_CASE("When the newest license fails, its verdict is the answer", "[verify][choose]") {
  test::temp_dir dir;
  format::license renewal = generation(2);
  renewal.expires = day("2026-05-01");  // expired on 2026-06-01
  const license_choice c = choose({write_license(dir, "a.toml", generation(1)), write_license(dir, "b.toml", renewal)});
  CHECK(c.result.why == reason::expired);
  CHECK(c.result.license.id == "gen-2");
}

TEST_CASE("A stray file does not decide the verdict of a product's licenses", "[verify][choose]") {
  test::temp_dir dir;
  const std::string stray = dir / "stray.toml";
  test::write_file(stray, "not a license\n");
  const std::string good = write_license(dir, "good.toml", generation(1));
  SECTION("a valid license next to it is used") { CHECK(choose({stray, good}).path == good); }
  SECTION("alone it gives its own verdict") { CHECK(choose({stray}).result.why == reason::malformed); }
}

TEST_CASE("A supersedes in an untrusted license hides nothing", "[verify][choose]") {
  test::temp_dir dir;
  const vendor stranger;
  format::license forged = generation(9);
  forged.supersedes = "gen-1";
  forged.key_id = stranger.key_id;
  const std::string good = write_license(dir, "good.toml", generation(1));
  const std::string bad = dir / "forged.toml";
  test::write_file(bad, sign(forged, stranger));
  const license_choice c = choose({bad, good});
  REQUIRE(c.ok());
  CHECK(c.path == good);
}

TEST_CASE("A folder of licenses is read in name order, *.toml only", "[verify][choose]") {
  test::temp_dir dir;
  (void)write_license(dir, "1.toml", generation(1));
  (void)write_license(dir, "2.toml", generation(2));
  test::write_file(dir / "notes.txt", "ignored");
  const license_choice c = verify_license_folder(dir.path(), acme().trust(), options_at(at("2026-06-01T00:00:00Z")));
  REQUIRE(c.files.size() == 2);
  CHECK(c.files[0].path == dir / "1.toml");
  CHECK(c.result.license.id == "gen-2");
  SECTION("an empty folder is unreadable") {
    test::temp_dir empty;
    CHECK(verify_license_folder(empty.path(), acme().trust(), options_at(0)).result.why == reason::unreadable);
  }
}

TEST_CASE("No file, or more than 64, is unreadable", "[verify][choose]") {
  CHECK(choose({}).result.why == reason::unreadable);
  CHECK(choose(std::vector<std::string>(65, "/nonexistent.toml")).result.why == reason::unreadable);
}

TEST_CASE("Two valid licenses issued at the same second: the smaller id, in any order", "[verify][choose]") {
  test::temp_dir dir;
  format::license a = generation(1), b = generation(1);
  a.id = "same-a";
  b.id = "same-b";
  const std::string pa = write_license(dir, "a.toml", a), pb = write_license(dir, "b.toml", b);
  CHECK(choose({pb, pa}).path == pa);
  CHECK(choose({pa, pb}).path == pa);
}

TEST_CASE("One clock state file for several licenses is refused", "[verify][choose]") {
  test::temp_dir dir;
  verify_options options = options_at(at("2026-06-01T00:00:00Z"));
  options.clock_state_file = dir / "shared.clock";
  const license_choice c =
      verify_license_files({write_license(dir, "1.toml", generation(1)), write_license(dir, "2.toml", generation(2))},
                           acme().trust(), options);
  CHECK(c.result.why == reason::unreadable);
  CHECK(c.result.message.find("clock_state_folder") != std::string::npos);
}
