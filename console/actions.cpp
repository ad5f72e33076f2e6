// SPDX-License-Identifier: MIT
#include "console/actions.hpp"

#include <mutex>

#include "airlock/format/envelope.hpp"
#include "cli/diagnostics.hpp"
#include "console/orders.hpp"
#include "generator/license_builder.hpp"
#include "generator/orders_csv.hpp"

namespace airlock::console {
namespace {

[[noreturn]] void bad_input(const std::string& message) { throw cli::failure(cli::exit_bad_input, message); }

// The items of a list field: separated by spaces, commas or line ends.
std::vector<std::string> items_of(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  for (const char c : text + " ") {
    if (c != ' ' && c != ',' && c != '\n' && c != '\r' && c != '\t') {
      item += c;
    } else if (!item.empty()) {
      out.push_back(item);
      item.clear();
    }
  }
  return out;
}

// Empty: unchanged.
std::optional<format::date> date_field(const std::string& text, const char* label) {
  if (text.empty()) return std::nullopt;
  const auto d = format::parse_date(text);
  if (!d) bad_input(std::string(label) + " '" + generator::excerpt(text, 32) + "' is not a date (YYYY-MM-DD)");
  return d;
}

format::request read_upload(const uploaded_request& u) {
  if (u.text.empty()) bad_input("choose a re-host request file (airlock-hwid request --rehost LICENSE)");
  if (u.text.size() > max_request_size) bad_input(cli::about_file(u.name, "too large for an activation request"));
  auto parsed = format::parse_request(u.text);
  if (!parsed.ok())
    bad_input(cli::about_file(u.name, "line " + std::to_string(parsed.error.line) + ", column " +
                                          std::to_string(parsed.error.column) + ": " + parsed.error.message));
  return std::move(*parsed.value);
}

}  // namespace

renewal_fields renewal_from(const httplib::Request& req) {
  return {form_field(req, "expires"), form_field(req, "updates_until"), form_field(req, "features"),
          form_field(req, "limits")};
}

std::string renew_license(app& a, const std::string& id, const renewal_fields& f, const std::string& actor) {
  generator::renewal_changes changes;
  changes.expires = date_field(f.expires, "the expiry");
  changes.updates_until = date_field(f.updates_until, "updates until");
  changes.feature_changes = items_of(f.features);
  changes.limits = items_of(f.limits);
  const std::lock_guard<std::mutex> one_at_a_time(a.successor_mutex);
  const format::license next = a.locked([&](ledger::ledger& book) {
    const auto old =
        generator::read_own_license("ledger entry " + id, generator::recorded(book, id).license_text, a.key);
    return generator::renewal_of(old, &book, changes, generator::current_time());
  });
  record_signed(a, next, {"renew", id, "", "", ""}, actor, "renew", "renews " + id);
  return next.id;
}

uploaded_request uploaded_request_of(const httplib::Request& req) {
  uploaded_request u{form_field(req, "request_text"), form_field(req, "request_name")};
  if (req.has_file("request") && !req.get_file_value("request").content.empty()) {
    const auto file = req.get_file_value("request");
    u = {file.content, file.filename};
  }
  if (u.name.empty()) u.name = "the uploaded request";
  return u;
}

generator::rehost_plan plan_rehost_of(app& a, const uploaded_request& u) {
  const format::request req = read_upload(u);
  return a.locked([&](ledger::ledger& book) {
    return generator::plan_rehost(book, req, u.name, a.key, generator::current_time(),
                                  generator::default_rehost_budget);
  });
}

generator::rehost_plan rehost_license(app& a, const uploaded_request& u, bool force, const std::string& reason,
                                      const std::string& actor) {
  if (!reason.empty() && !one_line_text(reason, 200)) bad_input("give a reason of 1 to 200 characters, on one line");
  const std::lock_guard<std::mutex> one_at_a_time(a.successor_mutex);
  generator::rehost_plan plan = plan_rehost_of(a, u);
  generator::enforce_budget(plan, force, reason, "force it and give a reason, which is recorded");
  const std::string note = generator::rehost_note(force, reason);
  const std::string& old_id = plan.was.license_id;
  // The ledger revokes the old license when it confirms the successor, in the same transaction.
  record_signed(a, plan.next, {"rehost", old_id, "", "", note}, actor, "rehost",
                "replaces " + old_id + (note.empty() ? "" : "; " + note));
  return plan;
}

bool revoke_license(app& a, const std::string& id, const std::string& reason, const std::string& actor) {
  if (!one_line_text(reason, 200)) bad_input("give a reason of 1 to 200 characters, on one line");
  return a.locked([&](ledger::ledger& book) { return book.revoke(id, reason, actor); });
}

signed_list sign_revocation_list(app& a, const std::string& product, const std::string& actor) {
  return a.locked([&](ledger::ledger& book) {
    bool known = false;
    for (const auto& e : book.entries()) known = known || e.product == product;
    if (!known) bad_input("the ledger holds no license of product '" + generator::excerpt(product, 64) + "'");
    signed_list out{generator::next_revocation_list(book, a.key_id, product, generator::current_time()), ""};
    out.text = generator::sign_revocation_list(out.list, a.key);
    // Recorded before the file leaves: a lost download skips a number, never reuses one.
    book.record_revocation_list(out.list.key_id, product, out.list.sequence, ledger::sha256_hex(out.text));
    book.record_audit(actor, "revocation-list", "",
                      product + " list " + std::to_string(out.list.sequence) + ": " +
                          std::to_string(out.list.revoked.size()) + " license(s)");
    return out;
  });
}

std::string file_name_part(const std::string& text) {
  std::string out;
  for (const char c : text.substr(0, 64)) {
    const bool plain =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    out += plain ? c : '_';
  }
  if (out.empty() || out[0] == '.') out.insert(out.begin(), '_');
  return out;
}

}  // namespace airlock::console
