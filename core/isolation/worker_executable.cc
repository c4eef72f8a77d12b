// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/isolation/worker_executable.h"

#include <cstdlib>
#include <system_error>

#ifndef SINKHOST_WORKER_RELPATH
#error "SINKHOST_WORKER_RELPATH must be defined by the build (core/isolation/CMakeLists.txt)"
#endif

namespace sinkhost {

std::filesystem::path ExecutableDir() {
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::current_path(ec) : exe.parent_path();
}

std::string WorkerExecutable() {
  if (const char* env = std::getenv("SINKHOST_SINK_WORKER"); env != nullptr && *env != '\0')
    return env;
  return (ExecutableDir() / SINKHOST_WORKER_RELPATH).lexically_normal().string();
}

}  // namespace sinkhost
