// SPDX-License-Identifier: MIT
// `airlock-hwid`, the customer's tool on the air-gapped machine: shows what
// is read and writes the activation request, which holds keyed hashes only.
// Built from the header-only library and the standard library, statically
// linked, so it travels over the air gap as one file.
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "airlock/format/envelope.hpp"
#include "airlock/format/machine.hpp"
#include "airlock/format/match.hpp"
#include "airlock/format/request.hpp"
#include "airlock/format/version.hpp"
#include "airlock/format/writers.hpp"
#include "airlock/hwid.hpp"
#include "cli/diagnostics.hpp"
#include "cli/file_io.hpp"
#include "cli/json.hpp"
#include "cli/privacy_text.hpp"
#include "cli/public_key.hpp"

namespace {

using namespace airlock;
using format::all_component_classes;
using format::component_class;

const char usage_text[] =
    "usage: airlock-hwid show [--product P --pubkey VENDOR.pub] [--json] [--explain] [--board]\n"
    "       airlock-hwid request --product P --pubkey VENDOR.pub --out FILE [--force] [--board]\n"
    "       airlock-hwid request --rehost LICENSE --out FILE [--force] [--board]\n"
    "       airlock-hwid --version\n"
    "\n"
    "Reads this machine's hardware identifiers without root and without running\n"
    "any program: CPU model (platform), the serial of the disk holding / (disk),\n"
    "factory MAC addresses of built-in network cards (nic), /etc/machine-id (os)\n"
    "and, with --board, firmware serials (board). Each value is hashed with a\n"
    "salt made from the vendor's key id and the product name; only those hashes\n"
    "ever leave this machine. --explain also prints the raw values on this screen\n"
    "(never to a file) and, for each class, where it is read and what leaves the\n"
    "machine. The request is plain TOML: read it before you carry it out.\n"
    "--rehost LICENSE asks the vendor to move that license to this machine: the\n"
    "request names the license it replaces and takes product and key from it.\n"
    "\n"
    "exit status: 0 ok, 2 usage, 3 unreadable input, 4 cannot write output,\n"
    "5 bad public key, 7 this machine has nothing to bind a license to\n";

struct arguments {
  std::string command, product, pubkey, out, rehost, root = "/";
  bool json = false, explain = false, board = false, force = false;
};

// `--out --force` is a forgotten value, not a file named "--force".
bool is_option_like(const char* value) { return value[0] == '-' && value[1] != '\0'; }

arguments parse_arguments(int argc, char** argv) {
  arguments a;
  const std::map<std::string, std::string*> values = {{"--product", &a.product},
                                                      {"--pubkey", &a.pubkey},
                                                      {"--out", &a.out},
                                                      {"--root", &a.root},
                                                      {"--rehost", &a.rehost}};
  const std::map<std::string, bool*> flags = {
      {"--json", &a.json}, {"--explain", &a.explain}, {"--board", &a.board}, {"--force", &a.force}};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i == 1 && arg[0] != '-')
      a.command = arg;
    else if (flags.count(arg))
      *flags.at(arg) = true;
    else if (values.count(arg) && i + 1 < argc && is_option_like(argv[i + 1]))
      throw cli::failure(cli::exit_usage,
                         "the value '" + std::string(argv[i + 1]) + "' of " + arg +
                             " looks like an option; is the value missing? (see: airlock-hwid --help)");
    else if (values.count(arg) && i + 1 < argc)
      *values.at(arg) = argv[++i];
    else
      throw cli::failure(cli::exit_usage, "unexpected argument '" + arg + "' (see: airlock-hwid --help)");
  }
  return a;
}

hwid::machine_snapshot read_machine(const arguments& a) {
  hwid::collect_options options;
  options.root = a.root;  // a test aid: point it at a fake /sys, /proc, /etc tree
  // A fake tree's interfaces are described by its own sysfs; asking this machine's network stack
  // for the permanent MAC of a tree's "eth0" would put the real card into the fake machine.
  // The same goes for the kernel's file-system and namespace answers, which describe this machine.
  if (a.root != "/") {
    options.probes.permanent_mac = nullptr;
    options.probes.origin_of = nullptr;
    options.probes.namespaces = nullptr;
  }
  options.set(format::component_class::board, a.board);
  auto snapshot = hwid::collect(options);
  if (!a.board) snapshot.board.reason = "not read without --board";  // not the C++ option name
  return snapshot;
}

