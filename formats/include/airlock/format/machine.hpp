// SPDX-License-Identifier: MIT
// The machine model: the component classes a fingerprint is made of, the hash lists recorded per
// class, the environment a machine was read in, and the names that go into every hash.
#ifndef AIRLOCK_FORMAT_MACHINE_HPP
#define AIRLOCK_FORMAT_MACHINE_HPP

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace airlock::format {

/// The classes, in the order every file lists them and every report shows them.
enum class component_class { platform, disk, nic, os, board };

inline constexpr std::array<component_class, 5> all_component_classes = {component_class::platform,
                                                                         component_class::disk, component_class::nic,
                                                                         component_class::os, component_class::board};

/// The class name: the TOML key in [machine] and the text hashed before the value (FORMAT.md 4).
[[nodiscard]] constexpr std::string_view to_string(component_class c) noexcept {
  switch (c) {
    case component_class::platform: return "platform";
    case component_class::disk: return "disk";
    case component_class::nic: return "nic";
    case component_class::os: return "os";
    case component_class::board: return "board";
  }
  return "unknown";
}

/// Hardware classes are the ones a copied operating-system image cannot carry along; `os`
/// (the machine-id) can be cloned, and `platform` names a CPU model, not one machine.
[[nodiscard]] constexpr bool is_hardware_class(component_class c) noexcept {
  return c == component_class::disk || c == component_class::nic || c == component_class::board;
}

/// A file holds at most this many hashes per class (RAID members, multi-port servers).
inline constexpr std::size_t max_hashes_per_class = 16;

/// One value per component class, reachable by name or by class: the shape of every per-class
/// record (the hashes of a license, a request or a machine; the readings of a collector).
template <class T>
struct per_class {
  T platform, disk, nic, os, board;

  [[nodiscard]] const T& operator[](component_class c) const noexcept {
    switch (c) {
      case component_class::platform: return platform;
      case component_class::disk: return disk;
      case component_class::nic: return nic;
      case component_class::os: return os;
      case component_class::board: return board;
    }
    return platform;
  }
  [[nodiscard]] T& operator[](component_class c) noexcept {
    return const_cast<T&>(static_cast<const per_class&>(*this)[c]);
  }
  /// No class holds anything (for containers such as the hash lists).
  [[nodiscard]] bool empty() const noexcept {
    return platform.empty() && disk.empty() && nic.empty() && os.empty() && board.empty();
  }
};

template <class T>
[[nodiscard]] bool operator==(const per_class<T>& a, const per_class<T>& b) {
  return a.platform == b.platform && a.disk == b.disk && a.nic == b.nic && a.os == b.os && a.board == b.board;
}
template <class T>
[[nodiscard]] bool operator!=(const per_class<T>& a, const per_class<T>& b) {
  return !(a == b);
}

/// Per class, the component hashes (32 lowercase hex digits each). Empty means "not recorded" in a
/// license or request, and "not readable" for the machine a verifier runs on. `evidence_only` lists
/// the nic hashes of software-assigned MACs (FORMAT.md 4.6): they may match, but a copied system
/// image carries them along, so they never prove the hardware (FORMAT.md 5.2).
struct component_hashes : per_class<std::vector<std::string>> {
  std::vector<std::string> evidence_only;
};

[[nodiscard]] inline bool operator==(const component_hashes& a, const component_hashes& b) {
  using base = per_class<std::vector<std::string>>;
  return static_cast<const base&>(a) == static_cast<const base&>(b) && a.evidence_only == b.evidence_only;
}
[[nodiscard]] inline bool operator!=(const component_hashes& a, const component_hashes& b) { return !(a == b); }

/// Where a machine was read, as far as the collector could tell.
enum class runtime_environment { bare_metal, vm, container, unknown };

[[nodiscard]] constexpr std::string_view to_string(runtime_environment env) noexcept {
  switch (env) {
    case runtime_environment::bare_metal: return "bare-metal";
    case runtime_environment::vm: return "vm";
    case runtime_environment::container: return "container";
    case runtime_environment::unknown: break;
  }
  return "unknown";
}

[[nodiscard]] inline std::optional<runtime_environment> parse_runtime_environment(std::string_view text) noexcept {
  for (const auto env : {runtime_environment::bare_metal, runtime_environment::vm, runtime_environment::container,
                         runtime_environment::unknown}) {
    if (to_string(env) == text) return env;
  }
  return std::nullopt;
}

/// The matching rules a bound license names in [machine] policy (FORMAT.md 5.1 and 5.2).
inline constexpr std::string_view match_policy_v1 = "airlock-match-v1";
inline constexpr std::string_view match_policy_v2 = "airlock-match-v2";

/// The policy `airlock issue` writes unless told otherwise.
inline constexpr std::string_view default_match_policy = match_policy_v2;

[[nodiscard]] constexpr bool is_known_policy(std::string_view policy) noexcept {
  return policy == match_policy_v1 || policy == match_policy_v2;
}

/// The label that starts the salt of every component hash (FORMAT.md 4).
inline constexpr std::string_view hash_salt_label = "airlock-hwid-salt-v1";

}  // namespace airlock::format

#endif  // AIRLOCK_FORMAT_MACHINE_HPP
