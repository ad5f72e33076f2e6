// SPDX-License-Identifier: MIT
// `airlock renew`, `airlock rehost` and `airlock revocations`: a license's life after its first
// issue, each step recorded in the vendor's ledger.
#include <algorithm>
#include <iostream>
#include <set>

#include "airlock/format/envelope.hpp"
#include "airlock/format/revocations.hpp"
#include "airlock/inspect.hpp"
#include "cli/file_io.hpp"
#include "generator/command_line.hpp"
#include "generator/license_builder.hpp"
#include "generator/passphrase.hpp"
#include "generator/recorded_write.hpp"
#include "ledger/ledger.hpp"

namespace airlock::generator {
namespace {

constexpr long long default_rehost_budget = 3;
constexpr std::int64_t seconds_per_day = 24 * 3600;
// A revoked license that expired this long ago is refused by every verifier anyway.
constexpr std::int64_t revocation_horizon_days = 365;

[[noreturn]] void bad_input(const std::string& message) { throw cli::failure(cli::exit_bad_input, message); }

std::string value_of(const po::variables_map& vm, const char* name) {
  return vm.count(name) ? vm[name].as<std::string>() : std::string();
}

// A license the vendor issued: its signature must check with this key, so that a file edited on
// the way back (or signed by someone else) never seeds a successor.
format::license read_own_license(const std::string& label, const std::string& text, const keys::signing_key& key) {
  trust_store trusted;
  const auto pub = key.public_key();
  if (!trusted.add(pub.data(), pub.size())) bad_input("the signing key has no valid public key");
  const verify_result read = inspect_license(text, &trusted);
  if (!read.license_read || !read.signature_valid) {
    bad_input(cli::about_file(
        label, "is not a license signed by this key: " + std::string(to_string(read.why)) + ": " + read.message));
  }
  return read.license;
}

// The ledger's record of a license, which must still hold its text (not forgotten).
ledger::entry recorded(const ledger::ledger& book, const std::string& id) {
  auto found = book.find(id);
  if (!found) bad_input(cli::about_file(book.path(), "license '" + id + "' is not in the ledger"));
  if (found->license_text.empty()) bad_input("license " + id + " was erased from the ledger (forget)");
  return std::move(*found);
}

// LICENSE|ID: a file if one is there, otherwise an id looked up in the ledger.
format::license predecessor(const std::string& what, const ledger::ledger* book, const keys::signing_key& key) {
  if (cli::path_exists(what)) return read_own_license(what, cli::read_file(what, format::max_input_size), key);
  if (!book) bad_input("'" + what + "' is not a file, and without a ledger an id cannot be looked up");
  return read_own_license("ledger entry " + what, recorded(*book, what).license_text, key);
}

void apply_feature_changes(format::license& lic, const std::vector<std::string>& changes) {
  for (const std::string& change : changes) {
    if (change.size() < 2 || (change[0] != '+' && change[0] != '-')) {
      throw cli::failure(cli::exit_usage, "--feature '" + change + "' must be +NAME or -NAME");
    }
    const std::string name = change.substr(1);
    auto& f = lic.features;
    const auto at = std::find(f.begin(), f.end(), name);
    if (change[0] == '+' && at == f.end()) f.push_back(name);
    if (change[0] == '-' && at == f.end()) bad_input("--feature " + change + ": the license has no feature " + name);
    if (change[0] == '-') f.erase(at);
  }
  std::sort(lic.features.begin(), lic.features.end());
}

void apply_limit_changes(format::license& lic, const std::vector<std::string>& items) {
  for (const format::limit_entry& entry : parse_limits(items)) {
    auto& l = lic.limits;
    const auto at =
        std::find_if(l.begin(), l.end(), [&](const format::limit_entry& e) { return e.name == entry.name; });
    if (at == l.end()) {
      l.push_back(entry);
    } else {
      at->value = entry.value;
    }
  }
  std::sort(lic.limits.begin(), lic.limits.end(),
            [](const format::limit_entry& a, const format::limit_entry& b) { return a.name < b.name; });
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

// The successor keeps the licensee, product, dates and machine; it has its own id and names the
// license it replaces.
format::license successor_of(const format::license& old, format::utc_time issued) {
  format::license next = old;
  next.id = new_license_id();
  next.issued = issued;
  next.supersedes = old.id;
  next.min_revocation_sequence.reset();
  return next;
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

// The successor must not be one a ledger already records a successor of: one line per license.
void refuse_superseded(const ledger::ledger& book, const std::string& id) {
  const auto later = book.successors_of(id);
  if (!later.empty()) {
    bad_input("license " + id + " was already replaced by " + later.front().license_id + " (" +
              later.front().operation + "); work from that one");
  }
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
  const format::license old = predecessor(vm["license"].as<std::string>(), book ? &*book : nullptr, key);
  if (book) {
    refuse_superseded(*book, old.id);
    const auto was = book->find(old.id);
    if (was && was->revoked)
      bad_input("license " + old.id + " is revoked (" + was->revoke_reason + "); it is not renewed");
  }
  format::license next = successor_of(old, issued_option(vm));
  if (const auto d = date_option(vm, "expires")) next.expires = d;
  if (const auto d = date_option(vm, "updates-until")) next.updates_until = d;
  if (vm.count("feature")) apply_feature_changes(next, vm["feature"].as<std::vector<std::string>>());
  if (vm.count("limit")) apply_limit_changes(next, vm["limit"].as<std::vector<std::string>>());
  next.min_revocation_sequence = min_revocations(vm);
  if (const auto problem = format::validate(next)) bad_input(*problem);
  write_recorded(book ? &*book : nullptr, next, sign_license(next, key), out, cli::existing_file::keep, inputs,
                 {"renew", old.id, "", "", ""});
  std::cout << next.id << "\n";
  return cli::exit_ok;
}

namespace {

// "disk changed", "nic partly changed", ...: what a re-host request says about each class the
// ledger recorded or the request holds.
std::string class_difference(const std::vector<std::string>& before, const std::vector<std::string>& now) {
  if (before.empty()) return "added";
  if (now.empty()) return "not found now";
  const std::set<std::string> a(before.begin(), before.end()), b(now.begin(), now.end());
  if (a == b) return "same";
  const bool shared = std::any_of(a.begin(), a.end(), [&](const std::string& h) { return b.count(h) > 0; });
  return shared ? "partly changed" : "changed";
}

bool same_machine(const format::component_hashes& before, const format::component_hashes& now) {
  return std::all_of(format::all_component_classes.begin(), format::all_component_classes.end(),
                     [&](format::component_class c) {
                       return class_difference(before[c], now[c]) == "same" || (before[c].empty() && now[c].empty());
                     });
}

void print_difference(const format::component_hashes& before, const format::component_hashes& now) {
  for (const format::component_class c : format::all_component_classes) {
    if (before[c].empty() && now[c].empty()) continue;
    std::cout << "  " << format::to_string(c) << ": " << class_difference(before[c], now[c]) << "\n";
  }
}

// Re-hosts within the last year along the license's chain, this one not yet counted.
void check_budget(const ledger::ledger& book, const std::string& old_id, const po::variables_map& vm,
                  format::utc_time now) {
  const long long budget = vm["budget"].as<long long>();
  if (budget < 0) throw cli::failure(cli::exit_usage, "--budget must be 0 or more");
  const int used = book.rehosts_in_chain_since(old_id, format::utc_time{now.seconds - 365 * seconds_per_day});
  if (used < budget) return;
  if (!vm.count("force")) {
    bad_input("license " + old_id + " was re-hosted " + std::to_string(used) +
              " time(s) in the last 365 days (budget " + std::to_string(budget) +
              "); --force --reason TEXT overrides, and is recorded");
  }
  if (value_of(vm, "reason").empty())
    throw cli::failure(cli::exit_usage, "--force needs --reason TEXT (it is recorded)");
}

}  // namespace

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
  const std::string key_id = keys::key_id(key.public_key());
  auto book = open_ledger(vm);  // --no-ledger is not offered: the budget and the record live there
  // Read once: the license it replaces and the hashes bound come from the same bytes.
  const format::request req = read_request_file(request_path);
  if (!req.replaces) {
    bad_input(
        cli::about_file(request_path, "names no license to replace (make it with airlock-hwid request --rehost)"));
  }
  const std::string old_id = *req.replaces;
  const ledger::entry was = recorded(*book, old_id);
  if (was.revoked) bad_input("license " + old_id + " is revoked (" + was.revoke_reason + "); it cannot be re-hosted");
  refuse_superseded(*book, old_id);
  const format::license old = read_own_license("ledger entry " + old_id, was.license_text, key);
  if (old.machine.unbound) bad_input("license " + old_id + " is not bound to a machine; nothing to re-host");
  const format::utc_time now = issued_option(vm);
  check_budget(*book, old_id, vm, now);
  license_order order;
  order.product = old.product;
  order.request_path = request_path;
  order.policy = old.machine.policy;
  order.allow_container = old.machine.allow_container;
  format::license next = successor_of(old, now);
  check_request_for(req, request_path, old.product, key_id);
  next.machine = binding_to(order, req);
  // A re-host spends budget and revokes a working license: never for the machine it already names.
  if (same_machine(old.machine.hashes, next.machine.hashes)) {
    bad_input(cli::about_file(request_path, "holds the machine license " + old_id +
                                                " is already bound to (no class changed); nothing to re-host"));
  }
  next.min_revocation_sequence = min_revocations(vm);
  std::cout << "re-host of " << old_id << " for " << old.licensee << ":\n";
  print_difference(old.machine.hashes, next.machine.hashes);
  const std::string note = vm.count("force") ? "forced: " + value_of(vm, "reason") : value_of(vm, "reason");
  write_recorded(&*book, next, sign_license(next, key), out, cli::existing_file::keep, inputs,
                 {"rehost", old_id, "", "", note});
  // The ledger revoked the old license when it confirmed the successor (one transaction).
  std::cerr << "airlock: license " << old_id << " is now revoked; sign a new list: airlock revocations --product '"
            << old.product << "' --key KEY --out revoked.toml\n";
  std::cout << next.id << "\n";
  return cli::exit_ok;
}

namespace {

// Revoked ids worth listing: a license that expired long ago fails every check anyway.
std::vector<std::string> listed_ids(const ledger::ledger& book, const std::string& product, format::utc_time now) {
  const format::date horizon =
      format::utc_date(format::utc_time{now.seconds - revocation_horizon_days * seconds_per_day});
  std::vector<std::string> ids;
  for (const std::string& id : book.revoked_ids(product)) {
    const auto e = book.find(id);
    if (e && e->expires && *e->expires < horizon) continue;
    ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace

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
  format::revocation_list list;
  list.key_id = keys::key_id(key.public_key());
  list.product = vm["product"].as<std::string>();
  list.issued = issued_option(vm);
  list.sequence = book->last_revocation_sequence(list.product) + 1;
  list.revoked = listed_ids(*book, list.product, list.issued);
  const std::string text = sign_revocation_list(list, key);
  // Recorded first: a crash then only skips a sequence number, never reuses one.
  book->record_revocation_list(list.key_id, list.product, list.sequence, ledger::sha256_hex(text));
  cli::write_file_atomic(out, text, 0644, cli::existing_file::keep, guarded);
  std::cout << "revocation list " << list.sequence << " for " << list.product << ": " << list.revoked.size()
            << " license(s)\n";
  return cli::exit_ok;
}

}  // namespace airlock::generator
