// SPDX-License-Identifier: MIT
// The console over HTTP: airlock-console started on 127.0.0.1 at a free port against a ledger in a
// temporary folder, driven with cpp-httplib's client.
#include <catch2/catch.hpp>

#include "console_support.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>

using namespace airlock::test;
using namespace airlock::test::console;

namespace {

const auto q = shell_quote;

}  // namespace

TEST_CASE("the right password gives a session cookie that is HttpOnly and SameSite=Strict", "[console][login]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto res = post_login(client, operator_name, operator_password);
  REQUIRE(res);
  CHECK(res->status == 303);
  CHECK(res->get_header_value("Location") == "/");
  std::string header;
  for (std::size_t i = 0; i < res->get_header_value_count("Set-Cookie"); ++i)
    if (res->get_header_value("Set-Cookie", i).rfind("airlock_session=", 0) == 0)
      header = res->get_header_value("Set-Cookie", i);
  CHECK(contains(header, "; HttpOnly"));
  CHECK(contains(header, "; SameSite=Strict"));
  CHECK(!contains(header, "Secure"));  // plain HTTP on the loopback
  const auto home = client.Get("/", {{"Cookie", header.substr(0, header.find(';'))}});
  REQUIRE(home);
  CHECK(home->status == 200);
  CHECK(contains(home->body, "<h1>Dashboard</h1>"));
}

TEST_CASE("SIGTERM stops a running console with exit code 0", "[console][signals]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  REQUIRE(client.Get("/login"));
  CHECK(c->stop() == 0);
  CHECK(c->error_text().empty());
}

TEST_CASE("a wrong password is refused with 401 and gives no session", "[console][login]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto res = post_login(client, operator_name, "not the password at all");
  REQUIRE(res);
  CHECK(res->status == 401);
  CHECK(set_cookie(*res, "airlock_session").empty());
  CHECK(contains(res->body, "Wrong operator name or password"));
}

TEST_CASE("an unknown operator gets the same answer as a wrong password", "[console][login]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto res = post_login(client, "mallory", operator_password);
  REQUIRE(res);
  CHECK(res->status == 401);
  CHECK(contains(res->body, "Wrong operator name or password"));
}

TEST_CASE("five wrong passwords lock the account, even against the right password", "[console][login]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  for (int i = 1; i <= 4; ++i) {
    const auto res = post_login(client, operator_name, "wrong password " + std::to_string(i));
    REQUIRE(res);
    CHECK(res->status == 401);
  }
  const auto fifth = post_login(client, operator_name, "wrong password 5");
  REQUIRE(fifth);
  CHECK(fifth->status == 401);
  // The answer of an unknown name too: a lock-out never tells that a name exists.
  CHECK(contains(fifth->body, "or the account is locked for 15 minutes"));
  const auto right = post_login(client, operator_name, operator_password);
  REQUIRE(right);
  CHECK(right->status == 401);
  CHECK(set_cookie(*right, "airlock_session").empty());
  const auto audit = run("sqlite3 " + q(v.ledger) + " \"SELECT action FROM audit ORDER BY chain_row;\"");
  CHECK(contains(audit.out, "login-failed\nlogin-failed\nlogin-failed\nlogin-failed\nlocked\n"));
  CHECK(!contains(audit.out, "\nlogin\n"));
}

TEST_CASE("a login without the login form's CSRF token is refused with 403", "[console][csrf]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto form = get_login_form(client);
  const auto res = client.Post("/login", {{"Cookie", form.cookie}},
                               httplib::Params{{"name", operator_name}, {"password", operator_password}});
  REQUIRE(res);
  CHECK(res->status == 403);
  CHECK(set_cookie(*res, "airlock_session").empty());
}

TEST_CASE("a revoke POST without the session's CSRF token is refused with 403 and revokes nothing", "[console][csrf]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  const auto missing = post(client, "/license/" + v.plain_license_id + "/revoke", s, {{"reason", "test"}});
  REQUIRE(missing);
  CHECK(missing->status == 403);
  const auto wrong =
      post(client, "/license/" + v.plain_license_id + "/revoke", s, {{"reason", "test"}, {"csrf", "0123abcd"}});
  REQUIRE(wrong);
  CHECK(wrong->status == 403);
  const auto shown = run(airlock_cmd("ledger show " + v.plain_license_id + " --ledger " + q(v.ledger)));
  CHECK(shown.exit_code == 0);
  CHECK(!contains(shown.out, "revoked"));
}

