// SPDX-License-Identifier: MIT
// Where the vendor tool gets a key passphrase: --passphrase-file, then the
// AIRLOCK_PASSPHRASE environment variable, then a prompt with echo off when
// stdin is a terminal. Never from the command line itself (visible in ps).
#ifndef AIRLOCK_GENERATOR_PASSPHRASE_HPP
#define AIRLOCK_GENERATOR_PASSPHRASE_HPP

#include <string>

#include "keys/vendor_key.hpp"

namespace airlock::generator {

enum class prompt_mode { once, twice_to_confirm };

// A source for keys::signing_key::load and for keygen. It throws
// keys::key_error(no_passphrase) when none of the three places has one, and
// cli::failure for an unreadable or empty passphrase file.
keys::passphrase_source passphrase_from(const std::string& passphrase_file, prompt_mode mode);

// A console operator's password (console add-operator): read from password_file (one final newline
// ignored), else asked twice at a prompt with echo off. No environment variable. Throws
// cli::failure(exit_usage) when neither is possible, keys::key_error when the two differ.
std::string password_from(const std::string& password_file);

}  // namespace airlock::generator

#endif
