// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// LogLineFormatter: how one log message becomes one line on stderr, in the
// host's two formats, each with or without the journal's conventions.
//
//   text           2026-11-24T16:18:54.123Z information sinkhost.main: ready
//   text, journal  <6>information sinkhost.main: ready
//   json           {"time":"2026-11-24T16:18:54.123456Z","level":"information",
//                   "logger":"sinkhost.main","message":"ready"}   (one line)
//   json, journal  <6>{"level":"information","logger":"sinkhost.main","message":"ready"}
//
// With the journal (stderr is a journald stream, see logging.h) each line
// starts with its syslog priority, as sd-daemon(3) describes, so that
// journald stores the level; there is no time, since the journal stamps
// every line itself. In text, each line of a multi-line message carries the
// prefix (journald splits at newlines). JSON is RFC 8259 with the message
// escaped by the one escaper sinks use (AppendJsonString); bytes that are
// not UTF-8 become U+FFFD, so every line parses.
//
// Thread safety: format() is const in effect and may run on any thread.
#ifndef SINKHOST_HOST_APP_LOG_FORMAT_H_
#define SINKHOST_HOST_APP_LOG_FORMAT_H_

#include <Poco/Formatter.h>
#include <Poco/Message.h>

#include <string>

namespace sinkhost {

enum class LogFormat { kText, kJson };

// The level as log.level spells it: "fatal" ... "information" ... "trace".
const char* LogLevelName(Poco::Message::Priority priority);

// sd-daemon.h's SD_CRIT (2) ... SD_DEBUG (7): fatal and critical 2, error
// 3, warning 4, notice 5, information 6, debug and trace 7.
int SyslogPriority(Poco::Message::Priority priority);

class LogLineFormatter : public Poco::Formatter {
 public:
  LogLineFormatter(LogFormat format, bool journal) : format_(format), journal_(journal) {}

  // Sets `text` to the line, without the newline (the channel adds it).
  void format(const Poco::Message& msg, std::string& text) override;

 private:
  void FormatText(const Poco::Message& msg, std::string* text) const;
  void FormatJson(const Poco::Message& msg, std::string* text) const;

  // Constant after construction.
  const LogFormat format_;
  const bool journal_;
};

}  // namespace sinkhost

#endif  // SINKHOST_HOST_APP_LOG_FORMAT_H_
