// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// A minimal logging hook for the core library, which must not depend on the
// host's logging framework. The host installs a sink that forwards to Poco's
// loggers; until then messages go to stderr.
//
// Thread safety: Log may be called from any thread. SetLogSink must be
// called before other threads log (at startup).
#ifndef SINKHOST_CORE_UTIL_LOG_H_
#define SINKHOST_CORE_UTIL_LOG_H_

#include <string_view>

namespace sinkhost {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

// `component` names the area, e.g. "sink" or "buffer".
using LogSinkFn = void (*)(LogLevel level, std::string_view component, std::string_view message);

void SetLogSink(LogSinkFn fn);
void Log(LogLevel level, std::string_view component, std::string_view message);

}  // namespace sinkhost

#endif  // SINKHOST_CORE_UTIL_LOG_H_
