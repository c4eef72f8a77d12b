// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The Plausible event converter: one parsed /api/event object to rows of
// Schema::Plausible(), one row per domain. Both POST /api/event
// (PlausibleEventParser) and bulk requests on plausible streams (BulkParser)
// use it, so an event means the same thing whichever way it arrives.
//
// Semantics follow Plausible's Plausible.Ingestion.Request. Field names
// (for each column the first name that is present with a non-null value
// wins, in this order; all other fields, such as "v", are ignored):
//   name n, name              url u, url           domain d, domain
//   referrer r, referrer      hash mode h, hashMode, hash_mode
//   props m, meta, p, props   revenue revenue, $   interactive i, interactive
//   screen_width w, screen_width
//   scroll_depth sd, scroll_depth   engagement_time e, engagement_time
//
// Errors are collected like an Ecto changeset's, with Plausible's field
// names and messages, in the order Plausible checks them:
//   url         "is required" | "must be a valid url" (not a string, or over
//               2000 bytes) | "scheme is not allowed" (data:)
//   event_name  "is invalid" (not a string or integer) | the engagement
//               message below | "can't be blank" | "should be at most 120
//               character(s)" (counted in code points)
//   hash_mode   "is invalid" (not an integer or integer text)
//   props       see props.h
//   domain      "can't be blank" (blank "d", or no "d" and no URL host)
//   hostname    "can't be blank" (the host is only "www." or whitespace)
// Revenue never fails an event (see revenue.h).
//
// Thread safety: not thread-safe; holds reusable scratch buffers and is
// owned by one parser object.
#ifndef SINKHOST_CORE_INGEST_PLAUSIBLE_EVENT_H_
#define SINKHOST_CORE_INGEST_PLAUSIBLE_EVENT_H_

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/batch/row_batch.h"
#include "core/ingest/ingest.h"
#include "core/ingest/nested_json.h"
#include "core/ingest/props.h"
#include "core/ingest/url.h"
#include "core/schema/schema.h"

namespace sinkhost::ingest {

inline constexpr size_t kMaxUrlBytes = 2000;
inline constexpr size_t kMaxReferrerCodePoints = 2000;
inline constexpr size_t kMaxEventNameCodePoints = 120;
// Engagement times of 30 days or more are treated as missing (old trackers
// sent absurd values).
inline constexpr int64_t kMaxEngagementTimeMs = int64_t{30} * 24 * 3600 * 1000;
inline constexpr std::string_view kBlankEngagementMessage =
    "engagement event requires a valid integer value for at least one of 'sd' or 'e' fields";

// True when `schema` has the column layout of Schema::Plausible() (the
// converter indexes columns with plausible_columns::k...).
bool HasPlausibleLayout(const Schema& schema);

using FieldErrors = std::vector<std::pair<std::string, std::string>>;

class PlausibleEventConverter {
 public:
  // Takes the per-request values every row shares (timestamp, User-Agent).
  void BeginRequest(const RequestContext& ctx);

  // Validates `event` and appends one value to every column for each of its
  // domains, without calling CommitRow (the caller commits, so a bulk
  // request can undo all of its rows at once). Returns the number of rows
  // appended. On invalid input appends nothing, adds (field, message) pairs
  // to *errors and returns 0. A valid event the enrichment stage drops (see
  // plausible_enrichment.h) returns 0 and adds no error.
  int64_t Convert(const simdjson::dom::object& event, RowBatch* rows, FieldErrors* errors);

 private:
  // Where each accepted field name lands; the first alias in Plausible's
  // order that is present and not null wins.
  enum Slot {
    kNameSlot,
    kUrlSlot,
    kDomainSlot,
    kReferrerSlot,
    kHashModeSlot,
    kPropsSlot,
    kRevenueSlot,
    kInteractiveSlot,
    kScreenWidthSlot,
    kScrollDepthSlot,
    kEngagementTimeSlot,
    kSlotCount
  };
  static constexpr int kMaxAliases = 4;
  struct FieldRef {
    int slot = -1;
    int rank = 0;
  };
  static FieldRef Lookup(std::string_view key);
  const simdjson::dom::element* Resolve(int slot) const;

  int64_t AppendRows(RowBatch* rows);
  void AppendEnriched(bool enriched, RowBatch* rows);
  static void AppendOptionalString(RowBatch* rows, int column, bool present,
                                   std::string_view value);

  // Per request.
  RequestContext ctx_;
  int64_t now_us_ = 0;
  bool has_user_agent_ = false;
  std::string user_agent_;

  // Per event; buffers keep their capacity.
  simdjson::dom::element fields_[kSlotCount][kMaxAliases];
  uint8_t present_[kSlotCount];  // bit r: alias of rank r was given
  std::string name_buf_;      // event name given as an integer
  std::string pathname_;
  std::string decode_buf_;
  std::string props_json_;
  std::vector<std::string_view> domains_;
  PropsEncoder props_;
  EnrichedColumns enriched_;
  UrlParts url_parts_;  // of the event's URL (views into it)
  NestedJsonParser nested_;

  // The event being built (views into the document or the buffers above).
  struct Event {
    std::string_view name, url, hostname, pathname, referrer, revenue_currency;
    bool has_referrer = false, has_screen_width = false, has_revenue = false;
    bool interactive = true, has_scroll_depth = false, has_engagement_time = false;
    int64_t screen_width = 0, scroll_depth = 0, engagement_time = 0;
    double revenue_amount = 0;
  } ev_;
};

}  // namespace sinkhost::ingest

#endif  // SINKHOST_CORE_INGEST_PLAUSIBLE_EVENT_H_
