// Stream: one named flow of events — its schema, its write buffer and the
// sinks every sealed batch goes to. This is the object the HTTP layer and
// the admin API talk to.
//
//   ingest thread --Accept--> [accepted] --> WriteBuffer --seal--> SinkRunner x N
//
// Accept() is the seam between "accepted" and "buffered": everything that
// must hold before an event may be acknowledged (the write-ahead log, later)
// happens inside it, before it returns OK.
//
// Thread safety: all public methods may be called concurrently.
#ifndef SINKHOST_CORE_STREAM_STREAM_H_
#define SINKHOST_CORE_STREAM_STREAM_H_

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/batch/row_batch.h"
#include "core/buffer/write_buffer.h"
#include "core/delivery/sink_runner.h"
#include "core/schema/schema.h"
#include "sinkhost/status.hpp"

namespace sinkhost {

struct StreamSinkSpec {
  std::string name;  // unique within the stream
  std::unique_ptr<SinkInstance> instance;
};

struct StreamOptions {
  BufferOptions buffer;
  RetryPolicy retry;
  // Bulk endpoint: refuse (false) or skip (true) fields not in the schema.
  bool ignore_unknown_fields = false;
};

struct StreamStats {
  std::string name;
  std::string schema_kind;  // "plausible" or "custom"
  BufferOptions buffer_options;
  BufferStats buffer;
  std::vector<SinkStats> sinks;
};

// What a manual flush did, per sink.
struct FlushOutcome {
  std::string stream;
  uint64_t batch_seq = 0;     // last batch the flush waited for (0: none)
  int64_t rows_sealed = 0;    // rows the flush itself moved out of the buffer
  bool completed = true;      // every sink finished before the deadline
  struct PerSink {
    std::string name;
    bool done = false;        // finished (delivered or failed) before deadline
    SinkState state = SinkState::kOk;
    std::string last_error;
  };
  std::vector<PerSink> sinks;
};

class Stream {
 public:
  // Opens every sink (on this thread) so that configuration errors surface
  // before the host starts listening; retryable open errors are tolerated.
  static Status Create(std::string name, Schema schema, StreamOptions options,
                       std::vector<StreamSinkSpec> sinks, std::unique_ptr<Stream>* out);
  ~Stream();

  const std::string& name() const { return name_; }
  const Schema& schema() const { return *schema_; }
  const StreamOptions& options() const { return options_; }

  // Starts the sink threads and the buffer's timer.
  void Start();
  // Acknowledgement point: OK means the rows are accepted and will be
  // delivered. Busy means "try again later" (HTTP 503).
  Status Accept(const RowBatch& rows);
  // Seals the buffer and waits (up to `timeout`) for every sink to finish
  // all batches dispatched so far.
  FlushOutcome Flush(std::chrono::milliseconds timeout);
  // Stops ingest, seals the rest and lets sinks drain until `timeout`,
  // then closes them. Returns rows left undelivered (0 on a clean stop).
  int64_t Shutdown(std::chrono::milliseconds timeout);

  StreamStats Stats() const;

 private:
  Stream() = default;
  int64_t ShutdownOnce(std::chrono::milliseconds timeout);

  std::string name_;
  std::unique_ptr<Schema> schema_;  // stable address for buffer and batches
  StreamOptions options_;
  std::vector<std::unique_ptr<SinkRunner>> runners_;
  std::unique_ptr<WriteBuffer> buffer_;
  std::once_flag shutdown_once_;
  int64_t undelivered_at_shutdown_ = 0;
};

}  // namespace sinkhost

#endif  // SINKHOST_CORE_STREAM_STREAM_H_
