// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Tests of the file sink through the real loader: the built file.so is
// loaded with PluginLibrary, driven with SinkInstance, and its NDJSON output
// is parsed back line by line with simdjson.
#include <simdjson.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>
#include <string>
#include <vector>

#include "tests/support/qtest_printers.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include "core/batch/row_batch.h"
#include "core/plugin/plugin_library.h"
#include "core/schema/schema.h"
#include "tests/support/all_types.h"
#include "sinkhost/format.hpp"
#include "sinkhost/row_json.hpp"

namespace sinkhost {
namespace {

using Row = testing::AllTypesRow;
using testing::AllTypesSchema;
using testing::MakeBatch;

const char* const kColumnNames[] = {"s", "s_n", "i", "i_n", "f", "f_n", "b", "b_n", "ts", "ts_n"};

std::vector<std::string> AwkwardStrings() {
  return {"",
          "it's",
          "say \"hi\"",
          "line1\nline2",
          "tab\there",
          "back\\slash",
          "cr\rlf\r\n",
          "\b\f",
          "emoji \xF0\x9F\x98\x80 clef \xF0\x9D\x84\x9E",
          "ctl \x01\x07\x1f\x7f",
          std::string("nul\0byte", 8),
          "{\"not\":\"json\"}",
          std::string(100000, 'x')};
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The file's lines, without their '\n'; fails if the last line lacks one.
std::vector<std::string> ReadLines(const std::string& path) {
  const std::string text = ReadFile(path);
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) {
      lines.push_back("<no newline>" + text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

bool Exists(const std::string& path) {
  struct stat sb;
  return ::stat(path.c_str(), &sb) == 0;
}

#define CHECK_OK(expr)                                          \
  do {                                                          \
    ::sinkhost::Status _st = (expr);                            \
    QVERIFY2(_st.ok(), _st.ToString().c_str());                 \
  } while (0)

}  // namespace

class FileSinkTest : public QObject {
  Q_OBJECT

 private:
  std::shared_ptr<PluginLibrary> lib_;
  Schema schema_ = AllTypesSchema();
  UniqueSchema arrow_schema_;
  std::unique_ptr<QTemporaryDir> dir_;
  simdjson::dom::parser parser_;

  std::string Path() const { return dir_->filePath("events.ndjson").toStdString(); }

  std::unique_ptr<SinkInstance> OpenSink(std::map<std::string, std::string> options = {}) {
    if (!options.count("path")) options["path"] = Path();
    std::unique_ptr<SinkInstance> sink;
    Status st = SinkInstance::Create(lib_, options, &sink);
    if (st.ok()) st = sink->Open("events", schema_);
    if (!st.ok()) qFatal("open: %s", st.ToString().c_str());
    return sink;
  }
  Status Write(SinkInstance* sink, const std::shared_ptr<RowBatch>& batch) {
    UniqueArray array;
    RowBatch::ExportToArrow(batch, array.get());
    sinkhost_batch_info info{};
    info.struct_size = sizeof(info);
    info.batch_id = "events:test";
    info.row_count = static_cast<uint64_t>(batch->num_rows());
    return sink->Write(arrow_schema_.get(), std::move(array), info);
  }
  static Row Simple(int64_t i) {
    Row r;
    r.s = "row" + std::to_string(i);
    r.i = i;
    r.f = static_cast<double>(i) / 4;
    r.ts = i * 1000000;
    return r;
  }
  std::vector<Row> Range(int64_t from, int64_t to) {
    std::vector<Row> rows;
    for (int64_t i = from; i < to; ++i) rows.push_back(Simple(i));
    return rows;
  }
  // The "i" values of every line of `path`, in order.
  std::vector<int64_t> Ids(const std::string& path) {
    std::vector<int64_t> ids;
    for (const std::string& line : ReadLines(path)) {
      int64_t i = -1;
      if (parser_.parse(line)["i"].get_int64().get(i)) qWarning("bad line: %s", line.c_str());
      ids.push_back(i);
    }
    return ids;
  }
  static std::vector<int64_t> Iota(int64_t from, int64_t to) {
    std::vector<int64_t> v;
    for (int64_t i = from; i < to; ++i) v.push_back(i);
    return v;
  }

 private slots:
  void initTestCase() {
    const char* dir = std::getenv("SINKHOST_PLUGIN_DIR");
    QVERIFY2(dir != nullptr, "SINKHOST_PLUGIN_DIR is not set; run through ctest");
    CHECK_OK(PluginLibrary::Load(std::string(dir) + "/file.so", &lib_));
    schema_.ExportToArrow(arrow_schema_.get());
    // Exceeding RLIMIT_FSIZE (truncatesFailedAppend) must fail the write,
    // not kill the process.
    std::signal(SIGXFSZ, SIG_IGN);
  }
  void init() {
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dir_->isValid());
  }

  void descriptor() {
    const PluginInfo& info = lib_->info();
    QCOMPARE(info.name, std::string("file"));
    QCOMPARE(info.capabilities, uint64_t{0});
    std::map<std::string, PluginInfo::Option> opts;
    for (const auto& o : info.options) opts[o.name] = o;
    QCOMPARE(opts.size(), size_t{4});
    QVERIFY(opts.at("path").required);
    QCOMPARE(opts.at("fsync").default_value, std::string("false"));
    QCOMPARE(opts.at("rotate_bytes").type, std::string("size"));
    QCOMPARE(opts.at("rotate_bytes").default_value, std::string("0"));
    QCOMPARE(opts.at("max_files").type, std::string("int"));
    QCOMPARE(opts.at("max_files").default_value, std::string("10"));
  }

  void roundTripsEveryType() {
    const auto strings = AwkwardStrings();
    const std::vector<int64_t> ints = {0, -1, 1, std::numeric_limits<int64_t>::min(),
                                       std::numeric_limits<int64_t>::max()};
    const std::vector<double> floats = {0.0,     -0.0,     0.1,     -2.5,   1e-300, 1e300, 3.0,
                                        DBL_MAX, -DBL_MAX, DBL_MIN, std::numeric_limits<double>::denorm_min()};
    const std::vector<int64_t> times = {0, -1, 1795537134123456, -62135596800000000,
                                        253402300799999999};
    std::vector<Row> rows;
    for (size_t k = 0; k < 30; ++k) {
      Row r;
      r.s = strings[k % strings.size()];
      r.i = ints[k % ints.size()];
      r.f = floats[k % floats.size()];
      r.b = k % 2 == 0;
      r.ts = times[k % times.size()];
      if (k % 3 != 0) {
        r.s_n = strings[(k + 5) % strings.size()];
        r.i_n = ints[(k + 2) % ints.size()];
        r.f_n = floats[(k + 3) % floats.size()];
        r.b_n = k % 4 == 1;
        r.ts_n = times[(k + 1) % times.size()];
      }
      rows.push_back(r);
    }
    auto sink = OpenSink();
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, rows)));
    CHECK_OK(sink->Close());

