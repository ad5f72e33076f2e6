// SPDX-License-Identifier: MIT
// Test helper: builds fake /sys, /proc and /etc trees in a temp dir plus stub CPUID/ethtool probes.
#ifndef AIRLOCK_TESTS_HWID_FAKE_MACHINE_HPP
#define AIRLOCK_TESTS_HWID_FAKE_MACHINE_HPP

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "airlock/format/match.hpp"
#include "airlock/hwid.hpp"

namespace fake {

namespace fs = std::filesystem;
using airlock::hwid::cpuid_regs;
using airlock::hwid::file_origin;
using airlock::hwid::namespace_ids;

// A directory tree under mkdtemp; paths given to it are absolute inside the fake root. Built at test
// time because sysfs names contain ':' and git loses symlinks, empty dirs and modes.
class tree {
 public:
  tree() {
    std::string pattern = (fs::temp_directory_path() / "airlock-hwid-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    root_ = pattern;
  }
  ~tree() {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }
  tree(const tree&) = delete;
  tree& operator=(const tree&) = delete;

  const std::string& root() const { return root_; }
  std::string host(const std::string& path) const { return root_ + path; }

  tree& dir(const std::string& path) {
    fs::create_directories(host(path));
    return *this;
  }
  tree& file(const std::string& path, const std::string& content) {
    dir(fs::path(path).parent_path().string());
    std::ofstream out(host(path), std::ios::binary | std::ios::trunc);
    out << content;
    return *this;
  }
  tree& link(const std::string& path, const std::string& target) {
    dir(fs::path(path).parent_path().string());
    std::error_code ignored;
    fs::remove(host(path), ignored);
    fs::create_symlink(target, host(path));
    return *this;
  }
  // A relative link, the way sysfs writes them ("../../devices/...").
  tree& rel_link(const std::string& path, const std::string& target) {
    const fs::path from = fs::path(path).parent_path();
    return link(path, fs::path(target).lexically_relative(from).string());
  }
  tree& remove(const std::string& path) {
    std::error_code ignored;
    fs::remove_all(host(path), ignored);
    return *this;
  }

 private:
  std::string root_;
};

inline std::uint32_t text_word(const std::string& s, std::size_t at) {
  std::uint32_t w = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const unsigned char c = at + i < s.size() ? static_cast<unsigned char>(s[at + i]) : 0;
    w |= std::uint32_t(c) << (8 * i);
  }
  return w;
}

// The kernel's file-system answer for `path`: the entry of the longest prefix in `table` ("" is the
// default), whose mount_root holds for that exact path only.
inline std::optional<airlock::hwid::file_origin> origin_in(
    const std::map<std::string, airlock::hwid::file_origin>& table, const std::string& path) {
  std::optional<airlock::hwid::file_origin> found;
  std::size_t best = 0;
  for (const auto& [prefix, origin] : table) {
    const bool under = prefix.empty() || path == prefix || path.rfind(prefix + "/", 0) == 0;
    if (under && (!found || prefix.size() >= best)) found = origin, best = prefix.size();
    if (under && path != prefix) found->mount_root = false;  // a mount's root is its own path only
  }
  return found;
}

struct machine {
  tree fs;
  std::map<std::uint32_t, cpuid_regs> cpuid;  // empty: no CPUID instruction (ARM)
  std::map<std::string, std::vector<std::uint8_t>> perm_macs;
  std::map<std::string, airlock::hwid::file_origin> origins;  // empty: no statfs/statx answers
  std::optional<airlock::hwid::namespace_ids> namespaces;     // unset: no namespace answer

  airlock::hwid::collect_options options(bool include_board = false) const {
    airlock::hwid::collect_options o;
    o.root = fs.root();
    o.set(airlock::format::component_class::board, include_board);
    if (!cpuid.empty()) {
      o.probes.cpuid = [leaves = cpuid](std::uint32_t leaf, cpuid_regs& out) {
        const auto it = leaves.find(leaf);
        if (it == leaves.end()) return false;
        out = it->second;
        return true;
      };
    } else {
      o.probes.cpuid = nullptr;
    }
    o.probes.permanent_mac = [macs = perm_macs](const std::string& name) {
      const auto it = macs.find(name);
      return it == macs.end() ? std::vector<std::uint8_t>{} : it->second;
    };
    // The kernel's answers describe the machine the tests run on, not the tree: a test that
    // needs them sets its own (origins, namespaces).
    o.probes.origin_of = origins.empty()
                             ? nullptr
                             : std::function<std::optional<file_origin>(const std::string&)>(
                                   [table = origins](const std::string& path) { return origin_in(table, path); });
    o.probes.namespaces = namespaces ? [ids = *namespaces] { return std::optional<namespace_ids>(ids); }
                                     : std::function<std::optional<namespace_ids>()>();
    return o;
  }
  airlock::hwid::machine_snapshot collect(bool include_board = false) const {
    return airlock::hwid::collect(options(include_board));
  }

