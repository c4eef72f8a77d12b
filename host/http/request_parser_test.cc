// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// RequestParser: framing that cannot be read two ways (RFC 9112 §6.3), the
// header bounds, bodies in one piece and in many, and pipelined requests.
#include <QtTest>

#include <string>
#include <vector>

#include "host/http/request_parser.h"

using namespace sinkhost;

namespace {

class CollectBody : public BodySink {
 public:
  explicit CollectBody(uint64_t limit = 1 << 20) : limit_(limit) {}
  bool Append(std::string_view piece) override {
    body += piece;
    ++pieces;
    return body.size() <= limit_;
  }
  std::string body;
  int pieces = 0;

 private:
  uint64_t limit_;
};

struct Parsed {
  ParseError error;
  size_t consumed = 0;
  bool done = false;
  HttpRequest request;
  std::string body;
};

// Parses the first request of `bytes`, all given at once. The request's
// views point into `bytes`.
Parsed ParseOne(const std::string& bytes, RequestLimits limits = {}) {
  Parsed p;
  RequestParser parser(limits);
  CollectBody body;
  parser.Start(&p.request, &body);
  p.consumed = parser.Put(bytes.data(), bytes.size(), &p.error);
  p.done = parser.done();
  p.body = body.body;
  return p;
}

const std::string kEvent = R"({"n":"pageview","u":"https://example.com/","d":"example.com"})";

std::string Post(const std::string& extra_headers, const std::string& body) {
  return "POST /api/event HTTP/1.1\r\nHost: x\r\n" + extra_headers + "\r\n" + body;
}

}  // namespace

class RequestParserTest : public QObject {
  Q_OBJECT

  // The current data row: its request is refused with its status, and the
  // message names its part (and carries no control character).
  void ExpectRefused() {
    QFETCH(QString, request);
    QFETCH(int, status);
    QFETCH(QString, message);
    Parsed p = ParseOne(request.toStdString());
    QVERIFY2(p.error.status == status,
             (std::to_string(p.error.status) + " " + p.error.message).c_str());
    QVERIFY2(p.error.message.find(message.toStdString()) != std::string::npos,
             p.error.message.c_str());
    for (char c : p.error.message) QVERIFY(static_cast<unsigned char>(c) >= 0x20);
  }

 private slots:
  void parsesARequestWithItsBodyInOnePiece() {
    const std::string cl = "Content-Length: " + std::to_string(kEvent.size()) + "\r\n";
    const std::string bytes = Post("User-Agent: test\r\n" + cl, kEvent);
    Parsed p;
    RequestParser parser({});
    CollectBody body;
    parser.Start(&p.request, &body);
    p.consumed = parser.Put(bytes.data(), bytes.size(), &p.error);
    QCOMPARE(p.error.status, 0);
    QVERIFY(parser.done());
    QCOMPARE(p.consumed, bytes.size());
    QCOMPARE(body.body, kEvent);
    QCOMPARE(body.pieces, 1);  // straight from the input, no copy needed
    QCOMPARE(p.request.method, std::string_view("POST"));
    QCOMPARE(p.request.path, std::string_view("/api/event"));
    QCOMPARE(p.request.Header("user-agent"), std::string_view("test"));
    QVERIFY(parser.keep_alive());
    QCOMPARE(parser.content_length(), uint64_t(kEvent.size()));
  }

  void splitsPathAndQuery() {
    // The request's views point into the input: keep it.
    const std::string bytes = "GET /api/stats?recent_since=x&a=b#frag HTTP/1.1\r\nHost: x\r\n\r\n";
    Parsed p = ParseOne(bytes);
    QCOMPARE(p.error.status, 0);
    QCOMPARE(p.request.path, std::string_view("/api/stats"));
    QCOMPARE(p.request.query, std::string_view("recent_since=x&a=b"));
    QVERIFY(!p.request.has_body);
  }

  void waitsForTheWholeHeaderAndTheWholeBody() {
    const std::string bytes = Post("Content-Length: 10\r\n", "0123456789");
    HttpRequest request;
    RequestParser parser({});
    CollectBody body;
    parser.Start(&request, &body);
    ParseError error;
    // Nothing of an incomplete header is consumed.
    QCOMPARE(parser.Put(bytes.data(), 20, &error), size_t(0));
    QVERIFY(!parser.header_done());
    const size_t header = bytes.size() - 10;
    // The header and 4 body bytes: the header is consumed, then the body
    // as far as it goes.
    size_t used = parser.Put(bytes.data(), header + 4, &error);
    QCOMPARE(used, header + 4);
    QVERIFY(parser.header_done() && !parser.done());
    QCOMPARE(parser.raw_header().size(), header);
    used += parser.Put(bytes.data() + used, bytes.size() - used, &error);
    QCOMPARE(error.status, 0);
    QVERIFY(parser.done());
    QCOMPARE(body.body, std::string("0123456789"));
  }

