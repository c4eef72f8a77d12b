// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// HttpServer with handlers of its own: a request that may block runs on
// the blocking threads while the event loop goes on serving everyone else,
// answers keep their order behind it, a handler that throws is answered
// 500, and Stop waits for a request in progress.
#include <QtTest>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <thread>

#include "host/http/http_server.h"
#include "tests/support/raw_http.h"

using namespace sinkhost;
using sinkhost::testing::RawHttpClient;
using sinkhost::testing::RawRequest;
using sinkhost::testing::RawResponse;

namespace {

// /slow waits `slow_ms` (a stand-in for an fsync or a flush), /throw
// throws, /defer leaves its answer to the end of the loop's batch, anything
// else answers at once with its path.
class TestHandler final : public HttpHandler {
 public:
  std::atomic<int> slow_ms{1000};
  std::atomic<int> slow_running{0};

  bool MayBlock(const HttpRequest& request) const override { return request.path == "/slow"; }
  void Handle(const HttpRequest& request, HttpResponse* response) override {
    if (request.path == "/throw") throw std::runtime_error("handler failed on purpose");
    if (request.path == "/slow") {
      ++slow_running;
      std::this_thread::sleep_for(std::chrono::milliseconds(slow_ms.load()));
      --slow_running;
    }
    if (request.path == "/defer" && request.can_defer) {
      response->Defer(next_tag++);
      return;
    }
    response->SetBody(200, "text/plain", request.path);
  }
  void FinishBatch(const std::vector<HttpResponse*>& deferred) override {
    ++batches;
    for (HttpResponse* r : deferred)
      r->SetBody(200, "text/plain", "deferred " + std::to_string(r->tag()));
    next_tag = 0;
  }
  std::atomic<int> batches{0};

 private:
  uint64_t next_tag = 0;  // the loop's (one loop in these tests)
};

}  // namespace

class HttpServerTest : public QObject {
  Q_OBJECT

  TestHandler handler_;
  RequestCounters counters_{"test"};
  std::unique_ptr<HttpServer> server_;

 private slots:
  void init() {
    HttpServerOptions o;
    o.name = "test";
    o.listen = ListenAddress{"127.0.0.1", 0};
    o.io_threads = 1;  // one loop: a blocked loop would stall every test client
    o.blocking_threads = 4;
    Status st = HttpServer::Bind(o, &server_);
    QVERIFY2(st.ok(), st.ToString().c_str());
    server_->Start(&handler_, &counters_);
  }
  void cleanup() { server_.reset(); }

  void aBlockingRequestDoesNotStallTheLoop() {
    RawHttpClient slow;
    QVERIFY(slow.Connect(server_->port()));
    QVERIFY(slow.Send(RawRequest("GET", "/slow", "")));
    while (handler_.slow_running == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    // Meanwhile, on the same (only) loop:
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < 50; ++i) {
      RawHttpClient c;
      QVERIFY(c.Connect(server_->port()));
      QVERIFY(c.Send(RawRequest("GET", "/fast", "")));
      QCOMPARE(c.Read(2000).body, std::string("/fast"));
    }
    QVERIFY2(t.elapsed() < 500, std::to_string(t.elapsed()).c_str());
    QCOMPARE(handler_.slow_running.load(), 1);  // all of that while it was still blocked
    QCOMPARE(slow.Read(3000).body, std::string("/slow"));
  }

  // Requests pipelined behind a blocking one wait for it: answers keep
  // the order of the requests.
  void pipelinedAnswersKeepTheirOrderBehindABlockingOne() {
    handler_.slow_ms = 300;
    RawHttpClient c;
    QVERIFY(c.Connect(server_->port()));
    QVERIFY(c.Send(RawRequest("GET", "/a", "") + RawRequest("GET", "/slow", "") +
                   RawRequest("GET", "/b", "") + RawRequest("GET", "/slow", "") +
                   RawRequest("GET", "/c", "")));
    for (const char* path : {"/a", "/slow", "/b", "/slow", "/c"}) {
      RawResponse r = c.Read(3000);
      QCOMPARE(r.status, 200);
      QCOMPARE(r.body, std::string(path));
    }
  }

