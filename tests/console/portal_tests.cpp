// SPDX-License-Identifier: MIT
// The customer portal over HTTP: accounts an operator creates, the one-time set-up link, customer
// sessions kept apart from operators', a customer limited to one licensee, uploaded activation and
// re-host requests, and the operators' /requests page that settles what waits.
#include <catch2/catch.hpp>

#include "console_support.hpp"

#include "airlock/format/request.hpp"
#include "airlock/format/writers.hpp"

using namespace airlock;
using namespace airlock::test;
using namespace airlock::test::console;

namespace {

constexpr const char* customer_password = "a long customer password";

// Creates customer `name` for `licensee` as alice and returns the set-up link's token.
std::string add_customer(httplib::Client& client, const session& s, const std::string& name,
                         const std::string& licensee) {
  const auto res = post(client, "/customers", s, {{"csrf", s.csrf}, {"name", name}, {"licensee", licensee}});
  REQUIRE(res);
  REQUIRE(res->status == 200);
  const std::string marker = "/portal/setup?token=";
  const auto at = res->body.find(marker);
  REQUIRE(at != std::string::npos);
  const auto start = at + marker.size();
  return res->body.substr(start, res->body.find('<', start) - start);
}

// The set-up form opened from the link and posted with `password` twice.
httplib::Result set_up(httplib::Client& client, const std::string& token, const std::string& password) {
  const auto form = client.Get(("/portal/setup?token=" + token).c_str());
  REQUIRE(form);
  REQUIRE(form->status == 200);
  return client.Post(
      "/portal/setup", {{"Cookie", set_cookie(*form, "airlock_portal_form")}},
      httplib::Params{{"csrf", csrf_of(form->body)}, {"token", token}, {"password", password}, {"again", password}});
}

httplib::Result portal_login(httplib::Client& client, const std::string& name, const std::string& password) {
  const auto form = client.Get("/portal/login");
  REQUIRE(form);
  REQUIRE(form->status == 200);
  return client.Post("/portal/login", {{"Cookie", set_cookie(*form, "airlock_portal_form")}},
                     httplib::Params{{"csrf", csrf_of(form->body)}, {"name", name}, {"password", password}});
}

// A logged-in customer: the portal cookie and the CSRF token of its forms (the session struct).
session customer_log_in(httplib::Client& client, const std::string& name) {
  const auto res = portal_login(client, name, customer_password);
  REQUIRE(res);
  REQUIRE(res->status == 303);
  session s;
  s.cookie = set_cookie(*res, "airlock_portal");
  REQUIRE(!s.cookie.empty());
  const auto home = client.Get("/portal", {{"Cookie", s.cookie}});
  REQUIRE(home);
  REQUIRE(home->status == 200);
  s.csrf = csrf_of(home->body);
  REQUIRE(!s.csrf.empty());
  return s;
}

// An operator session and a set-up customer `name` of `licensee`, logged in.
struct portal {
  vendor v{true};  // the vector key, which formats/vectors/request.toml was made for
  std::unique_ptr<console_process> c = start_console(v);
  httplib::Client client{"127.0.0.1", c->port()};
  session op = log_in(client);
  session customer;
  explicit portal(const std::string& name = "exco", const std::string& licensee = "Example Corp") {
    const auto done = set_up(client, add_customer(client, op, name, licensee), customer_password);
    REQUIRE(done);
    REQUIRE(done->status == 200);
    customer = customer_log_in(client, name);
  }
};

httplib::Result portal_upload(httplib::Client& client, const session& s, const std::string& text,
                              const std::string& file_name = "request.toml") {
  httplib::MultipartFormDataItems items{{"request", text, file_name, "application/toml"}};
  if (!s.csrf.empty()) items.push_back({"csrf", s.csrf, "", ""});
  return client.Post("/portal/upload", {{"Cookie", s.cookie}}, items);
}

std::string vector_request() { return read_file(source_file("formats/vectors/request.toml")); }

// A license of `licensee` bound to the vector request's machine, issued with airlock; its id.
std::string issue_bound(const vendor& v, const std::string& id, const std::string& licensee) {
  const auto r = run(airlock_cmd(
      "issue --key " + shell_quote(v.key) + " --ledger " + shell_quote(v.ledger) + " --product acme-studio --request " +
      shell_quote(source_file("formats/vectors/request.toml")) + " --licensee " + shell_quote(licensee) + " --id " +
      id + " --expires 2099-01-01 --out " + shell_quote(v.dir / (id + ".toml"))));
  REQUIRE(r.exit_code == 0);
  return id;
}

// A re-host request for `license_id`: the vector machine with disk hash `disk`.
std::string rehost_request(const std::string& license_id, const std::string& disk) {
  auto req = format::parse_request(vector_request());
  REQUIRE(req.ok());
  req.value->replaces = license_id;
  req.value->machine[format::component_class::disk] = {disk};
  const auto text = format::write_request(*req.value);
  REQUIRE(text.ok());
  return text.text;
}

std::string sql(const vendor& v, const std::string& statement) {
  return run("sqlite3 " + shell_quote(v.ledger) + " " + shell_quote(statement)).out;
}

// The license id in a "Location: /license/ID" answer.
std::string issued_id(const httplib::Result& res) {
  REQUIRE(res);
  REQUIRE(res->status == 303);
  const std::string location = res->get_header_value("Location");
  REQUIRE(location.rfind("/license/", 0) == 0);
  return location.substr(9);
}

}  // namespace

