// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// User-Agent parsing for the Plausible session columns browser,
// browser_version, operating_system, operating_system_version and
// screen_size, and for Plausible's bot drop.
//
// The rules are uap-core's regexes.yaml as Debian installs it, read once at
// start-up (yaml-cpp) and compiled once (RE2). Parsing follows the uap-core
// specification: per section (user agent, OS, device) the first rule whose
// regex matches wins; "$1".."$9" in a *_replacement are the rule's capture
// groups; results are trimmed; an empty or absent family is "Other".
// ParseUap returns exactly that (what uap-core's own test files check).
//
// Parse then maps uap-core's result onto what Plausible stores; Plausible
// uses UAInspector (Matomo device-detector names), see its
// lib/plausible/ingestion/event.ex:
//   - browser: Matomo's name, folded the way Plausible folds it ("Mobile
//     Safari" -> "Safari", "Chrome Mobile"/"Chrome Mobile iOS" -> "Chrome",
//     "Firefox Mobile"/"Firefox iOS" -> "Firefox", "Opera Mini"/"Opera
//     Mobile" -> "Opera", "Edge" -> "Microsoft Edge", "Samsung Internet" ->
//     "Samsung Browser", ...). In-app browsers (Android WebView, Facebook,
//     Instagram, ...) are "Mobile App" with an empty version. A family
//     with no Matomo counterpart is kept as uap-core spells it.
//   - operating_system: Matomo's name ("Mac OS X" -> "Mac", "Linux" ->
//     "GNU/Linux"; distributions Matomo knows by name, like "Ubuntu" or
//     "Debian", keep that name, as UAInspector reports them).
//   - versions: "major.minor", or "major" when there is no minor (Plausible
//     takes the first two dot-separated parts of what it has).
//   - unknown (uap-core "Other"): "" for names and versions, as Plausible.
//   - screen_size: uap-core has no device type, so it is derived, first
//     rule that applies wins:
//       1. no OS, device and browser recognised, or a bot: unknown ("").
//       2. TVs and consoles (Smart TV / HbbTV / Android TV tokens, Roku,
//          Chromecast, PlayStation, Xbox): Desktop (Matomo's "tv" and
//          "console" are Plausible's Desktop).
//       3. iPad, Kindle / Silk, a "Tablet" token, tablet models (Galaxy
//          Tab, SM-T/SM-P/SM-X, Lenovo TB-, MediaPad, MatePad, Nexus 7/9/10,
//          Xoom, PlayBook, models named "... Tab ..."), BlackBerry Tablet
//          OS, and Android without a "Mobile" token: Tablet.
//       4. iPhone / iPod, Android with "Mobile", phone and watch OSes
//          (Windows Phone/Mobile, BlackBerry OS, Symbian, KaiOS, Firefox
//          OS, Tizen, Sailfish, Bada, Brew, webOS on phones, watchOS, ...),
//          or a "Mobile"/"Mobi" token: Mobile.
//       5. desktop OSes (Windows, Mac, Linux and distributions, Chrome OS,
//          BSDs, Solaris): Desktop.
//       6. otherwise: unknown.
//   - bot: uap-core's device family "Spider" is a crawler; the headless
//     browsers uap-core names (HeadlessChrome, PhantomJS) are headless.
//     Plausible drops both with drop reason :bot (UAInspector's Bot result
//     and the client "Headless Chrome"); the caller decides, this only
//     classifies.
//
// A cold parse does not try the ~1160 rules one by one. RE2's FilteredRE2
// extracts the literals each rule needs (e.g. "firefox/" for Firefox's);
// one RE2::Set over those literals (case-insensitive, one DFA pass) finds
// which literals of all three sections occur, and only the rules whose
// literals are present (plus the few without any) run, in rule order, until
// the first match; that rule alone then runs again for its capture groups.
// Should the set's DFA run out of memory, that parse tries every rule in
// order instead, so a result is never lost, only slower. (An RE2::Set over
// the full rules was tried first: its DFAs over hundreds of case-insensitive
// patterns with bounded repeats kept being rebuilt, ~150 us to 100 ms per
// parse. Literals alone keep the DFA small.)
// Patterns are compiled as Latin-1: the rules are ASCII, and bytes of a
// non-UTF-8 header then match like any other byte. Rules RE2 rejects
// (lookaround, backreferences) are skipped and listed (skipped_rules());
// uap-core 0.16 has none.
//
// Thread safety: a UserAgentParser is immutable after Load; Parse and
// ParseUap may be called from any number of threads. A UserAgentCache is
// single-threaded: keep one per thread.
#ifndef SINKHOST_CORE_ENRICH_USER_AGENT_PARSER_H_
#define SINKHOST_CORE_ENRICH_USER_AGENT_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sinkhost/status.hpp"

