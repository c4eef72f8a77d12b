// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "conformance/checked_sink.h"

#include <algorithm>
#include <chrono>

#include "sinkhost/arrow.hpp"

namespace sinkhost::check {

namespace {

// Wraps an exported batch's release so that the kit sees when it runs,
// whether the plugin released the batch during write or kept it and
// released it later (after close, at the latest at destroy).
struct ReleaseTracker {
  void (*release)(ArrowArray*);
  void* private_data;
  std::shared_ptr<int64_t> unreleased;
};

void TrackedRelease(ArrowArray* array) {
  auto* tracker = static_cast<ReleaseTracker*>(array->private_data);
  array->release = tracker->release;
  array->private_data = tracker->private_data;
  array->release(array);
  --*tracker->unreleased;
  delete tracker;
}

void Track(ArrowArray* array, std::shared_ptr<int64_t> unreleased) {
  ++*unreleased;
  array->private_data = new ReleaseTracker{array->release, array->private_data, std::move(unreleased)};
  array->release = &TrackedRelease;
}

}  // namespace

const char* StatusName(sinkhost_status code) {
  switch (code) {
    case SINKHOST_OK: return "OK";
    case SINKHOST_ERROR_RETRYABLE: return "RETRYABLE";
    case SINKHOST_ERROR_PERMANENT: return "PERMANENT";
    case SINKHOST_ERROR_INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case SINKHOST_ERROR_NOT_IMPLEMENTED: return "NOT_IMPLEMENTED";
  }
  return "UNKNOWN_STATUS";
}

std::string CallResult::Describe() const {
  if (ok()) return "OK";
  if (crashed) return "CRASHED: " + message;
  std::string out = StatusName(code);
  if (code != SINKHOST_ERROR_RETRYABLE && code != SINKHOST_ERROR_PERMANENT &&
      code != SINKHOST_ERROR_INVALID_ARGUMENT && code != SINKHOST_ERROR_NOT_IMPLEMENTED)
    out += " (" + std::to_string(code) + ")";
  return out + ": " + (message_missing ? std::string("(no message)") : message);
}

void CheckedSink::StartPositions() {
  if (next_sequence_ != 0) return;
  next_sequence_ = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
}

sinkhost_batch_info CheckedSink::BatchInfo(uint64_t first_sequence, uint64_t rows,
                                           std::string* id) {
  *id = stream_ + ":plugin_check:" + std::to_string(first_sequence) + "-" +
        std::to_string(first_sequence + rows);
  sinkhost_batch_info info{};
  info.struct_size = sizeof(info);
  info.batch_id = id->c_str();
  info.first_sequence = first_sequence;
  info.row_count = rows;
  info.attempt = 0;
  info.flags = SINKHOST_BATCH_STABLE_POSITIONS;
  next_sequence_ = std::max(next_sequence_, first_sequence + rows);
  return info;
}

InProcessCheckedSink::InProcessCheckedSink(std::shared_ptr<PluginLibrary> library)
    : library_(std::move(library)) {}

InProcessCheckedSink::~InProcessCheckedSink() {
  if (open_) (void)Close();
  Destroy();
}

CallResult InProcessCheckedSink::Finish(sinkhost_status code, sinkhost_error* error) {
  CallResult r;
  r.code = code;
  if (code != SINKHOST_OK) {
    r.message_missing = error->message == nullptr || error->message[0] == '\0';
    r.release_missing = error->message != nullptr && error->release == nullptr;
    if (error->message != nullptr) r.message = error->message;
    r.retry_after_ms = error->retry_after_ms;
    if (r.message_missing || r.release_missing) ++errors_without_message_;
  }
  return r;
}

CallResult InProcessCheckedSink::Create(const std::map<std::string, std::string>& options) {
  AbiOptions opts(options);
  UniqueError error;
  void* instance = nullptr;
  CallResult r = Finish(library_->api().create(opts.get(), &instance, error.get()), error.get());
  if (r.ok()) instance_ = instance;
  return r;
}

CallResult InProcessCheckedSink::Open(const std::string& stream, const Schema& schema) {
  UniqueSchema arrow_schema;
  schema.ExportToArrow(arrow_schema.get());
  sinkhost_stream_info info;
  info.struct_size = sizeof(info);
  info.stream_name = stream.c_str();
  stream_ = stream;
  StartPositions();
  info.schema = arrow_schema.get();
  UniqueError error;
  CallResult r = Finish(library_->api().open(instance_, &info, error.get()), error.get());
  open_ = r.ok();
  return r;
}

CallResult InProcessCheckedSink::WriteAt(std::shared_ptr<const RowBatch> batch,
                                         const Schema& schema, uint64_t first_sequence) {
  UniqueSchema arrow_schema;
  schema.ExportToArrow(arrow_schema.get());
  const auto rows = static_cast<uint64_t>(batch->num_rows());
  UniqueArray array;
  RowBatch::ExportToArrow(std::move(batch), array.get());
  Track(array.get(), unreleased_);
  std::string id;
  const sinkhost_batch_info info = BatchInfo(first_sequence, rows, &id);
  UniqueError error;
  return Finish(
      library_->api().write(instance_, arrow_schema.get(), array.get(), &info, error.get()),
      error.get());
  // `array` releases here unless the plugin took it over
}

CallResult InProcessCheckedSink::Flush() {
  if (library_->api().flush == nullptr) return CallResult{};
  UniqueError error;
  return Finish(library_->api().flush(instance_, error.get()), error.get());
}

CallResult InProcessCheckedSink::Close() {
  open_ = false;
  UniqueError error;
  return Finish(library_->api().close(instance_, error.get()), error.get());
}

void InProcessCheckedSink::Destroy() {
  if (instance_ == nullptr) return;
  if (open_) (void)Close();
  library_->api().destroy(instance_);
  instance_ = nullptr;
}

}  // namespace sinkhost::check