TEST_CASE("a set-up link sets the customer's password once and never again", "[portal][setup]") {
  vendor v(true);
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto op = log_in(client);
  const std::string token = add_customer(client, op, "exco", "Example Corp");
  CHECK(token.size() == 64);
  CHECK(sql(v, "SELECT count(*) FROM customers WHERE setup_sha256 = '" + token + "';") == "0\n");  // only its hash
  const auto first = set_up(client, token, customer_password);
  REQUIRE(first);
  CHECK(first->status == 200);
  CHECK(contains(first->body, "is set"));
  const auto again = set_up(client, token, "another long password");
  REQUIRE(again);
  CHECK(again->status == 404);
  const auto old_password = portal_login(client, "exco", customer_password);
  REQUIRE(old_password);
  CHECK(old_password->status == 303);
  CHECK(contains(sql(v, "SELECT operator, action FROM audit;"), "alice|add-customer\ncustomer:exco|set-up\n"));
}

TEST_CASE("a set-up link older than 7 days sets nothing", "[portal][setup]") {
  vendor v(true);
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto op = log_in(client);
  const std::string token = add_customer(client, op, "exco", "Example Corp");
  const auto days = sql(v, "SELECT setup_expires_at - strftime('%s','now') FROM customers;");
  CHECK(std::stoll(days) > 7 * 24 * 3600 - 60);
  CHECK(std::stoll(days) <= 7 * 24 * 3600);
  sql(v, "UPDATE customers SET setup_expires_at = strftime('%s','now') - 1;");
  const auto res = set_up(client, token, customer_password);
  REQUIRE(res);
  CHECK(res->status == 404);
  CHECK(contains(res->body, "unknown, used or expired"));
  CHECK(sql(v, "SELECT password_hash FROM customers;") == "\n");
}

TEST_CASE("a set-up password shorter than 12 characters or not repeated is refused", "[portal][setup]") {
  vendor v(true);
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto op = log_in(client);
  const std::string token = add_customer(client, op, "exco", "Example Corp");
  const auto short_one = set_up(client, token, "short pass");
  REQUIRE(short_one);
  CHECK(short_one->status == 400);
  const auto form = client.Get(("/portal/setup?token=" + token).c_str());
  REQUIRE(form);
  const auto differ = client.Post("/portal/setup", {{"Cookie", set_cookie(*form, "airlock_portal_form")}},
                                  httplib::Params{{"csrf", csrf_of(form->body)},
                                                  {"token", token},
                                                  {"password", customer_password},
                                                  {"again", "a different long password"}});
  REQUIRE(differ);
  CHECK(differ->status == 400);
  CHECK(contains(differ->body, "The two passwords differ."));
  CHECK(sql(v, "SELECT password_hash FROM customers;") == "\n");
}

