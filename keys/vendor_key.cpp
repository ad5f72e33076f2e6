// SPDX-License-Identifier: MIT
// Botan 2 behind the signing_key interface. Pitfalls this file guards
// against (see shared/research/toolchain.md): PK_Signer must be given
// "Pure" (any hash name selects a non-standard mode); PKCS8::load_key
// happily loads RSA, EC and X25519 keys, so the algorithm is checked; a
// passphrase must not be passed for an unencrypted key.
#include "keys/vendor_key.hpp"

#include "airlock/crypto/key_id.hpp"

#include <botan/auto_rng.h>
#include <botan/data_src.h>
#include <botan/ed25519.h>
#include <botan/exceptn.h>
#include <botan/mem_ops.h>
#include <botan/pkcs8.h>
#include <botan/pubkey.h>
#include <botan/system_rng.h>
#include <botan/x509_key.h>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <iterator>

namespace airlock::keys {

struct signing_key::impl {
  explicit impl(std::unique_ptr<Botan::Ed25519_PrivateKey> k) : key(std::move(k)) {}
  std::unique_ptr<Botan::Ed25519_PrivateKey> key;
};

namespace {

constexpr std::size_t max_key_file_size = 64 * 1024;

[[noreturn]] void fail(key_problem problem, const std::string& path, const std::string& what) {
  throw key_error(problem, path + ": " + what);
}

// Opened without blocking, so a FIFO or a device is refused rather than waited on or read forever.
std::string read_key_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) fail(key_problem::unreadable, path, "cannot open the key file");
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    fail(key_problem::unreadable, path, "not a regular file");
  }
  std::string data;
  data.reserve(max_key_file_size + 4096);  // never reallocated: no stray copies of key text in freed memory
  char buf[4096];
  struct scrub_buffer {
    char* p;
    std::size_t n;
    ~scrub_buffer() { Botan::secure_scrub_memory(p, n); }
  } const scrub{buf, sizeof buf};
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      if (n < 0) fail(key_problem::unreadable, path, "cannot read the key file");
      break;
    }
    data.append(buf, static_cast<std::size_t>(n));
    if (data.size() > max_key_file_size) {
      ::close(fd);
      fail(key_problem::malformed, path, "too large for a key file");
    }
  }
  if (data.empty()) fail(key_problem::malformed, path, "the key file is empty");
  return data;
}

enum class key_file_kind { encrypted_private, private_key, public_key, other_pem, der };

key_file_kind classify(const std::string& data) {
  if (data.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string::npos) return key_file_kind::encrypted_private;
  if (data.find("-----BEGIN PRIVATE KEY-----") != std::string::npos) return key_file_kind::private_key;
  if (data.find("-----BEGIN PUBLIC KEY-----") != std::string::npos) return key_file_kind::public_key;
  if (data.find("-----BEGIN ") != std::string::npos) return key_file_kind::other_pem;
  return key_file_kind::der;
}

std::string pem_label(const std::string& data) {
  auto start = data.find("-----BEGIN ") + 11;
  auto end = data.find("-----", start);
  return data.substr(start, end == std::string::npos ? 32 : end - start);
}

std::string algorithm_problem(const std::string& algo) { return "is an " + algo + " key; Airlock keys are Ed25519"; }

std::unique_ptr<Botan::Ed25519_PrivateKey> as_ed25519(std::unique_ptr<Botan::Private_Key> key,
                                                      const std::string& path) {
  if (!key) fail(key_problem::malformed, path, "not a private key");
  if (key->algo_name() != "Ed25519") fail(key_problem::wrong_algorithm, path, algorithm_problem(key->algo_name()));
  auto* ed = dynamic_cast<Botan::Ed25519_PrivateKey*>(key.get());
  if (!ed) fail(key_problem::wrong_algorithm, path, algorithm_problem(key->algo_name()));
  key.release();
  return std::unique_ptr<Botan::Ed25519_PrivateKey>(ed);
}

std::unique_ptr<Botan::Private_Key> decode_plain(const std::string& data, const std::string& path) {
  try {
    Botan::DataSource_Memory source(data);
    return Botan::PKCS8::load_key(source);
  } catch (const std::exception& e) {
    fail(key_problem::malformed, path, std::string("not a valid private key (") + e.what() + ")");
  }
}

// Botan cannot tell a wrong passphrase from altered ciphertext (both end in
// bad CBC padding or, rarely, a BER error), so neither can we; PEM framing
// and base64 errors happen before decryption and are reported as such.
std::unique_ptr<Botan::Private_Key> decode_encrypted(const std::string& data, const std::string& path,
                                                     std::string passphrase) {
  try {
    Botan::DataSource_Memory source(data);
    auto key = Botan::PKCS8::load_key(source, passphrase);
    wipe(passphrase);
    return key;
  } catch (const std::exception& e) {
    // Botan's Decoding_Error derives from Invalid_Argument, so sort by
    // what went wrong rather than by type.
    wipe(passphrase);
    const std::string what = e.what();
    if (what.find("PEM") != std::string::npos || what.find("base64") != std::string::npos)
      fail(key_problem::malformed, path, "corrupt key file (" + what + ")");
    fail(key_problem::bad_passphrase, path, "wrong passphrase, or the encrypted key was altered");
  }
}

