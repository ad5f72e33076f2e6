// SPDX-License-Identifier: MIT
#include "console_support.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>

namespace airlock::test::console {

std::string airlock_cmd(const std::string& args) {
  return "env -u AIRLOCK_PASSPHRASE -u AIRLOCK_LEDGER " + shell_quote(tool("airlock")) + " " + args;
}

std::string source_file(const std::string& relative) { return std::string(AIRLOCK_SOURCE_DIR) + "/" + relative; }

vendor::vendor(bool vector_key) {
  key = vector_key ? source_file("formats/vectors/test_vendor_key.pem") : dir / "keys/vendor.key";
  passphrase_file = dir / "passphrase";
  ledger = dir / "ledger.sqlite";
  password_file = dir / "password";
  write_file(passphrase_file, std::string(passphrase) + "\n");
  write_file(password_file, std::string(operator_password) + "\n");
  const auto q = shell_quote;
  const std::string pass = " --passphrase-file " + q(passphrase_file);
  const run_result steps[] = {
      vector_key ? run("true") : run(airlock_cmd("keygen --out-dir " + q(dir / "keys") + pass)),
      run(airlock_cmd("issue --key " + q(key) + pass + " --ledger " + q(ledger) +
                      " --product acme-studio --unbound --licensee " + q(script_licensee) + " --id " +
                      script_license_id + " --out " + q(dir / "script.toml") + " --expires 2099-01-01")),
      run(airlock_cmd("issue --key " + q(key) + pass + " --ledger " + q(ledger) +
                      " --product acme-studio --unbound --licensee 'Example Corp' --feature export --id " +
                      plain_license_id + " --out " + q(dir / "plain.toml"))),
      run(airlock_cmd("console add-operator " + std::string(operator_name) + " --ledger " + q(ledger) +
                      " --password-file " + q(password_file))),
  };
  for (const auto& step : steps)
    if (step.exit_code != 0) throw std::runtime_error("vendor set-up failed: " + step.err);
}

console_process::console_process(const std::vector<std::string>& args) {
  int out[2];
  if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
  const std::string console = tool("airlock-console"), err = err_dir_ / "stderr";
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    if (FILE* e = std::fopen(err.c_str(), "w")) ::dup2(fileno(e), STDERR_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    std::vector<std::string> words{console};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    ::unsetenv("AIRLOCK_PASSPHRASE");
    ::unsetenv("AIRLOCK_LEDGER");
    ::execv(console.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  // The first line is "listening on http://127.0.0.1:PORT/"; give it 20 s (a loaded machine).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (output_.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    char buf[256];
    const ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    output_.append(buf, static_cast<std::size_t>(n));
  }
  ::close(out[0]);
  const auto colon = output_.rfind(':'), slash = output_.rfind('/');
  if (output_.rfind("listening on ", 0) == 0 && colon != std::string::npos && slash > colon)
    port_ = std::stoi(output_.substr(colon + 1, slash - colon - 1));
  else
    stop();
}

int console_process::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    pid_ = -1;
  }
  return exit_code_;
}

console_process::~console_process() { stop(); }

std::string console_process::error_text() const { return read_file(err_dir_ / "stderr"); }

std::unique_ptr<console_process> start_console(const vendor& v, const std::vector<std::string>& more) {
  std::vector<std::string> args{"--key",    v.key,    "--passphrase-file", v.passphrase_file,
                                "--ledger", v.ledger, "--listen",          "127.0.0.1:0"};
  args.insert(args.end(), more.begin(), more.end());
  auto p = std::make_unique<console_process>(args);
  if (!p->started()) FAIL("the console did not start: " << p->error_text());
  return p;
}

std::string set_cookie(const httplib::Response& res, const std::string& name) {
  for (std::size_t i = 0; i < res.get_header_value_count("Set-Cookie"); ++i) {
    const std::string h = res.get_header_value("Set-Cookie", i);
    if (h.rfind(name + "=", 0) == 0) return h.substr(0, h.find(';'));
  }
  return {};
}

std::string csrf_of(const std::string& html) {
  const std::string marker = "name=\"csrf\" value=\"";
  const auto at = html.find(marker);
  if (at == std::string::npos) return {};
  const auto start = at + marker.size();
  return html.substr(start, html.find('"', start) - start);
}

login_form get_login_form(httplib::Client& client) {
  const auto res = client.Get("/login");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return {set_cookie(*res, "airlock_login"), csrf_of(res->body)};
}

httplib::Result post_login(httplib::Client& client, const std::string& name, const std::string& password) {
  const auto form = get_login_form(client);
  return client.Post("/login", {{"Cookie", form.cookie}},
                     httplib::Params{{"csrf", form.csrf}, {"name", name}, {"password", password}});
}

session log_in(httplib::Client& client) {
  const auto res = post_login(client, operator_name, operator_password);
  REQUIRE(res);
  REQUIRE(res->status == 303);
  session s;
  s.cookie = set_cookie(*res, "airlock_session");
  REQUIRE(!s.cookie.empty());
  const auto home = client.Get("/", {{"Cookie", s.cookie}});
  REQUIRE(home);
  REQUIRE(home->status == 200);
  s.csrf = csrf_of(home->body);
  REQUIRE(!s.csrf.empty());
  return s;
}

httplib::Result get(httplib::Client& client, const std::string& path, const session& s) {
  return client.Get(path.c_str(), {{"Cookie", s.cookie}});
}

httplib::Result post(httplib::Client& client, const std::string& path, const session& s, httplib::Params params) {
  return client.Post(path.c_str(), {{"Cookie", s.cookie}}, params);
}

}  // namespace airlock::test::console
