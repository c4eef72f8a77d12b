// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "tests/support/raw_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace sinkhost::testing {

namespace {

namespace http = boost::beast::http;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

RawHttpClient::~RawHttpClient() { Close(); }

RawHttpClient::RawHttpClient(RawHttpClient&& other) noexcept
    : fd_(other.fd_), buffer_(std::move(other.buffer_)), error_(std::move(other.error_)) {
  other.fd_ = -1;
}

bool RawHttpClient::Connect(int port) {
  Close();
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    error_ = std::string("connect: ") + std::strerror(errno);
    Close();
    return false;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return true;
}

bool RawHttpClient::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      error_ = std::string("send: ") + std::strerror(errno);
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

RawResponse RawHttpClient::Read(int timeout_ms) {
  RawResponse r;
  if (fd_ < 0) {
    r.error = "not connected";
    return r;
  }
  const int64_t deadline = NowMs() + timeout_ms;
  for (;;) {
    // Parse what is there; a fresh parser each time, so that a partial
    // answer is simply parsed again once more bytes are in.
    http::response_parser<http::string_body> parser;
    parser.eager(true);
    parser.body_limit(64u << 20);
    boost::beast::error_code ec;
    size_t used = 0;
    while (used < buffer_.size() && !parser.is_done()) {
      const size_t n = parser.put(boost::asio::buffer(buffer_.data() + used, buffer_.size() - used), ec);
      used += n;
      if (ec || n == 0) break;
    }
    if (parser.is_done()) {
      const auto& msg = parser.get();
      r.status = static_cast<int>(msg.result_int());
      const size_t eol = buffer_.find("\r\n");
      r.status_line = buffer_.substr(0, eol);
      for (const auto& field : msg) {
        std::string name(field.name_string());
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        r.headers[name] = std::string(field.value());
      }
      r.body = msg.body();
      r.keep_alive = msg.keep_alive();
      buffer_.erase(0, used);
      return r;
    }
    if (ec && ec != http::error::need_more) {
      r.error = "bad answer: " + ec.message() + ": " + buffer_.substr(0, 200);
      return r;
    }
    const int64_t left = deadline - NowMs();
    if (left <= 0) {
      r.error = "no complete answer within " + std::to_string(timeout_ms) + " ms";
      return r;
    }
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) {
      r.error = n == 0 ? "the server closed the connection" : std::string("recv: ") + std::strerror(errno);
      return r;
    }
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

bool RawHttpClient::WaitClosed(int timeout_ms) {
  if (fd_ < 0) return true;
  const int64_t deadline = NowMs() + timeout_ms;
  for (;;) {
    const int64_t left = deadline - NowMs();
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) return true;
  }
}

void RawHttpClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
}

std::string RawRequest(const std::string& method, const std::string& path,
                       const std::string& body, const std::string& extra_headers) {
  return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" + body;
}

}  // namespace sinkhost::testing
