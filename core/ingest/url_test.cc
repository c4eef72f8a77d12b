// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/ingest/url.h"

#include <QtTest>

#include <string>

using namespace sinkhost::ingest;

namespace {
std::string S(std::string_view v) { return std::string(v); }
}  // namespace

class UrlTest : public QObject {
  Q_OBJECT
 private slots:
  void splitsAFullUrl() {
    UrlParts u = ParseUrl("https://user:pw@www.Example.com:8080/a/b%20c?x=1&y=2#frag/ment");
    QVERIFY(u.has_scheme);
    QCOMPARE(S(u.scheme), S("https"));
    QCOMPARE(S(u.host), S("www.Example.com"));
    QCOMPARE(S(u.path), S("/a/b%20c"));
    QVERIFY(u.has_query);
    QCOMPARE(S(u.query), S("x=1&y=2"));
    QVERIFY(u.has_fragment);
    QCOMPARE(S(u.fragment), S("frag/ment"));
  }

  void hostCases_data() {
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("path");
    QTest::newRow("no path") << "http://dummy.site" << "dummy.site" << "";
    QTest::newRow("query only") << "http://a.com?x" << "a.com" << "";
    QTest::newRow("ipv6") << "http://[::1]:4000/x" << "::1" << "/x";
    QTest::newRow("userinfo with @") << "http://a@b@c.com/" << "c.com" << "/";
    QTest::newRow("file url") << "file:///android_asset/www/index.html" << ""
                              << "/android_asset/www/index.html";
    QTest::newRow("about") << "about:config" << "" << "config";
    QTest::newRow("chrome extension")
        << "chrome-extension://liipgellkffekalgefpjolodblggkmjg/popup.html"
        << "liipgellkffekalgefpjolodblggkmjg" << "/popup.html";
    QTest::newRow("no scheme") << "example.com/path" << "" << "example.com/path";
    QTest::newRow("scheme must start with a letter") << "1http://x.com/" << "" << "1http://x.com/";
    QTest::newRow("protocol relative") << "//cdn.example.com/lib.js" << "cdn.example.com"
                                       << "/lib.js";
    QTest::newRow("empty") << "" << "" << "";
    QTest::newRow("port only") << "http://:80/" << "" << "/";
  }
  void hostCases() {
    QFETCH(QString, url);
    QFETCH(QString, host);
    QFETCH(QString, path);
    std::string u = url.toStdString();
    UrlParts p = ParseUrl(u);
    QCOMPARE(QString::fromStdString(S(p.host)), host);
    QCOMPARE(QString::fromStdString(S(p.path)), path);
  }

  void emptyFragmentIsStillAFragment() {
    UrlParts u = ParseUrl("http://a.com/#");
    QVERIFY(u.has_fragment);
    QCOMPARE(S(u.fragment), S(""));
    QVERIFY(!ParseUrl("http://a.com/").has_fragment);
  }

  void schemeComparesCaseInsensitively() {
    QVERIFY(SchemeEquals(ParseUrl("DATA:text/html,hi"), "data"));
    QVERIFY(SchemeEquals(ParseUrl("data:text/html,hi"), "data"));
    QVERIFY(!SchemeEquals(ParseUrl("database://x"), "data"));
    QVERIFY(!SchemeEquals(ParseUrl("/data:x"), "data"));
  }

  void percentDecoding() {
    std::string out;
    QVERIFY(PercentDecode("/a%20b%2Fc", &out));
    QCOMPARE(out, S("/a b/c"));
    QVERIFY(PercentDecode("%D8%AC%D9%88", &out));  // Arabic
    QCOMPARE(out, S("\xD8\xAC\xD9\x88"));
    // Malformed escapes are kept as written.
    QVERIFY(PercentDecode("100%", &out));
    QCOMPARE(out, S("100%"));
    QVERIFY(PercentDecode("%zz%4", &out));
    QCOMPARE(out, S("%zz%4"));
    QVERIFY(PercentDecode("%%41", &out));
    QCOMPARE(out, S("%A"));
    // '+' is not a space in a path.
    QVERIFY(PercentDecode("a+b", &out));
    QCOMPARE(out, S("a+b"));
    // Decoding to invalid UTF-8 is reported.
    QVERIFY(!PercentDecode("/%FF", &out));
    QVERIFY(!PercentDecode("/%C3", &out));
  }

  void sanitizesHostnames() {
    QCOMPARE(S(SanitizeHostname("www.example.com")), S("example.com"));
    QCOMPARE(S(SanitizeHostname("  www.example.com ")), S("example.com"));
    QCOMPARE(S(SanitizeHostname("www.www.example.com")), S("www.example.com"));
    QCOMPARE(S(SanitizeHostname("wwwexample.com")), S("wwwexample.com"));
    QCOMPARE(S(SanitizeHostname("WWW.example.com")), S("WWW.example.com"));
    QCOMPARE(S(SanitizeHostname("www.")), S(""));
  }
};

QTEST_GUILESS_MAIN(UrlTest)
#include "url_test.moc"
