// SPDX-License-Identifier: MIT
// Clock rollback through the optional state file: the latest time seen, kept with a MAC.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <limits>
#include <string>

#include "support/support.hpp"
#include "verifier_support.hpp"

using namespace airlock;
using namespace airlock::vtest;

namespace {

verify_options with_state(std::int64_t now, const std::string& state_file) {
  verify_options options = options_at(now);
  options.clock_state_file = state_file;
  return options;
}

}  // namespace

TEST_CASE("A check with a clock state file records the time it saw", "[verify][clock]") {
  test::temp_dir dir;
  const std::string state = dir / "clock.state";
  REQUIRE(check(sign(unbound_license()), with_state(at("2026-03-01T00:00:00Z"), state)).ok());
  REQUIRE(test::exists(state));
  const std::string line = test::read_file(state);
  CHECK(line.rfind("airlock-clock-v2 test-0001 " + std::to_string(at("2026-03-01T00:00:00Z")) + " 0 ", 0) == 0);
  CHECK(line.back() == '\n');
  CHECK(line.find("2026") == std::string::npos);  // seconds, not a readable date
}

TEST_CASE("A clock set back below a time already seen is clock_rolled_back", "[verify][clock]") {
  test::temp_dir dir;
  const std::string text = sign(unbound_license()), state = dir / "clock.state";
  REQUIRE(check(text, with_state(at("2026-06-10T12:00:00Z"), state)).ok());
  const verify_result r = check(text, with_state(at("2026-06-01T12:00:00Z"), state));
  CHECK(r.why == reason::clock_rolled_back);
  CHECK(r.message.find("2026-06-10T12:00:00Z was already seen") != std::string::npos);
  CHECK_FALSE(r.has_feature("render"));
}

TEST_CASE("A clock set back within the tolerance of the latest time seen passes", "[verify][clock]") {
  test::temp_dir dir;
  const std::string text = sign(unbound_license()), state = dir / "clock.state";
  REQUIRE(check(text, with_state(at("2026-06-10T12:00:00Z"), state)).ok());
  CHECK(check(text, with_state(at("2026-06-09T12:00:00Z"), state)).ok());
  CHECK(check(text, with_state(at("2026-06-09T11:59:59Z"), state)).why == reason::clock_rolled_back);
}

TEST_CASE("A check within the tolerance does not move the latest time seen back", "[verify][clock]") {
  test::temp_dir dir;
  const std::string text = sign(unbound_license()), state = dir / "clock.state";
  REQUIRE(check(text, with_state(at("2026-06-10T12:00:00Z"), state)).ok());
  const std::string before = test::read_file(state);
  REQUIRE(check(text, with_state(at("2026-06-10T00:00:00Z"), state)).ok());
  CHECK(test::read_file(state) == before);
}

TEST_CASE("Each later check moves the latest time seen forward", "[verify][clock]") {
  test::temp_dir dir;
  const std::string text = sign(unbound_license()), state = dir / "clock.state";
  REQUIRE(check(text, with_state(at("2026-06-10T12:00:00Z"), state)).ok());
  REQUIRE(check(text, with_state(at("2026-08-01T00:00:00Z"), state)).ok());
  CHECK(check(text, with_state(at("2026-07-01T00:00:00Z"), state)).why == reason::clock_rolled_back);
}

TEST_CASE("A clock state file with an edited time is clock_rolled_back", "[verify][clock]") {
  test::temp_dir dir;
  const std::string text = sign(unbound_license()), state = dir / "clock.state";
  const std::int64_t seen = at("2026-06-10T12:00:00Z"), earlier = at("2026-05-01T00:00:00Z");
  REQUIRE(check(text, with_state(seen, state)).ok());
  std::string line = test::read_file(state);
  const std::string seen_text = std::to_string(seen);
  line.replace(line.find(seen_text), seen_text.size(), std::to_string(earlier));
  test::write_file(state, line);
  const verify_result r = check(text, with_state(earlier + 3600, state));
  CHECK(r.why == reason::clock_rolled_back);
  CHECK(r.message == state + ": the clock state file was altered or does not belong to this license");
}

