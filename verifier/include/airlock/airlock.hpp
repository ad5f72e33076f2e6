// SPDX-License-Identifier: MIT
// Airlock's embeddable verifier: include this one header. Everything here
// needs only the C++17 standard library (and POSIX/Linux headers for
// reading the machine's identifiers).
#ifndef AIRLOCK_AIRLOCK_HPP
#define AIRLOCK_AIRLOCK_HPP

#if __cplusplus < 201703L && !(defined(_MSVC_LANG) && _MSVC_LANG >= 201703L)
#error "airlock requires C++17 or later"
#endif

#include "airlock/ed25519.hpp"
#include "airlock/format/format.hpp"
#include "airlock/hwid.hpp"
#include "airlock/key_id.hpp"
#include "airlock/match.hpp"
#include "airlock/reason.hpp"
#include "airlock/sha2.hpp"
#include "airlock/trust_store.hpp"
#include "airlock/verify.hpp"
#include "airlock/verify_result.hpp"
#include "airlock/version.hpp"

#endif
