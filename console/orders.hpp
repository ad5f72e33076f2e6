// SPDX-License-Identifier: MIT
// An order as the console takes it (the issue form, the API): text fields checked and built into a
// license by `airlock issue`'s own code, then signed and recorded with the actor's audit row.
#ifndef AIRLOCK_CONSOLE_ORDERS_HPP
#define AIRLOCK_CONSOLE_ORDERS_HPP

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "airlock/format/license.hpp"
#include "airlock/format/request.hpp"
#include "console/app.hpp"

namespace airlock::console {

// Every field of `airlock issue`, as typed. Lists are separated by spaces, commas or line ends.
struct order_fields {
  std::string request_text, request_name;  // the activation request, or empty with `unbound`
  bool unbound = false;
  std::string product;  // an unbound license's; a bound one's comes from its request
  std::string licensee, id, not_before, expires, updates_until;
  std::string features;  // "a b c"
  std::string limits;    // "seats=5 cores=8"
  std::string meta;      // one NAME=VALUE a line (a value may hold spaces)
  bool allow_container = false;
};

// The order's fields from a posted form or API call (multipart or URL-encoded), under the names
// of order_fields; the request as an uploaded file named `request` when there is one.
[[nodiscard]] order_fields order_from(const httplib::Request& req);

// The request read and the order checked and built exactly as `airlock issue` does it. Throws
// cli::failure naming the problem. A re-host request is refused: it is `airlock rehost`'s.
[[nodiscard]] std::pair<std::optional<format::request>, format::license> build_order(const app& a,
                                                                                     const order_fields& f);

// Signs and records the license through `airlock issue`'s recorded write (pending row, file in
// the console's folder, confirmation) and chains `actor`'s audit row. Returns the license id.
[[nodiscard]] std::string issue_order(app& a, const order_fields& f, const std::string& actor);

// Signs, writes into the console's folder and records an already built license (renew, re-host)
// with its ledger context, and chains `actor`'s audit row `action` in the same lock.
void record_signed(app& a, const format::license& lic, const ledger::record_context& ctx, const std::string& actor,
                   const std::string& action, const std::string& detail);

}  // namespace airlock::console

#endif
