// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// POST /api/event behaviour, mirroring Plausible's request and controller
// tests (test/plausible/ingestion/request_test.exs,
// test/plausible_web/controllers/api/external_controller_test.exs).
#include <QtTest>

#include <simdjson.h>

#include <memory>
#include <string>

#include "core/batch/row_batch.h"
#include "core/ingest/ingest.h"
#include "core/schema/schema.h"

using namespace sinkhost;
namespace pc = plausible_columns;

// moc reads only this declaration: its preprocessor cannot read the raw
// string literals the test bodies pass to QCOMPARE/QVERIFY, so those stay
// in the Q_MOC_RUN-guarded part below.
class PlausibleEventTest : public QObject {
  Q_OBJECT
 private slots:
  // --- accepted events
  void recordsEventWithLongNames();
  void acceptsTrackerShortNames();
  void shortNameWinsOverLongName();
  void worksWithoutUserAgent();
  void repairsUserAgentThatIsNotUtf8();
  void unknownFieldsAreIgnored();
  void appendsToRowsAlreadyInTheBatch();
  // --- event name
  void integerEventNamesBecomeText();
  void eventNameOfOtherTypesIsInvalid_data();
  void eventNameOfOtherTypesIsInvalid();
  void blankEventName_data();
  void blankEventName();
  void eventNameLengthLimit();
  // --- url, hostname, pathname
  void missingUrlIsRequired();
  void urlMustBeAString();
  void urlOfMoreThan2000Bytes();
  void dataUrlsAreRefused();
  void emptyPayloadReportsEveryMissingField();
  void hostnameWithoutWww();
  void hostnameIsNoneWithoutHost();
  void chromeExtensionUrls();
  void hostnameThatSanitizesToNothingIsBlank();
  void pathnameRules_data();
  void pathnameRules();
  void hashModeOfWrongTypeIsInvalid();
  // --- domains
  void domainDefaultsToTheUrlHost();
  void domainIsTrimmedAndWithoutWww();
  void multipleDomainsGiveOneRowEach();
  void blankDomain();
  // --- referrer
  void referrerRules();
  void referrerIsCutTo2000Characters();
  // --- props
  void propsAsObjectAreCastToStrings();
  void propsAsString();
  void propsAliases();
  void malformedPropsAreIgnored();
  void badPropsAreFilteredOut();
  void repeatedPropKeysKeepTheLastValue();
  void propsAreCappedAt30();
  void propsLengthLimits();
  void propsWithAwkwardStrings();
  void systemGoalsGetThePathProp();
  // --- revenue
  void revenue_data();
  void revenue();
  void propsAndRevenueBothAsStrings();
  // --- interactive, screen width
  void interactive();
  void screenWidth();
  // --- engagement
  void engagementFields_data();
  void engagementFields();
  void engagementNeedsSdOrE();
  void sdAndEIgnoredForOtherEvents();
  // --- bodies
  void bodyMustBeAJsonObject_data();
  void bodyMustBeAJsonObject();
  void bodyMustBeUtf8();
  void awkwardStringsInColumns();
  void nulCharactersAreRefused();
  void rowsAreUnchangedAfterAnError();
  void refusesBatchesOfOtherSchemas();
};

#ifndef Q_MOC_RUN

namespace {

constexpr int64_t kNow = 1714564800123456;  // 2024-05-01T12:00:00.123456Z
constexpr const char* kUa = "Mozilla/5.0 (X11; Linux x86_64)";

struct Result {
  bool ok = false;
  IngestError error;
  std::unique_ptr<RowBatch> rows;

  int64_t n() const { return rows->num_rows(); }
  bool null(int col, int64_t row = 0) const { return rows->column(col).IsNull(row); }
  std::string str(int col, int64_t row = 0) const {
    return std::string(rows->column(col).String(row));
  }
  int64_t i64(int col, int64_t row = 0) const { return rows->column(col).Int64(row); }
  double f64(int col, int64_t row = 0) const { return rows->column(col).Float64(row); }
  bool b(int col, int64_t row = 0) const { return rows->column(col).Bool(row); }
  std::string json() const { return error.PlausibleJson(); }
};

// One parser for the whole test binary, so buffer reuse across requests of
// every shape is exercised too.
PlausibleEventParser& SharedParser() {
  static PlausibleEventParser parser;
  return parser;
}

Result Post(std::string_view body, std::string_view user_agent = kUa) {
  Result r;
  r.rows = std::make_unique<RowBatch>(Schema::Plausible());
  RequestContext ctx;
  ctx.now_us = kNow;
  ctx.user_agent = user_agent;
  r.ok = SharedParser().Parse(body, ctx, r.rows.get(), &r.error);
  return r;
}

// An accepted single-domain event; prints the errors otherwise.
bool Ok1(const Result& r) {
  if (r.ok && r.n() == 1) return true;
  qWarning("not accepted as one row: ok=%d rows=%lld %s", r.ok, static_cast<long long>(r.n()),
           r.json().c_str());
  return false;
}

// The error JSON of a refused request, after checking that nothing was
// appended and the status is 400.
std::string ErrorJson(const Result& r) {
  if (r.ok) return "<accepted>";
  if (r.n() != 0 || r.rows->column(0).length() != 0) return "<rows appended>";
  if (r.error.http_status != 400) return "<status " + std::to_string(r.error.http_status) + ">";
  return r.json();
}

// Every column has exactly num_rows values.
void CheckShape(const RowBatch& rows) {
  for (size_t c = 0; c < rows.num_columns(); ++c)
    QCOMPARE(rows.column(c).length(), rows.num_rows());
}

// A valid pageview with the fields in `extra` added.
std::string Event(const std::string& extra) {
  return "{\"n\":\"pageview\",\"u\":\"https://example.com/\",\"d\":\"example.com\"" +
         (extra.empty() ? std::string() : "," + extra) + "}";
}

// The props column of an otherwise plain event with `props_field` added.
std::string Props(const std::string& props_field) {
  Result r = Post(Event(props_field));
  if (!r.ok) return "<error " + r.json() + ">";
  return r.str(pc::kProps);
}

}  // namespace

