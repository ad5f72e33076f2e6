// SPDX-License-Identifier: MIT
// File access under an injectable root: in-root symlink resolution, capped reads, errors as data.
#ifndef AIRLOCK_HWID_ROOTED_FS_HPP
#define AIRLOCK_HWID_ROOTED_FS_HPP

#if defined(__linux__)

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace airlock::hwid {

inline constexpr std::size_t sysfs_read_cap = 4096;  // one sysfs attribute is at most a page
// The mount table is streamed through a fixed buffer (line_buffer_bytes), so this cap bounds time,
// not memory: the kernel's default fs.mount-max is 100,000 mounts, ~160 bytes a line.
inline constexpr std::size_t mountinfo_read_cap = 16 << 20;
// read_lines() hands a line of line_buffer_bytes or more over as its first line_buffer_bytes only,
// marked cut. The fields of a mountinfo line the collectors use (up to the
// source) are a few hundred bytes; what may run longer is the super options after them.
inline constexpr std::size_t line_buffer_bytes = 8192;
inline constexpr int max_symlink_hops = 40;  // the kernel's own limit
inline constexpr std::size_t max_dir_entries = 4096;

// A read's data, or a short reason: "missing", "permission denied", "symlink loop", "too large"...
struct fs_read {
  std::optional<std::string> data;
  std::string error;
};

namespace detail {

inline std::string errno_reason(int err) {
  switch (err) {
    case ENOENT:
    case ENOTDIR: return "missing";
    case EACCES:
    case EPERM: return "permission denied";
    case ELOOP: return "symlink loop";
    case ENAMETOOLONG: return "path too long";
    default: return "unreadable";
  }
}

inline std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  while (!path.empty()) {
    const std::size_t slash = path.find('/');
    const std::string_view part = path.substr(0, slash);
    if (!part.empty()) parts.emplace_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

inline std::string join_path(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += "/" + p;
  return out.empty() ? "/" : out;
}

inline std::optional<std::string> read_link_text(const std::string& host_path) {
  char buffer[4096];
  const ssize_t n = ::readlink(host_path.c_str(), buffer, sizeof buffer);
  if (n <= 0 || static_cast<std::size_t>(n) >= sizeof buffer) return std::nullopt;
  return std::string(buffer, static_cast<std::size_t>(n));
}

// Reads in page-sized chunks into a string that grows with what is there: preallocating the cap
// (a megabyte for mountinfo) would cost a megabyte of memset and page faults on every read.
inline fs_read read_descriptor(int fd, std::size_t cap, bool allow_longer) {
  const std::size_t limit = allow_longer ? cap : cap + 1;
  std::string data;
  char chunk[4096];
  while (data.size() < limit) {
    const ssize_t n = ::read(fd, chunk, std::min(sizeof chunk, limit - data.size()));
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return {std::nullopt, errno_reason(errno)};
    }
    data.append(chunk, static_cast<std::size_t>(n));
  }
  if (data.size() > cap) return {std::nullopt, "too large"};
  return {std::move(data), {}};
}

// Closes a descriptor on every way out of a scope, a throwing callback's too.
struct fd_closer {
  int fd;
  explicit fd_closer(int descriptor) noexcept : fd(descriptor) {}
  fd_closer(const fd_closer&) = delete;
  fd_closer& operator=(const fd_closer&) = delete;
  ~fd_closer() noexcept { ::close(fd); }
};

}  // namespace detail

// Every path given to rooted_fs is absolute *inside* the root. Absolute symlink targets are re-rooted
// and `..` stops at the root, so no path can leave it (sysfs's /proc/device-tree link is absolute).
class rooted_fs {
 public:
  explicit rooted_fs(std::string root) : prefix_(std::move(root)) {
    while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
  }

  std::string host_path(std::string_view logical) const { return prefix_ + std::string(logical); }

  struct resolved {
    std::optional<std::string> path;  // logical, symlink-free
    std::string error;
  };

  // Follows every symlink in `path` inside the root. Fails when a component is missing.
  resolved resolve(std::string_view path) const {
    note(path);
    if (is_real_root()) {
      if (std::optional<std::string> fast = kernel_resolve(path)) return {std::move(fast), {}};
    }
    return walk(path);
  }

 private:
  // Component by component, so that absolute links and `..` stay under a fake root.
  resolved walk(std::string_view path) const {
    std::vector<std::string> done;
    std::vector<std::string> todo = detail::split_path(path);
    std::reverse(todo.begin(), todo.end());
    int hops = 0;
    while (!todo.empty()) {
      std::string part = std::move(todo.back());
      todo.pop_back();
      if (part == ".") continue;
      if (part == "..") {
        if (!done.empty()) done.pop_back();
        continue;
      }
      done.push_back(std::move(part));
      struct stat st {};
      const std::string here = host_path(detail::join_path(done));
      if (::lstat(here.c_str(), &st) != 0) return {std::nullopt, detail::errno_reason(errno)};
      if (!S_ISLNK(st.st_mode)) continue;
      if (++hops > max_symlink_hops) return {std::nullopt, "symlink loop"};
      const std::optional<std::string> target = detail::read_link_text(here);
      if (!target) return {std::nullopt, "unreadable link"};
      done.pop_back();
      if (target->front() == '/') done.clear();
      std::vector<std::string> more = detail::split_path(*target);
      todo.insert(todo.end(), more.rbegin(), more.rend());
    }
    return {detail::join_path(done), {}};
  }

  // Under the real root: let the kernel resolve the path and ask it which
  // path it found (3 system calls instead of 2 per component). nullopt when
  // the path is missing or /proc is not mounted; walk() then says why.
  static std::optional<std::string> kernel_resolve(std::string_view path) {
    const int fd = ::open(std::string(path).c_str(), O_PATH | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    const std::optional<std::string> found = detail::read_link_text("/proc/self/fd/" + std::to_string(fd));
    ::close(fd);
    if (!found || found->empty() || found->front() != '/') return std::nullopt;
    return found;
  }

 public:
  // Reads a regular file of at most `cap` bytes; larger files are an error, not a truncation.
  fs_read read(std::string_view path, std::size_t cap = sysfs_read_cap) const { return read_file(path, cap, false); }

  // The first `cap` bytes of a file that may be longer (/proc/cpuinfo on a many-core host).
  fs_read read_head(std::string_view path, std::size_t cap) const { return read_file(path, cap, true); }

  // Streams a regular file of at most `cap` bytes line by line through a fixed buffer, without a
  // heap allocation: `on_line(text, cut)` sees each line without its LF; a line of line_buffer_bytes
  // or more is seen once, as its first line_buffer_bytes with `cut` true. Returns the
  // error, empty when the whole file was read; "too large" comes after the lines of about the first
  // `cap` bytes were seen (not those of the read that crosses it), so a caller that must see all of
  // them throws those away.
  template <typename OnLine>
  std::string read_lines(std::string_view path, std::size_t cap, OnLine&& on_line) const {
    std::string error;
    const int fd = open_regular(path, error);
    if (fd < 0) return error;
    const detail::fd_closer closer{fd};
    char buffer[line_buffer_bytes];
    std::size_t used = 0, total = 0;
    bool skipping = false;  // inside the rest of a cut line
    for (;;) {
      if (used == sizeof buffer) {  // one line fills the buffer
        if (!skipping) on_line(std::string_view(buffer, used), true);
        skipping = true;
        used = 0;
      }
      const ssize_t n = ::read(fd, buffer + used, sizeof buffer - used);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        error = detail::errno_reason(errno);
        break;
      }
      if (n == 0) {
        if (used > 0 && !skipping) on_line(std::string_view(buffer, used), false);
        break;
      }
      total += static_cast<std::size_t>(n);
      if (total > cap) {
        error = "too large";
        break;
      }
      const std::size_t end = used + static_cast<std::size_t>(n);
      std::size_t start = 0;
      while (const void* found = std::memchr(buffer + used, '\n', end - used)) {
        const std::size_t at = static_cast<std::size_t>(static_cast<const char*>(found) - buffer);
        if (!skipping) on_line(std::string_view(buffer + start, at - start), false);
        skipping = false;
        start = used = at + 1;
      }
      std::memmove(buffer, buffer + start, end - start);
      used = end - start;
    }
    return error;
  }

  bool exists(std::string_view path) const {
    note(path);
    struct stat st {};
    if (is_real_root()) return ::stat(std::string(path).c_str(), &st) == 0;
    return resolve(path).path.has_value();
  }

  bool is_dir(std::string_view path) const {
    note(path);
    struct stat st {};
    if (is_real_root()) return ::stat(std::string(path).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    const resolved where = resolve(path);
    return where.path && ::stat(host_path(*where.path).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  }

  // Sorted entry names (readdir order is unspecified), without "." and "..", of the first
  // max_dir_entries; only the `keep` first of them, so that a caller that looks at a few holds no
  // more (a container host's thousands of veth interfaces). Empty on any error.
  std::vector<std::string> list(std::string_view dir, std::size_t keep = max_dir_entries) const {
    note(dir);
    std::vector<std::string> names;  // a max-heap of the `keep` smallest names until sorted
    const resolved where = is_real_root() ? resolved{std::string(dir), {}} : resolve(dir);
    if (!where.path || keep == 0) return names;
    DIR* handle = ::opendir(host_path(*where.path).c_str());
    if (handle == nullptr) return names;
    std::size_t entries = 0;
    while (const dirent* entry = ::readdir(handle)) {
      const std::string_view name = entry->d_name;
      if (name == "." || name == "..") continue;
      if (++entries > max_dir_entries) break;
      if (names.size() < keep) {
        names.emplace_back(name);
        std::push_heap(names.begin(), names.end());
      } else if (name < names.front()) {
        std::pop_heap(names.begin(), names.end());
        names.back() = name;
        std::push_heap(names.begin(), names.end());
      }
    }
    ::closedir(handle);
    std::sort(names.begin(), names.end());
    return names;
  }

 public:
  // What was looked at since the last call, so that the collector can check where each class's
  // values came from (tamper.hpp): every path read, listed, resolved or tested, and of them the
  // files actually opened and read. Bounded: a hostile tree cannot grow it without limit.
  struct looked_at {
    std::vector<std::string> paths, files_read;
    bool overflow = false;  // some were not recorded: none of them can be vouched for
  };
  looked_at take_looked_at() const {
    looked_at out;
    out.paths.swap(paths_);
    out.files_read.swap(files_read_);
    out.overflow = std::exchange(overflow_, false);
    for (std::vector<std::string>* list : {&out.paths, &out.files_read}) {
      std::sort(list->begin(), list->end());
      list->erase(std::unique(list->begin(), list->end()), list->end());
    }
    return out;
  }

 private:
  static constexpr std::size_t max_looked_at = 16384;

  void note(std::string_view path) const {
    if (paths_.size() < max_looked_at)
      paths_.emplace_back(path);
    else
      overflow_ = true;
  }
  void note_read(std::string_view path) const {
    if (files_read_.size() < max_looked_at)
      files_read_.emplace_back(path);
    else
      overflow_ = true;
  }

  // Under the real root the kernel's own symlink resolution is the same as
  // resolve() and costs one system call instead of one per path component.
  bool is_real_root() const noexcept { return prefix_.empty(); }

  // Opens a regular file for reading and records it as read; -1 and `error` otherwise.
  int open_regular(std::string_view path, std::string& error) const {
    note(path);
    const resolved where = is_real_root() ? resolved{std::string(path), {}} : resolve(path);
    if (!where.path) {
      error = where.error;
      return -1;
    }
    const std::string host = host_path(*where.path);
    // O_NONBLOCK: a FIFO planted in a tree must not hang the verifier. A
    // resolved path has no symlink left, so O_NOFOLLOW only guards a race.
    const int no_follow = is_real_root() ? 0 : O_NOFOLLOW;
    const int fd = ::open(host.c_str(), O_RDONLY | O_CLOEXEC | no_follow | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
      error = detail::errno_reason(errno);
      return -1;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      error = "not a regular file";
      return -1;
    }
    note_read(path);
    return fd;
  }

  fs_read read_file(std::string_view path, std::size_t cap, bool allow_longer) const {
    fs_read result;
    const int fd = open_regular(path, result.error);
    if (fd < 0) return result;
    result = detail::read_descriptor(fd, cap, allow_longer);
    ::close(fd);
    return result;
  }

  std::string prefix_;  // "" for the real root
  mutable std::vector<std::string> paths_, files_read_;
  mutable bool overflow_ = false;
};

namespace detail {

inline std::string parent_path(std::string_view logical) {
  const std::size_t slash = logical.find_last_of('/');
  if (slash == std::string_view::npos || slash == 0) return "/";
  return std::string(logical.substr(0, slash));
}

// `path` is `dir` or below it, component by component.
inline bool is_under(std::string_view path, std::string_view dir) {
  if (dir == "/") return !path.empty() && path.front() == '/';
  return path.substr(0, dir.size()) == dir && (path.size() == dir.size() || path[dir.size()] == '/');
}

inline std::string base_name(std::string_view logical) {
  const std::size_t slash = logical.find_last_of('/');
  return std::string(slash == std::string_view::npos ? logical : logical.substr(slash + 1));
}

}  // namespace detail

}  // namespace airlock::hwid

#endif  // defined(__linux__)

#endif  // AIRLOCK_HWID_ROOTED_FS_HPP
