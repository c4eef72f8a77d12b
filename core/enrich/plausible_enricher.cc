// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/enrich/plausible_enricher.h"

#include <cstring>

#include "core/enrich/client_address.h"
#include "core/enrich/geo_database.h"
#include "core/enrich/referrer_source.h"
#include "core/enrich/session_store.h"
#include "core/enrich/user_agent_parser.h"
#include "core/enrich/visitor_id.h"
#include "core/ingest/ingest.h"
#include "core/util/log.h"

namespace sinkhost::enrich {
namespace {

std::atomic<uint64_t> next_enricher_id{1};

// The session's entry attributes travel as one string: the fields below in
// this order, each as a 4-byte length and its bytes (a separator byte would
// not do: a percent-decoded UTM value can hold any byte), then the city id.
template <typename F>
void ForEachSessionField(EnrichedColumns& c, F&& f) {
  f(c.referrer);
  f(c.referrer_source);
  f(c.utm_medium);
  f(c.utm_source);
  f(c.utm_campaign);
  f(c.utm_content);
  f(c.utm_term);
  f(c.click_id_param);
  f(c.country_code);
  f(c.subdivision1_code);
  f(c.subdivision2_code);
  f(c.screen_size);
  f(c.operating_system);
  f(c.operating_system_version);
  f(c.browser);
  f(c.browser_version);
}

void EncodeEntry(EnrichedColumns& c, std::string* out) {
  out->clear();
  ForEachSessionField(c, [&](std::string_view s) {
    const uint32_t n = static_cast<uint32_t>(s.size());
    out->append(reinterpret_cast<const char*>(&n), sizeof n);
    out->append(s);
  });
  out->append(reinterpret_cast<const char*>(&c.city_geoname_id), sizeof c.city_geoname_id);
}

// Points c's session fields into `in` (which must outlive their use); `in`
// is what EncodeEntry wrote.
void DecodeEntry(std::string_view in, EnrichedColumns* c) {
  ForEachSessionField(*c, [&](std::string_view& s) {
    uint32_t n = 0;
    std::memcpy(&n, in.data(), sizeof n);
    s = in.substr(sizeof n, n);
    in.remove_prefix(sizeof n + n);
  });
  std::memcpy(&c->city_geoname_id, in.data(), sizeof c->city_geoname_id);
}

}  // namespace

std::string_view DropReasonName(DropReason r) {
  switch (r) {
    case DropReason::kCrawler: return "crawler";
    case DropReason::kHeadlessBrowser: return "headless_browser";
    case DropReason::kNoSessionForEngagement: return "no_session_for_engagement";
    case DropReason::kCount: break;
  }
  return "unknown";
}

class PlausibleEnricher::Stage final : public PlausibleEnrichment {
 public:
  explicit Stage(PlausibleEnricher* owner)
      : owner_(owner),
        opts_(owner->options_),
        ua_cache_(owner->user_agents_ ? std::make_unique<UserAgentCache>(
                                            owner->user_agents_.get(),
                                            static_cast<size_t>(opts_.user_agent_cache))
                                      : nullptr) {}

  // Does not touch the enricher: a thread may drop its stage after the
  // enricher is gone.
  ~Stage() override = default;

  Verdict BeginEvent(const RequestContext& ctx, const PlausibleEventFacts& event,
                     EnrichedColumns* out) override {
    // No view of an earlier call (perhaps another stage's) may survive into
    // this event's row or session entry.
    *out = EnrichedColumns();
    out->has_device = ua_cache_ != nullptr;
    if (ua_cache_ != nullptr) {
      if (++events_since_flush_ >= kCounterFlushEvents) FlushCounters();
      const UserAgentInfo& ua = ua_cache_->Get(event.user_agent);
      if (opts_.drop_bots && ua.bot != BotKind::kNone) {
        Count(ua.bot == BotKind::kHeadlessBrowser ? DropReason::kHeadlessBrowser
                                                  : DropReason::kCrawler);
        return Verdict::kDrop;
      }
      // Views into the cache entry: valid until the next Get.
      out->browser = ua.browser;
      out->browser_version = ua.browser_version;
      out->operating_system = ua.operating_system;
      out->operating_system_version = ua.operating_system_version;
      out->screen_size = ScreenSizeName(ua.screen_size);
    }
    out->has_traffic = opts_.traffic_source;
    if (opts_.traffic_source) {
      if (event.url_parts != nullptr)
        DeriveTrafficSource(*event.url_parts, event.has_referrer, event.referrer,
                            owner_->referrers_.get(), &traffic_);
      else
        DeriveTrafficSource(event.url, event.has_referrer, event.referrer,
                            owner_->referrers_.get(), &traffic_);
      out->referrer = traffic_.referrer;
      out->referrer_source = traffic_.referrer_source;
      out->utm_medium = traffic_.utm_medium;
      out->utm_source = traffic_.utm_source;
      out->utm_campaign = traffic_.utm_campaign;
      out->utm_content = traffic_.utm_content;
      out->utm_term = traffic_.utm_term;
      out->click_id_param = traffic_.click_id_param;
    }
    out->has_location = owner_->geo_ != nullptr;
    if (owner_->geo_ != nullptr) {
      const GeoLocation& where = Locate(ctx.client_address);
      out->country_code = where.country_code;
      out->subdivision1_code = where.subdivision1_code;
      out->subdivision2_code = where.subdivision2_code;
      out->city_geoname_id = where.city_geoname_id;
    }
    out->has_user_id = false;
    out->has_session_id = false;
    if (owner_->sessions_ != nullptr) event_columns_ = *out;
    return Verdict::kKeep;
  }

