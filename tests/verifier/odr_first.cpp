// SPDX-License-Identifier: MIT
// ODR check, first unit: includes the single header twice (the guard must hold).
#include "verifier/single_include/airlock.hpp"

#include "odr_units.hpp"

std::string odr_first_verdict(const std::string& license_text, const std::string& public_pem) {
  airlock::trust_store trusted;
  if (!trusted.add_pem(public_pem)) return "bad key";
  airlock::verify_options options;
  options.product = "acme-studio";
  options.now = airlock::format::parse_utc_time("2026-02-01T00:00:00Z")->seconds;
  return std::string(airlock::to_string(airlock::verify_license(license_text, trusted, options).why));
}
