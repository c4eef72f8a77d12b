// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The seam between Plausible event parsing and the enrichment stage.
//
// The converter (plausible_event.h) validates an event and then, before it
// appends the event's rows, asks the stream's enrichment stage (implemented
// in core/enrich/, which the core does not link) for the derived columns:
// once per event for what depends on the request (browser, OS, device,
// traffic source, location), which may also drop the event (a bot), and
// once per domain for the visitor and session ids. Without a stage
// (RequestContext::enrichment == nullptr) the derived columns are null.
//
// Thread safety: a PlausibleEnrichment object belongs to one parsing thread
// (it keeps per-thread caches); the shared state behind it is the
// implementation's business.
#ifndef SINKHOST_CORE_INGEST_PLAUSIBLE_ENRICHMENT_H_
#define SINKHOST_CORE_INGEST_PLAUSIBLE_ENRICHMENT_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace sinkhost {

struct RequestContext;
namespace ingest {
struct UrlParts;
}

// What the stage sees of one valid event. Views are valid during the call.
struct PlausibleEventFacts {
  std::string_view name;
  std::string_view url;       // as sent
  const ingest::UrlParts* url_parts = nullptr;  // `url` split (ParseUrl), so no one splits it twice
  std::string_view hostname;  // sanitized host of the URL
  bool has_referrer = false;
  std::string_view referrer;  // as sent
  bool engagement = false;    // name == "engagement"
  // The User-Agent header as the user_agent column stores it (bytes that are
  // not UTF-8 replaced), so that nothing derived from it can hold them;
  // empty when absent.
  std::string_view user_agent;
};

// The derived columns of one row. A `has_*` flag false (or an empty
// optional part) stores NULL: that part of the stage is switched off.
// The views point into the stage's own caches and buffers and stay valid
// until its next call (the converter appends the row before that), so no
// value is copied on its way to the batch.
struct EnrichedColumns {
  bool has_device = false;  // browser .. screen_size
  std::string_view browser, browser_version, operating_system, operating_system_version,
      screen_size;
  bool has_traffic = false;  // referrer (cleaned), referrer_source, utm_*, click_id_param
  std::string_view referrer, referrer_source, utm_medium, utm_source, utm_campaign, utm_content,
      utm_term, click_id_param;
  bool has_location = false;  // country_code .. city_geoname_id
  std::string_view country_code, subdivision1_code, subdivision2_code;
  int64_t city_geoname_id = 0;
  bool has_user_id = false;
  int64_t user_id = 0;  // Plausible's UInt64, stored bit for bit as a signed 64-bit value
  bool has_session_id = false;
  int64_t session_id = 0;
};

class PlausibleEnrichment {
 public:
  enum class Verdict { kKeep, kDrop };
  virtual ~PlausibleEnrichment() = default;

  // Derives the per-request columns of one event into *out. kDrop: the event
  // is not stored (the stage counts why); the request is still accepted.
  virtual Verdict BeginEvent(const RequestContext& ctx, const PlausibleEventFacts& event,
                             EnrichedColumns* out) = 0;
  // Completes *out for the event's row of `domain`: visitor and session ids,
  // and the session's entry attributes where Plausible takes them from the
  // session. kDrop: this row is not stored (e.g. an engagement event with
  // no session).
  virtual Verdict ForDomain(const RequestContext& ctx, const PlausibleEventFacts& event,
                            std::string_view domain, EnrichedColumns* out) = 0;
};

}  // namespace sinkhost

#endif  // SINKHOST_CORE_INGEST_PLAUSIBLE_ENRICHMENT_H_
