// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The HTTP layer in-process: a real Host (streams, listeners on free ports)
// with the C test sink, driven through Poco's HTTP client.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <QtTest>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "host/app/check_config.h"
#include "host/app/host.h"
#include "host/http/admin_handlers.h"
#include "host/app/logging.h"
#include "host/config/host_config.h"
#include "core/wal/wal_io.h"
#include "tests/support/test_env.h"

using namespace sinkhost;
using Poco::JSON::Object;

namespace {

struct Reply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  Object::Ptr json() const {
    Poco::JSON::Parser parser;
    return parser.parse(body).extract<Object::Ptr>();
  }
};

struct Request {
  std::string method = "GET";
  std::string path = "/";
  std::string body;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  bool chunked = false;
};

Reply Send(Poco::Net::HTTPClientSession& session, const Request& r) {
  Poco::Net::HTTPRequest req(r.method, r.path, Poco::Net::HTTPMessage::HTTP_1_1);
  req.setKeepAlive(true);
  if (!r.content_type.empty()) req.setContentType(r.content_type);
  for (const auto& [k, v] : r.headers) req.set(k, v);
  if (r.chunked) {
    req.setChunkedTransferEncoding(true);
  } else if (!r.body.empty() || r.method == "POST") {
    req.setContentLength64(static_cast<Poco::Int64>(r.body.size()));
  }
  std::ostream& out = session.sendRequest(req);
  out << r.body;
  Poco::Net::HTTPResponse resp;
  std::istream& in = session.receiveResponse(resp);
  Reply reply;
  reply.status = static_cast<int>(resp.getStatus());
  Poco::StreamCopier::copyToString(in, reply.body);
  for (const auto& [k, v] : resp) reply.headers[Poco::toLower(k)] = v;
  return reply;
}

Reply Call(uint16_t port, const Request& r) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(30, 0));
  return Send(session, r);
}

Reply Post(uint16_t port, const std::string& path, const std::string& body,
           const std::string& content_type = "text/plain") {
  Request r;
  r.method = "POST";
  r.path = path;
  r.body = body;
  r.content_type = content_type;
  return Call(port, r);
}

Reply Get(uint16_t port, const std::string& path) {
  Request r;
  r.path = path;
  return Call(port, r);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int CountLines(const std::string& path) {
  const std::string text = ReadFile(path);
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

const char* kConfig = R"(
ingest: {listen: "127.0.0.1:0", max_body: 1KiB, max_threads: 16}
admin: {listen: "127.0.0.1:0"}
data_dir: "{dir}/data"
plugin_dirs: ["{plugins}"]
log: {level: warning}
shutdown_timeout: 10s
streams:
  events:
    schema: plausible
    buffer: {flush_interval: 1h}
    sinks: [{plugin: test_sink}]
  items:
    columns:
      - {name: id, type: int64}
      - {name: label, type: string, nullable: true}
    buffer: {flush_interval: 1h}
    sinks: [{plugin: test_sink, options: {record: "{dir}/items.txt"}}]
  slow:
    columns: [{name: id, type: int64}]
    buffer: {max_events: 1, max_pending_batches: 1, block_timeout: 100ms, flush_interval: 1h}
    sinks: [{plugin: test_sink, name: gated, options: {gate: "{dir}/gate", record: "{dir}/slow.txt"}}]
)";

const char* kTrackerEvent =
    R"({"n":"pageview","u":"https://example.com/a?x=1","d":"example.com","r":null,"w":1280})";

// Fsyncs of a write-ahead log fail (EIO) once `fail` is set.
class FailingSyncIo : public WalIo {
 public:
  std::atomic<bool> fail{false};
  int SyncData(int fd) override {
    if (fail) {
      errno = EIO;
      return -1;
    }
    return WalIo::SyncData(fd);
  }
};

}  // namespace

class HostHttpTest : public QObject {
  Q_OBJECT

 private:
  std::unique_ptr<QTemporaryDir> tmp_;
  std::string dir_;
  std::unique_ptr<Host> host_;
  uint16_t ingest_ = 0;
  uint16_t admin_ = 0;

  std::string ConfigText(const std::string& text) const {
    return Replace(Replace(text, "{dir}", dir_), "{plugins}",
                   sinkhost::testing::EnvOrDie("SINKHOST_TEST_PLUGIN_DIR"));
  }

  Status MakeHost(const std::string& text, std::unique_ptr<Host>* out) const {
    HostConfig config;
    SINKHOST_RETURN_NOT_OK(ParseHostConfig(ConfigText(text), &config));
    return Host::Create(config, out);
  }

  const Stream& stream(const char* name) const { return *host_->streams().Find(name)->stream; }

 private slots:
  void initTestCase() { SetupLogging({.level = "warning"}); }

  void init() {
    tmp_ = std::make_unique<QTemporaryDir>();
    dir_ = tmp_->path().toStdString();
    Status st = MakeHost(kConfig, &host_);
    QVERIFY2(st.ok(), st.ToString().c_str());
    host_->Start();
    ingest_ = host_->ingest_port();
    admin_ = host_->admin_port();
    QVERIFY(ingest_ != 0 && admin_ != 0 && ingest_ != admin_);
  }

  void cleanup() {
    std::remove((dir_ + "/gate").c_str());
    if (host_) host_->Stop();
    host_.reset();
    tmp_.reset();
  }

