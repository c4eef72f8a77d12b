// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/app/logging.h"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/util/log.h"

namespace sinkhost {

namespace {

// What SetupLogging chose last, for LogStartupError.
std::atomic<LogFormat> g_format{LogFormat::kText};
std::atomic<bool> g_journal{false};

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

Status ParseLogFormat(std::string_view name, LogFormat* out) {
  if (name == "text") *out = LogFormat::kText;
  else if (name == "json") *out = LogFormat::kJson;
  else return Status::InvalidArgument("must be text or json, got \"" + std::string(name) + "\"");
  return Status::OK();
}

bool IsJournalStream(int fd, const char* journal_stream) {
  if (journal_stream == nullptr) return false;
  unsigned long long dev = 0, ino = 0;
  char tail = 0;
  if (std::sscanf(journal_stream, "%llu:%llu%c", &dev, &ino, &tail) != 2) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == dev &&
         static_cast<unsigned long long>(st.st_ino) == ino;
}

bool StderrIsJournal() { return IsJournalStream(2, std::getenv("JOURNAL_STREAM")); }

void SetupLogging(const LogSetup& setup) {
  g_format = setup.format;
  g_journal = setup.journal;
  Poco::AutoPtr<LogLineFormatter> formatter(new LogLineFormatter(setup.format, setup.journal));
  Poco::AutoPtr<Poco::FormattingChannel> channel(
      new Poco::FormattingChannel(formatter, new Poco::ConsoleChannel()));
  Poco::Logger::root().setChannel(channel);
  // Applies to the root and every logger that exists already; loggers made
  // later inherit from the root.
  Poco::Logger::setChannel("", channel);
  Poco::Logger::setLevel("", Poco::Logger::parseLevel(setup.level));
  SetLogSink(&ForwardCoreLog);
}

void LogStartupError(std::string_view message) {
  std::string line;
  if (g_format == LogFormat::kJson) {
    LogLineFormatter formatter(LogFormat::kJson, g_journal);
    formatter.format(Poco::Message("sinkhost.main", std::string(message),
                                   Poco::Message::PRIO_ERROR),
                     line);
  } else {
    // journald splits at newlines: each line of a multi-line error (a
    // config error quoting YAML) carries the priority.
    const std::string prefix = g_journal ? "<3>" : "";
    line = prefix + "sinkhost: error: ";
    for (char c : message) {
      line.push_back(c);
      if (c == '\n') line += prefix;
    }
  }
  line.push_back('\n');
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

}  // namespace sinkhost
