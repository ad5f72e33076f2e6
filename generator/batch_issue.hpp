// SPDX-License-Identifier: MIT
// `airlock issue --batch`: one license per CSV row, signed on all cores.
// A bad row is reported with its line number and the others are issued;
// the exit code says "partial" when any row failed.
#ifndef AIRLOCK_GENERATOR_BATCH_ISSUE_HPP
#define AIRLOCK_GENERATOR_BATCH_ISSUE_HPP

#include <optional>
#include <string>

#include "airlock/format/time.hpp"
#include "keys/vendor_key.hpp"

namespace airlock::generator {

struct batch_settings {
  std::string orders_path;
  std::string out_dir;
  std::string default_product;  // for rows without a product column
  unsigned jobs = 0;            // 0: one per core
  format::utc_time issued;
  bool progress = true;                    // a progress bar when stderr is a terminal
  std::optional<std::string> ledger_file;  // where each license is recorded; nullopt: --no-ledger
};

int issue_batch(const batch_settings& settings, const keys::signing_key& key);

}  // namespace airlock::generator

#endif
