// SPDX-License-Identifier: MIT
// Test helpers for the verifier (see verifier_support.hpp).
#include "verifier_support.hpp"

#include <stdexcept>

namespace airlock::vtest {

const vendor& acme() {
  static const vendor shared;
  return shared;
}

std::int64_t at(std::string_view utc) {
  const auto t = format::parse_utc_time(utc);
  if (!t) throw std::invalid_argument("bad UTC time in a test: " + std::string(utc));
  return t->seconds;
}

const std::int64_t february = at("2026-02-01T10:00:00Z");

format::date day(std::string_view yyyy_mm_dd) {
  const auto d = format::parse_date(yyyy_mm_dd);
  if (!d) throw std::invalid_argument("bad date in a test: " + std::string(yyyy_mm_dd));
  return *d;
}

format::license unbound_license(const vendor& v) {
  format::license lic;
  lic.id = "test-0001";
  lic.key_id = v.key_id;
  lic.product = std::string(product);
  lic.licensee = "Example Corp";
  lic.issued = format::utc_time{at("2026-01-10T12:00:00Z")};
  lic.not_before = day("2026-01-10");
  lic.features = {"export.pdf", "render"};
  lic.limits = {{"seats", 5}};
  lic.machine = format::machine_binding{};
  return lic;
}

hwid::machine_snapshot office_pc() {
  hwid::machine_snapshot m;
  m.platform.values = {"x86_64 GenuineIntel 06-55-04"};
  m.disk.values = {"nvme:Samsung SSD 980 PRO 1TB:S5GXNF0R123456"};
  m.nic.values = {"9c:6b:00:12:34:56"};
  m.os.values = {"4c4c4544003957108052b4c04f4e3332"};
  m.board.reason = "not collected";
  m.environment = format::runtime_environment::bare_metal;
  m.host_hardware_visible = true;
  return m;
}

void bind_to(format::license& lic, const hwid::machine_snapshot& machine) {
  const auto hashes = hwid::hash_snapshot(machine, lic.key_id, lic.product);
  format::machine_binding& m = lic.machine;
  m.unbound = false;
  m.policy = std::string(format::match_policy_v1);
  m.hashes = hashes;
}

format::license license_bound_to(const hwid::machine_snapshot& machine, const vendor& v) {
  format::license lic = unbound_license(v);
  bind_to(lic, machine);
  return lic;
}

std::string sign(const format::license& lic, const vendor& v) { return generator::sign_license(lic, v.key); }

std::string body_of(const format::license& lic) {
  const auto body = format::write_license_body(lic);
  if (!body.ok()) throw std::invalid_argument("invalid license in a test: " + body.error);
  return body.text;
}

std::string sign_body(const std::string& body, const vendor& v, const std::string& signature_key_id) {
  const std::string message = format::signed_message(body);
  format::signature_block block;
  block.key_id = signature_key_id;
  block.value = v.key.sign(reinterpret_cast<const std::uint8_t*>(message.data()), message.size());
  const auto table = format::write_signature_block(block);
  if (!table.ok()) throw std::invalid_argument("bad signature block in a test: " + table.error);
  return body + table.text;
}

verify_options options_at(std::int64_t now, const hwid::machine_snapshot& machine) {
  verify_options options;
  options.product = std::string(product);
  options.now = now;
  options.machine = machine;
  return options;
}

verify_result check(const std::string& text, const verify_options& options) {
  return verify_license(text, acme().trust(), options);
}

bool has_warning(const verify_result& r, warning_kind kind) {
  for (const warning& w : r.warnings)
    if (w.kind == kind) return true;
  return false;
}

}  // namespace airlock::vtest
