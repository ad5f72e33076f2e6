// SPDX-License-Identifier: MIT
// ODR check, second unit: the same inline functions, linked into the same program.
#include "verifier/single_include/airlock.hpp"

#include "odr_units.hpp"

std::string odr_second_verdict(const std::string& license_text, const std::string& public_pem) {
  airlock::trust_store trusted;
  if (!trusted.add_pem(public_pem)) return "bad key";
  airlock::verify_options options;
  options.product = "acme-studio";
  options.now = airlock::format::parse_utc_time("2026-02-01T00:00:00Z")->seconds;
  options.check_machine = false;
  return std::string(airlock::to_string(airlock::verify_license(license_text, trusted, options).why)) + " " +
         airlock::key_id_of(trusted.find("55946e28fb11b7ee")->bytes());
}
