// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Tests of the clickhouse sink. The built clickhouse.so is loaded through the
// real loader and driven with SinkInstance against a real clickhouse-server
// that the test starts itself (tests/support/clickhouse_server.h); what it
// wrote is read back over HTTP. Requests the real server cannot show us
// (gzip bodies, headers, settings only newer servers know, a connection
// closed under a request) are checked against FakeClickHouse
// (fake_clickhouse.h). The sink's parts on their own are tested in
// clickhouse_parts_test.cc.
#include <Poco/Net/ServerSocket.h>
#include <Poco/URI.h>

#include <string>
#include <vector>

#include "tests/support/enriched_columns.h"
#include "tests/support/qtest_printers.h"

#include <QElapsedTimer>
#include <QThread>
#include <QtTest>
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include "core/batch/row_batch.h"
#include "core/plugin/plugin_library.h"
#include "core/schema/schema.h"
#include "tests/support/all_types.h"
#include "plugins/clickhouse/fake_clickhouse.h"
#include "plugins/clickhouse/row_binary.h"
#include "plugins/clickhouse/sql_text.h"
#include "plugins/clickhouse/table_schema.h"
#include "tests/support/clickhouse_server.h"
#include "tests/support/host_process.h"  // FreePort
#include "tests/support/test_env.h"

