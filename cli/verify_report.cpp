// SPDX-License-Identifier: MIT
#include "cli/verify_report.hpp"

#include <cstdio>
#include <string_view>

#include "airlock/format/machine.hpp"
#include "airlock/format/match.hpp"
#include "cli/json.hpp"

namespace airlock::cli {
namespace {

// The strength of what the license recorded, by the rule every tool shares (format/match.hpp).
std::string strength_of(const format::machine_binding& m) {
  return format::assess_binding(m.policy, format::evidence_of(m.hashes), false, m.allow_container).summary;
}

std::string binding_line(const verify_result& r) {
  if (r.license_read && r.license.machine.unbound) return "not bound to a machine";
  if (!r.machine_checked) return "not checked";
  std::string out;
  for (const format::class_result& c : r.binding.classes) {
    out += std::string(out.empty() ? "" : ", ") + std::string(to_string(c.cls)) + " " +
           std::string(to_string(c.outcome)) + (c.note.empty() ? "" : " (" + c.note + ")");
  }
  return out + " (drift " + std::to_string(r.binding.drift) + ", " + std::to_string(r.binding.changes_tolerated) +
         " more change(s) tolerated)\nstrength:  " + r.license.machine.policy + ", " + strength_of(r.license.machine);
}

// A vendor's meta text for a terminal: control characters (C0, DEL, C1) as \u00XX, so that no
// license can move the cursor or retitle the window of the support desk that reads it.
std::string printable(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const bool c1 = byte == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9F;
    if (byte >= 0x20 && byte != 0x7F && !c1) {
      out += text[i];
      continue;
    }
    const unsigned code = c1 ? static_cast<unsigned char>(text[++i]) : byte;
    ((out += "\\u00") += hex[code >> 4]) += hex[code & 15];
  }
  return out;
}

std::string date_or_null(const std::optional<format::date>& d) {
  return d ? json_string(format::to_string(*d)) : std::string("null");
}

std::string machine_json(const format::machine_binding& m) {
  std::string out =
      "{\"policy\": " + json_string(m.policy) + ", \"allow_container\": " + (m.allow_container ? "true" : "false");
  for (const format::component_class c : format::all_component_classes) {
    if (!m.hashes[c].empty()) out += ", " + json_string(to_string(c)) + ": " + json_strings(m.hashes[c]);
  }
  if (!m.hashes.evidence_only.empty()) out += ", \"evidence_only\": " + json_strings(m.hashes.evidence_only);
  return out + "}";
}

}  // namespace

exit_code exit_code_for(reason r) noexcept {
  switch (r) {
    case reason::ok: return exit_ok;
    case reason::unreadable: return exit_read_failed;
    case reason::malformed: return exit_malformed;
    case reason::unsupported_version: return exit_unsupported_version;
    case reason::unknown_key: return exit_unknown_key;
    case reason::bad_signature: return exit_bad_signature;
    case reason::key_id_mismatch: return exit_key_id_mismatch;
    case reason::wrong_product: return exit_wrong_product;
    case reason::clock_rolled_back: return exit_clock_rollback;
    case reason::revocation_list_invalid: return exit_revocation_list_invalid;
    case reason::revocation_list_stale: return exit_revocation_list_stale;
    case reason::revoked: return exit_revoked;
    case reason::not_yet_valid: return exit_not_yet_valid;
    case reason::expired: return exit_expired;
    case reason::build_too_new: return exit_build_too_new;
    case reason::unbindable_environment: return exit_unbindable;
    case reason::machine_mismatch: return exit_machine_mismatch;
  }
  return exit_internal;
}

void print_license_fields(std::ostream& out, const format::license& lic) {
  out << "license:   " << lic.id << "\n"
      << "licensee:  " << lic.licensee << "\n"
      << "product:   " << lic.product << "\n"
      << "issued:    " << format::to_string(lic.issued) << "\n"
      << "valid:     " << format::to_string(lic.not_before) << " to "
      << (lic.expires ? format::to_string(*lic.expires) : std::string("(perpetual)")) << "\n"
      << "updates:   "
      << (lic.updates_until ? "until " + format::to_string(*lic.updates_until) : std::string("all builds")) << "\n";
  out << "features: ";
  for (const auto& f : lic.features) out << " " << f;
  out << "\n";
  for (const auto& l : lic.limits) out << "limit:     " << l.name << " = " << l.value << "\n";
  for (const auto& m : lic.meta) out << "meta:      " << m.name << " = " << printable(m.value) << "\n";
  if (lic.supersedes) out << "replaces:  " << *lic.supersedes << "\n";
  if (lic.min_revocation_sequence)
    out << "needs:     revocation list " << *lic.min_revocation_sequence << " or newer\n";
  for (const auto& e : lic.extensions) out << "ignored:   extension " << e << " (from a newer format)\n";
}

