// SPDX-License-Identifier: MIT
// `airlock ledger ...` (queries, verification, privacy requests) and
// `airlock revoke`. The ledger itself is ledger/ledger.hpp.
#include <ctime>
#include <iostream>
#include <map>
#include <sstream>

#include "cli/json.hpp"
#include "generator/command_line.hpp"
#include "ledger/export.hpp"
#include "ledger/ledger.hpp"

namespace airlock::generator {
namespace {

using ledger::entry;
using ledger::entry_json;
using ledger::json_field;

// Text output fits an 80-column terminal: ID PRODUCT LICENSEE EXPIRES STATE.
constexpr std::size_t id_width = 32, product_width = 12, licensee_width = 14, expires_width = 10;  // + STATE: 79

// Pads or cuts to `width` characters (UTF-8 code points), marking a cut with '~'.
std::string fit(const std::string& text, std::size_t width) {
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  if (starts.size() <= width) return text + std::string(width - starts.size(), ' ');
  return text.substr(0, starts[width - 1]) + "~";
}

// The sanitised form of a value shown on a terminal: control characters become '?'.
std::string printable(const std::string& text) {
  std::string out = text;
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return out;
}

std::string expires_text(const entry& e) { return e.expires ? format::to_string(*e.expires) : "perpetual"; }

std::string state_text(const entry& e) {
  if (e.revoked) return "revoked";
  if (!e.superseded_by.empty()) return "superseded";
  if (e.forgotten) return "forgot";
  return "";
}

void print_table(const std::vector<entry>& entries) {
  std::cout << fit("ID", id_width) << ' ' << fit("PRODUCT", product_width) << ' ' << fit("LICENSEE", licensee_width)
            << ' ' << fit("EXPIRES", expires_width) << " STATE\n";
  for (const auto& e : entries) {
    std::string line = fit(printable(e.license_id), id_width) + ' ' + fit(printable(e.product), product_width) + ' ' +
                       fit(printable(e.licensee), licensee_width) + ' ' + fit(expires_text(e), expires_width) + ' ' +
                       state_text(e);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::cout << line << "\n";
  }
}

void print_entries(const std::vector<entry>& entries, const po::variables_map& vm) {
  if (vm.count("json"))
    std::cout << ledger::entries_json(entries, false);
  else
    print_table(entries);
}

std::string hashes_text(const std::vector<std::string>& hashes) {
  std::string out;
  for (const auto& h : hashes) out += (out.empty() ? "" : " ") + h;
  return out;
}

void print_entry(const entry& e) {
  std::vector<std::pair<std::string, std::string>> lines = {
      {"license", e.license_id},
      {"product", e.product},
      {"licensee", e.licensee},
      {"key id", e.key_id},
      {"issued", format::to_string(e.issued)},
      {"not before", format::to_string(e.not_before)},
      {"expires", expires_text(e)},
      {"updates until", e.updates_until ? format::to_string(*e.updates_until) : "every build"}};
  std::string features;
  for (const auto& f : e.features) features += (features.empty() ? "" : " ") + f;
  lines.push_back({"features", features});
  std::string limits;
  for (const auto& l : e.limits) limits += (limits.empty() ? "" : " ") + l.name + "=" + std::to_string(l.value);
  lines.push_back({"limits", limits});
  for (const auto& m : e.meta) lines.push_back({"meta " + m.name, m.value});
  lines.push_back({"machine", e.machine_policy.empty() ? "unbound" : e.machine_policy});
  for (const auto c : format::all_component_classes)
    if (!e.machine[c].empty()) lines.push_back({"  " + std::string(format::to_string(c)), hashes_text(e.machine[c])});
  if (!e.machine.evidence_only.empty()) lines.push_back({"  evidence only", hashes_text(e.machine.evidence_only)});
  lines.push_back({"operation", e.operation});
  if (!e.supersedes.empty()) lines.push_back({"supersedes", e.supersedes});
  if (!e.superseded_by.empty()) lines.push_back({"superseded by", e.superseded_by});
  if (!e.note.empty()) lines.push_back({"note", e.note});
  lines.push_back({"file", e.file_path});
  lines.push_back({"file sha256", e.file_sha256});
  lines.push_back(
      {"recorded", format::to_string(e.recorded_at) + " by " + e.issued_by + ", row " + std::to_string(e.row)});
  if (e.revoked) lines.push_back({"revoked", format::to_string(e.revoked_at) + ": " + e.revoke_reason});
  if (e.forgotten) lines.push_back({"forgotten", "personal fields erased"});
  for (const auto& [name, value] : lines) {
    std::string line = name + std::string(name.size() < 14 ? 14 - name.size() : 1, ' ') + printable(value);
    while (line.back() == ' ') line.pop_back();
    std::cout << line << "\n";
  }
}

format::date parse_day(const po::variables_map& vm, const char* option) {
  const std::string text = vm[option].as<std::string>();
  const auto d = format::parse_date(text);
  if (!d)
    throw cli::failure(cli::exit_usage, std::string("--") + option + " '" + text + "' is not a date like 2026-01-31");
  return *d;
}

format::date today() { return format::utc_date(format::utc_time{static_cast<std::int64_t>(std::time(nullptr))}); }

format::date add_days(const format::date& d, std::int64_t days) {
  return format::civil_from_days(format::days_from_civil(d) + days);
}

// "30d" or "30": a number of days.
std::int64_t parse_days(const std::string& text) {
  std::string digits = text;
  if (!digits.empty() && digits.back() == 'd') digits.pop_back();
  if (digits.empty() || digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos)
    throw cli::failure(cli::exit_usage, "'" + text + "' is not a number of days like 30d");
  return std::stoll(digits);
}

std::vector<entry> search(const ledger::ledger& book, const po::variables_map& vm) {
  ledger::search_filter filter;
  const auto text = [&](const char* name) { return vm.count(name) ? vm[name].as<std::string>() : std::string(); };
  filter.licensee = text("licensee");
  filter.product = text("product");
  filter.feature = text("feature");
  filter.machine = text("machine");
  if (vm.count("expiring-before")) filter.expiring_before = parse_day(vm, "expiring-before");
  if (vm.count("issued-after")) filter.issued_after = parse_day(vm, "issued-after");
  if (vm.count("issued-before")) filter.issued_before = parse_day(vm, "issued-before");
  filter.state = text("state");
  return book.search(filter, {ledger::search_order::key::recorded, false}).entries;
}

std::string key_option(const po::variables_map& vm) { return vm.count("key") ? vm["key"].as<std::string>() : ""; }

ledger::ledger open_from(const po::variables_map& vm, ledger::check_result* checked = nullptr) {
  return ledger::ledger::open_existing(*ledger::ledger_path(vm, key_option(vm)), checked);
}

const char ledger_usage[] =
    "airlock ledger check|verify|list|show ID|search|expiring|export|forget|retention [options]";

const char ledger_description[] =
    "The vendor's record of every license issued (SQLite; see ledger/README.md). The file\n"
    "is --ledger FILE, else $AIRLOCK_LEDGER, else airlock-ledger.sqlite beside --key.\n"
    "  check                 settle rows an interrupted issue left pending; apply retention\n"
    "  verify                check the hash chain; prints its head (exit 9 when tampered)\n"
    "  list | show ID        every license, or one in full\n"
    "  search                --licensee --product --feature --machine HASH --expiring-before D\n"
    "                        --issued-after D --issued-before D --state STATE\n"
    "  expiring --within 30d licenses whose last day falls within that many days\n"
    "  export --format csv|json, or --licensee NAME: all that is held about one licensee\n"
    "  forget --licensee NAME  erase a licensee's personal fields (the chain still verifies)\n"
    "  retention --days N | --off   forget licenses that expired more than N days ago";

int ledger_check(const po::variables_map& vm) {
  ledger::check_result r;
  auto book = open_from(vm, &r);
  std::cout << "pending rows confirmed: " << r.confirmed << ", dropped: " << r.dropped
            << "; licenses forgotten by retention: " << r.forgotten << "\n";
  return cli::exit_ok;
}

int ledger_verify(const po::variables_map& vm) {
  auto book = open_from(vm);
  const auto result = book.verify();
  if (!result.ok)
    throw cli::failure(cli::exit_ledger_tampered, cli::about_file(book.path(), "ledger: " + result.problem));
  if (vm.count("json"))
    std::cout << "{\"ok\":true,\"rows\":" << result.rows << "," << json_field("head", result.head) << "}\n";
  else
    std::cout << "ok: " << result.rows << " rows, chain head " << result.head << "\n";
  return cli::exit_ok;
}

int ledger_show(const po::variables_map& vm, const std::vector<std::string>& words) {
  if (words.size() != 2) throw cli::failure(cli::exit_usage, "ledger show takes one license id");
  auto book = open_from(vm);
  const auto e = book.find(words[1]);
  if (!e)
    throw cli::failure(cli::exit_bad_input,
                       cli::about_file(book.path(), "license '" + words[1] + "' is not in the ledger"));
  if (vm.count("json"))
    std::cout << entry_json(*e, true) << "\n";
  else
    print_entry(*e);
  return cli::exit_ok;
}

int ledger_expiring(const po::variables_map& vm) {
  if (!vm.count("within")) throw cli::failure(cli::exit_usage, "ledger expiring needs --within DAYS, e.g. 30d");
  const auto from = today(), until = add_days(from, parse_days(vm["within"].as<std::string>()));
  auto book = open_from(vm);
  std::vector<entry> soon;
  for (auto& e : book.entries())
    if (e.expires && *e.expires >= from && *e.expires <= until && !e.revoked) soon.push_back(std::move(e));
  std::stable_sort(soon.begin(), soon.end(), [](const entry& a, const entry& b) { return *a.expires < *b.expires; });
  print_entries(soon, vm);
  return cli::exit_ok;
}

int ledger_export(const po::variables_map& vm) {
  auto book = open_from(vm);
  if (vm.count("licensee")) {
    // A data-subject access request: everything held about one licensee, in a portable form.
    const std::string name = vm["licensee"].as<std::string>();
    std::vector<entry> held;
    for (auto& e : book.entries())
      if (e.licensee == name) held.push_back(std::move(e));
    std::cout << ledger::subject_json(name, book.path(), held);
    return cli::exit_ok;
  }
  const std::string format_name = vm.count("format") ? vm["format"].as<std::string>() : "json";
  if (format_name == "csv")
    std::cout << ledger::entries_csv(book.entries());
  else if (format_name == "json")
    std::cout << ledger::entries_json(book.entries(), true);
  else
    throw cli::failure(cli::exit_usage, "--format '" + format_name + "' is not csv or json");
  return cli::exit_ok;
}

int ledger_forget(const po::variables_map& vm) {
  if (!vm.count("licensee")) throw cli::failure(cli::exit_usage, "ledger forget needs --licensee NAME");
  auto book = open_from(vm);
  const int count = book.forget_licensee(vm["licensee"].as<std::string>());
  std::cout << "forgot the personal fields of " << count << " license(s)\n";
  return cli::exit_ok;
}

int ledger_retention(const po::variables_map& vm) {
  auto book = open_from(vm);
  if (vm.count("days") && vm.count("off")) throw cli::failure(cli::exit_usage, "give --days N or --off, not both");
  if (vm.count("days")) {
    const long long days = vm["days"].as<long long>();
    if (days < 0 || days > 100000)
      throw cli::failure(cli::exit_usage, "--days " + std::to_string(days) + " is not 0 to 100000");
    book.set_retention_days(static_cast<int>(days));
  } else if (vm.count("off")) {
    book.set_retention_days(std::nullopt);
  }
  const auto days = book.retention_days();
  std::cout << (days ? "retention: personal fields are forgotten " + std::to_string(*days) +
                           " days after a license expires"
                     : std::string("retention: off (personal fields are kept until forgotten on request)"))
            << "\n";
  return cli::exit_ok;
}

}  // namespace

int run_ledger(const std::vector<std::string>& args) {
  command_spec spec{ledger_usage, ledger_description, po::options_description("options"), {}};
  spec.hidden.add_options()("words", po::value<std::vector<std::string>>(), "subcommand and its arguments");
  spec.options.add_options()("key", po::value<std::string>(), "the vendor key, to find the default ledger beside it")(
      "json", "JSON output for scripts")("licensee", po::value<std::string>(), "search, export, forget: the licensee")(
      "product", po::value<std::string>(), "search: the product")("feature", po::value<std::string>(),
                                                                  "search: licenses with this feature")(
      "machine", po::value<std::string>(), "search: licenses bound to this component hash")(
      "state", po::value<std::string>(), "search: active, not yet valid, expired, superseded or revoked")(
      "expiring-before", po::value<std::string>(), "search: last day before DATE")(
      "issued-after", po::value<std::string>(), "search: issued after DATE")("issued-before", po::value<std::string>(),
                                                                             "search: issued before DATE")(
      "within", po::value<std::string>(), "expiring: days ahead, e.g. 30d")("format", po::value<std::string>(),
                                                                            "export: csv or json (default json)")(
      "days", po::value<long long>(), "retention: days after expiry")("off", "retention: keep until asked");
  ledger::add_ledger_options(spec.options, false);
  spec.positional.add("words", -1);
  po::variables_map vm;
  if (!parse_command_line(spec, args, vm)) return cli::exit_ok;
  const auto words = vm.count("words") ? vm["words"].as<std::vector<std::string>>() : std::vector<std::string>();
  if (words.empty()) throw cli::failure(cli::exit_usage, "which ledger command? (see: airlock ledger --help)");
  const std::string& name = words[0];
  if (name != "show" && words.size() != 1)
    throw cli::failure(cli::exit_usage, "ledger " + name + " takes no argument '" + words[1] + "'");
  if (name == "check") return ledger_check(vm);
  if (name == "verify") return ledger_verify(vm);
  if (name == "show") return ledger_show(vm, words);
  if (name == "list") {
    print_entries(open_from(vm).entries(), vm);
    return cli::exit_ok;
  }
  if (name == "search") {
    const auto found = search(open_from(vm), vm);
    print_entries(found, vm);
    return cli::exit_ok;
  }
  if (name == "expiring") return ledger_expiring(vm);
  if (name == "export") return ledger_export(vm);
  if (name == "forget") return ledger_forget(vm);
  if (name == "retention") return ledger_retention(vm);
  throw cli::failure(cli::exit_usage, "unknown ledger command '" + name + "' (see: airlock ledger --help)");
}

int run_revoke(const std::vector<std::string>& args) {
  command_spec spec{"airlock revoke ID... --reason TEXT [--ledger FILE | --key KEY]",
                    "Records each license as revoked in the ledger (one chained row each). A\n"
                    "license already revoked is reported and left as it is. `airlock revocations`\n"
                    "signs the list that products check.",
                    po::options_description("options"),
                    {}};
  spec.options.add_options()("ids", po::value<std::vector<std::string>>(), "license ids")(
      "reason", po::value<std::string>(), "why (kept in the ledger; write no personal data here)")(
      "key", po::value<std::string>(), "the vendor key, to find the default ledger beside it");
  ledger::add_ledger_options(spec.options, false);
  spec.positional.add("ids", -1);
  po::variables_map vm;
  if (!parse_command_line(spec, args, vm)) return cli::exit_ok;
  if (!vm.count("ids")) throw cli::failure(cli::exit_usage, "name at least one license id to revoke");
  if (!vm.count("reason") || vm["reason"].as<std::string>().empty())
    throw cli::failure(cli::exit_usage, "--reason TEXT is required");
  auto book = open_from(vm);
  const auto ids = vm["ids"].as<std::vector<std::string>>();
  for (const auto& id : ids)  // all known before any is recorded: no half-done command
    if (!book.find(id))
      throw cli::failure(cli::exit_bad_input,
                         cli::about_file(book.path(), "license '" + id + "' is not in the ledger"));
  for (const auto& id : ids) {
    if (book.revoke(id, vm["reason"].as<std::string>()))
      std::cout << "revoked " << id << "\n";
    else
      std::cout << id << " was already revoked\n";
  }
  return cli::exit_ok;
}

}  // namespace airlock::generator
