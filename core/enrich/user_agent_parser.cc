// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/enrich/user_agent_parser.h"

#include <re2/filtered_re2.h>
#include <re2/re2.h>
#include <re2/set.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <exception>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "core/ingest/ingest.h"
#include "core/ingest/utf8.h"

namespace sinkhost::enrich {

namespace {

// uap-core's rules use at most $1..$9; a result has at most five parts
// (family and four version parts, or device family, brand and model).
constexpr int kMaxGroups = 10;
constexpr int kMaxSlots = 5;

// Literals shorter than this are not used to filter rules (a rule whose
// literals are all shorter is tried on every parse). Short atoms like "/"
// would pass nearly every rule anyway.
constexpr int kMinAtomLength = 2;

// The replacement key of each part of a section's result and the capture
// group that fills the part when the rule has no replacement (-1: none).
struct SlotSpec {
  const char* replacement_key;
  int default_group;
};

struct SectionSpec {
  const char* name;
  std::array<SlotSpec, kMaxSlots> slots;
  int slot_count;
};

constexpr SectionSpec kUaSpec = {"user_agent_parsers",
                                 {{{"family_replacement", 1},
                                   {"v1_replacement", 2},
                                   {"v2_replacement", 3},
                                   {"v3_replacement", 4},
                                   {"v4_replacement", 5}}},
                                 4};
constexpr SectionSpec kOsSpec = {"os_parsers",
                                 {{{"os_replacement", 1},
                                   {"os_v1_replacement", 2},
                                   {"os_v2_replacement", 3},
                                   {"os_v3_replacement", 4},
                                   {"os_v4_replacement", 5}}},
                                 5};
// Brand has no default; model defaults to $1 like the family (uap-core's
// specification).
constexpr SectionSpec kDeviceSpec = {"device_parsers",
                                     {{{"device_replacement", 1},
                                       {"brand_replacement", -1},
                                       {"model_replacement", 1},
                                       {nullptr, -1},
                                       {nullptr, -1}}},
                                     3};

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool StartsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(0, p.size()) == p;
}

bool Contains(std::string_view s, std::string_view p) { return s.find(p) != s.npos; }

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// `p` in lower case.
bool ContainsIcase(std::string_view s, std::string_view p) {
  if (p.size() > s.size()) return false;
  for (size_t i = 0; i + p.size() <= s.size(); ++i) {
    size_t j = 0;
    while (j < p.size() && Lower(s[i + j]) == p[j]) ++j;
    if (j == p.size()) return true;
  }
  return false;
}

}  // namespace

// Finds which of FilteredRE2's literals occur in a text, in one DFA pass.
// The literals are lower case and FilteredRE2 expects them searched in the
// lower-cased text; a case-insensitive set finds the same ones without
// copying the text (Latin-1 folding also pairs accented letters, which can
// only let more rules through to their real match, never fewer).
class UserAgentParser::AtomSet {
 public:
  explicit AtomSet(const std::vector<std::string>& atoms) : set_(Options(), RE2::UNANCHORED) {
    for (const std::string& a : atoms) {
      if (set_.Add(RE2::QuoteMeta(a), nullptr) < 0) return;  // cannot happen: quoted
    }
    usable_ = set_.Compile();
  }

  // Replaces `out` with the indices of the atoms found in `text`. False when
  // the set could not say (its DFA ran out of memory): the caller must then
  // try every rule.
  bool Find(std::string_view text, std::vector<int>* out) const {
    out->clear();
    if (!usable_) return false;
    RE2::Set::ErrorInfo error{RE2::Set::kNoError};
    if (set_.Match(re2::StringPiece(text.data(), text.size()), out, &error)) return true;
    out->clear();
    return error.kind == RE2::Set::kNoError;  // no atom at all vs. a failed search
  }

  bool usable() const { return usable_; }

 private:
  static RE2::Options Options() {
    RE2::Options opts;
    opts.set_log_errors(false);  // a failure is handled: every rule is tried
    opts.set_case_sensitive(false);
    opts.set_encoding(RE2::Options::EncodingLatin1);
    // Literals keep the DFA near Aho-Corasick's size (~14k states for
    // uap-core 0.16's ~2900 distinct literals), built lazily. With 2-4 MiB
    // the DFA already flushed its state cache on uap-core's test strings
    // (parse p50 50-55 us instead of 35); 64 MiB leaves ample room.
    opts.set_max_mem(int64_t{64} << 20);
    return opts;
  }

