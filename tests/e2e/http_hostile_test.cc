// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The ingest listener against clients that misbehave, through the real
// binary: requests smuggled past the framing (RFC 9112 §6.3), malformed and
// oversized headers, control bytes, slow and idle clients, too many
// connections, compressed bodies and zip bombs, pipelining, and a SIGTERM
// while a request is half sent. Every refusal is a JSON error, nothing a
// refused request carried is stored, and well-behaved clients are served
// meanwhile.
#include <QtTest>

#include <atomic>
#include <thread>
#include <vector>

#include <signal.h>

#include "tests/support/deflate.h"
#include "tests/support/host_process.h"
#include "tests/support/raw_http.h"

using namespace sinkhost::testing;

namespace {

const char* kConfig = R"(ingest:
  listen: "{ingest}"
  max_body: 64KiB
  header_timeout: 1s
  request_timeout: 2s
admin: {listen: "{admin}"}
data_dir: "{dir}/data"
plugin_dirs: ["{plugins}"]
shutdown_timeout: 10s
streams:
  events:
    schema: plausible
    buffer: {flush_interval: 1h}
    sinks:
      - {plugin: sqlite, options: {path: "{dir}/events.db", table: events}}
  items:
    columns:
      - {name: id, type: int64}
    buffer: {flush_interval: 1h}
    sinks:
      - {plugin: sqlite, options: {path: "{dir}/items.db", table: items}}
)";

// A tracker event whose page names the test that sent it, so that the
// tests can tell which requests were stored.
std::string Event(const std::string& page) {
  return R"({"n":"pageview","u":"https://example.com/)" + page + R"(","d":"example.com"})";
}

std::string EventRequest(const std::string& page, const std::string& extra = "") {
  return RawRequest("POST", "/api/event", Event(page), "Content-Type: text/plain\r\n" + extra);
}

std::string Gzip(const std::string& text) { return Compress(text, 31); }

bool IsJsonError(const RawResponse& r) {
  return r.header("content-type") == "application/json" &&
         r.body.find("\"error") != std::string::npos;
}

}  // namespace

class HttpHostileTest : public QObject {
  Q_OBJECT

  HostProcess host_;

  // Rows stored for pages whose path starts with `prefix`, after a flush.
  std::string StoredPages(const std::string& prefix) {
    if (host_.Admin("POST", "/api/flush").status != 200) return "flush failed";
    return SqliteScalar(host_.dir() + "/events.db",
                        "SELECT count(*) FROM events WHERE pathname LIKE '/" + prefix + "%'");
  }

  // Sends `bytes` on a new connection and reads one answer, which must be
  // `status` with a JSON error naming `message`, after which the server
  // must close the connection.
  void ExpectRefusedAndClosed(const std::string& bytes, int status, const std::string& message) {
    RawHttpClient c;
    QVERIFY2(c.Connect(host_.ingest_port()), c.error().c_str());
    QVERIFY(c.Send(bytes));
    RawResponse r = c.Read();
    QVERIFY2(r.status == status, (std::to_string(r.status) + " " + r.error + r.body).c_str());
    QVERIFY2(IsJsonError(r), r.body.c_str());
    QVERIFY2(r.body.find(message) != std::string::npos, r.body.c_str());
    QVERIFY(!r.keep_alive);
    QCOMPARE(r.header("access-control-allow-origin"), std::string("*"));
    QVERIFY2(c.WaitClosed(5000), "the server kept the connection open after a framing error");
  }

 private slots:
  void initTestCase() { QVERIFY2(host_.Start(kConfig), host_.output().c_str()); }

  // A request hidden after the end of a chunked body that also has a
  // Content-Length (which a front proxy might have used instead).
  void requestHiddenAfterAChunkedBodyIsNeverRead() {
    const std::string hidden = EventRequest("smuggled-te");
    const std::string outer = "POST /api/event HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                              std::to_string(5 + hidden.size()) +
                              "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + hidden;
    ExpectRefusedAndClosed(outer, 400, "Transfer-Encoding");
    QCOMPARE(StoredPages("smuggled-te"), std::string("0"));
  }

