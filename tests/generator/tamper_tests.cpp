// SPDX-License-Identifier: MIT
// A license made by `airlock issue` survives Windows (CRLF, BOM) and nothing
// else: every single-byte change of the body or the signature fails, checked
// in-process with the header-only verifier and, for a few, with the tool.
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <vector>

#include "issue_support.hpp"

using namespace airlock::test::issue;
using airlock::test::read_file;
using airlock::test::temp_dir;
using airlock::test::write_file;

namespace {

const std::int64_t mid_2025 = 1748736000;  // 2025-06-01T00:00:00Z, inside the golden licenses' dates

std::string sample_license() { return read_file(golden_file("license_bound.toml")); }

airlock::verify_result check(const std::string& text) {
  return airlock::verify_license(text, test_trust(), offline_options(mid_2025));
}

// Two other printable bytes for `original`: one bit away when that stays
// printable (the smallest change), and one drawn at random.
std::vector<char> replacements(char original, std::mt19937& rng) {
  std::vector<char> out;
  const char flipped = static_cast<char>(original ^ 0x01);
  if (flipped >= 0x20 && flipped <= 0x7e) out.push_back(flipped);
  std::uniform_int_distribution<int> printable(0x20, 0x7e);
  char other = original;
  while (other == original || (!out.empty() && other == out[0])) other = static_cast<char>(printable(rng));
  out.push_back(other);
  return out;
}

struct tamper_outcome {
  int changes = 0;
  int accepted = 0;                                         // must stay 0
  std::map<std::string, std::vector<std::size_t>> reasons;  // reason -> changed positions
};

// Changes each byte in [from, to) of text, one at a time, and verifies each copy.
tamper_outcome tamper_range(const std::string& text, std::size_t from, std::size_t to) {
  const airlock::trust_store trusted = test_trust();
  const airlock::verify_options options = offline_options(mid_2025);
  std::mt19937 rng(20250301);
  tamper_outcome outcome;
  for (std::size_t pos = from; pos < to; ++pos) {
    for (const char replacement : replacements(text[pos], rng)) {
      std::string copy = text;
      copy[pos] = replacement;
      const auto result = airlock::verify_license(copy, trusted, options);
      ++outcome.changes;
      if (result.ok() || result.signature_valid) {
        ++outcome.accepted;
        UNSCOPED_INFO("accepted a change at byte " << pos << " to '" << replacement << "'");
      }
      outcome.reasons[std::string(airlock::to_string(result.why))].push_back(pos);
    }
  }
  return outcome;
}

int reason_count(const tamper_outcome& outcome, const std::string& why) {
  const auto it = outcome.reasons.find(why);
  return it == outcome.reasons.end() ? 0 : static_cast<int>(it->second.size());
}

std::size_t signature_line(const std::string& text) { return text.rfind("\n[signature]\n") + 1; }

std::string with_crlf(const std::string& text) {
  std::string out;
  for (const char c : text) out += c == '\n' ? std::string("\r\n") : std::string(1, c);
  return out;
}

const std::string bom = "\xEF\xBB\xBF";

}  // namespace

TEST_CASE("The sample license verifies unchanged", "[tamper]") {
  const auto result = check(sample_license());
  INFO(result.message);
  CHECK(result.ok());
  CHECK(result.license.id == "7f3a9c2e4b1d4e8fa0c6d2b5e9f81a37");
}

TEST_CASE("Changing any single byte of the body to another printable byte fails verification", "[tamper]") {
  const std::string text = sample_license();
  const auto outcome = tamper_range(text, 0, signature_line(text));
  CHECK(outcome.changes > 1500);
  CHECK(outcome.accepted == 0);
  // The body's last LF joins [signature] to the line before, so the split
  // fails (malformed); another digit in "format = 1" is reported before the
  // signature is checked, as FORMAT.md section 8 asks (unsupported_version).
  for (const auto& [why, positions] : outcome.reasons) {
    INFO(why << " x" << positions.size());
    CHECK((why == "bad_signature" || why == "malformed" || why == "unsupported_version"));
  }
  const std::size_t format_line = text.find("\nformat = 1\n") + 1;
  if (outcome.reasons.count("unsupported_version"))
    for (const std::size_t pos : outcome.reasons.at("unsupported_version")) {
      CHECK(pos >= format_line);
      CHECK(pos <= format_line + 10);  // the line and its LF
    }
  // Before the signature only the declared version (FORMAT.md 3.2 step 3: the comment line's '#'
  // and LF, the lines "[license]" and "format = 1") and the blank line that ends the body (step 6)
  // are read.
  const std::size_t end_of_body = signature_line(text);
  if (outcome.reasons.count("malformed"))
    for (const std::size_t pos : outcome.reasons.at("malformed")) {
      INFO("malformed at byte " << pos);
      CHECK((pos == 0 || (pos + 11 >= format_line && pos <= format_line + 10) || pos + 2 >= end_of_body));
    }
}

