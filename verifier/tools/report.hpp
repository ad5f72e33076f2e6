// SPDX-License-Identifier: MIT
// How the tools show a verify_result: a readable report or JSON on stdout,
// one line on stderr when the license is rejected, and one exit code per
// reason. Shared by `airlock verify` and `airlock-verify` so that the two can
// never disagree. Standard library only; not part of the shipped headers.
#ifndef AIRLOCK_VERIFIER_TOOLS_REPORT_HPP
#define AIRLOCK_VERIFIER_TOOLS_REPORT_HPP

#include <cstdio>
#include <ostream>
#include <string>

// airlock-verify includes the single header first, which already holds
// verify_result; the other tools use the include tree.
#ifndef AIRLOCK_VERIFY_RESULT_HPP
#include "airlock/verify_result.hpp"
#endif
#include "cli/exit_codes.hpp"

namespace airlock::tools {

inline cli::exit_code exit_code_for(reason r) noexcept {
  switch (r) {
    case reason::ok: return cli::exit_ok;
    case reason::unreadable: return cli::exit_read_failed;
    case reason::malformed: return cli::exit_malformed;
    case reason::unsupported_version: return cli::exit_unsupported_version;
    case reason::unknown_key: return cli::exit_unknown_key;
    case reason::bad_signature: return cli::exit_bad_signature;
    case reason::key_id_mismatch: return cli::exit_key_id_mismatch;
    case reason::wrong_product: return cli::exit_wrong_product;
    case reason::clock_rolled_back: return cli::exit_clock_rollback;
    case reason::not_yet_valid: return cli::exit_not_yet_valid;
    case reason::expired: return cli::exit_expired;
    case reason::build_too_new: return cli::exit_build_too_new;
    case reason::unbindable_environment: return cli::exit_unbindable;
    case reason::machine_mismatch: return cli::exit_machine_mismatch;
  }
  return cli::exit_internal;
}

inline std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

inline std::string json_strings(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + json_string(items[i]);
  return out + "]";
}

inline std::string binding_line(const verify_result& r) {
  if (r.signature_valid && r.license.machine.unbound) return "not bound to a machine";
  if (!r.machine_checked) return "not checked";
  std::string out;
  for (const class_result& c : r.binding.classes)
    out +=
        std::string(out.empty() ? "" : ", ") + std::string(to_string(c.cls)) + " " + std::string(to_string(c.outcome));
  return out + " (drift " + std::to_string(r.binding.drift) + ", " + std::to_string(r.binding.changes_tolerated) +
         " more change(s) tolerated)";
}

inline void print_license_fields(std::ostream& out, const format::license& lic) {
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
  for (const auto& m : lic.meta) out << "meta:      " << m.name << " = " << m.value << "\n";
}

inline void print_report(std::ostream& out, const verify_result& r) {
  out << "verdict:   " << (r.ok() ? "valid" : "rejected") << "\n"
      << "reason:    " << to_string(r.why) << "\n"
      << "message:   " << r.message << "\n";
  if (r.signature_valid) print_license_fields(out, r.license);
  out << "binding:   " << binding_line(r) << "\n";
  for (const warning& w : r.warnings) out << "warning:   " << to_string(w.kind) << ": " << w.message << "\n";
}

// Every field of a license as one JSON object, machine hashes included.
inline std::string license_json(const format::license& lic) {
  std::string out =
      "{\"id\": " + json_string(lic.id) + ", \"key_id\": " + json_string(lic.key_id) +
      ", \"licensee\": " + json_string(lic.licensee) + ", \"product\": " + json_string(lic.product) +
      ", \"issued\": " + json_string(format::to_string(lic.issued)) +
      ", \"not_before\": " + json_string(format::to_string(lic.not_before)) +
      ", \"expires\": " + (lic.expires ? json_string(format::to_string(*lic.expires)) : "null") +
      ", \"updates_until\": " + (lic.updates_until ? json_string(format::to_string(*lic.updates_until)) : "null") +
      ", \"features\": " + json_strings(lic.features) + ", \"limits\": {";
  for (std::size_t i = 0; i < lic.limits.size(); ++i)
    out += (i ? ", " : "") + json_string(lic.limits[i].name) + ": " + std::to_string(lic.limits[i].value);
  out += "}, \"meta\": {";
  for (std::size_t i = 0; i < lic.meta.size(); ++i)
    out += (i ? ", " : "") + json_string(lic.meta[i].name) + ": " + json_string(lic.meta[i].value);
  out += "}, \"bound\": " + std::string(lic.machine.unbound ? "false" : "true");
  if (!lic.machine.unbound) {
    out += ", \"machine\": {\"policy\": " + json_string(lic.machine.policy) +
           ", \"allow_container\": " + (lic.machine.allow_container ? "true" : "false");
    const auto lists = format::component_lists(lic.machine);
    for (std::size_t i = 0; i < lists.size(); ++i)
      if (!lists[i]->empty()) out += ", " + json_string(format::component_classes[i]) + ": " + json_strings(*lists[i]);
    out += "}";
  }
  return out + "}";
}

inline void print_json(std::ostream& out, const verify_result& r) {
  out << "{\"valid\": " << (r.ok() ? "true" : "false") << ", \"reason\": " << json_string(to_string(r.why))
      << ", \"message\": " << json_string(r.message) << ", \"exit_code\": " << exit_code_for(r.why);
  if (r.line) out << ", \"line\": " << r.line << ", \"column\": " << r.column;
  if (r.signature_valid) out << ", \"license\": " << license_json(r.license);
  out << ", \"binding\": {\"checked\": " << (r.machine_checked ? "true" : "false");
  if (r.machine_checked) {
    out << ", \"ok\": " << (r.binding.ok ? "true" : "false") << ", \"drift\": " << r.binding.drift
        << ", \"changes_tolerated\": " << r.binding.changes_tolerated << ", \"classes\": {";
    for (std::size_t i = 0; i < r.binding.classes.size(); ++i)
      out << (i ? ", " : "") << json_string(to_string(r.binding.classes[i].cls)) << ": "
          << json_string(to_string(r.binding.classes[i].outcome));
    out << "}";
  }
  out << "}, \"warnings\": [";
  for (std::size_t i = 0; i < r.warnings.size(); ++i)
    out << (i ? ", " : "") << "{\"kind\": " << json_string(to_string(r.warnings[i].kind))
        << ", \"message\": " << json_string(r.warnings[i].message) << "}";
  out << "]}\n";
}

// The one stderr line of a rejection: "<tool>: error: <file>: <reason>: <message>".
inline void print_rejection(const char* tool, const std::string& path, const verify_result& r) {
  std::fprintf(stderr, "%s: error: %s: %s: %s\n", tool, path.c_str(), std::string(to_string(r.why)).c_str(),
               r.message.c_str());
}

}  // namespace airlock::tools

#endif
