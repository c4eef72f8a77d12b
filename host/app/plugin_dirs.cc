// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/app/plugin_dirs.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#ifndef SINKHOST_PLUGIN_RELDIR
#error "SINKHOST_PLUGIN_RELDIR must be defined by the build (host/CMakeLists.txt)"
#endif
#ifndef SINKHOST_WORKER_RELPATH
#error "SINKHOST_WORKER_RELPATH must be defined by the build (host/CMakeLists.txt)"
#endif

namespace sinkhost {

namespace {

// The directory of this executable (the working directory if unknown).
std::filesystem::path ExecutableDir() {
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::current_path(ec) : exe.parent_path();
}

}  // namespace

std::string DefaultPluginDir() {
  return (ExecutableDir() / SINKHOST_PLUGIN_RELDIR).lexically_normal().string();
}

std::string WorkerExecutable() {
  if (const char* env = std::getenv("SINKHOST_SINK_WORKER"); env != nullptr && *env != '\0')
    return env;
  return (ExecutableDir() / SINKHOST_WORKER_RELPATH).lexically_normal().string();
}

std::vector<std::string> PluginDirs(const HostConfig& config) {
  if (!config.plugin_dirs.empty()) return config.plugin_dirs;
  return {DefaultPluginDir()};
}

}  // namespace sinkhost
