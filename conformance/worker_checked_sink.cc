// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "conformance/worker_checked_sink.h"

#include "sinkhost/arrow.hpp"

namespace sinkhost::check {

sinkhost_status AbiCode(const Status& st) {
  switch (st.code()) {
    case Status::Code::kOk: return SINKHOST_OK;
    case Status::Code::kPermanent: return SINKHOST_ERROR_PERMANENT;
    case Status::Code::kInvalidArgument: return SINKHOST_ERROR_INVALID_ARGUMENT;
    case Status::Code::kNotImplemented: return SINKHOST_ERROR_NOT_IMPLEMENTED;
    default: return SINKHOST_ERROR_RETRYABLE;  // the worker's own I/O, a lost worker
  }
}

WorkerCheckedSink::~WorkerCheckedSink() { Destroy(); }

CallResult WorkerCheckedSink::Result(const Status& st, uint64_t restarts_before) const {
  CallResult r;
  r.code = AbiCode(st);
  if (st.ok()) return r;
  r.message = st.message();
  r.retry_after_ms = st.retry_after_ms();
  // A create that fails leaves no instance to ask, so its message tells.
  r.crashed = restarts() > restarts_before ||
              (instance_ == nullptr && (r.message.find("worker crashed (") != std::string::npos ||
                                        r.message.find("worker timed out") != std::string::npos));
  return r;
}

CallResult WorkerCheckedSink::Create(const std::map<std::string, std::string>& options) {
  Destroy();
  return Result(WorkerSinkInstance::Create(worker_, options, &instance_), 0);
}

CallResult WorkerCheckedSink::Open(const std::string& stream, const Schema& schema) {
  stream_ = stream;
  StartPositions();
  open_schema_ = schema;
  const uint64_t before = restarts();
  const Status st = instance_->Open(stream, schema);
  opened_ = st.ok();
  return Result(st, before);
}

Status WorkerCheckedSink::ReopenIfLost() {
  // A worker lost by an earlier call: a new one is opened first, as the
  // host's sink runner does before it writes again.
  if (!opened_ || instance_->is_open()) return Status::OK();
  return instance_->Open(stream_, open_schema_);
}

CallResult WorkerCheckedSink::WriteAt(std::shared_ptr<const RowBatch> batch,
                                      const Schema& schema, uint64_t first_sequence) {
  const uint64_t before = restarts();
  if (Status st = ReopenIfLost(); !st.ok()) return Result(st, before);
  UniqueSchema arrow_schema;
  schema.ExportToArrow(arrow_schema.get());
  const auto rows = static_cast<uint64_t>(batch->num_rows());
  UniqueArray array;
  RowBatch::ExportToArrow(std::move(batch), array.get());
  std::string id;
  const sinkhost_batch_info info = BatchInfo(first_sequence, rows, &id);
  return Result(instance_->Write(arrow_schema.get(), std::move(array), info), before);
}

CallResult WorkerCheckedSink::Flush() {
  const uint64_t before = restarts();
  if (Status st = ReopenIfLost(); !st.ok()) return Result(st, before);
  return Result(instance_->Flush(), before);
}

CallResult WorkerCheckedSink::Close() {
  opened_ = false;
  const uint64_t before = restarts();
  if (!instance_->is_open()) return CallResult{};  // its worker was lost: nothing is open
  return Result(instance_->Close(), before);
}

void WorkerCheckedSink::Destroy() {
  opened_ = false;
  instance_.reset();  // closes if open and ends the worker
}

}  // namespace sinkhost::check
