// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/app/logging.h"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>

#include <string>

#include "core/util/log.h"

namespace sinkhost {

namespace {

void ForwardCoreLog(LogLevel level, std::string_view component, std::string_view message) {
  Poco::Logger& log = Poco::Logger::get("sinkhost." + std::string(component));
  const std::string text(message);
  switch (level) {
    case LogLevel::kDebug: log.debug(text); break;
    case LogLevel::kInfo: log.information(text); break;
    case LogLevel::kWarning: log.warning(text); break;
    case LogLevel::kError: log.error(text); break;
  }
}

}  // namespace

void SetupLogging(const std::string& level) {
  Poco::AutoPtr<Poco::PatternFormatter> formatter(
      new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%S.%iZ %p %s: %t"));
  formatter->setProperty("times", "UTC");
  Poco::AutoPtr<Poco::FormattingChannel> channel(
      new Poco::FormattingChannel(formatter, new Poco::ConsoleChannel()));
  Poco::Logger::root().setChannel(channel);
  // Applies to the root and every logger that exists already; loggers made
  // later inherit from the root.
  Poco::Logger::setChannel("", channel);
  Poco::Logger::setLevel("", Poco::Logger::parseLevel(level));
  SetLogSink(&ForwardCoreLog);
}

}  // namespace sinkhost
