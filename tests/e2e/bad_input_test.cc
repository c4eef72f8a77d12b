// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Bad input against the real host: each kind gets its status code and an
// error that names what was wrong, and none of them costs an event that was
// accepted before it (or lets part of a refused request through).
#include <QtTest>

#include "tests/support/host_process.h"

using namespace sinkhost::testing;

namespace {

const char* kConfig = R"(ingest: {listen: "{ingest}", max_body: 64KiB}
admin: {listen: "{admin}"}
data_dir: "{dir}/data"
plugin_dirs: ["{plugins}"]
streams:
  events:
    schema: plausible
    buffer: {flush_interval: 1h}
    sinks:
      - {plugin: sqlite, options: {path: "{dir}/events.db", table: events}}
  items:
    columns:
      - {name: id, type: int64}
      - {name: label, type: string, nullable: true}
      - {name: at, type: timestamp, nullable: true}
    buffer: {flush_interval: 1h}
    sinks:
      - {plugin: sqlite, options: {path: "{dir}/items.db", table: items}}
)";

const char* kGoodEvent = R"({"n":"pageview","u":"https://example.com/ok","d":"example.com"})";

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

class BadInputTest : public QObject {
  Q_OBJECT

  HostProcess host_;
  int good_events_ = 0;
  int good_items_ = 0;

 private slots:
  void initTestCase() {
    QVERIFY2(host_.Start(kConfig), host_.output().c_str());
    // Accepted before any bad input arrives; must survive all of it.
    for (int i = 0; i < 3; ++i, ++good_events_)
      QCOMPARE(host_.Ingest("POST", "/api/event", kGoodEvent, "text/plain").status, 202);
    HttpResult r = host_.Ingest("POST", "/v1/streams/items/events",
                                "{\"id\":1}\n{\"id\":2,\"label\":null}\n", "application/x-ndjson");
    QCOMPARE(r.status, 202);
    good_items_ += 2;
  }

  void refusesBadInput_data() {
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");  // must appear in the response body

    const QString ev = "/api/event", items = "/v1/streams/items/events";
    QTest::newRow("event: malformed JSON") << "POST" << ev << R"({"n":"pageview","u":)" << 400
                                           << "Unable to parse request body as json";
    QTest::newRow("event: body is an array") << "POST" << ev << "[1,2]" << 400
                                             << "Unable to parse request body as json";
    QTest::newRow("event: empty body") << "POST" << ev << "" << 400 << "request";
    QTest::newRow("event: missing url") << "POST" << ev << R"({"n":"pageview","d":"example.com"})"
                                        << 400 << "\"url\"";
    QTest::newRow("event: missing name") << "POST" << ev
                                         << R"({"u":"https://example.com/","d":"example.com"})"
                                         << 400 << "event_name";
    QTest::newRow("event: data: url") << "POST" << ev
                                      << R"({"n":"pageview","u":"data:text/html,hi","d":"x.com"})"
                                      << 400 << "scheme is not allowed";
    QTest::newRow("event: url over 2000 bytes")
        << "POST" << ev
        << QString::fromStdString(R"({"n":"pageview","d":"x.com","u":"https://x.com/)" +
                                  Repeat("a", 2100) + "\"}")
        << 400 << "\"url\"";
    QTest::newRow("event: blank domain") << "POST" << ev
                                         << R"({"n":"pageview","u":"https://x.com/","d":"  "})"
                                         << 400 << "can't be blank";
    QTest::newRow("event: prop value too long")
        << "POST" << ev
        << QString::fromStdString(R"({"n":"pageview","u":"https://x.com/","d":"x.com","p":{"k":")" +
                                  Repeat("v", 2500) + "\"}}")
        << 400 << "props";
    QTest::newRow("event: wrong method") << "GET" << ev << "" << 405 << "GET";
    QTest::newRow("unknown path") << "POST" << "/api/nothing" << "{}" << 404 << "/api/nothing";
    QTest::newRow("bulk: unknown stream") << "POST" << "/v1/streams/nope/events" << "{\"id\":1}"
                                          << 404 << "unknown stream 'nope'";
    QTest::newRow("bulk: truncated line 2") << "POST" << items << "{\"id\":10}\n{\"id\":11\n" << 400
                                            << "\"line\":2";
    QTest::newRow("bulk: wrong type on line 3")
        << "POST" << items << "{\"id\":10}\n{\"id\":11}\n{\"id\":\"twelve\"}\n" << 400 << "\"id\"";
    QTest::newRow("bulk: missing required field") << "POST" << items << "{\"label\":\"no id\"}" << 400
                                                  << "missing required field 'id'";
    QTest::newRow("bulk: unknown field") << "POST" << items << "{\"id\":10,\"colour\":\"red\"}" << 400
                                         << "colour";
    QTest::newRow("bulk: fractional int64") << "POST" << items << "{\"id\":1.5}" << 400 << "\"id\"";
    QTest::newRow("bulk: bad timestamp") << "POST" << items << "{\"id\":10,\"at\":\"yesterday\"}"
                                         << 400 << "\"at\"";
    QTest::newRow("bulk: array element not an object")
        << "POST" << items << "[{\"id\":10},7]" << 400 << "\"line\":2";
    QTest::newRow("bulk: body over max_body")
        << "POST" << items << QString::fromStdString(Repeat("{\"id\":10}\n", 8000)) << 413
        << "65536";
    QTest::newRow("bulk: empty body") << "POST" << items << "" << 400 << "empty";
  }

