// SPDX-License-Identifier: MIT
// Test helpers for the verifier: a vendor key, a license as data, an
// in-memory machine, signing, and options with an injected clock.
#ifndef AIRLOCK_TESTS_VERIFIER_SUPPORT_HPP
#define AIRLOCK_TESTS_VERIFIER_SUPPORT_HPP

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "airlock/format/format.hpp"
#include "airlock/hwid.hpp"
#include "airlock/trust_store.hpp"
#include "airlock/verify.hpp"
#include "generator/license_builder.hpp"
#include "keys/vendor_key.hpp"

namespace airlock::vtest {

inline constexpr std::string_view product = "acme-studio";

// A vendor: its signing key (Botan), key id and public key.
struct vendor {
  keys::signing_key key = keys::signing_key::generate();
  keys::public_key_bytes public_key = key.public_key();
  std::string key_id = keys::key_id(public_key);

  trust_store trust() const {
    trust_store store;
    const bool added = store.add(public_key.data(), public_key.size());
    if (!added) throw std::runtime_error("the test key was refused");
    return store;
  }
};

// One vendor shared by the tests of an executable (key generation is the slow part).
const vendor& acme();

// Unix seconds of a UTC time such as "2026-03-01T12:00:00Z".
std::int64_t at(std::string_view utc);
format::date day(std::string_view yyyy_mm_dd);
// 2026-02-01T10:00:00Z: the clock of most checks, after unbound_license()'s validity starts.
extern const std::int64_t february;

// Unbound, issued 2026-01-10T12:00:00Z, valid from 2026-01-10, perpetual,
// features export.pdf and render, seats = 5.
format::license unbound_license(const vendor& v = acme());

// A bare-metal machine: platform, disk, nic and os (no board).
hwid::machine_snapshot office_pc();

// Records the machine's hashes in the license ([machine] bound, policy v1).
void bind_to(format::license& lic, const hwid::machine_snapshot& machine);
format::license license_bound_to(const hwid::machine_snapshot& machine, const vendor& v = acme());

// The complete signed file.
std::string sign(const format::license& lic, const vendor& v = acme());
// Signs an arbitrary body (even an invalid one) under the given signature key id.
std::string sign_body(const std::string& body, const vendor& v, const std::string& signature_key_id);
std::string body_of(const format::license& lic);

// The product, the clock at `now`, and the machine (office_pc unless given).
verify_options options_at(std::int64_t now, const hwid::machine_snapshot& machine = office_pc());

// Checks with the shared vendor's trust store.
verify_result check(const std::string& text, const verify_options& options);

bool has_warning(const verify_result& r, warning_kind kind);

}  // namespace airlock::vtest

#endif
