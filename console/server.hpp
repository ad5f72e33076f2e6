// SPDX-License-Identifier: MIT
// The vendor console's pages and their security rules, over one ledger and one unlocked key. The
// HTTP is cpp-httplib's (Debian's libcpp-httplib-dev); nothing here parses HTTP.
#ifndef AIRLOCK_CONSOLE_SERVER_HPP
#define AIRLOCK_CONSOLE_SERVER_HPP

#include <cstdint>
#include <memory>
#include <string>

#include "keys/vendor_key.hpp"
#include "ledger/ledger.hpp"

namespace httplib {
class Server;
}

namespace airlock::console {

// The rules the tests hold the console to.
inline constexpr int max_failed_logins = 5;                // wrong passwords in a row before a lock-out
inline constexpr std::int64_t lockout_seconds = 15 * 60;   // how long a locked account stays locked
inline constexpr std::int64_t session_seconds = 8 * 3600;  // a session's lifetime from its login
inline constexpr std::size_t licenses_per_page = 50;
inline constexpr std::size_t max_request_size = 64 * 1024;  // an uploaded activation request

class console_app {
 public:
  // `tls`: the pages are served over HTTPS, so cookies get Secure and HSTS is sent. `out_dir`: where
  // the licenses issued from the console are written, as <id>.toml.
  console_app(ledger::ledger book, keys::signing_key key, bool tls, std::string out_dir);
  console_app(const console_app&) = delete;
  console_app& operator=(const console_app&) = delete;
  ~console_app();

  // Adds every route, the security headers and the error pages to `server`.
  void install(httplib::Server& server);

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace airlock::console

#endif
