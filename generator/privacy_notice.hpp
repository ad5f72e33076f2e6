// SPDX-License-Identifier: MIT
// `airlock privacy-notice`: the data inventory a vendor's privacy policy needs, generated from the
// machine model's inventory (format/inventory.hpp) and the fields of the vendor's ledger.
#ifndef AIRLOCK_GENERATOR_PRIVACY_NOTICE_HPP
#define AIRLOCK_GENERATOR_PRIVACY_NOTICE_HPP

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace airlock::generator {

// What the vendor's ledger holds about each license and licensee, in plain words. The ledger
// itself lives in ledger/; this list is what the notice promises, to be kept equal to it.
inline constexpr std::array<std::string_view, 11> ledger_fields = {
    "the license id",
    "the product",
    "the licensee's name",
    "the dates: not before, expires, updates until",
    "the features",
    "the limits",
    "the meta fields the vendor added",
    "the machine hashes of a bound license (keyed hashes only, as above)",
    "the SHA-256 of the license file",
    "who issued the license, and when",
    "revocations: which license, when, and why",
};

// The data-subject rights and the commands that serve them.
struct right_command {
  std::string_view right, command;
};
inline constexpr std::array<right_command, 3> rights_commands = {{
    {"Access and portability: everything held about a licensee, as a file", "airlock ledger export --licensee NAME"},
    {"Erasure: every record of a licensee deleted", "airlock ledger forget --licensee NAME"},
    {"Storage limitation: records older than N days deleted", "airlock ledger retention --days N"},
}};

enum class notice_format { markdown, html };

struct notice_options {
  std::string product;
  std::optional<std::string> vendor;
  std::optional<unsigned> retention_days;
  notice_format format = notice_format::markdown;
};

// The whole notice as text (Markdown, or a complete HTML5 document with every text escaped).
[[nodiscard]] std::string privacy_notice(const notice_options& options);

// The retention sentence of a notice.
[[nodiscard]] std::string retention_sentence(const std::optional<unsigned>& days);

}  // namespace airlock::generator

#endif
