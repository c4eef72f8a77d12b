// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The enrichment stage (core/enrich) in-process, and the traffic the HTTP
// enrichment row sends:
//
//   bench_enrich mix COUNT
//       Prints COUNT requests for bench/wrk/enrich.lua, one a line:
//       "<User-Agent>\t<X-Forwarded-For>\t<tracker body>".
//   bench_enrich stage SECONDS DIR [MMDB]
//       PlausibleEventParser over the same mix with RequestContext.enrichment
//       set (a PlausibleEnricher with the default rules, salts in DIR, the
//       GeoIP database MMDB if given) and with it null, alternating in slices
//       on one thread, each for SECONDS in all, after a warm-up pass (the
//       User-Agent cache holds the whole mix). Prints "<parse-only events/s>
//       <parse+enrich events/s> <stage ns/event>".
//   bench_enrich cold-ua
//       UserAgentParser::Parse, timed one string at a time (the thread's CPU
//       time, so that a parse preempted by another process on the shared
//       cores is not charged that process's time slice), over every
//       distinct user_agent_string of uap-core's tests/test_ua.yaml (what a
//       User-Agent cache miss costs), after a warm-up over the strings of
//       test_os.yaml and test_device.yaml (other strings, so that RE2's lazily
//       built DFA states are as warm as in a running host, yet no measured
//       string was seen before). Prints "<p50 us> <p99 us> <strings>".
//   bench_enrich rss VISITORS DIR MIX_FILE [MMDB]
//       VmRSS of this process warmed by parsing MIX_FILE (what `mix`
//       printed) without enrichment, then after opening a PlausibleEnricher
//       (default rules) and sending VISITORS distinct visitors (one event
//       each, distinct client addresses) through parser and stage, so that
//       VISITORS sessions are live. Prints "<before MiB> <opened MiB>
//       <after MiB> <sessions live>" (opened: the enricher open, no
//       sessions yet).
//
// The mix: a few hundred distinct User-Agents from uap-core's test_ua.yaml
// (read at run time; crawlers and headless browsers left out, so every event
// takes the whole path), the common browsers first, drawn with Zipf weights
// so that a few dozen carry most requests, as in real traffic; 2,000
// visitors, each with one User-Agent and one address (a third of them in
// the documentation ranges the test GeoIP database covers, a tenth IPv6);
// bench_events.h's URLs (a third with UTM tags) with a referrer mix of
// search, social, direct and internal traffic. Deterministic (fixed seed).
#include <yaml-cpp/yaml.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bench/bench_events.h"
#include "core/enrich/plausible_enricher.h"
#include "core/enrich/user_agent_parser.h"

using namespace sinkhost;

namespace {

constexpr const char* kUapTests = "/usr/share/uap-core/tests/";
constexpr int kDistinctUserAgents = 300;
constexpr int kCommonFirst = 60;  // common-browser strings at the top of the Zipf ranking
constexpr int kVisitors = 2000;
constexpr int kMixEvents = 10000;
constexpr int kRowsPerBatch = 1000;  // rows cleared as bench_parse clears a body's

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_enrich: %s\n", what.c_str());
  std::exit(1);
}

void Check(const Status& st, const std::string& what) {
  if (!st.ok()) Die(what + ": " + st.message());
}

// The user_agent_string values of one uap-core test file, in file order.
std::vector<std::string> TestUserAgents(const std::string& file) {
  std::vector<std::string> out;
  try {
    const YAML::Node root = YAML::LoadFile(std::string(kUapTests) + file);
    for (const YAML::Node& c : root["test_cases"]) out.push_back(c["user_agent_string"].as<std::string>());
  } catch (const YAML::Exception& e) {
    Die(std::string(kUapTests) + file + ": " + e.what() + " (Debian package uap-core)");
  }
  return out;
}

std::vector<std::string> Distinct(std::vector<std::string> v) {
  std::set<std::string> seen;
  std::vector<std::string> out;
  for (auto& s : v)
    if (!s.empty() && seen.insert(s).second) out.push_back(std::move(s));
  return out;
}

