// SPDX-License-Identifier: MIT
#include "support/support.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace airlock::test {

namespace fs = std::filesystem;

temp_dir::temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "airlock-test-XXXXXX").string();
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
  path_ = buf.data();
}

temp_dir::~temp_dir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

namespace {

// Every tool a test runs records the licenses it issues in this test process's own ledger, removed
// at exit, never beside a key in the source tree (formats/vectors/test_vendor_key.pem). Tests of
// the default location beside --key unset it (env -u AIRLOCK_LEDGER).
const temp_dir& ledger_home() {
  static const temp_dir dir;
  return dir;
}

const bool ledger_env_set = ::setenv("AIRLOCK_LEDGER", (ledger_home() / "airlock-ledger.sqlite").c_str(), 1) == 0;

}  // namespace

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

run_result run(const std::string& command_line) {
  temp_dir capture;
  const std::string out = capture / "out", err = capture / "err";
  const std::string full = "(" + command_line + ") </dev/null >" + shell_quote(out) + " 2>" + shell_quote(err);
  const int status = std::system(full.c_str());
  run_result r;
  r.exit_code = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

std::string without_file_growth(const std::string& command_line) {
  return "o=$( (ulimit -f 0; " + command_line + ") 2>&1 ); c=$?; printf '%s\\n' \"$o\" >&2; exit $c";
}

tmpfs_mount::tmpfs_mount(const std::string& folder, const std::string& options) : folder_(folder) {
  if (::geteuid() != 0 || ::mkdir(folder.c_str(), 0700) != 0) return;
  mounted_ = run("mount -t tmpfs -o " + shell_quote(options) + " airlock-test " + shell_quote(folder)).exit_code == 0;
}

tmpfs_mount::~tmpfs_mount() {
  if (mounted_) (void)run("umount " + shell_quote(folder_));
}

std::string tool(const std::string& name) { return std::string(AIRLOCK_BIN_DIR) + "/" + name; }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
  if (!out) throw std::runtime_error("cannot write " + path);
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

unsigned file_mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<unsigned>(st.st_mode & 07777);
}

int count_entries(const std::string& dir) {
  int n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

fifo_unblocker::fifo_unblocker(std::string path) : path_(std::move(path)) {
  thread_ = std::thread([this] {
    while (!done_) {
      // O_NONBLOCK: succeeds only when a reader has the FIFO open, so this never waits itself.
      const int fd = ::open(path_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd >= 0) ::close(fd);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
}

fifo_unblocker::~fifo_unblocker() {
  done_ = true;
  thread_.join();
}

}  // namespace airlock::test
