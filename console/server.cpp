// SPDX-License-Identifier: MIT
#include "console/server.hpp"

#include <arpa/inet.h>

#include <httplib.h>

#include <algorithm>
#include <ctime>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "airlock/format/envelope.hpp"
#include "airlock/format/machine.hpp"
#include "airlock/format/request.hpp"
#include "cli/diagnostics.hpp"
#include "console/html.hpp"
#include "generator/license_builder.hpp"
#include "generator/recorded_write.hpp"
#include "keys/password.hpp"

namespace airlock::console {
namespace {

using ledger::entry;

constexpr const char* session_cookie = "airlock_session";
constexpr const char* login_cookie = "airlock_login";  // the login form's CSRF token (double submit)
static_assert(max_failed_logins == 5 && lockout_seconds == 15 * 60, "failed_login_text states both");
constexpr const char* failed_login_text =
    "Wrong operator name or password, or the account is locked for 15 minutes after 5 wrong passwords.";

// Everything the pages load comes from the console itself; nothing inline, no framing.
constexpr const char* content_security_policy =
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

format::date today() { return format::utc_date(format::utc_time{unix_now()}); }

format::date add_days(const format::date& d, std::int64_t days) {
  return format::civil_from_days(format::days_from_civil(d) + days);
}

// Compares secrets in time independent of where they differ.
bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// One cookie's value from the Cookie header (RFC 6265 section 5.4: "name=value; name=value").
std::string cookie(const httplib::Request& req, const std::string& name) {
  const std::string header = req.get_header_value("Cookie");
  std::size_t at = 0;
  while (at < header.size()) {
    const std::size_t end = std::min(header.find(';', at), header.size());
    std::size_t start = header.find_first_not_of(' ', at);
    if (start < end && header.compare(start, name.size() + 1, name + "=") == 0)
      return header.substr(start + name.size() + 1, end - start - name.size() - 1);
    at = end + 1;
  }
  return {};
}

// A license id as `airlock issue --id` allows it; anything else is not looked up at all.
bool plausible_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

std::string date_or(const std::optional<format::date>& d, const char* otherwise) {
  return d ? format::to_string(*d) : otherwise;
}

std::string joined(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : sep) + item;
  return out;
}

// What a license is now, from the ledger: the order decides which word wins.
std::string state_of(const entry& e, const std::set<std::string>& superseded, const format::date& day) {
  if (e.revoked) return "revoked";
  if (superseded.count(e.license_id)) return "superseded";
  if (e.expires && *e.expires < day) return "expired";
  if (day < e.not_before) return "not yet valid";
  return "active";
}

std::set<std::string> superseded_ids(const std::vector<entry>& all) {
  std::set<std::string> out;
  for (const auto& e : all)
    if (!e.supersedes.empty()) out.insert(e.supersedes);
  return out;
}

std::string license_link(const std::string& id) {
  return "<a href=\"/license/" + html_escape(id) + "\">" + html_escape(id) + "</a>";
}

std::string row(std::initializer_list<std::string> cells) {
  std::string out = "<tr>";
  for (const auto& c : cells) out += "<td>" + c + "</td>";
  return out + "</tr>";
}

std::string header_row(std::initializer_list<const char*> cells) {
  std::string out = "<tr>";
  for (const char* c : cells) out += std::string("<th>") + c + "</th>";
  return out + "</tr>";
}

}  // namespace

struct console_app::impl {
  ledger::ledger book;
  keys::signing_key key;  // unlocked once at start: the console signs with it and shows only its id
  bool tls;
  std::string out_dir;
  std::string key_id;
  std::string dummy_hash;  // checked for an unknown operator, so that a name's existence takes no less time
  std::mutex mutex;        // one ledger connection, many request threads

  impl(ledger::ledger b, keys::signing_key k, bool t, std::string out)
      : book(std::move(b)), key(std::move(k)), tls(t), out_dir(std::move(out)), key_id(keys::key_id(key.public_key())) {
    dummy_hash = keys::hash_password(keys::random_hex(16));
  }

  struct who {
    std::string token_sha256;
    ledger::session session;
  };

  std::optional<who> current(const httplib::Request& req) {
    const std::string token = cookie(req, session_cookie);
    if (token.empty()) return std::nullopt;
    const std::string hashed = ledger::sha256_hex(token);
    std::lock_guard<std::mutex> lock(mutex);
    if (auto s = book.find_session(hashed)) return who{hashed, *s};
    return std::nullopt;
  }

