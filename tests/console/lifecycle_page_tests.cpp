// SPDX-License-Identifier: MIT
// The lifecycle pages over HTTP: renew, re-host with its budget, the revocation list download and
// batch issue from an orders CSV with its zip, each checked against the tools (airlock ledger,
// airlock-verify) and the audit.
#include <catch2/catch.hpp>

#include "console_support.hpp"

using namespace airlock::test;
using namespace airlock::test::console;

namespace {

const auto quoted = shell_quote;

// The license formats/vectors/requests/115-req-ok-replaces.toml replaces.
constexpr const char* replaced_id = "752933587c3ffa04ac1513184c2755b5";

std::string pass_option(const vendor& v) { return " --passphrase-file " + quoted(v.passphrase_file); }

// A license bound to formats/vectors/request.toml (the vector key's vendor), recorded in v's ledger.
void issue_bound(const vendor& v, const std::string& id) {
  const auto r = run(airlock_cmd("issue --key " + quoted(v.key) + pass_option(v) + " --ledger " + quoted(v.ledger) +
                                 " --product acme-studio --licensee 'Bound Ltd' --request " +
                                 quoted(source_file("formats/vectors/request.toml")) + " --id " + id + " --out " +
                                 quoted(v.dir / (id + ".toml"))));
  REQUIRE(r.exit_code == 0);
}

// A re-host request for `license_id`: the vector re-host request, its platform hash made its own for
// each generation, so that every re-host moves to another machine.
std::string rehost_text(const std::string& license_id, int generation) {
  std::string text = read_file(source_file("formats/vectors/requests/115-req-ok-replaces.toml"));
  const auto replace = [&](const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  };
  replace(replaced_id, license_id);
  replace("916f782ccf559743c00bfc69241a33c7", "916f782ccf559743c00bfc69241a33c" + std::to_string(generation));
  return text;
}

httplib::Result post_multipart(httplib::Client& client, const std::string& path, const session& s,
                               httplib::MultipartFormDataItems items, bool with_csrf = true) {
  if (with_csrf) items.push_back({"csrf", s.csrf, "", ""});
  return client.Post(path.c_str(), {{"Cookie", s.cookie}}, items);
}

// The sign step of a re-host, as the preview's form posts it.
httplib::Result post_rehost(httplib::Client& client, const session& s, const std::string& text,
                            httplib::MultipartFormDataItems more = {}) {
  more.push_back({"request_text", text, "", ""});
  more.push_back({"request_name", "rehost.toml", "", ""});
  return post_multipart(client, "/rehost", s, more);
}

// The license id a 303 to its page names.
std::string new_license(const httplib::Result& res) {
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 303);
  const std::string location = res->get_header_value("Location");
  REQUIRE(location.rfind("/license/", 0) == 0);
  return location.substr(9);
}

std::string ledger_show(const vendor& v, const std::string& id) {
  const auto r = run(airlock_cmd("ledger show " + id + " --ledger " + quoted(v.ledger)));
  REQUIRE(r.exit_code == 0);
  return r.out;
}

std::string audit_actions(const vendor& v) {
  return run("sqlite3 " + quoted(v.ledger) + " \"SELECT action FROM audit ORDER BY chain_row;\"").out;
}

// The value of the first hidden field `name` of a page.
std::string field_value(const std::string& html, const std::string& name) {
  const std::string marker = "name=\"" + name + "\" value=\"";
  const auto at = html.find(marker);
  if (at == std::string::npos) return {};
  const auto start = at + marker.size();
  return html.substr(start, html.find('"', start) - start);
}

}  // namespace

