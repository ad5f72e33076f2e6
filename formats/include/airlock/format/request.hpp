// SPDX-License-Identifier: MIT
// The activation request: the customer's tool writes it, the vendor reads it to bind a license.
#ifndef AIRLOCK_FORMAT_REQUEST_HPP
#define AIRLOCK_FORMAT_REQUEST_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/format/envelope.hpp"
#include "airlock/format/license.hpp"
#include "airlock/format/license_body.hpp"
#include "airlock/format/result.hpp"

namespace airlock::format {

/// The leading comment lines of every request (without "# ").
inline constexpr std::string_view request_comment_1 =
    "Airlock activation request, format 1. Send this file to your vendor to receive a license.";
inline constexpr std::string_view request_comment_2 =
    "It holds only keyed hashes of hardware identifiers: no names, addresses or serial numbers.";

/// Where the customer's tool ran, as far as it could tell.
enum class runtime_environment { bare_metal, vm, container, unknown };

[[nodiscard]] inline std::string_view to_string(runtime_environment env) noexcept {
  switch (env) {
    case runtime_environment::bare_metal: return "bare-metal";
    case runtime_environment::vm: return "vm";
    case runtime_environment::container: return "container";
    case runtime_environment::unknown: break;
  }
  return "unknown";
}

[[nodiscard]] inline std::optional<runtime_environment> parse_runtime_environment(std::string_view text) noexcept {
  for (const auto env : {runtime_environment::bare_metal, runtime_environment::vm, runtime_environment::container,
                         runtime_environment::unknown}) {
    if (to_string(env) == text) return env;
  }
  return std::nullopt;
}

/// The component hashes a machine reported, per class (empty = the class was not found).
struct component_hashes {
  std::vector<std::string> platform;
  std::vector<std::string> disk;
  std::vector<std::string> nic;
  std::vector<std::string> os;
  std::vector<std::string> board;
};

struct request {
  std::int64_t format = 1;
  std::string product;
  std::string key_id;  ///< the vendor key the request is for (it salts the hashes)
  utc_time created;
  std::string tool;  ///< name and version of the tool that wrote it, e.g. "airlock-hwid 0.1.0"
  runtime_environment environment = runtime_environment::unknown;
  component_hashes machine;
};

[[nodiscard]] inline bool operator==(const component_hashes& a, const component_hashes& b) {
  return a.platform == b.platform && a.disk == b.disk && a.nic == b.nic && a.os == b.os && a.board == b.board;
}
[[nodiscard]] inline bool operator!=(const component_hashes& a, const component_hashes& b) { return !(a == b); }
[[nodiscard]] inline bool operator==(const request& a, const request& b) {
  return a.format == b.format && a.product == b.product && a.key_id == b.key_id && a.created == b.created &&
         a.tool == b.tool && a.environment == b.environment && a.machine == b.machine;
}
[[nodiscard]] inline bool operator!=(const request& a, const request& b) { return !(a == b); }

/// The five hash lists, in component_classes order.
[[nodiscard]] inline std::array<const std::vector<std::string>*, 5> component_lists(
    const component_hashes& m) noexcept {
  return {&m.platform, &m.disk, &m.nic, &m.os, &m.board};
}
[[nodiscard]] inline std::array<std::vector<std::string>*, 5> component_lists(component_hashes& m) noexcept {
  return {&m.platform, &m.disk, &m.nic, &m.os, &m.board};
}

namespace detail {

[[nodiscard]] inline std::optional<problem> find_request_problem(const request& req) {
  if (req.format != 1) return problem{"request.format", "format must be 1"};
  if (std::string text = check_text("product", req.product, 128); !text.empty())
    return problem{"request.product", text};
  if (std::string text = check_key_id("key_id", req.key_id); !text.empty()) return problem{"request.key_id", text};
  if (!is_representable(req.created)) return problem{"request.created", "created must lie in the years 0000 to 9999"};
  if (std::string text = check_text("tool", req.tool, 128); !text.empty()) return problem{"request.tool", text};
  if (!parse_runtime_environment(to_string(req.environment))) {
    return problem{"request.environment", "environment is not a known value"};
  }
  const auto lists = component_lists(req.machine);
  for (std::size_t i = 0; i < lists.size(); ++i) {
    const std::string name(component_classes[i]);
    if (lists[i]->empty()) continue;
    if (std::string text = check_hashes(name, *lists[i]); !text.empty()) return problem{"machine." + name, text};
  }
  return std::nullopt;
}

inline bool read_request_table(document_reader& reader, request& out) {
  if (!reader.take_table("request", true)) return false;
  reader.expect_keys("request", {"format", "product", "key_id", "created", "tool", "environment"});
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
  return reader.end_keys();
}

/// Every class is optional in a request: a machine reports what it has.
inline bool read_request_machine(document_reader& reader, component_hashes& out) {
  if (!reader.take_table("machine", true)) return false;
  reader.expect_keys("machine", {"platform", "disk", "nic", "os", "board"});
  const auto lists = component_lists(out);
  for (std::size_t i = 0; i < lists.size(); ++i) {
    bool present = false;
    if (!read_optional_key(reader, component_classes[i], *lists[i], present)) return false;
    if (present && lists[i]->empty()) {
      return reader.fail_at_value("machine." + std::string(component_classes[i]),
                                  std::string(component_classes[i]) + " must not be empty (omit the key instead)",
                                  error_kind::malformed);
    }
  }
  return reader.end_keys();
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
  writer.blank_line();
  writer.table("machine");
  const auto lists = component_lists(req.machine);
  for (std::size_t i = 0; i < lists.size(); ++i) {
    if (!lists[i]->empty()) writer.key(component_classes[i], *lists[i]);
  }
  return writer.take();
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