// How well a license under the default policy can be bound here, in words (format/match.hpp). In a
// container only the vendor can allow binding (issue --allow-container), so the request is made
// whenever the host's hardware is visible.
format::binding_strength binding_strength(const hwid::machine_snapshot& s) {
  return format::assess_binding(format::default_match_policy, hwid::evidence_of(s), s.is_container(), true);
}

// The same sentences as the vendor's privacy notice (cli/privacy_text.hpp), indented under a class.
void explain_text(const format::inventory_entry& entry) {
  const cli::entry_text text = cli::privacy_text(entry);
  std::cout << "    " << text.identifies << "\n    " << text.collection << "\n";
  for (const auto& source : text.sources) std::cout << "    source: " << source << "\n";
  std::cout << "    " << text.leaves << "\n";
}

void show_text(const hwid::machine_snapshot& s, const format::component_hashes* hashes, bool explain) {
  if (explain)
    std::cout << cli::hash_sentence() << "\n"
              << cli::pseudonymous_sentence() << "\n"
              << cli::pattern_sentence() << "\n\n";
  std::cout << "environment: " << to_string(s.environment);
  for (const auto& e : s.evidence) std::cout << (&e == &s.evidence.front() ? " (" : "; ") << e;
  std::cout << (s.evidence.empty() ? "" : ")") << "\n";
  if (explain) explain_text(format::environment_inventory());
  std::cout << "binding:     " << binding_strength(s).summary << "\n";
  for (component_class c : all_component_classes) {
    const auto& r = s[c];
    std::cout << std::string(to_string(c)) << ":" << std::string(9 - to_string(c).size(), ' ');
    if (!r.present()) {
      std::cout << "not found (" << r.reason << ")\n";
    } else {
      std::cout << r.values.size() << " value(s)";
      if (hashes)
        for (const auto& h : (*hashes)[c]) std::cout << " " << h;
      if (!r.evidence_only.empty()) std::cout << " (" << r.evidence_only.size() << " software-assigned: evidence only)";
      std::cout << "\n";
    }
    if (!explain) continue;
    for (const auto& v : r.values) std::cout << "    raw: " << v << "   (shown here only, never written anywhere)\n";
    explain_text(format::inventory_of(c));
  }
}

std::string explain_json(const format::inventory_entry& entry) {
  const cli::entry_text text = cli::privacy_text(entry);
  return "{\"identifies\": " + cli::json_string(text.identifies) +
         ", \"collection\": " + cli::json_string(text.collection) +
         ", \"sources\": " + cli::json_strings(text.sources) + ", \"leaves\": " + cli::json_string(text.leaves) + "}";
}

void show_json(const hwid::machine_snapshot& s, const format::component_hashes* hashes, bool explain) {
  std::cout << "{\"environment\": " << cli::json_string(to_string(s.environment))
            << ", \"evidence\": " << cli::json_strings(s.evidence)
            << ", \"policy\": " << cli::json_string(format::default_match_policy)
            << ", \"binding\": " << cli::json_string(binding_strength(s).summary);
  if (explain)
    std::cout << ", \"privacy\": {\"hash\": " << cli::json_string(cli::hash_sentence())
              << ", \"pseudonymous\": " << cli::json_string(cli::pseudonymous_sentence())
              << ", \"patterns\": " << cli::json_string(cli::pattern_sentence())
              << ", \"environment\": " << explain_json(format::environment_inventory()) << "}";
  std::cout << ", \"classes\": {";
  for (component_class c : all_component_classes) {
    const auto& r = s[c];
    std::cout << (c == component_class::platform ? "" : ", ") << cli::json_string(to_string(c))
              << ": {\"found\": " << (r.present() ? "true" : "false") << ", \"count\": " << r.values.size();
    if (!r.present()) std::cout << ", \"reason\": " << cli::json_string(r.reason);
    const bool untrusted = r.reason.rfind("untrusted: ", 0) == 0;
    std::cout << ", \"trusted\": " << (untrusted ? "false" : "true")
              << ", \"evidence_only\": " << r.evidence_only.size();
    if (hashes) std::cout << ", \"hashes\": " << cli::json_strings((*hashes)[c]);
    if (explain)
      std::cout << ", \"raw\": " << cli::json_strings(r.values)
                << ", \"privacy\": " << explain_json(format::inventory_of(c));
    std::cout << "}";
  }
  std::cout << "}}\n";
}

