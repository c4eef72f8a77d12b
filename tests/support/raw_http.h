// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// RawHttpClient: a test client that sends exactly the bytes it is given
// and reads back what the server answers, for what an ordinary client
// would not send: smuggling attempts, pipelined requests, a header one
// byte at a time, connections left idle. Answers are parsed with
// Boost.Beast's response parser.
//
// Thread safety: one client per thread.
#ifndef SINKHOST_TESTS_SUPPORT_RAW_HTTP_H_
#define SINKHOST_TESTS_SUPPORT_RAW_HTTP_H_

#include <map>
#include <string>
#include <string_view>

namespace sinkhost::testing {

struct RawResponse {
  int status = 0;  // 0: no complete answer (closed, timed out, garbled)
  std::string status_line;  // "HTTP/1.1 202 Accepted"
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool keep_alive = false;
  std::string error;  // why status is 0
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class RawHttpClient {
 public:
  RawHttpClient() = default;
  ~RawHttpClient();
  RawHttpClient(const RawHttpClient&) = delete;
  RawHttpClient& operator=(const RawHttpClient&) = delete;
  RawHttpClient(RawHttpClient&& other) noexcept;

  // Connects to 127.0.0.1:port; false (with error()) when refused.
  bool Connect(int port);
  bool Send(std::string_view bytes);
  // Reads one answer, waiting up to timeout_ms for it to be complete.
  RawResponse Read(int timeout_ms = 5000);
  // Waits until the server closes the connection (EOF or reset), reading
  // and dropping anything it sends; false when it stays open that long.
  bool WaitClosed(int timeout_ms);
  void Close();
  bool connected() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }

 private:
  int fd_ = -1;
  std::string buffer_;  // received, not yet parsed
  std::string error_;
};

// A request as a client would write it: method, path, Host, Content-Length,
// the extra header lines (each ending in CRLF) and the body.
std::string RawRequest(const std::string& method, const std::string& path,
                       const std::string& body, const std::string& extra_headers = "");

}  // namespace sinkhost::testing

#endif  // SINKHOST_TESTS_SUPPORT_RAW_HTTP_H_
