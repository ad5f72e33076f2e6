// SPDX-License-Identifier: MIT
#include "generator/recorded_write.hpp"

namespace airlock::generator {

std::vector<std::string> with_ledger_files(std::vector<std::string> inputs, const ledger::ledger* book) {
  if (book) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) inputs.push_back(book->path() + suffix);
  }
  return inputs;
}

void write_recorded(ledger::ledger* book, const format::license& lic, const std::string& text, const std::string& out,
                    cli::existing_file policy, const std::vector<std::string>& inputs, ledger::record_context ctx) {
  std::int64_t pending = 0;
  if (book) {
    ctx.file_path = out;  // the ledger keeps it absolute
    ctx.file_sha256 = ledger::sha256_hex(text);
    pending = book->record_pending(lic, text, ctx);
  }
  try {
    cli::write_file_atomic(out, text, 0644, policy, with_ledger_files(inputs, book));
  } catch (...) {
    if (book) book->drop_pending({pending});
    throw;
  }
  if (book) book->confirm(pending);
}

}  // namespace airlock::generator
