// SPDX-License-Identifier: MIT
// The vendor tool starts without the dynamic loader: a shared Botan 2 mapped 14 libraries at every
// start of `airlock`, most of the run time of issuing one license (issue 14).
#include <catch2/catch.hpp>

#include "issue_support.hpp"

using airlock::test::run;
using airlock::test::tool;
using namespace airlock::test::issue;

TEST_CASE("airlock is one statically linked file that needs no shared library", "[generator][static]") {
#if AIRLOCK_VENDOR_STATIC
  const auto file = run("file -L " + q(tool("airlock")));
  REQUIRE(file.exit_code == 0);
  CHECK(contains(file.out, "statically linked"));
  const auto libraries = run("ldd " + q(tool("airlock")) + " 2>&1");
  CHECK(!contains(libraries.out, "libbotan"));
  CHECK(!contains(libraries.out, "libstdc++"));
  CHECK(!contains(libraries.out, "libsqlite3"));
#else
  WARN("AIRLOCK_SANITIZE=ON or AIRLOCK_STATIC_VENDOR_TOOL=OFF links airlock dynamically: not checked");
#endif
}
