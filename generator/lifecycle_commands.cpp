// SPDX-License-Identifier: MIT
// `airlock renew`, `airlock rehost` and `airlock revocations`: the command lines of the rules in
// lifecycle.hpp, each step recorded in the vendor's ledger.
#include <iostream>

#include "airlock/format/envelope.hpp"
#include "cli/file_io.hpp"
#include "generator/command_line.hpp"
#include "generator/license_builder.hpp"
#include "generator/lifecycle.hpp"
#include "generator/passphrase.hpp"
#include "generator/recorded_write.hpp"
#include "ledger/ledger.hpp"

namespace airlock::generator {
namespace {

[[noreturn]] void bad_input(const std::string& message) { throw cli::failure(cli::exit_bad_input, message); }

std::string value_of(const po::variables_map& vm, const char* name) {
  return vm.count(name) ? vm[name].as<std::string>() : std::string();
}

std::vector<std::string> values_of(const po::variables_map& vm, const char* name) {
  return vm.count(name) ? vm[name].as<std::vector<std::string>>() : std::vector<std::string>();
}

// LICENSE|ID: a file if one is there, otherwise an id looked up in the ledger.
format::license predecessor(const std::string& what, const ledger::ledger* book, const keys::signing_key& key) {
  if (cli::path_exists(what)) return read_own_license(what, cli::read_file(what, format::max_input_size), key);
  if (!book) bad_input("'" + what + "' is not a file, and without a ledger an id cannot be looked up");
  return read_own_license("ledger entry " + what, recorded(*book, what).license_text, key);
}

std::optional<format::date> date_option(const po::variables_map& vm, const char* name) {
  const std::string text = value_of(vm, name);
  if (text.empty()) return std::nullopt;
  const auto d = format::parse_date(text);
  if (!d) bad_input("--" + std::string(name) + " '" + text + "' is not a date (YYYY-MM-DD)");
  return d;
}

std::optional<std::int64_t> min_revocations(const po::variables_map& vm) {
  if (!vm.count("min-revocations")) return std::nullopt;
  const long long n = vm["min-revocations"].as<long long>();
  if (n < 1) throw cli::failure(cli::exit_usage, "--min-revocations must be 1 or more");
  return n;
}

format::utc_time issued_option(const po::variables_map& vm) {
  const std::string text = value_of(vm, "issued");
  if (text.empty()) return current_time();
  const auto t = format::parse_utc_time(text);
  if (!t) throw cli::failure(cli::exit_usage, "--issued '" + text + "' is not a UTC time like 2026-01-31T12:00:00Z");
  return *t;
}

keys::signing_key load_key(const po::variables_map& vm) {
  const auto passphrase = passphrase_from(vm["passphrase-file"].as<std::string>(), prompt_mode::once);
  return with_key_errors([&] { return keys::signing_key::load(vm["key"].as<std::string>(), passphrase); });
}

std::optional<ledger::ledger> open_ledger(const po::variables_map& vm) {
  const auto path = ledger::ledger_path(vm, value_of(vm, "key"));
  if (!path) return std::nullopt;
  return ledger::ledger::open(*path);
}

void add_signing_options(command_spec& spec, bool license_output, bool allow_opt_out) {
  spec.options.add_options()("key", po::value<std::string>()->required(), "the vendor's private key")(
      "passphrase-file", po::value<std::string>()->default_value(""), "read the key's passphrase from FILE")(
      "out", po::value<std::string>()->required(), "file to write (never replaced)")(
      "issued", po::value<std::string>(), "signing time, e.g. 2026-01-31T12:00:00Z (default: now)");
  if (license_output) {
    spec.options.add_options()("min-revocations", po::value<long long>(),
                               "the product must hold revocation list N or newer");
  }
  ledger::add_ledger_options(spec.options, allow_opt_out);
}

}  // namespace

int run_renew(const std::vector<std::string>& args) {
  command_spec spec{
      "airlock renew (LICENSE | ID) --key KEY --out FILE [--expires D] [--updates-until D]\n"
      "       [--feature +NAME|-NAME]... [--limit NAME=N]... [--min-revocations N]",
      "Issues the successor of a license: the same licensee, product and machine, a new\n"
      "id, and `supersedes` naming the old one, so a product given both uses the new one.\n"
      "Dates, features and limits change only where an option says so. Recorded in the\n"
      "ledger; the license is read from the file, or from the ledger by its id.",
      po::options_description("options"),
      {}};
  add_signing_options(spec, true, true);
  spec.options.add_options()("license", po::value<std::string>()->required(), "the license file or id to renew")(
      "expires", po::value<std::string>(), "new last valid day")("updates-until", po::value<std::string>(),
                                                                 "new end of the maintenance period")(
      "feature", po::value<std::vector<std::string>>(), "+NAME adds, -NAME removes a feature (repeatable)")(
      "limit", po::value<std::vector<std::string>>(), "NAME=N sets a limit (repeatable)");
  spec.positional.add("license", 1);
  po::variables_map vm;
  if (!parse_command_line(spec, args, vm)) return cli::exit_ok;
  const std::string out = vm["out"].as<std::string>();
  const std::vector<std::string> inputs = {value_of(vm, "key"), value_of(vm, "license"),
                                           value_of(vm, "passphrase-file")};
  cli::check_output(out, cli::existing_file::keep, inputs);
  const auto key = load_key(vm);
  auto book = open_ledger(vm);
  const ledger::ledger* known = book ? &*book : nullptr;
  const format::license old = predecessor(vm["license"].as<std::string>(), known, key);
  renewal_changes changes;
  changes.expires = date_option(vm, "expires");
  changes.updates_until = date_option(vm, "updates-until");
  changes.feature_changes = values_of(vm, "feature");
  changes.limits = values_of(vm, "limit");
  changes.min_revocations = min_revocations(vm);
  const format::license next = renewal_of(old, known, changes, issued_option(vm));
  write_recorded(book ? &*book : nullptr, next, sign_license(next, key), out, cli::existing_file::keep, inputs,
                 {"renew", old.id, "", "", ""});
  std::cout << next.id << "\n";
  return cli::exit_ok;
}

int run_rehost(const std::vector<std::string>& args) {
  command_spec spec{
      "airlock rehost REQUEST --key KEY --out FILE [--budget N] [--force --reason TEXT]\n"
      "       [--min-revocations N]",
      "Moves a license to a new machine. REQUEST is what `airlock-hwid request --rehost\n"
      "LICENSE` wrote there; it names the license it replaces. Prints what changed per\n"
      "class against the ledger's record, enforces the re-host budget (default 3 in 365\n"
      "days along the license's chain), issues the successor bound to the new machine\n"
      "and marks the old license revoked: sign a new list with `airlock revocations`.",
      po::options_description("options"),
      {}};
  add_signing_options(spec, true, false);
  spec.options.add_options()("request", po::value<std::string>()->required(), "the re-host request")(
      "budget", po::value<long long>()->default_value(default_rehost_budget), "re-hosts allowed in 365 days")(
      "force", "re-host beyond the budget")("reason", po::value<std::string>(), "why (recorded; needed with --force)");
  spec.positional.add("request", 1);
  po::variables_map vm;
  if (!parse_command_line(spec, args, vm)) return cli::exit_ok;
  const std::string out = vm["out"].as<std::string>();
  const std::string request_path = vm["request"].as<std::string>();
  const std::vector<std::string> inputs = {value_of(vm, "key"), request_path, value_of(vm, "passphrase-file")};
  cli::check_output(out, cli::existing_file::keep, inputs);
  const auto key = load_key(vm);
  auto book = open_ledger(vm);  // --no-ledger is not offered: the budget and the record live there
  // Read once: the license it replaces and the hashes bound come from the same bytes.
  const format::request req = read_request_file(request_path);
  rehost_plan plan = plan_rehost(*book, req, request_path, key, issued_option(vm), vm["budget"].as<long long>());
  const bool force = vm.count("force") > 0;
  if (force && value_of(vm, "reason").empty())
    throw cli::failure(cli::exit_usage, "--force needs --reason TEXT (it is recorded)");
  enforce_budget(plan, force, value_of(vm, "reason"), "--force --reason TEXT overrides, and is recorded");
  plan.next.min_revocation_sequence = min_revocations(vm);
  std::cout << "re-host of " << plan.was.license_id << " for " << plan.was.licensee << ":\n";
  for (const class_change& c : plan.difference)
    std::cout << "  " << format::to_string(c.component) << ": " << c.change << "\n";
  write_recorded(&*book, plan.next, sign_license(plan.next, key), out, cli::existing_file::keep, inputs,
                 {"rehost", plan.was.license_id, "", "", rehost_note(force, value_of(vm, "reason"))});
  // The ledger revoked the old license when it confirmed the successor (one transaction).
  std::cerr << "airlock: license " << plan.was.license_id
            << " is now revoked; sign a new list: airlock revocations --product '" << plan.was.product
            << "' --key KEY --out revoked.toml\n";
  std::cout << plan.next.id << "\n";
  return cli::exit_ok;
}

int run_revocations(const std::vector<std::string>& args) {
  command_spec spec{"airlock revocations --product P --key KEY --out FILE [--ledger FILE]",
                    "Signs the revocation list of a product: every license the ledger records as\n"
                    "revoked (but those expired more than a year ago), with the next sequence number.\n"
                    "Give it to the product with its licenses (airlock-verify --revocations FILE); a\n"
                    "product never accepts a list older than one it has seen.",
                    po::options_description("options"),
                    {}};
  add_signing_options(spec, false, false);
  spec.options.add_options()("product", po::value<std::string>()->required(), "the product the list is for");
  po::variables_map vm;
  if (!parse_command_line(spec, args, vm)) return cli::exit_ok;
  const std::string out = vm["out"].as<std::string>();
  const std::vector<std::string> inputs = {value_of(vm, "key"), value_of(vm, "passphrase-file")};
  cli::check_output(out, cli::existing_file::keep, inputs);
  const auto key = load_key(vm);
  auto book = open_ledger(vm);
  const std::vector<std::string> guarded = with_ledger_files(inputs, &*book);
  const format::revocation_list list =
      next_revocation_list(*book, keys::key_id(key.public_key()), vm["product"].as<std::string>(), issued_option(vm));
  const std::string text = sign_revocation_list(list, key);
  // Recorded first: a crash then only skips a sequence number, never reuses one.
  book->record_revocation_list(list.key_id, list.product, list.sequence, ledger::sha256_hex(text));
  cli::write_file_atomic(out, text, 0644, cli::existing_file::keep, guarded);
  std::cout << "revocation list " << list.sequence << " for " << list.product << ": " << list.revoked.size()
            << " license(s)\n";
  return cli::exit_ok;
}

}  // namespace airlock::generator
