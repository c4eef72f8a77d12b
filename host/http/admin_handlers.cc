// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/http/admin_handlers.h"

#include <Poco/Logger.h>
#include <Poco/SHA2Engine.h>
#include <Poco/URI.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/ingest/timestamp.h"
#include "host/metrics/host_metrics.h"
#include "host/metrics/prometheus_text.h"
#include "host/stats/stats_json.h"
#include "sinkhost/units.hpp"

namespace sinkhost {

namespace {

Poco::Logger& AdminLog() {
  static Poco::Logger& log = Poco::Logger::get("sinkhost.admin");
  return log;
}

}  // namespace

namespace {

constexpr std::string_view kEndpoints =
    " (this listener has GET /healthz, GET /api/stats, GET /metrics, POST /api/flush, POST "
    "/api/quarantine/replay)";

// The method each path takes; empty for unknown paths.
std::string_view MethodFor(std::string_view path) {
  if (path == "/healthz" || path == "/api/stats" || path == "/metrics") return "GET";
  if (path == "/api/flush" || path == "/api/quarantine/replay") return "POST";
  return {};
}

// The request's query parameters; false after answering 400 when the
// query string does not decode.
bool ParseQuery(const HttpRequest& request, HttpResponse* response,
                Poco::URI::QueryParameters* params) {
  try {
    *params = Poco::URI(std::string(request.target)).getQueryParameters();
    return true;
  } catch (const Poco::Exception& ex) {
    response->SetError(400, "bad query string: " + ex.message());
    return false;
  }
}

}  // namespace

bool AdminHandler::OnHead(const HttpRequest& request, HttpResponse* response) {
  // Everything but /healthz is behind the token, even the 404s.
  if (request.path != "/healthz" && !e_.token.empty() &&
      !BearerTokenMatches(request.Header("Authorization"), e_.token)) {
    response->AddHeader("WWW-Authenticate", "Bearer realm=\"sinkhost admin\"");
    response->SetError(401, "this admin API needs the header 'Authorization: Bearer <admin.token>'");
    return true;
  }
  const std::string_view method = MethodFor(request.path);
  if (method.empty()) {
    response->SetError(404, "no endpoint at " + std::string(request.path) + std::string(kEndpoints));
    return true;
  }
  if (request.method != method) {
    response->AddHeader("Allow", method);
    response->SetError(405, "method " + std::string(request.method) + " is not allowed on " +
                                std::string(request.path) + " (allowed: " + std::string(method) +
                                ")");
    return true;
  }
  return false;
}

bool AdminHandler::MayBlock(const HttpRequest& request) const { return request.path != "/healthz"; }

void AdminHandler::Handle(const HttpRequest& request, HttpResponse* response) {
  const std::string_view path = request.path;
  if (path == "/healthz") return response->SetJson(200, "{\"status\":\"ok\"}");
  if (path == "/api/stats") return Stats(request, response);
  if (path == "/metrics")
    return response->SetBody(200, PrometheusText::kContentType,
                             RenderPrometheusMetrics(e_.snapshot()));
  if (path == "/api/flush") return Flush(request, response);
  ReplayQuarantine(request, response);  // the last path OnHead lets through
}

void AdminHandler::Stats(const HttpRequest& request, HttpResponse* response) {
  Poco::URI::QueryParameters params;
  if (!ParseQuery(request, response, &params)) return;
  std::optional<int64_t> since_us;
  for (const auto& [key, value] : params) {
    if (key != "recent_since")
      return response->SetError(400, "unknown query parameter '" + key + "' (known: recent_since)");
    int64_t us = 0;
    if (!ingest::ParseRfc3339(value, &us))
      return response->SetError(400,
                                "recent_since: expected a time such as "
                                "2026-11-24T16:18:54.123456Z, got '" + value + "'");
    since_us = us;
  }
  HostSnapshot snapshot = e_.snapshot();
  if (since_us) KeepRecentAfter(*since_us, &snapshot);
  response->SetJson(200, JsonText(StatsToJson(snapshot), 2));
}

void AdminHandler::Flush(const HttpRequest& request, HttpResponse* response) {
  int64_t timeout_ms = e_.default_flush_timeout_ms;
  std::vector<const StreamSet::Entry*> targets;
  Poco::URI::QueryParameters params;
  if (!ParseQuery(request, response, &params)) return;
  for (const auto& [key, value] : params) {
    if (key == "stream") {
      const StreamSet::Entry* entry = e_.streams->Find(value);
      if (entry == nullptr) return response->SetError(404, "unknown stream '" + value + "'");
      targets.push_back(entry);
    } else if (key == "timeout") {
      if (Status st = ParseDurationMs(value, &timeout_ms); !st.ok())
        return response->SetError(400, "timeout: " + st.message());
    } else {
      return response->SetError(400,
                                "unknown query parameter '" + key + "' (known: stream, timeout)");
    }
  }
  if (targets.empty()) {
    for (const auto& e : e_.streams->entries()) targets.push_back(e.get());
  }
  // One deadline for the whole request: each stream gets what is left.
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::milliseconds(timeout_ms);
  std::vector<FlushOutcome> outcomes;
  for (const StreamSet::Entry* entry : targets) {
    const auto left = std::max(std::chrono::milliseconds(0),
                               std::chrono::duration_cast<std::chrono::milliseconds>(
                                   deadline - std::chrono::steady_clock::now()));
    outcomes.push_back(entry->stream->Flush(left));
  }
  const double elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  Poco::JSON::Object::Ptr json = FlushToJson(outcomes, timeout_ms, elapsed_ms);
  const bool completed = json->getValue<bool>("completed");
  if (!completed)
    AdminLog().warning("POST " + std::string(request.target) +
                       ": some sinks did not finish within " + std::to_string(timeout_ms) + " ms");
  response->SetJson(completed ? 200 : 504, JsonText(json, 2));
}

// POST /api/quarantine/replay?sink=NAME[&stream=S]: queues the rows of the
// sink's quarantine file for delivery again. Without ?stream the stream is
// the one that has a sink of that name, when only one has.
void AdminHandler::ReplayQuarantine(const HttpRequest& request, HttpResponse* response) {
  Poco::URI::QueryParameters params;
  if (!ParseQuery(request, response, &params)) return;
  std::optional<std::string> sink, stream_name;
  for (const auto& [key, value] : params) {
    if (key == "sink") {
      sink = value;
    } else if (key == "stream") {
      stream_name = value;
    } else {
      return response->SetError(400, "unknown query parameter '" + key + "' (known: sink, stream)");
    }
  }
  if (!sink || sink->empty()) return response->SetError(400, "sink: is required, e.g. ?sink=NAME");
  Stream* stream = nullptr;
  if (stream_name) {
    const StreamSet::Entry* entry = e_.streams->Find(*stream_name);
    if (entry == nullptr) return response->SetError(404, "unknown stream '" + *stream_name + "'");
    if (!entry->stream->HasSink(*sink))
      return response->SetError(404, "stream '" + *stream_name + "' has no sink '" + *sink + "'");
    stream = entry->stream.get();
  } else {
    std::vector<Stream*> matches;
    std::string names;
    for (const auto& e : e_.streams->entries()) {
      if (!e->stream->HasSink(*sink)) continue;
      matches.push_back(e->stream.get());
      names += (names.empty() ? "'" : ", '") + e->stream->name() + "'";
    }
    if (matches.empty()) return response->SetError(404, "no stream has a sink '" + *sink + "'");
    if (matches.size() > 1)
      return response->SetError(400, "stream: sink '" + *sink + "' is in several streams (" +
                                         names + "); name one with ?stream=NAME");
    stream = matches.front();
  }
  int64_t rows = 0;
  Status st = stream->ReplayQuarantine(*sink, &rows);
  if (st.IsBusy())
    return response->SetError(409, "stream '" + stream->name() + "', sink '" + *sink + "': " +
                                       st.message());
  if (!st.ok())
    return response->SetError(st.IsInvalidArgument() ? 404 : 500,
                              "stream '" + stream->name() + "', sink '" + *sink + "': " +
                                  st.message());
  AdminLog().information("POST " + std::string(request.target) + ": " + std::to_string(rows) +
                         " quarantined rows queued for stream '" + stream->name() + "', sink '" +
                         *sink + "'");
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  json->set("stream", stream->name());
  json->set("sink", *sink);
  json->set("rows", rows);
  response->SetJson(200, JsonText(json, 2));
}

bool BearerTokenMatches(std::string_view header, std::string_view token) {
  constexpr std::string_view kScheme = "Bearer ";
  std::string_view given;
  if (header.size() > kScheme.size() && header.substr(0, kScheme.size()) == kScheme)
    given = header.substr(kScheme.size());
  auto digest = [](std::string_view text) {
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(text.data(), static_cast<unsigned>(text.size()));
    return sha.digest();
  };
  const Poco::DigestEngine::Digest a = digest(given), b = digest(token);
  unsigned char diff = given.empty() ? 1 : 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= a[i] ^ b[i];
  return diff == 0;
}

}  // namespace sinkhost
