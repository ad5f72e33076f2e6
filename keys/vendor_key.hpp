// SPDX-License-Identifier: MIT
// The vendor's Ed25519 signing key: generate, load, store, sign. Every Botan
// call of the project lives behind this header (and vendor_key.cpp), so that
// moving from Botan 2 to Botan 3 touches this folder only.
#ifndef AIRLOCK_KEYS_VENDOR_KEY_HPP
#define AIRLOCK_KEYS_VENDOR_KEY_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace airlock::keys {

using public_key_bytes = std::array<std::uint8_t, 32>;
using signature_bytes = std::array<std::uint8_t, 64>;

// OWASP's 2023 floor for PBKDF2-HMAC-SHA-256; about 0.1 s per load here.
inline constexpr std::size_t default_pbkdf2_iterations = 600000;

enum class key_problem {
  unreadable,       // missing, a folder, no permission
  malformed,        // not a key file, corrupt PEM or DER
  wrong_algorithm,  // RSA, EC, X25519...: Airlock keys are Ed25519
  not_private,      // a public key where a private key is needed
  no_passphrase,    // encrypted, and no passphrase was available
  bad_passphrase,   // wrong passphrase, or encrypted data that was altered
};

// The message always starts with the file's path.
class key_error : public std::runtime_error {
 public:
  key_error(key_problem problem, const std::string& message) : std::runtime_error(message), problem_(problem) {}
  key_problem problem() const noexcept { return problem_; }

 private:
  key_problem problem_;
};

// Called at most once, and only for an encrypted key. It may throw
// key_error(no_passphrase) when no passphrase can be had.
using passphrase_source = std::function<std::string()>;

class signing_key {
 public:
  static signing_key generate();
  // Reads PKCS#8 PEM or DER, encrypted or not (ours or `openssl genpkey`).
  static signing_key load(const std::string& path, const passphrase_source& passphrase);

  signing_key(signing_key&&) noexcept;
  signing_key& operator=(signing_key&&) noexcept;
  ~signing_key();

  public_key_bytes public_key() const;

  // PKCS#8 PEM; encrypted with PBES2: PBKDF2-HMAC-SHA-256 and AES-256-CBC,
  // the form `openssl pkey -passin` opens.
  std::string private_pem_encrypted(const std::string& passphrase,
                                    std::size_t pbkdf2_iterations = default_pbkdf2_iterations) const;
  std::string private_pem_unencrypted() const;
  std::string public_pem() const;

  // Pure Ed25519 (RFC 8032), never a prehash mode. Safe to call from
  // several threads at once.
  signature_bytes sign(const std::uint8_t* message, std::size_t size) const;

  struct impl;

 private:
  explicit signing_key(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

// Reads the 32 raw bytes of an Ed25519 public key from a SubjectPublicKeyInfo
// PEM (or DER) file.
public_key_bytes load_public_key(const std::string& path);

// A public key from a file that holds either a public or a private key; the
// passphrase is asked only for an encrypted private key.
public_key_bytes load_any_public_key(const std::string& path, const passphrase_source& passphrase);

std::string public_key_pem(const public_key_bytes& key);

// The key id every license carries (airlock::key_id_of, the verifier's own
// definition, so vendor and customer can never disagree).
std::string key_id(const public_key_bytes& key);

// Erases a secret string in a way the optimizer keeps.
void wipe(std::string& secret) noexcept;

// Wipes a string that holds key material when the scope ends, on every path.
struct wipe_on_exit {
  std::string& secret;
  ~wipe_on_exit() { wipe(secret); }
};

// No core dump and no ptrace attach by other processes of the same user
// for the rest of the process: a tool that loads a private key calls this
// before it does.
void forbid_core_dumps() noexcept;

// Sizes Botan's pool of locked (never swapped) memory for one command: 48 KiB, twelve pages, where
// loading an encrypted key uses nine size classes of one page each. Botan's default, 512 KiB,
// locks and guards 128 pages one by one and unlocks them at exit, which cost most of the run
// time of `airlock issue` for one license. Call it before any other function of this header;
// a BOTAN_MLOCK_POOL_SIZE already set in the environment is kept.
void size_locked_memory_pool() noexcept;

}  // namespace airlock::keys

#endif
