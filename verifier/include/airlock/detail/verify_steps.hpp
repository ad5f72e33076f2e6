// SPDX-License-Identifier: MIT
// The steps of a license check, in the order they run. Each step either
// passes or sets the result's reason and message and stops the check, so a
// lower-level failure (parsing, signature) is never reported as a
// higher-level one (dates, machine). Nothing but the signature check looks
// at a field before the signature has been verified.
#ifndef AIRLOCK_DETAIL_VERIFY_STEPS_HPP
#define AIRLOCK_DETAIL_VERIFY_STEPS_HPP

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "airlock/detail/clock_state.hpp"
#include "airlock/format/envelope.hpp"
#include "airlock/format/license.hpp"
#include "airlock/format/time.hpp"
#include "airlock/hwid.hpp"
#include "airlock/match.hpp"
#include "airlock/trust_store.hpp"
#include "airlock/verify_result.hpp"

namespace airlock::detail {

inline constexpr std::size_t max_license_size = 64 * 1024;

inline bool fail(verify_result& r, reason why, std::string message) {
  r.why = why;
  r.message = std::move(message);
  return false;
}

// Reads at most max_license_size bytes. A larger file is malformed, as the
// same text given to verify_license would be; it is never read whole.
inline bool read_capped(const std::string& path, std::string& out, verify_result& r) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return fail(r, reason::unreadable, path + ": cannot open the license file");
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    if (out.size() + n > max_license_size) {
      std::fclose(f);
      return fail(r, reason::malformed, path + ": larger than 65536 bytes, so not a license");
    }
    out.append(buf, n);
  }
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  return !failed || fail(r, reason::unreadable, path + ": cannot read the license file (is it a folder?)");
}

inline std::int64_t system_now() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

inline bool fail_parse(verify_result& r, const format::parse_error& e) {
  r.line = e.line;
  r.column = e.column;
  const reason why =
      e.kind == format::error_kind::unsupported_version ? reason::unsupported_version : reason::malformed;
  return fail(r, why, "line " + std::to_string(e.line) + ", column " + std::to_string(e.column) + ": " + e.message);
}

// The one field read before the signature is checked: a file of another
// format version is reported as such rather than as a bad signature.
inline bool check_declared_version(std::string_view body, verify_result& r) {
  std::size_t line = 1;
  for (std::size_t pos = 0; pos < body.size(); ++line) {
    std::size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view text = body.substr(pos, end - pos);
    if (text.substr(0, 9) == "format = ") {
      const std::string_view value = text.substr(9);
      // Only another integer is another version; anything else is for the parser to reject.
      if (value == "1" || value.empty() || value.find_first_not_of("0123456789") != std::string_view::npos) return true;
      r.line = line;
      r.column = 10;
      return fail(r, reason::unsupported_version,
                  "line " + std::to_string(line) + ": license " + std::string(text) +
                      " is not supported by this verifier (format 1)");
    }
    pos = end + 1;
  }
  return true;  // no format line: the parser reports it as malformed
}

// Step 1: split off the signature table, find the key, verify the bytes.
struct signed_license {
  std::string body;
  format::signature_block signature;
};

inline bool check_signature(std::string_view raw, const trust_store& trusted, signed_license& out, verify_result& r) {
  if (raw.size() > max_license_size) return fail(r, reason::malformed, "larger than 65536 bytes, so not a license");
  auto split = format::split_license(format::normalize_line_endings(raw));
  if (!split.ok()) return fail_parse(r, split.error);
  out.body = std::move(split.value->body);
  out.signature = std::move(split.value->signature);
  if (!check_declared_version(out.body, r)) return false;
  const ed25519::public_key* key = trusted.find(out.signature.key_id);
  if (!key)
    return fail(r, reason::unknown_key, "signed by key " + out.signature.key_id + ", which is not trusted here");
  const std::string message = format::signed_message(out.body);
  if (!key->verify(reinterpret_cast<const std::uint8_t*>(message.data()), message.size(), out.signature.value.data(),
                   out.signature.value.size()))
    return fail(r, reason::bad_signature, "the signature does not match the license (was it edited?)");
  r.signature_valid = true;
  return true;
}

// Step 2: the signed body's fields.
inline bool check_fields(const signed_license& s, const verify_options& options, verify_result& r) {
  auto parsed = format::parse_license_body(s.body);
  if (!parsed.ok()) {
    r.signature_valid = false;
    return fail_parse(r, parsed.error);
  }
  r.license = std::move(*parsed.value);
  if (r.license.key_id != s.signature.key_id)
    return fail(r, reason::key_id_mismatch,
                "the license names key " + r.license.key_id + " but is signed by " + s.signature.key_id);
  if (r.license.product != options.product)
    return fail(r, reason::wrong_product,
                "the license is for '" + r.license.product + "', not '" + options.product + "'");
  return true;
}