  void corsPreflightIsAnswered() {
    for (const char* path : {"/api/event", "/v1/streams/items/events"}) {
      Request r;
      r.method = "OPTIONS";
      r.path = path;
      r.headers = {{"Origin", "https://site.example"},
                   {"Access-Control-Request-Method", "POST"},
                   {"Access-Control-Request-Headers", "content-type, x-custom"}};
      Reply reply = Call(ingest_, r);
      QCOMPARE(reply.status, 204);
      QCOMPARE(reply.header("access-control-allow-origin"), std::string("*"));
      QCOMPARE(reply.header("access-control-allow-methods"), std::string("POST, OPTIONS"));
      QCOMPARE(reply.header("access-control-allow-headers"), std::string("content-type, x-custom"));
      QVERIFY(!reply.header("access-control-max-age").empty());
      QVERIFY(reply.body.empty());
    }
    // Without requested headers, Content-Type is allowed.
    Request r;
    r.method = "OPTIONS";
    r.path = "/api/event";
    QCOMPARE(Call(ingest_, r).header("access-control-allow-headers"), std::string("Content-Type"));
  }

  void plausibleEventIsAccepted() {
    for (const char* type : {"text/plain", "application/json", "text/plain;charset=UTF-8"}) {
      Reply r = Post(ingest_, "/api/event", kTrackerEvent, type);
      QVERIFY2(r.status == 202, r.body.c_str());
      QCOMPARE(r.body, std::string("ok"));
      QCOMPARE(r.header("access-control-allow-origin"), std::string("*"));
      QVERIFY(r.header("content-type").rfind("text/plain", 0) == 0);
    }
    QCOMPARE(stream("events").Stats().buffer.accepted_events, uint64_t(3));
  }

  void plausibleBadInputIs400WithPlausibleErrors() {
    for (const char* body : {"{not json", R"({"n":"pageview"})", "[1,2]"}) {
      Reply r = Post(ingest_, "/api/event", body);
      QVERIFY2(r.status == 400, (std::string(body) + " -> " + r.body).c_str());
      QCOMPARE(r.header("access-control-allow-origin"), std::string("*"));
      Object::Ptr o = r.json();
      QVERIFY2(o->has("errors") && o->getObject("errors")->size() > 0, r.body.c_str());
    }
    QCOMPARE(stream("events").Stats().buffer.accepted_events, uint64_t(0));
  }

  void emptyAndNonUtf8BodiesAre400() {
    Reply r = Post(ingest_, "/api/event", "");
    QCOMPARE(r.status, 400);
    QVERIFY2(r.body.find("empty") != std::string::npos, r.body.c_str());
    QVERIFY(r.json()->has("errors"));
    r = Post(ingest_, "/api/event", "{\"n\":\"pageview\",\"d\":\"\xff\xfe\"}");
    QCOMPARE(r.status, 400);
    QVERIFY2(r.body.find("UTF-8") != std::string::npos, r.body.c_str());
    r = Post(ingest_, "/v1/streams/items/events", "", "application/x-ndjson");
    QCOMPARE(r.status, 400);
    QVERIFY2(r.json()->has("error"), r.body.c_str());
    r = Post(ingest_, "/v1/streams/items/events", "{\"id\":1,\"label\":\"\xc3\x28\"}\n");
    QCOMPARE(r.status, 400);
    QVERIFY2(r.body.find("UTF-8") != std::string::npos, r.body.c_str());
    QCOMPARE(stream("items").Stats().buffer.accepted_events, uint64_t(0));
  }

  void unknownPathsStreamsAndMethods() {
    Reply r = Post(ingest_, "/api/nothing", "x");
    QCOMPARE(r.status, 404);
    QVERIFY(r.json()->getObject("error")->has("message"));
    QCOMPARE(r.header("access-control-allow-origin"), std::string("*"));

    r = Post(ingest_, "/v1/streams/nope/events", "{\"id\":1}\n");
    QCOMPARE(r.status, 404);
    QCOMPARE(r.json()->getObject("error")->getValue<std::string>("message"),
             std::string("unknown stream 'nope'"));

    r = Get(ingest_, "/api/event");
    QCOMPARE(r.status, 405);
    QCOMPARE(r.header("allow"), std::string("POST, OPTIONS"));
    QVERIFY(r.json()->getObject("error")->getValue<std::string>("message").find("GET") !=
            std::string::npos);
    Request put;
    put.method = "PUT";
    put.path = "/v1/streams/items/events";
    put.body = "{\"id\":1}";
    QCOMPARE(Call(ingest_, put).status, 405);
  }

  void oversizedBodiesAre413() {
    const std::string big(4096, 'x');
    Reply r = Post(ingest_, "/api/event", big);
    QCOMPARE(r.status, 413);
    QVERIFY(r.json()->getObject("error")->getValue<std::string>("message").find("max_body") !=
            std::string::npos);
    QCOMPARE(r.header("access-control-allow-origin"), std::string("*"));

    // Chunked: no Content-Length to check up front; cut off while reading.
    Request chunked;
    chunked.method = "POST";
    chunked.path = "/v1/streams/items/events";
    chunked.body = big;
    chunked.chunked = true;
    QCOMPARE(Call(ingest_, chunked).status, 413);

    // With Expect: 100-continue the refusal comes before the body is sent.
    Poco::Net::HTTPClientSession session("127.0.0.1", ingest_);
    Poco::Net::HTTPRequest req("POST", "/api/event", Poco::Net::HTTPMessage::HTTP_1_1);
    req.setContentLength(static_cast<std::streamsize>(big.size()));
    req.setExpectContinue(true);
    session.sendRequest(req);
    Poco::Net::HTTPResponse resp;
    QVERIFY(!session.peekResponse(resp));  // a final answer, not 100 Continue
    QCOMPARE(int(resp.getStatus()), 413);

    // A body within the limit, chunked, still works; nothing bad was kept.
    chunked.body = "{\"id\":1}\n{\"id\":2}\n";
    Reply ok = Call(ingest_, chunked);
    QVERIFY2(ok.status == 202, ok.body.c_str());
    QCOMPARE(stream("items").Stats().buffer.accepted_events, uint64_t(2));
  }

