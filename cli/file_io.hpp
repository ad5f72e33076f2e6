// SPDX-License-Identifier: MIT
// Reading inputs with a size cap and writing outputs so that a reader never
// sees half a file: write to a temporary name in the same folder, fsync,
// then move it into place. Without --force nothing is ever replaced, and a
// private key is never replaced at all.
#ifndef AIRLOCK_CLI_FILE_IO_HPP
#define AIRLOCK_CLI_FILE_IO_HPP

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace airlock::cli {

// Reads a whole regular file, at most max_size bytes. Throws cli::failure
// (exit_read_failed) naming the path: missing, unreadable, a folder, too big.
std::string read_file(const std::string& path, std::size_t max_size);

enum class existing_file { keep, replace };

// Writes data to path atomically with the given mode. With existing_file::keep
// an existing path is an error (exit_write_failed) and is left untouched; the
// no-replace move uses link()+unlink() or renameat2(RENAME_NOREPLACE), never
// rename(), which silently replaces. On any failure no file is left behind.
void write_file_atomic(const std::string& path, std::string_view data, mode_t mode, existing_file policy);

// For writing many files into one folder (batch issuance): each file is
// created complete and unnamed (O_TMPFILE) and then linked under its name,
// which fails rather than replaces; nothing is fsync'd per file. Call
// sync() once at the end to make the whole batch durable.
class batch_folder {
 public:
  explicit batch_folder(const std::string& path);  // throws cli::failure(exit_write_failed)
  batch_folder(const batch_folder&) = delete;
  batch_folder& operator=(const batch_folder&) = delete;
  ~batch_folder();
  // Returns an empty string on success, else the problem (thread-safe).
  std::string write_new(const std::string& name, std::string_view data, mode_t mode) const noexcept;
  void sync() const;  // throws cli::failure(exit_write_failed)
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

// Creates a folder and its missing parents with mode 0700 (an existing folder
// is left as it is). Throws cli::failure (exit_write_failed).
void make_private_dirs(const std::string& path);

bool path_exists(const std::string& path);

}  // namespace airlock::cli

#endif
