// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Tests of the postgres sink against a real PostgreSQL server that the test
// starts itself (tests/support/postgres_server.h): the built postgres.so is
// loaded with PluginLibrary, driven with SinkInstance, and what it wrote is
// read back with libpqxx. The COPY text encoder and the SQLSTATE table are
// also tested directly.
#include <pqxx/pqxx>

#include <optional>
#include <string>
#include <vector>

#include "tests/support/enriched_columns.h"
#include "tests/support/qtest_printers.h"

#include <QElapsedTimer>
#include <QtTest>

#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <thread>

#include "core/batch/row_batch.h"
#include "core/plugin/plugin_library.h"
#include "core/schema/schema.h"
#include "tests/support/all_types.h"
#include "plugins/postgres/copy_binary.h"
#include "plugins/postgres/copy_text.h"
#include "plugins/postgres/pg_error.h"
#include "tests/support/postgres_server.h"

namespace sinkhost {
namespace {

using Rows = std::vector<std::vector<std::string>>;
// How Query shows SQL NULL; no test value looks like this.
const std::string kNull = "<null>";

using Row = testing::AllTypesRow;
using testing::AllTypesSchema;
using testing::MakeBatch;

// The table the sink creates for AllTypesSchema, for tests that create it
// themselves with a twist: `extra` is appended inside the parentheses, and
// column i gets type `i_type`.
std::string AllTypesTable(const std::string& extra = "", const std::string& name = "events",
                          const std::string& i_type = "bigint") {
  return "CREATE TABLE " + name + " (s text NOT NULL, s_n text, i " + i_type +
         " NOT NULL, i_n bigint, f double precision NOT NULL, f_n double precision, "
         "b boolean NOT NULL, b_n boolean, ts timestamptz NOT NULL, ts_n timestamptz" +
         extra + ")";
}

// The plausible table as sinkhost created it before the enrichment stage
// added its 18 nullable columns: the first 15, leaving out `omit`.
std::string OldPlausibleTable(const std::string& omit = "") {
  const std::vector<std::pair<std::string, std::string>> columns = {
      {"timestamp", "timestamp with time zone NOT NULL"},
      {"name", "text NOT NULL"},
      {"domain", "text NOT NULL"},
      {"url", "text NOT NULL"},
      {"hostname", "text NOT NULL"},
      {"pathname", "text NOT NULL"},
      {"referrer", "text"},
      {"screen_width", "bigint"},
      {"props", "text NOT NULL"},
      {"revenue_amount", "double precision"},
      {"revenue_currency", "text"},
      {"interactive", "boolean NOT NULL"},
      {"scroll_depth", "bigint"},
      {"engagement_time", "bigint"},
      {"user_agent", "text"}};
  std::string sql = "CREATE TABLE events (";
  bool first = true;
  for (const auto& [name, decl] : columns) {
    if (name == omit) continue;
    sql += (first ? "\"" : ", \"") + name + "\" " + decl;
    first = false;
  }
  return sql + ")";
}

// Strings that break naive COPY text or SQL handling.
std::vector<std::string> AwkwardStrings() {
  return {"",
          "it's",
          "say \"hi\"",
          "tab\there\t",
          "line1\nline2\n",
          "cr\rlf\r\n",
          "back\\slash\\",
          "\\N",       // the NULL marker, as text
          "\\.",       // the old end-of-data marker
          "\\\\N\t\\", 
          "N",
          "emoji \xF0\x9F\x98\x80 clef \xF0\x9D\x84\x9E \xE2\x82\xAC \xC3\xA9",
          "ctl \x01\x07\x08\x0b\x0c\x1f\x7f",
          "'); DROP TABLE events; --",
          std::string(100 * 1024, 'x') + "\t\\\n" + std::string(100, 'y')};
}

// 100,000 rows shaped like Plausible traffic, for the large-batch test.
std::shared_ptr<RowBatch> PlausibleRows(int64_t n) {
  auto b = std::make_shared<RowBatch>(Schema::Plausible());
  const char* pages[] = {"/", "/pricing", "/blog/postgres-copy", "/docs/start", "/about"};
  for (int64_t i = 0; i < n; ++i) {
    const std::string path = pages[i % 5];
    b->column(0).AppendInt64(1795537134123456 + i);
    b->column(1).AppendString(i % 10 == 0 ? "signup" : "pageview");
    b->column(2).AppendString("example.com");
    b->column(3).AppendString("https://example.com" + path + "?id=" + std::to_string(i));
    b->column(4).AppendString("example.com");
    b->column(5).AppendString(path);
    if (i % 3 == 0) b->column(6).AppendNull();
    else b->column(6).AppendString("https://www.google.com/");
    b->column(7).AppendInt64(i);
    b->column(8).AppendString(i % 4 == 0 ? "{\"plan\":\"pro\"}" : "{}");
    if (i % 10 == 0) {
      b->column(9).AppendFloat64(19.99);
      b->column(10).AppendString("EUR");
    } else {
      b->column(9).AppendNull();
      b->column(10).AppendNull();
    }
    b->column(11).AppendBool(i % 7 != 0);
    b->column(12).AppendInt64(i % 101);
    b->column(13).AppendInt64(i * 37 % 60000);
    b->column(14).AppendString("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
                               "Gecko) Chrome/120.0.0.0 Safari/537.36");
    testing::AppendEnrichedColumns(b.get(), i);
    b->CommitRow();
  }
  return b;
}

#define CHECK_OK(expr)                              \
  do {                                              \
    ::sinkhost::Status _st = (expr);                \
    QVERIFY2(_st.ok(), _st.ToString().c_str());     \
  } while (0)

// QVERIFY2 that `haystack` contains `needle`, showing both otherwise.
#define CHECK_CONTAINS(haystack, needle)                                               \
  do {                                                                                 \
    const std::string _h = (haystack);                                                 \
    const std::string _n = (needle);                                                   \
    QVERIFY2(_h.find(_n) != std::string::npos, ("'" + _n + "' not in: " + _h).c_str()); \
  } while (0)

}  // namespace

class PostgresSinkTest : public QObject {
  Q_OBJECT

 private:
  std::unique_ptr<testing::PostgresServer> server_;
  std::shared_ptr<PluginLibrary> lib_;
  Schema schema_ = AllTypesSchema();
  UniqueSchema arrow_schema_;
  uint64_t next_seq_ = 0;