int run_show(const arguments& a) {
  if (a.product.empty() != a.pubkey.empty())
    throw cli::failure(cli::exit_usage, "--product and --pubkey go together (they make the salt)");
  const auto snapshot = read_machine(a);
  format::component_hashes hashes;
  if (!a.product.empty()) hashes = hwid::hash_snapshot(snapshot, cli::read_key_id(a.pubkey), a.product);
  const format::component_hashes* shown = a.product.empty() ? nullptr : &hashes;
  if (a.json)
    show_json(snapshot, shown, a.explain);
  else
    show_text(snapshot, shown, a.explain);
  return cli::exit_ok;
}

// The license a re-host request replaces: read, not verified (this tool holds no vendor key; the
// vendor checks it against the ledger). Its product and key id salt the new hashes.
format::license read_replaced_license(const std::string& path) {
  const std::string text = cli::read_file(path, format::max_input_size + 1);
  auto parsed = format::parse_license_file(text);
  if (!parsed.ok()) {
    throw cli::failure(cli::exit_bad_input, path + ": not a license file: line " + std::to_string(parsed.error.line) +
                                                ", column " + std::to_string(parsed.error.column) + ": " +
                                                parsed.error.message);
  }
  return std::move(parsed.value->content);
}

format::request make_request(const arguments& a, const hwid::machine_snapshot& snapshot) {
  format::request req;
  if (!a.rehost.empty()) {
    const format::license replaced = read_replaced_license(a.rehost);
    req.product = replaced.product;
    req.key_id = replaced.key_id;
    req.replaces = replaced.id;
  } else {
    req.product = a.product;
    req.key_id = cli::read_key_id(a.pubkey);
  }
  req.created = format::utc_time{static_cast<std::int64_t>(std::time(nullptr))};
  req.tool = std::string("airlock-hwid ") + version_string;
  req.environment = snapshot.environment;
  auto hashes = hwid::hash_snapshot(snapshot, req.key_id, req.product);
  // The format allows 16 hashes a class; a server with more ports or RAID members records the
  // first 16 in hash order, the same ones every time, and matching needs only one of them.
  for (component_class c : all_component_classes)
    if (hashes[c].size() > format::max_hashes_per_class) hashes[c].resize(format::max_hashes_per_class);
  auto& soft = hashes.evidence_only;  // only of the nic hashes kept
  soft.erase(std::remove_if(soft.begin(), soft.end(),
                            [&](const std::string& h) {
                              return std::find(hashes.nic.begin(), hashes.nic.end(), h) == hashes.nic.end();
                            }),
             soft.end());
  req.machine = hashes;
  return req;
}

int run_request(const arguments& a) {
  if (a.out.empty()) throw cli::failure(cli::exit_usage, "request needs --out");
  if (!a.rehost.empty() && (!a.product.empty() || !a.pubkey.empty()))
    throw cli::failure(cli::exit_usage,
                       "--rehost takes product and key from the license: leave out --product and --pubkey");
  if (a.rehost.empty() && (a.product.empty() || a.pubkey.empty()))
    throw cli::failure(cli::exit_usage, "request needs --product and --pubkey (or --rehost LICENSE)");
  const auto snapshot = read_machine(a);
  const format::binding_strength strength = binding_strength(snapshot);
  if (strength.level == format::binding_level::none)
    throw cli::failure(cli::exit_bad_input, "this machine cannot be bound: " + strength.summary.substr(6) +
                                                " (ask the vendor for an unbound license)");
  const auto text = format::write_request(make_request(a, snapshot));
  if (!text.ok()) throw cli::failure(cli::exit_bad_input, "cannot write the request: " + text.error);
  cli::write_file_atomic(a.out, text.text, 0644, a.force ? cli::existing_file::replace : cli::existing_file::keep,
                         {a.pubkey, a.rehost});
  std::cerr << "airlock-hwid: wrote " << a.out << " (hashes only; read it before you carry it out)\n";
  return cli::exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
  return cli::run_tool("airlock-hwid", [&]() -> int {
    if (argc == 2 && (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h"))) {
      std::cout << usage_text;
      return cli::exit_ok;
    }
    if (argc == 2 && !std::strcmp(argv[1], "--version")) {
      std::cout << "airlock-hwid " << version_string << "\n";
      return cli::exit_ok;
    }
    const arguments a = parse_arguments(argc, argv);
    if (a.command == "show") return run_show(a);
    if (a.command == "request") return run_request(a);
    throw cli::failure(cli::exit_usage, "give a command: show or request (see: airlock-hwid --help)");
  });
}
