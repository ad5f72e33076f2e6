// SPDX-License-Identifier: MIT
// `airlock`, the vendor's tool: dispatches to one subcommand.
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "airlock/format/version.hpp"
#include "generator/command_line.hpp"

namespace {

using namespace airlock::generator;

struct command {
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>&);
};

const command commands[] = {
    {"keygen", "create a vendor key pair", run_keygen},
    {"pubkey", "print the public key (pem, raw hex, C++ snippet, key id)", run_pubkey},
    {"issue", "issue a signed license (one, or a batch from CSV)", run_issue},
    {"inspect", "print the fields of a license file", run_inspect},
    {"verify", "check a license as the customer's product would", run_verify},
    {"renew", "issue the successor of a license (new dates, features, limits)", run_renew},
    {"rehost", "move a license to a new machine from a re-host request", run_rehost},
    {"ledger", "the record of issued licenses: list, search, verify, export, forget", run_ledger},
    {"revoke", "record licenses as revoked in the ledger", run_revoke},
    {"revocations", "sign the revocation list of a product", run_revocations},
    {"privacy-notice", "print the data inventory for a product's privacy policy", run_privacy_notice},
    {"console", "serve the vendor console (web pages over the ledger); add-operator", run_console},
};

const char exit_status_text[] =
    "exit status:\n"
    "   0  success\n"
    "   1  internal error\n"
    "   2  usage error\n"
    "   3  an input file is missing or unreadable\n"
    "   4  an output file cannot be written or already exists\n"
    "   5  bad key: corrupt, not Ed25519, or a public key where a private one is needed\n"
    "   6  wrong or missing passphrase\n"
    "   7  invalid input data\n"
    "   8  batch: some rows failed\n"
    "   9  ledger verify: the ledger was edited, a row deleted or reordered\n"
    "  10-24  license verdicts (see README)\n";

void print_help() {
  std::cout << "usage: airlock <command> [options]   (airlock <command> --help for details)\n\n"
               "Airlock vendor tool: keys and license files.\n\ncommands:\n";
  for (const auto& c : commands)
    std::cout << "  " << c.name << std::string(16 - std::strlen(c.name), ' ') << c.summary << "\n";
  std::cout << "\n" << exit_status_text;
}

}  // namespace

int main(int argc, char** argv) {
  return airlock::cli::run_tool("airlock", [&]() -> int {
    if (argc < 2) {
      print_help();
      return airlock::cli::exit_usage;
    }
    const std::string name = argv[1];
    if (name == "--help" || name == "-h" || name == "help") {
      print_help();
      return airlock::cli::exit_ok;
    }
    if (name == "--version") {
      std::cout << "airlock " << airlock::version_string << "\n";
      return airlock::cli::exit_ok;
    }
    airlock::keys::forbid_core_dumps();  // most commands load or create a private key
    airlock::keys::size_locked_memory_pool();
    const std::vector<std::string> args(argv + 2, argv + argc);
    for (const auto& c : commands)
      if (name == c.name) return c.run(args);
    throw airlock::cli::failure(airlock::cli::exit_usage, "unknown command '" + name + "' (see: airlock --help)");
  });
}
