// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Tests of the clickhouse sink's parts on their own, without a server: the
// RowBinary encoder byte for byte, the check of a table's column types,
// the classification of ClickHouse's errors and the SQL text helpers. The
// sink as a whole is tested against a real server in clickhouse_sink_test.cc.
#include <string>
#include <vector>

#include "tests/support/qtest_printers.h"

#include <QtTest>
#include <limits>
#include <memory>
#include <sstream>

#include "core/batch/row_batch.h"
#include "core/schema/schema.h"
#include "plugins/clickhouse/row_binary.h"
#include "plugins/clickhouse/server_error.h"
#include "plugins/clickhouse/sql_text.h"
#include "plugins/clickhouse/table_schema.h"

namespace sinkhost {
namespace {

using Rows = std::vector<std::vector<std::string>>;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

#define QVERIFY_CONTAINS(text, part) \
  QVERIFY2(Contains((text), (part)), \
           ("expected \"" + std::string(part) + "\" in: " + std::string(text)).c_str())

#define CHECK_OK(expr)                          \
  do {                                          \
    ::sinkhost::Status _st = (expr);            \
    QVERIFY2(_st.ok(), _st.ToString().c_str()); \
  } while (0)

Schema MakeSchema(std::vector<Column> cols) {
  Schema schema;
  Status st = Schema::Make(Schema::Kind::kCustom, std::move(cols), &schema);
  if (!st.ok()) qFatal("%s", st.ToString().c_str());
  return schema;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  }
  return out;
}

}  // namespace

class ClickHousePartsTest : public QObject {
  Q_OBJECT

 private slots:
  void rowBinaryBytes() {
    Schema schema = MakeSchema({{"s", ColumnType::kString, false, {}},
                                {"n", ColumnType::kInt64, true, {}},
                                {"f", ColumnType::kFloat64, false, {}},
                                {"b", ColumnType::kBool, false, {}},
                                {"t", ColumnType::kTimestamp, false, {}},
                                {"u", ColumnType::kTimestamp, false, {}},
                                {"m", ColumnType::kTimestamp, true, {}}});
    UniqueSchema arrow;
    schema.ExportToArrow(arrow.get());
    auto batch = std::make_shared<RowBatch>(schema);
    batch->column(0).AppendString("h\xC3\xA9");
    batch->column(1).AppendInt64(-2);
    batch->column(2).AppendFloat64(1.0);
    batch->column(3).AppendBool(true);
    batch->column(4).AppendInt64(1500000);  // 1.5 s
    batch->column(5).AppendInt64(-1);
    batch->column(6).AppendInt64(1234567);
    batch->CommitRow();
    batch->column(0).AppendString(std::string(300, 'q'));
    batch->column(1).AppendNull();
    batch->column(2).AppendFloat64(-0.0);
    batch->column(3).AppendBool(false);
    batch->column(4).AppendInt64(0);
    batch->column(5).AppendInt64(0);
    batch->column(6).AppendNull();
    batch->CommitRow();
    UniqueArray array;
    RowBatch::ExportToArrow(batch, array.get());
    BatchView view;
    CHECK_OK(BatchView::Make(arrow.get(), array.get(), &view));
    using K = clickhouse::ColumnEncoding::Kind;
    clickhouse::RowBinaryEncoder encoder;
    encoder.Reset({{K::kString, false, 6},
                   {K::kInt64, true, 6},
                   {K::kFloat64, false, 6},
                   {K::kUInt8, false, 6},
                   {K::kDateTime, false, 6},
                   {K::kDateTime64, false, 6},
                   {K::kDateTime64, true, 3}});
    CHECK_OK(encoder.Check(view));
    std::string got;
    encoder.EncodeTo(view, &got);
    // clang-format off
    const std::string want =
        // row 0
        "03" "68C3A9"                 // String: length 3, UTF-8 bytes
        "00" "FEFFFFFFFFFFFFFF"       // Nullable(Int64) -2
        "000000000000F03F"            // Float64 1.0
        "01"                          // UInt8 true
        "01000000"                    // DateTime 1 (1.5 s, floored)
        "FFFFFFFFFFFFFFFF"            // DateTime64(6) -1
        "00" "D204000000000000"       // Nullable(DateTime64(3)) 1234 ms
        // row 1
        "AC02" + Hex(std::string(300, 'q')) +  // String: length 300 (two bytes), bytes
        "01"                          // NULL
        "0000000000000080"            // Float64 -0.0
        "00"                          // false
        "00000000"                    // DateTime 0
        "0000000000000000"            // DateTime64 0
        "01";                         // NULL
    // clang-format on
    QCOMPARE(Hex(got), want);

    // Through a stream, in pieces of kFlushBytes, the bytes are the same.
    std::ostringstream out;
    encoder.Encode(view, out);
    QCOMPARE(Hex(out.str()), want);
  }