namespace sinkhost::enrich {

enum class ScreenSize : uint8_t { kUnknown, kMobile, kTablet, kDesktop };
// "Mobile", "Tablet", "Desktop"; "" for unknown (what Plausible stores).
std::string_view ScreenSizeName(ScreenSize s);

enum class BotKind : uint8_t { kNone, kCrawler, kHeadlessBrowser };
// Metric label values: "none", "crawler", "headless_browser".
std::string_view BotKindName(BotKind k);

// The Plausible-named session fields of one User-Agent.
struct UserAgentInfo {
  std::string browser, browser_version, operating_system, operating_system_version;
  ScreenSize screen_size = ScreenSize::kUnknown;
  BotKind bot = BotKind::kNone;
};

// uap-core's own result, before the mapping. Families are "Other" when no
// rule matched; absent versions, brand and model are empty.
struct UapResult {
  std::string ua_family, ua_major, ua_minor, ua_patch;
  std::string os_family, os_major, os_minor, os_patch, os_patch_minor;
  std::string device_family, device_brand, device_model;
};

class UserAgentParser {
 public:
  // /usr/share/uap-core/regexes.yaml (Debian package uap-core).
  static std::string DefaultRulesPath();

  // Reads and compiles the rule file. Errors (unreadable file, YAML syntax,
  // a rule without "regex") name the file, the section, the rule index and
  // its line. Rules RE2 rejects are skipped, not errors (skipped_rules()).
  static Status Load(const std::string& regexes_yaml, std::unique_ptr<UserAgentParser>* out);

  ~UserAgentParser();
  UserAgentParser(const UserAgentParser&) = delete;
  UserAgentParser& operator=(const UserAgentParser&) = delete;

  void Parse(std::string_view user_agent, UserAgentInfo* out) const;
  void ParseUap(std::string_view user_agent, UapResult* out) const;
  // Maps a uap-core result onto the Plausible fields (Parse = ParseUap +
  // this); `user_agent` is consulted for tokens like "Mobile" and "Tablet".
  static void MapToPlausible(std::string_view user_agent, const UapResult& uap,
                             UserAgentInfo* out);

  // Compiled rules, over all three sections.
  size_t rule_count() const;
  // "section[index] (line N): regex: error" for each rule RE2 rejected.
  const std::vector<std::string>& skipped_rules() const;

  // Size of the prefilter, for start-up logs.
  std::string FilterStats() const;

 private:
  static constexpr int kSections = 3;  // user agent, OS, device
  struct Section;
  class AtomSet;
  UserAgentParser();
  std::unique_ptr<Section> sections_[kSections];
  std::unique_ptr<AtomSet> atom_set_;
  // Per section: the section's index of each matcher literal, or -1.
  std::vector<int32_t> local_atom_[kSections];
  std::vector<std::string> skipped_;
};

// A bounded LRU map from User-Agent string to its parsed fields, so that the
// hot path (a repeated UA) is one hash of the string and one lookup, with no
// allocation. Not thread-safe: one per thread.
class UserAgentCache {
 public:
  // `parser` must outlive the cache; `capacity` >= 1 distinct strings
  // (the slots are reserved up front, so lookups never see a reallocation).
  UserAgentCache(const UserAgentParser* parser, size_t capacity);
  ~UserAgentCache();
  UserAgentCache(const UserAgentCache&) = delete;
  UserAgentCache& operator=(const UserAgentCache&) = delete;

  // Valid until the next Get.
  const UserAgentInfo& Get(std::string_view user_agent);

  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }
  uint64_t evictions() const { return evictions_; }
  size_t size() const { return index_.size(); }
  size_t capacity() const { return capacity_; }

 private:
  struct Entry {
    std::string key;
    UserAgentInfo info;
    uint32_t prev, next;  // LRU list through entries_, kNil-terminated
  };
  static constexpr uint32_t kNil = UINT32_MAX;
  void Unlink(uint32_t i);
  void PushFront(uint32_t i);

  const UserAgentParser* parser_;
  size_t capacity_;
  std::vector<Entry> entries_;
  // Keys view into entries_[i].key, so a lookup by string_view allocates nothing.
  std::unordered_map<std::string_view, uint32_t> index_;
  uint32_t head_ = kNil, tail_ = kNil;  // most / least recently used
  uint64_t hits_ = 0, misses_ = 0, evictions_ = 0;
};

}  // namespace sinkhost::enrich

#endif  // SINKHOST_CORE_ENRICH_USER_AGENT_PARSER_H_
