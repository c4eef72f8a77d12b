// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/http/ingest_handlers.h"

#include <Poco/Logger.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <span>
#include <string_view>
#include <vector>

#include "core/batch/row_batch.h"
#include "core/enrich/client_address.h"
#include "core/ingest/ingest.h"
#include "host/http/body_decoding.h"

namespace sinkhost {

namespace {

// Per-thread buffers larger than this are given back after the request, so
// one huge request does not pin memory in every server thread for good.
constexpr size_t kKeepBytes = 1u << 20;
// Retry-After while a stream's log is read-only: only a restart helps.
constexpr int64_t kReadOnlyRetryAfterMs = 60000;

constexpr std::string_view kEventPath = "/api/event";
constexpr std::string_view kBulkPrefix = "/v1/streams/";
constexpr std::string_view kBulkSuffix = "/events";
constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";

Poco::Logger& HttpLog() {
  static Poco::Logger& log = Poco::Logger::get("sinkhost.http");
  return log;
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void ReleaseIfLarge(std::string* s) {
  if (s->capacity() > kKeepBytes) std::string().swap(*s);
}

// This thread's enrichment stage of `entry`'s stream, or null when the
// stream is not enriched. Keyed by the enricher's id, never its address: a
// later host in the same process may reuse the address.
PlausibleEnrichment* ThreadEnrichment(const StreamSet::Entry& entry) {
  if (entry.enricher == nullptr) return nullptr;
  struct Kept {
    uint64_t id = 0;
    std::unique_ptr<PlausibleEnrichment> stage;
  };
  thread_local std::vector<Kept> kept;
  const uint64_t id = entry.enricher->id();
  for (Kept& k : kept)
    if (k.id == id) return k.stage.get();
  if (kept.size() >= 8) kept.erase(kept.begin());
  kept.push_back({id, entry.enricher->NewStage()});
  return kept.back().stage.get();
}

// The client's address in canonical text (IpAddress::ToString): the peer,
// or what `hops` trusted proxies say in X-Forwarded-For / X-Real-IP
// (enrich/client_address.h). Points into the request or `buf`.
std::string_view ClientAddressText(const HttpRequest& request, int hops, char* buf) {
  // The peer's IPv4 text as the listener printed it is already canonical.
  if (hops == 0 && request.peer_address.find(':') == std::string_view::npos)
    return request.peer_address;
  enrich::IpAddress peer;
  if (!enrich::ParseIpAddress(request.peer_address, &peer)) return request.peer_address;
  // Every X-Forwarded-For field, in the order received: a proxy may add a
  // field of its own instead of appending to the client's (HAProxy does).
  std::string_view fields[16];
  size_t n = 0;
  for (const HttpHeader& h : request.headers)
    if (n < std::size(fields) && HeaderNameEquals(h.name, "X-Forwarded-For")) fields[n++] = h.value;
  const enrich::IpAddress client = enrich::ClientAddress(
      peer, std::span<const std::string_view>(fields, n), request.Header("X-Real-IP"), hops);
  return client.ToString(buf);
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

// Whether Accept on this stream can wait: for its fsync (group commit
// under fsync: always), or, without a log, for room in the buffer.
bool AcceptMayWait(const Stream& stream) {
  return stream.options().wal_dir.empty() || stream.options().wal.fsync == FsyncPolicy::kAlways;
}

enum class Shape { kPlausible, kBulk };

// A body-level problem in the endpoint's own error shape.
void SetInputError(HttpResponse* response, Shape shape, int status, const std::string& message) {
  IngestError error;
  error.http_status = status;
  error.errors.emplace_back("request", message);
  response->SetJson(status, shape == Shape::kPlausible ? error.PlausibleJson() : error.BulkJson());
}

void LogRejected(const HttpRequest& request, const IngestError& error) {
  if (HttpLog().debug())
    HttpLog().debug(std::string(request.method) + " " + std::string(request.target) + ": " +
                    std::to_string(error.http_status) + " " + error.ToString());
}

void Preflight(const HttpRequest& request, HttpResponse* response) {
  const std::string_view asked = request.Header("Access-Control-Request-Headers");
  response->AddHeader("Access-Control-Allow-Methods", "POST, OPTIONS");
  response->AddHeader("Access-Control-Allow-Headers", asked.empty() ? "Content-Type" : asked);
  response->AddHeader("Access-Control-Max-Age", "86400");
  response->AddHeader("Vary", "Access-Control-Request-Headers");
  response->SetEmpty(204);
}

void MethodNotAllowed(const HttpRequest& request, HttpResponse* response) {
  response->AddHeader("Allow", "POST, OPTIONS");
  response->SetError(405, "method " + std::string(request.method) + " is not allowed on " +
                              std::string(request.path) + " (allowed: POST, OPTIONS)");
}

}  // namespace

bool IngestHandler::OnHead(const HttpRequest& request, HttpResponse* response) {
  const bool post = request.method == "POST";
  if (post && !WithinRateLimit(request, response)) return true;
  const bool options = request.method == "OPTIONS";
  std::string_view name;
  const bool event = request.path == kEventPath;
  if (event || ParseBulkPath(request.path, &name)) {
    if (options) {
      Preflight(request, response);
    } else if (!post) {
      MethodNotAllowed(request, response);
    } else if (event && e_.streams->plausible() == nullptr) {
      response->SetError(404,
                         "no stream takes Plausible events: configure a stream with schema: "
                         "plausible (see ingest.plausible_stream)");
    } else if (!event && e_.streams->Find(name) == nullptr) {
      response->SetError(404, "unknown stream '" + std::string(name) + "'");
    } else {
      return false;  // read the body; Handle answers
    }
    return true;
  }
  response->SetError(404, "no endpoint at " + std::string(request.path) +
                              " (this listener takes POST /api/event and POST "
                              "/v1/streams/{stream}/events)");
  return true;
}

bool IngestHandler::MayBlock(const HttpRequest& request) const {
  if (request.path == kEventPath) return AcceptMayWait(*e_.streams->plausible());
  std::string_view name;
  ParseBulkPath(request.path, &name);
  const StreamSet::Entry* entry = e_.streams->Find(name);
  return entry != nullptr && AcceptMayWait(*entry->stream);
}

void IngestHandler::Handle(const HttpRequest& request, HttpResponse* response) {
  if (request.path == kEventPath) return PostEvent(request, response);
  std::string_view name;
  ParseBulkPath(request.path, &name);
  PostBulk(request, *e_.streams->Find(name), response);  // OnHead checked both
}

namespace {

// The request's body, decoded when it came compressed: false after
// answering when it is empty, not UTF-8, or cannot be decoded.
bool ValidBody(const HttpRequest& request, Shape shape, uint64_t max_body,
               HttpResponse* response, std::string_view* body) {
  thread_local std::string decoded;
  ReleaseIfLarge(&decoded);
  *body = request.body;
  const std::string_view encoding = request.Header("Content-Encoding");
  std::string error;
  switch (DecodeBody(encoding, request.body, max_body, &decoded, &error)) {
    case BodyDecode::kIdentity:
      break;
    case BodyDecode::kDecoded:
      *body = decoded;
      break;
    case BodyDecode::kTooLarge:
      response->SetError(413, "request body decoded from Content-Encoding '" +
                                  std::string(encoding) + "' is larger than ingest.max_body (" +
                                  std::to_string(max_body) + " bytes)");
      return false;
    case BodyDecode::kBadData:
      SetInputError(response, shape, 400,
                    "request body is not valid '" + std::string(encoding) + "' data: " + error);
      return false;
    case BodyDecode::kUnsupported:
      response->AddHeader("Accept-Encoding", "gzip, deflate");
      response->SetError(415, "Content-Encoding '" + std::string(encoding) +
                                  "' is not supported (gzip, deflate)");
      return false;
  }
  if (body->empty()) {
    SetInputError(response, shape, 400, "request body is empty");
    return false;
  }
  if (!IsValidUtf8(*body)) {
    const bool gzip_magic = body->size() >= 2 && static_cast<unsigned char>((*body)[0]) == 0x1f &&
                            static_cast<unsigned char>((*body)[1]) == 0x8b;
    SetInputError(response, shape, 400,
                  gzip_magic ? "request body is not valid UTF-8 (it looks gzip-compressed: "
                               "send it with Content-Encoding: gzip)"
                             : "request body is not valid UTF-8");
    return false;
  }
  return true;
}

// Accept refused the rows. InvalidArgument: the request's log record can
// never fit under wal.max_size, so a retry cannot help (413). Otherwise
// 503 with Retry-After: a full buffer or log, a shutdown, or a log that
// an I/O error turned read-only until a restart.
void SetBusy(HttpResponse* response, const Stream& stream, const Status& st) {
  if (st.IsInvalidArgument()) {
    response->SetError(413, "stream '" + stream.name() +
                                "' can never take this request (wal.max_size " +
                                std::to_string(stream.options().wal.max_total_bytes) +
                                " bytes); send it in smaller parts: " + st.message());
    return;
  }
  const bool read_only =
      st.code() == Status::Code::kIoError && !stream.Stats().wal.log.error.empty();
  const int64_t ms = read_only ? kReadOnlyRetryAfterMs : st.retry_after_ms();
  const int64_t seconds = ms > 0 ? (ms + 999) / 1000 : 1;
  response->AddHeader("Retry-After", std::to_string(seconds));
  response->SetError(503, read_only ? "stream '" + stream.name() +
                                          "' cannot take events: its write-ahead log is read-only "
                                          "after an I/O error, until sinkhost is restarted: " +
                                          st.message()
                                    : "stream '" + stream.name() +
                                          "' cannot take events now: " + st.message());
}

}  // namespace

namespace {

// The events of this event loop's /api/event requests whose answers wait
// for the end of the loop's batch, and each request's rows among them.
struct PendingEvents {
  std::unique_ptr<RowBatch> rows = std::make_unique<RowBatch>(Schema::Plausible());
  std::vector<std::pair<int64_t, int64_t>> ranges;  // [begin, end) by tag
};

PendingEvents& ThreadPendingEvents() {
  thread_local PendingEvents pending;
  return pending;
}

// Past this much, the next request starts a batch of its own: a log record
// stays small however many requests arrive together.
constexpr size_t kMaxPendingBytes = 256 * 1024;

}  // namespace

void IngestHandler::PostEvent(const HttpRequest& request, HttpResponse* response) {
  Stream& stream = *e_.streams->plausible();
  std::string_view body;
  if (!ValidBody(request, Shape::kPlausible, e_.max_body, response, &body)) return;
  thread_local PlausibleEventParser parser;
  thread_local auto rows = std::make_unique<RowBatch>(Schema::Plausible());
  rows->Clear();
  RequestContext ctx;
  ctx.now_us = NowMicros();
  ctx.user_agent = request.Header("User-Agent");
  char address[enrich::IpAddress::kMaxTextSize];
  if (const StreamSet::Entry* entry = e_.streams->plausible_entry(); entry->enricher != nullptr) {
    ctx.enrichment = ThreadEnrichment(*entry);
    ctx.client_address = ClientAddressText(request, e_.trusted_proxy_hops, address);
  }
  IngestError error;
  if (!parser.Parse(body, ctx, rows.get(), &error)) {
    LogRejected(request, error);
    response->SetJson(error.http_status, error.PlausibleJson());
  } else if (PendingEvents& pending = ThreadPendingEvents();
             request.can_defer && pending.rows->byte_size() < kMaxPendingBytes) {
    // Acknowledged together with the loop's other requests (FinishBatch).
    const int64_t begin = pending.rows->num_rows();
    pending.rows->Append(*rows);
    response->Defer(pending.ranges.size());
    pending.ranges.emplace_back(begin, pending.rows->num_rows());
  } else if (Status st = stream.Accept(*rows); !st.ok()) {
    SetBusy(response, stream, st);
  } else {
    response->SetBody(202, kTextPlain, "ok");
  }
  if (rows->byte_size() > kKeepBytes) rows = std::make_unique<RowBatch>(Schema::Plausible());
}

void IngestHandler::FinishBatch(const std::vector<HttpResponse*>& deferred) {
  PendingEvents& pending = ThreadPendingEvents();
  Stream& stream = *e_.streams->plausible();
  // One log record for all of them: one lock, one write.
  const Status st = stream.Accept(*pending.rows);
  if (st.IsInvalidArgument() && pending.ranges.size() > 1) {
    // Together they make a record the log can never hold (a small
    // wal.max_size): each request on its own, so only those that alone are
    // too large get 413.
    thread_local auto one = std::make_unique<RowBatch>(Schema::Plausible());
    for (HttpResponse* r : deferred) {
      const auto [begin, end] = pending.ranges[r->tag()];
      one->Clear();
      one->AppendRows(*pending.rows, begin, end);
      if (Status s = stream.Accept(*one); !s.ok()) {
        SetBusy(r, stream, s);
      } else {
        r->SetBody(202, kTextPlain, "ok");
      }
    }
  } else {
    for (HttpResponse* r : deferred) {
      if (!st.ok()) {
        SetBusy(r, stream, st);
      } else {
        r->SetBody(202, kTextPlain, "ok");
      }
    }
  }
  pending.ranges.clear();
  if (pending.rows->byte_size() > kKeepBytes) {
    pending.rows = std::make_unique<RowBatch>(Schema::Plausible());
  } else {
    pending.rows->Clear();
  }
}

void IngestHandler::PostBulk(const HttpRequest& request, const StreamSet::Entry& entry,
                             HttpResponse* response) {
  Stream& stream = *entry.stream;
  std::string_view body;
  if (!ValidBody(request, Shape::kBulk, e_.max_body, response, &body)) return;
  thread_local BulkParser parser;
  RowBatch* rows = ThreadBulkRows(entry);
  rows->Clear();
  RequestContext ctx;
  ctx.now_us = NowMicros();
  ctx.user_agent = request.Header("User-Agent");
  char address[enrich::IpAddress::kMaxTextSize];
  if (entry.enricher != nullptr) {
    ctx.enrichment = ThreadEnrichment(entry);
    ctx.client_address = ClientAddressText(request, e_.trusted_proxy_hops, address);
  }
  IngestError error;
  if (!parser.Parse(body, ctx, stream.options().ignore_unknown_fields, rows, &error)) {
    LogRejected(request, error);
    response->SetJson(error.http_status, error.BulkJson());
  } else if (Status st = stream.Accept(*rows); !st.ok()) {
    SetBusy(response, stream, st);
  } else {
    response->SetJson(202, "{\"accepted\":" + std::to_string(rows->num_rows()) + "}");
  }
}

// Answers 429 and returns false when the client has no request left.
bool IngestHandler::WithinRateLimit(const HttpRequest& request, HttpResponse* response) {
  if (e_.rate_limiter == nullptr) return true;
  std::string_view client;
  char address[enrich::IpAddress::kMaxTextSize];
  if (e_.trusted_proxy_hops > 0) {
    client = ClientAddressText(request, e_.trusted_proxy_hops, address);
  } else if (e_.trust_forwarded_for) {
    client = request.Header("X-Forwarded-For");
    client = client.substr(0, client.find(','));
    while (!client.empty() && (client.front() == ' ' || client.front() == '\t'))
      client.remove_prefix(1);
    while (!client.empty() && (client.back() == ' ' || client.back() == '\t'))
      client.remove_suffix(1);
  }
  if (client.empty()) client = request.peer_address;
  int64_t retry_after_ms = 0;
  if (e_.rate_limiter->Allow(client, RateLimiter::Clock::now(), &retry_after_ms)) return true;
  response->AddHeader("Retry-After",
                      std::to_string(std::max<int64_t>(1, (retry_after_ms + 999) / 1000)));
  response->SetError(429, "client " + std::string(client) + " is over its rate limit; retry in " +
                              std::to_string(retry_after_ms) + " ms");
  return false;
}

}  // namespace sinkhost