  std::string cookie_header(const std::string& name, const std::string& value, std::int64_t max_age) const {
    return name + "=" + value + "; Path=/; Max-Age=" + std::to_string(max_age) + "; HttpOnly; SameSite=Strict" +
           (tls ? "; Secure" : "");
  }

  static void html(httplib::Response& res, int status, const std::string& text) {
    res.status = status;
    res.set_content(text, "text/html; charset=utf-8");
  }

  static void see_other(httplib::Response& res, const std::string& where) { res.set_redirect(where, 303); }

  // Runs a page for a logged-in operator. GET without a session: to the login page; POST without a
  // session: 401; POST without the session's CSRF token: 403.
  template <typename Body>
  void with_session(const httplib::Request& req, httplib::Response& res, Body&& body) {
    const auto w = current(req);
    const bool post = req.method == "POST";
    if (!w) {
      if (post)
        html(res, 401,
             page("Not logged in", "", "", "<p class=\"error\">Log in first.</p><p><a href=\"/login\">Log in</a></p>"));
      else
        see_other(res, "/login");
      return;
    }
    const std::string csrf =
        req.is_multipart_form_data() ? req.get_file_value("csrf").content : req.get_param_value("csrf");
    if (post && !same_secret(csrf, w->session.csrf_token)) {
      html(res, 403,
           page("Refused", w->session.operator_name, w->session.csrf_token,
                "<p class=\"error\">The form's CSRF token is missing or wrong: reload the page and try again.</p>"));
      return;
    }
    body(*w);
  }

  void login_form(httplib::Response& res, int status, const std::string& message) {
    const std::string nonce = keys::random_hex(32);
    res.set_header("Set-Cookie", cookie_header(login_cookie, nonce, 3600));
    std::string body;
    if (!message.empty()) body += "<p class=\"error\">" + html_escape(message) + "</p>";
    body += "<form method=\"post\" action=\"/login\">" + csrf_field(nonce) +
            "<p><label>Operator <input name=\"name\" autocomplete=\"username\" required></label></p>"
            "<p><label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" "
            "required></label></p><p><button type=\"submit\">Log in</button></p></form>";
    html(res, status, page("Log in", "", "", body));
  }

  void login(const httplib::Request& req, httplib::Response& res) {
    const std::string nonce = cookie(req, login_cookie);
    if (!same_secret(req.get_param_value("csrf"), nonce)) {
      html(res, 403,
           page("Refused", "", "", "<p class=\"error\">The login form expired: <a href=\"/login\">reload it</a>.</p>"));
      return;
    }
    const std::string name = req.get_param_value("name"), password = req.get_param_value("password");
    std::optional<ledger::operator_account> account;
    {
      std::lock_guard<std::mutex> lock(mutex);
      account = book.find_operator(name);
    }
    // One answer for an unknown name, a wrong password and a locked account, after the same Argon2
    // work, so that the page never tells which operator names exist.
    const bool locked_now = account && account->locked_until > unix_now();
    const bool right =
        keys::check_password(password, account ? account->password_hash : dummy_hash) && account && !locked_now;
    if (!right) {
      if (account && !locked_now) {
        std::lock_guard<std::mutex> lock(mutex);
        (void)book.record_login_failure(name, max_failed_logins, lockout_seconds);
      }
      login_form(res, 401, failed_login_text);
      return;
    }
    const std::string token = keys::random_hex(32);
    ledger::session s{name, keys::random_hex(32), unix_now() + session_seconds};
    {
      std::lock_guard<std::mutex> lock(mutex);
      // Again under the lock: guesses running in parallel may have locked the account meanwhile.
      const auto again = book.find_operator(name);
      if (!again || again->locked_until > unix_now()) {
        login_form(res, 401, failed_login_text);
        return;
      }
      book.record_login(name, ledger::sha256_hex(token), s);
    }
    res.set_header("Set-Cookie", cookie_header(session_cookie, token, session_seconds));
    res.set_header("Set-Cookie", cookie_header(login_cookie, "", 0));
    see_other(res, "/");
  }

  std::vector<entry> all_entries() {
    std::lock_guard<std::mutex> lock(mutex);
    return book.entries();
  }

