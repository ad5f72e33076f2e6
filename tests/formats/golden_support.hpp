// SPDX-License-Identifier: MIT
// The golden vectors: how each is made, and its values flattened for comparison with other parsers.
#ifndef AIRLOCK_TESTS_FORMATS_GOLDEN_SUPPORT_HPP
#define AIRLOCK_TESTS_FORMATS_GOLDEN_SUPPORT_HPP

#include <algorithm>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace airlock_test {

inline std::string vector_path(std::string_view file) { return source_path("formats/vectors/" + std::string(file)); }

/// Signs signed_message(body) with `private_key_pem` through `openssl pkeyutl -rawin`.
inline fmt::signature_block sign_with_openssl(const std::string& body, const std::string& key_id,
                                              const std::string& private_key_path) {
  const std::string dir = make_temp_dir();
  write_file(dir + "/message.bin", fmt::signed_message(body));
  const auto result = run("openssl pkeyutl -sign -rawin -inkey " + shell_quote(private_key_path) + " -in " + dir +
                          "/message.bin -out " + dir + "/sig.bin");
  INFO(result.output);
  REQUIRE(result.status == 0);
  const std::string signature = read_file(dir + "/sig.bin");
  REQUIRE(signature.size() == 64);
  fmt::signature_block block;
  block.key_id = key_id;
  std::copy(signature.begin(), signature.end(), block.value.begin());
  return block;
}

inline std::string signed_license_text(const fmt::license& lic, const std::string& private_key_path) {
  const std::string body = body_of(lic);
  const auto block = fmt::write_signature_block(sign_with_openssl(body, lic.key_id, private_key_path));
  REQUIRE(block.ok());
  return body + block.text;
}

inline std::string hex_of(std::string_view text) {
  return fmt::hex_encode(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

inline void add_leaf(std::vector<std::string>& out, const std::string& path, const std::vector<std::string>& values) {
  out.push_back(path + " array " + std::to_string(values.size()));
  for (std::size_t i = 0; i < values.size(); ++i)
    out.push_back(path + "." + std::to_string(i) + " string " + hex_of(values[i]));
}

inline void add_hash_leaves(std::vector<std::string>& out, const fmt::component_hashes& hashes) {
  for (const fmt::component_class c : fmt::all_component_classes) {
    if (!hashes[c].empty()) add_leaf(out, "machine." + std::string(fmt::to_string(c)), hashes[c]);
  }
}

inline void add_machine_leaves(std::vector<std::string>& out, const fmt::machine_binding& machine) {
  out.push_back(std::string("machine.unbound bool ") + (machine.unbound ? "true" : "false"));
  if (machine.unbound) return;
  out.push_back("machine.policy string " + hex_of(machine.policy));
  out.push_back(std::string("machine.allow_container bool ") + (machine.allow_container ? "true" : "false"));
  add_hash_leaves(out, machine.hashes);
}

/// What airlock reads from a license file, flattened like tomllib_flatten.py, sorted.
inline std::vector<std::string> license_leaves(const std::string& text) {
  const auto file = fmt::parse_license_file(text);
  INFO(file.error.line << ":" << file.error.column << ": " << file.error.message);
  REQUIRE(file.ok());
  const fmt::license& lic = file.value->content;
  std::vector<std::string> out = {"license.format int " + std::to_string(lic.format),
                                  "license.id string " + hex_of(lic.id),
                                  "license.key_id string " + hex_of(lic.key_id),
                                  "license.product string " + hex_of(lic.product),
                                  "license.licensee string " + hex_of(lic.licensee),
                                  "license.issued datetime " + fmt::to_string(lic.issued),
                                  "license.not_before date " + fmt::to_string(lic.not_before)};
  if (lic.expires) out.push_back("license.expires date " + fmt::to_string(*lic.expires));
  if (lic.updates_until) out.push_back("license.updates_until date " + fmt::to_string(*lic.updates_until));
  add_leaf(out, "license.features", lic.features);
  for (const auto& entry : lic.limits)
    out.push_back("license.limits." + entry.name + " int " + std::to_string(entry.value));
  for (const auto& entry : lic.meta) out.push_back("license.meta." + entry.name + " string " + hex_of(entry.value));
  add_machine_leaves(out, lic.machine);
  const fmt::signature_block& signature = file.value->signature;
  out.push_back("signature.algorithm string " + hex_of(signature.algorithm));
  out.push_back("signature.key_id string " + hex_of(signature.key_id));
  out.push_back("signature.value string " + hex_of(fmt::base64_encode(signature.value)));
  std::sort(out.begin(), out.end());
  return out;
}

/// What airlock reads from a request, flattened like tomllib_flatten.py, sorted.
inline std::vector<std::string> request_leaves(const std::string& text) {
  const auto parsed = fmt::parse_request(text);
  INFO(parsed.error.line << ":" << parsed.error.column << ": " << parsed.error.message);
  REQUIRE(parsed.ok());
  const fmt::request& req = *parsed.value;
  std::vector<std::string> out = {"request.format int " + std::to_string(req.format),
                                  "request.product string " + hex_of(req.product),
                                  "request.key_id string " + hex_of(req.key_id),
                                  "request.created datetime " + fmt::to_string(req.created),
                                  "request.tool string " + hex_of(req.tool),
                                  "request.environment string " + hex_of(fmt::to_string(req.environment))};
  add_hash_leaves(out, req.machine);
  std::sort(out.begin(), out.end());
  return out;
}

struct golden_vector {
  const char* file;
  std::string (*make)();
  std::vector<std::string> (*leaves)(const std::string& text);
};

inline std::string make_bound_vector() {
  return signed_license_text(sample_bound_license(), vector_path("test_vendor_key.pem"));
}
inline std::string make_unbound_vector() {
  return signed_license_text(sample_unbound_license(), vector_path("test_vendor_key.pem"));
}
inline std::string make_request_vector() {
  const auto written = fmt::write_request(sample_request());
  REQUIRE(written.ok());
  return written.text;
}

inline std::vector<golden_vector> goldens() {
  return {{"license_bound.toml", make_bound_vector, license_leaves},
          {"license_unbound.toml", make_unbound_vector, license_leaves},
          {"request.toml", make_request_vector, request_leaves}};
}

}  // namespace airlock_test

#endif  // AIRLOCK_TESTS_FORMATS_GOLDEN_SUPPORT_HPP
