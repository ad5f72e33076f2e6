// SPDX-License-Identifier: MIT
// A license's life after its first issue, as rules over the ledger: renewal, re-host with its budget
// and per-class difference, and the revocation list. `airlock renew|rehost|revocations` and the
// console both call these; neither has its own copy of a rule. Every refusal is a cli::failure.
#ifndef AIRLOCK_GENERATOR_LIFECYCLE_HPP
#define AIRLOCK_GENERATOR_LIFECYCLE_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "airlock/format/license.hpp"
#include "airlock/format/request.hpp"
#include "airlock/format/revocations.hpp"
#include "keys/vendor_key.hpp"
#include "ledger/ledger.hpp"

namespace airlock::generator {

inline constexpr long long default_rehost_budget = 3;  // re-hosts along a license's chain in 365 days

// A license this key signed, read from `text` (`label` names it in errors): a file edited on the way
// back, or signed by someone else, never seeds a successor.
[[nodiscard]] format::license read_own_license(const std::string& label, const std::string& text,
                                               const keys::signing_key& key);
// The ledger's record of a license, which must still hold its text (not forgotten).
[[nodiscard]] ledger::entry recorded(const ledger::ledger& book, const std::string& id);

// What a renewal changes; everything else is kept.
struct renewal_changes {
  std::optional<format::date> expires, updates_until;
  std::vector<std::string> feature_changes;  // "+NAME" adds, "-NAME" removes
  std::vector<std::string> limits;           // "NAME=N" sets
  std::optional<std::int64_t> min_revocations;
};

// The successor of `old`: a new id, `supersedes` naming it, the changes applied. With a ledger, a
// revoked license or one already replaced is refused.
[[nodiscard]] format::license renewal_of(const format::license& old, const ledger::ledger* book,
                                         const renewal_changes& changes, format::utc_time issued);

// "same", "changed", "partly changed", "added" or "not found now", for one class.
struct class_change {
  format::component_class component;
  std::string change;
};

// A re-host request checked against the ledger, and the successor it would issue.
struct rehost_plan {
  ledger::entry was;                     // the license it replaces
  format::license next;                  // bound to the new machine, not yet signed
  std::vector<class_change> difference;  // the classes either machine has
  int used = 0;                          // re-hosts along the chain in the last 365 days, this one not counted
  long long budget = default_rehost_budget;
  [[nodiscard]] bool within_budget() const { return used < budget; }
};

// Refuses a request that names no license, a license unknown, forgotten, revoked, replaced,
// unbound or signed by another key, a request for another product or key, and one for the
// machine the license already names. The budget is reported, not enforced: see enforce_budget.
[[nodiscard]] rehost_plan plan_rehost(const ledger::ledger& book, const format::request& req,
                                      const std::string& request_label, const keys::signing_key& key,
                                      format::utc_time now, long long budget);
// Over budget: refused unless forced with a reason, which is recorded. `how_to_force` says how.
void enforce_budget(const rehost_plan& plan, bool force, const std::string& reason, const std::string& how_to_force);
// The note a re-host's ledger row keeps.
[[nodiscard]] std::string rehost_note(bool force, const std::string& reason);

// The next revocation list of `product`: every license the ledger records as revoked, but those
// expired more than a year ago, with the next sequence number. Not yet recorded: record it
// (ledger::record_revocation_list) before the signed file leaves.
[[nodiscard]] format::revocation_list next_revocation_list(const ledger::ledger& book, const std::string& key_id,
                                                           const std::string& product, format::utc_time issued);

}  // namespace airlock::generator

#endif
