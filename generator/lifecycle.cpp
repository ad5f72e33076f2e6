// SPDX-License-Identifier: MIT
#include "generator/lifecycle.hpp"

#include <algorithm>
#include <set>

#include "airlock/inspect.hpp"
#include "cli/diagnostics.hpp"
#include "generator/license_builder.hpp"

namespace airlock::generator {
namespace {

constexpr std::int64_t seconds_per_day = 24 * 3600;
// A revoked license that expired this long ago is refused by every verifier anyway.
constexpr std::int64_t revocation_horizon_days = 365;

[[noreturn]] void bad_input(const std::string& message) { throw cli::failure(cli::exit_bad_input, message); }

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

// One successor per license: a second renewal of the same one would fork its history.
void refuse_superseded(const ledger::ledger& book, const std::string& id) {
  const auto later = book.successors_of(id);
  if (!later.empty()) {
    bad_input("license " + id + " was already replaced by " + later.front().license_id + " (" +
              later.front().operation + "); work from that one");
  }
}

std::string class_difference(const std::vector<std::string>& before, const std::vector<std::string>& now) {
  if (before.empty()) return "added";
  if (now.empty()) return "not found now";
  const std::set<std::string> a(before.begin(), before.end()), b(now.begin(), now.end());
  if (a == b) return "same";
  const bool shared = std::any_of(a.begin(), a.end(), [&](const std::string& h) { return b.count(h) > 0; });
  return shared ? "partly changed" : "changed";
}

std::vector<class_change> difference_of(const format::component_hashes& before, const format::component_hashes& now) {
  std::vector<class_change> out;
  for (const format::component_class c : format::all_component_classes)
    if (!before[c].empty() || !now[c].empty()) out.push_back({c, class_difference(before[c], now[c])});
  return out;
}

}  // namespace

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

ledger::entry recorded(const ledger::ledger& book, const std::string& id) {
  auto found = book.find(id);
  if (!found) bad_input(cli::about_file(book.path(), "license '" + id + "' is not in the ledger"));
  if (found->license_text.empty()) bad_input("license " + id + " was erased from the ledger (forget)");
  return std::move(*found);
}

format::license renewal_of(const format::license& old, const ledger::ledger* book, const renewal_changes& changes,
                           format::utc_time issued) {
  if (book) {
    refuse_superseded(*book, old.id);
    const auto was = book->find(old.id);
    if (was && was->revoked)
      bad_input("license " + old.id + " is revoked (" + was->revoke_reason + "); it is not renewed");
  }
  format::license next = successor_of(old, issued);
  if (changes.expires) next.expires = changes.expires;
  if (changes.updates_until) next.updates_until = changes.updates_until;
  apply_feature_changes(next, changes.feature_changes);
  apply_limit_changes(next, changes.limits);
  next.min_revocation_sequence = changes.min_revocations;
  if (const auto problem = format::validate(next)) bad_input(*problem);
  return next;
}

rehost_plan plan_rehost(const ledger::ledger& book, const format::request& req, const std::string& request_label,
                        const keys::signing_key& key, format::utc_time now, long long budget) {
  if (budget < 0) throw cli::failure(cli::exit_usage, "--budget must be 0 or more");
  if (!req.replaces) {
    bad_input(
        cli::about_file(request_label, "names no license to replace (make it with airlock-hwid request --rehost)"));
  }
  const std::string old_id = *req.replaces;
  rehost_plan plan;
  plan.was = recorded(book, old_id);
  if (plan.was.revoked)
    bad_input("license " + old_id + " is revoked (" + plan.was.revoke_reason + "); it cannot be re-hosted");
  refuse_superseded(book, old_id);
  const format::license old = read_own_license("ledger entry " + old_id, plan.was.license_text, key);
  if (old.machine.unbound) bad_input("license " + old_id + " is not bound to a machine; nothing to re-host");
  plan.budget = budget;
  plan.used = book.rehosts_in_chain_since(old_id, format::utc_time{now.seconds - 365 * seconds_per_day});
  license_order order;
  order.product = old.product;
  order.request_path = request_label;
  order.policy = old.machine.policy;
  order.allow_container = old.machine.allow_container;
  check_request_for(req, request_label, old.product, keys::key_id(key.public_key()));
  plan.next = successor_of(old, now);
  plan.next.machine = binding_to(order, req);
  plan.difference = difference_of(old.machine.hashes, plan.next.machine.hashes);
  // A re-host spends budget and revokes a working license: never for the machine it already names.
  if (std::all_of(plan.difference.begin(), plan.difference.end(),
                  [](const class_change& c) { return c.change == "same"; })) {
    bad_input(cli::about_file(request_label, "holds the machine license " + old_id +
                                                 " is already bound to (no class changed); nothing to re-host"));
  }
  return plan;
}

void enforce_budget(const rehost_plan& plan, bool force, const std::string& reason, const std::string& how_to_force) {
  if (plan.within_budget()) return;
  if (!force) {
    bad_input("license " + plan.was.license_id + " was re-hosted " + std::to_string(plan.used) +
              " time(s) in the last 365 days (budget " + std::to_string(plan.budget) + "); " + how_to_force);
  }
  if (reason.empty()) throw cli::failure(cli::exit_usage, "a forced re-host needs a reason (it is recorded)");
}

std::string rehost_note(bool force, const std::string& reason) { return force ? "forced: " + reason : reason; }

format::revocation_list next_revocation_list(const ledger::ledger& book, const std::string& key_id,
                                             const std::string& product, format::utc_time issued) {
  format::revocation_list list;
  list.key_id = key_id;
  list.product = product;
  list.issued = issued;
  list.sequence = book.last_revocation_sequence(product) + 1;
  const format::date horizon =
      format::utc_date(format::utc_time{issued.seconds - revocation_horizon_days * seconds_per_day});
  for (const std::string& id : book.revoked_ids(product)) {
    const auto e = book.find(id);
    if (e && e->expires && *e->expires < horizon) continue;
    list.revoked.push_back(id);
  }
  std::sort(list.revoked.begin(), list.revoked.end());
  return list;
}

}  // namespace airlock::generator