    const auto lines = ReadLines(Path());
    QCOMPARE(lines.size(), rows.size());
    for (size_t k = 0; k < rows.size(); ++k) {
      const Row& r = rows[k];
      simdjson::dom::object obj;
      QVERIFY2(!parser_.parse(lines[k]).get_object().get(obj), lines[k].c_str());
      // Every column, by name, in schema order.
      size_t c = 0;
      for (auto field : obj) {
        QVERIFY(c < 10);
        QCOMPARE(std::string(field.key), std::string(kColumnNames[c++]));
      }
      QCOMPARE(c, size_t{10});
      auto str = [&](const char* key) { return std::string(std::string_view(obj[key])); };
      auto ts = [](int64_t us) {
        char buf[kTimestampBufferSize];
        return std::string(buf, FormatTimestampMicros(us, buf));
      };
      QCOMPARE(str("s"), r.s);
      QCOMPARE(int64_t(obj["i"]), r.i);
      QCOMPARE(double(obj["f"]), r.f);
      QCOMPARE(std::signbit(double(obj["f"])), std::signbit(r.f));
      QCOMPARE(bool(obj["b"]), r.b);
      QCOMPARE(str("ts"), ts(r.ts));
      QCOMPARE(obj["s_n"].is_null(), !r.s_n.has_value());
      QCOMPARE(obj["i_n"].is_null(), !r.i_n.has_value());
      QCOMPARE(obj["f_n"].is_null(), !r.f_n.has_value());
      QCOMPARE(obj["b_n"].is_null(), !r.b_n.has_value());
      QCOMPARE(obj["ts_n"].is_null(), !r.ts_n.has_value());
      if (r.s_n) {
        QCOMPARE(str("s_n"), *r.s_n);
        QCOMPARE(int64_t(obj["i_n"]), *r.i_n);
        QCOMPARE(double(obj["f_n"]), *r.f_n);
        QCOMPARE(bool(obj["b_n"]), *r.b_n);
        QCOMPARE(str("ts_n"), ts(*r.ts_n));
      }
    }
  }

