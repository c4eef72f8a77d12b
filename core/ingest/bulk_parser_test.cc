// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Bulk NDJSON / JSON-array requests: conversion to every column type,
// nulls and defaults, errors with line numbers, all-or-nothing appends, and
// Plausible events on plausible streams.
#include <QtTest>

#include <memory>
#include <string>

#include "core/batch/row_batch.h"
#include "core/ingest/ingest.h"
#include "core/schema/schema.h"

using namespace sinkhost;

// moc reads only this declaration: its preprocessor cannot read the raw
// string literals the test bodies pass to QCOMPARE/QVERIFY, so those stay
// in the Q_MOC_RUN-guarded part below.
class BulkParserTest : public QObject {
  Q_OBJECT
 private slots:
  // --- body shapes
  void ndjson();
  void jsonArray();
  void crlfBlankLinesAndTrailingNewline();
  void emptyBodies_data();
  void emptyBodies();
  // --- column types
  void strings();
  void awkwardStrings();
  void int64Values_data();
  void int64Values();
  void badInt64Values_data();
  void badInt64Values();
  void float64Values();
  void boolValues();
  void timestampStrings_data();
  void timestampStrings();
  void timestampNumbers();
  void badTimestamps_data();
  void badTimestamps();
  // --- missing fields, nulls, defaults
  void missingFieldsUseDefaults();
  void nullsAndDefaults();
  void missingRequiredField();
  void nullInRequiredColumnWithoutDefault();
  // --- unknown and repeated fields
  void unknownFieldsRejectedByDefault();
  void unknownFieldsIgnoredOnRequest();
  void duplicateFieldIsAnError();
  // --- errors name the line
  void errorLineNumbers_data();
  void errorLineNumbers();
  void malformedJson();
  void invalidUtf8NamesTheLine();
  void lineMustBeAnObject();
  // --- all-or-nothing
  void rowsUnchangedAfterAnError();
  void manyEventsAndReuse();
  void schemasCanAlternate();
  // --- plausible streams
  void plausibleStreamUsesTheEventRules();
  void plausibleStreamMatchesApiEvent();
  void plausibleStreamErrorsCarryTheLine();
  void plausibleStreamAllOrNothing();
};

#ifndef Q_MOC_RUN

namespace {

constexpr int64_t kNow = 1714564800123456;  // 2024-05-01T12:00:00.123456Z
constexpr int64_t k20240501Us = int64_t{1714521600} * 1000000;

// Columns of every type; the *_d ones have defaults.
const Schema& TestSchema() {
  static const Schema schema = [] {
    Schema s;
    using T = ColumnType;
    Status st = Schema::Make(Schema::Kind::kCustom,
                             {
                                 {"s", T::kString, false, {}},
                                 {"i", T::kInt64, true, {}},
                                 {"f", T::kFloat64, true, {}},
                                 {"b", T::kBool, true, {}},
                                 {"t", T::kTimestamp, true, {}},
                                 {"s_d", T::kString, false, std::string("dflt")},
                                 {"i_d", T::kInt64, false, int64_t{7}},
                                 {"f_d", T::kFloat64, true, 2.5},
                                 {"b_d", T::kBool, false, true},
                                 {"t_now", T::kTimestamp, false, NowDefault{}},
                             },
                             &s);
    if (!st.ok()) qFatal("%s", st.ToString().c_str());
    return s;
  }();
  return schema;
}
enum Col { kS, kI, kF, kB, kT, kSD, kID, kFD, kBD, kTNow };

struct Result {
  bool ok = false;
  IngestError error;
  std::unique_ptr<RowBatch> rows;

