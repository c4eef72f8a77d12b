// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/app/plugin_dirs.h"

#include <filesystem>

#include "core/isolation/worker_executable.h"

#ifndef SINKHOST_PLUGIN_RELDIR
#error "SINKHOST_PLUGIN_RELDIR must be defined by the build (host/CMakeLists.txt)"
#endif

namespace sinkhost {

std::string DefaultPluginDir() {
  return (ExecutableDir() / SINKHOST_PLUGIN_RELDIR).lexically_normal().string();
}

std::vector<std::string> PluginDirs(const HostConfig& config) {
  if (!config.plugin_dirs.empty()) return config.plugin_dirs;
  return {DefaultPluginDir()};
}

}  // namespace sinkhost
