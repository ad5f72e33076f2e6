// SPDX-License-Identifier: MIT
// SHA-256, SHA-512 and HMAC-SHA-256: NIST/RFC examples and agreement with Botan.
#include <botan/hash.h>
#include <botan/mac.h>

#include <catch2/catch.hpp>

#include "airlock/crypto/sha2.hpp"
#include "test_support.hpp"

using airlock_test::as_bytes;
using airlock_test::bytes;
using airlock_test::to_hex;

namespace {

const std::string msg_448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
const std::string msg_896 =
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

std::string sha256_hex(const bytes& m) { return to_hex(airlock::sha256_digest(m.data(), m.size())); }
std::string sha512_hex(const bytes& m) { return to_hex(airlock::sha512_digest(m.data(), m.size())); }

bytes botan_hash(const std::string& name, const bytes& m) {
  auto h = Botan::HashFunction::create_or_throw(name);
  h->update(m.data(), m.size());
  const auto out = h->final();
  return bytes(out.begin(), out.end());
}

// Feeds m in random-sized pieces (including empty ones).
template <class Hash>
auto hash_in_pieces(const bytes& m, std::mt19937_64& rng) {
  Hash h;
  std::size_t at = 0;
  while (at < m.size()) {
    const std::size_t piece = std::min<std::size_t>(m.size() - at, rng() % 140);
    h.update(m.data() + at, piece);
    at += piece;
  }
  h.update(nullptr, 0);
  return h.finish();
}

}  // namespace

// Expected digests: FIPS 180-4 example values (NIST CSRC "Examples with
// intermediate values"), re-checked with python3 hashlib.
TEST_CASE("SHA-256 reproduces the NIST example digests", "[sha2]") {
  CHECK(sha256_hex(as_bytes("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex(as_bytes(msg_448)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(as_bytes(msg_896)) == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  CHECK(sha256_hex(bytes(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  CHECK(sha256_hex(bytes()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("SHA-512 reproduces the NIST example digests", "[sha2]") {
  CHECK(sha512_hex(as_bytes("abc")) ==
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce8"
        "0e2a9ac94fa54ca49f");
  CHECK(sha512_hex(as_bytes(msg_448)) ==
        "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd7"
        "0354ec631238ca3445");
  CHECK(sha512_hex(as_bytes(msg_896)) ==
        "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26"
        "545e96e55b874be909");
  CHECK(sha512_hex(bytes(1000000, 'a')) ==
        "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa"
        "2e4eadb217ad8cc09b");
}

TEST_CASE("SHA-256 and SHA-512 agree with Botan on every length from 0 to 300 bytes", "[sha2]") {
  std::mt19937_64 rng(airlock_test::test_seed("sha2 vs Botan"));
  for (std::size_t size = 0; size <= 300; ++size) {
    const bytes m = airlock_test::random_bytes(rng, size);
    INFO("size " << size);
    const bytes expected256 = botan_hash("SHA-256", m), expected512 = botan_hash("SHA-512", m);
    CHECK(sha256_hex(m) == to_hex(expected256));
    CHECK(sha512_hex(m) == to_hex(expected512));
    CHECK(to_hex(hash_in_pieces<airlock::sha256>(m, rng)) == to_hex(expected256));
    CHECK(to_hex(hash_in_pieces<airlock::sha512>(m, rng)) == to_hex(expected512));
  }
}

TEST_CASE("finish starts a new message on the same object", "[sha2]") {
  airlock::sha256 h;
  const bytes abc = as_bytes("abc");
  h.update(abc.data(), abc.size());
  const auto first = h.finish();
  h.update(abc.data(), abc.size());
  CHECK(h.finish() == first);
}

// RFC 4231 section 4, test cases 1, 2 and 6 (key longer than the block).
TEST_CASE("HMAC-SHA-256 reproduces the RFC 4231 test cases", "[sha2][hmac]") {
  auto hmac_hex = [](const bytes& key, const std::string& message) {
    const bytes m = as_bytes(message);
    return to_hex(airlock::hmac_sha256(key.data(), key.size(), m.data(), m.size()));
  };
  CHECK(hmac_hex(bytes(20, 0x0b), "Hi There") == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  CHECK(hmac_hex(as_bytes("Jefe"), "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(hmac_hex(bytes(131, 0xaa), "Test Using Larger Than Block-Size Key - Hash Key First") ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST_CASE("HMAC-SHA-256 agrees with Botan for keys of 0 to 130 bytes", "[sha2][hmac]") {
  std::mt19937_64 rng(airlock_test::test_seed("hmac vs Botan"));
  for (std::size_t key_size = 0; key_size <= 130; ++key_size) {
    const bytes key = airlock_test::random_bytes(rng, key_size);
    const bytes m = airlock_test::random_bytes(rng, rng() % 200);
    auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    mac->set_key(key.data(), key.size());
    mac->update(m.data(), m.size());
    const auto expected = mac->final();
    INFO("key size " << key_size);
    CHECK(to_hex(airlock::hmac_sha256(key.data(), key.size(), m.data(), m.size())) == to_hex(expected));
  }
}
