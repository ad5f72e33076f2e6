// SPDX-License-Identifier: MIT
#include "cli/privacy_text.hpp"

#include <string_view>

namespace airlock::cli {

namespace {

std::string source_line(const format::inventory_source& s) {
  const std::string_view use = s.hashed ? "hashed" : "consulted only, never recorded";
  return std::string(s.where) + " (" + std::string(to_string(s.kind)) + ", " + std::string(use) +
         "): " + std::string(s.what);
}

std::string collection_sentence(const format::inventory_entry& e) {
  if (e.read_by_default) return "Read by default.";
  return "Off by default: read only when the customer runs airlock-hwid with " + std::string(e.enabled_by) + ".";
}

std::string leaves_sentence(const format::inventory_entry& e) {
  if (!e.component)
    return "Leaves the machine as one word in the activation request (bare-metal, vm, container or unknown); "
           "the evidence behind it stays on the machine.";
  return "Only keyed hashes leave the machine, at most " + std::to_string(format::max_hashes_per_class) +
         ", in the activation request; the values themselves never leave it and are never written to a file.";
}

}  // namespace

entry_text privacy_text(const format::inventory_entry& entry) {
  entry_text text;
  text.name = std::string(entry.name);
  text.identifies = "Identifies " + std::string(entry.identifies) + ".";
  text.collection = collection_sentence(entry);
  for (const format::inventory_source& s : entry.sources) text.sources.push_back(source_line(s));
  text.leaves = leaves_sentence(entry);
  return text;
}

std::string hash_sentence() {
  return "Each value leaves the machine only as " + std::string(format::hash_algorithm) + " keyed with SHA-256(\"" +
         std::string(format::hash_salt_label) + "\", the vendor's key id, the product name), cut to " +
         std::to_string(format::hash_bits) + " bits.";
}

std::string pseudonymous_sentence() {
  return "These hashes are pseudonymous, not anonymous. They cannot be reversed, and the same machine gives "
         "unrelated hashes to other vendors and other products, so they do not correlate across them and no "
         "table of known serial numbers made for another product finds them. But the vendor, who holds the key "
         "id and the product name, can hash a guessed serial number or MAC address and compare.";
}

std::string pattern_sentence() {
  return "In the paths, * stands for any one name and ** for any run of folders (a disk's own folder in sysfs, "
         "which /sys/class/block/NAME links to).";
}

}  // namespace airlock::cli
