// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// HttpHandler: what an HttpServer asks for each request. The server owns
// the framing (parsing, limits, keep-alive, 100-continue, timeouts); a
// handler only decides the answer.
//
//   OnHead    the header is in: answer now without reading the body (a 404,
//             a 429), or let the body be read
//   MayBlock  whether Handle can wait (for an fsync, a flush): such a
//             request is handed to the server's blocking threads, so that
//             an event loop never stalls its other connections
//   Handle    the whole request is in: answer it, or defer the answer
//   FinishBatch  the event loop has served every connection that was ready
//             together: answer the requests deferred there
//
// Deferring lets a handler do once what each request would do alone: the
// ingest handler puts the events of all the /api/event requests a loop
// read together into one write-ahead-log record (one lock, one write)
// before any of them is acknowledged.
//
// An exception escaping a handler is answered 500 (connection closed) and
// logged by the server.
//
// Thread safety: called concurrently from every I/O thread and blocking
// thread of the server; a handler keeps only shared state that is safe for
// that, and per-thread scratch.
#ifndef SINKHOST_HOST_HTTP_HTTP_HANDLER_H_
#define SINKHOST_HOST_HTTP_HTTP_HANDLER_H_

#include <vector>

#include "host/http/http_request.h"
#include "host/http/http_response.h"

namespace sinkhost {

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;

  // `request.body` is empty here. Returns true after filling `response`
  // to answer without the body (which the server then reads and drops, or
  // closes the connection when it is too large to drop).
  virtual bool OnHead(const HttpRequest& request, HttpResponse* response) { return false; }
  virtual bool MayBlock(const HttpRequest& request) const { return false; }
  virtual void Handle(const HttpRequest& request, HttpResponse* response) = 0;
  // On the event loop's thread, with every response deferred there since
  // the last call, in the order deferred; each must be filled. Requests
  // whose clients went away meanwhile are among them.
  virtual void FinishBatch(const std::vector<HttpResponse*>& deferred) {}
};

}  // namespace sinkhost

#endif  // SINKHOST_HOST_HTTP_HTTP_HANDLER_H_
