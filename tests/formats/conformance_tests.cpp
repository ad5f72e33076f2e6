// SPDX-License-Identifier: MIT
// The conformance vectors of formats/vectors/manifest.toml, run through the C++ verifier and
// request reader: every license entry through airlock::verify_license, every request through
// airlock::format::parse_request. One TEST_CASE per behaviour group, one section per file.
#include <toml++/toml.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/format/format.hpp"
#include "airlock/format/revocations.hpp"
#include "airlock/verify.hpp"
#include "test_support.hpp"

namespace fmt = airlock::format;
using namespace std::string_view_literals;

namespace {

std::string vector_file(std::string_view relative) {
  return airlock_test::source_path("formats/vectors/" + std::string(relative));
}

const toml::table& manifest() {
  static const toml::table table = [] {
    try {
      return toml::parse_file(vector_file("manifest.toml"));
    } catch (const toml::parse_error& error) {
      FAIL("toml++ rejected manifest.toml: " << error.description());
      return toml::table{};
    }
  }();
  return table;
}

const toml::array& entries(std::string_view kind) {
  static const toml::array none;
  const auto* list = manifest()[kind].as_array();
  return list ? *list : none;
}

std::string text_of(const toml::table& table, std::string_view key) { return std::string(table[key].value_or(""sv)); }

std::vector<std::string> strings_of(const toml::table& table, std::string_view key) {
  std::vector<std::string> out;
  if (const auto* array = table[key].as_array()) {
    for (const auto& item : *array) out.push_back(std::string(item.value_or(""sv)));
  }
  return out;
}

fmt::date date_of(const toml::date& d) { return fmt::date{d.year, d.month, d.day}; }

std::int64_t unix_seconds(const toml::date_time& t) {
  const std::int64_t offset = t.offset ? std::int64_t{t.offset->minutes} * 60 : 0;
  return fmt::start_of_day(date_of(t.date)).seconds + t.time.hour * 3600 + t.time.minute * 60 + t.time.second - offset;
}

// The only code that builds a machine snapshot (the header refactor may rename the type): the
// manifest's raw canonical values per class, the environment, and host hardware visible when disk,
// nic or board has a value. No [license.machine]: nothing readable, environment unknown.
airlock::hwid::machine_snapshot snapshot_of(const toml::table* machine) {
  namespace hw = airlock::hwid;
  hw::machine_snapshot snapshot;
  for (const auto c : airlock::format::all_component_classes) {
    hw::class_reading& reading = snapshot[c];
    if (machine) reading.values = strings_of(*machine, airlock::format::to_string(c));
    std::sort(reading.values.begin(), reading.values.end());
    reading.values.erase(std::unique(reading.values.begin(), reading.values.end()), reading.values.end());
    if (reading.values.empty()) reading.reason = "not readable in this vector";
  }
  // FORMAT.md 4.6: a MAC with the locally administered bit (0x02 of the first byte) is software-assigned.
  for (const std::string& mac : snapshot.nic.values) {
    if (mac.size() >= 2 && (std::stoi(mac.substr(0, 2), nullptr, 16) & 0x02) != 0)
      snapshot.nic.evidence_only.push_back(mac);
  }
  const std::string environment = machine ? text_of(*machine, "environment") : "unknown";
  snapshot.environment =
      airlock::format::parse_runtime_environment(environment).value_or(airlock::format::runtime_environment::unknown);
  snapshot.host_hardware_visible = snapshot.disk.present() || snapshot.nic.present() || snapshot.board.present();
  return snapshot;
}

// A version-2 clock-state line for the license in `text` that has seen revocation list `sequence`
// at `now` (FORMAT.md 10; the manifest's seen_sequence), written to a fresh file.
std::string clock_state_with(const std::string& text, std::int64_t now, std::int64_t sequence) {
  namespace d = airlock::detail;
  const auto file = fmt::parse_license_file(text);
  REQUIRE(file.ok());
  const std::string& id = file.value->content.id;
  static int counter = 0;
  const std::string path = airlock_test::make_temp_dir() + "/" + std::to_string(++counter) + ".clock";
  airlock_test::write_file(
      path, std::string(d::clock_state_tag) + " " + id + " " + std::to_string(now) + " " + std::to_string(sequence) +
                " " + d::clock_state_mac(d::clock_state_tag, file.value->signature.value, id, now, sequence) + "\n");
  return path;
}

airlock::verify_options options_of(const toml::table& entry) {
  airlock::verify_options options;
  options.product = text_of(entry, "product");
  if (const auto now = entry["now"].value<toml::date_time>()) options.now = unix_seconds(*now);
  if (const auto day = entry["build_date"].value<toml::date>()) options.build_date = date_of(*day);
  options.grace_days = static_cast<int>(entry["grace_days"].value_or(std::int64_t{0}));
  options.machine = snapshot_of(entry["machine"].as_table());
  options.check_machine = true;
  if (const auto list = entry["revocations"].value<std::string>()) {
    options.revocation_list = airlock_test::read_file(vector_file(*list));
  }
  if (const auto seen = entry["seen_sequence"].value<std::int64_t>()) {
    REQUIRE(options.now);
    options.clock_state_file =
        clock_state_with(airlock_test::read_file(vector_file(text_of(entry, "file"))), *options.now, *seen);
  }
  return options;
}

const airlock::trust_store& trusted() {
  static const airlock::trust_store store = [] {
    airlock::trust_store s;
    const bool added = s.add_pem(airlock_test::read_file(vector_file("test_vendor_key.pub")));
    REQUIRE(added);
    return s;
  }();
  return store;
}

template <class Entry, class Value>
std::map<std::string, Value> entry_map(const std::vector<Entry>& list) {
  std::map<std::string, Value> out;
  for (const auto& e : list) out[e.name] = e.value;
  return out;
}

void check_license_values(const fmt::license& lic, const toml::table& v) {
  CHECK(lic.id == text_of(v, "id"));
  CHECK(lic.key_id == text_of(v, "key_id"));
  CHECK(lic.product == text_of(v, "product"));
  CHECK(lic.licensee == text_of(v, "licensee"));
  CHECK(lic.issued.seconds == unix_seconds(*v["issued"].value<toml::date_time>()));
  CHECK(fmt::to_string(lic.not_before) == fmt::to_string(date_of(*v["not_before"].value<toml::date>())));
  for (const auto& [key, field] :
       {std::pair{"expires"sv, &lic.expires}, std::pair{"updates_until"sv, &lic.updates_until}}) {
    INFO(key);
    const auto expected = v[key].value<toml::date>();
    REQUIRE(field->has_value() == expected.has_value());
    if (expected) CHECK(fmt::to_string(**field) == fmt::to_string(date_of(*expected)));
  }
  CHECK(lic.features == strings_of(v, "features"));
  CHECK(lic.supersedes == v["supersedes"].value<std::string>());
  CHECK(lic.min_revocation_sequence == v["min_revocation_sequence"].value<std::int64_t>());
  CHECK(lic.critical == strings_of(v, "critical"));
  CHECK(lic.extensions == strings_of(v, "extensions"));
  const fmt::machine_binding& m = lic.machine;
  CHECK(m.unbound == v["unbound"].value_or(true));
  CHECK(m.policy == text_of(v, "policy"));
  CHECK(m.allow_container == v["allow_container"].value_or(false));
  for (const auto c : fmt::all_component_classes) CHECK(m.hashes[c] == strings_of(v, fmt::to_string(c)));
  CHECK(m.hashes.evidence_only == strings_of(v, "evidence_only"));
  std::map<std::string, std::int64_t> limits;
  if (const auto* t = v["limits"].as_table()) {
    for (const auto& [key, value] : *t) limits[std::string(key.str())] = value.value_or(std::int64_t{-1});
  }
  CHECK((entry_map<fmt::limit_entry, std::int64_t>(lic.limits) == limits));
  std::map<std::string, std::string> meta;
  if (const auto* t = v["meta"].as_table()) {
    for (const auto& [key, value] : *t) meta[std::string(key.str())] = std::string(value.value_or(""sv));
  }
  CHECK((entry_map<fmt::meta_entry, std::string>(lic.meta) == meta));
}

// The manifest's `matching` and `proof` lists, where given, are the classes the verifier found
// matched and proving hardware (FORMAT.md 9.1).
void check_binding_classes(const toml::table& entry, const airlock::verify_result& result) {
  if (!result.machine_checked) return;
  std::vector<std::string> matching, proof;
  for (const fmt::class_result& c : result.binding.classes) {
    if (c.outcome == fmt::class_outcome::matched) matching.emplace_back(fmt::to_string(c.cls));
    if (c.proof) proof.emplace_back(fmt::to_string(c.cls));
  }
  const auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  if (entry["matching"].as_array()) CHECK(sorted(matching) == sorted(strings_of(entry, "matching")));
  if (entry["proof"].as_array()) CHECK(sorted(proof) == sorted(strings_of(entry, "proof")));
}

void check_license_entry(const toml::table& entry) {
  const std::string expect = text_of(entry, "expect");
  INFO("why: " << text_of(entry, "why"));
  const std::string text = airlock_test::read_file(vector_file(text_of(entry, "file")));
  const airlock::verify_result result = airlock::verify_license(text, trusted(), options_of(entry));
  INFO("C++ says: " << airlock::to_string(result.why) << ": " << result.message);
  CHECK(std::string(airlock::to_string(result.why)) == expect);
  check_binding_classes(entry, result);
  const auto* values = entry["values"].as_table();
  if (values && result.signature_valid && result.why != airlock::reason::malformed &&
      result.why != airlock::reason::unsupported_version) {
    check_license_values(result.license, *values);
  }
}

void check_request_entry(const toml::table& entry) {
  const std::string expect = text_of(entry, "expect");
  INFO("why: " << text_of(entry, "why"));
  const std::string text = airlock_test::read_file(vector_file(text_of(entry, "file")));
  const auto parsed = fmt::parse_request(text);
  INFO("C++ says: " << (parsed.ok() ? std::string("ok")
                                    : std::to_string(parsed.error.line) + ":" + std::to_string(parsed.error.column) +
                                          ": " + parsed.error.message));
  CHECK(std::string(parsed.ok() ? "ok"sv : fmt::to_string(parsed.error.kind)) == expect);
  const auto* v = entry["values"].as_table();
  if (!parsed.ok() || !v) return;
  const fmt::request& req = *parsed.value;
  CHECK(req.product == text_of(*v, "product"));
  CHECK(req.key_id == text_of(*v, "key_id"));
  CHECK(req.created.seconds == unix_seconds(*(*v)["created"].value<toml::date_time>()));
  CHECK(req.tool == text_of(*v, "tool"));
  CHECK(std::string(fmt::to_string(req.environment)) == text_of(*v, "environment"));
  for (const auto c : fmt::all_component_classes) CHECK(req.machine[c] == strings_of(*v, fmt::to_string(c)));
  CHECK(req.machine.evidence_only == strings_of(*v, "evidence_only"));
  CHECK(req.replaces == (*v)["replaces"].value<std::string>());
}

// A revocation list read as a product reads it (FORMAT.md 11.2, before its checks against a
// license): the envelope, the trusted key, the signature under the list's prefix, the body.
std::string read_revocation_list(const std::string& text, std::optional<fmt::revocation_list>& out) {
  const auto opened = fmt::open_revocation_list(text);
  if (!opened.ok()) return std::string(fmt::to_string(opened.error.kind));
  const auto* key = trusted().find(opened.value->signature.key_id);
  if (key == nullptr) return "unknown_key";
  const std::string message = fmt::signed_message(fmt::revocations_kind, opened.value->body);
  if (!key->verify(reinterpret_cast<const std::uint8_t*>(message.data()), message.size(),
                   opened.value->signature.value.data(), opened.value->signature.value.size())) {
    return "bad_signature";
  }
  auto content = fmt::read_revocations_content(*opened.value);
  if (!content.ok()) return std::string(fmt::to_string(content.error.kind));
  out = std::move(*content.value);
  return "ok";
}

void check_revocation_list_entry(const toml::table& entry) {
  INFO("why: " << text_of(entry, "why"));
  std::optional<fmt::revocation_list> list;
  const std::string got = read_revocation_list(airlock_test::read_file(vector_file(text_of(entry, "file"))), list);
  CHECK(got == text_of(entry, "expect"));
  const auto* v = entry["values"].as_table();
  if (!list || !v) return;
  CHECK(list->key_id == text_of(*v, "key_id"));
  CHECK(list->product == text_of(*v, "product"));
  CHECK(list->sequence == (*v)["sequence"].value_or(std::int64_t{-1}));
  CHECK(list->issued.seconds == unix_seconds(*(*v)["issued"].value<toml::date_time>()));
  CHECK(list->revoked == strings_of(*v, "revoked"));
  CHECK(list->critical == strings_of(*v, "critical"));
  CHECK(list->extensions == strings_of(*v, "extensions"));
}

// Runs every entry of one group, each in its own section named by its file.
void run_group(std::string_view kind, std::string_view group) {
  std::size_t count = 0;
  for (const auto& node : entries(kind)) {
    const toml::table& entry = *node.as_table();
    if (text_of(entry, "group") != group) continue;
    ++count;
    DYNAMIC_SECTION(text_of(entry, "file")) {
      if (kind == "license")
        check_license_entry(entry);
      else if (kind == "request")
        check_request_entry(entry);
      else
        check_revocation_list_entry(entry);
    }
  }
  CHECK(count > 0);
}

const std::set<std::string> license_groups = {"accepted",    "version",         "envelope",  "syntax",
                                              "fields",      "machine-table",   "signature", "product-clock-dates",
                                              "binding",     "renewal",         "critical",  "extensions",
                                              "array-bound", "revocation-check"};
const std::set<std::string> request_groups = {"request-accepted", "request-version", "request-fields", "request-syntax",
                                              "request-rehost"};
const std::set<std::string> revocation_list_groups = {"revocation-list"};

}  // namespace

