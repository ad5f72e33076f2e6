// SPDX-License-Identifier: MIT
// SHA-256, SHA-512 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104): standard library only.
#ifndef AIRLOCK_SHA2_HPP
#define AIRLOCK_SHA2_HPP

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

namespace airlock {
namespace detail {

// The two hash families differ only in word size, round count, rotation
// amounts and constants (FIPS 180-4 sections 4.1.2, 4.1.3, 4.2.2, 4.2.3).
template <class Word>
struct sha2_traits;

template <>
struct sha2_traits<std::uint32_t> {
  static constexpr std::size_t rounds = 64;
  static constexpr int big0[3] = {2, 13, 22}, big1[3] = {6, 11, 25};
  static constexpr int small0[3] = {7, 18, 3}, small1[3] = {17, 19, 10};
  static constexpr std::uint32_t k[64] = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
      0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
      0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
      0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
      0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
      0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
      0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  };
};

template <>
struct sha2_traits<std::uint64_t> {
  static constexpr std::size_t rounds = 80;
  static constexpr int big0[3] = {28, 34, 39}, big1[3] = {14, 18, 41};
  static constexpr int small0[3] = {1, 8, 7}, small1[3] = {19, 61, 6};
  static constexpr std::uint64_t k[80] = {
      0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc, 0x3956c25bf348b538,
      0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118, 0xd807aa98a3030242, 0x12835b0145706fbe,
      0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2, 0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235,
      0xc19bf174cf692694, 0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
      0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5, 0x983e5152ee66dfab,
      0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4, 0xc6e00bf33da88fc2, 0xd5a79147930aa725,
      0x06ca6351e003826f, 0x142929670a0e6e70, 0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed,
      0x53380d139d95b3df, 0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
      0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30, 0xd192e819d6ef5218,
      0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8, 0x19a4c116b8d2d0c8, 0x1e376c085141ab53,
      0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8, 0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373,
      0x682e6ff3d6b2b8a3, 0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
      0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b, 0xca273eceea26619c,
      0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178, 0x06f067aa72176fba, 0x0a637dc5a2c898a6,
      0x113f9804bef90dae, 0x1b710b35131c471b, 0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc,
      0x431d67c49c100d4c, 0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
  };
};

template <class Word>
constexpr Word sha2_rotr(Word x, int n) noexcept {
  return static_cast<Word>((x >> n) | (x << (8 * sizeof(Word) - static_cast<unsigned>(n))));
}

// Sigma (upper case) rotates three times; sigma (lower case) shifts last.
template <class Word>
constexpr Word sha2_big_sigma(Word x, const int (&r)[3]) noexcept {
  return sha2_rotr(x, r[0]) ^ sha2_rotr(x, r[1]) ^ sha2_rotr(x, r[2]);
}
template <class Word>
constexpr Word sha2_small_sigma(Word x, const int (&r)[3]) noexcept {
  return sha2_rotr(x, r[0]) ^ sha2_rotr(x, r[1]) ^ static_cast<Word>(x >> r[2]);
}

template <class Word>
constexpr Word sha2_load_be(const std::uint8_t* p) noexcept {
  Word w = 0;
  for (std::size_t i = 0; i < sizeof(Word); ++i) w = static_cast<Word>((w << 8) | p[i]);
  return w;
}

template <class Word>
constexpr void sha2_store_be(Word w, std::uint8_t* p) noexcept {
  for (std::size_t i = sizeof(Word); i-- > 0; w = static_cast<Word>(w >> 8)) {
    p[i] = static_cast<std::uint8_t>(w & 0xff);
  }
}

// Buffering, padding (FIPS 180-4 section 5.1) and the compression function
// (sections 6.2.2 and 6.4.2), shared by SHA-256 and SHA-512.
template <class Word, std::size_t DigestSize>
class sha2_engine {
 public:
  static constexpr std::size_t block_size = 16 * sizeof(Word);

  explicit sha2_engine(const std::array<Word, 8>& initial) noexcept : state_(initial) {}

  void update(const std::uint8_t* data, std::size_t size) noexcept {
    total_bytes_ += size;
    if (buffered_ > 0) {
      const std::size_t take = std::min(block_size - buffered_, size);
      for (std::size_t i = 0; i < take; ++i) buffer_[buffered_ + i] = data[i];
      buffered_ += take;
      data += take;
      size -= take;
      if (buffered_ < block_size) return;
      compress(buffer_.data());
      buffered_ = 0;
    }
    for (; size >= block_size; data += block_size, size -= block_size) compress(data);
    for (std::size_t i = 0; i < size; ++i) buffer_[i] = data[i];
    buffered_ = size;
  }

  std::array<std::uint8_t, DigestSize> finish() noexcept {
    // The length field is 64 bits (SHA-256) or 128 bits (SHA-512) of the
    // message length in bits; its bits above 2^64 stay zero.
    const std::uint64_t total_bits = total_bytes_ * 8;
    const std::size_t length_field = 2 * sizeof(Word);
    std::uint8_t pad = 0x80;
    update(&pad, 1);
    pad = 0;
    while (buffered_ != block_size - length_field) update(&pad, 1);
    for (std::size_t i = 0; i < length_field; ++i) {
      const std::size_t shift = 8 * (length_field - 1 - i);
      buffer_[buffered_ + i] = shift < 64 ? static_cast<std::uint8_t>(total_bits >> shift) : 0;
    }
    compress(buffer_.data());
    std::array<std::uint8_t, DigestSize> digest{};
    for (std::size_t i = 0; i < DigestSize / sizeof(Word); ++i) {
      sha2_store_be(state_[i], digest.data() + i * sizeof(Word));
    }
    return digest;
  }

