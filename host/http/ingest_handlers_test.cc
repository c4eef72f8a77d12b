// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// IngestHandler's batching of /api/event: the events of requests deferred
// together become one write-ahead-log record and are answered only after
// it is written; a batch the log could never hold in one record is
// accepted request by request, so each gets the answer it would have had
// alone.
#include <QtTest>

#include <memory>
#include <string>
#include <vector>

#include "host/app/host.h"
#include "host/app/logging.h"
#include "host/config/host_config.h"
#include "host/http/ingest_handlers.h"
#include "tests/support/test_env.h"

using namespace sinkhost;

namespace {

const char* kConfig = R"(
ingest: {listen: "127.0.0.1:0", max_body: 64KiB}
admin: {enabled: false}
data_dir: "{dir}/data"
plugin_dirs: ["{plugins}"]
log: {level: warning}
streams:
  events:
    schema: plausible
    buffer: {flush_interval: 1h}
    wal: {segment_size: 4KiB, max_size: 6KiB}
    sinks: [{plugin: test_sink}]
)";

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

// A tracker event of about `size` bytes (a long path and a long prop).
std::string Event(int i, size_t size) {
  const std::string pad((size - 150) / 2, 'a');
  return "{\"n\":\"pageview\",\"u\":\"https://example.com/" + std::to_string(i) + pad +
         "\",\"d\":\"example.com\",\"p\":{\"pad\":\"" + pad + "\"}}";
}

}  // namespace

class IngestHandlersTest : public QObject {
  Q_OBJECT

  std::unique_ptr<QTemporaryDir> tmp_;
  std::unique_ptr<Host> host_;
  std::unique_ptr<IngestHandler> handler_;

  Stream& stream() { return *host_->streams().plausible(); }

  // Handles one /api/event request as an event loop would, allowed to
  // defer; returns whether it did.
  bool Post(const std::string& body, HttpResponse* response) {
    HttpRequest request;
    request.method = "POST";
    request.target = request.path = "/api/event";
    request.body = body;
    request.has_body = true;
    request.can_defer = true;
    response->Reset();
    if (handler_->OnHead(request, response)) return false;
    handler_->Handle(request, response);
    return response->deferred();
  }

 private slots:
  void initTestCase() { SetupLogging({.level = "warning"}); }

  void init() {
    tmp_ = std::make_unique<QTemporaryDir>();
    HostConfig config;
    Status st = ParseHostConfig(
        Replace(Replace(kConfig, "{dir}", tmp_->path().toStdString()), "{plugins}",
                sinkhost::testing::EnvOrDie("SINKHOST_TEST_PLUGIN_DIR")),
        &config);
    QVERIFY2(st.ok(), st.ToString().c_str());
    st = Host::Create(config, &host_);
    QVERIFY2(st.ok(), st.ToString().c_str());
    host_->Start();
    IngestEndpoints e;
    e.streams = &host_->streams();
    e.max_body = 64 * 1024;
    handler_ = std::make_unique<IngestHandler>(e);
  }

  void cleanup() {
    handler_.reset();
    host_.reset();
  }

  void deferredRequestsAreOneLogRecord() {
    std::vector<std::unique_ptr<HttpResponse>> responses;
    const uint64_t appends_before = stream().Stats().wal.log.appends;
    for (int i = 0; i < 3; ++i) {
      responses.push_back(std::make_unique<HttpResponse>());
      QVERIFY(Post(Event(i, 300), responses.back().get()));
    }
    // Nothing is accepted before the batch ends.
    QCOMPARE(stream().Stats().buffer.accepted_events, uint64_t(0));
    std::vector<HttpResponse*> deferred;
    for (auto& r : responses) deferred.push_back(r.get());
    handler_->FinishBatch(deferred);
    for (auto& r : responses) {
      QCOMPARE(r->status(), 202);
      QCOMPARE(r->body(), std::string("ok"));
    }
    QCOMPARE(stream().Stats().buffer.accepted_events, uint64_t(3));
    QCOMPARE(stream().Stats().wal.log.appends, appends_before + 1);
  }

  // Alone, each of these fits the log (6 KiB), together they would make a
  // record it can never hold: the first is accepted, the second finds the
  // log full (503, retry), and neither gets the 413 that only a request too
  // large on its own deserves.
  void aBatchTooLargeForOneRecordIsAcceptedRequestByRequest() {
    HttpResponse a, b;
    QVERIFY(Post(Event(1, 3500), &a));
    QVERIFY(Post(Event(2, 3500), &b));
    handler_->FinishBatch({&a, &b});
    QVERIFY2(a.status() == 202, a.body().c_str());
    QVERIFY2(b.status() == 503, b.body().c_str());
    QCOMPARE(stream().Stats().buffer.accepted_events, uint64_t(1));
  }

  // Where the server cannot wait (the blocking threads), nothing is
  // deferred.
  void withoutDeferralTheAnswerComesAtOnce() {
    HttpRequest request;
    request.method = "POST";
    request.target = request.path = "/api/event";
    const std::string body = Event(7, 300);
    request.body = body;
    request.has_body = true;
    HttpResponse r;
    handler_->Handle(request, &r);
    QVERIFY(!r.deferred());
    QCOMPARE(r.status(), 202);
    QCOMPARE(stream().Stats().buffer.accepted_events, uint64_t(1));
  }
};

QTEST_GUILESS_MAIN(IngestHandlersTest)
#include "ingest_handlers_test.moc"
