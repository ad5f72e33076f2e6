// SPDX-License-Identifier: MIT
// Reading a file a product was given (a license, a revocation list): never blocking on a FIFO,
// only a regular file, at most 64 KiB, with the failure as a verify_result.
#ifndef AIRLOCK_DETAIL_BOUNDED_READ_HPP
#define AIRLOCK_DETAIL_BOUNDED_READ_HPP

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <string_view>

#include "airlock/format/result.hpp"
#include "airlock/verify_result.hpp"

namespace airlock::detail {

inline bool fail(verify_result& r, reason why, std::string message) {
  r.why = why;
  r.message = std::move(message);
  return false;
}

// Opens without blocking (a FIFO or a device would wait forever) and refuses anything but a
// regular file.
[[nodiscard]] inline bool open_regular(const std::string& path, int& fd, verify_result& r, std::string_view what) {
  fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return fail(r, reason::unreadable, path + ": cannot open the " + std::string(what) + " file");
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) return true;
  ::close(fd);
  return fail(r, reason::unreadable, path + ": not a regular file, so not read as a " + std::string(what));
}

// Reads at most max_input_size bytes. A larger file is malformed, as the same text given to
// verify_license would be; it is never read whole.
[[nodiscard]] inline bool read_capped(const std::string& path, std::string& out, verify_result& r,
                                      std::string_view what = "license") {
  int fd = -1;
  if (!open_regular(path, fd, r, what)) return false;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return n == 0 || fail(r, reason::unreadable, path + ": cannot read the " + std::string(what) + " file");
    }
    if (out.size() + static_cast<std::size_t>(n) > format::max_input_size) {
      ::close(fd);
      return fail(r, reason::malformed, path + ": larger than 65536 bytes, so not a " + std::string(what));
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
}

// Reads `path` with read_capped and hands its text to `check`; nothing escapes (noexcept API).
template <class Check>
[[nodiscard]] verify_result check_file(const std::string& path, Check&& check) noexcept {
  verify_result result;
  try {
    std::string text;
    if (!read_capped(path, text, result)) return result;
    return check(text);
  } catch (...) {
    result = verify_result{};
    result.why = reason::unreadable;
    result.message = "out of memory";
    return result;
  }
}

}  // namespace airlock::detail

#endif