namespace sinkhost {
namespace {

using Rows = std::vector<std::vector<std::string>>;
using clickhouse::FakeClickHouse;
using testing::ClickHouseServer;

constexpr char kDb[] = "sinkhost_test";

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

// ---------------------------------------------------------------------------
// Rows of every type
// ---------------------------------------------------------------------------

// One row of the test schema: a row number, then every type, required and
// nullable.
// The all-types row with a leading key, which MergeTree's ORDER BY needs.
struct Row : testing::AllTypesRow {
  int64_t k = 0;
};

Schema AllTypesSchema() {
  std::vector<Column> cols = {{"k", ColumnType::kInt64, false, {}}};
  for (Column& c : testing::AllTypesColumns()) cols.push_back(std::move(c));
  return testing::MakeTestSchema(std::move(cols));
}

std::shared_ptr<RowBatch> MakeBatch(const Schema& schema, const std::vector<Row>& rows) {
  auto batch = std::make_shared<RowBatch>(schema);
  for (const Row& r : rows) {
    batch->column(0).AppendInt64(r.k);
    testing::AppendAllTypes(batch.get(), 1, r);
    batch->CommitRow();
  }
  return batch;
}

Row Simple(int64_t k) {
  Row r;
  r.k = k;
  r.s = "row" + std::to_string(k);
  r.i = k;
  r.f = static_cast<double>(k) / 2;
  r.ts = 1795537134000000 + k * 1000000;
  return r;
}

// Strings that break naive text formats and length handling.
std::vector<std::string> AwkwardStrings() {
  return {"",
          "it's",
          "say \"hi\"",
          "back`tick",
          "line1\nline2",
          "tab\there",
          "back\\slash \\N \\t",
          "cr\rlf\r\n",
          "emoji \xF0\x9F\x98\x80 clef \xF0\x9D\x84\x9E",
          "ctl \x01\x07\x1f\x7f",
          std::string("nul\0byte", 8),
          "'); DROP TABLE events; --",
          std::string(127, 'a'),      // longest one-byte length
          std::string(128, 'b'),      // shortest two-byte length
          std::string(16384, 'c'),    // shortest three-byte length
          std::string(100000, 'x')};  // 100 KB
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

// What ClickHouse's hex(reinterpretAsString(f)) shows for a Float64: its
// little-endian bytes, without trailing zero bytes (reinterpretAsString
// drops them).
std::string FloatHex(double v) {
  uint64_t bits = std::bit_cast<uint64_t>(v);
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((bits >> (8 * i)) & 0xFF);
  while (!bytes.empty() && bytes.back() == '\0') bytes.pop_back();
  return Hex(bytes);
}

// ---------------------------------------------------------------------------
// Plausible-shaped rows, for volume
// ---------------------------------------------------------------------------

struct PlausibleTotals {
  int64_t rows = 0;
  int64_t null_referrers = 0;
  int64_t screen_width_sum = 0;
  int64_t url_bytes = 0;
  int64_t interactive = 0;
};

std::shared_ptr<RowBatch> MakePlausibleBatch(int64_t first, int64_t n, PlausibleTotals* totals) {
  namespace pc = plausible_columns;
  auto batch = std::make_shared<RowBatch>(Schema::Plausible());
  for (int64_t r = first; r < first + n; ++r) {
    const std::string page = std::to_string(r % 1000);
    const std::string url =
        "https://example.com/blog/post-" + page + "?utm_source=newsletter&utm_medium=email";
    batch->column(pc::kTimestamp).AppendInt64(1795537134000000 + r * 1000);
    batch->column(pc::kName).AppendString(r % 10 == 0 ? "signup" : "pageview");
    batch->column(pc::kDomain).AppendString("example" + std::to_string(r % 7) + ".com");
    batch->column(pc::kUrl).AppendString(url);
    batch->column(pc::kHostname).AppendString("example.com");
    batch->column(pc::kPathname).AppendString("/blog/post-" + page);
    if (r % 3 == 0)
      batch->column(pc::kReferrer).AppendNull();
    else
      batch->column(pc::kReferrer)
          .AppendString("https://www.google.com/search?q=clickhouse+" + page);
    if (r % 5 == 0)
      batch->column(pc::kScreenWidth).AppendNull();
    else
      batch->column(pc::kScreenWidth).AppendInt64(1280 + r % 640);
    batch->column(pc::kProps).AppendString(r % 4 == 0 ? "{\"plan\":\"pro\"}" : "{}");
    if (r % 50 == 0) {
      batch->column(pc::kRevenueAmount).AppendFloat64(19.99);
      batch->column(pc::kRevenueCurrency).AppendString("EUR");
    } else {
      batch->column(pc::kRevenueAmount).AppendNull();
      batch->column(pc::kRevenueCurrency).AppendNull();
    }
    batch->column(pc::kInteractive).AppendBool(r % 9 != 0);
    if (r % 2 == 1) {
      batch->column(pc::kScrollDepth).AppendInt64(r % 101);
      batch->column(pc::kEngagementTime).AppendInt64(r * 7 % 60000);
    } else {
      batch->column(pc::kScrollDepth).AppendNull();
      batch->column(pc::kEngagementTime).AppendNull();
    }
    batch->column(pc::kUserAgent)
        .AppendString(
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36");
    testing::AppendEnrichedColumns(batch.get(), r);
    batch->CommitRow();
    if (totals != nullptr) {
      ++totals->rows;
      totals->null_referrers += r % 3 == 0;
      totals->screen_width_sum += r % 5 == 0 ? 0 : 1280 + r % 640;
      totals->url_bytes += static_cast<int64_t>(url.size());
      totals->interactive += r % 9 != 0;
    }
  }
  return batch;
}

// The plausible table as sinkhost created it before the enrichment stage
// added its 18 nullable columns (default options: timestamps as Int64
// microseconds): the first 15, leaving out `omit`, with `engine`.
std::string OldPlausibleTable(const std::string& omit = "",
                              const std::string& engine = "MergeTree()") {
  const std::vector<std::pair<std::string, std::string>> columns = {
      {"timestamp", "Int64"},
      {"name", "String"},
      {"domain", "String"},
      {"url", "String"},
      {"hostname", "String"},
      {"pathname", "String"},
      {"referrer", "Nullable(String)"},
      {"screen_width", "Nullable(Int64)"},
      {"props", "String"},
      {"revenue_amount", "Nullable(Float64)"},
      {"revenue_currency", "Nullable(String)"},
      {"interactive", "UInt8"},
      {"scroll_depth", "Nullable(Int64)"},
      {"engagement_time", "Nullable(Int64)"},
      {"user_agent", "Nullable(String)"}};
  std::string sql = "CREATE TABLE sinkhost_test.events (";
  bool first = true;
  for (const auto& [name, type] : columns) {
    if (name == omit) continue;
    sql += (first ? "`" : ", `") + name + "` " + type;
    first = false;
  }
  return sql + ") ENGINE = " + engine + " ORDER BY `timestamp`";
}

}  // namespace

class ClickHouseSinkTest : public QObject {
  Q_OBJECT

 private:
  std::unique_ptr<ClickHouseServer> server_;
  std::shared_ptr<PluginLibrary> lib_;
  Schema schema_ = AllTypesSchema();
  UniqueSchema arrow_schema_;
  uint64_t next_seq_ = 0;

  // Runs SQL on the test server; the rows of a TabSeparated result, or one
  // row holding "ERROR: ..." so that comparisons fail with the reason.
  Rows Select(const std::string& sql) {
    std::string out;
    if (!server_->Exec(sql, &out)) return {{"ERROR: " + out}};
    return clickhouse::ParseTabSeparated(out);
  }
  std::string One(const std::string& sql) { return server_->Query(sql); }
  bool Exec(const std::string& sql, std::string* error) {
    std::string out;
    if (server_->Exec(sql, &out)) return true;
    *error = sql + ": " + out;
    return false;
  }

  std::map<std::string, std::string> Options(std::map<std::string, std::string> extra = {}) {
    std::map<std::string, std::string> options = {{"url", server_->HttpUrl()}, {"database", kDb}};
    for (auto& [k, v] : extra) options[k] = v;
    return options;
  }
  Status Create(const std::map<std::string, std::string>& options,
                std::unique_ptr<SinkInstance>* out) {
    return SinkInstance::Create(lib_, options, out);
  }
  // Creates a sink with `options` and opens it for stream "events".
  Status OpenSink(const std::map<std::string, std::string>& options,
                  std::unique_ptr<SinkInstance>* out, const Schema* schema = nullptr) {
    Status st = Create(options, out);
    if (st.ok()) st = (*out)->Open("events", schema ? *schema : schema_);
    return st;
  }
  Status Write(SinkInstance* sink, const std::shared_ptr<RowBatch>& batch,
               const ArrowSchema* schema = nullptr) {
    UniqueArray array;
    RowBatch::ExportToArrow(batch, array.get());
    sinkhost_batch_info info{};
    info.struct_size = sizeof(info);
    const uint64_t end = next_seq_ + static_cast<uint64_t>(batch->num_rows());
    std::string id = "events:clickhouse:" + std::to_string(next_seq_) + "-" + std::to_string(end);
    info.batch_id = id.c_str();
    info.first_sequence = next_seq_;
    info.row_count = static_cast<uint64_t>(batch->num_rows());
    next_seq_ = end;
    Status st = sink->Write(schema ? schema : arrow_schema_.get(), std::move(array), info);
    if (st.ok()) st = sink->Flush();  // as the host does after every write
    return st;
  }
  static std::string T(const std::string& table = "events") {
    return std::string(kDb) + "." + table;
  }

 private slots:
  void initTestCase() {
    const std::string path = testing::PluginDir() + "/clickhouse.so";
    CHECK_OK(PluginLibrary::Load(path, &lib_));
    schema_.ExportToArrow(arrow_schema_.get());
    server_ = std::make_unique<ClickHouseServer>();
    // A machine without a working server fails here, with the server's log.
    QVERIFY2(server_->Start(), server_->error().c_str());
    QCOMPARE(One("SELECT version()"), std::string("18.16.1"));
  }
  void cleanupTestCase() {
    if (server_ != nullptr) QVERIFY2(server_->Stop(), server_->error().c_str());
    server_.reset();
  }
  void init() {
    if (!server_->running()) QVERIFY2(server_->Start(), server_->error().c_str());
    std::string error;
    QVERIFY2(Exec(std::string("DROP DATABASE IF EXISTS ") + kDb, &error), error.c_str());
    QVERIFY2(Exec(std::string("CREATE DATABASE ") + kDb, &error), error.c_str());
  }

  // -------------------------------------------------------------------------
  // Descriptor and options
  // -------------------------------------------------------------------------

  void descriptor() {
    const PluginInfo& info = lib_->info();
    QCOMPARE(info.name, std::string("clickhouse"));
    // No transactions in ClickHouse: at-least-once, no capability claimed.
    QCOMPARE(info.capabilities, uint64_t{0});
    std::map<std::string, PluginInfo::Option> opts;
    for (const auto& o : info.options) opts[o.name] = o;
    QVERIFY(opts.at("url").required);
    QCOMPARE(opts.at("user").default_value, std::string("default"));
    QCOMPARE(opts.at("password").default_value, std::string(""));
    QCOMPARE(opts.at("database").default_value, std::string("default"));
    QVERIFY(!opts.at("table").has_default);
    QCOMPARE(opts.at("compression").default_value, std::string("none"));
    QCOMPARE(opts.at("create_table").type, std::string("bool"));
    QCOMPARE(opts.at("create_table").default_value, std::string("true"));
    QVERIFY(!opts.at("order_by").has_default);
    QCOMPARE(opts.at("partition_by").default_value, std::string(""));
    QCOMPARE(opts.at("timestamp_type").default_value, std::string("int64_micros"));
    QCOMPARE(opts.at("connect_timeout").type, std::string("duration"));
    QCOMPARE(opts.at("timeout").type, std::string("duration"));
  }

  // clang-format off
  void badOptionsAreInvalid_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("named");  // the message must contain this
    QTest::newRow("unknown") << "colour" << "red" << "'colour'";
    QTest::newRow("url not a url") << "url" << "http://[::1" << "'url'";
    QTest::newRow("url https") << "url" << "https://127.0.0.1:8443" << "'url'";
    QTest::newRow("url no scheme") << "url" << "127.0.0.1:8123" << "'url'";
    QTest::newRow("url credentials") << "url" << "http://u:p@127.0.0.1:8123" << "'url'";
    QTest::newRow("url query") << "url" << "http://127.0.0.1:8123/?database=x" << "'url'";
    QTest::newRow("empty user") << "user" << "" << "'user'";
    QTest::newRow("bad database") << "database" << "my-db" << "'database'";
    QTest::newRow("bad table") << "table" << "events; DROP TABLE x" << "'table'";
    QTest::newRow("bad compression") << "compression" << "brotli" << "'compression'";
    QTest::newRow("bad create_table") << "create_table" << "maybe" << "'create_table'";
    QTest::newRow("bad timestamp_type") << "timestamp_type" << "nanos" << "'timestamp_type'";
    QTest::newRow("order_by ;") << "order_by" << "ts; DROP TABLE x" << "'order_by'";
    QTest::newRow("order_by quote") << "order_by" << "concat(s, 'x')" << "'order_by'";
    QTest::newRow("order_by comment") << "order_by" << "ts -- x" << "'order_by'";
    QTest::newRow("order_by parens") << "order_by" << "(ts, i" << "'order_by'";
    QTest::newRow("order_by empty") << "order_by" << " " << "'order_by'";
    QTest::newRow("partition_by backtick") << "partition_by" << "`ts`" << "'partition_by'";
    QTest::newRow("partition_by comment") << "partition_by" << "ts /* x */" << "'partition_by'";
    QTest::newRow("bad connect_timeout") << "connect_timeout" << "soon" << "'connect_timeout'";
    QTest::newRow("zero timeout") << "timeout" << "0s" << "'timeout'";
  }
  // clang-format on
  void badOptionsAreInvalid() {
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, named);
    auto options = Options();
    options[key.toStdString()] = value.toStdString();
    std::unique_ptr<SinkInstance> sink;
    Status st = Create(options, &sink);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    QVERIFY_CONTAINS(st.message(), named.toStdString());
  }

