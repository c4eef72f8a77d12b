// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// HttpServer: one listening socket served by a fixed number of event loops
// (Boost.Asio, one io_context and thread each), with Boost.Beast parsing
// the requests (request_parser.h). sinkhost runs two: ingest and admin.
//
// A connection lives on one loop for its whole life; new connections go
// to the loops in turn. An idle keep-alive connection costs a socket and a
// few hundred bytes, not a thread: bytes are read into the loop's buffer,
// and a connection keeps a buffer of its own only while a request is
// incomplete or an answer is waiting for the socket. Requests are handled
// on the loop, answers of pipelined requests go out in one write, except a
// request whose handler may wait (HttpHandler::MayBlock): it runs on the
// server's blocking threads, and its connection reads nothing more until
// it is answered, so answers keep their order.
//
// Bounds, each answered with a JSON error (and the connection closed):
// the header block must arrive within header_timeout (408), the body
// within request_timeout (408), the header within the parser's limits
// (400/414/431), the body within max_body (413); past max_connections a
// new connection is answered 503 and closed. Idle keep-alive connections
// are closed after keep_alive_timeout.
//
//   Bind   listen on the address (a busy port fails before anything runs)
//   Start  serve with a handler
//   Stop   stop accepting; close idle connections; let requests in progress
//          finish and answer (up to drain_timeout), then close the rest
//
// Thread safety: Bind, Start and Stop from one controlling thread; the
// accessors from any thread.
#ifndef SINKHOST_HOST_HTTP_HTTP_SERVER_H_
#define SINKHOST_HOST_HTTP_HTTP_SERVER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "host/config/host_config.h"
#include "host/http/http_handler.h"
#include "host/http/request_counters.h"
#include "host/http/request_parser.h"
#include "sinkhost/status.hpp"

namespace sinkhost {

struct HttpServerOptions {
  std::string name;  // "ingest" or "admin": logs, errors, thread names
  ListenAddress listen;
  int io_threads = 1;        // event loops; at least 1
  int blocking_threads = 4;  // for requests that may wait; started on first use
  int backlog = 1024;        // the listen queue
  size_t max_connections = 16384;
  uint64_t max_body = 10u << 20;
  std::string max_body_key = "ingest.max_body";  // named by the 413's message
  int64_t keep_alive_timeout_ms = 15000;
  int64_t header_timeout_ms = 10000;
  int64_t request_timeout_ms = 60000;  // the body, and writing the answer
  int64_t drain_timeout_ms = 5000;     // Stop: time for requests in progress
  // How often each loop checks its connections' deadlines (and the Date
  // header): the deadlines above are kept to within this.
  int64_t sweep_interval_ms = 500;
  RequestLimits limits;
  // Header lines in every answer, each ending in CRLF ("Server: ...\r\n").
  std::string fixed_headers;
};

class HttpServer {
 public:
  // Binds and listens (SO_REUSEADDR); serves nothing yet.
  static Status Bind(const HttpServerOptions& options, std::unique_ptr<HttpServer>* out);
  ~HttpServer();  // Stop()

  // `handler` and `counters` must outlive the server.
  void Start(HttpHandler* handler, RequestCounters* counters);
  void Stop();

  uint16_t port() const { return port_; }
  // "127.0.0.1:8080", with the real port when 0 was asked for.
  std::string address() const;
  const std::string& name() const;
  size_t open_connections() const;

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
};

}  // namespace sinkhost

#endif  // SINKHOST_HOST_HTTP_HTTP_SERVER_H_
