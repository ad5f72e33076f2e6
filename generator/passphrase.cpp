// SPDX-License-Identifier: MIT
#include "generator/passphrase.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "cli/diagnostics.hpp"
#include "cli/file_io.hpp"

namespace airlock::generator {
namespace {

void strip_final_newline(std::string& s) {
  if (!s.empty() && s.back() == '\n') s.pop_back();
  if (!s.empty() && s.back() == '\r') s.pop_back();
}

std::string from_file(const std::string& path, const char* what = "passphrase") {
  std::string pass = cli::read_file(path, 4096);
  strip_final_newline(pass);
  if (pass.empty())
    throw cli::failure(cli::exit_bad_passphrase, cli::about_file(path, std::string("the ") + what + " file is empty"));
  return pass;
}

// Reads one line from the terminal with echo off; restores the terminal
// even when reading fails.
std::string read_hidden(const char* prompt) {
  std::FILE* tty = std::fopen("/dev/tty", "r+");
  if (!tty) throw keys::key_error(keys::key_problem::no_passphrase, "no terminal to ask for a passphrase");
  const int fd = fileno(tty);
  termios saved{};
  const bool have_termios = tcgetattr(fd, &saved) == 0;
  if (have_termios) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  std::fputs(prompt, tty);
  std::fflush(tty);
  std::string line;
  for (int c = std::fgetc(tty); c != EOF && c != '\n'; c = std::fgetc(tty)) line.push_back(static_cast<char>(c));
  if (have_termios) tcsetattr(fd, TCSAFLUSH, &saved);
  std::fputs("\n", tty);
  std::fclose(tty);
  return line;
}

std::string from_prompt(prompt_mode mode, const std::string& what = "passphrase") {
  const std::string title = static_cast<char>(what[0] - 'a' + 'A') + what.substr(1);
  std::string pass = read_hidden((title + ": ").c_str());
  if (pass.empty()) throw keys::key_error(keys::key_problem::no_passphrase, "empty " + what);
  if (mode == prompt_mode::twice_to_confirm) {
    std::string again = read_hidden((title + " again: ").c_str());
    const bool same = again == pass;
    keys::wipe(again);
    if (!same) {
      keys::wipe(pass);
      throw keys::key_error(keys::key_problem::bad_passphrase, "the two " + what + "s differ");
    }
  }
  return pass;
}

}  // namespace

std::string password_from(const std::string& password_file) {
  if (!password_file.empty()) return from_file(password_file, "password");
  if (isatty(STDIN_FILENO)) return from_prompt(prompt_mode::twice_to_confirm, "password");
  throw cli::failure(cli::exit_usage, "no password: use --password-file FILE, or run in a terminal");
}

keys::passphrase_source passphrase_from(const std::string& passphrase_file, prompt_mode mode) {
  return [passphrase_file, mode]() -> std::string {
    if (!passphrase_file.empty()) return from_file(passphrase_file);
    if (const char* env = std::getenv("AIRLOCK_PASSPHRASE"); env && *env) return env;
    if (isatty(STDIN_FILENO)) return from_prompt(mode);
    throw keys::key_error(keys::key_problem::no_passphrase,
                          "no passphrase: use --passphrase-file FILE, set AIRLOCK_PASSPHRASE, or run in a terminal");
  };
}

}  // namespace airlock::generator
