// SPDX-License-Identifier: MIT
// One license, whole process: `airlock issue` (without and with a ledger) and `airlock --version`
// against `openssl pkeyutl -sign -rawin` signing the same message with the same unencrypted
// PKCS#8 key, interleaved in one run, median of N. Target: issue --no-ledger <= 1.0x openssl.
// Local files only; every child is waited for.
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace {

using clock_type = std::chrono::steady_clock;

// Runs argv with stdout and stderr on /dev/null; the wall time in milliseconds. A failing command
// stops the benchmark: a fast failure would look like a fast success.
double run_ms(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  const auto start = clock_type::now();
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw std::runtime_error("cannot start " + argv[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  const double ms = std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string line;
    for (const auto& a : argv) line += a + " ";
    throw std::runtime_error("failed: " + line);
  }
  return ms;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The bytes a license's signature covers: the kind's prefix and the body (FORMAT.md).
std::string signed_message(const std::string& license_text) {
  return "airlock-license-v1\n" + license_text.substr(0, license_text.rfind("[signature]\n"));
}

// The airlock binary beside this benchmark (both land in build-bench/bin).
std::string tool_beside_me() {
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "airlock").string();
}

std::string file_system_of(const std::string& path) {
  struct statfs st {};
  if (::statfs(path.c_str(), &st) != 0) return "?";
  if (st.f_type == 0x01021994) return "tmpfs";
  if (st.f_type == 0xEF53) return "ext2/3/4";
  return "other";
}

}  // namespace

// Usage: bench_issue_process [rounds=31] [folder=$TMPDIR or /tmp]
int main(int argc, char** argv) try {
  const int rounds = std::max(1, argc > 1 ? std::atoi(argv[1]) : 31);
  const std::string root = argc > 2 ? argv[2] : std::filesystem::temp_directory_path().string();
  std::string dir = root + "/airlock-process-XXXXXX";
  if (!::mkdtemp(dir.data())) throw std::runtime_error("mkdtemp failed in " + root);
  const std::string tool = tool_beside_me(), key = dir + "/vendor.key", ledger = dir + "/ledger.sqlite";
  run_ms({tool, "keygen", "--private", key, "--public", dir + "/vendor.pub", "--unencrypted"});
  const std::vector<std::string> order = {"--key",    key,         "--product", "acme-studio",         "--licensee",
                                          "Customer", "--unbound", "--issued",  "2025-03-01T09:15:00Z"};
  auto issue = [&](const std::string& out, const std::string& id, bool with_ledger) {
    std::vector<std::string> command = {tool, "issue"};
    command.insert(command.end(), order.begin(), order.end());
    command.insert(command.end(), {"--id", id, "--out", out});
    if (with_ledger)
      command.insert(command.end(), {"--ledger", ledger});
    else
      command.push_back("--no-ledger");
    return command;
  };
  run_ms(issue(dir + "/first.toml", "0", false));
  const std::string first = read_all(dir + "/first.toml");
  { std::ofstream(dir + "/message", std::ios::binary) << signed_message(first); }
  // Same key, same message: openssl's signature is the license's (Ed25519 is deterministic).
  run_ms({"openssl", "pkeyutl", "-sign", "-rawin", "-inkey", key, "-in", dir + "/message", "-out", dir + "/sig"});
  run_ms({"openssl", "base64", "-A", "-in", dir + "/sig", "-out", dir + "/sig.b64"});
  if (first.find("value = \"" + read_all(dir + "/sig.b64") + "\"") == std::string::npos)
    throw std::runtime_error("openssl's signature differs from the license's: not the same message or key");
  run_ms(issue(dir + "/warm.toml", "warm", true));  // the ledger exists before the timed runs

  std::vector<double> openssl, plain, recorded, startup;
  for (int r = 0; r < rounds; ++r) {
    const std::string n = std::to_string(r);
    // Rotating order: no command always runs right after another one's file writes.
    for (int k = 0; k < 4; ++k) switch ((k + r) % 4) {
        case 0:
          openssl.push_back(run_ms({"openssl", "pkeyutl", "-sign", "-rawin", "-inkey", key, "-in", dir + "/message",
                                    "-out", dir + "/sig" + n}));
          break;
        case 1: plain.push_back(run_ms(issue(dir + "/plain" + n + ".toml", "plain" + n, false))); break;
        case 2: recorded.push_back(run_ms(issue(dir + "/rec" + n + ".toml", "rec" + n, true))); break;
        default: startup.push_back(run_ms({tool, "--version"})); break;
      }
  }
  const double o = median(openssl), p = median(plain), l = median(recorded), s = median(startup);
  std::printf("one license, whole process, median of %d interleaved rounds (folder %s, %s)\n", rounds, dir.c_str(),
              file_system_of(dir).c_str());
  std::printf("  openssl pkeyutl -sign -rawin       %7.3f ms\n", o);
  std::printf("  airlock issue --no-ledger          %7.3f ms   %.2fx openssl (target <= 1.00: %s)\n", p, p / o,
              p <= o ? "met" : "NOT met");
  std::printf("  airlock issue --ledger FILE        %7.3f ms   %.2fx openssl\n", l, l / o);
  std::printf("    ledger cost (pending row, confirm, their fsyncs) %7.3f ms\n", l - p);
  std::printf("  airlock --version (start-up alone) %7.3f ms   %.2fx openssl\n", s, s / o);
  std::filesystem::remove_all(dir);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "bench_issue_process: %s\n", e.what());
  return 1;
}
