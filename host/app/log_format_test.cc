// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/app/log_format.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Message.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QtTest>
#include <string>

#include "host/app/logging.h"

using namespace sinkhost;

namespace {

// 2026-11-24T16:18:54.123456Z
const Poco::Timestamp kAt = Poco::Timestamp(1795537134123456LL);

Poco::Message Msg(const std::string& text,
                  Poco::Message::Priority prio = Poco::Message::PRIO_INFORMATION,
                  const std::string& source = "sinkhost.main") {
  Poco::Message m(source, text, prio);
  m.setTime(kAt);
  return m;
}

std::string Format(LogFormat format, bool journal, const Poco::Message& m) {
  LogLineFormatter f(format, journal);
  std::string line;
  f.format(m, line);
  return line;
}

Poco::JSON::Object::Ptr ParseObject(const std::string& line) {
  Poco::JSON::Parser parser;
  return parser.parse(line).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

class LogFormatTest : public QObject {
  Q_OBJECT
 private slots:
  void textHasUtcMillisecondsLevelAndLogger() {
    QCOMPARE(Format(LogFormat::kText, false, Msg("ready")),
             std::string("2026-11-24T16:18:54.123Z information sinkhost.main: ready"));
    QCOMPARE(Format(LogFormat::kText, false,
                    Msg("sink down", Poco::Message::PRIO_WARNING, "sinkhost.sink")),
             std::string("2026-11-24T16:18:54.123Z warning sinkhost.sink: sink down"));
  }

  void journalTextHasThePriorityAndNoTime() {
    QCOMPARE(Format(LogFormat::kText, true, Msg("ready")),
             std::string("<6>information sinkhost.main: ready"));
    // journald splits at newlines: each line keeps the priority.
    QCOMPARE(Format(LogFormat::kText, true,
                    Msg("COPY failed\nDETAIL: x", Poco::Message::PRIO_ERROR, "sinkhost.sink")),
             std::string("<3>error sinkhost.sink: COPY failed\n<3>DETAIL: x"));
  }

  void everyLevelMapsToItsSyslogPriority() {
    using P = Poco::Message;
    const std::pair<P::Priority, int> expected[] = {
        {P::PRIO_FATAL, 2},  {P::PRIO_CRITICAL, 2},    {P::PRIO_ERROR, 3},
        {P::PRIO_WARNING, 4}, {P::PRIO_NOTICE, 5},     {P::PRIO_INFORMATION, 6},
        {P::PRIO_DEBUG, 7},  {P::PRIO_TRACE, 7}};
    for (const auto& [prio, n] : expected) {
      QCOMPARE(SyslogPriority(prio), n);
      const std::string line = Format(LogFormat::kJson, true, Msg("x", prio));
      QVERIFY2(line.rfind("<" + std::to_string(n) + ">{", 0) == 0, line.c_str());
    }
  }

  void jsonRoundTripsQuotesNewlinesAndNonAscii() {
    const std::string text =
        "say \"hi\" \\ back\nslash, tab\there, \x01 control, "
        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
    const std::string line =
        Format(LogFormat::kJson, false, Msg(text, Poco::Message::PRIO_ERROR, "sinkhost.http"));
    QVERIFY2(line.find('\n') == std::string::npos, line.c_str());  // one line per message
    QCOMPARE(line.front(), '{');
    Poco::JSON::Object::Ptr o = ParseObject(line);
    QCOMPARE(o->size(), size_t(4));
    QCOMPARE(o->getValue<std::string>("time"), std::string("2026-11-24T16:18:54.123456Z"));
    QCOMPARE(o->getValue<std::string>("level"), std::string("error"));
    QCOMPARE(o->getValue<std::string>("logger"), std::string("sinkhost.http"));
    QCOMPARE(o->getValue<std::string>("message"), text);
    // The keys in a fixed order, so that lines are easy to read too.
    QVERIFY2(line.rfind("{\"time\":", 0) == 0, line.c_str());
    QVERIFY(line.find("\"level\"") < line.find("\"logger\""));
    QVERIFY(line.find("\"logger\"") < line.find("\"message\""));
  }

  void jsonRepairsBytesThatAreNotUtf8() {
    const std::string line =
        Format(LogFormat::kJson, false, Msg("bad \xff\xfe user agent"));
    Poco::JSON::Object::Ptr o = ParseObject(line);
    QCOMPARE(o->getValue<std::string>("message"),
             std::string("bad \xef\xbf\xbd\xef\xbf\xbd user agent"));
  }

  void journalJsonHasThePriorityAndNoTime() {
    const std::string line =
        Format(LogFormat::kJson, true, Msg("a \"quoted\"\nline", Poco::Message::PRIO_NOTICE));
    QVERIFY2(line.rfind("<5>{", 0) == 0, line.c_str());
    Poco::JSON::Object::Ptr o = ParseObject(line.substr(3));
    QVERIFY(!o->has("time"));
    QCOMPARE(o->getValue<std::string>("level"), std::string("notice"));
    QCOMPARE(o->getValue<std::string>("message"), std::string("a \"quoted\"\nline"));
  }

  void logFormatNames() {
    LogFormat f = LogFormat::kText;
    QVERIFY(ParseLogFormat("json", &f).ok());
    QVERIFY(f == LogFormat::kJson);
    QVERIFY(ParseLogFormat("text", &f).ok());
    QVERIFY(f == LogFormat::kText);
    Status st = ParseLogFormat("xml", &f);
    QVERIFY(!st.ok());
    QCOMPARE(st.message(), std::string("must be text or json, got \"xml\""));
  }

  // JOURNAL_STREAM counts only when it names this very file descriptor.
  void journalStreamMustMatchTheDescriptor() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("stderr").toStdString();
    const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    QVERIFY(fd >= 0);
    struct stat st {};
    QVERIFY(::fstat(fd, &st) == 0);
    const std::string dev = std::to_string(static_cast<unsigned long long>(st.st_dev));
    const std::string ino = std::to_string(static_cast<unsigned long long>(st.st_ino));
    QVERIFY(IsJournalStream(fd, (dev + ":" + ino).c_str()));
    QVERIFY(!IsJournalStream(fd, nullptr));
    QVERIFY(!IsJournalStream(fd, ""));
    QVERIFY(!IsJournalStream(fd, (dev + ":" + std::to_string(st.st_ino + 1)).c_str()));
    QVERIFY(!IsJournalStream(fd, (dev + ":" + ino + "x").c_str()));
    QVERIFY(!IsJournalStream(fd, ino.c_str()));
    ::close(fd);
  }
};

QTEST_GUILESS_MAIN(LogFormatTest)
#include "log_format_test.moc"