  int64_t n() const { return rows->num_rows(); }
  const ColumnBuilder& col(int c) const { return rows->column(static_cast<size_t>(c)); }
  bool null(int c, int64_t row = 0) const { return col(c).IsNull(row); }
  std::string str(int c, int64_t row = 0) const { return std::string(col(c).String(row)); }
  int64_t i64(int c, int64_t row = 0) const { return col(c).Int64(row); }
  double f64(int c, int64_t row = 0) const { return col(c).Float64(row); }
  bool b(int c, int64_t row = 0) const { return col(c).Bool(row); }
  std::string json() const { return error.BulkJson(); }
};

BulkParser& SharedParser() {
  static BulkParser parser;
  return parser;
}

Result Bulk(std::string_view body, bool ignore_unknown = false,
            const Schema& schema = TestSchema()) {
  Result r;
  r.rows = std::make_unique<RowBatch>(schema);
  RequestContext ctx{kNow, "curl/8.0"};
  r.ok = SharedParser().Parse(body, ctx, ignore_unknown, r.rows.get(), &r.error);
  return r;
}

void CheckShape(const RowBatch& rows) {
  for (size_t c = 0; c < rows.num_columns(); ++c)
    QCOMPARE(rows.column(c).length(), rows.num_rows());
}

// Accepted with `rows` rows; prints the error otherwise.
bool Accepted(const Result& r, int64_t rows) {
  if (r.ok && r.n() == rows) {
    for (size_t c = 0; c < r.rows->num_columns(); ++c)
      if (r.rows->column(c).length() != rows) return false;
    return true;
  }
  qWarning("ok=%d rows=%lld %s", r.ok, static_cast<long long>(r.n()), r.json().c_str());
  return false;
}

// The error JSON of a refused request, after checking that nothing was
// appended and the status is 400.
std::string ErrorJson(const Result& r) {
  if (r.ok) return "<accepted>";
  for (size_t c = 0; c < r.rows->num_columns(); ++c)
    if (r.rows->column(c).length() != 0) return "<values appended>";
  if (r.n() != 0) return "<rows appended>";
  if (r.error.http_status != 400) return "<status " + std::to_string(r.error.http_status) + ">";
  return r.json();
}

// One-line object with `s` set (the only required field) and `extra`.
std::string Line(const std::string& extra) {
  return R"({"s":"x")" + (extra.empty() ? std::string() : "," + extra) + "}";
}

}  // namespace

// --- body shapes

void BulkParserTest::ndjson() {
  Result r = Bulk(R"({"s":"a","i":1})" "\n" R"({"s":"b","i":2})" "\n" R"({"s":"c"})");
  QVERIFY(Accepted(r, 3));
  QCOMPARE(r.str(kS, 0), std::string("a"));
  QCOMPARE(r.str(kS, 2), std::string("c"));
  QCOMPARE(r.i64(kI, 1), int64_t{2});
  QVERIFY(r.null(kI, 2));
}

void BulkParserTest::jsonArray() {
  Result r = Bulk(" \n[ {\"s\":\"a\",\"i\":1},\n {\"s\":\"b\"} ]\n");
  QVERIFY(Accepted(r, 2));
  QCOMPARE(r.str(kS, 1), std::string("b"));
  QCOMPARE(r.i64(kI, 0), int64_t{1});
}

void BulkParserTest::crlfBlankLinesAndTrailingNewline() {
  Result r = Bulk("\r\n{\"s\":\"a\"}\r\n\r\n   \t\r\n{\"s\":\"b\"}\r\n\n");
  QVERIFY(Accepted(r, 2));
  QCOMPARE(r.str(kS, 0), std::string("a"));
  QCOMPARE(r.str(kS, 1), std::string("b"));
}

void BulkParserTest::emptyBodies_data() {
  QTest::addColumn<QByteArray>("body");
  QTest::addColumn<QString>("message");
  QTest::newRow("empty") << QByteArray("") << "body is empty";
  QTest::newRow("whitespace") << QByteArray(" \n\t ") << "body is empty";
  QTest::newRow("blank lines") << QByteArray("\r\n\r\n") << "body is empty";
  QTest::newRow("empty array") << QByteArray(" [ ] ") << "body is empty (the array has no elements)";
}
void BulkParserTest::emptyBodies() {
  QFETCH(QByteArray, body);
  QFETCH(QString, message);
  QCOMPARE(ErrorJson(Bulk(body.toStdString())),
           R"({"error":{"line":0,"field":"request","message":")" + message.toStdString() + "\"}}");
}

// --- column types

