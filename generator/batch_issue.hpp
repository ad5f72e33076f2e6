// SPDX-License-Identifier: MIT
// `airlock issue --batch`: one license per CSV row, signed on all cores.
// A bad row is reported with its line number and the others are issued;
// the exit code says "partial" when any row failed.
#ifndef AIRLOCK_GENERATOR_BATCH_ISSUE_HPP
#define AIRLOCK_GENERATOR_BATCH_ISSUE_HPP

#include <optional>
#include <string>
#include <vector>

#include "airlock/format/time.hpp"
#include "generator/license_builder.hpp"
#include "generator/orders_csv.hpp"
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

// The columns an order file may have (licensee is the one it must have).
extern const std::vector<std::string> order_columns;

// One row as an order, `default_product` for a row without a product column. The request cell is
// left out: where it may lead is the caller's rule (beside the order file here, an uploaded file in
// the console); it is cell(row, "request").
license_order order_of_row(const csv_row& row, const std::string& default_product);
std::string cell(const csv_row& row, const char* name);

int issue_batch(const batch_settings& settings, const keys::signing_key& key);

}  // namespace airlock::generator

#endif