TEST_CASE("Conformance: the manifest lists enough vectors, each in a group these tests run", "[conformance]") {
  CHECK(entries("license").size() >= 220);
  CHECK(entries("request").size() >= 55);
  CHECK(entries("revocation_list").size() >= 40);
  for (const auto& [kind, groups] : {std::pair{"license"sv, &license_groups}, std::pair{"request"sv, &request_groups},
                                     std::pair{"revocation_list"sv, &revocation_list_groups}}) {
    for (const auto& node : entries(kind)) {
      const toml::table& entry = *node.as_table();
      INFO(text_of(entry, "file"));
      CHECK(groups->count(text_of(entry, "group")) == 1);
    }
  }
}

TEST_CASE("Conformance: accepted licenses verify and read back the manifest's values", "[conformance]") {
  run_group("license", "accepted");
}

TEST_CASE("Conformance: the declared version is read first (format, machine policy)", "[conformance]") {
  run_group("license", "version");
}

TEST_CASE("Conformance: size, BOM and CRLF, the split, the signature table and the blank line", "[conformance]") {
  run_group("license", "envelope");
}

TEST_CASE("Conformance: licenses outside the canonical TOML subset are malformed", "[conformance]") {
  run_group("license", "syntax");
}

TEST_CASE("Conformance: every field rule of [license]", "[conformance]") { run_group("license", "fields"); }

