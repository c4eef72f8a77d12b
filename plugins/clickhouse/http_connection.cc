// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "plugins/clickhouse/http_connection.h"

#include <Poco/DeflatingStream.h>
#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Timespan.h>

#include <chrono>
#include <ios>
#include <istream>

namespace sinkhost::clickhouse {

namespace {

// zlib's fastest level: on the networks between an ingest host and its
// database, compression saves bandwidth but must not become the bottleneck.
constexpr int kGzipLevel = 1;

// An answer larger than this is not read to its end (the sink's own
// queries return a few rows; error texts are short).
constexpr size_t kMaxResponseBytes = 16 << 20;

// A connection idle for longer is not reused: ClickHouse's default
// keep_alive_timeout is 10 s, and middleboxes may drop idle connections
// without telling either side.
constexpr int64_t kMaxIdleMs = 10000;

Poco::Timespan Millis(int64_t ms) { return Poco::Timespan(ms * 1000); }

// True for failures that a server closing an idle keep-alive connection
// produces when we write to it or wait for its answer.
bool IsDroppedConnection(const Poco::Exception& e) {
  if (dynamic_cast<const Poco::TimeoutException*>(&e) != nullptr) return false;
  if (dynamic_cast<const Poco::Net::ConnectionRefusedException*>(&e) != nullptr) return false;
  return dynamic_cast<const Poco::Net::NetException*>(&e) != nullptr ||
         dynamic_cast<const Poco::IOException*>(&e) != nullptr;
}

}  // namespace

HttpConnection::HttpConnection(Endpoint endpoint) : endpoint_(std::move(endpoint)) {}

HttpConnection::~HttpConnection() = default;

std::string HttpConnection::Url() const {
  return "http://" + endpoint_.host + ":" + std::to_string(endpoint_.port) + endpoint_.path;
}

std::string HttpConnection::Failure(const std::string& what, bool answered) const {
  return "clickhouse: " + what + " failed: " +
         (answered ? "the answer from " + Url() + " broke off: "
                   : "cannot talk to " + Url() + ": ");
}

bool HttpConnection::PrepareConnection() {
  if (session_ == nullptr) {
    session_ = std::make_unique<Poco::Net::HTTPClientSession>(endpoint_.host, endpoint_.port);
    session_->setKeepAlive(true);
    session_->setKeepAliveTimeout(Millis(kMaxIdleMs));
    session_->setTimeout(Millis(endpoint_.connect_timeout_ms), Millis(endpoint_.timeout_ms),
                         Millis(endpoint_.timeout_ms));
  }
  if (!session_->connected()) return false;
  try {
    // Between requests the server sends nothing; a readable socket means
    // it has closed the connection (or broken the protocol).
    if (session_->socket().poll(Poco::Timespan(0),
                                Poco::Net::Socket::SELECT_READ | Poco::Net::Socket::SELECT_ERROR)) {
      session_->reset();
      return false;
    }
  } catch (const Poco::Exception&) {
    session_->reset();
    return false;
  }
  const auto idle = std::chrono::steady_clock::now() - last_answer_;
  if (std::chrono::duration_cast<std::chrono::milliseconds>(idle).count() > kMaxIdleMs) {
    session_->reset();
    return false;
  }
  return true;
}

Status HttpConnection::Post(const std::string& query_string, bool gzip, const BodyWriter& body,
                            const std::string& what, HttpResponse* response) {
  for (int attempt = 0;; ++attempt) {
    const bool reused = PrepareConnection();
    // Once the status line is in, the server has acted on the request, and
    // sending it again could store the rows twice.
    bool answered = false;
    try {
      Poco::Net::HTTPRequest request(
          Poco::Net::HTTPRequest::HTTP_POST,
          endpoint_.path + (query_string.empty() ? "" : "?" + query_string),
          Poco::Net::HTTPMessage::HTTP_1_1);
      request.setKeepAlive(true);
      request.setChunkedTransferEncoding(true);
      request.setContentType("application/octet-stream");
      request.set("User-Agent", "sinkhost-clickhouse/1.0");
      request.set("X-ClickHouse-User", endpoint_.user);
      if (!endpoint_.password.empty()) request.set("X-ClickHouse-Key", endpoint_.password);
      if (gzip) request.set("Content-Encoding", "gzip");

      std::ostream& out = session_->sendRequest(request);
      // The body goes out in many writes; with Nagle's algorithm the last,
      // short ones wait for the server's delayed ACK (up to 40 ms a
      // request). Poco connects inside sendRequest, so this is the first
      // moment the socket exists; the headers went out in one write.
      session_->socket().setNoDelay(true);
      // Poco's streams turn a socket error into a bad state; with badbit in
      // the mask the original Poco exception is rethrown instead.
      out.exceptions(std::ios::badbit | std::ios::failbit);
      if (gzip) {
        Poco::DeflatingOutputStream deflater(out, Poco::DeflatingStreamBuf::STREAM_GZIP,
                                             kGzipLevel);
        deflater.exceptions(std::ios::badbit | std::ios::failbit);
        body(deflater);
        deflater.close();
      } else {
        body(out);
      }

      Poco::Net::HTTPResponse http_response;
      std::istream& in = session_->receiveResponse(http_response);
      answered = true;
      in.exceptions(std::ios::badbit);
      response->status = static_cast<int>(http_response.getStatus());
      response->exception_code = http_response.get("X-ClickHouse-Exception-Code", "");
      response->body.clear();
      char chunk[16384];
      while (in.read(chunk, sizeof(chunk)) || in.gcount() > 0) {
        response->body.append(chunk, static_cast<size_t>(in.gcount()));
        if (response->body.size() > kMaxResponseBytes) {
          session_->reset();  // the rest is never read, so the connection cannot be reused
          break;
        }
      }
      last_answer_ = std::chrono::steady_clock::now();
      return Status::OK();
    } catch (const Poco::Exception& e) {
      session_->reset();
      if (attempt == 0 && reused && !answered && IsDroppedConnection(e)) continue;
      std::string msg = Failure(what, answered) + e.displayText();
      if (dynamic_cast<const Poco::TimeoutException*>(&e) != nullptr)
        msg += " (connect_timeout " + std::to_string(endpoint_.connect_timeout_ms) +
               " ms, timeout " + std::to_string(endpoint_.timeout_ms) + " ms)";
      return Status::Retryable(msg);
    } catch (const std::ios_base::failure& e) {
      // A stream failed without a Poco exception behind it.
      const Poco::Exception* cause = session_->networkException();
      const std::string detail = cause != nullptr ? cause->displayText() : std::string(e.what());
      session_->reset();
      if (attempt == 0 && reused && !answered) continue;
      return Status::Retryable(Failure(what, answered) + detail);
    } catch (...) {
      // Whatever the body writer threw, half a request is on the wire.
      session_->reset();
      throw;
    }
  }
}

Status HttpConnection::Query(const std::string& sql, const std::string& what,
                             HttpResponse* response) {
  return Post(
      "", false,
      [&](std::ostream& out) { out.write(sql.data(), static_cast<std::streamsize>(sql.size())); },
      what, response);
}

}  // namespace sinkhost::clickhouse