// --- accepted events

void PlausibleEventTest::recordsEventWithLongNames() {
  Result r = Post(R"({"domain":"external-controller-test-1.com","name":"pageview",)"
                  R"("url":"http://gigride.live/","referrer":"http://m.facebook.com/",)"
                  R"("screen_width":1440})");
  QVERIFY(Ok1(r));
  CheckShape(*r.rows);
  QCOMPARE(r.i64(pc::kTimestamp), kNow);
  QCOMPARE(r.str(pc::kName), std::string("pageview"));
  QCOMPARE(r.str(pc::kDomain), std::string("external-controller-test-1.com"));
  QCOMPARE(r.str(pc::kUrl), std::string("http://gigride.live/"));
  QCOMPARE(r.str(pc::kHostname), std::string("gigride.live"));
  QCOMPARE(r.str(pc::kPathname), std::string("/"));
  QCOMPARE(r.str(pc::kReferrer), std::string("http://m.facebook.com/"));
  QCOMPARE(r.i64(pc::kScreenWidth), int64_t{1440});
  QCOMPARE(r.str(pc::kProps), std::string("{}"));
  QVERIFY(r.null(pc::kRevenueAmount));
  QVERIFY(r.null(pc::kRevenueCurrency));
  QCOMPARE(r.b(pc::kInteractive), true);
  QVERIFY(r.null(pc::kScrollDepth));
  QVERIFY(r.null(pc::kEngagementTime));
  QCOMPARE(r.str(pc::kUserAgent), std::string(kUa));
}

