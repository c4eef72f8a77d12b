// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/app/service_notify.h"

#include <Poco/Logger.h>
#include <systemd/sd-daemon.h>

#include <cstring>

namespace sinkhost {

namespace {

void Notify(const std::string& state) {
  // 0: keep $NOTIFY_SOCKET, so that STOPPING can follow READY.
  const int r = sd_notify(0, state.c_str());
  if (r < 0)
    Poco::Logger::get("sinkhost.main")
        .warning("cannot notify the service manager (" + state.substr(0, state.find('\n')) +
                 "): " + std::strerror(-r));
}

}  // namespace

void NotifyReady(const std::string& status) { Notify("READY=1\nSTATUS=" + status); }

void NotifyStopping(const std::string& status) { Notify("STOPPING=1\nSTATUS=" + status); }

}  // namespace sinkhost
