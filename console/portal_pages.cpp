// SPDX-License-Identifier: MIT
// The customer portal under /portal/: a customer sets a password from the one-time link an operator
// handed over, logs in (the operators' rules: lock-out, one answer, the login form's own CSRF token),
// sees and downloads the licenses of the account's one licensee, and uploads activation and re-host
// requests. A re-host within the license's budget is issued at once; anything else waits for an
// operator (customer_pages.cpp). Every customer action is chained as "customer:NAME".
#include "cli/diagnostics.hpp"
#include "console/orders.hpp"
#include "generator/license_builder.hpp"
#include "generator/lifecycle.hpp"
#include "keys/password.hpp"

namespace airlock::console {
namespace {

constexpr const char* form_cookie = "airlock_portal_form";  // the login and set-up forms' CSRF token
constexpr std::size_t max_password_size = 1024;
static_assert(max_failed_logins == 5 && lockout_seconds == 15 * 60, "failed_login_text states both");
constexpr const char* failed_login_text =
    "Wrong name or password, or the account is locked for 15 minutes after 5 wrong passwords.";

std::string actor_of(const std::string& name) { return "customer:" + name; }

void send_portal(httplib::Response& res, int status, const std::string& title, const std::string& body) {
  send_html(res, status, portal_page(title, "", "", body));
}

// A form outside a session (log in, set up) carries a fresh token that must come back as its cookie.
std::string form_nonce(const app& a, httplib::Response& res) {
  const std::string nonce = keys::random_hex(32);
  res.set_header("Set-Cookie", a.cookie_header(form_cookie, nonce, 3600));
  return nonce;
}

bool form_nonce_ok(const httplib::Request& req) {
  return same_secret(req.get_param_value("csrf"), cookie(req, form_cookie));
}

void refuse_expired_form(httplib::Response& res, const char* again) {
  send_portal(res, 403, "Refused",
              std::string("<p class=\"error\">The form expired: <a href=\"") + again + "\">reload it</a>.</p>");
}

void login_form(const app& a, httplib::Response& res, int status, const std::string& message) {
  const std::string nonce = form_nonce(a, res);
  std::string body;
  if (!message.empty()) body += "<p class=\"error\">" + html_escape(message) + "</p>";
  body += "<form method=\"post\" action=\"/portal/login\">" + csrf_field(nonce) +
          "<p><label>Name <input name=\"name\" autocomplete=\"username\" required></label></p>"
          "<p><label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" "
          "required></label></p><p><button type=\"submit\">Log in</button></p></form>";
  send_portal(res, status, "Log in", body);
}

void login(app& a, const httplib::Request& req, httplib::Response& res) {
  if (!form_nonce_ok(req)) return refuse_expired_form(res, "/portal/login");
  const std::string name = req.get_param_value("name"), password = req.get_param_value("password");
  const auto account = a.locked([&](ledger::ledger& book) { return book.find_customer(name); });
  // One answer for an unknown name, an account not yet set up, a wrong password and a lock-out,
  // after the same Argon2 work.
  const bool usable = account && !account->password_hash.empty();
  const bool locked_now = account && account->locked_until > unix_now();
  const bool right =
      keys::check_password(password, usable ? account->password_hash : a.dummy_hash) && usable && !locked_now;
  if (!right) {
    if (usable && !locked_now)
      a.locked([&](ledger::ledger& book) {
        (void)book.record_customer_login_failure(name, max_failed_logins, lockout_seconds);
      });
    return login_form(a, res, 401, failed_login_text);
  }
  const std::string token = keys::random_hex(32);
  const ledger::session s{name, keys::random_hex(32), unix_now() + session_seconds};
  const bool logged_in = a.locked([&](ledger::ledger& book) {
    const auto again = book.find_customer(name);
    if (!again || again->locked_until > unix_now()) return false;
    book.record_customer_login(name, ledger::sha256_hex(token), s);
    return true;
  });
  if (!logged_in) return login_form(a, res, 401, failed_login_text);
  res.set_header("Set-Cookie", a.cookie_header(portal_cookie, token, session_seconds));
  res.set_header("Set-Cookie", a.cookie_header(form_cookie, "", 0));
  see_other(res, "/portal");
}

void setup_form(const app& a, httplib::Response& res, int status, const std::string& token,
                const std::string& message) {
  const std::string nonce = form_nonce(a, res);
  std::string body;
  if (!message.empty()) body += "<p class=\"error\">" + html_escape(message) + "</p>";
  body += "<p>Choose the password of your portal account (at least " + std::to_string(min_customer_password) +
          " characters). This link works once.</p><form method=\"post\" action=\"/portal/setup\">" + csrf_field(nonce) +
          hidden_field("token", token) +
          "<p><label>Password <input name=\"password\" type=\"password\" autocomplete=\"new-password\" "
          "required></label></p><p><label>Again <input name=\"again\" type=\"password\" "
          "autocomplete=\"new-password\" required></label></p><p><button type=\"submit\">Set the password"
          "</button></p></form>";
  send_portal(res, status, "Set up your account", body);
}

void setup(app& a, const httplib::Request& req, httplib::Response& res) {
  const std::string token = req.get_param_value("token");
  if (!form_nonce_ok(req)) return refuse_expired_form(res, "/portal/login");
  const std::string password = req.get_param_value("password");
  if (password != req.get_param_value("again")) return setup_form(a, res, 400, token, "The two passwords differ.");
  if (password.size() < min_customer_password || password.size() > max_password_size)
    return setup_form(a, res, 400, token,
                      "A password has " + std::to_string(min_customer_password) + " to " +
                          std::to_string(max_password_size) + " characters.");
  const std::string hash = keys::hash_password(password);
  const auto name = token.empty() ? std::nullopt : a.locked([&](ledger::ledger& book) {
    return book.set_up_customer(ledger::sha256_hex(token), hash);
  });
  if (!name)
    return send_portal(res, 404, "Not set up",
                       "<p class=\"error\">This set-up link is unknown, used or expired: ask your vendor for a new "
                       "one.</p>");
  res.set_header("Set-Cookie", a.cookie_header(form_cookie, "", 0));
  send_portal(res, 200, "Account set up",
              "<p class=\"notice\">The password of " + html_escape(*name) +
                  " is set.</p><p><a href=\"/portal/login\">Log in</a></p>");
}

// A license of the customer's licensee, or nothing: another licensee's is exactly as unknown.
std::optional<ledger::entry> owned(app& a, const app::customer& c, const std::string& id) {
  auto e = a.find(id);
  if (!e || e->licensee != c.licensee) return std::nullopt;
  return e;
}

void not_found(app& a, httplib::Response& res, const app::customer& c) {
  a.show_portal(res, c, 404, "Not found", "<p class=\"error\">No such license.</p>");
}

std::string requests_table(const std::vector<ledger::ledger::portal_request>& requests) {
  std::string body = "<table>" + header_row({"request", "received", "file", "kind", "state", "license", "detail"});
  for (const auto& r : requests)
    body += row({std::to_string(r.id), format::to_string(r.received_at), html_escape(r.file_name), r.kind, r.state,
                 r.license_id.empty() ? std::string()
                                      : "<a href=\"/portal/license/" + html_escape(r.license_id) + "\">" +
                                            html_escape(r.license_id) + "</a>",
                 html_escape(r.detail)});
  return body + "</table>";
}

std::string home_body(app& a, const app::customer& c) {
  const auto day = today();
  std::string body = "<p>Licenses of " + html_escape(c.licensee) + ".</p><table>" +
                     header_row({"license", "product", "issued", "expires", "state", "file"});
  int shown = 0;
  for (const auto& e : a.all_entries()) {
    if (e.licensee != c.licensee) continue;
    ++shown;
    const std::string link = "/portal/license/" + html_escape(e.license_id);
    body += row({"<a href=\"" + link + "\">" + html_escape(e.license_id) + "</a>", html_escape(e.product),
                 format::to_string(e.issued), date_or(e.expires, "perpetual"), ledger::state_of(e, day),
                 e.license_text.empty() ? std::string() : "<a href=\"" + link + "/download\">download</a>"});
  }
  body += "</table>";
  if (shown == 0) body += "<p>No licenses yet.</p>";
  const auto requests =
      a.locked([&](ledger::ledger& book) { return book.portal_requests(c.session.operator_name, ""); });
  body += "<h2>Your requests</h2>" + (requests.empty() ? std::string("<p>None yet.</p>") : requests_table(requests));
  return body + "<p><a href=\"/portal/upload\">Upload an activation or re-host request</a></p>";
}

std::string license_body(const ledger::entry& e) {
  std::string body = "<table>";
  const std::pair<const char*, std::string> fields[] = {
      {"license", html_escape(e.license_id)},
      {"product", html_escape(e.product)},
      {"licensee", html_escape(e.licensee)},
      {"issued", format::to_string(e.issued)},
      {"not before", format::to_string(e.not_before)},
      {"expires", date_or(e.expires, "perpetual")},
      {"updates until", date_or(e.updates_until, "every build")},
      {"features", html_escape(joined(e.features, " "))},
      {"machine", e.machine_policy.empty() ? "unbound" : "bound (" + html_escape(e.machine_policy) + ")"},
      {"state", ledger::state_of(e, today())}};
  for (const auto& [name, value] : fields) body += std::string("<tr><th>") + name + "</th><td>" + value + "</td></tr>";
  body += "</table>";
  if (!e.license_text.empty())
    body +=
        "<p><a href=\"/portal/license/" + html_escape(e.license_id) + "/download\">Download the license file</a></p>";
  return body;
}

std::string upload_form(const app::customer& c) {
  return "<p>Upload the request file written by <code>airlock-hwid request</code> on the machine to license. A "
         "re-host request (<code>airlock-hwid request --rehost</code>) moves one of your licenses to a new "
         "machine: within its re-host budget the new license is issued at once and the old one is revoked. "
         "Anything else waits for your vendor.</p>"
         "<form method=\"post\" action=\"/portal/upload\" enctype=\"multipart/form-data\">" +
         csrf_field(c.session.csrf_token) +
         "<p><label>Request file <input type=\"file\" name=\"request\" required></label></p>"
         "<p><button type=\"submit\">Upload</button></p></form>";
}

ledger::ledger::portal_request new_request(const app::customer& c, const char* kind, const std::string& file_name,
                                           const std::string& text) {
  ledger::ledger::portal_request r;
  r.customer = c.session.operator_name;
  r.licensee = c.licensee;
  r.kind = kind;
  r.file_name = file_name;
  r.request_text = text;
  return r;
}

void waits(app& a, httplib::Response& res, const app::customer& c, ledger::ledger::portal_request r,
           const char* action) {
  const auto id = a.locked(
      [&](ledger::ledger& book) { return book.add_portal_request(r, actor_of(c.session.operator_name), action); });
  a.show_portal(res, c, 202, "Request received",
                "<p class=\"notice\">Request " + std::to_string(id) + " waits for your vendor.</p>" +
                    (r.detail.empty() ? std::string() : "<p>" + html_escape(r.detail) + "</p>") +
                    "<p><a href=\"/portal\">Your licenses and requests</a></p>");
}

void rehost(app& a, httplib::Response& res, const app::customer& c, const format::request& parsed,
            const std::string& file_name, const std::string& text) {
  const std::string old_id = *parsed.replaces;
  if (!owned(a, c, old_id))
    return a.show_portal(res, c, 404, "Not received",
                         "<p class=\"error\">" + html_escape(file_name) + ": no license " + html_escape(old_id) +
                             " of yours to re-host.</p>");
  auto r = new_request(c, "rehost", file_name, text);
  std::lock_guard<std::mutex> one_at_a_time(a.successor_mutex);
  std::optional<generator::rehost_plan> plan;
  try {
    plan = a.locked([&](ledger::ledger& book) {
      return generator::plan_rehost(book, parsed, file_name, a.key, generator::current_time(),
                                    generator::default_rehost_budget);
    });
    generator::enforce_budget(*plan, false, "", "your vendor decides");
  } catch (const cli::failure& e) {
    r.detail = e.what();
    return waits(a, res, c, r, "upload-rehost");
  }
  const std::string actor = actor_of(c.session.operator_name);
  record_signed(a, plan->next, {"rehost", old_id, "", "", "portal: " + c.session.operator_name}, actor, "portal-rehost",
                "");
  r.state = "issued";
  r.license_id = plan->next.id;
  (void)a.locked([&](ledger::ledger& book) { return book.add_portal_request(r, actor, "upload-rehost"); });
  const std::string link = "/portal/license/" + html_escape(plan->next.id);
  a.show_portal(res, c, 200, "Re-hosted",
                "<p class=\"notice\">License " + html_escape(plan->next.id) + " replaces " + html_escape(old_id) +
                    ", which is now revoked.</p><p><a href=\"" + link +
                    "/download\">Download the new license file</a></p>");
}

void upload(app& a, const httplib::Request& req, httplib::Response& res, const app::customer& c) {
  if (!req.has_file("request"))
    return a.show_portal(res, c, 400, "Not received", "<p class=\"error\">Choose a request file.</p>");
  const auto file = req.get_file_value("request");
  const std::string name = file.filename.empty() ? "the uploaded request" : file.filename;
  const auto refuse = [&](const std::string& why) {
    a.show_portal(res, c, 400, "Not received",
                  "<p class=\"error\">" + html_escape(why) + "</p><p><a href=\"/portal/upload\">Back</a></p>");
  };
  if (file.content.empty() || file.content.size() > max_request_size)
    return refuse(name + ": empty or too large for a request");
  const auto parsed = format::parse_request(file.content);
  if (!parsed.ok())
    return refuse(cli::about_file(name, "line " + std::to_string(parsed.error.line) + ", column " +
                                            std::to_string(parsed.error.column) + ": " + parsed.error.message));
  if (parsed.value->key_id != a.key_id)
    return refuse(cli::about_file(
        name, "was made for vendor key " + parsed.value->key_id + ", but the signing key is " + a.key_id));
  if (parsed.value->replaces) return rehost(a, res, c, *parsed.value, name, file.content);
  // Checked as the operator's issue will check it (an expiry or features the operator adds later).
  order_fields f;
  f.request_text = file.content;
  f.request_name = name;
  f.licensee = c.licensee;
  try {
    (void)build_order(a, f);
  } catch (const cli::failure& e) {
    return refuse(e.what());
  }
  waits(a, res, c, new_request(c, "activation", name, file.content), "upload-activation");
}

}  // namespace

void install_portal_pages(httplib::Server& server, app& a) {
  server.Get("/portal/login", [&a](const httplib::Request& req, httplib::Response& res) {
    if (a.current_customer(req)) return see_other(res, "/portal");
    login_form(a, res, 200, "");
  });
  server.Post("/portal/login", [&a](const httplib::Request& req, httplib::Response& res) { login(a, req, res); });
  server.Post("/portal/logout", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_customer(req, res, [&](const app::customer& c) {
      a.locked([&](ledger::ledger& book) { book.record_customer_logout(c.token_sha256); });
      res.set_header("Set-Cookie", a.cookie_header(portal_cookie, "", 0));
      see_other(res, "/portal/login");
    });
  });
  server.Get("/portal/setup", [&a](const httplib::Request& req, httplib::Response& res) {
    setup_form(a, res, 200, req.get_param_value("token"), "");
  });
  server.Post("/portal/setup", [&a](const httplib::Request& req, httplib::Response& res) { setup(a, req, res); });
  server.Get("/portal", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_customer(req, res,
                    [&](const app::customer& c) { a.show_portal(res, c, 200, "Your licenses", home_body(a, c)); });
  });
  server.Get(R"(/portal/license/([^/]+))", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_customer(req, res, [&](const app::customer& c) {
      const auto e = owned(a, c, req.matches[1]);
      if (!e) return not_found(a, res, c);
      a.show_portal(res, c, 200, "License " + e->license_id, license_body(*e));
    });
  });
  // From the ledger's copy, checked against its SHA-256, as the operators' download.
  server.Get(R"(/portal/license/([^/]+)/download)", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_customer(req, res, [&](const app::customer& c) {
      const auto e = owned(a, c, req.matches[1]);
      if (!e || e->license_text.empty() || ledger::sha256_hex(e->license_text) != e->file_sha256)
        return not_found(a, res, c);
      res.set_header("Content-Disposition", "attachment; filename=\"" + e->license_id + ".toml\"");
      res.set_content(e->license_text, "application/toml");
    });
  });
  server.Get("/portal/upload", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_customer(req, res,
                    [&](const app::customer& c) { a.show_portal(res, c, 200, "Upload a request", upload_form(c)); });
  });
  server.Post("/portal/upload", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_customer(req, res, [&](const app::customer& c) { upload(a, req, res, c); });
  });
}

}  // namespace airlock::console
