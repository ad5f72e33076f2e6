// SPDX-License-Identifier: MIT
// Developer helper (not shipped, not a test): prints what collect() reads, raw values included.
#include <cstdio>
#include <cstring>
#include <string>

#include "airlock/hwid.hpp"

int main(int argc, char** argv) {
  airlock::hwid::collect_options options;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--board") == 0)
      options.set(airlock::format::component_class::board, true);
    else if (std::strcmp(argv[i], "--root") == 0 && i + 1 < argc)
      options.root = argv[++i];
    else {
      std::fprintf(stderr, "usage: hwid_print_snapshot [--root DIR] [--board]\n");
      return 2;
    }
  }
  const airlock::hwid::machine_snapshot snap = airlock::hwid::collect(options);
  std::printf("# raw identifiers: for debugging on your own machine only, do not paste publicly\n");
  std::printf("environment = %s\n", std::string(to_string(snap.environment)).c_str());
  for (const std::string& e : snap.evidence) std::printf("evidence = %s\n", e.c_str());
  std::printf("host_hardware_visible = %s\n", snap.host_hardware_visible ? "true" : "false");
  for (airlock::format::component_class c : airlock::format::all_component_classes) {
    const airlock::hwid::class_reading& r = snap[c];
    std::printf("%s =", std::string(to_string(c)).c_str());
    for (const std::string& v : r.values) std::printf(" [%s]", v.c_str());
    if (!r.present()) std::printf(" (absent: %s)", r.reason.c_str());
    std::printf("\n");
  }
  return 0;
}
