// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/http/ingest_handlers.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/String.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/batch/row_batch.h"
#include "core/ingest/ingest.h"
#include "host/http/guarded_handler.h"
#include "host/http/http_util.h"

namespace sinkhost {

namespace {

using Poco::Net::HTTPRequest;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

// Per-thread buffers larger than this are given back after the request, so
// one huge request does not pin memory in every server thread for good.
constexpr size_t kKeepBytes = 1u << 20;
// After a 413, how much more of the refused body is read and dropped so the
// close does not reset the connection before the client read the answer.
constexpr uint64_t kDrainAfter413 = 64u << 20;
// Retry-After while a stream's log is read-only: only a restart helps.
constexpr int64_t kReadOnlyRetryAfterMs = 60000;

constexpr std::string_view kEventPath = "/api/event";
constexpr std::string_view kBulkPrefix = "/v1/streams/";
constexpr std::string_view kBulkSuffix = "/events";

Poco::Logger& HttpLog() {
  static Poco::Logger& log = Poco::Logger::get("sinkhost.http");
  return log;
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The body buffer of this server thread.
std::string& ThreadBody() {
  thread_local std::string body;
  return body;
}

void ReleaseIfLarge(std::string* s) {
  if (s->capacity() > kKeepBytes) std::string().swap(*s);
}

// Scratch rows of this thread for a stream, kept between requests.
RowBatch* ThreadBulkRows(const StreamSet::Entry& entry) {
  struct Slot {
    uint64_t uid;
    std::unique_ptr<RowBatch> rows;
  };
  thread_local std::vector<Slot> slots;
  for (Slot& s : slots) {
    if (s.uid == entry.uid) {
      if (s.rows->byte_size() > kKeepBytes)
        s.rows = std::make_unique<RowBatch>(entry.stream->schema());
      return s.rows.get();
    }
  }
  slots.push_back({entry.uid, std::make_unique<RowBatch>(entry.stream->schema())});
  return slots.back().rows.get();
}

// "/v1/streams/NAME/events" -> NAME.
bool ParseBulkPath(std::string_view path, std::string_view* stream) {
  if (path.size() <= kBulkPrefix.size() + kBulkSuffix.size() ||
      path.substr(0, kBulkPrefix.size()) != kBulkPrefix ||
      path.substr(path.size() - kBulkSuffix.size()) != kBulkSuffix)
    return false;
  std::string_view name =
      path.substr(kBulkPrefix.size(), path.size() - kBulkPrefix.size() - kBulkSuffix.size());
  if (name.find('/') != std::string_view::npos) return false;
  *stream = name;
  return true;
}

enum class Shape { kPlausible, kBulk };

class IngestHandler : public GuardedHandler {
 public:
  explicit IngestHandler(const IngestEndpoints& e)
      : GuardedHandler(e.counters, &HttpLog()), e_(e) {}

 protected:
  void Handle(HTTPServerRequest& request, HTTPServerResponse& response) override {
    static const std::string kAllowOrigin = "Access-Control-Allow-Origin";
    static const std::string kAny = "*";
    response.set(kAllowOrigin, kAny);
    const std::string_view path = RequestPath(request.getURI());
    const std::string& method = request.getMethod();
    if (method == HTTPRequest::HTTP_POST && !WithinRateLimit(request, response)) return;
    if (path == kEventPath) {
      if (method == HTTPRequest::HTTP_POST) return PostEvent(request, response);
      if (method == HTTPRequest::HTTP_OPTIONS) return Preflight(request, response);
      return MethodNotAllowed(request, response, path);
    }
    std::string_view stream;
    if (ParseBulkPath(path, &stream)) {
      if (method == HTTPRequest::HTTP_POST) return PostBulk(request, response, stream);
      if (method == HTTPRequest::HTTP_OPTIONS) return Preflight(request, response);
      return MethodNotAllowed(request, response, path);
    }
    SkipBody(request, response, e_.max_body);
    SendError(response, 404,
              "no endpoint at " + std::string(path) +
                  " (this listener takes POST /api/event and POST /v1/streams/{stream}/events)");
  }

 private:
  void PostEvent(HTTPServerRequest& request, HTTPServerResponse& response) {
    Stream* stream = e_.streams->plausible();
    if (stream == nullptr) {
      SkipBody(request, response, e_.max_body);
      SendError(response, 404,
                "no stream takes Plausible events: configure a stream with schema: plausible "
                "(see ingest.plausible_stream)");
      return;
    }
    std::string& body = ThreadBody();
    if (ReadValidBody(request, response, Shape::kPlausible, &body)) {
      thread_local PlausibleEventParser parser;
      thread_local auto rows = std::make_unique<RowBatch>(Schema::Plausible());
      rows->Clear();
      RequestContext ctx;
      ctx.now_us = NowMicros();
      ctx.user_agent = request.get("User-Agent", kEmpty);
      IngestError error;
      if (!parser.Parse(body, ctx, rows.get(), &error)) {
        LogRejected(request, error);
        SendJson(response, error.http_status, error.PlausibleJson());
      } else if (Status st = stream->Accept(*rows); !st.ok()) {
        SendBusy(response, *stream, st);
      } else {
        static const std::string kTextPlain = "text/plain; charset=utf-8";
        SendBody(response, 202, kTextPlain, "ok");
      }
      if (rows->byte_size() > kKeepBytes) rows = std::make_unique<RowBatch>(Schema::Plausible());
    }
    ReleaseIfLarge(&body);
  }

  void PostBulk(HTTPServerRequest& request, HTTPServerResponse& response, std::string_view name) {
    const StreamSet::Entry* entry = e_.streams->Find(name);
    if (entry == nullptr) {
      SkipBody(request, response, e_.max_body);
      SendError(response, 404, "unknown stream '" + std::string(name) + "'");
      return;
    }
    Stream& stream = *entry->stream;
    std::string& body = ThreadBody();
    if (ReadValidBody(request, response, Shape::kBulk, &body)) {
      thread_local BulkParser parser;
      RowBatch* rows = ThreadBulkRows(*entry);
      rows->Clear();
      RequestContext ctx;
      ctx.now_us = NowMicros();
      ctx.user_agent = request.get("User-Agent", kEmpty);
      IngestError error;
      if (!parser.Parse(body, ctx, stream.options().ignore_unknown_fields, rows, &error)) {
        LogRejected(request, error);
        SendJson(response, error.http_status, error.BulkJson());
      } else if (Status st = stream.Accept(*rows); !st.ok()) {
        SendBusy(response, stream, st);
      } else {
        SendJson(response, 202, "{\"accepted\":" + std::to_string(rows->num_rows()) + "}");
      }
    }
    ReleaseIfLarge(&body);
  }

  // Reads the body into *body; answers and returns false when it is too
  // large, cut short, empty or not UTF-8.
  bool ReadValidBody(HTTPServerRequest& request, HTTPServerResponse& response, Shape shape,
                     std::string* body) {
    switch (ReadBody(request, e_.max_body, body)) {
      case BodyRead::kOk:
        break;
      case BodyRead::kTooLarge:
        response.setKeepAlive(false);
        SendError(response, 413,
                  "request body is larger than ingest.max_body (" + std::to_string(e_.max_body) +
                      " bytes)");
        DrainAfterAnswer(request, kDrainAfter413);
        return false;
      case BodyRead::kIncomplete:
        response.setKeepAlive(false);
        SendInputError(response, shape, "request body ended before its announced length");
        return false;
    }
    if (body->empty()) {
      SendInputError(response, shape, "request body is empty");
      return false;
    }
    if (!IsValidUtf8(*body)) {
      SendInputError(response, shape, "request body is not valid UTF-8");
      return false;
    }
    return true;
  }

  // A body-level problem in the endpoint's own error shape.
  void SendInputError(HTTPServerResponse& response, Shape shape, const std::string& message) {
    IngestError error;
    error.http_status = 400;
    error.errors.emplace_back("request", message);
    SendJson(response, 400, shape == Shape::kPlausible ? error.PlausibleJson() : error.BulkJson());
  }

  // Answers 429 and returns false when the client has no request left.
  bool WithinRateLimit(HTTPServerRequest& request, HTTPServerResponse& response) {
    if (e_.rate_limiter == nullptr) return true;
    std::string client;
    if (e_.trust_forwarded_for) {
      const std::string& forwarded = request.get("X-Forwarded-For", kEmpty);
      client = forwarded.substr(0, forwarded.find(','));
      Poco::trimInPlace(client);
    }
    if (client.empty()) client = request.clientAddress().host().toString();
    int64_t retry_after_ms = 0;
    if (e_.rate_limiter->Allow(client, RateLimiter::Clock::now(), &retry_after_ms)) return true;
    SkipBody(request, response, e_.max_body);
    response.set("Retry-After", std::to_string(std::max<int64_t>(1, (retry_after_ms + 999) / 1000)));
    SendError(response, 429, "client " + client + " is over its rate limit; retry in " +
                                 std::to_string(retry_after_ms) + " ms");
    return false;
  }

  // Accept refused the rows. InvalidArgument: the request's log record can
  // never fit under wal.max_size, so a retry cannot help (413). Otherwise
  // 503 with Retry-After: a full buffer or log, a shutdown, or a log that
  // an I/O error turned read-only until a restart.
  void SendBusy(HTTPServerResponse& response, const Stream& stream, const Status& st) {
    if (st.IsInvalidArgument()) {
      SendError(response, 413,
                "stream '" + stream.name() + "' can never take this request (wal.max_size " +
                    std::to_string(stream.options().wal.max_total_bytes) +
                    " bytes); send it in smaller parts: " + st.message());
      return;
    }
    const bool read_only =
        st.code() == Status::Code::kIoError && !stream.Stats().wal.log.error.empty();
    const int64_t ms = read_only ? kReadOnlyRetryAfterMs : st.retry_after_ms();
    const int64_t seconds = ms > 0 ? (ms + 999) / 1000 : 1;
    response.set("Retry-After", std::to_string(seconds));
    SendError(response, 503,
              read_only ? "stream '" + stream.name() +
                              "' cannot take events: its write-ahead log is read-only after an "
                              "I/O error, until sinkhost is restarted: " + st.message()
                        : "stream '" + stream.name() + "' cannot take events now: " +
                              st.message());
  }

  void Preflight(HTTPServerRequest& request, HTTPServerResponse& response) {
    SkipBody(request, response, e_.max_body);
    const std::string& asked = request.get("Access-Control-Request-Headers", kEmpty);
    response.set("Access-Control-Allow-Methods", "POST, OPTIONS");
    response.set("Access-Control-Allow-Headers", asked.empty() ? "Content-Type" : asked);
    response.set("Access-Control-Max-Age", "86400");
    response.set("Vary", "Access-Control-Request-Headers");
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
    response.send();  // 204: Poco writes no Content-Length and no body
  }

  void MethodNotAllowed(HTTPServerRequest& request, HTTPServerResponse& response,
                        std::string_view path) {
    SkipBody(request, response, e_.max_body);
    response.set("Allow", "POST, OPTIONS");
    SendError(response, 405,
              "method " + request.getMethod() + " is not allowed on " + std::string(path) +
                  " (allowed: POST, OPTIONS)");
  }

  void LogRejected(const HTTPServerRequest& request, const IngestError& error) {
    if (log().debug())
      log().debug(request.getMethod() + " " + request.getURI() + ": " +
                  std::to_string(error.http_status) + " " + error.ToString());
  }

  static inline const std::string kEmpty;
  const IngestEndpoints& e_;
};

}  // namespace

IngestHandlerFactory::IngestHandlerFactory(IngestEndpoints endpoints) : endpoints_(endpoints) {}

Poco::Net::HTTPRequestHandler* IngestHandlerFactory::createRequestHandler(
    const Poco::Net::HTTPServerRequest& request) {
  // A non-OK status here keeps Poco from sending "100 Continue" for a body
  // that will be refused anyway.
  if (ContentLengthAbove(request, endpoints_.max_body))
    request.response().setStatus(Poco::Net::HTTPResponse::HTTP_REQUESTENTITYTOOLARGE);
  return new IngestHandler(endpoints_);
}

}  // namespace sinkhost
