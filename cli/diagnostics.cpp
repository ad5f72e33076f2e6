// SPDX-License-Identifier: MIT
#include "cli/diagnostics.hpp"

#include <csignal>
#include <cstdio>
#include <iostream>

namespace airlock::cli {

std::string about_file(const std::string& path, const std::string& problem) { return path + ": " + problem; }

void prepare_process() noexcept { std::signal(SIGXFSZ, SIG_IGN); }

bool flush_stdout() noexcept {
  std::cout.flush();
  return std::cout.good() && std::fflush(stdout) == 0 && !std::ferror(stdout);
}

void print_error(const char* tool, const std::string& message) {
  std::fprintf(stderr, "%s: error: %s\n", tool, message.c_str());
}

void print_warning(const char* tool, const std::string& message) {
  std::fprintf(stderr, "%s: warning: %s\n", tool, message.c_str());
}

}  // namespace airlock::cli
