// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// PlausibleEnricher: the enrichment stage of a plausible stream. It owns
// what is loaded once (uap-core's rules, the referer database, the GeoIP
// database, the salts, the live sessions) and hands each parsing thread a
// PlausibleEnrichment (core/ingest/plausible_enrichment.h) with that
// thread's caches, which derives Plausible's columns for every event:
//   device   browser, browser_version, operating_system,
//            operating_system_version, screen_size; bots dropped
//   traffic  referrer (cleaned), referrer_source, utm_*, click_id_param
//   location country_code, subdivision1_code, subdivision2_code,
//            city_geoname_id (only with a geo_database)
//   visitor  user_id (visitor_id.h)
//   sessions session_id, and the session's entry attributes on each of its
//            events, as Plausible's merge_session does
// Every part can be switched off; a part that is off leaves its columns
// NULL.
//
// Thread safety: PlausibleEnricher is thread-safe; each object NewStage()
// returns belongs to one thread and must not outlive the enricher.
#ifndef SINKHOST_CORE_ENRICH_PLAUSIBLE_ENRICHER_H_
#define SINKHOST_CORE_ENRICH_PLAUSIBLE_ENRICHER_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "core/ingest/plausible_enrichment.h"
#include "sinkhost/status.hpp"

namespace sinkhost::enrich {

class GeoDatabase;
class ReferrerSources;
class SaltStore;
class SessionStore;
class UserAgentParser;

struct EnrichOptions {
  bool enabled = true;  // `enrich: plausible` (false: `enrich: none`)
  bool device = true;
  bool drop_bots = true;           // needs device
  std::string user_agent_rules;    // "": uap-core's regexes.yaml where Debian installs it
  int64_t user_agent_cache = 4096;  // distinct User-Agents kept per parsing thread
  bool traffic_source = true;
  std::string referrer_database;   // "": ruby-referer-parser's referers.yml
  std::string geo_database;        // "": no location columns (NULL)
  bool visitor_id = true;
  bool sessions = true;            // needs visitor_id
  int64_t session_timeout_ms = 30 * 60 * 1000;
  int64_t max_sessions = 1000000;
  std::string salt_dir;            // where the salts file lives (the host's data_dir)
};

// Why events were not stored; labels of sinkhost_enrich_dropped_total.
enum class DropReason : int { kCrawler, kHeadlessBrowser, kNoSessionForEngagement, kCount };
std::string_view DropReasonName(DropReason r);

struct EnrichStats {
  std::array<uint64_t, static_cast<int>(DropReason::kCount)> dropped{};
  uint64_t sessions_live = 0, sessions_started = 0, sessions_expired = 0, sessions_evicted = 0;
  uint64_t user_agent_cache_hits = 0, user_agent_cache_misses = 0;
  std::string geo_database_type;  // "" without a database
  size_t user_agent_rules = 0, referrer_sources = 0;
};

class PlausibleEnricher {
 public:
  // Loads what the options name; errors name the option and the file.
  static Status Open(const EnrichOptions& options, int64_t now_us,
                     std::unique_ptr<PlausibleEnricher>* out);
  ~PlausibleEnricher();

  std::unique_ptr<PlausibleEnrichment> NewStage();
  EnrichStats stats() const;
  const EnrichOptions& options() const { return options_; }
  // Distinguishes this enricher from earlier ones at the same address (for
  // threads that keep a stage per enricher).
  uint64_t id() const { return id_; }

 private:
  class Stage;
  explicit PlausibleEnricher(const EnrichOptions& options);

  const EnrichOptions options_;
  const uint64_t id_;
  std::unique_ptr<UserAgentParser> user_agents_;
  std::unique_ptr<ReferrerSources> referrers_;
  std::unique_ptr<GeoDatabase> geo_;
  std::unique_ptr<SaltStore> salts_;
  std::unique_ptr<SessionStore> sessions_;
  std::array<std::atomic<uint64_t>, static_cast<int>(DropReason::kCount)> dropped_{};
  std::atomic<uint64_t> ua_hits_{0}, ua_misses_{0};
};

}  // namespace sinkhost::enrich

#endif  // SINKHOST_CORE_ENRICH_PLAUSIBLE_ENRICHER_H_
