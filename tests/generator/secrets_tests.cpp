// SPDX-License-Identifier: MIT
// The private key and its passphrase never reach any output: whatever file a
// vendor gives to whichever option by mistake, no message quotes it, and a
// full disk is one clear error with no file left.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "issue_support.hpp"

using namespace airlock::test::issue;
using airlock::test::read_file;
using airlock::test::run;
using airlock::test::temp_dir;
using airlock::test::write_file;

namespace {

const std::string passphrase = "correct horse battery staple";

// A line of the key's base64 body: any quote of the key would hold it.
std::string key_body_line() {
  const std::string pem = read_file(vendor_key());
  const std::size_t start = pem.find('\n') + 1;
  return pem.substr(start, pem.find('\n', start) - start);
}

}  // namespace

TEST_CASE("A passphrase or private key file given to the wrong option is never quoted", "[secrets]") {
  temp_dir dir;
  write_file(dir / "pass", passphrase + "\n");
  const std::string key = q(vendor_key()), pass = q(dir / "pass"), out = q(dir / "l.toml");
  const std::string order = " --product acme-studio --licensee L ";
  const std::vector<std::string> commands = {
      "issue --key " + pass + order + "--unbound --out " + out,
      "issue --key " + key + order + "--request " + pass + " --out " + out,
      "issue --key " + key + order + "--request " + key + " --out " + out,
      "issue --key " + key + " --product acme-studio --batch " + pass + " --out-dir " + q(dir / "o"),
      "issue --key " + key + " --product acme-studio --batch " + key + " --out-dir " + q(dir / "o"),
      "pubkey --key " + pass,
      "inspect " + key,
      "inspect " + pass,
      "verify " + key + " --pubkey " + key,
      "verify " + pass + " --pubkey " + q(vendor_pub())};
  for (const std::string& command : commands) {
    const auto r = run_airlock(command);
    INFO(command << "\n" << r.err);
    CHECK(r.exit_code != 0);
    CHECK(r.exit_code != 1);  // a documented reason, not an internal error
    for (const std::string& secret : {passphrase, key_body_line()}) {
      CHECK(r.out.find(secret) == std::string::npos);
      CHECK(r.err.find(secret) == std::string::npos);
    }
  }
  CHECK(read_file(dir / "pass") == passphrase + "\n");
}

TEST_CASE("issue and keygen on a full disk fail with one line and leave no file", "[secrets][root]") {
  temp_dir dir;
  write_file(dir / "pass", passphrase + "\n");
  const airlock::test::tmpfs_mount full(dir / "full", "size=4k");
  if (!full.mounted()) {
    WARN("not root: a small tmpfs cannot be mounted here, so this case is skipped");
    return;
  }
  (void)run("head -c 1M /dev/zero > " + q(dir / "full/filler"));  // fills it; ENOSPC is expected
  const auto issued = run_airlock("issue --key " + q(vendor_key()) +
                                  " --product acme-studio --licensee L --unbound --out " + q(dir / "full/l.toml"));
  const auto keys = run_airlock("keygen --private " + q(dir / "full/v.key") + " --public " + q(dir / "full/v.pub") +
                                " --passphrase-file " + q(dir / "pass"));
  for (const auto& r : {issued, keys}) {
    INFO(r.err);
    CHECK(r.exit_code == 4);
    CHECK(one_error_line(r.err));
    CHECK(r.err.find("No space left on device") != std::string::npos);
  }
  CHECK(airlock::test::count_entries(dir / "full") == 1);  // the filler only
}
