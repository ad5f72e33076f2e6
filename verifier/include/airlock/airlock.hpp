// SPDX-License-Identifier: MIT
// Airlock's embeddable verifier: include this one header. It holds what a product needs: the
// check (verify_license), its options and result, the trust store and the machine collectors;
// the vendor's writers and the request reader are not part of it. Everything here
// needs only the C++17 standard library (and POSIX/Linux headers for
// reading the machine's identifiers).
#ifndef AIRLOCK_AIRLOCK_HPP
#define AIRLOCK_AIRLOCK_HPP

#if __cplusplus < 201703L && !(defined(_MSVC_LANG) && _MSVC_LANG >= 201703L)
#error "airlock requires C++17 or later"
#endif

#include "airlock/choose.hpp"
#include "airlock/format/version.hpp"
#include "airlock/hwid.hpp"
#include "airlock/reason.hpp"
#include "airlock/trust_store.hpp"
#include "airlock/verify.hpp"
#include "airlock/verify_result.hpp"

#endif
