// SPDX-License-Identifier: MIT
// Result and error types shared by the parsers and writers of airlock/format.
#ifndef AIRLOCK_FORMAT_RESULT_HPP
#define AIRLOCK_FORMAT_RESULT_HPP

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace airlock::format {

/// Largest file any parser accepts; checked before any other work so hostile input costs nothing.
inline constexpr std::size_t max_input_size = 65536;
/// Further bounds on hostile input (a real license uses a small fraction of each).
inline constexpr std::size_t max_lines = 1024;
inline constexpr std::size_t max_string_size = 1024;
inline constexpr std::size_t max_array_size = 1024;

/// Why a file was rejected. unsupported_version is kept apart from malformed so a verifier
/// can say "this file is newer than this program" instead of "this file is broken";
/// key_id_mismatch is a well-formed license whose [license] names another key than its signature.
enum class error_kind { malformed, unsupported_version, key_id_mismatch };

[[nodiscard]] inline std::string_view to_string(error_kind kind) noexcept {
  switch (kind) {
    case error_kind::malformed: break;
    case error_kind::unsupported_version: return "unsupported_version";
    case error_kind::key_id_mismatch: return "key_id_mismatch";
  }
  return "malformed";
}

/// A rejection: 1-based line and column (the column counts code points), and a lower-case
/// message without a final period.
struct parse_error {
  error_kind kind = error_kind::malformed;
  std::size_t line = 0;
  std::size_t column = 0;
  std::string message;
};

/// What a parser returns: a value, or the first error found.
template <class T>
struct parse_result {
  std::optional<T> value;  ///< engaged on success
  parse_error error;       ///< meaningful only when value is empty

  [[nodiscard]] bool ok() const noexcept { return value.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
};

/// What a writer returns: the text, or the first problem with its input.
struct write_result {
  std::string text;   ///< the canonical text, when ok
  std::string error;  ///< the first problem found, when not ok

  [[nodiscard]] bool ok() const noexcept { return error.empty(); }
  explicit operator bool() const noexcept { return ok(); }
};

namespace detail {

/// Runs `work` and returns its result. If it throws (only std::bad_alloc can), returns
/// `on_failure()` instead, so that nothing escapes the noexcept API. A build without exceptions
/// (-fno-exceptions) has nothing to catch.
template <class Work, class Failure>
auto guarded(Work&& work, Failure&& on_failure) noexcept -> decltype(work()) {
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
  try {
    return work();
  } catch (...) {
    return on_failure();
  }
#else
  static_cast<void>(on_failure);
  return work();
#endif
}

/// The result of a parser that ran out of memory ("out of memory" fits the small-string buffer).
template <class T>
[[nodiscard]] parse_result<T> out_of_memory() {
  parse_result<T> result;
  result.error.message = "out of memory";
  return result;
}

}  // namespace detail

}  // namespace airlock::format

#endif  // AIRLOCK_FORMAT_RESULT_HPP
