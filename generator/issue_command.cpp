// SPDX-License-Identifier: MIT
// `airlock issue`: one license from the command line.
#include <iostream>
#include <optional>

#include "cli/file_io.hpp"
#include "generator/batch_issue.hpp"
#include "generator/command_line.hpp"
#include "generator/license_builder.hpp"
#include "generator/passphrase.hpp"
#include "generator/recorded_write.hpp"
#include "ledger/ledger.hpp"

namespace airlock::generator {
namespace {

template <typename T>
T value_or(const po::variables_map& vm, const char* name, T fallback) {
  return vm.count(name) ? vm[name].as<T>() : fallback;
}

license_order order_from(const po::variables_map& vm) {
  using strings = std::vector<std::string>;
  license_order order;
  order.product = value_or<std::string>(vm, "product", "");
  order.licensee = value_or<std::string>(vm, "licensee", "");
  order.id = value_or<std::string>(vm, "id", "");
  if (vm.count("id") && order.id.empty())
    throw cli::failure(cli::exit_bad_input, "--id is empty (leave it out for a random id)");
  order.not_before = value_or<std::string>(vm, "not-before", "");
  order.expires = value_or<std::string>(vm, "expires", "");
  order.updates_until = value_or<std::string>(vm, "updates-until", "");
  order.features = value_or<strings>(vm, "feature", {});
  order.limits = value_or<strings>(vm, "limit", {});
  order.meta = value_or<strings>(vm, "meta", {});
  order.request_path = value_or<std::string>(vm, "request", "");
  order.unbound = vm.count("unbound") > 0;
  order.allow_container = vm.count("allow-container") > 0;
  order.policy = value_or<std::string>(vm, "policy", "");
  return order;
}

format::utc_time issued_time(const po::variables_map& vm) {
  if (!vm.count("issued")) return current_time();
  const std::string text = vm["issued"].as<std::string>();
  const auto t = format::parse_utc_time(text);
  if (!t) throw cli::failure(cli::exit_usage, "--issued '" + text + "' is not a UTC time like 2026-01-31T12:00:00Z");
  return *t;
}

void require(const po::variables_map& vm, std::initializer_list<const char*> names, const char* mode) {
  for (const char* name : names)
    if (!vm.count(name)) throw cli::failure(cli::exit_usage, std::string("--") + name + " is required " + mode);
}

std::string value_of(const po::variables_map& vm, const char* name) { return value_or<std::string>(vm, name, ""); }

unsigned jobs_from(const po::variables_map& vm) {
  const long long jobs = vm["jobs"].as<long long>();
  if (jobs < 0 || jobs > 1024)
    throw cli::failure(cli::exit_usage, "--jobs " + std::to_string(jobs) + " is not 1 to 1024 (or 0 for all cores)");
  return static_cast<unsigned>(jobs);
}

int issue_one(const po::variables_map& vm) {
  require(vm, {"product", "licensee", "out"}, "to issue a license");
  if (vm.count("request") == vm.count("unbound"))
    throw cli::failure(cli::exit_usage, "give exactly one of --request FILE or --unbound");
  const std::string out = vm["out"].as<std::string>();
  const auto policy = vm.count("force") ? cli::existing_file::replace : cli::existing_file::keep;
  const std::vector<std::string> inputs = {value_of(vm, "key"), value_of(vm, "request"),
                                           value_of(vm, "passphrase-file")};
  cli::check_output(out, policy, inputs);  // before the passphrase prompt
  const auto passphrase = passphrase_from(vm["passphrase-file"].as<std::string>(), prompt_mode::once);
  const auto key = with_key_errors([&] { return keys::signing_key::load(vm["key"].as<std::string>(), passphrase); });
  const format::license lic = build_license(order_from(vm), keys::key_id(key.public_key()), issued_time(vm));
  const std::string text = sign_license(lic, key);
  // Signing is deterministic, so the row can name the exact bytes before they are written.
  const auto ledger_file = ledger::ledger_path(vm, vm["key"].as<std::string>());
  std::optional<ledger::ledger> book;
  if (ledger_file) book.emplace(ledger::ledger::open(*ledger_file));
  write_recorded(book ? &*book : nullptr, lic, text, out, policy, inputs, {"issue", "", "", "", ""});
  std::cout << lic.id << "\n";
  return cli::exit_ok;
}

}  // namespace

int run_issue(const std::vector<std::string>& args) {
  command_spec spec{
      "airlock issue --key KEY --product P --licensee NAME (--request FILE | --unbound) --out FILE [options]\n"
      "       airlock issue --batch ORDERS.csv --key KEY --out-dir DIR [--product P] [--jobs N]",
      "Issues a signed license file and prints its id. Dates are UTC calendar days\n"
      "(YYYY-MM-DD); not-before defaults to the issue date, no --expires means perpetual,\n"
      "--updates-until limits which builds are covered (older builds keep working).\n"
      "--request binds the license to the machine of an activation request written by\n"
      "airlock-hwid; its product and key id must match. The file is written atomically\n"
      "and never replaces an existing one without --force. --id and --issued make the\n"
      "output reproducible. Batch mode reads one license per CSV row (see README).",
      po::options_description("options"),
      {}};
  spec.options.add_options()("key", po::value<std::string>()->required(), "the vendor's private key")(
      "passphrase-file", po::value<std::string>()->default_value(""), "read the key's passphrase from FILE")(
      "product", po::value<std::string>(), "product name")("licensee", po::value<std::string>(),
                                                           "who the license is for")(
      "not-before", po::value<std::string>(), "first valid day (default: today)")("expires", po::value<std::string>(),
                                                                                  "last valid day (default: never)")(
      "updates-until", po::value<std::string>(), "builds released after this day are not covered")(
      "feature", po::value<std::vector<std::string>>(), "a licensed feature (repeatable)")(
      "limit", po::value<std::vector<std::string>>(), "NAME=N, e.g. seats=5 (repeatable)")(
      "meta", po::value<std::vector<std::string>>(), "NAME=TEXT, your own signed field (repeatable)")(
      "request", po::value<std::string>(), "bind to the machine of this activation request")(
      "unbound", "bind to no machine")("allow-container",
                                       "allow binding inside a container to the host's disks and NICs")(
      "policy", po::value<std::string>(), "matching rule: airlock-match-v2 (default) or airlock-match-v1")(
      "id", po::value<std::string>(), "license id (default: 128 random bits as hex)")(
      "issued", po::value<std::string>(), "issue time, e.g. 2026-01-31T12:00:00Z (default: now)")(
      "out", po::value<std::string>(), "license file to write")("force", "replace an existing output file")(
      "batch", po::value<std::string>(), "CSV file of orders, one license per row")(
      "out-dir", po::value<std::string>(), "batch: folder for the license files")(
      "jobs", po::value<long long>()->default_value(0), "batch: signing threads, 1 to 1024 (default: all cores)");
  ledger::add_ledger_options(spec.options, true);
  po::variables_map vm;
  if (!parse_command_line(spec, args, vm)) return cli::exit_ok;
  if (!vm.count("batch")) return issue_one(vm);
  require(vm, {"out-dir"}, "with --batch");
  batch_settings settings;
  settings.orders_path = vm["batch"].as<std::string>();
  settings.out_dir = vm["out-dir"].as<std::string>();
  settings.default_product = value_or<std::string>(vm, "product", "");
  settings.jobs = jobs_from(vm);
  settings.issued = issued_time(vm);
  settings.ledger_file = ledger::ledger_path(vm, vm["key"].as<std::string>());
  const auto passphrase = passphrase_from(vm["passphrase-file"].as<std::string>(), prompt_mode::once);
  const auto key = with_key_errors([&] { return keys::signing_key::load(vm["key"].as<std::string>(), passphrase); });
  return issue_batch(settings, key);
}

}  // namespace airlock::generator