  std::string dashboard_body() {
    const auto all = all_entries();
    const auto superseded = superseded_ids(all);
    const auto day = today();
    const char* states[] = {"active", "not yet valid", "expired", "superseded", "revoked"};
    std::map<std::string, std::map<std::string, int>> counts;  // product -> state -> licenses
    const std::int64_t windows[] = {30, 60, 90};
    int expiring[3] = {0, 0, 0};
    std::vector<const entry*> soon;
    for (const auto& e : all) {
      const std::string state = state_of(e, superseded, day);
      ++counts[e.product][state];
      if (state != "active" || !e.expires) continue;
      for (int i = 0; i < 3; ++i)
        if (*e.expires <= add_days(day, windows[i])) ++expiring[i];
      if (*e.expires <= add_days(day, 30)) soon.push_back(&e);
    }
    std::string body = "<p>Signing key " + html_escape(key_id) + ", " + std::to_string(all.size()) +
                       " licenses in the ledger.</p><h2>Licenses by product and state</h2><table><tr><th>product</th>";
    for (const char* s : states) body += std::string("<th>") + s + "</th>";
    body += "</tr>";
    for (const auto& [product, by_state] : counts) {
      body += "<tr><td><a href=\"" + html_escape(httplib::append_query_params("/licenses", {{"product", product}})) +
              "\">" + html_escape(product) + "</a></td>";
      for (const char* s : states) {
        const auto it = by_state.find(s);
        body += "<td>" + std::to_string(it == by_state.end() ? 0 : it->second) + "</td>";
      }
      body += "</tr>";
    }
    body += "</table><h2>Expiring</h2><table>" + header_row({"within", "active licenses"});
    for (int i = 0; i < 3; ++i) body += row({std::to_string(windows[i]) + " days", std::to_string(expiring[i])});
    body += "</table>";
    if (!soon.empty()) {
      std::sort(soon.begin(), soon.end(), [](const entry* a, const entry* b) { return *a->expires < *b->expires; });
      body += "<h2>Expiring within 30 days</h2><table>" + header_row({"license", "product", "licensee", "expires"});
      for (const entry* e : soon)
        body += row({license_link(e->license_id), html_escape(e->product), html_escape(e->licensee),
                     format::to_string(*e->expires)});
      body += "</table>";
    }
    std::vector<ledger::audit_event> recent;
    {
      std::lock_guard<std::mutex> lock(mutex);
      recent = book.audit_log(10);
    }
    body +=
        "<h2>Recent operator activity</h2>" + audit_table(recent) + "<p><a href=\"/audit\">The whole audit log</a></p>";
    return body;
  }

  static std::string audit_table(const std::vector<ledger::audit_event>& events) {
    std::string body = "<table>" + header_row({"row", "when", "operator", "action", "license", "detail"});
    for (const auto& a : events)
      body += row({std::to_string(a.row), format::to_string(a.at), html_escape(a.operator_name), html_escape(a.action),
                   a.license_id.empty() ? std::string() : license_link(a.license_id), html_escape(a.detail)});
    return body + "</table>";
  }

