// SPDX-License-Identifier: MIT
// `airlock console ...` runs airlock-console from the folder `airlock` itself is in. The console
// links cpp-httplib, which Debian ships as a shared library only; keeping it a program of its own
// keeps `airlock` statically linked.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "generator/command_line.hpp"

namespace airlock::generator {

int run_console(const std::vector<std::string>& args) {
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) throw cli::failure(cli::exit_internal, "cannot find the folder airlock runs from: " + error.message());
  const std::string console = (self.parent_path() / "airlock-console").string();
  std::vector<std::string> words{console};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  ::execv(console.c_str(), argv.data());
  throw cli::failure(cli::exit_read_failed,
                     cli::about_file(console, std::string("cannot run the console: ") + std::strerror(errno)));
}

}  // namespace airlock::generator