TEST_CASE("Changing any single character of the signature value fails verification", "[tamper]") {
  const std::string text = sample_license();
  const std::size_t value = text.rfind("value = \"") + 9;
  const auto outcome = tamper_range(text, value, text.size() - 2);  // 88 base64 characters, before the quote
  CHECK(outcome.changes >= 88 * 2 - 10);
  CHECK(outcome.accepted == 0);
  CHECK(reason_count(outcome, "bad_signature") > 0);  // most changes still decode, to the wrong signature
  CHECK(reason_count(outcome, "malformed") > 0);      // '!' or a non-canonical last character
}

TEST_CASE("Changing any other byte of the signature table fails verification", "[tamper]") {
  const std::string text = sample_license();
  const std::size_t value = text.rfind("value = \"") + 9;
  const auto outcome = tamper_range(text, signature_line(text), value);
  CHECK(outcome.accepted == 0);
  const auto closing = tamper_range(text, text.size() - 2, text.size() - 1);  // the closing quote
  CHECK(closing.accepted == 0);
}

TEST_CASE("The sample license verifies with CRLF line endings, a UTF-8 BOM, or both", "[tamper][crlf]") {
  const std::string text = sample_license();
  CHECK(check(with_crlf(text)).ok());
  CHECK(check(bom + text).ok());
  CHECK(check(bom + with_crlf(text)).ok());
  CHECK(check(text.substr(0, text.size() - 1)).ok());  // the final LF is optional
}

TEST_CASE("A lone CR, a second BOM or an extra final line break fails verification", "[tamper][crlf]") {
  const std::string text = sample_license();
  std::string lone_cr = text;
  lone_cr.insert(lone_cr.find("seats") + 5, "\r");
  CHECK_FALSE(check(lone_cr).ok());
  CHECK_FALSE(check(bom + bom + text).ok());
  CHECK_FALSE(check(text + "\n").ok());
  CHECK_FALSE(check(text.substr(0, 20) + "\r\n" + text.substr(20)).ok());  // a CRLF that was not an LF
}

TEST_CASE("airlock verify exits 13 for an edited body byte or signature character", "[tamper][verify]") {
  temp_dir dir;
  const std::string text = sample_license();
  const std::string sig = text.substr(0, text.rfind("value = \"") + 9);
  std::vector<std::string> cases = {text, text, text};
  cases[0][text.find("seats = 5") + 8] = '6';
  cases[1][text.find("Gmb")] = 'g';
  cases[2][sig.size() + 10] = cases[2][sig.size() + 10] == 'A' ? 'B' : 'A';
  for (const auto& tampered : cases) {
    write_file(dir / "t.toml", tampered);
    const auto r = run_airlock("verify " + q(dir / "t.toml") + " --pubkey " + q(vendor_pub()) +
                               " --no-machine --now 2025-06-01T00:00:00Z");
    INFO(r.err);
    CHECK(r.exit_code == 13);
    CHECK(one_error_line(r.err));
  }
}

TEST_CASE("airlock verify exits 10 when the edit breaks the signature table's syntax", "[tamper][verify]") {
  temp_dir dir;
  const std::string text = sample_license();
  std::vector<std::string> cases = {text, text, text};
  cases[0][text.rfind("value = \"") + 20] = '!';   // not base64
  cases[1][text.rfind("[signature]") + 10] = 'E';  // no [signature] line
  cases[2][text.rfind("key_id = \"") + 10] = 'A';  // uppercase hex
  for (const auto& tampered : cases) {
    write_file(dir / "t.toml", tampered);
    const auto r = run_airlock("verify " + q(dir / "t.toml") + " --pubkey " + q(vendor_pub()) +
                               " --no-machine --now 2025-06-01T00:00:00Z");
    INFO(r.err);
    CHECK(r.exit_code == 10);
    CHECK(one_error_line(r.err));
  }
}

TEST_CASE("airlock verify accepts the license after CRLF conversion and a BOM", "[tamper][verify][crlf]") {
  temp_dir dir;
  write_file(dir / "win.toml", bom + with_crlf(sample_license()));
  const auto r = run_airlock("verify " + q(dir / "win.toml") + " --pubkey " + q(vendor_pub()) +
                             " --no-machine --now 2025-06-01T00:00:00Z");
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
}