  std::string licenses_body(const httplib::Request& req) {
    ledger::search_filter filter;
    filter.licensee = req.get_param_value("licensee");
    filter.product = req.get_param_value("product");
    filter.feature = req.get_param_value("feature");
    filter.machine = req.get_param_value("machine");
    std::size_t page_number = 1;
    const std::string page_text = req.get_param_value("page");
    if (!page_text.empty() && page_text.size() < 7 && page_text.find_first_not_of("0123456789") == std::string::npos)
      page_number = std::max<std::size_t>(1, std::stoul(page_text));
    const auto all = all_entries();
    const auto superseded = superseded_ids(all);
    std::vector<const entry*> found;
    for (const auto& e : all)
      if (ledger::matches(e, filter)) found.push_back(&e);
    std::reverse(found.begin(), found.end());  // newest first
    const std::size_t pages = std::max<std::size_t>(1, (found.size() + licenses_per_page - 1) / licenses_per_page);
    page_number = std::min(page_number, pages);
    const auto field = [](const char* name, const char* label, const std::string& value) {
      return std::string("<label>") + label + " <input name=\"" + name + "\" value=\"" + html_escape(value) +
             "\"></label>";
    };
    std::string body = "<form class=\"search\" method=\"get\" action=\"/licenses\">" +
                       field("licensee", "Licensee", filter.licensee) + field("product", "Product", filter.product) +
                       field("feature", "Feature", filter.feature) + field("machine", "Machine hash", filter.machine) +
                       "<button type=\"submit\">Search</button></form>";
    body += "<p>" + std::to_string(found.size()) + " licenses, page " + std::to_string(page_number) + " of " +
            std::to_string(pages) + ".</p><table>" +
            header_row({"license", "product", "licensee", "issued", "expires", "state"});
    const auto day = today();
    for (std::size_t i = (page_number - 1) * licenses_per_page; i < found.size() && i < page_number * licenses_per_page;
         ++i) {
      const entry& e = *found[i];
      body += row({license_link(e.license_id), html_escape(e.product), html_escape(e.licensee),
                   format::to_string(e.issued), date_or(e.expires, "perpetual"), state_of(e, superseded, day)});
    }
    body += "</table>";
    const auto link_to = [&](std::size_t n, const char* label) {
      httplib::Params params{{"page", std::to_string(n)}};
      if (!filter.licensee.empty()) params.emplace("licensee", filter.licensee);
      if (!filter.product.empty()) params.emplace("product", filter.product);
      if (!filter.feature.empty()) params.emplace("feature", filter.feature);
      if (!filter.machine.empty()) params.emplace("machine", filter.machine);
      return "<a href=\"" + html_escape(httplib::append_query_params("/licenses", params)) + "\">" + label + "</a> ";
    };
    body += "<p>";
    if (page_number > 1) body += link_to(page_number - 1, "previous page");
    if (page_number < pages) body += link_to(page_number + 1, "next page");
    return body + "</p>";
  }

  // The license's generations, oldest first: back along supersedes, then forward along successors.
  std::vector<entry> history_of(const entry& e) {
    std::vector<entry> back;
    std::set<std::string> seen{e.license_id};
    std::lock_guard<std::mutex> lock(mutex);
    for (auto p = e.supersedes.empty() ? std::nullopt : book.find(e.supersedes); p && seen.insert(p->license_id).second;
         p = p->supersedes.empty() ? std::nullopt : book.find(p->supersedes))
      back.push_back(*p);
    std::reverse(back.begin(), back.end());
    back.push_back(e);
    for (auto next = book.successors_of(e.license_id); !next.empty() && seen.insert(next.front().license_id).second;
         next = book.successors_of(back.back().license_id))
      back.push_back(next.front());
    return back;
  }

