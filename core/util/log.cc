// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/util/log.h"

#include <atomic>
#include <cstdio>

namespace sinkhost {

namespace {

void StderrSink(LogLevel level, std::string_view component, std::string_view message) {
  static const char* const kNames[] = {"debug", "info", "warning", "error"};
  std::fprintf(stderr, "[%s] %.*s: %.*s\n", kNames[static_cast<int>(level)],
               static_cast<int>(component.size()), component.data(),
               static_cast<int>(message.size()), message.data());
}

std::atomic<LogSinkFn> g_sink{&StderrSink};

}  // namespace

void SetLogSink(LogSinkFn fn) { g_sink.store(fn != nullptr ? fn : &StderrSink); }

void Log(LogLevel level, std::string_view component, std::string_view message) {
  g_sink.load()(level, component, message);
}

}  // namespace sinkhost
