// SPDX-License-Identifier: MIT
// Test helper for running airlock-hwid as a process: vendor keys from openssl, requests read back by
// python3's tomllib, the raw identifiers the tool reports, and the documented hash recomputed in python.
#ifndef AIRLOCK_TESTS_HWID_TOOL_SUPPORT_HPP
#define AIRLOCK_TESTS_HWID_TOOL_SUPPORT_HPP

#include <cctype>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "support/support.hpp"

namespace hwid_tool {

using airlock::test::read_file;
using airlock::test::run;
using airlock::test::shell_quote;
using airlock::test::temp_dir;
using airlock::test::tool;
using airlock::test::write_file;

inline std::string hwid(const std::string& args) { return shell_quote(tool("airlock-hwid")) + " " + args; }
inline std::string q(const std::string& s) { return shell_quote(s); }

inline bool one_error_line(const std::string& err) {
  return err.rfind("airlock-hwid: error: ", 0) == 0 && err.find('\n') == err.size() - 1;
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

struct vendor_key {
  std::string pub;     // SPKI PEM path
  std::string key_id;  // 16 hex digits, computed by openssl and sha256sum, not by Airlock
};

// An Ed25519 key pair made by openssl; the key id is SHA-256 of the 32 raw key bytes, first 8 bytes.
inline vendor_key openssl_vendor_key(const temp_dir& dir, const std::string& name) {
  const std::string priv = dir / (name + ".key"), pub = dir / (name + ".pub");
  REQUIRE(run("openssl genpkey -algorithm ed25519 -out " + q(priv) + " && openssl pkey -in " + q(priv) +
              " -pubout -out " + q(pub))
              .exit_code == 0);
  const auto id = run("openssl pkey -pubin -in " + q(pub) + " -outform DER | tail -c 32 | sha256sum | cut -c1-16");
  REQUIRE(id.exit_code == 0);
  REQUIRE(id.out.size() == 17);
  return {pub, id.out.substr(0, 16)};
}

// The request as python3's tomllib reads it: "[table]" for each top-level entry, then
// "table.key=value" in file order, arrays joined with commas.
inline std::vector<std::string> tomllib_dump(const std::string& path) {
  static const char script[] =
      "import sys, tomllib\n"
      "with open(sys.argv[1], 'rb') as f: d = tomllib.load(f)\n"
      "for t, kv in d.items():\n"
      "    print('[' + t + ']')\n"
      "    if isinstance(kv, dict):\n"
      "        for k, v in kv.items():\n"
      "            print(t + '.' + k + '=' + (','.join(v) if isinstance(v, list) else str(v)))\n";
  const auto r = run("python3 -c " + q(script) + " " + q(path));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return lines_of(r.out);
}

// The lines of a dump that start with `prefix` ("machine." gives the machine table).
inline std::vector<std::string> with_prefix(const std::vector<std::string>& dump, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& line : dump)
    if (line.rfind(prefix, 0) == 0) out.push_back(line);
  return out;
}

// The value of "table.key" in a dump, or "" when absent.
inline std::string dump_value(const std::vector<std::string>& dump, const std::string& key) {
  for (const auto& line : dump)
    if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
  return "";
}

// Every "raw" value in `airlock-hwid show --explain --json` output as {class, value}, read by python's json.
inline std::vector<std::pair<std::string, std::string>> raw_values(const temp_dir& dir, const std::string& show_json) {
  write_file(dir / "show.json", show_json);
  static const char script[] =
      "import json, sys\n"
      "d = json.load(open(sys.argv[1]))\n"
      "for name, c in d['classes'].items():\n"
      "    for v in c['raw']: print(name + '\\t' + v)\n";
  const auto r = run("python3 -c " + q(script) + " " + q(dir / "show.json"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& line : lines_of(r.out)) {
    const auto tab = line.find('\t');
    REQUIRE(tab != std::string::npos);
    out.emplace_back(line.substr(0, tab), line.substr(tab + 1));
  }
  return out;
}

// The raw values of one class.
inline std::vector<std::string> of_class(const std::vector<std::pair<std::string, std::string>>& raw,
                                         const std::string& cls) {
  std::vector<std::string> out;
  for (const auto& [c, v] : raw)
    if (c == cls) out.push_back(v);
  return out;
}

// The ways a raw identifier could be spelled in a file: as read, upper and lower case, and for MAC-like
// values without separators or with '-' instead of ':'.
inline std::vector<std::string> spellings(const std::string& raw) {
  std::vector<std::string> out;
  const auto cased = [&out](std::string s) {
    out.push_back(s);
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out.push_back(s);
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.push_back(s);
  };
  cased(raw);
  if (raw.find(':') != std::string::npos) {
    std::string bare, dashed = raw;
    for (char c : raw)
      if (c != ':') bare += c;
    for (char& c : dashed)
      if (c == ':') c = '-';
    cased(bare);
    cased(dashed);
  }
  return out;
}

// hex(HMAC-SHA-256(SHA-256("airlock-hwid-salt-v1" LF key_id LF product), class LF value)[0:16]),
// computed by python's hashlib and hmac from FORMAT.md section 4, not by Airlock's code.
inline std::string python_component_hash(const std::string& key_id, const std::string& product, const std::string& cls,
                                         const std::string& value) {
  static const char script[] =
      "import hashlib, hmac, sys\n"
      "kid, product, cls, value = (a.encode() for a in sys.argv[1:5])\n"
      "salt = hashlib.sha256(b'airlock-hwid-salt-v1\\n' + kid + b'\\n' + product).digest()\n"
      "print(hmac.new(salt, cls + b'\\n' + value, hashlib.sha256).hexdigest()[:32])\n";
  const auto r = run("python3 -c " + q(script) + " " + q(key_id) + " " + q(product) + " " + q(cls) + " " + q(value));
  REQUIRE(r.exit_code == 0);
  return r.out.substr(0, 32);
}

// The items of a comma-joined dump value.
inline std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::string item;
  for (char c : s + ",") {
    if (c != ',') {
      item += c;
    } else if (!item.empty()) {
      out.push_back(item);
      item.clear();
    }
  }
  return out;
}

// The 32-hex-digit tokens in a text: runs of exactly 32 lowercase hex digits
// between characters that are not word characters. (No std::regex: g++ 12
// warns inside it under -O2 with sanitizers.)
inline std::vector<std::string> hex32_tokens(const std::string& text) {
  const auto is_hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
  const auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size();) {
    if (!is_word(text[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && is_word(text[end])) ++end;
    bool all_hex = end - i == 32;
    for (std::size_t k = i; all_hex && k < end; ++k) all_hex = is_hex(text[k]);
    if (all_hex) out.push_back(text.substr(i, 32));
    i = end;
  }
  return out;
}

}  // namespace hwid_tool

#endif  // AIRLOCK_TESTS_HWID_TOOL_SUPPORT_HPP
