// SPDX-License-Identifier: MIT
// Several license files for one product (FORMAT.md 12): the original, its renewal, the license of a
// re-hosted machine. Each is checked; the newest valid one that no other supersedes is used, and
// the answer says which file that was. Never throws.
#ifndef AIRLOCK_CHOOSE_HPP
#define AIRLOCK_CHOOSE_HPP

#include <dirent.h>

#include <algorithm>
#include <string>
#include <vector>

#include "airlock/trust_store.hpp"
#include "airlock/verify.hpp"
#include "airlock/verify_result.hpp"

namespace airlock {

inline constexpr std::size_t max_license_files = 64;

struct license_file_verdict {
  std::string path;
  verify_result result;
  bool superseded = false;  // another given license names it in supersedes: ignored
};

struct license_choice {
  verify_result result;                     // the license used, or the verdict that explains why none is usable
  std::string path;                         // the file `result` is about; empty when no file was given
  std::vector<license_file_verdict> files;  // every file, in the order given
  [[nodiscard]] bool ok() const noexcept { return result.ok(); }
};

namespace detail {

// Signed by a trusted key, well formed and for this product: the files whose fields count.
[[nodiscard]] inline bool is_authentic(const verify_result& r, const verify_options& options) noexcept {
  return r.signature_valid && r.license_read && r.license.product == options.product;
}

// Later `issued` first; on a tie the smaller id, so the choice never depends on file order.
[[nodiscard]] inline bool is_newer(const verify_result& a, const verify_result& b) noexcept {
  if (a.license.issued != b.license.issued) return b.license.issued < a.license.issued;
  return a.license.id < b.license.id;
}

inline void mark_superseded(std::vector<license_file_verdict>& files, const verify_options& options) {
  std::vector<std::string> named;
  for (const auto& f : files)
    if (is_authentic(f.result, options) && f.result.license.supersedes) named.push_back(*f.result.license.supersedes);
  std::sort(named.begin(), named.end());
  for (auto& f : files)
    f.superseded =
        is_authentic(f.result, options) && std::binary_search(named.begin(), named.end(), f.result.license.id);
}

// Index of the newest file that passes `wanted` and is not superseded, or files.size().
template <class Wanted>
[[nodiscard]] std::size_t newest(const std::vector<license_file_verdict>& files, Wanted wanted) {
  std::size_t best = files.size();
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (files[i].superseded || !wanted(files[i].result)) continue;
    if (best == files.size() || is_newer(files[i].result, files[best].result)) best = i;
  }
  return best;
}

inline void choose(license_choice& choice, const verify_options& options) {
  mark_superseded(choice.files, options);
  std::size_t used = newest(choice.files, [](const verify_result& r) { return r.ok(); });
  if (used == choice.files.size())
    used = newest(choice.files, [&](const verify_result& r) { return is_authentic(r, options); });
  if (used == choice.files.size()) used = 0;
  choice.result = choice.files[used].result;
  choice.path = choice.files[used].path;
}

// Closes the folder on every way out of license_files_in.
class open_folder {
 public:
  explicit open_folder(const std::string& path) noexcept : dir_(::opendir(path.c_str())) {}
  ~open_folder() {
    if (dir_ != nullptr) ::closedir(dir_);
  }
  open_folder(const open_folder&) = delete;
  open_folder& operator=(const open_folder&) = delete;
  [[nodiscard]] DIR* get() const noexcept { return dir_; }

 private:
  DIR* dir_;
};

[[nodiscard]] inline bool has_toml_suffix(const std::string& name) noexcept {
  return name.size() > 5 && name.compare(name.size() - 5, 5, ".toml") == 0;
}

}  // namespace detail

// Checks every file and chooses (FORMAT.md 12). No file, or more than max_license_files, is
// `unreadable`; so is clock_state_file with several files: use clock_state_folder.
[[nodiscard]] inline license_choice verify_license_files(const std::vector<std::string>& paths,
                                                         const trust_store& trusted,
                                                         const verify_options& options) noexcept {
  license_choice choice;
  choice.result.why = reason::unreadable;
  try {
    if (paths.empty() || paths.size() > max_license_files) {
      choice.result.message = paths.empty() ? "no license file given" : "more than 64 license files given";
      return choice;
    }
    // One state file holds one license's state: a second license would read it as altered.
    if (paths.size() > 1 && !options.clock_state_file.empty()) {
      choice.result.message = "several licenses need clock_state_folder (one state per license), not clock_state_file";
      return choice;
    }
    for (const std::string& path : paths)
      choice.files.push_back(license_file_verdict{path, verify_license_file(path, trusted, options), false});
    detail::choose(choice, options);
  } catch (...) {
    choice = license_choice{};
    choice.result.why = reason::unreadable;
    choice.result.message = "out of memory";
  }
  return choice;
}

// The *.toml files of `folder` (not its subfolders, not hidden), in byte order of their names, as
// paths; at most max_license_files. Empty with `problem` set when there are none, too many, or the
// folder cannot be read.
[[nodiscard]] inline std::vector<std::string> license_files_in(const std::string& folder,
                                                               std::string& problem) noexcept {
  try {
    const detail::open_folder dir(folder);
    if (dir.get() == nullptr) {
      problem = folder + ": cannot open the license folder";
      return {};
    }
    std::vector<std::string> names;
    for (const dirent* e = ::readdir(dir.get()); e != nullptr; e = ::readdir(dir.get())) {
      const std::string name = e->d_name;
      if (name[0] == '.' || !detail::has_toml_suffix(name)) continue;
      if (names.size() == max_license_files) {
        problem = folder + ": more than 64 license files";
        return {};
      }
      names.push_back(name);
    }
    if (names.empty()) problem = folder + ": no *.toml license file in the folder";
    std::sort(names.begin(), names.end());
    for (std::string& name : names) name = folder + "/" + name;
    return names;
  } catch (...) {
    problem = "out of memory";
    return {};
  }
}

// verify_license_files over license_files_in(folder).
[[nodiscard]] inline license_choice verify_license_folder(const std::string& folder, const trust_store& trusted,
                                                          const verify_options& options) noexcept {
  std::string problem;
  const std::vector<std::string> paths = license_files_in(folder, problem);
  if (!problem.empty()) {
    license_choice choice;
    choice.result.why = reason::unreadable;
    choice.result.message = problem;
    return choice;
  }
  return verify_license_files(paths, trusted, options);
}

}  // namespace airlock

#endif