  void rowBinaryOutOfRangeTimestamps() {
    Schema schema = MakeSchema({{"t", ColumnType::kTimestamp, false, {}}});
    UniqueSchema arrow;
    schema.ExportToArrow(arrow.get());
    using K = clickhouse::ColumnEncoding::Kind;
    struct Case {
      clickhouse::ColumnEncoding enc;
      int64_t us;
      bool ok;
    };
    const std::vector<Case> cases = {
        {{K::kDateTime, false, 6}, -1, false},
        {{K::kDateTime, false, 6}, 4294967295999999, true},
        {{K::kDateTime, false, 6}, 4294967296000000, false},
        {{K::kDateTime64, false, 9}, 9223372036854775, true},
        {{K::kDateTime64, false, 9}, 9223372036854776, false},
        {{K::kDateTime64, false, 3}, std::numeric_limits<int64_t>::min(), true},
        {{K::kInt64, false, 6}, std::numeric_limits<int64_t>::min(), true},
    };
    for (const Case& c : cases) {
      auto batch = std::make_shared<RowBatch>(schema);
      batch->column(0).AppendInt64(c.us);
      batch->CommitRow();
      UniqueArray array;
      RowBatch::ExportToArrow(batch, array.get());
      BatchView view;
      CHECK_OK(BatchView::Make(arrow.get(), array.get(), &view));
      clickhouse::RowBinaryEncoder encoder;
      encoder.Reset({c.enc});
      Status st = encoder.Check(view);
      QVERIFY2(st.ok() == c.ok, (std::to_string(c.us) + ": " + st.ToString()).c_str());
      if (!c.ok) QVERIFY(st.IsPermanent());
    }
  }

  // clang-format off
  void encodingForTableTypes_data() {
    QTest::addColumn<int>("type");  // ColumnType
    QTest::addColumn<bool>("nullable");
    QTest::addColumn<QString>("table_type");
    QTest::addColumn<QString>("want");  // "kind/nullable/scale" or "error"
    auto row = [](const char* name, ColumnType type, bool nullable, const char* table_type,
                  const char* want) {
      QTest::newRow(name) << int(type) << nullable << QString(table_type) << QString(want);
    };
    using T = ColumnType;
    row("string", T::kString, false, "String", "0/0/6");
    row("lowcard string", T::kString, false, "LowCardinality(String)", "0/0/6");
    row("lowcard nullable", T::kString, true, "LowCardinality(Nullable(String))", "0/1/6");
    row("fixed string", T::kString, false, "FixedString(8)", "error");
    row("nullable into plain", T::kString, true, "String", "error");
    row("plain into nullable", T::kInt64, false, "Nullable(Int64)", "1/1/6");
    row("uint64", T::kInt64, false, "UInt64", "error");
    row("lowcard int", T::kInt64, false, "LowCardinality(Int64)", "error");
    row("float", T::kFloat64, false, "Float64", "2/0/6");
    row("decimal", T::kFloat64, false, "Decimal(18, 2)", "error");
    row("bool uint8", T::kBool, false, "UInt8", "3/0/6");
    row("bool bool", T::kBool, true, "Nullable(Bool)", "3/1/6");
    row("bool int8", T::kBool, false, "Int8", "error");
    row("ts int64", T::kTimestamp, false, "Int64", "1/0/6");
    row("ts datetime", T::kTimestamp, false, "DateTime", "4/0/6");
    row("ts datetime tz", T::kTimestamp, true, "Nullable(DateTime('Europe/Berlin'))", "4/1/6");
    row("ts datetime64 3", T::kTimestamp, false, "DateTime64(3)", "5/0/3");
    row("ts datetime64 tz", T::kTimestamp, false, "DateTime64(6, 'UTC')", "5/0/6");
    row("ts datetime64 9", T::kTimestamp, false, "DateTime64(9, 'UTC')", "5/0/9");
    row("ts date", T::kTimestamp, false, "Date", "error");
    row("ts string", T::kTimestamp, false, "String", "error");
  }
  // clang-format on
  void encodingForTableTypes() {
    QFETCH(int, type);
    QFETCH(bool, nullable);
    QFETCH(QString, table_type);
    QFETCH(QString, want);
    clickhouse::ColumnEncoding enc;
    Status st = clickhouse::EncodingFor(ColumnSpec{"c", static_cast<ColumnType>(type), nullable},
                                        table_type.toStdString(), &enc);
    if (want == "error") {
      QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
      QVERIFY_CONTAINS(st.message(), "has type " + table_type.toStdString());
      return;
    }
    CHECK_OK(st);
    QCOMPARE(QString("%1/%2/%3").arg(int(enc.kind)).arg(int(enc.nullable)).arg(enc.scale), want);
  }

