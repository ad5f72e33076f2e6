// SPDX-License-Identifier: MIT
// Writing a license the ledger knows about: a pending row, the file, the confirmation. No license
// without a row and no row without a license; `ledger check` settles what a crash leaves pending.
#ifndef AIRLOCK_GENERATOR_RECORDED_WRITE_HPP
#define AIRLOCK_GENERATOR_RECORDED_WRITE_HPP

#include <string>
#include <vector>

#include "airlock/format/license.hpp"
#include "cli/file_io.hpp"
#include "ledger/ledger.hpp"

namespace airlock::generator {

// `inputs` and, with a ledger, its database files: none of them may become the output.
std::vector<std::string> with_ledger_files(std::vector<std::string> inputs, const ledger::ledger* book);

// `book` may be null (--no-ledger): then only the file is written. ctx.file_path and
// ctx.file_sha256 are filled in here.
void write_recorded(ledger::ledger* book, const format::license& lic, const std::string& text, const std::string& out,
                    cli::existing_file policy, const std::vector<std::string>& inputs, ledger::record_context ctx);

}  // namespace airlock::generator

#endif