void PlausibleEventTest::acceptsTrackerShortNames() {
  Result r = Post(R"({"n":"pageview","u":"http://www.example.com/opportunity","d":"dummy.site",)"
                  R"("r":"https://facebook.com/page","w":390,"h":0,"v":137})");
  QVERIFY(Ok1(r));
  QCOMPARE(r.str(pc::kName), std::string("pageview"));
  QCOMPARE(r.str(pc::kDomain), std::string("dummy.site"));
  QCOMPARE(r.str(pc::kHostname), std::string("example.com"));
  QCOMPARE(r.str(pc::kPathname), std::string("/opportunity"));
  QCOMPARE(r.str(pc::kReferrer), std::string("https://facebook.com/page"));
  QCOMPARE(r.i64(pc::kScreenWidth), int64_t{390});
}

void PlausibleEventTest::shortNameWinsOverLongName() {
  Result r = Post(R"({"name":"long","n":"short","url":"https://long.com/","u":"https://short.com/"})");
  QVERIFY(Ok1(r));
  QCOMPARE(r.str(pc::kName), std::string("short"));
  QCOMPARE(r.str(pc::kDomain), std::string("short.com"));
  // A null short name falls back to the long one.
  Result r2 = Post(R"({"n":null,"name":"long","u":"https://a.com/"})");
  QVERIFY(Ok1(r2));
  QCOMPARE(r2.str(pc::kName), std::string("long"));
}

void PlausibleEventTest::worksWithoutUserAgent() {
  Result r = Post(Event(""), "");
  QVERIFY(r.ok);
  QVERIFY(r.null(pc::kUserAgent));
}

void PlausibleEventTest::repairsUserAgentThatIsNotUtf8() {
  Result r = Post(Event(""), "Mozilla \xE9t\xE9");
  QVERIFY(r.ok);
  QCOMPARE(r.str(pc::kUserAgent), std::string("Mozilla \xEF\xBF\xBDt\xEF\xBF\xBD"));
}

void PlausibleEventTest::unknownFieldsAreIgnored() {
  Result r = Post(Event(R"("v":137,"foo":{"bar":[1,2]},"screen_size":"Mobile")"));
  QVERIFY(Ok1(r));
  QCOMPARE(r.str(pc::kName), std::string("pageview"));
}

void PlausibleEventTest::appendsToRowsAlreadyInTheBatch() {
  RowBatch rows(Schema::Plausible());
  RequestContext ctx{kNow, kUa};
  IngestError err;
  PlausibleEventParser parser;
  QVERIFY(parser.Parse(Event(""), ctx, &rows, &err));
  QVERIFY(parser.Parse(R"({"n":"second","u":"https://b.com/x"})", ctx, &rows, &err));
  QCOMPARE(rows.num_rows(), int64_t{2});
  CheckShape(rows);
  QCOMPARE(std::string(rows.column(pc::kName).String(1)), std::string("second"));
  QCOMPARE(std::string(rows.column(pc::kPathname).String(1)), std::string("/x"));
}

// --- event name

void PlausibleEventTest::integerEventNamesBecomeText() {
  Result r = Post(R"({"n":404,"d":"dummy.site","u":"http://dummy.site/index"})");
  QVERIFY(Ok1(r));
  QCOMPARE(r.str(pc::kName), std::string("404"));
  Result r2 = Post(R"({"n":-3,"d":"dummy.site","u":"http://dummy.site/index"})");
  QVERIFY(Ok1(r2));
  QCOMPARE(r2.str(pc::kName), std::string("-3"));
}

void PlausibleEventTest::eventNameOfOtherTypesIsInvalid_data() {
  QTest::addColumn<QString>("name");
  QTest::newRow("list") << R"(["list","of","things"])";
  QTest::newRow("float") << "1.5";
  QTest::newRow("bool") << "true";
  QTest::newRow("object") << R"({"a":1})";
}

void PlausibleEventTest::eventNameOfOtherTypesIsInvalid() {
  QFETCH(QString, name);
  std::string body = R"({"name":)" + name.toStdString() +
                     R"(,"domain":"dummy.site","url":"https://dummy.site/"})";
  QCOMPARE(ErrorJson(Post(body)),
           std::string(R"({"errors":{"event_name":["is invalid"]}})"));
}

void PlausibleEventTest::blankEventName_data() {
  QTest::addColumn<QString>("field");
  QTest::newRow("missing") << "";
  QTest::newRow("null") << R"("name":null,)";
  QTest::newRow("empty") << R"("name":"",)";
  QTest::newRow("whitespace") << R"("name":"  \t",)";
}

void PlausibleEventTest::blankEventName() {
  QFETCH(QString, field);
  std::string body = "{" + field.toStdString() + R"("domain":"dummy.site","url":"https://dummy.site/"})";
  QCOMPARE(ErrorJson(Post(body)),
           std::string(R"({"errors":{"event_name":["can't be blank"]}})"));
}

void PlausibleEventTest::eventNameLengthLimit() {
  QCOMPARE(ErrorJson(Post(R"({"n":")" + std::string(121, 'a') + R"(","u":"https://a.com/"})")),
           std::string(R"json({"errors":{"event_name":["should be at most 120 character(s)"]}})json"));
  // 120 characters are fine, also when each takes 4 bytes.
  std::string emoji;
  for (int i = 0; i < 120; ++i) emoji += "\xF0\x9F\x98\x80";
  Result ok = Post(R"({"n":")" + emoji + R"(","u":"https://a.com/"})");
  QVERIFY(ok.ok);
  QCOMPARE(ok.str(pc::kName), emoji);
  Result ok2 = Post(R"({"n":")" + std::string(120, 'a') + R"(","u":"https://a.com/"})");
  QVERIFY(ok2.ok);
}

// --- url, hostname, pathname

void PlausibleEventTest::missingUrlIsRequired() {
  QCOMPARE(ErrorJson(Post(R"({"domain":"dummy.site","name":"pageview"})")),
           std::string(R"({"errors":{"url":["is required"]}})"));
  QCOMPARE(ErrorJson(Post(R"({"domain":"dummy.site","name":"pageview","url":null})")),
           std::string(R"({"errors":{"url":["is required"]}})"));
}

void PlausibleEventTest::urlMustBeAString() {
  QCOMPARE(ErrorJson(Post(R"({"domain":"dummy.site","name":"pageview","url":123})")),
           std::string(R"({"errors":{"url":["must be a valid url"]}})"));
  QCOMPARE(ErrorJson(Post(R"({"domain":"dummy.site","name":"pageview","url":{"a":1}})")),
           std::string(R"({"errors":{"url":["must be a valid url"]}})"));
}

void PlausibleEventTest::urlOfMoreThan2000Bytes() {
  const std::string prefix = "https://dummy.site/";
  std::string at_limit = prefix + std::string(2000 - prefix.size(), 'a');
  Result ok = Post(R"({"n":"pageview","d":"dummy.site","u":")" + at_limit + "\"}");
  QVERIFY(ok.ok);
  QCOMPARE(ok.str(pc::kUrl), at_limit);
  QCOMPARE(ErrorJson(Post(R"({"n":"pageview","d":"dummy.site","u":")" + at_limit + "a\"}")),
           std::string(R"({"errors":{"url":["must be a valid url"]}})"));
}

void PlausibleEventTest::dataUrlsAreRefused() {
  QCOMPARE(ErrorJson(Post(R"({"name":"pageview","domain":"dummy.site",)"
                          R"("url":"data:text/html,%3Cscript%3Ealert%28%27hi%27%29%3B%3C%2Fscript%3E"})")),
           std::string(R"({"errors":{"url":["scheme is not allowed"]}})"));
  QCOMPARE(ErrorJson(Post(R"({"name":"pageview","domain":"dummy.site","url":"DATA:text/plain,x"})")),
           std::string(R"({"errors":{"url":["scheme is not allowed"]}})"));
}

void PlausibleEventTest::emptyPayloadReportsEveryMissingField() {
  QCOMPARE(ErrorJson(Post("{}")),
           std::string(R"({"errors":{"url":["is required"],"domain":["can't be blank"],)"
             R"("event_name":["can't be blank"]}})"));
}

void PlausibleEventTest::hostnameWithoutWww() {
  Result r = Post(R"({"name":"pageview","url":"http://www.example.com/","domain":"site.com"})");
  QVERIFY(Ok1(r));
  QCOMPARE(r.str(pc::kHostname), std::string("example.com"));
  QCOMPARE(r.str(pc::kDomain), std::string("site.com"));
}

void PlausibleEventTest::hostnameIsNoneWithoutHost() {
  Result r = Post(R"({"domain":"dummy.site","name":"pageview","url":"about:config"})");
  QVERIFY(Ok1(r));
  QCOMPARE(r.str(pc::kHostname), std::string("(none)"));
  QCOMPARE(r.str(pc::kPathname), std::string("config"));
  Result r2 = Post(R"({"domain":"dummy.site","name":"pageview",)"
                   R"("url":"file:///android_asset/www/index.html"})");
  QVERIFY(Ok1(r2));
  QCOMPARE(r2.str(pc::kHostname), std::string("(none)"));
  QCOMPARE(r2.str(pc::kPathname), std::string("/android_asset/www/index.html"));
}

void PlausibleEventTest::chromeExtensionUrls() {
  Result r = Post(R"({"domain":"dummy.site","name":"pageview",)"
                  R"("url":"chrome-extension://liipgellkffekalgefpjolodblggkmjg/popup.html"})");
  QVERIFY(Ok1(r));
  QCOMPARE(r.str(pc::kHostname), std::string("liipgellkffekalgefpjolodblggkmjg"));
}

void PlausibleEventTest::hostnameThatSanitizesToNothingIsBlank() {
  QCOMPARE(ErrorJson(Post(R"({"n":"pageview","d":"dummy.site","u":"https://www./x"})")),
           std::string(R"({"errors":{"hostname":["can't be blank"]}})"));
}

void PlausibleEventTest::pathnameRules_data() {
  QTest::addColumn<QString>("extra");
  QTest::addColumn<QString>("url");
  QTest::addColumn<QString>("pathname");
  QTest::newRow("empty path is /") << "" << "http://www.example.com" << "/";
  QTest::newRow("query without path") << "" << "http://example.com?x=1" << "/";
  QTest::newRow("trailing whitespace") << "" << "http://www.example.com/path " << "/path";
  QTest::newRow("trailing unicode space") << "" << "http://a.com/p\u3000 " << "/p";
  QTest::newRow("fragment ignored") << "" << "http://dummy.site/pictures/index.html#foo"
                                    << "/pictures/index.html";
  QTest::newRow("hash mode 1") << R"("h":1)" << "http://www.example.com/#page-a" << "/#page-a";
  QTest::newRow("hashMode long") << R"("hashMode":1)"
                                 << "http://dummy.site/pictures/index.html#foo"
                                 << "/pictures/index.html#foo";
  QTest::newRow("hash mode as string") << R"("h":"1")" << "http://a.com/#x" << "/#x";
  QTest::newRow("hash mode 0") << R"("h":0)" << "http://www.example.com/#page-a" << "/";
  QTest::newRow("hash mode 2") << R"("h":2)" << "http://www.example.com/#page-a" << "/";
  QTest::newRow("hash mode empty fragment") << R"("h":1)" << "http://a.com/p#" << "/p#";
  QTest::newRow("hash mode without fragment") << R"("h":1)" << "http://a.com/p" << "/p";
  QTest::newRow("hash mode trims path before #") << R"("h":1)" << "http://a.com/p #q "
                                                 << "/p#q ";
  QTest::newRow("decoded")
      << "" << "http://www.example.com/opportunity/category/%D8%AC%D9%88%D8%A7%D8%A6%D8%B2"
      << QString::fromUtf8("/opportunity/category/\u062C\u0648\u0627\u0626\u0632");
  QTest::newRow("decoded fragment") << R"("h":1)" << "https://test.com/a%20b#c%2Fd"
                                    << "/a b#c/d";
  QTest::newRow("malformed escapes kept") << "" << "http://a.com/100%/%zz" << "/100%/%zz";
  QTest::newRow("invalid UTF-8 after decoding keeps raw") << "" << "http://a.com/%FF%FE"
                                                          << "/%FF%FE";
  QTest::newRow("no host") << "" << "example.com/path" << "example.com/path";
}

void PlausibleEventTest::pathnameRules() {
  QFETCH(QString, extra);
  QFETCH(QString, url);
  QFETCH(QString, pathname);
  std::string body = R"({"n":"pageview","d":"dummy.site","u":")" + url.toStdString() + "\"" +
                     (extra.isEmpty() ? "" : "," + extra.toStdString()) + "}";
  Result r = Post(body);
  QVERIFY2(r.ok, qPrintable(QString::fromStdString(r.json())));
  QCOMPARE(QString::fromStdString(r.str(pc::kPathname)), pathname);
  QCOMPARE(QString::fromStdString(r.str(pc::kUrl)), url);
}

void PlausibleEventTest::hashModeOfWrongTypeIsInvalid() {
  QCOMPARE(ErrorJson(Post(Event(R"("h":true)"))),
           std::string(R"({"errors":{"hash_mode":["is invalid"]}})"));
  QCOMPARE(ErrorJson(Post(Event(R"("h":1.5)"))),
           std::string(R"({"errors":{"hash_mode":["is invalid"]}})"));
  QCOMPARE(ErrorJson(Post(Event(R"("h":"one")"))),
           std::string(R"({"errors":{"hash_mode":["is invalid"]}})"));
  Result r4 = Post(Event(R"("h":"")"));
  QVERIFY(Ok1(r4));
}

// --- domains

void PlausibleEventTest::domainDefaultsToTheUrlHost() {
  Result r = Post(R"({"name":"pageview","url":"http://www.dummy.site"})");
  QVERIFY(Ok1(r));
  QCOMPARE(r.str(pc::kDomain), std::string("dummy.site"));
  QCOMPARE(r.str(pc::kHostname), std::string("dummy.site"));
  // d that is not a string is ignored, as in Plausible.
  Result r2 = Post(R"({"name":"pageview","url":"http://dummy.site/","d":42})");
  QVERIFY(Ok1(r2));
  QCOMPARE(r2.str(pc::kDomain), std::string("dummy.site"));
}

void PlausibleEventTest::domainIsTrimmedAndWithoutWww() {
  Result r = Post(R"({"name":"custom event","url":"http://gigride.live/",)"
                  R"("domain":"  www.external-controller-test-2.com "})");
  QVERIFY(Ok1(r));
  QCOMPARE(r.str(pc::kDomain), std::string("external-controller-test-2.com"));
}

void PlausibleEventTest::multipleDomainsGiveOneRowEach() {
  Result r = Post(R"({"name":"pageview","url":"http://gigride.live/","referrer":"http://m.facebook.com/",)"
                  R"("domain":"test-domain1.com, www.test-domain2.com,,test-domain3.com",)"
                  R"("props":{"a":"b"},"revenue":{"amount":3,"currency":"EUR"}})");
  QVERIFY2(r.ok, qPrintable(QString::fromStdString(r.json())));
  QCOMPARE(r.n(), int64_t{3});
  CheckShape(*r.rows);
  QCOMPARE(r.str(pc::kDomain, 0), std::string("test-domain1.com"));
  QCOMPARE(r.str(pc::kDomain, 1), std::string("test-domain2.com"));
  QCOMPARE(r.str(pc::kDomain, 2), std::string("test-domain3.com"));
  for (int64_t i = 0; i < 3; ++i) {
    QCOMPARE(r.i64(pc::kTimestamp, i), kNow);  // same timestamp
    QCOMPARE(r.str(pc::kName, i), std::string("pageview"));
    QCOMPARE(r.str(pc::kHostname, i), std::string("gigride.live"));
    QCOMPARE(r.str(pc::kReferrer, i), std::string("http://m.facebook.com/"));
    QCOMPARE(r.str(pc::kProps, i), std::string(R"({"a":"b"})"));
    QCOMPARE(r.f64(pc::kRevenueAmount, i), 3.0);
    QCOMPARE(r.str(pc::kRevenueCurrency, i), std::string("EUR"));
  }
}

void PlausibleEventTest::blankDomain() {
  QCOMPARE(ErrorJson(Post(R"({"n":"pageview","u":"http://a.com/","d":"   "})")),
           std::string(R"({"errors":{"domain":["can't be blank"]}})"));
  QCOMPARE(ErrorJson(Post(R"({"n":"pageview","u":"http://a.com/","d":" , "})")),
           std::string(R"({"errors":{"domain":["can't be blank"]}})"));
  QCOMPARE(ErrorJson(Post(R"({"domain":null,"url":"about:config","name":"pageview"})")),
           std::string(R"({"errors":{"domain":["can't be blank"]}})"));
}

// --- referrer

void PlausibleEventTest::referrerRules() {
  Result r = Post(Event(R"("r":null)"));
  QVERIFY(Ok1(r));
  QVERIFY(r.null(pc::kReferrer));
  Result r2 = Post(Event(""));
  QVERIFY(Ok1(r2));
  QVERIFY(r2.null(pc::kReferrer));
  Result r3 = Post(Event(R"("r":42)"));
  QVERIFY(Ok1(r3));
  QVERIFY(r3.null(pc::kReferrer));
  Result r4 = Post(Event(R"("r":"")"));
  QVERIFY(Ok1(r4));
  QCOMPARE(r4.str(pc::kReferrer), std::string(""));
}

void PlausibleEventTest::referrerIsCutTo2000Characters() {
  Result r = Post(Event(R"("referrer":")" + std::string(2500, 'a') + "\""));
  QVERIFY(Ok1(r));
  QCOMPARE(r.str(pc::kReferrer), std::string(2000, 'a'));
  std::string euros;
  for (int i = 0; i < 2001; ++i) euros += "\xE2\x82\xAC";
  Result r2 = Post(Event(R"("r":")" + euros + "\""));
  QVERIFY(Ok1(r2));
  QCOMPARE(r2.str(pc::kReferrer), euros.substr(0, 3 * 2000));
}

// --- props

void PlausibleEventTest::propsAsObjectAreCastToStrings() {
  QCOMPARE(Props(R"("props":{"bool_test":true,"number_test":12})"),
           std::string(R"({"bool_test":"true","number_test":"12"})"));
  QCOMPARE(Props(R"("p":{"f":1.5,"g":1.0,"neg":-2,"big":18446744073709551615,"s":"x"})"),
           std::string(R"({"f":"1.5","g":"1.0","neg":"-2","big":"18446744073709551615","s":"x"})"));
}

void PlausibleEventTest::propsAsString() {
  QCOMPARE(Props(R"("props":"{\"number_test\":12}")"), std::string(R"({"number_test":"12"})"));
  QCOMPARE(Props(R"("p":"{\"a\":\"b\",\"c\":[1]}")"), std::string(R"({"a":"b"})"));
}

void PlausibleEventTest::propsAliases() {
  QCOMPARE(Props(R"("meta":{"k":"meta"})"), std::string(R"({"k":"meta"})"));
  QCOMPARE(Props(R"("m":{"k":"m"},"p":{"k":"p"})"), std::string(R"({"k":"m"})"));
  QCOMPARE(Props(R"("props":{"k":"props"},"p":{"k":"p"})"), std::string(R"({"k":"p"})"));
}

void PlausibleEventTest::malformedPropsAreIgnored() {
  QCOMPARE(Props(R"("props":"\"show-more:button\"")"), std::string("{}"));
  QCOMPARE(Props(R"("props":"{not json")"), std::string("{}"));
  QCOMPARE(Props(R"("props":[{"a":"b"}])"), std::string("{}"));
  QCOMPARE(Props(R"("props":12)"), std::string("{}"));
  QCOMPARE(Props(R"("props":null)"), std::string("{}"));
}

void PlausibleEventTest::badPropsAreFilteredOut() {
  QCOMPARE(Props(R"("props":{"false":null,"nil":false,"good":true,"      ":"    ",)"
                 R"("    ":"value","key":"    ","wat":["some-thing"],)"
                 R"("foo":{"bar":"baz"},"empty":"","other":"key"})"),
           std::string(R"({"nil":"false","good":"true","other":"key"})"));
  // Only leading whitespace decides; values are stored untrimmed.
  QCOMPARE(Props(R"("props":{" k":" v "})"), std::string(R"({" k":" v "})"));
}

void PlausibleEventTest::repeatedPropKeysKeepTheLastValue() {
  QCOMPARE(Props(R"("props":{"a":"1","b":"2","a":"3"})"), std::string(R"({"b":"2","a":"3"})"));
  QCOMPARE(Props(R"("props":{"a":"1","a":""})"), std::string("{}"));
  // Also past the small-input fast path.
  std::string many;
  for (int i = 0; i < 70; ++i) many += "\"k" + std::to_string(i) + "\":\"v\",";
  QCOMPARE(Props(R"("props":{)" + many + R"("k0":"last"})"),
           std::string(R"({"k1":"v","k2":"v","k3":"v","k4":"v","k5":"v","k6":"v","k7":"v",)"
                       R"("k8":"v","k9":"v","k10":"v","k11":"v","k12":"v","k13":"v","k14":"v",)"
                       R"("k15":"v","k16":"v","k17":"v","k18":"v","k19":"v","k20":"v","k21":"v",)"
                       R"("k22":"v","k23":"v","k24":"v","k25":"v","k26":"v","k27":"v","k28":"v",)"
                       R"("k29":"v","k30":"v"})"));
}

void PlausibleEventTest::propsAreCappedAt30() {
  std::string fifty;
  for (int i = 1; i <= 50; ++i) fifty += (i > 1 ? "," : "") + ("\"" + std::to_string(i) + "\":\"foo\"");
  std::string json = Props(R"("props":{)" + fifty + "}");
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  QVERIFY(parser.parse(json).get(obj) == simdjson::SUCCESS);
  QCOMPARE(obj.size(), size_t{30});
  std::string_view last;
  QVERIFY(obj["30"].get(last) == simdjson::SUCCESS);
  simdjson::dom::element none;
  QVERIFY(obj["31"].get(none) != simdjson::SUCCESS);
}

void PlausibleEventTest::propsLengthLimits() {
  const char* kTooLong = R"({"errors":{"props":["keys should have at most 300 bytes and values 2000 bytes"]}})";
  QCOMPARE(ErrorJson(Post(Event(R"("props":{")" + std::string(301, 'a') + R"(":"abc"})"))),
           std::string(kTooLong));
  QCOMPARE(ErrorJson(Post(Event(R"("props":{"abc":")" + std::string(2001, 'a') + R"("})"))),
           std::string(kTooLong));
  Result r3 = Post(Event(R"("props":{")" + std::string(300, 'k') + R"(":")" + std::string(2000, 'v') + R"("})"));
  QVERIFY(Ok1(r3));
  // Bytes, not characters: 101 three-byte characters are 303 bytes.
  std::string euros;
  for (int i = 0; i < 101; ++i) euros += "\xE2\x82\xAC";
  QCOMPARE(ErrorJson(Post(Event(R"("props":{")" + euros + R"(":"x"})"))),
           std::string(kTooLong));
  // Entries past the first 30 are dropped before the check.
  std::string many;
  for (int i = 0; i < 30; ++i) many += "\"k" + std::to_string(i) + "\":\"v\",";
  Result r5 = Post(Event(R"("props":{)" + many + R"("late":")" + std::string(3000, 'x') + R"("})"));
  QVERIFY(Ok1(r5));
}

void PlausibleEventTest::propsWithAwkwardStrings() {
  // quotes, tabs, newlines, backslashes, emoji, \u escapes and a surrogate pair
  std::string json = Props(
      R"("props":{"q\"k":"say \"hi\"","tab":"a\tb","nl":"line1\nline2","bs":"C:\\dir\\",)"
      R"("emoji":"😀","esc":"\u00e9\u4e2d","pair":"\ud83d\ude00","ctl":"\u0001"})");
  QCOMPARE(json, std::string(R"({"q\"k":"say \"hi\"","tab":"a\tb","nl":"line1\nline2",)"
                             R"("bs":"C:\\dir\\","emoji":"😀","esc":"é中","pair":"😀",)"
                             R"("ctl":"\u0001"})"));
  // The column holds valid JSON that reads back to the same strings.
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  QVERIFY(parser.parse(json).get(obj) == simdjson::SUCCESS);
  std::string_view v;
  QVERIFY(obj["q\"k"].get(v) == simdjson::SUCCESS);
  QCOMPARE(std::string(v), std::string("say \"hi\""));
  QVERIFY(obj["nl"].get(v) == simdjson::SUCCESS);
  QCOMPARE(std::string(v), std::string("line1\nline2"));
  QVERIFY(obj["pair"].get(v) == simdjson::SUCCESS);
  QCOMPARE(std::string(v), std::string("\xF0\x9F\x98\x80"));
}

void PlausibleEventTest::systemGoalsGetThePathProp() {
  Result r = Post(R"({"n":"404","u":"https://a.com/missing%20page","props":{"x":"1"}})");
  QVERIFY(r.ok);
  QCOMPARE(r.str(pc::kProps), std::string(R"({"path":"/missing page","x":"1"})"));
  Result r2 = Post(R"({"n":"Form: Submission","u":"https://a.com/f","p":{"path":"/own"}})");
  QVERIFY(r2.ok);
  QCOMPARE(r2.str(pc::kProps), std::string(R"({"path":"/own"})"));
  Result r3 = Post(R"({"n":"pageview","u":"https://a.com/f"})");
  QCOMPARE(r3.str(pc::kProps), std::string("{}"));
}

// --- revenue

void PlausibleEventTest::revenue_data() {
  QTest::addColumn<QString>("field");
  QTest::addColumn<bool>("present");
  QTest::addColumn<double>("amount");
  QTest::addColumn<QString>("currency");
  QTest::newRow("float") << R"("revenue":{"amount":10.2,"currency":"USD"})" << true << 10.2 << "USD";
  QTest::newRow("integer") << R"("revenue":{"amount":20,"currency":"BRL"})" << true << 20.0 << "BRL";
  QTest::newRow("string amount") << R"("revenue":{"amount":"12.3","currency":"USD"})" << true << 12.3 << "USD";
  QTest::newRow("minified json string") << R"("$":"{\"amount\":10.2,\"currency\":\"USD\"}")"
                                        << true << 10.2 << "USD";
  QTest::newRow("json string long name") << R"("revenue":"{\"amount\":20.2,\"currency\":\"EUR\"}")"
                                         << true << 20.2 << "EUR";
  QTest::newRow("prefix of a string") << R"("revenue":{"amount":"1831d","currency":"USD"})" << true << 1831.0 << "USD";
  QTest::newRow("negative") << R"("revenue":{"amount":-5,"currency":"USD"})" << true << -5.0 << "USD";
  QTest::newRow("invalid currency") << R"("revenue":{"amount":1233.2,"currency":"EEEE"})" << false << 0.0 << "";
  QTest::newRow("both invalid") << R"("revenue":{"amount":"1831d","currency":"ADSIE"})" << false << 0.0 << "";
  QTest::newRow("lower case currency") << R"("revenue":{"amount":1,"currency":"usd"})" << false << 0.0 << "";
  QTest::newRow("no currency") << R"("revenue":{"amount":1})" << false << 0.0 << "";
  QTest::newRow("no amount") << R"("revenue":{"currency":"USD"})" << false << 0.0 << "";
  QTest::newRow("amount not numeric") << R"("revenue":{"amount":"abc","currency":"USD"})" << false << 0.0 << "";
  QTest::newRow("amount bool") << R"("revenue":{"amount":true,"currency":"USD"})" << false << 0.0 << "";
  QTest::newRow("amount null") << R"("revenue":{"amount":null,"currency":"USD"})" << false << 0.0 << "";
  QTest::newRow("not an object") << R"("revenue":12)" << false << 0.0 << "";
  QTest::newRow("bad json string") << R"("$":"{amount")" << false << 0.0 << "";
}

void PlausibleEventTest::revenue() {
  QFETCH(QString, field);
  QFETCH(bool, present);
  QFETCH(double, amount);
  QFETCH(QString, currency);
  Result r = Post(Event(field.toStdString()));
  QVERIFY2(r.ok, qPrintable(QString::fromStdString(r.json())));  // never an error
  QCOMPARE(!r.null(pc::kRevenueAmount), present);
  QCOMPARE(!r.null(pc::kRevenueCurrency), present);
  if (present) {
    QCOMPARE(r.f64(pc::kRevenueAmount), amount);
    QCOMPARE(QString::fromStdString(r.str(pc::kRevenueCurrency)), currency);
  }
}

void PlausibleEventTest::propsAndRevenueBothAsStrings() {
  // Both are parsed with the nested parser, one after the other.
  Result r = Post(Event(R"("p":"{\"plan\":\"pro\"}","$":"{\"amount\":\"9.99\",\"currency\":\"EUR\"}")"));
  QVERIFY(Ok1(r));
  QCOMPARE(r.str(pc::kProps), std::string(R"({"plan":"pro"})"));
  QCOMPARE(r.f64(pc::kRevenueAmount), 9.99);
  QCOMPARE(r.str(pc::kRevenueCurrency), std::string("EUR"));
}

// --- interactive, screen width

void PlausibleEventTest::interactive() {
  Result r = Post(Event(""));
  QVERIFY(Ok1(r));
  QCOMPARE(r.b(pc::kInteractive), true);
  Result r2 = Post(Event(R"("i":false)"));
  QVERIFY(Ok1(r2));
  QCOMPARE(r2.b(pc::kInteractive), false);
  Result r3 = Post(Event(R"("interactive":false)"));
  QVERIFY(Ok1(r3));
  QCOMPARE(r3.b(pc::kInteractive), false);
  Result r4 = Post(Event(R"("i":"false")"));
  QVERIFY(Ok1(r4));
  QCOMPARE(r4.b(pc::kInteractive), true);
}

void PlausibleEventTest::screenWidth() {
  Result r = Post(Event(R"("w":"1440")"));
  QVERIFY(Ok1(r));
  QVERIFY(r.null(pc::kScreenWidth));
  Result r2 = Post(Event(R"("w":1440.5)"));
  QVERIFY(Ok1(r2));
  QVERIFY(r2.null(pc::kScreenWidth));
  Result r3 = Post(Event(R"("screen_width":1024)"));
  QVERIFY(Ok1(r3));
  QCOMPARE(r3.i64(pc::kScreenWidth), int64_t{1024});
}

// --- engagement

void PlausibleEventTest::engagementFields_data() {
  QTest::addColumn<QString>("fields");
  QTest::addColumn<qint64>("sd");  // -1 = NULL
  QTest::addColumn<qint64>("e");
  QTest::newRow("sd") << R"("sd":25)" << qint64(25) << qint64(-1);
  QTest::newRow("e") << R"("e":1500)" << qint64(-1) << qint64(1500);
  QTest::newRow("both") << R"("sd":0,"e":0)" << qint64(0) << qint64(0);
  QTest::newRow("sd above 100") << R"("sd":101,"e":1)" << qint64(100) << qint64(1);
  QTest::newRow("sd huge") << R"("sd":18446744073709551615)" << qint64(100) << qint64(-1);
  QTest::newRow("sd string") << R"("sd":"50")" << qint64(50) << qint64(-1);
  QTest::newRow("e string") << R"("e":"+70")" << qint64(-1) << qint64(70);
  QTest::newRow("sd negative") << R"("sd":-1,"e":5)" << qint64(-1) << qint64(5);
  QTest::newRow("sd float") << R"("sd":50.0,"e":5)" << qint64(-1) << qint64(5);
  QTest::newRow("sd bad string") << R"("sd":"5x","e":5)" << qint64(-1) << qint64(5);
  QTest::newRow("e just under 30 days") << R"("e":2591999999)" << qint64(-1) << qint64(2591999999);
  QTest::newRow("e 30 days") << R"("e":2592000000,"sd":1)" << qint64(1) << qint64(-1);
  QTest::newRow("long names") << R"("scroll_depth":7,"engagement_time":8)" << qint64(7) << qint64(8);
}

void PlausibleEventTest::engagementFields() {
  QFETCH(QString, fields);
  QFETCH(qint64, sd);
  QFETCH(qint64, e);
  Result r = Post(R"({"n":"engagement","u":"https://test.com","d":"test.com",)" +
                  fields.toStdString() + "}");
  QVERIFY2(r.ok, qPrintable(QString::fromStdString(r.json())));
  QCOMPARE(r.null(pc::kScrollDepth), sd < 0);
  if (sd >= 0) QCOMPARE(qint64(r.i64(pc::kScrollDepth)), sd);
  QCOMPARE(r.null(pc::kEngagementTime), e < 0);
  if (e >= 0) QCOMPARE(qint64(r.i64(pc::kEngagementTime)), e);
}

void PlausibleEventTest::engagementNeedsSdOrE() {
  const char* kBlank = R"({"errors":{"event_name":["engagement event requires a valid integer value for at least one of 'sd' or 'e' fields"]}})";
  QCOMPARE(ErrorJson(Post(R"({"n":"engagement","u":"https://test.com","d":"test.com"})")),
           std::string(kBlank));
  QCOMPARE(ErrorJson(Post(R"({"n":"engagement","u":"https://test.com","d":"test.com","sd":-1,"e":"x"})")),
           std::string(kBlank));
  QCOMPARE(ErrorJson(Post(R"({"n":"engagement","u":"https://test.com","d":"test.com","e":99999999999})")),
           std::string(kBlank));
}

void PlausibleEventTest::sdAndEIgnoredForOtherEvents() {
  Result r = Post(Event(R"("sd":10,"e":100)"));
  QVERIFY(Ok1(r));
  QVERIFY(r.null(pc::kScrollDepth));
  QVERIFY(r.null(pc::kEngagementTime));
  Result r2 = Post(R"({"n":"pageleave","u":"https://test.com","sd":10})");
  QVERIFY(Ok1(r2));
  QVERIFY(r2.null(pc::kScrollDepth));
}

// --- bodies

void PlausibleEventTest::bodyMustBeAJsonObject_data() {
  QTest::addColumn<QByteArray>("body");
  QTest::newRow("empty") << QByteArray("");
  QTest::newRow("not json") << QByteArray("defnotjson");
  QTest::newRow("string") << QByteArray("\"<script>\"");
  QTest::newRow("number") << QByteArray("123");
  QTest::newRow("array") << QByteArray(R"([{"n":"pageview","u":"https://a.com/"}])");
  QTest::newRow("truncated") << QByteArray(R"({"n":"pageview","u":"https://a.com/")");
  QTest::newRow("trailing garbage") << QByteArray(R"({"n":"pageview","u":"https://a.com/"} x)");
  QTest::newRow("two objects") << QByteArray(R"({"n":"a"}{"n":"b"})");
  QTest::newRow("lone surrogate") << QByteArray(R"({"n":"\ud800","u":"https://a.com/"})");
  QTest::newRow("integer beyond 64 bits")
      << QByteArray(R"({"n":"x","u":"https://a.com/","w":100000000000000000000})");
}

void PlausibleEventTest::bodyMustBeAJsonObject() {
  QFETCH(QByteArray, body);
  QCOMPARE(ErrorJson(Post(body.toStdString())),
           std::string(R"({"errors":{"request":["Unable to parse request body as json"]}})"));
}

void PlausibleEventTest::bodyMustBeUtf8() {
  Result r = Post("{\"n\":\"page\xE9\",\"u\":\"https://a.com/\"}");
  QVERIFY(!r.ok);
  QCOMPARE(r.n(), int64_t{0});
  QCOMPARE(r.error.errors.size(), size_t{1});
  QCOMPARE(r.error.errors[0].first, std::string("request"));
  QCOMPARE(r.error.errors[0].second,
           std::string("request body is not valid UTF-8 (invalid byte at offset 10)"));
}

void PlausibleEventTest::awkwardStringsInColumns() {
  Result r = Post(R"({"n":"tab\there \"q\" back\\slash\nnl 😀 \u00e9 \ud83d\ude00","u":"https://a.com/","r":"\u0001x"})");
  QVERIFY(Ok1(r));
  QCOMPARE(r.str(pc::kName),
           std::string("tab\there \"q\" back\\slash\nnl \xF0\x9F\x98\x80 \xC3\xA9 \xF0\x9F\x98\x80"));
  QCOMPARE(r.str(pc::kReferrer), std::string("\x01x", 2));
}

// NUL cannot be stored by every sink (PostgreSQL text), so any stored text
// holding one, given or derived (%00 decodes in the pathname), is refused.
void PlausibleEventTest::nulCharactersAreRefused() {
  // As rendered in JSON, where the message's backslash is escaped.
  const std::string nul = "must not contain the NUL character (\\\\u0000)";
  Result r = Post(R"({"n":"a\u0000b","u":"https://a.com/","d":"a.com"})");
  QVERIFY(!r.ok);
  QCOMPARE(r.error.PlausibleJson(), "{\"errors\":{\"event_name\":[\"" + nul + "\"]}}");
  r = Post(R"({"n":"pageview","u":"https://a.com/x%00y","d":"a.com"})");
  QVERIFY(!r.ok);
  QCOMPARE(r.error.PlausibleJson(), "{\"errors\":{\"url\":[\"" + nul + "\"]}}");
  r = Post(R"({"n":"pageview","u":"https://a.com/","d":"a.com","r":"\u0000"})");
  QVERIFY(!r.ok);
  QCOMPARE(r.error.PlausibleJson(), "{\"errors\":{\"referrer\":[\"" + nul + "\"]}}");
}

void PlausibleEventTest::rowsAreUnchangedAfterAnError() {
  RowBatch rows(Schema::Plausible());
  RequestContext ctx{kNow, kUa};
  IngestError err;
  PlausibleEventParser parser;
  QVERIFY(parser.Parse(R"({"n":"a","u":"https://a.com/x","d":"a.com,b.com"})", ctx, &rows, &err));
  QCOMPARE(rows.num_rows(), int64_t{2});
  const size_t bytes = rows.byte_size();
  // Fails after most of the event was read (domain is checked last).
  QVERIFY(!parser.Parse(R"({"n":"b","u":"about:blank","p":{"k":"v"},"r":"x"})", ctx, &rows, &err));
  QCOMPARE(err.PlausibleJson(), std::string(R"({"errors":{"domain":["can't be blank"]}})"));
  QVERIFY(!parser.Parse("{\"n\":", ctx, &rows, &err));
  QCOMPARE(rows.num_rows(), int64_t{2});
  CheckShape(rows);
  QCOMPARE(rows.byte_size(), bytes);
  QCOMPARE(std::string(rows.column(pc::kDomain).String(1)), std::string("b.com"));
  // And the parser still works afterwards.
  QVERIFY(parser.Parse(R"({"n":"c","u":"https://c.com/"})", ctx, &rows, &err));
  QCOMPARE(rows.num_rows(), int64_t{3});
  CheckShape(rows);
}

void PlausibleEventTest::refusesBatchesOfOtherSchemas() {
  Schema custom;
  QVERIFY(Schema::Make(Schema::Kind::kCustom, {{"a", ColumnType::kString, false, {}}}, &custom).ok());
  RowBatch rows(custom);
  RequestContext ctx{kNow, kUa};
  IngestError err;
  PlausibleEventParser parser;
  QVERIFY(!parser.Parse(Event(""), ctx, &rows, &err));
  QCOMPARE(err.http_status, 500);
  QCOMPARE(rows.num_rows(), int64_t{0});
}

QTEST_GUILESS_MAIN(PlausibleEventTest)
#endif  // Q_MOC_RUN

#include "plausible_event_test.moc"
