// SPDX-License-Identifier: MIT
// A product that checks its license at start-up. Build it with nothing but
// the single header:  g++ -std=c++17 -O2 -I verifier/single_include product.cpp
#if __has_include(<airlock/airlock.hpp>)
#include <airlock/airlock.hpp>
#else
#include "airlock.hpp"
#endif
#include <cstdio>

#include "vendor_key.hpp"  // made by: airlock pubkey --key vendor.pub --format cpp

static const char* friendly(airlock::reason why) {
  switch (why) {
    case airlock::reason::expired: return "Your license has expired. Please renew it.";
    case airlock::reason::not_yet_valid: return "Your license is not valid yet.";
    case airlock::reason::build_too_new: return "This version was released after your maintenance ended.";
    case airlock::reason::machine_mismatch: return "This license belongs to another computer.";
    case airlock::reason::unbindable_environment: return "Licenses cannot be bound inside this container.";
    case airlock::reason::clock_rolled_back: return "Please check this computer's date and time.";
    case airlock::reason::wrong_product: return "This license is for another product.";
    case airlock::reason::unreadable: return "No license file found.";
    default: return "This license file is not valid. Please contact support.";
  }
}

int main(int argc, char** argv) {
  airlock::trust_store vendor;
  if (!vendor.add(airlock_vendor_public_key)) return 2;  // a corrupt key in vendor_key.hpp
  airlock::verify_options options;
  options.product = "demo-app";
  options.build_date = airlock::format::date{2026, 11, 1};  // this build's release date
  const auto result = airlock::verify_license_file(argc > 1 ? argv[1] : "license.toml", vendor, options);
  if (!result.ok()) {
    std::printf("%s\n(%s: %s)\n", friendly(result.why), airlock::to_string(result.why).data(), result.message.c_str());
    return 1;
  }
  for (const auto& w : result.warnings) std::printf("Note: %s\n", w.message.c_str());
  std::printf("Licensed to %s.\n", result.license.licensee.c_str());
  if (result.has_feature("export")) std::printf("Export is unlocked.\n");
  return 0;
}