  RE2::Set set_;
  bool usable_ = false;
};

struct UserAgentParser::Section {
  struct Rule {
    int groups = 0;  // capture groups used, at most kMaxGroups - 1
    std::array<bool, kMaxSlots> has_replacement{};
    std::array<std::string, kMaxSlots> replacement;
  };

  const SectionSpec* spec = nullptr;
  // Owns the compiled rules; rule i is filter.GetRE2(i).
  re2::FilteredRE2 filter{kMinAtomLength};
  std::vector<Rule> rules;
  std::vector<std::string> atoms;  // the filter's literals (lowercase)

  // Index of the first rule matching `text`, given the indices of this
  // section's atoms found in it (nullptr: unknown, try every rule); -1 when
  // none.
  int FirstMatch(std::string_view text, const std::vector<int>* found_atoms,
                 std::vector<int>* scratch) const {
    re2::StringPiece piece(text.data(), text.size());
    const int n = static_cast<int>(rules.size());  // the filter may hold a placeholder past these
    if (found_atoms == nullptr) {
      for (int r = 0; r < n; ++r) {
        if (RE2::PartialMatch(piece, filter.GetRE2(r))) return r;
      }
      return -1;
    }
    // Rules whose literals are all present (or that have none), then the
    // real match in rule order; the first that matches is uap-core's.
    filter.AllPotentials(*found_atoms, scratch);
    std::sort(scratch->begin(), scratch->end());
    for (int r : *scratch) {
      if (r < n && RE2::PartialMatch(piece, filter.GetRE2(r))) return r;
    }
    return -1;
  }

  // Fills out[0..slot_count) from the rule `r` (-1: none, all empty).
  void Evaluate(std::string_view text, int r, std::string* out) const {
    for (int s = 0; s < spec->slot_count; ++s) out[s].clear();
    if (r < 0) return;
    const Rule& rule = rules[static_cast<size_t>(r)];
    re2::StringPiece match[kMaxGroups];
    if (!filter.GetRE2(r).Match(re2::StringPiece(text.data(), text.size()), 0, text.size(),
                                RE2::UNANCHORED, match, rule.groups + 1)) {
      return;  // cannot happen: FirstMatch said it matches
    }
    auto group = [&](int n) -> std::string_view {
      if (n < 1 || n > rule.groups || match[n].data() == nullptr) return {};
      return std::string_view(match[n].data(), match[n].size());
    };
    for (int s = 0; s < spec->slot_count; ++s) {
      if (rule.has_replacement[s]) {
        const std::string& tpl = rule.replacement[s];
        std::string value;
        for (size_t i = 0; i < tpl.size(); ++i) {
          if (tpl[i] == '$' && i + 1 < tpl.size() && tpl[i + 1] >= '1' && tpl[i + 1] <= '9') {
            value.append(group(tpl[i + 1] - '0'));
            ++i;
          } else {
            value.push_back(tpl[i]);
          }
        }
        out[s] = std::string(Trim(value));
      } else {
        out[s] = std::string(Trim(group(spec->slots[s].default_group)));
      }
    }
  }
};

UserAgentParser::UserAgentParser() = default;
UserAgentParser::~UserAgentParser() = default;

std::string UserAgentParser::DefaultRulesPath() { return "/usr/share/uap-core/regexes.yaml"; }

namespace {

std::string Where(const std::string& file, const char* section, size_t index, const YAML::Node& n) {
  return file + ": " + section + "[" + std::to_string(index) + "] (line " +
         std::to_string(n.Mark().line + 1) + ")";
}

RE2::Options RuleOptions(bool case_insensitive) {
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_case_sensitive(!case_insensitive);
  // The rules are ASCII; Latin-1 treats the text as bytes (no UTF-8
  // decoding, "." is one byte), which keeps programs small and matches
  // what byte-oriented uap-core ports do with non-UTF-8 headers.
  opts.set_encoding(RE2::Options::EncodingLatin1);
  opts.set_max_mem(32 << 20);
  return opts;
}

}  // namespace

