// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// WorkerSinkInstance against the real sinkhost-sink-worker and the broken
// test sink's faults: rows get through a worker; a crash, an abort, a hang
// past the deadline, a leak past memory_limit and a call past its CPU time
// each cost the worker and fail the call retryable with the reason, and
// the next call has a new worker; a batch that crashes it every time is
// refused; Interrupt ends a call in progress.
#include <QtTest>

#include <fstream>
#include <thread>

#include "core/batch/row_batch.h"
#include "core/isolation/worker_sink.h"
#include "core/schema/schema.h"
#include "tests/support/test_env.h"

using namespace sinkhost;

namespace {

const Schema& IdSchema() {
  static const Schema* schema = [] {
    auto* s = new Schema();
    Status st = Schema::Make(Schema::Kind::kCustom,
                             {{"id", ColumnType::kInt64, false, {}},
                              {"label", ColumnType::kString, true, {}}},
                             s);
    if (!st.ok()) std::abort();
    return s;
  }();
  return *schema;
}

std::shared_ptr<RowBatch> Rows(int64_t first, int64_t n) {
  auto rows = std::make_shared<RowBatch>(IdSchema());
  for (int64_t i = first; i < first + n; ++i) {
    rows->column(0).AppendInt64(i);
    rows->column(1).AppendString("row " + std::to_string(i));
    rows->CommitRow();
  }
  return rows;
}

int CountLines(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) ++n;
  return n;
}

bool Sanitized() {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return true;
#else
  return false;
#endif
#else
  return false;
#endif
}

}  // namespace

class WorkerSinkTest : public QObject {
  Q_OBJECT

  std::unique_ptr<QTemporaryDir> tmp_;
  std::string out_;
  UniqueSchema arrow_schema_;

  WorkerSinkOptions Options() const {
    WorkerSinkOptions o;
    o.executable = sinkhost::testing::EnvOrDie("SINKHOST_BUILD_DIR") +
                   "/libexec/sinkhost/sinkhost-sink-worker";
    o.plugin_path = sinkhost::testing::EnvOrDie("SINKHOST_TEST_PLUGIN_DIR") + "/broken_sink.so";
    o.plugin_name = "broken_sink";
    o.log_name = "stream 'test', sink 'broken'";
    o.timeouts.write_ms = 10000;
    return o;
  }

  Status Create(const std::map<std::string, std::string>& extra, std::unique_ptr<SinkInstance>* out,
                WorkerSinkOptions o = {}) {
    if (o.executable.empty()) o = Options();
    std::map<std::string, std::string> options = {{"path", out_}};
    options.insert(extra.begin(), extra.end());
    return WorkerSinkInstance::Create(o, options, out);
  }

  Status Write(SinkInstance* sink, std::shared_ptr<RowBatch> rows, const std::string& id) {
    UniqueArray array;
    RowBatch::ExportToArrow(rows, array.get());
    sinkhost_batch_info info{};
    info.struct_size = sizeof(info);
    info.batch_id = id.c_str();
    info.row_count = static_cast<uint64_t>(rows->num_rows());
    return sink->Write(arrow_schema_.get(), std::move(array), info);
  }

 private slots:
  void init() {
    tmp_ = std::make_unique<QTemporaryDir>();
    out_ = tmp_->path().toStdString() + "/out.ndjson";
    arrow_schema_.reset();
    IdSchema().ExportToArrow(arrow_schema_.get());
  }

  void rowsGoThroughTheWorker() {
    std::unique_ptr<SinkInstance> sink;
    Status st = Create({}, &sink);
    QVERIFY2(st.ok(), st.ToString().c_str());
    QCOMPARE(sink->isolation(), Isolation::kProcess);
    QCOMPARE(sink->info().name, std::string("broken_sink"));
    QVERIFY(sink->worker_stats().pid > 0);
    QVERIFY(sink->Open("test", IdSchema()).ok());
    for (int b = 0; b < 3; ++b) QVERIFY(Write(sink.get(), Rows(b * 100, 100), "b" + std::to_string(b)).ok());
    QVERIFY(sink->Flush().ok());
    QVERIFY(sink->Close().ok());
    QCOMPARE(CountLines(out_), 300);
    QCOMPARE(sink->worker_stats().restarts, uint64_t(0));
  }

