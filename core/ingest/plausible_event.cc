// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Plausible /api/event semantics. Reference: Plausible.Ingestion.Request
// (lib/plausible/ingestion/request.ex); the checks run in the same order so
// that errors come out in the same order.
#include "core/ingest/plausible_event.h"

#include <charconv>
#include <cstring>

#include "core/ingest/json_values.h"
#include "core/ingest/revenue.h"
#include "core/ingest/url.h"
#include "core/ingest/utf8.h"

namespace sinkhost::ingest {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;
namespace pc = plausible_columns;

bool HasPlausibleLayout(const Schema& schema) {
  if (schema.kind() != Schema::Kind::kPlausible) return false;
  const Schema& ref = Schema::Plausible();
  if (schema.num_columns() != ref.num_columns()) return false;
  for (size_t i = 0; i < ref.num_columns(); ++i) {
    if (schema.column(i).type != ref.column(i).type) return false;
  }
  return true;
}

PlausibleEventConverter::FieldRef PlausibleEventConverter::Lookup(std::string_view key) {
  // Tracker short names first, then the long names of the Events API, then
  // snake_case forms of our column names for bulk senders. The rank is the
  // alias's position in Plausible's `a || b` chains.
  switch (key.size()) {
    case 1:
      switch (key[0]) {
        case 'n': return {kNameSlot, 0};
        case 'u': return {kUrlSlot, 0};
        case 'd': return {kDomainSlot, 0};
        case 'r': return {kReferrerSlot, 0};
        case 'h': return {kHashModeSlot, 0};
        case 'm': return {kPropsSlot, 0};
        case 'p': return {kPropsSlot, 2};
        case '$': return {kRevenueSlot, 1};
        case 'i': return {kInteractiveSlot, 0};
        case 'w': return {kScreenWidthSlot, 0};
        case 'e': return {kEngagementTimeSlot, 0};
      }
      break;
    case 2:
      if (key == "sd") return {kScrollDepthSlot, 0};
      break;
    case 3:
      if (key == "url") return {kUrlSlot, 1};
      break;
    case 4:
      if (key == "name") return {kNameSlot, 1};
      if (key == "meta") return {kPropsSlot, 1};
      break;
    case 5:
      if (key == "props") return {kPropsSlot, 3};
      break;
    case 6:
      if (key == "domain") return {kDomainSlot, 1};
      break;
    case 7:
      if (key == "revenue") return {kRevenueSlot, 0};
      break;
    case 8:
      if (key == "referrer") return {kReferrerSlot, 1};
      if (key == "hashMode") return {kHashModeSlot, 1};
      break;
    case 9:
      if (key == "hash_mode") return {kHashModeSlot, 2};
      break;
    case 11:
      if (key == "interactive") return {kInteractiveSlot, 1};
      break;
    case 12:
      if (key == "screen_width") return {kScreenWidthSlot, 1};
      if (key == "scroll_depth") return {kScrollDepthSlot, 1};
      break;
    case 15:
      if (key == "engagement_time") return {kEngagementTimeSlot, 1};
      break;
  }
  return {};
}

const element* PlausibleEventConverter::Resolve(int slot) const {
  for (unsigned mask = present_[slot]; mask != 0; mask &= mask - 1) {
    const element& e = fields_[slot][__builtin_ctz(mask)];
    if (!e.is_null()) return &e;
  }
  return nullptr;
}

void PlausibleEventConverter::BeginRequest(const RequestContext& ctx) {
  ctx_ = ctx;
  now_us_ = ctx.now_us;
  has_user_agent_ = !ctx.user_agent.empty();
  user_agent_.clear();
  if (has_user_agent_) {
    // Header bytes are not promised to be UTF-8; string columns must be.
    if (IsValidUtf8(ctx.user_agent)) user_agent_.assign(ctx.user_agent);
    else AppendRepairedUtf8(ctx.user_agent, &user_agent_);
  }
}

namespace {

// An integer, or a string holding one (the tracker sends either).
bool IntegerOrIntegerText(const element* v, int64_t* out) {
  if (v == nullptr) return false;
  if (JsonIntegerSaturated(*v, out)) return true;
  std::string_view s;
  return v->get_string().get(s) == simdjson::SUCCESS && ParseIntegerText(s, out);
}

// sd: 0..100, above 100 counts as 100.
bool ScrollDepthOf(const element* v, int64_t* out) {
  int64_t n = 0;
  if (!IntegerOrIntegerText(v, &n) || n < 0) return false;
  *out = n > 100 ? 100 : n;
  return true;
}

// e: milliseconds, 0 <= e < 30 days.
bool EngagementTimeOf(const element* v, int64_t* out) {
  int64_t n = 0;
  if (!IntegerOrIntegerText(v, &n) || n < 0 || n >= kMaxEngagementTimeMs) return false;
  *out = n;
  return true;
}

}  // namespace

int64_t PlausibleEventConverter::Convert(const object& event, RowBatch* rows,
                                         FieldErrors* errors) {
  const size_t errors_before = errors->size();
  auto add_error = [&](std::string_view field, std::string_view message) {
    errors->emplace_back(std::string(field), std::string(message));
  };

  std::memset(present_, 0, sizeof(present_));
  for (simdjson::dom::key_value_pair field : event) {
    FieldRef ref = Lookup(field.key);
    if (ref.slot < 0) continue;  // unknown fields are ignored, as in Plausible
    // A repeated key keeps its last value, as in a decoded map.
    fields_[ref.slot][ref.rank] = field.value;
    present_[ref.slot] |= static_cast<uint8_t>(1u << ref.rank);
  }
  ev_ = Event();

  // url: required string of at most 2000 bytes; data: URLs refused.
  UrlParts& uri = url_parts_;
  uri = UrlParts();
  bool have_uri = false;
  if (const element* url = Resolve(kUrlSlot); url == nullptr) {
    add_error("url", "is required");
  } else if (url->get_string().get(ev_.url) != simdjson::SUCCESS || ev_.url.size() > kMaxUrlBytes) {
    add_error("url", "must be a valid url");
  } else {
    uri = ParseUrl(ev_.url);
    if (SchemeEquals(uri, "data")) add_error("url", "scheme is not allowed");
    else have_uri = true;
  }

  // hostname: the URL's host, trimmed and without "www."; "(none)" if none.
  bool hostname_blank = false;
  if (have_uri && !uri.host.empty()) {
    ev_.hostname = SanitizeHostname(uri.host);
    hostname_blank = ev_.hostname.empty();
  } else {
    ev_.hostname = "(none)";
  }

  // event name: a string, or an integer kept as its decimal text.
  bool name_invalid = false;
  bool name_blank = true;
  if (const element* name = Resolve(kNameSlot); name != nullptr) {
    int64_t n = 0;
    uint64_t u = 0;
    char buf[24];
    if (name->get_string().get(ev_.name) == simdjson::SUCCESS) {
      name_blank = TrimLeadingSpace(ev_.name).empty();
    } else if (name->get_int64().get(n) == simdjson::SUCCESS) {
      name_buf_.assign(buf, std::to_chars(buf, buf + sizeof(buf), n).ptr);
      ev_.name = name_buf_;
      name_blank = false;
    } else if (name->get_uint64().get(u) == simdjson::SUCCESS) {
      name_buf_.assign(buf, std::to_chars(buf, buf + sizeof(buf), u).ptr);
      ev_.name = name_buf_;
      name_blank = false;
    } else {
      add_error("event_name", "is invalid");
      name_invalid = true;
    }
  }

  // hash mode: an integer (or a string holding one, as Ecto casts it).
  int64_t hash_mode = 0;
  if (const element* h = Resolve(kHashModeSlot); h != nullptr) {
    std::string_view s;
    if (JsonIntegerSaturated(*h, &hash_mode)) {
    } else if (h->get_string().get(s) == simdjson::SUCCESS) {
      if (!s.empty() && !ParseIntegerText(s, &hash_mode)) add_error("hash_mode", "is invalid");
    } else {
      add_error("hash_mode", "is invalid");
    }
  }

  // referrer: only a string counts; cut to 2000 characters.
  if (const element* r = Resolve(kReferrerSlot); r != nullptr) {
    std::string_view s;
    if (r->get_string().get(s) == simdjson::SUCCESS) {
      ev_.referrer = TruncateCodePoints(s, kMaxReferrerCodePoints);
      ev_.has_referrer = true;
    }
  }

  // pathname: the URL's path (or "/"), percent-decoded, trailing whitespace
  // trimmed; in hash mode 1 "#" and the decoded fragment are appended.
  if (have_uri) {
    std::string_view path = uri.path.empty() ? std::string_view("/") : uri.path;
    if (PercentDecode(path, &decode_buf_)) pathname_.assign(TrimTrailingSpace(decode_buf_));
    else pathname_.assign(TrimTrailingSpace(path));
    if (hash_mode == 1 && uri.has_fragment) {
      pathname_.push_back('#');
      if (PercentDecode(uri.fragment, &decode_buf_)) pathname_.append(decode_buf_);
      else pathname_.append(uri.fragment);
    }
    ev_.pathname = pathname_;
  } else {
    ev_.pathname = "/";
  }

  // props
  if (!props_.Encode(Resolve(kPropsSlot), name_invalid ? std::string_view() : ev_.name,
                     ev_.pathname, &nested_, &props_json_))
    add_error("props", kPropsTooLongMessage);

  // engagement events carry scroll depth and/or engagement time.
  if (!name_invalid && ev_.name == "engagement") {
    ev_.has_scroll_depth = ScrollDepthOf(Resolve(kScrollDepthSlot), &ev_.scroll_depth);
    ev_.has_engagement_time =
        EngagementTimeOf(Resolve(kEngagementTimeSlot), &ev_.engagement_time);
    if (!ev_.has_scroll_depth && !ev_.has_engagement_time)
      add_error("event_name", kBlankEngagementMessage);
  }

  // revenue (after props: both may use the nested parser)
  Revenue revenue = ParseRevenue(Resolve(kRevenueSlot), &nested_);
  ev_.has_revenue = revenue.present;
  ev_.revenue_amount = revenue.amount;
  ev_.revenue_currency = revenue.currency;

  // interactive: a boolean, default true.
  if (const element* i = Resolve(kInteractiveSlot); i != nullptr) {
    bool b = true;
    if (i->get_bool().get(b) == simdjson::SUCCESS) ev_.interactive = b;
  }

  // screen width: an integer, else NULL.
  if (const element* w = Resolve(kScreenWidthSlot); w != nullptr) {
    ev_.has_screen_width = w->get_int64().get(ev_.screen_width) == simdjson::SUCCESS;
  }

  // domains: "d" split at commas, each sanitized like a hostname; without
  // "d" (or when it is not a string), the URL's host.
  domains_.clear();
  const element* d = Resolve(kDomainSlot);
  std::string_view raw_domains;
  if (d != nullptr && d->get_string().get(raw_domains) == simdjson::SUCCESS) {
    raw_domains = TrimSpace(raw_domains);
    while (!raw_domains.empty()) {
      size_t comma = raw_domains.find(',');
      std::string_view one = SanitizeHostname(raw_domains.substr(0, comma));
      // Empty entries ("a.com,,b.com") are skipped: a row with an empty
      // domain would belong to no site.
      if (!one.empty()) domains_.push_back(one);
      if (comma == std::string_view::npos) break;
      raw_domains.remove_prefix(comma + 1);
    }
  } else if (have_uri) {
    std::string_view from_uri = SanitizeHostname(uri.host);
    if (!from_uri.empty()) domains_.push_back(from_uri);
  }
  if (domains_.empty()) add_error("domain", "can't be blank");

  // validate_required / validate_length
  if (!name_invalid && name_blank) add_error("event_name", "can't be blank");
  if (hostname_blank) add_error("hostname", "can't be blank");
  if (!name_invalid && !name_blank && ev_.name.size() > kMaxEventNameCodePoints &&
      CountCodePoints(ev_.name) > kMaxEventNameCodePoints)
    add_error("event_name", "should be at most 120 character(s)");

  // No stored text may hold a NUL (see kNulMessage); %00 in the URL path
  // decodes to one in the pathname, so the derived columns are checked too.
  if (HasNul(ev_.name)) add_error("event_name", kNulMessage);
  if (HasNul(ev_.url) || HasNul(ev_.pathname) || HasNul(ev_.hostname)) add_error("url", kNulMessage);
  if (ev_.has_referrer && HasNul(ev_.referrer)) add_error("referrer", kNulMessage);
  for (std::string_view domain : domains_)
    if (HasNul(domain)) {
      add_error("domain", kNulMessage);
      break;
    }

  if (errors->size() != errors_before) return 0;
  return AppendRows(rows);
}

int64_t PlausibleEventConverter::AppendRows(RowBatch* rows) {
  PlausibleEnrichment* stage = ctx_.enrichment;
  PlausibleEventFacts facts;
  if (stage != nullptr) {
    facts.name = ev_.name;
    facts.url = ev_.url;
    facts.url_parts = &url_parts_;
    facts.hostname = ev_.hostname;
    facts.has_referrer = ev_.has_referrer;
    facts.referrer = ev_.referrer;
    facts.engagement = ev_.name == "engagement";
    facts.user_agent = user_agent_;
    if (stage->BeginEvent(ctx_, facts, &enriched_) == PlausibleEnrichment::Verdict::kDrop) return 0;
  }
  int64_t appended = 0;
  for (std::string_view domain : domains_) {
    if (stage != nullptr &&
        stage->ForDomain(ctx_, facts, domain, &enriched_) == PlausibleEnrichment::Verdict::kDrop)
      continue;
    ++appended;
    rows->column(pc::kTimestamp).AppendInt64(now_us_);
    rows->column(pc::kName).AppendString(ev_.name);
    rows->column(pc::kDomain).AppendString(domain);
    rows->column(pc::kUrl).AppendString(ev_.url);
    rows->column(pc::kHostname).AppendString(ev_.hostname);
    rows->column(pc::kPathname).AppendString(ev_.pathname);
    // Enriched, the referrer column holds Plausible's cleaned referrer (host
    // and path) instead of what was sent.
    if (stage != nullptr && enriched_.has_traffic) {
      // The session's referrer (merge_session), whether or not this event
      // sent one; NULL when there is none.
      AppendOptionalString(rows, pc::kReferrer, !enriched_.referrer.empty(), enriched_.referrer);
    } else {
      AppendOptionalString(rows, pc::kReferrer, ev_.has_referrer, ev_.referrer);
    }
    if (ev_.has_screen_width) rows->column(pc::kScreenWidth).AppendInt64(ev_.screen_width);
    else rows->column(pc::kScreenWidth).AppendNull();
    rows->column(pc::kProps).AppendString(props_json_);
    if (ev_.has_revenue) {
      rows->column(pc::kRevenueAmount).AppendFloat64(ev_.revenue_amount);
      rows->column(pc::kRevenueCurrency).AppendString(ev_.revenue_currency);
    } else {
      rows->column(pc::kRevenueAmount).AppendNull();
      rows->column(pc::kRevenueCurrency).AppendNull();
    }
    rows->column(pc::kInteractive).AppendBool(ev_.interactive);
    if (ev_.has_scroll_depth) rows->column(pc::kScrollDepth).AppendInt64(ev_.scroll_depth);
    else rows->column(pc::kScrollDepth).AppendNull();
    if (ev_.has_engagement_time)
      rows->column(pc::kEngagementTime).AppendInt64(ev_.engagement_time);
    else rows->column(pc::kEngagementTime).AppendNull();
    AppendOptionalString(rows, pc::kUserAgent, has_user_agent_, user_agent_);
    AppendEnriched(stage != nullptr, rows);
  }
  return appended;
}

void PlausibleEventConverter::AppendOptionalString(RowBatch* rows, int column, bool present,
                                                   std::string_view value) {
  if (present) rows->column(column).AppendString(value);
  else rows->column(column).AppendNull();
}

void PlausibleEventConverter::AppendEnriched(bool enriched, RowBatch* rows) {
  const EnrichedColumns& e = enriched_;
  const bool device = enriched && e.has_device;
  AppendOptionalString(rows, pc::kBrowser, device, e.browser);
  AppendOptionalString(rows, pc::kBrowserVersion, device, e.browser_version);
  AppendOptionalString(rows, pc::kOperatingSystem, device, e.operating_system);
  AppendOptionalString(rows, pc::kOperatingSystemVersion, device, e.operating_system_version);
  AppendOptionalString(rows, pc::kScreenSize, device, e.screen_size);
  const bool traffic = enriched && e.has_traffic;
  AppendOptionalString(rows, pc::kReferrerSource, traffic, e.referrer_source);
  AppendOptionalString(rows, pc::kUtmMedium, traffic, e.utm_medium);
  AppendOptionalString(rows, pc::kUtmSource, traffic, e.utm_source);
  AppendOptionalString(rows, pc::kUtmCampaign, traffic, e.utm_campaign);
  AppendOptionalString(rows, pc::kUtmContent, traffic, e.utm_content);
  AppendOptionalString(rows, pc::kUtmTerm, traffic, e.utm_term);
  AppendOptionalString(rows, pc::kClickIdParam, traffic, e.click_id_param);
  const bool location = enriched && e.has_location;
  AppendOptionalString(rows, pc::kCountryCode, location, e.country_code);
  AppendOptionalString(rows, pc::kSubdivision1Code, location, e.subdivision1_code);
  AppendOptionalString(rows, pc::kSubdivision2Code, location, e.subdivision2_code);
  if (location) rows->column(pc::kCityGeonameId).AppendInt64(e.city_geoname_id);
  else rows->column(pc::kCityGeonameId).AppendNull();
  if (enriched && e.has_user_id) rows->column(pc::kUserId).AppendInt64(e.user_id);
  else rows->column(pc::kUserId).AppendNull();
  if (enriched && e.has_session_id) rows->column(pc::kSessionId).AppendInt64(e.session_id);
  else rows->column(pc::kSessionId).AppendNull();
}

}  // namespace sinkhost::ingest
