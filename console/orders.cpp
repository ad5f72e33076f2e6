// SPDX-License-Identifier: MIT
#include "console/orders.hpp"

#include "cli/diagnostics.hpp"
#include "generator/license_builder.hpp"
#include "generator/recorded_write.hpp"

namespace airlock::console {
namespace {

std::vector<std::string> split(const std::string& text, bool on_spaces) {
  std::vector<std::string> out;
  std::string item;
  for (const char c : text + "\n") {
    const bool end = c == '\n' || c == '\r' || (on_spaces && (c == ' ' || c == ','));
    if (!end) {
      item += c;
      continue;
    }
    if (!item.empty()) out.push_back(item);
    item.clear();
  }
  return out;
}

}  // namespace

order_fields order_from(const httplib::Request& req) {
  order_fields f;
  f.request_text = form_field(req, "request_text");
  f.request_name = form_field(req, "request_name");
  if (req.has_file("request")) {
    const auto file = req.get_file_value("request");
    f.request_text = file.content;
    f.request_name = file.filename;
  }
  if (!f.request_text.empty() && f.request_name.empty()) f.request_name = "the uploaded request";
  f.unbound = !form_field(req, "unbound").empty();
  f.product = form_field(req, "product");
  f.licensee = form_field(req, "licensee");
  f.id = form_field(req, "id");
  f.not_before = form_field(req, "not_before");
  f.expires = form_field(req, "expires");
  f.updates_until = form_field(req, "updates_until");
  f.features = form_field(req, "features");
  f.limits = form_field(req, "limits");
  f.meta = form_field(req, "meta");
  f.allow_container = !form_field(req, "allow_container").empty();
  return f;
}

std::pair<std::optional<format::request>, format::license> build_order(const app& a, const order_fields& f) {
  generator::license_order order;
  order.licensee = f.licensee;
  order.id = f.id;
  order.not_before = f.not_before;
  order.expires = f.expires;
  order.updates_until = f.updates_until;
  order.features = split(f.features, true);
  order.limits = split(f.limits, true);
  order.meta = split(f.meta, false);
  order.allow_container = f.allow_container;
  if (order.licensee.empty()) throw cli::failure(cli::exit_bad_input, "the licensee is empty");
  const auto now = generator::current_time();
  if (f.unbound) {
    if (!f.request_text.empty())
      throw cli::failure(cli::exit_bad_input, "give an activation request or choose unbound, not both");
    order.product = f.product;
    order.unbound = true;
    return {std::nullopt, generator::build_license(order, a.key_id, now)};
  }
  if (f.request_text.empty()) throw cli::failure(cli::exit_bad_input, "choose an activation request file");
  if (f.request_text.size() > max_request_size)
    throw cli::failure(cli::exit_bad_input, f.request_name + ": too large for an activation request");
  auto parsed = format::parse_request(f.request_text);
  if (!parsed.ok())
    throw cli::failure(
        cli::exit_bad_input,
        cli::about_file(f.request_name, "line " + std::to_string(parsed.error.line) + ", column " +
                                            std::to_string(parsed.error.column) + ": " + parsed.error.message));
  if (parsed.value->replaces)
    throw cli::failure(cli::exit_bad_input,
                       cli::about_file(f.request_name, "is a re-host request for license " + *parsed.value->replaces +
                                                           ": re-host it, which keeps the budget and revokes the old "
                                                           "license"));
  order.product = parsed.value->product;
  order.request_path = f.request_name;
  auto lic = generator::build_license(order, a.key_id, now, *parsed.value);
  return {std::move(*parsed.value), std::move(lic)};
}

void record_signed(app& a, const format::license& lic, const ledger::record_context& ctx, const std::string& actor,
                   const std::string& action, const std::string& detail) {
  const std::string text = generator::sign_license(lic, a.key);
  const std::string out = a.out_dir + "/" + lic.id + ".toml";
  a.locked([&](ledger::ledger& book) {
    generator::write_recorded(&book, lic, text, out, cli::existing_file::keep, {}, ctx);
    book.record_audit(actor, action, lic.id, detail);
  });
}

std::string issue_order(app& a, const order_fields& f, const std::string& actor) {
  const auto built = build_order(a, f);
  record_signed(a, built.second, {"issue", "", "", "", ""}, actor, "issue", "");
  return built.second.id;
}

}  // namespace airlock::console
