// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Where the host looks for sink plugins: the config's plugin_dirs, or by
// default the directory SINKHOST_PLUGIN_RELDIR (a compile definition, e.g.
// "../lib/sinkhost/plugins") relative to the directory of the running
// executable, which holds both in the build tree and when installed.
//
// Thread safety: pure functions (reads /proc/self/exe).
#ifndef SINKHOST_HOST_APP_PLUGIN_DIRS_H_
#define SINKHOST_HOST_APP_PLUGIN_DIRS_H_

#include <string>
#include <vector>

#include "host/config/host_config.h"

namespace sinkhost {

// <dir of /proc/self/exe>/SINKHOST_PLUGIN_RELDIR, normalised.
std::string DefaultPluginDir();
std::vector<std::string> PluginDirs(const HostConfig& config);

}  // namespace sinkhost

#endif  // SINKHOST_HOST_APP_PLUGIN_DIRS_H_
