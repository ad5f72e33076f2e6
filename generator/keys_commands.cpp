// SPDX-License-Identifier: MIT
// `airlock keygen` and `airlock pubkey`.
#include <unistd.h>

#include <iostream>

#include "airlock/format/encoding.hpp"
#include "cli/file_io.hpp"
#include "generator/command_line.hpp"
#include "generator/passphrase.hpp"

namespace airlock::generator {
namespace {

struct key_paths {
  std::string private_key;
  std::string public_key;
};

key_paths keygen_paths(const po::variables_map& vm) {
  const bool dir = vm.count("out-dir") > 0;
  const bool files = vm.count("private") > 0 || vm.count("public") > 0;
  if (dir == files)
    throw cli::failure(cli::exit_usage, "give either --out-dir DIR or both --private FILE and --public FILE");
  if (dir) {
    const std::string d = vm["out-dir"].as<std::string>();
    return {d + "/vendor.key", d + "/vendor.pub"};
  }
  if (!vm.count("private") || !vm.count("public"))
    throw cli::failure(cli::exit_usage, "--private and --public go together");
  return {vm["private"].as<std::string>(), vm["public"].as<std::string>()};
}

// keygen names the public key first, so an interrupted run can leave a
// public key alone but never a private key without its public key.
void refuse_existing(const key_paths& paths) {
  if (cli::path_exists(paths.private_key))
    throw cli::failure(cli::exit_write_failed,
                       cli::about_file(paths.private_key, "already exists; keygen never overwrites a key"));
  if (cli::path_exists(paths.public_key))
    throw cli::failure(cli::exit_write_failed,
                       cli::about_file(paths.public_key,
                                       "already exists, with no private key beside it (an interrupted keygen leaves "
                                       "that): delete it or choose another name, then run keygen again"));
}

std::string private_key_text(const keys::signing_key& key, const po::variables_map& vm) {
  if (vm.count("unencrypted")) return key.private_pem_unencrypted();
  auto source = passphrase_from(vm["passphrase-file"].as<std::string>(), prompt_mode::twice_to_confirm);
  std::string pass = with_key_errors([&] { return source(); });
  std::string pem = key.private_pem_encrypted(pass);
  keys::wipe(pass);
  return pem;
}

std::string folder_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

// Both files complete on disk before either has a name; then the public key,
// then the private key. A failure removes what this run created.
void write_key_pair(const key_paths& paths, std::string& secret_pem, const std::string& public_pem,
                    const std::vector<std::string>& created_folders) {
  try {
    cli::staged_file secret(paths.private_key, secret_pem, 0600);
    keys::wipe(secret_pem);
    cli::staged_file pub(paths.public_key, public_pem, 0644);
    pub.commit_new();
    try {
      secret.commit_new();
    } catch (...) {
      ::unlink(paths.public_key.c_str());
      throw;
    }
  } catch (...) {
    keys::wipe(secret_pem);
    cli::remove_folders(created_folders);
    throw;
  }
  cli::sync_folder(folder_of(paths.public_key));
  cli::sync_folder(folder_of(paths.private_key));
}

}  // namespace

int run_keygen(const std::vector<std::string>& args) {
  command_spec spec{
      "airlock keygen (--out-dir DIR | --private FILE --public FILE) [--passphrase-file FILE | --unencrypted]",
      "Creates a vendor Ed25519 key pair and prints its key id. The private key is\n"
      "PKCS#8 PEM encrypted with a passphrase (PBKDF2-HMAC-SHA-256, 600,000 rounds,\n"
      "AES-256-CBC), mode 0600; it is never written over an existing file. With\n"
      "--out-dir the files are DIR/vendor.key and DIR/vendor.pub. The passphrase\n"
      "comes from --passphrase-file, AIRLOCK_PASSPHRASE, or a prompt.",
      po::options_description("options"),
      {}};
  spec.options.add_options()("out-dir", po::value<std::string>(),
                             "folder for vendor.key and vendor.pub (created 0700)")(
      "private", po::value<std::string>(), "private key file to create")("public", po::value<std::string>(),
                                                                         "public key file to create")(
      "passphrase-file", po::value<std::string>()->default_value(""), "read the passphrase from FILE")(
      "unencrypted", "store the private key without a passphrase (not recommended)");
  po::variables_map vm;
  if (!parse_command_line(spec, args, vm)) return cli::exit_ok;
  if (vm.count("unencrypted") && !vm["passphrase-file"].as<std::string>().empty())
    throw cli::failure(cli::exit_usage, "--unencrypted can't be used with --passphrase-file");

  const key_paths paths = keygen_paths(vm);
  if (paths.private_key == paths.public_key)
    throw cli::failure(cli::exit_usage, "--private and --public name the same file " + paths.public_key);
  refuse_existing(paths);

  const auto key = keys::signing_key::generate();
  std::string secret_pem = private_key_text(key, vm);
  const std::vector<std::string> created =
      vm.count("out-dir") ? cli::make_private_dirs(vm["out-dir"].as<std::string>()) : std::vector<std::string>{};
  write_key_pair(paths, secret_pem, key.public_pem(), created);
  if (vm.count("unencrypted"))
    cli::print_warning("airlock", "the private key is stored unencrypted: anyone who reads the file can sign licenses");
  std::cout << keys::key_id(key.public_key()) << "\n";
  std::cerr << "airlock: wrote " << paths.private_key << " (private, "
            << (vm.count("unencrypted") ? "unencrypted" : "encrypted") << ") and " << paths.public_key << "\n";
  return cli::exit_ok;
}

namespace {

std::string cpp_snippet(const keys::public_key_bytes& key) {
  std::string out = "// Airlock vendor public key " + keys::key_id(key) +
                    " (paste into your product as a trust anchor)\n"
                    "static constexpr const char airlock_vendor_key_id[] = \"" +
                    keys::key_id(key) +
                    "\";\n"
                    "static constexpr unsigned char airlock_vendor_public_key[32] = {";
  for (std::size_t i = 0; i < key.size(); ++i) {
    out += (i % 8 == 0) ? "\n    " : " ";
    out += "0x" + format::hex_encode(&key[i], 1) + ",";
  }
  return out + "\n};\n";
}

}  // namespace

int run_pubkey(const std::vector<std::string>& args) {
  command_spec spec{"airlock pubkey --key FILE [--format pem|raw|cpp|id] [--passphrase-file FILE]",
                    "Prints the public key of a private or public key file: as SubjectPublicKeyInfo\n"
                    "PEM, as 64 lowercase hex digits (raw), as a C++ snippet to embed in a product\n"
                    "(cpp), or as the key id (id). An encrypted private key needs its passphrase.",
                    po::options_description("options"),
                    {}};
  spec.options.add_options()("key", po::value<std::string>()->required(), "private or public key file")(
      "format", po::value<std::string>()->default_value("pem"), "pem, raw, cpp or id")(
      "passphrase-file", po::value<std::string>()->default_value(""), "read the passphrase from FILE");
  po::variables_map vm;
  if (!parse_command_line(spec, args, vm)) return cli::exit_ok;
  const std::string format = vm["format"].as<std::string>();
  if (format != "pem" && format != "raw" && format != "cpp" && format != "id")
    throw cli::failure(cli::exit_usage, "--format must be pem, raw, cpp or id, not '" + format + "'");

  const auto source = passphrase_from(vm["passphrase-file"].as<std::string>(), prompt_mode::once);
  const auto key = with_key_errors([&] { return keys::load_any_public_key(vm["key"].as<std::string>(), source); });
  if (format == "pem") std::cout << keys::public_key_pem(key);
  if (format == "raw") std::cout << format::hex_encode(key) << "\n";
  if (format == "cpp") std::cout << cpp_snippet(key);
  if (format == "id") std::cout << keys::key_id(key) << "\n";
  return cli::exit_ok;
}

}  // namespace airlock::generator
