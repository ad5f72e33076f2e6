// SPDX-License-Identifier: MIT
// Reading inputs with a size cap and writing outputs so that a reader never
// sees half a file: write the whole file unnamed in its folder, fsync, then
// give it its name. Without --force nothing is ever replaced; a command never
// writes over one of its inputs, and a private key is never replaced at all.
#ifndef AIRLOCK_CLI_FILE_IO_HPP
#define AIRLOCK_CLI_FILE_IO_HPP

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace airlock::cli {

// Reads a whole regular file, at most max_size bytes. Throws cli::failure
// (exit_read_failed) naming the path: missing, unreadable, a folder, too big.
std::string read_file(const std::string& path, std::size_t max_size);

// An input read in pieces (an order file of any size). Opened without
// blocking and refused unless it is a regular file: a FIFO or a device would
// hang or never end. Errors throw cli::failure (exit_read_failed) naming it.
class input_file {
 public:
  explicit input_file(const std::string& path);
  input_file(const input_file&) = delete;
  input_file& operator=(const input_file&) = delete;
  ~input_file();
  std::size_t read(char* buf, std::size_t size);  // 0 at the end

 private:
  std::string path_;
  int fd_ = -1;
};

enum class existing_file { keep, replace };

// Refuses (exit_write_failed, one line naming path) to write path when it is
// the same file as one of `inputs` (compared by device and inode, so another
// spelling or a hard link counts), and, with existing_file::replace, when the
// file there holds a private key: no command writes over what it reads, and
// --force never destroys a key. Commands call it before any slow work (a
// passphrase prompt, signing); write_file_atomic calls it again.
void check_output(const std::string& path, existing_file policy, const std::vector<std::string>& inputs);

// Writes data to path atomically with the given mode, after check_output.
// With existing_file::keep an existing path is an error and is left
// untouched. On any failure, and after a crash, no file is left behind
// (see staged_file).
void write_file_atomic(const std::string& path, std::string_view data, mode_t mode, existing_file policy,
                       const std::vector<std::string>& inputs);

// A new file, written and fsync'd before it gets its name, so that no reader
// and no crash ever sees part of it. It has no name at all while staged
// (O_TMPFILE) where the filesystem allows, so a killed process leaves
// nothing behind; elsewhere a hidden temporary name, removed on every error
// path. The destructor removes a file that was never committed.
class staged_file {
 public:
  staged_file(const std::string& target, std::string_view data, mode_t mode);  // throws cli::failure
  staged_file(const staged_file&) = delete;
  staged_file& operator=(const staged_file&) = delete;
  ~staged_file();
  void commit_new();      // names it target; an existing target is an error and is kept
  void commit_replace();  // names it target, replacing what is there
  const std::string& target() const { return target_; }

 private:
  void discard() noexcept;
  std::string target_;
  std::string temp_name_;  // empty while unnamed (O_TMPFILE)
  int fd_ = -1;
};

// For writing many files into one folder (batch issuance): each file is
// created complete and unnamed (O_TMPFILE) and then linked under its name,
// which fails rather than replaces; nothing is fsync'd per file. Call
// sync() once at the end to make the whole batch durable.
class batch_folder {
 public:
  // Throws cli::failure(exit_write_failed), also for a folder that takes no
  // new files (read-only, no permission, full).
  explicit batch_folder(const std::string& path);
  batch_folder(const batch_folder&) = delete;
  batch_folder& operator=(const batch_folder&) = delete;
  ~batch_folder();
  // Returns an empty string on success, else the problem (thread-safe).
  std::string write_new(const std::string& name, std::string_view data, mode_t mode) const noexcept;
  // After a failure of the folder or file system (full disk, read-only,
  // file size limit) every later write would fail too: callers stop.
  bool stopped() const noexcept { return stopped_; }
  std::string stop_reason() const;
  void sync() const;  // throws cli::failure(exit_write_failed)
  const std::string& path() const { return path_; }

 private:
  void stop(const std::string& reason) const noexcept;
  std::string path_;
  int fd_ = -1;
  mutable std::atomic<bool> stopped_{false};
  mutable std::mutex mutex_;
  mutable std::string stop_reason_;
};

// Creates a folder and its missing parents with mode 0700 (an existing folder
// is left as it is) and returns the folders it created, outermost first, for
// remove_folders() if what goes in them fails. Throws cli::failure
// (exit_write_failed).
std::vector<std::string> make_private_dirs(const std::string& path);

// Removes the (empty) folders make_private_dirs created, innermost first.
void remove_folders(const std::vector<std::string>& created) noexcept;

bool path_exists(const std::string& path);

// Makes the names in a folder durable (best effort: the files are already).
void sync_folder(const std::string& path) noexcept;

}  // namespace airlock::cli

#endif