  void missingUrlIsInvalid() {
    std::unique_ptr<SinkInstance> sink;
    Status st = Create({{"database", kDb}}, &sink);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    QVERIFY_CONTAINS(st.message(), "'url' is required");
  }

  void goodOptionsAreAccepted() {
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(Create(Options({{"order_by", "(domain, toStartOfHour(ts), -i)"},
                             {"partition_by", "toYYYYMM(ts)"},
                             {"compression", "gzip"},
                             {"timestamp_type", "datetime"},
                             {"url", "http://localhost/clickhouse/"},
                             {"timeout", "250ms"}}),
                    &sink));
  }

  // -------------------------------------------------------------------------
  // Table creation and checks
  // -------------------------------------------------------------------------

  void createsTableFromSchema() {
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(OpenSink(Options(), &sink));
    Rows want = {{"b", "UInt8"},
                 {"b_n", "Nullable(UInt8)"},
                 {"f", "Float64"},
                 {"f_n", "Nullable(Float64)"},
                 {"i", "Int64"},
                 {"i_n", "Nullable(Int64)"},
                 {"k", "Int64"},
                 {"s", "String"},
                 {"s_n", "Nullable(String)"},
                 {"ts", "Int64"},
                 {"ts_n", "Nullable(Int64)"}};
    QCOMPARE(Select("SELECT name, type FROM system.columns WHERE database = 'sinkhost_test' AND "
                    "table = 'events' ORDER BY name"),
             want);
    // The first non-nullable timestamp column is the sorting key.
    QCOMPARE(Select("SELECT engine, sorting_key, partition_key FROM system.tables WHERE database = "
                    "'sinkhost_test' AND name = 'events'"),
             (Rows{{"MergeTree", "ts", ""}}));
    CHECK_OK(sink->Close());
  }