TEST_CASE("a customer sees only the licenses of the account's licensee", "[portal][licenses]") {
  portal p;
  const auto home = get(p.client, "/portal", p.customer);
  REQUIRE(home);
  CHECK(home->status == 200);
  CHECK(contains(home->body, "L-plain"));
  CHECK(!contains(home->body, "L-script"));
  CHECK(!contains(home->body, "/licenses"));  // no operator navigation
  const auto one = get(p.client, "/portal/license/L-plain", p.customer);
  REQUIRE(one);
  CHECK(one->status == 200);
  const auto file = get(p.client, "/portal/license/L-plain/download", p.customer);
  REQUIRE(file);
  CHECK(file->status == 200);
  CHECK(file->body == read_file(p.v.dir / "plain.toml"));
}

TEST_CASE("another licensee's license is not found, as an unknown id, and neither is its download",
          "[portal][licenses]") {
  portal p;
  for (const std::string path :
       {"/portal/license/L-script", "/portal/license/L-script/download", "/portal/license/no-such-id",
        "/portal/license/no-such-id/download", "/portal/license/..%2F..%2Fetc%2Fpasswd/download"}) {
    const auto res = get(p.client, path, p.customer);
    REQUIRE(res);
    CHECK(res->status == 404);
    CHECK(!contains(res->body, "alert(1)"));
  }
}

TEST_CASE("a customer's cookie opens no operator page", "[portal][session]") {
  portal p;
  for (const std::string path : {"/", "/licenses", "/customers", "/requests", "/license/L-plain/download"}) {
    const auto res = get(p.client, path, p.customer);
    REQUIRE(res);
    CHECK(res->status == 303);
    CHECK(res->get_header_value("Location") == "/login");
  }
  const auto add = post(p.client, "/customers", p.customer,
                        {{"csrf", p.customer.csrf}, {"name", "mallory"}, {"licensee", "Example Corp"}});
  REQUIRE(add);
  CHECK(add->status == 401);
  CHECK(sql(p.v, "SELECT count(*) FROM customers;") == "1\n");
}

TEST_CASE("an operator's cookie is not logged in to the portal", "[portal][session]") {
  portal p;
  for (const std::string path : {"/portal", "/portal/license/L-plain", "/portal/upload"}) {
    const auto res = get(p.client, path, p.op);
    REQUIRE(res);
    CHECK(res->status == 303);
    CHECK(res->get_header_value("Location") == "/portal/login");
  }
  const auto res = portal_upload(p.client, p.op, vector_request());
  REQUIRE(res);
  CHECK(res->status == 401);
}

TEST_CASE("the portal session cookie is HttpOnly and SameSite=Strict", "[portal][session]") {
  portal p;
  const auto res = portal_login(p.client, "exco", customer_password);
  REQUIRE(res);
  std::string header;
  for (std::size_t i = 0; i < res->get_header_value_count("Set-Cookie"); ++i)
    if (res->get_header_value("Set-Cookie", i).rfind("airlock_portal=", 0) == 0)
      header = res->get_header_value("Set-Cookie", i);
  CHECK(contains(header, "; HttpOnly"));
  CHECK(contains(header, "; SameSite=Strict"));
}

TEST_CASE("five wrong customer passwords lock the account, even against the right one", "[portal][login]") {
  portal p;
  for (int i = 1; i <= 5; ++i) {
    const auto res = portal_login(p.client, "exco", "wrong password " + std::to_string(i));
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK(contains(res->body, "Wrong name or password"));
  }
  const auto right = portal_login(p.client, "exco", customer_password);
  REQUIRE(right);
  CHECK(right->status == 401);
  CHECK(set_cookie(*right, "airlock_portal").empty());
  const auto unknown = portal_login(p.client, "nobody", customer_password);
  REQUIRE(unknown);
  CHECK(unknown->status == 401);
  CHECK(contains(unknown->body, "Wrong name or password, or the account is locked"));
  CHECK(contains(right->body, "Wrong name or password, or the account is locked"));
  CHECK(contains(sql(p.v, "SELECT operator, action FROM audit;"), "customer:exco|locked\n"));
}