void BulkParserTest::strings() {
  Result r = Bulk(Line(R"("s_d":"")"));
  QVERIFY(Accepted(r, 1));
  QCOMPARE(r.str(kSD), std::string(""));
  QCOMPARE(ErrorJson(Bulk(R"({"s":5})")),
           std::string(R"({"error":{"line":1,"field":"s","message":"must be a string, got number"}})"));
  QCOMPARE(ErrorJson(Bulk(R"({"s":["a"]})")),
           std::string(R"({"error":{"line":1,"field":"s","message":"must be a string, got array"}})"));
  QCOMPARE(ErrorJson(Bulk(R"({"s":true})")),
           std::string(R"({"error":{"line":1,"field":"s","message":"must be a string, got boolean"}})"));
}

void BulkParserTest::awkwardStrings() {
  Result r = Bulk(
      R"({"s":"quote \" tab \t nl \n cr \r bs \\ slash \/ ctl \u0001 é 😀 \u00e9 \u4e2d \ud83d\ude00 end"})");
  QVERIFY(Accepted(r, 1));
  const std::string expected = std::string("quote \" tab \t nl \n cr \r bs \\ slash / ctl \x01") +
                               " \xC3\xA9 \xF0\x9F\x98\x80 \xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80 end";
  QCOMPARE(r.str(kS), expected);
  // NUL cannot be stored by every sink, so it is refused at the door.
  QCOMPARE(ErrorJson(Bulk("{\"s\":\"ok\"}\n{\"s\":\"a\\u0000b\"}")),
           std::string("{\"error\":{\"line\":2,\"field\":\"s\",\"message\":"
                       "\"must not contain the NUL character (\\\\u0000)\"}}"));
  // A lone surrogate is not UTF-8: the line is not valid JSON.
  QCOMPARE(Bulk(R"({"s":"\ud800"})").error.errors[0].first, std::string("request"));
}

void BulkParserTest::int64Values_data() {
  QTest::addColumn<QString>("value");
  QTest::addColumn<qint64>("expected");
  QTest::newRow("zero") << "0" << qint64(0);
  QTest::newRow("negative") << "-42" << qint64(-42);
  QTest::newRow("max") << "9223372036854775807" << qint64(9223372036854775807LL);
  QTest::newRow("min") << "-9223372036854775808" << qint64(-9223372036854775807LL - 1);
  QTest::newRow("integral float") << "3.0" << qint64(3);
  QTest::newRow("exponent") << "1e3" << qint64(1000);
}
void BulkParserTest::int64Values() {
  QFETCH(QString, value);
  QFETCH(qint64, expected);
  Result r = Bulk(Line(R"("i":)" + value.toStdString()));
  QVERIFY(Accepted(r, 1));
  QCOMPARE(qint64(r.i64(kI)), expected);
}

void BulkParserTest::badInt64Values_data() {
  QTest::addColumn<QString>("value");
  QTest::addColumn<QString>("message");
  QTest::newRow("fraction") << "1.5" << "must be an integer (int64), got 1.5";
  QTest::newRow("small fraction") << "-0.001" << "must be an integer (int64), got -0.001";
  QTest::newRow("above int64") << "9223372036854775808"
                               << "is out of range for int64: 9223372036854775808";
  QTest::newRow("uint64 max") << "18446744073709551615"
                              << "is out of range for int64: 18446744073709551615";
  QTest::newRow("float above int64") << "1e19" << "is out of range for int64: 1e+19";
  QTest::newRow("float 2^63") << "9223372036854775808.0"
                              << "is out of range for int64: 9223372036854775808.0";
  QTest::newRow("string") << R"("5")" << "must be an integer (int64), got string";
  QTest::newRow("bool") << "true" << "must be an integer (int64), got boolean";
  QTest::newRow("object") << "{}" << "must be an integer (int64), got object";
}
void BulkParserTest::badInt64Values() {
  QFETCH(QString, value);
  QFETCH(QString, message);
  QCOMPARE(ErrorJson(Bulk(Line(R"("i":)" + value.toStdString()))),
           R"({"error":{"line":1,"field":"i","message":")" + message.toStdString() + "\"}}");
}

