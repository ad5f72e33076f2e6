// SPDX-License-Identifier: MIT
// JSON text for the tools' --json output: strings and string arrays, nothing more.
#ifndef AIRLOCK_CLI_JSON_HPP
#define AIRLOCK_CLI_JSON_HPP

#include <string>
#include <string_view>
#include <vector>

namespace airlock::cli {

// A JSON string literal: quotes, backslashes and control characters escaped.
[[nodiscard]] std::string json_string(std::string_view text);

[[nodiscard]] std::string json_strings(const std::vector<std::string>& items);

}  // namespace airlock::cli

#endif
