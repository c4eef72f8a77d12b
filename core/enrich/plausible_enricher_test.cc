// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The enrichment stage behind the Plausible parsers, in process, with time
// under the test's control: what the end-to-end test cannot wait for (a
// salt rotation at midnight in the middle of a session), the switches of
// each part, events of several domains, bulk requests and the errors of
// Open.
#include "core/enrich/plausible_enricher.h"

#include <QTemporaryDir>
#include <QtTest>

#include <string>

#include "core/enrich/visitor_id.h"
#include "core/ingest/ingest.h"
#include "core/schema/schema.h"

using namespace sinkhost;
using namespace sinkhost::enrich;
namespace pc = plausible_columns;

namespace {

constexpr int64_t kMinuteUs = int64_t{60} * 1000000;
// 2026-12-07T23:50:00Z: ten minutes before a salt rotation.
constexpr int64_t kBeforeMidnightUs = (int64_t{1796644800} + 11 * 3600 + 50 * 60) * 1000000;
constexpr const char* kChrome =
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_4) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/70.0.3538.110 Safari/537.36";

std::string Cell(const RowBatch& rows, int column, int64_t row) {
  const ColumnBuilder& c = rows.column(column);
  if (c.IsNull(row)) return "NULL";
  if (c.type() == ColumnType::kString) return std::string(c.String(row));
  return std::to_string(c.Int64(row));
}

class Fixture {
 public:
  explicit Fixture(EnrichOptions options = {}) {
    options.salt_dir = dir_.path().toStdString();
    if (options.geo_database.empty()) options.geo_database = SINKHOST_TEST_MMDB;
    status_ = PlausibleEnricher::Open(options, kBeforeMidnightUs, &enricher_);
    if (enricher_ != nullptr) stage_ = enricher_->NewStage();
  }
  const Status& status() const { return status_; }
  PlausibleEnricher* enricher() { return enricher_.get(); }

  // One POST /api/event at `now_us`; the rows it stored are appended to
  // rows().
  bool Post(const std::string& body, int64_t now_us, const std::string& ua = kChrome,
            const std::string& address = "203.0.113.10") {
    RequestContext ctx(now_us, ua);
    ctx.client_address = address;
    ctx.enrichment = stage_.get();
    IngestError error;
    const bool ok = parser_.Parse(body, ctx, &rows_, &error);
    if (!ok) qWarning("%s", error.ToString().c_str());
    return ok;
  }
  bool PostBulk(const std::string& body, int64_t now_us) {
    RequestContext ctx(now_us, kChrome);
    ctx.client_address = "203.0.113.10";
    ctx.enrichment = stage_.get();
    IngestError error;
    return bulk_.Parse(body, ctx, false, &rows_, &error);
  }
  const RowBatch& rows() const { return rows_; }

 private:
  QTemporaryDir dir_;
  Status status_;
  std::unique_ptr<PlausibleEnricher> enricher_;
  std::unique_ptr<PlausibleEnrichment> stage_;
  PlausibleEventParser parser_;
  BulkParser bulk_;
  RowBatch rows_{Schema::Plausible()};
};

std::string Event(const std::string& name, const std::string& url, const std::string& domain,
                  const std::string& referrer = "") {
  std::string body = "{\"n\":\"" + name + "\",\"u\":\"" + url + "\",\"d\":\"" + domain + "\"";
  if (!referrer.empty()) body += ",\"r\":\"" + referrer + "\"";
  return body + "}";
}

}  // namespace