std::unique_ptr<enrich::UserAgentParser> LoadParser() {
  std::unique_ptr<enrich::UserAgentParser> p;
  Check(enrich::UserAgentParser::Load(enrich::UserAgentParser::DefaultRulesPath(), &p),
        "loading uap-core's rules");
  return p;
}

// kDistinctUserAgents strings, most common first: the browsers most real
// traffic comes from head the ranking, the long tail follows; both are
// picked evenly over the file (which groups strings by family).
std::vector<std::string> UserAgentRanking() {
  const auto parser = LoadParser();
  static const std::set<std::string, std::less<>> kCommon = {
      "Chrome", "Safari", "Firefox", "Microsoft Edge", "Samsung Browser", "Opera"};
  std::vector<std::string> common, tail;
  enrich::UserAgentInfo info;
  for (auto& ua : Distinct(TestUserAgents("test_ua.yaml"))) {
    parser->Parse(ua, &info);
    if (info.bot != enrich::BotKind::kNone) continue;
    (kCommon.count(info.browser) && !info.operating_system.empty() ? common : tail).push_back(ua);
  }
  auto spread = [](const std::vector<std::string>& from, size_t n, std::vector<std::string>* to) {
    n = std::min(n, from.size());
    for (size_t i = 0; i < n; ++i) to->push_back(from[i * from.size() / n]);
  };
  std::vector<std::string> out;
  spread(common, kCommonFirst, &out);
  spread(tail, kDistinctUserAgents - out.size(), &out);
  return out;
}

struct Request {
  std::string user_agent, address, body;
};

std::string RandomAddress(std::mt19937_64& rng) {
  const uint64_t r = rng();
  char buf[64];
  switch (r % 10) {
    case 0:  // IPv6
      std::snprintf(buf, sizeof buf, "2a0%x:%x:%x::%x", unsigned(r >> 8 & 7), unsigned(r >> 12 & 0xffff),
                    unsigned(r >> 28 & 0xffff), unsigned(r >> 44 & 0xffff));
      break;
    case 1:
    case 2:
    case 3: {  // the documentation ranges the test GeoIP database holds
      static const char* kNets[] = {"192.0.2", "198.51.100", "203.0.113"};
      std::snprintf(buf, sizeof buf, "%s.%u", kNets[(r >> 8) % 3], unsigned(r >> 16 & 0xff));
      break;
    }
    default:
      std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", unsigned(11 + (r >> 8) % 200),
                    unsigned(r >> 16 & 0xff), unsigned(r >> 24 & 0xff), unsigned(1 + (r >> 32) % 254));
  }
  return buf;
}

// A tracker body (short names) with bench_events.h's event i and a referrer
// of the mix.
std::string Body(int i, std::string_view referrer) {
  const bench::EventParts e = bench::Parts(i);
  std::string s = R"({"n":")" + e.name + R"(","u":")" + e.url + R"(","d":"example.com","r":)";
  s += referrer.empty() ? std::string("null") : "\"" + std::string(referrer) + "\"";
  s += R"(,"w":)" + std::to_string(e.width);
  if (!e.props.empty()) s += R"(,"p":)" + e.props;
  s += "}";
  return s;
}

std::vector<Request> Mix(int count) {
  const std::vector<std::string> agents = UserAgentRanking();
  std::vector<double> zipf;
  for (size_t k = 1; k <= agents.size(); ++k) zipf.push_back(1.0 / double(k));
  std::mt19937_64 rng(20260501);
  std::discrete_distribution<size_t> pick_agent(zipf.begin(), zipf.end());
  struct Visitor {
    std::string user_agent, address;
  };
  std::vector<Visitor> visitors;
  for (int v = 0; v < kVisitors; ++v) visitors.push_back({agents[pick_agent(rng)], RandomAddress(rng)});
  // Weights in percent: direct, search, social, news, internal, in-app.
  static const std::pair<const char*, int> kReferrers[] = {
      {"", 40},
      {"https://www.google.com/", 20},
      {"https://www.bing.com/search?q=sinkhost", 3},
      {"https://duckduckgo.com/", 4},
      {"https://www.example.com/blog/", 12},
      {"https://t.co/abc123", 4},
      {"https://www.facebook.com/", 4},
      {"https://www.reddit.com/r/selfhosted/comments/abc/", 3},
      {"https://news.ycombinator.com/", 4},
      {"https://github.com/sinkhost/sinkhost", 3},
      {"android-app://com.google.android.gm/", 1},
      {"https://blog.some-site.net/2024/05/analytics?ref=feed", 2},
  };
  std::vector<double> w;
  for (const auto& r : kReferrers) w.push_back(r.second);
  std::discrete_distribution<size_t> pick_referrer(w.begin(), w.end());
  std::uniform_int_distribution<int> pick_visitor(0, kVisitors - 1);
  std::vector<Request> out;
  for (int i = 0; i < count; ++i) {
    const Visitor& v = visitors[pick_visitor(rng)];
    out.push_back({v.user_agent, v.address, Body(i, kReferrers[pick_referrer(rng)].first)});
  }
  return out;
}