TEST_CASE("portal forms without their CSRF token are refused with 403", "[portal][csrf]") {
  portal p;
  const auto form = p.client.Get("/portal/login");
  REQUIRE(form);
  const auto login = p.client.Post("/portal/login", {{"Cookie", set_cookie(*form, "airlock_portal_form")}},
                                   httplib::Params{{"name", "exco"}, {"password", customer_password}});
  REQUIRE(login);
  CHECK(login->status == 403);
  const auto setup = p.client.Post(
      "/portal/setup", httplib::Params{{"token", "00"}, {"password", customer_password}, {"again", customer_password}});
  REQUIRE(setup);
  CHECK(setup->status == 403);
  session no_csrf = p.customer;
  no_csrf.csrf.clear();
  const auto up = portal_upload(p.client, no_csrf, vector_request());
  REQUIRE(up);
  CHECK(up->status == 403);
  const auto out = post(p.client, "/portal/logout", p.customer, {{"csrf", "0123abcd"}});
  REQUIRE(out);
  CHECK(out->status == 403);
  CHECK(sql(p.v, "SELECT count(*) FROM portal_requests;") == "0\n");
}

TEST_CASE("an uploaded activation request waits, an operator issues it, the customer downloads it and it verifies",
          "[portal][activation]") {
  portal p;
  const auto up = portal_upload(p.client, p.customer, vector_request());
  REQUIRE(up);
  CHECK(up->status == 202);
  CHECK(contains(up->body, "waits for your vendor"));
  CHECK(sql(p.v, "SELECT customer, licensee, kind, state FROM portal_requests;") ==
        "exco|Example Corp|activation|waiting\n");
  const auto waiting = get(p.client, "/requests", p.op);
  REQUIRE(waiting);
  CHECK(contains(waiting->body, "Request 1"));
  const std::string id = issued_id(
      post(p.client, "/requests/1/issue", p.op,
           {{"csrf", p.op.csrf}, {"expires", "2099-12-31"}, {"features", "export"}, {"licensee", "Somebody Else"}}));
  CHECK(sql(p.v, "SELECT state, license_id FROM portal_requests;") == "issued|" + id + "\n");
  const auto home = get(p.client, "/portal", p.customer);
  REQUIRE(home);
  CHECK(contains(home->body, id));
  const auto file = get(p.client, "/portal/license/" + id + "/download", p.customer);
  REQUIRE(file);
  REQUIRE(file->status == 200);
  CHECK(contains(file->body, "licensee = \"Example Corp\""));  // forced, whatever the form said
  const std::string path = p.v.dir / "downloaded.toml";
  write_file(path, file->body);
  const auto verified = run(shell_quote(tool("airlock-verify")) + " " + shell_quote(path) + " --pubkey " +
                            shell_quote(source_file("formats/vectors/test_vendor_key.pub")) + " --no-machine");
  CHECK(verified.exit_code == 0);
  CHECK(contains(sql(p.v, "SELECT operator, action FROM audit;"),
                 "customer:exco|upload-activation\nalice|issue\nalice|issue-portal-request\n"));
  CHECK(run(airlock_cmd("ledger verify --ledger " + shell_quote(p.v.ledger))).exit_code == 0);
}

TEST_CASE("an operator refuses a waiting request with a reason the customer sees", "[portal][activation]") {
  portal p;
  REQUIRE(portal_upload(p.client, p.customer, vector_request()));
  const auto refused = post(p.client, "/requests/1/refuse", p.op, {{"csrf", p.op.csrf}, {"reason", "no contract"}});
  REQUIRE(refused);
  CHECK(refused->status == 303);
  const auto home = get(p.client, "/portal", p.customer);
  REQUIRE(home);
  CHECK(contains(home->body, "refused"));
  CHECK(contains(home->body, "no contract"));
}

TEST_CASE("a request for another vendor key is refused at upload and nothing is stored", "[portal][activation]") {
  portal p;
  auto req = format::parse_request(vector_request());
  REQUIRE(req.ok());
  req.value->key_id = "0123456789abcdef";
  const auto up = portal_upload(p.client, p.customer, format::write_request(*req.value).text);
  REQUIRE(up);
  CHECK(up->status == 400);
  CHECK(contains(up->body, "was made for vendor key 0123456789abcdef"));
  CHECK(sql(p.v, "SELECT count(*) FROM portal_requests;") == "0\n");
}

