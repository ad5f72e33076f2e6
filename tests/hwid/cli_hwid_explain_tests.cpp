// SPDX-License-Identifier: MIT
// `airlock-hwid show --explain` is the customer-side mirror of `airlock privacy-notice`: for every
// class and the environment it prints the inventory's sentences (cli/privacy_text.hpp), as text and
// as JSON, and the vendor's notice prints the very same ones.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "airlock/format/inventory.hpp"
#include "cli/privacy_text.hpp"
#include "hwid_tool_support.hpp"

using namespace hwid_tool;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The lines of one entry, as the tool indents them under a class.
std::vector<std::string> explain_lines(const airlock::format::inventory_entry& entry) {
  const auto text = airlock::cli::privacy_text(entry);
  std::vector<std::string> lines = {"    " + text.identifies, "    " + text.collection};
  for (const auto& s : text.sources) lines.push_back("    source: " + s);
  lines.push_back("    " + text.leaves);
  return lines;
}

// The block of lines under the line starting with `label` up to the next unindented line.
std::vector<std::string> block_after(const std::vector<std::string>& lines, const std::string& label) {
  std::vector<std::string> block;
  bool in = false;
  for (const auto& line : lines) {
    if (in && line.rfind("    ", 0) != 0) break;
    if (in && line.rfind("    raw: ", 0) != 0) block.push_back(line);
    if (line.rfind(label, 0) == 0) in = true;
  }
  return block;
}

std::string unescape_markdown(const std::string& md) {
  std::string out;
  for (std::size_t i = 0; i < md.size(); ++i) {
    if (md[i] == '\\' && i + 1 < md.size() && std::ispunct(static_cast<unsigned char>(md[i + 1]))) ++i;
    out += md[i];
  }
  return out;
}

// The Markdown notice's text from the heading of `name` to the next heading.
std::string notice_section(const std::string& md, const std::string& name) {
  const std::size_t start = md.find("### `" + name + "`\n");
  if (start == std::string::npos) return {};
  const std::size_t end = md.find("\n#", start + 1);
  return unescape_markdown(md.substr(start, end == std::string::npos ? std::string::npos : end - start));
}

}  // namespace

TEST_CASE("show --explain prints, under every class and the environment, the inventory's sentences",
          "[hwid][tool][privacy]") {
  const auto r = run(hwid("show --explain"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto lines = lines_of(r.out);
  CHECK(contains(r.out, airlock::cli::hash_sentence() + "\n" + airlock::cli::pseudonymous_sentence() + "\n"));
  CHECK(block_after(lines, "environment:") == explain_lines(airlock::format::environment_inventory()));
  for (const auto c : airlock::format::all_component_classes) {
    INFO(to_string(c));
    CHECK(block_after(lines, std::string(to_string(c)) + ":") == explain_lines(airlock::format::inventory_of(c)));
  }
}

TEST_CASE("show without --explain prints no privacy text", "[hwid][tool][privacy]") {
  const auto r = run(hwid("show"));
  REQUIRE(r.exit_code == 0);
  CHECK_FALSE(contains(r.out, "source: "));
  CHECK_FALSE(contains(r.out, airlock::cli::hash_sentence()));
}

TEST_CASE("show --json --explain gives every class and the environment the same privacy fields",
          "[hwid][tool][privacy]") {
  static const char script[] =
      "import sys, json\n"
      "d = json.load(sys.stdin)\n"
      "def dump(name, p):\n"
      "    print(name + '|' + p['identifies']); print(name + '|' + p['collection'])\n"
      "    for s in p['sources']: print(name + '|source: ' + s)\n"
      "    print(name + '|' + p['leaves'])\n"
      "print('hash|' + d['privacy']['hash']); print('pseudonymous|' + d['privacy']['pseudonymous'])\n"
      "dump('environment', d['privacy']['environment'])\n"
      "for name, c in d['classes'].items(): dump(name, c['privacy'])\n";
  const auto r = run(hwid("show --json --explain") + " | python3 -c " + q(script));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> expected = {"hash|" + airlock::cli::hash_sentence(),
                                       "pseudonymous|" + airlock::cli::pseudonymous_sentence()};
  for (const auto& entry : {airlock::format::environment_inventory(),
                            airlock::format::inventory_of(airlock::format::component_class::platform),
                            airlock::format::inventory_of(airlock::format::component_class::disk),
                            airlock::format::inventory_of(airlock::format::component_class::nic),
                            airlock::format::inventory_of(airlock::format::component_class::os),
                            airlock::format::inventory_of(airlock::format::component_class::board)}) {
    for (const auto& line : explain_lines(entry)) expected.push_back(std::string(entry.name) + "|" + line.substr(4));
  }
  CHECK(lines_of(r.out) == expected);
}

TEST_CASE("The vendor's notice and show --explain say the same per-class sentences", "[hwid][tool][privacy]") {
  const auto shown = run(hwid("show --explain"));
  const auto notice = run(shell_quote(tool("airlock")) + " privacy-notice --product acme-studio");
  INFO(shown.err << notice.err);
  REQUIRE(shown.exit_code == 0);
  REQUIRE(notice.exit_code == 0);
  const auto lines = lines_of(shown.out);
  const auto check_entry = [&](const airlock::format::inventory_entry& entry, const std::string& label) {
    const std::string section = notice_section(notice.out, std::string(entry.name));
    REQUIRE_FALSE(section.empty());
    const auto text = airlock::cli::privacy_text(entry);
    std::vector<std::string> in_show = block_after(lines, label), in_notice;
    for (const auto& line : lines_of(section)) {
      if (line.empty() || line.rfind("###", 0) == 0) continue;
      in_notice.push_back(line.rfind("- ", 0) == 0 ? "    source: " + line.substr(2) : "    " + line);
    }
    INFO(entry.name);
    CHECK(in_show == in_notice);
  };
  check_entry(airlock::format::environment_inventory(), "environment:");
  for (const auto c : airlock::format::all_component_classes)
    check_entry(airlock::format::inventory_of(c), std::string(to_string(c)) + ":");
}
