// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Parsing the bulk bodies the HTTP benchmark sends (1,000 NDJSON events per
// body), in-process on one thread:
//
//   bench_parse simdjson SECONDS   simdjson's DOM parse_many over the body,
//                                  every document fully parsed, nothing else
//   bench_parse sinkhost SECONDS   sinkhost's BulkParser: parse, validate and
//                                  convert to plausible-schema rows
//
// Prints one line: "<events/s>".
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/bench_events.h"

using namespace sinkhost;

namespace {

constexpr int kEventsPerBody = 1000;
constexpr int kBodies = 10;  // bodies cycle like the wrk script's

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_parse: %s\n", what.c_str());
  std::exit(1);
}

template <typename Fn>
double Rate(double seconds, Fn&& parse_one_body) {
  for (int i = 0; i < 20; ++i) parse_one_body(i);  // warm-up: buffers grow to size
  const auto start = std::chrono::steady_clock::now();
  int64_t bodies = 0;
  double secs = 0;
  do {
    for (int i = 0; i < 10; ++i) parse_one_body(bodies++);
    secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } while (secs < seconds);
  return double(bodies * kEventsPerBody) / secs;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) Die("usage: bench_parse simdjson|sinkhost SECONDS");
  const std::string mode = argv[1];
  const double seconds = std::atof(argv[2]);
  std::vector<std::string> bodies;
  for (int b = 0; b < kBodies; ++b) bodies.push_back(bench::BulkBody(b * kEventsPerBody, kEventsPerBody));

  double rate = 0;
  if (mode == "simdjson") {
    simdjson::dom::parser parser;
    std::vector<simdjson::padded_string> padded;
    for (const auto& b : bodies) padded.emplace_back(b);
    rate = Rate(seconds, [&](int64_t i) {
      simdjson::dom::document_stream docs;
      if (parser.parse_many(padded[i % kBodies]).get(docs) != simdjson::SUCCESS) Die("parse_many");
      int n = 0;
      for (auto doc : docs) {
        if (doc.error() != simdjson::SUCCESS) Die("bad document");
        ++n;
      }
      if (n != kEventsPerBody) Die("wrong event count");
    });
  } else if (mode == "sinkhost") {
    BulkParser parser;
    RowBatch rows(Schema::Plausible());
    IngestError error;
    const RequestContext ctx{bench::kNowMicros, bench::kUserAgent};
    rate = Rate(seconds, [&](int64_t i) {
      rows.Clear();
      if (!parser.Parse(bodies[i % kBodies], ctx, false, &rows, &error)) Die(error.ToString());
    });
  } else {
    Die("unknown mode " + mode);
  }
  std::printf("%.0f\n", rate);
  return 0;
}
