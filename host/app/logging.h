// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Logging for the sinkhost process: Poco loggers, one per area
// ("sinkhost.main", "sinkhost.http", "sinkhost.admin", and the core's
// areas as "sinkhost.sink", "sinkhost.stream", ...), all writing to stderr
// through one console channel, one line per message, in the format
// log_format.h describes: text with UTC timestamps by default,
//
//   2026-11-24T16:18:54.123Z information sinkhost.main: ingest listening on 127.0.0.1:8080
//
// or one JSON object per line (--log-format json) for log shippers; when
// stderr is the journal, with syslog priority prefixes and no timestamps.
//
// Thread safety: SetupLogging at startup, before other threads log (it may
// run again before they start, once the config is read); loggers and
// LogStartupError may then be used from any thread.
#ifndef SINKHOST_HOST_APP_LOGGING_H_
#define SINKHOST_HOST_APP_LOGGING_H_

#include <string>
#include <string_view>

#include "host/app/log_format.h"
#include "sinkhost/status.hpp"

namespace sinkhost {

struct LogSetup {
  std::string level = "information";  // a name as accepted by NormalizeLogLevel
  LogFormat format = LogFormat::kText;
  bool journal = false;  // stderr is the journal (StderrIsJournal)
};

// "text" or "json" (--log-format, log.format).
Status ParseLogFormat(std::string_view name, LogFormat* out);

// True when `journal_stream` (the value of $JOURNAL_STREAM, "DEV:INODE",
// which systemd sets when it connects stdout/stderr to journald) names the
// device and inode of `fd`, as systemd.exec(5) says to check: a child that
// inherited the variable but whose stderr was redirected is not the journal.
bool IsJournalStream(int fd, const char* journal_stream);
// IsJournalStream(2, getenv("JOURNAL_STREAM")).
bool StderrIsJournal();

// Installs the console channel with the formatter, sets every logger to
// setup.level and routes the core's Log() calls to Poco.
void SetupLogging(const LogSetup& setup);

// A failure that ends the process before or instead of running, written
// whatever log.level says: "sinkhost: error: MESSAGE" in text (with "<3>"
// for the journal), an "error" object from "sinkhost.main" in json.
void LogStartupError(std::string_view message);

}  // namespace sinkhost

#endif  // SINKHOST_HOST_APP_LOGGING_H_
