// SPDX-License-Identifier: MIT
// What every subcommand of `airlock` shares: option parsing with --help,
// usage errors as exit code 2, and key errors mapped to exit codes.
#ifndef AIRLOCK_GENERATOR_COMMAND_LINE_HPP
#define AIRLOCK_GENERATOR_COMMAND_LINE_HPP

#include <boost/program_options.hpp>

#include <string>
#include <vector>

#include "cli/diagnostics.hpp"
#include "keys/vendor_key.hpp"

namespace airlock::generator {

namespace po = boost::program_options;

struct command_spec {
  const char* usage;        // "airlock keygen (--out-dir DIR | --private FILE --public FILE) [options]"
  const char* description;  // one paragraph printed under the usage line
  po::options_description options;
  po::positional_options_description positional;
  po::options_description hidden{};  // parsed but not listed by --help: where positional words land
};

// Parses args (without the command name). Returns false when --help was
// asked for and printed; throws cli::failure(exit_usage) on bad options.
bool parse_command_line(command_spec& spec, const std::vector<std::string>& args, po::variables_map& vm);

cli::exit_code exit_code_for(keys::key_problem problem);

// Runs a body that loads or writes keys, turning keys::key_error into
// cli::failure with the matching exit code.
template <typename Body>
auto with_key_errors(Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const keys::key_error& e) {
    throw cli::failure(exit_code_for(e.problem()), e.what());
  }
}

int run_keygen(const std::vector<std::string>& args);
int run_pubkey(const std::vector<std::string>& args);
int run_issue(const std::vector<std::string>& args);
int run_inspect(const std::vector<std::string>& args);
int run_verify(const std::vector<std::string>& args);
int run_privacy_notice(const std::vector<std::string>& args);
int run_ledger(const std::vector<std::string>& args);  // ledger_commands.cpp
int run_revoke(const std::vector<std::string>& args);
int run_renew(const std::vector<std::string>& args);  // lifecycle_commands.cpp
int run_rehost(const std::vector<std::string>& args);
int run_revocations(const std::vector<std::string>& args);
int run_console(const std::vector<std::string>& args);  // console_command.cpp: runs airlock-console

}  // namespace airlock::generator

#endif
