// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// libFuzzer target: the untrusted request text the enrichment stage reads
// (core/enrich/): the User-Agent (UserAgentParser, UserAgentCache), the page
// URL and Referer (DeriveTrafficSource) and the X-Forwarded-For / X-Real-IP
// headers (ClientAddress, ParseForwardedAddress, ParseIpAddress).
//
// The input is lines, so that the seeds in fuzz/corpus/enrich/ read like a
// request:
//   1 User-Agent
//   2 page URL
//   3 Referer (absent, not just empty, when the input has fewer lines)
//   4 X-Forwarded-For: fields separated by '|', as if the header came
//     several times (the single-string form gets them joined with ',')
//   5 X-Real-IP
//   6 trusted proxy hops, decimal (default 1)
//
// Besides the sanitizers it checks that the derived strings are valid UTF-8
// whenever their inputs are (they go into string columns), that the cache
// answers as a direct parse does, that a TrafficSource reused across events
// ends as a fresh one, and that the client address is the peer or an
// address that one of the headers spells. The rule sets are loaded once, as
// the host does at start-up; the cache and the TrafficSource live across
// inputs, as they do per HTTP thread.
#include <sys/socket.h>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/enrich/client_address.h"
#include "core/enrich/referrer_source.h"
#include "core/enrich/user_agent_parser.h"
#include "core/ingest/ingest.h"
#include "core/ingest/url.h"
#include "core/ingest/utf8.h"
#include "fuzz/fuzz_checks.h"

using namespace sinkhost;
using namespace sinkhost::enrich;

