// SPDX-License-Identifier: MIT
#include "console/app.hpp"

#include <algorithm>
#include <ctime>

#include "keys/password.hpp"

namespace airlock::console {

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

format::date today() { return format::utc_date(format::utc_time{unix_now()}); }

format::date add_days(const format::date& d, std::int64_t days) {
  return format::civil_from_days(format::days_from_civil(d) + days);
}

bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

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

bool plausible_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

std::string form_field(const httplib::Request& req, const char* name) {
  return req.is_multipart_form_data() ? req.get_file_value(name).content : req.get_param_value(name);
}

bool one_line_text(const std::string& text, std::size_t max_size) {
  return !text.empty() && text.size() <= max_size && std::none_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
}

void send_html(httplib::Response& res, int status, const std::string& text) {
  res.status = status;
  res.set_content(text, "text/html; charset=utf-8");
}

void see_other(httplib::Response& res, const std::string& where) { res.set_redirect(where, 303); }

app::app(ledger::ledger b, keys::signing_key k, bool t, std::string out)
    : book(std::move(b)),
      key(std::move(k)),
      tls(t),
      out_dir(std::move(out)),
      key_id(keys::key_id(key.public_key())),
      dummy_hash(keys::hash_password(keys::random_hex(16))) {}

std::optional<app::who> app::current(const httplib::Request& req) {
  const std::string token = cookie(req, session_cookie);
  if (token.empty()) return std::nullopt;
  const std::string hashed = ledger::sha256_hex(token);
  std::lock_guard<std::mutex> lock(mutex);
  if (auto s = book.find_session(hashed)) return who{hashed, *s};
  return std::nullopt;
}

std::optional<app::customer> app::current_customer(const httplib::Request& req) {
  const std::string token = cookie(req, portal_cookie);
  if (token.empty()) return std::nullopt;
  const std::string hashed = ledger::sha256_hex(token);
  std::lock_guard<std::mutex> lock(mutex);
  const auto s = book.find_customer_session(hashed);
  if (!s) return std::nullopt;
  const auto account = book.find_customer(s->operator_name);
  if (!account) return std::nullopt;
  return customer{hashed, *s, account->licensee};
}

void app::refuse_without_customer(const httplib::Request& req, httplib::Response& res) {
  if (req.method != "POST") return see_other(res, "/portal/login");
  send_html(res, 401,
            portal_page("Not logged in", "", "",
                        "<p class=\"error\">Log in first.</p><p><a href=\"/portal/login\">Log in</a></p>"));
}

void app::refuse_customer_csrf(httplib::Response& res, const customer& c) {
  send_html(res, 403,
            portal_page("Refused", c.session.operator_name, c.session.csrf_token,
                        "<p class=\"error\">The form's CSRF token is missing or wrong: reload the page and try "
                        "again.</p>"));
}

void app::show_portal(httplib::Response& res, const customer& c, int status, const std::string& title,
                      const std::string& body) {
  send_html(res, status, portal_page(title, c.session.operator_name, c.session.csrf_token, body));
}

std::string app::cookie_header(const std::string& name, const std::string& value, std::int64_t max_age) const {
  return name + "=" + value + "; Path=/; Max-Age=" + std::to_string(max_age) + "; HttpOnly; SameSite=Strict" +
         (tls ? "; Secure" : "");
}

void app::refuse_without_session(const httplib::Request& req, httplib::Response& res) {
  if (req.method != "POST") return see_other(res, "/login");
  send_html(res, 401,
            page("Not logged in", "", "", "<p class=\"error\">Log in first.</p><p><a href=\"/login\">Log in</a></p>"));
}

void app::refuse_csrf(httplib::Response& res, const who& w) {
  send_html(res, 403,
            page("Refused", w.session.operator_name, w.session.csrf_token,
                 "<p class=\"error\">The form's CSRF token is missing or wrong: reload the page and try again.</p>"));
}

void app::show(httplib::Response& res, const who& w, int status, const std::string& title, const std::string& body) {
  send_html(res, status, page(title, w.session.operator_name, w.session.csrf_token, body));
}

void app::show_error(httplib::Response& res, const who& w, int status, const std::string& title,
                     const std::string& message, const std::string& back_link) {
  show(res, w, status, title,
       "<p class=\"error\">" + html_escape(message) + "</p>" +
           (back_link.empty() ? "" : "<p><a href=\"" + html_escape(back_link) + "\">Back</a></p>"));
}

void app::not_found(httplib::Response& res, const who& w) {
  show(res, w, 404, "Not found", "<p class=\"error\">No such license.</p>");
}

std::optional<ledger::entry> app::find(const std::string& id) {
  if (!plausible_id(id)) return std::nullopt;
  std::lock_guard<std::mutex> lock(mutex);
  return book.find(id);
}

std::vector<ledger::entry> app::all_entries() {
  std::lock_guard<std::mutex> lock(mutex);
  return book.entries();
}

}  // namespace airlock::console
