// SPDX-License-Identifier: MIT
// The os class (validated machine-id) and the opt-in board class (DMI and device-tree serials).
#ifndef AIRLOCK_HWID_OS_BOARD_HPP
#define AIRLOCK_HWID_OS_BOARD_HPP

#if defined(__linux__)

#include <optional>
#include <string>
#include <string_view>

#include "airlock/format/inventory.hpp"
#include "airlock/hwid/canonical.hpp"
#include "airlock/hwid/disk.hpp"
#include "airlock/hwid/rooted_fs.hpp"
#include "airlock/hwid/snapshot.hpp"

namespace airlock::hwid::detail {

// machine-id(5): 32 lower-case hex digits and a newline. Empty, "uninitialized" (first boot), any
// other length or case, and all zeros mean "no id" rather than an id many machines would share.
inline std::optional<std::string> valid_machine_id(const fs_read& file, std::string& why) {
  if (!file.data) {
    why = "machine-id " + file.error;
    return std::nullopt;
  }
  std::string_view text = *file.data;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  bool hex = text.size() == 32, zero = true;
  for (char c : text) {
    hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    zero = zero && c == '0';
  }
  if (text.empty())
    why = "machine-id empty";
  else if (text == "uninitialized")
    why = "machine-id uninitialized";
  else if (!hex)
    why = "machine-id malformed";
  else if (zero)
    why = "machine-id all zeros";
  else
    return std::string(text);
  return std::nullopt;
}

inline class_reading collect_os(const rooted_fs& fs) {
  class_reading reading;
  std::string etc_why, dbus_why;
  if (std::optional<std::string> id = valid_machine_id(fs.read(format::etc_machine_id_path), etc_why)) {
    reading.values.push_back(*id);
  } else if (std::optional<std::string> old = valid_machine_id(fs.read(format::dbus_machine_id_path), dbus_why)) {
    reading.values.push_back(*old);
  } else {
    reading.reason = etc_why;
  }
  return reading;
}

// AWS Nitro exposes the instance id ("i-" and 8 or 17 hex digits) as a world-readable asset tag.
inline bool is_instance_id(std::string_view tag) noexcept {
  if (tag.size() != 10 && tag.size() != 19) return false;
  if (tag.substr(0, 2) != "i-") return false;
  for (char c : tag.substr(2)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// DMI product_uuid and the serials are 0400: readable by root only, which is why `board` is opt-in
// (with it off, root and non-root runs of the same product read identical inputs).
inline class_reading collect_board(const rooted_fs& fs) {
  class_reading reading;
  bool denied = false;
  auto take = [&](std::string_view path, bool is_uuid) {
    const fs_read r = fs.read(path);
    if (!r.data) {
      denied = denied || r.error == "permission denied";
      return;
    }
    std::optional<std::string> v = is_uuid ? canonical_uuid(*r.data) : canonical_serial(*r.data);
    if (v) reading.values.push_back(*v);
  };
  take(format::dmi_product_uuid_path, true);
  take(format::dmi_board_serial_path, false);
  take(format::dmi_product_serial_path, false);
  take(format::device_tree_serial_path, false);
  if (const fs_read tag = fs.read(format::dmi_board_asset_tag_path); tag.data) {
    const std::optional<std::string> text = clean_text(*tag.data);
    if (text && is_instance_id(*text)) reading.values.push_back(*text);
  }
  sort_unique(reading.values);
  if (reading.values.empty()) reading.reason = denied ? "permission denied" : "no board serial";
  return reading;
}

}  // namespace airlock::hwid::detail

#endif  // defined(__linux__)

#endif  // AIRLOCK_HWID_OS_BOARD_HPP