Status UserAgentParser::Load(const std::string& regexes_yaml,
                             std::unique_ptr<UserAgentParser>* out) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(regexes_yaml);
  } catch (const YAML::BadFile&) {
    return Status::IoError(regexes_yaml + ": cannot be read");
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(regexes_yaml + ": " + e.what());
  }
  std::unique_ptr<UserAgentParser> parser(new UserAgentParser());
  try {
    if (!root.IsMap()) return Status::InvalidArgument(regexes_yaml + ": not a YAML mapping");
    const SectionSpec* specs[kSections] = {&kUaSpec, &kOsSpec, &kDeviceSpec};
    for (int k = 0; k < kSections; ++k) {
      const SectionSpec& spec = *specs[k];
      YAML::Node list = root[spec.name];
      if (!list || !list.IsSequence()) {
        return Status::InvalidArgument(regexes_yaml + ": no sequence \"" + spec.name + "\"");
      }
      auto section = std::make_unique<Section>();
      section->spec = &spec;
      for (size_t i = 0; i < list.size(); ++i) {
        const YAML::Node& item = list[i];
        if (!item.IsMap() || !item["regex"] || !item["regex"].IsScalar()) {
          return Status::InvalidArgument(Where(regexes_yaml, spec.name, i, item) +
                                         ": rule without a \"regex\" string");
        }
        std::string pattern = item["regex"].as<std::string>();
        bool icase = false;
        if (const YAML::Node flag = item["regex_flag"]) {
          std::string f = flag.as<std::string>();
          if (f != "i") {
            return Status::InvalidArgument(Where(regexes_yaml, spec.name, i, item) +
                                           ": unknown regex_flag \"" + f + "\"");
          }
          icase = true;
        }
        Section::Rule rule;
        for (int s = 0; s < spec.slot_count; ++s) {
          if (const YAML::Node r = item[spec.slots[s].replacement_key]) {
            if (r.IsNull()) continue;
            rule.has_replacement[s] = true;
            rule.replacement[s] = r.as<std::string>();
          }
        }
        const RE2::Options opts = RuleOptions(icase);
        int id = -1;
        if (section->filter.Add(pattern, opts, &id) != RE2::NoError) {
          // RE2 lacks backreferences and lookaround; such a rule cannot be
          // rewritten mechanically, so it is left out (none in uap-core 0.16).
          RE2 failed(pattern, opts);
          parser->skipped_.push_back(Where(regexes_yaml, spec.name, i, item) + ": " + pattern +
                                     ": " + failed.error());
          continue;
        }
        rule.groups =
            std::min(section->filter.GetRE2(id).NumberOfCapturingGroups(), kMaxGroups - 1);
        section->rules.push_back(std::move(rule));
      }
      if (section->rules.empty()) {
        // FilteredRE2 refuses to compile an empty filter; no rule never matches.
        int unused;
        section->filter.Add("$^", RuleOptions(false), &unused);
      }
      section->filter.Compile(&section->atoms);
      parser->sections_[k] = std::move(section);
    }
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(regexes_yaml + ": " + e.what());
  } catch (const std::exception& e) {
    return Status::InvalidArgument(regexes_yaml + ": " + e.what());
  }

  // One scan of the text finds the atoms of all three sections.
  std::unordered_map<std::string, int> global;
  std::vector<std::string> all_atoms;
  for (int k = 0; k < kSections; ++k) {
    for (const std::string& a : parser->sections_[k]->atoms) {
      if (global.emplace(a, static_cast<int>(all_atoms.size())).second) all_atoms.push_back(a);
    }
  }
  for (int k = 0; k < kSections; ++k) {
    std::vector<int32_t>& local = parser->local_atom_[k];
    local.assign(all_atoms.size(), -1);
    const std::vector<std::string>& atoms = parser->sections_[k]->atoms;
    for (size_t i = 0; i < atoms.size(); ++i) local[global[atoms[i]]] = static_cast<int32_t>(i);
  }
  parser->atom_set_ = std::make_unique<AtomSet>(all_atoms);
  *out = std::move(parser);
  return Status::OK();
}

