// SPDX-License-Identifier: MIT
// Warnings, the hardware tolerance, perpetual fallback and what a valid license unlocks.
#include <catch2/catch.hpp>

#include <string>

#include "verifier_support.hpp"

using namespace airlock;
using namespace airlock::format;
using namespace airlock::vtest;

namespace {

format::license expiring(std::string_view on) {
  format::license lic = unbound_license();
  lic.expires = day(on);
  return lic;
}

}  // namespace

TEST_CASE("A license expiring within the warning window is ok with an expires_soon warning", "[verify][warning]") {
  const std::string text = sign(expiring("2026-03-02"));  // 29 days after 2026-02-01
  const verify_result r = check(text, options_at(february));
  REQUIRE(r.why == reason::ok);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].kind == warning_kind::expires_soon);
  CHECK(r.warnings[0].message == "the license expires on 2026-03-02 (29 days left)");
}

TEST_CASE("A license expiring after the warning window carries no warning", "[verify][warning]") {
  const verify_result r = check(sign(expiring("2026-03-03")), options_at(february));  // 30 days left
  CHECK(r.why == reason::ok);
  CHECK(r.warnings.empty());
}

TEST_CASE("The expiry warning window is the caller's choice", "[verify][warning]") {
  verify_options options = options_at(february);
  options.expiry_warning_days = 0;
  CHECK(check(sign(expiring("2026-02-01")), options).warnings.empty());
  options.expiry_warning_days = 60;
  CHECK(has_warning(check(sign(expiring("2026-03-20")), options), warning_kind::expires_soon));
}

TEST_CASE("An expired license within the grace period is ok with a grace_period warning", "[verify][warning]") {
  verify_options options = options_at(at("2026-02-04T08:00:00Z"));  // 3 days after expiry
  options.grace_days = 7;
  const verify_result r = check(sign(expiring("2026-02-01")), options);
  REQUIRE(r.why == reason::ok);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].kind == warning_kind::grace_period);
  CHECK(r.warnings[0].message == "the license expired on 2026-02-01; grace period ends in 4 days");
  CHECK(r.has_feature("render"));
}

TEST_CASE("An expired license after the grace period is expired", "[verify][warning]") {
  const std::string text = sign(expiring("2026-02-01"));
  verify_options options = options_at(at("2026-02-08T23:59:59Z"));
  options.grace_days = 7;
  CHECK(check(text, options).why == reason::ok);
  options.now = at("2026-02-09T00:00:00Z");
  CHECK(check(text, options).why == reason::expired);
}

TEST_CASE("Without a grace period an expired license is never accepted", "[verify][warning]") {
  CHECK(check(sign(expiring("2026-01-31")), options_at(february)).why == reason::expired);
}

TEST_CASE("A binding with no spare change left is ok with a binding_fragile warning", "[verify][warning][hwid]") {
  hwid::machine_snapshot minimal = office_pc();
  minimal.nic = {{}, "no physical interfaces", {}};
  minimal.os = {{}, "no machine-id", {}};
  const verify_result r = check(sign(license_bound_to(minimal)), options_at(february, minimal));
  REQUIRE(r.why == reason::ok);
  CHECK(r.binding.changes_tolerated == 0);
  CHECK(has_warning(r, warning_kind::binding_fragile));
}

TEST_CASE("An intact binding with a spare change carries no binding_fragile warning", "[verify][warning][hwid]") {
  const verify_result r = check(sign(license_bound_to(office_pc())), options_at(february));
  REQUIRE(r.why == reason::ok);
  CHECK(r.binding.changes_tolerated == 1);
  CHECK_FALSE(has_warning(r, warning_kind::binding_fragile));
}

TEST_CASE("A bound license checked with the machine check off is ok with machine_not_checked", "[verify][warning]") {
  hwid::machine_snapshot elsewhere = office_pc();
  elsewhere.platform.values = {"aarch64 Apple M2"};
  verify_options options = options_at(february, elsewhere);
  options.check_machine = false;
  const verify_result r = check(sign(license_bound_to(office_pc())), options);
  CHECK(r.why == reason::ok);
  CHECK_FALSE(r.machine_checked);
  CHECK(has_warning(r, warning_kind::machine_not_checked));
}

