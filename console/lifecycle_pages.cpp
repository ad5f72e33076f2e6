// SPDX-License-Identifier: MIT
// A license's life after its first issue, in the browser: renew it (the form is on its page), re-host
// it to a new machine (upload, preview of the per-class difference and the budget, sign), and sign a
// product's revocation list for download. Every rule is generator/lifecycle.hpp's, the code of
// `airlock renew|rehost|revocations`; the pages only read forms and show what those decided.
#include <map>
#include <mutex>

#include "airlock/format/envelope.hpp"
#include "cli/diagnostics.hpp"
#include "console/orders.hpp"
#include "generator/license_builder.hpp"
#include "generator/lifecycle.hpp"
#include "generator/orders_csv.hpp"

namespace airlock::console {
namespace {

[[noreturn]] void bad_input(const std::string& message) { throw cli::failure(cli::exit_bad_input, message); }

// One successor at a time: "not replaced yet" is checked under the ledger's lock and the successor is
// recorded under it again (record_signed), so two renewals or re-hosts of one license in parallel
// would both pass the check. Held across both, by renew and re-host alike.
std::mutex successor_mutex;

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

// --- renew --------------------------------------------------------------------------------------------

std::string renew(app& a, const std::string& id, const httplib::Request& req, const std::string& actor) {
  const std::lock_guard<std::mutex> one_at_a_time(successor_mutex);
  generator::renewal_changes changes;
  changes.expires = date_field(form_field(req, "expires"), "the expiry");
  changes.updates_until = date_field(form_field(req, "updates_until"), "updates until");
  changes.feature_changes = items_of(form_field(req, "features"));
  changes.limits = items_of(form_field(req, "limits"));
  const format::license next = a.locked([&](ledger::ledger& book) {
    const auto old =
        generator::read_own_license("ledger entry " + id, generator::recorded(book, id).license_text, a.key);
    return generator::renewal_of(old, &book, changes, generator::current_time());
  });
  record_signed(a, next, {"renew", id, "", "", ""}, actor, "renew", "renews " + id);
  return next.id;
}

// --- re-host ------------------------------------------------------------------------------------------

// The uploaded re-host request, or the text the preview's form carries on to the sign step.
struct upload {
  std::string text, name;
};

upload upload_of(const httplib::Request& req) {
  upload u{form_field(req, "request_text"), form_field(req, "request_name")};
  if (req.has_file("request") && !req.get_file_value("request").content.empty()) {
    const auto file = req.get_file_value("request");
    u = {file.content, file.filename};
  }
  if (u.name.empty()) u.name = "the uploaded request";
  return u;
}

format::request read_upload(const upload& u) {
  if (u.text.empty()) bad_input("choose a re-host request file (airlock-hwid request --rehost LICENSE)");
  if (u.text.size() > max_request_size) bad_input(cli::about_file(u.name, "too large for an activation request"));
  auto parsed = format::parse_request(u.text);
  if (!parsed.ok())
    bad_input(cli::about_file(u.name, "line " + std::to_string(parsed.error.line) + ", column " +
                                          std::to_string(parsed.error.column) + ": " + parsed.error.message));
  return std::move(*parsed.value);
}

generator::rehost_plan plan_of(app& a, const upload& u) {
  const format::request req = read_upload(u);
  return a.locked([&](ledger::ledger& book) {
    return generator::plan_rehost(book, req, u.name, a.key, generator::current_time(),
                                  generator::default_rehost_budget);
  });
}

std::string rehost_form_body(const std::string& csrf_token) {
  return "<p>Upload the re-host request the customer made on the new machine with <code>airlock-hwid request "
         "--rehost LICENSE</code>: it names the license it replaces. The next page shows what changed per class "
         "and the re-host budget (" +
         std::to_string(generator::default_rehost_budget) +
         " in 365 days along the license's chain) before anything is signed. Re-hosting issues the successor for "
         "the new machine and revokes the old license: then sign the product's next list on the <a "
         "href=\"/revocations\">Revocations</a> page, so the old license stops where the list reaches.</p>"
         "<form method=\"post\" action=\"/rehost/preview\" enctype=\"multipart/form-data\">" +
         csrf_field(csrf_token) +
         "<p><label>Re-host request <input type=\"file\" name=\"request\" required></label></p>"
         "<p><button type=\"submit\">Preview</button></p></form>";
}

std::string rehost_preview_body(const upload& u, const generator::rehost_plan& plan, const std::string& csrf_token) {
  const ledger::entry& was = plan.was;
  std::string body = "<h2>The license it replaces</h2><table>";
  const std::pair<const char*, std::string> fields[] = {
      {"license", license_link(was.license_id)},      {"licensee", html_escape(was.licensee)},
      {"product", html_escape(was.product)},          {"issued", format::to_string(was.issued)},
      {"expires", date_or(was.expires, "perpetual")}, {"request", html_escape(u.name)}};
  for (const auto& [name, value] : fields) body += std::string("<tr><th>") + name + "</th><td>" + value + "</td></tr>";
  body += "</table><h2>What changed</h2><table>" + header_row({"class", "change"});
  for (const auto& c : plan.difference)
    body += row({html_escape(format::to_string(c.component)), html_escape(c.change)});
  body += "</table><h2>Budget</h2><p class=\"budget\">Re-hosts along this license's chain in the last 365 days: " +
          std::to_string(plan.used) + " of " + std::to_string(plan.budget) + ".</p>";
  body += "<form method=\"post\" action=\"/rehost\" enctype=\"multipart/form-data\">" + csrf_field(csrf_token) +
          hidden_field("request_text", format::normalize_line_endings(u.text)) + hidden_field("request_name", u.name);
  if (!plan.within_budget())
    body +=
        "<p class=\"error\">Over budget: re-hosting again needs a reason, which the ledger keeps.</p>"
        "<p><label><input type=\"checkbox\" name=\"force\" value=\"yes\"> force the re-host beyond the budget"
        "</label></p><p><label>Reason (no personal data) <input name=\"reason\" maxlength=\"200\"></label></p>";
  return body +
         "<p><button type=\"submit\">Re-host and revoke the old license</button> <a href=\"/rehost\">Start "
         "again</a></p></form>";
}

std::string rehost(app& a, const httplib::Request& req, const std::string& actor) {
  const upload u = upload_of(req);
  const bool force = !form_field(req, "force").empty();
  const std::string reason = form_field(req, "reason");
  if (!reason.empty() && !one_line_text(reason, 200)) bad_input("give a reason of 1 to 200 characters, on one line");
  const std::lock_guard<std::mutex> one_at_a_time(successor_mutex);
  generator::rehost_plan plan = plan_of(a, u);
  generator::enforce_budget(plan, force, reason, "tick force and give a reason, which is recorded");
  const std::string note = generator::rehost_note(force, reason);
  const std::string& old_id = plan.was.license_id;
  // The ledger revokes the old license when it confirms the successor, in the same transaction.
  record_signed(a, plan.next, {"rehost", old_id, "", "", note}, actor, "rehost",
                "replaces " + old_id + (note.empty() ? "" : "; " + note));
  return plan.next.id;
}

// --- revocation lists ---------------------------------------------------------------------------------

struct product_lists {
  std::size_t revoked = 0;
  std::int64_t last_sequence = 0;
};

std::map<std::string, product_lists> products_of(app& a) {
  return a.locked([](ledger::ledger& book) {
    std::map<std::string, product_lists> out;
    for (const auto& e : book.entries()) out[e.product];
    for (auto& [product, lists] : out)
      lists = {book.revoked_ids(product).size(), book.last_revocation_sequence(product)};
    return out;
  });
}

std::string revocations_body(app& a, const std::string& csrf_token) {
  std::string body =
      "<p>A product's revocation list names every license the ledger records as revoked (but those expired more "
      "than a year ago), with the next sequence number; the customer gives it to the product with the license "
      "(<code>airlock-verify --revocations FILE</code>). Signing records the number first, so a number is never "
      "used twice.</p><table>" +
      header_row({"product", "revoked licenses", "last list", "sign"});
  for (const auto& [product, lists] : products_of(a)) {
    const std::string next = std::to_string(lists.last_sequence + 1);
    body += row({html_escape(product), std::to_string(lists.revoked),
                 lists.last_sequence ? std::to_string(lists.last_sequence) : std::string("none"),
                 "<form class=\"inline\" method=\"post\" action=\"/revocations\">" + csrf_field(csrf_token) +
                     hidden_field("product", product) + "<button type=\"submit\">Sign and download list " + next +
                     "</button></form>"});
  }
  return body + "</table>";
}

// A product name as part of a file name: letters, digits, '.', '_' and '-'; anything else '_'.
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

struct signed_list {
  format::revocation_list list;
  std::string text;
};

signed_list sign_list(app& a, const std::string& product, const std::string& actor) {
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

}  // namespace

void install_lifecycle_pages(httplib::Server& server, app& a) {
  server.Post(R"(/license/([^/]+)/renew)", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      const auto e = a.find(req.matches[1]);
      if (!e) return a.not_found(res, w);
      try {
        see_other(res, "/license/" + renew(a, e->license_id, req, w.session.operator_name));
      } catch (const cli::failure& problem) {
        a.show_error(res, w, 400, "Not renewed", problem.what(), "/license/" + e->license_id);
      }
    });
  });
  server.Get("/rehost", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res,
                   [&](const app::who& w) { a.show(res, w, 200, "Re-host", rehost_form_body(w.session.csrf_token)); });
  });
  server.Post("/rehost/preview", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      try {
        const upload u = upload_of(req);
        const auto plan = plan_of(a, u);
        a.show(res, w, 200, "Re-host preview", rehost_preview_body(u, plan, w.session.csrf_token));
      } catch (const cli::failure& problem) {
        a.show_error(res, w, 400, "Not re-hosted", problem.what(), "/rehost");
      }
    });
  });
  server.Post("/rehost", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      try {
        see_other(res, "/license/" + rehost(a, req, w.session.operator_name));
      } catch (const cli::failure& problem) {
        a.show_error(res, w, 400, "Not re-hosted", problem.what(), "/rehost");
      }
    });
  });
  server.Get("/revocations", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      a.show(res, w, 200, "Revocation lists", revocations_body(a, w.session.csrf_token));
    });
  });
  server.Post("/revocations", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      const std::string product = form_field(req, "product");
      try {
        if (!one_line_text(product, 128)) bad_input("choose a product");
        const signed_list s = sign_list(a, product, w.session.operator_name);
        res.set_header("Content-Disposition", "attachment; filename=\"revoked-" + file_name_part(product) + "-" +
                                                  std::to_string(s.list.sequence) + ".toml\"");
        res.set_content(s.text, "application/toml");
      } catch (const cli::failure& problem) {
        a.show_error(res, w, 400, "No list signed", problem.what(), "/revocations");
      }
    });
  });
}

}  // namespace airlock::console
