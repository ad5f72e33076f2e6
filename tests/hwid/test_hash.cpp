// SPDX-License-Identifier: MIT
// Keyed component hashes: vectors from python3 hashlib/hmac, per-product separation, nothing raw leaks.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "airlock/format/match.hpp"
#include "airlock/hwid/hash.hpp"
#include "fake_machine.hpp"
#include "scenarios.hpp"

using airlock::format::component_class;
using airlock::hwid::hash_snapshot;
using strings = std::vector<std::string>;

namespace {

std::string hex(const std::array<std::uint8_t, 32>& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : bytes) out += {digits[b >> 4], digits[b & 15]};
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string as_text(const airlock::format::component_hashes& h) {
  std::string text;
  for (component_class c : airlock::format::all_component_classes) {
    text += std::string(to_string(c)) + " =";
    for (const std::string& v : h[c]) text += " " + v;
    text += "\n";
  }
  return text;
}

}  // namespace

// Expected values: python3 -c 'import hashlib,hmac; s=hashlib.sha256(b"airlock-hwid-salt-v1\nk1\nacme-cad").digest();
//   print(hmac.new(s, b"disk\n1816203954172243", hashlib.sha256).hexdigest()[:32])'
TEST_CASE("Component hashes equal HMAC-SHA-256 computed by python3 hashlib and hmac", "[hwid][hash]") {
  const auto salt = airlock::hwid::product_salt("k1", "acme-cad");
  CHECK(hex(salt) == "8eb3c4292e7355972f31f137938af0b3d7d897cee7e2f60c122ae5b5e3ad004c");
  fake::machine m;
  scenario::ci_microvm(m);
  const auto hashed = hash_snapshot(m.collect(), "k1", "acme-cad");
  CHECK(hashed.disk == strings{"df1736ba845354ed0f4fd9acc9609968"});
  CHECK(hashed.nic == strings{"ffc6262ca6a433181a00bc278a179945"});
  CHECK(hashed.os == strings{"28d637136124fa2ddd41e9662ebde27f"});
  CHECK(hashed.platform == strings{"98e1444f7e12c1931d701ef6ba07a042"});
  CHECK(hashed.board.empty());
}

TEST_CASE("The same snapshot, key id and product always give the same hashes", "[hwid][hash]") {
  fake::machine m;
  scenario::desktop(m);
  const auto a = hash_snapshot(m.collect(), "k1", "acme-cad");
  CHECK(a == hash_snapshot(m.collect(), "k1", "acme-cad"));
  CHECK(a.nic.size() == 2);
  CHECK(airlock::format::match_fingerprint(a, hash_snapshot(m.collect(), "k1", "acme-cad")).ok);
}

TEST_CASE("A different key id or product gives unlinkable hashes", "[hwid][hash]") {
  fake::machine m;
  scenario::ci_microvm(m);
  const auto snap = m.collect();
  const auto base = hash_snapshot(snap, "k1", "acme-cad");
  const auto other_key = hash_snapshot(snap, "k2", "acme-cad");
  const auto other_product = hash_snapshot(snap, "k1", "acme-viewer");
  CHECK(other_key.disk == strings{"3f36971d68627dcb189ae567e170a169"});
  CHECK(other_product.disk == strings{"69eabe450b0428f331331ff45c3c5502"});
  for (component_class c : airlock::format::all_component_classes) {
    if (base[c].empty()) continue;
    CHECK(base[c] != other_key[c]);
    CHECK(base[c] != other_product[c]);
  }
  CHECK_FALSE(airlock::format::match_fingerprint(base, other_product).ok);
}

TEST_CASE("A hashed snapshot written as text contains none of the raw identifiers", "[hwid][hash]") {
  fake::machine m;
  scenario::desktop(m);
  const auto snap = m.collect(true);
  REQUIRE(snap.board.present());
  const std::string path = m.fs.host("/hashed.txt");
  std::ofstream(path) << as_text(hash_snapshot(snap, "k1", "acme-cad"));
  std::stringstream written;
  written << std::ifstream(path).rdbuf();
  const std::string text = lower(written.str());
  REQUIRE(text.find("disk =") != std::string::npos);
  strings raw;
  for (component_class c : airlock::format::all_component_classes)
    raw.insert(raw.end(), snap[c].values.begin(), snap[c].values.end());
  raw.insert(raw.end(), {scenario::desktop_nvme_serial, scenario::desktop_eno1, "3cecef102030", "GenuineIntel",
                         "i7-8700", "4c4c4544", "7B2KXN2", scenario::desktop_machine_id.substr(0, 8)});
  for (const std::string& value : raw) {
    INFO(value);
    CHECK(text.find(lower(value)) == std::string::npos);
  }
}

TEST_CASE("Every hash of a scenario agrees with python3 when python3 is available", "[hwid][hash]") {
  fake::machine m;
  scenario::desktop(m);
  const auto snap = m.collect(true);
  std::string script = "import hashlib,hmac\ns=hashlib.sha256(b'airlock-hwid-salt-v1\\nkey-7\\nproduct x').digest()\n";
  std::string expected;
  for (component_class c : airlock::format::all_component_classes) {
    for (const std::string& v : snap[c].values) {
      script += "print(hmac.new(s, b'" + std::string(to_string(c)) + "\\n' + " + "bytes.fromhex('";
      for (unsigned char ch : v) script += {"0123456789abcdef"[ch >> 4], "0123456789abcdef"[ch & 15]};
      script += "'), hashlib.sha256).hexdigest()[:32])\n";
      expected += airlock::hwid::component_hash(airlock::hwid::product_salt("key-7", "product x"), c, v) + "\n";
    }
  }
  std::ofstream(m.fs.host("/check.py")) << script;
  FILE* pipe = ::popen(("python3 " + m.fs.host("/check.py") + " 2>/dev/null").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  if (::pclose(pipe) != 0) {
    WARN("python3 not available, skipped");
    return;
  }
  CHECK(output == expected);
  CHECK(std::count(output.begin(), output.end(), '\n') == 7);
}