TEST_CASE("renewing on the license page issues a successor with the new expiry, and the old one shows superseded",
          "[console][renew]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  const auto page = get(client, "/license/" + v.plain_license_id, s);
  REQUIRE(page);
  CHECK(contains(page->body, "action=\"/license/L-plain/renew\""));
  const std::string id =
      new_license(post(client, "/license/" + v.plain_license_id + "/renew", s,
                       {{"csrf", s.csrf}, {"expires", "2100-01-01"}, {"features", "+render"}, {"limits", "seats=3"}}));
  const std::string shown = ledger_show(v, id);
  CHECK(contains(shown, "2100-01-01"));
  CHECK(contains(shown, "seats=3"));
  CHECK(contains(shown, "renew"));
  const auto verified = run(airlock_cmd("verify " + quoted(v.dir / (id + ".toml")) + " --pubkey " +
                                        quoted(v.dir / "keys/vendor.pub") + " --no-machine"));
  CHECK(verified.exit_code == 0);
  const auto old = get(client, "/license/" + v.plain_license_id, s);
  REQUIRE(old);
  CHECK(contains(old->body, "State: superseded; replaced by <a href=\"/license/" + id + "\">"));
  CHECK(!contains(old->body, "/renew\""));  // a replaced license is renewed through its successor
  CHECK(contains(run(airlock_cmd("ledger list --ledger " + quoted(v.ledger))).out, "superseded"));
}

TEST_CASE("a renew POST without the CSRF token is refused with 403 and issues nothing", "[console][renew][csrf]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  const auto res = post(client, "/license/" + v.plain_license_id + "/renew", s, {{"expires", "2100-01-01"}});
  REQUIRE(res);
  CHECK(res->status == 403);
  CHECK(!contains(run(airlock_cmd("ledger list --ledger " + quoted(v.ledger))).out, "superseded"));
}

TEST_CASE("renewing a revoked license is refused with one error line on a 400 page", "[console][renew]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  REQUIRE(post(client, "/license/L-plain/revoke", s, {{"csrf", s.csrf}, {"reason", "refunded"}})->status == 303);
  const auto res = post(client, "/license/L-plain/renew", s, {{"csrf", s.csrf}, {"expires", "2100-01-01"}});
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(contains(res->body, "<p class=\"error\">license L-plain is revoked (refunded); it is not renewed</p>"));
  CHECK(!contains(audit_actions(v), "renew"));
}

TEST_CASE("renewing a license already renewed, or with a date that is not one, is refused with 400",
          "[console][renew]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  const auto bad_date = post(client, "/license/L-plain/renew", s, {{"csrf", s.csrf}, {"expires", "2100-02-30"}});
  REQUIRE(bad_date);
  CHECK(bad_date->status == 400);
  CHECK(contains(bad_date->body, "the expiry &#39;2100-02-30&#39; is not a date (YYYY-MM-DD)"));
  const std::string next = new_license(post(client, "/license/L-plain/renew", s, {{"csrf", s.csrf}}));
  const auto again = post(client, "/license/L-plain/renew", s, {{"csrf", s.csrf}});
  REQUIRE(again);
  CHECK(again->status == 400);
  CHECK(contains(again->body, "license L-plain was already replaced by " + next + " (renew); work from that one"));
}

TEST_CASE("the re-host preview shows the license it replaces, the change per class and the budget",
          "[console][rehost]") {
  vendor v(true);
  issue_bound(v, replaced_id);
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  const auto form = get(client, "/rehost", s);
  REQUIRE(form);
  CHECK(form->status == 200);
  CHECK(contains(form->body, "enctype=\"multipart/form-data\""));
  const auto res =
      post_multipart(client, "/rehost/preview", s,
                     {{"request", rehost_text(replaced_id, 0), "rehost-request.toml", "application/toml"}});
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(contains(res->body, "<a href=\"/license/" + std::string(replaced_id) + "\">"));
  CHECK(contains(res->body, "<td>Bound Ltd</td>"));
  CHECK(contains(res->body, "<tr><td>disk</td><td>changed</td></tr>"));
  CHECK(contains(res->body, "<tr><td>platform</td><td>changed</td></tr>"));
  CHECK(contains(res->body, "in the last 365 days: 0 of 3."));
  CHECK(!contains(res->body, "name=\"force\""));  // within the budget
  CHECK(!contains(ledger_show(v, replaced_id), "revoked"));
}

