// SPDX-License-Identifier: MIT
// The two translation units of the ODR test, each verifying with the single header.
#ifndef AIRLOCK_TESTS_VERIFIER_ODR_UNITS_HPP
#define AIRLOCK_TESTS_VERIFIER_ODR_UNITS_HPP

#include <string>

std::string odr_first_verdict(const std::string& license_text, const std::string& public_pem);
std::string odr_second_verdict(const std::string& license_text, const std::string& public_pem);

#endif
