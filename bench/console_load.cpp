// SPDX-License-Identifier: MIT
// The console under load: a ledger of 100,000 signed licenses, then 50 clients at once browsing,
// searching and issuing through airlock-console on 127.0.0.1. Reports p50/p95 latency per kind of
// request, against the same clients fetching the console's static stylesheet (the HTTP library's
// own cost: the peer in this run), and checks that no request failed and no ledger row was lost.
// Bounded: a fixed number of requests, a client timeout, and a deadline for the whole run.
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "airlock/format/request.hpp"
#include "generator/license_builder.hpp"
#include "keys/vendor_key.hpp"
#include "ledger/ledger.hpp"

namespace {

using namespace airlock;
using clock_type = std::chrono::steady_clock;

struct settings {
  std::size_t licenses = 100000;
  int clients = 50;
  int requests_per_client = 40;
  int deadline_seconds = 600;
  std::string bin_dir, source_dir;
  std::string fill_only;  // --fill-only FILE: write the ledger there and stop (to study its queries)
};

const char* const products[] = {"acme-studio", "acme-viewer", "acme-cloud-bridge", "acme-render-node", "acme-cad"};
const char* const feature_names[] = {"render", "export", "plugins", "batch", "gpu", "network"};

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string hex(std::mt19937_64& rng, int bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < bytes; ++i) {
    const auto b = rng();
    out += digits[b & 15];
    out += digits[(b >> 4) & 15];
  }
  return out;
}

std::string licensee_name(std::size_t n) { return "Customer " + std::to_string(n % 20000) + " GmbH"; }

// Licenses as airlock issue builds them from requests, with random machines, dates spread over
// two years around today, every 100th revoked. Recorded 5,000 to a transaction.
void fill_ledger(const settings& s, const std::string& ledger_path, const keys::signing_key& key) {
  auto parsed = format::parse_request(read_all(s.source_dir + "/formats/vectors/request.toml"));
  if (!parsed.ok()) throw std::runtime_error("cannot read formats/vectors/request.toml");
  const std::string key_id = keys::key_id(key.public_key());
  auto book = ledger::ledger::open(ledger_path);
  std::mt19937_64 rng(20261204);
  const auto now = generator::current_time();
  const std::int64_t day = 86400;
  std::vector<std::string> revoke;
  for (std::size_t done = 0; done < s.licenses;) {
    std::vector<format::license> lics;
    std::vector<std::string> texts;
    std::vector<ledger::record_context> ctxs;
    for (std::size_t i = 0; i < 5000 && done < s.licenses; ++i, ++done) {
      format::request req = *parsed.value;
      generator::license_order order;
      order.product = req.product = products[done % 5];
      order.licensee = licensee_name(done);
      const std::int64_t issued_days_ago = static_cast<std::int64_t>(rng() % 700);
      const auto issued = format::utc_time{now.seconds - issued_days_ago * day};
      const std::int64_t lifetime = static_cast<std::int64_t>(rng() % 900) + 30;
      if (done % 7 != 0)
        order.expires = format::to_string(format::utc_date(format::utc_time{issued.seconds + lifetime * day}));
      order.updates_until = format::to_string(format::utc_date(format::utc_time{issued.seconds + 365 * day}));
      for (std::size_t f = 0; f < 6; ++f)
        if ((rng() & 1) != 0) order.features.push_back(feature_names[f]);
      order.limits = {"seats=" + std::to_string(rng() % 50 + 1)};
      order.meta = {"order=SO-" + std::to_string(done)};
      order.request_path = "request.toml";
      req.machine.platform = {hex(rng, 16)};
      req.machine.disk = {hex(rng, 16)};
      req.machine.nic = {hex(rng, 16), hex(rng, 16)};
      req.machine.os = {hex(rng, 16)};
      lics.push_back(generator::build_license(order, key_id, issued, req));
      texts.push_back(generator::sign_license(lics.back(), key));
      ctxs.push_back({"issue", "", "/dev/null", ledger::sha256_hex(texts.back()), ""});
      if (done % 100 == 0) revoke.push_back(lics.back().id);
    }
    std::vector<const format::license*> lp;
    std::vector<const std::string*> tp;
    for (std::size_t i = 0; i < lics.size(); ++i) {
      lp.push_back(&lics[i]);
      tp.push_back(&texts[i]);
    }
    book.confirm(book.record_pending(lp, tp, ctxs));
  }
  for (const auto& id : revoke) (void)book.revoke(id, "bench");
}

struct console_run {
  pid_t pid = -1;
  int port = 0;
};

