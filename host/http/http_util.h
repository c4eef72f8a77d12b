// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Small pieces every sinkhost HTTP handler shares: the request path, body
// reading with a size limit, and JSON answers.
//
// Bodies are read with a limit in both framings: a Content-Length above the
// limit is refused before reading anything, and a chunked body is cut off
// as soon as it passes the limit. A request without either has no body
// (HTTP/1.1 section 3.3.3), so nothing is read to EOF.
//
// Thread safety: stateless functions; call from any handler thread.
#ifndef SINKHOST_HOST_HTTP_HTTP_UTIL_H_
#define SINKHOST_HOST_HTTP_HTTP_UTIL_H_

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace sinkhost {

// "/a/b?x=1" -> "/a/b".
std::string_view RequestPath(const std::string& uri);

// True when the request announces a body (Content-Length > 0 or chunked).
bool HasBody(const Poco::Net::HTTPServerRequest& request);
// True when Content-Length is known to be above `limit`.
bool ContentLengthAbove(const Poco::Net::HTTPServerRequest& request, uint64_t limit);

enum class BodyRead { kOk, kTooLarge, kIncomplete };
// Reads the whole body into *out (replacing its contents, keeping its
// capacity). kTooLarge: over `limit` (the rest is unread); kIncomplete: the
// connection ended early. Both leave the connection unusable: the caller
// answers with keep-alive off.
BodyRead ReadBody(Poco::Net::HTTPServerRequest& request, uint64_t limit, std::string* out);

// For answers given without reading the body (404, 405...): consumes a body
// of up to `limit` bytes so the connection can be kept alive; turns
// keep-alive off when the body is larger.
void SkipBody(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
              uint64_t limit);
// After answering a request whose body was left unread (413): reads and
// drops up to `max_bytes` more, unless the client waits for 100-continue,
// so that closing does not reset the connection before the client has read
// the answer.
void DrainAfterAnswer(Poco::Net::HTTPServerRequest& request, uint64_t max_bytes);

// {"error":{"message":"..."}}
std::string ErrorJson(std::string_view message);

void SendBody(Poco::Net::HTTPServerResponse& response, int status, const std::string& content_type,
              std::string_view body);
void SendJson(Poco::Net::HTTPServerResponse& response, int status, std::string_view json);
// Sends ErrorJson(message) with `status`.
void SendError(Poco::Net::HTTPServerResponse& response, int status, std::string_view message);

}  // namespace sinkhost

#endif  // SINKHOST_HOST_HTTP_HTTP_UTIL_H_
