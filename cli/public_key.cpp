// SPDX-License-Identifier: MIT
#include "cli/public_key.hpp"

#include "airlock/crypto/ed25519.hpp"
#include "airlock/crypto/key_id.hpp"
#include "airlock/format/pem.hpp"
#include "cli/diagnostics.hpp"
#include "cli/file_io.hpp"

namespace airlock::cli {
namespace {

constexpr std::size_t max_public_key_file = 64 * 1024;

std::array<std::uint8_t, 32> read_public_key(const std::string& path) {
  const auto raw = format::public_key_from_pem(read_file(path, max_public_key_file));
  if (!raw || !ed25519::public_key::decode(raw->data(), raw->size())) {
    throw failure(exit_bad_key, about_file(path, "not an Ed25519 public key (SubjectPublicKeyInfo PEM)"));
  }
  return *raw;
}

}  // namespace

trust_store read_trusted_key(const std::string& path) {
  const auto raw = read_public_key(path);
  trust_store trusted;
  if (!trusted.add(raw.data(), raw.size())) throw failure(exit_internal, "cannot hold the public key");
  return trusted;
}

std::string read_key_id(const std::string& path) { return key_id_of(read_public_key(path)); }

}  // namespace airlock::cli