enrich::EnrichOptions Options(const std::string& dir, const char* mmdb) {
  enrich::EnrichOptions o;
  o.salt_dir = dir;
  if (mmdb != nullptr) o.geo_database = mmdb;
  return o;
}

void ParseOne(PlausibleEventParser& parser, const Request& r, RequestContext& ctx, RowBatch* rows) {
  ctx.user_agent = r.user_agent;
  ctx.client_address = r.address;
  IngestError error;
  if (!parser.Parse(r.body, ctx, rows, &error)) Die("event does not parse: " + error.ToString());
  if (rows->num_rows() >= kRowsPerBatch) rows->Clear();
}

int Stage(double seconds, const std::string& dir, const char* mmdb) {
  const std::vector<Request> mix = Mix(kMixEvents);
  std::unique_ptr<enrich::PlausibleEnricher> enricher;
  Check(enrich::PlausibleEnricher::Open(Options(dir, mmdb), bench::kNowMicros, &enricher), "enricher");
  const auto stage = enricher->NewStage();
  PlausibleEventParser parser;
  RowBatch rows(Schema::Plausible());
  // Time moves 10 us an event: sessions stay live (a visitor comes back
  // within seconds of simulated time) and the day's salt never rotates.
  int64_t events = 0;
  auto slice = [&](PlausibleEnrichment* enrichment, int64_t n) {
    RequestContext ctx;
    ctx.enrichment = enrichment;
    for (int64_t k = 0; k < n; ++k, ++events) {
      ctx.now_us = bench::kNowMicros + events * 10;
      ParseOne(parser, mix[size_t(events % kMixEvents)], ctx, &rows);
    }
  };
  slice(stage.get(), kMixEvents);  // warm-up: every User-Agent cached, buffers at size
  slice(nullptr, kMixEvents);
  using Clock = std::chrono::steady_clock;
  double secs[2] = {0, 0};
  int64_t counts[2] = {0, 0};
  constexpr int64_t kSlice = 20000;
  while (secs[0] < seconds || secs[1] < seconds) {
    for (int with = 0; with < 2; ++with) {
      const auto t0 = Clock::now();
      slice(with ? stage.get() : nullptr, kSlice);
      secs[with] += std::chrono::duration<double>(Clock::now() - t0).count();
      counts[with] += kSlice;
    }
  }
  const enrich::EnrichStats st = enricher->stats();
  if (st.user_agent_cache_misses > kDistinctUserAgents) Die("the User-Agent cache is not warm");
  const double parse = double(counts[0]) / secs[0], both = double(counts[1]) / secs[1];
  std::printf("%.0f %.0f %.1f\n", parse, both, 1e9 / both - 1e9 / parse);
  return 0;
}

// This thread's CPU time: a parse that the scheduler interrupts (the
// benchmark shares its cores) is not charged the other processes' slices.
double ThreadCpuMicros() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1e6 + double(ts.tv_nsec) / 1e3;
}

