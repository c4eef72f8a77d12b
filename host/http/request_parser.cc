// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/http/request_parser.h"

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <charconv>
#include <limits>
#include <new>

namespace sinkhost {

namespace http = boost::beast::http;
using boost::beast::error_code;
using boost::beast::string_view;

namespace {

std::string_view View(string_view s) { return {s.data(), s.size()}; }

// Client text for an error message: at most 64 bytes, non-printable bytes
// as '?', so a message never carries control characters.
std::string Quote(std::string_view s) {
  std::string out = "'";
  for (char c : s.substr(0, 64)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  if (s.size() > 64) out += "...";
  return out + "'";
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The field name of the header line starting at `line` (what Beast was
// parsing when it stopped), or empty when it is not a clean name.
std::string_view FieldNameAt(std::string_view line) {
  const size_t colon = line.find(':');
  const size_t eol = line.find('\r');
  if (colon == std::string_view::npos || colon == 0 || colon > 64 || colon > eol) return {};
  std::string_view name = line.substr(0, colon);
  for (char c : name)
    if (c <= 0x20 || c >= 0x7f) return {};
  return name;
}

}  // namespace

// Beast's parser, reporting into the HttpRequest and BodySink of the
// current request. A callback that refuses stores its own ParseError (a
// better message than Beast's code) and stops the parse.
class RequestParser::Beast final : public http::basic_parser<true> {
 public:
  Beast(const RequestLimits& limits, HttpRequest* request, BodySink* body)
      : limits_(limits), request_(request), body_(body) {
    header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    body_limit(boost::none);  // RequestParser and the BodySink bound the body
    eager(false);             // stop after the header, so its end is known
  }

  ParseError refused;  // set by a callback that stopped the parse
  bool has_host = false;
  bool has_transfer_encoding = false;
  std::string_view transfer_encoding;
  uint64_t content_length = 0;

 private:
  void Refuse(int status, std::string message, error_code& ec) {
    refused.status = status;
    refused.message = std::move(message);
    ec = http::error::bad_value;  // any error stops Beast; ours is in `refused`
  }

  void on_request_impl(http::verb, string_view method, string_view target, int version,
                       error_code& ec) override {
    if (target.size() > limits_.max_target)
      return Refuse(414,
                    "the request target is longer than " + std::to_string(limits_.max_target) +
                        " bytes",
                    ec);
    request_->method = View(method);
    request_->target = View(target);
    request_->version = version;
    const std::string_view t = View(target);
    const size_t end = t.find('#');
    const std::string_view no_fragment = t.substr(0, end);
    const size_t q = no_fragment.find('?');
    request_->path = no_fragment.substr(0, q);
    request_->query = q == std::string_view::npos ? std::string_view() : no_fragment.substr(q + 1);
  }

  void on_response_impl(int, string_view, int, error_code&) override {}

  void on_field_impl(http::field f, string_view name, string_view value, error_code& ec) override {
    if (request_->headers.size() >= limits_.max_fields)
      return Refuse(400, "more than " + std::to_string(limits_.max_fields) + " header fields", ec);
    if (name.size() > limits_.max_field_name)
      return Refuse(400,
                    "header field name " + Quote(View(name)) + " is longer than " +
                        std::to_string(limits_.max_field_name) + " bytes",
                    ec);
    if (value.size() > limits_.max_field_value)
      return Refuse(400,
                    "header field " + Quote(View(name)) + " is longer than " +
                        std::to_string(limits_.max_field_value) + " bytes",
                    ec);
    switch (f) {
      case http::field::content_length: {
        // Beast took a comma list of equal values, and the same value
        // twice; both are refused here, with anything but plain digits.
        const std::string_view v = View(value);
        if (content_length_fields_++ > 0)
          return Refuse(400, "Content-Length is given more than once", ec);
        if (!AllDigits(v) || v.size() > 19)
          return Refuse(400, "Content-Length must be plain digits, got " + Quote(v), ec);
        std::from_chars(v.data(), v.data() + v.size(), content_length);  // 19 digits fit
        if (content_length > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
          return Refuse(400, "Content-Length " + std::string(v) + " is larger than 2^63 - 1", ec);
        break;
      }
      case http::field::transfer_encoding:
        has_transfer_encoding = true;
        transfer_encoding = View(value);
        break;
      case http::field::host:
        has_host = true;
        break;
      case http::field::expect:
        if (boost::beast::iequals(value, "100-continue")) request_->expects_continue = true;
        break;
      default:
        break;
    }
    request_->headers.push_back({View(name), View(value)});
  }

  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}

  std::size_t on_body_impl(string_view body, error_code& ec) override {
    if (!body_->Append(View(body))) Refuse(413, "", ec);
    return body.size();
  }

  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}

  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec) override {
    if (!body_->Append(View(body))) Refuse(413, "", ec);
    return body.size();
  }

  void on_finish_impl(error_code&) override {}

  const RequestLimits& limits_;
  HttpRequest* const request_;
  BodySink* const body_;
  int content_length_fields_ = 0;
};

RequestParser::RequestParser(const RequestLimits& limits) : limits_(limits) {
  static_assert(sizeof(Beast) <= sizeof(beast_storage_), "grow RequestParser::beast_storage_");
  static_assert(alignof(Beast) <= 16, "align RequestParser::beast_storage_ more");
}

RequestParser::~RequestParser() {
  if (has_beast_) beast()->~Beast();
}

void RequestParser::Start(HttpRequest* request, BodySink* body) {
  if (has_beast_) beast()->~Beast();
  request->method = request->target = request->path = request->query = {};
  request->version = 11;
  request->headers.clear();
  request->body = {};
  request->has_body = false;
  request->expects_continue = false;
  new (beast_storage_) Beast(limits_, request, body);
  has_beast_ = true;
  request_ = request;
  raw_header_ = {};
  content_length_ = 0;
}

bool RequestParser::header_done() const { return has_beast_ && beast()->is_header_done(); }
bool RequestParser::done() const { return has_beast_ && beast()->is_done(); }
bool RequestParser::keep_alive() const { return header_done() && beast()->keep_alive(); }
bool RequestParser::chunked() const { return header_done() && beast()->chunked(); }

namespace {

// What to answer when Beast itself refused the request. `at` is where it
// stopped: the start of the line it could not take.
ParseError FromBeast(const error_code& ec, std::string_view at, const RequestLimits& limits) {
  const std::string_view field = FieldNameAt(at);
  const std::string in_field = field.empty() ? "" : " (field " + Quote(field) + ")";
  switch (static_cast<http::error>(ec.value())) {
    case http::error::header_limit:
      return {431, "the request line and header fields are larger than " +
                       std::to_string(limits.max_header_bytes) + " bytes"};
    case http::error::bad_method:
      return {400, "the request line does not start with a method"};
    case http::error::bad_target:
      return {400, "the request target is malformed"};
    case http::error::bad_version: {
      // "HTTP/2.0" is well formed but not spoken here: 505; anything else
      // ("FOO/1.1", a line without a version) is a malformed request.
      const std::string_view line = at.substr(0, at.find('\r'));
      const size_t space = line.rfind(' ');
      const std::string_view version =
          space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
      if (version.size() == 8 && version.substr(0, 5) == "HTTP/" && version[6] == '.')
        return {505, "HTTP version " + Quote(version) + " is not supported (HTTP/1.0 and 1.1 are)"};
      return {400, "the request line must end with HTTP/1.0 or HTTP/1.1, got " +
                       Quote(version.empty() ? line : version)};
    }
    case http::error::bad_line_ending:
      return {400, "a line of the header does not end with CRLF" + in_field};
    case http::error::bad_field:
      return {400, "malformed header field name: whitespace before the colon, a character a "
                   "name cannot have, or a line starting with whitespace" + in_field};
    case http::error::bad_value:
      return {400, "a header field value has a control character (NUL, CR, ...)" + in_field};
    case http::error::bad_content_length: {
      if (field.empty() || !HeaderNameEquals(field, "Content-Length"))
        return {400, "Content-Length and Transfer-Encoding must not be given together"};
      return {400, "Content-Length must be plain digits at most 2^63 - 1, got " +
                       Quote(at.substr(field.size() + 1, at.find('\r') - field.size() - 1))};
    }
    case http::error::multiple_content_length:
      return {400, "Content-Length is given more than once, with different values"};
    case http::error::bad_transfer_encoding:
      return {400, "Transfer-Encoding must not be given twice or together with Content-Length"};
    case http::error::bad_chunk:
    case http::error::bad_chunk_extension:
      return {400, "the chunked body has a malformed chunk size or extension"};
    case http::error::bad_obs_fold:
      return {400, "obsolete line folding (a header line starting with whitespace) is not accepted"};
    default:
      return {400, "malformed request: " + ec.message()};
  }
}

}  // namespace

void RequestParser::CheckHeader(ParseError* error) {
  Beast& b = *beast();
  HttpRequest& r = *request_;
  // Beast joins a folded line to the one before: refuse it here, where
  // the header's own bytes are at hand.
  for (size_t at = raw_header_.find('\n'); at != std::string_view::npos && at + 1 < raw_header_.size();
       at = raw_header_.find('\n', at + 1)) {
    const char next = raw_header_[at + 1];
    if (next == ' ' || next == '\t') {
      *error = {400,
                "obsolete line folding (a header line starting with whitespace) is not accepted"};
      return;
    }
  }
  if (b.has_transfer_encoding && (!b.chunked() || r.version < 11)) {
    *error = {400, r.version < 11 ? "Transfer-Encoding is not allowed in an HTTP/1.0 request"
                                  : "Transfer-Encoding must end with chunked, got " +
                                        Quote(b.transfer_encoding)};
    return;
  }
  if (r.version >= 11 && !b.has_host) {
    *error = {400, "an HTTP/1.1 request must have a Host header field"};
    return;
  }
  content_length_ = b.chunked() ? 0 : b.content_length;
  r.has_body = b.chunked() || content_length_ > 0;
}

size_t RequestParser::Put(const char* data, size_t size, ParseError* error) {
  Beast& b = *beast();
  error_code ec;
  size_t consumed = 0;
  auto fail = [&](size_t at) {
    if (b.refused.status != 0) {
      *error = std::move(b.refused);
    } else {
      *error = FromBeast(ec, std::string_view(data + at, size - at), limits_);
    }
  };
  if (!b.is_header_done()) {
    // Beast waits until the whole header is in `data`: 0 bytes consumed
    // and need_more until then (or header_limit past the bound).
    const size_t n = b.put(boost::asio::const_buffer(data, size), ec);
    if (ec == http::error::need_more) {
      // Refused before it ends, so that no client makes us keep an
      // endless header.
      if (size > limits_.max_header_bytes)
        *error = {431, "the request line and header fields are larger than " +
                           std::to_string(limits_.max_header_bytes) + " bytes"};
      return 0;
    }
    if (ec) {
      fail(n);
      return n;
    }
    raw_header_ = std::string_view(data, n);
    consumed = n;
    CheckHeader(error);
    if (error->status != 0) return consumed;
    b.eager(true);  // from here on, take as much of the body as is there
  }
  while (consumed < size && !b.is_done()) {
    const size_t n = b.put(boost::asio::const_buffer(data + consumed, size - consumed), ec);
    consumed += n;
    if (ec == http::error::need_more) {
      // Only a chunk's size line can be left over; it is short.
      if (size - consumed > limits_.max_header_bytes)
        *error = {400, "a chunk size line of the chunked body is longer than " +
                           std::to_string(limits_.max_header_bytes) + " bytes"};
      break;
    }
    if (ec) {
      fail(consumed);
      break;
    }
    if (n == 0) break;
  }
  return consumed;
}

void RequestParser::Rebase(const char* moved) {
  const char* old = raw_header_.data();
  auto move = [&](std::string_view& v) {
    if (v.data() >= old && v.data() <= old + raw_header_.size())
      v = std::string_view(moved + (v.data() - old), v.size());
  };
  HttpRequest& r = *request_;
  move(r.method);
  move(r.target);
  move(r.path);
  move(r.query);
  for (HttpHeader& h : r.headers) {
    move(h.name);
    move(h.value);
  }
  move(beast()->transfer_encoding);
  raw_header_ = std::string_view(moved, raw_header_.size());
}

}  // namespace sinkhost
