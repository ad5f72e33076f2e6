// SPDX-License-Identifier: MIT
// The vendor's and the customer tool's writers: the canonical license body, the signature table
// and the activation request. A product never writes these files, so airlock/airlock.hpp does not
// include this header.
#ifndef AIRLOCK_FORMAT_WRITERS_HPP
#define AIRLOCK_FORMAT_WRITERS_HPP

#include <string>
#include <string_view>

#include "airlock/format/detail/toml_writer.hpp"
#include "airlock/format/envelope.hpp"
#include "airlock/format/license.hpp"
#include "airlock/format/machine.hpp"
#include "airlock/format/request.hpp"
#include "airlock/format/result.hpp"

namespace airlock::format {

/// The first line of every license body (without "# ").
inline constexpr std::string_view license_comment =
    "Airlock license file, format 1. It is signed: any edit, even of one byte, breaks the signature.";

/// The leading comment lines of every request (without "# ").
inline constexpr std::string_view request_comment_1 =
    "Airlock activation request, format 1. Send this file to your vendor to receive a license.";
inline constexpr std::string_view request_comment_2 =
    "It holds only keyed hashes of hardware identifiers: no names, addresses or serial numbers.";

namespace detail {

inline void write_component_hashes(toml_writer& writer, const component_hashes& hashes) {
  for (const component_class c : all_component_classes) {
    if (!hashes[c].empty()) writer.key(to_string(c), hashes[c]);
  }
  if (!hashes.evidence_only.empty()) writer.key("evidence_only", hashes.evidence_only);
}

inline void write_machine(toml_writer& writer, const machine_binding& machine) {
  writer.table("machine");
  writer.key("unbound", machine.unbound);
  if (machine.unbound) return;
  writer.key("policy", machine.policy);
  writer.key("allow_container", machine.allow_container);
  write_component_hashes(writer, machine.hashes);
}

inline std::string write_license_text(const license& lic) {
  toml_writer writer;
  writer.comment(license_comment);
  writer.table("license");
  writer.key("format", lic.format);
  writer.key("id", lic.id);
  writer.key("key_id", lic.key_id);
  writer.key("product", lic.product);
  writer.key("licensee", lic.licensee);
  writer.key("issued", lic.issued);
  writer.key("not_before", lic.not_before);
  if (lic.expires) writer.key("expires", *lic.expires);
  if (lic.updates_until) writer.key("updates_until", *lic.updates_until);
  writer.key("features", lic.features);
  if (lic.supersedes) writer.key("supersedes", *lic.supersedes);
  if (lic.min_revocation_sequence) writer.key("min_revocation_sequence", *lic.min_revocation_sequence);
  if (!lic.limits.empty()) {
    writer.blank_line();
    writer.table("license.limits");
  }
  for (const limit_entry& entry : lic.limits) writer.key(entry.name, entry.value);
  if (!lic.meta.empty()) {
    writer.blank_line();
    writer.table("license.meta");
  }
  for (const meta_entry& entry : lic.meta) writer.key(entry.name, entry.value);
  writer.blank_line();
  write_machine(writer, lic.machine);
  writer.blank_line();  // the body ends with a blank line; the [signature] line follows it
  return writer.take();
}

inline std::string write_request_text(const request& req) {
  toml_writer writer;
  writer.comment(request_comment_1);
  writer.comment(request_comment_2);
  writer.table("request");
  writer.key("format", req.format);
  writer.key("product", req.product);
  writer.key("key_id", req.key_id);
  writer.key("created", req.created);
  writer.key("tool", req.tool);
  writer.key("environment", to_string(req.environment));
  if (req.replaces) writer.key("replaces", *req.replaces);
  writer.blank_line();
  writer.table("machine");
  write_component_hashes(writer, req.machine);
  return writer.take();
}

}  // namespace detail

/// The canonical body of `lic`, leading comment and final blank line included: exactly the bytes
/// that open_license() gives back as the body and that signed_message() wraps. Refuses an invalid license.
[[nodiscard]] inline write_result write_license_body(const license& lic) noexcept {
  return detail::guarded(
      [&]() -> write_result {
        if (auto found = detail::find_license_problem(lic)) return write_result{{}, std::move(found->message)};
        // This writer writes no extension (FORMAT.md 8.1), so nothing it writes can be critical.
        if (!lic.critical.empty() || !lic.extensions.empty()) {
          return write_result{{}, "this writer writes no extensions, so no critical names"};
        }
        return write_result{detail::write_license_text(lic), {}};
      },
      []() -> write_result {
        return write_result{{}, "out of memory"};
      });
}

/// The signature table as written after a body: `[signature]` and three lines, final LF included.
[[nodiscard]] inline write_result write_signature_block(const signature_block& block) noexcept {
  return detail::guarded(
      [&]() -> write_result {
        if (block.algorithm != "ed25519") return write_result{{}, "algorithm must be ed25519"};
        if (!is_lower_hex(block.key_id, 16)) return write_result{{}, "key_id must be 16 lowercase hex digits"};
        std::string out(signature_table_line);
        out += "\nalgorithm = \"ed25519\"\nkey_id = \"" + block.key_id + "\"\nvalue = \"" + base64_encode(block.value) +
               "\"\n";
        return write_result{std::move(out), {}};
      },
      []() -> write_result {
        return write_result{{}, "out of memory"};
      });
}

/// The canonical request file. Refuses an invalid request.
[[nodiscard]] inline write_result write_request(const request& req) noexcept {
  return detail::guarded(
      [&]() -> write_result {
        if (auto found = detail::find_request_problem(req)) return write_result{{}, std::move(found->message)};
        return write_result{detail::write_request_text(req), {}};
      },
      []() -> write_result {
        return write_result{{}, "out of memory"};
      });
}

}  // namespace airlock::format

#endif  // AIRLOCK_FORMAT_WRITERS_HPP
