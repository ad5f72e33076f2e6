// SPDX-License-Identifier: MIT
// The operators' side of the customer portal: /customers creates accounts (each limited to one
// licensee) and shows each new account's one-time set-up link once; /requests lists what customers
// uploaded that waits for an operator, and issues it (an activation through orders.hpp with the
// licensee forced to the customer's, a re-host beyond its budget with a recorded reason) or refuses it.
#include "cli/diagnostics.hpp"
#include "console/orders.hpp"
#include "generator/license_builder.hpp"
#include "generator/lifecycle.hpp"
#include "keys/password.hpp"

namespace airlock::console {
namespace {

using request_row = ledger::ledger::portal_request;

std::string input(const char* name, const char* label, const char* extra = "") {
  return std::string("<p><label>") + label + " <input name=\"" + name + "\"" + extra + "></label></p>";
}

std::string customers_body(app& a, const std::string& csrf_token) {
  const auto all = a.locked([](ledger::ledger& book) { return book.customers(); });
  const auto now = unix_now();
  std::string body =
      "<p>A customer account sees the licenses of exactly one licensee (the name as it is in the "
      "licenses), downloads them and uploads activation and re-host requests. Create it here and "
      "hand over its set-up link (valid 7 days, once).</p><table>" +
      header_row({"customer", "licensee", "account", "created"});
  for (const auto& c : all) {
    std::string account = "set up";
    if (c.password_hash.empty())
      account = c.setup_expires_at > now ? "set-up link not used yet" : "set-up link expired";
    if (c.locked_until > now) account += ", locked";
    body += row({html_escape(c.name), html_escape(c.licensee), account,
                 format::to_string(c.created_at) + " by " + html_escape(c.created_by)});
  }
  body += "</table><h2>Add a customer</h2><form method=\"post\" action=\"/customers\">" + csrf_field(csrf_token) +
          input("name", "Login name", " required maxlength=\"64\"") +
          input("licensee", "Licensee", " required maxlength=\"128\"") +
          "<p><button type=\"submit\">Add</button></p></form>";
  return body;
}

void add_customer(app& a, const httplib::Request& req, httplib::Response& res, const app::who& w) {
  const std::string name = req.get_param_value("name"), licensee = req.get_param_value("licensee");
  if (!one_line_text(name, 64) || !one_line_text(licensee, 128))
    return a.show_error(res, w, 400, "Not added",
                        "Give a login name of 1 to 64 and a licensee of 1 to 128 characters, each on one line.",
                        "/customers");
  const std::string token = keys::random_hex(32);
  try {
    a.locked([&](ledger::ledger& book) {
      book.add_customer(name, licensee, ledger::sha256_hex(token), unix_now() + setup_link_seconds,
                        w.session.operator_name);
    });
  } catch (const cli::failure&) {
    return a.show_error(res, w, 400, "Not added", "A customer named " + name + " exists already.", "/customers");
  }
  const std::string link =
      std::string(a.tls ? "https://" : "http://") + req.get_header_value("Host") + "/portal/setup?token=" + token;
  a.show(res, w, 200, "Customer added",
         "<p class=\"notice\">Customer " + html_escape(name) + " sees the licenses of " + html_escape(licensee) +
             ".</p><p>Hand over this set-up link: it is shown only now, works once and expires in 7 days.</p>"
             "<p><code class=\"setup-link\">" +
             html_escape(link) + "</code></p><p><a href=\"/customers\">Customers</a></p>");
}

std::string issue_form(const request_row& r, const std::string& csrf_token) {
  const std::string action = "/requests/" + std::to_string(r.id);
  std::string body = "<form method=\"post\" action=\"" + action + "/issue\">" + csrf_field(csrf_token);
  if (r.kind == "activation") {
    body += input("expires", "Expires (YYYY-MM-DD, empty: perpetual)") +
            input("updates_until", "Updates until (YYYY-MM-DD, empty: every build)") +
            input("features", "Features (separated by spaces)") +
            input("limits", "Limits (NAME=N, separated by spaces)") + "<p><button type=\"submit\">Issue for " +
            html_escape(r.licensee) + "</button></p>";
  } else {
    body += input("reason", "Reason, recorded when beyond the budget (no personal data)", " maxlength=\"200\"") +
            "<p><button type=\"submit\">Re-host</button></p>";
  }
  body += "</form><form method=\"post\" action=\"" + action + "/refuse\">" + csrf_field(csrf_token) +
          input("reason", "Refuse, saying why", " required maxlength=\"200\"") +
          "<p><button type=\"submit\">Refuse</button></p></form>";
  return body;
}

std::string requests_body(app& a, const std::string& csrf_token) {
  const auto waiting = a.locked([](ledger::ledger& book) { return book.portal_requests("", "waiting"); });
  std::string body = "<p>Requests customers uploaded in the portal that wait for an operator.</p>";
  if (waiting.empty()) body += "<p>None waiting.</p>";
  for (const auto& r : waiting) {
    body += "<h2>Request " + std::to_string(r.id) + "</h2><table>" +
            header_row({"customer", "licensee", "kind", "file", "received", "why it waits"}) +
            row({html_escape(r.customer), html_escape(r.licensee), r.kind, html_escape(r.file_name),
                 format::to_string(r.received_at), html_escape(r.detail)}) +
            "</table>";
    if (const auto parsed = format::parse_request(r.request_text); parsed.ok())
      body += "<p>Product " + html_escape(parsed.value->product) +
              (parsed.value->replaces ? ", replaces " + license_link(*parsed.value->replaces) : std::string()) +
              ".</p>";
    body += issue_form(r, csrf_token);
  }
  auto settled = a.locked([](ledger::ledger& book) { return book.portal_requests("", ""); });
  body +=
      "<h2>Settled</h2><table>" + header_row({"request", "customer", "kind", "received", "state", "license", "detail"});
  for (const auto& r : settled)
    if (r.state != "waiting")
      body += row({std::to_string(r.id), html_escape(r.customer), r.kind, format::to_string(r.received_at), r.state,
                   r.license_id.empty() ? std::string() : license_link(r.license_id), html_escape(r.detail)});
  return body + "</table>";
}

std::optional<request_row> waiting_request(app& a, const std::string& id_text) {
  if (id_text.empty() || id_text.size() > 18) return std::nullopt;
  const auto r = a.locked([&](ledger::ledger& book) { return book.find_portal_request(std::stoll(id_text)); });
  if (!r || r->state != "waiting") return std::nullopt;
  return r;
}

// Signs what the request asks for; returns the license id. Throws cli::failure.
std::string issue(app& a, const httplib::Request& req, const request_row& r, const std::string& operator_name) {
  if (r.kind == "activation") {
    order_fields f;
    f.request_text = r.request_text;
    f.request_name = r.file_name;
    f.licensee = r.licensee;  // the customer's, whatever the form says
    f.expires = req.get_param_value("expires");
    f.updates_until = req.get_param_value("updates_until");
    f.features = req.get_param_value("features");
    f.limits = req.get_param_value("limits");
    return issue_order(a, f, operator_name);
  }
  const auto parsed = format::parse_request(r.request_text);
  std::lock_guard<std::mutex> one_at_a_time(a.successor_mutex);
  if (!parsed.ok()) throw cli::failure(cli::exit_bad_input, cli::about_file(r.file_name, parsed.error.message));
  const auto plan = a.locked([&](ledger::ledger& book) {
    return generator::plan_rehost(book, *parsed.value, r.file_name, a.key, generator::current_time(),
                                  generator::default_rehost_budget);
  });
  if (plan.was.licensee != r.licensee)
    throw cli::failure(cli::exit_bad_input, "license " + plan.was.license_id + " is not the customer's");
  const bool force = !plan.within_budget();
  const std::string reason = req.get_param_value("reason");
  if (force && !one_line_text(reason, 200))
    throw cli::failure(cli::exit_bad_input, "beyond the budget (" + std::to_string(plan.used) + " of " +
                                                std::to_string(plan.budget) + "): give a reason, which is recorded");
  record_signed(a, plan.next, {"rehost", plan.was.license_id, "", "", generator::rehost_note(force, reason)},
                operator_name, "rehost", "portal request " + std::to_string(r.id));
  return plan.next.id;
}

}  // namespace

void install_customer_pages(httplib::Server& server, app& a) {
  server.Get("/customers", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      a.show(res, w, 200, "Customers", customers_body(a, w.session.csrf_token));
    });
  });
  server.Post("/customers", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) { add_customer(a, req, res, w); });
  });
  server.Get("/requests", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      a.show(res, w, 200, "Portal requests", requests_body(a, w.session.csrf_token));
    });
  });
  server.Post(R"(/requests/(\d+)/issue)", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      const auto r = waiting_request(a, req.matches[1]);
      if (!r) return a.show_error(res, w, 404, "Not found", "No such waiting request.", "/requests");
      try {
        const std::string id = issue(a, req, *r, w.session.operator_name);
        (void)a.locked([&](ledger::ledger& book) {
          return book.settle_portal_request(r->id, "issued", id, "", w.session.operator_name, "issue-portal-request");
        });
        see_other(res, "/license/" + id);
      } catch (const cli::failure& e) {
        a.show_error(res, w, 400, "Not issued", e.what(), "/requests");
      }
    });
  });
  server.Post(R"(/requests/(\d+)/refuse)", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      const auto r = waiting_request(a, req.matches[1]);
      if (!r) return a.show_error(res, w, 404, "Not found", "No such waiting request.", "/requests");
      const std::string reason = req.get_param_value("reason");
      if (!one_line_text(reason, 200))
        return a.show_error(res, w, 400, "Not refused", "Give a reason of 1 to 200 characters, on one line.",
                            "/requests");
      (void)a.locked([&](ledger::ledger& book) {
        return book.settle_portal_request(r->id, "refused", "", reason, w.session.operator_name,
                                          "refuse-portal-request");
      });
      see_other(res, "/requests");
    });
  });
}

}  // namespace airlock::console