  // clang-format off
  void errorClassification_data() {
    QTest::addColumn<int>("http");
    QTest::addColumn<QString>("header");
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("at_write");  // retryable / permanent
    QTest::addColumn<QString>("at_open");   // retryable / invalid
    // ClickHouse 18.x's error text.
    auto old = [](int code, const char* text) {
      return QString("Code: %1, e.displayText() = DB::Exception: %2, e.what() = DB::Exception\n")
          .arg(code)
          .arg(text);
    };
    auto row = [](const char* name, int http, const QString& body, const char* at_write,
                  const char* at_open, const char* header = "") {
      QTest::newRow(name) << http << QString(header) << body << QString(at_write)
                          << QString(at_open);
    };
    const char* R = "retryable";
    const char* P = "permanent";
    const char* I = "invalid";
    row("too many queries", 500, old(202, "Too many simultaneous queries. Maximum: 100"), R, R);
    row("timeout", 500, old(159, "Timeout exceeded: elapsed 5 seconds"), R, R);
    row("memory", 500, old(241, "Memory limit (for query) exceeded"), R, R);
    row("too many parts", 500, old(252, "Too many parts (300)"), R, R);
    row("network", 500, old(210, "Connection refused"), R, R);
    row("unknown table", 404, old(60, "Table default.x doesn't exist."), R, R);
    row("unknown database", 404, old(81, "Database x doesn't exist"), R, I);
    row("wrong password", 401, old(193, "Wrong password for user default"), R, I);
    row("readonly", 500, old(164, "Cannot execute query in readonly mode"), R, I);
    row("syntax", 400, old(62, "Syntax error: failed at position 1"), P, I);
    row("no such column", 500, old(16, "No such column x in table t"), P, I);
    row("type mismatch", 500, old(53, "Type mismatch"), P, I);
    row("cannot read all data", 500, old(33, "Cannot read all data"), P, I);
    row("unknown code", 500, old(4242, "Something new"), P, I);
    row("new format", 500,
        "Code: 241. DB::Exception: Memory limit (total) exceeded. (MEMORY_LIMIT_EXCEEDED) "
        "(version 24.3.1.2672 (official build))\n",
        R, R);
    row("header wins", 500, "garbled", R, R, "252");
    row("proxy 502", 502, "<html>Bad Gateway</html>", R, R);
    row("proxy 503 empty", 503, "", R, R);
    row("proxy 429", 429, "slow down", R, R);
    row("proxy 401", 401, "auth required", R, I);
    row("proxy 413", 413, "too large", P, I);
  }
  // clang-format on
  void errorClassification() {
    QFETCH(int, http);
    QFETCH(QString, header);
    QFETCH(QString, body);
    QFETCH(QString, at_write);
    QFETCH(QString, at_open);
    using clickhouse::Phase;
    const std::string text = body.toStdString();
    Status w = clickhouse::ServerError(http, header.toStdString(), text, "insert", Phase::kWrite);
    Status o = clickhouse::ServerError(http, header.toStdString(), text, "open", Phase::kOpen);
    QCOMPARE(QString(w.IsRetryable()   ? "retryable"
                     : w.IsPermanent() ? "permanent"
                                       : "other"),
             at_write);
    QCOMPARE(QString(o.IsRetryable()         ? "retryable"
                     : o.IsInvalidArgument() ? "invalid"
                                             : "other"),
             at_open);
    QVERIFY_CONTAINS(w.message(), "HTTP " + std::to_string(http));
    // ClickHouse's own words are in the message.
    std::string first_line = text.substr(0, text.find('\n'));
    QVERIFY_CONTAINS(w.message(), first_line);
  }

