// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Logging for the sinkhost process: Poco loggers, one per area
// ("sinkhost.main", "sinkhost.http", "sinkhost.admin", and the core's
// areas as "sinkhost.sink", "sinkhost.stream", ...), all writing to stderr
// through one console channel with UTC timestamps:
//
//   2026-11-24T16:18:54.123Z information sinkhost.main: ingest listening on 127.0.0.1:8080
//
// Thread safety: SetupLogging once at startup, before other threads log;
// loggers may then be used from any thread.
#ifndef SINKHOST_HOST_APP_LOGGING_H_
#define SINKHOST_HOST_APP_LOGGING_H_

#include <string>

namespace sinkhost {

// Installs the console channel, sets every logger to `level` (a name as
// accepted by NormalizeLogLevel) and routes the core's Log() calls to Poco.
void SetupLogging(const std::string& level);

}  // namespace sinkhost

#endif  // SINKHOST_HOST_APP_LOGGING_H_
