// SPDX-License-Identifier: MIT
// The single header on its own: a product compiled from it alone, warning-free,
// linking only the standard library; and two units including it in one program.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "odr_units.hpp"
#include "support/support.hpp"

using airlock::test::read_file;
using airlock::test::run;
using airlock::test::shell_quote;
using airlock::test::temp_dir;
using airlock::test::tool;
using airlock::test::write_file;

namespace {

const std::string source_dir = AIRLOCK_SOURCE_DIR;

// The product: the key snippet `airlock pubkey --format cpp` printed, a license
// text embedded at build time, and one check at start-up.
std::string product_source(const std::string& key_snippet, const std::string& license_text) {
  return "#include \"airlock.hpp\"\n#include <cstdio>\n#include <cstring>\n\n" + key_snippet +
         "static const char license_text[] = R\"airlock(" + license_text + ")airlock\";\n" + R"cpp(
    int main() {
      airlock::trust_store trusted;
      if (!trusted.add(airlock_vendor_public_key) || !trusted.find(airlock_vendor_key_id)) return 2;
      airlock::verify_options options;
      options.product = "acme-studio";
      options.now = 1770000000;  // 2026-02-02T02:40:00Z
      options.build_date = airlock::format::date{2026, 1, 15};
      const airlock::verify_result r = airlock::verify_license(license_text, trusted, options);
      std::printf("%s: %s\n", std::string(airlock::to_string(r.why)).c_str(), r.message.c_str());
      std::string edited = license_text;
      edited[edited.find("seats = 5") + 8] = '9';
      const airlock::verify_result tampered = airlock::verify_license(edited, trusted, options);
      std::printf("tampered: %s\n", std::string(airlock::to_string(tampered.why)).c_str());
      const bool good = r.ok() && r.has_feature("render") && r.limit("seats") == 5 && !r.has_feature("export.pdf") &&
                        tampered.why == airlock::reason::bad_signature && !tampered.has_feature("render");
      return good ? 0 : 1;
    }
  )cpp";
}

void require_ok(const airlock::test::run_result& r) {
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
}

std::string needed_libraries(const std::string& program) {
  const auto dynamic = run("readelf -d " + shell_quote(program));
  REQUIRE(dynamic.exit_code == 0);
  std::istringstream lines(dynamic.out);
  std::string line, out;
  while (std::getline(lines, line)) {
    const auto open = line.find("Shared library: ["), close = line.rfind(']');
    if (open != std::string::npos) out += line.substr(open + 17, close - open - 17) + " ";
  }
  return out;
}

}  // namespace

TEST_CASE("A product compiled from the single header alone with -Werror -pedantic verifies its embedded license",
          "[single-header]") {
  temp_dir dir;
  require_ok(run(tool("airlock") + " keygen --out-dir " + shell_quote(dir / "keys") + " --unencrypted"));
  const auto snippet = run(tool("airlock") + " pubkey --key " + shell_quote(dir / "keys/vendor.key") + " --format cpp");
  require_ok(snippet);
  require_ok(run(tool("airlock") + " issue --key " + shell_quote(dir / "keys/vendor.key") +
                 " --product acme-studio --licensee 'Example Corp' --unbound --feature render --limit seats=5" +
                 " --updates-until 2026-06-30 --issued 2026-01-10T12:00:00Z --out " +
                 shell_quote(dir / "license.lic")));
  // Only the single header next to the product: nothing else of the project is reachable.
  write_file(dir / "airlock.hpp", read_file(source_dir + "/verifier/single_include/airlock.hpp"));
  write_file(dir / "product.cpp", product_source(snippet.out, read_file(dir / "license.lic")));
  const auto compiled = run(std::string(AIRLOCK_CXX) + " -std=c++17 -Wall -Wextra -Werror -pedantic -O1 " +
                            shell_quote(dir / "product.cpp") + " -o " + shell_quote(dir / "product"));
  INFO(compiled.err);
  REQUIRE(compiled.exit_code == 0);
  CHECK(compiled.err.empty());
  const auto ran = run(shell_quote(dir / "product"));
  INFO(ran.out << ran.err);
  CHECK(ran.exit_code == 0);
  CHECK(ran.out.rfind("ok: valid license ", 0) == 0);
  CHECK(ran.out.find("tampered: bad_signature\n") != std::string::npos);
}

TEST_CASE("A program built from the single header links nothing but the C and C++ runtime", "[single-header]") {
  temp_dir dir;
  write_file(dir / "main.cpp",
             "#include \"airlock.hpp\"\nint main(int argc, char** argv) {\n"
             "    airlock::verify_options options;\n    options.product = \"p\";\n"
             "    return argc > 1 && airlock::verify_license_file(argv[1], airlock::trust_store{},"
             " options).ok();\n}\n");
  const auto compiled = run(std::string(AIRLOCK_CXX) + " -std=c++17 -Wall -Wextra -Werror -pedantic -I " +
                            shell_quote(source_dir + "/verifier/single_include") + " " + shell_quote(dir / "main.cpp") +
                            " -o " + shell_quote(dir / "main"));
  INFO(compiled.err);
  REQUIRE(compiled.exit_code == 0);
  std::istringstream needed(needed_libraries(dir / "main"));
  std::string library;
  int count = 0;
  while (needed >> library) {
    INFO(library);
    CHECK((library.rfind("libstdc++.so", 0) == 0 || library.rfind("libm.so", 0) == 0 ||
           library.rfind("libgcc_s.so", 0) == 0 || library.rfind("libc.so", 0) == 0 ||
           library.rfind("ld-linux", 0) == 0));
    ++count;
  }
  CHECK(count >= 1);
}

TEST_CASE("Two translation units including the single header link into one program and agree", "[single-header]") {
  const std::string license = read_file(source_dir + "/formats/vectors/license_unbound.toml");
  const std::string pem = read_file(source_dir + "/formats/vectors/test_vendor_key.pub");
  CHECK(odr_first_verdict(license, pem) == "ok");
  CHECK(odr_second_verdict(license, pem) == "ok 55946e28fb11b7ee");
  CHECK(odr_first_verdict(license + "#", pem) == odr_second_verdict(license + "#", pem).substr(0, 9));
}
