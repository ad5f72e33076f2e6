// SPDX-License-Identifier: MIT
// The airlock-match-v1 policy, table-driven over recorded vs current class hashes.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "airlock/format/match.hpp"

using airlock::format::class_outcome;
using airlock::format::component_class;
using airlock::format::component_hashes;
using airlock::format::match_fingerprint;

namespace {

// A license that recorded platform, disk, nic and os (and board when asked).
component_hashes recorded(bool with_board = false) {
  component_hashes r;
  r.platform = {"p0"};
  r.disk = {"d0"};
  r.nic = {"n0", "n1"};
  r.os = {"o0"};
  if (with_board) r.board = {"b0"};
  return r;
}

struct policy_case {
  const char* what;
  component_hashes license;
  component_hashes now;
  bool ok;
  int drift;
  int tolerated;
  std::string reason;
};

component_hashes changed(component_hashes h, std::initializer_list<component_class> classes) {
  for (component_class c : classes) h[c] = {"new-" + std::string(to_string(c))};
  return h;
}

component_hashes missing(component_hashes h, std::initializer_list<component_class> classes) {
  for (component_class c : classes) h[c].clear();
  return h;
}

}  // namespace

TEST_CASE("The match policy accepts one strong change and rejects two", "[match]") {
  using C = component_class;
  const std::vector<policy_case> cases = {
      {"identical, 3 strong", recorded(), recorded(), true, 0, 1, ""},
      {"identical, 4 strong", recorded(true), recorded(true), true, 0, 1, ""},
      {"disk changed, 3 strong", recorded(), changed(recorded(), {C::disk}), true, 1, 0, ""},
      {"os changed, 4 strong", recorded(true), changed(recorded(true), {C::os}), true, 1, 0, ""},
      {"disk and os changed", recorded(), changed(recorded(), {C::disk, C::os}), false, 2, 0,
       "only 1 of 3 components match, 2 needed"},
      {"disk and nic changed, 4 strong", recorded(true), changed(recorded(true), {C::disk, C::nic}), false, 2, 0,
       "only 2 of 4 components match, 3 needed"},
      {"platform changed", recorded(), changed(recorded(), {C::platform}), false, 0, 0, "platform changed"},
      {"platform unreadable", recorded(), missing(recorded(), {C::platform}), false, 0, 0, "platform is unreadable"},
      {"disk unreadable counts as changed", recorded(), missing(recorded(), {C::disk}), true, 1, 0, ""},
      {"disk and nic unreadable", recorded(), missing(recorded(), {C::disk, C::nic}), false, 2, 0,
       "only 1 of 3 components match, 2 needed"},
  };
  for (const policy_case& c : cases) {
    INFO(c.what);
    const airlock::format::match_report r = match_fingerprint(c.license, c.now);
    CHECK(r.ok == c.ok);
    CHECK(r.drift == c.drift);
    CHECK(r.changes_tolerated == c.tolerated);
    CHECK(r.reason == c.reason);
  }
}

TEST_CASE("A match on the os class alone is rejected because no hardware matches", "[match]") {
  component_hashes license;
  license.disk = {"d0"};
  license.os = {"o0"};
  component_hashes now = license;
  now.disk = {"d1"};
  const airlock::format::match_report r = match_fingerprint(license, now);
  CHECK_FALSE(r.ok);
  CHECK(r.needed == 2);
  CHECK(r.reason == "only 1 of 2 components match, 2 needed");
  // A license that recorded only the machine-id can never match: it is clonable.
  component_hashes os_only;
  os_only.os = {"o0"};
  const airlock::format::match_report only_os = match_fingerprint(os_only, os_only);
  CHECK_FALSE(only_os.ok);
  CHECK(only_os.reason == "no hardware component matches");
}

TEST_CASE("A class matches when any recorded hash equals any current one", "[match]") {
  component_hashes license = recorded();
  component_hashes now = recorded();
  now.nic = {"n7", "n1", "n9"};  // one of two NICs replaced, a new one added
  const airlock::format::match_report r = match_fingerprint(license, now);
  CHECK(r.ok);
  CHECK(r.drift == 0);
  for (const auto& c : r.classes) CHECK(c.outcome == class_outcome::matched);
}

TEST_CASE("With two or fewer strong classes recorded all of them must match", "[match]") {
  component_hashes license;
  license.platform = {"p0"};
  license.nic = {"n0"};
  license.os = {"o0"};
  component_hashes now = license;
  CHECK(match_fingerprint(license, now).ok);
  CHECK(match_fingerprint(license, now).changes_tolerated == 0);
  now.os = {"o1"};
  const airlock::format::match_report r = match_fingerprint(license, now);
  CHECK_FALSE(r.ok);
  CHECK(r.reason == "only 1 of 2 components match, 2 needed");
  component_hashes single;
  single.disk = {"d0"};
  CHECK(match_fingerprint(single, single).ok);
  component_hashes none;
  CHECK_FALSE(match_fingerprint(single, none).ok);
}

TEST_CASE("The report lists every recorded class and only those", "[match]") {
  component_hashes license = recorded();
  component_hashes now = missing(changed(recorded(), {component_class::os}), {component_class::disk});
  now.board = {"unrecorded boards are ignored"};
  const airlock::format::match_report r = match_fingerprint(license, now);
  REQUIRE(r.classes.size() == 4);
  CHECK(r.classes[0].cls == component_class::platform);
  CHECK(r.classes[1].outcome == class_outcome::missing);
  CHECK(r.classes[2].outcome == class_outcome::matched);
  CHECK(r.classes[3].outcome == class_outcome::changed);
  CHECK(r.strong_recorded == 3);
  CHECK(r.strong_matched == 1);
  CHECK_FALSE(r.ok);
}

TEST_CASE("Containers are unbindable unless allowed and host hardware is visible", "[match]") {
  CHECK(airlock::format::unbindable_environment(true, true, false));
  CHECK(airlock::format::unbindable_environment(true, false, true));
  CHECK_FALSE(airlock::format::unbindable_environment(true, true, true));
  CHECK_FALSE(airlock::format::unbindable_environment(false, true, false));
  CHECK_FALSE(airlock::format::unbindable_environment(false, false, false));
}

TEST_CASE("Matching never throws and is not fooled by duplicate hashes", "[match]") {
  component_hashes license = recorded();
  license.nic = std::vector<std::string>(1000, "n0");
  component_hashes now = recorded();
  now.nic = std::vector<std::string>(1000, "n1");
  const airlock::format::match_report r = match_fingerprint(license, now);
  CHECK(r.ok);
  CHECK(r.classes[2].outcome == class_outcome::changed);
  static_assert(noexcept(match_fingerprint(license, now)), "matching must be noexcept");
}
