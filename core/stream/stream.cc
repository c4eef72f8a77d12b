#include "core/stream/stream.h"

#include <set>

#include "core/util/log.h"

namespace sinkhost {

Status Stream::Create(std::string name, Schema schema, StreamOptions options,
                      std::vector<StreamSinkSpec> sinks, std::unique_ptr<Stream>* out) {
  SINKHOST_RETURN_NOT_OK(ValidateIdentifier("stream name", name));
  if (sinks.empty()) return Status::InvalidArgument("stream '" + name + "' has no sinks");
  const BufferOptions& b = options.buffer;
  if (b.max_events <= 0 || b.max_bytes == 0 || b.max_pending_batches <= 0 ||
      b.flush_interval_ms < 0 || b.block_timeout_ms < 0)
    return Status::InvalidArgument("stream '" + name + "': buffer limits must be positive");

  std::unique_ptr<Stream> stream(new Stream());
  stream->name_ = std::move(name);
  stream->schema_ = std::make_unique<Schema>(std::move(schema));
  stream->options_ = options;
  std::set<std::string> names;
  for (StreamSinkSpec& spec : sinks) {
    if (!names.insert(spec.name).second)
      return Status::InvalidArgument("stream '" + stream->name_ + "': two sinks are named '" +
                                     spec.name + "'");
    auto runner = std::make_unique<SinkRunner>(stream->name_, spec.name,
                                                std::move(spec.instance), *stream->schema_,
                                                options.retry);
    SINKHOST_RETURN_NOT_OK(runner->OpenNow());
    stream->runners_.push_back(std::move(runner));
  }
  Stream* raw = stream.get();
  stream->buffer_ = std::make_unique<WriteBuffer>(
      *stream->schema_, options.buffer, [raw](SealedBatch&& batch) {
        // Copies for all sinks but the last, which takes the original: no
        // reference may stay behind here (see WriteBuffer::Dispatch).
        auto& runners = raw->runners_;
        for (size_t i = 0; i + 1 < runners.size(); ++i) runners[i]->Enqueue(SealedBatch(batch));
        runners.back()->Enqueue(std::move(batch));
      });
  *out = std::move(stream);
  return Status::OK();
}

Stream::~Stream() {
  if (buffer_ != nullptr) Shutdown(std::chrono::milliseconds(0));
}

void Stream::Start() {
  for (auto& r : runners_) r->Start();
  buffer_->Start();
}

Status Stream::Accept(const RowBatch& rows) {
  // The acknowledgement point. The write-ahead log will append here, before
  // the buffer, so that an acknowledged row survives a crash.
  return buffer_->Append(rows);
}

FlushOutcome Stream::Flush(std::chrono::milliseconds timeout) {
  FlushOutcome outcome;
  outcome.stream = name_;
  const Clock::time_point deadline = Clock::now() + timeout;
  outcome.batch_seq = buffer_->Seal(FlushReason::kManual, &outcome.rows_sealed);
  for (auto& r : runners_) {
    FlushOutcome::PerSink ps;
    ps.name = r->name();
    ps.done = outcome.batch_seq == 0 || r->WaitFor(outcome.batch_seq, deadline);
    SinkStats st = r->Stats();
    ps.state = st.state;
    ps.last_error = st.last_error;
    outcome.completed = outcome.completed && ps.done;
    outcome.sinks.push_back(std::move(ps));
  }
  return outcome;
}

int64_t Stream::Shutdown(std::chrono::milliseconds timeout) {
  std::call_once(shutdown_once_, [&] { undelivered_at_shutdown_ = ShutdownOnce(timeout); });
  return undelivered_at_shutdown_;
}

int64_t Stream::ShutdownOnce(std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  const BufferStats before = buffer_->Stats();
  buffer_->Close();
  int64_t undelivered = 0;
  // Runners drain concurrently; Stop waits for each in turn.
  for (auto& r : runners_) undelivered += r->Stop(deadline);
  if (undelivered == 0) {
    Log(LogLevel::kInfo, "stream",
        "stream '" + name_ + "': shut down cleanly (" + std::to_string(before.buffered_events) +
            " buffered events flushed at shutdown)");
  }
  return undelivered;
}

StreamStats Stream::Stats() const {
  StreamStats s;
  s.name = name_;
  s.schema_kind = schema_->kind() == Schema::Kind::kPlausible ? "plausible" : "custom";
  s.buffer_options = options_.buffer;
  s.buffer = buffer_->Stats();
  for (const auto& r : runners_) s.sinks.push_back(r->Stats());
  return s;
}

}  // namespace sinkhost
