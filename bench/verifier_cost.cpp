// SPDX-License-Identifier: MIT
// What embedding the verifier costs (issue 7): lines of the single header (per
// source folder), compile time of a file that includes only it, bytes it adds
// to a stripped program, and the latency of the whole check (read, verify,
// collect this machine's fingerprint, match), next to the same pipeline with
// the signature step done by libsodium or OpenSSL instead; the bound check as a
// ratio to one libsodium verify of the same license in the same run (issue 14),
// and the check's peak heap counted by a replaced operator new.
#include <openssl/evp.h>
#include <sodium.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <new>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "airlock/airlock.hpp"
#include "airlock/format/writers.hpp"
#include "round_robin.hpp"

// Heap accounting for the peak-heap figure: every operator new of the program goes through here,
// and is counted only between heap_meter's start and stop. libsodium and OpenSSL use malloc and are
// not counted; the check itself allocates only through operator new.
namespace heap {
std::size_t live = 0, peak = 0;
bool on = false;
constexpr std::size_t header = alignof(std::max_align_t);
}  // namespace heap

void* operator new(std::size_t n) {
  void* block = std::malloc(n + heap::header);
  if (block == nullptr) throw std::bad_alloc();
  std::memcpy(block, &n, sizeof n);
  if (heap::on) heap::peak = std::max(heap::peak, heap::live += n);
  return static_cast<char*>(block) + heap::header;
}

void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  char* block = static_cast<char*>(p) - heap::header;
  std::size_t n = 0;
  std::memcpy(&n, block, sizeof n);
  if (heap::on) heap::live -= std::min(n, heap::live);  // blocks from before start are not in live
  std::free(block);
}

void operator delete(void* p, std::size_t) noexcept { operator delete(p); }