TEST_CASE("a re-host within the budget issues the successor for the new machine and revokes the old license",
          "[console][rehost]") {
  vendor v(true);
  issue_bound(v, replaced_id);
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  const std::string id = new_license(post_rehost(client, s, rehost_text(replaced_id, 0)));
  const std::string shown = ledger_show(v, id);
  CHECK(contains(shown, "rehost"));
  CHECK(contains(shown, "600179c025c231a1c612b046f48b133f"));  // the new machine's disk
  CHECK(contains(ledger_show(v, replaced_id), "revoked"));
  const auto verified = run(airlock_cmd("verify " + quoted(v.dir / (id + ".toml")) + " --pubkey " +
                                        quoted(source_file("formats/vectors/test_vendor_key.pub")) + " --no-machine"));
  CHECK(verified.exit_code == 0);
  const auto again = post_rehost(client, s, rehost_text(replaced_id, 1));
  REQUIRE(again);
  CHECK(again->status == 400);  // revoked now, and replaced
  CHECK(contains(again->body, "it cannot be re-hosted"));
}

TEST_CASE("a re-host over the budget is refused without force, and issued with force and a reason that is recorded",
          "[console][rehost]") {
  vendor v(true);
  issue_bound(v, replaced_id);
  std::string id = replaced_id;
  for (int generation = 0; generation < 3; ++generation) {
    const std::string request = v.dir / ("rehost" + std::to_string(generation) + ".toml");
    write_file(request, rehost_text(id, generation));
    const auto r =
        run(airlock_cmd("rehost " + quoted(request) + " --key " + quoted(v.key) + pass_option(v) + " --ledger " +
                        quoted(v.ledger) + " --out " + quoted(v.dir / ("gen" + std::to_string(generation) + ".toml"))));
    REQUIRE(r.exit_code == 0);
    id = r.out.substr(r.out.rfind('\n', r.out.size() - 2) + 1);
    id.pop_back();
  }
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  const std::string text = rehost_text(id, 3);
  const auto preview =
      post_multipart(client, "/rehost/preview", s, {{"request", text, "rehost.toml", "application/toml"}});
  REQUIRE(preview);
  CHECK(preview->status == 200);
  CHECK(contains(preview->body, "in the last 365 days: 3 of 3."));
  CHECK(contains(preview->body, "name=\"force\""));
  CHECK(contains(preview->body, "name=\"reason\""));
  const auto refused = post_rehost(client, s, text);
  REQUIRE(refused);
  CHECK(refused->status == 400);
  CHECK(contains(refused->body, "was re-hosted 3 time(s) in the last 365 days (budget 3)"));
  const auto no_reason = post_rehost(client, s, text, {{"force", "yes", "", ""}});
  REQUIRE(no_reason);
  CHECK(no_reason->status == 400);
  CHECK(contains(no_reason->body, "a forced re-host needs a reason"));
  const std::string next =
      new_license(post_rehost(client, s, text, {{"force", "yes", "", ""}, {"reason", "mainboard died twice", "", ""}}));
  CHECK(contains(ledger_show(v, next), "forced: mainboard died twice"));
  CHECK(contains(ledger_show(v, id), "revoked"));
}

