// SPDX-License-Identifier: MIT
// The vendor's public key as every tool reads it: a PEM file, checked as the verifier checks keys
// (a canonical curve point, not of small order). Exit code 5 for anything else.
#ifndef AIRLOCK_CLI_PUBLIC_KEY_HPP
#define AIRLOCK_CLI_PUBLIC_KEY_HPP

#include <string>

#include "airlock/trust_store.hpp"

namespace airlock::cli {

// A trust store holding the one key of `path`. Throws cli::failure (exit 3 unreadable, 5 bad key).
[[nodiscard]] trust_store read_trusted_key(const std::string& path);

// The key id of the public key in `path`, with the same checks.
[[nodiscard]] std::string read_key_id(const std::string& path);

}  // namespace airlock::cli

#endif