void BulkParserTest::float64Values() {
  Result r = Bulk(Line(R"("f":1.25,"f_d":-3)") + "\n" + Line(R"("f":18446744073709551615)") +
                  "\n" + Line(R"("f":1e-300)"));
  QVERIFY(Accepted(r, 3));
  QCOMPARE(r.f64(kF, 0), 1.25);
  QCOMPARE(r.f64(kFD, 0), -3.0);
  QCOMPARE(r.f64(kF, 1), 18446744073709551615.0);
  QCOMPARE(r.f64(kF, 2), 1e-300);
  QCOMPARE(ErrorJson(Bulk(Line(R"("f":"1.5")"))),
           std::string(R"({"error":{"line":1,"field":"f","message":"must be a number (float64), got string"}})"));
}

void BulkParserTest::boolValues() {
  Result r = Bulk(Line(R"("b":true)") + "\n" + Line(R"("b":false,"b_d":false)"));
  QVERIFY(Accepted(r, 2));
  QCOMPARE(r.b(kB, 0), true);
  QCOMPARE(r.b(kB, 1), false);
  QCOMPARE(r.b(kBD, 0), true);
  QCOMPARE(r.b(kBD, 1), false);
  QCOMPARE(ErrorJson(Bulk(Line(R"("b":"true")"))),
           std::string(R"({"error":{"line":1,"field":"b","message":"must be a boolean, got string"}})"));
  QCOMPARE(ErrorJson(Bulk(Line(R"("b":1)"))),
           std::string(R"({"error":{"line":1,"field":"b","message":"must be a boolean, got number"}})"));
}

void BulkParserTest::timestampStrings_data() {
  QTest::addColumn<QString>("value");
  QTest::addColumn<qint64>("micros");
  const qint64 noon = qint64(k20240501Us + int64_t{12} * 3600 * 1000000);
  QTest::newRow("Z") << "2024-05-01T12:00:00Z" << noon;
  QTest::newRow("fraction") << "2024-05-01T12:00:00.123456Z" << noon + 123456;
  QTest::newRow("millis") << "2024-05-01T12:00:00.5Z" << noon + 500000;
  QTest::newRow("offset") << "2024-05-01T14:00:00+02:00" << noon;
  QTest::newRow("negative offset") << "2024-05-01T07:00:00.25-05:00" << noon + 250000;
  QTest::newRow("space") << "2024-05-01 12:00:00Z" << noon;
  QTest::newRow("no offset means UTC") << "2024-05-01 12:00:00" << noon;
  QTest::newRow("nanoseconds truncated") << "2024-05-01T12:00:00.999999999Z" << noon + 999999;
}
void BulkParserTest::timestampStrings() {
  QFETCH(QString, value);
  QFETCH(qint64, micros);
  Result r = Bulk(Line(R"("t":")" + value.toStdString() + "\""));
  QVERIFY(Accepted(r, 1));
  QCOMPARE(qint64(r.i64(kT)), micros);
}

void BulkParserTest::timestampNumbers() {
  Result r = Bulk(Line(R"("t":1714521600)") + "\n" + Line(R"("t":1714521600.25)") + "\n" +
                  Line(R"("t":-1)") + "\n" + Line(R"("t":0)"));
  QVERIFY(Accepted(r, 4));
  QCOMPARE(r.i64(kT, 0), k20240501Us);
  QCOMPARE(r.i64(kT, 1), k20240501Us + 250000);
  QCOMPARE(r.i64(kT, 2), int64_t{-1000000});
  QCOMPARE(r.i64(kT, 3), int64_t{0});
}

