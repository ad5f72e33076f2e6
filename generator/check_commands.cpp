// SPDX-License-Identifier: MIT
// `airlock inspect` and `airlock verify`: reading and checking license files with the same
// header-only steps that customers' products run (airlock/inspect.hpp, airlock/verify.hpp).
#include <iostream>
#include <optional>

#include "airlock/format/machine.hpp"
#include "airlock/inspect.hpp"
#include "cli/json.hpp"
#include "cli/public_key.hpp"
#include "cli/verify_command.hpp"
#include "cli/verify_report.hpp"
#include "generator/command_line.hpp"

namespace airlock::generator {
namespace {

std::string machine_summary(const format::machine_binding& m) {
  if (m.unbound) return "not bound to a machine";
  std::string out = "bound (" + m.policy + (m.allow_container ? ", containers allowed" : "") + "):";
  for (const format::component_class c : format::all_component_classes) {
    if (!m.hashes[c].empty()) out += " " + std::string(to_string(c)) + "x" + std::to_string(m.hashes[c].size());
  }
  return out;
}

std::string signature_line(const verify_result& r) {
  if (!r.signature_valid) return "not checked (give --pubkey)";
  return "valid (key " + r.license.key_id + ")";
}

void print_inspection(const verify_result& r) {
  const format::license& lic = r.license;
  cli::print_license_fields(std::cout, lic);
  std::cout << "key id:    " << lic.key_id << "\n"
            << "machine:   " << machine_summary(lic.machine) << "\n";
  for (const format::component_class c : format::all_component_classes) {
    for (const auto& hash : lic.machine.hashes[c]) std::cout << "  " << to_string(c) << ": " << hash << "\n";
  }
  std::cout << "signature: " << signature_line(r) << "\n";
}

}  // namespace

int run_inspect(const std::vector<std::string>& args) {
  command_spec spec{"airlock inspect FILE [--json] [--pubkey PUB]",
                    "Prints every field of a license file. With --pubkey, also checks its signature\n"
                    "as a product would. A file that cannot be read as a license prints nothing on\n"
                    "stdout, one line on stderr, and exits with the reason's code (see README).",
                    po::options_description("options"),
                    {}};
  spec.options.add_options()("file", po::value<std::string>()->required(), "license file")("json", "print JSON")(
      "pubkey", po::value<std::string>(), "vendor public key, to check the signature");
  spec.positional.add("file", 1);
  po::variables_map vm;
  if (!parse_command_line(spec, args, vm)) return cli::exit_ok;
  const std::string path = vm["file"].as<std::string>();
  std::optional<trust_store> trusted;
  if (vm.count("pubkey")) trusted = cli::read_trusted_key(vm["pubkey"].as<std::string>());
  const verify_result result = inspect_license_file(path, trusted ? &*trusted : nullptr);
  if (!result.ok()) {
    cli::print_rejection("airlock", path, result);
    return cli::exit_code_for(result.why);
  }
  if (vm.count("json")) {
    std::cout << "{\"signature\": " << cli::json_string(signature_line(result))
              << ", \"license\": " << cli::license_json(result.license) << "}\n";
  } else {
    print_inspection(result);
  }
  return cli::exit_ok;
}

int run_verify(const std::vector<std::string>& args) {
  return cli::run_verify_command("airlock", "airlock verify", args);
}

}  // namespace airlock::generator
