// SPDX-License-Identifier: MIT
// A license against the vendor's signed revocation list (FORMAT.md 11.2).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "generator/license_builder.hpp"
#include "support/support.hpp"
#include "verifier_support.hpp"

using namespace airlock;
using namespace airlock::vtest;

namespace {

format::revocation_list list_of(std::int64_t sequence, std::vector<std::string> revoked, const vendor& v = acme()) {
  format::revocation_list list;
  list.key_id = v.key_id;
  list.product = std::string(product);
  list.sequence = sequence;
  list.issued = format::utc_time{at("2026-02-01T00:00:00Z")};
  list.revoked = std::move(revoked);
  return list;
}

std::string replaced_once(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at_ = text.find(from);
  REQUIRE(at_ != std::string::npos);
  return text.replace(at_, from.size(), to);
}

std::string signed_list(const format::revocation_list& list, const vendor& v = acme()) {
  return generator::sign_revocation_list(list, v.key);
}

verify_options with_list(const std::string& list_text, const std::string& state_file = {}) {
  verify_options options = options_at(at("2026-03-01T00:00:00Z"));
  options.revocation_list = list_text;
  options.clock_state_file = state_file;
  return options;
}

}  // namespace

TEST_CASE("A license named in a trusted revocation list is revoked", "[verify][revocation]") {
  const format::license lic = unbound_license();
  const verify_result r = check(sign(lic), with_list(signed_list(list_of(1, {"a-other", lic.id}))));
  CHECK(r.why == reason::revoked);
  CHECK(r.message.find("revoked license " + lic.id) != std::string::npos);
  CHECK(r.revocation_sequence == 1);
  CHECK_FALSE(r.has_feature("render"));
}

TEST_CASE("A license not in the list passes and reports the list it checked", "[verify][revocation]") {
  const verify_result r = check(sign(unbound_license()), with_list(signed_list(list_of(4, {"someone-else"}))));
  CHECK(r.ok());
  CHECK(r.revocation_sequence == 4);
}

TEST_CASE("A list that cannot be trusted is revocation_list_invalid", "[verify][revocation]") {
  const format::license lic = unbound_license();
  std::string list = signed_list(list_of(2, {}));
  SECTION("edited after signing") { list = replaced_once(list, "sequence = 2", "sequence = 9"); }
  SECTION("signed by an untrusted key") {
    const vendor stranger;
    list = signed_list(list_of(2, {}, stranger), stranger);
  }
  SECTION("for another product") {
    format::revocation_list other = list_of(2, {});
    other.product = "other-product";
    list = signed_list(other);
  }
  SECTION("a license given as a list") { list = sign(lic); }
  SECTION("not a list at all") { list = "revoked = everything\n"; }
  const verify_result r = check(sign(lic), with_list(list));
  CHECK(r.why == reason::revocation_list_invalid);
  CHECK(r.message.rfind("revocation list: ", 0) == 0);
}

TEST_CASE("A list signature never verifies as a license and back", "[verify][revocation]") {
  // The same bytes under the other kind's prefix: only the prefix of the signed message differs.
  const auto list_body = format::write_revocations_body(list_of(1, {}));
  REQUIRE(list_body.ok());
  const std::string list_as_license_signed = sign_body(list_body.text, acme(), acme().key_id);
  const verify_result as_list = check(sign(unbound_license()), with_list(list_as_license_signed));
  CHECK(as_list.why == reason::revocation_list_invalid);
  CHECK(as_list.message.find("bad_signature") != std::string::npos);
  const std::string license_body = body_of(unbound_license());
  const std::string message = format::signed_message(format::revocations_kind, license_body);
  format::signature_block block;
  block.key_id = acme().key_id;
  block.value = acme().key.sign(reinterpret_cast<const std::uint8_t*>(message.data()), message.size());
  const std::string license_signed_as_list = license_body + format::write_signature_block(block).text;
  CHECK(check(license_signed_as_list, options_at(at("2026-03-01T00:00:00Z"))).why == reason::bad_signature);
}