TEST_CASE("pages need a session: a GET goes to the login page, a POST gets 401", "[console][session]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  for (const std::string path : {"/", "/licenses", "/audit", "/license/L-plain", "/license/L-plain/download"}) {
    const auto res = client.Get(path.c_str(), {{"Cookie", "airlock_session=00ff00ff"}});
    REQUIRE(res);
    CHECK(res->status == 303);
    CHECK(res->get_header_value("Location") == "/login");
    CHECK(!contains(res->body, "Example Corp"));
  }
  const auto revoke = client.Post("/license/L-plain/revoke", httplib::Params{{"reason", "x"}, {"csrf", "x"}});
  REQUIRE(revoke);
  CHECK(revoke->status == 401);
}

TEST_CASE("logging out ends the session", "[console][session]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  const auto out = post(client, "/logout", s, {{"csrf", s.csrf}});
  REQUIRE(out);
  CHECK(out->status == 303);
  const auto after = get(client, "/", s);
  REQUIRE(after);
  CHECK(after->status == 303);
  CHECK(after->get_header_value("Location") == "/login");
}

TEST_CASE("a licensee named <script>alert(1)</script> is shown as text on the list and its own page",
          "[console][escaping]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  for (const std::string& path : std::vector<std::string>{"/licenses", "/license/" + v.script_license_id,
                                                          "/licenses?licensee=%3Cscript%3Ealert(1)%3C%2Fscript%3E"}) {
    const auto res = get(client, path, s);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(contains(res->body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    CHECK(!contains(res->body, script_licensee));
  }
}

TEST_CASE("the download serves the license file by id and refuses any path", "[console][download]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  const auto good = get(client, "/license/" + v.plain_license_id + "/download", s);
  REQUIRE(good);
  CHECK(good->status == 200);
  CHECK(good->body == read_file(v.dir / "plain.toml"));
  CHECK(contains(good->get_header_value("Content-Disposition"), "filename=\"L-plain.toml\""));
  for (const std::string path :
       {"/license/../../../../etc/passwd/download", "/license/..%2F..%2F..%2Fetc%2Fpasswd/download",
        "/license/%2Fetc%2Fpasswd/download", "/license/../download", "/license/..%2Fplain.toml/download",
        "/license/L-plain%00/download"}) {
    const auto res = get(client, path, s);
    REQUIRE(res);
    CHECK(res->status == 404);
    CHECK(!contains(res->body, "root:"));
    CHECK(!contains(res->body, "[license]"));
  }
}

TEST_CASE("a non-loopback listen without TLS refuses to start with one line and exit code 2", "[console][tls]") {
  vendor v;
  for (const std::string address : {"0.0.0.0:8080", "192.0.2.1:8080", "[::]:8080"}) {
    const auto r = run(airlock_cmd("console --key " + q(v.key) + " --passphrase-file " + q(v.passphrase_file) +
                                   " --ledger " + q(v.ledger) + " --listen " + q(address)));
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "airlock-console: error: --listen " + address +
                       " is not a loopback address: it needs --tls-cert and --tls-key\n");
  }
}

TEST_CASE("under TLS the console serves HTTPS and its session cookie is Secure", "[console][tls]") {
  vendor v;
  const auto made =
      run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost "
          "-days 2 -keyout " +
          q(v.dir / "tls.key") + " -out " + q(v.dir / "tls.pem"));
  REQUIRE(made.exit_code == 0);
  auto c = start_console(v, {"--tls-cert", v.dir / "tls.pem", "--tls-key", v.dir / "tls.key"});
  CHECK(contains(c->output(), "listening on https://127.0.0.1:"));
  httplib::Client client("https://127.0.0.1:" + std::to_string(c->port()));
  client.enable_server_certificate_verification(false);
  const auto res = post_login(client, operator_name, operator_password);
  REQUIRE(res);
  CHECK(res->status == 303);
  std::string header;
  for (std::size_t i = 0; i < res->get_header_value_count("Set-Cookie"); ++i)
    if (res->get_header_value("Set-Cookie", i).rfind("airlock_session=", 0) == 0)
      header = res->get_header_value("Set-Cookie", i);
  CHECK(contains(header, "; Secure"));
  CHECK(contains(res->get_header_value("Strict-Transport-Security"), "max-age="));
  httplib::Client plain("127.0.0.1", c->port());
  CHECK(!plain.Get("/login"));  // no plain HTTP on the TLS port
}