  void lineTextIsExact() {
    Row r;
    r.s = "q\" b\\ n\n t\t r\r b\b f\f \x01\x1f\x7f \xF0\x9F\x98\x80 " + std::string(1, '\0');
    r.i = std::numeric_limits<int64_t>::min();
    r.f = 3.0;
    r.f_n = INFINITY;  // JSON has no infinity
    r.b = true;
    r.b_n = false;
    r.ts = -1;
    auto sink = OpenSink();
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {r})));
    const std::string want =
        "{\"s\":\"q\\\" b\\\\ n\\n t\\t r\\r b\\b f\\f \\u0001\\u001f\x7f \xF0\x9F\x98\x80 "
        "\\u0000\",\"s_n\":null,\"i\":-9223372036854775808,\"i_n\":null,\"f\":3.0,"
        "\"f_n\":null,\"b\":true,\"b_n\":false,\"ts\":\"1969-12-31T23:59:59.999999Z\","
        "\"ts_n\":null}\n";
    QCOMPARE(ReadFile(Path()), want);
  }

  // The sink has its own encoder (eight bytes at a time, a cached date);
  // its bytes must stay exactly those of sinkhost/row_json.hpp, which the
  // quarantine files are written with too.
  void bytesMatchRowJson() {
    std::vector<std::string> strings = AwkwardStrings();
    for (const char* s : {"abcdefgh\"ijklmnop", "12345678\n", "1234567\\", "\x1f" "2345678abcdefgh",
                          "abcdefghijklmnopqrstuvwxyz0123456789", "seven77", "eight888"})
      strings.push_back(s);
    const std::vector<int64_t> times = {1714564800000000, 1714564800000001, 1714651199999999,
                                        1714651200000000, -1, 0, -62135596800000000,
                                        253402300799999999, 253402300800000000,
                                        std::numeric_limits<int64_t>::min(),
                                        std::numeric_limits<int64_t>::max(), 1714564800123456};
    const std::vector<double> floats = {0.0, -0.0, 3.0, 0.1, 1e300, 1e-300, 1e21, 123456789.0,
                                        NAN, INFINITY, -INFINITY, DBL_MAX};
    std::vector<Row> rows;
    for (size_t k = 0; k < 60; ++k) {
      Row r;
      r.s = strings[k % strings.size()];
      r.i = k % 2 ? std::numeric_limits<int64_t>::min() : static_cast<int64_t>(k) * 7919;
      r.f = floats[k % floats.size()];
      r.b = k % 3 == 0;
      r.ts = times[k % times.size()];
      if (k % 4 != 0) {
        r.s_n = strings[(k * 7) % strings.size()];
        r.i_n = std::numeric_limits<int64_t>::max();
        r.f_n = floats[(k + 5) % floats.size()];
        r.b_n = k % 2 == 0;
        r.ts_n = times[(k + 3) % times.size()];
      }
      rows.push_back(r);
    }
    const auto batch = MakeBatch(schema_, rows);
    auto sink = OpenSink();
    CHECK_OK(Write(sink.get(), batch));
    CHECK_OK(sink->Close());

    UniqueArray array;
    RowBatch::ExportToArrow(batch, array.get());
    BatchView view;
    CHECK_OK(BatchView::Make(arrow_schema_.get(), array.get(), &view));
    std::string want;
    for (int64_t r = 0; r < view.num_rows(); ++r) {
      for (size_t c = 0; c < view.num_columns(); ++c) {
        want += c == 0 ? "{" : ",";
        AppendJsonString(&want, view.column(c).name());
        want += ':';
        AppendJsonValue(&want, view.column(c), r);
      }
      want += "}\n";
    }
    QCOMPARE(ReadFile(Path()), want);
  }

  void emptyBatchWritesNothing() {
    auto sink = OpenSink();
    QVERIFY(Exists(Path()));  // created at open
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, {})));
    QCOMPARE(ReadFile(Path()), std::string());
  }

  void appendsInOrderAcrossReopen() {
    auto sink = OpenSink();
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, Range(0, 100))));
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, Range(100, 250))));
    CHECK_OK(sink->Close());
    CHECK_OK(sink->Close());
    Status st = Write(sink.get(), MakeBatch(schema_, Range(999, 1000)));
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    CHECK_OK(sink->Open("events", schema_));
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, Range(250, 300))));
    CHECK_OK(sink->Flush());
    sink.reset();
    // A second instance appends to what the first wrote.
    auto again = OpenSink({{"fsync", "true"}});
    CHECK_OK(Write(again.get(), MakeBatch(schema_, Range(300, 310))));
    QCOMPARE(Ids(Path()), Iota(0, 310));
  }

  void partialLastLineIsDroppedAtOpen() {
    {
      std::ofstream out(Path(), std::ios::binary);
      out << "{\"i\":-7}\n{\"s\":\"cut off by a cra";
    }
    auto sink = OpenSink();
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, Range(0, 2))));
    QCOMPARE(Ids(Path()), (std::vector<int64_t>{-7, 0, 1}));
  }

  void rotatesBySize() {
    // Each batch of 20 rows is about 3 KiB, so every batch but the first
    // finds the file over 1 KiB and rotates it first.
    auto sink = OpenSink({{"rotate_bytes", "1KiB"}, {"max_files", "2"}});
    for (int b = 0; b < 5; ++b) CHECK_OK(Write(sink.get(), MakeBatch(schema_, Range(b * 20, b * 20 + 20))));
    QCOMPARE(Ids(Path()), Iota(80, 100));
    QCOMPARE(Ids(Path() + ".1"), Iota(60, 80));
    QCOMPARE(Ids(Path() + ".2"), Iota(40, 60));
    QVERIFY(!Exists(Path() + ".3"));
  }

  void doesNotRotateBelowLimit() {
    auto sink = OpenSink({{"rotate_bytes", "1MiB"}});
    for (int b = 0; b < 5; ++b) CHECK_OK(Write(sink.get(), MakeBatch(schema_, Range(b * 20, b * 20 + 20))));
    QCOMPARE(Ids(Path()), Iota(0, 100));
    QVERIFY(!Exists(Path() + ".1"));
  }

  void truncatesFailedAppend() {
    // RLIMIT_FSIZE stands in for a full disk: the kernel writes up to the
    // limit, then fails the next write with EFBIG, leaving half a batch.
    auto sink = OpenSink();
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, Range(0, 10))));
    const std::string before = ReadFile(Path());
    struct rlimit old;
    QCOMPARE(getrlimit(RLIMIT_FSIZE, &old), 0);
    struct rlimit lim = old;
    lim.rlim_cur = before.size() + 500;  // the next batch is ~15 KiB
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &lim), 0);
    Status st = Write(sink.get(), MakeBatch(schema_, Range(10, 110)));
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &old), 0);
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    QVERIFY2(st.message().find(Path()) != std::string::npos, st.message().c_str());
    QCOMPARE(ReadFile(Path()), before);
    // The retry appends the whole batch exactly once.
    CHECK_OK(Write(sink.get(), MakeBatch(schema_, Range(10, 110))));
    QCOMPARE(Ids(Path()), Iota(0, 110));
  }

  void fullDiskIsRetryable() {
    // /dev/full fails every write with ENOSPC.
    auto sink = OpenSink({{"path", "/dev/full"}});
    Status st = Write(sink.get(), MakeBatch(schema_, Range(0, 3)));
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    QVERIFY2(st.message().find("No space left") != std::string::npos, st.message().c_str());
    QVERIFY2(st.message().find("/dev/full") != std::string::npos, st.message().c_str());
  }

  void badOptionsAreInvalid_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("named");  // the message must name this
    QTest::newRow("unknown") << "colour" << "red" << "'colour'";
    QTest::newRow("bad bool") << "fsync" << "maybe" << "'fsync'";
    QTest::newRow("bad size") << "rotate_bytes" << "big" << "'rotate_bytes'";
    QTest::newRow("bad int") << "max_files" << "ten" << "'max_files'";
    QTest::newRow("zero files") << "max_files" << "0" << "'max_files'";
    QTest::newRow("empty path") << "path" << "" << "'path'";
    QTest::newRow("directory path") << "path" << "/tmp/" << "'path'";
  }
  void badOptionsAreInvalid() {
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, named);
    std::map<std::string, std::string> options = {{"path", Path()}};
    options[key.toStdString()] = value.toStdString();
    std::unique_ptr<SinkInstance> sink;
    Status st = SinkInstance::Create(lib_, options, &sink);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    QVERIFY2(st.message().find(named.toStdString()) != std::string::npos, st.message().c_str());
  }

  void missingPathIsInvalid() {
    std::unique_ptr<SinkInstance> sink;
    Status st = SinkInstance::Create(lib_, {{"fsync", "true"}}, &sink);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    QVERIFY2(st.message().find("'path' is required") != std::string::npos, st.message().c_str());
  }

  void missingDirectoryIsNamed() {
    const std::string path = dir_->filePath("no/such/dir/events.ndjson").toStdString();
    std::unique_ptr<SinkInstance> sink;
    CHECK_OK(SinkInstance::Create(lib_, {{"path", path}}, &sink));
    Status st = sink->Open("events", schema_);
    QVERIFY2(st.IsInvalidArgument(), st.ToString().c_str());
    QVERIFY2(st.message().find(path) != std::string::npos, st.message().c_str());
    QVERIFY2(st.message().find("does not exist") != std::string::npos, st.message().c_str());
  }
};

}  // namespace sinkhost

QTEST_GUILESS_MAIN(sinkhost::FileSinkTest)
#include "file_sink_test.moc"
