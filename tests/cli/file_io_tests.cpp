// SPDX-License-Identifier: MIT
// cli/file_io: inputs read with a cap, outputs that appear whole or not at
// all and never replace what is there.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cli/diagnostics.hpp"
#include "cli/file_io.hpp"
#include "support/support.hpp"

using namespace airlock;
using airlock::test::count_entries;
using airlock::test::file_mode;
using airlock::test::read_file;
using airlock::test::temp_dir;
using airlock::test::write_file;

namespace {

cli::failure failure_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const cli::failure& e) {
    return e;
  }
  FAIL("no cli::failure was thrown");
  return cli::failure(cli::exit_ok, "");
}

}  // namespace

TEST_CASE("An atomic write creates the file with its mode and leaves no temporary file", "[cli][files]") {
  temp_dir dir;
  cli::write_file_atomic(dir / "f", "data", 0600, cli::existing_file::keep, {});
  CHECK(read_file(dir / "f") == "data");
  CHECK(file_mode(dir / "f") == 0600);
  CHECK(count_entries(dir.path()) == 1);
}

TEST_CASE("An atomic write refuses to replace an existing file unless told to", "[cli][files]") {
  temp_dir dir;
  write_file(dir / "f", "old");
  const auto e = failure_of([&] { cli::write_file_atomic(dir / "f", "new", 0644, cli::existing_file::keep, {}); });
  CHECK(e.code() == cli::exit_write_failed);
  CHECK(std::string(e.what()) == dir / "f" + ": already exists; refusing to overwrite it");
  CHECK(read_file(dir / "f") == "old");
  cli::write_file_atomic(dir / "f", "new", 0644, cli::existing_file::replace, {});
  CHECK(read_file(dir / "f") == "new");
  CHECK(count_entries(dir.path()) == 1);
}

TEST_CASE("An atomic write into a missing folder fails with exit code 4 naming the file", "[cli][files]") {
  temp_dir dir;
  const auto e = failure_of([&] { cli::write_file_atomic(dir / "no/f", "x", 0644, cli::existing_file::keep, {}); });
  CHECK(e.code() == cli::exit_write_failed);
  CHECK(std::string(e.what()).rfind(dir / "no/f" + ": ", 0) == 0);
}

TEST_CASE("Reading a missing file, a folder or an oversized file fails with exit code 3", "[cli][files]") {
  temp_dir dir;
  write_file(dir / "big", std::string(100, 'x'));
  CHECK(failure_of([&] { cli::read_file(dir / "none", 10); }).code() == cli::exit_read_failed);
  CHECK(failure_of([&] { cli::read_file(dir.path(), 10); }).code() == cli::exit_read_failed);
  const auto e = failure_of([&] { cli::read_file(dir / "big", 10); });
  CHECK(std::string(e.what()) == dir / "big" + ": file is larger than 10 bytes");
  CHECK(cli::read_file(dir / "big", 100) == std::string(100, 'x'));
}

TEST_CASE("A batch folder writes new files and refuses existing names", "[cli][files]") {
  temp_dir dir;
  cli::batch_folder folder(dir.path());
  CHECK(folder.write_new("a.toml", "A", 0644).empty());
  CHECK(read_file(dir / "a.toml") == "A");
  CHECK(file_mode(dir / "a.toml") == 0644);
  CHECK(folder.write_new("a.toml", "B", 0644) == dir / "a.toml" + ": already exists; refusing to overwrite it");
  CHECK(read_file(dir / "a.toml") == "A");
  folder.sync();
  CHECK(count_entries(dir.path()) == 1);
}

TEST_CASE("Private folders are created with mode 0700, parents included", "[cli][files]") {
  temp_dir dir;
  cli::make_private_dirs(dir / "a/b");
  CHECK(file_mode(dir / "a") == 0700);
  CHECK(file_mode(dir / "a/b") == 0700);
}

TEST_CASE("An input that is a FIFO or a device is refused at once as not a regular file", "[cli][files]") {
  temp_dir dir;
  std::string path = dir / "key";
  SECTION("a FIFO with no writer") { REQUIRE(::mkfifo(path.c_str(), 0600) == 0); }
  SECTION("a character device") { path = "/dev/zero"; }
  const airlock::test::fifo_unblocker unblock(path);
  const cli::failure e = failure_of([&] { (void)cli::read_file(path, 4096); });
  CHECK(e.code() == cli::exit_read_failed);
  CHECK(std::string(e.what()) == path + ": not a regular file");
}

