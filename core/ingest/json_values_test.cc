// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/ingest/json_values.h"

#include <QtTest>

#include <limits>
#include <string>

#include "core/ingest/revenue.h"

using namespace sinkhost::ingest;

namespace {

// Parses `json` ({"v": ...}) and returns the text FormatJsonNumber gives v.
std::string NumberText(const std::string& value) {
  simdjson::dom::parser parser;
  simdjson::padded_string doc(std::string("{\"v\":") + value + "}");
  simdjson::dom::element root, v;
  if (parser.parse(doc).get(root) != simdjson::SUCCESS) return "<parse error>";
  if (root["v"].get(v) != simdjson::SUCCESS) return "<no v>";
  char buf[kNumberTextMax];
  return std::string(buf, FormatJsonNumber(v, buf));
}

std::string Describe(const std::string& value) {
  simdjson::dom::parser parser;
  simdjson::padded_string doc(std::string("{\"v\":") + value + "}");
  simdjson::dom::element root, v;
  if (parser.parse(doc).get(root) != simdjson::SUCCESS) return "<parse error>";
  if (root["v"].get(v) != simdjson::SUCCESS) return "<no v>";
  return DescribeJsonValue(v) + "|" + JsonTypeName(v);
}

}  // namespace

class JsonValuesTest : public QObject {
  Q_OBJECT
 private slots:
  void numberText() {
    QCOMPARE(NumberText("12"), std::string("12"));
    QCOMPARE(NumberText("-7"), std::string("-7"));
    QCOMPARE(NumberText("0"), std::string("0"));
    QCOMPARE(NumberText("18446744073709551615"), std::string("18446744073709551615"));
    QCOMPARE(NumberText("-9223372036854775808"), std::string("-9223372036854775808"));
    QCOMPARE(NumberText("1.5"), std::string("1.5"));
    QCOMPARE(NumberText("1.0"), std::string("1.0"));
    QCOMPARE(NumberText("10.20"), std::string("10.2"));
    QCOMPARE(NumberText("0.1"), std::string("0.1"));
    QCOMPARE(NumberText("1e3"), std::string("1000.0"));
    QCOMPARE(NumberText("-2.5e-7"), std::string("-2.5e-07"));
    QCOMPARE(NumberText("1e300"), std::string("1e+300"));
    QCOMPARE(NumberText("-0.0"), std::string("-0.0"));
  }

  void describesValues() {
    QCOMPARE(Describe("\"abc\""), std::string("\"abc\"|string"));
    QCOMPARE(Describe("\"a\\\"b\""), std::string("\"a\\\"b\"|string"));
    QCOMPARE(Describe("1.5"), std::string("1.5|number"));
    QCOMPARE(Describe("true"), std::string("true|boolean"));
    QCOMPARE(Describe("null"), std::string("null|null"));
    QCOMPARE(Describe("[1]"), std::string("array|array"));
    QCOMPARE(Describe("{}"), std::string("object|object"));
    const std::string long_string = "\"" + std::string(100, 'x') + "\"";
    QCOMPARE(Describe(long_string), "\"" + std::string(64, 'x') + "...\"|string");
  }

  void escapesJsonStrings() {
    std::string out;
    AppendJsonString(&out, "plain");
    QCOMPARE(out, std::string("\"plain\""));
    out.clear();
    AppendJsonString(&out, std::string("q\"b\\n\nt\tr\rb\bf\f\x01\x1f", 16) + "\xF0\x9F\x98\x80/");
    QCOMPARE(out, std::string("\"q\\\"b\\\\n\\nt\\tr\\rb\\bf\\f\\u0001\\u001f\xF0\x9F\x98\x80/\""));
    out.clear();
    AppendJsonString(&out, std::string_view("a\0b", 3));
    QCOMPARE(out, std::string("\"a\\u0000b\""));
  }

  void integerText() {
    int64_t v = 0;
    QVERIFY(ParseIntegerText("42", &v));
    QCOMPARE(v, int64_t{42});
    QVERIFY(ParseIntegerText("+7", &v));
    QCOMPARE(v, int64_t{7});
    QVERIFY(ParseIntegerText("-15", &v));
    QCOMPARE(v, int64_t{-15});
    QVERIFY(ParseIntegerText("007", &v));
    QCOMPARE(v, int64_t{7});
    QVERIFY(ParseIntegerText("99999999999999999999999", &v));
    QCOMPARE(v, std::numeric_limits<int64_t>::max());
    QVERIFY(ParseIntegerText("-99999999999999999999999", &v));
    QCOMPARE(v, std::numeric_limits<int64_t>::min());
    QVERIFY(ParseIntegerText("-9223372036854775808", &v));
    QCOMPARE(v, std::numeric_limits<int64_t>::min());
    for (const char* bad : {"", "+", "-", " 1", "1 ", "1.0", "1e3", "0x10", "abc", "1a"})
      QVERIFY2(!ParseIntegerText(bad, &v), bad);
  }

  void leadingDecimal() {
    double d = 0;
    QVERIFY(ParseLeadingDecimal("12.3", &d));
    QCOMPARE(d, 12.3);
    QVERIFY(ParseLeadingDecimal("-5", &d));
    QCOMPARE(d, -5.0);
    QVERIFY(ParseLeadingDecimal("+.5", &d));
    QCOMPARE(d, 0.5);
    QVERIFY(ParseLeadingDecimal("1e3", &d));
    QCOMPARE(d, 1000.0);
    QVERIFY(ParseLeadingDecimal("1831d", &d));  // like Decimal.parse: rest ignored
    QCOMPARE(d, 1831.0);
    QVERIFY(ParseLeadingDecimal("12e", &d));
    QCOMPARE(d, 12.0);
    QVERIFY(ParseLeadingDecimal("7.", &d));
    QCOMPARE(d, 7.0);
    for (const char* bad : {"", "abc", ".", "-", " 1", "inf", "NaN", "1e999", "e5"})
      QVERIFY2(!ParseLeadingDecimal(bad, &d), bad);
  }

  void currencies() {
    std::string_view c;
    for (const char* ok : {"USD", "EUR", "BRL", "JPY", "AED", "ZWL", "XAU"}) {
      QVERIFY2(IsCurrencyCode(ok, &c), ok);
      QCOMPARE(std::string(c), std::string(ok));
    }
    for (const char* bad : {"usd", "EEEE", "ADSIE", "", "US", "XXX0", "ABC"})
      QVERIFY2(!IsCurrencyCode(bad, &c), bad);
  }
};

QTEST_GUILESS_MAIN(JsonValuesTest)
#include "json_values_test.moc"