  // CPUID leaves 0, 1, the brand leaves and, with a signature, the hypervisor leaf.
  void x86_cpu(const std::string& vendor, std::uint32_t eax, const std::string& brand,
               const std::string& hypervisor = "", std::uint32_t ebx = 0x00020800) {
    cpuid[0] = {0x10, text_word(vendor, 0), text_word(vendor, 8), text_word(vendor, 4)};
    cpuid[1] = {eax, ebx, hypervisor.empty() ? 0x7ffafbffu : 0xfffafbffu, 0x178bfbffu};
    cpuid[0x80000000u] = {0x80000008u, 0, 0, 0};
    for (std::uint32_t i = 0; i < 3; ++i) {
      const std::size_t at = i * 16;
      cpuid[0x80000002u + i] = {text_word(brand, at), text_word(brand, at + 4), text_word(brand, at + 8),
                                text_word(brand, at + 12)};
    }
    if (!hypervisor.empty())
      cpuid[0x40000000u] = {0x40000010u, text_word(hypervisor, 0), text_word(hypervisor, 4), text_word(hypervisor, 8)};
  }

  // /proc/self/mountinfo with a few unrelated mounts around the root line.
  void mount_root(const std::string& devnum, const std::string& fstype, const std::string& source,
                  const std::string& mount_root = "/") {
    fs.file("/proc/self/mountinfo",
            "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
            "23 27 0:22 / /sys rw,relatime - sysfs sysfs rw\n"
            "27 1 " +
                devnum + " " + mount_root + " / rw,relatime shared:1 - " + fstype + " " + source +
                " rw\n"
                "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n");
  }

  // A whole disk at `path` (under /sys/devices) with its /sys/block, /sys/class/block, /sys/dev links.
  void block(const std::string& path, const std::string& devnum) {
    const std::string name = fs::path(path).filename().string();
    fs.file(path + "/dev", devnum + "\n");
    fs.rel_link("/sys/block/" + name, path);
    fs.rel_link("/sys/class/block/" + name, path);
    fs.rel_link("/sys/dev/block/" + devnum, path);
  }
  void partition(const std::string& disk_path, const std::string& name, const std::string& devnum) {
    const std::string path = disk_path + "/" + name;
    fs.file(path + "/partition", "1\n");
    fs.file(path + "/dev", devnum + "\n");
    fs.rel_link("/sys/class/block/" + name, path);
    fs.rel_link("/sys/dev/block/" + devnum, path);
  }

  // An interface under `device_dir` (a bus device whose subsystem is `bus`), or virtual when empty.
  std::string nic(const std::string& name, const std::string& device_dir, const std::string& bus,
                  const std::string& address, int assign_type = 0, int type = 1) {
    const std::string dir = (device_dir.empty() ? std::string("/sys/devices/virtual") : device_dir) + "/net/" + name;
    fs.file(dir + "/address", address + "\n");
    fs.file(dir + "/addr_assign_type", std::to_string(assign_type) + "\n");
    fs.file(dir + "/type", std::to_string(type) + "\n");
    if (!device_dir.empty()) {
      fs.rel_link(dir + "/device", device_dir);
      fs.rel_link(device_dir + "/subsystem", "/sys/bus/" + bus);
      fs.dir("/sys/bus/" + bus);
    }
    fs.rel_link("/sys/class/net/" + name, dir);
    return dir;
  }

  void machine_id(const std::string& id) { fs.file("/etc/machine-id", id + "\n"); }
};

inline std::vector<std::uint8_t> mac_bytes(const std::string& text) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < text.size(); i += 3)
    out.push_back(std::uint8_t(std::stoul(text.substr(i, 2), nullptr, 16)));
  return out;
}

// Identity "hashing" for policy tests of collected snapshots: matching only compares strings.
inline airlock::format::component_hashes as_fingerprint(const airlock::hwid::machine_snapshot& snap) {
  airlock::format::component_hashes out;
  for (airlock::format::component_class c : airlock::format::all_component_classes) out[c] = snap[c].values;
  return out;
}

}  // namespace fake

// Readable failure messages for class readings and snapshots.
namespace Catch {
template <>
struct StringMaker<airlock::hwid::class_reading> {
  static std::string convert(const airlock::hwid::class_reading& r) {
    std::string out = "{";
    for (const std::string& v : r.values) out += " '" + v + "'";
    return out + (r.reason.empty() ? "" : " reason: " + r.reason) + " }";
  }
};
template <>
struct StringMaker<airlock::hwid::machine_snapshot> {
  static std::string convert(const airlock::hwid::machine_snapshot& s) {
    std::string out = std::string(to_string(s.environment)) + ":";
    for (airlock::format::component_class c : airlock::format::all_component_classes)
      out += " " + std::string(to_string(c)) + StringMaker<airlock::hwid::class_reading>::convert(s[c]);
    return out;
  }
};
}  // namespace Catch

#endif  // AIRLOCK_TESTS_HWID_FAKE_MACHINE_HPP