  std::string license_body(const entry& e, const std::string& csrf_token) {
    std::vector<std::pair<std::string, std::string>> fields = {
        {"license", html_escape(e.license_id)},
        {"product", html_escape(e.product)},
        {"licensee", html_escape(e.licensee)},
        {"key id", html_escape(e.key_id)},
        {"issued", format::to_string(e.issued)},
        {"not before", format::to_string(e.not_before)},
        {"expires", date_or(e.expires, "perpetual")},
        {"updates until", date_or(e.updates_until, "every build")},
        {"features", html_escape(joined(e.features, " "))}};
    std::string limits;
    for (const auto& l : e.limits) limits += (limits.empty() ? "" : " ") + l.name + "=" + std::to_string(l.value);
    fields.push_back({"limits", html_escape(limits)});
    for (const auto& m : e.meta) fields.push_back({"meta " + html_escape(m.name), html_escape(m.value)});
    fields.push_back({"machine", e.machine_policy.empty() ? "unbound" : html_escape(e.machine_policy)});
    fields.push_back({"operation", html_escape(e.operation)});
    if (!e.supersedes.empty()) fields.push_back({"supersedes", license_link(e.supersedes)});
    if (!e.note.empty()) fields.push_back({"note", html_escape(e.note)});
    fields.push_back({"file", html_escape(e.file_path)});
    fields.push_back({"file sha256", html_escape(e.file_sha256)});
    fields.push_back({"recorded", format::to_string(e.recorded_at) + " by " + html_escape(e.issued_by) + ", row " +
                                      std::to_string(e.row)});
    if (e.revoked) fields.push_back({"revoked", format::to_string(e.revoked_at) + ": " + html_escape(e.revoke_reason)});
    if (e.forgotten) fields.push_back({"forgotten", "personal fields erased"});
    std::string body = "<table>";
    for (const auto& [name, value] : fields) body += "<tr><th>" + name + "</th><td>" + value + "</td></tr>";
    body += "</table><h2>Machine hashes</h2>";
    if (e.machine_policy.empty()) {
      body += "<p>Unbound: no machine.</p>";
    } else {
      body += "<table>" + header_row({"class", "hashes"});
      for (const auto c : format::all_component_classes)
        if (!e.machine[c].empty())
          body += "<tr><td>" + html_escape(format::to_string(c)) + "</td><td class=\"hash\">" +
                  html_escape(joined(e.machine[c], " ")) + "</td></tr>";
      if (!e.machine.evidence_only.empty())
        body += "<tr><td>evidence only</td><td class=\"hash\">" + html_escape(joined(e.machine.evidence_only, " ")) +
                "</td></tr>";
      body += "</table>";
    }
    body += "<h2>History</h2><table>" + header_row({"license", "operation", "issued", "expires", "revoked"});
    for (const auto& g : history_of(e)) {
      const std::string id = g.license_id == e.license_id ? "<strong>" + html_escape(g.license_id) + "</strong>"
                                                          : license_link(g.license_id);
      body += row({id, html_escape(g.operation), format::to_string(g.issued), date_or(g.expires, "perpetual"),
                   g.revoked ? "yes" : "no"});
    }
    body += "</table>";
    if (!e.license_text.empty())
      body += "<p><a href=\"/license/" + html_escape(e.license_id) + "/download\">Download the license file</a></p>";
    if (!e.revoked)
      body += "<h2>Revoke</h2><form method=\"post\" action=\"/license/" + html_escape(e.license_id) +
              "/revoke\" data-confirm=\"Revoke this license?\">" + csrf_field(csrf_token) +
              "<p><label>Reason (no personal data) <input name=\"reason\" maxlength=\"200\" required></label> "
              "<button type=\"submit\">Revoke</button></p></form>";
    return body;
  }

  // The fields of an order as the forms name them.
  struct issue_form {
    std::string request_text, request_name, licensee, expires, updates_until, features;
    bool allow_container = false;
  };

  // A field of a posted form, multipart (as the preview sends it) or URL-encoded.
  static std::string field(const httplib::Request& req, const char* name) {
    return req.is_multipart_form_data() ? req.get_file_value(name).content : req.get_param_value(name);
  }

  // The first form: the request as an uploaded file, the rest as fields.
  static issue_form form_from_upload(const httplib::Request& req) {
    issue_form f = form_from_fields(req);
    const auto file = req.get_file_value("request");
    f.request_text = file.content;
    f.request_name = file.filename.empty() ? "the uploaded request" : file.filename;
    return f;
  }

  // The preview's form: the request's text as a field.
  static issue_form form_from_fields(const httplib::Request& req) {
    issue_form f;
    f.request_text = field(req, "request_text");
    f.request_name = field(req, "request_name");
    f.licensee = field(req, "licensee");
    f.expires = field(req, "expires");
    f.updates_until = field(req, "updates_until");
    f.features = field(req, "features");
    f.allow_container = !field(req, "allow_container").empty();
    return f;
  }

