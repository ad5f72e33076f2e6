// SPDX-License-Identifier: MIT
// Test helpers for tests/crypto: a small JSON reader, hex, vector files, expected results.
#ifndef AIRLOCK_TESTS_CRYPTO_TEST_SUPPORT_HPP
#define AIRLOCK_TESTS_CRYPTO_TEST_SUPPORT_HPP

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace airlock_test {

using bytes = std::vector<std::uint8_t>;

// Just enough JSON for the vector files: objects, arrays, strings (with
// escapes; \u outside ASCII becomes '?'), numbers, true, false, null.
struct json {
  enum class kind { null, boolean, number, string, array, object } type = kind::null;
  bool boolean = false;
  double number = 0;
  std::string text;
  std::vector<json> items;
  std::vector<std::pair<std::string, json>> members;

  const json& operator[](const std::string& key) const {
    for (const auto& m : members) {
      if (m.first == key) return m.second;
    }
    throw std::runtime_error("json: no member " + key);
  }
  bool has(const std::string& key) const {
    for (const auto& m : members) {
      if (m.first == key) return true;
    }
    return false;
  }
};

class json_parser {
 public:
  explicit json_parser(const std::string& text) : s_(text) {}

  json parse_document() {
    json v = parse_value();
    skip_space();
    if (i_ != s_.size()) fail("trailing data");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("json: " + what + " at offset " + std::to_string(i_));
  }
  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
  }
  char peek() {
    skip_space();
    if (i_ >= s_.size()) fail("unexpected end");
    return s_[i_];
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected ") + c);
    ++i_;
  }
  bool literal(const char* word) {
    const std::string w(word);
    if (s_.compare(i_, w.size(), w) != 0) return false;
    i_ += w.size();
    return true;
  }

  json parse_value() {
    json v;
    const char c = peek();
    if (c == '{') return parse_object();
    if (c == '[') return parse_array();
    if (c == '"') {
      v.type = json::kind::string;
      v.text = parse_string();
    } else if (literal("true")) {
      v.type = json::kind::boolean;
      v.boolean = true;
    } else if (literal("false")) {
      v.type = json::kind::boolean;
    } else if (literal("null")) {
      v.type = json::kind::null;
    } else {
      std::size_t used = 0;
      v.type = json::kind::number;
      v.number = std::stod(s_.substr(i_, 32), &used);
      if (used == 0) fail("bad value");
      i_ += used;
    }
    return v;
  }

  json parse_object() {
    json v;
    v.type = json::kind::object;
    expect('{');
    if (peek() == '}') return ++i_, v;
    for (;;) {
      if (peek() != '"') fail("expected key");
      std::string key = parse_string();
      expect(':');
      v.members.emplace_back(std::move(key), parse_value());
      if (peek() == '}') return ++i_, v;
      expect(',');
    }
  }

  json parse_array() {
    json v;
    v.type = json::kind::array;
    expect('[');
    if (peek() == ']') return ++i_, v;
    for (;;) {
      v.items.push_back(parse_value());
      if (peek() == ']') return ++i_, v;
      expect(',');
    }
  }

  std::string parse_string() {
    expect('"');
    std::string out;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_++];
      if (c == '\\') {
        if (i_ >= s_.size()) fail("bad escape");
        const char e = s_[i_++];
        if (e == 'u') {
          const unsigned code = static_cast<unsigned>(std::stoul(s_.substr(i_, 4), nullptr, 16));
          i_ += 4;
          c = code < 0x80 ? static_cast<char>(code) : '?';
        } else {
          c = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == 'b' ? '\b' : e == 'f' ? '\f' : e;
        }
      }
      out += c;
    }
    if (i_ >= s_.size()) fail("unterminated string");
    ++i_;
    return out;
  }

  const std::string& s_;
  std::size_t i_ = 0;
};

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string vector_path(const std::string& name) {
  return std::string(AIRLOCK_SOURCE_DIR) + "/tests/vectors/" + name;
}

inline json load_vector_json(const std::string& name) {
  const std::string text = read_text(vector_path(name));
  return json_parser(text).parse_document();
}

inline bytes from_hex(const std::string& hex) {
  if (hex.size() % 2 != 0) throw std::runtime_error("odd hex length");
  bytes out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

template <class Container>
std::string to_hex(const Container& data) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (auto b : data) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

inline bytes as_bytes(const std::string& text) { return bytes(text.begin(), text.end()); }

// expected_results_by_policy.txt: "set id expected ref10 openssl3 tweetnacl
// libsodium monocypher4 strict rfc8032"; returns (set, id) -> strict column.
inline std::map<std::pair<std::string, std::string>, bool> strict_expectations() {
  std::istringstream lines(read_text(vector_path("expected_results_by_policy.txt")));
  std::map<std::pair<std::string, std::string>, bool> out;
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string set, id, expected;
    int column[7] = {};
    fields >> set >> id >> expected;
    for (int& c : column) fields >> c;
    if (!fields) throw std::runtime_error("bad expectations line: " + line);
    out[{set, id}] = column[5] == 1;
  }
  return out;
}

// The seed of a randomized test: AIRLOCK_TEST_SEED if set, else random; printed.
inline std::uint64_t test_seed(const char* test_name) {
  std::uint64_t seed = 0;
  if (const char* env = std::getenv("AIRLOCK_TEST_SEED")) {
    seed = std::strtoull(env, nullptr, 0);
  } else {
    seed = (std::uint64_t{std::random_device{}()} << 32) | std::random_device{}();
  }
  std::cout << test_name << ": seed " << seed << " (set AIRLOCK_TEST_SEED to reproduce)\n";
  return seed;
}

inline bytes random_bytes(std::mt19937_64& rng, std::size_t size) {
  bytes out(size);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

}  // namespace airlock_test

#endif  // AIRLOCK_TESTS_CRYPTO_TEST_SUPPORT_HPP
