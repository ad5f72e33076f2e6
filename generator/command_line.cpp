// SPDX-License-Identifier: MIT
#include "generator/command_line.hpp"

#include <iostream>

namespace airlock::generator {

bool parse_command_line(command_spec& spec, const std::vector<std::string>& args, po::variables_map& vm) {
  spec.options.add_options()("help,h", "show this help");
  try {
    po::store(po::command_line_parser(args).options(spec.options).positional(spec.positional).run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: " << spec.usage << "\n\n" << spec.description << "\n\n" << spec.options << "\n";
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw cli::failure(cli::exit_usage, std::string(e.what()) + " (see: " + spec.usage + ")");
  }
  return true;
}

cli::exit_code exit_code_for(keys::key_problem problem) {
  switch (problem) {
    case keys::key_problem::unreadable: return cli::exit_read_failed;
    case keys::key_problem::malformed:
    case keys::key_problem::wrong_algorithm:
    case keys::key_problem::not_private: return cli::exit_bad_key;
    case keys::key_problem::no_passphrase:
    case keys::key_problem::bad_passphrase: return cli::exit_bad_passphrase;
  }
  return cli::exit_internal;
}

}  // namespace airlock::generator