  void createErrorsComeFromThePlugin() {
    std::unique_ptr<SinkInstance> sink;
    Status st = Create({{"colour", "red"}}, &sink);
    QVERIFY(st.IsInvalidArgument());
    QVERIFY2(st.message().find("unknown option 'colour'") != std::string::npos, st.message().c_str());
    WorkerSinkOptions o = Options();
    o.plugin_name = "something_else";
    st = Create({}, &sink, o);
    QVERIFY2(st.message().find("calls itself 'broken_sink'") != std::string::npos,
             st.message().c_str());
    o = Options();
    o.executable = "/nonexistent/sinkhost-sink-worker";
    st = Create({}, &sink, o);
    QVERIFY2(st.message().find("cannot start the sink worker") != std::string::npos,
             st.message().c_str());
  }

  void aCrashCostsTheWorkerNotTheCaller() {
    std::unique_ptr<SinkInstance> sink;
    QVERIFY(Create({{"flaw", "crash_in_write"}, {"every", "2"}}, &sink).ok());
    QVERIFY(sink->Open("test", IdSchema()).ok());
    const int64_t first_pid = sink->worker_stats().pid;
    QVERIFY(Write(sink.get(), Rows(0, 10), "b1").ok());
    QVERIFY(sink->Flush().ok());  // as the runner does after each write
    Status st = Write(sink.get(), Rows(10, 10), "b2");
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    QVERIFY2(st.message().find("crashed (SIGSEGV)") != std::string::npos, st.message().c_str());
    QVERIFY(!sink->is_open());
    WorkerStats w = sink->worker_stats();
    QCOMPARE(w.restarts, uint64_t(1));
    QCOMPARE(w.restarts_by_reason["SIGSEGV"], uint64_t(1));
    QVERIFY2(w.last_crash.find("died of SIGSEGV during write of batch b2") != std::string::npos,
             w.last_crash.c_str());
    QCOMPARE(w.pid, int64_t(0));
    // The next call brings a new worker, which counts its writes afresh.
    QVERIFY(sink->Open("test", IdSchema()).ok());
    QVERIFY(sink->worker_stats().pid != first_pid);
    QVERIFY(Write(sink.get(), Rows(10, 10), "b2").ok());
    QCOMPARE(sink->worker_stats().recoveries_ms.size(), size_t(1));
    QVERIFY(sink->Close().ok());
    QCOMPARE(CountLines(out_), 20);
  }

  // Three crashes in a row on the same rows: refused for good, so the
  // runner can find and quarantine the row that does it.
  void aBatchThatCrashesEveryTimeIsRefused() {
    std::unique_ptr<SinkInstance> sink;
    QVERIFY(Create({{"flaw", "crash_on_id"}, {"id", "7"}}, &sink).ok());
    for (int attempt = 1; attempt <= 3; ++attempt) {
      QVERIFY(sink->Open("test", IdSchema()).ok());
      Status st = Write(sink.get(), Rows(0, 10), "poison");
      if (attempt < 3) {
        QVERIFY2(st.IsRetryable(), st.ToString().c_str());
      } else {
        QVERIFY2(st.IsPermanent(), st.ToString().c_str());
        QVERIFY2(st.message().find("worker crashed (SIGSEGV) 3 times") != std::string::npos,
                 st.message().c_str());
      }
    }
    // Rows without the poison go through.
    QVERIFY(sink->Open("test", IdSchema()).ok());
    QVERIFY(Write(sink.get(), Rows(8, 10), "clean").ok());
  }

  void anAbortInOpen() {
    std::unique_ptr<SinkInstance> sink;
    QVERIFY(Create({{"flaw", "abort_in_open"}}, &sink).ok());
    Status st = sink->Open("test", IdSchema());
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    QVERIFY2(st.message().find("crashed (SIGABRT)") != std::string::npos, st.message().c_str());
    QCOMPARE(sink->worker_stats().restarts_by_reason["SIGABRT"], uint64_t(1));
  }