size_t UserAgentParser::rule_count() const {
  size_t n = 0;
  for (const auto& s : sections_) n += s->rules.size();
  return n;
}

const std::vector<std::string>& UserAgentParser::skipped_rules() const { return skipped_; }

std::string UserAgentParser::FilterStats() const {
  size_t atoms = 0, unfiltered = 0;
  std::vector<int> none, potentials;
  for (const auto& s : sections_) {
    atoms += s->atoms.size();
    s->filter.AllPotentials(none, &potentials);
    unfiltered += potentials.size();
  }
  if (!atom_set_->usable()) {
    return std::to_string(atoms) + " literals; their RE2::Set failed to compile, so every "
           "parse tries every rule";
  }
  return std::to_string(atoms) + " literals in an RE2::Set; " + std::to_string(unfiltered) +
         " rules tried on every parse";
}

void UserAgentParser::ParseUap(std::string_view user_agent, UapResult* out) const {
  std::vector<int> found, local, scratch;
  const bool atoms_known = atom_set_->Find(user_agent, &found);
  int match[kSections];
  for (int k = 0; k < kSections; ++k) {
    local.clear();
    for (int g : found) {
      if (int32_t l = local_atom_[k][g]; l >= 0) local.push_back(l);
    }
    match[k] = sections_[k]->FirstMatch(user_agent, atoms_known ? &local : nullptr, &scratch);
  }

  std::string part[kMaxSlots];
  sections_[0]->Evaluate(user_agent, match[0], part);
  out->ua_family = part[0].empty() ? "Other" : std::move(part[0]);
  out->ua_major = std::move(part[1]);
  out->ua_minor = std::move(part[2]);
  out->ua_patch = std::move(part[3]);

  sections_[1]->Evaluate(user_agent, match[1], part);
  out->os_family = part[0].empty() ? "Other" : std::move(part[0]);
  out->os_major = std::move(part[1]);
  out->os_minor = std::move(part[2]);
  out->os_patch = std::move(part[3]);
  out->os_patch_minor = std::move(part[4]);

  sections_[2]->Evaluate(user_agent, match[2], part);
  out->device_family = part[0].empty() ? "Other" : std::move(part[0]);
  out->device_brand = std::move(part[1]);
  out->device_model = std::move(part[2]);
}

void UserAgentParser::Parse(std::string_view user_agent, UserAgentInfo* out) const {
  UapResult uap;
  ParseUap(user_agent, &uap);
  MapToPlausible(user_agent, uap, out);
  // The rules match bytes (Latin-1), so a capture can end inside a UTF-8
  // sequence, or copy bytes of a header that is not UTF-8: the columns must
  // be UTF-8 whatever the header held.
  for (std::string* field : {&out->browser, &out->browser_version, &out->operating_system,
                             &out->operating_system_version}) {
    if (IsValidUtf8(*field)) continue;
    std::string repaired;
    ingest::AppendRepairedUtf8(*field, &repaired);
    *field = std::move(repaired);
  }
}

// ---- Mapping onto Plausible's (Matomo device-detector's) names ----

