// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The enrichment stage through the real binary: events sent the way the
// official tracker sends them (text/plain JSON with its short keys, one per
// request) go through `sinkhost` into SQLite and a real PostgreSQL server,
// and every derived column is read back from both and compared with what
// Plausible stores for the same request.
//
// Rows whose name starts with "plausible:" send the request one of
// Plausible's own tests sends and expect what that test asserts; the
// comment above each names the test (test/plausible_web/controllers/api/
// external_controller_test.exs, describe "POST /api/event", unless said
// otherwise). Plausible's tests set the client address with
// X-Forwarded-For and trust it blindly; here the host trusts one proxy hop
// (ingest.trusted_proxy_hops: 1), so the same header means the same.
//
// Each row is its own visitor (its own address), so that no session makes
// one row take another's attributes; sessions have their own tests below.
#include <QJsonObject>
#include <QtTest>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/enrich/visitor_id.h"
#include "tests/support/admin_api.h"
#include "tests/support/geo_test_data.h"
#include "tests/support/host_process.h"
#include "tests/support/postgres_server.h"
#include "tests/support/raw_http.h"

using namespace sinkhost::testing;

namespace {

using Columns = std::map<std::string, std::string>;

constexpr const char* kMacChrome =
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_4) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/70.0.3538.110 Safari/537.36";
constexpr const char* kAndroidWebView =
    "Mozilla/5.0 (Linux; Android 6.0; U007 Pro Build/MRA58K; wv) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Version/4.0 Chrome/44.0.2403.119 Mobile Safari/537.36";
constexpr const char* kAndroidTablet =
    "Mozilla/5.0 (Linux; U; Android 4.2.2; it-it; Surfing TAB B 9.7 3G Build/JDQ39) "
    "AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30";
constexpr const char* kHeadlessChrome =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/85.0.4183.83 Safari/537.36";

// The derived columns, in the order the readers below return them.
const std::vector<std::string> kDerived = {
    "browser", "browser_version", "operating_system", "operating_system_version", "screen_size",
    "referrer", "referrer_source", "utm_medium", "utm_source", "utm_campaign", "utm_content",
    "utm_term", "click_id_param", "country_code", "subdivision1_code", "subdivision2_code",
    "city_geoname_id", "user_id", "session_id"};

// One SELECT that works in SQLite and PostgreSQL: the columns as text,
// "NULL" for null, joined by '|'.
std::string SelectDerived(const std::string& table, const std::string& where) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < kDerived.size(); ++i)
    sql += (i ? " || '|' || " : "") + std::string("coalesce(cast(") + kDerived[i] +
           " as text), 'NULL')";
  return sql + " FROM " + table + " WHERE " + where;
}

