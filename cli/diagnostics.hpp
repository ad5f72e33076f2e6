// SPDX-License-Identifier: MIT
// How the tools report failure. Rules (after age and signify): one line on
// stderr, "<tool>: error: <what>", lower case, no final period, naming the
// file when a file is involved; data goes to stdout only.
#ifndef AIRLOCK_CLI_DIAGNOSTICS_HPP
#define AIRLOCK_CLI_DIAGNOSTICS_HPP

#include <stdexcept>
#include <string>

#include "cli/exit_codes.hpp"

namespace airlock::cli {

// Thrown by tool code to stop with a message and an exit code; caught once
// in main() by run_tool().
class failure : public std::runtime_error {
 public:
  failure(exit_code code, const std::string& message) : std::runtime_error(message), code_(code) {}
  exit_code code() const noexcept { return code_; }

 private:
  exit_code code_;
};

// "<path>: <problem>", the shape of every file-related message.
std::string about_file(const std::string& path, const std::string& problem);

void print_error(const char* tool, const std::string& message);
void print_warning(const char* tool, const std::string& message);

// False when what was printed on stdout did not all get out (a full disk, a
// closed pipe): that must not look like success to a script.
bool flush_stdout() noexcept;

// Makes the process report errors instead of dying from them: with SIGXFSZ
// ignored, a write past `ulimit -f` fails with EFBIG and is reported.
void prepare_process() noexcept;

// Runs body(), turning cli::failure and any other exception into one line on
// stderr and the matching exit code.
template <typename Body>
int run_tool(const char* tool, Body&& body) noexcept {
  prepare_process();
  try {
    const int code = body();
    if (!flush_stdout()) throw failure(exit_write_failed, "cannot write to standard output");
    return code;
  } catch (const failure& f) {
    print_error(tool, f.what());
    return f.code();
  } catch (const std::exception& e) {
    print_error(tool, std::string("internal error: ") + e.what());
    return exit_internal;
  } catch (...) {
    print_error(tool, "internal error");
    return exit_internal;
  }
}

}  // namespace airlock::cli

#endif
