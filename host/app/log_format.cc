// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/app/log_format.h"

#include <string_view>

#include "core/ingest/utf8.h"
#include "sinkhost/format.hpp"

namespace sinkhost {

namespace {

std::string PriorityPrefix(Poco::Message::Priority priority) {
  return "<" + std::to_string(SyslogPriority(priority)) + ">";
}

// "YYYY-MM-DDTHH:MM:SS.ffffffZ", or with milliseconds only.
std::string Timestamp(const Poco::Message& msg, bool micros) {
  char buf[kTimestampBufferSize];
  size_t n = FormatTimestampMicros(msg.getTime().epochMicroseconds(), buf);
  if (micros) return std::string(buf, n);
  return std::string(buf, n - 4) + "Z";  // drop the last three digits
}

void AppendJsonField(std::string* out, std::string_view key, std::string_view value) {
  if (out->back() != '{') out->push_back(',');
  AppendJsonString(out, key);
  out->push_back(':');
  if (ingest::FindInvalidUtf8(value) == std::string_view::npos) {
    AppendJsonString(out, value);
    return;
  }
  // A message may quote bytes a client sent; JSON needs UTF-8.
  std::string repaired;
  ingest::AppendRepairedUtf8(value, &repaired);
  AppendJsonString(out, repaired);
}

}  // namespace

const char* LogLevelName(Poco::Message::Priority priority) {
  switch (priority) {
    case Poco::Message::PRIO_FATAL: return "fatal";
    case Poco::Message::PRIO_CRITICAL: return "critical";
    case Poco::Message::PRIO_ERROR: return "error";
    case Poco::Message::PRIO_WARNING: return "warning";
    case Poco::Message::PRIO_NOTICE: return "notice";
    case Poco::Message::PRIO_INFORMATION: return "information";
    case Poco::Message::PRIO_DEBUG: return "debug";
    case Poco::Message::PRIO_TRACE: return "trace";
  }
  return "information";
}

int SyslogPriority(Poco::Message::Priority priority) {
  switch (priority) {
    case Poco::Message::PRIO_FATAL:
    case Poco::Message::PRIO_CRITICAL: return 2;  // SD_CRIT
    case Poco::Message::PRIO_ERROR: return 3;     // SD_ERR
    case Poco::Message::PRIO_WARNING: return 4;   // SD_WARNING
    case Poco::Message::PRIO_NOTICE: return 5;    // SD_NOTICE
    case Poco::Message::PRIO_INFORMATION: return 6;  // SD_INFO
    case Poco::Message::PRIO_DEBUG:
    case Poco::Message::PRIO_TRACE: return 7;  // SD_DEBUG
  }
  return 6;
}

void LogLineFormatter::format(const Poco::Message& msg, std::string& text) {
  text.clear();
  if (format_ == LogFormat::kJson) FormatJson(msg, &text);
  else FormatText(msg, &text);
}

void LogLineFormatter::FormatText(const Poco::Message& msg, std::string* text) const {
  const std::string head = std::string(LogLevelName(msg.getPriority())) + " " +
                           msg.getSource() + ": ";
  if (!journal_) {
    *text = Timestamp(msg, /*micros=*/false) + " " + head + msg.getText();
    return;
  }
  const std::string prefix = PriorityPrefix(msg.getPriority());
  *text = prefix + head;
  // journald makes one entry per line: each keeps the message's priority.
  for (char c : msg.getText()) {
    text->push_back(c);
    if (c == '\n') text->append(prefix);
  }
}

void LogLineFormatter::FormatJson(const Poco::Message& msg, std::string* text) const {
  if (journal_) text->append(PriorityPrefix(msg.getPriority()));
  text->push_back('{');
  if (!journal_) AppendJsonField(text, "time", Timestamp(msg, /*micros=*/true));
  AppendJsonField(text, "level", LogLevelName(msg.getPriority()));
  AppendJsonField(text, "logger", msg.getSource());
  AppendJsonField(text, "message", msg.getText());
  text->push_back('}');
}

}  // namespace sinkhost