namespace {

using NameMap = std::unordered_map<std::string_view, std::string_view>;

// uap-core family -> the name UAInspector reports, after Plausible's own
// folding (browser_name/1 in event.ex). Families absent here keep uap-core's
// spelling; most of those already equal Matomo's ("Chrome", "Vivaldi", ...).
const NameMap& BrowserNames() {
  static const NameMap* m = new NameMap{
      {"Mobile Safari", "Safari"},
      {"Mobile Safari UI/WKWebView", "Safari"},
      {"Chrome Mobile", "Chrome"},
      {"Chrome Mobile iOS", "Chrome"},
      {"Firefox Mobile", "Firefox"},
      {"Firefox iOS", "Firefox"},
      {"Firefox Beta", "Firefox"},
      {"Firefox Alpha", "Firefox"},
      {"Firefox Nightly", "Firefox"},
      {"Edge", "Microsoft Edge"},
      {"Edge Mobile", "Microsoft Edge"},
      {"IE", "Internet Explorer"},
      {"IE Large Screen", "Internet Explorer"},
      {"Opera Mobile", "Opera"},
      {"Opera Mini", "Opera"},
      {"Opera Tablet", "Opera"},
      {"Opera Coast", "Coast"},
      {"Samsung Internet", "Samsung Browser"},
      {"Android", "Android Browser"},
      {"Amazon Silk", "Mobile Silk"},
      {"Kindle", "Kindle Browser"},
      {"BlackBerry WebKit", "BlackBerry Browser"},
      {"Whale", "Whale Browser"},
      {"Seznam prohlížeč", "Seznam Browser"},
      {"Otter", "Otter Browser"},
      {"MiuiBrowser", "MIUI Browser"},
      {"QQ Browser Mobile", "QQ Browser"},
      {"DuckDuckGo Mobile", "DuckDuckGo Privacy Browser"},
      {"qutebrowser", "Qutebrowser"},
      {"Phantom", "Phantom Browser"},
      {"Ovi Browser", "Nokia Ovi Browser"},
      {"Openwave", "Openwave Mobile Browser"},
      {"WeTab", "WeTab Browser"},
      {"Other", ""},
  };
  return *m;
}

// In-app browsers: UAInspector reports these as client type "mobile app",
// which Plausible stores as "Mobile App" without a version; its Android
// WebView ("Chrome Webview") too.
const std::unordered_set<std::string_view>& MobileApps() {
  static const auto* s = new std::unordered_set<std::string_view>{
      "Chrome Mobile WebView", "Facebook", "Facebook Messenger", "Instagram", "Pinterest",
      "Twitter", "LINE", "Snapchat", "WhatsApp", "Flipboard", "Flipboard-Briefing", "Spotify",
      "TopBuzz", "Kurio App", "BacaBerita App", "Onefootball", "Outlook-iOS-Android",
      "Outlook-iOS", "Crosswalk", "Google", "Apple Watch App", "YahooMobileMail", "OktaMobile",
  };
  return *s;
}

const NameMap& OsNames() {
  static const NameMap* m = new NameMap{
      {"Mac OS X", "Mac"},
      {"Mac OS", "Mac"},
      {"Linux", "GNU/Linux"},
      {"Kindle", "GNU/Linux"},
      {"openSUSE", "SUSE"},
      {"Linux Mint", "Mint"},
      {"WatchOS", "watchOS"},
      {"ATV OS X", "tvOS"},
      {"Web0S", "webOS"},
      {"Sailfish", "Sailfish OS"},
      {"Symbian^3 Anna", "Symbian^3"},
      {"Symbian^3 Belle", "Symbian^3"},
      {"Nokia Series 40", "Symbian OS Series 40"},
      {"BREW", "Brew"},
      {"Brew MP", "Brew"},
      {"GoogleTV", "Google TV"},
      {"Roku", "Roku OS"},
      {"Haiku", "Haiku OS"},
      {"Other", ""},
  };
  return *m;
}

const std::unordered_set<std::string_view>& DesktopOses() {
  static const auto* s = new std::unordered_set<std::string_view>{
      "Windows", "Mac OS X", "Mac OS", "Linux", "Ubuntu", "Kubuntu", "Xubuntu", "Lubuntu",
      "Debian", "Fedora", "Gentoo", "Mandriva", "Red Hat", "Slackware", "SUSE", "openSUSE",
      "Mint", "Linux Mint", "Arch Linux", "CentOS", "Chrome OS", "FreeBSD", "OpenBSD",
      "NetBSD", "BSD", "DragonFly", "Solaris", "SerenityOS", "Haiku", "BeOS", "OS/2",
      "AmigaOS", "IRIX", "AIX", "HP-UX", "Windows RT"};
  return *s;
}

const std::unordered_set<std::string_view>& MobileOses() {
  static const auto* s = new std::unordered_set<std::string_view>{
      "iOS", "Android", "Windows Phone", "Windows Mobile", "Windows CE", "BlackBerry OS",
      "Symbian OS", "Symbian^3", "Symbian^3 Anna", "Symbian^3 Belle", "Nokia Series 40",
      "Nokia Series 30 Plus", "Firefox OS", "KaiOS", "Tizen", "Sailfish", "Bada", "BREW",
      "Brew MP", "MeeGo", "Maemo", "webOS", "WatchOS", "Kindle", "VRE"};
  return *s;
}

std::string MajorMinor(const std::string& major, const std::string& minor) {
  if (major.empty()) return {};
  if (minor.empty()) return major;
  return major + "." + minor;
}

bool IsTelevisionOrConsole(std::string_view ua, const UapResult& uap) {
  static const std::unordered_set<std::string_view> tv_oses = {
      "GoogleTV", "Roku", "Chromecast", "FireHbbTV", "tvOS", "ATV OS X", "WebTV"};
  if (tv_oses.count(uap.os_family)) return true;
  if (ContainsIcase(ua, "playstation vita") || ContainsIcase(ua, "playstation portable")) {
    return false;  // handhelds: Matomo's "portable media player", i.e. Mobile
  }
  for (std::string_view token :
       {"smart-tv", "smarttv", "smart tv", "hbbtv", "googletv", "android tv", "androidtv",
        "crkey", "bravia", "netcast", "inettv", "nettv", "web0s", "playstation", "xbox",
        "nintendo wiiu", "nintendo switch", "roku", "appletv", "apple tv"}) {
    if (ContainsIcase(ua, token)) return true;
  }
  // Fire TV sticks: Amazon models "AFT..."
  return uap.device_brand == "Amazon" && StartsWith(uap.device_model, "AFT");
}

bool IsTabletModel(const UapResult& uap) {
  static const RE2* re = [] {
    RE2::Options o;
    o.set_case_sensitive(false);
    return new RE2(
        R"((?:\btab\b|\btab[ _-]?[a-z0-9]|\bSM-[TPX]\d|\bGT-P\d|\bTB[-_]?[0-9X]\d|MediaPad|)"
        R"(MatePad|Nexus (?:7|9|10)\b|Xoom|PlayBook|\bPad\b|Kindle|\bKF[A-Z]{2,4}\b))",
        o);
  }();
  return RE2::PartialMatch(uap.device_family, *re) || RE2::PartialMatch(uap.device_model, *re);
}

ScreenSize DeriveScreenSize(std::string_view ua, const UapResult& uap) {
  const std::string& os = uap.os_family;
  const std::string& device = uap.device_family;
  if (os == "Other" && device == "Other" && uap.ua_family == "Other") return ScreenSize::kUnknown;
  if (IsTelevisionOrConsole(ua, uap)) return ScreenSize::kDesktop;

  bool android = os == "Android";
  bool mobile_token = Contains(ua, "Mobile") || Contains(ua, "Mobi");
  if (StartsWith(device, "iPad") || Contains(ua, "iPad") || Contains(ua, "Silk/") ||
      Contains(ua, "Kindle") || os == "BlackBerry Tablet OS" || IsTabletModel(uap) ||
      (Contains(ua, "Tablet") && !Contains(ua, "Tablet PC"))) {
    return ScreenSize::kTablet;
  }
  // Chrome for Android marks phones with "Mobile" and tablets without
  // (Matomo's fallback, too); app UAs (Dalvik/...) carry no such token.
  if (android && !mobile_token && (Contains(ua, "Chrome/") || Contains(ua, "Safari"))) {
    return ScreenSize::kTablet;
  }
  // Windows 8+ touch devices: Matomo assumes a tablet.
  if (os == "Windows RT" ||
      (os == "Windows" && Contains(ua, "Touch") && !uap.os_major.empty() &&
       uap.os_major[0] >= '1' && uap.os_major[0] <= '9' &&
       (uap.os_major.size() > 1 || uap.os_major[0] >= '8'))) {
    return ScreenSize::kTablet;
  }
  if (StartsWith(device, "iPhone") || StartsWith(device, "iPod") || Contains(ua, "iPhone") ||
      Contains(ua, "iPod") || MobileOses().count(os) || device == "Generic Smartphone" ||
      device == "Generic Feature Phone" || device == "Apple Watch" || mobile_token) {
    return ScreenSize::kMobile;
  }
  // uap-core's device rules name handsets (a brand and a model); desktops
  // are "Other" or "Mac" and crawlers "Spider".
  if (!uap.device_brand.empty() && device != "Mac" && device != "Spider" &&
      !StartsWith(uap.device_brand, "Generic")) {
    return ScreenSize::kMobile;
  }
  if (DesktopOses().count(os) || device == "Mac") return ScreenSize::kDesktop;
  return ScreenSize::kUnknown;
}

BotKind DeriveBot(const UapResult& uap) {
  if (uap.ua_family == "HeadlessChrome" || uap.ua_family == "PhantomJS") {
    return BotKind::kHeadlessBrowser;
  }
  if (uap.device_family == "Spider") return BotKind::kCrawler;
  return BotKind::kNone;
}

}  // namespace