  void bulkAnswersAcceptedCountAndDelivers() {
    Reply r = Post(ingest_, "/v1/streams/items/events",
                   "{\"id\":1,\"label\":\"a\"}\n{\"id\":2}\n\n{\"id\":3,\"label\":null}\n",
                   "application/x-ndjson");
    QVERIFY2(r.status == 202, r.body.c_str());
    QCOMPARE(r.body, std::string("{\"accepted\":3}"));
    QCOMPARE(r.header("content-type"), std::string("application/json"));
    r = Post(ingest_, "/v1/streams/items/events", "[{\"id\":4},{\"id\":5}]", "application/json");
    QVERIFY2(r.status == 202, r.body.c_str());
    QCOMPARE(r.body, std::string("{\"accepted\":2}"));

    // A bad line refuses the whole request and names the line.
    r = Post(ingest_, "/v1/streams/items/events", "{\"id\":6}\n{\"id\":\"seven\"}\n");
    QCOMPARE(r.status, 400);
    Object::Ptr err = r.json()->getObject("error");
    QVERIFY2(err, r.body.c_str());
    QCOMPARE(err->getValue<int>("line"), 2);
    QVERIFY(err->has("message"));

    Reply f = Call(admin_, {"POST", "/api/flush?stream=items", "", "", {}, false});
    QVERIFY2(f.status == 200, f.body.c_str());
    QCOMPARE(ReadFile(dir_ + "/items.txt"), std::string("1\n2\n3\n4\n5\n"));
  }

  void keepAliveSurvivesErrors() {
    Poco::Net::HTTPClientSession session("127.0.0.1", ingest_);
    session.setKeepAlive(true);
    QCOMPARE(Send(session, {"POST", "/nowhere", "{\"a\":1}", "text/plain", {}, false}).status, 404);
    QCOMPARE(Send(session, {"GET", "/api/event", "", "", {}, false}).status, 405);
    QCOMPARE(Send(session, {"POST", "/api/event", "nope", "text/plain", {}, false}).status, 400);
    QCOMPARE(Send(session, {"POST", "/v1/streams/x/events", "{}", "", {}, false}).status, 404);
    for (int i = 0; i < 5; ++i) {
      Reply r = Send(session, {"POST", "/v1/streams/items/events",
                               "{\"id\":" + std::to_string(i) + "}", "", {}, false});
      QVERIFY2(r.status == 202, r.body.c_str());
    }
    QCOMPARE(Send(session, {"POST", "/api/event", kTrackerEvent, "text/plain", {}, false}).status,
             202);
    QCOMPARE(stream("items").Stats().buffer.accepted_events, uint64_t(5));
  }

  // With a log (this host has a data_dir) a full buffer does not refuse:
  // requests spill to the log and are buffered once the sink moves.
  void fullBufferSpillsToTheLogInsteadOf503() {
    { std::ofstream gate(dir_ + "/gate"); }  // the sink stalls while this exists
    // 1: sealed at once, its sink stalls. 2: fills the open batch. 3..10: no
    // room in the buffer, logged only.
    for (int id = 1; id <= 10; ++id)
      QCOMPARE(Post(ingest_, "/v1/streams/slow/events", "{\"id\":" + std::to_string(id) + "}")
                   .status,
               202);
    StreamStats st = stream("slow").Stats();
    QCOMPARE(st.buffer.rejected_busy, uint64_t(0));
    QVERIFY(st.buffer.pending_batches <= 1);
    QVERIFY(st.buffer.buffered_events <= 1);
    QVERIFY(st.wal.spilling);
    QCOMPARE(st.wal.spills, uint64_t(1));
    Reply s = Get(admin_, "/api/stats");
    QCOMPARE(s.json()->getObject("streams")->getObject("slow")->getObject("wal")
                 ->getValue<bool>("spilling"),
             true);

    // The flush cannot finish while the sink stalls: 504, naming the sink.
    Reply f = Call(admin_, {"POST", "/api/flush?stream=slow&timeout=200ms", "", "", {}, false});
    QCOMPARE(f.status, 504);
    Object::Ptr o = f.json();
    QCOMPARE(o->getValue<bool>("completed"), false);
    QCOMPARE(o->getObject("streams")->getObject("slow")->getObject("sinks")->getObject("gated")
                 ->getValue<bool>("done"),
             false);

    std::remove((dir_ + "/gate").c_str());
    f = Call(admin_, {"POST", "/api/flush?stream=slow", "", "", {}, false});
    QVERIFY2(f.status == 200, f.body.c_str());
    QCOMPARE(ReadFile(dir_ + "/slow.txt"), std::string("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n"));
    QVERIFY(!stream("slow").Stats().wal.spilling);
    QCOMPARE(Post(ingest_, "/v1/streams/slow/events", "{\"id\":11}").status, 202);
  }

