// SPDX-License-Identifier: MIT
#include "generator/command_line.hpp"

#include <iostream>

namespace airlock::generator {

namespace {

// "airlock issue --key ..." -> "airlock issue": where to point a usage error.
std::string command_name(const char* usage) {
  const std::string text = usage;
  const auto first = text.find(' ');
  return text.substr(0, first == std::string::npos ? first : text.find(' ', first + 1));
}

// The options of every command whose value names a file.
constexpr const char* file_options[] = {"key",    "out",           "out-dir",  "request", "passphrase-file",
                                        "batch",  "private",       "public",   "pubkey",  "file",
                                        "ledger", "password-file", "tls-cert", "tls-key"};

// `--out --force` gives --out the value "--force": a forgotten value, not a
// file to create. A file whose name starts with '-' can be given as ./-name.
void refuse_option_like_file_names(const po::variables_map& vm) {
  for (const char* name : file_options) {
    if (!vm.count(name)) continue;
    const auto* text = boost::any_cast<std::string>(&vm[name].value());
    if (text && text->size() > 1 && (*text)[0] == '-')
      throw po::error("the file name '" + *text + "' given to --" + name +
                      " looks like an option; is the value missing? (write ./" + *text + " for such a file)");
  }
}

}  // namespace

bool parse_command_line(command_spec& spec, const std::vector<std::string>& args, po::variables_map& vm) {
  spec.options.add_options()("help,h", "show this help");
  po::options_description parsed;
  parsed.add(spec.options).add(spec.hidden);
  try {
    po::store(po::command_line_parser(args).options(parsed).positional(spec.positional).run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: " << spec.usage << "\n\n" << spec.description << "\n\n" << spec.options << "\n";
      return false;
    }
    refuse_option_like_file_names(vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw cli::failure(cli::exit_usage, std::string(e.what()) + " (see: " + command_name(spec.usage) + " --help)");
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
