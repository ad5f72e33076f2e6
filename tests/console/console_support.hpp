// SPDX-License-Identifier: MIT
// What the console tests share: a ledger with licenses, an operator and an encrypted key in a
// temporary folder; airlock-console running on 127.0.0.1 at a free port; logging in with
// cpp-httplib's client.
#ifndef AIRLOCK_TESTS_CONSOLE_SUPPORT_HPP
#define AIRLOCK_TESTS_CONSOLE_SUPPORT_HPP

#include <httplib.h>
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "support/support.hpp"

namespace airlock::test::console {

inline constexpr const char* passphrase = "violet-kettle-passphrase-7301";
inline constexpr const char* operator_name = "alice";
inline constexpr const char* operator_password = "correct horse battery staple";
inline constexpr const char* script_licensee = "<script>alert(1)</script>";

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string airlock_cmd(const std::string& args);  // `airlock ARGS`, no passphrase or ledger from the environment

// A vendor folder: encrypted key (passphrase above), a ledger holding two licenses (one for
// script_licensee), operator alice. With the vector key: formats/vectors/test_vendor_key.pem
// (unencrypted), the key formats/vectors/request.toml was made for.
struct vendor {
  temp_dir dir;
  std::string key, passphrase_file, ledger, password_file;
  std::string script_license_id = "L-script", plain_license_id = "L-plain";
  explicit vendor(bool vector_key = false);
};

std::string source_file(const std::string& relative);

// airlock-console ARGS, started and stopped (SIGTERM) with the object. started() is false when it
// exited before printing its address; then exit_code() and error_text() say why.
class console_process {
 public:
  explicit console_process(const std::vector<std::string>& args);
  console_process(const console_process&) = delete;
  console_process& operator=(const console_process&) = delete;
  ~console_process();
  bool started() const { return port_ > 0; }
  int port() const { return port_; }
  std::string output() const { return output_; }
  int stop();  // SIGTERM; returns the exit code
  std::string error_text() const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  int exit_code_ = -1;
  std::string output_;
  temp_dir err_dir_;
};

// Starts the console for `v` with --listen 127.0.0.1:0 and `more` options.
std::unique_ptr<console_process> start_console(const vendor& v, const std::vector<std::string>& more = {});

// A logged-in operator: the session cookie and the CSRF token of its forms.
struct session {
  std::string cookie;  // "airlock_session=..."
  std::string csrf;
};

// The login form's cookie and token.
struct login_form {
  std::string cookie, csrf;
};
login_form get_login_form(httplib::Client& client);
httplib::Result post_login(httplib::Client& client, const std::string& name, const std::string& password);
session log_in(httplib::Client& client);  // as alice; fails the test when it cannot

httplib::Result get(httplib::Client& client, const std::string& path, const session& s);
httplib::Result post(httplib::Client& client, const std::string& path, const session& s, httplib::Params params);

// The value of the first name="csrf" field of a page.
std::string csrf_of(const std::string& html);
// The NAME=VALUE part of a Set-Cookie header for NAME, or empty.
std::string set_cookie(const httplib::Response& res, const std::string& name);

}  // namespace airlock::test::console

#endif
