// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Tests of the sqlite sink through the real loader: the built sqlite.so is
// loaded with PluginLibrary, driven with SinkInstance and checked by reading
// the database back with the sqlite3 C API.
#include <sqlite3.h>

#include <string>
#include <vector>

#include "tests/support/enriched_columns.h"
#include "tests/support/qtest_printers.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/batch/row_batch.h"
#include "core/plugin/plugin_library.h"
#include "core/schema/schema.h"
#include "tests/support/all_types.h"
#include "sinkhost/format.hpp"

namespace sinkhost {
namespace {

using Row = testing::AllTypesRow;
using testing::AllTypesSchema;
using testing::MakeBatch;

// Strings that break naive SQL or text handling.
std::vector<std::string> AwkwardStrings() {
  return {"",
          "it's",
          "say \"hi\"",
          "line1\nline2",
          "tab\there",
          "back\\slash",
          "cr\rlf\r\n",
          "emoji \xF0\x9F\x98\x80 clef \xF0\x9D\x84\x9E",
          "ctl \x01\x07\x1f\x7f",
          std::string("nul\0byte", 8),
          "'); DROP TABLE events; --",
          std::string(100000, 'x')};
}

// A read-only view of the database the sink wrote.
class Db {
 public:
  explicit Db(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        nullptr) != SQLITE_OK)
      qFatal("cannot open %s", path.c_str());
  }
  ~Db() { sqlite3_close(db_); }
  sqlite3* get() { return db_; }
  // Runs `sql` and returns every row, each value as text ("NULL" for NULL).
  std::vector<std::vector<std::string>> Query(const std::string& sql) {
    std::vector<std::vector<std::string>> rows;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
      qFatal("prepare %s: %s", sql.c_str(), sqlite3_errmsg(db_));
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
        if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
          row.push_back("NULL");
        } else {
          const char* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          row.emplace_back(text, static_cast<size_t>(sqlite3_column_bytes(stmt, c)));
        }
      }
      rows.push_back(std::move(row));
    }
    sqlite3_finalize(stmt);
    return rows;
  }
  std::string One(const std::string& sql) {
    auto rows = Query(sql);
    return rows.empty() || rows[0].empty() ? "<none>" : rows[0][0];
  }
  void Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "?";
      sqlite3_free(err);
      qFatal("exec %s: %s", sql.c_str(), msg.c_str());
    }
  }

 private:
  sqlite3* db_ = nullptr;
};

// The plausible table as sinkhost created it before the enrichment stage
// added its 18 nullable columns: the first 15, leaving out `omit`.
std::string OldPlausibleTable(const std::string& omit = "") {
  const std::vector<std::pair<std::string, std::string>> columns = {
      {"timestamp", "TEXT NOT NULL"},  {"name", "TEXT NOT NULL"},
      {"domain", "TEXT NOT NULL"},     {"url", "TEXT NOT NULL"},
      {"hostname", "TEXT NOT NULL"},   {"pathname", "TEXT NOT NULL"},
      {"referrer", "TEXT"},            {"screen_width", "INTEGER"},
      {"props", "TEXT NOT NULL"},      {"revenue_amount", "REAL"},
      {"revenue_currency", "TEXT"},    {"interactive", "INTEGER NOT NULL"},
      {"scroll_depth", "INTEGER"},     {"engagement_time", "INTEGER"},
      {"user_agent", "TEXT"}};
  std::string sql = "CREATE TABLE events (";
  bool first = true;
  for (const auto& [name, decl] : columns) {
    if (name == omit) continue;
    sql += (first ? "\"" : ", \"") + name + "\" " + decl;
    first = false;
  }
  return sql + ")";
}

