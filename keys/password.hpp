// SPDX-License-Identifier: MIT
// Operator passwords and session secrets for the console (console/): Argon2id hashes and random
// tokens, from Botan like every other cryptographic call of the vendor side.
#ifndef AIRLOCK_KEYS_PASSWORD_HPP
#define AIRLOCK_KEYS_PASSWORD_HPP

#include <cstddef>
#include <string>

namespace airlock::keys {

// Argon2id (RFC 9106) with a random 16-byte salt, as a PHC string "$argon2id$v=19$m=...,t=...,p=...$salt$hash".
// The cost is OWASP's first recommendation for Argon2id: 19 MiB of memory, 2 passes, 1 lane.
std::string hash_password(const std::string& password);

// True when password is the one hash_password turned into `hash`; false for any other password
// and for a hash that is not an Argon2 PHC string.
bool check_password(const std::string& password, const std::string& hash) noexcept;

// `bytes` bytes from the operating system's random generator, as lowercase hex digits.
std::string random_hex(std::size_t bytes);

}  // namespace airlock::keys

#endif
