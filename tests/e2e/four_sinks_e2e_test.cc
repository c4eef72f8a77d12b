// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The same 100,000 posted Plausible events, with one config line changed,
// land identically in SQLite, PostgreSQL, ClickHouse 18.16 and the NDJSON
// file sink. The real host runs four times from one config template; after
// each run every row is read back from the backend into one normalized form
// and compared column by column with what the ingest rules say it must be
// (core/ingest: props, revenue, referrer, screen width, URL parts, aliases,
// awkward strings), and at the end the four backends with each other.
//
// Events are numbered: the URL of event N carries "/e/N/", so a row is found
// by (N, domain); an event with several domains gives one row per domain.
#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <map>
#include <unordered_map>

#include "tests/support/admin_api.h"
#include "tests/support/clickhouse_server.h"
#include "tests/support/host_process.h"
#include "tests/support/plausible_rows.h"
#include "tests/support/postgres_server.h"
#include "tests/support/qtest_printers.h"

using namespace sinkhost::testing;

namespace {

constexpr int kEvents = 100000;
constexpr int kEventsPerBulkRequest = 1000;
// The last events go one by one through the tracker endpoint, so both
// ingest paths feed the comparison.
constexpr int kTrackerEvents = 1000;
// The host and the test read the same clock; the slack only absorbs a clock
// adjustment between the two readings.
constexpr int64_t kClockSlackUs = 50000;
constexpr const char* kBulkPath = "/v1/streams/events/events";

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A JSON string literal as RFC 8259 and the props column (sinkhost's
// AppendJsonString, documented in include/sinkhost/format.hpp) write it.
std::string JsonQuote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

using Props = std::vector<std::pair<std::string, std::string>>;

// One event as posted, and the row(s) it must become.
struct Event {
  int id = 0;
  bool short_names = false;  // tracker names ("n", "u") or long ones ("name", "url")
  std::vector<std::string> fields;  // "key":value
  std::vector<std::string> domains;
  PlausibleRow row;  // timestamp, domain and user_agent are filled per row/request
  Props props;       // kept entries before the goal-path rule

  void Add(std::string_view short_key, std::string_view long_key, const std::string& value) {
    fields.push_back(JsonQuote(short_names ? short_key : long_key) + ":" + value);
  }
  std::string Json() const {
    std::string out = "{";
    for (size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + fields[i];
    return out + "}";
  }
};

// URL, hostname, pathname and domains (Plausible's URI.parse,
// sanitize_hostname, percent-decoding, hash mode, comma-separated domains).
struct UrlCase {
  std::string url, hostname, pathname;
  std::optional<std::string> domain_field;  // "d" as sent; none: the URL's host counts
  std::vector<std::string> domains;         // one row each
  const char* hash_mode = nullptr;          // "h" as sent
};

UrlCase UrlCaseOf(int n) {
  const std::string id = "/e/" + std::to_string(n) + "/";
  const std::string ex = "https://example.com";
  const std::string smile = "\U0001F600";
  // Event 999 of every thousand has the longest URL accepted: 2000 bytes.
  switch (n % 1000 == 999 ? 12 : n % 12) {
    case 0:
      return {ex + id + "a?x=1&y=%20", "example.com", id + "a", "example.com", {"example.com"}};
    case 1:
      return {"https://www.shop.example" + id + "caf%C3%A9%20menu?q=%22x%22#frag", "shop.example",
              id + "caf\u00e9 menu", std::nullopt, {"shop.example"}};
    case 2:
      return {"http://docs.example" + id + "guide#sec%20two%F0%9F%98%80", "docs.example",
              id + "guide#sec two" + smile, "docs.example", {"docs.example"},
              n % 2 ? "1" : "\"1\""};
    case 3: return {"android-app:" + id + "x", "(none)", id + "x", "app.example", {"app.example"}};
    case 4:  // trailing whitespace of the decoded path is trimmed
      return {ex + id + "trail%20%09", "example.com", id + "trail", "example.com", {"example.com"}};
    case 5: {
      const std::string awkward = "q\"uote\\back\ttab\nnl" + smile;
      return {ex + id + awkward, "example.com", id + awkward, "example.com", {"example.com"}};
    }
    case 6:  // decodes to invalid UTF-8, so the path is kept undecoded
      return {ex + id + "bad%FFbyte%zz", "example.com", id + "bad%FFbyte%zz", "example.com",
              {"example.com"}};
    case 7:
      return {"https://user:pw@www.Example.ORG:8443" + id + "p?", "Example.ORG", id + "p",
              std::nullopt, {"Example.ORG"}};
    case 8: return {"http://[::1]:8080" + id + "v6", "::1", id + "v6", std::nullopt, {"::1"}};
    case 9:
      return {"https://multi.example" + id + "m", "multi.example", id + "m",
              " a.example , www.b.example,,c.example ", {"a.example", "b.example", "c.example"}};
    case 10: {
      const std::string host = "\u00fcn\u00efcode.example";
      return {"https://" + host + id + "%F0%9F%98%80", host, id + smile, std::nullopt, {host}};
    }
    case 11:  // without hash mode the fragment is not part of the pathname
      return {ex + id + "?only=query#frag", "example.com", id, "www.example.com", {"example.com"},
              "0"};
    default: {
      const std::string path = id + std::string(2000 - ex.size() - id.size(), 'a');
      return {ex + path, "example.com", path, "example.com", {"example.com"}};
    }
  }
}

void AddUrl(Event* e) {
  UrlCase c = UrlCaseOf(e->id);
  if (c.domain_field) e->Add("d", "domain", JsonQuote(*c.domain_field));
  if (c.hash_mode) e->Add("h", e->id % 2 ? "hashMode" : "hash_mode", c.hash_mode);
  e->Add("u", "url", JsonQuote(c.url));
  e->domains = std::move(c.domains);
  e->row[pcol::kUrl] = std::move(c.url);
  e->row[pcol::kHostname] = std::move(c.hostname);
  e->row[pcol::kPathname] = std::move(c.pathname);
}

void AddName(Event* e) {
  std::string name;
  switch ((e->id / 12) % 8) {
    case 0: e->Add("n", "name", JsonQuote(name = "pageview")); break;
    case 1: e->Add("n", "name", JsonQuote(name = "Signup \"quoted\" \\ tab\there\nnewline")); break;
    case 2: e->Add("n", "name", JsonQuote(name = "\U0001F389 Purchase \u2713 \U0001D11E")); break;
    case 3:  // an integer name is stored as its text
      e->Add("n", "name", "404");
      name = "404";
      break;
    case 4: e->Add("n", "name", JsonQuote(name = "engagement")); break;
    case 5:  // 120 code points, the most allowed
      e->Add("n", "name", JsonQuote(name = Repeat("a\U0001F600", 60)));
      break;
    case 6: e->Add("n", "name", JsonQuote(name = "Form: Submission")); break;
    case 7:  // JSON escapes in the input
      e->Add("n", "name", "\"caf\\u00e9 \\/ \\ud83d\\ude00\"");
      name = "caf\u00e9 / \U0001F600";
      break;
  }
  if (e->id % 13 == 0) {  // "n" outranks "name"; a null alias does not count
    if (e->short_names) e->fields.push_back("\"name\":\"loser\"");
    else e->fields.push_back("\"n\":null");
  }
  e->row[pcol::kName] = name;
}

// Scroll depth and engagement time count only for "engagement" events.
void AddEngagement(Event* e) {
  if (*e->row[pcol::kName] != "engagement") {
    if (e->id % 5 == 0) {
      e->Add("sd", "scroll_depth", "10");
      e->Add("e", "engagement_time", "99");
    }
    return;
  }
  auto set = [e](const char* sd_json, Cell sd, const char* e_json, Cell et) {
    if (sd_json) e->Add("sd", "scroll_depth", sd_json);
    if (e_json) e->Add("e", "engagement_time", e_json);
    e->row[pcol::kScrollDepth] = std::move(sd);
    e->row[pcol::kEngagementTime] = std::move(et);
  };
  switch ((e->id / 96) % 5) {
    case 0: set("50", "50", "1234", "1234"); break;
    case 1: set("150", "100", "\"2000\"", "2000"); break;             // capped at 100; text
    case 2: set("\"-1\"", std::nullopt, "5000", "5000"); break;       // negative: missing
    case 3: set("30", "30", "2592000000", std::nullopt); break;       // 30 days: missing
    case 4: set("\"75\"", "75", nullptr, std::nullopt); break;
  }
}

void AddReferrer(Event* e) {
  const int variant = e->id % 7;
  Cell referrer;
  switch (variant) {
    case 0: break;
    case 1: e->Add("r", "referrer", "null"); break;
    case 2:
      referrer = "https://google.com/search?q=a\tb \"c\" \\d \U0001F600";
      e->Add("r", "referrer", JsonQuote(*referrer));
      break;
    case 3: e->Add("r", "referrer", "42"); break;  // only a string counts
    case 4: e->Add("r", "referrer", JsonQuote(*(referrer = ""))); break;
    case 5: e->Add("r", "referrer", JsonQuote(*(referrer = "android-app://com.example/"))); break;
    case 6:
      if (e->id % 1000 == 6) {  // cut to 2000 code points
        e->Add("r", "referrer", JsonQuote(Repeat("\u00e9\U0001F600x", 700)));
        referrer = Repeat("\u00e9\U0001F600x", 666) + "\u00e9\U0001F600";
      } else {
        e->Add("r", "referrer", JsonQuote(*(referrer = "https://t.co/\u00fcn\u00ef")));
      }
      break;
  }
  // "r" outranks "referrer" when it is not null, even when it is not a string.
  if (e->id % 13 == 0 && e->short_names && variant >= 2)
    e->fields.push_back("\"referrer\":\"loser\"");
  e->row[pcol::kReferrer] = referrer;
}

void AddScreenWidth(Event* e) {
  static const std::array<std::pair<const char*, const char*>, 10> kWidths = {{
      {nullptr, nullptr},
      {"1280", "1280"},
      {"0", "0"},
      {"-1", "-1"},
      {"9223372036854775807", "9223372036854775807"},
      {"-9223372036854775808", "-9223372036854775808"},
      {"1.5", nullptr},                  // not an integer: NULL
      {"\"1280\"", nullptr},
      {"1e3", nullptr},
      {"9223372036854775808", nullptr},  // beyond int64
  }};
  const auto& [json, stored] = kWidths[e->id % kWidths.size()];
  if (json) e->Add("w", "screen_width", json);
  if (stored) e->row[pcol::kScreenWidth] = stored;
}

Props ManyProps(int n) {
  Props out;
  for (int k = 0; k < n; ++k) {
    const std::string two = (k < 10 ? "0" : "") + std::to_string(k);
    out.emplace_back("k" + two, "v" + two);
  }
  return out;
}

std::string PropsObject(const Props& props) {
  std::string out = "{";
  for (const auto& [k, v] : props)
    out += (out.size() > 1 ? "," : "") + JsonQuote(k) + ":" + JsonQuote(v);
  return out + "}";
}

void AddProps(Event* e) {
  Props& p = e->props;
  // Event 509 of every thousand has the longest key and value kept.
  switch (e->id % 1000 == 509 ? 10 : (e->id / 7) % 10) {
    case 0: break;
    case 1:  // scalars become text; floats keep a fraction or exponent
      e->Add("p", "props",
             "{\"plan\":\"pro\",\"n\":42,\"f\":1.5,\"b\":true,\"big\":1e300,\"whole\":2.0,"
             "\"neg\":-0.0,\"u\":18446744073709551615,\"e\":1E2}");
      p = {{"plan", "pro"}, {"n", "42"},     {"f", "1.5"},
           {"b", "true"},   {"big", "1e+300"}, {"whole", "2.0"},
           {"neg", "-0.0"}, {"u", "18446744073709551615"}, {"e", "100.0"}};
      break;
    case 2:  // a string holding a JSON object
      e->Add("p", "props", JsonQuote("{\"k\":\"v\",\"num\":7}"));
      p = {{"k", "v"}, {"num", "7"}};
      break;
    case 3:
      p = {{"quo\"te", "back\\slash"}, {"tab\tkey", "new\nline"},
           {"emoji\U0001F600", "\U0001D11E clef"}, {"ctl", "\x01x\x1f"}};
      e->Add("p", "props", PropsObject(p).insert(1, "\"sl\":\"a\\/b\","));
      p.insert(p.begin(), {"sl", "a/b"});
      break;
    case 4:  // containers, nulls and blank keys or values are dropped
      e->Add("p", "props",
             "{\"arr\":[1],\"obj\":{},\"nul\":null,\"empty\":\"\",\"  \":\"x\",\"sp\":\"  \","
             "\"keep\":\" lead\",\"nbsp\":\"\\u00a0\"}");
      p = {{"keep", " lead"}};
      break;
    case 5:  // the last of repeated keys wins, even when it is dropped
      e->Add("p", "props", "{\"a\":\"1\",\"b\":\"2\",\"a\":\"3\",\"c\":\"x\",\"c\":null}");
      p = {{"b", "2"}, {"a", "3"}};
      break;
    case 6:  // the first 30 are kept
      e->Add("p", "props", PropsObject(ManyProps(35)));
      p = ManyProps(30);
      break;
    case 7: e->Add("p", "props", e->id % 2 ? "[1,2]" : "\"not json\""); break;
    case 8:  // "m" outranks "p", "meta" outranks "props"
      if (e->short_names) {
        e->fields.push_back("\"p\":{\"src\":\"p\"}");
        e->fields.push_back("\"m\":{\"src\":\"m\"}");
        p = {{"src", "m"}};
      } else {
        e->fields.push_back("\"props\":{\"src\":\"props\"}");
        e->fields.push_back("\"meta\":{\"src\":\"meta\"}");
        p = {{"src", "meta"}};
      }
      break;
    case 9:
      p = {{"id", std::to_string(e->id)}};
      if (e->id % 2 == 0) p.emplace_back("path", "/custom");
      e->Add("p", "props", PropsObject(p));
      break;
    case 10:  // 300 bytes and 2000 bytes
      p = {{std::string(296, 'k') + "\U0001F600", std::string(1996, 'v') + "\U0001F600"}};
      e->Add("p", "props", PropsObject(p));
      break;
  }
}

// Plausible's system goals get the pathname as a "path" prop, first, when
// they have none; at most 30 props are kept in all.
std::string PropsColumn(const Event& e) {
  Props props = e.props;
  const std::string& name = *e.row[pcol::kName];
  const bool goal = name == "404" || name == "Form: Submission" || name == "WP Form Completions";
  bool has_path = false;
  for (const auto& kv : props) has_path |= kv.first == "path";
  if (goal && !has_path) props.insert(props.begin(), {"path", *e.row[pcol::kPathname]});
  if (props.size() > 30) props.resize(30);
  return PropsObject(props);
}

void AddRevenue(Event* e) {
  struct Case {
    const char* json;
    std::optional<double> amount;
    const char* currency;
  };
  static const std::array<Case, 11> kCases = {{
      {nullptr, {}, nullptr},
      {"{\"amount\":12.5,\"currency\":\"EUR\"}", 12.5, "EUR"},
      {"{\"amount\":\"19.99\",\"currency\":\"USD\"}", 19.99, "USD"},
      {"\"{\\\"amount\\\":\\\"7.30 USD\\\",\\\"currency\\\":\\\"JPY\\\"}\"", 7.3, "JPY"},
      {"{\"amount\":0.1,\"currency\":\"usd\"}", {}, nullptr},  // not an ISO 4217 code
      {"{\"amount\":1e300,\"currency\":\"XAU\"}", 1e300, "XAU"},
      {"{\"amount\":\"abc\",\"currency\":\"EUR\"}", {}, nullptr},
      {"{\"amount\":-0.0,\"currency\":\"GBP\"}", -0.0, "GBP"},
      {"{\"amount\":123456789012345678,\"currency\":\"CHF\"}", 123456789012345678.0, "CHF"},
      {"{\"amount\":5e-324,\"currency\":\"SEK\"}", 5e-324, "SEK"},
      {"{\"amount\":3,\"currency\":\"EUR\",\"amount\":4}", 4.0, "EUR"},
  }};
  const Case& c = kCases[(e->id / 3) % kCases.size()];
  if (c.json) e->Add("$", "revenue", c.json);
  if (e->id % 13 == 0 && e->short_names) e->fields.push_back("\"revenue\":null");
  if (c.amount) e->row[pcol::kRevenueAmount] = NormalizedDouble(*c.amount);
  if (c.currency) e->row[pcol::kRevenueCurrency] = c.currency;
}

void AddInteractive(Event* e) {
  static const std::array<const char*, 4> kJson = {nullptr, "true", "false", "\"no\""};
  const char* json = kJson[(e->id / 5) % kJson.size()];
  if (json) e->Add("i", "interactive", json);
  e->row[pcol::kInteractive] = NormalizedBool(json == nullptr || std::string(json) != "false");
}

Event MakeEvent(int id) {
  Event e;
  e.id = id;
  e.short_names = id % 3 == 1;
  AddUrl(&e);
  AddName(&e);
  AddEngagement(&e);
  AddReferrer(&e);
  AddScreenWidth(&e);
  AddProps(&e);
  e.row[pcol::kProps] = PropsColumn(e);
  AddRevenue(&e);
  AddInteractive(&e);
  if (id % 11 == 0) e.fields.push_back("\"v\":\"2.1.0\",\"timestamp\":\"2020-01-01T00:00:00Z\"");
  return e;
}

// The User-Agent header of request `r`, and how it is stored.
std::pair<std::string, Cell> UserAgent(int r) {
  switch (r % 5) {
    case 0: return {"", std::nullopt};
    case 1: {
      const std::string ua = "Mozilla/5.0 (X11; Linux x86_64) \"quoted\" \\ back";
      return {ua, ua};
    }
    case 2: return {"bot/1.0 \u00fcn\u00efcode \U0001F600", "bot/1.0 \u00fcn\u00efcode \U0001F600"};
    // Invalid bytes become U+FFFD. (No 0xFF: Poco 1.11's header reader
    // drops it, as HTTPSession::get sign-extends it to EOF.)
    case 3: return {"bad\xfe\xc0ua", "bad\xef\xbf\xbd\xef\xbf\xbdua"};
    default: return {"curl/8.0", "curl/8.0"};
  }
}

std::string RowKey(int id, const std::string& domain) { return std::to_string(id) + "@" + domain; }

// The event number in a stored URL ("/e/N/"), or -1.
int IdOfUrl(const Cell& url) {
  if (!url) return -1;
  const size_t at = url->find("/e/");
  if (at == std::string::npos) return -1;
  const char* begin = url->data() + at + 3;
  const char* end = url->data() + url->size();
  int id = 0;
  const auto [next, ec] = std::from_chars(begin, end, id);
  return ec == std::errc() && next < end && *next == '/' ? id : -1;
}

struct Request {
  std::string path;
  std::string body;
  std::string user_agent;  // empty: no header
  int rows = 0;
};

struct ExpectedRow {
  int request = 0;
  PlausibleRow row;  // without the timestamp, which is the server's time
};

struct Workload {
  std::vector<Request> requests;
  std::unordered_map<std::string, ExpectedRow> rows;  // by RowKey
};

void AddEventTo(const Event& e, int request, const Cell& user_agent, Workload* w) {
  for (const std::string& domain : e.domains) {
    ExpectedRow& x = w->rows[RowKey(e.id, domain)];
    x.request = request;
    x.row = e.row;
    x.row[pcol::kDomain] = domain;
    x.row[pcol::kUserAgent] = user_agent;
  }
  w->requests[request].rows += static_cast<int>(e.domains.size());
}

Workload MakeWorkload() {
  Workload w;
  const int bulk_events = kEvents - kTrackerEvents;
  for (int id = 0; id < kEvents; ++id) {
    const bool bulk = id < bulk_events;
    const int request = bulk ? id / kEventsPerBulkRequest
                             : bulk_events / kEventsPerBulkRequest + (id - bulk_events);
    if (request == static_cast<int>(w.requests.size())) {
      w.requests.push_back({bulk ? kBulkPath : "/api/event", "", UserAgent(request).first, 0});
    }
    const Event e = MakeEvent(id);
    w.requests[request].body += e.Json() + (bulk ? "\n" : "");
    AddEventTo(e, request, UserAgent(request).second, &w);
  }
  return w;
}

using Window = std::pair<int64_t, int64_t>;  // server time of a request lies within

// One sink's rows by RowKey.
using StoredRows = std::unordered_map<std::string, PlausibleRow>;

// Mismatches, counted by column in full but listed only up to a limit.
class Problems {
 public:
  void Add(const std::string& column, const std::string& line) {
    ++by_column_[column];
    if (++count_ <= kListed) lines_.push_back(line);
  }
  bool empty() const { return count_ == 0; }
  // "N problem(s), by column: name 3, props 1".
  std::string Summary() const {
    std::string out = std::to_string(count_) + " problem(s), by column:";
    for (const auto& [column, n] : by_column_) out += " " + column + " " + std::to_string(n) + ",";
    out.pop_back();
    return out;
  }
  // The summary in the test log, then the first `listed` problems.
  void Print(const std::string& label, size_t listed = kListed) const {
    if (empty()) return;
    qWarning("%s: %s", label.c_str(), Summary().c_str());
    listed = std::min(listed, lines_.size());
    for (size_t i = 0; i < listed; ++i) qWarning("  %s", lines_[i].c_str());
    if (count_ > listed) qWarning("  ... and %zu more", count_ - listed);
  }

 private:
  static constexpr size_t kListed = 40;
  size_t count_ = 0;
  std::map<std::string, size_t> by_column_;
  std::vector<std::string> lines_;
};

// The SQLite sink stores -0.0 as 0: SQLite writes integral values of REAL
// columns as integers, which have no negative zero (only an untyped column
// would keep it). plugins/sqlite/README.md documents this; the other sinks
// keep -0. The check is an expected failure (QEXPECT_FAIL), so the test
// notices if SQLite or the sink ever changes.
bool SqliteLosesNegativeZero(size_t column, const Cell& sqlite_value, const Cell& exact_value) {
  return column == pcol::kRevenueAmount && sqlite_value == "0" && exact_value == "-0";
}
constexpr const char* kSqliteNegativeZero =
    "sqlite sink stores revenue_amount -0.0 as 0 (REAL affinity keeps integral values as integers)";

std::string Mismatch(size_t column, const std::string& key, const std::string& a_name,
                     const Cell& a, const std::string& b_name, const Cell& b) {
  return std::string("column ") + kPlausibleColumns[column].name + ", row " + key + ": " + a_name +
         " " + Printable(a) + ", " + b_name + " " + Printable(b);
}

std::string Config(const std::string& sink_line) {
  return "ingest: {listen: \"{ingest}\", max_body: 16MiB}\n"
         "admin: {listen: \"{admin}\"}\n"
         "data_dir: \"{dir}/data\"\n"
         "plugin_dirs: [\"{plugins}\"]\n"
         "shutdown_timeout: 60s\n"
         "streams:\n"
         "  events:\n"
         "    schema: plausible\n"
         // What this test checks are the ingest rules; enrichment has its
         // own (enrichment_e2e_test), and would drop the workload's bots.
         "    enrich: none\n"
         "    buffer: {max_events: 10000, flush_interval: 1h, block_timeout: 60s}\n"
         "    sinks:\n"
         "      - " + sink_line + "\n";
}

// Posts every request to a started host, noting when each was sent and
// answered; false with the reason on the first unexpected answer.
bool PostAll(HostProcess& host, const Workload& w, std::vector<Window>* windows,
             std::string* error) {
  windows->clear();
  for (const Request& req : w.requests) {
    std::map<std::string, std::string> headers;
    if (!req.user_agent.empty()) headers["User-Agent"] = req.user_agent;
    const bool bulk = req.path == kBulkPath;
    const int64_t before = NowMicros();
    const HttpResult r = host.Ingest("POST", req.path, req.body,
                                     bulk ? "application/x-ndjson" : "text/plain", headers);
    windows->emplace_back(before, NowMicros());
    const std::string want = bulk ? "{\"accepted\":" + std::to_string(req.rows) + "}" : "ok";
    if (r.status != 202 || r.body != want) {
      *error = "request " + std::to_string(windows->size() - 1) + " to " + req.path +
               ": HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 500) +
               " (wanted 202 " + want + ")";
      return false;
    }
  }
  return true;
}

// Flushes the host and stops it; false with the reason unless both succeed.
bool FlushAndStop(HostProcess& host, std::string* error) {
  if (!FlushHost(host, 60, error)) return false;
  const int code = host.Terminate(60000);
  if (code != 0) {
    *error = "exit code " + std::to_string(code) + "\n" + host.output();
    return false;
  }
  return true;
}

// Keys the rows; rows without an event number, or with one twice, are problems.
StoredRows KeyRows(const std::vector<PlausibleRow>& rows, Problems* problems) {
  StoredRows out;
  for (const PlausibleRow& row : rows) {
    const int id = IdOfUrl(row[pcol::kUrl]);
    const std::string key = RowKey(id, row[pcol::kDomain].value_or("NULL"));
    if (id < 0)
      problems->Add("(row)", "no event number in the url: " + Printable(row[pcol::kUrl]));
    else if (!out.emplace(key, row).second)
      problems->Add("(row)", "row " + key + " stored twice");
  }
  return out;
}

// The server stamps a request once: all its rows carry one time, taken
// between the request's sending and its answer.
void CheckTimestamp(const std::string& key, const Cell& stored, int request,
                    const std::vector<Window>& windows, std::map<int, std::string>* per_request,
                    Problems* problems) {
  const Window& w = windows[static_cast<size_t>(request)];
  int64_t ts = 0;
  const auto [it, first] = per_request->emplace(request, stored.value_or("NULL"));
  if (!first && it->second != stored.value_or("NULL"))
    problems->Add("timestamp", "column timestamp, row " + key + ": " + Printable(stored) +
                  " differs from other rows of request " + std::to_string(request) + " (" +
                  it->second + ")");
  const char* text = stored ? stored->data() : nullptr;
  const bool parsed = stored && std::from_chars(text, text + stored->size(), ts).ec == std::errc();
  if (!parsed || ts < w.first - kClockSlackUs || ts > w.second + kClockSlackUs)
    problems->Add("timestamp", "column timestamp, row " + key + ": " + Printable(stored) +
                  ", expected the server time of request " + std::to_string(request) + ", " +
                  std::to_string(w.first) + ".." + std::to_string(w.second));
}

// Every expected row is stored once, with the expected value in every
// column; nothing else is stored. Known deviations of the sqlite sink go to
// *known instead.
void CompareWithExpected(const std::string& sink, const StoredRows& stored, const Workload& w,
                         const std::vector<Window>& windows, Problems* problems, Problems* known) {
  std::map<int, std::string> ts_of_request;
  for (const auto& [key, row] : stored)
    if (!w.rows.count(key)) problems->Add("(row)", "unexpected row " + key);
  for (const auto& [key, want] : w.rows) {
    auto it = stored.find(key);
    if (it == stored.end()) {
      problems->Add("(row)", "row " + key + " is missing");
      continue;
    }
    const PlausibleRow& got = it->second;
    CheckTimestamp(key, got[pcol::kTimestamp], want.request, windows, &ts_of_request, problems);
    for (size_t c = pcol::kTimestamp + 1; c < kPlausibleColumnCount; ++c) {
      if (got[c] == want.row[c]) continue;
      const bool is_known = sink == "sqlite" && SqliteLosesNegativeZero(c, got[c], want.row[c]);
      const std::string line = Mismatch(c, key, "stored", got[c], "expected", want.row[c]);
      (is_known ? known : problems)->Add(kPlausibleColumns[c].name, line);
    }
  }
}

}  // namespace

class FourSinksE2ETest : public QObject {
  Q_OBJECT

  Workload workload_;
  PostgresServer postgres_;
  ClickHouseServer clickhouse_;
  std::map<std::string, StoredRows> stored_;  // by sink

  // Runs the host with `sink_line` as its only sink, then reads the rows
  // back with `read` (called while the host's folder still exists).
  template <typename Read>
  void RunAndCompare(const std::string& sink, const std::string& sink_line, Read read) {
    const auto start = std::chrono::steady_clock::now();
    HostProcess host;
    QVERIFY2(host.Start(Config(sink_line)), host.output().c_str());
    std::vector<Window> windows;
    std::string error;
    QVERIFY2(PostAll(host, workload_, &windows, &error), error.c_str());
    QVERIFY2(FlushAndStop(host, &error), error.c_str());
    std::vector<PlausibleRow> rows;
    QVERIFY2(read(host, &rows, &error), error.c_str());
    Problems problems, known;
    StoredRows keyed = KeyRows(rows, &problems);
    CompareWithExpected(sink, keyed, workload_, windows, &problems, &known);
    stored_[sink] = std::move(keyed);
    qInfo("%s: %zu rows read back, %.1f s", sink.c_str(), rows.size(),
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    problems.Print(sink);
    QVERIFY2(problems.empty(), (sink + ": " + problems.Summary()).c_str());
    if (sink == "sqlite") {
      known.Print(sink + " (known)", 3);
      QEXPECT_FAIL("", kSqliteNegativeZero, Continue);
      QVERIFY2(known.empty(), known.Summary().c_str());
    }
  }

 private slots:
  void initTestCase() {
    workload_ = MakeWorkload();
    QCOMPARE(static_cast<int>(workload_.requests.size()),
             (kEvents - kTrackerEvents) / kEventsPerBulkRequest + kTrackerEvents);
  }

  void sqlite() {
    RunAndCompare("sqlite", "{plugin: sqlite, options: {path: \"{dir}/events.db\", table: events}}",
                  [](HostProcess& host, std::vector<PlausibleRow>* rows, std::string* error) {
                    return ReadPlausibleSqlite(host.dir() + "/events.db", "events", rows, error);
                  });
  }

  void file() {
    RunAndCompare("file", "{plugin: file, options: {path: \"{dir}/events.ndjson\"}}",
                  [](HostProcess& host, std::vector<PlausibleRow>* rows, std::string* error) {
                    return ReadPlausibleNdjson(host.dir() + "/events.ndjson", rows, error);
                  });
  }

  void postgres() {
    QVERIFY2(postgres_.Start(), postgres_.error().c_str());
    RunAndCompare("postgres",
                  "{plugin: postgres, options: {connection: \"" + postgres_.ConnectionString() +
                      "\", table: events}}",
                  [this](HostProcess&, std::vector<PlausibleRow>* rows, std::string* error) {
                    return ReadPlausiblePostgres(postgres_, "events", rows, error);
                  });
    postgres_.Stop();
  }

  void clickhouse() {
    QVERIFY2(clickhouse_.Start(), clickhouse_.error().c_str());
    RunAndCompare("clickhouse",
                  "{plugin: clickhouse, options: {url: \"" + clickhouse_.HttpUrl() +
                      "\", table: events}}",
                  [this](HostProcess&, std::vector<PlausibleRow>* rows, std::string* error) {
                    return ReadPlausibleClickHouse(clickhouse_, "events", rows, error);
                  });
    clickhouse_.Stop();
  }

  // Each sink already matched the expected rows; this names the sinks that
  // disagree directly. Timestamps are the server's time of four separate
  // runs, so only their per-run checks above apply.
  void allFourSinksAgree() {
    const std::vector<std::string> sinks = {"sqlite", "file", "postgres", "clickhouse"};
    for (const std::string& s : sinks) QVERIFY2(stored_.count(s), (s + " did not run").c_str());
    const StoredRows& reference = stored_.at(sinks[0]);
    Problems problems, known;
    for (const auto& entry : workload_.rows) {
      const std::string& key = entry.first;
      auto ref = reference.find(key);
      for (size_t k = 1; k < sinks.size(); ++k) {
        const StoredRows& other = stored_.at(sinks[k]);
        auto it = other.find(key);
        if (ref == reference.end() || it == other.end()) {
          if ((ref == reference.end()) != (it == other.end()))
            problems.Add("(row)", "row " + key + " is in one of " + sinks[0] + ", " + sinks[k]);
          continue;
        }
        for (size_t c = pcol::kTimestamp + 1; c < kPlausibleColumnCount; ++c) {
          const Cell& a = ref->second[c];
          const Cell& b = it->second[c];
          if (a == b) continue;
          (SqliteLosesNegativeZero(c, a, b) ? known : problems)
              .Add(kPlausibleColumns[c].name, Mismatch(c, key, sinks[0], a, sinks[k], b));
        }
      }
    }
    problems.Print("sinks disagree");
    QVERIFY2(problems.empty(), problems.Summary().c_str());
    known.Print("sinks disagree (known)", 3);
    QEXPECT_FAIL("", kSqliteNegativeZero, Continue);
    QVERIFY2(known.empty(), known.Summary().c_str());
  }
};

QTEST_GUILESS_MAIN(FourSinksE2ETest)
#include "four_sinks_e2e_test.moc"
