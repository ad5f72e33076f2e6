// SPDX-License-Identifier: MIT
// How the tools show a verify_result: a readable report or JSON on stdout, one line on stderr when
// the license is rejected, and one exit code per reason. Shared by `airlock verify`, `airlock
// inspect` and `airlock-verify`, so that they never disagree.
#ifndef AIRLOCK_CLI_VERIFY_REPORT_HPP
#define AIRLOCK_CLI_VERIFY_REPORT_HPP

#include <ostream>
#include <string>

#include "airlock/format/license.hpp"
#include "airlock/reason.hpp"
#include "airlock/verify_result.hpp"
#include "cli/exit_codes.hpp"

namespace airlock::cli {

[[nodiscard]] exit_code exit_code_for(reason r) noexcept;

// The license's fields, one per line ("license:   <id>", "features:  a b").
void print_license_fields(std::ostream& out, const format::license& lic);

// Every field of a license as one JSON object, machine hashes included.
[[nodiscard]] std::string license_json(const format::license& lic);

void print_report(std::ostream& out, const verify_result& r);
// `more`: further members of the object, each starting with ", " (several licenses: which was used).
void print_json(std::ostream& out, const verify_result& r, const std::string& more = {});

// The one stderr line of a rejection: "<tool>: error: <file>: <reason>: <message>".
// After a machine_mismatch: the command that makes a re-host request for this license.
void print_rehost_hint(std::ostream& out, const std::string& path, const verify_result& r);
void print_rejection(const char* tool, const std::string& path, const verify_result& r);

}  // namespace airlock::cli

#endif
