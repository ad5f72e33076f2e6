// SPDX-License-Identifier: MIT
// Calendar dates and UTC instants as the license format writes them (RFC 3339 subsets).
#ifndef AIRLOCK_FORMAT_TIME_HPP
#define AIRLOCK_FORMAT_TIME_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace airlock::format {

inline constexpr std::int64_t seconds_per_day = 86400;

/// A proleptic Gregorian calendar date. Only years 0001-9999 can be written as text (year 0000 is
/// valid RFC 3339 but not TOML as Python's tomllib reads it, so no file may hold it).
struct date {
  int year = 1970;
  int month = 1;  ///< 1-12
  int day = 1;    ///< 1-31
};

/// An instant: seconds since 1970-01-01T00:00:00Z, leap seconds not counted (POSIX time).
struct utc_time {
  std::int64_t seconds = 0;
};

[[nodiscard]] inline bool is_leap_year(int year) noexcept {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

[[nodiscard]] inline int days_in_month(int year, int month) noexcept {
  constexpr int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && is_leap_year(year) ? 29 : days[month - 1];
}

/// True for a real date with a four-digit year from 0001 to 9999.
[[nodiscard]] inline bool is_valid(const date& d) noexcept {
  return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
         d.day <= days_in_month(d.year, d.month);
}

/// Days since 1970-01-01 (negative before). Precondition: is_valid(d).
/// Counts whole 400-year eras (146097 days each) so that no table of years is needed.
[[nodiscard]] inline std::int64_t days_from_civil(const date& d) noexcept {
  const std::int64_t year = static_cast<std::int64_t>(d.year) - (d.month <= 2 ? 1 : 0);
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const std::int64_t year_of_era = year - era * 400;
  const std::int64_t month_from_march = d.month > 2 ? d.month - 3 : d.month + 9;
  const std::int64_t day_of_year = (153 * month_from_march + 2) / 5 + d.day - 1;
  const std::int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

/// The date `days` days after 1970-01-01. Inputs beyond about +-5 million years are clamped.
[[nodiscard]] inline date civil_from_days(std::int64_t days) noexcept {
  constexpr std::int64_t limit = std::int64_t{1} << 31;
  days = days < -limit ? -limit : (days > limit ? limit : days);
  const std::int64_t shifted = days + 719468;
  const std::int64_t era = (shifted >= 0 ? shifted : shifted - 146096) / 146097;
  const std::int64_t day_of_era = shifted - era * 146097;
  const std::int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t month_from_march = (5 * day_of_year + 2) / 153;
  const std::int64_t month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
  const std::int64_t day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
  const std::int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  return date{static_cast<int>(year), static_cast<int>(month), static_cast<int>(day)};
}

[[nodiscard]] inline bool operator==(const date& a, const date& b) noexcept {
  return a.year == b.year && a.month == b.month && a.day == b.day;
}
[[nodiscard]] inline bool operator!=(const date& a, const date& b) noexcept { return !(a == b); }
[[nodiscard]] inline bool operator<(const date& a, const date& b) noexcept {
  if (a.year != b.year) return a.year < b.year;
  if (a.month != b.month) return a.month < b.month;
  return a.day < b.day;
}
[[nodiscard]] inline bool operator>(const date& a, const date& b) noexcept { return b < a; }
[[nodiscard]] inline bool operator<=(const date& a, const date& b) noexcept { return !(b < a); }
[[nodiscard]] inline bool operator>=(const date& a, const date& b) noexcept { return !(a < b); }

[[nodiscard]] inline bool operator==(utc_time a, utc_time b) noexcept { return a.seconds == b.seconds; }
[[nodiscard]] inline bool operator!=(utc_time a, utc_time b) noexcept { return a.seconds != b.seconds; }
[[nodiscard]] inline bool operator<(utc_time a, utc_time b) noexcept { return a.seconds < b.seconds; }
[[nodiscard]] inline bool operator>(utc_time a, utc_time b) noexcept { return a.seconds > b.seconds; }
[[nodiscard]] inline bool operator<=(utc_time a, utc_time b) noexcept { return a.seconds <= b.seconds; }
[[nodiscard]] inline bool operator>=(utc_time a, utc_time b) noexcept { return a.seconds >= b.seconds; }

/// The UTC calendar day containing t. A license date such as `expires` is compared with this:
/// "valid through 2026-02-28" means utc_date(now) <= 2026-02-28.
[[nodiscard]] inline date utc_date(utc_time t) noexcept {
  const std::int64_t days = t.seconds / seconds_per_day - (t.seconds % seconds_per_day < 0 ? 1 : 0);
  return civil_from_days(days);
}

/// 00:00:00Z on day d. Precondition: is_valid(d).
[[nodiscard]] inline utc_time start_of_day(const date& d) noexcept {
  return utc_time{days_from_civil(d) * seconds_per_day};
}

/// True if t falls within 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z and so has a text form.
[[nodiscard]] inline bool is_representable(utc_time t) noexcept {
  return t >= start_of_day(date{1, 1, 1}) && t < start_of_day(date{10000, 1, 1});
}

namespace detail {

/// Reads exactly `width` ASCII digits at text[pos]; -1 if any is not a digit.
[[nodiscard]] inline int read_digits(std::string_view text, std::size_t pos, std::size_t width) noexcept {
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

inline void append_digits(std::string& out, std::int64_t value, int width) {
  char buffer[24];
  int length = 0;
  do {
    buffer[length++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0 && length < 20);
  for (int i = length; i < width; ++i) out += '0';
  while (length > 0) out += buffer[--length];
}

}  // namespace detail

/// Parses `YYYY-MM-DD` (RFC 3339 full-date); rejects impossible dates such as 2023-02-29.
[[nodiscard]] inline std::optional<date> parse_date(std::string_view text) noexcept {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const date d{detail::read_digits(text, 0, 4), detail::read_digits(text, 5, 2), detail::read_digits(text, 8, 2)};
  if (!is_valid(d)) return std::nullopt;
  return d;
}

/// `YYYY-MM-DD`. Precondition: is_valid(d).
[[nodiscard]] inline std::string to_string(const date& d) {
  std::string out;
  detail::append_digits(out, d.year, 4);
  out += '-';
  detail::append_digits(out, d.month, 2);
  out += '-';
  detail::append_digits(out, d.day, 2);
  return out;
}

/// Parses `YYYY-MM-DDTHH:MM:SSZ` exactly: uppercase T and Z, no fraction, no other offset,
/// no leap second.
[[nodiscard]] inline std::optional<utc_time> parse_utc_time(std::string_view text) noexcept {
  if (text.size() != 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z') {
    return std::nullopt;
  }
  const auto day = parse_date(text.substr(0, 10));
  const int hour = detail::read_digits(text, 11, 2);
  const int minute = detail::read_digits(text, 14, 2);
  const int second = detail::read_digits(text, 17, 2);
  if (!day || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return std::nullopt;
  }
  return utc_time{start_of_day(*day).seconds + hour * 3600 + minute * 60 + second};
}

/// `YYYY-MM-DDTHH:MM:SSZ`. Precondition: is_representable(t).
[[nodiscard]] inline std::string to_string(utc_time t) {
  const std::int64_t in_day = t.seconds - start_of_day(utc_date(t)).seconds;
  std::string out = to_string(utc_date(t));
  out += 'T';
  detail::append_digits(out, in_day / 3600, 2);
  out += ':';
  detail::append_digits(out, in_day / 60 % 60, 2);
  out += ':';
  detail::append_digits(out, in_day % 60, 2);
  out += 'Z';
  return out;
}

}  // namespace airlock::format

#endif  // AIRLOCK_FORMAT_TIME_HPP
