// SPDX-License-Identifier: MIT
// The two identifier sources that are not files: the CPUID instruction and the ETHTOOL_GPERMADDR ioctl.
#ifndef AIRLOCK_HWID_PROBES_HPP
#define AIRLOCK_HWID_PROBES_HPP

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#if defined(__linux__)
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace airlock::hwid {

struct cpuid_regs {
  std::uint32_t eax = 0, ebx = 0, ecx = 0, edx = 0;
};

// Injectable sources. An empty std::function means "not available" (a test for a CPU without CPUID).
struct system_probes {
  // Fills `out` for `leaf` (subleaf 0); false when the leaf does not exist.
  std::function<bool(std::uint32_t leaf, cpuid_regs& out)> cpuid;
  // The permanent hardware address of `interface_name`; empty when the driver reports none.
  std::function<std::vector<std::uint8_t>(const std::string& interface_name)> permanent_mac;
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

}  // namespace detail

// The real CPU and the real network stack.
inline system_probes default_probes() {
  system_probes probes;
#if defined(__x86_64__) || defined(__i386__)
  probes.cpuid = &detail::hardware_cpuid;
#endif
  probes.permanent_mac = &detail::ethtool_permanent_mac;
  return probes;
}

}  // namespace airlock::hwid

#endif  // AIRLOCK_HWID_PROBES_HPP