TEST_CASE("A clock state file with an edited MAC is clock_rolled_back", "[verify][clock]") {
  test::temp_dir dir;
  const std::string text = sign(unbound_license()), state = dir / "clock.state";
  REQUIRE(check(text, with_state(at("2026-06-10T12:00:00Z"), state)).ok());
  std::string line = test::read_file(state);
  line[line.size() - 2] = line[line.size() - 2] == '0' ? '1' : '0';
  test::write_file(state, line);
  CHECK(check(text, with_state(at("2026-06-11T00:00:00Z"), state)).why == reason::clock_rolled_back);
}

TEST_CASE("A clock state time with a leading zero is another spelling, so altered", "[verify][clock]") {
  test::temp_dir dir;
  const std::string text = sign(unbound_license()), state = dir / "clock.state";
  const std::int64_t seen = at("2026-06-10T12:00:00Z");
  REQUIRE(check(text, with_state(seen, state)).ok());
  std::string line = test::read_file(state);
  const std::string seen_text = std::to_string(seen);
  line.replace(line.find(seen_text), seen_text.size(), "0" + seen_text);  // the MAC is still right for `seen`
  test::write_file(state, line);
  const verify_result r = check(text, with_state(seen + 60, state));
  CHECK(r.why == reason::clock_rolled_back);
  CHECK(r.message == state + ": the clock state file was altered or does not belong to this license");
}

TEST_CASE("A clock state file of garbage is clock_rolled_back", "[verify][clock]") {
  test::temp_dir dir;
  const std::string state = dir / "clock.state";
  test::write_file(state, "hello\n");
  CHECK(check(sign(unbound_license()), with_state(at("2026-06-11T00:00:00Z"), state)).why == reason::clock_rolled_back);
}

TEST_CASE("A deleted clock state file starts over from the issue time", "[verify][clock]") {
  // The documented limit: deleting the file forgets the latest time seen.
  test::temp_dir dir;
  const std::string text = sign(unbound_license()), state = dir / "clock.state";
  REQUIRE(check(text, with_state(at("2026-06-10T12:00:00Z"), state)).ok());
  std::remove(state.c_str());
  CHECK(check(text, with_state(at("2026-02-01T00:00:00Z"), state)).ok());
}

TEST_CASE("A renewed license does not take over the clock state file of the license it replaces", "[verify][clock]") {
  // One state file per license id: a renewal starts its own, from its own (later) issue time.
  test::temp_dir dir;
  const std::string state = dir / "clock.state";
  REQUIRE(check(sign(unbound_license()), with_state(at("2026-06-10T12:00:00Z"), state)).ok());
  format::license renewal = unbound_license();
  renewal.id = "test-0002";
  renewal.issued = format::utc_time{at("2026-06-20T09:00:00Z")};
  const std::string renewed = sign(renewal);
  CHECK(check(renewed, with_state(at("2026-06-21T00:00:00Z"), state)).why == reason::clock_rolled_back);
  CHECK(check(renewed, with_state(at("2026-06-21T00:00:00Z"), dir / "test-0002.state")).ok());
}

TEST_CASE("A clock state file that cannot be written does not fail the license", "[verify][clock]") {
  test::temp_dir dir;
  const std::string state = dir / "no-such-folder/clock.state";
  CHECK(check(sign(unbound_license()), with_state(at("2026-06-10T12:00:00Z"), state)).ok());
  CHECK_FALSE(test::exists(state));
}