  Verdict ForDomain(const RequestContext& ctx, const PlausibleEventFacts& event,
                    std::string_view domain, EnrichedColumns* out) override {
    if (owner_->salts_ == nullptr) return Verdict::kKeep;
    if (salts_.day < 0 || ctx.now_us < day_begin_us_ ||
        ctx.now_us >= day_begin_us_ + kMicrosPerDay ||
        (!salts_saved_ && ctx.now_us >= retry_save_at_us_)) {
      // The salts in memory hold whether or not the file could be written;
      // a failed write is logged and tried again a minute later, because a
      // restart before it succeeds would change the day's visitor ids.
      const Status st = owner_->salts_->ForTime(ctx.now_us, &salts_);
      salts_saved_ = st.ok();
      if (!st.ok()) {
        retry_save_at_us_ = ctx.now_us + kSaltRetryUs;
        Log(LogLevel::kError, "enrich",
            "cannot save the visitor-id salts (ids change if the host restarts before this "
            "succeeds; retrying in a minute): " + st.message());
      }
      day_begin_us_ = salts_.day * kMicrosPerDay;
    }
    // The host passes the address in its canonical text form (the peer's,
    // or IpAddress::ToString of what trusted proxies said).
    const std::string_view address = ctx.client_address;
    const uint64_t user_id =
        hasher_.UserId(salts_.current, event.user_agent, address, domain, event.hostname);
    out->has_user_id = true;
    out->user_id = static_cast<int64_t>(user_id);
    SessionStore* sessions = owner_->sessions_.get();
    if (sessions == nullptr) return Verdict::kKeep;

    // The visitor's session: under today's id, or one that began under
    // yesterday's salt (hashed only when needed), or a new one.
    bool found = sessions->Find(user_id, ctx.now_us, &session_);
    if (!found && salts_.has_previous) {
      const uint64_t previous =
          hasher_.UserId(salts_.previous, event.user_agent, address, domain, event.hostname);
      found = sessions->Find(previous, ctx.now_us, &session_);
    }
    if (!found) {
      if (event.engagement) {
        Count(DropReason::kNoSessionForEngagement);
        return Verdict::kDrop;
      }
      EncodeEntry(event_columns_, &entry_);
      sessions->Start(user_id, ctx.now_us, entry_, &session_);
    }
    out->has_session_id = true;
    out->session_id = static_cast<int64_t>(session_.session_id);
    // A session that began before the salt rotated keeps its visitor id.
    out->user_id = static_cast<int64_t>(session_.user_id);
    // The event takes the session's attributes (Plausible's merge_session):
    // views into session_.entry, valid until this stage's next call.
    DecodeEntry(session_.entry, out);
    return Verdict::kKeep;
  }

 private:
  void Count(DropReason r) {
    owner_->dropped_[static_cast<int>(r)].fetch_add(1, std::memory_order_relaxed);
  }

  // The User-Agent cache counts in plain integers; they reach the shared
  // atomics every kCounterFlushEvents events, not on every event.
  void FlushCounters() {
    events_since_flush_ = 0;
    if (ua_cache_ == nullptr) return;
    owner_->ua_hits_.fetch_add(ua_cache_->hits() - hits_reported_, std::memory_order_relaxed);
    owner_->ua_misses_.fetch_add(ua_cache_->misses() - misses_reported_,
                                 std::memory_order_relaxed);
    hits_reported_ = ua_cache_->hits();
    misses_reported_ = ua_cache_->misses();
  }