TEST_CASE("Conformance: every rule of the [machine] table", "[conformance]") { run_group("license", "machine-table"); }

TEST_CASE("Conformance: unknown key, bad signature and key id mismatch", "[conformance]") {
  run_group("license", "signature");
}

TEST_CASE("Conformance: product, clock, validity dates and maintenance", "[conformance]") {
  run_group("license", "product-clock-dates");
}

TEST_CASE("Conformance: environment and machine binding under both matching policies", "[conformance]") {
  run_group("license", "binding");
}

TEST_CASE("Conformance: accepted requests read back the manifest's values", "[conformance]") {
  run_group("request", "request-accepted");
}

TEST_CASE("Conformance: the declared version of a request is read first", "[conformance]") {
  run_group("request", "request-version");
}

TEST_CASE("Conformance: every field rule of a request", "[conformance]") { run_group("request", "request-fields"); }

TEST_CASE("Conformance: requests outside the canonical TOML subset are malformed", "[conformance]") {
  run_group("request", "request-syntax");
}

TEST_CASE("Conformance: renewal and re-host fields of a license", "[conformance]") { run_group("license", "renewal"); }

TEST_CASE("Conformance: critical names an extension, a defined field, or nothing", "[conformance]") {
  run_group("license", "critical");
}

TEST_CASE("Conformance: extensions are ignored in their places and malformed elsewhere", "[conformance]") {
  run_group("license", "extensions");
}

TEST_CASE("Conformance: arrays hold at most 1024 entries", "[conformance]") { run_group("license", "array-bound"); }

TEST_CASE("Conformance: licenses checked against a revocation list", "[conformance]") {
  run_group("license", "revocation-check");
}

TEST_CASE("Conformance: re-host requests name the license they replace", "[conformance]") {
  run_group("request", "request-rehost");
}

TEST_CASE("Conformance: revocation lists read as a product reads them", "[conformance]") {
  run_group("revocation_list", "revocation-list");
}
