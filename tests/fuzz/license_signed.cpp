// SPDX-License-Identifier: MIT
// The license check past the signature: the harness signs the fuzzed body with the test key, so
// the body parse, the dates, maintenance and the machine binding are all reached. The first three
// bytes pick the options, with the clock at and near the ends of its range.
// Input: [now selector] [grace selector] [flags] body...
#include <sodium.h>

#include <cstdlib>
#include <limits>

#include "airlock/crypto/key_id.hpp"
#include "airlock/format/envelope.hpp"
#include "airlock/format/writers.hpp"
#include "airlock/verify.hpp"
#include "fuzz_support.hpp"

namespace {

constexpr std::int64_t int64_min = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();

airlock::verify_options options_from(std::uint8_t now_sel, std::uint8_t grace_sel, std::uint8_t flags) {
  static constexpr std::int64_t nows[] = {
      int64_min,    int64_min + 1,     int64_min + 86400, -1,       0, 1767225600, 253402300799,
      253402300800, int64_max - 86400, int64_max - 1,     int64_max};
  static constexpr int graces[] = {0, 1, 30, -1, std::numeric_limits<int>::max(), std::numeric_limits<int>::min()};
  auto options = airlock::fuzz::fixed_options();
  options.now = nows[now_sel % (sizeof nows / sizeof nows[0])];
  options.grace_days = graces[grace_sel % (sizeof graces / sizeof graces[0])];
  options.expiry_warning_days = graces[(grace_sel / 8) % (sizeof graces / sizeof graces[0])];
  if (flags & 1) options.clock_tolerance_seconds = (flags & 2) ? int64_max : int64_min;
  if (flags & 4) options.build_date = airlock::format::date{(flags & 8) ? 9999 : 1, (flags & 16) ? 12 : 1, 1};
  if (flags & 32) {
    // A fixed fake machine: binding is checked (never this real machine, which would make runs differ).
    airlock::hwid::machine_snapshot machine;
    machine.platform.values = {"fuzz-platform"};
    machine.disk.values = {"fuzz-disk"};
    options.machine = machine;
    options.check_machine = true;
  }
  return options;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const struct keys {
    unsigned char public_key[crypto_sign_PUBLICKEYBYTES];
    unsigned char secret_key[crypto_sign_SECRETKEYBYTES];
    std::string key_id;
    keys() {
      if (sodium_init() < 0 || crypto_sign_seed_keypair(public_key, secret_key, airlock::fuzz::test_seed.data()) != 0)
        std::abort();
      std::array<std::uint8_t, 32> raw{};
      std::copy(public_key, public_key + 32, raw.begin());
      key_id = airlock::key_id_of(raw);
    }
  } k;
  static const airlock::trust_store trusted = airlock::fuzz::test_trust_store();
  if (size < 3) return 0;

  std::string body = airlock::format::normalize_line_endings(airlock::fuzz::as_text(data + 3, size - 3));
  if (!body.empty() && body.back() != '\n') body += '\n';
  const std::string message = airlock::format::signed_message(body);
  airlock::format::signature_block block;
  block.key_id = k.key_id;
  crypto_sign_detached(block.value.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), k.secret_key);
  const auto table = airlock::format::write_signature_block(block);
  if (!table.ok()) std::abort();

  const auto result = airlock::verify_license(body + table.text, trusted, options_from(data[0], data[1], data[2]));
  // Accepted only if signed; signed here whenever the envelope could be read.
  if (result.why == airlock::reason::ok && !result.signature_valid) std::abort();
  return 0;
}
