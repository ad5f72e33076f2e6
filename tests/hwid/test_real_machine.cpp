// SPDX-License-Identifier: MIT
// The machine the tests run on, and real permission errors from a child that drops root.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "airlock/format/match.hpp"
#include "airlock/hwid.hpp"
#include "fake_machine.hpp"
#include "scenarios.hpp"

using airlock::format::runtime_environment;

TEST_CASE("Collecting the real machine twice gives the same snapshot", "[hwid][real]") {
  const airlock::hwid::collect_options options;
  const auto first = airlock::hwid::collect(options);
  const auto second = airlock::hwid::collect(options);
  CHECK(first == second);
  CHECK(first.platform.present());
}

TEST_CASE("This CI micro-VM comes out as a bindable vm with disk, nic, os and platform", "[hwid][real]") {
  struct stat st {};
  if (::stat("/sys/block/vda/serial", &st) != 0) {
    WARN("no /sys/block/vda/serial: not the CI micro-VM, skipped");
    return;
  }
  const auto snap = airlock::hwid::collect({});
  CHECK(snap.environment == runtime_environment::vm);
  CHECK(snap.host_hardware_visible);
  CHECK_FALSE(airlock::format::unbindable_environment(snap.is_container(), snap.host_hardware_visible, false));
  CHECK(snap.disk.present());
  CHECK(snap.nic.present());
  CHECK(snap.os.present());
  CHECK(snap.platform.present());
}

namespace {

// Exit codes of the unprivileged child: 0 all as expected, 1 default snapshot differs, 2 board not denied.
int collect_as_nobody(const fake::machine& m, const airlock::hwid::machine_snapshot& as_root) {
  if (::setgroups(0, nullptr) != 0 || ::setresgid(65534, 65534, 65534) != 0 || ::setresuid(65534, 65534, 65534) != 0)
    return 3;
  if (airlock::hwid::collect(m.options()) != as_root) return 1;
  const auto with_board = airlock::hwid::collect(m.options(true));
  return with_board.board.reason == "permission denied" ? 0 : 2;
}

}  // namespace

TEST_CASE("A root-only product_uuid is denied to a normal user and the default snapshot does not change",
          "[hwid][real]") {
  if (::geteuid() != 0) {
    WARN("not root: cannot drop privileges to test a real EACCES, skipped");
    return;
  }
  fake::machine m;
  scenario::desktop(m);
  const std::string dmi = "/sys/devices/virtual/dmi/id/";
  m.fs.remove(dmi + "board_serial");
  REQUIRE(::chmod(m.fs.root().c_str(), 0755) == 0);
  REQUIRE(::chmod(m.fs.host(dmi + "product_uuid").c_str(), 0400) == 0);
  const auto as_root = m.collect();
  REQUIRE(m.collect(true).board.present());
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) ::_exit(collect_as_nobody(m, as_root));
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
