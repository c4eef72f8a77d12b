// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// sinkhost --check-config: everything startup does short of opening sinks
// and sockets. The config is already parsed and validated; this loads every
// plugin (so a plugin of the wrong ABI version is caught) and creates every
// sink instance (so the plugin validates its options), then destroys them.
//
// Thread safety: call from one thread.
#ifndef SINKHOST_HOST_APP_CHECK_CONFIG_H_
#define SINKHOST_HOST_APP_CHECK_CONFIG_H_

#include <string>

#include "host/config/host_config.h"
#include "sinkhost/status.hpp"

namespace sinkhost {

// On success *summary describes the streams, sinks and plugins found.
Status CheckConfig(const HostConfig& config, std::string* summary);

}  // namespace sinkhost

#endif  // SINKHOST_HOST_APP_CHECK_CONFIG_H_