  void expressionsAndText() {
    using clickhouse::CheckExpression;
    CHECK_OK(CheckExpression("order_by", "(domain, toStartOfHour(timestamp), -i % 3)"));
    CHECK_OK(CheckExpression("order_by", "tuple()"));
    CHECK_OK(CheckExpression("partition_by", ""));
    QVERIFY(CheckExpression("order_by", "a)(").IsInvalidArgument());
    QVERIFY(CheckExpression("order_by", "a\nb").IsInvalidArgument());
    QVERIFY(CheckExpression("order_by", "a # b").IsInvalidArgument());
    QCOMPARE(clickhouse::QuoteIdentifier("a`b\\c"), std::string("`a\\`b\\\\c`"));
    QCOMPARE(clickhouse::ParseTabSeparated("a\tDateTime(\\'UTC\\')\t\nb\\tc\t\\\\\\n\\0\tx"),
             (Rows{{"a", "DateTime('UTC')", ""}, {"b\tc", std::string("\\\n\0", 3), "x"}}));
    QCOMPARE(clickhouse::UrlEncode("a b&c=d/é"), std::string("a%20b%26c%3Dd%2F%C3%A9"));
    QCOMPARE(clickhouse::ParseExceptionCode("Code: 60, e.displayText()"), 60);
    QCOMPARE(clickhouse::ParseExceptionCode("Code: 241. DB::Exception"), 241);
    QCOMPARE(clickhouse::ParseExceptionCode("Ok."), -1);
  }

  void addColumnsToAnOlderTable() {
    using clickhouse::TimestampType;
    const std::vector<ColumnSpec> stream = {{"ts", ColumnType::kTimestamp, false},
                                            {"s", ColumnType::kString, false},
                                            {"at", ColumnType::kTimestamp, true},
                                            {"n", ColumnType::kInt64, true}};
    const std::vector<clickhouse::TableColumn> table = {{"ts", "Int64", ""}, {"s", "String", ""}};
    const std::vector<ColumnSpec> missing = clickhouse::MissingColumns(stream, table);
    QCOMPARE(missing.size(), size_t{2});
    QCOMPARE(missing[0].name, std::string("at"));
    QCOMPARE(missing[1].name, std::string("n"));
    // The types CREATE TABLE would use, by timestamp_type; no IF NOT
    // EXISTS, which ClickHouse 18.16 does not parse.
    QCOMPARE(clickhouse::AddColumnsSql("`d`.`t`", missing, TimestampType::kDateTime),
             std::string("ALTER TABLE `d`.`t` ADD COLUMN `at` Nullable(DateTime('UTC')), "
                         "ADD COLUMN `n` Nullable(Int64)"));
    QCOMPARE(clickhouse::AddColumnsSql("`d`.`t`", missing, TimestampType::kInt64Micros),
             std::string("ALTER TABLE `d`.`t` ADD COLUMN `at` Nullable(Int64), "
                         "ADD COLUMN `n` Nullable(Int64)"));
    CHECK_OK(clickhouse::CheckCanAddColumns("`d`.`t`", missing, true, "MergeTree",
                                            TimestampType::kInt64Micros));
    for (const char* engine : {"ReplicatedMergeTree", "Distributed", "Log", ""}) {
      Status st = clickhouse::CheckCanAddColumns("`d`.`t`", missing, true, engine,
                                                 TimestampType::kInt64Micros);
      QVERIFY2(st.IsInvalidArgument(), engine);
      QVERIFY_CONTAINS(st.message(), "its engine is " + std::string(engine));
    }
    Status st = clickhouse::CheckCanAddColumns("`d`.`t`", {missing[1]}, false, "MergeTree",
                                               TimestampType::kInt64Micros);
    QCOMPARE(st.message(),
             std::string("clickhouse: table `d`.`t` exists but lacks column 'n'; create_table is "
                         "false, so the sink does not add it; add it yourself: ALTER TABLE "
                         "`d`.`t` ADD COLUMN `n` Nullable(Int64)"));
    st = clickhouse::CheckCanAddColumns("`d`.`t`", clickhouse::MissingColumns(stream, {}), true,
                                        "MergeTree", TimestampType::kInt64Micros);
    QVERIFY_CONTAINS(st.message(), "lacks columns 'ts', 's', 'at', 'n'; 'ts', 's' are NOT NULL");
    QVERIFY_CONTAINS(st.message(), "ADD COLUMN `ts` Int64 DEFAULT <value for existing rows>, ");
  }
};

}  // namespace sinkhost

QTEST_GUILESS_MAIN(sinkhost::ClickHousePartsTest)
#include "clickhouse_parts_test.moc"
