// SPDX-License-Identifier: MIT
// The privacy sentences both sides print from the data inventory (format/inventory.hpp): the
// vendor's `airlock privacy-notice` and the customer's `airlock-hwid show --explain` say the same
// words for each class, so that what a customer is told matches what the vendor's policy states.
#ifndef AIRLOCK_CLI_PRIVACY_TEXT_HPP
#define AIRLOCK_CLI_PRIVACY_TEXT_HPP

#include <string>
#include <vector>

#include "airlock/format/inventory.hpp"

namespace airlock::cli {

// One inventory entry in sentences.
struct entry_text {
  std::string name;
  std::string identifies;            // what it identifies, in plain words
  std::string collection;            // read by default, or only with an option
  std::vector<std::string> sources;  // one line per source: where, how, what, hashed or consulted
  std::string leaves;                // what of it leaves the machine
};

[[nodiscard]] entry_text privacy_text(const format::inventory_entry& entry);

// How each value becomes the hash that leaves the machine (FORMAT.md 4.1).
[[nodiscard]] std::string hash_sentence();

// Why the hashes are pseudonymous, not anonymous: what they protect against and what not.
[[nodiscard]] std::string pseudonymous_sentence();

// How to read the path patterns of the sources.
[[nodiscard]] std::string pattern_sentence();

}  // namespace airlock::cli

#endif
