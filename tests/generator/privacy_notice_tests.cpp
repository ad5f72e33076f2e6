// SPDX-License-Identifier: MIT
// `airlock privacy-notice`: the data inventory of format/inventory.hpp in Markdown and HTML, with
// the same sentences `airlock-hwid show --explain` prints, escaped, and its errors.
#include <string>

#include <catch2/catch.hpp>

#include "airlock/format/inventory.hpp"
#include "cli/privacy_text.hpp"
#include "generator/privacy_notice.hpp"
#include "issue_support.hpp"

using namespace airlock::test::issue;
using airlock::test::run_result;
using airlock::test::temp_dir;
using airlock::test::write_file;

namespace {

run_result notice(const std::string& options) { return run_airlock("privacy-notice " + options); }

// Markdown with its backslash escapes undone: the plain text a reader sees.
std::string unescape_markdown(const std::string& md) {
  std::string out;
  for (std::size_t i = 0; i < md.size(); ++i) {
    if (md[i] == '\\' && i + 1 < md.size() && std::ispunct(static_cast<unsigned char>(md[i + 1]))) ++i;
    out += md[i];
  }
  return out;
}

// Every sentence of every inventory entry, as cli/privacy_text.hpp words it.
std::vector<std::string> inventory_sentences() {
  std::vector<std::string> all = {airlock::cli::hash_sentence(), airlock::cli::pseudonymous_sentence(),
                                  airlock::cli::pattern_sentence()};
  for (const auto& entry : airlock::format::data_inventory) {
    const auto text = airlock::cli::privacy_text(entry);
    all.insert(all.end(), {text.identifies, text.collection, text.leaves});
    all.insert(all.end(), text.sources.begin(), text.sources.end());
  }
  return all;
}

void check_usage_error(const run_result& r, const std::string& what) {
  INFO(r.out << r.err);
  CHECK(r.exit_code == 2);
  CHECK(one_error_line(r.err));
  CHECK(contains(r.err, what));
  CHECK(r.out.empty());
}

}  // namespace

TEST_CASE("The Markdown notice holds every sentence of the inventory, every ledger field and every right",
          "[generator][privacy]") {
  const auto r = notice("--product acme-studio --vendor 'Acme GmbH' --retention-days 730");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  const std::string text = unescape_markdown(r.out);
  CHECK(r.out.rfind("# Data inventory: acme-studio\n", 0) == 0);
  for (const std::string& sentence : inventory_sentences()) {
    INFO(sentence);
    CHECK(contains(text, sentence));
  }
  for (const auto& entry : airlock::format::data_inventory)
    CHECK(contains(r.out, "### `" + std::string(entry.name) + "`"));
  for (const auto field : airlock::generator::ledger_fields) CHECK(contains(text, std::string(field)));
  for (const auto& right : airlock::generator::rights_commands)
    CHECK(contains(r.out, "`" + std::string(right.command) + "`"));
  CHECK(contains(text, "What Acme GmbH keeps about each licensee"));
  CHECK(contains(text, airlock::generator::retention_sentence(730u)));
}

TEST_CASE("The notice says only keyed, truncated HMACs leave the machine and why they are pseudonymous",
          "[generator][privacy]") {
  const auto r = notice("--product p");
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "HMAC-SHA-256"));
  CHECK(contains(r.out, "128 bits"));
  CHECK(contains(r.out, "pseudonymous, not anonymous"));
  CHECK(contains(r.out, "can hash a guessed serial number"));
  CHECK(contains(r.out, "do not correlate across them"));
  CHECK(contains(r.out, "Off by default: read only when the customer runs airlock-hwid with --board."));
}

TEST_CASE("Without --retention-days the notice says records are kept until erased", "[generator][privacy]") {
  const auto r = notice("--product p");
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "not set: records are kept until you erase them"));
  CHECK_FALSE(contains(r.out, "days after it expires"));
}

TEST_CASE("With --ledger the notice states the retention the ledger applies", "[generator][privacy]") {
  const temp_dir dir;
  const std::string ledger = dir / "ledger.sqlite";
  REQUIRE(run_airlock("issue --key " + q(vendor_key()) + " --ledger " + q(ledger) +
                      " --product p --licensee X --unbound --out " + q(dir / "x.toml"))
              .exit_code == 0);
  const auto set = run_airlock("ledger retention --days 400 --ledger " + q(ledger));
  REQUIRE(set.exit_code == 0);
  const auto r = notice("--product p --ledger " + q(ledger));
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, airlock::generator::retention_sentence(400u)));
  SECTION("a ledger that is not there is an unreadable input") {
    CHECK(notice("--product p --ledger " + q(dir / "missing.sqlite")).exit_code == 3);
  }
}