TEST_CASE("An output that is one of the command's inputs is refused, with or without replace", "[cli][files]") {
  temp_dir dir;
  write_file(dir / "key.pem", "input");
  std::string out = dir / "key.pem";
  SECTION("the same name") {}
  SECTION("another spelling of the name") { out = dir / "./key.pem"; }
  SECTION("a hard link to the input") { REQUIRE(::link((dir / "key.pem").c_str(), (out = dir / "link").c_str()) == 0); }
  SECTION("a symbolic link to the input") {
    REQUIRE(::symlink((dir / "key.pem").c_str(), (out = dir / "sym").c_str()) == 0);
  }
  for (const auto policy : {cli::existing_file::keep, cli::existing_file::replace}) {
    const auto e = failure_of([&] { cli::write_file_atomic(out, "license", 0644, policy, {"", dir / "key.pem"}); });
    CHECK(e.code() == cli::exit_write_failed);
    CHECK(std::string(e.what()) ==
          out + ": is also this command's input " + dir / "key.pem" + "; refusing to write over it");
  }
  CHECK(read_file(dir / "key.pem") == "input");
}

TEST_CASE("Replacing never destroys a file that holds a private key", "[cli][files]") {
  temp_dir dir;
  std::string text;
  SECTION("an unencrypted PKCS#8 key") {
    text = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----\n";
  }
  SECTION("an encrypted key") {
    text = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIGbMFcG\n-----END ENCRYPTED PRIVATE KEY-----\n";
  }
  SECTION("a key after other text") {
    text = "notes\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----\n";
  }
  write_file(dir / "f", text);
  const auto e =
      failure_of([&] { cli::write_file_atomic(dir / "f", "license", 0644, cli::existing_file::replace, {}); });
  CHECK(e.code() == cli::exit_write_failed);
  CHECK(std::string(e.what()) == dir / "f" + ": holds a private key; --force never replaces a key");
  CHECK(read_file(dir / "f") == text);
  CHECK(count_entries(dir.path()) == 1);
}

TEST_CASE("Replacing a public key or any other file is allowed", "[cli][files]") {
  temp_dir dir;
  write_file(dir / "f", "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n");
  cli::write_file_atomic(dir / "f", "license", 0644, cli::existing_file::replace, {dir / "other"});
  CHECK(read_file(dir / "f") == "license");
  CHECK(count_entries(dir.path()) == 1);
}

TEST_CASE("A staged file has no name until it is committed, and none at all if it never is", "[cli][files]") {
  temp_dir dir;
  {
    cli::staged_file abandoned(dir / "a", "A", 0600);
    CHECK(count_entries(dir.path()) == 0);
  }
  CHECK(count_entries(dir.path()) == 0);
  {
    cli::staged_file kept(dir / "b", "B", 0600);
    kept.commit_new();
  }
  CHECK(read_file(dir / "b") == "B");
  CHECK(file_mode(dir / "b") == 0600);
  cli::staged_file again(dir / "b", "C", 0600);
  const auto e = failure_of([&] { again.commit_new(); });
  CHECK(std::string(e.what()) == dir / "b" + ": already exists; refusing to overwrite it");
  CHECK(read_file(dir / "b") == "B");
  again.commit_replace();
  CHECK(read_file(dir / "b") == "C");
  CHECK(count_entries(dir.path()) == 1);
}

TEST_CASE("make_private_dirs reports the folders it created and remove_folders takes them away", "[cli][files]") {
  temp_dir dir;
  REQUIRE(::mkdir((dir / "a").c_str(), 0755) == 0);
  const auto created = cli::make_private_dirs(dir / "a/b/c");
  CHECK(created == std::vector<std::string>{dir / "a/b", dir / "a/b/c"});
  cli::remove_folders(created);
  CHECK(count_entries(dir / "a") == 0);
  CHECK(count_entries(dir.path()) == 1);
}

TEST_CASE("Replacing never puts a file where a FIFO, a device or a folder is", "[cli][files]") {
  temp_dir dir;
  std::string path = dir / "fifo";
  SECTION("a FIFO") { REQUIRE(::mkfifo(path.c_str(), 0600) == 0); }
  SECTION("a device node (made here, never the system's: a failure must not replace /dev/null)") {
    path = dir / "null";
    if (::mknod(path.c_str(), S_IFCHR | 0600, makedev(1, 3)) != 0) {
      WARN("cannot make a device node here (not root): the FIFO case stands for it");
      return;
    }
  }
  const auto e = failure_of([&] { cli::write_file_atomic(path, "license", 0644, cli::existing_file::replace, {}); });
  CHECK(e.code() == cli::exit_write_failed);
  CHECK(std::string(e.what()) == path + ": is not a regular file; --force replaces only a file");
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  CHECK_FALSE(S_ISREG(st.st_mode));
}