  // The location of the request's client address. Decoded records are kept
  // in a small direct-mapped cache by record: visitors of one network share
  // one, and decoding walks the record's map three times.
  const GeoLocation& Locate(std::string_view address_text) {
    IpAddress address;
    if (!ParseIpAddress(address_text, &address)) return no_location_;
    const uint64_t record = owner_->geo_->RecordOf(address);
    if (record == GeoDatabase::kNoRecord) return no_location_;
    GeoSlot& slot = geo_cache_[record % kGeoCacheSlots];
    if (slot.record != record) {
      owner_->geo_->Decode(record, &slot.location);
      slot.record = record;
    }
    return slot.location;
  }

  static constexpr size_t kGeoCacheSlots = 256;
  struct GeoSlot {
    uint64_t record = GeoDatabase::kNoRecord;
    GeoLocation location;
  };
  // The stats lag the cache by at most this many events per thread.
  static constexpr int kCounterFlushEvents = 64;

  PlausibleEnricher* const owner_;
  const EnrichOptions& opts_;
  std::unique_ptr<UserAgentCache> ua_cache_;
  TrafficSource traffic_;
  std::array<GeoSlot, kGeoCacheSlots> geo_cache_;
  const GeoLocation no_location_;
  VisitorHasher hasher_;
  DaySalts salts_;
  int64_t day_begin_us_ = 0;
  static constexpr int64_t kSaltRetryUs = int64_t{60} * 1000000;
  bool salts_saved_ = true;
  int64_t retry_save_at_us_ = 0;
  EnrichedColumns event_columns_;  // what BeginEvent derived, for a new session
  std::string entry_;
  SessionStore::Result session_;
  int events_since_flush_ = 0;
  uint64_t hits_reported_ = 0, misses_reported_ = 0;
};

PlausibleEnricher::PlausibleEnricher(const EnrichOptions& options)
    : options_(options), id_(next_enricher_id.fetch_add(1)) {}

PlausibleEnricher::~PlausibleEnricher() = default;

Status PlausibleEnricher::Open(const EnrichOptions& options, int64_t now_us,
                               std::unique_ptr<PlausibleEnricher>* out) {
  std::unique_ptr<PlausibleEnricher> e(new PlausibleEnricher(options));
  if (!options.enabled) {
    *out = std::move(e);
    return Status::OK();
  }
  if (options.device) {
    const std::string path = options.user_agent_rules.empty() ? UserAgentParser::DefaultRulesPath()
                                                              : options.user_agent_rules;
    Status st = UserAgentParser::Load(path, &e->user_agents_);
    if (!st.ok()) return st.WithContext("enrich.user_agent_rules");
  }
  if (options.traffic_source) {
    std::string path = options.referrer_database.empty() ? ReferrerSources::DefaultPath()
                                                         : options.referrer_database;
    if (path.empty())
      return Status::InvalidArgument(
          "enrich.referrer_database: the referer-parser database is not installed (Debian "
          "package ruby-referer-parser); install it, name the file, or set "
          "enrich.traffic_source: false");
    Status st = ReferrerSources::Load(path, &e->referrers_);
    if (!st.ok()) return st.WithContext("enrich.referrer_database");
  }
  if (!options.geo_database.empty()) {
    Status st = GeoDatabase::Open(options.geo_database, &e->geo_);
    if (!st.ok()) return st.WithContext("enrich.geo_database");
  }
  if (options.visitor_id) {
    Status st = SaltStore::Open(options.salt_dir, now_us, &e->salts_);
    if (!st.ok()) return st.WithContext("enrich: visitor id salts");
    if (options.sessions)
      e->sessions_ = std::make_unique<SessionStore>(options.session_timeout_ms * 1000,
                                                    static_cast<size_t>(options.max_sessions));
  }
  *out = std::move(e);
  return Status::OK();
}

std::unique_ptr<PlausibleEnrichment> PlausibleEnricher::NewStage() {
  return std::make_unique<Stage>(this);
}

EnrichStats PlausibleEnricher::stats() const {
  EnrichStats s;
  for (size_t i = 0; i < s.dropped.size(); ++i)
    s.dropped[i] = dropped_[i].load(std::memory_order_relaxed);
  if (sessions_ != nullptr) {
    const SessionStore::Counters c = sessions_->counters();
    s.sessions_live = c.live;
    s.sessions_started = c.started;
    s.sessions_expired = c.expired;
    s.sessions_evicted = c.evicted;
  }
  s.user_agent_cache_hits = ua_hits_.load(std::memory_order_relaxed);
  s.user_agent_cache_misses = ua_misses_.load(std::memory_order_relaxed);
  if (geo_ != nullptr) s.geo_database_type = std::string(geo_->database_type());
  if (user_agents_ != nullptr) s.user_agent_rules = user_agents_->rule_count();
  if (referrers_ != nullptr) s.referrer_sources = referrers_->size();
  return s;
}

}  // namespace sinkhost::enrich