void UserAgentParser::MapToPlausible(std::string_view user_agent, const UapResult& uap,
                                     UserAgentInfo* out) {
  out->bot = DeriveBot(uap);

  if (MobileApps().count(uap.ua_family)) {
    out->browser = "Mobile App";
    out->browser_version.clear();
  } else {
    auto b = BrowserNames().find(uap.ua_family);
    if (b != BrowserNames().end()) {
      out->browser = std::string(b->second);
    } else {
      out->browser = uap.ua_family;
    }
    out->browser_version = out->browser.empty() ? std::string()
                                                : MajorMinor(uap.ua_major, uap.ua_minor);
  }

  auto o = OsNames().find(uap.os_family);
  out->operating_system = o != OsNames().end() ? std::string(o->second) : uap.os_family;
  out->operating_system_version = out->operating_system.empty()
                                      ? std::string()
                                      : MajorMinor(uap.os_major, uap.os_minor);

  out->screen_size =
      out->bot != BotKind::kNone ? ScreenSize::kUnknown : DeriveScreenSize(user_agent, uap);
}

std::string_view ScreenSizeName(ScreenSize s) {
  switch (s) {
    case ScreenSize::kMobile: return "Mobile";
    case ScreenSize::kTablet: return "Tablet";
    case ScreenSize::kDesktop: return "Desktop";
    case ScreenSize::kUnknown: break;
  }
  return "";
}

