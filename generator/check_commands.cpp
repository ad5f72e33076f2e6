// SPDX-License-Identifier: MIT
// `airlock inspect` and `airlock verify`: reading and checking license files
// with the same header-only code that customers' products run.
#include <iostream>

#include "airlock/format/envelope.hpp"
#include "airlock/trust_store.hpp"
#include "airlock/verify.hpp"
#include "cli/file_io.hpp"
#include "generator/command_line.hpp"
#include "verifier/tools/report.hpp"

namespace airlock::generator {
namespace {

trust_store trust_from(const std::string& pubkey_path) {
  trust_store trusted;
  if (!trusted.add_pem(cli::read_file(pubkey_path, 64 * 1024)))
    throw cli::failure(cli::exit_bad_key,
                       cli::about_file(pubkey_path, "not an Ed25519 public key (SubjectPublicKeyInfo PEM)"));
  return trusted;
}

std::string machine_summary(const format::machine_binding& m) {
  if (m.unbound) return "not bound to a machine";
  std::string out = "bound (" + m.policy + (m.allow_container ? ", containers allowed" : "") + "):";
  const auto lists = format::component_lists(m);
  for (std::size_t i = 0; i < lists.size(); ++i)
    if (!lists[i]->empty())
      out += " " + std::string(format::component_classes[i]) + "x" + std::to_string(lists[i]->size());
  return out;
}

std::string signature_status(const format::license_file& file, const trust_store& trusted, cli::exit_code& code) {
  const ed25519::public_key* key = trusted.find(file.signature.key_id);
  if (!key) {
    code = cli::exit_unknown_key;
    return "unknown key " + file.signature.key_id;
  }
  const auto* msg = reinterpret_cast<const std::uint8_t*>(file.message.data());
  if (key->verify(msg, file.message.size(), file.signature.value.data(), file.signature.value.size()))
    return "valid (key " + file.signature.key_id + ")";
  code = cli::exit_bad_signature;
  return "INVALID: the license was changed after signing";
}

}  // namespace

int run_inspect(const std::vector<std::string>& args) {
  command_spec spec{"airlock inspect FILE [--json] [--pubkey PUB]",
                    "Prints every field of a license file. With --pubkey, also whether its\n"
                    "signature is valid (exit code 13 when it is not).",
                    po::options_description("options"),
                    {}};
  spec.options.add_options()("file", po::value<std::string>()->required(), "license file")("json", "print JSON")(
      "pubkey", po::value<std::string>(), "vendor public key, to check the signature");
  spec.positional.add("file", 1);
  po::variables_map vm;
  if (!parse_command_line(spec, args, vm)) return cli::exit_ok;
  const std::string path = vm["file"].as<std::string>();
  const auto parsed = format::parse_license_file(cli::read_file(path, format::max_input_size + 1));
  if (!parsed.ok()) {
    const bool version = parsed.error.kind == format::error_kind::unsupported_version;
    throw cli::failure(version ? cli::exit_unsupported_version : cli::exit_malformed,
                       cli::about_file(path, "line " + std::to_string(parsed.error.line) + ", column " +
                                                 std::to_string(parsed.error.column) + ": " + parsed.error.message));
  }
  cli::exit_code code = cli::exit_ok;
  std::string signature = "not checked (give --pubkey)";
  if (vm.count("pubkey")) signature = signature_status(*parsed.value, trust_from(vm["pubkey"].as<std::string>()), code);
  const format::license& lic = parsed.value->content;
  if (vm.count("json")) {
    std::cout << "{\"signature\": " << tools::json_string(signature) << ", \"license\": " << tools::license_json(lic)
              << "}\n";
  } else {
    tools::print_license_fields(std::cout, lic);
    std::cout << "key id:    " << lic.key_id << "\n"
              << "machine:   " << machine_summary(lic.machine) << "\n";
    const auto lists = format::component_lists(lic.machine);
    for (std::size_t i = 0; i < lists.size(); ++i)
      for (const auto& hash : *lists[i]) std::cout << "  " << format::component_classes[i] << ": " << hash << "\n";
    std::cout << "signature: " << signature << "\n";
  }
  if (code != cli::exit_ok) cli::print_error("airlock", cli::about_file(path, "signature " + signature));
  return code;
}

int run_verify(const std::vector<std::string>& args) {
  command_spec spec{"airlock verify FILE --pubkey PUB [--product P] [--build-date D] [--no-machine] [--json]",
                    "Checks a license as the customer's product would: signature, key id, product,\n"
                    "clock, dates, maintenance and, unless --no-machine, the binding to this machine.\n"
                    "Prints the verdict on stdout; a rejection also prints one line on stderr and\n"
                    "exits with the reason's code (see README). --product defaults to the license's own.",
                    po::options_description("options"),
                    {}};
  spec.options.add_options()("file", po::value<std::string>()->required(), "license file")(
      "pubkey", po::value<std::string>()->required(), "vendor public key (PEM)")("product", po::value<std::string>(),
                                                                                 "the product that checks the license")(
      "build-date", po::value<std::string>(), "the product build's release date, for updates_until")(
      "now", po::value<std::string>(), "check as of this UTC time instead of the clock")(
      "grace-days", po::value<int>()->default_value(0), "accept this many days after expiry, with a warning")(
      "no-machine", "check signature and dates only, not the machine")("json", "print JSON");
  spec.positional.add("file", 1);
  po::variables_map vm;
  if (!parse_command_line(spec, args, vm)) return cli::exit_ok;
  const std::string path = vm["file"].as<std::string>();
  const trust_store trusted = trust_from(vm["pubkey"].as<std::string>());
  verify_options options;
  if (vm.count("product")) {
    options.product = vm["product"].as<std::string>();
  } else if (auto parsed = format::parse_license_file(cli::read_file(path, format::max_input_size + 1)); parsed.ok()) {
    options.product = parsed.value->content.product;
  }
  if (vm.count("build-date")) {
    options.build_date = format::parse_date(vm["build-date"].as<std::string>());
    if (!options.build_date) throw cli::failure(cli::exit_usage, "--build-date must be YYYY-MM-DD");
  }
  if (vm.count("now")) {
    const auto now = format::parse_utc_time(vm["now"].as<std::string>());
    if (!now) throw cli::failure(cli::exit_usage, "--now must be a UTC time like 2026-01-31T12:00:00Z");
    options.now = now->seconds;
  }
  options.grace_days = vm["grace-days"].as<int>();
  if (options.grace_days < 0) throw cli::failure(cli::exit_usage, "--grace-days must be 0 or more");
  options.check_machine = vm.count("no-machine") == 0;
  const verify_result result = verify_license_file(path, trusted, options);
  if (vm.count("json"))
    tools::print_json(std::cout, result);
  else
    tools::print_report(std::cout, result);
  if (!result.ok()) tools::print_rejection("airlock", path, result);
  return tools::exit_code_for(result.why);
}

}  // namespace airlock::generator