void BulkParserTest::badTimestamps_data() {
  QTest::addColumn<QString>("value");
  QTest::addColumn<QString>("message");
  QTest::newRow("words") << R"("yesterday")"
                         << R"(must be an RFC 3339 timestamp such as \"2024-05-01T12:00:00Z\", got \"yesterday\")";
  QTest::newRow("bad day") << R"("2023-02-29T00:00:00Z")"
                           << R"(must be an RFC 3339 timestamp such as \"2024-05-01T12:00:00Z\", got \"2023-02-29T00:00:00Z\")";
  QTest::newRow("date only") << R"("2024-05-01")"
                             << R"(must be an RFC 3339 timestamp such as \"2024-05-01T12:00:00Z\", got \"2024-05-01\")";
  QTest::newRow("epoch as string") << R"("1714521600")"
                                   << R"(must be an RFC 3339 timestamp such as \"2024-05-01T12:00:00Z\", got \"1714521600\")";
  QTest::newRow("milliseconds number")
      << "1714521600000"
      << "is out of range for a timestamp: 1714521600000 seconds since the Unix epoch (years 0001-9999 are accepted)";
  QTest::newRow("bool") << "true"
                        << "must be an RFC 3339 timestamp string or a number of seconds since the Unix epoch, got boolean";
}
void BulkParserTest::badTimestamps() {
  QFETCH(QString, value);
  QFETCH(QString, message);
  QCOMPARE(ErrorJson(Bulk(Line(R"("t":)" + value.toStdString()))),
           R"({"error":{"line":1,"field":"t","message":")" + message.toStdString() + "\"}}");
}

// --- missing fields, nulls, defaults

void BulkParserTest::missingFieldsUseDefaults() {
  Result r = Bulk(R"({"s":"only"})");
  QVERIFY(Accepted(r, 1));
  QVERIFY(r.null(kI));
  QVERIFY(r.null(kF));
  QVERIFY(r.null(kB));
  QVERIFY(r.null(kT));
  QCOMPARE(r.str(kSD), std::string("dflt"));
  QCOMPARE(r.i64(kID), int64_t{7});
  QCOMPARE(r.f64(kFD), 2.5);
  QCOMPARE(r.b(kBD), true);
  QCOMPARE(r.i64(kTNow), kNow);  // NowDefault is the request's time
}

void BulkParserTest::nullsAndDefaults() {
  // Nullable columns store an explicit null, even when they have a default
  // (f_d); non-nullable ones with a default take the default.
  Result r = Bulk(R"({"s":"x","i":null,"f":null,"b":null,"t":null,"s_d":null,"i_d":null,)"
                  R"("f_d":null,"b_d":null,"t_now":null})");
  QVERIFY(Accepted(r, 1));
  QVERIFY(r.null(kI));
  QVERIFY(r.null(kF));
  QVERIFY(r.null(kB));
  QVERIFY(r.null(kT));
  QCOMPARE(r.str(kSD), std::string("dflt"));
  QCOMPARE(r.i64(kID), int64_t{7});
  QVERIFY(r.null(kFD));
  QCOMPARE(r.b(kBD), true);
  QCOMPARE(r.i64(kTNow), kNow);
}

void BulkParserTest::missingRequiredField() {
  QCOMPARE(ErrorJson(Bulk(R"({"i":1})")),
           std::string(R"({"error":{"line":1,"field":"s","message":"missing required field 's'"}})"));
}

void BulkParserTest::nullInRequiredColumnWithoutDefault() {
  QCOMPARE(ErrorJson(Bulk(R"({"s":null})")),
           std::string(R"json({"error":{"line":1,"field":"s","message":"must not be null (the column is not nullable and has no default)"}})json"));
}

// --- unknown and repeated fields

void BulkParserTest::unknownFieldsRejectedByDefault() {
  QCOMPARE(ErrorJson(Bulk(Line(R"("colour":"red")"))),
           std::string(R"({"error":{"line":1,"field":"colour","message":"unknown field 'colour': not a column of this stream"}})"));
}

void BulkParserTest::unknownFieldsIgnoredOnRequest() {
  Result r = Bulk(Line(R"("colour":"red","nested":{"a":[1,{"b":2}]},"i":3)"), true);
  QVERIFY(Accepted(r, 1));
  QCOMPARE(r.i64(kI), int64_t{3});
}

void BulkParserTest::duplicateFieldIsAnError() {
  QCOMPARE(ErrorJson(Bulk(R"({"s":"a","i":1,"i":2})")),
           std::string(R"({"error":{"line":1,"field":"i","message":"duplicate field 'i' in one object"}})"));
}

// --- errors name the line

