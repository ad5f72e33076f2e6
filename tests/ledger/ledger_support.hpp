// SPDX-License-Identifier: MIT
// What the ledger tests share: a vendor key in a temporary folder, issuing
// into an explicit ledger, and reading the ledger with the sqlite3 tool.
#ifndef AIRLOCK_TESTS_LEDGER_SUPPORT_HPP
#define AIRLOCK_TESTS_LEDGER_SUPPORT_HPP

#include <string>

#include "support/support.hpp"

namespace airlock::test::ledger {

inline std::string q(const std::string& s) { return shell_quote(s); }

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

inline bool one_error_line(const std::string& err) {
  return err.rfind("airlock: error: ", 0) == 0 && err.find('\n') == err.size() - 1;
}

inline std::string source_file(const std::string& relative) { return std::string(AIRLOCK_SOURCE_DIR) + "/" + relative; }
inline std::string test_key() { return source_file("formats/vectors/test_vendor_key.pem"); }
inline std::string sample_request() { return source_file("formats/vectors/request.toml"); }

// `airlock ARGS` with no passphrase and no ledger from the environment.
inline std::string airlock_cmd(const std::string& args) {
  return "env -u AIRLOCK_PASSPHRASE -u AIRLOCK_LEDGER " + q(tool("airlock")) + " " + args;
}

inline run_result run_airlock(const std::string& args) { return run(airlock_cmd(args)); }

// Issues an unbound license for acme-studio with the test key into `ledger`.
inline run_result issue(const std::string& ledger, const std::string& out, const std::string& id,
                        const std::string& rest = "--licensee 'Example Corp'") {
  return run_airlock("issue --key " + q(test_key()) + " --ledger " + q(ledger) +
                     " --product acme-studio --unbound --id " + q(id) + " --out " + q(out) + " " + rest);
}

// Runs SQL on the ledger with the sqlite3 command-line tool; returns its output.
inline run_result sql(const std::string& ledger, const std::string& statements) {
  return run("sqlite3 -batch " + q(ledger) + " " + q(statements));
}

}  // namespace airlock::test::ledger

#endif