TEST_CASE("a TLS certificate that does not load with its key stops the start with exit code 5", "[console][tls]") {
  vendor v;
  write_file(v.dir / "tls.pem", "not a certificate\n");
  write_file(v.dir / "tls.key", "not a key\n");
  console_process c({"--key", v.key, "--passphrase-file", v.passphrase_file, "--ledger", v.ledger, "--listen",
                     "0.0.0.0:0", "--tls-cert", v.dir / "tls.pem", "--tls-key", v.dir / "tls.key"});
  CHECK(!c.started());
  CHECK(c.stop() == 5);
  CHECK(contains(c.error_text(), "tls.pem: not a PEM certificate matching --tls-key"));
}

TEST_CASE("the key's passphrase appears in no response and in nothing the console prints", "[console][secrets]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  std::vector<httplib::Result> seen;
  seen.push_back(client.Get("/login"));
  seen.push_back(post_login(client, operator_name, "a wrong one"));
  const auto s = log_in(client);
  for (const std::string path : {"/", "/licenses", "/audit", "/license/L-plain", "/license/L-plain/download",
                                 "/static/console.css", "/static/console.js", "/no/such/page", "/license/L-none"})
    seen.push_back(get(client, path, s));
  seen.push_back(post(client, "/license/L-plain/revoke", s, {{"csrf", s.csrf}, {"reason", "moved"}}));
  seen.push_back(post(client, "/logout", s, {{"csrf", s.csrf}}));
  for (const auto& res : seen) {
    REQUIRE(res);
    CHECK(!contains(res->body, passphrase));
    for (const auto& [name, value] : res->headers) CHECK(!contains(value, passphrase));
  }
  c->stop();
  CHECK(!contains(c->output(), passphrase));
  CHECK(!contains(c->error_text(), passphrase));
}

TEST_CASE("every response carries the Content-Security-Policy and the anti-framing headers", "[console][headers]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  for (const std::string path : {"/login", "/", "/license/L-plain", "/static/console.js", "/nowhere"}) {
    const auto res = get(client, path, s);
    REQUIRE(res);
    const std::string csp = res->get_header_value("Content-Security-Policy");
    CHECK(contains(csp, "default-src 'none'"));
    CHECK(contains(csp, "script-src 'self'"));
    CHECK(contains(csp, "frame-ancestors 'none'"));
    CHECK(!contains(csp, "unsafe-inline"));
    CHECK(res->get_header_value("X-Content-Type-Options") == "nosniff");
    CHECK(res->get_header_value("X-Frame-Options") == "DENY");
  }
  const auto page = get(client, "/license/L-plain", s);
  REQUIRE(page);
  CHECK(!contains(page->body, "<script>"));  // the one script is /static/console.js
  CHECK(!contains(page->body, "<style"));
  CHECK(!contains(page->body, " onclick="));
}

TEST_CASE("a revocation from the license page is in airlock ledger and in the audit", "[console][revoke]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  const auto res =
      post(client, "/license/" + v.plain_license_id + "/revoke", s, {{"csrf", s.csrf}, {"reason", "disk replaced"}});
  REQUIRE(res);
  CHECK(res->status == 303);
  CHECK(res->get_header_value("Location") == "/license/" + v.plain_license_id);
  const auto shown = run(airlock_cmd("ledger show " + v.plain_license_id + " --ledger " + q(v.ledger)));
  CHECK(shown.exit_code == 0);
  CHECK(contains(shown.out, ": disk replaced"));
  const auto listed = run(airlock_cmd("ledger list --ledger " + q(v.ledger)));
  CHECK(contains(listed.out, "revoked"));
  const auto audit = get(client, "/audit", s);
  REQUIRE(audit);
  CHECK(contains(audit->body,
                 "<td>alice</td><td>revoke</td><td><a href=\"/license/L-plain\">L-plain</a></td>"
                 "<td>disk replaced</td>"));
  const auto verified = run(airlock_cmd("ledger verify --ledger " + q(v.ledger)));
  CHECK(verified.exit_code == 0);
}

TEST_CASE("the license list finds licenses by licensee, feature and product, a page at a time", "[console][list]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  const auto by_name = get(client, "/licenses?licensee=example", s);
  REQUIRE(by_name);
  CHECK(contains(by_name->body, "L-plain"));
  CHECK(!contains(by_name->body, "L-script"));
  CHECK(contains(by_name->body, "1 licenses, page 1 of 1."));
  const auto by_feature = get(client, "/licenses?feature=export", s);
  REQUIRE(by_feature);
  CHECK(contains(by_feature->body, "L-plain"));
  CHECK(!contains(by_feature->body, "L-script"));
  const auto none = get(client, "/licenses?product=other", s);
  REQUIRE(none);
  CHECK(contains(none->body, "0 licenses, page 1 of 1."));
}

