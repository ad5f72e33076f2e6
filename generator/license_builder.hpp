// SPDX-License-Identifier: MIT
// From what a vendor asks for (command-line options or one CSV row) to a
// signed license file. Shared by `airlock issue` and its batch mode.
#ifndef AIRLOCK_GENERATOR_LICENSE_BUILDER_HPP
#define AIRLOCK_GENERATOR_LICENSE_BUILDER_HPP

#include <string>
#include <vector>

#include "airlock/format/license.hpp"
#include "airlock/format/request.hpp"
#include "airlock/format/revocations.hpp"
#include "airlock/format/time.hpp"
#include "keys/vendor_key.hpp"

namespace airlock::generator {

// Everything as text, as the vendor typed it; build_license checks it all.
struct license_order {
  std::string product;
  std::string licensee;
  std::string id;             // empty: 128 random bits
  std::string not_before;     // empty: the issue date
  std::string expires;        // empty: perpetual
  std::string updates_until;  // empty: every build
  std::vector<std::string> features;
  std::vector<std::string> limits;  // "name=integer"
  std::vector<std::string> meta;    // "name=text"
  std::string request_path;         // bind to this activation request...
  bool unbound = false;             // ...or to no machine
  bool allow_container = false;
  std::string policy;  // a bound license's matching policy; empty: format::default_match_policy
};

// Throws cli::failure: exit_read_failed for an unreadable request,
// exit_bad_input for anything invalid, with a message naming the problem.
format::license build_license(const license_order& order, const std::string& key_id, format::utc_time issued);
// The same for a request already read (the console's upload): bound to it after the checks of
// read_request; order.request_path only names it in messages, and order.unbound must be false.
format::license build_license(const license_order& order, const std::string& key_id, format::utc_time issued,
                              const format::request& req);

// "name=integer" items, checked and sorted by name; throws cli::failure(exit_bad_input).
std::vector<format::limit_entry> parse_limits(const std::vector<std::string>& items);

// The [machine] of an order: unbound, or bound to its request under its policy, with the checks
// every bound license gets (container, binding strength). Throws cli::failure(exit_bad_input).
format::machine_binding binding_for(const license_order& order, const std::string& key_id);
// The same for a request already read and checked (order.request_path only names it in messages).
format::machine_binding binding_to(const license_order& order, const format::request& req);

// The complete file: canonical body, then the signature table over
// "airlock-license-v1\n" + body.
std::string sign_license(const format::license& lic, const keys::signing_key& key);

// The complete revocation list file (FORMAT.md 11.1), signed the same way under its own prefix.
std::string sign_revocation_list(const format::revocation_list& list, const keys::signing_key& key);

// Reads and checks an activation request for this product and key.
format::request read_request(const std::string& path, const std::string& product, const std::string& key_id);
// Reads a request file without checking whom it is for; check_request_for does that.
format::request read_request_file(const std::string& path);
void check_request_for(const format::request& req, const std::string& path, const std::string& product,
                       const std::string& key_id);

std::string new_license_id();
format::utc_time current_time();

}  // namespace airlock::generator

#endif
