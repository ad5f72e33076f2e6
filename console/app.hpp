// SPDX-License-Identifier: MIT
// What every page of the console shares: the ledger and the unlocked key behind one lock, the
// operator's session and its CSRF rule, and the route groups that install the pages.
#ifndef AIRLOCK_CONSOLE_APP_HPP
#define AIRLOCK_CONSOLE_APP_HPP

#include <httplib.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "console/html.hpp"
#include "console/server.hpp"
#include "keys/vendor_key.hpp"
#include "ledger/ledger.hpp"

namespace airlock::console {

inline constexpr const char* session_cookie = "airlock_session";
// The customer portal's session: another cookie, another table (customer_sessions); neither kind of
// session ever opens the other's pages.
inline constexpr const char* portal_cookie = "airlock_portal";
inline constexpr std::int64_t setup_link_seconds = 7 * 24 * 3600;  // a customer's one-time set-up link
inline constexpr std::size_t min_customer_password = 12;

[[nodiscard]] std::int64_t unix_now();
[[nodiscard]] format::date today();
[[nodiscard]] format::date add_days(const format::date& d, std::int64_t days);
// Compares secrets in time independent of where they differ; an empty secret never matches.
[[nodiscard]] bool same_secret(const std::string& a, const std::string& b);
// One cookie's value from the Cookie header (RFC 6265 section 5.4), or empty.
[[nodiscard]] std::string cookie(const httplib::Request& req, const std::string& name);
// A license id as `airlock issue --id` allows it; anything else is never looked up.
[[nodiscard]] bool plausible_id(const std::string& id);
// A field of a posted form, multipart or URL-encoded.
[[nodiscard]] std::string form_field(const httplib::Request& req, const char* name);
// Printable, on one line, 1 to max_size bytes: what a reason or a note must be.
[[nodiscard]] bool one_line_text(const std::string& text, std::size_t max_size);

void send_html(httplib::Response& res, int status, const std::string& text);
void see_other(httplib::Response& res, const std::string& where);

class app {
 public:
  app(ledger::ledger b, keys::signing_key k, bool t, std::string out);

  ledger::ledger book;
  keys::signing_key key;  // unlocked once at start: the console signs with it and shows only its id
  const bool tls;
  const std::string out_dir;  // where licenses issued here are written, as <id>.toml
  const std::string key_id;
  const std::string dummy_hash;  // checked for an unknown operator, so a name's existence takes no less time
  std::mutex mutex;              // one ledger connection, many request threads
  // Held from the check that a license has no successor yet to the successor's record (renew and
  // re-host, from the pages, the portal and the API), so a license never gets two successors.
  std::mutex successor_mutex;

  // A logged-in operator: the session and the SHA-256 of its token.
  struct who {
    std::string token_sha256;
    ledger::session session;
  };

  [[nodiscard]] std::optional<who> current(const httplib::Request& req);
  [[nodiscard]] std::string cookie_header(const std::string& name, const std::string& value,
                                          std::int64_t max_age) const;

  // Runs a page for a logged-in operator. GET without a session: to the login page; POST without a
  // session: 401; POST without the session's CSRF token: 403.
  template <typename Body>
  void with_session(const httplib::Request& req, httplib::Response& res, Body&& body) {
    const auto w = current(req);
    if (!w) return refuse_without_session(req, res);
    if (req.method == "POST" && !same_secret(form_field(req, "csrf"), w->session.csrf_token))
      return refuse_csrf(res, *w);
    body(*w);
  }

  // A logged-in customer: the session (its operator_name is the customer's name) and the one
  // licensee whose licenses the account sees.
  struct customer {
    std::string token_sha256;
    ledger::session session;
    std::string licensee;
  };
  [[nodiscard]] std::optional<customer> current_customer(const httplib::Request& req);

  // with_session for the portal: GET without a customer session to /portal/login, POST 401, POST
  // without the customer session's CSRF token 403. An operator's session is no customer session.
  template <typename Body>
  void with_customer(const httplib::Request& req, httplib::Response& res, Body&& body) {
    const auto c = current_customer(req);
    if (!c) return refuse_without_customer(req, res);
    if (req.method == "POST" && !same_secret(form_field(req, "csrf"), c->session.csrf_token))
      return refuse_customer_csrf(res, *c);
    body(*c);
  }
  void show_portal(httplib::Response& res, const customer& c, int status, const std::string& title,
                   const std::string& body);

  // A whole page for the logged-in operator.
  void show(httplib::Response& res, const who& w, int status, const std::string& title, const std::string& body);
  void show_error(httplib::Response& res, const who& w, int status, const std::string& title,
                  const std::string& message, const std::string& back_link = {});
  void not_found(httplib::Response& res, const who& w);

  // The ledger's record of a plausible id, under the lock.
  [[nodiscard]] std::optional<ledger::entry> find(const std::string& id);
  [[nodiscard]] std::vector<ledger::entry> all_entries();
  // Runs `body` with the ledger under the lock and returns what it returns.
  template <typename Body>
  auto locked(Body&& body) -> decltype(body(book)) {
    std::lock_guard<std::mutex> lock(mutex);
    return body(book);
  }

 private:
  static void refuse_without_session(const httplib::Request& req, httplib::Response& res);
  static void refuse_csrf(httplib::Response& res, const who& w);
  static void refuse_without_customer(const httplib::Request& req, httplib::Response& res);
  static void refuse_customer_csrf(httplib::Response& res, const customer& c);
};

// The route groups, one file each.
void install_login_pages(httplib::Server& server, app& a);      // login_pages.cpp: log in, log out
void install_license_pages(httplib::Server& server, app& a);    // license_pages.cpp: dashboard, list, one, revoke
void install_issue_pages(httplib::Server& server, app& a);      // issue_pages.cpp: upload, preview, sign
void install_lifecycle_pages(httplib::Server& server, app& a);  // lifecycle_pages.cpp: renew, re-host, lists
void install_batch_pages(httplib::Server& server, app& a);      // batch_pages.cpp: orders CSV, zip
void install_portal_pages(httplib::Server& server, app& a);     // portal_pages.cpp: the customers' /portal/
void install_customer_pages(httplib::Server& server, app& a);   // customer_pages.cpp: /customers, /requests

}  // namespace airlock::console

#endif