// Rows of the full plausible schema; row i's enriched columns come from
// testing::AppendEnrichedColumns(batch, i).
std::shared_ptr<RowBatch> PlausibleBatch(int64_t first, int64_t n) {
  namespace pc = plausible_columns;
  auto b = std::make_shared<RowBatch>(Schema::Plausible());
  for (int64_t i = first; i < first + n; ++i) {
    b->column(pc::kTimestamp).AppendInt64(1795537134000000 + i);
    b->column(pc::kName).AppendString("pageview");
    b->column(pc::kDomain).AppendString("example.com");
    b->column(pc::kUrl).AppendString("https://example.com/" + std::to_string(i));
    b->column(pc::kHostname).AppendString("example.com");
    b->column(pc::kPathname).AppendString("/" + std::to_string(i));
    b->column(pc::kReferrer).AppendNull();
    b->column(pc::kScreenWidth).AppendInt64(1280);
    b->column(pc::kProps).AppendString("{}");
    b->column(pc::kRevenueAmount).AppendNull();
    b->column(pc::kRevenueCurrency).AppendNull();
    b->column(pc::kInteractive).AppendBool(true);
    b->column(pc::kScrollDepth).AppendNull();
    b->column(pc::kEngagementTime).AppendNull();
    b->column(pc::kUserAgent).AppendString("Mozilla/5.0");
    testing::AppendEnrichedColumns(b.get(), i);
    b->CommitRow();
  }
  return b;
}

#define CHECK_OK(expr)                                          \
  do {                                                          \
    ::sinkhost::Status _st = (expr);                            \
    QVERIFY2(_st.ok(), _st.ToString().c_str());                 \
  } while (0)

}  // namespace

class SqliteSinkTest : public QObject {
  Q_OBJECT

 private:
  std::shared_ptr<PluginLibrary> lib_;
  Schema schema_ = AllTypesSchema();
  UniqueSchema arrow_schema_;
  std::unique_ptr<QTemporaryDir> dir_;
  uint64_t next_seq_ = 0;

  std::string DbPath() const { return dir_->filePath("test.db").toStdString(); }

  Status Create(std::map<std::string, std::string> options, std::unique_ptr<SinkInstance>* out) {
    return SinkInstance::Create(lib_, options, out);
  }
  // Creates and opens a sink on DbPath() for stream "events" of schema_.
  std::unique_ptr<SinkInstance> OpenSink(std::map<std::string, std::string> options = {}) {
    if (!options.count("path")) options["path"] = DbPath();
    std::unique_ptr<SinkInstance> sink;
    Status st = Create(options, &sink);
    if (st.ok()) st = sink->Open("events", schema_);
    if (!st.ok()) qFatal("open: %s", st.ToString().c_str());
    return sink;
  }
  Status Write(SinkInstance* sink, const std::shared_ptr<RowBatch>& batch,
               const ArrowSchema* schema = nullptr) {
    UniqueArray array;
    RowBatch::ExportToArrow(batch, array.get());
    sinkhost_batch_info info{};
    info.struct_size = sizeof(info);
    std::string id = "events:test:" + std::to_string(next_seq_);
    info.batch_id = id.c_str();
    info.first_sequence = next_seq_;
    info.row_count = static_cast<uint64_t>(batch->num_rows());
    next_seq_ += info.row_count;
    return sink->Write(schema ? schema : arrow_schema_.get(), std::move(array), info);
  }
  Row Simple(int64_t i) {
    Row r;
    r.s = "row" + std::to_string(i);
    r.i = i;
    r.f = static_cast<double>(i) / 2;
    r.ts = i * 1000000;
    return r;
  }

