// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/enrich/plausible_enricher.h"

#include <charconv>

#include "core/enrich/client_address.h"
#include "core/enrich/geo_database.h"
#include "core/enrich/referrer_source.h"
#include "core/enrich/session_store.h"
#include "core/enrich/user_agent_parser.h"
#include "core/enrich/visitor_id.h"
#include "core/ingest/ingest.h"

namespace sinkhost::enrich {
namespace {

std::atomic<uint64_t> next_enricher_id{1};

// The session's entry attributes travel as one string: the fields below in
// this order, each ended by kSep (a byte no header or URL text holds once
// stored: it is a C0 control that ingest never produces in these columns).
constexpr char kSep = '\x1f';

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
  ForEachSessionField(c, [&](const std::string& s) {
    out->append(s);
    out->push_back(kSep);
  });
  char digits[24];
  auto r = std::to_chars(digits, digits + sizeof digits, c.city_geoname_id);
  out->append(digits, r.ptr);
}

void DecodeEntry(std::string_view in, EnrichedColumns* c) {
  ForEachSessionField(*c, [&](std::string& s) {
    const size_t end = in.find(kSep);
    s.assign(in.substr(0, end));
    in.remove_prefix(end == std::string_view::npos ? in.size() : end + 1);
  });
  int64_t id = 0;
  std::from_chars(in.data(), in.data() + in.size(), id);
  c->city_geoname_id = id;
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
    out->has_device = ua_cache_ != nullptr;
    if (ua_cache_ != nullptr) {
      if (++events_since_flush_ >= kCounterFlushEvents) FlushCounters();
      const UserAgentInfo& ua = ua_cache_->Get(event.user_agent);
      if (opts_.drop_bots && ua.bot != BotKind::kNone) {
        Count(ua.bot == BotKind::kHeadlessBrowser ? DropReason::kHeadlessBrowser
                                                  : DropReason::kCrawler);
        return Verdict::kDrop;
      }
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
      owner_->geo_->Lookup(Address(ctx.client_address), &location_);
      out->country_code = location_.country_code;
      out->subdivision1_code = location_.subdivision1_code;
      out->subdivision2_code = location_.subdivision2_code;
      out->city_geoname_id = location_.city_geoname_id;
    }
    out->has_user_id = false;
    out->has_session_id = false;
    if (owner_->sessions_ != nullptr) EncodeEntry(*out, &entry_);
    merged_ = false;
    return Verdict::kKeep;
  }

  Verdict ForDomain(const RequestContext& ctx, const PlausibleEventFacts& event,
                    std::string_view domain, EnrichedColumns* out) override {
    if (owner_->salts_ == nullptr) return Verdict::kKeep;
    if (salts_.day < 0 || ctx.now_us < day_begin_us_ || ctx.now_us >= day_begin_us_ + kMicrosPerDay) {
      // A failed salts write is logged by whoever reads the stats; the
      // salts in memory hold either way.
      (void)owner_->salts_->ForTime(ctx.now_us, &salts_);
      day_begin_us_ = salts_.day * kMicrosPerDay;
    }
    const std::string_view address = AddressText(ctx.client_address);
    const uint64_t user_id =
        hasher_.UserId(salts_.current, event.user_agent, address, domain, event.hostname);
    out->has_user_id = true;
    out->user_id = static_cast<int64_t>(user_id);
    if (owner_->sessions_ == nullptr) return Verdict::kKeep;

    SessionStore::Visit visit;
    visit.user_id = user_id;
    visit.now_us = ctx.now_us;
    visit.may_start = !event.engagement;
    if (salts_.has_previous) {
      visit.has_previous_user_id = true;
      visit.previous_user_id =
          hasher_.UserId(salts_.previous, event.user_agent, address, domain, event.hostname);
    }
    if (!owner_->sessions_->Touch(visit, entry_, &session_)) {
      Count(DropReason::kNoSessionForEngagement);
      return Verdict::kDrop;
    }
    out->has_session_id = true;
    out->session_id = static_cast<int64_t>(session_.session_id);
    // A session that began before the salt rotated keeps its visitor id.
    out->user_id = static_cast<int64_t>(session_.user_id);
    // The event takes the session's attributes (Plausible's merge_session);
    // a row of another domain of this event may have changed them before.
    if (session_.entry != entry_ || merged_) {
      DecodeEntry(session_.entry, out);
      merged_ = session_.entry != entry_;
    }
    return Verdict::kKeep;
  }

 private:
  void Count(DropReason r) {
    owner_->dropped_[static_cast<int>(r)].fetch_add(1, std::memory_order_relaxed);
  }

  // The User-Agent cache counts in plain integers; they reach the shared
  // atomics now and then, not on every event.
  void FlushCounters() {
    events_since_flush_ = 0;
    if (ua_cache_ == nullptr) return;
    owner_->ua_hits_.fetch_add(ua_cache_->hits() - hits_reported_, std::memory_order_relaxed);
    owner_->ua_misses_.fetch_add(ua_cache_->misses() - misses_reported_,
                                 std::memory_order_relaxed);
    hits_reported_ = ua_cache_->hits();
    misses_reported_ = ua_cache_->misses();
  }

  // The request's client address, parsed once per distinct text.
  const IpAddress& Address(std::string_view text) {
    if (text != address_text_) {
      address_text_.assign(text);
      if (!ParseIpAddress(text, &address_)) address_ = IpAddress();
      char buf[IpAddress::kMaxTextSize];
      canonical_.assign(address_.empty() ? text : address_.ToString(buf));
    }
    return address_;
  }
  // Its canonical text, which the visitor id hashes.
  std::string_view AddressText(std::string_view text) {
    Address(text);
    return canonical_;
  }

  PlausibleEnricher* const owner_;
  const EnrichOptions& opts_;
  std::unique_ptr<UserAgentCache> ua_cache_;
  TrafficSource traffic_;
  GeoLocation location_;
  VisitorHasher hasher_;
  DaySalts salts_;
  int64_t day_begin_us_ = 0;
  std::string address_text_{"\x01"};  // never a real header: the first call parses
  IpAddress address_;
  std::string canonical_;
  std::string entry_;
  SessionStore::Result session_;
  bool merged_ = false;
  uint64_t hits_reported_ = 0, misses_reported_ = 0;
  // The stats lag the cache by at most this many events per thread.
  static constexpr int kCounterFlushEvents = 64;
  int events_since_flush_ = 0;
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
