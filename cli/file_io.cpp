// SPDX-License-Identifier: MIT
#include "cli/file_io.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/random.h>
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

std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

// Names an unnamed (O_TMPFILE) file; fails with EEXIST rather than replace.
int link_unnamed(int fd, int dir_fd, const std::string& name) {
  return ::linkat(AT_FDCWD, fd_path(fd).c_str(), dir_fd, name.c_str(), AT_SYMLINK_FOLLOW) == 0 ? 0 : errno;
}

std::string random_suffix() {
  unsigned char bytes[8] = {};
  if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) return std::to_string(::getpid());
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) out += {digits[b >> 4], digits[b & 15]};
  return out;
}

bool is_private_key_text(std::string_view text) {
  return text.find("-----BEGIN") != std::string_view::npos && text.find("PRIVATE KEY-----") != std::string_view::npos;
}

// Whether the regular file at path holds a PEM private key (encrypted or not).
// A file that cannot be read is treated as one: --force must not gamble.
bool holds_private_key(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
  if (fd < 0) return true;
  std::string head(64 * 1024, '\0');
  ssize_t n = 0;
  do {
    n = ::read(fd, head.data(), head.size());
  } while (n < 0 && errno == EINTR);
  ::close(fd);
  return n < 0 || is_private_key_text(std::string_view(head.data(), static_cast<std::size_t>(n)));
}

}  // namespace

input_file::input_file(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd_ < 0) fail_read(path, "cannot open: " + errno_text(errno));
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd_);
    fail_read(path, "not a regular file");
  }
}

input_file::~input_file() { ::close(fd_); }

std::size_t input_file::read(char* buf, std::size_t size) {
  for (;;) {
    const ssize_t n = ::read(fd_, buf, size);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) fail_read(path_, "read failed: " + errno_text(errno));
  }
}

std::string read_file(const std::string& path, std::size_t max_size) {
  input_file in(path);
  std::string data;
  char buf[8192];
  for (std::size_t n = in.read(buf, sizeof buf); n > 0; n = in.read(buf, sizeof buf)) {
    if (data.size() + n > max_size) fail_read(path, "file is larger than " + std::to_string(max_size) + " bytes");
    data.append(buf, n);
  }
  return data;
}

void check_output(const std::string& path, existing_file policy, const std::vector<std::string>& inputs) {
  struct stat out {};
  if (::stat(path.c_str(), &out) == 0) {
    for (const std::string& input : inputs) {
      struct stat in {};
      if (input.empty() || input == "-" || ::stat(input.c_str(), &in) != 0) continue;
      if (in.st_dev == out.st_dev && in.st_ino == out.st_ino)
        fail_write(path, "is also this command's input " + input + "; refusing to write over it");
    }
  }
  struct stat here {};
  if (::lstat(path.c_str(), &here) != 0) return;
  if (policy == existing_file::keep) fail_write(path, "already exists; refusing to overwrite it");
  if (!S_ISREG(here.st_mode) && !S_ISLNK(here.st_mode))  // rename() would put a file where a FIFO or /dev/null was
    fail_write(path, "is not a regular file; --force replaces only a file");
  if (S_ISREG(here.st_mode) && holds_private_key(path))
    fail_write(path, "holds a private key; --force never replaces a key");
}

void write_file_atomic(const std::string& path, std::string_view data, mode_t mode, existing_file policy,
                       const std::vector<std::string>& inputs) {
  check_output(path, policy, inputs);
  staged_file file(path, data, mode);
  if (policy == existing_file::replace)
    file.commit_replace();
  else
    file.commit_new();
  sync_folder(parent_dir(path));
}

staged_file::staged_file(const std::string& target, std::string_view data, mode_t mode) : target_(target) {
  const std::string dir = parent_dir(target);
  fd_ = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
  if (fd_ < 0) {
    std::string pattern = dir + "/." + base_name(target) + ".tmp-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    fd_ = ::mkstemp(buf.data());
    if (fd_ < 0) fail_write(target, "cannot create a file in its folder: " + errno_text(errno));
    temp_name_ = buf.data();
  }
  try {
    if (::fchmod(fd_, mode) != 0) fail_write(target, "cannot set mode: " + errno_text(errno));
    write_all(fd_, data, target);
    if (::fsync(fd_) != 0) fail_write(target, "fsync failed: " + errno_text(errno));
  } catch (...) {
    discard();  // a constructor that throws gets no destructor call
    throw;
  }
}