class PlausibleEnricherTest : public QObject {
  Q_OBJECT
 private slots:
  // external_controller_test.exs (newer), "salts rotating once does not"
  // [change the visitor or the session]: a pageview, the salt rotates, a
  // pageview: one user_id and one session_id.
  void aSessionRunsOnAcrossMidnightUnderItsFirstVisitorId() {
    Fixture f;
    QVERIFY2(f.status().ok(), f.status().ToString().c_str());
    QVERIFY(f.Post(Event("pageview", "http://example.com/a", "example.com",
                         "https://facebook.com/"),
                   kBeforeMidnightUs));
    QVERIFY(f.Post(Event("pageview", "http://example.com/b", "example.com"),
                   kBeforeMidnightUs + 15 * kMinuteUs));
    const RowBatch& rows = f.rows();
    QCOMPARE(rows.num_rows(), int64_t{2});
    QCOMPARE(Cell(rows, pc::kSessionId, 1), Cell(rows, pc::kSessionId, 0));
    QCOMPARE(Cell(rows, pc::kUserId, 1), Cell(rows, pc::kUserId, 0));
    QCOMPARE(Cell(rows, pc::kReferrerSource, 1), std::string("Facebook"));
    // A new visitor after midnight gets an id under the new salt.
    QVERIFY(f.Post(Event("pageview", "http://example.com/c", "example.com"),
                   kBeforeMidnightUs + 16 * kMinuteUs, kChrome, "203.0.113.11"));
    QVERIFY(f.Post(Event("pageview", "http://example.com/c", "example.com"),
                   kBeforeMidnightUs + 16 * kMinuteUs + 1, kChrome, "203.0.113.11"));
    QCOMPARE(Cell(rows, pc::kUserId, 3), Cell(rows, pc::kUserId, 2));
  }

  // After the session has expired, the same visitor the next day is
  // another user_id (the salt changed) and another session.
  void theNextDayIsAnotherVisitorId() {
    Fixture f;
    QVERIFY(f.Post(Event("pageview", "http://example.com/", "example.com"), kBeforeMidnightUs));
    QVERIFY(f.Post(Event("pageview", "http://example.com/", "example.com"),
                   kBeforeMidnightUs + 60 * kMinuteUs));
    QVERIFY(Cell(f.rows(), pc::kUserId, 1) != Cell(f.rows(), pc::kUserId, 0));
    QVERIFY(Cell(f.rows(), pc::kSessionId, 1) != Cell(f.rows(), pc::kSessionId, 0));
  }

  // One request with two domains is two rows, two visitors (the domain is
  // hashed) with two sessions; both rows carry the request's attributes.
  void everyDomainIsItsOwnVisitor() {
    Fixture f;
    QVERIFY(f.Post(Event("pageview", "http://example.com/", "example.com,example.org",
                         "https://www.google.com/"),
                   kBeforeMidnightUs));
    const RowBatch& rows = f.rows();
    QCOMPARE(rows.num_rows(), int64_t{2});
    QVERIFY(Cell(rows, pc::kUserId, 0) != Cell(rows, pc::kUserId, 1));
    QVERIFY(Cell(rows, pc::kSessionId, 0) != Cell(rows, pc::kSessionId, 1));
    for (int64_t r = 0; r < 2; ++r) {
      QCOMPARE(Cell(rows, pc::kReferrerSource, r), std::string("Google"));
      QCOMPARE(Cell(rows, pc::kBrowser, r), std::string("Chrome"));
    }
  }

  void bulkEventsOnAPlausibleStreamAreEnriched() {
    Fixture f;
    QVERIFY(f.PostBulk(Event("pageview", "http://example.com/?utm_source=news", "example.com") +
                           "\n" + Event("pageview", "http://example.com/2", "example.com") + "\n",
                       kBeforeMidnightUs));
    QCOMPARE(f.rows().num_rows(), int64_t{2});
    QCOMPARE(Cell(f.rows(), pc::kUtmSource, 0), std::string("news"));
    // The second event is in the first one's session.
    QCOMPARE(Cell(f.rows(), pc::kUtmSource, 1), std::string("news"));
    QCOMPARE(Cell(f.rows(), pc::kOperatingSystem, 1), std::string("Mac"));
  }

