// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// RequestParser: reads one HTTP/1.1 request at a time from bytes as they
// arrive. Boost.Beast's basic_parser does the parsing; this class adds the
// rules sinkhost holds requests to on top, so that a request's framing can
// never be read two ways (RFC 9112 §6.3, request smuggling):
//
//   - Content-Length is plain digits, at most 2^63 - 1, given once; never
//     together with Transfer-Encoding;
//   - Transfer-Encoding, when present, ends with chunked;
//   - no whitespace before a field's colon, no obsolete line folding, no
//     control characters (NUL included) in a field value;
//   - HTTP/1.1 requests carry Host; only HTTP/1.0 and 1.1 are spoken;
//   - bounded: request line and fields together, the target, each field's
//     name and value, and the number of fields.
//
// Every refusal is a ParseError with the status to answer and a message
// naming what was wrong; the connection must be closed after it, since
// where the next request would begin is unknown.
//
// The request's fields are views into the bytes given to Put: the caller
// keeps those bytes in place until the request is done, or moves them and
// calls Rebase. Body bytes go to a BodySink as they are parsed.
//
// Thread safety: one parser per connection, used by one thread at a time.
#ifndef SINKHOST_HOST_HTTP_REQUEST_PARSER_H_
#define SINKHOST_HOST_HTTP_REQUEST_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "host/http/http_request.h"

namespace sinkhost {

struct RequestLimits {
  size_t max_header_bytes = 32 * 1024;  // request line and fields together
  size_t max_target = 8 * 1024;
  size_t max_field_name = 256;
  size_t max_field_value = 8 * 1024;
  size_t max_fields = 100;
};

struct ParseError {
  int status = 0;  // 0: no error
  std::string message;
};

// Receives the body as it is parsed (chunk framing removed).
class BodySink {
 public:
  virtual ~BodySink() = default;
  // False stops parsing with 413 (the body passed the limit).
  virtual bool Append(std::string_view piece) = 0;
};

class RequestParser {
 public:
  explicit RequestParser(const RequestLimits& limits);
  ~RequestParser();
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  // Starts a new request, to be described in *request (its header vector
  // keeps its capacity) with its body going to *body.
  void Start(HttpRequest* request, BodySink* body);

  // Parses from `data`: the header once it is complete in `data` (until
  // then nothing is consumed), then as much of the body as is there.
  // Returns the bytes consumed; sets *error (and stops) on a bad request,
  // including bytes left unconsumed past the header bound (an endless
  // header, or chunk size line), so the caller never keeps more.
  size_t Put(const char* data, size_t size, ParseError* error);

  bool header_done() const;
  bool done() const;
  // The bytes of the request line and fields, as received (valid while
  // those bytes are): what Rebase moves.
  std::string_view raw_header() const { return raw_header_; }
  // The request asked to keep the connection open (HTTP/1.1 without
  // "Connection: close", or HTTP/1.0 with "Connection: keep-alive").
  bool keep_alive() const;
  bool chunked() const;
  // From Content-Length; 0 when chunked or without a body.
  uint64_t content_length() const { return content_length_; }

  // The header bytes were copied to `moved` (same length as raw_header()):
  // re-points the request's views there.
  void Rebase(const char* moved);

 private:
  class Beast;
  Beast* beast() { return reinterpret_cast<Beast*>(beast_storage_); }
  const Beast* beast() const { return reinterpret_cast<const Beast*>(beast_storage_); }
  void CheckHeader(ParseError* error);

  const RequestLimits limits_;
  // Beast's parser cannot be reset, so one is built in place per request
  // (no allocation); the .cc checks that it fits.
  alignas(16) unsigned char beast_storage_[256];
  bool has_beast_ = false;
  HttpRequest* request_ = nullptr;
  std::string_view raw_header_;
  uint64_t content_length_ = 0;
};

}  // namespace sinkhost

#endif  // SINKHOST_HOST_HTTP_REQUEST_PARSER_H_