  void adminHealthStatsMetrics() {
    Reply h = Get(admin_, "/healthz");
    QCOMPARE(h.status, 200);
    QCOMPARE(h.json()->getValue<std::string>("status"), std::string("ok"));

    QCOMPARE(Post(ingest_, "/api/event", kTrackerEvent).status, 202);
    QCOMPARE(Post(ingest_, "/api/event", "{bad").status, 400);

    Reply s = Get(admin_, "/api/stats");
    QCOMPARE(s.status, 200);
    QCOMPARE(s.header("content-type"), std::string("application/json"));
    Object::Ptr ev = s.json()->getObject("streams")->getObject("events");
    QVERIFY2(ev, s.body.c_str());
    QCOMPARE(ev->getValue<std::string>("schema"), std::string("plausible"));
    QCOMPARE(ev->getValue<bool>("plausible_endpoint"), true);
    QCOMPARE(ev->getValue<int64_t>("accepted"), int64_t(1));
    QCOMPARE(ev->getObject("buffer")->getValue<int64_t>("events"), int64_t(1));
    QCOMPARE(ev->getObject("sinks")->getObject("test_sink")->getValue<std::string>("state"),
             std::string("ok"));

    Reply m = Get(admin_, "/metrics");
    QCOMPARE(m.status, 200);
    QVERIFY2(m.header("content-type").rfind("text/plain; version=0.0.4", 0) == 0,
             m.header("content-type").c_str());
    QVERIFY(m.body.find("\nsinkhost_buffer_events{stream=\"events\"} 1\n") != std::string::npos);
    QVERIFY(m.body.find("\nsinkhost_http_requests_total{listener=\"ingest\",code=\"202\"} 1\n") !=
            std::string::npos);
    QVERIFY(m.body.find("\nsinkhost_http_requests_total{listener=\"ingest\",code=\"400\"} 1\n") !=
            std::string::npos);

    Reply f = Call(admin_, {"POST", "/api/flush", "", "", {}, false});
    QVERIFY2(f.status == 200, f.body.c_str());
    Object::Ptr fo = f.json();
    QCOMPARE(fo->getValue<bool>("completed"), true);
    Object::Ptr fev = fo->getObject("streams")->getObject("events");
    QCOMPARE(fev->getValue<int64_t>("rows_sealed"), int64_t(1));
    QVERIFY(fev->getValue<int64_t>("batch") >= 1);
    QCOMPARE(fev->getObject("sinks")->getObject("test_sink")->getValue<bool>("done"), true);
    QVERIFY(fo->getObject("streams")->has("items"));  // all streams without ?stream

    m = Get(admin_, "/metrics");
    QVERIFY(m.body.find("\nsinkhost_buffer_events{stream=\"events\"} 0\n") != std::string::npos);
    QVERIFY(m.body.find("\nsinkhost_sink_last_flush_rows{stream=\"events\",sink=\"test_sink\"} 1\n") !=
            std::string::npos);
    QVERIFY(m.body.find("\nsinkhost_sink_rows_delivered_total{stream=\"events\",sink=\"test_sink\"} 1\n") !=
            std::string::npos);
  }

  void statsRecentSinceLeavesOutSeenFlushes() {
    QCOMPARE(Post(ingest_, "/api/event", kTrackerEvent).status, 202);
    QCOMPARE(Call(admin_, {"POST", "/api/flush?stream=events", "", "", {}, false}).status, 200);
    auto sink = [&](const std::string& query) {
      Reply r = Get(admin_, "/api/stats" + query);
      if (r.status != 200)
        qFatal("GET /api/stats%s: %d %s", query.c_str(), r.status, r.body.c_str());
      return r.json()->getObject("streams")->getObject("events")->getObject("sinks")->getObject(
          "test_sink");
    };
    Object::Ptr all = sink("");
    QCOMPARE(all->getArray("recent")->size(), size_t(1));
    const std::string at = all->getArray("recent")->getObject(0)->getValue<std::string>("at");

    QCOMPARE(sink("?recent_since=" + at)->getArray("recent")->size(), size_t(0));
    QCOMPARE(sink("?recent_since=" + at)->getObject("last_flush")->getValue<std::string>("at"), at);
    QCOMPARE(sink("?recent_since=1970-01-01T00:00:00Z")->getArray("recent")->size(), size_t(1));

    Reply bad = Get(admin_, "/api/stats?recent_since=yesterday");
    QCOMPARE(bad.status, 400);
    QCOMPARE(bad.json()->getObject("error")->getValue<std::string>("message"),
             std::string("recent_since: expected a time such as 2026-11-24T16:18:54.123456Z, got "
                         "'yesterday'"));
    QCOMPARE(Get(admin_, "/api/stats?recent=5").status, 400);
  }

  void adminErrors() {
    QCOMPARE(Call(admin_, {"POST", "/api/flush?stream=nope", "", "", {}, false}).status, 404);
    QCOMPARE(Call(admin_, {"POST", "/api/flush?timeout=soon", "", "", {}, false}).status, 400);
    QCOMPARE(Call(admin_, {"POST", "/api/flush?bogus=1", "", "", {}, false}).status, 400);
    Reply r = Get(admin_, "/api/flush");
    QCOMPARE(r.status, 405);
    QCOMPARE(r.header("allow"), std::string("POST"));
    QCOMPARE(Call(admin_, {"POST", "/metrics", "", "", {}, false}).status, 405);
    r = Get(admin_, "/api/event");  // ingest endpoints are not on the admin listener
    QCOMPARE(r.status, 404);
    QVERIFY(r.json()->getObject("error")->has("message"));
  }

  void adminTokenIsRequiredWhenSet() {
    host_->Stop();
    host_.reset();
    const std::string token = "s3cret-token-0123456789";
    Status st = MakeHost(Replace(kConfig, "admin: {listen: \"127.0.0.1:0\"}",
                                 "admin: {listen: \"127.0.0.1:0\", token: " + token + "}"),
                         &host_);
    QVERIFY2(st.ok(), st.ToString().c_str());
    host_->Start();
    admin_ = host_->admin_port();
    Reply r = Get(admin_, "/api/stats");
    QCOMPARE(r.status, 401);
    QVERIFY(r.header("www-authenticate").rfind("Bearer", 0) == 0);
    QVERIFY(r.json()->getObject("error")->getValue<std::string>("message").find(
                "Authorization: Bearer") != std::string::npos);
    for (const std::string& bad : {std::string("Bearer wrong"), "Bearer " + token + "x",
                                   "Bearer " + token.substr(0, 5), "Basic " + token,
                                   std::string("Bearer "), token})
      QCOMPARE(Call(admin_, {"GET", "/api/stats", "", "", {{"Authorization", bad}}, false}).status,
               401);
    QCOMPARE(Call(admin_, {"POST", "/api/flush", "", "", {}, false}).status, 401);
    QCOMPARE(Get(admin_, "/metrics").status, 401);
    QCOMPARE(Get(admin_, "/healthz").status, 200);  // health checks need no secret
    const std::vector<std::pair<std::string, std::string>> auth = {{"Authorization", "Bearer " + token}};
    QCOMPARE(Call(admin_, {"GET", "/api/stats", "", "", auth, false}).status, 200);
    QCOMPARE(Call(admin_, {"POST", "/api/flush", "", "", auth, false}).status, 200);
    QVERIFY(BearerTokenMatches("Bearer " + token, token));
    QVERIFY(!BearerTokenMatches("Bearer ", ""));
  }

