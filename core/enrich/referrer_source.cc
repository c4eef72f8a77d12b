// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/enrich/referrer_source.h"

#include <glob.h>
#include <string.h>

#include <algorithm>
#include <yaml-cpp/yaml.h>

#include "core/ingest/ingest.h"
#include "core/ingest/url.h"
#include "core/ingest/utf8.h"

namespace sinkhost::enrich {

namespace {

using ingest::UrlParts;

struct NamePair {
  std::string_view key;   // lower case
  std::string_view name;
};

// Plausible's priv/custom_sources.json (stored version 022a7860, without its
// per-language *.wikipedia.org hosts, which the newest source.ex covers with
// the "wikipedia.org" suffix family below), plus the names the newest
// test/plausible/ingestion/source_test.exs asserts for hosts that file did
// not list yet. Keys are compared lower-cased; each value is also reachable
// from its own lower-cased spelling.
constexpr NamePair kCustomSources[] = {
    {"android-app://com.reddit.frontpage", "Reddit"},
    {"baidu.com", "Baidu"},
    {"discord.com", "Discord"},
    {"discordapp.com", "Discord"},
    {"ptb.discord.com", "Discord"},
    {"canary.discord.com", "Discord"},
    {"linktr.ee", "Linktree"},
    {"m.sogou.com", "Sogou"},
    {"sogou.com", "Sogou"},
    {"wap.sogou.com", "Sogou"},
    {"ntp.msn.com", "Bing"},
    {"perplexity.ai", "Perplexity"},
    {"search.brave.com", "Brave"},
    {"statics.teams.cdn.office.net", "Microsoft Teams"},
    {"t.me", "Telegram"},
    {"webk.telegram.org", "Telegram"},
    {"ya.ru", "Yandex"},
    {"yandex.com.tr", "Yandex"},
    {"yandex.eu", "Yandex"},
    {"yandex.fr", "Yandex"},
    {"yandex.kz", "Yandex"},
    {"yandex.tm", "Yandex"},
    {"yandex.uz", "Yandex"},
    // utm_source shorthands
    {"fb", "Facebook"},
    {"fb-ads", "Facebook"},
    {"fbads", "Facebook"},
    {"fbad", "Facebook"},
    {"facebook-ads", "Facebook"},
    {"facebook_ads", "Facebook"},
    {"fcb", "Facebook"},
    {"facebook_ad", "Facebook"},
    {"facebook_feed_ad", "Facebook"},
    {"ig", "Instagram"},
    {"yt", "Youtube"},
    {"yt-ads", "Youtube"},
    {"reddit-ads", "Reddit"},
    {"google_ads", "Google"},
    {"google-ads", "Google"},
    {"googleads", "Google"},
    {"gads", "Google"},
    {"google ads", "Google"},
    {"adwords", "Google"},
    {"twitter-ads", "Twitter"},
    {"tiktokads", "TikTok"},
    {"tik.tok", "TikTok"},
    {"perplexity", "Perplexity"},
    {"linktree", "Linktree"},
    {"wikipedia", "Wikipedia"},
    // Asserted by the newest source_test.exs.
    {"bsky.app", "Bluesky"},
    {"go.bsky.app", "Bluesky"},
    {"mastodon.social", "Mastodon"},
    {"fosstodon.org", "Mastodon"},
    {"gemini.google.com", "Google Gemini"},
    {"chatgpt.com", "ChatGPT"},
    {"chat.openai.com", "ChatGPT"},
    {"claude.ai", "Claude"},
    {"phind.com", "Phind"},
    {"copilot.microsoft.com", "Microsoft Copilot"},
    {"copilot.com", "Microsoft Copilot"},
    {"x.com", "X (Twitter)"},
    {"twitter", "X (Twitter)"},
    {"kagi.com", "Kagi"},
    {"l.threads.com", "Threads"},
    {"pplx.ai", "Perplexity"},
    // Not Plausible's: Debian's referers.yml (referer-parser 0.3.0) misspells
    // a name the current database, which Plausible ships, spells right.
    {"duckduckgol", "DuckDuckGo"},
};

// Source.@custom_source_suffixes: the host or any subdomain of it.
constexpr NamePair kCustomSourceSuffixes[] = {
    {"officeapps.live.com", "Microsoft 365"},
    {"wikipedia.org", "Wikipedia"},
};

// Lookup keys are lower-cased into a stack buffer; longer keys cannot be in
// any table (hosts are at most 253 bytes, names far shorter).
constexpr size_t kMaxKey = 320;
constexpr std::string_view kAndroidApp = "android-app://";

inline char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

std::string LowerCopy(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerAscii(c);
  return out;
}

// Writes lower(prefix + text) to buf; false when it does not fit.
bool LowerInto(std::string_view prefix, std::string_view text, char (&buf)[kMaxKey],
               std::string_view* out) {
  if (prefix.size() + text.size() > kMaxKey) return false;
  char* p = buf;
  for (char c : prefix) *p++ = LowerAscii(c);
  for (char c : text) *p++ = LowerAscii(c);
  *out = std::string_view(buf, static_cast<size_t>(p - buf));
  return true;
}

// String.replace_prefix(host, "www.", ""): once, case-sensitive.
std::string_view StripWww(std::string_view host) {
  if (host.substr(0, 4) == "www.") host.remove_prefix(4);
  return host;
}

std::string LineOf(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  return mark.line >= 0 ? " (line " + std::to_string(mark.line + 1) + ")" : std::string();
}

// --- query parameters -------------------------------------------------------

enum Param : int {
  kUtmMedium,
  kUtmSource,
  kUtmCampaign,
  kUtmContent,
  kUtmTerm,
  kSource,
  kRef,
  kGclid,  // click ids, in get_click_id_param's order of preference
  kGbraid,
  kWbraid,
  kMsclkid,
  kFbclid,
  kTwclid,
  kParamCount
};
constexpr std::string_view kParamNames[kParamCount] = {
    "utm_medium", "utm_source", "utm_campaign", "utm_content", "utm_term",
    "source",     "ref",        "gclid",        "gbraid",      "wbraid",
    "msclkid",    "fbclid",     "twclid"};

struct QueryParams {
  bool present[kParamCount] = {};
  std::string_view raw[kParamCount];  // undecoded
};

// URI.decode_www_form: '+' is a space, then %XX. Keeps the undecoded text
// when the result would not be UTF-8 (see ingest::PercentDecode).
void DecodeFormComponent(std::string_view raw, std::string* out) {
  const bool has_plus = raw.find('+') != std::string_view::npos;
  const bool has_pct = raw.find('%') != std::string_view::npos;
  if (!has_plus && !has_pct) {
    out->assign(raw);
    return;
  }
  std::string_view text = raw;
  thread_local std::string plus_to_space;
  if (has_plus) {
    plus_to_space.assign(raw);
    std::replace(plus_to_space.begin(), plus_to_space.end(), '+', ' ');
    text = plus_to_space;
  }
  if (!has_pct) {
    out->assign(text);
    return;
  }
  // Kept as sent when decoding gives bytes no text column may hold: not
  // UTF-8, or a NUL (SQLite and PostgreSQL refuse those; the URL's %00
  // rule in core/ingest keeps them out of every other column).
  if (!ingest::PercentDecode(text, out) || out->find('\0') != std::string::npos) out->assign(raw);
}

int IdentifyDecodedParam(std::string_view key) {
  if (key.size() < 3 || key.size() > 12) return -1;
  for (int i = 0; i < kParamCount; ++i)
    if (key == kParamNames[i]) return i;
  return -1;
}

int IdentifyParam(std::string_view key, bool encoded) {
  if (!encoded) return IdentifyDecodedParam(key);
  thread_local std::string decoded;
  DecodeFormComponent(key, &decoded);
  return IdentifyDecodedParam(decoded);
}

// URI.decode_query into a map: pairs split on '&', key and value on the first
// '=' (no '=' means an empty value), later keys replace earlier ones. One pass
// over the bytes: this runs for every event with a query string.
void ScanQuery(std::string_view query, QueryParams* params) {
  const char* p = query.data();
  const char* const end = p + query.size();
  while (p < end) {
    const char* key_begin = p;
    bool encoded = false;
    while (p < end && *p != '=' && *p != '&') {
      encoded |= (*p == '%') | (*p == '+');
      ++p;
    }
    const std::string_view key(key_begin, static_cast<size_t>(p - key_begin));
    std::string_view value;
    if (p < end && *p == '=') {
      const char* value_begin = ++p;
      while (p < end && *p != '&') ++p;
      value = std::string_view(value_begin, static_cast<size_t>(p - value_begin));
    }
    ++p;  // past the '&' (or the end)
    const int param = IdentifyParam(key, encoded);
    if (param < 0) continue;
    params->present[param] = true;
    params->raw[param] = value;
  }
}

// Whether TrimSpace could change `text`: only when it starts or ends with
// ASCII whitespace or a byte of a multi-byte code point.
bool MayNeedTrim(std::string_view text) {
  if (text.empty()) return false;
  const auto edge = [](unsigned char c) { return c <= ' ' || c >= 0x80; };
  return edge(static_cast<unsigned char>(text.front())) ||
         edge(static_cast<unsigned char>(text.back()));
}

}  // namespace

// --- ReferrerSources -------------------------------------------------------

std::string ReferrerSources::DefaultPath() {
  glob_t found{};
  std::string best;
  if (glob("/usr/share/rubygems-integration/all/gems/referer-parser-*/data/referers.yml", 0,
           nullptr, &found) == 0) {
    for (size_t i = 0; i < found.gl_pathc; ++i) {
      const char* path = found.gl_pathv[i];
      if (best.empty() || strverscmp(path, best.c_str()) > 0) best = path;
    }
  }
  globfree(&found);
  return best;
}

uint32_t ReferrerSources::InternName(std::string_view name) {
  auto it = name_ids_.find(name);
  if (it != name_ids_.end()) return it->second;
  const auto id = static_cast<uint32_t>(names_.size());
  names_.emplace_back(name);
  name_ids_.emplace(std::string(name), id);
  return id;
}

void ReferrerSources::PutCanonical(std::string_view lower_key, std::string_view name) {
  if (lower_key.size() > kMaxKey) return;  // unreachable by a lookup
  canonical_.insert_or_assign(std::string(lower_key), InternName(name));
  max_canonical_key_ = std::max(max_canonical_key_, lower_key.size());
}

std::string_view ReferrerSources::LookupCanonical(std::string_view lower_key) const {
  auto it = canonical_.find(lower_key);
  return it == canonical_.end() ? std::string_view() : std::string_view(names_[it->second]);
}

Status ReferrerSources::Load(const std::string& referers_yml,
                             std::unique_ptr<ReferrerSources>* out) {
  std::unique_ptr<ReferrerSources> db(new ReferrerSources);
  try {
    const YAML::Node root = YAML::LoadFile(referers_yml);
    if (!root.IsMap())
      return Status::InvalidArgument(referers_yml +
                                     ": expected a map of media (search, social, ...) at the top");
    for (const auto& medium : root) {
      const std::string medium_name = medium.first.Scalar();
      if (!medium.second.IsMap())
        return Status::InvalidArgument(referers_yml + ": medium '" + medium_name + "'" +
                                       LineOf(medium.first) + " is not a map of sources");
      for (const auto& source : medium.second) {
        const std::string name = source.first.Scalar();
        const std::string where = referers_yml + ": " + medium_name + "/" + name +
                                  LineOf(source.first);
        if (name.empty()) return Status::InvalidArgument(where + ": empty source name");
        const YAML::Node& details = source.second;
        if (!details.IsMap()) return Status::InvalidArgument(where + ": not a map");
        const YAML::Node domains = details["domains"];
        if (!domains || !domains.IsSequence())
          return Status::InvalidArgument(where + ": 'domains' is missing or not a list");
        const uint32_t id = db->InternName(name);
        // Source's lookup table: every database name, lower-cased, is a
        // known utm_source spelling.
        db->PutCanonical(LowerCopy(name), name);
        for (const auto& domain : domains) {
          if (!domain.IsScalar())
            return Status::InvalidArgument(where + ": a 'domains' entry" + LineOf(domain) +
                                           " is not a string");
          const std::string lower = LowerCopy(domain.Scalar());
          const size_t slash = lower.find('/');
          const std::string_view host = StripWww(std::string_view(lower).substr(0, slash));
          std::string_view path =
              slash == std::string::npos ? std::string_view() : std::string_view(lower).substr(slash);
          while (!path.empty() && path.back() == '/') path.remove_suffix(1);
          if (host.empty())
            return Status::InvalidArgument(where + ": domain '" + domain.Scalar() + "'" +
                                           LineOf(domain) + " has no host");
          auto& rules = db->hosts_[std::string(host)];
          // The same host and path under two names: the first one listed wins.
          const bool seen = std::any_of(rules.begin(), rules.end(),
                                        [&](const PathRule& r) { return r.path == path; });
          if (!seen) {
            rules.push_back(PathRule{std::string(path), id, id});
            ++db->rule_count_;
          }
        }
      }
    }
  } catch (const YAML::BadFile&) {
    return Status::IoError(referers_yml + ": cannot be read");
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(referers_yml + ": " + e.what());
  }
  if (db->rule_count_ == 0) return Status::InvalidArgument(referers_yml + ": lists no domains");
  for (auto& [host, rules] : db->hosts_) {
    std::stable_sort(rules.begin(), rules.end(), [](const PathRule& a, const PathRule& b) {
      return a.path.size() > b.path.size();
    });
  }
  for (const NamePair& custom : kCustomSources) {
    db->PutCanonical(custom.key, custom.name);
    db->PutCanonical(LowerCopy(custom.name), custom.name);
  }
  // Resolve each rule's renamed name once, not per event.
  for (auto& [host, rules] : db->hosts_) {
    for (PathRule& rule : rules) {
      auto it = db->canonical_.find(LowerCopy(db->names_[rule.name]));
      if (it != db->canonical_.end()) rule.canonical = it->second;
    }
  }
  *out = std::move(db);
  return Status::OK();
}

std::string_view ReferrerSources::SourceFor(std::string_view host, std::string_view path) const {
  char buf[kMaxKey];
  std::string_view lower;
  if (!LowerInto({}, host, buf, &lower)) return {};
  const PathRule* rule = FindRule(lower, path);
  return rule ? std::string_view(names_[rule->name]) : std::string_view();
}

const ReferrerSources::PathRule* ReferrerSources::FindRule(std::string_view lower_host,
                                                           std::string_view path) const {
  std::string_view candidate = StripWww(lower_host);
  if (path.empty()) path = "/";
  while (!candidate.empty()) {
    auto it = hosts_.find(candidate);
    if (it != hosts_.end()) {
      for (const PathRule& rule : it->second) {
        const std::string_view p = rule.path;
        if (p.empty() || path == p ||
            (path.size() > p.size() && path.substr(0, p.size()) == p && path[p.size()] == '/'))
          return &rule;
      }
    }
    // Parent domains, down to two labels ("www.google.co.uk" stops at "co.uk").
    const size_t dot = candidate.find('.');
    if (dot == std::string_view::npos || candidate.find('.', dot + 1) == std::string_view::npos)
      break;
    candidate.remove_prefix(dot + 1);
  }
  return nullptr;
}

std::string_view ReferrerSources::Canonical(std::string_view source) const {
  if (source.size() > max_canonical_key_) return {};
  char buf[kMaxKey];
  std::string_view key;
  if (!LowerInto({}, source, buf, &key)) return {};
  return LookupCanonical(key);
}

std::string_view ReferrerSources::NameForReferrer(bool android_app, std::string_view host,
                                                  std::string_view path) const {
  char buf[kMaxKey];
  std::string_view key;
  if (!LowerInto(android_app ? kAndroidApp : std::string_view(), host, buf, &key)) return {};
  // Overrides before the database, so that gemini.google.com is not Google.
  if (std::string_view name = LookupCanonical(key); !name.empty()) return name;
  for (const NamePair& family : kCustomSourceSuffixes) {
    const std::string_view s = family.key;
    if (key == s || (key.size() > s.size() && key.substr(key.size() - s.size()) == s &&
                     key[key.size() - s.size() - 1] == '.'))
      return family.name;
  }
  const PathRule* rule = FindRule(key.substr(android_app ? kAndroidApp.size() : 0), path);
  return rule ? std::string_view(names_[rule->canonical]) : std::string_view();
}

// --- DeriveTrafficSource ----------------------------------------------------

void DeriveTrafficSource(std::string_view page_url, bool has_referrer, std::string_view referrer,
                         const ReferrerSources* sources, TrafficSource* out) {
  DeriveTrafficSource(ingest::ParseUrl(page_url), has_referrer, referrer, sources, out);
}

void DeriveTrafficSource(const ingest::UrlParts& page, bool has_referrer,
                         std::string_view referrer, const ReferrerSources* sources,
                         TrafficSource* out) {
  out->referrer.clear();
  out->referrer_source.clear();
  out->utm_medium.clear();
  out->utm_source.clear();
  out->utm_campaign.clear();
  out->utm_content.clear();
  out->utm_term.clear();
  out->click_id_param.clear();

  QueryParams params;
  if (page.has_query) ScanQuery(page.query, &params);

  // Source.has_valid_referral?: an http(s) or android-app referrer with a
  // host that is neither the page's own (ignoring one "www.") nor localhost.
  bool referral = false;
  bool android_app = false;
  UrlParts ref;
  if (has_referrer) {
    ref = ingest::ParseUrl(referrer);
    android_app = ingest::SchemeEquals(ref, "android-app");
    const bool web = ingest::SchemeEquals(ref, "http") || ingest::SchemeEquals(ref, "https");
    referral = (web || android_app) && !ref.host.empty() &&
               ingest::SanitizeHostname(ref.host) != ingest::SanitizeHostname(page.host) &&
               ref.host != "localhost";
  }

  // Source.format_referrer: host without "www." and path without trailing
  // slashes; query and fragment dropped, nothing decoded.
  if (referral) {
    if (android_app) out->referrer.assign(kAndroidApp);
    out->referrer.append(StripWww(ref.host));
    std::string_view path = ref.path;
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    out->referrer.append(path);
  }

  // Source.resolve: a tag in the URL wins over the referrer.
  const int tagged = params.present[kUtmSource] ? kUtmSource
                     : params.present[kSource]  ? kSource
                     : params.present[kRef]     ? kRef
                                                : -1;
  if (tagged >= 0) {
    DecodeFormComponent(params.raw[tagged], &out->utm_source);
    const std::string_view canonical =
        sources ? sources->Canonical(out->utm_source) : std::string_view();
    out->referrer_source.assign(canonical.empty() ? std::string_view(out->utm_source) : canonical);
  } else if (referral) {
    // from_referrer parses the trimmed referrer again.
    const UrlParts trimmed =
        MayNeedTrim(referrer) && IsValidUtf8(referrer) ? ingest::ParseUrl(ingest::TrimSpace(referrer))
                                                       : ref;
    const std::string_view host = StripWww(trimmed.host);
    const std::string_view name =
        sources ? sources->NameForReferrer(android_app, host, trimmed.path) : std::string_view();
    if (!name.empty()) {
      out->referrer_source.assign(name);
    } else {
      if (android_app) out->referrer_source.assign(kAndroidApp);
      out->referrer_source.append(host);
    }
  }

  if (params.present[kUtmMedium]) DecodeFormComponent(params.raw[kUtmMedium], &out->utm_medium);
  if (params.present[kUtmCampaign])
    DecodeFormComponent(params.raw[kUtmCampaign], &out->utm_campaign);
  if (params.present[kUtmContent]) DecodeFormComponent(params.raw[kUtmContent], &out->utm_content);
  if (params.present[kUtmTerm]) DecodeFormComponent(params.raw[kUtmTerm], &out->utm_term);

  // get_click_id_param: the parameter's name, not its value.
  for (int p = kGclid; p < kParamCount; ++p) {
    if (params.present[p]) {
      out->click_id_param.assign(kParamNames[p]);
      break;
    }
  }

  // maybe_infer_medium: only when the URL has no utm_medium at all.
  if (!params.present[kUtmMedium]) {
    if (out->referrer_source == "Google" && out->click_id_param == "gclid")
      out->utm_medium.assign("(gclid)");
    else if (out->referrer_source == "Bing" && out->click_id_param == "msclkid")
      out->utm_medium.assign("(msclkid)");
  }
}

}  // namespace sinkhost::enrich