  void eachPartCanBeSwitchedOff_data() {
    QTest::addColumn<QString>("part");
    QTest::newRow("device") << "device";
    QTest::newRow("traffic_source") << "traffic_source";
    QTest::newRow("location (no geo_database)") << "location";
    QTest::newRow("visitor_id") << "visitor_id";
    QTest::newRow("sessions") << "sessions";
  }
  void eachPartCanBeSwitchedOff() {
    QFETCH(QString, part);
    EnrichOptions o;
    if (part == "device") o.device = false, o.drop_bots = false;
    if (part == "traffic_source") o.traffic_source = false;
    if (part == "visitor_id") o.visitor_id = false, o.sessions = false;
    if (part == "sessions") o.sessions = false;
    Fixture f(o);
    if (part == "location") {
      // The fixture names the test database unless told otherwise; an
      // enricher without one is what the default config gives.
      EnrichOptions none;
      QTemporaryDir dir;
      none.salt_dir = dir.path().toStdString();
      std::unique_ptr<PlausibleEnricher> e;
      QVERIFY(PlausibleEnricher::Open(none, kBeforeMidnightUs, &e).ok());
      auto stage = e->NewStage();
      RequestContext ctx(kBeforeMidnightUs, kChrome);
      ctx.client_address = "2.125.160.216";
      ctx.enrichment = stage.get();
      PlausibleEventParser parser;
      RowBatch rows(Schema::Plausible());
      IngestError error;
      QVERIFY(parser.Parse(Event("pageview", "http://example.com/", "example.com"), ctx, &rows,
                           &error));
      QCOMPARE(Cell(rows, pc::kCountryCode, 0), std::string("NULL"));
      QCOMPARE(Cell(rows, pc::kCityGeonameId, 0), std::string("NULL"));
      QCOMPARE(Cell(rows, pc::kBrowser, 0), std::string("Chrome"));
      return;
    }
    // A bot, from a known place, with a referrer: what is on still shows.
    QVERIFY(f.Post(Event("pageview", "http://example.com/?gclid=1", "example.com",
                         "https://google.com/"),
                   kBeforeMidnightUs, kChrome, "2.125.160.216"));
    const RowBatch& rows = f.rows();
    QCOMPARE(rows.num_rows(), int64_t{1});
    auto null_if = [&](bool off, int column, const std::string& on_value) {
      QCOMPARE(Cell(rows, column, 0), off ? std::string("NULL") : on_value);
    };
    null_if(part == "device", pc::kBrowser, "Chrome");
    null_if(part == "device", pc::kScreenSize, "Desktop");
    null_if(part == "traffic_source", pc::kReferrerSource, "Google");
    null_if(part == "traffic_source", pc::kClickIdParam, "gclid");
    QCOMPARE(Cell(rows, pc::kReferrer, 0),
             part == "traffic_source" ? std::string("https://google.com/") : "google.com");
    null_if(false, pc::kCountryCode, "GB");
    QVERIFY((Cell(rows, pc::kUserId, 0) == "NULL") == (part == "visitor_id"));
    QVERIFY((Cell(rows, pc::kSessionId, 0) == "NULL") ==
            (part == "visitor_id" || part == "sessions"));
  }

  void botsAreKeptWhenDropBotsIsOff() {
    EnrichOptions o;
    o.drop_bots = false;
    Fixture f(o);
    QVERIFY(f.Post(Event("pageview", "http://example.com/", "example.com"), kBeforeMidnightUs,
                   "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"));
    QCOMPARE(f.rows().num_rows(), int64_t{1});
    QCOMPARE(Cell(f.rows(), pc::kBrowser, 0), std::string("Googlebot"));
  }

