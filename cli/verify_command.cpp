// SPDX-License-Identifier: MIT
#include "cli/verify_command.hpp"

#include <iostream>
#include <string_view>

#include <sys/stat.h>

#include "airlock/choose.hpp"
#include "airlock/inspect.hpp"
#include "airlock/verify.hpp"
#include "cli/diagnostics.hpp"
#include "cli/json.hpp"
#include "cli/public_key.hpp"
#include "cli/verify_report.hpp"

namespace airlock::cli {
namespace {

struct verify_arguments {
  std::vector<std::string> licenses;  // one file, several files, or one folder
  std::string pubkey, product, build_date, now, grace_days = "0", revocations, clock_state_dir;
  bool json = false, no_machine = false, help = false;
};

struct option_spec {
  const char* name;
  const char* value;  // nullptr for a flag
  const char* help;
};

constexpr option_spec verify_option_specs[] = {
    {"--pubkey", "PUB", "vendor public key (PEM); required"},
    {"--product", "P", "the product that checks the license (default: the one the license names)"},
    {"--build-date", "YYYY-MM-DD", "this build's release date, checked against updates_until"},
    {"--now", "YYYY-MM-DDTHH:MM:SSZ", "check as of this UTC time instead of the clock"},
    {"--grace-days", "N", "accept this many days after expiry, with a warning"},
    {"--revocations", "FILE", "the vendor's signed revocation list for the product"},
    {"--clock-state-dir", "DIR", "keep the latest time and list seen per license in DIR"},
    {"--no-machine", nullptr, "check signature and dates only, not the binding to this machine"},
    {"--json", nullptr, "print JSON instead of the report"},
    {"--help", nullptr, "print this help"},
};

std::string* value_slot(verify_arguments& a, std::string_view name) {
  if (name == "--pubkey") return &a.pubkey;
  if (name == "--product") return &a.product;
  if (name == "--build-date") return &a.build_date;
  if (name == "--now") return &a.now;
  if (name == "--grace-days") return &a.grace_days;
  if (name == "--revocations") return &a.revocations;
  if (name == "--clock-state-dir") return &a.clock_state_dir;
  return nullptr;
}

bool* flag_slot(verify_arguments& a, std::string_view name) {
  if (name == "--no-machine") return &a.no_machine;
  if (name == "--json") return &a.json;
  if (name == "--help" || name == "-h") return &a.help;
  return nullptr;
}

[[noreturn]] void usage_error(const std::string& usage_name, const std::string& message) {
  throw failure(exit_usage, message + " (see: " + usage_name + " --help)");
}

verify_arguments parse(const std::string& usage_name, const std::vector<std::string>& args) {
  verify_arguments a;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const std::size_t equals = arg.find('=');
    const std::string name = arg.rfind("--", 0) == 0 ? arg.substr(0, equals) : arg;
    if (bool* flag = flag_slot(a, name); flag && equals == std::string::npos) {
      *flag = true;
    } else if (std::string* slot = value_slot(a, name)) {
      if (equals != std::string::npos) {
        *slot = arg.substr(equals + 1);
      } else if (i + 1 < args.size()) {
        *slot = args[++i];
      }
      if (slot->empty()) usage_error(usage_name, "option '" + name + "' needs a value");
    } else if (!arg.empty() && arg[0] != '-' && a.licenses.size() < max_license_files) {
      a.licenses.push_back(arg);
    } else {
      usage_error(usage_name, "unexpected argument '" + arg + "'");
    }
  }
  if (!a.help && (a.licenses.empty() || a.pubkey.empty())) usage_error(usage_name, "give a LICENSE file and --pubkey");
  return a;
}

void print_help(const std::string& usage_name) {
  std::cout << "usage: " << usage_name << " (LICENSE... | FOLDER) --pubkey PUB [options]\n\n"
            << "Checks a license as the customer's product would: signature, key id, product,\n"
               "clock, revocation, dates, maintenance and the binding to this machine. Given several\n"
               "files (or a folder of *.toml files) it uses the newest valid license that no other\n"
               "supersedes, and says which. The verdict goes to stdout; a rejection also prints one\n"
               "line on stderr and exits with the reason's code.\n\n"
               "options:\n";
  for (const option_spec& o : verify_option_specs) {
    std::string left = std::string(o.name) + (o.value ? std::string(" ") + o.value : "");
    std::cout << "  " << left << std::string(left.size() < 32 ? 32 - left.size() : 1, ' ') << o.help << "\n";
  }
  std::cout << "\nexit status: 0 valid, 2 usage, 3 unreadable file, 5 bad public key,\n"
               "10 malformed, 11 unsupported version, 12 unknown key, 13 bad signature,\n"
               "14 key id mismatch, 15 wrong product, 16 not yet valid, 17 expired,\n"
               "18 build newer than updates_until, 19 machine mismatch, 20 unbindable\n"
               "environment, 21 clock rolled back, 22 revoked, 23 revocation list invalid,\n"
               "24 revocation list stale\n";
}

bool is_folder(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// The product named by the first file (of the files given, or of the folder) that reads as a
// license; none: empty, and every check then fails with the file's own reason or wrong_product.
std::string first_product(const std::vector<std::string>& given) {
  std::string problem;
  const std::vector<std::string> paths =
      given.size() == 1 && is_folder(given.front()) ? license_files_in(given.front(), problem) : given;
  for (const std::string& path : paths) {
    const verify_result read = inspect_license_file(path, nullptr);
    if (read.license_read) return read.license.product;
  }
  return {};
}

verify_options options_from(const verify_arguments& a) {
  verify_options options;
  options.product = a.product;
  if (options.product.empty()) {
    // The license's own product; a file that cannot be read fails the check below the same way.
    options.product = first_product(a.licenses);
  }
  options.revocation_list_file = a.revocations;
  options.clock_state_folder = a.clock_state_dir;
  if (!a.build_date.empty() && !(options.build_date = format::parse_date(a.build_date))) {
    throw failure(exit_usage, "--build-date must be YYYY-MM-DD");
  }
  if (!a.now.empty()) {
    const auto now = format::parse_utc_time(a.now);
    if (!now) throw failure(exit_usage, "--now must be a UTC time like 2026-01-31T12:00:00Z");
    options.now = now->seconds;
  }
  if (a.grace_days.empty() || a.grace_days.size() > 5 ||
      a.grace_days.find_first_not_of("0123456789") != std::string::npos) {
    throw failure(exit_usage, "--grace-days must be a whole number of days (0 to 99999)");
  }
  options.grace_days = std::stoi(a.grace_days);
  options.check_machine = !a.no_machine;
  return options;
}

// One file as before; several files or a folder through the chooser (FORMAT.md 12).
license_choice check(const verify_arguments& a, const trust_store& trusted, const verify_options& options) {
  if (a.licenses.size() == 1 && !is_folder(a.licenses.front())) {
    license_choice one;
    one.path = a.licenses.front();
    one.result = verify_license_file(one.path, trusted, options);
    return one;
  }
  if (a.licenses.size() == 1) return verify_license_folder(a.licenses.front(), trusted, options);
  return verify_license_files(a.licenses, trusted, options);
}

// The JSON members that say which of several files was used, and each file's verdict.
std::string choice_json(const license_choice& choice) {
  if (choice.files.empty()) return {};
  std::string out = ", \"used\": " + json_string(choice.path) + ", \"files\": [";
  for (std::size_t i = 0; i < choice.files.size(); ++i) {
    const license_file_verdict& f = choice.files[i];
    out += std::string(i ? ", " : "") + "{\"path\": " + json_string(f.path) +
           ", \"reason\": " + json_string(to_string(f.result.why)) +
           ", \"superseded\": " + (f.superseded ? "true" : "false") + "}";
  }
  return out + "]";
}

void print_choice(std::ostream& out, const license_choice& choice) {
  if (choice.files.empty()) return;
  for (const license_file_verdict& f : choice.files) {
    out << "file:      " << f.path << ": " << (f.superseded ? "superseded" : std::string(to_string(f.result.why)))
        << "\n";
  }
  out << "used:      " << choice.path << "\n";
}

}  // namespace

int run_verify_command(const char* tool, const std::string& usage_name, const std::vector<std::string>& args) {
  const verify_arguments a = parse(usage_name, args);
  if (a.help) {
    print_help(usage_name);
    return exit_ok;
  }
  const verify_options options = options_from(a);  // usage errors before any file is read
  const trust_store trusted = read_trusted_key(a.pubkey);
  const license_choice choice = check(a, trusted, options);
  const verify_result& result = choice.result;
  const std::string shown = choice.path.empty() ? a.licenses.front() : choice.path;
  if (a.json) {
    print_json(std::cout, result, choice_json(choice));
  } else {
    print_choice(std::cout, choice);
    print_report(std::cout, result);
    print_rehost_hint(std::cout, shown, result);
  }
  if (!result.ok()) print_rejection(tool, shown, result);
  return exit_code_for(result.why);
}

}  // namespace airlock::cli