std::string_view BotKindName(BotKind k) {
  switch (k) {
    case BotKind::kCrawler: return "crawler";
    case BotKind::kHeadlessBrowser: return "headless_browser";
    case BotKind::kNone: break;
  }
  return "none";
}

// ---- UserAgentCache ----

UserAgentCache::UserAgentCache(const UserAgentParser* parser, size_t capacity)
    : parser_(parser), capacity_(std::max<size_t>(capacity, 1)) {
  // Never reallocated: index_ keys view into the entries' strings.
  entries_.reserve(capacity_);
  index_.reserve(capacity_);
}

UserAgentCache::~UserAgentCache() = default;

void UserAgentCache::Unlink(uint32_t i) {
  Entry& e = entries_[i];
  if (e.prev != kNil) entries_[e.prev].next = e.next; else head_ = e.next;
  if (e.next != kNil) entries_[e.next].prev = e.prev; else tail_ = e.prev;
  e.prev = e.next = kNil;
}

void UserAgentCache::PushFront(uint32_t i) {
  Entry& e = entries_[i];
  e.prev = kNil;
  e.next = head_;
  if (head_ != kNil) entries_[head_].prev = i;
  head_ = i;
  if (tail_ == kNil) tail_ = i;
}

const UserAgentInfo& UserAgentCache::Get(std::string_view user_agent) {
  auto it = index_.find(user_agent);
  if (it != index_.end()) {
    ++hits_;
    uint32_t i = it->second;
    if (i != head_) {
      Unlink(i);
      PushFront(i);
    }
    return entries_[i].info;
  }
  ++misses_;
  uint32_t i;
  if (entries_.size() < capacity_) {
    i = static_cast<uint32_t>(entries_.size());
    entries_.push_back(Entry{std::string(user_agent), {}, kNil, kNil});
  } else {
    i = tail_;
    Unlink(i);
    index_.erase(std::string_view(entries_[i].key));
    entries_[i].key.assign(user_agent.data(), user_agent.size());
    ++evictions_;
  }
  parser_->Parse(entries_[i].key, &entries_[i].info);
  index_.emplace(std::string_view(entries_[i].key), i);
  PushFront(i);
  return entries_[i].info;
}

}  // namespace sinkhost::enrich
