// SPDX-License-Identifier: MIT
#include "cli/file_io.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "cli/diagnostics.hpp"

namespace airlock::cli {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

[[noreturn]] void fail_read(const std::string& path, const std::string& why) {
  throw failure(exit_read_failed, about_file(path, why));
}

[[noreturn]] void fail_write(const std::string& path, const std::string& why) {
  throw failure(exit_write_failed, about_file(path, why));
}

std::string parent_dir(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_name(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Closes the descriptor and removes the temporary file unless released.
class temp_file {
 public:
  explicit temp_file(const std::string& target) {
    std::string pattern = parent_dir(target) + "/." + base_name(target) + ".tmp-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    fd_ = ::mkstemp(buf.data());
    if (fd_ < 0) fail_write(target, "cannot create a file in its folder: " + errno_text(errno));
    name_ = buf.data();
  }
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
  ~temp_file() {
    if (fd_ >= 0) ::close(fd_);
    if (!name_.empty()) ::unlink(name_.c_str());
  }
  int fd() const { return fd_; }
  const std::string& name() const { return name_; }
  int close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }
  void release() { name_.clear(); }

 private:
  int fd_ = -1;
  std::string name_;
};

void write_all(int fd, std::string_view data, const std::string& target) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail_write(target, "write failed: " + errno_text(errno));
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

// link() refuses to replace; a filesystem without hard links gets
// renameat2(RENAME_NOREPLACE), which refuses too.
int move_no_replace(const std::string& from, const std::string& to) {
  if (::link(from.c_str(), to.c_str()) == 0) return 0;
  int err = errno;
  if (err != EPERM && err != ENOTSUP && err != EMLINK) return err;
#ifdef RENAME_NOREPLACE
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  return errno;
#else
  return err;
#endif
}

void sync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);  // best effort: the file itself is already on disk
  ::close(fd);
}

}  // namespace

std::string read_file(const std::string& path, std::size_t max_size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) fail_read(path, "cannot open: " + errno_text(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    fail_read(path, "not a regular file");
  }
  std::string data;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      fail_read(path, "read failed: " + errno_text(err));
    }
    if (n == 0) break;
    if (data.size() + static_cast<std::size_t>(n) > max_size) {
      ::close(fd);
      fail_read(path, "file is larger than " + std::to_string(max_size) + " bytes");
    }
    data.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return data;
}

void write_file_atomic(const std::string& path, std::string_view data, mode_t mode, existing_file policy) {
  if (policy == existing_file::keep && path_exists(path)) fail_write(path, "already exists; refusing to overwrite it");
  temp_file tmp(path);
  if (::fchmod(tmp.fd(), mode) != 0) fail_write(path, "cannot set mode: " + errno_text(errno));
  write_all(tmp.fd(), data, path);
  if (::fsync(tmp.fd()) != 0) fail_write(path, "fsync failed: " + errno_text(errno));
  if (tmp.close() != 0) fail_write(path, "close failed: " + errno_text(errno));
  if (policy == existing_file::replace) {
    if (::rename(tmp.name().c_str(), path.c_str()) != 0)
      fail_write(path, "cannot move into place: " + errno_text(errno));
    tmp.release();
  } else {
    int err = move_no_replace(tmp.name(), path);
    if (err == EEXIST) fail_write(path, "already exists; refusing to overwrite it");
    if (err != 0) fail_write(path, "cannot move into place: " + errno_text(err));
    // tmp's destructor unlinks the temporary name; the data stays at path.
  }
  sync_dir(parent_dir(path));
}

void make_private_dirs(const std::string& path) {
  if (path.empty()) fail_write(path, "empty folder name");
  std::string partial;
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    partial = path.substr(0, pos);
    if (partial.empty() || path_exists(partial)) continue;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST)
      fail_write(path, "cannot create folder: " + errno_text(errno));
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) fail_write(path, "not a folder");
}

batch_folder::batch_folder(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0) fail_write(path, "cannot open folder: " + errno_text(errno));
}

batch_folder::~batch_folder() {
  if (fd_ >= 0) ::close(fd_);
}

namespace {

// A file with no name yet; falls back to a named temporary on filesystems
// without O_TMPFILE.
int open_unnamed(int dir_fd, mode_t mode) { return ::openat(dir_fd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, mode); }

bool write_fd(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

std::string batch_folder::write_new(const std::string& name, std::string_view data, mode_t mode) const noexcept {
  try {
    const int fd = open_unnamed(fd_, mode);
    if (fd < 0) {
      write_file_atomic(path_ + "/" + name, data, mode, existing_file::keep);
      return {};
    }
    std::string problem;
    if (!write_fd(fd, data)) problem = "write failed: " + errno_text(errno);
    const std::string proc = "/proc/self/fd/" + std::to_string(fd);
    if (problem.empty() && ::linkat(AT_FDCWD, proc.c_str(), fd_, name.c_str(), AT_SYMLINK_FOLLOW) != 0)
      problem = errno == EEXIST ? "already exists; refusing to overwrite it" : "cannot create: " + errno_text(errno);
    ::close(fd);
    return problem.empty() ? problem : about_file(path_ + "/" + name, problem);
  } catch (const std::exception& e) {
    return e.what();
  }
}

void batch_folder::sync() const {
  if (::syncfs(fd_) != 0) fail_write(path_, "syncfs failed: " + errno_text(errno));
}

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace airlock::cli