  // The request read and the order checked and built exactly as `airlock issue --request` does it.
  // Throws cli::failure with the problem.
  std::pair<format::request, format::license> order_of(const issue_form& f) {
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
                                                             ": re-host it (airlock rehost), which keeps the budget "
                                                             "and revokes the old license"));
    generator::license_order order;
    order.product = parsed.value->product;
    order.licensee = f.licensee;
    order.expires = f.expires;
    order.updates_until = f.updates_until;
    std::string word;
    for (const char c : f.features + " ") {
      if (c == ' ' || c == ',') {
        if (!word.empty()) order.features.push_back(word);
        word.clear();
      } else {
        word += c;
      }
    }
    order.request_path = f.request_name;
    order.allow_container = f.allow_container;
    if (order.licensee.empty()) throw cli::failure(cli::exit_bad_input, "the licensee is empty");
    auto lic = generator::build_license(order, key_id, generator::current_time(), *parsed.value);
    return {std::move(*parsed.value), std::move(lic)};
  }

  std::string issue_form_body(const std::string& csrf_token) const {
    return "<p>Upload an activation request written by <code>airlock-hwid request</code> for this key (" +
           html_escape(key_id) +
           "). The product comes from the request. The next page shows what will be signed.</p>"
           "<form method=\"post\" action=\"/issue/preview\" enctype=\"multipart/form-data\">" +
           csrf_field(csrf_token) +
           "<p><label>Activation request <input type=\"file\" name=\"request\" required></label></p>"
           "<p><label>Licensee <input name=\"licensee\" required maxlength=\"128\"></label></p>"
           "<p><label>Expires (YYYY-MM-DD, empty: perpetual) <input name=\"expires\"></label></p>"
           "<p><label>Updates until (YYYY-MM-DD, empty: every build) <input name=\"updates_until\"></label></p>"
           "<p><label>Features (separated by spaces) <input name=\"features\"></label></p>"
           "<p><label><input type=\"checkbox\" name=\"allow_container\" value=\"yes\"> allow a request made in "
           "a container</label></p><p><button type=\"submit\">Preview</button></p></form>";
  }

  // The host name of a Host header ("127.0.0.1:8080", "[::1]:80", "localhost") is the loopback's.
  static bool loopback_host(const std::string& host_header) {
    std::string host = host_header;
    if (!host.empty() && host[0] == '[') {
      host = host.substr(0, host.find(']') + 1);
    } else if (const auto colon = host.find(':'); colon != std::string::npos) {
      host = host.substr(0, colon);
    }
    in_addr v4{};  // a dotted IPv4 address only: "127.example.com" is somebody's name
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    return host == "localhost" || host == "[::1]";
  }

  static std::string hidden(const char* name, const std::string& value) {
    return std::string("<input type=\"hidden\" name=\"") + name + "\" value=\"" + html_escape(value) + "\">";
  }

  std::string preview_body(const issue_form& f, const format::request& req, const format::license& lic,
                           const std::string& csrf_token) const {
    std::string body = "<h2>The request</h2><table>";
    const std::pair<const char*, std::string> fields[] = {
        {"file", f.request_name}, {"product", req.product},
        {"key id", req.key_id},   {"created", format::to_string(req.created)},
        {"tool", req.tool},       {"environment", std::string(format::to_string(req.environment))}};
    for (const auto& [name, value] : fields)
      body += std::string("<tr><th>") + name + "</th><td>" + html_escape(value) + "</td></tr>";
    body += "</table><table>" + header_row({"class", "hashes"});
    for (const auto c : format::all_component_classes)
      body += "<tr><td>" + html_escape(format::to_string(c)) + "</td><td class=\"hash\">" +
              html_escape(joined(req.machine[c], " ")) + "</td></tr>";
    body += "</table><h2>The license to sign</h2><table>";
    const std::pair<const char*, std::string> order[] = {{"licensee", lic.licensee},
                                                         {"product", lic.product},
                                                         {"not before", format::to_string(lic.not_before)},
                                                         {"expires", date_or(lic.expires, "perpetual")},
                                                         {"updates until", date_or(lic.updates_until, "every build")},
                                                         {"features", joined(lic.features, " ")},
                                                         {"machine policy", lic.machine.policy}};
    for (const auto& [name, value] : order)
      body += std::string("<tr><th>") + name + "</th><td>" + html_escape(value) + "</td></tr>";
    // Multipart, because a URL-encoded form over 8 KiB is refused by the HTTP library; LF line ends,
    // because an attribute cannot carry a CR (the browser sends CRLF, which the request reader takes).
    body += "</table><form method=\"post\" action=\"/issue\" enctype=\"multipart/form-data\">" +
            csrf_field(csrf_token) + hidden("request_text", format::normalize_line_endings(f.request_text)) +
            hidden("request_name", f.request_name) + hidden("licensee", f.licensee) + hidden("expires", f.expires) +
            hidden("updates_until", f.updates_until) + hidden("features", f.features) +
            (f.allow_container ? hidden("allow_container", "yes") : "") +
            "<p><button type=\"submit\">Sign and issue</button> <a href=\"/issue\">Start again</a></p></form>";
    return body;
  }

  // Signs and records the license through the recorded write of `airlock issue` (pending row, file,
  // confirmation), then chains the operator's audit row. Returns the license id.
  std::string issue(const issue_form& f, const std::string& operator_name) {
    auto [req, lic] = order_of(f);
    const std::string text = generator::sign_license(lic, key);
    const std::string out = out_dir + "/" + lic.id + ".toml";
    std::lock_guard<std::mutex> lock(mutex);
    generator::write_recorded(&book, lic, text, out, cli::existing_file::keep, {}, {"issue", "", "", "", ""});
    book.record_audit(operator_name, "issue", lic.id, "");
    return lic.id;
  }

  std::optional<entry> find(const std::string& id) {
    if (!plausible_id(id)) return std::nullopt;
    std::lock_guard<std::mutex> lock(mutex);
    return book.find(id);
  }

  void not_found(httplib::Response& res, const who& w) {
    html(res, 404,
         page("Not found", w.session.operator_name, w.session.csrf_token, "<p class=\"error\">No such license.</p>"));
  }
};

