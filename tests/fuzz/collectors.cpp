// SPDX-License-Identifier: MIT
// The hwid collectors over a fake root whose files and symlinks come from the input. The input is a
// list of at most 32 entries: [where] [name] [length high] [length low] [length bytes]. `where`
// picks a directory (bits 0-4; bit 7: make a symlink whose target is the bytes instead of a file), `name` a
// file name the collectors look for; length is at most 4 KiB. Paths come from tables rather than
// from the bytes so that most runs build trees the collectors actually read. One temp root,
// emptied before every run.
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "airlock/hwid/collect.hpp"

namespace {

namespace fs = std::filesystem;

const char* const directories[] = {"/sys/block/sda",
                                   "/sys/block/nvme0n1",
                                   "/sys/block/sda/sda1",
                                   "/sys/block/dm-0",
                                   "/sys/class/net/eth0",
                                   "/sys/class/net/wlan0",
                                   "/sys/class/dmi/id",
                                   "/sys/fs/btrfs/0a1b2c3d-0000-0000-0000-000000000000/devices",
                                   "/sys/dev/block",
                                   "/sys/devices/virtual/net/lo",
                                   "/sys/devices/virtual/nvme-subsystem/nvme-subsys0",
                                   "/proc/self",
                                   "/proc/sys/kernel",
                                   "/proc/device-tree",
                                   "/etc",
                                   "/",
                                   "/proc",
                                   "/run",
                                   "/run/systemd",
                                   "/var/lib/dbus",
                                   "/sys/class/net/eth0/device",
                                   "/sys/block/sda/device",
                                   "/sys/class/block/sda",
                                   "/sys/block/sda/slaves",
                                   "/sys/block/dm-0/slaves",
                                   "/sys/block/dm-0/dm",
                                   "/sys/block/nvme0n1/device",
                                   "/sys/devices/pci0000:00/0000:00:1f.2",
                                   "/sys/class/net",
                                   "/sys/block",
                                   "/dev/mapper",
                                   "/proc/self/ns"};

const char* const names[] = {"serial",
                             "device/serial",
                             "device/wwid",
                             "device/vpd_pg80",
                             "device/cid",
                             "removable",
                             "partition",
                             "dm/name",
                             "slaves/sda",
                             "address",
                             "addr_assign_type",
                             "type",
                             "device",
                             "phy80211",
                             "machine-id",
                             "product_uuid",
                             "board_serial",
                             "product_serial",
                             "cpuinfo",
                             "mountinfo",
                             "cgroup",
                             "uid_map",
                             "osrelease",
                             "serial-number",
                             "hypervisor",
                             ".dockerenv",
                             "8:0",
                             "sda",
                             "device/subsystem",
                             "nvme0n1",
                             "dev",
                             "eth0"};

// A plain array, not a std::string: the exit handler below runs after static destructors.
const char* fake_root() {
  static char name[] = "/tmp/airlock-fuzz-root-XXXXXX";
  static const bool made = [] {
    if (::mkdtemp(name) == nullptr) std::abort();
    // libFuzzer ends a timed run with exit(), so the tree does not outlive the run.
    std::atexit([] {
      std::error_code ignored;
      fs::remove_all(name, ignored);
    });
    return true;
  }();
  (void)made;
  return name;
}

void build_tree(const std::uint8_t* data, std::size_t size) {
  std::error_code ignored;
  for (const auto& entry : fs::directory_iterator(fake_root(), ignored)) fs::remove_all(entry.path(), ignored);
  std::size_t pos = 0;
  for (int entries = 0; entries < 32 && pos + 4 <= size; ++entries) {
    const std::uint8_t where = data[pos], name = data[pos + 1];
    std::size_t length = ((std::size_t{data[pos + 2]} << 8) | data[pos + 3]) & 0xFFF;
    pos += 4;
    if (length > size - pos) length = size - pos;
    const std::string bytes(reinterpret_cast<const char*>(data + pos), length);
    pos += length;
    const fs::path path = fs::path(std::string(fake_root()) + directories[where % 32]) / names[name % 32];
    fs::create_directories(path.parent_path(), ignored);
    if (where & 0x80) {
      fs::create_symlink(bytes.substr(0, 255), path, ignored);
    } else {
      std::ofstream(path, std::ios::binary) << bytes;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  build_tree(data, size);
  airlock::hwid::collect_options options;
  options.root = fake_root();
  options.classes = {true, true, true, true, true};
  // No real-machine probes: what the collectors see is only the tree.
  options.probes = airlock::hwid::system_probes{};
  (void)airlock::hwid::collect(options);
  return 0;
}