  // Poco's request parser bounds headers (names 256 bytes, values 8 KiB,
  // 100 fields): beyond that the request is refused before any handler.
  void oversizedHeadersAre400() {
    Reply r = Call(ingest_, {"POST", "/api/event", kTrackerEvent, "text/plain",
                             {{"X-Big", std::string(9000, 'a')}}, false});
    QCOMPARE(r.status, 400);
    std::vector<std::pair<std::string, std::string>> many;
    for (int i = 0; i < 120; ++i) many.push_back({"X-H" + std::to_string(i), "v"});
    QCOMPARE(Call(ingest_, {"POST", "/api/event", kTrackerEvent, "text/plain", many, false}).status,
             400);
    QCOMPARE(Call(ingest_, {"POST", "/api/event", kTrackerEvent, "text/plain", {}, false}).status,
             202);
  }

  void clientsOverTheirRateLimitGet429() {
    host_->Stop();
    host_.reset();
    Status st = MakeHost(
        Replace(kConfig, "max_threads: 16}",
                "max_threads: 16, rate_limit: {requests_per_second: 5, burst: 3, "
                "trust_forwarded_for: true}}"),
        &host_);
    QVERIFY2(st.ok(), st.ToString().c_str());
    host_->Start();
    ingest_ = host_->ingest_port();
    auto post = [&](const std::string& client) {
      return Call(ingest_, {"POST", "/api/event", kTrackerEvent, "text/plain",
                            {{"X-Forwarded-For", client + ", 192.0.2.1"}}, false});
    };
    for (int i = 0; i < 3; ++i) QCOMPARE(post("10.0.0.1").status, 202);
    Reply r = post("10.0.0.1");
    QCOMPARE(r.status, 429);
    QCOMPARE(r.header("retry-after"), std::string("1"));
    QCOMPARE(r.header("access-control-allow-origin"), std::string("*"));
    QVERIFY(r.json()->getObject("error")->getValue<std::string>("message").find(
                "client 10.0.0.1 is over its rate limit") != std::string::npos);
    QCOMPARE(post("10.0.0.2").status, 202);  // another client is not affected
    QTest::qWait(250);                       // 5 per second: one more after 200 ms
    QCOMPARE(post("10.0.0.1").status, 202);
    // Preflights are not counted: the tracker's OPTIONS never cost an event.
    QCOMPARE(Call(ingest_, {"OPTIONS", "/api/event", "", "", {}, false}).status, 204);
  }

