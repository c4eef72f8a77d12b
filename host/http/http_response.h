// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// HttpResponse: what a handler answers, and its serialisation onto the
// wire. The server adds the framing (Content-Length, Connection: close,
// Date, Server); a handler sets the status, its own headers and the body.
//
// A response object is reused from request to request (Reset keeps its
// buffers' capacity), so answering allocates nothing once warm.
//
// Thread safety: a response belongs to the one thread filling it.
#ifndef SINKHOST_HOST_HTTP_HTTP_RESPONSE_H_
#define SINKHOST_HOST_HTTP_HTTP_RESPONSE_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace sinkhost {

// "Accepted" for 202; "Unknown" for codes sinkhost never sends.
std::string_view StatusReason(int status);

// {"error":{"message":"..."}}
std::string ErrorJson(std::string_view message);

class HttpResponse {
 public:
  void Reset();

  // Header names and values come from sinkhost's code, or from request
  // headers the parser has already checked for control characters, so
  // neither can break the framing.
  void AddHeader(std::string_view name, std::string_view value);
  void SetBody(int status, std::string_view content_type, std::string_view body);
  void SetJson(int status, std::string_view json);
  // ErrorJson(message) with `status`.
  void SetError(int status, std::string_view message);
  // A status without a body (204, or 1xx).
  void SetEmpty(int status);
  // Answers, then closes the connection (after a request whose body was
  // not read, or any framing problem).
  void CloseAfterwards() { close_ = true; }
  // Leaves the answer for later (see HttpHandler::FinishBatch), when
  // HttpRequest::can_defer says the server can wait for it. `tag` is the
  // handler's own: it comes back with the response. The request's views
  // are gone once Handle returns: keep what the answer needs.
  void Defer(uint64_t tag) {
    deferred_ = true;
    tag_ = tag;
  }

  int status() const { return status_; }
  bool closes() const { return close_; }
  bool deferred() const { return deferred_; }
  uint64_t tag() const { return tag_; }
  const std::string& body() const { return body_; }

  // The whole response: status line, `date_header` ("Date: ...\r\n"),
  // `server_header`, the handler's headers, Content-Length (none for 1xx
  // and 204), Connection: close when closing, then the body.
  void AppendTo(std::string* out, std::string_view date_header,
                std::string_view server_header) const;

 private:
  int status_ = 500;
  bool close_ = false;
  bool deferred_ = false;
  uint64_t tag_ = 0;
  std::string headers_;  // "Name: value\r\n" lines
  std::string body_;
};

}  // namespace sinkhost

#endif  // SINKHOST_HOST_HTTP_HTTP_RESPONSE_H_
