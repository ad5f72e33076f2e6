// SPDX-License-Identifier: MIT
// The lifecycle actions as the pages and the API both run them: renew, re-host, revoke and sign a
// revocation list. Each takes text as typed or posted, decides by generator/lifecycle.hpp's rules
// (the code of `airlock renew|rehost|revoke|revocations`), signs and records with the actor's audit
// row, and throws cli::failure naming the problem.
#ifndef AIRLOCK_CONSOLE_ACTIONS_HPP
#define AIRLOCK_CONSOLE_ACTIONS_HPP

#include <string>

#include "console/app.hpp"
#include "generator/lifecycle.hpp"

namespace airlock::console {

// What a renewal changes; an empty field leaves it as it is. Lists are separated by spaces, commas
// or line ends: features as `+name`/`-name`, limits as `name=value`.
struct renewal_fields {
  std::string expires, updates_until, features, limits;
};
[[nodiscard]] renewal_fields renewal_from(const httplib::Request& req);

// The renewal's id.
[[nodiscard]] std::string renew_license(app& a, const std::string& id, const renewal_fields& f,
                                        const std::string& actor);

// A request file as uploaded (the form field `request`), or as text (`request_text`, `request_name`).
struct uploaded_request {
  std::string text, name;
};
[[nodiscard]] uploaded_request uploaded_request_of(const httplib::Request& req);

// What re-hosting would do: the successor, the per-class difference and the budget.
[[nodiscard]] generator::rehost_plan plan_rehost_of(app& a, const uploaded_request& u);

// Re-hosts (beyond the budget only with force and a reason) and returns the plan it signed.
[[nodiscard]] generator::rehost_plan rehost_license(app& a, const uploaded_request& u, bool force,
                                                    const std::string& reason, const std::string& actor);

// Revokes with a reason of 1 to 200 characters on one line; false when it was revoked already.
bool revoke_license(app& a, const std::string& id, const std::string& reason, const std::string& actor);

// A product's next revocation list, signed, its sequence recorded before it is returned.
struct signed_list {
  format::revocation_list list;
  std::string text;
};
[[nodiscard]] signed_list sign_revocation_list(app& a, const std::string& product, const std::string& actor);

// A product name as part of a file name: letters, digits, '.', '_' and '-'; anything else '_'.
[[nodiscard]] std::string file_name_part(const std::string& text);

}  // namespace airlock::console

#endif
