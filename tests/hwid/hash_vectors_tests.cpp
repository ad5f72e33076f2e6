// SPDX-License-Identifier: MIT
// The component-hash vectors of formats/vectors/component_hashes.toml (written by a Python
// implementation of FORMAT.md section 4), run through the C++ canonical forms: each case's raw input
// goes to the function its input kind names, which must drop it (kept = false) or give exactly the
// canonical value; that value's component hash must equal every hash the case lists.
#include <toml++/toml.h>

#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "airlock/format/machine.hpp"
#include "airlock/hwid/canonical.hpp"
#include "airlock/hwid/disk.hpp"
#include "airlock/hwid/hash.hpp"
#include "airlock/hwid/os_board.hpp"
#include "airlock/hwid/platform.hpp"
#include "airlock/hwid/probes.hpp"
#include "airlock/hwid/rooted_fs.hpp"
#include "fake_machine.hpp"

namespace hw = airlock::hwid;
using airlock::format::component_class;
using namespace std::string_view_literals;

namespace {

const toml::table& vectors() {
  static const toml::table table = [] {
    const std::string path = std::string(AIRLOCK_SOURCE_DIR) + "/formats/vectors/component_hashes.toml";
    try {
      return toml::parse_file(path);
    } catch (const toml::parse_error& error) {
      FAIL("toml++ rejected " << path << ": " << error.description());
      return toml::table{};
    }
  }();
  return table;
}

const toml::array& array_of(const toml::table& table, std::string_view key) {
  static const toml::array none;
  const auto* list = table[key].as_array();
  return list ? *list : none;
}

std::string text_of(const toml::table& table, std::string_view key) { return std::string(table[key].value_or(""sv)); }

std::vector<const toml::table*> all_cases() {
  std::vector<const toml::table*> out;
  for (const auto& item : array_of(vectors(), "case")) {
    if (const auto* table = item.as_table()) out.push_back(table);
  }
  return out;
}

std::vector<const toml::table*> cases_of_kind(std::string_view kind) {
  std::vector<const toml::table*> out;
  for (const toml::table* c : all_cases()) {
    if (text_of(*c, "input") == kind) out.push_back(c);
  }
  return out;
}

std::optional<component_class> class_of(std::string_view name) {
  for (const component_class c : airlock::format::all_component_classes) {
    if (airlock::format::to_string(c) == name) return c;
  }
  return std::nullopt;
}

std::vector<std::uint8_t> bytes_of_hex(std::string_view hex) {
  std::vector<std::uint8_t> bytes;
  REQUIRE(hex.size() % 2 == 0);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hw::detail::hex_digit(hex[i]), lo = hw::detail::hex_digit(hex[i + 1]);
    REQUIRE(hi >= 0);
    REQUIRE(lo >= 0);
    bytes.push_back(std::uint8_t(hi * 16 + lo));
  }
  return bytes;
}

std::string raw_text(const toml::table& c) {
  REQUIRE(c["text"].is_string());
  return text_of(c, "text");
}

std::string raw_hex_bytes(const toml::table& c) {
  REQUIRE(c["hex"].is_string());
  const std::vector<std::uint8_t> bytes = bytes_of_hex(text_of(c, "hex"));
  return std::string(bytes.begin(), bytes.end());
}

std::uint32_t register_of(const toml::table& leaf, std::string_view key) {
  const std::optional<std::int64_t> value = leaf[key].value<std::int64_t>();
  INFO("cpuid field " << key);
  REQUIRE(value.has_value());
  REQUIRE(*value >= 0);
  REQUIRE(*value <= 0xffffffffLL);
  return static_cast<std::uint32_t>(*value);
}

// A CPUID source answering from the case's [[case.cpuid]] tables; a leaf not listed does not exist.
hw::system_probes probes_of(const toml::table& c) {
  REQUIRE(c["cpuid"].is_array());
  std::map<std::uint32_t, hw::cpuid_regs> leaves;
  for (const auto& item : array_of(c, "cpuid")) {
    const auto* leaf = item.as_table();
    REQUIRE(leaf != nullptr);
    const std::uint32_t number = register_of(*leaf, "leaf");
    REQUIRE(leaves.count(number) == 0);
    leaves[number] = {register_of(*leaf, "eax"), register_of(*leaf, "ebx"), register_of(*leaf, "ecx"),
                      register_of(*leaf, "edx")};
  }
  hw::system_probes probes;
  probes.cpuid = [leaves](std::uint32_t leaf, hw::cpuid_regs& out) {
    const auto it = leaves.find(leaf);
    if (it == leaves.end()) return false;
    out = it->second;
    return true;
  };
  return probes;
}