namespace {

using airlock_bench::median;

// The most heap `op` holds at once, beyond what was live before it.
template <class Op>
std::size_t peak_heap(Op op) {
  heap::live = heap::peak = 0;
  heap::on = true;
  const bool ok = op();
  heap::on = false;
  if (!ok) std::printf("ERROR: the operation measured for its heap failed\n");
  return heap::peak;
}
const std::string source_dir = AIRLOCK_SOURCE_DIR;
const std::string single_header = source_dir + "/verifier/single_include/airlock.hpp";

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_text(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

long file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<long>(st.st_size) : -1;
}

// Lines of the single header, by the folder each amalgamated file came from.
void print_lines() {
  std::istringstream in(read_text(single_header));
  std::map<std::string, int> per_folder;
  std::string line, folder = "(preamble)";
  int total = 0;
  while (std::getline(in, line)) {
    ++total;
    if (line.rfind("// ----- ", 0) == 0) {
      const std::string path = line.substr(9, line.size() - 15);
      folder = path.substr(0, path.rfind('/'));
    }
    ++per_folder[folder];
  }
  std::printf("single header: %d lines (target < 3000)\n", total);
  for (const auto& [name, count] : per_folder) std::printf("  %-40s %5d\n", name.c_str(), count);
}

// What one shell command cost: wall time, CPU time of every process it waited for, and the largest
// resident set any child of this benchmark has had so far (getrusage keeps only the maximum).
struct command_cost {
  double wall_ms = 0, cpu_ms = 0;
  long max_rss_kib = 0;
};

double cpu_ms_of(const rusage& u) {
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

command_cost run_command(const std::string& command) {
  rusage before{}, after{};
  ::getrusage(RUSAGE_CHILDREN, &before);
  const auto start = std::chrono::steady_clock::now();
  if (std::system(command.c_str()) != 0) {
    std::printf("FAILED: %s\n", command.c_str());
    std::exit(1);
  }
  const auto stop = std::chrono::steady_clock::now();
  ::getrusage(RUSAGE_CHILDREN, &after);
  return {std::chrono::duration<double, std::milli>(stop - start).count(), cpu_ms_of(after) - cpu_ms_of(before),
          after.ru_maxrss};
}

// Median wall and CPU time of `runs` runs of `command`.
void print_command_cost(const char* what, const std::string& command, int runs, const char* target) {
  std::vector<double> wall, cpu;
  long rss = 0;
  for (int i = 0; i < runs; ++i) {
    const command_cost cost = run_command(command);
    wall.push_back(cost.wall_ms);
    cpu.push_back(cost.cpu_ms);
    rss = cost.max_rss_kib;
  }
  std::printf("%s: median %.0f ms CPU (%.0f ms wall) of %d, peak %.0f MiB (%s)\n", what, median(cpu), median(wall),
              runs, rss / 1024.0, target);
}

void print_compile_time(const std::string& work, int runs) {
  write_text(work + "/include_only.cpp", "#include \"airlock.hpp\"\n");
  print_command_cost("compile, g++ -std=c++17 -O2 -c of a file including only airlock.hpp",
                     std::string(AIRLOCK_CXX) + " -std=c++17 -O2 -I " + source_dir + "/verifier/single_include -c " +
                         work + "/include_only.cpp -o " + work + "/include_only.o",
                     runs, "target <= 500 ms CPU");
}

// What a product really pays: compiling and linking a program that runs one full check.
void print_full_compile_time(const std::string& work, int runs) {
  print_command_cost("compile and link, g++ -std=c++17 -O2 of a program running one check",
                     std::string(AIRLOCK_CXX) + " -std=c++17 -O2 -I " + source_dir + "/verifier/single_include " +
                         work + "/full.cpp -o " + work + "/full",
                     runs, "target <= 2000 ms CPU, <= 150 MiB");
}

const char full_program[] = R"(#include "airlock.hpp"
#include <cstdio>
int main(int argc, char** argv) {
  if (argc < 3) return 2;
  airlock::trust_store trusted;
  std::FILE* f = std::fopen(argv[2], "rb");
  char pem[512] = {};
  const std::size_t n = f ? std::fread(pem, 1, sizeof pem - 1, f) : 0;
  if (f) std::fclose(f);
  if (!trusted.add_pem(std::string_view(pem, n))) return 3;
  airlock::verify_options options;
  options.product = "acme-studio";
  const airlock::verify_result r = airlock::verify_license_file(argv[1], trusted, options);
  std::printf("%s %s\n", std::string(airlock::to_string(r.why)).c_str(), r.message.c_str());
  return r.ok() ? 0 : 1;
}
)";

// Stripped -O2 size of an empty program and of one that does a full check.
void print_size_added(const std::string& work) {
  write_text(work + "/empty.cpp", "int main() { return 0; }\n");
  write_text(work + "/full.cpp", full_program);
  const std::string cxx = std::string(AIRLOCK_CXX) + " -std=c++17 -s -I " + source_dir + "/verifier/single_include ";
  for (const char* flags : {"-O2", "-O2 -static", "-Os"}) {
    run_command(cxx + flags + " " + work + "/empty.cpp -o " + work + "/empty");
    run_command(cxx + flags + " " + work + "/full.cpp -o " + work + "/full");
    const long empty = file_size(work + "/empty"), full = file_size(work + "/full");
    std::printf("size added, %-14s -s: empty %7ld B, full check %7ld B, added %6.1f KB (target < 100 KB)\n", flags,
                empty, full, (full - empty) / 1024.0);
  }
}

struct fixture {
  std::string license_path, pem;
  std::array<std::uint8_t, 32> public_key{};
  airlock::verify_options options;
};

// A license bound to this machine, signed with a fresh libsodium key.
fixture make_fixture(const std::string& work) {
  fixture fx;
  std::uint8_t secret[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(fx.public_key.data(), secret);
  airlock::format::license lic;
  lic.id = "bench-0001";
  lic.key_id = airlock::key_id_of(fx.public_key);
  lic.product = "acme-studio";
  lic.licensee = "Bench Corp";
  lic.issued = airlock::format::utc_time{1767225600};  // 2026-01-01
  lic.not_before = airlock::format::utc_date(lic.issued);
  lic.features = {"render"};
  const auto hashes = airlock::hwid::hash_snapshot(airlock::hwid::collect({}), lic.key_id, lic.product);
  // The default policy: this machine's software-assigned MAC is evidence_only, which v1 cannot record.
  lic.machine = {false, std::string(airlock::format::default_match_policy), false, hashes};
  const airlock::format::write_result written = airlock::format::write_license_body(lic);
  if (!written.error.empty()) {
    std::printf("FAILED: the bench license cannot be written: %s\n", written.error.c_str());
    std::exit(1);
  }
  const std::string& body = written.text;
  const std::string message = airlock::format::signed_message(body);
  airlock::format::signature_block block;
  block.key_id = lic.key_id;
  crypto_sign_detached(block.value.data(), nullptr, reinterpret_cast<const std::uint8_t*>(message.data()),
                       message.size(), secret);
  fx.license_path = work + "/bench.lic";
  write_text(fx.license_path, body + airlock::format::write_signature_block(block).text);
  fx.pem = airlock::format::public_key_to_pem(fx.public_key);
  fx.options.product = "acme-studio";
  fx.options.build_date = airlock::format::date{2026, 1, 15};
  return fx;
}

bool sodium_signature(const fixture& fx, const std::string& message, const airlock::format::signature_block& s) {
  return crypto_sign_verify_detached(s.value.data(), reinterpret_cast<const std::uint8_t*>(message.data()),
                                     message.size(), fx.public_key.data()) == 0;
}

bool openssl_signature(const fixture& fx, const std::string& message, const airlock::format::signature_block& s) {
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, fx.public_key.data(), 32);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = key && ctx && EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key) == 1 &&
                  EVP_DigestVerify(ctx, s.value.data(), 64, reinterpret_cast<const std::uint8_t*>(message.data()),
                                   message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok;
}

// The same pipeline as verify_license_file, with another signature primitive.
template <class Signature>
bool peer_check(const fixture& fx, Signature signature_ok) {
  const std::string text = read_text(fx.license_path);
  auto split = airlock::format::open_license(text);
  if (!split.ok() || !signature_ok(fx, airlock::format::signed_message(split.value->body), split.value->signature))
    return false;
  auto lic = airlock::format::parse_license_body(split.value->body);
  if (!lic.ok()) return false;
  const auto& recorded = lic.value->machine.hashes;
  const auto current = airlock::hwid::hash_snapshot(airlock::hwid::collect(airlock::hwid::options_for(recorded)),
                                                    lic.value->key_id, lic.value->product);
  return airlock::format::match_fingerprint(lic.value->machine.policy, recorded, current).ok;
}

void print_latency(const fixture& fx, int rounds) {
  const auto airlock_check = [&] {
    airlock::trust_store trusted;  // re-decoded on every call, as licensecc does
    return trusted.add(fx.public_key.data(), 32) &&
           airlock::verify_license_file(fx.license_path, trusted, fx.options).ok();
  };
  if (!airlock_check()) {
    std::printf("FAILED: the bench license does not verify on this machine\n");
    std::exit(1);
  }
  const std::string text = read_text(fx.license_path);
  const auto split = airlock::format::open_license(text);
  const std::string message = airlock::format::signed_message(split.value->body);
  std::vector<airlock_bench::contender> contenders = {
      {"airlock whole check (file)", airlock_check},
      {"  same, PEM key parsed each call",
       [&] {
         airlock::trust_store trusted;
         return trusted.add_pem(fx.pem) && airlock::verify_license_file(fx.license_path, trusted, fx.options).ok();
       }},
      {"  same, machine snapshot given",
       [&] {
         static const airlock::verify_options given = [&] {
           airlock::verify_options o = fx.options;
           o.machine = airlock::hwid::collect({});
           return o;
         }();
         airlock::trust_store trusted;
         return trusted.add(fx.public_key.data(), 32) &&
                airlock::verify_license_file(fx.license_path, trusted, given).ok();
       }},
      {"  peer: libsodium signature", [&] { return peer_check(fx, sodium_signature); }},
      {"  peer: OpenSSL signature", [&] { return peer_check(fx, openssl_signature); }},
      {"step: read file", [&] { return !read_text(fx.license_path).empty(); }},
      {"step: Ed25519 verify (airlock)",
       [&] {
         return airlock::ed25519::verify(fx.public_key.data(), 32,
                                         reinterpret_cast<const std::uint8_t*>(message.data()), message.size(),
                                         split.value->signature.value.data(), 64);
       }},
      {"step: Ed25519 verify (libsodium)", [&] { return sodium_signature(fx, message, split.value->signature); }},
      {"step: Ed25519 verify (OpenSSL)", [&] { return openssl_signature(fx, message, split.value->signature); }},
      {"step: parse body", [&] { return airlock::format::parse_license_body(split.value->body).ok(); }},
      {"step: collect this machine", [&] { return airlock::hwid::collect({}).platform.present(); }},
      {"step: hash snapshot",
       [&] {
         static const auto snap = airlock::hwid::collect({});
         return !airlock::hwid::hash_snapshot(snap, "0123456789abcdef", "acme-studio").platform.empty();
       }},
  };
  std::printf("latency, %d interleaved rounds of one call each (licensecc acquire_license: ~70-80 us)\n", rounds);
  const long failures = airlock_bench::run_rounds(contenders, rounds, 1);
  airlock_bench::print_table(contenders, 1);
  if (failures) std::printf("ERROR: %ld checks failed\n", failures);
  const auto median_of = [&](const std::string& name) {
    for (const auto& c : contenders)
      if (c.name == name) return median(c.microseconds_per_op);
    return 0.0;
  };
  const double sodium = median_of("step: Ed25519 verify (libsodium)");
  std::printf("bound check, machine collected / one libsodium verify of the same license: %.2f (target <= 2.0)\n",
              median_of("airlock whole check (file)") / sodium);
  std::printf("bound check, snapshot given    / one libsodium verify of the same license: %.2f\n",
              median_of("  same, machine snapshot given") / sodium);
  std::printf("collecting this machine alone  / one libsodium verify of the same license: %.2f\n",
              median_of("step: collect this machine") / sodium);
}

// Peak heap of one check beyond the license text (target <= 64 KiB), and of its collection alone.
void print_heap(const fixture& fx) {
  const std::size_t license_bytes = read_text(fx.license_path).size();
  airlock::trust_store trusted;
  if (!trusted.add(fx.public_key.data(), 32)) return;
  const std::size_t check =
      peak_heap([&] { return airlock::verify_license_file(fx.license_path, trusted, fx.options).ok(); });
  const std::size_t collect = peak_heap([] { return airlock::hwid::collect({}).platform.present(); });
  std::printf("peak heap, whole bound check: %zu B, beyond the %zu B license text: %.1f KiB (target <= 64 KiB)\n",
              check, license_bytes, (check > license_bytes ? check - license_bytes : 0) / 1024.0);
  std::printf("peak heap, collecting this machine alone: %.1f KiB\n", collect / 1024.0);
}

// A fake root holding only a mount table: this machine's first lines (root, /proc, /sys...) and
// `extra` mounts of a container host that cover no path the collectors read (overlay roots,
// network namespaces, pod volumes), plus one bind mount over /etc/machine-id among them.
std::string fake_mount_root(const std::string& work, const std::string& name, int extra, int kept = 0) {
  const std::string root = work + "/" + name;
  std::system(("mkdir -p " + root + "/proc/self " + root + "/etc").c_str());
  write_text(root + "/etc/machine-id", "0123456789abcdef0123456789abcdef\n");
  std::string table =
      "22 27 0:21 / /proc rw,relatime - proc proc rw\n23 27 0:22 / /sys rw,relatime - sysfs sysfs rw\n"
      "27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n";
  for (int i = 0; i < extra; ++i) {
    const std::string n = std::to_string(1000 + i);
    if (i == extra / 2) table += "40 27 254:0 /home/u/id /etc/machine-id rw - ext4 /dev/vda rw\n";
    if (i % 3 == 0)
      table += n + " 27 0:" + n + " / /var/lib/docker/overlay2/" + std::string(56, 'a') + n +
               "/merged rw,relatime - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/" + n + "\n";
    else if (i % 3 == 1)
      table += n + " 27 0:4 net:[" + n + "] /run/docker/netns/" + n + " rw,nosuid - nsfs nsfs rw\n";
    else
      table += n + " 27 0:" + n + " / /var/lib/kubelet/pods/" + n + "/volumes rw,relatime - tmpfs tmpfs rw\n";
  }
  for (int i = 0; i < kept; ++i)  // on the way to /sys/devices, so kept, with 100-byte mount points
    table += std::to_string(900 + i) + " 23 0:" + std::to_string(900 + i) + " / /sys/devices/virtual/misc/" +
             std::string(72, 'k') + std::to_string(100 + i) + " rw - tmpfs tmpfs rw\n";
  write_text(root + "/proc/self/mountinfo", table);
  return root;
}

// Peak heap of collecting (every class but board) a fake root whose mount table is short or long:
// what the mount table alone costs the check.
void print_mount_table_heap(const std::string& work) {
  const std::pair<int, int> tables[] = {{30, 0}, {5000, 0}, {20000, 0}, {20000, 62}};  // unrelated, kept
  for (const auto& [extra, kept] : tables) {
    airlock::hwid::collect_options options;
    options.root = fake_mount_root(work, "mounts-" + std::to_string(extra) + "-" + std::to_string(kept), extra, kept);
    options.probes = {};  // the fake root has no kernel answers
    std::string os_reason;
    const std::size_t peak = peak_heap([&] {
      const airlock::hwid::machine_snapshot snap = airlock::hwid::collect(options);
      os_reason = snap.os.reason;
      return !snap.os.present();  // the bind mount over /etc/machine-id must be seen
    });
    std::vector<double> us;
    for (int run = 0; run < 9; ++run) {
      const auto start = std::chrono::steady_clock::now();
      if (airlock::hwid::collect(options).os.present()) std::printf("ERROR: the bind mount was not seen\n");
      us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    }
    std::printf(
        "peak heap, collecting a fake root with %5d mounts, %2d more kept (one bind over /etc/machine-id): %.1f KiB "
        "(median %.0f us), os: %s\n",
        extra + 4, kept, peak / 1024.0, median(us), os_reason.c_str());
  }
}

}  // namespace

// Usage: bench_verifier_cost [latency rounds=2001] [compile runs=5]; compile runs 0 skips the header,
// compile and size figures (the latency and heap figures alone, in seconds).
int main(int argc, char** argv) {
  if (sodium_init() < 0) return 1;
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 2001, compiles = argc > 2 ? std::atoi(argv[2]) : 5;
  char work_template[] = "/tmp/airlock-bench-XXXXXX";
  const char* made = ::mkdtemp(work_template);
  if (!made) return 1;
  const std::string work = made;
  std::printf("compiler: %s\n", AIRLOCK_CXX);
  if (compiles > 0) {
    print_lines();
    print_compile_time(work, compiles);
    print_size_added(work);
    print_full_compile_time(work, compiles);
  }
  const fixture fx = make_fixture(work);
  print_heap(fx);
  print_mount_table_heap(work);
  print_latency(fx, rounds);
  std::system(("rm -rf " + work).c_str());
  return 0;
}
