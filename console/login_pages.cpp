// SPDX-License-Identifier: MIT
// Logging in and out: the lock-out rule and the login form's own CSRF token.
#include "console/app.hpp"
#include "keys/password.hpp"

namespace airlock::console {
namespace {

constexpr const char* login_cookie = "airlock_login";  // the login form's CSRF token (double submit)
static_assert(max_failed_logins == 5 && lockout_seconds == 15 * 60, "failed_login_text states both");
constexpr const char* failed_login_text =
    "Wrong operator name or password, or the account is locked for 15 minutes after 5 wrong passwords.";

void login_form(const app& a, httplib::Response& res, int status, const std::string& message) {
  const std::string nonce = keys::random_hex(32);
  res.set_header("Set-Cookie", a.cookie_header(login_cookie, nonce, 3600));
  std::string body;
  if (!message.empty()) body += "<p class=\"error\">" + html_escape(message) + "</p>";
  body += "<form method=\"post\" action=\"/login\">" + csrf_field(nonce) +
          "<p><label>Operator <input name=\"name\" autocomplete=\"username\" required></label></p>"
          "<p><label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" "
          "required></label></p><p><button type=\"submit\">Log in</button></p></form>";
  send_html(res, status, page("Log in", "", "", body));
}

void login(app& a, const httplib::Request& req, httplib::Response& res) {
  const std::string nonce = cookie(req, login_cookie);
  if (!same_secret(req.get_param_value("csrf"), nonce)) {
    send_html(
        res, 403,
        page("Refused", "", "", "<p class=\"error\">The login form expired: <a href=\"/login\">reload it</a>.</p>"));
    return;
  }
  const std::string name = req.get_param_value("name"), password = req.get_param_value("password");
  const auto account = a.locked([&](ledger::ledger& book) { return book.find_operator(name); });
  // One answer for an unknown name, a wrong password and a locked account, after the same Argon2
  // work, so that the page never tells which operator names exist.
  const bool locked_now = account && account->locked_until > unix_now();
  const bool right =
      keys::check_password(password, account ? account->password_hash : a.dummy_hash) && account && !locked_now;
  if (!right) {
    if (account && !locked_now)
      a.locked(
          [&](ledger::ledger& book) { (void)book.record_login_failure(name, max_failed_logins, lockout_seconds); });
    return login_form(a, res, 401, failed_login_text);
  }
  const std::string token = keys::random_hex(32);
  const ledger::session s{name, keys::random_hex(32), unix_now() + session_seconds};
  const bool logged_in = a.locked([&](ledger::ledger& book) {
    // Again under the lock: guesses running in parallel may have locked the account meanwhile.
    const auto again = book.find_operator(name);
    if (!again || again->locked_until > unix_now()) return false;
    book.record_login(name, ledger::sha256_hex(token), s);
    return true;
  });
  if (!logged_in) return login_form(a, res, 401, failed_login_text);
  res.set_header("Set-Cookie", a.cookie_header(session_cookie, token, session_seconds));
  res.set_header("Set-Cookie", a.cookie_header(login_cookie, "", 0));
  see_other(res, "/");
}

}  // namespace

void install_login_pages(httplib::Server& server, app& a) {
  server.Get("/login", [&a](const httplib::Request& req, httplib::Response& res) {
    if (a.current(req)) return see_other(res, "/");
    login_form(a, res, 200, "");
  });
  server.Post("/login", [&a](const httplib::Request& req, httplib::Response& res) { login(a, req, res); });
  server.Post("/logout", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      a.locked([&](ledger::ledger& book) { book.record_logout(w.token_sha256); });
      res.set_header("Set-Cookie", a.cookie_header(session_cookie, "", 0));
      see_other(res, "/login");
    });
  });
}

}  // namespace airlock::console
