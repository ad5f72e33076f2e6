// SPDX-License-Identifier: MIT
// The rules every request meets before and after its page: security headers, bounded bodies, the
// loopback Host rule, the static files and the error pages. The pages are in the *_pages.cpp files.
#include "console/server.hpp"

#include <arpa/inet.h>

#include "cli/diagnostics.hpp"
#include "console/app.hpp"

namespace airlock::console {
namespace {

// Everything the pages load comes from the console itself; nothing inline, no framing.
constexpr const char* content_security_policy =
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

// The host name of a Host header ("127.0.0.1:8080", "[::1]:80", "localhost") is the loopback's.
bool loopback_host(const std::string& host_header) {
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

// The library bounds a body by its Content-Length only: refuse, before any body is read, what it
// would read without that bound (chunked, compressed, no length), and a plain-HTTP request for
// another host name (a page of some web site that made its name point at 127.0.0.1).
httplib::Server::HandlerResponse screen(bool tls, const httplib::Request& req, httplib::Response& res) {
  const bool bounded_body = !req.has_header("Transfer-Encoding") && !req.has_header("Content-Encoding") &&
                            (req.method != "POST" || req.has_header("Content-Length"));
  if (!bounded_body) {
    res.status = 411;
    res.set_content("a request body needs a Content-Length, without transfer or content encoding\n", "text/plain");
    return httplib::Server::HandlerResponse::Handled;
  }
  if (!tls && !loopback_host(req.get_header_value("Host"))) {
    res.status = 421;
    res.set_content("this console answers only to localhost, 127.0.0.1 or [::1]\n", "text/plain");
    return httplib::Server::HandlerResponse::Handled;
  }
  return httplib::Server::HandlerResponse::Unhandled;
}

void install_error_pages(httplib::Server& server) {
  server.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    send_html(res, res.status, page(std::to_string(res.status), "", "", "<p><a href=\"/\">The console</a></p>"));
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
    send_html(res, 500, page("Internal error", "", "", "<p class=\"error\">The console could not do that.</p>"));
  });
}

}  // namespace

struct console_app::impl {
  impl(ledger::ledger book, keys::signing_key key, bool tls, std::string out_dir)
      : state(std::move(book), std::move(key), tls, std::move(out_dir)) {}
  app state;
};

console_app::console_app(ledger::ledger book, keys::signing_key key, bool tls, std::string out_dir)
    : impl_(std::make_unique<impl>(std::move(book), std::move(key), tls, std::move(out_dir))) {}

console_app::~console_app() = default;

void console_app::install(httplib::Server& server) {
  app& a = impl_->state;
  httplib::Headers headers{{"Content-Security-Policy", content_security_policy},
                           {"X-Content-Type-Options", "nosniff"},
                           {"X-Frame-Options", "DENY"},
                           {"Referrer-Policy", "no-referrer"},
                           {"Cache-Control", "no-store"}};
  if (a.tls) headers.emplace("Strict-Transport-Security", "max-age=31536000");
  server.set_default_headers(headers);
  server.set_payload_max_length(1024 * 1024);
  server.set_pre_routing_handler(
      [tls = a.tls](const httplib::Request& req, httplib::Response& res) { return screen(tls, req, res); });
  server.Get("/static/console.css",
             [](const httplib::Request&, httplib::Response& res) { res.set_content(stylesheet, "text/css"); });
  server.Get("/static/console.js",
             [](const httplib::Request&, httplib::Response& res) { res.set_content(script, "text/javascript"); });
  install_login_pages(server, a);
  install_license_pages(server, a);
  install_issue_pages(server, a);
  install_lifecycle_pages(server, a);
  install_batch_pages(server, a);
  install_portal_pages(server, a);
  install_customer_pages(server, a);
  install_error_pages(server);
}

}  // namespace airlock::console