TEST_CASE("the revocation list download verifies with airlock-verify, and the next list has the next sequence",
          "[console][revocations]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  REQUIRE(post(client, "/license/L-plain/revoke", s, {{"csrf", s.csrf}, {"reason", "refunded"}})->status == 303);
  const auto page = get(client, "/revocations", s);
  REQUIRE(page);
  CHECK(contains(page->body, "<tr><td>acme-studio</td><td>1</td><td>none</td>"));
  const auto first = post(client, "/revocations", s, {{"csrf", s.csrf}, {"product", "acme-studio"}});
  REQUIRE(first);
  CHECK(first->status == 200);
  CHECK(first->get_header_value("Content-Disposition") == "attachment; filename=\"revoked-acme-studio-1.toml\"");
  const std::string list = v.dir / "revoked-1.toml";
  write_file(list, first->body);
  const std::string verify = quoted(tool("airlock-verify")) + " --pubkey " + quoted(v.dir / "keys/vendor.pub") +
                             " --no-machine --revocations " + quoted(list) + " ";
  CHECK(run(verify + quoted(v.dir / "script.toml")).exit_code == 0);  // the list checks, and does not name it
  const auto revoked = run(verify + quoted(v.dir / "plain.toml"));
  CHECK(revoked.exit_code == 22);
  CHECK(contains(revoked.err, "revoked"));
  const auto second = post(client, "/revocations", s, {{"csrf", s.csrf}, {"product", "acme-studio"}});
  REQUIRE(second);
  CHECK(second->get_header_value("Content-Disposition") == "attachment; filename=\"revoked-acme-studio-2.toml\"");
  CHECK(contains(second->body, "sequence = 2\n"));
  const auto after = get(client, "/revocations", s);
  REQUIRE(after);
  CHECK(contains(after->body, "<tr><td>acme-studio</td><td>1</td><td>2</td>"));
}

TEST_CASE("a revocation list POST without the CSRF token, or for a product the ledger lacks, signs nothing",
          "[console][revocations]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  const auto no_csrf = post(client, "/revocations", s, {{"product", "acme-studio"}});
  REQUIRE(no_csrf);
  CHECK(no_csrf->status == 403);
  const auto unknown = post(client, "/revocations", s, {{"csrf", s.csrf}, {"product", "../../etc/passwd"}});
  REQUIRE(unknown);
  CHECK(unknown->status == 400);
  CHECK(contains(unknown->body, "the ledger holds no license of product"));
  CHECK(!contains(audit_actions(v), "revocation-list"));
}

TEST_CASE("the batch preview reports each bad row by its line and the good rows as ok", "[console][batch]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  const std::string csv =
      "licensee,product,expires,unbound,request\n"
      "Good One,acme-studio,2099-01-01,yes,\n"
      "Bad Date,acme-studio,2099-13-45,yes,\n"
      "Path Row,acme-studio,,,/etc/passwd\n";
  const auto res = post_multipart(client, "/batch/preview", s, {{"orders", csv, "orders.csv", "text/csv"}});
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(contains(res->body, "orders.csv: 3 rows, 1 ready to sign, 2 with a problem."));
  CHECK(contains(res->body, "<tr><td>2</td><td>Good One</td><td>acme-studio</td><td>(random)</td><td>ok</td></tr>"));
  CHECK(contains(res->body,
                 "<tr><td>3</td><td>Bad Date</td><td>acme-studio</td><td>(random)</td><td><span "
                 "class=\"error\">"));
  CHECK(contains(res->body, "<tr><td>4</td><td>Path Row</td>"));
  CHECK(contains(res->body, "request &#39;/etc/passwd&#39; was not uploaded with the orders file"));
  CHECK(!contains(res->body, "root:"));
  CHECK(!contains(run(airlock_cmd("ledger list --ledger " + quoted(v.ledger))).out, "Good One"));
}