std::optional<std::string> only_value(const hw::class_reading& reading) {
  INFO("reason: " << reading.reason);
  REQUIRE(reading.values.size() <= 1);
  if (reading.values.empty()) return std::nullopt;
  return reading.values.front();
}

std::optional<std::string> platform_from_cpuid(const toml::table& c) {
  const fake::tree empty;  // no /proc/cpuinfo: only the CPUID leaves can give a value
  const std::optional<hw::detail::cpu_identity> cpu = hw::detail::read_cpu_identity(probes_of(c));
  const std::optional<std::string> value = only_value(hw::detail::collect_platform(hw::rooted_fs(empty.root()), cpu));
  if (cpu) CHECK(value == hw::detail::cpuid_platform_value(*cpu));
  return value;
}

std::optional<std::string> platform_from_cpuinfo(const toml::table& c) {
  fake::tree machine;
  machine.file("/proc/cpuinfo", raw_text(c));
  return only_value(hw::detail::cpuinfo_platform(hw::rooted_fs(machine.root())));
}

std::optional<std::string> disk_from_vpd_pg80(const toml::table& c) {
  fake::tree machine;
  machine.file("/sys/block/sda/device/vpd_pg80", raw_hex_bytes(c));
  return hw::detail::disk_serial(hw::rooted_fs(machine.root()), "/sys/block/sda");
}

std::optional<std::string> mac_from_bytes(const toml::table& c) {
  REQUIRE(c["hex"].is_string());
  return hw::canonical_mac(bytes_of_hex(text_of(c, "hex")));
}

std::optional<std::string> mac_from_text(const toml::table& c) {
  return hw::canonical_mac(hw::detail::parse_mac(raw_text(c)));
}

std::optional<std::string> os_from_machine_id(const toml::table& c) {
  std::string why;
  const std::optional<std::string> id = hw::detail::valid_machine_id(hw::fs_read{raw_text(c), ""}, why);
  if (!id) CHECK_FALSE(why.empty());
  return id;
}

std::optional<std::string> board_from_asset_tag(const toml::table& c) {
  const std::optional<std::string> text = hw::detail::clean_text(raw_text(c));
  if (text && hw::detail::is_instance_id(*text)) return text;
  return std::nullopt;
}

// The canonical value against the case, then every hash of the case against component_hash.
void check_case(const toml::table& c, const std::optional<std::string>& value) {
  const std::optional<component_class> klass = class_of(text_of(c, "class"));
  REQUIRE(klass.has_value());
  INFO("note: " << text_of(c, "note"));
  const std::optional<bool> kept = c["kept"].value<bool>();
  REQUIRE(kept.has_value());
  if (!*kept) {
    CHECK(value == std::nullopt);
    return;
  }
  REQUIRE(c["canonical"].is_string());
  const std::string canonical = text_of(c, "canonical");
  CHECK(value == canonical);
  const toml::array& hashes = array_of(c, "hash");
  REQUIRE_FALSE(hashes.empty());
  for (const auto& item : hashes) {
    const auto* h = item.as_table();
    REQUIRE(h != nullptr);
    const std::string key_id = text_of(*h, "key_id"), product = text_of(*h, "product");
    INFO("key_id " << key_id << " product " << product);
    CHECK(hw::component_hash(hw::product_salt(key_id, product), *klass, canonical) == text_of(*h, "hash"));
  }
}

template <class Read>
void run_kind(std::string_view kind, Read read) {
  const std::vector<const toml::table*> cases = cases_of_kind(kind);
  REQUIRE_FALSE(cases.empty());
  for (const toml::table* c : cases) {
    DYNAMIC_SECTION(text_of(*c, "name")) { check_case(*c, read(*c)); }
  }
}

}  // namespace

