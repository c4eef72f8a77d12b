// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Paths the test runner (ctest, via sinkhost_add_qtest) passes to every test
// in the environment, so tests find built plugins and binaries in any build
// directory.
#ifndef SINKHOST_TESTS_SUPPORT_TEST_ENV_H_
#define SINKHOST_TESTS_SUPPORT_TEST_ENV_H_

#include <cstdio>
#include <cstdlib>
#include <string>

#include "sinkhost/sink_abi.h"

namespace sinkhost::testing {

inline std::string EnvOrDie(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    std::fprintf(stderr, "test environment variable %s is not set; run the test through ctest\n",
                 name);
    std::abort();
  }
  return v;
}

// build/lib/sinkhost/plugins: the real sinks.
inline std::string PluginDir() { return EnvOrDie("SINKHOST_PLUGIN_DIR"); }
// build/tests/plugins: sinks built only for tests (some broken on purpose).
inline std::string TestPluginPath(const std::string& name) {
  return EnvOrDie("SINKHOST_TEST_PLUGIN_DIR") + "/" + name + ".so";
}
inline std::string BuildDir() { return EnvOrDie("SINKHOST_BUILD_DIR"); }
inline std::string SourceDir() { return EnvOrDie("SINKHOST_SOURCE_DIR"); }

// How the host names an ABI version in its errors, e.g. "ABI 2.1". Test
// plugins are built against this header, so they carry its minor.
inline std::string AbiText(int major) {
  return "ABI " + std::to_string(major) + "." + std::to_string(SINKHOST_ABI_VERSION_MINOR);
}

}  // namespace sinkhost::testing

#endif  // SINKHOST_TESTS_SUPPORT_TEST_ENV_H_
