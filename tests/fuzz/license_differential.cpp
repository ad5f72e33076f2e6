// SPDX-License-Identifier: MIT
// Every license body Airlock's reader accepts is TOML 1.0 (FORMAT.md 2): toml++ must parse it too,
// to the same values, with no key the reader did not see. A mismatch aborts.
#include <toml++/toml.h>

#include <cstdlib>
#include <set>
#include <string>

#include "airlock/format/license_body.hpp"
#include "fuzz_support.hpp"

namespace {

namespace f = airlock::format;

[[noreturn]] void mismatch(const char* what) {
  std::fprintf(stderr, "differential mismatch: %s\n", what);
  std::abort();
}

void same_string(const toml::table& t, const char* key, const std::string& ours) {
  const auto* v = t.get_as<std::string>(key);
  if (v == nullptr || v->get() != ours) mismatch(key);
}

void same_date(const toml::table& t, const char* key, const std::optional<f::date>& ours) {
  const auto* v = t.get_as<toml::date>(key);
  if (!ours) {
    if (t.contains(key)) mismatch(key);
    return;
  }
  if (v == nullptr || v->get().year != ours->year || v->get().month != ours->month || v->get().day != ours->day)
    mismatch(key);
}

void same_strings(const toml::table& t, const char* key, const std::vector<std::string>& ours, bool optional) {
  const auto* array = t.get_as<toml::array>(key);
  if (array == nullptr) {
    if (!(optional && ours.empty())) mismatch(key);
    return;
  }
  if (array->size() != ours.size()) mismatch(key);
  for (std::size_t i = 0; i < ours.size(); ++i) {
    const auto* s = array->get_as<std::string>(i);
    if (s == nullptr || s->get() != ours[i]) mismatch(key);
  }
}

void same_issued(const toml::table& t, f::utc_time ours) {
  const auto* v = t.get_as<toml::date_time>("issued");
  if (v == nullptr) mismatch("issued");
  const toml::date_time& dt = v->get();
  if (!dt.offset || dt.offset->minutes != 0 || dt.time.nanosecond != 0) mismatch("issued offset");
  const f::date day{dt.date.year, dt.date.month, dt.date.day};
  const std::int64_t seconds =
      f::days_from_civil(day) * f::seconds_per_day + dt.time.hour * 3600 + dt.time.minute * 60 + dt.time.second;
  if (seconds != ours.seconds) mismatch("issued");
}

void same_optional_string(const toml::table& t, const char* key, const std::optional<std::string>& ours) {
  if (!ours) {
    if (t.contains(key)) mismatch(key);
    return;
  }
  same_string(t, key, *ours);
}

void same_optional_integer(const toml::table& t, const char* key, const std::optional<std::int64_t>& ours) {
  const auto* v = t.get_as<std::int64_t>(key);
  if (ours ? (v == nullptr || v->get() != *ours) : t.contains(key)) mismatch(key);
}

// Extension keys (FORMAT.md 8.1) the reader skipped, named "license.KEY": toml++ must hold each one.
std::size_t extension_keys(const toml::table& t, std::string_view prefix, const std::vector<std::string>& extensions) {
  std::size_t count = 0;
  for (const std::string& name : extensions) {
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    if (!t.contains(std::string_view(name).substr(prefix.size()))) mismatch("extension key");
    ++count;
  }
  return count;
}

// The top level holds [license], [machine] and the first segment of each extension table, no more.
void same_top_level(const toml::table& doc, const std::vector<std::string>& extensions) {
  std::set<std::string> expected{"license", "machine"};
  for (const std::string& name : extensions) {
    if (name.rfind("license.", 0) == 0 || name.rfind("machine.", 0) == 0) continue;
    const auto* table = doc.at_path(name).as_table();
    if (table == nullptr || table->empty()) mismatch("extension table");
    expected.insert(name.substr(0, name.find('.')));
  }
  if (doc.size() != expected.size()) mismatch("top-level table count");
  for (const auto& [key, value] : doc) {
    if (expected.count(std::string(key.str())) == 0) mismatch("top-level table");
  }
}

void compare(const toml::table& doc, const f::license& lic) {
  const auto* license = doc.get_as<toml::table>("license");
  if (license == nullptr) mismatch("[license]");
  const auto* format = license->get_as<std::int64_t>("format");
  if (format == nullptr || format->get() != lic.format) mismatch("format");
  same_string(*license, "id", lic.id);
  same_string(*license, "key_id", lic.key_id);
  same_string(*license, "product", lic.product);
  same_string(*license, "licensee", lic.licensee);
  same_issued(*license, lic.issued);
  same_date(*license, "not_before", lic.not_before);
  same_date(*license, "expires", lic.expires);
  same_date(*license, "updates_until", lic.updates_until);
  same_strings(*license, "features", lic.features, false);
  same_optional_string(*license, "supersedes", lic.supersedes);
  same_optional_integer(*license, "min_revocation_sequence", lic.min_revocation_sequence);
  same_strings(*license, "critical", lic.critical, true);
  const std::size_t subtables = (lic.limits.empty() ? 0 : 1) + (lic.meta.empty() ? 0 : 1);
  const std::size_t optional = (lic.expires ? 1 : 0) + (lic.updates_until ? 1 : 0) + (lic.supersedes ? 1 : 0) +
                               (lic.min_revocation_sequence ? 1 : 0) + (lic.critical.empty() ? 0 : 1);
  if (license->size() != 8 + optional + subtables + extension_keys(*license, "license.", lic.extensions))
    mismatch("[license] key count");

  const auto* limits = license->get_as<toml::table>("limits");
  if ((limits == nullptr) != lic.limits.empty() || (limits && limits->size() != lic.limits.size()))
    mismatch("[license.limits]");
  for (const auto& e : lic.limits) {
    const auto* v = limits->get_as<std::int64_t>(e.name);
    if (v == nullptr || v->get() != e.value) mismatch("limit value");
  }
  const auto* meta = license->get_as<toml::table>("meta");
  if ((meta == nullptr) != lic.meta.empty() || (meta && meta->size() != lic.meta.size())) mismatch("[license.meta]");
  for (const auto& e : lic.meta) {
    const auto* v = meta->get_as<std::string>(e.name);
    if (v == nullptr || v->get() != e.value) mismatch("meta value");
  }

  const auto* machine = doc.get_as<toml::table>("machine");
  if (machine == nullptr) mismatch("[machine]");
  const auto* unbound = machine->get_as<bool>("unbound");
  if (unbound == nullptr || unbound->get() != lic.machine.unbound) mismatch("unbound");
  std::size_t keys = 1;
  if (!lic.machine.unbound) {
    same_string(*machine, "policy", lic.machine.policy);
    const auto* container = machine->get_as<bool>("allow_container");
    if (container == nullptr || container->get() != lic.machine.allow_container) mismatch("allow_container");
    keys += 2;
    for (const auto c : f::all_component_classes) {
      const std::string name(f::to_string(c));
      same_strings(*machine, name.c_str(), lic.machine.hashes[c], true);
      keys += lic.machine.hashes[c].empty() ? 0 : 1;
    }
    same_strings(*machine, "evidence_only", lic.machine.hashes.evidence_only, true);
    keys += lic.machine.hashes.evidence_only.empty() ? 0 : 1;
  }
  if (machine->size() != keys + extension_keys(*machine, "machine.", lic.extensions)) mismatch("[machine] key count");
  same_top_level(doc, lic.extensions);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body = airlock::fuzz::as_text(data, size);
  const auto ours = f::parse_license_body(body);
  if (!ours) return 0;
  toml::table doc;
  try {
    doc = toml::parse(body);
  } catch (const toml::parse_error& e) {
    std::fprintf(stderr, "toml++ rejects what Airlock accepts: %s\n", e.what());
    std::abort();
  }
  compare(doc, *ours.value);
  return 0;
}
