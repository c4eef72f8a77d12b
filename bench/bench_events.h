// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The events every benchmark sends, parses or stores, so that sinkhost and
// the tools it is compared with always get the same bytes.
//
// Event i is a Plausible event as the tracker sends it (short field names,
// for POST /api/event) or with the long names (one NDJSON line of a bulk
// request, or one line over TCP to syslog-ng). Events differ in name,
// path, query, referrer, screen width and props, cycling with period
// kDistinctEvents, so sinks store varied rows rather than one row repeated.
//
// Rows(): the same events parsed by sinkhost's own PlausibleEventParser, i.e.
// exactly the rows the host would hand a sink.
//
// Thread safety: pure functions.
#ifndef SINKHOST_BENCH_BENCH_EVENTS_H_
#define SINKHOST_BENCH_BENCH_EVENTS_H_

#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <memory>
#include <string>

#include "core/batch/row_batch.h"
#include "core/ingest/ingest.h"
#include "core/schema/schema.h"

namespace sinkhost::bench {

inline constexpr int kDistinctEvents = 1000;
// A fixed server time (2024-05-01T12:00:00Z) and user agent for rows built
// in-process; the host uses its clock and the request's header instead.
inline constexpr int64_t kNowMicros = 1714564800000000;
inline constexpr const char* kUserAgent =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 "
    "Safari/537.36";

struct EventParts {
  std::string name, url, referrer, props;  // props: a JSON object or empty
  int64_t width = 0;
};

inline EventParts Parts(int i) {
  static const char* kReferrers[] = {"https://news.ycombinator.com/", "https://www.google.com/",
                                     "https://duckduckgo.com/", "https://t.co/abc123", ""};
  static const char* kSections[] = {"blog", "docs", "pricing", "products", "about"};
  static const int kWidths[] = {1440, 1920, 390, 768, 1280};
  const int k = i % kDistinctEvents;
  EventParts e;
  e.name = k % 10 == 0 ? "signup" : "pageview";
  e.url = std::string("https://www.example.com/") + kSections[k % 5] + "/post-" +
          std::to_string(k) + (k % 3 == 0 ? "?utm_source=newsletter&utm_medium=email" : "");
  e.referrer = kReferrers[k % 5];
  e.width = kWidths[k % 5];
  if (k % 10 == 0) e.props = R"({"plan":"pro","trial":"yes"})";
  return e;
}

// POST /api/event body: short names, as the tracker sends it.
inline std::string TrackerEvent(int i) {
  const EventParts e = Parts(i);
  std::string s = R"({"n":")" + e.name + R"(","u":")" + e.url + R"(","d":"example.com","r":)";
  s += e.referrer.empty() ? std::string("null") : "\"" + e.referrer + "\"";
  s += R"(,"w":)" + std::to_string(e.width);
  if (!e.props.empty()) s += R"(,"p":)" + e.props;
  s += "}";
  return s;
}

// One NDJSON line of a bulk request (long names), without the newline.
inline std::string BulkEvent(int i) {
  const EventParts e = Parts(i);
  std::string s = R"({"name":")" + e.name + R"(","url":")" + e.url +
                  R"(","domain":"example.com","referrer":)";
  s += e.referrer.empty() ? std::string("null") : "\"" + e.referrer + "\"";
  s += R"(,"screen_width":)" + std::to_string(e.width);
  if (!e.props.empty()) s += R"(,"props":)" + e.props;
  s += "}";
  return s;
}

// Events first..first+count-1 as one NDJSON body.
inline std::string BulkBody(int first, int count) {
  std::string body;
  for (int i = first; i < first + count; ++i) body += BulkEvent(i) + "\n";
  return body;
}

// `count` rows, event i at row i, as the host's parser makes them.
inline std::unique_ptr<RowBatch> Rows(int first, int count) {
  auto rows = std::make_unique<RowBatch>(Schema::Plausible());
  PlausibleEventParser parser;
  RequestContext ctx{kNowMicros, kUserAgent};
  IngestError error;
  for (int i = first; i < first + count; ++i) {
    // Distinct timestamps, one millisecond apart, as a real stream has.
    ctx.now_us = kNowMicros + int64_t(i) * 1000;
    if (!parser.Parse(TrackerEvent(i), ctx, rows.get(), &error)) {
      std::fprintf(stderr, "bench: event %d does not parse: %s\n", i, error.ToString().c_str());
      std::exit(1);
    }
  }
  return rows;
}

}  // namespace sinkhost::bench

#endif  // SINKHOST_BENCH_BENCH_EVENTS_H_