TEST_CASE("An unbound license never warns that the machine was not checked", "[verify][warning]") {
  verify_options options = options_at(february);
  options.check_machine = false;
  CHECK(check(sign(unbound_license()), options).warnings.empty());
}

TEST_CASE("One changed strong class still binds and leaves the binding fragile", "[verify][tolerance][hwid]") {
  for (component_class changed : {component_class::disk, component_class::nic, component_class::os}) {
    hwid::machine_snapshot upgraded = office_pc();
    upgraded[changed].values = {"replaced-" + std::string(to_string(changed))};
    const verify_result r = check(sign(license_bound_to(office_pc())), options_at(february, upgraded));
    INFO("changed: " << to_string(changed));
    CHECK(r.why == reason::ok);
    CHECK(r.binding.drift == 1);
    CHECK(has_warning(r, warning_kind::binding_fragile));
  }
}

TEST_CASE("A strong class that cannot be read counts as one change", "[verify][tolerance][hwid]") {
  hwid::machine_snapshot degraded = office_pc();
  degraded.os = {{}, "no machine-id", {}};
  const verify_result r = check(sign(license_bound_to(office_pc())), options_at(february, degraded));
  CHECK(r.why == reason::ok);
  CHECK(has_warning(r, warning_kind::binding_fragile));
}

TEST_CASE("Two changed strong classes are machine_mismatch", "[verify][tolerance][hwid]") {
  hwid::machine_snapshot moved = office_pc();
  moved.disk.values = {"another disk"};
  moved.nic.values = {"another nic"};
  const verify_result r = check(sign(license_bound_to(office_pc())), options_at(february, moved));
  CHECK(r.why == reason::machine_mismatch);
  CHECK(r.binding.drift == 2);
  CHECK(r.message == "bound to another machine: only 1 of 3 components match, 2 needed: disk changed, nic changed");
}

TEST_CASE("A cloned OS image on other hardware is machine_mismatch", "[verify][tolerance][hwid]") {
  format::license lic = unbound_license();
  hwid::machine_snapshot recorded = office_pc();
  recorded.nic = {{}, "no physical interfaces", {}};
  bind_to(lic, recorded);  // disk and os recorded: both must match
  hwid::machine_snapshot cloned = office_pc();
  cloned.disk.values = {"cloned vm disk"};
  CHECK(check(sign(lic), options_at(february, cloned)).why == reason::machine_mismatch);
}

TEST_CASE("A changed platform is machine_mismatch even when everything else matches", "[verify][tolerance][hwid]") {
  hwid::machine_snapshot other_cpu = office_pc();
  other_cpu.platform.values = {"x86_64 AuthenticAMD 19-61-02"};
  const verify_result r = check(sign(license_bound_to(office_pc())), options_at(february, other_cpu));
  CHECK(r.why == reason::machine_mismatch);
  CHECK(r.message == "bound to another machine: platform changed");
}

TEST_CASE("A second NIC added to the machine still matches the recorded one", "[verify][tolerance][hwid]") {
  hwid::machine_snapshot extended = office_pc();
  extended.nic.values.push_back("02:00:00:00:00:01");
  const verify_result r = check(sign(license_bound_to(office_pc())), options_at(february, extended));
  CHECK(r.why == reason::ok);
  CHECK(r.binding.drift == 0);
}

TEST_CASE("An older build keeps working after maintenance ended", "[verify][fallback]") {
  format::license lic = unbound_license();
  lic.updates_until = day("2026-03-31");
  verify_options options = options_at(at("2027-05-01T00:00:00Z"));
  options.build_date = day("2026-03-15");
  const verify_result r = check(sign(lic), options);
  CHECK(r.why == reason::ok);
  CHECK(r.warnings.empty());
}

TEST_CASE("A build newer than the maintenance period fails with build_too_new", "[verify][fallback]") {
  format::license lic = unbound_license();
  lic.updates_until = day("2026-03-31");
  verify_options options = options_at(at("2027-05-01T00:00:00Z"));
  options.build_date = day("2026-04-10");
  const verify_result r = check(sign(lic), options);
  CHECK(r.why == reason::build_too_new);
  CHECK(r.message ==
        "this build (2026-04-10) is newer than the maintenance period (2026-03-31); older builds stay licensed");
}