TEST_CASE("Hash vectors: the file holds at least 40 well-formed cases covering every class and input kind",
          "[hwid][hash][vectors]") {
  const toml::table& doc = vectors();
  CHECK(doc["format"].value<std::int64_t>() == 1);
  CHECK(text_of(doc, "salt_label") == airlock::format::hash_salt_label);

  std::set<std::pair<std::string, std::string>> pairs;
  for (const auto& item : array_of(doc, "pair")) {
    const auto* p = item.as_table();
    REQUIRE(p != nullptr);
    pairs.insert({text_of(*p, "key_id"), text_of(*p, "product")});
  }
  CHECK(pairs.size() >= 3);

  const std::vector<const toml::table*> cases = all_cases();
  CHECK(cases.size() == array_of(doc, "case").size());
  CHECK(cases.size() >= 40);

  const std::set<std::string> kinds = {"cpuid",     "cpuinfo",  "serial",     "uuid",     "vpd_pg80",
                                       "mac_bytes", "mac_text", "machine_id", "asset_tag"};
  std::set<std::string> names, classes_seen, kinds_seen;
  std::size_t kept = 0, dropped = 0;
  for (const toml::table* c : cases) {
    const std::string name = text_of(*c, "name");
    INFO("case " << name);
    CHECK_FALSE(name.empty());
    CHECK(names.insert(name).second);
    CHECK(class_of(text_of(*c, "class")).has_value());
    classes_seen.insert(text_of(*c, "class"));
    CHECK(kinds.count(text_of(*c, "input")) == 1);
    kinds_seen.insert(text_of(*c, "input"));
    CHECK(int(c->contains("text")) + int(c->contains("hex")) + int(c->contains("cpuid")) == 1);
    const std::optional<bool> is_kept = (*c)["kept"].value<bool>();
    REQUIRE(is_kept.has_value());
    if (!*is_kept) {
      ++dropped;
      CHECK_FALSE(c->contains("canonical"));
      CHECK_FALSE(c->contains("hash"));
      continue;
    }
    ++kept;
    CHECK((*c)["canonical"].is_string());
    std::set<std::pair<std::string, std::string>> hashed;
    for (const auto& item : array_of(*c, "hash")) {
      const auto* h = item.as_table();
      REQUIRE(h != nullptr);
      hashed.insert({text_of(*h, "key_id"), text_of(*h, "product")});
    }
    CHECK(hashed == pairs);  // one hash per [[pair]]
  }
  CHECK(kept > 0);
  CHECK(dropped > 0);
  for (const component_class c : airlock::format::all_component_classes) {
    INFO("class " << airlock::format::to_string(c));
    CHECK(classes_seen.count(std::string(airlock::format::to_string(c))) == 1);
  }
  CHECK(kinds_seen == kinds);
}

TEST_CASE("Hash vectors: CPUID leaves give the platform value and its hashes", "[hwid][hash][vectors]") {
  run_kind("cpuid", platform_from_cpuid);
}

TEST_CASE("Hash vectors: /proc/cpuinfo gives the platform value and its hashes", "[hwid][hash][vectors]") {
  run_kind("cpuinfo", platform_from_cpuinfo);
}

TEST_CASE("Hash vectors: disk and board serials canonicalize and hash", "[hwid][hash][vectors]") {
  run_kind("serial", [](const toml::table& c) { return hw::canonical_serial(raw_text(c)); });
}

TEST_CASE("Hash vectors: SCSI VPD page 0x80 gives the disk serial and its hashes", "[hwid][hash][vectors]") {
  run_kind("vpd_pg80", disk_from_vpd_pg80);
}

TEST_CASE("Hash vectors: permanent MAC bytes canonicalize and hash", "[hwid][hash][vectors]") {
  run_kind("mac_bytes", mac_from_bytes);
}

TEST_CASE("Hash vectors: sysfs MAC text canonicalizes and hashes", "[hwid][hash][vectors]") {
  run_kind("mac_text", mac_from_text);
}

TEST_CASE("Hash vectors: machine-id files validate and hash", "[hwid][hash][vectors]") {
  run_kind("machine_id", os_from_machine_id);
}

TEST_CASE("Hash vectors: DMI UUIDs canonicalize and hash", "[hwid][hash][vectors]") {
  run_kind("uuid", [](const toml::table& c) { return hw::canonical_uuid(raw_text(c)); });
}

TEST_CASE("Hash vectors: asset tags that are instance IDs are kept and hash", "[hwid][hash][vectors]") {
  run_kind("asset_tag", board_from_asset_tag);
}
