// SPDX-License-Identifier: MIT
// The license list's state and expiry filters and its sorting, and the issue form's unbound
// licenses with limits and meta fields.
#include <catch2/catch.hpp>

#include "console_support.hpp"

using namespace airlock::test;
using namespace airlock::test::console;

TEST_CASE("the license list filters by state and keeps the filter in its sort links", "[console][list]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  REQUIRE(post(client, "/license/L-plain/revoke", s, {{"csrf", s.csrf}, {"reason", "test"}})->status == 303);
  const auto revoked = get(client, "/licenses?state=revoked", s);
  REQUIRE(revoked);
  CHECK(contains(revoked->body, "1 licenses, page 1 of 1."));
  CHECK(contains(revoked->body, "L-plain"));
  CHECK(contains(revoked->body, "<option selected>revoked</option>"));
  CHECK(contains(revoked->body, "href=\"/licenses?dir=asc&amp;sort=licensee&amp;state=revoked\""));
  const auto active = get(client, "/licenses?state=active", s);
  REQUIRE(active);
  CHECK(contains(active->body, "L-script"));
  CHECK_FALSE(contains(active->body, "L-plain"));
}

TEST_CASE("the license list sorts by licensee both ways", "[console][list]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  const auto up = get(client, "/licenses?sort=licensee&dir=asc", s);
  const auto down = get(client, "/licenses?sort=licensee&dir=desc", s);
  REQUIRE(up);
  REQUIRE(down);
  // "<script>..." sorts before "Example ...": '<' is below the letters.
  CHECK(up->body.find("L-script") < up->body.find("L-plain"));
  CHECK(down->body.find("L-plain") < down->body.find("L-script"));
}

TEST_CASE("the license list refuses an expiry filter that is not a date with 400", "[console][list]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  const auto bad = get(client, "/licenses?expiring_before=soon", s);
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(contains(bad->body, "&#39;soon&#39; is not a date (YYYY-MM-DD)"));
  const auto good = get(client, "/licenses?expiring_before=2999-01-01", s);
  REQUIRE(good);
  CHECK(good->status == 200);
}

TEST_CASE("an unbound license with limits and meta fields is issued from the form", "[console][issue]") {
  vendor v;
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  const httplib::MultipartFormDataItems order = {{"csrf", s.csrf, "", ""},
                                                 {"unbound", "yes", "", ""},
                                                 {"product", "acme-viewer", "", ""},
                                                 {"licensee", "Unbound Ltd", "", ""},
                                                 {"expires", "2031-01-31", "", ""},
                                                 {"limits", "seats=5 cores=8", "", ""},
                                                 {"meta", "order=SO 1\nregion=eu", "", ""}};
  const auto preview = client.Post("/issue/preview", {{"Cookie", s.cookie}}, order);
  REQUIRE(preview);
  REQUIRE(preview->status == 200);
  CHECK(contains(preview->body, "cores=8 seats=5"));
  CHECK(contains(preview->body, "order=SO 1; region=eu"));
  CHECK(contains(preview->body, "<td>unbound</td>"));
  const auto signed_ = client.Post("/issue", {{"Cookie", s.cookie}}, order);
  REQUIRE(signed_);
  REQUIRE(signed_->status == 303);
  const std::string id = signed_->get_header_value("Location").substr(std::string("/license/").size());
  const auto file = get(client, "/license/" + id + "/download", s);
  REQUIRE(file);
  CHECK(contains(file->body, "seats = 5"));
  CHECK(contains(file->body, "order = \"SO 1\""));
  CHECK_FALSE(contains(file->body, "[license.machine]\nhashes"));
}

TEST_CASE("an order with both a request and unbound is refused", "[console][issue]") {
  vendor v(true);
  auto c = start_console(v);
  httplib::Client client("127.0.0.1", c->port());
  const auto s = log_in(client);
  const httplib::MultipartFormDataItems order = {
      {"csrf", s.csrf, "", ""},
      {"request", read_file(source_file("formats/vectors/request.toml")), "request.toml", "application/toml"},
      {"unbound", "yes", "", ""},
      {"licensee", "Both Ltd", "", ""}};
  const auto preview = client.Post("/issue/preview", {{"Cookie", s.cookie}}, order);
  REQUIRE(preview);
  CHECK(preview->status == 400);
  CHECK(contains(preview->body, "give an activation request or choose unbound, not both"));
}
