// SPDX-License-Identifier: MIT
#include "generator/license_builder.hpp"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "airlock/format/encoding.hpp"
#include "airlock/format/envelope.hpp"
#include "airlock/format/match.hpp"
#include "airlock/format/revocations.hpp"
#include "airlock/format/writers.hpp"
#include "cli/diagnostics.hpp"
#include "cli/file_io.hpp"
#include "generator/command_line.hpp"

namespace airlock::generator {
namespace {

[[noreturn]] void bad_input(const std::string& message) { throw cli::failure(cli::exit_bad_input, message); }

std::optional<format::date> optional_date(const std::string& text, const char* what) {
  if (text.empty()) return std::nullopt;
  auto d = format::parse_date(text);
  if (!d) bad_input(std::string(what) + " '" + text + "' is not a date (YYYY-MM-DD)");
  return d;
}

std::pair<std::string, std::string> split_pair(const std::string& item, const char* what, const char* table) {
  const auto eq = item.find('=');
  if (eq == std::string::npos || eq == 0) bad_input(std::string(what) + " '" + item + "' is not NAME=VALUE");
  std::string name = item.substr(0, eq);
  if (const auto problem = format::entry_name_problem(table, name); !problem.empty())
    bad_input(std::string(what) + " '" + item + "': " + problem);
  return {std::move(name), item.substr(eq + 1)};
}

// The format wants limit and meta keys sorted; the order a vendor types
// them in (options, CSV cells) carries no meaning, so sort here and only
// refuse a name given twice.
template <typename Entry>
void sort_by_name(std::vector<Entry>& entries, const char* what) {
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  for (std::size_t i = 1; i < entries.size(); ++i)
    if (entries[i].name == entries[i - 1].name)
      bad_input(std::string(what) + " '" + entries[i].name + "' is given twice");
}

std::int64_t parse_count(const std::string& name, const std::string& text) {
  std::size_t used = 0;
  long long value = -1;
  try {
    value = std::stoll(text, &used, 10);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size() || value < 0 || !std::isdigit(static_cast<unsigned char>(text[0])))
    bad_input("limit '" + name + "' must be a whole number >= 0, not '" + text + "'");
  return value;
}

}  // namespace

format::request read_request_file(const std::string& path) {
  const std::string text = cli::read_file(path, format::max_input_size);
  auto parsed = format::parse_request(text);
  if (!parsed.ok())
    bad_input(cli::about_file(path, "line " + std::to_string(parsed.error.line) + ", column " +
                                        std::to_string(parsed.error.column) + ": " + parsed.error.message));
  return std::move(*parsed.value);
}

void check_request_for(const format::request& req, const std::string& path, const std::string& product,
                       const std::string& key_id) {
  if (req.product != product)
    bad_input(cli::about_file(path, "is for product '" + req.product + "', not '" + product + "'"));
  if (req.key_id != key_id)
    bad_input(cli::about_file(path, "was made for vendor key " + req.key_id + ", but the signing key is " + key_id));
}

format::request read_request(const std::string& path, const std::string& product, const std::string& key_id) {
  format::request req = read_request_file(path);
  check_request_for(req, path, product, key_id);
  return req;
}

std::vector<format::limit_entry> parse_limits(const std::vector<std::string>& items) {
  std::vector<format::limit_entry> limits;
  for (const auto& item : items) {
    const auto [name, value] = split_pair(item, "limit", "[license.limits]");
    limits.push_back({name, parse_count(name, value)});
  }
  sort_by_name(limits, "limit");
  return limits;
}

format::machine_binding binding_for(const license_order& order, const std::string& key_id) {
  if (order.unbound == !order.request_path.empty()) bad_input("give exactly one of a request (--request) or --unbound");
  if (order.unbound) return format::machine_binding{};
  return binding_to(order, read_request(order.request_path, order.product, key_id));
}

format::machine_binding binding_to(const license_order& order, const format::request& req) {
  format::machine_binding m;
  const std::string policy = order.policy.empty() ? std::string(format::default_match_policy) : order.policy;
  if (!format::is_known_policy(policy))
    bad_input("unknown policy '" + policy + "' (use " + std::string(format::match_policy_v2) + " or " +
              std::string(format::match_policy_v1) + ")");
  const bool container = req.environment == format::runtime_environment::container;
  if (container && !order.allow_container)
    bad_input(cli::about_file(order.request_path,
                              "comes from a container; binding to the host's hardware needs --allow-container"));
  // The same rule as airlock-hwid's refusal and the verifier's report (format/match.hpp).
  const format::binding_strength strength =
      format::assess_binding(policy, format::evidence_of(req.machine), container, order.allow_container);
  if (strength.level == format::binding_level::none)
    bad_input(
        cli::about_file(order.request_path, "cannot be bound under " + policy + ": " + strength.summary.substr(6)));
  m.unbound = false;
  m.policy = policy;
  m.allow_container = order.allow_container;
  m.hashes = req.machine;
  if (policy == format::match_policy_v1) m.hashes.evidence_only.clear();  // v1 has no such key
  return m;
}

namespace {

template <typename Binding>
format::license build_with(const license_order& order, const std::string& key_id, format::utc_time issued,
                           Binding&& binding) {
  format::license lic;
  lic.id = order.id.empty() ? new_license_id() : order.id;
  lic.key_id = key_id;
  lic.product = order.product;
  lic.licensee = order.licensee;
  lic.issued = issued;
  const auto not_before = optional_date(order.not_before, "not-before");
  lic.not_before = not_before ? *not_before : format::utc_date(issued);
  lic.expires = optional_date(order.expires, "expires");
  lic.updates_until = optional_date(order.updates_until, "updates-until");
  // The file lists features sorted (one spelling per set); the order typed carries no meaning.
  lic.features = order.features;
  std::sort(lic.features.begin(), lic.features.end());
  for (std::size_t i = 1; i < lic.features.size(); ++i) {
    if (lic.features[i] == lic.features[i - 1])
      bad_input("duplicate feature '" + lic.features[i] + "' (each feature is given once)");
  }
  lic.limits = parse_limits(order.limits);
  for (const auto& item : order.meta) {
    const auto [name, value] = split_pair(item, "meta", "[license.meta]");
    lic.meta.push_back({name, value});
  }
  sort_by_name(lic.meta, "meta");
  lic.machine = binding();
  if (const auto problem = format::validate(lic)) bad_input(*problem);
  return lic;
}

}  // namespace

format::license build_license(const license_order& order, const std::string& key_id, format::utc_time issued) {
  return build_with(order, key_id, issued, [&] { return binding_for(order, key_id); });
}

format::license build_license(const license_order& order, const std::string& key_id, format::utc_time issued,
                              const format::request& req) {
  return build_with(order, key_id, issued, [&] {
    check_request_for(req, order.request_path, order.product, key_id);
    return binding_to(order, req);
  });
}

namespace {

// Body, then the signature table over the kind's prefix and the body. Every reader refuses a
// larger file, so writing one would only hand the customer a dead file.
std::string sign_body(const format::signed_kind& kind, const std::string& body, const std::string& key_id,
                      const keys::signing_key& key, const char* what, const char* advice) {
  const std::string message = format::signed_message(kind, body);
  format::signature_block block;
  block.key_id = key_id;
  block.value = key.sign(reinterpret_cast<const std::uint8_t*>(message.data()), message.size());
  const auto table = format::write_signature_block(block);
  if (!table.ok()) bad_input(table.error);
  std::string file = body + table.text;
  if (file.size() > format::max_input_size) {
    bad_input(std::string("the ") + what + " would be " + std::to_string(file.size()) + " bytes; a " + what +
              " file holds at most 65536 (" + advice + ")");
  }
  if (std::count(body.begin(), body.end(), '\n') > static_cast<std::ptrdiff_t>(format::max_lines)) {
    bad_input(std::string("the ") + what + " body would have more than 1024 lines");
  }
  return file;
}

}  // namespace

std::string sign_license(const format::license& lic, const keys::signing_key& key) {
  const auto body = format::write_license_body(lic);
  if (!body.ok()) bad_input(body.error);
  return sign_body(format::license_kind, body.text, lic.key_id, key, "license",
                   "fewer or shorter meta fields, features or licensee");
}

std::string sign_revocation_list(const format::revocation_list& list, const keys::signing_key& key) {
  const auto body = format::write_revocations_body(list);
  if (!body.ok()) bad_input(body.error);
  return sign_body(format::revocations_kind, body.text, list.key_id, key, "revocation list",
                   "at most 1024 ids; licenses long expired are left out already");
}

std::string new_license_id() {
  // getrandom(2), not std::random_device: libstdc++'s device uses RDRAND
  // where the CPU has it, which costs about 40 us a call in a VM (trapped),
  // more than the Ed25519 signature of a batch license.
  std::uint8_t bytes[16];
  for (std::size_t got = 0; got < sizeof bytes;) {
    const ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw cli::failure(cli::exit_internal, "getrandom failed: " + std::string(std::strerror(errno)));
    got += static_cast<std::size_t>(n);
  }
  return format::hex_encode(bytes, sizeof bytes);
}

format::utc_time current_time() {
  using namespace std::chrono;
  return format::utc_time{duration_cast<seconds>(system_clock::now().time_since_epoch()).count()};
}

}  // namespace airlock::generator
