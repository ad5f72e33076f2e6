// SPDX-License-Identifier: MIT
// The clock-state reader. First byte even: the rest is the file, raw. Odd: the rest is
// "<seconds text>" then optionally "\n<suffix>", and the harness writes
// "airlock-clock-v2 <id> <seconds> <sequence> <MAC of those><suffix>" (or the v1 line) so that the MAC check
// passes whenever the seconds parse; the reader must then say valid exactly when the file is the
// one canonical line (suffix "\n"), with those seconds.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "airlock/detail/clock_state.hpp"
#include "fuzz_support.hpp"

namespace {

// A plain array, not a std::string: the exit handler below runs after static destructors.
const char* state_path() {
  static char name[] = "/tmp/airlock-fuzz-clock-XXXXXX";
  static const bool made = [] {
    const int fd = ::mkstemp(name);
    if (fd < 0) std::abort();
    ::close(fd);
    // libFuzzer ends a timed run with exit(), so the file does not outlive the run.
    std::atexit([] { ::unlink(name); });
    return true;
  }();
  (void)made;
  return name;
}

void write_file(const std::string& text) {
  const int fd = ::open(state_path(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) std::abort();
  ::close(fd);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace d = airlock::detail;
  if (size == 0) return 0;
  std::array<std::uint8_t, 64> signature{};
  for (std::size_t i = 0; i < signature.size(); ++i) signature[i] = static_cast<std::uint8_t>(i * 7);
  const std::string id = "978eab5cffea896aea8336f008e55f33";
  const std::string_view rest = airlock::fuzz::as_text(data + 1, size - 1);
  if (data[0] % 2 == 0) {
    write_file(std::string(rest));
    (void)d::read_clock_state(state_path(), signature, id);
    return 0;
  }
  // data[0] picks the line's version; the first line of `rest` is "<seconds> <sequence>" text.
  const bool v1 = data[0] % 4 == 1;
  const std::string_view tag = v1 ? d::clock_state_tag_v1 : d::clock_state_tag;
  const std::size_t newline = rest.find('\n');
  const std::string_view numbers = rest.substr(0, newline);
  const std::string_view suffix = newline == std::string_view::npos ? std::string_view() : rest.substr(newline);
  const std::size_t space = v1 ? std::string_view::npos : numbers.find(' ');
  const std::string_view seconds_text = numbers.substr(0, space);
  const std::string_view sequence_text =
      space == std::string_view::npos ? std::string_view() : numbers.substr(space + 1);
  std::int64_t seconds = 0;
  std::int64_t sequence = 0;
  const bool parses =
      d::parse_clock_number(seconds_text, seconds) && (v1 || d::parse_clock_number(sequence_text, sequence));
  if (!parses) seconds = sequence = 0;
  const std::string line = std::string(tag) + " " + id + " " + std::string(numbers) + " " +
                           d::clock_state_mac(tag, signature, id, seconds, sequence) + std::string(suffix);
  write_file(line);
  const auto state = d::read_clock_state(state_path(), signature, id);
  const bool canonical = parses && suffix == "\n" && line.size() < 256;
  const bool valid = state.status == d::clock_state_status::valid;
  if (valid != canonical || (valid && (state.latest_seen != seconds || state.revocation_sequence != sequence))) {
    std::abort();
  }
  return 0;
}