int ColdUserAgents() {
  const auto parser = LoadParser();
  std::vector<std::string> warm = TestUserAgents("test_os.yaml");
  for (auto& s : TestUserAgents("test_device.yaml")) warm.push_back(std::move(s));
  const std::vector<std::string> measured = Distinct(TestUserAgents("test_ua.yaml"));
  const std::set<std::string_view> measured_set(measured.begin(), measured.end());
  enrich::UserAgentInfo info;
  for (const auto& s : Distinct(std::move(warm)))
    if (!measured_set.count(s)) parser->Parse(s, &info);
  std::vector<double> us;
  for (const auto& s : measured) {
    const double t0 = ThreadCpuMicros();
    parser->Parse(s, &info);
    us.push_back(ThreadCpuMicros() - t0);
  }
  std::sort(us.begin(), us.end());
  auto pct = [&](double p) { return us[std::min(us.size() - 1, size_t(std::ceil(p * us.size())) - 1)]; };
  std::printf("%.2f %.2f %zu\n", pct(0.50), pct(0.99), us.size());
  return 0;
}

double RssMib() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atof(line.c_str() + 6) / 1024;
  Die("no VmRSS in /proc/self/status");
}

// The requests `bench_enrich mix` printed, read back without loading
// anything of the enricher (whose memory would then be reused, not counted).
std::vector<Request> ReadMix(const std::string& file) {
  std::ifstream f(file);
  if (!f) Die("cannot read " + file);
  std::vector<Request> out;
  std::string line;
  while (std::getline(f, line)) {
    const size_t a = line.find('\t'), b = line.find('\t', a + 1);
    if (a == std::string::npos || b == std::string::npos) Die(file + ": not a line of bench_enrich mix");
    out.push_back({line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1)});
  }
  if (out.empty()) Die(file + " is empty");
  return out;
}

int Rss(int64_t visitors, const std::string& dir, const std::string& mix_file, const char* mmdb) {
  // Everything but the enricher is made, and used, before the first figure.
  const std::vector<Request> mix = ReadMix(mix_file);
  const int64_t n = int64_t(mix.size());
  PlausibleEventParser parser;
  RowBatch rows(Schema::Plausible());
  RequestContext ctx;
  for (int64_t i = 0; i < n; ++i) {
    ctx.now_us = bench::kNowMicros + i;
    ParseOne(parser, mix[size_t(i)], ctx, &rows);
  }
  const double before = RssMib();

  std::unique_ptr<enrich::PlausibleEnricher> enricher;
  Check(enrich::PlausibleEnricher::Open(Options(dir, mmdb), bench::kNowMicros, &enricher), "enricher");
  const auto stage = enricher->NewStage();
  const double opened = RssMib();
  ctx.enrichment = stage.get();
  for (int64_t v = 0; v < visitors; ++v) {
    // Visitor v: its own address (10.0.0.0/8 is private, so no location,
    // as for most of a real mix without a full GeoIP database), a
    // User-Agent and event of the mix.
    char address[32];
    std::snprintf(address, sizeof address, "10.%u.%u.%u", unsigned(v >> 16 & 0xff),
                  unsigned(v >> 8 & 0xff), unsigned(v & 0xff));
    const Request& r = mix[size_t(v % n)];
    ctx.now_us = bench::kNowMicros + v * 1000;
    ctx.user_agent = r.user_agent;
    ctx.client_address = address;
    IngestError error;
    if (!parser.Parse(r.body, ctx, &rows, &error)) Die("event does not parse: " + error.ToString());
    if (rows.num_rows() >= kRowsPerBatch) rows.Clear();
  }
  const double after = RssMib();
  std::printf("%.1f %.1f %.1f %llu\n", before, opened, after,
              static_cast<unsigned long long>(enricher->stats().sessions_live));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "mix" && argc == 3) {
    for (const Request& r : Mix(std::atoi(argv[2])))
      std::printf("%s\t%s\t%s\n", r.user_agent.c_str(), r.address.c_str(), r.body.c_str());
    return 0;
  }
  if (mode == "stage" && (argc == 4 || argc == 5))
    return Stage(std::atof(argv[2]), argv[3], argc == 5 ? argv[4] : nullptr);
  if (mode == "cold-ua" && argc == 2) return ColdUserAgents();
  if (mode == "rss" && (argc == 5 || argc == 6))
    return Rss(std::atoll(argv[2]), argv[3], argv[4], argc == 6 ? argv[5] : nullptr);
  Die("usage: bench_enrich mix COUNT | stage SECONDS DIR [MMDB] | cold-ua | rss VISITORS DIR MIX_FILE [MMDB]");
}
