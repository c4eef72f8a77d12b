// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Tells the service manager how the host is doing, for systemd's
// Type=notify (sd_notify(3)): READY once both listeners accept, STOPPING
// when the drain starts; STATUS= is the line `systemctl status` shows.
// Without $NOTIFY_SOCKET (not started by systemd) every call does nothing.
//
// Thread safety: any thread; each call sends one datagram.
#ifndef SINKHOST_HOST_APP_SERVICE_NOTIFY_H_
#define SINKHOST_HOST_APP_SERVICE_NOTIFY_H_

#include <string>

namespace sinkhost {

// "READY=1\nSTATUS=<status>".
void NotifyReady(const std::string& status);
// "STOPPING=1\nSTATUS=<status>".
void NotifyStopping(const std::string& status);

}  // namespace sinkhost

#endif  // SINKHOST_HOST_APP_SERVICE_NOTIFY_H_