void BulkParserTest::errorLineNumbers_data() {
  QTest::addColumn<QByteArray>("body");
  QTest::addColumn<int>("line");
  const QByteArray good = R"({"s":"ok"})";
  const QByteArray bad = R"({"s":1})";
  QTest::newRow("third line") << good + "\n" + good + "\n" + bad << 3;
  QTest::newRow("blank lines count") << "\n\n" + good + "\n\n" + bad + "\n" << 5;
  QTest::newRow("crlf") << good + "\r\n\r\n" + bad + "\r\n" << 3;
  QTest::newRow("first") << bad + "\n" + good << 1;
  QTest::newRow("array element") << "[" + good + "," + good + ",\n" + good + "," + bad + "]" << 4;
  QTest::newRow("array first") << "[\n\n" + bad + "]" << 1;
}
void BulkParserTest::errorLineNumbers() {
  QFETCH(QByteArray, body);
  QFETCH(int, line);
  Result r = Bulk(body.toStdString());
  QCOMPARE(ErrorJson(r), R"({"error":{"line":)" + std::to_string(line) +
                             R"(,"field":"s","message":"must be a string, got number"}})");
  QCOMPARE(r.error.ToString(),
           "line " + std::to_string(line) + ": s: must be a string, got number");
}

void BulkParserTest::malformedJson() {
  Result r = Bulk(R"({"s":"a"})" "\n" R"({"s":"b")" "\n" R"({"s":"c"})");
  QCOMPARE(ErrorJson(r).substr(0, 48), std::string(R"({"error":{"line":2,"field":"request","message":")"));
  QVERIFY(r.error.errors[0].second.find("invalid JSON") == 0);
  QVERIFY(r.error.errors[0].second.find("each line must hold one complete JSON object") !=
          std::string::npos);
  // Truncated last line.
  Result t = Bulk(R"({"s":"a"})" "\n" R"({"s":"b)");
  QCOMPARE(t.error.line, int64_t{2});
  QCOMPARE(ErrorJson(t).substr(0, 48), std::string(R"({"error":{"line":2,"field":"request","message":")"));
  // A pretty-printed object is not NDJSON.
  QCOMPARE(Bulk("{\n\"s\":\"a\"\n}").error.line, int64_t{1});
  // Two objects on one line.
  QCOMPARE(Bulk(R"({"s":"a"} {"s":"b"})").error.errors[0].first, std::string("request"));
  // A broken array cannot name an element.
  Result a = Bulk(R"([{"s":"a"},{"s":"b"})");
  QCOMPARE(ErrorJson(a).substr(0, 48), std::string(R"({"error":{"line":0,"field":"request","message":")"));
  QCOMPARE(Bulk(R"([{"s":"a"}] x)").error.line, int64_t{0});
}

void BulkParserTest::invalidUtf8NamesTheLine() {
  Result r = Bulk("{\"s\":\"a\"}\n\n{\"s\":\"caf\xE9\"}\n");
  QCOMPARE(ErrorJson(r),
           std::string(R"json({"error":{"line":3,"field":"request","message":"body is not valid UTF-8 (invalid byte at offset 20)"}})json"));
}

void BulkParserTest::lineMustBeAnObject() {
  QCOMPARE(ErrorJson(Bulk(R"({"s":"a"})" "\n" "[1,2]")),
           std::string(R"({"error":{"line":2,"field":"request","message":"line must be a JSON object, got array"}})"));
  QCOMPARE(ErrorJson(Bulk(R"({"s":"a"})" "\n" R"("text")")),
           std::string(R"({"error":{"line":2,"field":"request","message":"line must be a JSON object, got string"}})"));
  QCOMPARE(ErrorJson(Bulk(R"([{"s":"a"},42])")),
           std::string(R"({"error":{"line":2,"field":"request","message":"element must be a JSON object, got number"}})"));
  QCOMPARE(ErrorJson(Bulk(R"([[{"s":"a"}]])")),
           std::string(R"({"error":{"line":1,"field":"request","message":"element must be a JSON object, got array"}})"));
}

// --- all-or-nothing

void BulkParserTest::rowsUnchangedAfterAnError() {
  RowBatch rows(TestSchema());
  BulkParser parser;
  RequestContext ctx{kNow, ""};
  IngestError err;
  QVERIFY(parser.Parse(R"({"s":"kept","i":1,"b":true})", ctx, false, &rows, &err));
  const size_t bytes = rows.byte_size();
  // Lines 1-2 are fine and get converted before line 3 fails; nothing stays.
  for (const std::string& body :
       {std::string(R"({"s":"a","i":null,"t":"2024-05-01T00:00:00Z"})" "\n"
                    R"({"s":"b","f":1.5,"b":false})" "\n" R"({"s":"c","i":"x"})"),
        std::string(R"([{"s":"a","i":2},{"s":"b","b":null},{"nope":1}])"),
        std::string(R"({"s":"a"})" "\n" R"({"s":)")}) {
    QVERIFY(!parser.Parse(body, ctx, false, &rows, &err));
    QCOMPARE(rows.num_rows(), int64_t{1});
    CheckShape(rows);
    QCOMPARE(rows.byte_size(), bytes);
    QCOMPARE(rows.column(kI).null_count(), int64_t{0});
    QCOMPARE(std::string(rows.column(kS).String(0)), std::string("kept"));
  }
  // The batch is still usable.
  QVERIFY(parser.Parse(R"({"s":"next"})", ctx, false, &rows, &err));
  QCOMPARE(rows.num_rows(), int64_t{2});
  CheckShape(rows);
  QCOMPARE(std::string(rows.column(kS).String(1)), std::string("next"));
  QVERIFY(rows.column(kI).IsNull(1));
  QVERIFY(!rows.column(kI).IsNull(0));
}

void BulkParserTest::manyEventsAndReuse() {
  std::string body;
  for (int i = 0; i < 1000; ++i)
    body += R"({"s":"event )" + std::to_string(i) + R"(","i":)" + std::to_string(i) +
            R"(,"f":)" + std::to_string(i) + R"(.5,"b":true,"t":"2024-05-01T00:00:00Z"})" "\n";
  for (int round = 0; round < 3; ++round) {
    Result r = Bulk(body);
    QVERIFY(Accepted(r, 1000));
    QCOMPARE(r.str(kS, 999), std::string("event 999"));
    QCOMPARE(r.i64(kI, 500), int64_t{500});
    QCOMPARE(r.f64(kF, 2), 2.5);
    QCOMPARE(r.i64(kT, 7), k20240501Us);
  }
}

void BulkParserTest::schemasCanAlternate() {
  Schema other;
  QVERIFY(Schema::Make(Schema::Kind::kCustom,
                       {{"x", ColumnType::kInt64, false, {}}, {"s", ColumnType::kBool, true, {}}},
                       &other)
              .ok());
  for (int round = 0; round < 2; ++round) {
    Result a = Bulk(R"({"x":5,"s":true})", false, other);
    QVERIFY(Accepted(a, 1));
    QCOMPARE(a.i64(0), int64_t{5});
    QCOMPARE(a.b(1), true);
    Result b = Bulk(R"({"s":"str"})");
    QVERIFY(Accepted(b, 1));
    QCOMPARE(ErrorJson(Bulk(R"({"x":5})")),
             std::string(R"({"error":{"line":1,"field":"x","message":"unknown field 'x': not a column of this stream"}})"));
  }
}

// --- plausible streams

namespace pc = plausible_columns;

void BulkParserTest::plausibleStreamUsesTheEventRules() {
  Result r = Bulk(R"({"name":"pageview","url":"https://www.a.com/p%20q","domain":"a.com,b.com","props":{"k":1},"unknown":true})"
                  "\n\n"
                  R"({"n":"engagement","u":"https://a.com/","sd":150,"e":"30","interactive":false,"revenue":{"amount":"5","currency":"USD"}})",
                  false, Schema::Plausible());
  QVERIFY(Accepted(r, 3));
  QCOMPARE(r.str(pc::kDomain, 0), std::string("a.com"));
  QCOMPARE(r.str(pc::kDomain, 1), std::string("b.com"));
  QCOMPARE(r.str(pc::kPathname, 1), std::string("/p q"));
  QCOMPARE(r.str(pc::kHostname, 1), std::string("a.com"));
  QCOMPARE(r.str(pc::kProps, 0), std::string(R"({"k":"1"})"));
  QCOMPARE(r.str(pc::kName, 2), std::string("engagement"));
  QCOMPARE(r.i64(pc::kScrollDepth, 2), int64_t{100});
  QCOMPARE(r.i64(pc::kEngagementTime, 2), int64_t{30});
  QCOMPARE(r.b(pc::kInteractive, 2), false);
  QCOMPARE(r.f64(pc::kRevenueAmount, 2), 5.0);
  QCOMPARE(r.str(pc::kUserAgent, 2), std::string("curl/8.0"));
  QCOMPARE(r.i64(pc::kTimestamp, 2), kNow);
}

void BulkParserTest::plausibleStreamMatchesApiEvent() {
  const std::string event =
      R"({"n":"Signup","u":"https://www.shop.com/a%2Fb?x=1#frag","d":"shop.com","r":"https://ref.com/","w":1280,"h":1,)"
      R"("p":"{\"plan\":\"pro\",\"n\":2}","$":{"amount":9.5,"currency":"EUR"},"i":false})";
  RowBatch via_api(Schema::Plausible());
  RequestContext ctx{kNow, "UA"};
  IngestError err;
  PlausibleEventParser api;
  QVERIFY(api.Parse(event, ctx, &via_api, &err));
  RowBatch via_bulk(Schema::Plausible());
  BulkParser bulk;
  QVERIFY(bulk.Parse("[" + event + "]", ctx, false, &via_bulk, &err));
  QCOMPARE(via_bulk.num_rows(), via_api.num_rows());
  for (size_t c = 0; c < via_api.num_columns(); ++c) {
    const ColumnBuilder& a = via_api.column(c);
    const ColumnBuilder& b = via_bulk.column(c);
    QCOMPARE(b.IsNull(0), a.IsNull(0));
    if (a.IsNull(0)) continue;
    switch (a.type()) {
      case ColumnType::kString: QCOMPARE(b.String(0), a.String(0)); break;
      case ColumnType::kFloat64: QCOMPARE(b.Float64(0), a.Float64(0)); break;
      case ColumnType::kBool: QCOMPARE(b.Bool(0), a.Bool(0)); break;
      default: QCOMPARE(b.Int64(0), a.Int64(0)); break;
    }
  }
  QCOMPARE(std::string(via_bulk.column(pc::kPathname).String(0)), std::string("/a/b#frag"));
  QCOMPARE(std::string(via_bulk.column(pc::kProps).String(0)), std::string(R"({"plan":"pro","n":"2"})"));
}

void BulkParserTest::plausibleStreamErrorsCarryTheLine() {
  Result r = Bulk(R"({"name":"pageview","url":"https://a.com/"})" "\n"
                  R"({"name":"pageview","domain":"a.com"})",
                  false, Schema::Plausible());
  QCOMPARE(ErrorJson(r), std::string(R"({"error":{"line":2,"field":"url","message":"is required"}})"));
  // Every problem of that event is kept; BulkJson shows the first.
  Result all = Bulk("[{}]", false, Schema::Plausible());
  QCOMPARE(all.error.line, int64_t{1});
  QCOMPARE(all.error.errors.size(), size_t{3});
  QCOMPARE(all.error.ToString(),
           std::string("line 1: url: is required; domain: can't be blank; event_name: can't be blank"));
}

void BulkParserTest::plausibleStreamAllOrNothing() {
  RowBatch rows(Schema::Plausible());
  BulkParser parser;
  RequestContext ctx{kNow, ""};
  IngestError err;
  QVERIFY(!parser.Parse(R"({"n":"a","u":"https://a.com/","d":"x.com,y.com"})" "\n"
                        R"({"n":"b","u":"data:,x"})",
                        ctx, false, &rows, &err));
  QCOMPARE(err.line, int64_t{2});
  QCOMPARE(rows.num_rows(), int64_t{0});
  CheckShape(rows);
  QCOMPARE(rows.byte_size(), RowBatch(Schema::Plausible()).byte_size());
}

QTEST_GUILESS_MAIN(BulkParserTest)
#endif  // Q_MOC_RUN

#include "bulk_parser_test.moc"
