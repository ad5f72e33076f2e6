// SPDX-License-Identifier: MIT
// Test helpers: temporary folders, running a command and capturing what it
// printed, reading files. For tests only.
#ifndef AIRLOCK_TESTS_SUPPORT_HPP
#define AIRLOCK_TESTS_SUPPORT_HPP

#include <atomic>
#include <string>
#include <thread>

namespace airlock::test {

// A fresh folder under $TMPDIR, removed with everything in it at the end.
class temp_dir {
 public:
  temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir();
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct run_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a shell command line with stdin from /dev/null; captures stdout,
// stderr and the exit code.
run_result run(const std::string& command_line);

// A command line that runs `command_line` under `ulimit -f 0` (no regular
// file may grow) while its stdout and stderr still reach run()'s capture,
// through a pipe, which the limit does not cover.
std::string without_file_growth(const std::string& command_line);

// Path of a built tool, e.g. tool("airlock").
std::string tool(const std::string& name);

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& data);
bool exists(const std::string& path);
unsigned file_mode(const std::string& path);  // permission bits
int count_entries(const std::string& dir);    // files and folders in dir
std::string shell_quote(const std::string& s);

// A real tmpfs at `folder` (created here) while alive, to make a full or a
// read-only disk; `options` as for mount -o, e.g. "ro,size=1m". Only root
// can mount: elsewhere mounted() is false and the caller skips its case.
// Unmounted on every path out of the test, so no mount outlives it.
class tmpfs_mount {
 public:
  tmpfs_mount(const std::string& folder, const std::string& options);
  tmpfs_mount(const tmpfs_mount&) = delete;
  tmpfs_mount& operator=(const tmpfs_mount&) = delete;
  ~tmpfs_mount();
  bool mounted() const { return mounted_; }

 private:
  std::string folder_;
  bool mounted_ = false;
};

// While alive, opens `path` for writing whenever a reader waits on it as a FIFO, so that code which
// wrongly blocks on a FIFO fails its test instead of hanging the suite. Harmless on other files.
class fifo_unblocker {
 public:
  explicit fifo_unblocker(std::string path);
  fifo_unblocker(const fifo_unblocker&) = delete;
  fifo_unblocker& operator=(const fifo_unblocker&) = delete;
  ~fifo_unblocker();

 private:
  std::string path_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace airlock::test

#endif
