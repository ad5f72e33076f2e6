// SPDX-License-Identifier: MIT
// `airlock privacy-notice`: prints the data inventory of one product for the vendor's privacy
// policy, from the machine model's inventory, in the words `airlock-hwid show --explain` uses.
#include "generator/privacy_notice.hpp"

#include <iostream>
#include <vector>

#include "airlock/format/inventory.hpp"
#include "cli/html.hpp"
#include "cli/privacy_text.hpp"
#include "generator/command_line.hpp"
#include "ledger/ledger.hpp"

namespace airlock::generator {

namespace {

// A notice is a list of blocks of text runs; a run is plain text or code (a command or path).
// Built once, then written as Markdown or HTML, so the two formats cannot say different things.
struct run {
  std::string text;
  bool code = false;
};
enum class block_kind { title, section, subsection, paragraph, item };
struct block {
  block_kind kind;
  std::vector<run> runs;
};

class document {
 public:
  void add(block_kind kind, std::vector<run> runs) { blocks_.push_back({kind, std::move(runs)}); }
  void add(block_kind kind, std::string text) { add(kind, {run{std::move(text), false}}); }
  const std::vector<block>& blocks() const { return blocks_; }

 private:
  std::vector<block> blocks_;
};

std::string markdown_text(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (std::string_view("\\`*_[]<>#|~&!").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string markdown_runs(const std::vector<run>& runs) {
  std::string out;
  for (const run& r : runs) out += r.code ? "`" + r.text + "`" : markdown_text(r.text);
  return out;
}

std::string html_runs(const std::vector<run>& runs) {
  std::string out;
  for (const run& r : runs) out += r.code ? "<code>" + cli::html_escape(r.text) + "</code>" : cli::html_escape(r.text);
  return out;
}

std::string write_markdown(const document& doc) {
  std::string out;
  block_kind previous = block_kind::title;
  for (const block& b : doc.blocks()) {
    if (previous == block_kind::item && b.kind != block_kind::item) out += "\n";
    switch (b.kind) {
      case block_kind::title: out += "# " + markdown_runs(b.runs) + "\n\n"; break;
      case block_kind::section: out += "## " + markdown_runs(b.runs) + "\n\n"; break;
      case block_kind::subsection: out += "### " + markdown_runs(b.runs) + "\n\n"; break;
      case block_kind::paragraph: out += markdown_runs(b.runs) + "\n\n"; break;
      case block_kind::item: out += "- " + markdown_runs(b.runs) + "\n"; break;
    }
    previous = b.kind;
  }
  if (previous == block_kind::item) out += "\n";
  while (out.size() > 1 && out[out.size() - 2] == '\n') out.pop_back();  // one final newline
  return out;
}

std::string write_html(const document& doc, const std::string& title) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
                    cli::html_escape(title) + "</title>\n</head>\n<body>\n";
  bool in_list = false;
  for (const block& b : doc.blocks()) {
    if (in_list && b.kind != block_kind::item) out += "</ul>\n";
    if (!in_list && b.kind == block_kind::item) out += "<ul>\n";
    in_list = b.kind == block_kind::item;
    const std::string text = html_runs(b.runs);
    switch (b.kind) {
      case block_kind::title: out += "<h1>" + text + "</h1>\n"; break;
      case block_kind::section: out += "<h2>" + text + "</h2>\n"; break;
      case block_kind::subsection: out += "<h3>" + text + "</h3>\n"; break;
      case block_kind::paragraph: out += "<p>" + text + "</p>\n"; break;
      case block_kind::item: out += "<li>" + text + "</li>\n"; break;
    }
  }
  if (in_list) out += "</ul>\n";
  return out + "</body>\n</html>\n";
}

void add_machine_part(document& doc) {
  doc.add(block_kind::section, "What is read on the licensee's machine");
  doc.add(block_kind::paragraph,
          {run{"The customer runs "}, run{"airlock-hwid request", true},
           run{" on the machine to be licensed. It reads the identifiers below, without root and without starting "
               "any program, and writes an activation request, a plain-text file the customer can read before "
               "carrying it out. "},
           run{"airlock-hwid show --explain", true},
           run{" prints the same list on the machine, with the values read there."}});
  doc.add(block_kind::paragraph, cli::hash_sentence());
  doc.add(block_kind::paragraph, cli::pseudonymous_sentence());
  doc.add(block_kind::paragraph, cli::pattern_sentence());
  for (const format::inventory_entry& entry : format::data_inventory) {
    const cli::entry_text text = cli::privacy_text(entry);
    doc.add(block_kind::subsection, {run{text.name, true}});
    doc.add(block_kind::paragraph, text.identifies);
    doc.add(block_kind::paragraph, text.collection);
    for (const std::string& source : text.sources) doc.add(block_kind::item, source);
    doc.add(block_kind::paragraph, text.leaves);
  }
}

void add_ledger_part(document& doc, const std::string& who) {
  doc.add(block_kind::section, "What " + who + " keeps about each licensee");
  doc.add(block_kind::paragraph, "For each license issued, " + who + "'s license ledger holds:");
  for (const std::string_view field : ledger_fields) doc.add(block_kind::item, std::string(field));
  doc.add(block_kind::paragraph,
          "The license file itself is not hashed: it names the licensee, the product, the dates, the features and "
          "limits, and it stays with the customer on the licensed machine.");
}

void add_rights_part(document& doc, const std::optional<unsigned>& retention_days) {
  doc.add(block_kind::section, "Data-subject rights");
  for (const right_command& r : rights_commands)
    doc.add(block_kind::item, {run{std::string(r.right) + ": "}, run{std::string(r.command), true}});
  doc.add(block_kind::section, "Retention");
  doc.add(block_kind::paragraph, retention_sentence(retention_days));
}

document notice_document(const notice_options& options) {
  const std::string who = options.vendor ? *options.vendor : "the vendor";
  document doc;
  doc.add(block_kind::title, "Data inventory: " + options.product);
  doc.add(block_kind::paragraph, "What " + who + " processes to license " + options.product +
                                     " to a machine with Airlock, for " + who + "'s privacy policy.");
  add_machine_part(doc);
  add_ledger_part(doc, who);
  add_rights_part(doc, options.retention_days);
  return doc;
}

constexpr unsigned max_retention_days = 36500;

unsigned parse_retention_days(const std::string& text) {
  unsigned days = 0;
  bool digits = !text.empty() && text.size() <= 5;
  for (const char c : text) {
    digits = digits && c >= '0' && c <= '9';
    if (digits) days = days * 10 + static_cast<unsigned>(c - '0');
  }
  if (!digits || days == 0 || days > max_retention_days)
    throw cli::failure(cli::exit_usage, "--retention-days takes a whole number of days from 1 to " +
                                            std::to_string(max_retention_days) + ", not '" + text + "'");
  return days;
}

notice_format parse_format(const std::string& text) {
  if (text == "md") return notice_format::markdown;
  if (text == "html") return notice_format::html;
  throw cli::failure(cli::exit_usage, "--format takes md or html, not '" + text + "'");
}

}  // namespace

std::string retention_sentence(const std::optional<unsigned>& days) {
  if (!days) return "Retention not set: records are kept until you erase them (airlock ledger forget).";
  return "The personal fields of a license (licensee, vendor fields, the license text) are erased " +
         std::to_string(*days) + " days after it expires (airlock ledger retention --days " + std::to_string(*days) +
         ", applied by airlock ledger check); a perpetual license's are kept until you erase them.";
}

std::string privacy_notice(const notice_options& options) {
  const document doc = notice_document(options);
  if (options.format == notice_format::html) return write_html(doc, "Data inventory: " + options.product);
  return write_markdown(doc);
}

int run_privacy_notice(const std::vector<std::string>& args) {
  command_spec spec{
      "airlock privacy-notice --product P [--format md|html] [--retention-days N | --ledger FILE] [--vendor NAME]",
      "Prints the data inventory a privacy policy needs for product P: what is read on the\n"
      "licensee's machine and from where, that only keyed, truncated hashes leave it, what the\n"
      "ledger keeps about each licensee, the data-subject rights and the commands that serve\n"
      "them, and the retention. Markdown (default) or a complete HTML5 document.",
      po::options_description("options"),
      {}};
  spec.options.add_options()("product", po::value<std::string>()->required(), "the product the notice is for")(
      "format", po::value<std::string>()->default_value("md"), "md or html")("retention-days", po::value<std::string>(),
                                                                             "how many days the ledger keeps records")(
      "vendor", po::value<std::string>(), "the vendor's name, as the notice names it");
  ledger::add_ledger_options(spec.options, false);
  po::variables_map vm;
  if (!parse_command_line(spec, args, vm)) return cli::exit_ok;
  notice_options options;
  options.format = parse_format(vm["format"].as<std::string>());
  if (vm.count("retention-days")) {
    options.retention_days = parse_retention_days(vm["retention-days"].as<std::string>());
  } else if (vm.count("ledger")) {
    // The retention the vendor set in the ledger, so the notice says what `ledger check` does.
    const auto days = ledger::ledger::open_existing(vm["ledger"].as<std::string>()).retention_days();
    if (days) options.retention_days = static_cast<unsigned>(*days);
  }
  options.product = vm["product"].as<std::string>();
  if (const std::string problem = format::check_product_name(options.product); !problem.empty())
    throw cli::failure(cli::exit_bad_input, "invalid --product: " + problem);
  if (vm.count("vendor")) {
    options.vendor = vm["vendor"].as<std::string>();
    if (const std::string problem = format::check_name_text("vendor", *options.vendor, 256); !problem.empty())
      throw cli::failure(cli::exit_bad_input, "invalid --vendor: " + problem);
  }
  std::cout << privacy_notice(options);
  return cli::exit_ok;
}

}  // namespace airlock::generator