TEST_CASE("a batch signs every good row, and its zip holds the ledger's copies of those licenses", "[console][batch]") {
  vendor v(true);
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  const std::string csv =
      "licensee,product,id,unbound,request\n"
      "Batch One,acme-studio,B-one,yes,\n"
      "Batch Two,acme-studio,B-two,,requests/request.toml\n"
      "Batch Bad,acme-studio,B-bad,yes,requests/request.toml\n";
  const auto res = post_multipart(
      client, "/batch", s,
      {{"orders", csv, "orders.csv", "text/csv"},
       {"requests", read_file(source_file("formats/vectors/request.toml")), "request.toml", "application/toml"}});
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(contains(res->body, "Issued 2 of 3 rows"));
  CHECK(contains(res->body, "give a request or unbound, not both"));
  const std::string ids = field_value(res->body, "ids");
  CHECK(ids == "B-one B-two");
  CHECK(contains(ledger_show(v, "B-two"), "f5c0bcd99b401a359cb29c1435252daa"));  // bound to the uploaded request
  const auto zip = post(client, "/batch/zip", s, {{"csrf", s.csrf}, {"ids", ids}});
  REQUIRE(zip);
  CHECK(zip->status == 200);
  CHECK(zip->get_header_value("Content-Type") == "application/zip");
  const std::string zip_file = v.dir / "licenses.zip";
  write_file(zip_file, zip->body);
  // Python's zipfile, independent of libzip: the names, and each entry the same bytes as the file written.
  const auto listed =
      run("python3 -c 'import sys, zipfile\n"
          "z = zipfile.ZipFile(sys.argv[1])\n"
          "for n in sorted(z.namelist()):\n"
          "    same = z.read(n) == open(sys.argv[2] + \"/\" + n, \"rb\").read()\n"
          "    print(n, same)' " +
          quoted(zip_file) + " " + quoted(v.dir.path()));
  CHECK(listed.exit_code == 0);
  CHECK(listed.out == "B-one.toml True\nB-two.toml True\n");
  const auto unknown = post(client, "/batch/zip", s, {{"csrf", s.csrf}, {"ids", "B-one ../ledger.sqlite"}});
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
}

TEST_CASE("the lifecycle pages need a session", "[console][session]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  for (const char* path : {"/rehost", "/revocations", "/batch"}) {
    const auto res = client.Get(path);
    REQUIRE(res);
    CHECK(res->status == 303);
    CHECK(res->get_header_value("Location") == "/login");
  }
  for (const char* path : {"/license/L-plain/renew", "/rehost", "/rehost/preview", "/revocations", "/batch",
                           "/batch/preview", "/batch/zip"}) {
    const auto res = client.Post(path, httplib::Params{{"csrf", "x"}});
    REQUIRE(res);
    CHECK(res->status == 401);
  }
}

TEST_CASE("renew, re-host, a revocation list and a batch are each in the audit log, and the chain verifies",
          "[console][audit]") {
  vendor v(true);
  issue_bound(v, replaced_id);
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  const std::string renewed = new_license(post(client, "/license/L-plain/renew", s, {{"csrf", s.csrf}}));
  const std::string rehosted = new_license(post_rehost(client, s, rehost_text(replaced_id, 0)));
  REQUIRE(post(client, "/revocations", s, {{"csrf", s.csrf}, {"product", "acme-studio"}})->status == 200);
  const auto batch = post_multipart(
      client, "/batch", s,
      {{"orders", "licensee,product,unbound,id\nAudit Ltd,acme-studio,yes,B-audit\n", "orders.csv", "text/csv"}});
  REQUIRE(batch);
  REQUIRE(batch->status == 200);
  const auto audit =
      run("sqlite3 " + quoted(v.ledger) +
          " \"SELECT a.operator || ' ' || a.action || ' ' || coalesce(c.license_id, '') || ' ' || "
          "coalesce(c.detail, '') FROM audit a JOIN chain c ON c.row = a.chain_row ORDER BY a.chain_row;\"");
  CHECK(contains(audit.out, "alice renew " + renewed + " renews L-plain\n"));
  CHECK(contains(audit.out, "alice rehost " + rehosted + " replaces " + replaced_id + "\n"));
  CHECK(contains(audit.out, "alice revocation-list  acme-studio list 1: 1 license(s)\n"));
  CHECK(contains(audit.out, "alice issue B-audit batch orders.csv line 2\n"));
  const auto page = get(client, "/audit", s);
  REQUIRE(page);
  CHECK(contains(page->body, "<td>revocation-list</td>"));
  CHECK(run(airlock_cmd("ledger verify --ledger " + quoted(v.ledger))).exit_code == 0);
}