  void rebaseMovesEveryViewToTheCopy() {
    std::string bytes = Post("X-A: one\r\nContent-Length: 3\r\n", "");
    HttpRequest request;
    RequestParser parser({});
    CollectBody body;
    parser.Start(&request, &body);
    ParseError error;
    QCOMPARE(parser.Put(bytes.data(), bytes.size(), &error), bytes.size());
    QVERIFY(parser.header_done() && !parser.done());
    const std::string copy(parser.raw_header());
    parser.Rebase(copy.data());
    std::fill(bytes.begin(), bytes.end(), '#');  // the input is reused
    QCOMPARE(request.Header("X-A"), std::string_view("one"));
    QCOMPARE(request.path, std::string_view("/api/event"));
    QVERIFY(request.method.data() >= copy.data() &&
            request.method.data() < copy.data() + copy.size());
    QCOMPARE(parser.Put("abc", 3, &error), size_t(3));
    QVERIFY(parser.done());
  }

  void chunkedBodiesAreJoined() {
    Parsed p = ParseOne(Post("Transfer-Encoding: chunked\r\n", "3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n"));
    QCOMPARE(p.error.status, 0);
    QVERIFY(p.done);
    QCOMPARE(p.body, std::string("abcde"));
  }

  void pipelinedRequestsAreReadOneAtATime() {
    const std::string one = Post("Content-Length: 2\r\n", "ok");
    const std::string two = "GET /b HTTP/1.1\r\nHost: x\r\n\r\n";
    const std::string bytes = one + two;
    HttpRequest request;
    RequestParser parser({});
    CollectBody body;
    parser.Start(&request, &body);
    ParseError error;
    size_t used = parser.Put(bytes.data(), bytes.size(), &error);
    QCOMPARE(used, one.size());  // stops at the end of the first
    QVERIFY(parser.done());
    parser.Start(&request, &body);
    used += parser.Put(bytes.data() + used, bytes.size() - used, &error);
    QCOMPARE(used, bytes.size());
    QVERIFY(parser.done());
    QCOMPARE(request.path, std::string_view("/b"));
  }

