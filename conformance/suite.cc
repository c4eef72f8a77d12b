// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "conformance/suite.h"

#include <chrono>
#include <cstring>

#include <unistd.h>

#include "conformance/read_back.h"
#include "conformance/worker_checked_sink.h"
#include "sinkhost/sink.hpp"

namespace sinkhost::check {

namespace {

// Names of the checks that need a created and opened instance, in order:
// skipped together when create or open fails.
const std::vector<const char*> kInstanceChecks = {
    "readback.empty_destination", "write.empty_batch", "types.edge_values", "types.nulls",
    "strings.awkward",            "batch.100k_rows",   "batch.1000_small",  "flush",
    "errors.permanent",           "close_reopen",      "close",             "arrow.release"};

constexpr const char* kUnknownOption = "sinkhost_check_unknown_option";
constexpr int64_t kLargeBatchRows = 100000;
constexpr int kSmallBatches = 1000;

bool IsLowerIdentifier(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

// A value no option of `type` can accept, or "" for types that accept any.
const char* BadValueFor(const std::string& type) {
  if (type == "int") return "twelve";
  if (type == "bool") return "maybe";
  if (type == "size") return "lots";
  if (type == "duration") return "soon";
  return "";
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f s", s);
  return buf;
}

}  // namespace

Suite::Suite(SuiteOptions options, FILE* out)
    : options_(std::move(options)), out_(out), watchdog_(out) {}

void Suite::Begin(const char* name) {
  current_check_ = name;
  if (options_.progress_fd >= 0) {
    const std::string line = current_check_ + "\n";
    (void)!::write(options_.progress_fd, line.data(), line.size());
  }
  // In a worker each call has check_timeout_seconds and a hung one is
  // killed and failed; the watchdog is only the last resort there.
  watchdog_.Arm(name, in_worker() ? 2 * options_.check_timeout_seconds + 10
                                  : options_.check_timeout_seconds);
}

std::unique_ptr<CheckedSink> Suite::NewSink() const {
  if (!in_worker()) return std::make_unique<InProcessCheckedSink>(library_);
  WorkerSinkOptions worker;
  worker.executable = options_.worker_executable;
  worker.plugin_path = options_.plugin_path;
  worker.plugin_name = library_->info().name;
  worker.log_name = "sinkhost-plugin-check";
  worker.memory_limit = options_.worker_memory_limit;
  // Distinct batches never reach a crash limit; a batch the ledger check
  // sends twice must fail as the crash it is, not as a rejection.
  worker.crash_limit = 100;
  const int64_t ms = int64_t{options_.check_timeout_seconds} * 1000;
  worker.timeouts = CallTimeouts{ms, ms, ms, ms};
  return std::make_unique<WorkerCheckedSink>(std::move(worker));
}

void Suite::Report(Outcome outcome, const std::string& detail) {
  watchdog_.Disarm();
  const char* word = outcome == Outcome::kPass ? "PASS" : outcome == Outcome::kFail ? "FAIL" : "SKIP";
  (outcome == Outcome::kPass ? passed_ : outcome == Outcome::kFail ? failed_ : skipped_)++;
  std::fprintf(out_, "%s  %-26s %s\n", word, current_check_.c_str(), detail.c_str());
  std::fflush(out_);
}

void Suite::SkipRest(const std::vector<const char*>& names, const std::string& reason) {
  for (const char* name : names) {
    if (in_worker() && std::strcmp(name, "arrow.release") == 0) continue;
    Begin(name);
    Report(Outcome::kSkip, reason);
  }
}

int Suite::Run() {
  std::fprintf(out_, "sinkhost-plugin-check: %s, %s\n", options_.plugin_path.c_str(),
               in_worker() ? "in a sinkhost-sink-worker process (isolation: process)"
                           : "in this process (isolation: in_process)");
  if (CheckLoad()) {
    CheckDescriptor();
    CheckUnknownOption();
    CheckRequiredOptions();
    CheckBadOptionValues();
    if (CheckCreateAndOpen()) {
      CheckEmptyDestination();
      CheckWrites("write.empty_batch", {{}});
      CheckWrites("types.edge_values", {EdgeValueRows(next_id())});
      CheckWrites("types.nulls", {NullRows(next_id())});
      CheckWrites("strings.awkward", {AwkwardStringRows(next_id())});
      CheckWrites("batch.100k_rows", {PlainRows(next_id(), kLargeBatchRows)});
      std::vector<std::vector<CheckRow>> small;
      for (int k = 0; k < kSmallBatches; ++k) small.push_back(PlainRows(next_id() + k, 1));
      CheckWrites("batch.1000_small", small);
      CheckLedger();
      CheckFlush();
      CheckForeignBatch();
      CheckReopen();
      CheckClose();
    }
    CheckUnreachable();
  }
  // What only the C table shows (how errors and batches are handed back)
  // is judged in process; a worker turns every failure into a message.
  if (library_ && !in_worker()) {
    Begin("errors.messages");
    if (sink_) errors_without_message_ += sink_->errors_without_message();
    if (errors_without_message_ == 0)
      Report(Outcome::kPass, "every error carried a message and a release callback");
    else
      Report(Outcome::kFail, std::to_string(errors_without_message_) +
                                 " error(s) lacked a message or its release callback");
  }
  std::fprintf(out_, "summary: %d passed, %d failed, %d skipped", passed_, failed_, skipped_);
  if (unverified_ > 0)
    std::fprintf(out_, "; %d write check(s) not verified by reading back (no --read-back)",
                 unverified_);
  std::fprintf(out_, "\n");
  std::fflush(out_);
  return failed_ > 0 || (passed_ == 0) ? 1 : 0;
}

bool Suite::CheckLoad() {
  Begin("load");
  Status st = PluginLibrary::Load(options_.plugin_path, &library_);
  if (!st.ok()) {
    Report(Outcome::kFail, st.message());
    return false;
  }
  const PluginInfo& info = library_->info();
  Report(Outcome::kPass, info.name + " " + info.version + ", ABI " +
                             std::to_string(info.abi_major) + "." +
                             std::to_string(info.abi_minor));
  return true;
}

void Suite::CheckDescriptor() {
  Begin("descriptor");
  const PluginInfo& info = library_->info();
  std::vector<std::string> problems;
  if (!IsLowerIdentifier(info.name))
    problems.push_back("name '" + info.name + "' is not [a-z0-9_]+");
  if (info.version.empty()) problems.push_back("version is empty");
  if (info.description.empty()) problems.push_back("description is empty");
  const uint64_t known_caps = SINKHOST_CAP_TRANSACTIONAL | SINKHOST_CAP_DURABLE;
  if (info.capabilities & ~known_caps)
    problems.push_back("capabilities has unknown bits " +
                       std::to_string(info.capabilities & ~known_caps));
  std::map<std::string, int> seen;
  for (const PluginInfo::Option& o : info.options) {
    const std::string where = "option '" + o.name + "'";
    if (!IsLowerIdentifier(o.name)) problems.push_back(where + ": name is not [a-z0-9_]+");
    if (++seen[o.name] == 2) problems.push_back(where + " is declared twice");
    static const char* const kTypes[] = {"string", "int", "bool", "size", "duration", "path"};
    bool known_type = false;
    for (const char* t : kTypes) known_type = known_type || o.type == t;
    if (!known_type) problems.push_back(where + ": unknown type '" + o.type + "'");
    if (o.description.empty()) problems.push_back(where + ": no description");
    if (o.required && o.has_default) problems.push_back(where + " is required but has a default");
    if (o.has_default) {
      Status st = CheckOptionValue(o.type, o.default_value);
      if (!st.ok())
        problems.push_back(where + ": default '" + o.default_value + "' is not a valid " + o.type +
                           " (" + st.message() + ")");
    }
  }
  if (!problems.empty()) {
    std::string detail;
    for (const std::string& p : problems) detail += (detail.empty() ? "" : "; ") + p;
    Report(Outcome::kFail, detail);
    return;
  }
  std::string caps;
  if (info.capabilities & SINKHOST_CAP_TRANSACTIONAL) caps += " transactional";
  if (info.capabilities & SINKHOST_CAP_DURABLE) caps += " durable";
  Report(Outcome::kPass, std::to_string(info.options.size()) + " options; capabilities:" +
                             (caps.empty() ? " none" : caps));
}

CallResult Suite::TryCreate(const std::map<std::string, std::string>& options) {
  std::unique_ptr<CheckedSink> probe = NewSink();
  CallResult r = probe->Create(options);
  errors_without_message_ += probe->errors_without_message();
  return r;  // `probe` destroys the instance if create succeeded
}

void Suite::CheckUnknownOption() {
  Begin("options.unknown");
  auto options = options_.options;
  options[kUnknownOption] = "1";
  CallResult r = TryCreate(options);
  if (r.code != SINKHOST_ERROR_INVALID_ARGUMENT)
    Report(Outcome::kFail, std::string("an unknown option must be refused with "
                                       "INVALID_ARGUMENT, got ") + r.Describe());
  else if (r.message.find(kUnknownOption) == std::string::npos)
    Report(Outcome::kFail, "refused, but the message does not name the option: " + r.message);
  else
    Report(Outcome::kPass, "refused: " + r.message);
}

void Suite::CheckRequiredOptions() {
  Begin("options.required");
  int checked = 0;
  for (const PluginInfo::Option& o : library_->info().options) {
    if (!o.required || !options_.options.count(o.name)) continue;
    auto options = options_.options;
    options.erase(o.name);
    CallResult r = TryCreate(options);
    ++checked;
    if (r.code != SINKHOST_ERROR_INVALID_ARGUMENT || r.message.find(o.name) == std::string::npos) {
      Report(Outcome::kFail, "without required option '" + o.name +
                                 "' create must fail with INVALID_ARGUMENT naming it, got " +
                                 r.Describe());
      return;
    }
  }
  Report(Outcome::kPass, checked == 0 ? "no required options"
                                      : std::to_string(checked) + " missing option(s) refused");
}

void Suite::CheckBadOptionValues() {
  Begin("options.bad_values");
  std::string refused;
  for (const PluginInfo::Option& o : library_->info().options) {
    const char* bad = BadValueFor(o.type);
    if (*bad == '\0') continue;
    auto options = options_.options;
    options[o.name] = bad;
    CallResult r = TryCreate(options);
    if (r.code != SINKHOST_ERROR_INVALID_ARGUMENT || r.message.find(o.name) == std::string::npos) {
      Report(Outcome::kFail, o.name + "=" + bad + " (a " + o.type +
                                 " option) must be refused with INVALID_ARGUMENT naming the "
                                 "option, got " + r.Describe());
      return;
    }
    refused += (refused.empty() ? "" : ", ") + o.name + "=" + bad;
  }
  Report(Outcome::kPass, refused.empty() ? "no typed options" : "refused " + refused);
}

bool Suite::CheckCreateAndOpen() {
  Begin("create");
  sink_ = NewSink();
  CallResult r = sink_->Create(options_.options);
  if (!r.ok()) {
    Report(Outcome::kFail, "with the given options: " + r.Describe());
    SkipRest({"open"}, "create failed");
    SkipRest(kInstanceChecks, "create failed");
    return false;
  }
  Report(Outcome::kPass, std::to_string(options_.options.size()) + " option(s)");
  Begin("open");
  r = sink_->Open(options_.stream, CheckSchema());
  if (!r.ok()) {
    Report(Outcome::kFail, "stream '" + options_.stream + "': " + r.Describe());
    SkipRest(kInstanceChecks, "open failed");
    return false;
  }
  Report(Outcome::kPass, "stream '" + options_.stream + "', " +
                             std::to_string(CheckSchema().num_columns()) + " columns");
  return true;
}

std::string Suite::VerifyStored() {
  std::string output;
  Status st = RunReadBack(options_.read_back, &output);
  if (!st.ok()) return st.message();
  std::vector<CheckRow> rows;
  st = ParseReadBack(output, &rows);
  if (!st.ok()) return st.message();
  return CompareRows(written_, std::move(rows), &reported_);
}

void Suite::CheckEmptyDestination() {
  Begin("readback.empty_destination");
  if (options_.read_back.empty()) {
    Report(Outcome::kSkip, "no --read-back command: what the sink stores is not verified");
    return;
  }
  std::string output;
  std::vector<CheckRow> rows;
  Status st = RunReadBack(options_.read_back, &output);
  if (st.ok()) st = ParseReadBack(output, &rows);
  if (!st.ok())
    Report(Outcome::kFail, st.message());
  else if (!rows.empty() && options_.after_earlier_run) {
    for (CheckRow& row : rows) written_[row.id] = std::move(row);
    Report(Outcome::kPass, "holds " + std::to_string(written_.size()) +
                               " row(s) from the earlier run, expected to stay as they are");
  } else if (!rows.empty())
    Report(Outcome::kFail, "the destination already holds " + std::to_string(rows.size()) +
                               " row(s): point the sink at an empty table or file");
  else
    Report(Outcome::kPass, "read back 0 rows after open");
}

void Suite::CheckWrites(const char* name, const std::vector<std::vector<CheckRow>>& batches) {
  Begin(name);
  const auto start = std::chrono::steady_clock::now();
  size_t rows = 0;
  for (size_t k = 0; k < batches.size(); ++k) {
    CallResult r = sink_->Write(MakeBatch(batches[k]), CheckSchema());
    if (!r.ok()) {
      Report(Outcome::kFail, (batches.size() > 1 ? "batch " + std::to_string(k + 1) + " of " +
                                                        std::to_string(batches.size()) + ": "
                                                  : std::string()) +
                                 "write returned " + r.Describe());
      return;
    }
    for (const CheckRow& row : batches[k]) written_[row.id] = row;
    rows += batches[k].size();
  }
  CallResult r = sink_->Flush();
  if (!r.ok()) {
    Report(Outcome::kFail, "flush returned " + r.Describe());
    return;
  }
  const double seconds = SecondsSince(start);
  std::string detail = std::to_string(rows) + " row(s) in " + std::to_string(batches.size()) +
                       " batch(es), written and flushed in " + Seconds(seconds);
  if (options_.read_back.empty()) {
    ++unverified_;
    Report(Outcome::kPass, detail + "; not read back");
    return;
  }
  std::string diff = VerifyStored();
  if (!diff.empty()) {
    Report(Outcome::kFail, diff);
    return;
  }
  Report(Outcome::kPass, detail + "; read back all " + std::to_string(written_.size()) +
                             " rows, equal");
}

void Suite::CheckLedger() {
  Begin("ledger.resend");
  if (!library_->info().transactional()) {
    Report(Outcome::kPass, "not TRANSACTIONAL: re-sent rows may be stored again (at least once)");
    return;
  }
  // Rows 0..9 at positions p..p+9; then the same batch again (a crash
  // before the host recorded it); then positions p+5..p+14, rows 5..14 (a
  // replay that cut the batch elsewhere): rows 10..14 are new.
  const uint64_t p = sink_->next_sequence();
  const std::vector<CheckRow> rows = PlainRows(next_id(), 15);
  const std::vector<CheckRow> first(rows.begin(), rows.begin() + 10);
  const std::vector<CheckRow> overlap(rows.begin() + 5, rows.end());
  struct Step {
    const char* what;
    const std::vector<CheckRow>* rows;
    uint64_t at;
  };
  for (const Step& step : {Step{"first write", &first, p}, Step{"same batch again", &first, p},
                           Step{"overlapping batch", &overlap, p + 5}}) {
    CallResult r = sink_->WriteAt(MakeBatch(*step.rows), CheckSchema(), step.at);
    if (r.ok()) r = sink_->Flush();
    if (!r.ok()) {
      Report(Outcome::kFail, std::string(step.what) + ": write returned " + r.Describe());
      return;
    }
  }
  for (const CheckRow& row : rows) written_[row.id] = row;
  const std::string detail =
      "10 rows, re-sent whole, then 10 rows overlapping by 5 (same ids and positions)";
  if (options_.read_back.empty()) {
    ++unverified_;
    Report(Outcome::kPass, detail + "; not read back");
    return;
  }
  std::string diff = VerifyStored();
  if (!diff.empty()) {
    Report(Outcome::kFail, diff);
    return;
  }
  Report(Outcome::kPass, detail + ": each stored once; read back all " +
                             std::to_string(written_.size()) + " rows, equal");
}

void Suite::CheckFlush() {
  Begin("flush");
  for (int k = 0; k < 2; ++k) {
    CallResult r = sink_->Flush();
    if (!r.ok()) {
      Report(Outcome::kFail, "flush with nothing new written returned " + r.Describe());
      return;
    }
  }
  Report(Outcome::kPass, "twice with nothing new written");
}

void Suite::CheckForeignBatch() {
  Begin("errors.permanent");
  // A batch whose columns are not the stream's can never be stored; the
  // only correct answer is PERMANENT (INVALID_ARGUMENT is for create/open).
  Schema foreign;
  Status st = Schema::Make(Schema::Kind::kCustom,
                           {{"id", ColumnType::kInt64, false, {}},
                            {"unexpected", ColumnType::kString, false, {}}},
                           &foreign);
  auto batch = std::make_shared<RowBatch>(foreign);
  batch->column(0).AppendInt64(next_id());
  batch->column(1).AppendString("not a column of the stream");
  batch->CommitRow();
  CallResult r = sink_->Write(batch, foreign);
  if (!st.ok() || r.code != SINKHOST_ERROR_PERMANENT) {
    Report(Outcome::kFail, "a batch with columns (id, unexpected) instead of the stream's must "
                           "be refused as PERMANENT, got " + r.Describe());
    return;
  }
  // Refusing one batch must not break the instance.
  auto after = PlainRows(next_id(), 3);
  CallResult w = sink_->Write(MakeBatch(after), CheckSchema());
  if (w.ok()) w = sink_->Flush();
  if (!w.ok()) {
    Report(Outcome::kFail, "refused the foreign batch, but the next good batch failed: " +
                               w.Describe());
    return;
  }
  for (const CheckRow& row : after) written_[row.id] = row;
  if (!options_.read_back.empty()) {
    if (std::string diff = VerifyStored(); !diff.empty()) {
      Report(Outcome::kFail, "after the refused batch: " + diff);
      return;
    }
  }
  Report(Outcome::kPass, "foreign batch refused (" + r.message + "); next batch stored");
}

void Suite::CheckReopen() {
  Begin("close_reopen");
  CallResult r = sink_->Close();
  if (r.ok()) r = sink_->Open(options_.stream, CheckSchema());
  if (!r.ok()) {
    Report(Outcome::kFail, "close then open: " + r.Describe());
    return;
  }
  auto rows = PlainRows(next_id(), 5);
  r = sink_->Write(MakeBatch(rows), CheckSchema());
  if (r.ok()) r = sink_->Flush();
  if (!r.ok()) {
    Report(Outcome::kFail, "write after reopening: " + r.Describe());
    return;
  }
  for (const CheckRow& row : rows) written_[row.id] = row;
  if (options_.read_back.empty()) {
    ++unverified_;
    Report(Outcome::kPass, "closed, reopened, wrote 5 rows; not read back");
    return;
  }
  if (std::string diff = VerifyStored(); !diff.empty()) {
    Report(Outcome::kFail, "after reopening: " + diff);
    return;
  }
  Report(Outcome::kPass, "closed, reopened, wrote 5 rows; all " +
                             std::to_string(written_.size()) + " rows read back");
}

void Suite::CheckClose() {
  Begin("close");
  CallResult r = sink_->Close();
  if (!r.ok())
    Report(Outcome::kFail, r.Describe());
  else
    Report(Outcome::kPass, "closed");
  sink_->Destroy();
  if (in_worker()) return;  // the worker's batches are its own copies
  Begin("arrow.release");
  // After destroy the plugin holds nothing: every batch it kept must have
  // been released exactly once (a second release would have crashed).
  if (int64_t n = sink_->unreleased_batches(); n != 0)
    Report(Outcome::kFail, std::to_string(n) + " batch(es) handed to write were never released");
  else
    Report(Outcome::kPass, "every batch released exactly once");
}

void Suite::CheckUnreachable() {
  Begin("errors.retryable");
  if (options_.unreachable.empty()) {
    Report(Outcome::kSkip, "no --unreachable option given (e.g. a port nothing listens on)");
    return;
  }
  auto options = options_.options;
  for (const auto& [k, v] : options_.unreachable) options[k] = v;
  std::unique_ptr<CheckedSink> probe = NewSink();
  const char* step = "create";
  CallResult r = probe->Create(options);
  if (r.ok()) {
    step = "open";
    r = probe->Open(options_.stream, CheckSchema());
  }
  if (r.ok()) {
    step = "write";
    r = probe->Write(MakeBatch(PlainRows(next_id(), 1)), CheckSchema());
  }
  if (r.ok()) {
    step = "flush";
    r = probe->Flush();
  }
  errors_without_message_ += probe->errors_without_message();
  if (r.code == SINKHOST_ERROR_RETRYABLE && !r.crashed)
    Report(Outcome::kPass, std::string(step) + ": " + r.Describe());
  else if (r.ok())
    Report(Outcome::kFail, "with the backend unreachable, create, open, write and flush all "
                           "returned OK");
  else
    Report(Outcome::kFail, std::string("an unreachable backend must be RETRYABLE, ") + step +
                               " returned " + r.Describe());
}

}  // namespace sinkhost::check