  // A User-Agent header is not promised to be UTF-8; every column derived
  // from it must be (PostgreSQL would refuse the row).
  void aUserAgentThatIsNotUtf8GivesValidColumns() {
    Fixture f;
    const std::string uas[] = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/12\xff.0 Safari/537.36",
        "Fo\xfe\xffo/1.0 (X11; Linux x86_64)",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1\xc3 like Mac OS X) Version/17.1 Mobile Safari",
        "\xc0\xaf/\xed\xa0\x80",
        // Found by fuzz_enrich: uap-core's generic "...bot" rule copies the
        // raw bytes into the browser name.
        std::string(8, '\xff') + "pm/" + std::string(117, 'M') + "\t\x9a" + "bot"};
    for (const std::string& ua : uas)
      QVERIFY(f.Post(Event("pageview", "http://example.com/", "example.com"), kBeforeMidnightUs,
                     ua));
    const RowBatch& rows = f.rows();
    QVERIFY(rows.num_rows() >= 4);
    for (int64_t r = 0; r < rows.num_rows(); ++r)
      for (int c : {pc::kUserAgent, pc::kBrowser, pc::kBrowserVersion, pc::kOperatingSystem,
                    pc::kOperatingSystemVersion, pc::kScreenSize})
        QVERIFY2(IsValidUtf8(Cell(rows, c, r)), Cell(rows, c, r).c_str());
  }

  // A percent-decoded UTM value can hold any byte, the session's entry
  // separator among them: later fields must not shift.
  void anyByteInAUtmValueKeepsTheSessionsColumnsApart() {
    Fixture f;
    QVERIFY(f.Post(Event("pageview", "http://example.com/?utm_source=a%1Fb%00c&utm_medium=m",
                         "example.com", "https://google.com/"),
                   kBeforeMidnightUs, kChrome, "2.125.160.216"));
    QVERIFY(f.Post(Event("pageview", "http://example.com/2", "example.com"),
                   kBeforeMidnightUs + 1, kChrome, "2.125.160.216"));
    const RowBatch& rows = f.rows();
    QCOMPARE(rows.num_rows(), int64_t{2});
    for (int64_t r = 0; r < 2; ++r) {
      QCOMPARE(Cell(rows, pc::kUtmMedium, r), std::string("m"));
      QCOMPARE(Cell(rows, pc::kCountryCode, r), std::string("GB"));
      QCOMPARE(Cell(rows, pc::kCityGeonameId, r), std::string("2655045"));
      QCOMPARE(Cell(rows, pc::kBrowser, r), std::string("Chrome"));
    }
    QCOMPARE(Cell(rows, pc::kUtmSource, 1), Cell(rows, pc::kUtmSource, 0));
    // A NUL is never stored (the sinks refuse it): the value stays as sent.
    QCOMPARE(Cell(rows, pc::kUtmSource, 0), std::string("a%1Fb%00c"));
  }

  void openErrorsNameTheOptionAndTheFile_data() {
    QTest::addColumn<QString>("option");
    QTest::addColumn<QString>("expected");
    QTest::newRow("rules") << "user_agent_rules" << "enrich.user_agent_rules";
    QTest::newRow("referrers") << "referrer_database" << "enrich.referrer_database";
    QTest::newRow("geo") << "geo_database" << "enrich.geo_database";
  }
  void openErrorsNameTheOptionAndTheFile() {
    QFETCH(QString, option);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    EnrichOptions o;
    o.salt_dir = dir.path().toStdString();
    const std::string missing = dir.path().toStdString() + "/missing.file";
    if (option == "user_agent_rules") o.user_agent_rules = missing;
    if (option == "referrer_database") o.referrer_database = missing;
    if (option == "geo_database") o.geo_database = missing;
    std::unique_ptr<PlausibleEnricher> e;
    Status st = PlausibleEnricher::Open(o, kBeforeMidnightUs, &e);
    QVERIFY(!st.ok());
    QVERIFY2(st.message().find(expected.toStdString()) != std::string::npos,
             st.message().c_str());
    QVERIFY2(st.message().find(missing) != std::string::npos, st.message().c_str());
  }
};

QTEST_GUILESS_MAIN(PlausibleEnricherTest)
#include "plausible_enricher_test.moc"
