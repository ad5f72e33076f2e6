// SPDX-License-Identifier: MIT
// `airlock-verify`, the customer's and the support desk's tool: checks a
// license on this machine. Built from the single header alone (plus the
// shared report and exit codes), statically linked.
#include <cstring>
#include <iostream>
#include <map>
#include <string>

#include "airlock.hpp"
#include "cli/diagnostics.hpp"
#include "cli/file_io.hpp"
#include "verifier/tools/report.hpp"

namespace {

using namespace airlock;

const char usage_text[] =
    "usage: airlock-verify LICENSE --pubkey VENDOR.pub [--product P] [--build-date YYYY-MM-DD]\n"
    "                      [--now YYYY-MM-DDTHH:MM:SSZ] [--grace-days N] [--no-machine] [--json]\n"
    "\n"
    "Checks a license file offline: signature, key id, product, clock, dates,\n"
    "maintenance (--build-date) and the binding to this machine. The verdict goes\n"
    "to stdout (--json for programs); a rejection also prints one line on stderr.\n"
    "--product defaults to the product named in the license.\n"
    "\n"
    "exit status: 0 valid, 2 usage, 3 unreadable file, 5 bad public key,\n"
    "10 malformed, 11 unsupported version, 12 unknown key, 13 bad signature,\n"
    "14 key id mismatch, 15 wrong product, 16 not yet valid, 17 expired,\n"
    "18 build newer than updates_until, 19 machine mismatch, 20 unbindable\n"
    "environment, 21 clock rolled back\n";

struct arguments {
  std::string license, pubkey, product, build_date, now, grace_days = "0";
  bool json = false, no_machine = false;
};

arguments parse_arguments(int argc, char** argv) {
  arguments a;
  const std::map<std::string, std::string*> values = {{"--pubkey", &a.pubkey},
                                                      {"--product", &a.product},
                                                      {"--build-date", &a.build_date},
                                                      {"--now", &a.now},
                                                      {"--grace-days", &a.grace_days}};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--json")
      a.json = true;
    else if (arg == "--no-machine")
      a.no_machine = true;
    else if (values.count(arg) && i + 1 < argc)
      *values.at(arg) = argv[++i];
    else if (arg[0] != '-' && a.license.empty())
      a.license = arg;
    else
      throw cli::failure(cli::exit_usage, "unexpected argument '" + arg + "' (see: airlock-verify --help)");
  }
  if (a.license.empty() || a.pubkey.empty()) throw cli::failure(cli::exit_usage, "give a LICENSE file and --pubkey");
  return a;
}

verify_options options_from(const arguments& a) {
  verify_options options;
  options.product = a.product;
  if (options.product.empty()) {
    auto parsed = format::parse_license_file(cli::read_file(a.license, format::max_input_size + 1));
    if (parsed.ok()) options.product = parsed.value->content.product;
  }
  if (!a.build_date.empty() && !(options.build_date = format::parse_date(a.build_date)))
    throw cli::failure(cli::exit_usage, "--build-date must be YYYY-MM-DD");
  if (!a.now.empty()) {
    const auto now = format::parse_utc_time(a.now);
    if (!now) throw cli::failure(cli::exit_usage, "--now must be a UTC time like 2026-01-31T12:00:00Z");
    options.now = now->seconds;
  }
  if (a.grace_days.empty() || a.grace_days.size() > 5 ||
      a.grace_days.find_first_not_of("0123456789") != std::string::npos)
    throw cli::failure(cli::exit_usage, "--grace-days must be a number of days");
  options.grace_days = std::stoi(a.grace_days);
  options.check_machine = !a.no_machine;
  return options;
}

int run(const arguments& a) {
  trust_store trusted;
  if (!trusted.add_pem(cli::read_file(a.pubkey, 64 * 1024)))
    throw cli::failure(cli::exit_bad_key,
                       cli::about_file(a.pubkey, "not an Ed25519 public key (SubjectPublicKeyInfo PEM)"));
  const verify_result result = verify_license_file(a.license, trusted, options_from(a));
  if (a.json)
    tools::print_json(std::cout, result);
  else
    tools::print_report(std::cout, result);
  if (!result.ok()) tools::print_rejection("airlock-verify", a.license, result);
  return tools::exit_code_for(result.why);
}

}  // namespace

int main(int argc, char** argv) {
  return cli::run_tool("airlock-verify", [&]() -> int {
    if (argc == 2 && (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h"))) {
      std::cout << usage_text;
      return cli::exit_ok;
    }
    if (argc == 2 && !std::strcmp(argv[1], "--version")) {
      std::cout << "airlock-verify " << version_string << "\n";
      return cli::exit_ok;
    }
    return run(parse_arguments(argc, argv));
  });
}
