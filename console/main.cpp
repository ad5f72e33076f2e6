// SPDX-License-Identifier: MIT
// `airlock-console` (also run as `airlock console`): the vendor console over the ledger, and
// `add-operator` to create the accounts that log in to it.
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cli/diagnostics.hpp"
#include "console/server.hpp"
#include "generator/command_line.hpp"
#include "generator/passphrase.hpp"
#include "keys/password.hpp"
#include "ledger/ledger.hpp"

namespace {

using namespace airlock;
using generator::command_spec;
namespace po = boost::program_options;

constexpr std::size_t min_password_length = 12;

struct listen_address {
  std::string host;
  int port = 0;
};

// HOST:PORT, [IPV6]:PORT; port 0 picks a free one (printed at start).
listen_address parse_listen(const std::string& text) {
  const auto colon = text.rfind(':');
  const auto bad = [&]() {
    return cli::failure(cli::exit_usage, "--listen '" + text + "' is not HOST:PORT, e.g. 127.0.0.1:8080");
  };
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) throw bad();
  listen_address a;
  a.host = text.substr(0, colon);
  if (a.host.front() == '[') {
    if (a.host.size() < 3 || a.host.back() != ']') throw bad();
    a.host = a.host.substr(1, a.host.size() - 2);
  }
  const std::string port = text.substr(colon + 1);
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) throw bad();
  a.port = std::stoi(port);
  if (a.port > 65535) throw bad();
  return a;
}

// Only the machine itself can reach these: 127.0.0.0/8, ::1 and localhost.
bool is_loopback(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

void require_readable(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw cli::failure(cli::exit_read_failed, cli::about_file(path, "cannot read the file"));
}

bool valid_operator_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) return false;
  }
  return true;
}

// SIGINT and SIGTERM, blocked in every thread, are taken by one thread: it stops the server once
// there is one (the command then ends with exit code 0), and ends the process before that.
class stop_on_signal {
 public:
  stop_on_signal() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
    thread_ = std::thread([this] {
      int number = 0;
      sigwait(&signals_, &number);
      if (finishing_) return;
      signalled_ = true;
      httplib::Server* s = server_.load();
      if (!s) std::_Exit(128 + number);  // nothing is served yet: nothing to close
      // stop() does nothing until the server runs: a signal just before it started waits for it.
      while (!s->is_running() && !finishing_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      s->stop();
    });
  }
  stop_on_signal(const stop_on_signal&) = delete;
  stop_on_signal& operator=(const stop_on_signal&) = delete;
  ~stop_on_signal() { finish(); }
  void watch(httplib::Server& server) { server_ = &server; }
  // Before the server goes away: a signal from now on is not for it.
  void finish() {
    if (!thread_.joinable()) return;
    finishing_ = true;
    if (!signalled_) pthread_kill(thread_.native_handle(), SIGTERM);  // wakes it to end
    thread_.join();
  }

 private:
  sigset_t signals_{};
  std::atomic<httplib::Server*> server_{nullptr};
  std::atomic<bool> finishing_{false}, signalled_{false};
  std::thread thread_;
};

int add_operator(const std::vector<std::string>& args) {
  command_spec spec{"airlock console add-operator NAME --ledger FILE [--password-file FILE]",
                    "Creates a console operator in the ledger. The password (at least 12 characters) is\n"
                    "read from --password-file (one final newline ignored), else asked twice at a prompt;\n"
                    "the ledger keeps only its Argon2id hash. The ledger must exist already.",
                    po::options_description("options"),
                    {}};
  spec.options.add_options()("name", po::value<std::string>(), "the operator's login name")(
      "password-file", po::value<std::string>(), "read the password from this file");
  ledger::add_ledger_options(spec.options, false);
  spec.positional.add("name", 1);
  po::variables_map vm;
  if (!generator::parse_command_line(spec, args, vm)) return cli::exit_ok;
  if (!vm.count("name")) throw cli::failure(cli::exit_usage, "name the operator to add");
  const std::string name = vm["name"].as<std::string>();
  if (!valid_operator_name(name))
    throw cli::failure(cli::exit_bad_input, "operator name '" + name +
                                                "' is not 1 to 64 letters, digits, '.', '_' or '-' "
                                                "starting with a letter or digit");
  const auto path = *ledger::ledger_path(vm, "");
  const std::string file = vm.count("password-file") ? vm["password-file"].as<std::string>() : "";
  // A password file is read before the ledger is opened, so that a bad one leaves the ledger as it was.
  std::string password;
  const keys::wipe_on_exit wipe{password};
  if (!file.empty()) password = generator::password_from(file);
  auto book = ledger::ledger::open_existing(path);
  if (file.empty()) password = generator::with_key_errors([&] { return generator::password_from(file); });
  if (password.size() < min_password_length)
    throw cli::failure(cli::exit_bad_input,
                       (file.empty() ? std::string("the password") : cli::about_file(file, "the password")) +
                           " is shorter than " + std::to_string(min_password_length) + " characters");
  book.add_operator(name, keys::hash_password(password));
  std::cout << "added operator " << name << "\n";
  return cli::exit_ok;
}

