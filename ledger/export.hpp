// SPDX-License-Identifier: MIT
// The ledger's entries as portable text: the JSON and CSV of `airlock ledger export`, which the
// console's downloads and its API give out unchanged, so a script reads one layout everywhere.
#ifndef AIRLOCK_LEDGER_EXPORT_HPP
#define AIRLOCK_LEDGER_EXPORT_HPP

#include <string>
#include <vector>

#include "ledger/ledger.hpp"

namespace airlock::ledger {

// `"name":"value"`, both escaped.
[[nodiscard]] std::string json_field(const char* name, const std::string& value);

// One entry as a JSON object; with_text adds the signed file's text as `license_text`.
[[nodiscard]] std::string entry_json(const entry& e, bool with_text);

// A JSON array of entries, one a line, ending in a line end.
[[nodiscard]] std::string entries_json(const std::vector<entry>& entries, bool with_text);

// A header line and one line per entry (RFC 4180 quoting); lists inside a cell are separated by ';'
// (features, limits) or ' ' (hashes).
[[nodiscard]] std::string entries_csv(const std::vector<entry>& entries);

// A data-subject access request's answer: everything held about one licensee, files included.
[[nodiscard]] std::string subject_json(const std::string& licensee, const std::string& ledger_path,
                                       const std::vector<entry>& held);

}  // namespace airlock::ledger

#endif