  void createsTableWithOptions() {
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(OpenSink(Options({{"table", "Page_Views"},
                               {"timestamp_type", "datetime"},
                               {"order_by", "(i, ts)"},
                               {"partition_by", "toYYYYMM(ts)"}}),
                      &sink));
    QCOMPARE(Select("SELECT name, type FROM system.columns WHERE database = 'sinkhost_test' AND "
                    "table = 'Page_Views' AND name LIKE 'ts%' ORDER BY name FORMAT TSVRaw"),
             (Rows{{"ts", "DateTime('UTC')"}, {"ts_n", "Nullable(DateTime('UTC'))"}}));
    QCOMPARE(Select("SELECT sorting_key, partition_key FROM system.tables WHERE database = "
                    "'sinkhost_test' AND name = 'Page_Views'"),
             (Rows{{"i, ts", "toYYYYMM(ts)"}}));
    // Rows of two months land in two partitions.
    Row a = Simple(1), b = Simple(2);
    a.ts = 1795537134000000;  // 2026-11
    b.ts = 1798215534000000;  // 2026-12
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {a, b})));
    QCOMPARE(Select("SELECT DISTINCT partition FROM system.parts WHERE database = "
                    "'sinkhost_test' AND table = 'Page_Views' AND active ORDER BY partition"),
             (Rows{{"202611"}, {"202612"}}));
    // The table option replaces the stream name.
    QCOMPARE(One("SELECT count() FROM system.tables WHERE database = 'sinkhost_test' AND "
                 "name = 'events'"),
             std::string("0"));
  }

  void orderByIsTupleWithoutRequiredTimestamp() {
    // ClickHouse refuses Nullable sorting keys, so a nullable timestamp is
    // not chosen.
    Schema schema = testing::MakeTestSchema(
        {{"id", ColumnType::kInt64, false, {}}, {"at", ColumnType::kTimestamp, true, {}}});
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(OpenSink(Options(), &sink, &schema));
    QCOMPARE(One("SELECT sorting_key FROM system.tables WHERE database = 'sinkhost_test' AND "
                 "name = 'events'"),
             std::string(""));
  }

  void nullableOrderByIsInvalidWithServerText() {
    std::unique_ptr<SinkInstance> sink;
    Status st = OpenSink(Options({{"order_by", "ts_n"}}), &sink);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    QVERIFY_CONTAINS(st.message(), "Sorting key cannot contain nullable columns");
    QVERIFY_CONTAINS(st.message(), "creating table `sinkhost_test`.`events`");
  }

  void existingTableMissingNullableColumnGetsIt() {
    std::string error;
    QVERIFY2(Exec("CREATE TABLE sinkhost_test.events (k Int64, s String, s_n Nullable(String), "
                  "i Int64, i_n Nullable(Int64), f Float64, f_n Nullable(Float64), b UInt8, "
                  "b_n Nullable(UInt8), ts Int64) ENGINE = MergeTree() ORDER BY k",
                  &error),
             error.c_str());
    QVERIFY2(Exec("INSERT INTO sinkhost_test.events (k, s, i, f, b, ts) VALUES (0, 'old', 0, 0, "
                  "0, 0)",
                  &error),
             error.c_str());
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(OpenSink(Options(), &sink));
    QCOMPARE(One("SELECT type FROM system.columns WHERE database = 'sinkhost_test' AND "
                 "table = 'events' AND name = 'ts_n'"),
             std::string("Nullable(Int64)"));
    Row r = Simple(1);
    r.ts_n = 5000000;
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {r})));
    QCOMPARE(Select("SELECT k, s, ifNull(toString(ts_n), 'NULL') FROM sinkhost_test.events "
                    "ORDER BY k"),
             (Rows{{"0", "old", "NULL"}, {"1", "row1", "5000000"}}));
  }

  // A table created before the enrichment stage gets the plausible
  // schema's 18 new nullable columns on open; old rows read NULL in them.
  void oldPlausibleTableGetsEnrichedColumns() {
    std::string error;
    QVERIFY2(Exec(OldPlausibleTable(), &error), error.c_str());
    QVERIFY2(Exec("INSERT INTO sinkhost_test.events (timestamp, name, domain, url, hostname, "
                  "pathname, screen_width, props, interactive, user_agent) VALUES "
                  "(1767225600000000, 'pageview', 'example.com', 'https://example.com/old', "
                  "'example.com', '/old', 1024, '{}', 1, 'curl')",
                  &error),
             error.c_str());
    const Schema& schema = Schema::Plausible();
    UniqueSchema arrow;
    schema.ExportToArrow(arrow.get());
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(OpenSink(Options(), &sink, &schema));

    Rows want;
    for (size_t c = plausible_columns::kBrowser; c < schema.num_columns(); ++c) {
      const Column& col = schema.column(c);
      QVERIFY(col.nullable);
      want.push_back(
          {col.name, col.type == ColumnType::kInt64 ? "Nullable(Int64)" : "Nullable(String)"});
    }
    QCOMPARE(want.size(), size_t{18});
    // system.columns lists them in table order: appended after the old 15.
    Rows got = Select("SELECT name, type FROM system.columns WHERE database = 'sinkhost_test' "
                      "AND table = 'events'");
    QCOMPARE(got.size(), size_t{33});
    QCOMPARE(Rows(got.begin() + 15, got.end()), want);
    QCOMPARE(One("SELECT engine FROM system.tables WHERE database = 'sinkhost_test' AND "
                 "name = 'events'"),
             std::string("MergeTree"));

    CHECK_OK(Write(sink.get(), MakePlausibleBatch(0, 12, nullptr), arrow.get()));
    CHECK_OK(sink->Close());
    // Opening again finds every column and changes nothing.
    CHECK_OK(sink->Open("events", schema));
    QCOMPARE(One("SELECT count() FROM system.columns WHERE database = 'sinkhost_test' AND "
                 "table = 'events'"),
             std::string("33"));

    std::string columns = "pathname";
    for (const char* c : {"browser", "screen_size", "country_code", "city_geoname_id", "user_id",
                          "session_id"})
      columns += std::string(", ifNull(toString(") + c + "), 'NULL')";
    QCOMPARE(Select("SELECT " + columns +
                    " FROM sinkhost_test.events ORDER BY timestamp LIMIT 3"),
             (Rows{{"/old", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"},
                   {"/blog/post-0", "Safari", "Mobile", "NULL", "NULL",
                    std::to_string(static_cast<int64_t>(0x9E3779B97F4A7C15ull)),
                    std::to_string(static_cast<int64_t>(0xC2B2AE3D27D4EB4Full))},
                   {"/blog/post-1", "Chrome", "Desktop", "GB", "2655045",
                    std::to_string(static_cast<int64_t>(0x9E3779B97F4A7C15ull * 2)),
                    std::to_string(static_cast<int64_t>(0xC2B2AE3D27D4EB4Full))}}));
    QCOMPARE(Select("SELECT count(), count(browser), count(utm_source), count(country_code) "
                    "FROM sinkhost_test.events"),
             (Rows{{"13", "12", "12", "10"}}));
  }

  // Hosts opening the same old table at once: ClickHouse 18.16 has no ADD
  // COLUMN IF NOT EXISTS, so the one that loses the race gets "column
  // already exists" and must accept the columns the other one added.
  void concurrentOpensAddColumnsOnce() {
    const Schema& schema = Schema::Plausible();
    for (int round = 0; round < 5; ++round) {
      std::string error;
      QVERIFY2(Exec("DROP TABLE IF EXISTS sinkhost_test.events", &error), error.c_str());
      QVERIFY2(Exec(OldPlausibleTable(), &error), error.c_str());
      std::unique_ptr<SinkInstance> a, b;
      CHECK_OK(Create(Options(), &a));
      CHECK_OK(Create(Options(), &b));
      Status st_a, st_b;
      std::thread other([&] { st_b = b->Open("events", schema); });
      st_a = a->Open("events", schema);
      other.join();
      CHECK_OK(st_a);
      CHECK_OK(st_b);
      QCOMPARE(One("SELECT count() FROM system.columns WHERE database = 'sinkhost_test' AND "
                   "table = 'events'"),
               std::string("33"));
    }
    // Whether a round hit the race depends on timing; say so, for the log.
    size_t races = 0;
    const std::string logs = server_->Logs();
    for (size_t at = 0; (at = logs.find("column with this name already exists", at)) !=
                        std::string::npos;
         ++at)
      ++races;
    qInfo("concurrent opens: %zu server log lines show an ALTER that lost the race", races);
  }

  // What the sink does not add itself: the table stays as it was and the
  // message names the table, the column and the statement that fixes it.
  void oldTableIsRefusedWhenColumnsCannotBeAdded_data() {
    QTest::addColumn<QString>("omit");  // left out of the old table too
    QTest::addColumn<QString>("engine");
    QTest::addColumn<bool>("create_table");
    QTest::addColumn<QString>("reason");
    QTest::newRow("missing NOT NULL column")
        << "hostname" << "MergeTree()" << true << "'hostname' is NOT NULL in the stream schema";
    QTest::newRow("create_table false") << "" << "MergeTree()" << false
                                        << "create_table is false, so the sink does not add them";
    QTest::newRow("engine the sink does not create")
        << "" << "ReplacingMergeTree()" << true
        << "its engine is ReplacingMergeTree, and the sink adds columns only to MergeTree tables";
  }
  void oldTableIsRefusedWhenColumnsCannotBeAdded() {
    QFETCH(QString, omit);
    QFETCH(QString, engine);
    QFETCH(bool, create_table);
    QFETCH(QString, reason);
    std::string error;
    QVERIFY2(Exec(OldPlausibleTable(omit.toStdString(), engine.toStdString()), &error),
             error.c_str());
    const Schema& schema = Schema::Plausible();
    std::unique_ptr<SinkInstance> sink;
    Status st = OpenSink(Options({{"create_table", create_table ? "true" : "false"}}), &sink,
                         &schema);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    QVERIFY_CONTAINS(st.message(), "table `sinkhost_test`.`events` exists but lacks columns ");
    QVERIFY_CONTAINS(st.message(), reason.toStdString());
    QVERIFY_CONTAINS(st.message(), "'browser'");
    QVERIFY_CONTAINS(st.message(), "add them yourself: ALTER TABLE `sinkhost_test`.`events` ADD "
                                   "COLUMN `");
    QVERIFY_CONTAINS(st.message(), "ADD COLUMN `session_id` Nullable(Int64)");
    if (!omit.isEmpty())
      QVERIFY_CONTAINS(st.message(), "ADD COLUMN `" + omit.toStdString() +
                                         "` String DEFAULT <value for existing rows>");
    QVERIFY(!sink->is_open());
    QCOMPARE(One("SELECT count() FROM system.columns WHERE database = 'sinkhost_test' AND "
                 "table = 'events'"),
             std::to_string(omit.isEmpty() ? 15 : 14));
  }

  // clang-format off
  void existingTableWithWrongTypeIsInvalid_data() {
    QTest::addColumn<QString>("column");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("expected");
    QTest::newRow("narrower int") << "i" << "Int32"
                                  << "has type Int32, but stream column 'i' (int64) needs Int64";
    QTest::newRow("float32") << "f" << "Float32" << "needs Float64";
    QTest::newRow("null into not null") << "s_n" << "String"
                                        << "may be null, which needs Nullable(...)";
    QTest::newRow("seconds as uint32") << "ts" << "UInt32"
                                       << "needs Int64 (microseconds), DateTime or DateTime64";
  }
  // clang-format on
  void existingTableWithWrongTypeIsInvalid() {
    QFETCH(QString, column);
    QFETCH(QString, type);
    QFETCH(QString, expected);
    std::map<std::string, std::string> types = {{"k", "Int64"},
                                                {"s", "String"},
                                                {"s_n", "Nullable(String)"},
                                                {"i", "Int64"},
                                                {"i_n", "Nullable(Int64)"},
                                                {"f", "Float64"},
                                                {"f_n", "Nullable(Float64)"},
                                                {"b", "UInt8"},
                                                {"b_n", "Nullable(UInt8)"},
                                                {"ts", "Int64"},
                                                {"ts_n", "Nullable(Int64)"}};
    types[column.toStdString()] = type.toStdString();
    std::string sql = "CREATE TABLE sinkhost_test.events (";
    for (const Column& c : schema_.columns())
      sql += (c.name == "k" ? "" : ", ") + c.name + " " + types[c.name];
    sql += ") ENGINE = MergeTree() ORDER BY k";
    std::string error;
    QVERIFY2(Exec(sql, &error), error.c_str());
    std::unique_ptr<SinkInstance> sink;
    Status st = OpenSink(Options(), &sink);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    QVERIFY_CONTAINS(st.message(),
                     "table `sinkhost_test`.`events` column '" + column.toStdString() + "'");
    QVERIFY_CONTAINS(st.message(), expected.toStdString());
  }

  void existingTableWithCompatibleTypesIsUsed() {
    // Nullable columns for required stream columns, a DateTime where the
    // option says Int64 (the table decides), extra columns with defaults.
    std::string error;
    QVERIFY2(Exec("CREATE TABLE sinkhost_test.events (id UInt64 DEFAULT 7, k Int64, "
                  "s Nullable(String), s_n Nullable(String), i Nullable(Int64), "
                  "i_n Nullable(Int64), f Float64, f_n Nullable(Float64), b Nullable(UInt8), "
                  "b_n Nullable(UInt8), ts DateTime('UTC'), ts_n Nullable(DateTime), "
                  "extra String DEFAULT 'dflt') ENGINE = MergeTree() ORDER BY k",
                  &error),
             error.c_str());
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(OpenSink(Options({{"create_table", "false"}}), &sink));
    Row r = Simple(5);
    r.ts = 1795537134999999;
    r.ts_n = 1795537135000001;
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {r})));
    QCOMPARE(Select("SELECT id, k, s, i, b, toUnixTimestamp(ts), toUnixTimestamp(ts_n), extra "
                    "FROM sinkhost_test.events"),
             (Rows{{"7", "5", "row5", "5", "0", "1795537134", "1795537135", "dflt"}}));
  }

  void materializedColumnIsInvalid() {
    std::string error;
    QVERIFY2(Exec("CREATE TABLE sinkhost_test.events (k Int64, s String, s_n Nullable(String), "
                  "i Int64 MATERIALIZED k * 2, i_n Nullable(Int64), f Float64, "
                  "f_n Nullable(Float64), b UInt8, b_n Nullable(UInt8), ts Int64, "
                  "ts_n Nullable(Int64)) ENGINE = MergeTree() ORDER BY k",
                  &error),
             error.c_str());
    std::unique_ptr<SinkInstance> sink;
    Status st = OpenSink(Options(), &sink);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    QVERIFY_CONTAINS(st.message(), "column 'i' is MATERIALIZED and cannot be inserted into");
  }

  void missingTableWithoutCreateIsInvalid() {
    std::unique_ptr<SinkInstance> sink;
    Status st = OpenSink(Options({{"create_table", "false"}}), &sink);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    QVERIFY_CONTAINS(st.message(), "table `sinkhost_test`.`events` does not exist");
    QVERIFY_CONTAINS(st.message(), "create_table is false");
  }

  void unknownDatabaseIsInvalidAtOpen() {
    std::unique_ptr<SinkInstance> sink;
    Status st = OpenSink(Options({{"database", "no_such_db"}}), &sink);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    QVERIFY_CONTAINS(st.message(), "Database no_such_db doesn't exist");
    QVERIFY_CONTAINS(st.message(), "[code 81 UNKNOWN_DATABASE]");
  }

  void wrongPasswordIsInvalidAtOpen() {
    // Proves the credentials reach the server: `default` has no password.
    std::unique_ptr<SinkInstance> sink;
    Status st = OpenSink(Options({{"password", "not-the-password"}}), &sink);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    QVERIFY_CONTAINS(st.message(), "Wrong password for user default");
    QVERIFY2(!Contains(st.message(), "not-the-password"), st.message().c_str());
    st = OpenSink(Options({{"user", "nobody"}}), &sink);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    QVERIFY_CONTAINS(st.message(), "nobody");
  }

  void datetime64NeedsANewerServer() {
    std::unique_ptr<SinkInstance> sink;
    Status st = OpenSink(Options({{"timestamp_type", "datetime64"}}), &sink);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    QVERIFY_CONTAINS(st.message(), "'timestamp_type'");
    QVERIFY_CONTAINS(st.message(), "ClickHouse 18.16.1");
  }

  // -------------------------------------------------------------------------
  // Round trips
  // -------------------------------------------------------------------------

  // clang-format off
  void roundTripsEveryType_data() {
    QTest::addColumn<QString>("compression");
    QTest::newRow("none") << "none";
    QTest::newRow("gzip") << "gzip";
  }
  // clang-format on
  void roundTripsEveryType() {
    QFETCH(QString, compression);
    const auto strings = AwkwardStrings();
    const std::vector<int64_t> ints = {
        0,        -1, 1, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
        1LL << 53};
    const std::vector<double> floats = {
        0.0,      -0.0,      0.1,         -2.5,    1e-300,
        1e300,    DBL_MAX,   -DBL_MAX,    DBL_MIN, std::numeric_limits<double>::denorm_min(),
        INFINITY, -INFINITY, std::nan("")};
    const std::vector<int64_t> stamps = {0,
                                         -1,
                                         1,
                                         1795537134123456,
                                         std::numeric_limits<int64_t>::min(),
                                         std::numeric_limits<int64_t>::max()};
    std::vector<Row> rows;
    for (size_t k = 0; k < 40; ++k) {
      Row r;
      r.k = static_cast<int64_t>(k);
      r.s = strings[k % strings.size()];
      r.i = ints[k % ints.size()];
      r.f = floats[k % floats.size()];
      r.b = k % 2 == 0;
      r.ts = stamps[k % stamps.size()];
      // Nullable columns: NULL on every third row, a value otherwise.
      if (k % 3 != 0) {
        r.s_n = strings[(k + 5) % strings.size()];
        r.i_n = ints[(k + 2) % ints.size()];
        r.f_n = floats[(k + 3) % floats.size()];
        r.b_n = k % 4 == 1;
        r.ts_n = stamps[(k + 1) % stamps.size()];
      }
      rows.push_back(r);
    }
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(OpenSink(Options({{"compression", compression.toStdString()}}), &sink));
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, rows)));
    CHECK_OK(sink->Close());

    Rows got = Select(
        "SELECT k, hex(s), isNull(s_n), hex(ifNull(s_n, '')), i, isNull(i_n), ifNull(i_n, 0), "
        "hex(reinterpretAsString(f)), isNull(f_n), hex(reinterpretAsString(ifNull(f_n, 0))), b, "
        "isNull(b_n), ifNull(b_n, 0), ts, isNull(ts_n), ifNull(ts_n, 0) "
        "FROM sinkhost_test.events ORDER BY k");
    QCOMPARE(got.size(), rows.size());
    for (size_t n = 0; n < rows.size(); ++n) {
      const Row& r = rows[n];
      const auto& g = got[n];
      QCOMPARE(g.size(), size_t{16});
      QCOMPARE(g[0], std::to_string(r.k));
      QCOMPARE(g[1], Hex(r.s));
      QCOMPARE(g[2], std::string(r.s_n ? "0" : "1"));
      QCOMPARE(g[3], Hex(r.s_n.value_or("")));
      QCOMPARE(g[4], std::to_string(r.i));
      QCOMPARE(g[5], std::string(r.i_n ? "0" : "1"));
      QCOMPARE(g[6], std::to_string(r.i_n.value_or(0)));
      QCOMPARE(g[7], FloatHex(r.f));
      QCOMPARE(g[8], std::string(r.f_n ? "0" : "1"));
      QCOMPARE(g[9], FloatHex(r.f_n.value_or(0)));
      QCOMPARE(g[10], std::string(r.b ? "1" : "0"));
      QCOMPARE(g[11], std::string(r.b_n ? "0" : "1"));
      QCOMPARE(g[12], std::string(r.b_n.value_or(false) ? "1" : "0"));
      QCOMPARE(g[13], std::to_string(r.ts));
      QCOMPARE(g[14], std::string(r.ts_n ? "0" : "1"));
      QCOMPARE(g[15], std::to_string(r.ts_n.value_or(0)));
    }
    // Int64 microseconds read back as time with the obvious expression.
    QCOMPARE(One("SELECT toString(toDateTime(intDiv(ts, 1000000), 'UTC')) FROM "
                 "sinkhost_test.events WHERE k = 3"),
             std::string("2026-11-24 16:18:54"));
  }

  void timestampsAsDateTime() {
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(OpenSink(Options({{"timestamp_type", "datetime"}}), &sink));
    // Sub-second digits are dropped, towards the earlier second.
    const std::vector<std::pair<int64_t, std::string>> cases = {
        {0, "0"},
        {999999, "0"},
        {1795537134123456, "1795537134"},
        {4294967295999999, "4294967295"},  // the last second DateTime holds
    };
    std::vector<Row> rows;
    for (size_t n = 0; n < cases.size(); ++n) {
      Row r = Simple(static_cast<int64_t>(n));
      r.ts = cases[n].first;
      r.ts_n = cases[n].first;
      rows.push_back(r);
    }
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, rows)));
    Rows got = Select(
        "SELECT toUnixTimestamp(ts), toUnixTimestamp(ts_n) FROM sinkhost_test.events "
        "ORDER BY k");
    QCOMPARE(got.size(), cases.size());
    for (size_t n = 0; n < cases.size(); ++n) {
      QCOMPARE(got[n][0], cases[n].second);
      QCOMPARE(got[n][1], cases[n].second);
    }
    QCOMPARE(One("SELECT toString(ts) FROM sinkhost_test.events WHERE k = 2"),
             std::string("2026-11-24 16:18:54"));

    // A value DateTime cannot hold fails the whole batch before anything
    // is sent, naming the column, the row and the value.
    for (int64_t bad : {int64_t{-1}, int64_t{4294967296000000}}) {
      Row ok = Simple(10), out = Simple(11);
      out.ts_n = bad;
      Status st = Write(sink.get(), MakeBatch(schema_, {ok, out}));
      QVERIFY2(st.IsPermanent(), st.ToString().c_str());
      QVERIFY_CONTAINS(st.message(), "column 'ts_n', row 1: timestamp ");
      QVERIFY_CONTAINS(st.message(),
                       bad < 0 ? "1969-12-31T23:59:59.999999Z" : "2106-02-07T06:28:16");
      QVERIFY_CONTAINS(st.message(), "out of range");
    }
    QCOMPARE(One("SELECT count() FROM sinkhost_test.events"), std::string("4"));
  }

  void emptyBatchWritesNothing() {
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(OpenSink(Options(), &sink));
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {})));
    QCOMPARE(One("SELECT count() FROM sinkhost_test.events"), std::string("0"));
  }

  // clang-format off
  void largeBatch_data() {
    QTest::addColumn<QString>("compression");
    QTest::newRow("none") << "none";
    QTest::newRow("gzip") << "gzip";
  }
  // clang-format on
  void largeBatch() {
    QFETCH(QString, compression);
    const Schema& schema = Schema::Plausible();
    UniqueSchema arrow;
    schema.ExportToArrow(arrow.get());
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(OpenSink(Options({{"compression", compression.toStdString()}}), &sink, &schema));
    PlausibleTotals totals;
    auto batch = MakePlausibleBatch(0, 100000, &totals);
    QElapsedTimer timer;
    timer.start();
    CHECK_OK(Write(sink.get(), batch, arrow.get()));
    qInfo("100000 plausible rows (%s) in %lld ms", qPrintable(compression),
          static_cast<long long>(timer.elapsed()));
    QCOMPARE(Select("SELECT count(), countIf(isNull(referrer)), sum(screen_width), "
                    "sum(length(url)), sum(interactive), min(timestamp), max(timestamp), "
                    "uniqExact(pathname), countIf(revenue_currency = 'EUR') FROM "
                    "sinkhost_test.events"),
             (Rows{{std::to_string(totals.rows), std::to_string(totals.null_referrers),
                    std::to_string(totals.screen_width_sum), std::to_string(totals.url_bytes),
                    std::to_string(totals.interactive), "1795537134000000",
                    std::to_string(1795537134000000 + 99999 * 1000), "1000", "2000"}}));
    // One batch is one insert block: one part.
    QCOMPARE(One("SELECT count() FROM system.parts WHERE database = 'sinkhost_test' AND table = "
                 "'events' AND active"),
             std::string("1"));
  }

  void batchesKeepTheirOrder() {
    // tuple(): no sorting key, so a merge concatenates parts in insert
    // order and the stored order is the order the sink sent.
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(OpenSink(Options({{"order_by", "tuple()"}}), &sink));
    for (int b = 0; b < 5; ++b) {
      std::vector<Row> rows;
      for (int k = 0; k < 200; ++k) rows.push_back(Simple(b * 200 + k));
      CHECK_OK(Write(sink.get(), MakeBatch(schema_, rows)));
    }
    std::string error;
    QVERIFY2(Exec("OPTIMIZE TABLE sinkhost_test.events FINAL", &error), error.c_str());
    Rows got = Select("SELECT k FROM sinkhost_test.events SETTINGS max_threads = 1");
    QCOMPARE(got.size(), size_t{1000});
    for (size_t k = 0; k < got.size(); ++k) QCOMPARE(got[k][0], std::to_string(k));
    QCOMPARE(One("SELECT count() FROM system.parts WHERE database = 'sinkhost_test' AND table = "
                 "'events' AND active"),
             std::string("1"));
  }

  void reopensAfterClose() {
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(OpenSink(Options(), &sink));
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(1)})));
    CHECK_OK(sink->Close());
    CHECK_OK(sink->Close());  // a second close is harmless
    Status st = Write(sink.get(), MakeBatch(schema_, {Simple(99)}));
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    CHECK_OK(sink->Open("events", schema_));
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(2)})));
    QCOMPARE(Select("SELECT k FROM sinkhost_test.events ORDER BY k"), (Rows{{"1"}, {"2"}}));
  }

  // -------------------------------------------------------------------------
  // Failures while writing
  // -------------------------------------------------------------------------

  void droppedColumnIsPermanentWithServerText() {
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(OpenSink(Options(), &sink));
    std::string error;
    QVERIFY2(Exec("ALTER TABLE sinkhost_test.events DROP COLUMN s_n", &error), error.c_str());
    Status st = Write(sink.get(), MakeBatch(schema_, {Simple(1)}));
    QVERIFY2(st.IsPermanent(), st.ToString().c_str());
    QVERIFY_CONTAINS(st.message(), "insert of 1 rows into `sinkhost_test`.`events` failed");
    QVERIFY_CONTAINS(st.message(), "Code: 16, e.displayText() = DB::Exception: No such column s_n");
    QVERIFY_CONTAINS(st.message(), "[code 16 NO_SUCH_COLUMN_IN_TABLE]");
    QVERIFY_CONTAINS(st.message(), "lacks column 's_n'");
  }

  void changedColumnTypeIsPermanentWithServerText() {
    // The table is swapped for one whose column `s` is Int64 after the sink
    // checked it: RowBinary's String bytes are too short for an Int64.
    Schema schema =
        testing::MakeTestSchema({{"i", ColumnType::kInt64, false, {}}, {"s", ColumnType::kString, false, {}}});
    UniqueSchema arrow;
    schema.ExportToArrow(arrow.get());
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(OpenSink(Options(), &sink, &schema));
    std::string error;
    QVERIFY2(Exec("DROP TABLE sinkhost_test.events", &error), error.c_str());
    QVERIFY2(Exec("CREATE TABLE sinkhost_test.events (i Int64, s Int64) ENGINE = MergeTree() "
                  "ORDER BY i",
                  &error),
             error.c_str());
    auto batch = std::make_shared<RowBatch>(schema);
    batch->column(0).AppendInt64(1);
    batch->column(1).AppendString("a");
    batch->CommitRow();
    Status st = Write(sink.get(), batch, arrow.get());
    QVERIFY2(st.IsPermanent(), st.ToString().c_str());
    QVERIFY_CONTAINS(st.message(), "Cannot read all data");
    QVERIFY_CONTAINS(st.message(), "[code 33 CANNOT_READ_ALL_DATA]");
    QVERIFY_CONTAINS(st.message(), "column 's' has type Int64, but stream column 's' (string)");
    QCOMPARE(One("SELECT count() FROM sinkhost_test.events"), std::string("0"));
  }

  void tableChangedToOtherLayoutIsRetriedInIt() {
    // The table is swapped for one whose `i` is Nullable: same values, but
    // each now needs a null byte. The failed insert is not the batch's
    // fault; the sink takes the new layout and the retry stores it.
    Schema schema =
        testing::MakeTestSchema({{"i", ColumnType::kInt64, false, {}}, {"s", ColumnType::kString, false, {}}});
    UniqueSchema arrow;
    schema.ExportToArrow(arrow.get());
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(OpenSink(Options(), &sink, &schema));
    std::string error;
    QVERIFY2(Exec("DROP TABLE sinkhost_test.events", &error), error.c_str());
    QVERIFY2(Exec("CREATE TABLE sinkhost_test.events (i Nullable(Int64), s String) ENGINE = "
                  "MergeTree() ORDER BY s",
                  &error),
             error.c_str());
    auto batch = std::make_shared<RowBatch>(schema);
    batch->column(0).AppendInt64(1);
    batch->column(1).AppendString("a");
    batch->CommitRow();
    Status st = Write(sink.get(), batch, arrow.get());
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    QVERIFY_CONTAINS(st.message(), "[code 33 CANNOT_READ_ALL_DATA]");
    QVERIFY_CONTAINS(st.message(), "changed since the sink checked them");
    CHECK_OK(Write(sink.get(), batch, arrow.get()));
    QCOMPARE(Select("SELECT i, s FROM sinkhost_test.events"), (Rows{{"1", "a"}}));
  }

  void droppedTableIsRetryableAndRecreated() {
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(OpenSink(Options(), &sink));
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(1)})));
    std::string error;
    QVERIFY2(Exec("DROP TABLE sinkhost_test.events", &error), error.c_str());
    Status st = Write(sink.get(), MakeBatch(schema_, {Simple(2)}));
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    QVERIFY_CONTAINS(st.message(), "[code 60 UNKNOWN_TABLE]");
    // The retry finds the table missing, creates it again and writes.
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(2)})));
    QCOMPARE(Select("SELECT k FROM sinkhost_test.events"), (Rows{{"2"}}));
  }

  void droppedTableWithoutCreateIsRetryableUntilBack() {
    std::string error;
    const std::string create =
        "CREATE TABLE sinkhost_test.events (k Int64, s String, s_n Nullable(String), i Int64, "
        "i_n Nullable(Int64), f Float64, f_n Nullable(Float64), b UInt8, b_n Nullable(UInt8), "
        "ts Int64, ts_n Nullable(Int64)) ENGINE = MergeTree() ORDER BY k";
    QVERIFY2(Exec(create, &error), error.c_str());
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(OpenSink(Options({{"create_table", "false"}}), &sink));
    QVERIFY2(Exec("DROP TABLE sinkhost_test.events", &error), error.c_str());
    for (int attempt = 0; attempt < 2; ++attempt) {
      Status st = Write(sink.get(), MakeBatch(schema_, {Simple(3)}));
      QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    }
    QVERIFY2(Exec(create, &error), error.c_str());
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(3)})));
    QCOMPARE(Select("SELECT k FROM sinkhost_test.events"), (Rows{{"3"}}));
  }

  void serverStoppedIsRetryableAndRestartRecovers() {
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(OpenSink(Options({{"connect_timeout", "2s"}}), &sink));
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(1)})));

    QVERIFY2(server_->Stop(), server_->error().c_str());
    QElapsedTimer timer;
    timer.start();
    Status st = Write(sink.get(), MakeBatch(schema_, {Simple(2)}));
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    QVERIFY_CONTAINS(st.message(), "cannot talk to " + server_->HttpUrl());
    QVERIFY_CONTAINS(st.message(), "Connection refused");
    QVERIFY(timer.elapsed() < 5000);
    // Opening while the server is away is retryable too.
    std::unique_ptr<SinkInstance> other;
    st = OpenSink(Options(), &other);
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());

    QVERIFY2(server_->Start(), server_->error().c_str());
    // The same instance reconnects by itself on the next write.
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(2)})));
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(3)})));
    QCOMPARE(Select("SELECT k FROM sinkhost_test.events ORDER BY k"), (Rows{{"1"}, {"2"}, {"3"}}));
  }

  void idleConnectionClosedByServerIsReplaced() {
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(OpenSink(Options(), &sink));
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(1)})));
    // The server closes the kept-alive connection meanwhile.
    QThread::msleep(ClickHouseServer::kKeepAliveTimeoutSeconds * 1000 + 700);
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(2)})));
    QCOMPARE(One("SELECT count() FROM sinkhost_test.events"), std::string("2"));
  }

  void unreachableServerIsRetryableAtOpen() {
    std::unique_ptr<SinkInstance> sink;
    const std::string url = "http://127.0.0.1:" + std::to_string(testing::FreePort());
    Status st = OpenSink(Options({{"url", url}}), &sink);
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    QVERIFY_CONTAINS(st.message(), "Connection refused");
  }

  void silentServerTimesOutRetryably() {
    // Accepts connections (the kernel does) but never answers.
    Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
    const std::string url = "http://127.0.0.1:" + std::to_string(silent.address().port());
    std::unique_ptr<SinkInstance> sink;
    QElapsedTimer timer;
    timer.start();
    Status st = OpenSink(Options({{"url", url}, {"timeout", "300ms"}}), &sink);
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    QVERIFY_CONTAINS(st.message(), "Timeout");
    QVERIFY_CONTAINS(st.message(), "timeout 300 ms");
    QVERIFY2(timer.elapsed() < 5000, std::to_string(timer.elapsed()).c_str());
  }

  // -------------------------------------------------------------------------
  // Requests, as a newer server sees them
  // -------------------------------------------------------------------------

  void gzipSendsTheSameRowBinaryCompressed() {
    FakeClickHouse fake;
    std::unique_ptr<SinkInstance> plain, gzip;
    CHECK_OK(OpenSink({{"url", fake.Url()}}, &plain));
    CHECK_OK(OpenSink({{"url", fake.Url()}, {"compression", "gzip"}}, &gzip));
    std::vector<Row> rows;
    for (int k = 0; k < 300; ++k) rows.push_back(Simple(k));
    rows[7].s = std::string(100000, 'z');
    CHECK_OK(Write(plain.get(), MakeBatch(schema_, rows)));
    CHECK_OK(Write(gzip.get(), MakeBatch(schema_, rows)));
    auto inserts = fake.inserts();
    QCOMPARE(inserts.size(), size_t{2});
    QCOMPARE(inserts[0].header("content-encoding"), std::string(""));
    QCOMPARE(inserts[1].header("content-encoding"), std::string("gzip"));
    QCOMPARE(inserts[1].raw_body.substr(0, 2), std::string("\x1f\x8b"));  // gzip magic
    QVERIFY(inserts[1].raw_body.size() < inserts[0].raw_body.size() / 10);
    QCOMPARE(inserts[1].body, inserts[0].body);
    // The body is what the encoder makes of the batch, with no framing.
    clickhouse::RowBinaryEncoder encoder;
    std::vector<clickhouse::ColumnEncoding> plan;
    for (const Column& c : schema_.columns()) {
      clickhouse::ColumnEncoding enc;
      CHECK_OK(clickhouse::EncodingFor(
          ColumnSpec{c.name, c.type, c.nullable},
          clickhouse::TableColumnType(ColumnSpec{c.name, c.type, c.nullable},
                                      clickhouse::TimestampType::kInt64Micros),
          &enc));
      plan.push_back(enc);
    }
    encoder.Reset(plan);
    auto batch = MakeBatch(schema_, rows);
    UniqueArray array;
    RowBatch::ExportToArrow(batch, array.get());
    BatchView view;
    CHECK_OK(BatchView::Make(arrow_schema_.get(), array.get(), &view));
    std::string expected;
    encoder.EncodeTo(view, &expected);
    QCOMPARE(inserts[0].body.size(), expected.size());
    QVERIFY(inserts[0].body == expected);
    QCOMPARE(inserts[0].header("transfer-encoding"), std::string("chunked"));
  }

  void insertStatementAndSettings() {
    FakeClickHouse fake;
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(OpenSink({{"url", fake.Url() + "/ch/"},
                       {"database", "analytics"},
                       {"user", "alice"},
                       {"password", "s3cret p&ss"}},
                      &sink));
    next_seq_ = 40;
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(1), Simple(2)})));
    auto inserts = fake.inserts();
    QCOMPARE(inserts.size(), size_t{1});
    const std::string uri = inserts[0].uri;
    QVERIFY_CONTAINS(uri, "/ch/?query=");
    QVERIFY_CONTAINS(Poco::URI(uri).getQuery(),
                     "query=INSERT INTO `analytics`.`events` (`k`, `s`, `s_n`, `i`, `i_n`, `f`, "
                     "`f_n`, `b`, `b_n`, `ts`, `ts_n`) FORMAT RowBinary");
    // The batch id goes along where the server knows the setting, so a
    // resent batch can be recognised.
    QVERIFY_CONTAINS(Poco::URI(uri).getQuery(),
                     "insert_deduplication_token=events:clickhouse:40-42");
    QVERIFY_CONTAINS(uri, "max_insert_block_size=1048576");
    // Credentials travel in headers, never in the URL.
    for (const auto& r : fake.requests()) {
      QCOMPARE(r.header("x-clickhouse-user"), std::string("alice"));
      QCOMPARE(r.header("x-clickhouse-key"), std::string("s3cret p&ss"));
      QVERIFY(!Contains(r.uri, "s3cret"));
    }
  }

  void noDeduplicationTokenForOldServers() {
    FakeClickHouse fake(/*features=*/false);
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(OpenSink({{"url", fake.Url()}}, &sink));
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(1)})));
    auto inserts = fake.inserts();
    QCOMPARE(inserts.size(), size_t{1});
    QVERIFY(!Contains(inserts[0].uri, "insert_deduplication_token"));
    // No password: no X-ClickHouse-Key header at all.
    QCOMPARE(inserts[0].headers.count("x-clickhouse-key"), size_t{0});
  }

  void datetime64TablesOnNewerServers() {
    FakeClickHouse fake;
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(OpenSink(
        {{"url", fake.Url()}, {"timestamp_type", "datetime64"}, {"partition_by", "toYYYYMM(ts)"}},
        &sink));
    QCOMPARE(fake.create_sql(),
             std::string("CREATE TABLE IF NOT EXISTS `default`.`events` (`k` Int64, `s` String, "
                         "`s_n` Nullable(String), `i` Int64, `i_n` Nullable(Int64), `f` Float64, "
                         "`f_n` Nullable(Float64), `b` UInt8, `b_n` Nullable(UInt8), "
                         "`ts` DateTime64(6, 'UTC'), `ts_n` Nullable(DateTime64(6, 'UTC'))) "
                         "ENGINE = MergeTree() PARTITION BY toYYYYMM(ts) ORDER BY `ts`"));
    Row r = Simple(0);
    r.ts = -1;  // DateTime64 holds instants before 1970
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {r})));
    const std::string body = fake.inserts().at(0).body;
    // k, s ("row0"), s_n NULL, i, i_n NULL, f, f_n NULL, b, b_n NULL, ts.
    const size_t ts_at = 8 + 5 + 1 + 8 + 1 + 8 + 1 + 1 + 1;
    QCOMPARE(Hex(body.substr(ts_at, 8)), std::string("FFFFFFFFFFFFFFFF"));
  }

  void closedKeptAliveConnectionIsResentOnce() {
    FakeClickHouse fake;
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(OpenSink({{"url", fake.Url()}}, &sink));
    const std::string first_connection = fake.requests().at(0).client;
    fake.DropNextInserts(1);
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(1)})));
    QCOMPARE(fake.dropped(), 1);
    auto inserts = fake.inserts();
    QCOMPARE(inserts.size(), size_t{1});
    QVERIFY(inserts[0].client != first_connection);  // sent again on a new connection
    // Only once: a second failure in a row is the write's, and retryable.
    fake.DropNextInserts(2);
    Status st = Write(sink.get(), MakeBatch(schema_, {Simple(2)}));
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    QVERIFY_CONTAINS(st.message(), "cannot talk to " + fake.Url());
    QCOMPARE(fake.dropped(), 3);
    QCOMPARE(fake.inserts().size(), size_t{1});
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(2)})));
  }

  void keepAliveUsesOneConnection() {
    FakeClickHouse fake;
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(OpenSink({{"url", fake.Url()}}, &sink));
    for (int b = 0; b < 5; ++b) CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(b)})));
    auto requests = fake.requests();
    QCOMPARE(requests.size(), size_t{4 + 5});  // version, columns, create, columns; 5 inserts
    for (const auto& r : requests) QCOMPARE(r.client, requests[0].client);
  }
};

}  // namespace sinkhost

QTEST_GUILESS_MAIN(sinkhost::ClickHouseSinkTest)
#include "clickhouse_sink_test.moc"
