// SPDX-License-Identifier: MIT
// What the tests of `airlock issue|inspect|verify` share: the committed test
// key and request, the two golden orders, running the tool, and the rule
// that a failure prints exactly one line on stderr.
#ifndef AIRLOCK_TESTS_GENERATOR_ISSUE_SUPPORT_HPP
#define AIRLOCK_TESTS_GENERATOR_ISSUE_SUPPORT_HPP

#include <string>

#include "airlock/trust_store.hpp"
#include "airlock/verify.hpp"
#include "support/support.hpp"

namespace airlock::test::issue {

inline std::string source_file(const std::string& relative) { return std::string(AIRLOCK_SOURCE_DIR) + "/" + relative; }

// The throwaway test key of formats/vectors (unencrypted PKCS#8) and its public half.
inline std::string vendor_key() { return source_file("formats/vectors/test_vendor_key.pem"); }
inline std::string vendor_pub() { return source_file("formats/vectors/test_vendor_key.pub"); }
inline std::string sample_request() { return source_file("formats/vectors/request.toml"); }
inline std::string golden_file(const std::string& name) { return source_file("tests/generator/golden/" + name); }
inline const std::string test_key_id = "55946e28fb11b7ee";

inline std::string q(const std::string& s) { return shell_quote(s); }

inline std::string airlock_cmd(const std::string& args) {
  return "env -u AIRLOCK_PASSPHRASE " + q(tool("airlock")) + " " + args;
}

inline run_result run_airlock(const std::string& args) { return run(airlock_cmd(args)); }

inline bool one_error_line(const std::string& err) {
  return err.rfind("airlock: error: ", 0) == 0 && err.find('\n') == err.size() - 1;
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// `airlock issue` with the test key, a fixed id and issue time, and `rest`.
inline run_result issue(const std::string& out, const std::string& rest) {
  return run_airlock("issue --key " + q(vendor_key()) + " --id t-1 --issued 2025-03-01T09:15:00Z --out " + q(out) +
                     " " + rest);
}

// An unbound perpetual license for acme-studio: the plainest valid order.
inline run_result issue_unbound(const std::string& out, const std::string& extra = "") {
  return issue(out, "--product acme-studio --licensee 'Example Corp' --unbound " + extra);
}

// The options of the two golden files (tests/generator/golden/).
inline std::string unbound_golden_options() {
  return "--product acme-studio --licensee 'Example Corp' --unbound --id 0b8e4c52a7f94d1e9c3a6b2d5f708e41 "
         "--issued 2025-03-01T09:15:00Z";
}

inline std::string bound_golden_options() {
  return "--product acme-studio --licensee " + q("M\xC3\xBCller & S\xC3\xB6hne GmbH") + " --request " +
         q(sample_request()) +
         " --id 7f3a9c2e4b1d4e8fa0c6d2b5e9f81a37 --issued 2025-03-01T12:30:05Z --expires 2026-02-28"
         " --updates-until 2025-12-31 --feature export.pdf --feature render --feature render.gpu"
         " --limit workers=16 --limit seats=5 --meta order=SO-1042 --meta " +
         q("note=tab\there \"quoted\" back\\slash esc\x1b \xE2\x98\x83");
}

inline run_result issue_golden(const std::string& options, const std::string& out) {
  return run_airlock("issue --key " + q(vendor_key()) + " " + options + " --out " + q(out));
}

inline trust_store test_trust() {
  trust_store trusted;
  if (!trusted.add_pem(read_file(vendor_pub()))) throw std::runtime_error("cannot read the test public key");
  return trusted;
}

// Signature and dates only, as of a fixed time.
inline verify_options offline_options(std::int64_t now = 1767225600 /* 2026-01-01 */) {
  verify_options options;
  options.product = "acme-studio";
  options.check_machine = false;
  options.now = now;
  return options;
}

}  // namespace airlock::test::issue

#endif