TEST_CASE("a re-host within the budget is issued at once and the old license is revoked", "[portal][rehost]") {
  portal p;
  const std::string old_id = issue_bound(p.v, "L-bound", "Example Corp");
  const auto up = portal_upload(p.client, p.customer, rehost_request(old_id, "a1111111111111111111111111111111"));
  REQUIRE(up);
  CHECK(up->status == 200);
  CHECK(contains(up->body, "is now revoked"));
  const std::string new_id = sql(p.v, "SELECT license_id FROM portal_requests WHERE state = 'issued';");
  REQUIRE(new_id.size() > 1);
  const std::string id = new_id.substr(0, new_id.size() - 1);
  const auto shown = run(airlock_cmd("ledger show " + old_id + " --ledger " + shell_quote(p.v.ledger)));
  CHECK(contains(shown.out, "revoked"));
  const auto file = get(p.client, "/portal/license/" + id + "/download", p.customer);
  REQUIRE(file);
  CHECK(file->status == 200);
  CHECK(contains(file->body, "a1111111111111111111111111111111"));
  CHECK(contains(sql(p.v, "SELECT operator, action FROM audit;"), "customer:exco|portal-rehost\n"));
  CHECK(sql(p.v, "SELECT operation, supersedes, note FROM licenses WHERE license_id = '" + id + "';") ==
        "rehost|L-bound|portal: exco\n");
}

TEST_CASE("a re-host over the budget waits for an operator, who re-hosts it with a reason", "[portal][rehost]") {
  portal p;
  std::string current = issue_bound(p.v, "L-bound", "Example Corp");
  for (int i = 1; i <= 3; ++i) {
    const auto up = portal_upload(p.client, p.customer, rehost_request(current, "a" + std::string(31, char('0' + i))));
    REQUIRE(up);
    REQUIRE(up->status == 200);
    const std::string last = sql(p.v, "SELECT license_id FROM portal_requests ORDER BY id DESC LIMIT 1;");
    current = last.substr(0, last.size() - 1);
  }
  const auto fourth = portal_upload(p.client, p.customer, rehost_request(current, "a" + std::string(31, '9')));
  REQUIRE(fourth);
  CHECK(fourth->status == 202);
  CHECK(contains(fourth->body, "budget 3"));
  CHECK(sql(p.v, "SELECT kind, state FROM portal_requests WHERE id = 4;") == "rehost|waiting\n");
  const auto no_reason = post(p.client, "/requests/4/issue", p.op, {{"csrf", p.op.csrf}});
  REQUIRE(no_reason);
  CHECK(no_reason->status == 400);
  const std::string id =
      issued_id(post(p.client, "/requests/4/issue", p.op, {{"csrf", p.op.csrf}, {"reason", "new office"}}));
  CHECK(sql(p.v, "SELECT note FROM licenses WHERE license_id = '" + id + "';") == "forced: new office\n");
}

TEST_CASE("a re-host request for another licensee's license is refused as an unknown one", "[portal][rehost]") {
  portal p;
  const std::string theirs = issue_bound(p.v, "L-theirs", "Other Ltd");
  const auto up = portal_upload(p.client, p.customer, rehost_request(theirs, "a1111111111111111111111111111111"));
  const auto unknown =
      portal_upload(p.client, p.customer, rehost_request("L-nothing", "a1111111111111111111111111111111"));
  REQUIRE(up);
  REQUIRE(unknown);
  CHECK(up->status == 404);
  CHECK(unknown->status == 404);
  CHECK(sql(p.v, "SELECT count(*) FROM portal_requests;") == "0\n");
  CHECK(!contains(run(airlock_cmd("ledger show L-theirs --ledger " + shell_quote(p.v.ledger))).out, "revoked"));
}

TEST_CASE("a licensee named <script>alert(1)</script> is shown as text in the portal", "[portal][escaping]") {
  portal p("scripted", script_licensee);
  const auto home = get(p.client, "/portal", p.customer);
  REQUIRE(home);
  CHECK(home->status == 200);
  CHECK(contains(home->body, "L-script"));
  CHECK(!contains(home->body, "<script>alert(1)</script>"));
  CHECK(contains(home->body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  const auto one = get(p.client, "/portal/license/L-script", p.customer);
  REQUIRE(one);
  CHECK(!contains(one->body, "<script>alert(1)</script>"));
  const auto list = get(p.client, "/customers", p.op);
  REQUIRE(list);
  CHECK(!contains(list->body, "<script>alert(1)</script>"));
}