  void aCallPastItsDeadlineIsKilled() {
    WorkerSinkOptions o = Options();
    o.timeouts.write_ms = 300;
    std::unique_ptr<SinkInstance> sink;
    const std::string marker = tmp_->path().toStdString() + "/hung-once";
    QVERIFY(Create({{"flaw", "hang_in_write"}, {"marker", marker}}, &sink, o).ok());
    QVERIFY(sink->Open("test", IdSchema()).ok());
    QElapsedTimer t;
    t.start();
    Status st = Write(sink.get(), Rows(0, 5), "slow");
    QVERIFY2(st.IsRetryable(), st.ToString().c_str());
    QVERIFY2(st.message().find("timed out") != std::string::npos, st.message().c_str());
    QVERIFY(t.elapsed() >= 300 && t.elapsed() < 5000);
    QCOMPARE(sink->worker_stats().restarts_by_reason["timeout"], uint64_t(1));
    // It hung once: the next worker writes.
    QVERIFY(sink->Open("test", IdSchema()).ok());
    QVERIFY(Write(sink.get(), Rows(0, 5), "slow").ok());
  }

  void interruptEndsACallInProgress() {
    std::unique_ptr<SinkInstance> sink;
    QVERIFY(Create({{"flaw", "hang_in_write"}}, &sink).ok());
    QVERIFY(sink->Open("test", IdSchema()).ok());
    std::thread stopper([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      sink->Interrupt();
    });
    QElapsedTimer t;
    t.start();
    Status st = Write(sink.get(), Rows(0, 5), "held");
    stopper.join();
    QVERIFY(t.elapsed() < 3000);
    QVERIFY2(st.message().find("stopped") != std::string::npos, st.message().c_str());
  }

  void aLeakPastMemoryLimit() {
    if (Sanitized())
      QSKIP("AddressSanitizer reserves terabytes of address space: RLIMIT_AS cannot apply");
    WorkerSinkOptions o = Options();
    o.memory_limit = 512u << 20;
    std::unique_ptr<SinkInstance> sink;
    QVERIFY(Create({{"flaw", "leak_in_write"}}, &sink, o).ok());
    Status st;
    for (int i = 0; i < 20 && st.ok(); ++i) {
      if (!sink->is_open()) QVERIFY(sink->Open("test", IdSchema()).ok());
      st = Write(sink.get(), Rows(i, 1), "leak" + std::to_string(i));
    }
    QVERIFY2(st.message().find("crashed (memory)") != std::string::npos, st.ToString().c_str());
    QCOMPARE(sink->worker_stats().restarts_by_reason["memory"], uint64_t(1));
  }

  void aCallPastItsCpuTime() {
    WorkerSinkOptions o = Options();
    o.cpu_seconds_per_call = 1;
    std::unique_ptr<SinkInstance> sink;
    QVERIFY(Create({{"flaw", "spin_in_write"}}, &sink, o).ok());
    QVERIFY(sink->Open("test", IdSchema()).ok());
    Status st = Write(sink.get(), Rows(0, 1), "spin");
    QVERIFY2(st.message().find("crashed (cpu)") != std::string::npos, st.ToString().c_str());
  }

  void garbageOutputIsSurvived() {
    std::unique_ptr<SinkInstance> sink;
    QVERIFY(Create({{"flaw", "garbage_output"}}, &sink).ok());
    QVERIFY(sink->Open("test", IdSchema()).ok());
    for (int b = 0; b < 3; ++b) QVERIFY(Write(sink.get(), Rows(b, 1), "g" + std::to_string(b)).ok());
    QVERIFY(sink->Close().ok());
    QCOMPARE(CountLines(out_), 3);
    QCOMPARE(sink->worker_stats().restarts, uint64_t(0));
  }
};

QTEST_GUILESS_MAIN(WorkerSinkTest)
#include "worker_sink_test.moc"
