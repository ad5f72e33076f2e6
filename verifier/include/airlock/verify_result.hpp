// SPDX-License-Identifier: MIT
// What a license check takes (verify_options) and gives back (verify_result).
#ifndef AIRLOCK_VERIFY_RESULT_HPP
#define AIRLOCK_VERIFY_RESULT_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "airlock/format/license.hpp"
#include "airlock/format/match.hpp"
#include "airlock/format/time.hpp"
#include "airlock/hwid/snapshot.hpp"
#include "airlock/reason.hpp"

namespace airlock {

enum class warning_kind {
  expires_soon,             // fewer than expiry_warning_days left
  grace_period,             // expired, still accepted within grace_days
  binding_drift,            // a bound part changed or is unreadable; the binding still holds
  binding_fragile,          // one more hardware change will break the binding
  machine_not_checked,      // the caller turned the machine check off
  maintenance_not_checked,  // updates_until is set but the caller gave no build date
};

struct warning {
  warning_kind kind;
  std::string message;
};

[[nodiscard]] constexpr std::string_view to_string(warning_kind k) noexcept {
  switch (k) {
    case warning_kind::expires_soon: return "expires_soon";
    case warning_kind::grace_period: return "grace_period";
    case warning_kind::binding_drift: return "binding_drift";
    case warning_kind::binding_fragile: return "binding_fragile";
    case warning_kind::machine_not_checked: return "machine_not_checked";
    case warning_kind::maintenance_not_checked: return "maintenance_not_checked";
  }
  return "unknown";
}

struct verify_options {
  std::string product;                     // the product this build is
  std::optional<format::date> build_date;  // this build's release date, for updates_until
  std::optional<std::int64_t> now;         // Unix seconds; default: the system clock
  // The machine to check against; default: read this machine (most of a bound check's time).
  // A product that checks repeatedly can read it once and pass it on, reading exactly what the
  // check would (the classes its license recorded; `license` from a first check's result):
  //   options.machine = hwid::collect(hwid::options_for(license.machine.hashes));
  // Staleness: a snapshot hides hardware changes made after it was read, so read it again after at
  // most 10 minutes, and whenever a check with it fails for machine_mismatch or
  // unbindable_environment (check once more with the fresh one before reporting that). The other
  // reasons do not depend on the machine. It holds raw identifiers: keep it in memory only.
  std::optional<hwid::machine_snapshot> machine;
  bool check_machine = true;  // false: signature and dates only (support desks)
  int grace_days = 0;         // accept this many days after expiry, with a warning
  int expiry_warning_days = 30;
  std::int64_t clock_tolerance_seconds = 24 * 3600;
  // Optional file where the latest time seen is kept (with a MAC), so a
  // clock set back below it is noticed. One file per license id: a file of
  // another license is altered (clock_rolled_back). Empty: not used. It
  // also keeps the newest revocation list accepted, so an older one given
  // again is refused (revocation_list_stale).
  std::string clock_state_file;
  // Instead of one file: a folder where the state of each license is kept
  // as "<license id>.clock", so a renewal or a re-host starts its own state
  // (and several licenses can be checked, verify_license_files). Used when
  // clock_state_file is empty.
  std::string clock_state_folder;
  // The vendor's signed revocation list for this product (FORMAT.md 11), as
  // text or as a path; at most one of the two. Both empty: no list, which
  // fails a license that sets min_revocation_sequence.
  std::string revocation_list;
  std::string revocation_list_file;
};

struct verify_result {
  reason why = reason::malformed;
  std::string message;               // one line for people
  std::size_t line = 0, column = 0;  // where a malformed license went wrong
  bool signature_valid = false;      // the license was signed by a trusted key
  bool license_read = false;         // `license` holds the file's fields (signed when signature_valid)
  format::license license;
  bool machine_checked = false;
  format::match_report binding;          // valid when machine_checked
  std::int64_t revocation_sequence = 0;  // the sequence of the list accepted; 0: none given
  std::vector<warning> warnings;

  [[nodiscard]] bool ok() const noexcept { return why == reason::ok; }
  [[nodiscard]] bool has_feature(std::string_view name) const noexcept {
    if (!ok()) return false;
    for (const auto& f : license.features)
      if (f == name) return true;
    return false;
  }
  // The limit's value, or nullopt when the license sets none (or fails).
  [[nodiscard]] std::optional<std::int64_t> limit(std::string_view name) const noexcept {
    if (!ok()) return std::nullopt;
    for (const auto& l : license.limits)
      if (l.name == name) return l.value;
    return std::nullopt;
  }
};

}  // namespace airlock

#endif