  void refusesBadInput() {
    QFETCH(QString, method);
    QFETCH(QString, path);
    QFETCH(QString, body);
    QFETCH(int, status);
    QFETCH(QString, error);
    HttpResult r = host_.Ingest(method.toStdString(), path.toStdString(), body.toStdString(),
                                path.startsWith("/v1") ? "application/x-ndjson" : "text/plain");
    QVERIFY2(r.status == status, (std::to_string(r.status) + " " + r.body).c_str());
    QVERIFY2(r.body.find(error.toStdString()) != std::string::npos, r.body.c_str());
    if (method == "POST") {
      QVERIFY2(r.header("content-type").find("json") != std::string::npos,
               r.header("content-type").c_str());
    }
  }

  void refusesInvalidUtf8() {
    const std::string bad = "{\"n\":\"pageview\",\"u\":\"https://x.com/\xff\xfe\",\"d\":\"x.com\"}";
    HttpResult r = host_.Ingest("POST", "/api/event", bad, "text/plain");
    QCOMPARE(r.status, 400);
    QVERIFY2(r.body.find("UTF-8") != std::string::npos, r.body.c_str());
    r = host_.Ingest("POST", "/v1/streams/items/events", "{\"id\":5,\"label\":\"\xc3\x28\"}",
                     "application/x-ndjson");
    QCOMPARE(r.status, 400);
    QVERIFY2(r.body.find("UTF-8") != std::string::npos, r.body.c_str());
  }

  void refusesAnOversizedDeclaredLengthWithoutReadingIt() {
    HttpResult r = Http(host_.ingest_port(), "POST", "/api/event", std::string(70000, ' '),
                        "text/plain");
    QCOMPARE(r.status, 413);
  }

  // After all of the above: exactly the accepted events arrive, and nothing
  // of a refused request (not even its good lines) does.
  void acceptedEventsAreStillDeliveredAndRefusedOnesAreNot() {
    QCOMPARE(host_.Admin("POST", "/api/flush").status, 200);
    QCOMPARE(SqliteScalar(host_.dir() + "/events.db", "SELECT count(*) FROM events"),
             std::to_string(good_events_));
    QCOMPARE(SqliteScalar(host_.dir() + "/items.db", "SELECT group_concat(id) FROM items"),
             std::string("1,2"));
    QCOMPARE(host_.Admin("GET", "/healthz").status, 200);
    QCOMPARE(host_.Terminate(), 0);
  }
};

QTEST_GUILESS_MAIN(BadInputTest)
#include "bad_input_test.moc"
