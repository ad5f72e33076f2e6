// SPDX-License-Identifier: MIT
// The steps of a license check, in the order FORMAT.md 3.2 gives them. Each step either passes or
// sets the result's reason and message and stops the check, so a lower-level failure (reading,
// version, signature) is never reported as a higher-level one (dates, machine). Nothing but the
// declared version is looked at before the signature has been verified.
#ifndef AIRLOCK_DETAIL_VERIFY_STEPS_HPP
#define AIRLOCK_DETAIL_VERIFY_STEPS_HPP

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <limits>
#include <string>
#include <string_view>

#include "airlock/detail/bounded_read.hpp"
#include "airlock/detail/clock_state.hpp"
#include "airlock/detail/revocation_check.hpp"
#include "airlock/format/envelope.hpp"
#include "airlock/format/license.hpp"
#include "airlock/format/match.hpp"
#include "airlock/format/time.hpp"
#include "airlock/hwid/collect.hpp"
#include "airlock/hwid/hash.hpp"
#include "airlock/trust_store.hpp"
#include "airlock/verify_result.hpp"

namespace airlock::detail {

// POSIX time_t counts seconds since the epoch, which is what the dates are compared in.
inline std::int64_t system_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

[[nodiscard]] inline reason reason_for(format::error_kind kind) noexcept {
  switch (kind) {
    case format::error_kind::malformed: break;
    case format::error_kind::unsupported_version: return reason::unsupported_version;
    case format::error_kind::key_id_mismatch: return reason::key_id_mismatch;
  }
  return reason::malformed;
}

inline bool fail_parse(verify_result& r, const format::parse_error& e) {
  r.line = e.line;
  r.column = e.column;
  return fail(r, reason_for(e.kind),
              "line " + std::to_string(e.line) + ", column " + std::to_string(e.column) + ": " + e.message);
}

// Steps 1-6: size, normalization, declared version, split, signature table, the blank line.
inline bool open_envelope(std::string_view raw, format::license_envelope& out, verify_result& r) {
  if (raw.size() > format::max_input_size)
    return fail(r, reason::malformed, "larger than 65536 bytes, so not a license");
  auto opened = format::open_license(raw);
  if (!opened.ok()) return fail_parse(r, opened.error);
  out = std::move(*opened.value);
  return true;
}

// Step 7: the trusted key named by the signature, and the signature over the signed message.
inline bool check_signature(const format::license_envelope& envelope, const trust_store& trusted, verify_result& r,
                            const format::signed_kind& kind = format::license_kind) {
  const ed25519::public_key* key = trusted.find(envelope.signature.key_id);
  if (!key) {
    return fail(r, reason::unknown_key, "signed by key " + envelope.signature.key_id + ", which is not trusted here");
  }
  const std::string message = format::signed_message(kind, envelope.body);
  if (!key->verify(reinterpret_cast<const std::uint8_t*>(message.data()), message.size(),
                   envelope.signature.value.data(), envelope.signature.value.size())) {
    return fail(r, reason::bad_signature, "the signature does not match the license (was it edited?)");
  }
  r.signature_valid = true;
  return true;
}

// Steps 8-9: the body's fields, and that they name the key that signed them.
inline bool read_content(const format::license_envelope& envelope, verify_result& r) {
  auto content = format::read_license_content(envelope);
  if (!content.ok()) {
    r.signature_valid = false;
    return fail_parse(r, content.error);
  }
  r.license = std::move(*content.value);
  r.license_read = true;
  return true;
}

// The product this build is.
inline bool check_product(const verify_options& options, verify_result& r) {
  if (r.license.product == options.product) return true;
  return fail(r, reason::wrong_product,
              "the license is for '" + r.license.product + "', not '" + options.product + "'");
}

// now + tolerance without overflow: an injected clock may be anywhere in the int64 range.
[[nodiscard]] inline std::int64_t saturating_add(std::int64_t a, std::int64_t b) noexcept {
  using limits = std::numeric_limits<std::int64_t>;
  if (b > 0 && a > limits::max() - b) return limits::max();
  if (b < 0 && a < limits::min() - b) return limits::min();
  return a + b;
}

// The state file of this license: the one named, or its own in the state folder.
inline std::string clock_state_path(const verify_options& options, const std::string& license_id) {
  if (!options.clock_state_file.empty() || options.clock_state_folder.empty()) return options.clock_state_file;
  return options.clock_state_folder + "/" + license_id + ".clock";
}

// A clock earlier than the issue time, or than a time already seen. Reads the state file into
// `state`; writing it back is save_clock_state's, once the revocation list is known.
inline bool check_clock(const format::signature_block& signature, std::int64_t now, const verify_options& options,
                        clock_state& state, verify_result& r) {
  const std::int64_t issued = r.license.issued.seconds;
  const std::int64_t latest_allowed = saturating_add(now, options.clock_tolerance_seconds);
  if (latest_allowed < issued) {
    return fail(r, reason::clock_rolled_back,
                "the clock says " + format::to_string(format::utc_time{now}) + ", before the license was issued (" +
                    format::to_string(r.license.issued) + ")");
  }
  const std::string path = clock_state_path(options, r.license.id);
  if (path.empty()) return true;
  state = read_clock_state(path, signature.value, r.license.id);
  if (state.status == clock_state_status::not_regular) {
    return fail(r, reason::unreadable, path + ": the clock state file is not a regular file");
  }
  if (state.status == clock_state_status::altered) {
    return fail(r, reason::clock_rolled_back,
                path + ": the clock state file was altered or does not belong to this license");
  }
  if (state.status == clock_state_status::valid && latest_allowed < state.latest_seen) {
    return fail(r, reason::clock_rolled_back,
                "the clock was set back: it says " + format::to_string(format::utc_time{now}) + " but " +
                    format::to_string(format::utc_time{state.latest_seen}) + " was already seen");
  }
  return true;
}

// The later time and the newer list seen, for the next check of this license.
inline void save_clock_state(const format::signature_block& signature, std::int64_t now, const verify_options& options,
                             const clock_state& state, std::int64_t accepted_sequence, const verify_result& r) {
  const std::string path = clock_state_path(options, r.license.id);
  if (path.empty()) return;
  const bool known = state.status == clock_state_status::valid;
  const std::int64_t latest = known && state.latest_seen > now ? state.latest_seen : now;
  const std::int64_t sequence =
      known && state.revocation_sequence > accepted_sequence ? state.revocation_sequence : accepted_sequence;
  write_clock_state(path, signature.value, r.license.id, latest, sequence);
}

// Validity window (whole UTC days) and maintenance.
inline bool check_dates(std::int64_t now, const verify_options& options, verify_result& r) {
  const format::date today = format::utc_date(format::utc_time{now});
  const format::license& lic = r.license;
  if (today < lic.not_before) {
    return fail(r, reason::not_yet_valid, "the license is valid from " + format::to_string(lic.not_before));
  }
  if (lic.expires) {
    const std::int64_t days_past = format::days_from_civil(today) - format::days_from_civil(*lic.expires);
    if (days_past > options.grace_days) {
      return fail(r, reason::expired, "the license expired on " + format::to_string(*lic.expires));
    }
    if (days_past > 0) {
      r.warnings.push_back({warning_kind::grace_period, "the license expired on " + format::to_string(*lic.expires) +
                                                            "; grace period ends in " +
                                                            std::to_string(options.grace_days - days_past) + " days"});
    } else if (-days_past < options.expiry_warning_days) {
      r.warnings.push_back({warning_kind::expires_soon, "the license expires on " + format::to_string(*lic.expires) +
                                                            " (" + std::to_string(-days_past) + " days left)"});
    }
  }
  if (lic.updates_until && !options.build_date) {
    r.warnings.push_back({warning_kind::maintenance_not_checked,
                          "the license covers builds up to " + format::to_string(*lic.updates_until) +
                              ", but no build date was given, so that was not checked"});
  }
  if (lic.updates_until && options.build_date && *lic.updates_until < *options.build_date) {
    return fail(r, reason::build_too_new,
                "this build (" + format::to_string(*options.build_date) + ") is newer than the maintenance period (" +
                    format::to_string(*lic.updates_until) + "); older builds stay licensed");
  }
  return true;
}

// "disk changed, os missing (machine-id missing)": the parts that no longer match, and why.
inline std::string unmatched_parts(const format::match_report& binding) {
  std::string parts;
  for (const format::class_result& c : binding.classes) {
    if (c.outcome == format::class_outcome::matched) continue;
    parts += (parts.empty() ? "" : ", ") + std::string(format::to_string(c.cls)) + " " +
             std::string(format::to_string(c.outcome)) + (c.note.empty() ? "" : " (" + c.note + ")");
  }
  return parts;
}

// Names each part that no longer matches and how many more changes the binding takes. An intact
// binding warns only when any change would break it; that one part (the only proof) must stay is
// what the strength grade says.
inline void warn_about_drift(verify_result& r) {
  const std::string parts = unmatched_parts(r.binding);
  const int more = r.binding.changes_tolerated;
  if (parts.empty()) {
    if (r.binding.strong_matched > r.binding.needed) return;
    r.warnings.push_back({warning_kind::binding_fragile,
                          "one more hardware change will invalidate this license; ask the vendor for a new one"});
    return;
  }
  if (more == 0) {
    r.warnings.push_back(
        {warning_kind::binding_fragile, parts + "; no further change is tolerated: ask the vendor for a new license"});
  } else {
    r.warnings.push_back(
        {warning_kind::binding_drift, parts + "; " + std::to_string(more) + " more change(s) tolerated"});
  }
}

// The hardware binding, against the given snapshot or this machine, reading exactly the classes
// the license recorded.
inline bool check_machine(const verify_options& options, verify_result& r) {
  const format::machine_binding& m = r.license.machine;
  if (m.unbound) return true;
  if (!options.check_machine) {
    r.warnings.push_back({warning_kind::machine_not_checked, "the machine binding was not checked"});
    return true;
  }
  const hwid::machine_snapshot snapshot =
      options.machine ? *options.machine : hwid::collect(hwid::options_for(m.hashes));
  if (snapshot.is_container() && !m.allow_container) {
    return fail(r, reason::unbindable_environment,
                "running in a container, and the license does not allow binding to the host's hardware");
  }
  // The host's hardware that counts is what the license recorded (FORMAT.md 5): nothing else is read.
  bool recorded_hardware_visible = false;
  for (const format::component_class c : format::all_component_classes) {
    recorded_hardware_visible |= format::is_hardware_class(c) && !m.hashes[c].empty() && snapshot[c].present();
  }
  if (format::unbindable_environment(snapshot.is_container(), recorded_hardware_visible, m.allow_container)) {
    return fail(r, reason::unbindable_environment,
                "running in a container that shows none of the host's hardware this license is bound to");
  }
  const auto current = hwid::hash_snapshot(snapshot, r.license.key_id, r.license.product);
  r.binding = format::match_fingerprint(m.policy, m.hashes, current);
  for (format::class_result& c : r.binding.classes) {
    if (c.outcome == format::class_outcome::missing) c.note = snapshot[c.cls].reason;
  }
  r.machine_checked = true;
  if (!r.binding.ok) {
    const std::string parts = unmatched_parts(r.binding);
    const bool add = !parts.empty() && parts != r.binding.reason;
    return fail(r, reason::machine_mismatch,
                "bound to another machine: " + r.binding.reason + (add ? ": " + parts : ""));
  }
  warn_about_drift(r);
  return true;
}

// Steps 1-9: what every reader of a license runs. Without a trust store (inspect without a key)
// step 7 is skipped and signature_valid stays false.
inline bool read_license_steps(std::string_view text, const trust_store* trusted, format::license_envelope& envelope,
                               verify_result& r) {
  if (!open_envelope(text, envelope, r)) return false;
  if (trusted != nullptr && !check_signature(envelope, *trusted, r)) return false;
  return read_content(envelope, r);
}

inline void run_checks(std::string_view text, const trust_store& trusted, const verify_options& options,
                       verify_result& r) {
  format::license_envelope envelope;
  if (!read_license_steps(text, &trusted, envelope, r) || !check_product(options, r)) return;
  const std::int64_t now = options.now ? *options.now : system_now();
  clock_state state;
  if (!check_clock(envelope.signature, now, options, state, r)) return;
  const revocation_verdict revocation = check_revocations(trusted, options, state.revocation_sequence, r.license);
  r.revocation_sequence = revocation.accepted_sequence;
  save_clock_state(envelope.signature, now, options, state, revocation.accepted_sequence, r);
  if (revocation.why != reason::ok) {
    fail(r, revocation.why, revocation.message);
    return;
  }
  if (!check_dates(now, options, r) || !check_machine(options, r)) return;
  r.why = reason::ok;
  r.message = "valid license " + r.license.id + " for " + r.license.licensee;
}

}  // namespace airlock::detail

#endif