  // A deferred answer holds its connection's later requests back, so
  // answers keep their order; every deferred request is answered.
  void deferredAnswersComeAtTheEndOfTheBatchInOrder() {
    RawHttpClient c;
    QVERIFY(c.Connect(server_->port()));
    QVERIFY(c.Send(RawRequest("GET", "/a", "") + RawRequest("GET", "/defer", "") +
                   RawRequest("GET", "/b", "") + RawRequest("GET", "/defer", "")));
    QCOMPARE(c.Read().body, std::string("/a"));
    QCOMPARE(c.Read().body.rfind("deferred ", 0), size_t(0));
    QCOMPARE(c.Read().body, std::string("/b"));
    QCOMPARE(c.Read().body.rfind("deferred ", 0), size_t(0));
    std::vector<RawHttpClient> many(20);
    for (auto& m : many) {
      QVERIFY(m.Connect(server_->port()));
      QVERIFY(m.Send(RawRequest("GET", "/defer", "")));
    }
    for (auto& m : many) {
      RawResponse r = m.Read();
      QCOMPARE(r.status, 200);
      QVERIFY(r.keep_alive);
    }
    QVERIFY(handler_.batches.load() >= 2);
  }

  void aThrowingHandlerIsAnswered500() {
    RawHttpClient c;
    QVERIFY(c.Connect(server_->port()));
    QVERIFY(c.Send(RawRequest("GET", "/throw", "")));
    RawResponse r = c.Read();
    QCOMPARE(r.status, 500);
    QVERIFY2(r.body.find("handler failed on purpose") != std::string::npos, r.body.c_str());
    QVERIFY(!r.keep_alive);
    QVERIFY(c.WaitClosed(3000));
    // The server goes on.
    RawHttpClient d;
    QVERIFY(d.Connect(server_->port()));
    QVERIFY(d.Send(RawRequest("GET", "/ok", "")));
    QCOMPARE(d.Read().status, 200);
  }

  // Stop: idle connections are closed at once, a request being handled is
  // answered (with Connection: close) before Stop returns.
  void stopAnswersARequestInProgress() {
    handler_.slow_ms = 500;
    RawHttpClient idle, busy;
    QVERIFY(idle.Connect(server_->port()));
    QVERIFY(idle.Send(RawRequest("GET", "/x", "")));
    QCOMPARE(idle.Read().status, 200);
    QVERIFY(busy.Connect(server_->port()));
    QVERIFY(busy.Send(RawRequest("GET", "/slow", "")));
    while (handler_.slow_running == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::thread stopper([this] { server_->Stop(); });
    QVERIFY(idle.WaitClosed(2000));
    RawResponse r = busy.Read(3000);
    QCOMPARE(r.status, 200);
    QVERIFY(!r.keep_alive);
    stopper.join();
    QCOMPARE(server_->open_connections(), size_t(0));
    RawHttpClient late;
    QVERIFY(!late.Connect(server_->port()));
  }

  // Stop must end every loop whatever it is doing at that moment: with a
  // sweep due every millisecond, a sweep that fired just before Stop used
  // to schedule itself again and keep its loop (and Stop) running forever.
  void stopEndsTheLoopsWhateverTheyAreDoing() {
    server_.reset();
    for (int i = 0; i < 200; ++i) {
      HttpServerOptions o;
      o.name = "test";
      o.listen = ListenAddress{"127.0.0.1", 0};
      o.io_threads = 2;
      o.sweep_interval_ms = 1;
      std::unique_ptr<HttpServer> server;
      QVERIFY(HttpServer::Bind(o, &server).ok());
      server->Start(&handler_, &counters_);
      RawHttpClient c;
      QVERIFY(c.Connect(server->port()));
      QVERIFY(c.Send(RawRequest("GET", "/x", "")));
      QCOMPARE(c.Read().status, 200);
      std::this_thread::sleep_for(std::chrono::microseconds(100 * (i % 20)));
      auto stopped = std::make_shared<std::promise<void>>();
      std::future<void> done = stopped->get_future();
      std::thread([&server, stopped] {
        server->Stop();
        stopped->set_value();
      }).detach();
      if (done.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
        qFatal("HttpServer::Stop did not return within 10 s (iteration %d)", i);
    }
  }

  void responsesAreCountedByStatus() {
    RawHttpClient c;
    QVERIFY(c.Connect(server_->port()));
    QVERIFY(c.Send(RawRequest("GET", "/a", "") + "GET / FOO/1.1\r\n\r\n"));
    QCOMPARE(c.Read().status, 200);
    QCOMPARE(c.Read().status, 400);
    const ListenerSnapshot s = counters_.Snapshot();
    uint64_t ok = 0, bad = 0;
    for (const auto& [code, n] : s.requests_by_code) {
      if (code == 200) ok = n;
      if (code == 400) bad = n;
    }
    QVERIFY(ok >= 1);
    QVERIFY(bad >= 1);
  }
};

QTEST_GUILESS_MAIN(HttpServerTest)
#include "http_server_test.moc"