TEST_CASE("Without a build date the maintenance period is not enforced and a warning says so", "[verify][fallback]") {
  // updates_until can only be judged against a build date, so a product that
  // gives none accepts every build, and is told that it did not check.
  format::license lic = unbound_license();
  lic.updates_until = day("2026-03-31");
  const verify_result r = check(sign(lic), options_at(at("2027-05-01T00:00:00Z")));
  CHECK(r.why == reason::ok);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].kind == warning_kind::maintenance_not_checked);
  CHECK(r.warnings[0].message ==
        "the license covers builds up to 2026-03-31, but no build date was given, so that was not checked");
}

TEST_CASE("A valid license answers has_feature and limit from its contents", "[verify][features]") {
  const verify_result r = check(sign(unbound_license()), options_at(february));
  REQUIRE(r.ok());
  CHECK(r.has_feature("render"));
  CHECK(r.has_feature("export.pdf"));
  CHECK_FALSE(r.has_feature("render.gpu"));
  CHECK_FALSE(r.has_feature(""));
  CHECK(r.limit("seats") == 5);
  CHECK_FALSE(r.limit("cores"));
}

TEST_CASE("A rejected license answers no feature and no limit even though its fields were read", "[verify][features]") {
  const verify_result r = check(sign(expiring("2026-01-31")), options_at(february));
  REQUIRE(r.why == reason::expired);
  REQUIRE(r.signature_valid);
  REQUIRE(r.license.limits.size() == 1);
  CHECK_FALSE(r.has_feature("render"));
  CHECK_FALSE(r.limit("seats"));
}

TEST_CASE("A default verify_result is not ok and unlocks nothing", "[verify][features]") {
  const verify_result r;
  CHECK_FALSE(r.ok());
  CHECK_FALSE(r.has_feature("render"));
  CHECK_FALSE(r.limit("seats"));
}

TEST_CASE("The check reads exactly the classes the license recorded, board included", "[policy][machine]") {
  hwid::collect_options with_board;
  with_board.set(component_class::board, true);
  const hwid::machine_snapshot here = hwid::collect(with_board);
  if (!here.board.present() || !here.platform.present()) {
    WARN("skipped: this machine shows no board serial to this user (" << here.board.reason << ")");
    return;
  }
  verify_options options = options_at(at("2026-03-01T12:00:00Z"));
  options.machine.reset();  // read this machine, as a product does
  SECTION("a license with board reads board now") {
    const auto r = check(sign(license_bound_to(here)), options);
    INFO(r.message);
    REQUIRE(r.ok());
    bool board_matched = false;
    for (const auto& c : r.binding.classes)
      board_matched |= c.cls == component_class::board && c.outcome == class_outcome::matched;
    CHECK(board_matched);
  }
  SECTION("a license without board never reads it") {
    hwid::machine_snapshot no_board = here;
    no_board.board = {};
    const auto r = check(sign(license_bound_to(no_board)), options);
    INFO(r.message);
    REQUIRE(r.ok());
    for (const auto& c : r.binding.classes) CHECK(c.cls != component_class::board);
  }
}

TEST_CASE("The classes collected for a check are the ones its license recorded", "[policy][machine]") {
  hwid::machine_snapshot with_board = office_pc();
  with_board.board.values = {"4C4C4544-0039-5710-8052-B4C04F4E3332"};
  with_board.board.reason.clear();
  const auto wanted = hwid::options_for(license_bound_to(with_board).machine.hashes);
  for (const component_class c : all_component_classes) CHECK(wanted.wants(c));
  hwid::machine_snapshot disk_only = office_pc();
  disk_only.nic = {};
  disk_only.os = {};
  const auto fewer = hwid::options_for(license_bound_to(disk_only).machine.hashes);
  CHECK(fewer.wants(component_class::platform));
  CHECK(fewer.wants(component_class::disk));
  CHECK_FALSE(fewer.wants(component_class::nic));
  CHECK_FALSE(fewer.wants(component_class::os));
  CHECK_FALSE(fewer.wants(component_class::board));
}
