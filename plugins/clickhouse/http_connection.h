// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// HttpConnection: one keep-alive HTTP/1.1 connection to the HTTP interface
// of one ClickHouse server, through Poco's HTTPClientSession.
//
// Every call is a POST: queries (SELECT, CREATE) carry the SQL as the body;
// inserts carry the statement in the `query` URL parameter and the rows as
// the body, which a BodyWriter streams with chunked transfer encoding,
// optionally gzip-compressed (Content-Encoding: gzip, which ClickHouse
// decompresses). Credentials travel in the X-ClickHouse-User and
// X-ClickHouse-Key headers, which every release since at least 18.x reads
// (and which keep the password out of URLs and server logs).
//
// Connection reuse: ClickHouse closes a connection that stays idle longer
// than its keep_alive_timeout (3 s in Debian's packaged config, 10 s by
// default). Before each request the connection is dropped if the server has
// already closed it (the socket polls readable), and a request that fails
// on a reused connection before any answer arrives is sent once more on a
// fresh one, as HTTP clients do: the server cannot have acted on a request
// whose connection it had closed. Nothing is resent once an answer has
// begun to arrive. That resend is the only one here; every other failure
// is returned.
//
// A failure to talk to the server at all (refused, reset, timed out, host
// not found) is Retryable. Any HTTP answer, error or not, is returned in
// Response for the caller to classify (server_error.h).
//
// Thread safety: one thread at a time (the sink's calls never overlap).
#ifndef SINKHOST_PLUGINS_CLICKHOUSE_HTTP_CONNECTION_H_
#define SINKHOST_PLUGINS_CLICKHOUSE_HTTP_CONNECTION_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "sinkhost/status.hpp"

namespace Poco::Net {
class HTTPClientSession;
}

namespace sinkhost::clickhouse {

struct Endpoint {
  std::string host;
  uint16_t port = 8123;
  std::string path = "/";  // the URL's path, e.g. "/" or "/clickhouse/"
  std::string user = "default";
  std::string password;
  int64_t connect_timeout_ms = 5000;
  int64_t timeout_ms = 60000;  // sending the body and waiting for the answer
};

struct HttpResponse {
  int status = 0;
  std::string body;
  // X-ClickHouse-Exception-Code, sent by newer servers with errors.
  std::string exception_code;
};

class HttpConnection {
 public:
  // Writes the request body. May be called a second time for the resend
  // described above, and must then write the same bytes again.
  using BodyWriter = std::function<void(std::ostream&)>;

  explicit HttpConnection(Endpoint endpoint);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // POSTs to the endpoint's path with `query_string` (already URL-encoded,
  // without '?') and the body from `body`, gzip-compressed when `gzip`.
  // OK with *response filled when the server answered anything at all;
  // Retryable with "clickhouse: <what> failed: ..." when it could not be
  // asked or did not answer.
  Status Post(const std::string& query_string, bool gzip, const BodyWriter& body,
              const std::string& what, HttpResponse* response);

  // POSTs `sql` as the body.
  Status Query(const std::string& sql, const std::string& what, HttpResponse* response);

  // "http://host:port/path", for messages.
  std::string Url() const;

 private:
  // Drops a connection the server has closed. True if an open connection
  // will be reused by the next request.
  bool PrepareConnection();
  // "clickhouse: <what> failed: cannot talk to <url>: " and the like.
  std::string Failure(const std::string& what, bool answered) const;

  const Endpoint endpoint_;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
  std::chrono::steady_clock::time_point last_answer_;  // end of the last request
};

}  // namespace sinkhost::clickhouse

#endif  // SINKHOST_PLUGINS_CLICKHOUSE_HTTP_CONNECTION_H_