TEST_CASE("The HTML notice is one well-formed HTML5 document with the same sentences", "[generator][privacy]") {
  const temp_dir dir;
  const auto r = notice("--product acme-studio --format html");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0) == 0);
  CHECK(contains(r.out, "<meta charset=\"utf-8\">"));
  CHECK(r.out.size() > 7);
  CHECK(r.out.substr(r.out.size() - 8) == "</html>\n");
  // html.parser: every element closed in order, and the text (entities decoded) holds every sentence.
  static const char script[] =
      "import sys, html.parser\n"
      "VOID = {'meta', 'br'}\n"
      "class P(html.parser.HTMLParser):\n"
      "    def __init__(s):\n"
      "        super().__init__(convert_charrefs=True); s.stack = []; s.text = []; s.bad = []\n"
      "    def handle_starttag(s, t, a):\n"
      "        if t not in VOID: s.stack.append(t)\n"
      "    def handle_endtag(s, t):\n"
      "        if not s.stack or s.stack.pop() != t: s.bad.append(t)\n"
      "    def handle_data(s, d): s.text.append(d)\n"
      "p = P(); p.feed(open(sys.argv[1], encoding='utf-8').read()); p.close()\n"
      "if p.stack or p.bad: sys.exit('unbalanced: %r %r' % (p.stack, p.bad))\n"
      "sys.stdout.write(''.join(p.text))\n";
  write_file(dir / "notice.html", r.out);
  const auto parsed = airlock::test::run("python3 -c " + q(script) + " " + q(dir / "notice.html"));
  INFO(parsed.err);
  REQUIRE(parsed.exit_code == 0);
  for (const std::string& sentence : inventory_sentences()) {
    INFO(sentence);
    CHECK(contains(parsed.out, sentence));
  }
}

TEST_CASE("Names in the notice are escaped for HTML and Markdown", "[generator][privacy]") {
  const std::string product = "<script>alert('x')</script> & \"co\"";
  SECTION("html") {
    const auto r = notice("--product " + q(product) + " --vendor " + q("<b>Evil</b>") + " --format html");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_FALSE(contains(r.out, "<script>"));
    CHECK_FALSE(contains(r.out, "<b>"));
    CHECK(contains(r.out, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;"));
    CHECK(contains(r.out, "<title>Data inventory: &lt;script&gt;"));
  }
  SECTION("markdown") {
    const auto r = notice("--product " + q("*bold* <script>"));
    REQUIRE(r.exit_code == 0);
    CHECK(contains(r.out, "# Data inventory: \\*bold\\* \\<script\\>\n"));
  }
}

TEST_CASE("privacy-notice refuses bad option values with exit code 2 and one line", "[generator][privacy]") {
  SECTION("no --product") { check_usage_error(notice(""), "product"); }
  SECTION("unknown format") { check_usage_error(notice("--product p --format pdf"), "--format takes md or html"); }
  SECTION("retention not a number") {
    check_usage_error(notice("--product p --retention-days soon"), "--retention-days takes a whole number");
  }
  SECTION("retention zero") { check_usage_error(notice("--product p --retention-days 0"), "--retention-days"); }
  SECTION("retention negative") { check_usage_error(notice("--product p --retention-days=-5"), "--retention-days"); }
  SECTION("retention too long") { check_usage_error(notice("--product p --retention-days 36501"), "--retention-days"); }
  SECTION("unknown option") { check_usage_error(notice("--product p --color"), "color"); }
}

TEST_CASE("privacy-notice refuses a product name that a license could not hold with exit code 7",
          "[generator][privacy]") {
  SECTION("empty") {
    const auto r = notice("--product ''");
    CHECK(r.exit_code == 7);
    CHECK(one_error_line(r.err));
    CHECK(contains(r.err, "product must not be empty"));
    CHECK(r.out.empty());
  }
  SECTION("control character") {
    const auto r = notice("--product \"$(printf 'a\\tb')\"");
    CHECK(r.exit_code == 7);
    CHECK(contains(r.err, "control characters"));
    CHECK(r.out.empty());
  }
  SECTION("129 bytes") {
    const auto r = notice("--product " + std::string(129, 'x'));
    CHECK(r.exit_code == 7);
    CHECK(contains(r.err, "at most 128 bytes"));
  }
  SECTION("128 bytes is fine") { CHECK(notice("--product " + std::string(128, 'x')).exit_code == 0); }
  SECTION("a vendor name with a control character") {
    const auto r = notice("--product p --vendor \"$(printf 'a\\033b')\"");
    CHECK(r.exit_code == 7);
    CHECK(contains(r.err, "vendor must not contain control characters"));
  }
}

TEST_CASE("airlock --help lists privacy-notice", "[generator][privacy]") {
  const auto r = run_airlock("--help");
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "  privacy-notice  print the data inventory"));
}