// Step 3: a clock earlier than the issue time, or than a time already seen.
inline bool check_clock(const signed_license& s, std::int64_t now, const verify_options& options, verify_result& r) {
  const std::int64_t issued = r.license.issued.seconds;
  if (now + options.clock_tolerance_seconds < issued)
    return fail(r, reason::clock_rolled_back,
                "the clock says " + format::to_string(format::utc_time{now}) + ", before the license was issued (" +
                    format::to_string(r.license.issued) + ")");
  if (options.clock_state_file.empty()) return true;
  const auto state = read_clock_state(options.clock_state_file, s.signature.value, r.license.id);
  if (state.status == clock_state_status::altered)
    return fail(r, reason::clock_rolled_back, options.clock_state_file + ": the clock state file was altered");
  if (state.status == clock_state_status::valid && now + options.clock_tolerance_seconds < state.latest_seen)
    return fail(r, reason::clock_rolled_back,
                "the clock was set back: it says " + format::to_string(format::utc_time{now}) + " but " +
                    format::to_string(format::utc_time{state.latest_seen}) + " was already seen");
  const std::int64_t latest =
      state.status == clock_state_status::valid && state.latest_seen > now ? state.latest_seen : now;
  write_clock_state(options.clock_state_file, s.signature.value, r.license.id, latest);
  return true;
}

// Step 4: validity window (whole UTC days) and maintenance.
inline bool check_dates(std::int64_t now, const verify_options& options, verify_result& r) {
  const format::date today = format::utc_date(format::utc_time{now});
  const format::license& lic = r.license;
  if (today < lic.not_before)
    return fail(r, reason::not_yet_valid, "the license is valid from " + format::to_string(lic.not_before));
  if (lic.expires) {
    const std::int64_t days_past = format::days_from_civil(today) - format::days_from_civil(*lic.expires);
    if (days_past > options.grace_days)
      return fail(r, reason::expired, "the license expired on " + format::to_string(*lic.expires));
    if (days_past > 0)
      r.warnings.push_back({warning_kind::grace_period, "the license expired on " + format::to_string(*lic.expires) +
                                                            "; grace period ends in " +
                                                            std::to_string(options.grace_days - days_past) + " days"});
    else if (-days_past < options.expiry_warning_days)
      r.warnings.push_back({warning_kind::expires_soon, "the license expires on " + format::to_string(*lic.expires) +
                                                            " (" + std::to_string(-days_past) + " days left)"});
  }
  if (lic.updates_until && !options.build_date)
    r.warnings.push_back({warning_kind::maintenance_not_checked,
                          "the license covers builds up to " + format::to_string(*lic.updates_until) +
                              ", but no build date was given, so that was not checked"});
  if (lic.updates_until && options.build_date && *lic.updates_until < *options.build_date)
    return fail(r, reason::build_too_new,
                "this build (" + format::to_string(*options.build_date) + ") is newer than the maintenance period (" +
                    format::to_string(*lic.updates_until) + "); older builds stay licensed");
  return true;
}

inline class_hashes recorded_hashes(const format::machine_binding& m) {
  class_hashes h;
  h.platform = m.platform;
  h.disk = m.disk;
  h.nic = m.nic;
  h.os = m.os;
  h.board = m.board;
  return h;
}

// Step 5: the hardware binding, against the given snapshot or this machine.
inline bool check_machine(const verify_options& options, verify_result& r) {
  const format::machine_binding& m = r.license.machine;
  if (m.unbound) return true;
  if (!options.check_machine) {
    r.warnings.push_back({warning_kind::machine_not_checked, "the machine binding was not checked"});
    return true;
  }
  const hwid::machine_snapshot snapshot = options.machine ? *options.machine : hwid::collect(hwid::collect_options{});
  if (unbindable_environment(snapshot.is_container(), snapshot.host_hardware_visible, m.allow_container))
    return fail(r, reason::unbindable_environment,
                "running in a container, and the license does not allow binding to the host's hardware");
  const auto current = hwid::hash_snapshot(snapshot, r.license.key_id, r.license.product);
  r.binding = match_fingerprint(recorded_hashes(m), current);
  r.machine_checked = true;
  if (!r.binding.ok) return fail(r, reason::machine_mismatch, "bound to another machine: " + r.binding.reason);
  if (r.binding.changes_tolerated == 0)
    r.warnings.push_back({warning_kind::binding_fragile,
                          "one more hardware change will invalidate this license; ask the vendor for a new one"});
  return true;
}

inline void run_checks(std::string_view text, const trust_store& trusted, const verify_options& options,
                       verify_result& r) {
  signed_license s;
  if (!check_signature(text, trusted, s, r) || !check_fields(s, options, r)) return;
  const std::int64_t now = options.now ? *options.now : system_now();
  if (!check_clock(s, now, options, r) || !check_dates(now, options, r) || !check_machine(options, r)) return;
  r.why = reason::ok;
  r.message = "valid license " + r.license.id + " for " + r.license.licensee;
}

}  // namespace airlock::detail

#endif