  // Each of these could make two servers disagree on where a request ends:
  // refused with 400 (the caller closes the connection).
  void refusesAmbiguousFraming_data() {
    QTest::addColumn<QString>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("message");
    const std::string hidden = "POST /api/event HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok";
    auto row = [](const char* name, const std::string& r, int status, const char* message) {
      QTest::newRow(name) << QString::fromStdString(r) << status << message;
    };
    row("Content-Length and Transfer-Encoding",
        Post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n" + hidden), 400,
        "Transfer-Encoding");
    row("Transfer-Encoding and Content-Length",
        Post("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n" + hidden), 400,
        "Content-Length");
    row("two different Content-Lengths", Post("Content-Length: 0\r\nContent-Length: 60\r\n", hidden),
        400, "more than once");
    row("two equal Content-Lengths", Post("Content-Length: 2\r\nContent-Length: 2\r\n", "ok"), 400,
        "more than once");
    row("a Content-Length list", Post("Content-Length: 2, 2\r\n", "ok"), 400, "plain digits");
    row("Content-Length abc", Post("Content-Length: abc\r\n", ""), 400, "plain digits");
    row("Content-Length +85", Post("Content-Length: +85\r\n", ""), 400, "plain digits");
    row("Content-Length -1", Post("Content-Length: -1\r\n", ""), 400, "plain digits");
    row("Content-Length 2^63", Post("Content-Length: 9223372036854775808\r\n", ""), 400,
        "2^63");
    row("Content-Length 2^64", Post("Content-Length: 18446744073709551616\r\n", ""), 400,
        "Content-Length");
    row("Transfer-Encoding not ending in chunked", Post("Transfer-Encoding: gzip\r\n", hidden), 400,
        "must end with chunked");
    row("Transfer-Encoding chunked twice",
        Post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), 400,
        "Transfer-Encoding");
    row("Transfer-Encoding in HTTP/1.0",
        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "HTTP/1.0");
    row("whitespace before the colon", Post("Content-Length : 2\r\n", "ok"), 400, "colon");
    row("obsolete line folding", Post("X-A: one\r\n two\r\n", ""), 400, "folding");
    row("obsolete line folding after an empty value", Post("X-A:\r\n two\r\n", ""), 400,
        "folding");
    row("a bad chunk size", Post("Transfer-Encoding: chunked\r\n", "zz\r\nabc\r\n0\r\n\r\n"), 400,
        "chunk");
    row("NUL in a header value", Post(std::string("User-Agent: ev\0il\r\n", 19), ""), 400,
        "control character");
    row("a bare CR", Post("X-A: a\rb\r\n", ""), 400, "CRLF");
    row("lines ending in LF alone", "GET / HTTP/1.1\nHost: x\n\n", 400, "HTTP/1.1");
    row("an unknown protocol", "GET / FOO/1.1\r\nHost: x\r\n\r\n", 400, "FOO/1.1");
    row("HTTP/2.0 in an HTTP/1 request line", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505,
        "HTTP/2.0");
    row("HTTP/1.1 without Host", "GET / HTTP/1.1\r\nX-A: 1\r\n\r\n", 400, "Host");
  }
  void refusesAmbiguousFraming() { ExpectRefused(); }

  void http10WithoutHostIsFine() {
    Parsed p = ParseOne("GET / HTTP/1.0\r\n\r\n");
    QCOMPARE(p.error.status, 0);
    QVERIFY(p.done);
    QCOMPARE(p.request.version, 10);
  }

  void boundsTheHeader_data() {
    QTest::addColumn<QString>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("message");
    std::string many;
    for (int i = 0; i < 101; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
    QTest::newRow("a value over 8 KiB")
        << QString::fromStdString(Post("X-Big: " + std::string(8193, 'a') + "\r\n", "")) << 400
        << "'X-Big' is longer than 8192 bytes";
    QTest::newRow("a name over 256 bytes")
        << QString::fromStdString(Post(std::string(257, 'N') + ": v\r\n", "")) << 400
        << "longer than 256 bytes";
    QTest::newRow("101 fields") << QString::fromStdString(Post(many, "")) << 400
                                << "more than 100 header fields";
    QTest::newRow("a target over 8 KiB")
        << QString::fromStdString("GET /" + std::string(8200, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n")
        << 414 << "longer than 8192 bytes";
    std::string big;
    for (int i = 0; i < 8; ++i) big += "X-F" + std::to_string(i) + ": " + std::string(5000, 'v') + "\r\n";
    QTest::newRow("a header over 32 KiB") << QString::fromStdString(Post(big, "")) << 431
                                          << "larger than 32768 bytes";
  }
  void boundsTheHeader() { ExpectRefused(); }

  // An incomplete header past the bound is refused before it ends, so a
  // client cannot make the server keep an endless header.
  void refusesAnEndlessHeaderBeforeItEnds() {
    const std::string endless = "GET / HTTP/1.1\r\nX-A: " + std::string(40000, 'a');
    Parsed p = ParseOne(endless);
    QCOMPARE(p.error.status, 431);
  }

  void chunkedBodyPastTheLimitIs413() {
    HttpRequest request;
    RequestParser parser({});
    CollectBody body(4);
    parser.Start(&request, &body);
    const std::string bytes = Post("Transfer-Encoding: chunked\r\n", "5\r\nabcde\r\n0\r\n\r\n");
    ParseError error;
    parser.Put(bytes.data(), bytes.size(), &error);
    QCOMPARE(error.status, 413);
  }

  void expectContinueIsSeen() {
    Parsed p = ParseOne(Post("Expect: 100-continue\r\nContent-Length: 2\r\n", ""));
    QCOMPARE(p.error.status, 0);
    QVERIFY(p.request.expects_continue);
    QVERIFY(p.request.has_body);
  }

  void connectionCloseAndHttp10KeepAlive() {
    RequestParser parser({});
    HttpRequest request;
    CollectBody body;
    ParseError error;
    const std::string close = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    parser.Start(&request, &body);
    parser.Put(close.data(), close.size(), &error);
    QVERIFY(parser.done() && !parser.keep_alive());
    const std::string keep = "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
    parser.Start(&request, &body);
    parser.Put(keep.data(), keep.size(), &error);
    QVERIFY(parser.done() && parser.keep_alive());
    const std::string old = "GET / HTTP/1.0\r\n\r\n";
    parser.Start(&request, &body);
    parser.Put(old.data(), old.size(), &error);
    QVERIFY(parser.done() && !parser.keep_alive());
  }
};

QTEST_GUILESS_MAIN(RequestParserTest)
#include "request_parser_test.moc"