 private:
  using traits = sha2_traits<Word>;

  void compress(const std::uint8_t* block) noexcept {
    Word w[traits::rounds];
    for (std::size_t t = 0; t < 16; ++t) w[t] = sha2_load_be<Word>(block + t * sizeof(Word));
    for (std::size_t t = 16; t < traits::rounds; ++t) {
      w[t] = static_cast<Word>(sha2_small_sigma(w[t - 2], traits::small1) + w[t - 7] +
                               sha2_small_sigma(w[t - 15], traits::small0) + w[t - 16]);
    }
    // Named variables, not an array shifted by a loop: -O2 turns such a loop
    // into a memmove per round and keeps the state in memory.
    Word a = state_[0], b = state_[1], c = state_[2], d = state_[3];
    Word e = state_[4], f = state_[5], g = state_[6], h = state_[7];
    for (std::size_t t = 0; t < traits::rounds; ++t) {
      const Word choose = static_cast<Word>((e & f) ^ (~e & g));
      const Word majority = static_cast<Word>((a & b) ^ (a & c) ^ (b & c));
      const Word t1 = static_cast<Word>(h + sha2_big_sigma(e, traits::big1) + choose + traits::k[t] + w[t]);
      const Word t2 = static_cast<Word>(sha2_big_sigma(a, traits::big0) + majority);
      h = g;
      g = f;
      f = e;
      e = static_cast<Word>(d + t1);
      d = c;
      c = b;
      b = a;
      a = static_cast<Word>(t1 + t2);
    }
    const Word out[8] = {a, b, c, d, e, f, g, h};
    for (std::size_t i = 0; i < 8; ++i) state_[i] = static_cast<Word>(state_[i] + out[i]);
  }

  std::array<Word, 8> state_;
  std::array<std::uint8_t, block_size> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t total_bytes_ = 0;
};

// Initial hash values, FIPS 180-4 sections 5.3.3 and 5.3.5.
inline constexpr std::array<std::uint32_t, 8> sha256_initial = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};
inline constexpr std::array<std::uint64_t, 8> sha512_initial = {
    0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
    0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
};

}  // namespace detail

// Streaming SHA-256. finish() returns the digest and starts a new message.
class sha256 {
 public:
  sha256() noexcept : engine_(detail::sha256_initial) {}
  void update(const std::uint8_t* data, std::size_t size) noexcept { engine_.update(data, size); }
  std::array<std::uint8_t, 32> finish() noexcept {
    const auto digest = engine_.finish();
    engine_ = engine_type(detail::sha256_initial);
    return digest;
  }

 private:
  using engine_type = detail::sha2_engine<std::uint32_t, 32>;
  engine_type engine_;
};

// Streaming SHA-512. finish() returns the digest and starts a new message.
class sha512 {
 public:
  sha512() noexcept : engine_(detail::sha512_initial) {}
  void update(const std::uint8_t* data, std::size_t size) noexcept { engine_.update(data, size); }
  std::array<std::uint8_t, 64> finish() noexcept {
    const auto digest = engine_.finish();
    engine_ = engine_type(detail::sha512_initial);
    return digest;
  }

 private:
  using engine_type = detail::sha2_engine<std::uint64_t, 64>;
  engine_type engine_;
};

inline std::array<std::uint8_t, 32> sha256_digest(const std::uint8_t* data, std::size_t size) noexcept {
  sha256 h;
  h.update(data, size);
  return h.finish();
}

inline std::array<std::uint8_t, 64> sha512_digest(const std::uint8_t* data, std::size_t size) noexcept {
  sha512 h;
  h.update(data, size);
  return h.finish();
}

// HMAC (RFC 2104) with SHA-256: block size 64, keys longer than that are hashed first.
inline std::array<std::uint8_t, 32> hmac_sha256(const std::uint8_t* key, std::size_t key_size,
                                                const std::uint8_t* message, std::size_t message_size) noexcept {
  std::array<std::uint8_t, 64> block{};
  if (key_size > block.size()) {
    const auto key_digest = sha256_digest(key, key_size);
    for (std::size_t i = 0; i < key_digest.size(); ++i) block[i] = key_digest[i];
  } else {
    for (std::size_t i = 0; i < key_size; ++i) block[i] = key[i];
  }
  for (auto& b : block) b ^= 0x36;
  sha256 inner;
  inner.update(block.data(), block.size());
  inner.update(message, message_size);
  const auto inner_digest = inner.finish();
  for (auto& b : block) b ^= 0x36 ^ 0x5c;
  sha256 outer;
  outer.update(block.data(), block.size());
  outer.update(inner_digest.data(), inner_digest.size());
  return outer.finish();
}

}  // namespace airlock

#endif  // AIRLOCK_SHA2_HPP
