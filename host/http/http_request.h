// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// HttpRequest: one request as the HTTP server hands it to a handler. Every
// field is a view into the connection's buffers: valid while the handler
// runs, never after it returns. Nothing here allocates per request once a
// connection is warm.
//
// Thread safety: a request belongs to the one thread running its handler.
#ifndef SINKHOST_HOST_HTTP_HTTP_REQUEST_H_
#define SINKHOST_HOST_HTTP_HTTP_REQUEST_H_

#include <cstdint>
#include <string_view>
#include <vector>

namespace sinkhost {

struct HttpHeader {
  std::string_view name;
  std::string_view value;
};

// Whether two header names are equal, ignoring ASCII case.
bool HeaderNameEquals(std::string_view a, std::string_view b);

struct HttpRequest {
  std::string_view method;  // "POST", as sent (methods are case-sensitive)
  std::string_view target;  // "/api/event?x=1"
  std::string_view path;    // "/api/event"
  std::string_view query;   // "x=1" (without the '?'); empty when none
  int version = 11;         // 10 or 11
  std::vector<HttpHeader> headers;  // in the order received
  // The body as received (chunked framing removed; Content-Encoding not
  // decoded: see body_decoding.h). Empty in Handler::OnHead.
  std::string_view body;
  bool has_body = false;           // the request announced a body
  bool expects_continue = false;   // Expect: 100-continue
  std::string_view peer_address;   // the client's IP address as text
  // Handle runs on an event loop, where its answer may be deferred to the
  // end of the loop's batch (HttpResponse::Defer); false on the blocking
  // threads and in OnHead.
  bool can_defer = false;

  // The first header of that name (any case); empty when there is none.
  std::string_view Header(std::string_view name) const {
    for (const HttpHeader& h : headers)
      if (HeaderNameEquals(h.name, name)) return h.value;
    return {};
  }
  bool HasHeader(std::string_view name) const {
    for (const HttpHeader& h : headers)
      if (HeaderNameEquals(h.name, name)) return true;
    return false;
  }
};

inline bool HeaderNameEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    // Header names are tokens (ASCII): folding bit 0x20 is enough for
    // letters, and only letters differ by it among token characters.
    const unsigned char x = static_cast<unsigned char>(a[i]);
    const unsigned char y = static_cast<unsigned char>(b[i]);
    if (x != y && ((x | 0x20) != (y | 0x20) || (x | 0x20) < 'a' || (x | 0x20) > 'z')) return false;
  }
  return true;
}

}  // namespace sinkhost

#endif  // SINKHOST_HOST_HTTP_HTTP_REQUEST_H_
