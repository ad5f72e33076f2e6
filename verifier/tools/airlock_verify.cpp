// SPDX-License-Identifier: MIT
// `airlock-verify`, the customer's and the support desk's tool: checks a license on this machine.
// The same command as `airlock verify` (cli/verify_command.cpp), statically linked, with no
// Botan and no Boost, so it travels over the air gap as one file.
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "airlock/format/version.hpp"
#include "cli/diagnostics.hpp"
#include "cli/verify_command.hpp"

int main(int argc, char** argv) {
  return airlock::cli::run_tool("airlock-verify", [&]() -> int {
    if (argc == 2 && !std::strcmp(argv[1], "--version")) {
      std::cout << "airlock-verify " << airlock::version_string << "\n";
      return airlock::cli::exit_ok;
    }
    return airlock::cli::run_verify_command("airlock-verify", "airlock-verify",
                                            std::vector<std::string>(argv + 1, argv + argc));
  });
}