TEST_CASE("A list older than one already seen is revocation_list_stale", "[verify][revocation]") {
  test::temp_dir dir;
  const std::string state = dir / "license.clock";
  const format::license lic = unbound_license();
  const std::string text = sign(lic);
  const std::string newer = signed_list(list_of(5, {lic.id}));
  const std::string older = signed_list(list_of(4, {}));
  REQUIRE(check(text, with_list(newer, state)).why == reason::revoked);
  SECTION("the older list replayed") {
    const verify_result r = check(text, with_list(older, state));
    CHECK(r.why == reason::revocation_list_stale);
    CHECK(r.message.find("older than list 5") != std::string::npos);
  }
  SECTION("the same list again is still revoked") {
    CHECK(check(text, with_list(newer, state)).why == reason::revoked);
  }
  SECTION("no list at all is not stale: the product chose not to give one") {
    CHECK(check(text, with_list("", state)).ok());
  }
}

TEST_CASE("A license that needs a newer list than given is revocation_list_stale", "[verify][revocation]") {
  format::license lic = unbound_license();
  lic.min_revocation_sequence = 3;
  const std::string text = sign(lic);
  SECTION("no list") {
    const verify_result r = check(text, with_list(""));
    CHECK(r.why == reason::revocation_list_stale);
    CHECK(r.message.find("needs revocation list 3") != std::string::npos);
  }
  SECTION("list 2") { CHECK(check(text, with_list(signed_list(list_of(2, {})))).why == reason::revocation_list_stale); }
  SECTION("list 3") { CHECK(check(text, with_list(signed_list(list_of(3, {})))).ok()); }
}

TEST_CASE("Revocation is decided after the clock and before the dates", "[verify][revocation]") {
  format::license lic = unbound_license();
  lic.expires = day("2026-02-01");
  const verify_result r = check(sign(lic), with_list(signed_list(list_of(1, {lic.id}))));
  CHECK(r.why == reason::revoked);  // revoked and expired: revoked, the vendor's decision
}

TEST_CASE("The list can be given as a file", "[verify][revocation]") {
  test::temp_dir dir;
  const format::license lic = unbound_license();
  verify_options options = with_list("");
  options.revocation_list_file = dir / "revoked.toml";
  SECTION("present") {
    test::write_file(options.revocation_list_file, signed_list(list_of(1, {lic.id})));
    CHECK(check(sign(lic), options).why == reason::revoked);
  }
  SECTION("missing") {
    const verify_result r = check(sign(lic), options);
    CHECK(r.why == reason::revocation_list_invalid);
    CHECK(r.message.find("cannot open the revocation list file") != std::string::npos);
  }
  SECTION("both text and file") {
    test::write_file(options.revocation_list_file, signed_list(list_of(1, {})));
    options.revocation_list = signed_list(list_of(1, {}));
    CHECK(check(sign(lic), options).why == reason::revocation_list_invalid);
  }
}

TEST_CASE("A version-1 clock state line is still read, as no list seen", "[verify][revocation][clock]") {
  test::temp_dir dir;
  const std::string state = dir / "license.clock";
  const format::license lic = unbound_license();
  const std::string text = sign(lic);
  const auto signature = format::open_license(text).value->signature.value;
  const std::int64_t seen = at("2026-06-01T00:00:00Z");
  test::write_file(
      state, std::string(airlock::detail::clock_state_tag_v1) + " " + lic.id + " " + std::to_string(seen) + " " +
                 airlock::detail::clock_state_mac(airlock::detail::clock_state_tag_v1, signature, lic.id, seen, 0) +
                 "\n");
  CHECK(check(text, with_list("", state)).why == reason::clock_rolled_back);  // 2026-03-01 < 2026-06-01 seen
  verify_options later = with_list(signed_list(list_of(1, {})), state);
  later.now = at("2026-06-02T00:00:00Z");
  REQUIRE(check(text, later).ok());
  CHECK(test::read_file(state).rfind("airlock-clock-v2 ", 0) == 0);
}

TEST_CASE("The clock state keeps the newest list accepted", "[verify][revocation][clock]") {
  test::temp_dir dir;
  const std::string state = dir / "license.clock";
  const format::license lic = unbound_license();
  REQUIRE(check(sign(lic), with_list(signed_list(list_of(7, {})), state)).ok());
  const std::string line = test::read_file(state);
  CHECK(line.rfind("airlock-clock-v2 " + lic.id + " ", 0) == 0);
  CHECK(line.find(" 7 ") != std::string::npos);
  // A check without a list keeps the sequence it had.
  REQUIRE(check(sign(lic), with_list("", state)).ok());
  CHECK(check(sign(lic), with_list(signed_list(list_of(6, {})), state)).why == reason::revocation_list_stale);
}