 private slots:
  void initTestCase() {
    const char* dir = std::getenv("SINKHOST_PLUGIN_DIR");
    QVERIFY2(dir != nullptr, "SINKHOST_PLUGIN_DIR is not set; run through ctest");
    CHECK_OK(PluginLibrary::Load(std::string(dir) + "/sqlite.so", &lib_));
    schema_.ExportToArrow(arrow_schema_.get());
  }
  void init() {
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dir_->isValid());
  }

  void descriptor() {
    const PluginInfo& info = lib_->info();
    QCOMPARE(info.name, std::string("sqlite"));
    QCOMPARE(info.capabilities, SINKHOST_CAP_TRANSACTIONAL | SINKHOST_CAP_DURABLE);
    std::map<std::string, PluginInfo::Option> opts;
    for (const auto& o : info.options) opts[o.name] = o;
    QVERIFY(opts.at("path").required);
    QCOMPARE(opts.at("path").type, std::string("path"));
    QVERIFY(!opts.at("table").has_default);
    QCOMPARE(opts.at("create_table").default_value, std::string("true"));
    QCOMPARE(opts.at("synchronous").default_value, std::string("normal"));
    QCOMPARE(opts.at("busy_timeout").type, std::string("duration"));
    QCOMPARE(opts.at("busy_timeout").default_value, std::string("5s"));
  }

  void createsTableFromSchema() {
    auto sink = OpenSink();
    Db db(DbPath());
    QCOMPARE(db.One("PRAGMA journal_mode"), std::string("wal"));
    auto info = db.Query("SELECT name, type, \"notnull\" FROM pragma_table_info('events')");
    std::vector<std::vector<std::string>> want = {
        {"s", "TEXT", "1"},      {"s_n", "TEXT", "0"},    {"i", "INTEGER", "1"},
        {"i_n", "INTEGER", "0"}, {"f", "REAL", "1"},      {"f_n", "REAL", "0"},
        {"b", "INTEGER", "1"},   {"b_n", "INTEGER", "0"}, {"ts", "TEXT", "1"},
        {"ts_n", "TEXT", "0"}};
    QCOMPARE(info, want);
    CHECK_OK(sink->Close());
  }

  void roundTripsEveryType() {
    const auto strings = AwkwardStrings();
    const std::vector<int64_t> ints = {0, -1, 1, std::numeric_limits<int64_t>::min(),
                                       std::numeric_limits<int64_t>::max()};
    const std::vector<double> floats = {0.0,      -0.0,     0.1,      -2.5,   1e-300, 1e300,
                                        DBL_MAX,  -DBL_MAX, DBL_MIN,  std::numeric_limits<double>::denorm_min(),
                                        INFINITY, -INFINITY};
    std::vector<Row> rows;
    for (size_t k = 0; k < 24; ++k) {
      Row r;
      r.s = strings[k % strings.size()];
      r.i = ints[k % ints.size()];
      r.f = floats[k % floats.size()];
      r.b = k % 2 == 0;
      r.ts = 1795537134123456 + static_cast<int64_t>(k);
      // Nullable columns: NULL on every third row, a value otherwise.
      if (k % 3 != 0) {
        r.s_n = strings[(k + 5) % strings.size()];
        r.i_n = ints[(k + 2) % ints.size()];
        r.f_n = floats[(k + 3) % floats.size()];
        r.b_n = k % 4 == 1;
        r.ts_n = -static_cast<int64_t>(k) * 86400000000LL;
      }
      rows.push_back(r);
    }
    auto sink = OpenSink();
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, rows)));
    CHECK_OK(sink->Close());

    Db db(DbPath());
    sqlite3_stmt* stmt = nullptr;
    QCOMPARE(sqlite3_prepare_v2(db.get(),
                                "SELECT s, s_n, i, i_n, f, f_n, b, b_n, ts, ts_n, typeof(s), "
                                "typeof(i), typeof(f), typeof(b), typeof(ts) "
                                "FROM events ORDER BY rowid",
                                -1, &stmt, nullptr),
             SQLITE_OK);
    auto text = [&](int c) {
      return std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, c)),
                         static_cast<size_t>(sqlite3_column_bytes(stmt, c)));
    };
    auto is_null = [&](int c) { return sqlite3_column_type(stmt, c) == SQLITE_NULL; };
    char ts_buf[kTimestampBufferSize];
    size_t n = 0;
    for (; sqlite3_step(stmt) == SQLITE_ROW; ++n) {
      const Row& r = rows[n];
      QCOMPARE(text(0), r.s);
      QCOMPARE(sqlite3_column_int64(stmt, 2), r.i);
      QCOMPARE(sqlite3_column_double(stmt, 4), r.f);
      QCOMPARE(sqlite3_column_int(stmt, 6), r.b ? 1 : 0);
      FormatTimestampMicros(r.ts, ts_buf);
      QCOMPARE(text(8), std::string(ts_buf));
      QCOMPARE(text(10), std::string("text"));
      QCOMPARE(text(11), std::string("integer"));
      QCOMPARE(text(12), std::string("real"));
      QCOMPARE(text(13), std::string("integer"));
      QCOMPARE(text(14), std::string("text"));
      QCOMPARE(is_null(1), !r.s_n.has_value());
      QCOMPARE(is_null(3), !r.i_n.has_value());
      QCOMPARE(is_null(5), !r.f_n.has_value());
      QCOMPARE(is_null(7), !r.b_n.has_value());
      QCOMPARE(is_null(9), !r.ts_n.has_value());
      if (r.s_n) {
        QCOMPARE(text(1), *r.s_n);
        QCOMPARE(sqlite3_column_int64(stmt, 3), *r.i_n);
        QCOMPARE(sqlite3_column_double(stmt, 5), *r.f_n);
        QCOMPARE(sqlite3_column_int(stmt, 7), *r.b_n ? 1 : 0);
        FormatTimestampMicros(*r.ts_n, ts_buf);
        QCOMPARE(text(9), std::string(ts_buf));
      }
    }
    sqlite3_finalize(stmt);
    QCOMPARE(n, rows.size());
  }

  void timestampsAreIsoTextSqliteReads() {
    struct Case {
      int64_t us;
      std::string text;
      bool sqlite_reads = true;
    };
    const std::vector<Case> cases = {
        {0, "1970-01-01T00:00:00.000000Z"},
        {-1, "1969-12-31T23:59:59.999999Z"},
        {1, "1970-01-01T00:00:00.000001Z"},
        {1795537134123456, "2026-11-24T16:18:54.123456Z"},
        {951868799500000, "2000-02-29T23:59:59.500000Z"},
        {-2203847999999999, "1900-03-01T12:00:00.000001Z"},
        {-62135596800000000, "0001-01-01T00:00:00.000000Z"},
        {253402300799999000, "9999-12-31T23:59:59.999000Z"},
        // SQLite rounds to the millisecond, which takes this one out of
        // its range (years 0000-9999): its date functions return NULL.
        {253402300799999999, "9999-12-31T23:59:59.999999Z", false},
    };
    std::vector<Row> rows;
    for (const Case& c : cases) {
      Row r = Simple(0);
      r.ts = c.us;
      rows.push_back(r);
    }
    auto sink = OpenSink();
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, rows)));
    Db db(DbPath());
    auto got = db.Query(
        "SELECT ts, strftime('%Y-%m-%dT%H:%M:%f', ts), julianday(ts) FROM events ORDER BY rowid");
    QCOMPARE(got.size(), cases.size());
    for (size_t k = 0; k < cases.size(); ++k) {
      QCOMPARE(got[k][0], cases[k].text);
      if (!cases[k].sqlite_reads) continue;
      // SQLite's date functions read the text (to the millisecond).
      QCOMPARE(got[k][1], cases[k].text.substr(0, 23));
      const double ms_since_epoch = (std::stod(got[k][2]) - 2440587.5) * 86400000.0;
      QVERIFY2(std::fabs(ms_since_epoch - static_cast<double>(cases[k].us) / 1000) < 2,
               got[k][2].c_str());
    }
    // Text order is time order within years 0000-9999.
    auto sorted = db.Query("SELECT ts FROM events ORDER BY ts");
    std::vector<std::string> want;
    for (const Case& c : cases) want.push_back(c.text);
    std::sort(want.begin(), want.end());
    for (size_t k = 0; k < want.size(); ++k) QCOMPARE(sorted[k][0], want[k]);
  }

  void nanIsNullAndFailsRequiredColumn() {
    auto sink = OpenSink();
    Row ok = Simple(1);
    ok.f_n = std::nan("");
    ok.s_n = "x";
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {ok})));
    Row bad = Simple(2);
    bad.f = std::nan("");
    Status st = Write(sink.get(), MakeBatch(schema_, {Simple(3), bad}));
    QVERIFY2(st.IsPermanent(), st.ToString().c_str());
    QVERIFY2(st.message().find("NOT NULL") != std::string::npos, st.message().c_str());
    Db db(DbPath());
    QCOMPARE(db.Query("SELECT i, f_n FROM events"),
             (std::vector<std::vector<std::string>>{{"1", "NULL"}}));
  }

  void emptyBatchWritesNothing() {
    auto sink = OpenSink();
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {})));
    Db db(DbPath());
    QCOMPARE(db.One("SELECT count(*) FROM events"), std::string("0"));
  }

  void batchesKeepTheirOrder() {
    auto sink = OpenSink();
    for (int b = 0; b < 5; ++b) {
      std::vector<Row> rows;
      for (int k = 0; k < 200; ++k) rows.push_back(Simple(b * 200 + k));
      CHECK_OK(Write(sink.get(), MakeBatch(schema_, rows)));
    }
    Db db(DbPath());
    auto got = db.Query("SELECT i FROM events ORDER BY rowid");
    QCOMPARE(got.size(), size_t{1000});
    for (size_t k = 0; k < got.size(); ++k) QCOMPARE(got[k][0], std::to_string(k));
  }

  void reopensAfterClose() {
    auto sink = OpenSink();
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(1)})));
    CHECK_OK(sink->Close());
    CHECK_OK(sink->Close());  // a second close is harmless
    Status st = Write(sink.get(), MakeBatch(schema_, {Simple(99)}));
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    CHECK_OK(sink->Open("events", schema_));
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(2)})));
    CHECK_OK(sink->Close());
    Db db(DbPath());
    QCOMPARE(db.Query("SELECT i FROM events ORDER BY rowid"),
             (std::vector<std::vector<std::string>>{{"1"}, {"2"}}));
  }

  void existingTableWithExtraColumnIsUsed() {
    {
      Db db(DbPath());
      db.Exec(
          "CREATE TABLE events (id INTEGER PRIMARY KEY, s TEXT, s_n TEXT, i INTEGER, i_n "
          "INTEGER, f REAL, f_n REAL, b INTEGER, b_n INTEGER, ts TEXT, ts_n TEXT, "
          "extra TEXT DEFAULT 'dflt')");
    }
    auto sink = OpenSink({{"create_table", "false"}});
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(7)})));
    Db db(DbPath());
    QCOMPARE(db.Query("SELECT id, i, extra FROM events"),
             (std::vector<std::vector<std::string>>{{"1", "7", "dflt"}}));
  }

  void existingTableMissingNullableColumnGetsIt() {
    {
      Db db(DbPath());
      db.Exec("CREATE TABLE events (s TEXT, s_n TEXT, i INTEGER, i_n INTEGER, f REAL, "
              "f_n REAL, b INTEGER, b_n INTEGER, ts TEXT)");
      db.Exec("INSERT INTO events (s, i, f, b, ts) VALUES ('old', 0, 0, 0, 'x')");
    }
    auto sink = OpenSink();
    Row r = Simple(1);
    r.ts_n = 5000000;
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {r})));
    Db db(DbPath());
    QCOMPARE(db.Query("SELECT type, \"notnull\" FROM pragma_table_info('events') "
                      "WHERE name = 'ts_n'"),
             (std::vector<std::vector<std::string>>{{"TEXT", "0"}}));
    QCOMPARE(db.Query("SELECT s, ts_n FROM events ORDER BY rowid"),
             (std::vector<std::vector<std::string>>{{"old", "NULL"},
                                                    {"row1", "1970-01-01T00:00:05.000000Z"}}));
  }

  // A table created before the enrichment stage gets the plausible
  // schema's 18 new nullable columns on open; old rows read NULL in them.
  void oldPlausibleTableGetsEnrichedColumns() {
    {
      Db db(DbPath());
      db.Exec(OldPlausibleTable());
      db.Exec("INSERT INTO events VALUES ('2026-01-01T00:00:00.000000Z', 'pageview', "
              "'example.com', 'https://example.com/old', 'example.com', '/old', NULL, 1024, "
              "'{}', NULL, NULL, 1, NULL, NULL, 'curl')");
    }
    const Schema& schema = Schema::Plausible();
    UniqueSchema arrow;
    schema.ExportToArrow(arrow.get());
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(Create({{"path", DbPath()}}, &sink));
    CHECK_OK(sink->Open("events", schema));

    Db db(DbPath());
    std::vector<std::vector<std::string>> want;
    for (size_t c = 0; c < schema.num_columns(); ++c) {
      const Column& col = schema.column(c);
      const bool added = c >= plausible_columns::kBrowser;
      if (!added) continue;
      QVERIFY(col.nullable);
      want.push_back({col.name, col.type == ColumnType::kInt64 ? "INTEGER" : "TEXT", "0"});
    }
    QCOMPARE(want.size(), size_t{18});
    QCOMPARE(db.Query("SELECT name, type, \"notnull\" FROM pragma_table_info('events') "
                      "WHERE cid >= 15 ORDER BY cid"),
             want);

    CHECK_OK(Write(sink.get(), PlausibleBatch(0, 12), arrow.get()));
    CHECK_OK(sink->Close());
    // Opening again finds every column and changes nothing.
    CHECK_OK(sink->Open("events", schema));
    QCOMPARE(db.One("SELECT count(*) FROM pragma_table_info('events')"), std::string("33"));

    QCOMPARE(db.Query("SELECT pathname, browser, screen_size, country_code, city_geoname_id, "
                      "user_id, session_id FROM events ORDER BY rowid LIMIT 3"),
             (std::vector<std::vector<std::string>>{
                 {"/old", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"},
                 {"/0", "Safari", "Mobile", "NULL", "NULL",
                  std::to_string(static_cast<int64_t>(0x9E3779B97F4A7C15ull)),
                  std::to_string(static_cast<int64_t>(0xC2B2AE3D27D4EB4Full))},
                 {"/1", "Chrome", "Desktop", "GB", "2655045",
                  std::to_string(static_cast<int64_t>(0x9E3779B97F4A7C15ull * 2)),
                  std::to_string(static_cast<int64_t>(0xC2B2AE3D27D4EB4Full))}}));
    QCOMPARE(db.Query("SELECT count(*), count(browser), count(utm_source), count(country_code), "
                      "typeof(max(user_id)) FROM events"),
             (std::vector<std::vector<std::string>>{{"13", "12", "12", "10", "integer"}}));
  }

  // What the sink does not add itself: the table stays as it was and the
  // message names the table, the column and the statement that fixes it.
  void oldTableIsRefusedWhenColumnsCannotBeAdded_data() {
    QTest::addColumn<QString>("omit");  // left out of the old table too
    QTest::addColumn<bool>("create_table");
    QTest::addColumn<QString>("reason");
    QTest::newRow("missing NOT NULL column")
        << "hostname" << true << "'hostname' is NOT NULL in the stream schema";
    QTest::newRow("create_table false") << "" << false
                                        << "create_table is false, so the sink does not add them";
  }
  void oldTableIsRefusedWhenColumnsCannotBeAdded() {
    QFETCH(QString, omit);
    QFETCH(bool, create_table);
    QFETCH(QString, reason);
    Db(DbPath()).Exec(OldPlausibleTable(omit.toStdString()));
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(Create({{"path", DbPath()}, {"create_table", create_table ? "true" : "false"}},
                    &sink));
    Status st = sink->Open("events", Schema::Plausible());
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    const std::string& m = st.message();
    QVERIFY2(m.find("table 'events' in '" + DbPath() + "' exists but lacks columns ") !=
                 std::string::npos,
             m.c_str());
    QVERIFY2(m.find(reason.toStdString()) != std::string::npos, m.c_str());
    QVERIFY2(m.find("'browser'") != std::string::npos, m.c_str());
    QVERIFY2(m.find("ALTER TABLE \"events\" ADD COLUMN \"session_id\" INTEGER") !=
                 std::string::npos,
             m.c_str());
    if (!omit.isEmpty())
      QVERIFY2(m.find("ALTER TABLE \"events\" ADD COLUMN \"" + omit.toStdString() +
                      "\" TEXT NOT NULL DEFAULT <value for existing rows>") != std::string::npos,
               m.c_str());
    QVERIFY(!sink->is_open());
    QCOMPARE(Db(DbPath()).One("SELECT count(*) FROM pragma_table_info('events')"),
             std::to_string(omit.isEmpty() ? 15 : 14));
  }

  void missingTableWithoutCreateIsInvalid() {
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(Create({{"path", DbPath()}, {"create_table", "false"}}, &sink));
    Status st = sink->Open("events", schema_);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    QVERIFY2(st.message().find("table 'events' does not exist") != std::string::npos,
             st.message().c_str());
  }

  void tableOptionAndKeywordNamesAreQuoted() {
    Schema schema;
    CHECK_OK(Schema::Make(Schema::Kind::kCustom,
                          {{"order", ColumnType::kString, false, {}},
                           {"group", ColumnType::kInt64, true, {}}},
                          &schema));
    UniqueSchema arrow;
    schema.ExportToArrow(arrow.get());
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(Create({{"path", DbPath()}, {"table", "select"}}, &sink));
    CHECK_OK(sink->Open("events", schema));
    auto batch = std::make_shared<RowBatch>(schema);
    batch->column(0).AppendString("a\"b");
    batch->column(1).AppendInt64(5);
    batch->CommitRow();
    CHECK_OK(Write(sink.get(), batch, arrow.get()));
    Db db(DbPath());
    QCOMPARE(db.Query("SELECT \"order\", \"group\" FROM \"select\""),
             (std::vector<std::vector<std::string>>{{"a\"b", "5"}}));
    QCOMPARE(db.One("SELECT count(*) FROM sqlite_schema WHERE name = 'events'"),
             std::string("0"));
  }

  void badOptionsAreInvalid_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("named");  // the message must name this
    QTest::newRow("unknown") << "colour" << "red" << "'colour'";
    QTest::newRow("bad bool") << "create_table" << "maybe" << "'create_table'";
    QTest::newRow("bad synchronous") << "synchronous" << "fast" << "'synchronous'";
    QTest::newRow("bad duration") << "busy_timeout" << "soon" << "'busy_timeout'";
    QTest::newRow("bad table") << "table" << "events; DROP TABLE x" << "'table'";
    QTest::newRow("empty path") << "path" << "" << "'path'";
  }
  void badOptionsAreInvalid() {
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, named);
    std::map<std::string, std::string> options = {{"path", DbPath()}};
    options[key.toStdString()] = value.toStdString();
    std::unique_ptr<SinkInstance> sink;
    Status st = Create(options, &sink);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    QVERIFY2(st.message().find(named.toStdString()) != std::string::npos, st.message().c_str());
  }

  void missingPathIsInvalid() {
    std::unique_ptr<SinkInstance> sink;
    Status st = Create({{"table", "t"}}, &sink);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    QVERIFY2(st.message().find("'path' is required") != std::string::npos, st.message().c_str());
  }

  void missingDirectoryIsNamed() {
    const std::string path = dir_->filePath("no/such/dir/test.db").toStdString();
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(Create({{"path", path}}, &sink));
    Status st = sink->Open("events", schema_);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    QVERIFY2(st.message().find(path) != std::string::npos, st.message().c_str());
    QVERIFY2(st.message().find("does not exist") != std::string::npos, st.message().c_str());
  }

  void pathIsDirectoryIsInvalid() {
    const std::string path = dir_->path().toStdString();
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(Create({{"path", path}}, &sink));
    Status st = sink->Open("events", schema_);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    QVERIFY2(st.message().find(path) != std::string::npos, st.message().c_str());
  }

  void lockedDatabaseIsRetryable() {
    auto sink = OpenSink({{"busy_timeout", "50ms"}});
    Db other(DbPath());
    other.Exec("BEGIN IMMEDIATE");
    QElapsedTimer timer;
    timer.start();
    Status st = Write(sink.get(), MakeBatch(schema_, {Simple(1)}));
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    QVERIFY2(st.message().find("SQLITE_BUSY") != std::string::npos, st.message().c_str());
    QVERIFY2(st.message().find("table 'events'") != std::string::npos, st.message().c_str());
    QVERIFY(timer.elapsed() >= 40);
    other.Exec("COMMIT");
    // The same batch succeeds once the lock is gone.
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(1)})));
    QCOMPARE(other.One("SELECT count(*) FROM events"), std::string("1"));
  }

  // A table dropped while the host runs is an outage to wait out (the
  // host retries), never a permanent refusal that would quarantine rows.
  void droppedTableIsRetryableAndRecreated() {
    auto sink = OpenSink();
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(1)})));
    Db(DbPath()).Exec("DROP TABLE events");
    Status st = Write(sink.get(), MakeBatch(schema_, {Simple(2)}));
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    QVERIFY2(st.message().find("the table is gone, re-creating it") != std::string::npos,
             st.message().c_str());
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(2)})));
    QCOMPARE(Db(DbPath()).Query("SELECT i FROM events"),
             (std::vector<std::vector<std::string>>{{"2"}}));
  }

  void droppedTableWithoutCreateWaitsForIt() {
    {
      Db db(DbPath());
      db.Exec("CREATE TABLE events (s TEXT, s_n TEXT, i INTEGER, i_n INTEGER, f REAL, "
              "f_n REAL, b INTEGER, b_n INTEGER, ts TEXT, ts_n TEXT)");
    }
    auto sink = OpenSink({{"create_table", "false"}});
    Db(DbPath()).Exec("DROP TABLE events");
    Status st = Write(sink.get(), MakeBatch(schema_, {Simple(1)}));
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    st = Write(sink.get(), MakeBatch(schema_, {Simple(1)}));
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    QVERIFY2(st.message().find("waiting for table 'events'") != std::string::npos,
             st.message().c_str());
    Db(DbPath()).Exec("CREATE TABLE events (s TEXT, s_n TEXT, i INTEGER, i_n INTEGER, f REAL, "
                      "f_n REAL, b INTEGER, b_n INTEGER, ts TEXT, ts_n TEXT)");
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(1)})));
    QCOMPARE(Db(DbPath()).One("SELECT count(*) FROM events"), std::string("1"));
  }

  void constraintFailureIsPermanentAndRolledBack() {
    {
      Db db(DbPath());
      db.Exec("CREATE TABLE events (s TEXT, s_n TEXT, i INTEGER UNIQUE, i_n INTEGER, f REAL, "
              "f_n REAL, b INTEGER, b_n INTEGER, ts TEXT, ts_n TEXT)");
    }
    auto sink = OpenSink();
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(1)})));
    Status st = Write(sink.get(), MakeBatch(schema_, {Simple(2), Simple(3), Simple(1)}));
    QVERIFY2(st.IsPermanent(), st.ToString().c_str());
    QVERIFY2(st.message().find("UNIQUE constraint failed") != std::string::npos,
             st.message().c_str());
    QVERIFY2(st.message().find("row 2") != std::string::npos, st.message().c_str());
    // Nothing of the failed batch stays, and the sink keeps working.
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(4)})));
    Db db(DbPath());
    QCOMPARE(db.Query("SELECT i FROM events ORDER BY rowid"),
             (std::vector<std::vector<std::string>>{{"1"}, {"4"}}));
  }

  void notADatabaseIsInvalid() {
    QFile f(QString::fromStdString(DbPath()));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(4096, 'z'));
    f.close();
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(Create({{"path", DbPath()}}, &sink));
    Status st = sink->Open("events", schema_);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    QVERIFY2(st.message().find("not a database") != std::string::npos, st.message().c_str());
  }
};

}  // namespace sinkhost

QTEST_GUILESS_MAIN(sinkhost::SqliteSinkTest)
#include "sqlite_sink_test.moc"
