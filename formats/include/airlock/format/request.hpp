// SPDX-License-Identifier: MIT
// The activation request: the customer's tool writes it, the vendor reads it to bind a license.
#ifndef AIRLOCK_FORMAT_REQUEST_HPP
#define AIRLOCK_FORMAT_REQUEST_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/format/detail/declared_version.hpp"
#include "airlock/format/envelope.hpp"
#include "airlock/format/license_body.hpp"
#include "airlock/format/machine.hpp"
#include "airlock/format/result.hpp"

namespace airlock::format {

struct request {
  std::int64_t format = 1;
  std::string product;
  std::string key_id;  ///< the vendor key the request is for (it salts the hashes)
  utc_time created;
  std::string tool;  ///< name and version of the tool that wrote it, e.g. "airlock-hwid 0.1.0"
  runtime_environment environment = runtime_environment::unknown;
  std::optional<std::string> replaces;  ///< a re-host request: the id of the license it replaces
  component_hashes machine;
};

[[nodiscard]] inline bool operator==(const request& a, const request& b) {
  return a.format == b.format && a.product == b.product && a.key_id == b.key_id && a.created == b.created &&
         a.tool == b.tool && a.environment == b.environment && a.replaces == b.replaces && a.machine == b.machine;
}
[[nodiscard]] inline bool operator!=(const request& a, const request& b) { return !(a == b); }

namespace detail {

[[nodiscard]] inline std::optional<problem> find_request_problem(const request& req) {
  if (req.format != 1) return problem{"request.format", "format must be 1"};
  if (std::string text = check_text("product", req.product, 128); !text.empty())
    return problem{"request.product", text};
  if (std::string text = check_key_id("key_id", req.key_id); !text.empty()) return problem{"request.key_id", text};
  if (!is_representable(req.created)) return problem{"request.created", "created must lie in the years 0001 to 9999"};
  if (std::string text = check_text("tool", req.tool, 128); !text.empty()) return problem{"request.tool", text};
  if (!parse_runtime_environment(to_string(req.environment))) {
    return problem{"request.environment", "environment is not a known value"};
  }
  if (req.replaces) {
    if (std::string text = check_license_id(*req.replaces); !text.empty()) {
      return problem{"request.replaces", "replaces: " + text};
    }
  }
  return find_hashes_problem(req.machine);
}

inline bool read_request_table(document_reader& reader, request& out) {
  if (!reader.take_table("request", true)) return false;
  reader.expect_keys("request", {"format", "product", "key_id", "created", "tool", "environment", "replaces"});
  std::string environment;
  const bool ok = read_format(reader, "request.format", out.format) && read_key(reader, "product", out.product) &&
                  read_key(reader, "key_id", out.key_id) && read_key(reader, "created", out.created) &&
                  read_key(reader, "tool", out.tool) && read_key(reader, "environment", environment);
  if (!ok) return false;
  const auto env = parse_runtime_environment(environment);
  if (!env) {
    return reader.fail_at_value("request.environment", "environment must be one of bare-metal, vm, container, unknown",
                                error_kind::malformed);
  }
  out.environment = *env;
  return read_optional_key(reader, "replaces", out.replaces) && reader.end_keys();
}

/// Every class is optional in a request: a machine reports what it has.
inline bool read_request_machine(document_reader& reader, component_hashes& out) {
  if (!reader.take_table("machine", true)) return false;
  reader.expect_keys("machine", {"platform", "disk", "nic", "os", "board", "evidence_only"});
  return read_component_hashes(reader, out) && reader.end_keys();
}

}  // namespace detail

/// The first problem that keeps `req` from being written, or nullopt if none.
[[nodiscard]] inline std::optional<std::string> validate(const request& req) noexcept {
  return detail::guarded(
      [&]() -> std::optional<std::string> {
        if (auto found = detail::find_request_problem(req)) return std::move(found->message);
        return std::nullopt;
      },
      []() -> std::optional<std::string> { return std::string("out of memory"); });
}

/// Parses a request as stored (a BOM and CRLF line endings are accepted: it is not signed).
[[nodiscard]] inline parse_result<request> parse_request(std::string_view text) noexcept {
  return detail::guarded(
      [&]() -> parse_result<request> {
        parse_result<request> result;
        if (auto early = detail::check_input_size(text)) {
          result.error = std::move(*early);
          return result;
        }
        const std::string normalized = normalize_line_endings(text);
        if (auto version = detail::check_declared_version(normalized, "request")) {
          result.error = std::move(*version);
          return result;
        }
        detail::document_reader reader(normalized);
        reader.expect_tables({"request", "machine"});
        request out;
        const bool ok = detail::read_request_table(reader, out) && detail::read_request_machine(reader, out.machine) &&
                        reader.expect_end();
        const auto found = ok ? detail::find_request_problem(out) : std::nullopt;
        if (!ok || (found && !reader.fail_problem(*found))) {
          result.error = reader.error();
          return result;
        }
        result.value = std::move(out);
        return result;
      },
      [] { return detail::out_of_memory<request>(); });
}

}  // namespace airlock::format

#endif  // AIRLOCK_FORMAT_REQUEST_HPP
