// SPDX-License-Identifier: MIT
// What is asked of the kernel rather than read from files: CPUID, ETHTOOL_GPERMADDR, and the
// file-system and namespace facts that tell a real identifier file from a shadowed one.
#ifndef AIRLOCK_HWID_PROBES_HPP
#define AIRLOCK_HWID_PROBES_HPP

#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#if defined(__linux__)
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>
#endif

namespace airlock::hwid {

struct cpuid_regs {
  std::uint32_t eax = 0, ebx = 0, ecx = 0, edx = 0;
};

// Where the kernel says a file lives (statfs and statx on the path itself). Unlike files under /proc,
// a user cannot shadow a system call's answer with a bind mount.
struct file_origin {
  std::uint64_t fs_magic = 0;  // statfs f_type: SYSFS_MAGIC, PROC_SUPER_MAGIC, EXT4_SUPER_MAGIC...
  bool mount_root = false;     // the path is the root of a mount: something is bind-mounted on it
  std::uint64_t device = 0;    // the file system's device (major << 32 | minor)
  std::uint64_t inode = 0;     // the path's inode number
};

inline constexpr std::uint64_t sysfs_magic = 0x62656572;
inline constexpr std::uint64_t procfs_magic = 0x9fa0;
inline constexpr std::uint64_t nsfs_magic = 0x6e736673;

// The inode numbers the kernel gives the initial user and PID namespaces (PROC_USER_INIT_INO,
// PROC_PID_INIT_INO); every other namespace gets a different one.
inline constexpr std::uint64_t initial_user_namespace = 0xEFFFFFFD;
inline constexpr std::uint64_t initial_pid_namespace = 0xEFFFFFFC;

// This process's namespaces, by inode number of /proc/self/ns/{user,pid}; nullopt when the files are
// missing or are not the kernel's namespace files (shadowed), so the process cannot vouch for them.
struct namespace_ids {
  std::uint64_t user = 0, pid = 0;
};

// Injectable sources. An empty std::function means "not available" (a test for a CPU without CPUID,
// or a fake tree that the real file-system checks would misjudge).
struct system_probes {
  // Fills `out` for `leaf` (subleaf 0); false when the leaf does not exist.
  std::function<bool(std::uint32_t leaf, cpuid_regs& out)> cpuid;
  // The permanent hardware address of `interface_name`; empty when the driver reports none.
  std::function<std::vector<std::uint8_t>(const std::string& interface_name)> permanent_mac;
  // The origin of an existing path; nullopt when it does not exist.
  std::function<std::optional<file_origin>(const std::string& path)> origin_of;
  std::function<std::optional<namespace_ids>()> namespaces;
};

namespace detail {

inline bool hardware_cpuid(std::uint32_t leaf, cpuid_regs& out) noexcept {
#if defined(__x86_64__) || defined(__i386__)
  unsigned int a = 0, b = 0, c = 0, d = 0;
  // The hypervisor range is not bounded by the basic maximum leaf, so __get_cpuid would refuse it;
  // leaf 1 ECX bit 31 (checked by the caller) is what guarantees the range exists.
  if (leaf >= 0x40000000u && leaf <= 0x4fffffffu) {
    __cpuid(leaf, a, b, c, d);
  } else if (__get_cpuid(leaf, &a, &b, &c, &d) == 0) {
    return false;
  }
  out = {a, b, c, d};
  return true;
#else
  (void)leaf;
  (void)out;
  return false;
#endif
}

// ETHTOOL_GPERMADDR is allowed for unprivileged users. ethtool_perm_addr ends in a flexible array,
// which C++ cannot embed in a struct, so the request lives in an aligned raw buffer.
inline std::vector<std::uint8_t> ethtool_permanent_mac(const std::string& interface_name) noexcept {
  std::vector<std::uint8_t> mac;
#if defined(__linux__)
  if (interface_name.empty() || interface_name.size() >= IFNAMSIZ) return mac;
  const int sock = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) return mac;
  alignas(ethtool_perm_addr) unsigned char buffer[sizeof(ethtool_perm_addr) + 32] = {};
  ethtool_perm_addr header{};
  header.cmd = ETHTOOL_GPERMADDR;
  header.size = 32;
  std::memcpy(buffer, &header, sizeof header);
  ifreq request{};
  std::memcpy(request.ifr_name, interface_name.c_str(), interface_name.size());
  request.ifr_data = reinterpret_cast<char*>(buffer);
  if (::ioctl(sock, SIOCETHTOOL, &request) == 0) {
    std::memcpy(&header, buffer, sizeof header);
    if (header.size <= 32) {
      try {
        mac.assign(buffer + sizeof header, buffer + sizeof header + header.size);
      } catch (...) {
        mac.clear();
      }
    }
  }
  ::close(sock);
#else
  (void)interface_name;
#endif
  return mac;
}

// statx reports STATX_ATTR_MOUNT_ROOT from Linux 5.8 and glibc 2.28 / musl 1.2.5 declare it; with
// older headers only statfs and the device are asked, and the mount table has to say the rest.
inline std::optional<file_origin> kernel_file_origin(const std::string& path) noexcept {
#if defined(__linux__)
  struct statfs fs {};
  if (::statfs(path.c_str(), &fs) != 0) return std::nullopt;
  file_origin origin;
  origin.fs_magic = static_cast<std::uint64_t>(fs.f_type);
#if defined(STATX_TYPE) && defined(STATX_ATTR_MOUNT_ROOT)
  struct statx sx {};
  if (::statx(AT_FDCWD, path.c_str(), AT_STATX_SYNC_AS_STAT, STATX_TYPE | STATX_INO, &sx) != 0) return std::nullopt;
  origin.mount_root = (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
  origin.device = (std::uint64_t{sx.stx_dev_major} << 32) | sx.stx_dev_minor;
  if ((sx.stx_mask & STATX_INO) == 0) {  // a file system that cannot say: ask stat
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    sx.stx_ino = st.st_ino;
  }
  origin.inode = static_cast<std::uint64_t>(sx.stx_ino);
#else
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  origin.device = (std::uint64_t{major(st.st_dev)} << 32) | minor(st.st_dev);
  origin.inode = static_cast<std::uint64_t>(st.st_ino);
#endif
  return origin;
#else
  (void)path;
  return std::nullopt;
#endif
}

// The inode comes from the same statx as the mount-root answer, so a third call is not needed.
inline std::optional<std::uint64_t> namespace_inode(const std::string& path) noexcept {
#if defined(__linux__)
  const std::optional<file_origin> origin = kernel_file_origin(path);
  if (!origin || origin->fs_magic != nsfs_magic || origin->mount_root) return std::nullopt;
  return origin->inode;
#else
  (void)path;
  return std::nullopt;
#endif
}

inline std::optional<namespace_ids> kernel_namespaces() noexcept {
  const std::optional<std::uint64_t> user = namespace_inode("/proc/self/ns/user");
  const std::optional<std::uint64_t> pid = namespace_inode("/proc/self/ns/pid");
  if (!user || !pid) return std::nullopt;
  return namespace_ids{*user, *pid};
}

}  // namespace detail

// The real CPU, network stack and file systems.
inline system_probes default_probes() {
  system_probes probes;
#if defined(__x86_64__) || defined(__i386__)
  probes.cpuid = &detail::hardware_cpuid;
#endif
  probes.permanent_mac = &detail::ethtool_permanent_mac;
  probes.origin_of = &detail::kernel_file_origin;
  probes.namespaces = &detail::kernel_namespaces;
  return probes;
}

}  // namespace airlock::hwid

#endif  // AIRLOCK_HWID_PROBES_HPP