std::string license_json(const format::license& lic) {
  std::string out = "{\"id\": " + json_string(lic.id) + ", \"key_id\": " + json_string(lic.key_id) +
                    ", \"licensee\": " + json_string(lic.licensee) + ", \"product\": " + json_string(lic.product) +
                    ", \"issued\": " + json_string(format::to_string(lic.issued)) +
                    ", \"not_before\": " + json_string(format::to_string(lic.not_before)) +
                    ", \"expires\": " + date_or_null(lic.expires) +
                    ", \"updates_until\": " + date_or_null(lic.updates_until) +
                    ", \"features\": " + json_strings(lic.features) + ", \"limits\": {";
  for (std::size_t i = 0; i < lic.limits.size(); ++i) {
    out += (i ? ", " : "") + json_string(lic.limits[i].name) + ": " + std::to_string(lic.limits[i].value);
  }
  out += "}, \"meta\": {";
  for (std::size_t i = 0; i < lic.meta.size(); ++i) {
    out += (i ? ", " : "") + json_string(lic.meta[i].name) + ": " + json_string(lic.meta[i].value);
  }
  out += "}, \"supersedes\": " + (lic.supersedes ? json_string(*lic.supersedes) : std::string("null")) +
         ", \"min_revocation_sequence\": " +
         (lic.min_revocation_sequence ? std::to_string(*lic.min_revocation_sequence) : std::string("null")) +
         ", \"extensions\": " + json_strings(lic.extensions);
  out += ", \"bound\": " + std::string(lic.machine.unbound ? "false" : "true");
  if (!lic.machine.unbound) out += ", \"machine\": " + machine_json(lic.machine);
  return out + "}";
}

void print_report(std::ostream& out, const verify_result& r) {
  out << "verdict:   " << (r.ok() ? "valid" : "rejected") << "\n"
      << "reason:    " << to_string(r.why) << "\n"
      << "message:   " << r.message << "\n";
  if (r.license_read) print_license_fields(out, r.license);
  out << "binding:   " << binding_line(r) << "\n";
  for (const warning& w : r.warnings) out << "warning:   " << to_string(w.kind) << ": " << w.message << "\n";
}

void print_json(std::ostream& out, const verify_result& r, const std::string& more) {
  out << "{\"valid\": " << (r.ok() ? "true" : "false") << ", \"reason\": " << json_string(to_string(r.why))
      << ", \"message\": " << json_string(r.message) << ", \"exit_code\": " << exit_code_for(r.why);
  if (r.line) out << ", \"line\": " << r.line << ", \"column\": " << r.column;
  if (r.license_read) out << ", \"license\": " << license_json(r.license);
  out << ", \"binding\": {\"checked\": " << (r.machine_checked ? "true" : "false");
  if (r.machine_checked) {
    out << ", \"ok\": " << (r.binding.ok ? "true" : "false") << ", \"drift\": " << r.binding.drift
        << ", \"changes_tolerated\": " << r.binding.changes_tolerated << ", \"classes\": {";
    for (std::size_t i = 0; i < r.binding.classes.size(); ++i) {
      out << (i ? ", " : "") << json_string(to_string(r.binding.classes[i].cls)) << ": "
          << json_string(to_string(r.binding.classes[i].outcome));
    }
    out << "}, \"notes\": {";
    bool first = true;
    for (const format::class_result& c : r.binding.classes) {
      if (c.note.empty()) continue;
      out << (first ? "" : ", ") << json_string(to_string(c.cls)) << ": " << json_string(c.note);
      first = false;
    }
    out << "}, \"strength\": " << json_string(strength_of(r.license.machine));
  }
  out << "}, \"warnings\": [";
  for (std::size_t i = 0; i < r.warnings.size(); ++i) {
    out << (i ? ", " : "") << "{\"kind\": " << json_string(to_string(r.warnings[i].kind))
        << ", \"message\": " << json_string(r.warnings[i].message) << "}";
  }
  out << "]" << more << "}\n";
}

void print_rehost_hint(std::ostream& out, const std::string& path, const verify_result& r) {
  if (r.why != reason::machine_mismatch) return;
  out << "re-host:   to move this license to this machine, run\n"
      << "             airlock-hwid request --rehost " << path << " --out rehost-request.toml\n"
      << "           and send rehost-request.toml to your vendor (it holds only keyed hashes)\n";
}

void print_rejection(const char* tool, const std::string& path, const verify_result& r) {
  std::fprintf(stderr, "%s: error: %s: %s: %s\n", tool, path.c_str(), std::string(to_string(r.why)).c_str(),
               r.message.c_str());
}

}  // namespace airlock::cli
