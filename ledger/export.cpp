// SPDX-License-Identifier: MIT
#include "ledger/export.hpp"

#include "cli/json.hpp"

namespace airlock::ledger {
namespace {

std::string limits_json(const entry& e) {
  std::string out = "{";
  for (const auto& l : e.limits)
    out += (out.size() > 1 ? "," : "") + cli::json_string(l.name) + ":" + std::to_string(l.value);
  return out + "}";
}

std::string meta_json(const entry& e) {
  std::string out = "{";
  for (const auto& m : e.meta)
    out += (out.size() > 1 ? "," : "") + cli::json_string(m.name) + ":" + cli::json_string(m.value);
  return out + "}";
}

std::string machine_json(const entry& e) {
  std::string out = "{" + json_field("policy", e.machine_policy);
  for (const auto c : format::all_component_classes)
    out += "," + cli::json_string(std::string(format::to_string(c))) + ":" + cli::json_strings(e.machine[c]);
  return out + ",\"evidence_only\":" + cli::json_strings(e.machine.evidence_only) + "}";
}

std::string date_or_empty(const std::optional<format::date>& d) { return d ? format::to_string(*d) : ""; }

std::string hashes_text(const std::vector<std::string>& hashes) {
  std::string out;
  for (const auto& h : hashes) out += (out.empty() ? "" : " ") + h;
  return out;
}

std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string json_field(const char* name, const std::string& value) {
  return cli::json_string(name) + ":" + cli::json_string(value);
}
std::string entry_json(const entry& e, bool with_text) {
  std::string out = "{\"row\":" + std::to_string(e.row);
  const std::pair<const char*, std::string> fields[] = {
      {"license_id", e.license_id},
      {"key_id", e.key_id},
      {"product", e.product},
      {"licensee", e.licensee},
      {"issued", format::to_string(e.issued)},
      {"not_before", format::to_string(e.not_before)},
      {"expires", date_or_empty(e.expires)},
      {"updates_until", date_or_empty(e.updates_until)},
      {"file_path", e.file_path},
      {"file_sha256", e.file_sha256},
      {"supersedes", e.supersedes},
      {"superseded_by", e.superseded_by},
      {"operation", e.operation},
      {"note", e.note},
      {"issued_by", e.issued_by},
      {"recorded_at", format::to_string(e.recorded_at)},
      {"revoked_at", e.revoked ? format::to_string(e.revoked_at) : ""},
      {"revoke_reason", e.revoke_reason}};
  for (const auto& [name, value] : fields) out += "," + json_field(name, value);
  out += ",\"features\":" + cli::json_strings(e.features) + ",\"limits\":" + limits_json(e) +
         ",\"meta\":" + meta_json(e) + ",\"machine\":" + machine_json(e);
  out += std::string(",\"revoked\":") + (e.revoked ? "true" : "false") +
         ",\"forgotten\":" + (e.forgotten ? "true" : "false");
  if (with_text) out += "," + json_field("license_text", e.license_text);
  return out + "}";
}

std::string entries_json(const std::vector<entry>& entries, bool with_text) {
  std::string out = "[";
  for (std::size_t i = 0; i < entries.size(); ++i) out += (i ? ",\n " : "") + entry_json(entries[i], with_text);
  return out + "]\n";
}
std::string entries_csv(const std::vector<entry>& entries) {
  std::string out =
      "row,license_id,key_id,product,licensee,issued,not_before,expires,updates_until,features,limits,"
      "machine_policy,platform,disk,nic,os,board,evidence_only,file_path,file_sha256,supersedes,operation,"
      "note,issued_by,recorded_at,revoked,revoked_at,revoke_reason,forgotten,superseded_by\n";
  for (const auto& e : entries) {
    std::string features, limits;
    for (const auto& f : e.features) features += (features.empty() ? "" : ";") + f;
    for (const auto& l : e.limits) limits += (limits.empty() ? "" : ";") + l.name + "=" + std::to_string(l.value);
    const std::string cells[] = {std::to_string(e.row),
                                 e.license_id,
                                 e.key_id,
                                 e.product,
                                 e.licensee,
                                 format::to_string(e.issued),
                                 format::to_string(e.not_before),
                                 date_or_empty(e.expires),
                                 date_or_empty(e.updates_until),
                                 features,
                                 limits,
                                 e.machine_policy,
                                 hashes_text(e.machine.platform),
                                 hashes_text(e.machine.disk),
                                 hashes_text(e.machine.nic),
                                 hashes_text(e.machine.os),
                                 hashes_text(e.machine.board),
                                 hashes_text(e.machine.evidence_only),
                                 e.file_path,
                                 e.file_sha256,
                                 e.supersedes,
                                 e.operation,
                                 e.note,
                                 e.issued_by,
                                 format::to_string(e.recorded_at),
                                 e.revoked ? "yes" : "no",
                                 e.revoked ? format::to_string(e.revoked_at) : "",
                                 e.revoke_reason,
                                 e.forgotten ? "yes" : "no",
                                 e.superseded_by};
    std::string line;
    for (const auto& c : cells) line += (line.empty() ? "" : ",") + csv_cell(c);
    out += line + "\n";
  }
  return out;
}

std::string subject_json(const std::string& licensee, const std::string& ledger_path, const std::vector<entry>& held) {
  return "{" + json_field("licensee", licensee) + "," + json_field("ledger", ledger_path) +
         ",\"licenses\":" + entries_json(held, true) + "}\n";
}

}  // namespace airlock::ledger