int serve(const std::vector<std::string>& args) {
  command_spec spec{
      "airlock console --key KEY [--ledger FILE] [--passphrase-file FILE] [--listen HOST:PORT] [--out-dir DIR] "
      "[--tls-cert FILE --tls-key FILE]",
      "Serves the vendor console: pages over the ledger for operators (see: airlock console\n"
      "add-operator --help). The key is unlocked once, here, as for `airlock issue`. A HOST\n"
      "other than the loopback (127.0.0.0/8, ::1, localhost) needs --tls-cert and --tls-key.\n"
      "Prints the address it listens on; stops on SIGINT or SIGTERM.",
      po::options_description("options"),
      {}};
  spec.options.add_options()("key", po::value<std::string>(), "the vendor's private key")(
      "passphrase-file", po::value<std::string>(), "read the key's passphrase from this file")(
      "listen", po::value<std::string>()->default_value("127.0.0.1:8080"), "HOST:PORT (port 0: any free port)")(
      "tls-cert", po::value<std::string>(), "serve HTTPS with this PEM certificate (chain)")(
      "tls-key", po::value<std::string>(), "the certificate's PEM private key")(
      "out-dir", po::value<std::string>(), "where issued licenses are written (default: the ledger's folder)");
  ledger::add_ledger_options(spec.options, false);
  po::variables_map vm;
  if (!generator::parse_command_line(spec, args, vm)) return cli::exit_ok;
  if (!vm.count("key")) throw cli::failure(cli::exit_usage, "--key KEY is required (see: airlock console --help)");
  stop_on_signal stopper;  // before any thread starts (Botan's Argon2 starts a pool), so all inherit the mask
  const auto address = parse_listen(vm["listen"].as<std::string>());
  const bool tls = vm.count("tls-cert") > 0;
  if (tls != (vm.count("tls-key") > 0)) throw cli::failure(cli::exit_usage, "give --tls-cert and --tls-key together");
  if (!tls && !is_loopback(address.host))
    throw cli::failure(cli::exit_usage, "--listen " + vm["listen"].as<std::string>() +
                                            " is not a loopback address: it needs --tls-cert and --tls-key");
  if (tls) {
    require_readable(vm["tls-cert"].as<std::string>());
    require_readable(vm["tls-key"].as<std::string>());
  }
  const std::string key_path = vm["key"].as<std::string>();
  auto book = ledger::ledger::open_existing(*ledger::ledger_path(vm, key_path));
  std::string out_dir = vm.count("out-dir") ? vm["out-dir"].as<std::string>() : "";
  if (out_dir.empty()) {
    const auto slash = book.path().find_last_of('/');
    out_dir = slash == std::string::npos ? "." : book.path().substr(0, slash == 0 ? 1 : slash);
  }
  struct stat st {};
  if (::stat(out_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || ::access(out_dir.c_str(), W_OK) != 0)
    throw cli::failure(cli::exit_write_failed, cli::about_file(out_dir, "not a folder this user can write"));
  const std::string passphrase_file = vm.count("passphrase-file") ? vm["passphrase-file"].as<std::string>() : "";
  auto key = generator::with_key_errors([&] {
    return keys::signing_key::load(key_path, generator::passphrase_from(passphrase_file, generator::prompt_mode::once));
  });
  if (!book.has_operators())
    cli::print_warning("airlock-console",
                       cli::about_file(book.path(), "no operator yet: add one with airlock console add-operator"));

  std::unique_ptr<httplib::Server> server;
  if (tls) {
    const std::string cert = vm["tls-cert"].as<std::string>(), tls_key = vm["tls-key"].as<std::string>();
    auto secure = std::make_unique<httplib::SSLServer>(cert.c_str(), tls_key.c_str());
    if (!secure->is_valid())
      throw cli::failure(cli::exit_bad_key,
                         cli::about_file(cert, "not a PEM certificate matching --tls-key " + tls_key));
    server = std::move(secure);
  } else {
    server = std::make_unique<httplib::Server>();
  }
  console::console_app app(std::move(book), std::move(key), tls, out_dir);
  app.install(*server);

  int port = address.port;
  if (port == 0)
    port = server->bind_to_any_port(address.host);
  else if (!server->bind_to_port(address.host, port))
    port = -1;
  if (port < 0)
    throw cli::failure(cli::exit_write_failed, "cannot listen on " + vm["listen"].as<std::string>() +
                                                   " (in use, or not an address of this machine)");
  stopper.watch(*server);  // from here a signal stops the server and the console exits 0
  const bool v6 = address.host.find(':') != std::string::npos;
  std::cout << "listening on " << (tls ? "https" : "http") << "://" << (v6 ? "[" : "") << address.host
            << (v6 ? "]" : "") << ":" << port << "/" << std::endl;
  server->listen_after_bind();
  stopper.finish();
  return cli::exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
  return cli::run_tool("airlock-console", [&]() -> int {
    keys::forbid_core_dumps();
    keys::size_locked_memory_pool();
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && args.front() == "add-operator") {
      args.erase(args.begin());
      return add_operator(args);
    }
    return serve(args);
  });
}
