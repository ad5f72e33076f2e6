// SPDX-License-Identifier: MIT
// The batch order file: RFC 4180 CSV with a header row.
#include <catch2/catch.hpp>

#include "generator/orders_csv.hpp"

using airlock::generator::parse_orders_csv;

namespace {
const std::vector<std::string> known = {"licensee", "product", "features", "expires"};
const std::vector<std::string> required = {"licensee"};
}  // namespace

TEST_CASE("A CSV order file yields one row per line keyed by the header", "[csv]") {
  const auto t = parse_orders_csv("licensee,features\nACME,pro\nGlobex,\n", known, required);
  REQUIRE(t.error.empty());
  REQUIRE(t.rows.size() == 2);
  CHECK(t.rows[0].cells.at("licensee") == "ACME");
  CHECK(t.rows[0].cells.at("features") == "pro");
  CHECK(t.rows[1].cells.at("features").empty());
  CHECK(t.rows[1].line == 3);
}

TEST_CASE("Quoted CSV fields keep commas, quotes and line breaks", "[csv]") {
  const auto t =
      parse_orders_csv("licensee,features\r\n\"ACME, Inc. \"\"West\"\"\",\"a\nb\"\r\nNext,x\r\n", known, required);
  REQUIRE(t.error.empty());
  REQUIRE(t.rows.size() == 2);
  CHECK(t.rows[0].cells.at("licensee") == "ACME, Inc. \"West\"");
  CHECK(t.rows[0].cells.at("features") == "a\nb");
  CHECK(t.rows[1].line == 4);  // the quoted line break moved the next row down
}

TEST_CASE("A CSV row with the wrong number of fields is reported with its line and the others survive", "[csv]") {
  const auto t = parse_orders_csv("licensee,features\nA,1\nB,2,3\nC,4\n", known, required);
  REQUIRE(t.rows.size() == 3);
  CHECK(t.rows[0].error.empty());
  CHECK(t.rows[1].line == 3);
  CHECK(t.rows[1].error == "expected 2 fields, found 3");
  CHECK(t.rows[2].error.empty());
}

TEST_CASE("An unterminated quote in a CSV row is an error for that row", "[csv]") {
  const auto t = parse_orders_csv("licensee\n\"ACME\n", known, required);
  REQUIRE(t.rows.size() == 1);
  CHECK(t.rows[0].error == "unterminated quoted field");
}

TEST_CASE("A CSV header with an unknown, repeated or missing column is refused", "[csv]") {
  CHECK(parse_orders_csv("licensee,colour\n", known, required).error == "line 1: unknown column 'colour'");
  CHECK(parse_orders_csv("licensee,licensee\n", known, required).error == "line 1: column 'licensee' appears twice");
  CHECK(parse_orders_csv("product\n", known, required).error == "line 1: missing column 'licensee'");
  CHECK(parse_orders_csv("", known, required).error == "line 1: empty file, expected a header row");
}

TEST_CASE("Blank lines and a spreadsheet BOM in a CSV order file are ignored", "[csv]") {
  const auto t = parse_orders_csv("\xEF\xBB\xBFlicensee\n\nACME\n\n", known, required);
  REQUIRE(t.error.empty());
  REQUIRE(t.rows.size() == 1);
  CHECK(t.rows[0].cells.at("licensee") == "ACME");
}