// airlock-console on 127.0.0.1 at a free port; its first line names the port.
console_run start_console(const settings& s, const std::string& dir) {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe");
  console_run run;
  run.pid = fork();
  if (run.pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    const std::string bin = s.bin_dir + "/airlock-console";
    const std::string key = s.source_dir + "/formats/vectors/test_vendor_key.pem";
    const std::string ledger_file = dir + "/ledger.sqlite";
    execl(bin.c_str(), bin.c_str(), "--key", key.c_str(), "--ledger", ledger_file.c_str(), "--listen", "127.0.0.1:0",
          "--out-dir", dir.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  std::string line;
  char c;
  while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
  close(out[0]);
  const auto colon = line.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("airlock-console did not start: " + line);
  run.port = std::stoi(line.substr(colon + 1));
  return run;
}

struct sample {
  std::string kind;
  double ms;
  bool ok;
};

std::string csrf_of(const std::string& html) {
  const std::string mark = "name=\"csrf\" value=\"";
  const auto at = html.find(mark);
  return at == std::string::npos ? "" : html.substr(at + mark.size(), 64);
}

std::string cookie_of(const httplib::Response& res, const std::string& name) {
  for (const auto& [k, v] : res.headers)
    if (k == "Set-Cookie" && v.rfind(name + "=", 0) == 0) return v.substr(0, v.find(';'));
  return {};
}

// One client: logs in, then a fixed mix of pages and issues.
void client_run(const settings& s, int port, int n, std::vector<sample>& out, std::mutex& m) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(30, 0);
  client.set_connection_timeout(5, 0);
  std::mt19937_64 rng(static_cast<std::uint64_t>(n) * 7919);
  std::vector<sample> mine;
  const auto timed = [&](const std::string& kind, auto&& call, int want) {
    const auto t0 = clock_type::now();
    auto res = call();
    const double ms = std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
    mine.push_back({kind, ms, res && res->status == want});
    return res;
  };
  const auto form = client.Get("/login");
  const std::string login_cookie = form ? cookie_of(*form, "airlock_login") : "";
  auto logged = timed(
      "login (Argon2id)",
      [&] {
        return client.Post(
            "/login", {{"Cookie", login_cookie}},
            httplib::Params{
                {"csrf", form ? csrf_of(form->body) : ""}, {"name", "bench"}, {"password", "bench-operator-password"}});
      },
      303);
  const std::string session = logged ? cookie_of(*logged, "airlock_session") : "";
  const httplib::Headers h{{"Cookie", session}};
  std::string csrf;
  for (int i = 0; i < s.requests_per_client; ++i) {
    const int pick = static_cast<int>(rng() % 100);
    if (pick < 10) {
      auto res = timed(
          "dashboard", [&] { return client.Get("/", h); }, 200);
      if (res && csrf.empty()) csrf = csrf_of(res->body);
    } else if (pick < 35) {
      const auto page = std::to_string(rng() % 2000 + 1);
      timed(
          "list page", [&] { return client.Get("/licenses?page=" + page, h); }, 200);
    } else if (pick < 55) {
      const auto who = std::to_string(rng() % 20000);
      timed(
          "search licensee", [&] { return client.Get("/licenses?licensee=customer+" + who + "+gmbh", h); }, 200);
    } else if (pick < 70) {
      const std::string product = products[rng() % 5];
      timed(
          "filter product+state, sorted",
          [&] { return client.Get("/licenses?product=" + product + "&state=active&sort=expires&dir=asc", h); }, 200);
    } else if (pick < 80) {
      timed(
          "static stylesheet (peer)", [&] { return client.Get("/static/console.css", h); }, 200);
    } else if (pick < 92) {
      const auto page = std::to_string(rng() % 2000 + 1);
      auto listed = client.Get("/licenses?page=" + page, h);
      std::string id;
      if (listed) {
        const auto at = listed->body.find("<a href=\"/license/");
        if (at != std::string::npos) id = listed->body.substr(at + 18, listed->body.find('"', at + 18) - at - 18);
      }
      timed(
          "one license", [&] { return client.Get("/license/" + id, h); }, 200);
    } else {
      if (csrf.empty())
        if (auto res = client.Get("/issue", h)) csrf = csrf_of(res->body);
      const httplib::MultipartFormDataItems order = {{"csrf", csrf, "", ""},
                                                     {"unbound", "yes", "", ""},
                                                     {"product", "acme-bench", "", ""},
                                                     {"licensee", "Load Client " + std::to_string(n), "", ""}};
      timed(
          "issue (sign + record)", [&] { return client.Post("/issue", h, order); }, 303);
    }
  }
  std::lock_guard<std::mutex> lock(m);
  out.insert(out.end(), mine.begin(), mine.end());
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

int run(const settings& s) {
  char dir_template[] = "/tmp/airlock-console-load-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string ledger_path = dir + "/ledger.sqlite";
  const auto key = keys::signing_key::load(s.source_dir + "/formats/vectors/test_vendor_key.pem", {});
  auto t0 = clock_type::now();
  fill_ledger(s, ledger_path, key);
  const double fill_s = std::chrono::duration<double>(clock_type::now() - t0).count();
  std::ofstream(dir + "/password") << "bench-operator-password\n";
  const std::string add = s.bin_dir + "/airlock-console add-operator bench --ledger " + ledger_path +
                          " --password-file " + dir + "/password >/dev/null";
  if (std::system(add.c_str()) != 0) throw std::runtime_error("add-operator failed");
  std::cout << "ledger: " << s.licenses << " licenses signed and recorded in " << fill_s << " s\n";
  const std::int64_t before = ledger::ledger::open_existing(ledger_path).search({}, {}, 0, 1).total;

  const console_run console = start_console(s, dir);
  std::vector<sample> samples;
  std::mutex m;
  std::atomic<bool> finished{false};
  std::thread watchdog([&] {  // the run's bound in time: stop the console, so every client returns
    const auto end = clock_type::now() + std::chrono::seconds(s.deadline_seconds);
    while (!finished && clock_type::now() < end) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!finished) kill(console.pid, SIGTERM);
  });
  t0 = clock_type::now();
  std::vector<std::thread> clients;
  for (int i = 0; i < s.clients; ++i) clients.emplace_back([&, i] { client_run(s, console.port, i, samples, m); });
  for (auto& t : clients) t.join();
  const double wall = std::chrono::duration<double>(clock_type::now() - t0).count();
  finished = true;
  watchdog.join();
  kill(console.pid, SIGTERM);
  int status = 0;
  waitpid(console.pid, &status, 0);

  std::map<std::string, std::vector<double>> by_kind;
  std::vector<double> pages;
  int failed = 0, issued = 0;
  for (const auto& x : samples) {
    by_kind[x.kind].push_back(x.ms);
    if (!x.ok) ++failed;
    if (x.ok && x.kind.rfind("issue", 0) == 0) ++issued;
    if (x.kind.rfind("static", 0) != 0 && x.kind.rfind("login", 0) != 0) pages.push_back(x.ms);
  }
  std::printf("%d clients, %zu requests in %.1f s (%.0f requests/s)\n", s.clients, samples.size(), wall,
              static_cast<double>(samples.size()) / wall);
  std::printf("%-32s %8s %10s %10s\n", "request", "count", "p50 ms", "p95 ms");
  for (const auto& [kind, v] : by_kind)
    std::printf("%-32s %8zu %10.1f %10.1f\n", kind.c_str(), v.size(), percentile(v, 0.5), percentile(v, 0.95));
  const auto& peer = by_kind["static stylesheet (peer)"];
  std::printf("%-32s %8zu %10.1f %10.1f\n", "all pages", pages.size(), percentile(pages, 0.5), percentile(pages, 0.95));
  if (!peer.empty())
    std::printf("pages / static peer: p50 %.1fx, p95 %.1fx\n", percentile(pages, 0.5) / percentile(peer, 0.5),
                percentile(pages, 0.95) / percentile(peer, 0.95));
  auto book = ledger::ledger::open_existing(ledger_path);
  const std::int64_t after = book.search({}, {}, 0, 1).total;
  const bool chain_ok = book.verify().ok;
  std::printf("failed requests: %d; ledger rows: %lld before + %d issued = %lld after (%s); chain %s\n", failed,
              static_cast<long long>(before), issued, static_cast<long long>(after),
              after == before + issued ? "none lost" : "ROWS LOST", chain_ok ? "verifies" : "BROKEN");
  std::system(("rm -rf '" + dir + "'").c_str());
  return failed == 0 && after == before + issued && chain_ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  settings s;
  s.bin_dir = AIRLOCK_BIN_DIR;
  s.source_dir = AIRLOCK_SOURCE_DIR;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string opt = argv[i];
    if (opt == "--licenses") s.licenses = std::stoul(argv[i + 1]);
    if (opt == "--clients") s.clients = std::stoi(argv[i + 1]);
    if (opt == "--requests") s.requests_per_client = std::stoi(argv[i + 1]);
    if (opt == "--fill-only") s.fill_only = argv[i + 1];
  }
  signal(SIGPIPE, SIG_IGN);
  try {
    if (!s.fill_only.empty()) {
      fill_ledger(s, s.fill_only, keys::signing_key::load(s.source_dir + "/formats/vectors/test_vendor_key.pem", {}));
      return 0;
    }
    return run(s);
  } catch (const std::exception& e) {
    std::cerr << "bench_console_load: " << e.what() << "\n";
    return 1;
  }
}