std::unique_ptr<Botan::Public_Key> decode_public(const std::string& data, const std::string& path) {
  try {
    Botan::DataSource_Memory source(data);
    return std::unique_ptr<Botan::Public_Key>(Botan::X509::load_key(source));
  } catch (const std::exception& e) {
    fail(key_problem::malformed, path, std::string("not a valid public key (") + e.what() + ")");
  }
}

public_key_bytes raw_public(const Botan::Public_Key& key, const std::string& path) {
  if (key.algo_name() != "Ed25519") fail(key_problem::wrong_algorithm, path, algorithm_problem(key.algo_name()));
  const auto* ed = dynamic_cast<const Botan::Ed25519_PublicKey*>(&key);
  if (!ed || ed->get_public_key().size() != 32) fail(key_problem::malformed, path, "bad Ed25519 public key");
  public_key_bytes out{};
  std::copy(ed->get_public_key().begin(), ed->get_public_key().end(), out.begin());
  return out;
}

}  // namespace

void wipe(std::string& secret) noexcept {
  if (!secret.empty()) Botan::secure_scrub_memory(&secret[0], secret.size());
  secret.clear();
}

void forbid_core_dumps() noexcept {
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  const struct rlimit none { 0, 0 };
  ::setrlimit(RLIMIT_CORE, &none);
}

void size_locked_memory_pool() noexcept {
  // Read by Botan once, when it first allocates memory for a secret (in KiB).
  ::setenv("BOTAN_MLOCK_POOL_SIZE", "48", 0);
}

signing_key::signing_key(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
signing_key::signing_key(signing_key&&) noexcept = default;
signing_key& signing_key::operator=(signing_key&&) noexcept = default;
signing_key::~signing_key() = default;

signing_key signing_key::generate() {
  Botan::AutoSeeded_RNG rng;
  return signing_key(std::make_unique<impl>(std::make_unique<Botan::Ed25519_PrivateKey>(rng)));
}

signing_key signing_key::load(const std::string& path, const passphrase_source& passphrase) {
  std::string data = read_key_file(path);
  const wipe_on_exit wipe_data{data};
  switch (classify(data)) {
    case key_file_kind::public_key: fail(key_problem::not_private, path, "is a public key; a private key is needed");
    case key_file_kind::other_pem:
      fail(key_problem::wrong_algorithm, path,
           "holds a '" + pem_label(data) + "'; Airlock needs an Ed25519 key in PKCS#8 form");
    case key_file_kind::encrypted_private: {
      if (!passphrase) fail(key_problem::no_passphrase, path, "the key is encrypted and no passphrase was given");
      std::string secret;
      try {
        secret = passphrase();
      } catch (const key_error& e) {
        fail(e.problem(), path, e.what());
      }
      return signing_key(std::make_unique<impl>(as_ed25519(decode_encrypted(data, path, std::move(secret)), path)));
    }
    case key_file_kind::private_key:
    case key_file_kind::der: break;
  }
  return signing_key(std::make_unique<impl>(as_ed25519(decode_plain(data, path), path)));
}

public_key_bytes signing_key::public_key() const { return raw_public(*impl_->key, "signing key"); }

std::string signing_key::private_pem_encrypted(const std::string& passphrase, std::size_t pbkdf2_iterations) const {
  Botan::AutoSeeded_RNG rng;
  return Botan::PKCS8::PEM_encode_encrypted_pbkdf_iter(*impl_->key, rng, passphrase, pbkdf2_iterations, "AES-256/CBC",
                                                       "SHA-256");
}

std::string signing_key::private_pem_unencrypted() const { return Botan::PKCS8::PEM_encode(*impl_->key); }

std::string signing_key::public_pem() const { return Botan::X509::PEM_encode(*impl_->key); }

signature_bytes signing_key::sign(const std::uint8_t* message, std::size_t size) const {
  // Pure Ed25519 is deterministic: the RNG is never drawn from, but the
  // API wants one. System_RNG is stateless and thread-safe. (Botan's
  // ed25519_sign would skip the signer's set-up, but libbotan-2.so does not
  // export it: it is not Botan's public API.)
  Botan::System_RNG rng;
  Botan::PK_Signer signer(*impl_->key, rng, "Pure");
  const auto sig = signer.sign_message(message, size, rng);
  signature_bytes out{};
  if (sig.size() != out.size()) throw std::runtime_error("Ed25519 signature of unexpected size");
  std::copy(sig.begin(), sig.end(), out.begin());
  return out;
}

public_key_bytes load_public_key(const std::string& path) {
  const std::string data = read_key_file(path);
  const auto kind = classify(data);
  if (kind == key_file_kind::private_key || kind == key_file_kind::encrypted_private)
    fail(key_problem::malformed, path, "is a private key; give the public key file");
  if (kind == key_file_kind::other_pem)
    fail(key_problem::wrong_algorithm, path, "holds a '" + pem_label(data) + "', not an Ed25519 public key");
  auto key = decode_public(data, path);
  return raw_public(*key, path);
}

public_key_bytes load_any_public_key(const std::string& path, const passphrase_source& passphrase) {
  std::string data = read_key_file(path);
  const wipe_on_exit wipe_data{data};
  if (classify(data) == key_file_kind::public_key) return raw_public(*decode_public(data, path), path);
  return signing_key::load(path, passphrase).public_key();
}

std::string public_key_pem(const public_key_bytes& key) {
  Botan::Ed25519_PublicKey pub(key.data(), key.size());
  return Botan::X509::PEM_encode(pub);
}

std::string key_id(const public_key_bytes& key) { return key_id_of(key); }

}  // namespace airlock::keys
