// SPDX-License-Identifier: MIT
// A second translation unit including every format header (twice), so that a non-inline
// definition in a header fails to link.
#include "airlock/format/format.hpp"

#include <catch2/catch.hpp>

#include "test_support.hpp"

namespace {

std::string body_written_in_second_unit() { return airlock_test::body_of(airlock_test::sample_unbound_license()); }

}  // namespace

TEST_CASE("Two translation units including the headers link and agree", "[odr]") {
  const auto parsed = airlock::format::parse_license_body(body_written_in_second_unit());
  REQUIRE(parsed.ok());
  CHECK(*parsed.value == airlock_test::sample_unbound_license());
}