console_app::console_app(ledger::ledger book, keys::signing_key key, bool tls, std::string out_dir)
    : impl_(std::make_unique<impl>(std::move(book), std::move(key), tls, std::move(out_dir))) {}

console_app::~console_app() = default;

void console_app::install(httplib::Server& server) {
  impl& app = *impl_;
  httplib::Headers headers{{"Content-Security-Policy", content_security_policy},
                           {"X-Content-Type-Options", "nosniff"},
                           {"X-Frame-Options", "DENY"},
                           {"Referrer-Policy", "no-referrer"},
                           {"Cache-Control", "no-store"}};
  if (app.tls) headers.emplace("Strict-Transport-Security", "max-age=31536000");
  server.set_default_headers(headers);
  server.set_payload_max_length(1024 * 1024);
  // The library bounds a body by its Content-Length only: refuse, before any body is read, what
  // it would read without that bound (chunked, compressed, no length), and a plain-HTTP request
  // for another host name (a page of some web site that made its name point at 127.0.0.1).
  server.set_pre_routing_handler([&app](const httplib::Request& req, httplib::Response& res) {
    const bool bounded_body = !req.has_header("Transfer-Encoding") && !req.has_header("Content-Encoding") &&
                              (req.method != "POST" || req.has_header("Content-Length"));
    if (!bounded_body) {
      res.status = 411;
      res.set_content("a request body needs a Content-Length, without transfer or content encoding\n", "text/plain");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (!app.tls && !impl::loopback_host(req.get_header_value("Host"))) {
      res.status = 421;
      res.set_content("this console answers only to localhost, 127.0.0.1 or [::1]\n", "text/plain");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  server.Get("/static/console.css",
             [](const httplib::Request&, httplib::Response& res) { res.set_content(stylesheet, "text/css"); });
  server.Get("/static/console.js",
             [](const httplib::Request&, httplib::Response& res) { res.set_content(script, "text/javascript"); });

  server.Get("/login", [&app](const httplib::Request& req, httplib::Response& res) {
    if (app.current(req)) return impl::see_other(res, "/");
    app.login_form(res, 200, "");
  });
  server.Post("/login", [&app](const httplib::Request& req, httplib::Response& res) { app.login(req, res); });
  server.Post("/logout", [&app](const httplib::Request& req, httplib::Response& res) {
    app.with_session(req, res, [&](const impl::who& w) {
      {
        std::lock_guard<std::mutex> lock(app.mutex);
        app.book.record_logout(w.token_sha256);
      }
      res.set_header("Set-Cookie", app.cookie_header(session_cookie, "", 0));
      impl::see_other(res, "/login");
    });
  });

  server.Get("/", [&app](const httplib::Request& req, httplib::Response& res) {
    app.with_session(req, res, [&](const impl::who& w) {
      impl::html(res, 200, page("Dashboard", w.session.operator_name, w.session.csrf_token, app.dashboard_body()));
    });
  });
  server.Get("/licenses", [&app](const httplib::Request& req, httplib::Response& res) {
    app.with_session(req, res, [&](const impl::who& w) {
      impl::html(res, 200, page("Licenses", w.session.operator_name, w.session.csrf_token, app.licenses_body(req)));
    });
  });
  server.Get("/audit", [&app](const httplib::Request& req, httplib::Response& res) {
    app.with_session(req, res, [&](const impl::who& w) {
      std::vector<ledger::audit_event> events;
      {
        std::lock_guard<std::mutex> lock(app.mutex);
        events = app.book.audit_log(200);
      }
      impl::html(res, 200,
                 page("Audit log", w.session.operator_name, w.session.csrf_token,
                      "<p>The latest 200 operator actions, each a row of the ledger's hash chain.</p>" +
                          impl::audit_table(events)));
    });
  });
  server.Get(R"(/license/([^/]+))", [&app](const httplib::Request& req, httplib::Response& res) {
    app.with_session(req, res, [&](const impl::who& w) {
      const auto e = app.find(req.matches[1]);
      if (!e) return app.not_found(res, w);
      impl::html(res, 200,
                 page("License " + e->license_id, w.session.operator_name, w.session.csrf_token,
                      app.license_body(*e, w.session.csrf_token)));
    });
  });
  // The file comes from the ledger's copy of it (checked against the recorded SHA-256), never from
  // a path: a request names a license id, and nothing on disk is opened.
  server.Get(R"(/license/([^/]+)/download)", [&app](const httplib::Request& req, httplib::Response& res) {
    app.with_session(req, res, [&](const impl::who& w) {
      const auto e = app.find(req.matches[1]);
      if (!e || e->license_text.empty() || ledger::sha256_hex(e->license_text) != e->file_sha256)
        return app.not_found(res, w);
      res.set_header("Content-Disposition", "attachment; filename=\"" + e->license_id + ".toml\"");
      res.set_content(e->license_text, "application/toml");
    });
  });
  server.Post(R"(/license/([^/]+)/revoke)", [&app](const httplib::Request& req, httplib::Response& res) {
    app.with_session(req, res, [&](const impl::who& w) {
      const auto e = app.find(req.matches[1]);
      if (!e) return app.not_found(res, w);
      const std::string reason = req.get_param_value("reason");
      const bool printable = std::none_of(reason.begin(), reason.end(),
                                          [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
      if (reason.empty() || reason.size() > 200 || !printable) {
        impl::html(res, 400,
                   page("Not revoked", w.session.operator_name, w.session.csrf_token,
                        "<p class=\"error\">Give a reason of 1 to 200 characters, on one line.</p>"));
        return;
      }
      {
        std::lock_guard<std::mutex> lock(app.mutex);
        (void)app.book.revoke(e->license_id, reason, w.session.operator_name);
      }
      impl::see_other(res, "/license/" + e->license_id);
    });
  });

  server.Get("/issue", [&app](const httplib::Request& req, httplib::Response& res) {
    app.with_session(req, res, [&](const impl::who& w) {
      impl::html(res, 200,
                 page("Issue a license", w.session.operator_name, w.session.csrf_token,
                      app.issue_form_body(w.session.csrf_token)));
    });
  });
  server.Post("/issue/preview", [&app](const httplib::Request& req, httplib::Response& res) {
    app.with_session(req, res, [&](const impl::who& w) {
      const auto form = impl::form_from_upload(req);
      try {
        const auto [request, lic] = app.order_of(form);
        impl::html(res, 200,
                   page("Preview", w.session.operator_name, w.session.csrf_token,
                        app.preview_body(form, request, lic, w.session.csrf_token)));
      } catch (const cli::failure& e) {
        impl::html(
            res, 400,
            page("Not issued", w.session.operator_name, w.session.csrf_token,
                 "<p class=\"error\">" + html_escape(e.what()) + "</p><p><a href=\"/issue\">Start again</a></p>"));
      }
    });
  });
  server.Post("/issue", [&app](const httplib::Request& req, httplib::Response& res) {
    app.with_session(req, res, [&](const impl::who& w) {
      try {
        const std::string id = app.issue(impl::form_from_fields(req), w.session.operator_name);
        impl::see_other(res, "/license/" + id);
      } catch (const cli::failure& e) {
        impl::html(
            res, 400,
            page("Not issued", w.session.operator_name, w.session.csrf_token,
                 "<p class=\"error\">" + html_escape(e.what()) + "</p><p><a href=\"/issue\">Start again</a></p>"));
      }
    });
  });

  server.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    impl::html(res, res.status, page(std::to_string(res.status), "", "", "<p><a href=\"/\">The console</a></p>"));
    return httplib::Server::HandlerResponse::Handled;
  }));
  server.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    std::string line = req.method + " " + req.path + ": " + what;
    for (char& c : line)  // one line on stderr, whatever the request held
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    cli::print_error("airlock-console", line);
    impl::html(res, 500, page("Internal error", "", "", "<p class=\"error\">The console could not do that.</p>"));
  });
}

}  // namespace airlock::console
