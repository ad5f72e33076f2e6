// SPDX-License-Identifier: MIT
// The platform gate: CPU vendor, family, model, stepping and brand, never per-core or feature bits.
#ifndef AIRLOCK_HWID_PLATFORM_HPP
#define AIRLOCK_HWID_PLATFORM_HPP

#if defined(__linux__)

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "airlock/format/inventory.hpp"
#include "airlock/hwid/canonical.hpp"
#include "airlock/hwid/probes.hpp"
#include "airlock/hwid/rooted_fs.hpp"
#include "airlock/hwid/snapshot.hpp"

namespace airlock::hwid::detail {

struct cpu_identity {
  std::string vendor;
  std::uint32_t family = 0, model = 0, stepping = 0;
  std::string brand;  // empty when the CPU has no brand string
  bool hypervisor = false;
  std::string hypervisor_signature;
};

inline bool call_cpuid(const system_probes& probes, std::uint32_t leaf, cpuid_regs& out) {
  out = cpuid_regs{};
  return probes.cpuid && probes.cpuid(leaf, out);
}

// CPUID returns text as little-endian register bytes.
inline std::string register_text(std::initializer_list<std::uint32_t> words) {
  std::string text;
  for (std::uint32_t w : words) {
    for (int shift = 0; shift < 32; shift += 8) text += char((w >> shift) & 0xff);
  }
  return clean_text(text).value_or(std::string());
}

// Leaf 1 EAX only: EBX holds the APIC ID of whichever core ran the instruction, and ECX/EDX feature
// flags change with the OS (OSXSAVE) and microcode updates. Reserved bits 14-15 and 28-31 are ignored.
inline void decode_signature(std::uint32_t eax, cpu_identity& id) noexcept {
  eax &= 0x0fff3fffu;
  const std::uint32_t base_family = (eax >> 8) & 0xf;
  const std::uint32_t base_model = (eax >> 4) & 0xf;
  id.family = base_family == 0xf ? base_family + ((eax >> 20) & 0xff) : base_family;
  id.model = base_family == 0x6 || base_family == 0xf ? base_model | (((eax >> 16) & 0xf) << 4) : base_model;
  id.stepping = eax & 0xf;
}

inline std::string read_brand(const system_probes& probes) {
  cpuid_regs r;
  if (!call_cpuid(probes, 0x80000000u, r) || r.eax < 0x80000004u) return {};
  std::string brand;
  for (std::uint32_t leaf = 0x80000002u; leaf <= 0x80000004u; ++leaf) {
    if (!call_cpuid(probes, leaf, r)) return {};
    for (std::uint32_t w : {r.eax, r.ebx, r.ecx, r.edx}) {
      for (int shift = 0; shift < 32; shift += 8) brand += char((w >> shift) & 0xff);
    }
  }
  return clean_text(brand).value_or(std::string());
}

// `hypervisor_signature`: also ask the hypervisor leaf, which only the environment's VM evidence uses.
inline std::optional<cpu_identity> read_cpu_identity(const system_probes& probes, bool hypervisor_signature = true) {
  cpuid_regs r;
  if (!call_cpuid(probes, 0, r)) return std::nullopt;
  cpu_identity id;
  id.vendor = register_text({r.ebx, r.edx, r.ecx});
  if (r.eax >= 1 && call_cpuid(probes, 1, r)) {
    decode_signature(r.eax, id);
    id.hypervisor = (r.ecx >> 31) != 0;
  }
  id.brand = read_brand(probes);
  if (hypervisor_signature && id.hypervisor && call_cpuid(probes, 0x40000000u, r)) {
    id.hypervisor_signature = register_text({r.ebx, r.ecx, r.edx});
  }
  return id;
}

inline std::string cpuid_platform_value(const cpu_identity& id) {
  std::string value = "cpuid " + (id.vendor.empty() ? std::string("unknown") : id.vendor) + " family " +
                      std::to_string(id.family) + " model " + std::to_string(id.model) + " stepping " +
                      std::to_string(id.stepping);
  if (!id.brand.empty()) value += " brand " + id.brand;
  return value;
}

// Identity fields of /proc/cpuinfo for CPUs without CPUID (ARM, POWER, RISC-V). Clock speeds, flags,
// BogoMIPS, microcode and serials are left out: they change with load, kernels or belong to `board`.
inline constexpr std::array<std::string_view, 14> cpuinfo_identity_keys = {
    "vendor_id",   "cpu family", "model",        "model name", "stepping", "CPU implementer", "CPU architecture",
    "CPU variant", "CPU part",   "CPU revision", "Hardware",   "cpu",      "uarch",           "marchid"};

inline std::optional<std::string> cpuinfo_field(std::string_view text, std::string_view key) {
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      const std::optional<std::string> name = clean_text(line.substr(0, colon));
      if (name && *name == key) return clean_text(line.substr(colon + 1));
    }
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return std::nullopt;
}

inline class_reading cpuinfo_platform(const rooted_fs& fs) {
  class_reading reading;
  const fs_read info = fs.read_head(format::cpuinfo_path, 64 * 1024);
  if (!info.data) {
    reading.reason = "cpuinfo " + info.error;
    return reading;
  }
  std::string value;
  for (std::string_view key : cpuinfo_identity_keys) {
    const std::optional<std::string> field = cpuinfo_field(*info.data, key);
    if (!field || field->empty()) continue;
    value += (value.empty() ? "cpuinfo " : ";") + std::string(key) + "=" + *field;
  }
  if (value.empty())
    reading.reason = "no cpu identity";
  else
    reading.values.push_back(value);
  return reading;
}

// CPUID when the injected source has it; /proc/cpuinfo otherwise. The two disagree on some VMs, which
// is why the value names its source and the two are never mixed within one machine.
inline class_reading collect_platform(const rooted_fs& fs, const std::optional<cpu_identity>& cpu) {
  if (!cpu) return cpuinfo_platform(fs);
  class_reading reading;
  reading.values.push_back(cpuid_platform_value(*cpu));
  return reading;
}

}  // namespace airlock::hwid::detail

#endif  // defined(__linux__)

#endif  // AIRLOCK_HWID_PLATFORM_HPP
