// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/ingest/utf8.h"

#include <QtTest>

#include <string>

#include "core/ingest/ingest.h"

using namespace sinkhost;
using namespace sinkhost::ingest;

class Utf8Test : public QObject {
  Q_OBJECT
 private slots:
  void validText() {
    QVERIFY(IsValidUtf8(""));
    QVERIFY(IsValidUtf8("plain ascii"));
    QVERIFY(IsValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));  // é € 😀
    QVERIFY(IsValidUtf8(std::string_view("nul\0inside", 10)));
    QCOMPARE(FindInvalidUtf8("caf\xC3\xA9"), std::string_view::npos);
  }

  void invalidText_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("offset");
    QTest::newRow("lone continuation") << QByteArray("ab\x80") << 2;
    QTest::newRow("truncated 2-byte") << QByteArray("abc\xC3") << 3;
    QTest::newRow("truncated 4-byte") << QByteArray("\xF0\x9F\x98") << 0;
    QTest::newRow("overlong slash") << QByteArray("x\xC0\xAF") << 1;
    QTest::newRow("overlong 3-byte") << QByteArray("\xE0\x80\x80") << 0;
    QTest::newRow("surrogate") << QByteArray("ok\xED\xA0\x80") << 2;
    QTest::newRow("above U+10FFFF") << QByteArray("\xF4\x90\x80\x80") << 0;
    QTest::newRow("latin-1 byte") << QByteArray("Mozilla \xE9t\xE9") << 8;
    QTest::newRow("0xFF") << QByteArray("\xFF") << 0;
  }
  void invalidText() {
    QFETCH(QByteArray, text);
    QFETCH(int, offset);
    std::string_view s(text.constData(), static_cast<size_t>(text.size()));
    QVERIFY(!IsValidUtf8(s));
    QCOMPARE(FindInvalidUtf8(s), static_cast<size_t>(offset));
  }

  void repairReplacesInvalidBytes() {
    std::string out;
    AppendRepairedUtf8("a\xE9" "b\xC3\xA9", &out);
    QCOMPARE(out, std::string("a\xEF\xBF\xBD" "b\xC3\xA9"));
    QVERIFY(IsValidUtf8(out));
  }

  void countsAndTruncatesByCodePoint() {
    const std::string s = "a\xC3\xA9\xF0\x9F\x98\x80z";  // a é 😀 z
    QCOMPARE(CountCodePoints(s), size_t{4});
    QCOMPARE(std::string(TruncateCodePoints(s, 0)), std::string(""));
    QCOMPARE(std::string(TruncateCodePoints(s, 2)), std::string("a\xC3\xA9"));
    QCOMPARE(std::string(TruncateCodePoints(s, 3)), std::string("a\xC3\xA9\xF0\x9F\x98\x80"));
    QCOMPARE(std::string(TruncateCodePoints(s, 4)), s);
    QCOMPARE(std::string(TruncateCodePoints(s, 100)), s);
  }

  void trimsUnicodeWhitespace() {
    // U+3000 ideographic space, U+00A0 no-break space, U+2028 line separator
    const std::string s = "\xE3\x80\x80 \t\xC2\xA0x y\n\xE2\x80\xA8\r";
    QCOMPARE(std::string(TrimLeadingSpace(s)), std::string("x y\n\xE2\x80\xA8\r"));
    QCOMPARE(std::string(TrimTrailingSpace(s)), std::string("\xE3\x80\x80 \t\xC2\xA0x y"));
    QCOMPARE(std::string(TrimSpace(s)), std::string("x y"));
    QCOMPARE(std::string(TrimSpace(" \t ")), std::string(""));
    // Not whitespace: zero-width space U+200B, letters with trailing bytes like 0x85.
    QCOMPARE(std::string(TrimSpace("\xE2\x80\x8B" "a")), std::string("\xE2\x80\x8B" "a"));
    QCOMPARE(std::string(TrimTrailingSpace("\xC3\x85")), std::string("\xC3\x85"));  // Å
  }
};

QTEST_GUILESS_MAIN(Utf8Test)
#include "utf8_test.moc"