namespace {

const UserAgentParser* user_agents = nullptr;
const ReferrerSources* referrers = nullptr;

// The peer, distinct from the addresses in the seeds, so that "the peer"
// and "from a header" are told apart.
constexpr std::string_view kPeer = "198.51.100.200";

std::string_view NextLine(std::string_view* rest, bool* present) {
  *present = !rest->empty();
  const size_t nl = rest->find('\n');
  std::string_view line = rest->substr(0, nl);
  *rest = nl == std::string_view::npos ? std::string_view() : rest->substr(nl + 1);
  return line;
}

void CheckUtf8(std::string_view what, std::string_view value) {
  if (IsValidUtf8(value)) return;
  fuzzing::Fail("output is not valid UTF-8",
                std::string(what) + " = \"" + std::string(value) + "\" (bad byte at " +
                    std::to_string(ingest::FindInvalidUtf8(value)) + ")");
}

bool SameInfo(const UserAgentInfo& a, const UserAgentInfo& b) {
  return a.browser == b.browser && a.browser_version == b.browser_version &&
         a.operating_system == b.operating_system &&
         a.operating_system_version == b.operating_system_version &&
         a.screen_size == b.screen_size && a.bot == b.bot;
}

bool SameTraffic(const TrafficSource& a, const TrafficSource& b) {
  return a.referrer == b.referrer && a.referrer_source == b.referrer_source &&
         a.utm_medium == b.utm_medium && a.utm_source == b.utm_source &&
         a.utm_campaign == b.utm_campaign && a.utm_content == b.utm_content &&
         a.utm_term == b.utm_term && a.click_id_param == b.click_id_param;
}

void CheckUserAgent(std::string_view ua) {
  static UserAgentCache cache(user_agents, 8);
  UserAgentInfo direct;
  user_agents->Parse(ua, &direct);
  const UserAgentInfo& cached = cache.Get(ua);
  FUZZ_CHECK(SameInfo(direct, cached), "cache miss differs from Parse");
  const uint64_t hits = cache.hits();
  const UserAgentInfo& again = cache.Get(ua);
  FUZZ_CHECK(cache.hits() == hits + 1, "a repeated User-Agent missed the cache");
  FUZZ_CHECK(SameInfo(direct, again), "cache hit differs from Parse");
  FUZZ_CHECK(cache.size() <= cache.capacity());
  const std::string_view screen = ScreenSizeName(direct.screen_size);
  FUZZ_CHECK(screen.empty() || screen == "Mobile" || screen == "Tablet" || screen == "Desktop",
             std::string(screen));
  FUZZ_CHECK(!BotKindName(direct.bot).empty());

  // Parse repairs what its byte-wise rules capture: every field is UTF-8
  // whatever the header held (the enrichment stage also passes the
  // repaired header).
  CheckUtf8("browser", direct.browser);
  CheckUtf8("browser_version", direct.browser_version);
  CheckUtf8("operating_system", direct.operating_system);
  CheckUtf8("operating_system_version", direct.operating_system_version);
}

// page_url and referrer are valid UTF-8: they come from the JSON body, which
// the ingest parser has validated (DeriveTrafficSource trims the referrer
// with ingest::TrimSpace, whose input must be valid UTF-8).
void CheckTrafficSource(std::string_view page_url, bool has_referrer, std::string_view referrer) {
  // Reused, as the enrichment stage reuses its own: a field that one event
  // set and the next did not reset would show here.
  static TrafficSource reused;
  DeriveTrafficSource(page_url, has_referrer, referrer, referrers, &reused);
  TrafficSource fresh;
  DeriveTrafficSource(ingest::ParseUrl(page_url), has_referrer, referrer, referrers, &fresh);
  FUZZ_CHECK(SameTraffic(reused, fresh), "reused TrafficSource differs from a fresh one");
  TrafficSource unnamed;  // no name database: the bare host is the source
  DeriveTrafficSource(page_url, has_referrer, referrer, nullptr, &unnamed);

  for (const TrafficSource* t : {&fresh, &unnamed}) {
    CheckUtf8("referrer", t->referrer);
    CheckUtf8("referrer_source", t->referrer_source);
    CheckUtf8("utm_medium", t->utm_medium);
    CheckUtf8("utm_source", t->utm_source);
    CheckUtf8("utm_campaign", t->utm_campaign);
    CheckUtf8("utm_content", t->utm_content);
    CheckUtf8("utm_term", t->utm_term);
    CheckUtf8("click_id_param", t->click_id_param);
  }
}

// The text form parses back to the same address.
void CheckAddressText(const IpAddress& a) {
  char buf[IpAddress::kMaxTextSize];
  const std::string_view text = a.ToString(buf);
  FUZZ_CHECK(text.empty() == a.empty(), std::string(text));
  if (a.empty()) return;
  FUZZ_CHECK(text.size() < IpAddress::kMaxTextSize);
  IpAddress back;
  FUZZ_CHECK(ParseIpAddress(text, &back) && back == a, std::string(text));
  sockaddr_storage storage;
  FUZZ_CHECK(ToSockaddr(a, &storage) > 0);
}

// Whether `a` is what ParseForwardedAddress makes of some ','-separated
// entry of X-Forwarded-For.
bool SpelledIn(const IpAddress& a, std::string_view header) {
  while (true) {
    const size_t comma = header.find(',');
    IpAddress entry;
    if (ParseForwardedAddress(header.substr(0, comma), &entry) && entry == a) return true;
    if (comma == std::string_view::npos) return false;
    header.remove_prefix(comma + 1);
  }
}

void CheckClientAddress(std::string_view xff_line, std::string_view x_real_ip,
                        std::string_view hops_text) {
  IpAddress peer;
  FUZZ_CHECK(ParseIpAddress(kPeer, &peer));

  int hops = 1;
  std::from_chars(hops_text.data(), hops_text.data() + hops_text.size(), hops);

  std::vector<std::string_view> fields;
  std::string joined;
  for (std::string_view rest = xff_line;;) {
    const size_t bar = rest.find('|');
    fields.push_back(rest.substr(0, bar));
    if (fields.size() > 1) joined += ',';
    joined += fields.back();
    if (bar == std::string_view::npos) break;
    rest.remove_prefix(bar + 1);
  }

  const IpAddress client = ClientAddress(peer, joined, x_real_ip, hops);
  const IpAddress from_fields = ClientAddress(peer, fields, x_real_ip, hops);
  FUZZ_CHECK(client == from_fields, "joined and separate X-Forwarded-For fields differ");
  if (hops <= 0) FUZZ_CHECK(client == peer, "headers read with no trusted proxy");
  IpAddress real_ip;
  const bool from_real_ip = ParseForwardedAddress(x_real_ip, &real_ip) && client == real_ip;
  FUZZ_CHECK(client == peer || SpelledIn(client, joined) || from_real_ip,
             "client address is neither the peer nor in a header");
  CheckAddressText(client);

  // Each piece on its own, as the parsers see entries.
  IpAddress a;
  if (ParseForwardedAddress(x_real_ip, &a)) CheckAddressText(a);
  else FUZZ_CHECK(a.empty());
  if (ParseIpAddress(x_real_ip, &a)) {
    CheckAddressText(a);
    // The entry form adds to the bare one. (Blanks aside: the entry form
    // trims them first, which can leave an empty zone, "fe80::1% ".)
    IpAddress b;
    if (x_real_ip.find_first_of(" \t") == std::string_view::npos)
      FUZZ_CHECK(ParseForwardedAddress(x_real_ip, &b) && b == a,
                 "a bare address is not a forwarded address: " + std::string(x_real_ip));
  } else {
    FUZZ_CHECK(a.empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  static std::unique_ptr<UserAgentParser> parser;
  const std::string rules = UserAgentParser::DefaultRulesPath();
  Status st = UserAgentParser::Load(rules, &parser);
  if (!st.ok()) fuzzing::Fail("loading the User-Agent rules (Debian package uap-core)", st.ToString());
  user_agents = parser.get();

  static std::unique_ptr<ReferrerSources> sources;
  const std::string referers = ReferrerSources::DefaultPath();
  if (referers.empty()) fuzzing::Fail("referers.yml not found (Debian package ruby-referer-parser)");
  st = ReferrerSources::Load(referers, &sources);
  if (!st.ok()) fuzzing::Fail("loading the referrer sources", st.ToString());
  referrers = sources.get();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  bool present;
  const std::string_view ua = NextLine(&rest, &present);
  const std::string_view page_url = NextLine(&rest, &present);
  bool has_referrer;
  const std::string_view referrer = NextLine(&rest, &has_referrer);
  const std::string_view xff = NextLine(&rest, &present);
  const std::string_view x_real_ip = NextLine(&rest, &present);
  const std::string_view hops = NextLine(&rest, &present);

  CheckUserAgent(ua);
  // Invalid bytes become U+FFFD rather than making the input useless: the
  // ingest parser refuses a body with them, so they never get this far.
  static std::string page_url_utf8, referrer_utf8;
  page_url_utf8.clear();
  referrer_utf8.clear();
  ingest::AppendRepairedUtf8(page_url, &page_url_utf8);
  ingest::AppendRepairedUtf8(referrer, &referrer_utf8);
  CheckTrafficSource(page_url_utf8, has_referrer, referrer_utf8);
  CheckClientAddress(xff, x_real_ip, hops);
  return 0;
}
