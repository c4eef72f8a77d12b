// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Where a visit came from, as Plausible derives it from the page URL and the
// Referer: the session columns referrer, referrer_source, utm_* and
// click_id_param.
//
// Followed: plausible/analytics lib/plausible/ingestion/source.ex in its
// newest stored form (resolve/from_referrer/canonical with custom-source
// suffix families) and lib/plausible/ingestion/event.ex at
// 8ea7088d342a1bc695984bd6d83e9a9b2536f372 (put_source_info,
// maybe_infer_medium, get_click_id_param).
//
// ReferrerSources is the name database: Snowplow's referers.yml (as Debian's
// ruby-referer-parser installs it; Plausible ships a newer copy of the same
// file for RefInspector) plus the renames Plausible applies on top of it
// (priv/custom_sources.json). It is built once by Load and immutable after,
// so any number of threads may call its const methods at once.
//
// DeriveTrafficSource is a pure function of its arguments (it keeps a small
// thread-local scratch buffer for percent-decoding) and is safe to call from
// many threads, each with its own TrafficSource.
#ifndef SINKHOST_CORE_ENRICH_REFERRER_SOURCE_H_
#define SINKHOST_CORE_ENRICH_REFERRER_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/ingest/url.h"
#include "sinkhost/status.hpp"

namespace sinkhost::enrich {

class ReferrerSources {
 public:
  // The newest installed .../referer-parser-*/data/referers.yml, or "" when
  // the package is not installed.
  static std::string DefaultPath();

  // Reads referers.yml. Errors name the file and the medium/source key that
  // was malformed.
  static Status Load(const std::string& referers_yml, std::unique_ptr<ReferrerSources>* out);

  // The database's name for a referring host and path, matched as
  // referer-parser does: the host without "www." and ignoring ASCII case,
  // then its parent domains down to two labels; under one host, the longest
  // listed path that is a prefix of `path` (on a '/' boundary) wins. "" when
  // unknown. No allocation.
  std::string_view SourceFor(std::string_view host, std::string_view path) const;

  // Plausible's Source.canonical: a known source name or alias, compared
  // ignoring ASCII case, mapped to its spelling ("GOOGLE" -> "Google",
  // "ig" -> "Instagram", "Twitter" -> "X (Twitter)"); "" when not known.
  std::string_view Canonical(std::string_view source) const;

  // Plausible's Source.from_referrer without the bare-host fallback: custom
  // host overrides first (exact host, then suffix families such as
  // *.wikipedia.org), then the database, canonicalised. `host` is the
  // referrer's host without "www."; `android_app` for android-app://
  // referrers (whose overrides are keyed "android-app://<host>"). "" when
  // unknown.
  std::string_view NameForReferrer(bool android_app, std::string_view host,
                                   std::string_view path) const;

  // Number of (host, path) rules read from referers.yml.
  size_t size() const { return rule_count_; }

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct PathRule {
    std::string path;    // "" matches any path; else without a trailing '/'
    uint32_t name;       // index into names_: the database's spelling
    uint32_t canonical;  // index into names_: after Plausible's renames
  };
  template <typename V>
  using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

  ReferrerSources() = default;
  uint32_t InternName(std::string_view name);
  void PutCanonical(std::string_view lower_key, std::string_view name);
  std::string_view LookupCanonical(std::string_view lower_key) const;
  const PathRule* FindRule(std::string_view lower_host, std::string_view path) const;

  std::vector<std::string> names_;
  StringMap<uint32_t> name_ids_;
  StringMap<std::vector<PathRule>> hosts_;  // host without "www.", lower case
  StringMap<uint32_t> canonical_;           // lower-case key -> name
  size_t max_canonical_key_ = 0;
  size_t rule_count_ = 0;
};

// One event's traffic-source columns. Reused across events: assigning keeps
// the strings' capacity. "" stands for Plausible's nil (ClickHouse stores
// both as "").
struct TrafficSource {
  std::string referrer, referrer_source, utm_medium, utm_source, utm_campaign, utm_content,
      utm_term, click_id_param;
};

// page_url: the event's URL as sent; referrer: as sent (has_referrer false
// when absent or null; the ingest parser has already cut it to
// kMaxReferrerCodePoints). sources may be null: then no name mapping at all
// and the bare host is the source.
//
// Query parameters are read as Elixir's URI.decode_query does: split on '&'
// and the first '=', '+' is a space, %XX decoded (a value whose decoding is
// not UTF-8 is kept undecoded), the last of repeated keys wins, and a key
// that is present counts even with an empty value (so "?utm_source=" makes
// the source "" and hides the referrer's, as in Plausible).
void DeriveTrafficSource(std::string_view page_url, bool has_referrer, std::string_view referrer,
                         const ReferrerSources* sources, TrafficSource* out);

// The same for a caller that has already split the page URL (with
// ingest::ParseUrl), which saves parsing it twice.
void DeriveTrafficSource(const ingest::UrlParts& page, bool has_referrer,
                         std::string_view referrer, const ReferrerSources* sources,
                         TrafficSource* out);

}  // namespace sinkhost::enrich

#endif  // SINKHOST_CORE_ENRICH_REFERRER_SOURCE_H_
