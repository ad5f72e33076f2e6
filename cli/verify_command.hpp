// SPDX-License-Identifier: MIT
// The verify command: one option set, one parser and one run for `airlock verify` and
// `airlock-verify`, so that the vendor's tool and the customer's give the same verdict, output and
// exit code for the same file and options.
#ifndef AIRLOCK_CLI_VERIFY_COMMAND_HPP
#define AIRLOCK_CLI_VERIFY_COMMAND_HPP

#include <string>
#include <vector>

namespace airlock::cli {

// `args` are the words after the command name. Returns the exit code; throws cli::failure for
// usage errors and unreadable or bad key files (run it inside run_tool).
[[nodiscard]] int run_verify_command(const char* tool, const std::string& usage_name,
                                     const std::vector<std::string>& args);

}  // namespace airlock::cli

#endif