  void requestHiddenAfterTheFirstOfTwoContentLengthsIsNeverRead() {
    const std::string hidden = EventRequest("smuggled-cl");
    const std::string outer = "POST /api/event HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                              "Content-Length: " + std::to_string(hidden.size()) + "\r\n\r\n" +
                              hidden;
    ExpectRefusedAndClosed(outer, 400, "Content-Length");
    QCOMPARE(StoredPages("smuggled-cl"), std::string("0"));
  }

  void invalidContentLengthIsRefused_data() {
    QTest::addColumn<QString>("value");
    for (const char* v : {"abc", "+85", "-1", "9223372036854775808", "1e3", " 12 3"})
      QTest::newRow(v) << v;
  }
  void invalidContentLengthIsRefused() {
    QFETCH(QString, value);
    ExpectRefusedAndClosed("POST /api/event HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                               value.toStdString() + "\r\n\r\n" + Event("bad-length"),
                           400, "Content-Length");
  }

  // The bytes after a bad chunk size are not read as the next request.
  void aBadChunkSizeClosesTheConnection() {
    const std::string next = EventRequest("after-bad-chunk");
    RawHttpClient c;
    QVERIFY(c.Connect(host_.ingest_port()));
    QVERIFY(c.Send("POST /api/event HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "zz\r\n" + next));
    RawResponse r = c.Read();
    QCOMPARE(r.status, 400);
    QVERIFY(IsJsonError(r));
    QVERIFY(c.WaitClosed(5000));
    QCOMPARE(StoredPages("after-bad-chunk"), std::string("0"));
  }

  void malformedHeadersAreRefused_data() {
    QTest::addColumn<QString>("header");
    QTest::addColumn<QString>("message");
    QTest::newRow("whitespace before the colon") << "Content-Type : text/plain\r\n" << "colon";
    QTest::newRow("obsolete line folding") << "X-A: one\r\n two\r\n" << "folding";
    QTest::newRow("NUL in User-Agent") << QString::fromLatin1("User-Agent: ev\0il\r\n", 19)
                                       << "control character";
    QTest::newRow("DEL in a value") << "X-A: a\x7f" "b\r\n" << "control character";
  }
  void malformedHeadersAreRefused() {
    QFETCH(QString, header);
    QFETCH(QString, message);
    ExpectRefusedAndClosed(EventRequest("malformed-header", header.toLatin1().toStdString()), 400,
                           message.toStdString());
    QCOMPARE(StoredPages("malformed-header"), std::string("0"));
  }

  // The answer is HTTP/1.1 whatever the client wrote.
  void theStatusLineNeverEchoesTheClientsVersion() {
    RawHttpClient c;
    QVERIFY(c.Connect(host_.ingest_port()));
    QVERIFY(c.Send("GET / FOO/1.1\r\nHost: x\r\n\r\n"));
    RawResponse r = c.Read();
    QCOMPARE(r.status, 400);
    QVERIFY2(r.status_line.rfind("HTTP/1.1 400 ", 0) == 0, r.status_line.c_str());
    QVERIFY2(r.body.find("FOO/1.1") != std::string::npos, r.body.c_str());
    ExpectRefusedAndClosed("GET /api/event HTTP/2.0\r\nHost: x\r\n\r\n", 505, "HTTP/2.0");
  }

  void theParsersOwnRefusalsAreJson() {
    std::string many;
    for (int i = 0; i < 120; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
    ExpectRefusedAndClosed(EventRequest("limits", many), 400, "more than 100 header fields");
    ExpectRefusedAndClosed(EventRequest("limits", "X-Big: " + std::string(9000, 'a') + "\r\n"),
                           400, "longer than 8192 bytes");
    std::string big;
    for (int i = 0; i < 8; ++i) big += "X-F" + std::to_string(i) + ": " + std::string(5000, 'v') + "\r\n";
    ExpectRefusedAndClosed(EventRequest("limits", big), 431, "larger than 32768 bytes");
    ExpectRefusedAndClosed("GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", 414,
                           "longer than 8192 bytes");
    ExpectRefusedAndClosed("POST /api/event HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}", 400, "Host");
  }

  // Requests sent back to back on one connection: answered in order, each
  // one stored.
  void pipelinedRequestsAreAnsweredInOrder() {
    RawHttpClient c;
    QVERIFY(c.Connect(host_.ingest_port()));
    const std::string bulk =
        RawRequest("POST", "/v1/streams/items/events", "{\"id\":41}\n{\"id\":42}\n");
    QVERIFY(c.Send(EventRequest("pipelined-1") + bulk + EventRequest("pipelined-2") +
                   RawRequest("OPTIONS", "/api/event", "")));
    RawResponse a = c.Read(), b = c.Read(), d = c.Read(), e = c.Read();
    QCOMPARE(a.status, 202);
    QCOMPARE(a.body, std::string("ok"));
    QCOMPARE(b.status, 202);
    QCOMPARE(b.body, std::string("{\"accepted\":2}"));
    QCOMPARE(d.status, 202);
    QCOMPARE(e.status, 204);
    QVERIFY(e.keep_alive);
    QCOMPARE(StoredPages("pipelined-"), std::string("2"));
  }

  // 64 idle keep-alive connections and 64 clients sending their header a
  // byte at a time: new clients are still answered at once, and the slow
  // ones get 408 once header_timeout (1 s) has passed.
  void slowAndIdleClientsDoNotHoldUpOthers() {
    std::vector<RawHttpClient> idle(64), slow(64);
    for (auto& c : idle) {
      QVERIFY(c.Connect(host_.ingest_port()));
      QVERIFY(c.Send(EventRequest("idle")));
      QCOMPARE(c.Read().status, 202);
    }
    const std::string header = EventRequest("slow");
    for (auto& c : slow) QVERIFY(c.Connect(host_.ingest_port()));
    std::atomic<bool> stop{false};
    std::thread dribble([&] {
      for (size_t i = 0; i < header.size() && !stop; ++i) {
        for (auto& c : slow) c.Send(header.substr(i, 1));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    });
    qint64 slowest = 0;
    for (int i = 0; i < 50; ++i) {
      QElapsedTimer t;
      t.start();
      RawHttpClient c;
      QVERIFY(c.Connect(host_.ingest_port()));
      QVERIFY(c.Send(EventRequest("meanwhile")));
      QCOMPARE(c.Read(2000).status, 202);
      slowest = std::max(slowest, t.elapsed());
    }
    QVERIFY2(slowest < 1000, std::to_string(slowest).c_str());
    // header_timeout is 1 s, and deadlines are checked every half second.
    int timed_out = 0;
    for (auto& c : slow) {
      RawResponse r = c.Read(4000);
      if (r.status == 408 && IsJsonError(r) &&
          r.body.find("header_timeout") != std::string::npos && c.WaitClosed(3000))
        ++timed_out;
    }
    stop = true;
    dribble.join();
    QCOMPARE(timed_out, 64);
    // The idle ones are still served (keep_alive_timeout is 15 s).
    for (auto& c : idle) {
      QVERIFY(c.Send(EventRequest("idle")));
      QCOMPARE(c.Read().status, 202);
    }
  }

  void aBodyThatStopsComingTimesOut() {
    RawHttpClient c;
    QVERIFY(c.Connect(host_.ingest_port()));
    QElapsedTimer t;
    t.start();
    QVERIFY(c.Send("POST /api/event HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"n\":"));
    RawResponse r = c.Read(5000);
    QCOMPARE(r.status, 408);
    QVERIFY2(r.body.find("request_timeout") != std::string::npos, r.body.c_str());
    QVERIFY(t.elapsed() >= 2000);
    QVERIFY(c.WaitClosed(3000));
  }

  void compressedBodies() {
    std::string lines;
    for (int i = 0; i < 100; ++i) lines += "{\"id\":" + std::to_string(1000 + i) + "}\n";
    RawHttpClient c;
    QVERIFY(c.Connect(host_.ingest_port()));
    QVERIFY(c.Send(RawRequest("POST", "/v1/streams/items/events", Gzip(lines),
                              "Content-Encoding: gzip\r\n")));
    RawResponse r = c.Read();
    QVERIFY2(r.status == 202, r.body.c_str());
    QCOMPARE(r.body, std::string("{\"accepted\":100}"));
    QVERIFY(c.Send(RawRequest("POST", "/api/event", Gzip(Event("gzipped")),
                              "Content-Encoding: gzip\r\n")));
    QCOMPARE(c.Read().status, 202);
    // 10 MiB of one line compress to about 10 KiB, under max_body (64 KiB)
    // sent, far over it decoded.
    const std::string bomb = Gzip(std::string(10u << 20, ' '));
    QVERIFY(bomb.size() < 64 * 1024);
    QVERIFY(c.Send(RawRequest("POST", "/v1/streams/items/events", bomb, "Content-Encoding: gzip\r\n")));
    r = c.Read();
    QCOMPARE(r.status, 413);
    QVERIFY2(r.body.find("max_body") != std::string::npos, r.body.c_str());
    QVERIFY(c.Send(RawRequest("POST", "/v1/streams/items/events", "{\"id\":1}",
                              "Content-Encoding: gzip\r\n")));
    r = c.Read();
    QCOMPARE(r.status, 400);
    QVERIFY2(r.body.find("gzip") != std::string::npos, r.body.c_str());
    QVERIFY(c.Send(RawRequest("POST", "/v1/streams/items/events", "{\"id\":1}",
                              "Content-Encoding: br\r\n")));
    r = c.Read();
    QCOMPARE(r.status, 415);
    QVERIFY(IsJsonError(r));
    // Gzip without saying so is named as such.
    QVERIFY(c.Send(RawRequest("POST", "/v1/streams/items/events", Gzip(lines))));
    r = c.Read();
    QCOMPARE(r.status, 400);
    QVERIFY2(r.body.find("Content-Encoding: gzip") != std::string::npos, r.body.c_str());
    QCOMPARE(host_.Admin("POST", "/api/flush").status, 200);
    QCOMPARE(SqliteScalar(host_.dir() + "/items.db",
                          "SELECT count(*) FROM items WHERE id BETWEEN 1000 AND 1099"),
             std::string("100"));
    QCOMPARE(StoredPages("gzipped"), std::string("1"));
  }

  void pastMaxConnectionsNewOnesAre503() {
    HostProcess small;
    QVERIFY2(small.Start(std::string(kConfig).replace(std::string(kConfig).find("  max_body"), 0,
                                                      "  max_connections: 16\n")),
             small.output().c_str());
    std::vector<RawHttpClient> open(16);
    for (auto& c : open) {
      QVERIFY(c.Connect(small.ingest_port()));
      QVERIFY(c.Send(EventRequest("cap")));
      QCOMPARE(c.Read().status, 202);
    }
    RawHttpClient extra;
    QVERIFY(extra.Connect(small.ingest_port()));
    RawResponse r = extra.Read();
    QCOMPARE(r.status, 503);
    QVERIFY(IsJsonError(r));
    QVERIFY2(r.body.find("max_connections") != std::string::npos, r.body.c_str());
    QCOMPARE(r.header("retry-after"), std::string("1"));
    QVERIFY(extra.WaitClosed(5000));
    for (int i = 0; i < 4; ++i) open[i].Close();
    // Room again once the server has seen them go.
    bool served = false;
    for (int attempt = 0; attempt < 50 && !served; ++attempt) {
      RawHttpClient c;
      QVERIFY(c.Connect(small.ingest_port()));
      QVERIFY(c.Send(EventRequest("cap")));
      served = c.Read().status == 202;
      if (!served) QTest::qWait(100);
    }
    QVERIFY(served);
    QCOMPARE(small.Terminate(), 0);
  }

  // SIGTERM while a request is half sent: the listener stops taking new
  // connections, the request in progress finishes and is answered (and
  // stored), and the host exits 0.
  void sigtermLetsARequestInProgressFinish() {
    RawHttpClient c;
    QVERIFY(c.Connect(host_.ingest_port()));
    const std::string request = EventRequest("in-progress");
    const size_t half = request.size() - 20;
    QVERIFY(c.Send(request.substr(0, half)));
    QTest::qWait(200);
    host_.Signal(SIGTERM);
    QTest::qWait(300);
    RawHttpClient late;
    const bool refused = !late.Connect(host_.ingest_port()) || late.WaitClosed(2000);
    QVERIFY2(refused, "a new connection was accepted after SIGTERM");
    QVERIFY(c.Send(request.substr(half)));
    RawResponse r = c.Read();
    QCOMPARE(r.status, 202);
    QVERIFY(!r.keep_alive);  // draining: the answer closes the connection
    QCOMPARE(host_.WaitForExit(30000), 0);
    QCOMPARE(SqliteScalar(host_.dir() + "/events.db",
                          "SELECT count(*) FROM events WHERE pathname = '/in-progress'"),
             std::string("1"));
  }
};

QTEST_GUILESS_MAIN(HttpHostileTest)
#include "http_hostile_test.moc"
