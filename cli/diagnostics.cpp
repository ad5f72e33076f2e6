// SPDX-License-Identifier: MIT
#include "cli/diagnostics.hpp"

#include <cstdio>

namespace airlock::cli {

std::string about_file(const std::string& path, const std::string& problem) {
    return path + ": " + problem;
}

void print_error(const char* tool, const std::string& message) {
    std::fprintf(stderr, "%s: error: %s\n", tool, message.c_str());
}

void print_warning(const char* tool, const std::string& message) {
    std::fprintf(stderr, "%s: warning: %s\n", tool, message.c_str());
}

}  // namespace airlock::cli
