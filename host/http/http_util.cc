// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/http/http_util.h"

#include <istream>

#include "sinkhost/format.hpp"

namespace sinkhost {

namespace {

constexpr size_t kChunk = 64 * 1024;

// Reads and drops up to `max_bytes` from `in`; true when it reached the end.
bool Discard(std::istream& in, uint64_t max_bytes) {
  char buf[8192];
  uint64_t dropped = 0;
  while (dropped <= max_bytes) {
    in.read(buf, sizeof(buf));
    const std::streamsize n = in.gcount();
    if (n <= 0) return in.eof();
    dropped += static_cast<uint64_t>(n);
  }
  return false;
}

}  // namespace

std::string_view RequestPath(const std::string& uri) {
  std::string_view v(uri);
  const size_t q = v.find_first_of("?#");
  return q == std::string_view::npos ? v : v.substr(0, q);
}

bool HasBody(const Poco::Net::HTTPServerRequest& request) {
  if (request.getChunkedTransferEncoding()) return true;
  return request.hasContentLength() && request.getContentLength64() > 0;
}

bool ContentLengthAbove(const Poco::Net::HTTPServerRequest& request, uint64_t limit) {
  return !request.getChunkedTransferEncoding() && request.hasContentLength() &&
         static_cast<uint64_t>(request.getContentLength64()) > limit;
}

BodyRead ReadBody(Poco::Net::HTTPServerRequest& request, uint64_t limit, std::string* out) {
  out->clear();
  if (request.getChunkedTransferEncoding()) {
    std::istream& in = request.stream();
    while (true) {
      const size_t old = out->size();
      out->resize(old + kChunk);
      in.read(out->data() + old, static_cast<std::streamsize>(kChunk));
      const std::streamsize n = in.gcount();
      out->resize(old + static_cast<size_t>(n));
      if (out->size() > limit) return BodyRead::kTooLarge;
      if (n < static_cast<std::streamsize>(kChunk)) break;
    }
    // The chunked stream ends cleanly at its last chunk; anything else is
    // a connection that went away.
    return in.bad() ? BodyRead::kIncomplete : BodyRead::kOk;
  }
  if (!request.hasContentLength()) return BodyRead::kOk;  // no body
  const int64_t length = request.getContentLength64();
  if (length <= 0) return BodyRead::kOk;
  if (static_cast<uint64_t>(length) > limit) return BodyRead::kTooLarge;
  out->resize(static_cast<size_t>(length));
  std::istream& in = request.stream();
  in.read(out->data(), static_cast<std::streamsize>(length));
  if (in.gcount() != static_cast<std::streamsize>(length)) {
    out->resize(static_cast<size_t>(in.gcount()));
    return BodyRead::kIncomplete;
  }
  return BodyRead::kOk;
}

void SkipBody(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
              uint64_t limit) {
  if (!HasBody(request)) return;
  if (ContentLengthAbove(request, limit) || !Discard(request.stream(), limit))
    response.setKeepAlive(false);
}

void DrainAfterAnswer(Poco::Net::HTTPServerRequest& request, uint64_t max_bytes) {
  if (request.getExpectContinue()) return;  // the client holds the body back
  try {
    Discard(request.stream(), max_bytes);
  } catch (...) {
    // The client hung up; nothing left to protect.
  }
}

std::string ErrorJson(std::string_view message) {
  std::string out = "{\"error\":{\"message\":";
  AppendJsonString(&out, message);
  out += "}}";
  return out;
}

void SendBody(Poco::Net::HTTPServerResponse& response, int status, const std::string& content_type,
              std::string_view body) {
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  if (!content_type.empty()) response.setContentType(content_type);
  response.sendBuffer(body.data(), body.size());
}

void SendJson(Poco::Net::HTTPServerResponse& response, int status, std::string_view json) {
  static const std::string kJson = "application/json";
  SendBody(response, status, kJson, json);
}

void SendError(Poco::Net::HTTPServerResponse& response, int status, std::string_view message) {
  SendJson(response, status, ErrorJson(message));
}

}  // namespace sinkhost