  void concurrentClientsAllCounted() {
    constexpr int kThreads = 8, kEach = 100;
    std::atomic<int> accepted{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        Poco::Net::HTTPClientSession session("127.0.0.1", ingest_);
        for (int i = 0; i < kEach; ++i) {
          const std::string body = "{\"id\":" + std::to_string(t * kEach + i) + "}";
          if (Send(session, {"POST", "/v1/streams/items/events", body, "", {}, false}).status == 202)
            ++accepted;
          if (Send(session, {"POST", "/api/event", kTrackerEvent, "text/plain", {}, false})
                  .status == 202)
            ++accepted;
        }
      });
    }
    for (auto& th : threads) th.join();
    QCOMPARE(accepted.load(), 2 * kThreads * kEach);
    QCOMPARE(stream("items").Stats().buffer.accepted_events, uint64_t(kThreads * kEach));
    QCOMPARE(stream("events").Stats().buffer.accepted_events, uint64_t(kThreads * kEach));
  }

  void stopDeliversEverythingAccepted() {
    std::string body;
    for (int i = 0; i < 40; ++i) body += "{\"id\":" + std::to_string(i) + "}\n";
    QCOMPARE(Post(ingest_, "/v1/streams/items/events", body).status, 202);
    QCOMPARE(host_->Stop(), int64_t(0));
    QCOMPARE(CountLines(dir_ + "/items.txt"), 40);
    // The ingest port is closed after Stop.
    Poco::Net::HTTPClientSession session("127.0.0.1", ingest_);
    session.setTimeout(Poco::Timespan(1, 0));
    bool refused = false;
    try {
      Send(session, {"POST", "/api/event", kTrackerEvent, "text/plain", {}, false});
    } catch (const Poco::Exception&) {
      refused = true;
    }
    QVERIFY(refused);
  }

  // Each stream's write-ahead log in /api/stats and /metrics: positions
  // after a flush, and damage found at open (a zero-filled tail) with its text.
  void walStatsInJsonAndMetrics() {
    QCOMPARE(Post(ingest_, "/v1/streams/items/events", "{\"id\":1}\n{\"id\":2}").status, 202);
    QCOMPARE(Call(admin_, {"POST", "/api/flush?stream=items", "", "", {}, false}).status, 200);
    auto wal = [&](const char* name) {
      Reply r = Get(admin_, "/api/stats");
      if (r.status != 200) qFatal("GET /api/stats: %d %s", r.status, r.body.c_str());
      Object::Ptr w = r.json()->getObject("streams")->getObject(name)->getObject("wal");
      if (!w) qFatal("no wal in %s", r.body.c_str());
      return w;
    };
    Object::Ptr w = wal("items");
    QCOMPARE(w->getValue<bool>("enabled"), true);
    QCOMPARE(w->getValue<std::string>("dir"), dir_ + "/data/wal/items");
    QCOMPARE(w->getValue<std::string>("fsync"), std::string("interval"));
    QCOMPARE(w->getValue<int64_t>("segments"), int64_t(1));
    QVERIFY(w->getValue<int64_t>("bytes") > 0);
    QCOMPARE(w->getValue<int64_t>("max_bytes"), int64_t(1) << 30);
    QCOMPARE(w->getValue<int64_t>("first_seq"), int64_t(1));
    QCOMPARE(w->getValue<int64_t>("last_seq"), int64_t(1));
    QVERIFY(w->getValue<int64_t>("durable_seq") <= 1);
    QCOMPARE(w->getValue<int64_t>("appends"), int64_t(1));
    QVERIFY(w->getValue<int64_t>("appended_bytes") > 0);
    QVERIFY(w->has("fsyncs"));
    QCOMPARE(w->getValue<int64_t>("rejected_full"), int64_t(0));
    QCOMPARE(w->getValue<int64_t>("rejected_no_space"), int64_t(0));
    QCOMPARE(w->getValue<int64_t>("segments_deleted"), int64_t(0));
    Object::Ptr pos = w->getObject("consumers")->getObject("test_sink");
    QVERIFY(pos);
    QCOMPARE(pos->getValue<int64_t>("confirmed_seq"), int64_t(1));
    QCOMPARE(pos->getValue<int64_t>("pending_records"), int64_t(0));
    QCOMPARE(w->getArray("damage")->size(), size_t(0));
    QCOMPARE(w->getValue<int64_t>("damage_lost_records"), int64_t(0));
    QCOMPARE(w->getValue<int64_t>("damage_bytes"), int64_t(0));
    QCOMPARE(w->getValue<bool>("read_only"), false);
    QCOMPARE(w->getValue<std::string>("error"), std::string());
    QCOMPARE(w->getValue<bool>("replaying"), false);
    QCOMPARE(w->getValue<int64_t>("replay_from_seq"), int64_t(0));
    QCOMPARE(w->getValue<int64_t>("replay_to_seq"), int64_t(0));
    QCOMPARE(w->getValue<int64_t>("replayed_records"), int64_t(0));
    QCOMPARE(w->getValue<int64_t>("replayed_rows"), int64_t(0));
    QCOMPARE(w->getValue<int64_t>("unreadable_records"), int64_t(0));
    QCOMPARE(w->getValue<int64_t>("confirm_errors"), int64_t(0));

    Reply m = Get(admin_, "/metrics");
    for (const char* line : {
             "\nsinkhost_wal_info{stream=\"items\",fsync=\"interval\"} 1\n",
             "\nsinkhost_wal_segments{stream=\"items\"} 1\n",
             "\nsinkhost_wal_max_bytes{stream=\"items\"} 1073741824\n",
             "\nsinkhost_wal_last_seq{stream=\"items\"} 1\n",
             "\nsinkhost_wal_appends_total{stream=\"items\"} 1\n",
             "\nsinkhost_wal_appends_rejected_total{stream=\"items\",reason=\"full\"} 0\n",
             "\nsinkhost_wal_appends_rejected_total{stream=\"items\",reason=\"no_space\"} 0\n",
             "\nsinkhost_wal_sink_confirmed_seq{stream=\"items\",sink=\"test_sink\"} 1\n",
             "\nsinkhost_wal_sink_pending_records{stream=\"items\",sink=\"test_sink\"} 0\n",
             "\nsinkhost_wal_damaged_regions{stream=\"items\"} 0\n",
             "\nsinkhost_wal_read_only{stream=\"items\"} 0\n",
             "\nsinkhost_wal_replaying{stream=\"items\"} 0\n",
             "\nsinkhost_wal_unreadable_records_total{stream=\"items\"} 0\n",
             "\nsinkhost_wal_confirm_errors_total{stream=\"items\"} 0\n"})
      QVERIFY2(m.body.find(line) != std::string::npos, line);

    // A zero-filled tail (as after a power loss) is cut off at the next start
    // and reported.
    host_->Stop();
    host_.reset();
    std::string segment;
    for (const auto& f : std::filesystem::directory_iterator(dir_ + "/data/wal/items"))
      if (f.path().extension() == ".seg") segment = f.path().string();
    QVERIFY(!segment.empty());
    { std::ofstream(segment, std::ios::app | std::ios::binary) << std::string(100, '\0'); }
    Status st = MakeHost(kConfig, &host_);
    QVERIFY2(st.ok(), st.ToString().c_str());
    host_->Start();
    admin_ = host_->admin_port();
    w = wal("items");
    QCOMPARE(w->getArray("damage")->size(), size_t(1));
    Object::Ptr d = w->getArray("damage")->getObject(0);
    QCOMPARE(d->getValue<std::string>("kind"), std::string("zero-filled tail"));
    QCOMPARE(d->getValue<int64_t>("bytes"), int64_t(100));
    QCOMPARE(d->getValue<int64_t>("lost_records"), int64_t(0));
    QCOMPARE(d->getValue<bool>("repaired"), true);
    const std::string text = d->getValue<std::string>("description");
    QVERIFY2(text.find(".seg at ") != std::string::npos && text.find("zero-filled") != std::string::npos,
             text.c_str());
    QCOMPARE(w->getValue<int64_t>("damage_bytes"), int64_t(100));
    QCOMPARE(w->getValue<int64_t>("last_seq"), int64_t(1));
    m = Get(admin_, "/metrics");
    QVERIFY2(m.body.find("\nsinkhost_wal_damaged_regions{stream=\"items\"} 1\n") != std::string::npos,
             m.body.c_str());
    QVERIFY(m.body.find("\nsinkhost_wal_damage_bytes{stream=\"items\"} 100\n") != std::string::npos);
  }

  // POST /api/quarantine/replay: rows a sink refused go to
  // <data_dir>/quarantine/<stream>/<sink>.ndjson and back to the sink on request.
  void quarantineReplayEndpoint() {
    host_->Stop();
    host_.reset();
    Status st = MakeHost(Replace(kConfig, "options: {record: \"{dir}/items.txt\"}",
                                 "options: {record: \"{dir}/items.txt\", reject: \"{dir}/reject\", "
                                 "gate: \"{dir}/gate\"}"),
                         &host_);
    QVERIFY2(st.ok(), st.ToString().c_str());
    host_->Start();
    ingest_ = host_->ingest_port();
    admin_ = host_->admin_port();
    { std::ofstream(dir_ + "/reject") << "2\n"; }
    QCOMPARE(Post(ingest_, "/v1/streams/items/events", "{\"id\":1}\n{\"id\":2}\n{\"id\":3}").status,
             202);
    QCOMPARE(Call(admin_, {"POST", "/api/flush?stream=items", "", "", {}, false}).status, 200);
    QCOMPARE(ReadFile(dir_ + "/items.txt"), std::string("1\n3\n"));
    const std::string file = dir_ + "/data/quarantine/items/test_sink.ndjson";
    QCOMPARE(CountLines(file), 1);
    QVERIFY2(ReadFile(file).find("row with id 2 refused") != std::string::npos, ReadFile(file).c_str());
    QCOMPARE(stream("items").Stats().sinks[0].quarantine_rows, int64_t(1));
    QVERIFY(std::filesystem::is_directory(dir_ + "/data/quarantine/events"));  // one per stream

    auto replay = [&](const std::string& query) {
      return Call(admin_, {"POST", "/api/quarantine/replay" + query, "", "", {}, false});
    };
    auto message = [](const Reply& r) {
      return r.json()->getObject("error")->getValue<std::string>("message");
    };
    Reply r = replay("?sink=test_sink");  // streams events and items both have one
    QCOMPARE(r.status, 400);
    QVERIFY2(message(r).rfind("stream: ", 0) == 0, message(r).c_str());
    QVERIFY(message(r).find("'events', 'items'") != std::string::npos);
    r = replay("?sink=nope");
    QCOMPARE(r.status, 404);
    QVERIFY(message(r).find("'nope'") != std::string::npos);
    r = replay("?sink=test_sink&stream=nope");
    QCOMPARE(r.status, 404);
    QVERIFY(message(r).find("unknown stream 'nope'") != std::string::npos);
    r = replay("?sink=test_sink&stream=slow");
    QCOMPARE(r.status, 404);
    QVERIFY(message(r).find("stream 'slow' has no sink 'test_sink'") != std::string::npos);
    QCOMPARE(replay("").status, 400);
    QCOMPARE(replay("?sink=gated&bogus=1").status, 400);
    r = Get(admin_, "/api/quarantine/replay?sink=gated");
    QCOMPARE(r.status, 405);
    QCOMPARE(r.header("allow"), std::string("POST"));
    r = replay("?sink=gated");  // only in slow, which needs no naming; nothing there
    QVERIFY2(r.status == 200, r.body.c_str());
    QCOMPARE(r.json()->getValue<std::string>("stream"), std::string("slow"));
    QCOMPARE(r.json()->getValue<int64_t>("rows"), int64_t(0));

    // The cause is fixed; the replay stalls at the gate, so a second one is 409.
    std::remove((dir_ + "/reject").c_str());
    { std::ofstream gate(dir_ + "/gate"); }
    r = replay("?sink=test_sink&stream=items");
    QVERIFY2(r.status == 200, r.body.c_str());
    QCOMPARE(r.json()->getValue<std::string>("sink"), std::string("test_sink"));
    QCOMPARE(r.json()->getValue<int64_t>("rows"), int64_t(1));
    r = replay("?sink=test_sink&stream=items");
    QCOMPARE(r.status, 409);
    std::remove((dir_ + "/gate").c_str());
    QTRY_COMPARE_WITH_TIMEOUT(ReadFile(dir_ + "/items.txt"), std::string("1\n3\n2\n"), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!std::filesystem::exists(file + ".replaying"), 10000);
    QCOMPARE(ReadFile(file), std::string());
    QCOMPARE(stream("items").Stats().sinks[0].quarantine_rows, int64_t(0));
    r = replay("?sink=test_sink&stream=items");
    QVERIFY2(r.status == 200, r.body.c_str());
    QCOMPARE(r.json()->getValue<int64_t>("rows"), int64_t(0));
  }

  // A request whose log record can never fit under wal.max_size is 413,
  // not a 503 that no retry could ever turn into a 202.
  void requestTheLogCanNeverHoldIs413() {
    host_->Stop();
    host_.reset();
    Status st = MakeHost(Replace(Replace(kConfig, "max_body: 1KiB", "max_body: 64KiB"),
                                 "  items:\n    columns:",
                                 "  items:\n    wal: {segment_size: 4KiB, max_size: 8KiB}\n"
                                 "    columns:"),
                         &host_);
    QVERIFY2(st.ok(), st.ToString().c_str());
    host_->Start();
    ingest_ = host_->ingest_port();
    Reply r = Post(ingest_, "/v1/streams/items/events",
                   "{\"id\":1,\"label\":\"" + std::string(10000, 'x') + "\"}");
    QCOMPARE(r.status, 413);
    const std::string text = r.json()->getObject("error")->getValue<std::string>("message");
    QVERIFY2(text.find("wal.max_size 8192 bytes") != std::string::npos, text.c_str());
    QVERIFY2(text.find("can never fit") != std::string::npos, text.c_str());
    QCOMPARE(Post(ingest_, "/v1/streams/items/events", "{\"id\":2,\"label\":\"small\"}").status, 202);
    QCOMPARE(stream("items").Stats().buffer.accepted_events, uint64_t(1));
  }

  // After a failed fsync the log accepts nothing until a restart: 503 with
  // Retry-After and a message saying so, and read_only in the stats.
  void readOnlyLogAnswers503() {
    host_->Stop();
    host_.reset();
    static FailingSyncIo io;
    io.fail = false;
    HostConfig config;
    Status st = ParseHostConfig(
        ConfigText(Replace(kConfig, "  items:\n    columns:",
                           "  items:\n    wal: {fsync: always}\n    columns:")),
        &config);
    QVERIFY2(st.ok(), st.ToString().c_str());
    QCOMPARE(config.streams[1].name, std::string("items"));
    config.streams[1].options.wal.io = &io;
    st = Host::Create(config, &host_);
    QVERIFY2(st.ok(), st.ToString().c_str());
    host_->Start();
    ingest_ = host_->ingest_port();
    admin_ = host_->admin_port();
    QCOMPARE(Post(ingest_, "/v1/streams/items/events", "{\"id\":1}").status, 202);
    io.fail = true;
    for (int id : {2, 3}) {  // 2: its own fsync fails; 3: refused by the read-only log
      Reply r = Post(ingest_, "/v1/streams/items/events", "{\"id\":" + std::to_string(id) + "}");
      QCOMPARE(r.status, 503);
      QCOMPARE(r.header("retry-after"), std::string("60"));
      const std::string text = r.json()->getObject("error")->getValue<std::string>("message");
      QVERIFY2(text.find("stream 'items' cannot take events: its write-ahead log is read-only") !=
                   std::string::npos,
               text.c_str());
      QVERIFY2(text.find("fsync failed") != std::string::npos, text.c_str());
    }
    io.fail = false;
    Reply s = Get(admin_, "/api/stats");
    Object::Ptr w = s.json()->getObject("streams")->getObject("items")->getObject("wal");
    QCOMPARE(w->getValue<bool>("read_only"), true);
    QVERIFY(w->getValue<std::string>("error").find("accepts no more appends") != std::string::npos);
    QCOMPARE(w->getValue<std::string>("fsync"), std::string("always"));
    Reply m = Get(admin_, "/metrics");
    QVERIFY(m.body.find("\nsinkhost_wal_read_only{stream=\"items\"} 1\n") != std::string::npos);
    QVERIFY(m.body.find("\nsinkhost_wal_read_only{stream=\"events\"} 0\n") != std::string::npos);
    QCOMPARE(Post(ingest_, "/v1/streams/slow/events", "{\"id\":1}").status, 202);  // others go on
    host_->Stop();
    host_.reset();
  }

  void startupErrorsNameStreamAndSink() {
    auto fails = [&](const std::string& text, const std::vector<std::string>& wanted) {
      std::unique_ptr<Host> host;
      Status st = MakeHost(text, &host);
      QVERIFY2(!st.ok(), "the host started");
      for (const std::string& w : wanted)
        QVERIFY2(st.message().find(w) != std::string::npos,
                 ("missing '" + w + "' in: " + st.message()).c_str());
    };
    const std::string head = R"(
ingest: {listen: "127.0.0.1:0"}
admin: {enabled: false}
data_dir: "{dir}/data2"
plugin_dirs: ["{plugins}"]
streams:
  items:
    columns: [{name: id, type: int64}]
)";
    fails(head + "    sinks: [{plugin: test_sink_major2, name: main}]\n",
          {"stream 'items', sink 'main'", "test_sink_major2.so", testing::AbiText(2), testing::AbiText(1)});
    fails(head + "    sinks: [{plugin: no_such_sink}]\n",
          {"stream 'items', sink 'no_such_sink'", "no plugin named 'no_such_sink'"});
    fails(head + "    sinks: [{plugin: test_sink, options: {bogus: 1}}]\n",
          {"stream 'items', sink 'test_sink'", "unknown option 'bogus'"});
    fails(Replace(head, "{dir}/data2", "/proc/no/such/dir") + "    sinks: [{plugin: test_sink}]\n",
          {"data_dir: cannot create '/proc/no/such/dir'"});
    // A port in use.
    Poco::Net::ServerSocket busy(Poco::Net::SocketAddress("127.0.0.1", 0));
    std::string taken = Replace(head, "127.0.0.1:0",
                                "127.0.0.1:" + std::to_string(busy.address().port()));
    fails(taken + "    sinks: [{plugin: test_sink}]\n", {"ingest.listen: cannot listen on"});
  }

  void checkConfigLoadsPluginsWithoutOpening() {
    HostConfig config;
    QVERIFY(ParseHostConfig(ConfigText(kConfig), &config).ok());
    std::string summary;
    Status st = CheckConfig(config, &summary);
    QVERIFY2(st.ok(), st.ToString().c_str());
    QVERIFY2(summary.find("sink gated: plugin test_sink") != std::string::npos, summary.c_str());
    QVERIFY(summary.find("fed by POST /api/event") != std::string::npos);

    QVERIFY(ParseHostConfig(ConfigText(Replace(kConfig, "name: gated, ", "")), &config).ok());
    config.streams[2].sinks[0].plugin = "test_sink_major2";
    st = CheckConfig(config, &summary);
    QVERIFY(!st.ok());
    QVERIFY2(st.message().find(testing::AbiText(2)) != std::string::npos, st.message().c_str());
  }

  // The enrichment stage's files are loaded by --check-config, and a bad one
  // is named with its key; the summary says what is derived.
  void checkConfigLoadsTheEnrichmentFiles() {
    HostConfig config;
    QVERIFY(ParseHostConfig(ConfigText(kConfig), &config).ok());
    std::string summary;
    QVERIFY(CheckConfig(config, &summary).ok());
    QVERIFY2(summary.find("enrich: device (") != std::string::npos, summary.c_str());
    QVERIFY2(summary.find("no location (no geo_database)") != std::string::npos, summary.c_str());
    for (StreamConfig& s : config.streams)
      if (s.enrich.enabled) s.enrich.geo_database = "/no/such/GeoLite2-City.mmdb";
    Status st = CheckConfig(config, &summary);
    QVERIFY(!st.ok());
    QVERIFY2(st.message().find("enrich.geo_database") != std::string::npos &&
                 st.message().find("/no/such/GeoLite2-City.mmdb") != std::string::npos,
             st.message().c_str());
  }
};

QTEST_GUILESS_MAIN(HostHttpTest)
#include "host_http_test.moc"