staged_file::~staged_file() { discard(); }

void staged_file::discard() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!temp_name_.empty()) ::unlink(temp_name_.c_str());
  temp_name_.clear();
}

void staged_file::commit_new() {
  const int err = temp_name_.empty() ? link_unnamed(fd_, AT_FDCWD, target_) : move_no_replace(temp_name_, target_);
  if (err == EEXIST) fail_write(target_, "already exists; refusing to overwrite it");
  if (err != 0) fail_write(target_, "cannot create: " + errno_text(err));
  // A named temporary now has two names; the destructor removes the hidden one.
}

void staged_file::commit_replace() {
  // rename() is the only atomic replace, and an unnamed file cannot be
  // renamed: give it a fresh hidden name first, for a moment.
  for (int attempt = 0; temp_name_.empty() && attempt < 16; ++attempt) {
    const std::string name = parent_dir(target_) + "/." + base_name(target_) + ".tmp-" + random_suffix();
    const int err = link_unnamed(fd_, AT_FDCWD, name);
    if (err == 0) temp_name_ = name;
    if (err != 0 && err != EEXIST) fail_write(target_, "cannot create: " + errno_text(err));
  }
  if (temp_name_.empty()) fail_write(target_, "cannot create a temporary name in its folder");
  if (::rename(temp_name_.c_str(), target_.c_str()) != 0)
    fail_write(target_, "cannot move into place: " + errno_text(errno));
  temp_name_.clear();
}

std::vector<std::string> make_private_dirs(const std::string& path) {
  if (path.empty()) fail_write(path, "empty folder name");
  std::vector<std::string> created;
  std::string partial;
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    partial = path.substr(0, pos);
    if (partial.empty() || path_exists(partial)) continue;
    if (::mkdir(partial.c_str(), 0700) == 0) {
      created.push_back(partial);
    } else if (errno != EEXIST) {
      const int err = errno;
      remove_folders(created);
      fail_write(path, "cannot create folder: " + errno_text(err));
    }
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    remove_folders(created);
    fail_write(path, "not a folder");
  }
  return created;
}

void remove_folders(const std::vector<std::string>& created) noexcept {
  for (auto it = created.rbegin(); it != created.rend(); ++it) ::rmdir(it->c_str());
}

namespace {

// Errors of the folder or the file system rather than of one file: every
// later file would fail the same way.
bool stops_batch(int err) {
  return err == ENOSPC || err == EDQUOT || err == EROFS || err == EACCES || err == EPERM || err == EFBIG || err == EIO;
}

}  // namespace

batch_folder::batch_folder(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0) fail_write(path, "cannot open folder: " + errno_text(errno));
  // One clear error for a folder that takes no files, not one per row.
  const int probe = ::openat(fd_, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  const int err = errno;
  if (probe >= 0) ::close(probe);
  if (probe < 0 && stops_batch(err)) {
    ::close(fd_);
    fail_write(path, "cannot create files in this folder: " + errno_text(err));
  }
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
      write_file_atomic(path_ + "/" + name, data, mode, existing_file::keep, {});
      return {};
    }
    int err = write_fd(fd, data) ? link_unnamed(fd, fd_, name) : errno;
    ::close(fd);
    if (err == 0) return {};
    const std::string problem =
        about_file(path_ + "/" + name,
                   err == EEXIST ? "already exists; refusing to overwrite it" : "cannot create: " + errno_text(err));
    if (stops_batch(err)) stop(problem);
    return problem;
  } catch (const std::exception& e) {
    return e.what();
  }
}

void batch_folder::stop(const std::string& reason) const noexcept {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (!stopped_) stop_reason_ = reason;
  stopped_ = true;
}

std::string batch_folder::stop_reason() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return stop_reason_;
}

void batch_folder::sync() const {
  if (::syncfs(fd_) != 0) fail_write(path_, "syncfs failed: " + errno_text(errno));
}

void sync_folder(const std::string& dir) noexcept {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);  // best effort: the file itself is already on disk
  ::close(fd);
}

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace airlock::cli
