// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/http/http_response.h"

#include <charconv>

#include "sinkhost/format.hpp"

namespace sinkhost {

std::string_view StatusReason(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

std::string ErrorJson(std::string_view message) {
  std::string out = "{\"error\":{\"message\":";
  AppendJsonString(&out, message);
  out += "}}";
  return out;
}

void HttpResponse::Reset() {
  status_ = 500;
  close_ = false;
  deferred_ = false;
  tag_ = 0;
  headers_.clear();
  body_.clear();
}

void HttpResponse::AddHeader(std::string_view name, std::string_view value) {
  headers_.append(name);
  headers_.append(": ");
  headers_.append(value);
  headers_.append("\r\n");
}

void HttpResponse::SetBody(int status, std::string_view content_type, std::string_view body) {
  status_ = status;
  if (!content_type.empty()) AddHeader("Content-Type", content_type);
  body_.assign(body);
}

void HttpResponse::SetJson(int status, std::string_view json) {
  SetBody(status, "application/json", json);
}

void HttpResponse::SetError(int status, std::string_view message) {
  SetJson(status, ErrorJson(message));
}

void HttpResponse::SetEmpty(int status) {
  status_ = status;
  body_.clear();
}

void HttpResponse::AppendTo(std::string* out, std::string_view date_header,
                            std::string_view server_header) const {
  char digits[24];
  out->append("HTTP/1.1 ");
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), status_);
  out->append(digits, end);
  out->push_back(' ');
  out->append(StatusReason(status_));
  out->append("\r\n");
  out->append(date_header);
  out->append(server_header);
  out->append(headers_);
  // RFC 9110 §8.6: no Content-Length in a 1xx or 204 answer.
  if (status_ >= 200 && status_ != 204) {
    out->append("Content-Length: ");
    auto [e, c] = std::to_chars(digits, digits + sizeof(digits), body_.size());
    out->append(digits, e);
    out->append("\r\n");
  }
  if (close_) out->append("Connection: close\r\n");
  out->append("\r\n");
  out->append(body_);
}

}  // namespace sinkhost