TEST_CASE("the chain verifies after logins, a lock-out and a revocation, and names a deleted audit row",
          "[console][audit]") {
  vendor v;
  {
    auto c = start_console(v);
    httplib::Client client("127.0.0.1", c->port());
    const auto s = log_in(client);
    REQUIRE(post(client, "/license/L-plain/revoke", s, {{"csrf", s.csrf}, {"reason", "moved"}}));
    REQUIRE(post(client, "/logout", s, {{"csrf", s.csrf}}));
  }
  CHECK(run(airlock_cmd("ledger verify --ledger " + q(v.ledger))).exit_code == 0);
  REQUIRE(run("sqlite3 " + q(v.ledger) + " \"DELETE FROM audit WHERE action = 'login';\"").exit_code == 0);
  const auto broken = run(airlock_cmd("ledger verify --ledger " + q(v.ledger)));
  CHECK(broken.exit_code == 9);
  CHECK(contains(broken.err, "its audit row was deleted"));
}

namespace {

httplib::MultipartFormDataItems upload(const std::string& request_text, const std::string& csrf) {
  httplib::MultipartFormDataItems items{{"request", request_text, "request.toml", "application/toml"},
                                        {"licensee", "Uploaded GmbH", "", ""},
                                        {"expires", "2099-12-31", "", ""},
                                        {"features", "export render", "", ""}};
  if (!csrf.empty()) items.push_back({"csrf", csrf, "", ""});
  return items;
}

// Sends `request` to 127.0.0.1:port in one write and returns the first line of the answer.
std::string raw_status_line(int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0 &&
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
    char buffer[512];
    for (ssize_t n; answer.find("\r\n") == std::string::npos && (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
      answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer.substr(0, answer.find("\r\n"));
}

// The sign step posted straight to /issue (as the preview's form would), for the vector request
// `request_vector` (under formats/vectors/) named `name`, for `licensee`; `more` adds fields.
httplib::Result post_issue(httplib::Client& client, const session& s, const std::string& request_vector,
                           const std::string& name, const std::string& licensee, httplib::Params more = {}) {
  more.emplace("csrf", s.csrf);
  more.emplace("request_text", read_file(source_file("formats/vectors/" + request_vector)));
  more.emplace("request_name", name);
  more.emplace("licensee", licensee);
  return post(client, "/issue", s, std::move(more));
}

}  // namespace

TEST_CASE("the issue preview shows the uploaded request's product, key id and hashes before signing",
          "[console][issue]") {
  vendor v(true);
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  const auto form = get(client, "/issue", s);
  REQUIRE(form);
  CHECK(form->status == 200);
  CHECK(contains(form->body, "enctype=\"multipart/form-data\""));
  const auto res = client.Post("/issue/preview", {{"Cookie", s.cookie}},
                               upload(read_file(source_file("formats/vectors/request.toml")), s.csrf));
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(contains(res->body, "<td>acme-studio</td>"));
  CHECK(contains(res->body, "<td>55946e28fb11b7ee</td>"));
  CHECK(contains(res->body, "f5c0bcd99b401a359cb29c1435252daa"));
  CHECK(contains(res->body, "<td>export render</td>"));
  CHECK(run(airlock_cmd("ledger list --ledger " + q(v.ledger))).out.find("Uploaded") == std::string::npos);
}

TEST_CASE("an upload without the CSRF token is refused with 403", "[console][issue][csrf]") {
  vendor v(true);
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  const auto res = client.Post("/issue/preview", {{"Cookie", s.cookie}},
                               upload(read_file(source_file("formats/vectors/request.toml")), ""));
  REQUIRE(res);
  CHECK(res->status == 403);
}

TEST_CASE("a request made for another vendor key is refused and nothing is issued", "[console][issue]") {
  vendor v;  // its own key, not the one request.toml was made for
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  const auto res = post_issue(client, s, "request.toml", "request.toml", "Uploaded GmbH");
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(contains(res->body, "request.toml: was made for vendor key 55946e28fb11b7ee"));
  CHECK(!contains(run(airlock_cmd("ledger list --ledger " + q(v.ledger))).out, "Uploaded"));
}

TEST_CASE("a license issued from the console is in the ledger, verifies, and is in the audit", "[console][issue]") {
  vendor v(true);
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  const auto res = post_issue(client, s, "request.toml", "request.toml", "Uploaded GmbH",
                              {{"expires", "2099-12-31"}, {"features", "export"}});
  REQUIRE(res);
  REQUIRE(res->status == 303);
  const std::string location = res->get_header_value("Location");
  REQUIRE(location.rfind("/license/", 0) == 0);
  const std::string id = location.substr(9);
  const auto shown = run(airlock_cmd("ledger show " + id + " --ledger " + q(v.ledger)));
  CHECK(shown.exit_code == 0);
  CHECK(contains(shown.out, "Uploaded GmbH"));
  CHECK(contains(shown.out, "f5c0bcd99b401a359cb29c1435252daa"));
  const std::string file = v.dir / (id + ".toml");
  REQUIRE(exists(file));
  const auto verified = run(airlock_cmd("verify " + q(file) + " --pubkey " +
                                        q(source_file("formats/vectors/test_vendor_key.pub")) + " --no-machine"));
  CHECK(verified.exit_code == 0);
  const auto download = get(client, location + "/download", s);
  REQUIRE(download);
  CHECK(download->body == read_file(file));
  const auto audit = run("sqlite3 " + q(v.ledger) +
                         " \"SELECT a.operator, a.action, c.license_id FROM audit a JOIN chain c "
                         "ON c.row = a.chain_row WHERE a.action = 'issue';\"");
  CHECK(audit.out == "alice|issue|" + id + "\n");
  CHECK(run(airlock_cmd("ledger verify --ledger " + q(v.ledger))).exit_code == 0);
}

TEST_CASE("the sign step goes as multipart and takes a request with Windows line endings", "[console][issue]") {
  vendor v(true);
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  std::string crlf;
  for (const char ch : read_file(source_file("formats/vectors/request.toml")))
    crlf += ch == '\n' ? "\r\n" : std::string(1, ch);
  const auto preview = client.Post("/issue/preview", {{"Cookie", s.cookie}}, upload(crlf, s.csrf));
  REQUIRE(preview);
  REQUIRE(preview->status == 200);
  CHECK(contains(preview->body, "action=\"/issue\" enctype=\"multipart/form-data\""));
  CHECK(!contains(preview->body, "\xEF\xBF\xBD"));  // no CR turned into a replacement character
  // What a browser sends from the preview's hidden fields: the text with CRLF line ends, multipart.
  const httplib::MultipartFormDataItems sign{{"csrf", s.csrf, "", ""},
                                             {"request_text", crlf, "", ""},
                                             {"request_name", "request.toml", "", ""},
                                             {"licensee", "Windows GmbH", "", ""}};
  const auto res = client.Post("/issue", {{"Cookie", s.cookie}}, sign);
  REQUIRE(res);
  CHECK(res->status == 303);
  CHECK(contains(run(airlock_cmd("ledger list --ledger " + q(v.ledger))).out, "Windows GmbH"));
}

TEST_CASE("a re-host request is not issued as a new license", "[console][issue]") {
  vendor v(true);
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  const auto res = post_issue(client, s, "requests/115-req-ok-replaces.toml", "rehost.toml", "Rehosted GmbH");
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(contains(res->body, "rehost.toml: is a re-host request for license 752933587c3ffa04ac1513184c2755b5"));
  CHECK(!contains(run(airlock_cmd("ledger list --ledger " + q(v.ledger))).out, "Rehosted"));
}

TEST_CASE("a POST body without a Content-Length is refused with 411 before it is read", "[console][limits]") {
  vendor v;
  auto c = start_console(v);
  // Chunked, which the library would read with no bound at all. The whole request goes in one send
  // on a raw socket: a client writing its chunks one by one races the console's answer and close.
  const std::string request =
      "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
      "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\na\r\nname=alice\r\n0\r\n\r\n";
  CHECK(raw_status_line(c->port(), request).rfind("HTTP/1.1 411 ", 0) == 0);
}

TEST_CASE("a plain-HTTP request for a host name other than the loopback is refused with 421", "[console][limits]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  for (const char* host : {"attacker.example", "127.attacker.example", "attacker.example:8080"}) {
    INFO(host);
    const auto res = client.Get("/login", {{"Host", host}});
    REQUIRE(res);
    CHECK(res->status == 421);
  }
  for (const std::string& host : {std::string("localhost"), "127.0.0.1:" + std::to_string(c->port())}) {
    INFO(host);
    const auto res = client.Get("/login", {{"Host", host}});
    REQUIRE(res);
    CHECK(res->status == 200);
  }
}