  // Every row of `sql`, each value as text (kNull for NULL), read with a
  // fresh connection so that server restarts do not matter.
  Rows Query(const std::string& sql) {
    Rows out;
    try {
      pqxx::connection c(server_->ConnectionString());
      pqxx::nontransaction tx(c);
      tx.exec0("SET TIME ZONE 'UTC'");
      for (const auto& row : tx.exec(sql)) {
        std::vector<std::string> values;
        for (const auto& field : row)
          values.push_back(field.is_null() ? kNull : std::string(field.c_str(), field.size()));
        out.push_back(std::move(values));
      }
    } catch (const std::exception& e) {
      out = {{std::string("query failed: ") + e.what()}};
    }
    return out;
  }
  std::string One(const std::string& sql) {
    Rows rows = Query(sql);
    return rows.empty() || rows[0].empty() ? "<none>" : rows[0][0];
  }
  // Runs statements; returns "" or the error.
  std::string Exec(const std::string& sql) {
    try {
      pqxx::connection c(server_->ConnectionString());
      pqxx::nontransaction(c).exec(sql);
      return "";
    } catch (const std::exception& e) {
      return e.what();
    }
  }

  Status Create(std::map<std::string, std::string> options, std::unique_ptr<SinkInstance>* out) {
    if (!options.count("connection")) options["connection"] = server_->ConnectionString();
    return SinkInstance::Create(lib_, options, out);
  }
  // Creates and opens a sink for stream "events" of `schema` (schema_).
  std::unique_ptr<SinkInstance> OpenSink(std::map<std::string, std::string> options = {},
                                         const Schema* schema = nullptr) {
    std::unique_ptr<SinkInstance> sink;
    Status st = Create(options, &sink);
    if (st.ok()) st = sink->Open("events", schema ? *schema : schema_);
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
  std::vector<Row> Simples(int64_t from, int64_t to) {
    std::vector<Row> rows;
    for (int64_t i = from; i < to; ++i) rows.push_back(Simple(i));
    return rows;
  }
  // True when PostgreSQL's text for a float8 (shortest exact since
  // PostgreSQL 12) reads back as `want`, bit for bit (NaN: any NaN).
  static bool SameDouble(const std::string& text, double want) {
    const double got = std::strtod(text.c_str(), nullptr);
    if (std::isnan(want)) return std::isnan(got);
    return std::memcmp(&got, &want, sizeof got) == 0;
  }

 private slots:
  void initTestCase() {
    const char* dir = std::getenv("SINKHOST_PLUGIN_DIR");
    QVERIFY2(dir != nullptr, "SINKHOST_PLUGIN_DIR is not set; run through ctest");
    CHECK_OK(PluginLibrary::Load(std::string(dir) + "/postgres.so", &lib_));
    schema_.ExportToArrow(arrow_schema_.get());
    server_ = std::make_unique<testing::PostgresServer>();
    // No server means no test of this sink: fail with the reason, never skip.
    QVERIFY2(server_->Start(), server_->error().c_str());
  }
  void cleanupTestCase() {
    if (server_) QVERIFY2(server_->Stop(), server_->error().c_str());
  }
  void init() {
    // A test that failed half-way through an outage leaves the server down.
    QVERIFY2(server_->Start(), server_->error().c_str());
    const std::string err = Exec(
        "DROP SCHEMA IF EXISTS public CASCADE; DROP SCHEMA IF EXISTS \"Analytics\" CASCADE; "
        "CREATE SCHEMA public;");
    QVERIFY2(err.empty(), err.c_str());
  }

  // ---- the encoder and the error table, without the server ----

  void copyTextEscapes() {
    std::string out;
    QVERIFY(postgres::AppendCopyString(&out, "plain"));
    QVERIFY(postgres::AppendCopyString(&out, "|a\tb\nc\rd\\e|"));
    QVERIFY(postgres::AppendCopyString(&out, "|\\N|\\.|"));
    QVERIFY(postgres::AppendCopyString(&out, "\"'\x01\xF0\x9F\x98\x80"));
    const std::string want = "plain|a\\tb\\nc\\rd\\\\e||\\\\N|\\\\.|\"'\x01\xF0\x9F\x98\x80";
    QCOMPARE(out, want);
    // A NUL byte is refused and leaves nothing behind.
    QVERIFY(!postgres::AppendCopyString(&out, std::string("a\0b", 3)));
    QCOMPARE(out, want);
  }

  void copyTextNumbersAndTimestamps() {
    auto dbl = [](double v) {
      std::string s;
      postgres::AppendCopyDouble(&s, v);
      return s;
    };
    QCOMPARE(dbl(std::nan("")), std::string("NaN"));
    QCOMPARE(dbl(INFINITY), std::string("Infinity"));
    QCOMPARE(dbl(-INFINITY), std::string("-Infinity"));
    QCOMPARE(dbl(0.1), std::string("0.1"));
    QCOMPARE(dbl(-0.0), std::string("-0.0"));
    QCOMPARE(dbl(1e300), std::string("1e+300"));
    QCOMPARE(dbl(std::numeric_limits<double>::denorm_min()), std::string("5e-324"));
    auto ts = [](int64_t us) {
      std::string s;
      postgres::AppendCopyTimestamp(&s, us);
      return s;
    };
    QCOMPARE(ts(0), std::string("1970-01-01T00:00:00.000000Z"));
    QCOMPARE(ts(-1), std::string("1969-12-31T23:59:59.999999Z"));
    QCOMPARE(ts(-62135596800000000), std::string("0001-01-01T00:00:00.000000Z"));
    QCOMPARE(ts(-62135596800000001), std::string("0001-12-31T23:59:59.999999Z BC"));
    QCOMPARE(ts(-62167219200000000), std::string("0001-01-01T00:00:00.000000Z BC"));
    QCOMPARE(ts(-62167219200000001), std::string("0002-12-31T23:59:59.999999Z BC"));
    QCOMPARE(ts(253402300799999999), std::string("9999-12-31T23:59:59.999999Z"));
    QCOMPARE(ts(253402300800000000), std::string("10000-01-01T00:00:00.000000Z"));
    QCOMPARE(ts(std::numeric_limits<int64_t>::max()), std::string("294247-01-10T04:00:54.775807Z"));
  }

  void copyBinaryBytes() {
    Schema schema;
    CHECK_OK(Schema::Make(Schema::Kind::kCustom,
                          {{"s", ColumnType::kString, true, {}},
                           {"i", ColumnType::kInt64, false, {}},
                           {"f", ColumnType::kFloat64, false, {}},
                           {"b", ColumnType::kBool, false, {}},
                           {"ts", ColumnType::kTimestamp, false, {}}},
                          &schema));
    UniqueSchema arrow;
    schema.ExportToArrow(arrow.get());
    auto batch = std::make_shared<RowBatch>(schema);
    batch->column(0).AppendString("h\t");
    batch->column(1).AppendInt64(-2);
    batch->column(2).AppendFloat64(1.0);
    batch->column(3).AppendBool(true);
    batch->column(4).AppendInt64(946684800000001);  // 2000-01-01T00:00:00.000001Z
    batch->CommitRow();
    batch->column(0).AppendNull();
    batch->column(1).AppendInt64(0);
    batch->column(2).AppendFloat64(0.0);
    batch->column(3).AppendBool(false);
    batch->column(4).AppendInt64(0);
    batch->CommitRow();
    UniqueArray array;
    RowBatch::ExportToArrow(batch, array.get());
    BatchView view;
    CHECK_OK(BatchView::Make(arrow.get(), array.get(), &view));
    std::string out;
    postgres::AppendCopyBinaryHeader(&out);
    CHECK_OK(postgres::AppendCopyBinaryRow(view, 0, &out));
    QCOMPARE(out.substr(0, 19), std::string("PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0", 19));
    QCOMPARE(out.substr(19), std::string("\0\5"                                  // 5 fields
                                         "\0\0\0\2h\t"                         // text
                                         "\0\0\0\x08\xff\xff\xff\xff\xff\xff\xff\xfe"  // -2
                                         "\0\0\0\x08\x3f\xf0\0\0\0\0\0\0"          // 1.0
                                         "\0\0\0\x01\x01"                       // true
                                         "\0\0\0\x08\0\0\0\0\0\0\0\x01",       // 1 us after 2000
                                         2 + 6 + 12 + 12 + 5 + 12));
    out.clear();
    CHECK_OK(postgres::AppendCopyBinaryRow(view, 1, &out));
    QCOMPARE(out.substr(0, 6), std::string("\0\5\xff\xff\xff\xff", 6));  // NULL: length -1
    postgres::AppendCopyBinaryTrailer(&out);
    QCOMPARE(out.substr(out.size() - 2), std::string("\xff\xff"));
  }

  void sqlstateClassification_data() {
    QTest::addColumn<QString>("sqlstate");
    QTest::addColumn<bool>("retryable");
    for (const char* s : {"08000", "08006", "08001", "57P01", "57P02", "57P03", "40001", "40P01",
                          "55P03", "53300", "53100", "53200", "42P01", "3F000", "58030", "57014",
                          "25006"})
      QTest::newRow(s) << s << true;
    for (const char* s : {"22P02", "22003", "22008", "22021", "23505", "23514", "23502", "42703",
                          "42804", "42601", "42P07", "XX000", "0A000"})
      QTest::newRow(s) << s << false;
    // No SQLSTATE: a client-side failure; the server never judged the batch.
    QTest::newRow("none") << "" << true;
  }
  void sqlstateClassification() {
    QFETCH(QString, sqlstate);
    QFETCH(bool, retryable);
    if (!sqlstate.isEmpty())
      QCOMPARE(postgres::IsRetryableSqlState(sqlstate.toStdString()), retryable);
    postgres::PgError e{sqlstate.toStdString(), "boom", false};
    Status st = postgres::ErrorStatus(e, "COPY failed", "'public.t'", Status::Code::kPermanent);
    QCOMPARE(st.IsRetryable(), retryable);
    QCOMPARE(st.IsPermanent(), !retryable);
    CHECK_CONTAINS(st.message(), "postgres: COPY failed (table 'public.t'): boom");
    if (!sqlstate.isEmpty())
      CHECK_CONTAINS(st.message(), "[SQLSTATE " + sqlstate.toStdString() + "]");
    // A lost connection is retryable whatever the code says.
    e.connection_lost = true;
    QVERIFY(postgres::ErrorStatus(e, "x", "t", Status::Code::kPermanent).IsRetryable());
  }

  // A missing grant: retried while writing (the operator grants it; no row
  // is at fault), refused at Open as the configuration error it is.
  void insufficientPrivilegeIsRetriedWhileWriting() {
    postgres::PgError e{"42501", "permission denied for table t", false};
    QVERIFY(postgres::ErrorStatus(e, "COPY failed", "t", Status::Code::kPermanent).IsRetryable());
    QVERIFY(postgres::ErrorStatus(e, "open", "t", Status::Code::kInvalidArgument)
                .IsInvalidArgument());
  }

  // ---- through the loader, against the server ----

  void descriptor() {
    const PluginInfo& info = lib_->info();
    QCOMPARE(info.name, std::string("postgres"));
    QCOMPARE(info.capabilities, SINKHOST_CAP_TRANSACTIONAL | SINKHOST_CAP_DURABLE);
    std::map<std::string, PluginInfo::Option> opts;
    for (const auto& o : info.options) opts[o.name] = o;
    QCOMPARE(opts.size(), size_t{6});
    QCOMPARE(opts.at("ledger_table").default_value, std::string("sinkhost_ledger"));
    QVERIFY(opts.at("connection").required);
    QCOMPARE(opts.at("schema").default_value, std::string("public"));
    QVERIFY(!opts.at("table").has_default);
    QCOMPARE(opts.at("create_table").type, std::string("bool"));
    QCOMPARE(opts.at("create_table").default_value, std::string("true"));
    QCOMPARE(opts.at("connect_timeout").type, std::string("duration"));
    QCOMPARE(opts.at("connect_timeout").default_value, std::string("10s"));
  }

  void createsTableWithTypesAndNotNull() {
    auto sink = OpenSink();
    const Rows want = {{"s", "text", "t"},
                       {"s_n", "text", "f"},
                       {"i", "bigint", "t"},
                       {"i_n", "bigint", "f"},
                       {"f", "double precision", "t"},
                       {"f_n", "double precision", "f"},
                       {"b", "boolean", "t"},
                       {"b_n", "boolean", "f"},
                       {"ts", "timestamp with time zone", "t"},
                       {"ts_n", "timestamp with time zone", "f"}};
    QCOMPARE(Query("SELECT attname, format_type(atttypid, atttypmod), attnotnull "
                   "FROM pg_attribute WHERE attrelid = 'public.events'::regclass "
                   "AND attnum > 0 AND NOT attisdropped ORDER BY attnum"),
             want);
    CHECK_OK(sink->Close());
    // Opening again finds the table and leaves it alone.
    CHECK_OK(sink->Open("events", schema_));
    QCOMPARE(One("SELECT count(*) FROM pg_class WHERE relname = 'events'"), std::string("1"));
  }

  // The sink writes binary COPY into a table of exactly its own types and
  // COPY text into anything else; a numeric column forces text (and would
  // store wrong numbers if binary were used for it).
  void formats_data() {
    QTest::addColumn<bool>("binary");
    QTest::newRow("binary") << true;
    QTest::newRow("text") << false;
  }
  void UseFormat(bool binary) {
    if (!binary) QCOMPARE(Exec(AllTypesTable("", "events", "numeric")), std::string());
  }

  void roundTripsEveryType_data() { formats_data(); }
  void roundTripsEveryType() {
    QFETCH(bool, binary);
    UseFormat(binary);
    const auto strings = AwkwardStrings();
    const std::vector<int64_t> ints = {0, -1, 1, std::numeric_limits<int64_t>::min(),
                                       std::numeric_limits<int64_t>::max(), 1234567890123};
    const std::vector<double> floats = {0.0,      -0.0,      0.1,     -2.5,    1e-300,
                                        1e300,    DBL_MAX,   -DBL_MAX, DBL_MIN,
                                        std::numeric_limits<double>::denorm_min(),
                                        INFINITY, -INFINITY, std::nan(""), 1.0 / 3};
    std::vector<Row> rows;
    for (size_t k = 0; k < 2 * strings.size(); ++k) {
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
        r.ts_n = -static_cast<int64_t>(k) * 86400000001LL;
      }
      rows.push_back(r);
    }
    auto sink = OpenSink();
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, rows)));
    CHECK_OK(sink->Flush());  // a no-op: the write has committed

    // Rows have no id; i and ts identify them (ts is unique here).
    const Rows got = Query(
        "SELECT s, s_n, i::text, i_n::text, f::text, f_n::text, b::text, b_n::text, "
        "(extract(epoch FROM ts) * 1000000)::bigint::text, "
        "(extract(epoch FROM ts_n) * 1000000)::bigint::text FROM events ORDER BY ts");
    QCOMPARE(got.size(), rows.size());
    for (size_t k = 0; k < rows.size(); ++k) {
      const Row& r = rows[k];
      const auto& g = got[k];
      QCOMPARE(g[0], r.s);
      QCOMPARE(g[2], std::to_string(r.i));
      QVERIFY2(SameDouble(g[4], r.f), g[4].c_str());
      QCOMPARE(g[6], std::string(r.b ? "true" : "false"));
      QCOMPARE(g[8], std::to_string(r.ts));
      if (!r.s_n) {
        for (int c : {1, 3, 5, 7, 9}) QCOMPARE(g[c], kNull);
        continue;
      }
      QCOMPARE(g[1], *r.s_n);
      QCOMPARE(g[3], std::to_string(*r.i_n));
      QVERIFY2(SameDouble(g[5], *r.f_n), g[5].c_str());
      QCOMPARE(g[7], std::string(*r.b_n ? "true" : "false"));
      QCOMPARE(g[9], std::to_string(*r.ts_n));
    }
    // The sign of zero and NaN survive as themselves, not as NULL or 0.
    QCOMPARE(One("SELECT count(*) FROM events WHERE f = 'NaN'"), std::string("2"));
    QCOMPARE(One("SELECT count(*) FROM events WHERE f = '-Infinity'"), std::string("2"));
    QCOMPARE(One("SELECT count(*) FROM events WHERE s = E'\\\\N'"), std::string("2"));
    QCOMPARE(One("SELECT max(length(s)) FROM events"), std::to_string(100 * 1024 + 103));
  }

  void timestampsRoundTrip_data() { formats_data(); }
  void timestampsRoundTrip() {
    QFETCH(bool, binary);
    UseFormat(binary);
    struct Case {
      int64_t us;
      std::string text;  // PostgreSQL's output in UTC
    };
    const std::vector<Case> cases = {
        {0, "1970-01-01 00:00:00+00"},
        {-1, "1969-12-31 23:59:59.999999+00"},
        {1, "1970-01-01 00:00:00.000001+00"},
        {1795537134123456, "2026-11-24 16:18:54.123456+00"},
        {951868799500000, "2000-02-29 23:59:59.5+00"},
        {-2203847999999999, "1900-03-01 12:00:00.000001+00"},
        {-62135596800000000, "0001-01-01 00:00:00+00"},
        {-62135596800000001, "0001-12-31 23:59:59.999999+00 BC"},
        {-210866803200000000, "4714-11-24 00:00:00+00 BC"},  // PostgreSQL's first instant
        {253402300799999999, "9999-12-31 23:59:59.999999+00"},
        {253402300800000000, "10000-01-01 00:00:00+00"},
        {std::numeric_limits<int64_t>::max(), "294247-01-10 04:00:54.775807+00"},
    };
    std::vector<Row> rows;
    for (size_t k = 0; k < cases.size(); ++k) {
      Row r = Simple(static_cast<int64_t>(k));
      r.ts = cases[k].us;
      rows.push_back(r);
    }
    auto sink = OpenSink();
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, rows)));
    const Rows got = Query(
        "SELECT ts::text, (extract(epoch FROM ts) * 1000000)::bigint::text FROM events ORDER BY i");
    QCOMPARE(got.size(), cases.size());
    for (size_t k = 0; k < cases.size(); ++k) {
      QCOMPARE(got[k][0], cases[k].text);
      // Near the int64 limit extract() falls back to float8 and rounds;
      // the text above is exact.
      if (cases[k].us < std::numeric_limits<int64_t>::max())
        QCOMPARE(got[k][1], std::to_string(cases[k].us));
    }

    // Before 4714-11-24 BC PostgreSQL has no timestamps: a data exception
    // (from the server for text, found while encoding binary), permanent;
    // nothing of the batch stays.
    Row early = Simple(100);
    early.ts = std::numeric_limits<int64_t>::min();
    Status st = Write(sink.get(), MakeBatch(schema_, {Simple(99), early}));
    QVERIFY2(st.IsPermanent(), st.ToString().c_str());
    CHECK_CONTAINS(st.message(), "timestamp out of range");
    CHECK_CONTAINS(st.message(), binary ? "column 'ts'" : "SQLSTATE 22008");
    CHECK_CONTAINS(st.message(), "'public.events'");
    early.ts = postgres::kPgMinTimestampMicros - 1;
    QVERIFY(Write(sink.get(), MakeBatch(schema_, {early})).IsPermanent());
    QCOMPARE(One("SELECT count(*) FROM events"), std::to_string(cases.size()));
  }

  void nulByteIsPermanentAndNamed_data() { formats_data(); }
  void nulByteIsPermanentAndNamed() {
    QFETCH(bool, binary);
    UseFormat(binary);
    auto sink = OpenSink();
    Row bad = Simple(2);
    bad.s_n = std::string("a\0b", 3);
    Status st = Write(sink.get(), MakeBatch(schema_, {Simple(1), bad}));
    QVERIFY2(st.IsPermanent(), st.ToString().c_str());
    CHECK_CONTAINS(st.message(), "row 1 of the batch, column 's_n'");
    CHECK_CONTAINS(st.message(), "NUL");
    CHECK_CONTAINS(st.message(), "'public.events'");
    // The COPY was abandoned, not committed, and the connection still works.
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(3)})));
    QCOMPARE(Query("SELECT i FROM events"), (Rows{{"3"}}));
  }

  void emptyBatchWritesNothing() {
    auto sink = OpenSink();
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {})));
    QCOMPARE(One("SELECT count(*) FROM events"), std::string("0"));
  }

  static int64_t ScrollDepthSum(int64_t rows) {
    int64_t sum = 0;
    for (int64_t i = 0; i < rows; ++i) sum += i % 101;
    return sum;
  }
  void largeBatch() {
    const Schema& schema = Schema::Plausible();
    UniqueSchema arrow;
    schema.ExportToArrow(arrow.get());
    constexpr int64_t kRows = 100000;
    auto batch = PlausibleRows(kRows);
    auto sink = OpenSink({{"table", "plausible"}}, &schema);
    QElapsedTimer timer;
    timer.start();
    CHECK_OK(Write(sink.get(), batch, arrow.get()));
    const qint64 ms = timer.elapsed();
    qInfo("COPY of %lld Plausible rows: %lld ms (%.0f rows/s)", static_cast<long long>(kRows),
          static_cast<long long>(ms), kRows * 1000.0 / std::max<qint64>(ms, 1));
    QCOMPARE(Query("SELECT count(*), count(DISTINCT url), sum(screen_width), count(referrer), "
                   "count(revenue_amount), sum(scroll_depth), "
                   "min((extract(epoch FROM timestamp) * 1000000)::bigint), "
                   "max((extract(epoch FROM timestamp) * 1000000)::bigint) FROM plausible"),
             (Rows{{"100000", "100000", std::to_string(kRows * (kRows - 1) / 2), "66666",
                    "10000", std::to_string(ScrollDepthSum(kRows)), "1795537134123456",
                    std::to_string(1795537134123456 + kRows - 1)}}));
  }

  void batchesKeepTheirOrder() {
    // An identity column numbers the rows in the order the server got them.
    QCOMPARE(Exec(AllTypesTable(", id bigint GENERATED ALWAYS AS IDENTITY")), std::string());
    auto sink = OpenSink();
    for (int b = 0; b < 5; ++b)
      CHECK_OK(Write(sink.get(), MakeBatch(schema_, Simples(b * 200, b * 200 + 200))));
    const Rows got = Query("SELECT i FROM events ORDER BY id");
    QCOMPARE(got.size(), size_t{1000});
    for (size_t k = 0; k < got.size(); ++k) QCOMPARE(got[k][0], std::to_string(k));
  }

  void existingTableWithExtraColumnsAndOtherTypesIsUsed() {
    // Text COPY lets the server convert: varchar, numeric, timestamp
    // without zone and an extra column with a default all work.
    QCOMPARE(Exec("CREATE TABLE events (id serial PRIMARY KEY, s varchar(20) NOT NULL, s_n text, "
                  "i numeric, i_n integer, f real, f_n numeric, b boolean, b_n boolean, "
                  "ts timestamp, ts_n timestamptz, extra text DEFAULT 'dflt')"),
             std::string());
    auto sink = OpenSink({{"create_table", "false"}});
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(7)})));
    QCOMPARE(Query("SELECT id, s, i, f, ts::text, extra FROM events"),
             (Rows{{"1", "row7", "7", "3.5", "1970-01-01 00:00:07", "dflt"}}));
  }

  void existingTableMissingNullableColumnGetsIt() {
    QCOMPARE(Exec("CREATE TABLE events (s text, s_n text, i bigint, i_n bigint, f float8, "
                  "f_n float8, b bool, b_n bool, ts timestamptz, \"TS_N\" timestamptz)"),
             std::string());
    auto sink = OpenSink();
    // Quoted names are case-sensitive: "TS_N" is not ts_n, so ts_n is added.
    QCOMPARE(Query("SELECT attname, format_type(atttypid, atttypmod), attnotnull "
                   "FROM pg_attribute WHERE attrelid = 'public.events'::regclass "
                   "AND attnum > 9 AND NOT attisdropped ORDER BY attnum"),
             (Rows{{"TS_N", "timestamp with time zone", "f"},
                   {"ts_n", "timestamp with time zone", "f"}}));
    Row r = Simple(1);
    r.ts_n = 5000000;
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {r})));
    QCOMPARE(Query("SELECT i, (extract(epoch FROM ts_n))::bigint, \"TS_N\" FROM events"),
             (Rows{{"1", "5", kNull}}));
  }

  // A table created before the enrichment stage gets the plausible
  // schema's 18 new nullable columns on open; old rows read NULL in them,
  // and binary COPY still applies (the types are the sink's own).
  void oldPlausibleTableGetsEnrichedColumns() {
    QCOMPARE(Exec(OldPlausibleTable()), std::string());
    QCOMPARE(Exec("INSERT INTO events VALUES ('2026-01-01 00:00:00+00', 'pageview', "
                  "'example.com', 'https://example.com/old', 'example.com', '/old', NULL, 1024, "
                  "'{}', NULL, NULL, true, NULL, NULL, 'curl')"),
             std::string());
    const Schema& schema = Schema::Plausible();
    UniqueSchema arrow;
    schema.ExportToArrow(arrow.get());
    std::map<std::string, std::string> options = {
        {"connection", server_->ConnectionString() + " options='-c log_statement=all'"}};
    auto sink = OpenSink(options, &schema);

    Rows want;
    for (size_t c = plausible_columns::kBrowser; c < schema.num_columns(); ++c) {
      const Column& col = schema.column(c);
      QVERIFY(col.nullable);
      want.push_back({col.name, col.type == ColumnType::kInt64 ? "bigint" : "text", "f"});
    }
    QCOMPARE(want.size(), size_t{18});
    QCOMPARE(Query("SELECT attname, format_type(atttypid, atttypmod), attnotnull "
                   "FROM pg_attribute WHERE attrelid = 'public.events'::regclass "
                   "AND attnum > 15 AND NOT attisdropped ORDER BY attnum"),
             want);
    CHECK_CONTAINS(server_->Log(), "LOCK TABLE \"public\".\"events\" IN ACCESS EXCLUSIVE MODE");
    CHECK_CONTAINS(server_->Log(),
                   "ALTER TABLE \"public\".\"events\" ADD COLUMN IF NOT EXISTS \"browser\" text, "
                   "ADD COLUMN IF NOT EXISTS \"browser_version\" text");

    CHECK_OK(Write(sink.get(), PlausibleRows(12), arrow.get()));
    CHECK_CONTAINS(server_->Log(), "COPY \"public\".\"events\" (\"timestamp\"");
    CHECK_CONTAINS(server_->Log(), "\"session_id\") FROM STDIN (FORMAT binary)");
    CHECK_OK(sink->Close());
    // Opening again finds every column and changes nothing.
    CHECK_OK(sink->Open("events", schema));
    QCOMPARE(One("SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.events'::regclass "
                 "AND attnum > 0 AND NOT attisdropped"),
             std::string("33"));

    QCOMPARE(Query("SELECT pathname, browser, screen_size, country_code, city_geoname_id, "
                   "user_id, session_id FROM events ORDER BY timestamp LIMIT 3"),
             (Rows{{"/old", kNull, kNull, kNull, kNull, kNull, kNull},
                   {"/", "Safari", "Mobile", kNull, kNull,
                    std::to_string(static_cast<int64_t>(0x9E3779B97F4A7C15ull)),
                    std::to_string(static_cast<int64_t>(0xC2B2AE3D27D4EB4Full))},
                   {"/pricing", "Chrome", "Desktop", "GB", "2655045",
                    std::to_string(static_cast<int64_t>(0x9E3779B97F4A7C15ull * 2)),
                    std::to_string(static_cast<int64_t>(0xC2B2AE3D27D4EB4Full))}}));
    QCOMPARE(Query("SELECT count(*), count(browser), count(utm_source), count(country_code) "
                   "FROM events"),
             (Rows{{"13", "12", "12", "10"}}));
  }

  // Two hosts opening the same old table at once: each column is added
  // once, and both opens succeed.
  void concurrentOpensAddColumnsOnce() {
    QCOMPARE(Exec(OldPlausibleTable()), std::string());
    const Schema& schema = Schema::Plausible();
    std::unique_ptr<SinkInstance> a, b;
    CHECK_OK(Create({}, &a));
    CHECK_OK(Create({}, &b));
    Status st_a, st_b;
    std::thread other([&] { st_b = b->Open("events", schema); });
    st_a = a->Open("events", schema);
    other.join();
    CHECK_OK(st_a);
    CHECK_OK(st_b);
    QCOMPARE(One("SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.events'::regclass "
                 "AND attnum > 0 AND NOT attisdropped"),
             std::string("33"));
  }

  // The columns are added under ACCESS EXCLUSIVE; a reader holding the
  // table past the lock timeout makes the open retryable, not stuck.
  void oldTableHeldByAReaderIsRetryableAtOpen() {
    QCOMPARE(Exec(OldPlausibleTable()), std::string());
    pqxx::connection other(server_->ConnectionString());
    pqxx::work reader(other);
    reader.exec("SELECT count(*) FROM events");
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(Create({}, &sink));
    Status st = sink->Open("events", Schema::Plausible());
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    CHECK_CONTAINS(st.message(), "SQLSTATE 55P03");
    CHECK_CONTAINS(st.message(), "'public.events'");
    reader.commit();
    CHECK_OK(sink->Open("events", Schema::Plausible()));
  }

  // A role that may not alter the table: the open fails quoting the
  // statement, for the owner to run.
  void oldTableOfAnotherOwnerIsInvalidWithTheStatement() {
    QCOMPARE(Exec(OldPlausibleTable() +
                  "; DROP ROLE IF EXISTS sinkhost_writer; CREATE ROLE sinkhost_writer LOGIN; "
                  "GRANT USAGE, CREATE ON SCHEMA public TO sinkhost_writer"),
             std::string());
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(Create({{"connection", server_->ConnectionString() + " user=sinkhost_writer"}},
                    &sink));
    Status st = sink->Open("events", Schema::Plausible());
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    // LOCK TABLE ... ACCESS EXCLUSIVE already needs more than it has.
    CHECK_CONTAINS(st.message(), "the missing nullable columns with ALTER TABLE "
                                 "\"public\".\"events\" ADD COLUMN IF NOT EXISTS \"browser\" text");
    CHECK_CONTAINS(st.message(), "SQLSTATE 42501");
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
    QCOMPARE(Exec(OldPlausibleTable(omit.toStdString())), std::string());
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(Create({{"create_table", create_table ? "true" : "false"}}, &sink));
    Status st = sink->Open("events", Schema::Plausible());
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    CHECK_CONTAINS(st.message(), "table 'public.events' exists but lacks columns ");
    CHECK_CONTAINS(st.message(), reason.toStdString());
    CHECK_CONTAINS(st.message(), "'browser'");
    CHECK_CONTAINS(st.message(), "add them yourself: ALTER TABLE \"public\".\"events\" ");
    CHECK_CONTAINS(st.message(), "ADD COLUMN IF NOT EXISTS \"session_id\" bigint");
    if (!omit.isEmpty())
      CHECK_CONTAINS(st.message(), "ADD COLUMN IF NOT EXISTS \"" + omit.toStdString() +
                                       "\" text NOT NULL DEFAULT <value for existing rows>");
    QVERIFY(!sink->is_open());
    QCOMPARE(One("SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.events'::regclass "
                 "AND attnum > 0 AND NOT attisdropped"),
             std::to_string(omit.isEmpty() ? 15 : 14));
  }

  void missingTableWithoutCreateIsInvalid() {
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(Create({{"create_table", "false"}}, &sink));
    Status st = sink->Open("events", schema_);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    CHECK_CONTAINS(st.message(), "table 'public.events' does not exist and create_table is false");
  }

  void sequenceNamedLikeTheTableIsInvalid() {
    QCOMPARE(Exec("CREATE SEQUENCE events"), std::string());
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(Create({}, &sink));
    Status st = sink->Open("events", schema_);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    CHECK_CONTAINS(st.message(), "'public.events' is a sequence");
  }

  void keywordAndMixedCaseNamesAreQuoted() {
    Schema schema;
    CHECK_OK(Schema::Make(Schema::Kind::kCustom,
                          {{"order", ColumnType::kString, false, {}},
                           {"user", ColumnType::kInt64, true, {}},
                           {"CamelCase", ColumnType::kBool, false, {}}},
                          &schema));
    UniqueSchema arrow;
    schema.ExportToArrow(arrow.get());
    QCOMPARE(Exec("CREATE SCHEMA \"Analytics\""), std::string());
    auto sink = OpenSink({{"schema", "Analytics"}, {"table", "Select"}}, &schema);
    auto batch = std::make_shared<RowBatch>(schema);
    batch->column(0).AppendString("a\"b");
    batch->column(1).AppendInt64(5);
    batch->column(2).AppendBool(true);
    batch->CommitRow();
    CHECK_OK(Write(sink.get(), batch, arrow.get()));
    QCOMPARE(Query("SELECT \"order\", \"user\", \"CamelCase\" FROM \"Analytics\".\"Select\""),
             (Rows{{"a\"b", "5", "t"}}));
    // Nothing was created under folded (lower-case) names.
    QCOMPARE(One("SELECT count(*) FROM pg_class WHERE relname IN ('select', 'events')"),
             std::string("0"));
    QCOMPARE(One("SELECT count(*) FROM pg_namespace WHERE nspname = 'analytics'"),
             std::string("0"));
  }

  void uriConnectionStringWorks() {
    auto sink = OpenSink(
        {{"connection", "postgresql://postgres@127.0.0.1:" + std::to_string(server_->port()) +
                            "/postgres?application_name=uri_test"}});
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(1)})));
    QCOMPARE(One("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'uri_test'"),
             std::string("1"));
  }

  void constraintViolationIsPermanentAndRolledBack() {
    QCOMPARE(Exec(AllTypesTable(", UNIQUE (i), CHECK (i < 1000)")), std::string());
    auto sink = OpenSink();
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(1)})));

    Status st = Write(sink.get(), MakeBatch(schema_, {Simple(2), Simple(3), Simple(1)}));
    QVERIFY2(st.IsPermanent(), st.ToString().c_str());
    CHECK_CONTAINS(st.message(), "duplicate key value violates unique constraint \"events_i_key\"");
    CHECK_CONTAINS(st.message(), "Key (i)=(1) already exists");
    CHECK_CONTAINS(st.message(), "SQLSTATE 23505");
    CHECK_CONTAINS(st.message(), "'public.events'");

    st = Write(sink.get(), MakeBatch(schema_, {Simple(4), Simple(1000)}));
    QVERIFY2(st.IsPermanent(), st.ToString().c_str());
    CHECK_CONTAINS(st.message(), "violates check constraint");
    CHECK_CONTAINS(st.message(), "SQLSTATE 23514");

    // Nothing of the failed batches stays, and the sink keeps working.
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(5)})));
    QCOMPARE(Query("SELECT i FROM events ORDER BY i"), (Rows{{"1"}, {"5"}}));
  }

  void dataAndColumnErrorsArePermanent() {
    // s is an integer column here: the text "row1" is a data exception.
    QCOMPARE(Exec("CREATE TABLE events (s integer, s_n text, i bigint, i_n bigint, f float8, "
                  "f_n float8, b bool, b_n bool, ts timestamptz, ts_n timestamptz)"),
             std::string());
    auto sink = OpenSink();
    Status st = Write(sink.get(), MakeBatch(schema_, {Simple(1)}));
    QVERIFY2(st.IsPermanent(), st.ToString().c_str());
    CHECK_CONTAINS(st.message(), "invalid input syntax for type integer");
    CHECK_CONTAINS(st.message(), "SQLSTATE 22P02");

    // A column dropped after open: undefined column.
    QCOMPARE(Exec("ALTER TABLE events ALTER COLUMN s TYPE text; "
                  "ALTER TABLE events DROP COLUMN ts_n"),
             std::string());
    st = Write(sink.get(), MakeBatch(schema_, {Simple(1)}));
    QVERIFY2(st.IsPermanent(), st.ToString().c_str());
    CHECK_CONTAINS(st.message(), "column \"ts_n\" of relation \"events\" does not exist");
    CHECK_CONTAINS(st.message(), "SQLSTATE 42703");
    QCOMPARE(One("SELECT count(*) FROM events"), std::string("0"));
  }

  void copyFormatFollowsColumnTypes() {
    // log_statement=all for the sink's sessions shows which COPY it sent.
    const std::map<std::string, std::string> logged = {
        {"connection", server_->ConnectionString() + " options='-c log_statement=all'"}};
    const std::string columns =
        "(\"s\", \"s_n\", \"i\", \"i_n\", \"f\", \"f_n\", \"b\", \"b_n\", \"ts\", \"ts_n\") "
        "FROM STDIN";
    auto options = logged;
    options["table"] = "created";
    auto created = OpenSink(options);
    CHECK_OK(Write(created.get(), MakeBatch(schema_, {Simple(1)})));
    CHECK_CONTAINS(server_->Log(), "COPY \"public\".\"created\" " + columns + " (FORMAT binary)\n");

    QCOMPARE(Exec(AllTypesTable(", extra text", "own")), std::string());
    options["table"] = "own";  // same types plus a column: still binary
    auto own = OpenSink(options);
    CHECK_OK(Write(own.get(), MakeBatch(schema_, {Simple(1)})));
    CHECK_CONTAINS(server_->Log(), "COPY \"public\".\"own\" " + columns + " (FORMAT binary)\n");

    QCOMPARE(Exec(AllTypesTable("", "num", "numeric")), std::string());
    options["table"] = "num";  // one column of another type: text
    auto num = OpenSink(options);
    CHECK_OK(Write(num.get(), MakeBatch(schema_, {Simple(2)})));
    CHECK_CONTAINS(server_->Log(), "COPY \"public\".\"num\" " + columns + "\n");
    QCOMPARE(Query("SELECT i FROM num"), (Rows{{"2"}}));
  }

  void alteredColumnTypeSwitchesToText() {
    auto sink = OpenSink();
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(1)})));
    // bigint's binary bytes would read as a wrong numeric: the sink must
    // notice the new type before its next COPY.
    QCOMPARE(Exec("ALTER TABLE events ALTER COLUMN i TYPE numeric, "
                  "ALTER COLUMN f TYPE numeric"),
             std::string());
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(123456789)})));
    QCOMPARE(Query("SELECT i::text, f::text FROM events ORDER BY i"),
             (Rows{{"1", "0.5"}, {"123456789", "61728394.5"}}));
  }

  void lockTimeoutIsRetryable() {
    // libpq's options setting passes lock_timeout through to the session.
    auto sink = OpenSink({{"connection", server_->ConnectionString() +
                                             " options='-c lock_timeout=200'"}});
    pqxx::connection other(server_->ConnectionString());
    pqxx::work locker(other);
    locker.exec0("LOCK TABLE events IN ACCESS EXCLUSIVE MODE");
    Status st = Write(sink.get(), MakeBatch(schema_, {Simple(1)}));
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    CHECK_CONTAINS(st.message(), "SQLSTATE 55P03");
    locker.commit();
    // The same batch succeeds once the lock is gone.
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(1)})));
    QCOMPARE(One("SELECT count(*) FROM events"), std::string("1"));
  }

  void droppedTableIsRetryableThenRecreated() {
    auto sink = OpenSink();
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(1)})));
    QCOMPARE(Exec("DROP TABLE events"), std::string());
    Status st = Write(sink.get(), MakeBatch(schema_, {Simple(2)}));
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    CHECK_CONTAINS(st.message(), "SQLSTATE 42P01");
    CHECK_CONTAINS(st.message(), "'public.events'");
    // The retry creates the table again (create_table is true).
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(2)})));
    QCOMPARE(Query("SELECT i FROM events"), (Rows{{"2"}}));
  }

  void droppedTableWithoutCreateWaitsForIt() {
    QCOMPARE(Exec(AllTypesTable()), std::string());
    auto sink = OpenSink({{"create_table", "false"}});
    QCOMPARE(Exec("DROP TABLE events"), std::string());
    for (int attempt = 0; attempt < 2; ++attempt) {
      Status st = Write(sink.get(), MakeBatch(schema_, {Simple(1)}));
      QVERIFY2(st.IsRetryable(), st.ToString().c_str());
      CHECK_CONTAINS(st.message(), "'public.events'");
    }
    QCOMPARE(Exec(AllTypesTable()), std::string());
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(1)})));
    QCOMPARE(One("SELECT count(*) FROM events"), std::string("1"));
  }

  void serverOutageIsRetryableAndHeals() {
    auto sink = OpenSink();
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(1)})));

    QVERIFY2(server_->Stop(), server_->error().c_str());
    // The first write finds its connection dead and cannot make a new
    // one, the second cannot connect; both say where they tried (libpq's
    // "connection to server at ..., port N failed").
    for (int attempt = 0; attempt < 2; ++attempt) {
      Status st = Write(sink.get(), MakeBatch(schema_, {Simple(2)}));
      QVERIFY2(st.IsRetryable(), st.ToString().c_str());
      CHECK_CONTAINS(st.message(), "'public.events'");
      CHECK_CONTAINS(st.message(), std::to_string(server_->port()));
    }
    // Opening a sink while the server is down is retryable too.
    std::unique_ptr<SinkInstance> late;
    CHECK_OK(Create({}, &late));
    Status st = late->Open("events", schema_);
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    CHECK_CONTAINS(st.message(), "cannot connect");

    QVERIFY2(server_->Start(), server_->error().c_str());
    // The next write reconnects; the retried batch lands once.
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(2)})));
    CHECK_OK(late->Open("events", schema_));
    CHECK_OK(Write(late.get(), MakeBatch(schema_, {Simple(3)})));
    QCOMPARE(Query("SELECT i FROM events ORDER BY i"), (Rows{{"1"}, {"2"}, {"3"}}));
  }

  void terminatedBackendIsRetryableAndReconnects() {
    auto sink = OpenSink({{"connection", server_->ConnectionString() +
                                             " application_name=victim"}});
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(1)})));
    QCOMPARE(One("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                 "WHERE application_name = 'victim'"),
             std::string("1"));
    // libpqxx may reconnect by itself when BEGIN finds the connection
    // gone; otherwise the write is retryable and the retry reconnects.
    Status st = Write(sink.get(), MakeBatch(schema_, {Simple(2)}));
    if (!st.ok()) {
      QVERIFY2(st.IsRetryable(), st.ToString().c_str());
      CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(2)})));
    }
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(3)})));
    QCOMPARE(Query("SELECT i FROM events ORDER BY i"), (Rows{{"1"}, {"2"}, {"3"}}));
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
    QCOMPARE(Query("SELECT i FROM events ORDER BY i"), (Rows{{"1"}, {"2"}}));
  }

  void missingSchemaIsRetryableAtOpen() {
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(Create({{"schema", "later"}}, &sink));
    Status st = sink->Open("events", schema_);
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    CHECK_CONTAINS(st.message(), "schema \"later\" does not exist");
    CHECK_CONTAINS(st.message(), "SQLSTATE 3F000");
    QCOMPARE(Exec("CREATE SCHEMA later"), std::string());
    CHECK_OK(sink->Open("events", schema_));
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {Simple(1)})));
    QCOMPARE(One("SELECT count(*) FROM later.events"), std::string("1"));
    QCOMPARE(Exec("DROP SCHEMA later CASCADE"), std::string());
  }

  void badOptionsAreInvalid_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("named");  // the message must name this
    QTest::newRow("unknown") << "colour" << "red" << "'colour'";
    QTest::newRow("bad bool") << "create_table" << "maybe" << "'create_table'";
    QTest::newRow("bad duration") << "connect_timeout" << "soon" << "'connect_timeout'";
    QTest::newRow("zero timeout") << "connect_timeout" << "0s" << "'connect_timeout'";
    QTest::newRow("bad table") << "table" << "events; DROP TABLE x" << "'table'";
    QTest::newRow("long table") << "table" << QString(64, 'x') << "'table'";
    QTest::newRow("dotted schema") << "schema" << "public.x" << "'schema'";
    QTest::newRow("empty schema") << "schema" << "" << "'schema'";
    QTest::newRow("empty connection") << "connection" << "" << "'connection'";
    QTest::newRow("bad keyword") << "connection" << "host=127.0.0.1 colour=red" << "'connection'";
    QTest::newRow("no value") << "connection" << "host" << "'connection'";
    QTest::newRow("bad uri") << "connection" << "postgresql://[::1" << "'connection'";
    QTest::newRow("bad uri with password")
        << "connection" << "postgresql://u:s3cret@[::1/db" << "<the connection string>";
  }
  void badOptionsAreInvalid() {
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, named);
    std::map<std::string, std::string> options = {{"connection", server_->ConnectionString()}};
    options[key.toStdString()] = value.toStdString();
    std::unique_ptr<SinkInstance> sink;
    Status st = Create(options, &sink);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    CHECK_CONTAINS(st.message(), named.toStdString());
    QVERIFY2(st.message().find("s3cret") == std::string::npos, st.message().c_str());
  }

  void missingConnectionIsInvalid() {
    std::unique_ptr<SinkInstance> sink;
    Status st = SinkInstance::Create(lib_, {{"table", "t"}}, &sink);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    CHECK_CONTAINS(st.message(), "'connection' is required");
  }

  void passwordNeverInMessages() {
    std::unique_ptr<SinkInstance> sink;
    // Nothing listens on port 1: the open fails at once.
    CHECK_OK(Create({{"connection", "host=127.0.0.1 port=1 user=u password=s3cret dbname=d"},
                     {"connect_timeout", "2s"}},
                    &sink));
    Status st = sink->Open("events", schema_);
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    QVERIFY2(st.message().find("s3cret") == std::string::npos, st.message().c_str());
    st = Create({{"connection", "password=s3cret colour=red"}}, &sink);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    QVERIFY2(st.message().find("s3cret") == std::string::npos, st.message().c_str());
  }
};

}  // namespace sinkhost

QTEST_GUILESS_MAIN(sinkhost::PostgresSinkTest)
#include "postgres_sink_test.moc"
