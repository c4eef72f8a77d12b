// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// sinkhost-plugin-check: runs the conformance suite against one sink
// plugin. See docs/conformance.md.
//
//   sinkhost-plugin-check --plugin ./csv.so --option path=/tmp/check.csv
//       --read-back 'python3 read_back.py "$SINKHOST_OPTION_PATH"'
//
// Exit codes: 0 every check passed, 1 a check failed, 2 bad arguments.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "conformance/read_back.h"
#include "conformance/suite.h"

namespace {

// "key=value" pairs into a map; a pair without '=' is a usage error.
std::string ParsePairs(const std::vector<std::string>& pairs, const char* flag,
                       std::map<std::string, std::string>* out) {
  for (const std::string& p : pairs) {
    const size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0)
      return std::string(flag) + " expects key=value, got '" + p + "'";
    (*out)[p.substr(0, eq)] = p.substr(eq + 1);
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Checks that a sinkhost sink plugin keeps the sink ABI's contract and stores "
               "every value it is given exactly.",
               "sinkhost-plugin-check"};
  sinkhost::check::SuiteOptions options;
  std::vector<std::string> option_pairs, unreachable_pairs;
  app.add_option("--plugin", options.plugin_path, "The plugin's shared library (.so)")
      ->required();
  app.add_option("--option", option_pairs,
                 "A sink option as key=value, as it would appear in the config (repeatable)");
  app.add_option("--read-back", options.read_back,
                 "Shell command printing what the sink stored, as JSON objects; sees "
                 "$SINKHOST_OPTION_<KEY> and $SINKHOST_CHECK_STREAM");
  app.add_option("--unreachable", unreachable_pairs,
                 "An option override (key=value) that makes the backend unreachable, to check "
                 "that this is reported as retryable (repeatable)");
  app.add_option("--stream", options.stream, "Stream name the sink is opened for")
      ->capture_default_str();
  app.add_option("--check-timeout", options.check_timeout_seconds,
                 "Seconds any one check may take before the run fails")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.set_version_flag("--version", std::string("sinkhost-plugin-check ") + SINKHOST_VERSION);
  CLI11_PARSE(app, argc, argv);

  std::string error = ParsePairs(option_pairs, "--option", &options.options);
  if (error.empty()) error = ParsePairs(unreachable_pairs, "--unreachable", &options.unreachable);
  if (!error.empty()) {
    std::fprintf(stderr, "sinkhost-plugin-check: %s\n", error.c_str());
    return 2;
  }
  sinkhost::check::ExportReadBackEnvironment(options.stream, options.options);
  sinkhost::check::Suite suite(std::move(options), stdout);
  return suite.Run();
}
