// SPDX-License-Identifier: MIT
// Dates and UTC instants: validation, day numbers, RFC 3339 text.
#include <catch2/catch.hpp>

#include "test_support.hpp"

namespace fmt = airlock::format;

TEST_CASE("Leap years follow the Gregorian rule", "[date]") {
  CHECK(fmt::is_leap_year(2024));
  CHECK(fmt::is_leap_year(2000));
  CHECK_FALSE(fmt::is_leap_year(1900));
  CHECK_FALSE(fmt::is_leap_year(2023));
}

TEST_CASE("Only real dates with four-digit years are valid", "[date]") {
  CHECK(fmt::is_valid(fmt::date{2024, 2, 29}));
  CHECK(fmt::is_valid(fmt::date{2000, 2, 29}));
  CHECK(fmt::is_valid(fmt::date{1, 1, 1}));
  CHECK_FALSE(fmt::is_valid(fmt::date{0, 12, 31}));  // tomllib rejects year 0000
  CHECK(fmt::is_valid(fmt::date{9999, 12, 31}));
  CHECK_FALSE(fmt::is_valid(fmt::date{2023, 2, 29}));
  CHECK_FALSE(fmt::is_valid(fmt::date{1900, 2, 29}));
  CHECK_FALSE(fmt::is_valid(fmt::date{2025, 4, 31}));
  CHECK_FALSE(fmt::is_valid(fmt::date{2025, 13, 1}));
  CHECK_FALSE(fmt::is_valid(fmt::date{2025, 0, 1}));
  CHECK_FALSE(fmt::is_valid(fmt::date{2025, 1, 0}));
  CHECK_FALSE(fmt::is_valid(fmt::date{10000, 1, 1}));
  CHECK_FALSE(fmt::is_valid(fmt::date{-1, 1, 1}));
}

// Expected day numbers computed with Python's datetime.date.
TEST_CASE("Day numbers count days from 1970-01-01 as Python's datetime does", "[date]") {
  CHECK(fmt::days_from_civil({1970, 1, 1}) == 0);
  CHECK(fmt::days_from_civil({1969, 12, 31}) == -1);
  CHECK(fmt::days_from_civil({2000, 3, 1}) == 11017);
  CHECK(fmt::days_from_civil({2024, 2, 29}) == 19782);
  CHECK(fmt::days_from_civil({2025, 3, 1}) == 20148);
  CHECK(fmt::days_from_civil({1, 1, 1}) == -719162);
  CHECK(fmt::days_from_civil({9999, 12, 31}) == 2932896);
}

TEST_CASE("Day numbers convert back to the same date for every day of years 0000 to 9999", "[date]") {
  std::int64_t expected = fmt::days_from_civil({0, 1, 1});
  for (int year = 0; year <= 9999; ++year) {
    for (int month = 1; month <= 12; ++month) {
      for (int day = 1; day <= fmt::days_in_month(year, month); ++day) {
        const fmt::date d{year, month, day};
        if (fmt::days_from_civil(d) != expected || fmt::civil_from_days(expected) != d) {
          FAIL("mismatch at " << fmt::to_string(d));
        }
        ++expected;
      }
    }
  }
}

TEST_CASE("Dates compare in calendar order", "[date]") {
  CHECK(fmt::date{2025, 3, 1} < fmt::date{2025, 3, 2});
  CHECK(fmt::date{2025, 2, 28} < fmt::date{2025, 3, 1});
  CHECK(fmt::date{2024, 12, 31} < fmt::date{2025, 1, 1});
  CHECK(fmt::date{2025, 3, 1} <= fmt::date{2025, 3, 1});
  CHECK(fmt::date{2025, 3, 1} == fmt::date{2025, 3, 1});
  CHECK(fmt::date{2025, 3, 2} > fmt::date{2025, 3, 1});
}

TEST_CASE("Dates parse and print as YYYY-MM-DD and impossible dates are rejected", "[date]") {
  CHECK(fmt::parse_date("2024-02-29") == fmt::date{2024, 2, 29});
  CHECK(fmt::to_string(fmt::date{7, 1, 9}) == "0007-01-09");
  CHECK_FALSE(fmt::parse_date("2023-02-29"));
  CHECK_FALSE(fmt::parse_date("2025-1-01"));
  CHECK_FALSE(fmt::parse_date("2025-01-1"));
  CHECK_FALSE(fmt::parse_date("2025/01/01"));
  CHECK_FALSE(fmt::parse_date("+025-01-01"));
  CHECK_FALSE(fmt::parse_date("2025-01-01 "));
}

// Expected instants computed with Python's calendar.timegm.
TEST_CASE("UTC date-times parse to POSIX seconds as Python's calendar.timegm computes them", "[date]") {
  CHECK(fmt::parse_utc_time("2025-03-01T12:30:05Z")->seconds == 1740832205);
  CHECK(fmt::parse_utc_time("1969-12-31T23:59:59Z")->seconds == -1);
  CHECK(fmt::parse_utc_time("9999-12-31T23:59:59Z")->seconds == 253402300799);
  CHECK(fmt::to_string(fmt::utc_time{1740832205}) == "2025-03-01T12:30:05Z");
  CHECK(fmt::to_string(fmt::utc_time{-1}) == "1969-12-31T23:59:59Z");
}

TEST_CASE("UTC date-times must be exactly YYYY-MM-DDTHH:MM:SSZ", "[date]") {
  CHECK_FALSE(fmt::parse_utc_time("2025-03-01t12:30:05Z"));
  CHECK_FALSE(fmt::parse_utc_time("2025-03-01T12:30:05z"));
  CHECK_FALSE(fmt::parse_utc_time("2025-03-01 12:30:05Z"));
  CHECK_FALSE(fmt::parse_utc_time("2025-03-01T12:30:05+00:00"));
  CHECK_FALSE(fmt::parse_utc_time("2025-03-01T12:30:05.5Z"));
  CHECK_FALSE(fmt::parse_utc_time("2025-03-01T12:30:05"));
  CHECK_FALSE(fmt::parse_utc_time("2025-03-01T24:00:00Z"));
  CHECK_FALSE(fmt::parse_utc_time("2025-03-01T23:60:00Z"));
  CHECK_FALSE(fmt::parse_utc_time("2025-03-01T23:59:60Z"));
  CHECK_FALSE(fmt::parse_utc_time("2023-02-29T00:00:00Z"));
}

TEST_CASE("The UTC day of an instant is what expiry dates are compared with", "[date]") {
  const fmt::date last_day{2026, 2, 28};
  CHECK(fmt::utc_date(*fmt::parse_utc_time("2026-02-28T23:59:59Z")) <= last_day);
  CHECK_FALSE(fmt::utc_date(*fmt::parse_utc_time("2026-03-01T00:00:00Z")) <= last_day);
  CHECK(fmt::utc_date(fmt::utc_time{-1}) == fmt::date{1969, 12, 31});
  CHECK(fmt::start_of_day(last_day) == *fmt::parse_utc_time("2026-02-28T00:00:00Z"));
}

TEST_CASE("Only instants in the years 0001 to 9999 are representable", "[date]") {
  CHECK(fmt::is_representable(fmt::utc_time{253402300799}));
  CHECK_FALSE(fmt::is_representable(fmt::utc_time{253402300800}));
  CHECK(fmt::is_representable(fmt::start_of_day({1, 1, 1})));
  CHECK_FALSE(fmt::is_representable(fmt::utc_time{fmt::start_of_day({1, 1, 1}).seconds - 1}));
}