std::vector<Columns> SplitRows(const std::vector<std::string>& lines) {
  std::vector<Columns> rows;
  for (const std::string& line : lines) {
    Columns row;
    std::stringstream in(line);
    std::string cell;
    for (const std::string& name : kDerived) {
      std::getline(in, cell, '|');
      row[name] = cell;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(line);
  return out;
}

// A tracker body (short keys, as plausible.js sends them).
std::string TrackerBody(const std::string& name, const std::string& url,
                        const std::string& referrer) {
  std::string body = "{\"n\":\"" + name + "\",\"u\":\"" + url + "\",\"d\":\"example.com\"";
  if (!referrer.empty()) body += ",\"r\":\"" + referrer + "\"";
  return body + ",\"w\":1280}";
}

}  // namespace

Q_DECLARE_METATYPE(Columns)

class EnrichmentE2ETest : public QObject {
  Q_OBJECT

  PostgresServer postgres_;
  HostProcess host_;
  int next_address_ = 1;

  std::string Config(const std::string& table, const std::string& enrich_extra,
                     int hops = 1) const {
    return "ingest: {listen: \"{ingest}\", trusted_proxy_hops: " + std::to_string(hops) +
           "}\n"
           "admin: {listen: \"{admin}\"}\n"
           "data_dir: \"{dir}/data\"\n"
           "plugin_dirs: [\"{plugins}\"]\n"
           "streams:\n"
           "  events:\n"
           "    schema: plausible\n"
           "    enrich: {geo_database: \"" SINKHOST_TEST_MMDB "\"" + enrich_extra + "}\n"
           "    buffer: {flush_interval: 1h}\n"
           "    sinks:\n"
           "      - {plugin: sqlite, options: {path: \"{dir}/events.db\", table: " + table + "}}\n"
           // Hosts of this test share the database and the stream name: each
           // needs a ledger of its own (one host per (stream, sink) and ledger,
           // plugins/postgres/README.md).
           "      - {plugin: postgres, options: {connection: \"" + postgres_.ConnectionString() +
           "\", table: " + table + ", ledger_table: ledger_" + table + "}}\n";
  }

  // A visitor address of its own, outside every network of the test
  // database (so its location is empty unless a row says otherwise).
  std::string FreshAddress() { return "203.0.113." + std::to_string(100 + next_address_++); }

  // Flushes, then reads the rows matching `where` from both backends; fails
  // the test when they differ.
  std::vector<Columns> Stored(HostProcess& host, const std::string& table,
                              const std::string& where) {
    std::string error;
    if (!FlushHost(host, 30, &error)) qFatal("flush failed: %s", error.c_str());
    const std::string sql = SelectDerived(table, where) + " ORDER BY timestamp";
    std::vector<Columns> sqlite, pg;
    std::string pg_text;
    QElapsedTimer waited;
    waited.start();
    do {
      if (!sqlite.empty() || !pg.empty()) QTest::qWait(100);
      sqlite = SplitRows(SqliteColumn(host.dir() + "/events.db", sql));
      pg_text = postgres_.Query(sql);
      if (pg_text.rfind("ERROR", 0) == 0) qFatal("postgres: %s", pg_text.c_str());
      pg = SplitRows(Lines(pg_text));
    } while (sqlite != pg && waited.elapsed() < 5000);
    if (waited.elapsed() > 150) qInfo("sqlite and postgres agreed after %lld ms", waited.elapsed());
    if (sqlite != pg) {
      qWarning("sqlite (%zu rows) and postgres (%zu rows: %s) differ for %s", sqlite.size(),
               pg.size(), pg_text.c_str(), where.c_str());
      return {};
    }
    return sqlite;
  }

 private slots:
  void initTestCase() {
    QVERIFY2(postgres_.Start(), postgres_.error().c_str());
    QVERIFY2(host_.Start(Config("events", "")), host_.output().c_str());
  }

  void cleanupTestCase() {
    QCOMPARE(host_.Terminate(), 0);
    postgres_.Stop();
  }

  void derivedColumns_data() {
    QTest::addColumn<QString>("user_agent");
    QTest::addColumn<QString>("forwarded_for");  // empty: a fresh address of the row's own
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("referrer");
    QTest::addColumn<bool>("stored");
    QTest::addColumn<Columns>("expected");  // the columns this row checks

    auto row = [](const char* tag, const char* ua, const char* url, const char* referrer,
                  Columns expected, const char* xff = "", bool stored = true) {
      QTest::newRow(tag) << ua << xff << "pageview" << url << referrer << stored << expected;
    };
    const char* page = "http://example.com/";

    // User agents. "parses user_agent"
    row("plausible: parses user_agent", kMacChrome, page, "",
        {{"operating_system", "Mac"}, {"operating_system_version", "10.13"},
         {"browser", "Chrome"}, {"browser_version", "70.0"}, {"screen_size", "Desktop"}});
    // "screen size is calculated from user agent"
    row("plausible: mobile screen size", kAndroidWebView, page, "", {{"screen_size", "Mobile"}});
    // "screen size is calculated from user_agent when is tablet"
    row("plausible: tablet screen size", kAndroidTablet, page, "", {{"screen_size", "Tablet"}});
    // "screen size is nil if user agent is unknown"
    row("plausible: unknown user agent", "unknown UA", page, "",
        {{"screen_size", ""}, {"browser", ""}, {"operating_system", ""}});
    // "bots and crawlers are ignored"
    row("plausible: generic crawler", "generic crawler", page, "", {}, "", false);
    // "Headless Chrome is ignored"
    row("plausible: Headless Chrome", kHeadlessChrome, page, "", {}, "", false);
    row("Googlebot", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        page, "", {}, "", false);
    row("Firefox on Windows",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0", page,
        "",
        {{"browser", "Firefox"}, {"browser_version", "121.0"}, {"operating_system", "Windows"},
         {"operating_system_version", "10"}, {"screen_size", "Desktop"}});
    row("Safari on macOS",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.1 Safari/605.1.15",
        page, "",
        {{"browser", "Safari"}, {"browser_version", "17.1"}, {"operating_system", "Mac"},
         {"operating_system_version", "10.15"}, {"screen_size", "Desktop"}});
    row("Safari on iPhone",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1",
        page, "",
        {{"browser", "Safari"}, {"browser_version", "17.1"}, {"operating_system", "iOS"},
         {"operating_system_version", "17.1"}, {"screen_size", "Mobile"}});
    row("Safari on iPad",
        "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/16.6 Mobile/15E148 Safari/604.1",
        page, "", {{"browser", "Safari"}, {"operating_system", "iOS"}, {"screen_size", "Tablet"}});
    row("Edge on Windows",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
        page, "",
        {{"browser", "Microsoft Edge"}, {"browser_version", "120.0"},
         {"operating_system", "Windows"}, {"screen_size", "Desktop"}});
    row("Samsung Internet",
        "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like "
        "Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
        page, "",
        {{"browser", "Samsung Browser"}, {"browser_version", "23.0"},
         {"operating_system", "Android"}, {"operating_system_version", "13"},
         {"screen_size", "Mobile"}});
    row("Chrome on an Android tablet",
        "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36",
        page, "",
        {{"browser", "Chrome"}, {"operating_system", "Android"}, {"screen_size", "Tablet"}});

    // Referrers. "parses referrer source"
    row("plausible: facebook", kMacChrome, page, "https://facebook.com",
        {{"referrer_source", "Facebook"}, {"referrer", "facebook.com"}, {"click_id_param", ""}});
    // "strips trailing slash from referrer"
    row("plausible: trailing slash", kMacChrome, page, "https://facebook.com/page/",
        {{"referrer", "facebook.com/page"}, {"referrer_source", "Facebook"}});
    // "ignores when referrer is internal"; the column is NULL here (no
    // referrer), where Plausible's String column holds "".
    row("plausible: internal referrer", kMacChrome, page, "https://example.com",
        {{"referrer_source", ""}, {"referrer", "NULL"}});
    row("same site with www", kMacChrome, "http://www.example.com/", "https://example.com/a",
        {{"referrer_source", ""}, {"referrer", "NULL"}});
    // "ignores localhost referrer"
    row("plausible: localhost", kMacChrome, page, "http://localhost:4000/",
        {{"referrer_source", ""}});
    // "parses subdomain referrer"
    row("plausible: subdomain", kMacChrome, page, "https://blog.example.com",
        {{"referrer_source", "blog.example.com"}});
    // "referrer is cleaned"
    row("plausible: referrer is cleaned", kMacChrome, page,
        "https://www.indiehackers.com/page?query=param#hash",
        {{"referrer", "indiehackers.com/page"}});
    // "if it's an :unknown referrer, just the domain is used"
    row("plausible: unknown referrer", kMacChrome, page,
        "https://www.indiehackers.com/landing-page-feedback",
        {{"referrer_source", "indiehackers.com"}});
    row("Google search", kMacChrome, page, "https://www.google.com/search?q=sinkhost",
        {{"referrer_source", "Google"}, {"referrer", "google.com/search"}});
    row("Bing", kMacChrome, page, "https://www.bing.com/", {{"referrer_source", "Bing"}});
    row("DuckDuckGo", kMacChrome, page, "https://duckduckgo.com/",
        {{"referrer_source", "DuckDuckGo"}});
    row("Reddit", kMacChrome, page, "https://www.reddit.com/r/selfhosted/",
        {{"referrer_source", "Reddit"}, {"referrer", "reddit.com/r/selfhosted"}});
    row("LinkedIn", kMacChrome, page, "https://www.linkedin.com/feed/",
        {{"referrer_source", "LinkedIn"}});
    // "if the referrer is not http, https, or android it is ignored"
    row("plausible: ftp referrer", kMacChrome, page, "ftp://wat", {{"referrer_source", ""}});
    row("no referrer", kMacChrome, page, "", {{"referrer_source", ""}, {"referrer", "NULL"}});

    // Query parameters. "utm_source overrides referrer source"
    row("plausible: utm_source wins", kMacChrome, "http://www.example.com/?utm_source=betalist",
        "https://betalist.com/my-produxct",
        {{"referrer_source", "betalist"}, {"utm_source", "betalist"}});
    // "?ref param behaves like ?utm_source"
    row("plausible: ref", kMacChrome, "http://www.example.com/?ref=betalist", "",
        {{"referrer_source", "betalist"}, {"utm_source", "betalist"}});
    // "?source param behaves like ?utm_source"
    row("plausible: source", kMacChrome, "http://www.example.com/?source=betalist", "",
        {{"referrer_source", "betalist"}, {"utm_source", "betalist"}});
    // "if utm_source matches a capitalized form from ref_inspector, the
    // capitalized form is recorded"
    row("plausible: capitalized utm_source", kMacChrome,
        "http://www.example.com/?utm_source=facebook", "", {{"referrer_source", "Facebook"}});
    // "utm tags are stored"
    row("plausible: utm tags", kMacChrome,
        "http://www.example.com/?utm_medium=ads&utm_source=instagram&utm_campaign=video_story", "",
        {{"utm_medium", "ads"}, {"utm_source", "instagram"}, {"utm_campaign", "video_story"}});
    row("utm_content and utm_term, percent-encoded", kMacChrome,
        "http://example.com/?utm_content=hero%20banner&utm_term=c%2B%2B", "",
        {{"utm_content", "hero banner"}, {"utm_term", "c++"}});
    // describe "acquisition channel tests": "parses paid search channel
    // based on gclid"
    row("plausible: gclid from google", kMacChrome, "http://example.com?gclid=123identifier",
        "https://google.com", {{"utm_medium", "(gclid)"}, {"click_id_param", "gclid"}});
    // "is not paid search when gclid is present on non-google referrer"
    row("plausible: gclid elsewhere", kMacChrome, "http://example.com?gclid=123identifier",
        "https://duckduckgo.com", {{"utm_medium", ""}, {"click_id_param", "gclid"}});
    // "does not override utm_medium with (gclid) if link is already tagged"
    row("plausible: gclid with utm_medium", kMacChrome,
        "http://example.com?gclid=123identifier&utm_medium=paidads", "https://google.com",
        {{"utm_medium", "paidads"}, {"click_id_param", "gclid"}});
    // "parses paid search channel based on msclkid"
    row("plausible: msclkid from bing", kMacChrome, "http://example.com?msclkid=123identifier",
        "https://bing.com", {{"utm_medium", "(msclkid)"}, {"click_id_param", "msclkid"}});
    row("gbraid", kMacChrome, "http://example.com/?gbraid=x", "", {{"click_id_param", "gbraid"}});
    row("wbraid", kMacChrome, "http://example.com/?wbraid=x", "", {{"click_id_param", "wbraid"}});
    row("fbclid", kMacChrome, "http://example.com/?fbclid=x", "", {{"click_id_param", "fbclid"}});
    row("twclid", kMacChrome, "http://example.com/?twclid=x", "", {{"click_id_param", "twclid"}});

    // Locations from the test .mmdb. "looks up location data from the ip
    // address"
    auto geo = [&](const char* tag, const GeoTestCase& g, const char* xff) {
      row(tag, kMacChrome, page, "",
          {{"country_code", g.country_code}, {"subdivision1_code", g.subdivision1_code},
           {"subdivision2_code", g.subdivision2_code},
           {"city_geoname_id", std::to_string(g.city_geoname_id)}},
          xff);
    };
    geo("plausible: location from the address", kPlausibleGeoGb, kPlausibleGeoGb.ip);
    // "ignores unknown country code ZZ", "... disputed territory code XX",
    // "... TOR exit node country code T1"
    geo("plausible: ZZ", kPlausibleGeoZz, kPlausibleGeoZz.ip);
    geo("plausible: XX", kPlausibleGeoXx, kPlausibleGeoXx.ip);
    geo("plausible: T1", kPlausibleGeoT1, kPlausibleGeoT1.ip);
    // "scrubs port from x-forwarded-for"
    geo("plausible: port scrubbed", kPlausibleGeoUs, "216.160.83.56:123");
    // "works with ipv6 without port in x-forwarded-for"
    geo("plausible: ipv6", kPlausibleGeoJp, "2001:218:1:1:1:1:1:1");
    // "works with ipv6 with a port number in x-forwarded-for"
    geo("plausible: ipv6 with port", kPlausibleGeoJp, "[2001:218:1:1:1:1:1:1]:123");
    geo("city in one subdivision", kGeoUsCalifornia, kGeoUsCaliforniaIp);
    geo("ipv6 city", kGeoIpv6, kGeoIpv6Ip);
    geo("not in the database", kGeoNotFound, kGeoNotFoundIp);
    // One trusted hop: the entry the trusted proxy appended, not the one the
    // client wrote.
    geo("one trusted hop of two entries", kPlausibleGeoGb, "216.160.83.56, 2.125.160.216");
  }

  void derivedColumns() {
    QFETCH(QString, user_agent);
    QFETCH(QString, forwarded_for);
    QFETCH(QString, name);
    QFETCH(QString, url);
    QFETCH(QString, referrer);
    QFETCH(bool, stored);
    QFETCH(Columns, expected);
    // The row's own page, so its row is found by pathname.
    const std::string tag = std::to_string(next_address_);
    std::string page = url.toStdString();
    const size_t query = page.find('?');
    const std::string base = page.substr(0, query);
    const std::string path = "/row/" + tag;
    page = (base.back() == '/' ? base.substr(0, base.size() - 1) : base) + path +
           (query == std::string::npos ? "" : page.substr(query));
    const std::string xff =
        forwarded_for.isEmpty() ? FreshAddress() : (++next_address_, forwarded_for.toStdString());
    HttpResult r = host_.Ingest(
        "POST", "/api/event", TrackerBody(name.toStdString(), page, referrer.toStdString()),
        "text/plain", {{"User-Agent", user_agent.toStdString()}, {"X-Forwarded-For", xff}});
    QCOMPARE(r.status, 202);
    QCOMPARE(r.body, std::string("ok"));
    std::vector<Columns> rows = Stored(host_, "events", "pathname = '" + path + "'");
    if (!stored) {
      QVERIFY2(rows.empty(), "a bot's event was stored");
      return;
    }
    QCOMPARE(rows.size(), size_t{1});
    for (const auto& [column, value] : expected)
      QVERIFY2(rows[0][column] == value,
               (column + ": stored '" + rows[0][column] + "', expected '" + value + "'").c_str());
    QVERIFY(rows[0]["user_id"] != "NULL");
    QVERIFY(rows[0]["session_id"] != "NULL");
  }

  void botsAreCountedPerReason() {
    // The rows above dropped two crawlers and one headless browser.
    const QJsonObject stats = JsonObject(host_.Admin("GET", "/api/stats").body);
    const QJsonObject dropped =
        stats["streams"].toObject()["events"].toObject()["enrichment"].toObject()["dropped"]
            .toObject();
    QCOMPARE(dropped["crawler"].toInt(), 2);
    QCOMPARE(dropped["headless_browser"].toInt(), 1);
    const std::string metrics = host_.Admin("GET", "/metrics").body;
    QVERIFY(metrics.find("sinkhost_enrich_dropped_total{stream=\"events\",reason=\"crawler\"} 2") !=
            std::string::npos);
  }

  // "records the event and session": the events of one visitor share a
  // session, and take its first event's attributes (Plausible's
  // merge_session); another browser is another visitor.
  void aVisitorsEventsShareTheSessionAndItsEntryAttributes() {
    const std::string ip = FreshAddress();
    auto post = [&](const std::string& name, const std::string& path, const std::string& ref,
                    const char* ua) {
      return host_
          .Ingest("POST", "/api/event",
                  TrackerBody(name, "http://example.com/session-a" + path, ref), "text/plain",
                  {{"User-Agent", ua}, {"X-Forwarded-For", ip}})
          .status;
    };
    QCOMPARE(post("pageview", "/1", "https://facebook.com/page/", kMacChrome), 202);
    QCOMPARE(post("signup", "/2", "https://google.com/", kMacChrome), 202);
    QCOMPARE(post("pageview", "/3", "", kAndroidWebView), 202);
    QCOMPARE(post("pageview", "/4", "", kMacChrome), 202);
    std::vector<Columns> rows = Stored(host_, "events", "pathname LIKE '/session-a/%'");
    QCOMPARE(rows.size(), size_t{4});
    QCOMPARE(rows[1]["session_id"], rows[0]["session_id"]);
    QCOMPARE(rows[1]["user_id"], rows[0]["user_id"]);
    // An event of the session that sent no referrer still stores the
    // session's.
    QCOMPARE(rows[3]["session_id"], rows[0]["session_id"]);
    QCOMPARE(rows[3]["referrer"], std::string("facebook.com/page"));
    QCOMPARE(rows[3]["referrer_source"], std::string("Facebook"));
    QCOMPARE(rows[1]["referrer_source"], std::string("Facebook"));
    QCOMPARE(rows[1]["referrer"], std::string("facebook.com/page"));
    QVERIFY(rows[2]["user_id"] != rows[0]["user_id"]);
    QVERIFY(rows[2]["session_id"] != rows[0]["session_id"]);
    QCOMPARE(rows[2]["screen_size"], std::string("Mobile"));
  }

  // describe "engagement event tests": an engagement without a session is
  // not stored (drop reason no_session_for_engagement); with one it is.
  void anEngagementNeedsASession() {
    const std::string ip = FreshAddress();
    auto engage = [&](const std::string& path) {
      return host_.Ingest("POST", "/api/event",
                          "{\"n\":\"engagement\",\"u\":\"http://example.com/engage" + path +
                              "\",\"d\":\"example.com\",\"sd\":50,\"e\":1200}",
                          "text/plain", {{"User-Agent", kMacChrome}, {"X-Forwarded-For", ip}});
    };
    QCOMPARE(engage("/lone").status, 202);
    QCOMPARE(host_
                 .Ingest("POST", "/api/event",
                         TrackerBody("pageview", "http://example.com/engage/page", ""),
                         "text/plain", {{"User-Agent", kMacChrome}, {"X-Forwarded-For", ip}})
                 .status,
             202);
    QCOMPARE(engage("/after").status, 202);
    std::vector<Columns> rows = Stored(host_, "events", "pathname LIKE '/engage/%'");
    QCOMPARE(rows.size(), size_t{2});
    QCOMPARE(rows[1]["session_id"], rows[0]["session_id"]);
    const QJsonObject dropped = JsonObject(host_.Admin("GET", "/api/stats").body)["streams"]
                                    .toObject()["events"]
                                    .toObject()["enrichment"]
                                    .toObject()["dropped"]
                                    .toObject();
    QCOMPARE(dropped["no_session_for_engagement"].toInt(), 1);
  }

  // A session ends after enrich.session_timeout of inactivity (30 minutes
  // by default; 2 s here).
  void aSessionExpiresAfterTheTimeout() {
    HostProcess host;
    QVERIFY2(host.Start(Config("expiry", ", session_timeout: 2s")), host.output().c_str());
    const std::string ip = FreshAddress();
    auto post = [&](const std::string& path) {
      return host
          .Ingest("POST", "/api/event", TrackerBody("pageview", "http://example.com" + path, ""),
                  "text/plain", {{"User-Agent", kMacChrome}, {"X-Forwarded-For", ip}})
          .status;
    };
    QCOMPARE(post("/x/1"), 202);
    QCOMPARE(post("/x/2"), 202);
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    QCOMPARE(post("/x/3"), 202);
    std::vector<Columns> rows = Stored(host, "expiry", "pathname LIKE '/x/%'");
    QCOMPARE(rows.size(), size_t{3});
    QCOMPARE(rows[1]["session_id"], rows[0]["session_id"]);
    QVERIFY(rows[2]["session_id"] != rows[0]["session_id"]);
    // Same day, same salt: the same visitor.
    QCOMPARE(rows[2]["user_id"], rows[0]["user_id"]);
    QCOMPARE(host.Terminate(), 0);
  }

  // The host last ran yesterday: its salts file holds yesterday's salt and
  // one made three days ago. The first event today makes today's salt, keeps
  // yesterday's as the previous one and forgets the one older than 48 hours;
  // the stored visitor id is SipHash under today's salt.
  void theSaltRotatesAcrossTheDayBoundary() {
    HostProcess host;
    using namespace sinkhost::enrich;
    const int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    const int64_t today = now_us / kMicrosPerDay;
    const std::string salts_dir = host.dir() + "/data/enrich/events";
    QVERIFY(QDir().mkpath(QString::fromStdString(salts_dir)));
    {
      std::ofstream f(SaltStore::FileIn(salts_dir));
      f << "# sinkhost visitor-id salts v1: day created_us salt\n"
        << today - 1 << " " << now_us - kMicrosPerDay << " 00112233445566778899aabbccddeeff\n"
        << today - 3 << " " << now_us - 3 * kMicrosPerDay << " ffeeddccbbaa99887766554433221100\n";
    }
    QVERIFY2(host.Start(Config("rotation", "")), host.output().c_str());
    const std::string ip = FreshAddress();
    QCOMPARE(host.Ingest("POST", "/api/event",
                         TrackerBody("pageview", "http://blog.example.com/rotated", ""),
                         "text/plain", {{"User-Agent", kMacChrome}, {"X-Forwarded-For", ip}})
                 .status,
             202);
    std::vector<Columns> rows = Stored(host, "rotation", "pathname = '/rotated'");
    QCOMPARE(rows.size(), size_t{1});
    QCOMPARE(host.Terminate(), 0);

    std::unique_ptr<SaltStore> store;
    QVERIFY(SaltStore::Open(salts_dir, now_us, &store).ok());
    const std::vector<SaltStore::Entry> salts = store->entries();
    QCOMPARE(salts.size(), size_t{2});  // today's and yesterday's; the old one is gone
    QCOMPARE(salts[0].day, today);
    QCOMPARE(salts[1].day, today - 1);
    const std::string message = std::string(kMacChrome) + ip + "example.com" + "example.com";
    QCOMPARE(rows[0]["user_id"],
             std::to_string(static_cast<int64_t>(SipHash24(salts[0].salt, message))));
    QVERIFY(rows[0]["user_id"] !=
            std::to_string(static_cast<int64_t>(SipHash24(salts[1].salt, message))));
  }

  // A proxy may add an X-Forwarded-For field of its own instead of
  // appending to the client's (HAProxy's option forwardfor): with one
  // trusted hop the client is what that proxy wrote, not the client's own.
  void aProxysOwnForwardedForFieldIsTheOneTrusted() {
    const std::string body = TrackerBody("pageview", "http://example.com/two-fields", "");
    RawHttpClient client;
    QVERIFY2(client.Connect(host_.ingest_port()), client.error().c_str());
    QVERIFY(client.Send("POST /api/event HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                        "User-Agent: " + std::string(kMacChrome) +
                        "\r\nX-Forwarded-For: 216.160.83.56\r\n"
                        "X-Forwarded-For: " + std::string(kPlausibleGeoGb.ip) +
                        "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                        body));
    QCOMPARE(client.Read().status, 202);
    std::vector<Columns> rows = Stored(host_, "events", "pathname = '/two-fields'");
    QCOMPARE(rows.size(), size_t{1});
    QCOMPARE(rows[0]["country_code"], std::string("GB"));
  }

  // Without ingest.trusted_proxy_hops the headers are not believed: the
  // client is the peer (127.0.0.1, in no network of the database).
  void forwardedForIsNotTrustedByDefault() {
    HostProcess host;
    std::string config = Config("untrusted", "", /*hops=*/0);
    QVERIFY2(host.Start(config), host.output().c_str());
    QCOMPARE(host.Ingest("POST", "/api/event",
                         TrackerBody("pageview", "http://example.com/untrusted", ""), "text/plain",
                         {{"User-Agent", kMacChrome},
                          {"X-Forwarded-For", kPlausibleGeoGb.ip},
                          {"X-Real-IP", kPlausibleGeoGb.ip}})
                 .status,
             202);
    std::vector<Columns> rows = Stored(host, "untrusted", "pathname = '/untrusted'");
    QCOMPARE(rows.size(), size_t{1});
    QCOMPARE(rows[0]["country_code"], std::string(""));
    QCOMPARE(host.Terminate(), 0);
  }

  // enrich: none stores what the tracker sent and NULL in every derived
  // column; bots are stored too.
  void enrichNoneLeavesTheColumnsNull() {
    HostProcess host;
    std::string config = Config("plain", "");
    const std::string from = "    enrich: {geo_database: \"" SINKHOST_TEST_MMDB "\"}\n";
    config.replace(config.find(from), from.size(), "    enrich: none\n");
    QVERIFY2(host.Start(config), host.output().c_str());
    QCOMPARE(host.Ingest("POST", "/api/event",
                         TrackerBody("pageview", "http://example.com/plain",
                                     "https://facebook.com/page/"),
                         "text/plain", {{"User-Agent", "generic crawler"}})
                 .status,
             202);
    std::vector<Columns> rows = Stored(host, "plain", "pathname = '/plain'");
    QCOMPARE(rows.size(), size_t{1});
    for (const std::string& column : kDerived) {
      if (column == "referrer") continue;
      QVERIFY2(rows[0][column] == "NULL", column.c_str());
    }
    QCOMPARE(rows[0]["referrer"], std::string("https://facebook.com/page/"));
    QCOMPARE(host.Terminate(), 0);
  }
};

QTEST_GUILESS_MAIN(EnrichmentE2ETest)
#include "enrichment_e2e_test.moc"