TEST_CASE("A clock state file that names another license id is altered, not absent", "[verify][clock]") {
  test::temp_dir dir;
  const std::string text = sign(unbound_license()), state = dir / "clock.state";
  const std::int64_t seen = at("2026-06-10T12:00:00Z");
  REQUIRE(check(text, with_state(seen, state)).ok());
  const std::string line = test::read_file(state);
  std::string edited = line;
  SECTION("one letter of the id changed") { edited.replace(edited.find("test-0001"), 9, "test-0002"); }
  SECTION("copied from another license") {
    format::license other = unbound_license();
    other.id = "other-license";
    const std::string other_state = dir / "other.state";
    REQUIRE(check(sign(other), with_state(seen, other_state)).ok());
    edited = test::read_file(other_state);
  }
  SECTION("a junk line with an id") { edited = "airlock-clock-v1 x junk\n"; }
  SECTION("the time written with a sign") { edited.replace(edited.find(std::to_string(seen)), 0, "+"); }
  SECTION("a second line appended") { edited += line; }
  test::write_file(state, edited);
  const verify_result r = check(text, with_state(at("2026-02-01T00:00:00Z"), state));
  CHECK(r.why == reason::clock_rolled_back);
  CHECK(r.message == state + ": the clock state file was altered or does not belong to this license");
  CHECK(test::read_file(state) == edited);  // never overwritten
}

TEST_CASE("A clock state path that is not a regular file is unreadable and left alone", "[verify][clock]") {
  test::temp_dir dir;
  const std::string text = sign(unbound_license()), state = dir / "clock.state";
  SECTION("a folder") { REQUIRE(::mkdir(state.c_str(), 0700) == 0); }
  SECTION("a FIFO, which must not block the check") { REQUIRE(::mkfifo(state.c_str(), 0600) == 0); }
  SECTION("a symbolic link") {
    test::write_file(dir / "victim", "keep me\n");
    REQUIRE(::symlink((dir / "victim").c_str(), state.c_str()) == 0);
  }
  const test::fifo_unblocker unblock(state);
  const verify_result r = check(text, with_state(at("2026-06-10T12:00:00Z"), state));
  CHECK(r.why == reason::unreadable);
  CHECK(r.message == state + ": the clock state file is not a regular file");
  if (test::exists(dir / "victim")) CHECK(test::read_file(dir / "victim") == "keep me\n");
}

TEST_CASE("The clock state is written through a fresh file, never through a planted name", "[verify][clock]") {
  test::temp_dir dir;
  const std::string text = sign(unbound_license()), state = dir / "clock.state";
  test::write_file(dir / "victim", "keep me\n");
  SECTION("a link at the old temporary name") {
    REQUIRE(::symlink((dir / "victim").c_str(), (state + ".tmp").c_str()) == 0);
  }
  SECTION("a folder at the old temporary name") { REQUIRE(::mkdir((state + ".tmp").c_str(), 0700) == 0); }
  REQUIRE(check(text, with_state(at("2026-06-10T12:00:00Z"), state)).ok());
  REQUIRE(check(text, with_state(at("2026-07-10T12:00:00Z"), state)).ok());
  CHECK(test::read_file(dir / "victim") == "keep me\n");
  // The state moved forward: a clock between the two checks is now set back.
  CHECK(check(text, with_state(at("2026-06-20T12:00:00Z"), state)).why == reason::clock_rolled_back);
  CHECK(test::count_entries(dir.path()) == 3);  // state, victim, the planted name; no temporary left
}

TEST_CASE("A clock at the ends of the int64 range is judged without overflow", "[verify][clock]") {
  test::temp_dir dir;
  const std::string text = sign(unbound_license());
  verify_options options = with_state(std::numeric_limits<std::int64_t>::max(), dir / "clock.state");
  options.clock_tolerance_seconds = std::numeric_limits<std::int64_t>::max();
  const verify_result late = check(text, options);
  CHECK(late.why != reason::clock_rolled_back);
  options.now = std::numeric_limits<std::int64_t>::min();
  options.clock_tolerance_seconds = std::numeric_limits<std::int64_t>::min();
  CHECK(check(text, options).why == reason::clock_rolled_back);
}
