// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/isolation/sink_worker.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "core/batch/row_batch.h"
#include "core/batch/row_batch_codec.h"
#include "core/isolation/batch_area.h"
#include "core/isolation/worker_exit.h"
#include "core/isolation/worker_protocol.h"
#include "core/plugin/plugin_library.h"

namespace sinkhost::worker {

namespace {

// Past memory_limit, allocation fails; a C++ plugin would throw bad_alloc
// and most likely abort. Say what happened and end with the exit code the
// host reads as "memory".
void OutOfMemory() {
  static const char kMessage[] = "sinkhost-sink-worker: out of memory (past memory_limit)\n";
  (void)!::write(2, kMessage, sizeof(kMessage) - 1);
  _exit(kExitOutOfMemory);
}

double CpuSecondsUsed() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// RLIMIT_CPU is the process's total; a call gets `seconds` more than what
// was used before it (SIGXCPU past that), and no limit between calls.
class CpuLimitForCall {
 public:
  explicit CpuLimitForCall(int64_t seconds) : on_(seconds > 0) {
    if (!on_) return;
    rlimit rl{static_cast<rlim_t>(CpuSecondsUsed()) + static_cast<rlim_t>(seconds) + 1,
              RLIM_INFINITY};
    setrlimit(RLIMIT_CPU, &rl);
  }
  ~CpuLimitForCall() {
    if (!on_) return;
    rlimit rl{RLIM_INFINITY, RLIM_INFINITY};
    setrlimit(RLIMIT_CPU, &rl);
  }

 private:
  const bool on_;
};

struct WorkerState {
  std::shared_ptr<PluginLibrary> library;
  std::unique_ptr<SinkInstance> sink;
  std::unique_ptr<Schema> schema;  // as opened
  uint64_t fingerprint = 0;
  UniqueSchema arrow_schema;
  // Other schemas batches came with: a RowBatch points at its schema, and
  // a plugin may keep a batch past the write.
  std::vector<std::unique_ptr<Schema>> foreign_schemas;
  int64_t cpu_seconds_per_call = 0;
  // The last batch of the stream's schema, once the plugin released it:
  // refilled for the next write, so that its buffers are not allocated
  // (and faulted in) again for every batch.
  std::shared_ptr<RowBatch> spare;
};

Status NeedSink(const WorkerState& s) {
  return s.sink != nullptr ? Status::OK()
                           : Status::InvalidArgument("the worker has no sink created yet");
}

Status Load(WorkerState* s, WireReader* in) {
  std::string path;
  uint64_t memory_limit = 0;
  if (!in->Str(&path) || !in->U64(&memory_limit) || !in->I64(&s->cpu_seconds_per_call))
    return Status::InvalidArgument("a garbled load request");
  if (memory_limit > 0) {
    // Before the plugin runs any code, so its own allocations count too.
    rlimit rl{static_cast<rlim_t>(memory_limit), static_cast<rlim_t>(memory_limit)};
    if (setrlimit(RLIMIT_AS, &rl) != 0)
      return Status::InvalidArgument(std::string("memory_limit: setrlimit: ") +
                                     std::strerror(errno));
  }
  CpuLimitForCall cpu(s->cpu_seconds_per_call);
  return PluginLibrary::Load(path, &s->library);
}

Status Create(WorkerState* s, WireReader* in) {
  std::map<std::string, std::string> options;
  if (!ReadOptions(in, &options)) return Status::InvalidArgument("a garbled create request");
  if (s->library == nullptr) return Status::InvalidArgument("create before load");
  CpuLimitForCall cpu(s->cpu_seconds_per_call);
  return SinkInstance::Create(s->library, options, &s->sink);
}

Status Open(WorkerState* s, WireReader* in) {
  std::string stream;
  auto schema = std::make_unique<Schema>();
  if (!in->Str(&stream)) return Status::InvalidArgument("a garbled open request");
  SINKHOST_RETURN_NOT_OK(ReadSchema(in, schema.get()));
  SINKHOST_RETURN_NOT_OK(NeedSink(*s));
  s->spare.reset();  // of the schema replaced here
  s->schema = std::move(schema);
  s->fingerprint = SchemaFingerprint(*s->schema);
  s->arrow_schema.reset();
  s->schema->ExportToArrow(s->arrow_schema.get());
  CpuLimitForCall cpu(s->cpu_seconds_per_call);
  return s->sink->Open(stream, *s->schema);
}

Status Write(WorkerState* s, WireReader* in, BatchAreaReader* area) {
  std::string batch_id;
  sinkhost_batch_info info{};
  info.struct_size = sizeof(info);
  uint32_t attempt = 0;
  if (!in->Str(&batch_id) || !in->U64(&info.first_sequence) || !in->U64(&info.row_count) ||
      !in->U64(&info.flags) || !in->U32(&attempt))
    return Status::InvalidArgument("a garbled write request");
  // The batch's own schema: the stream's, except where a test hands the
  // sink a batch of another to see it refused.
  auto schema = std::make_unique<Schema>();
  SINKHOST_RETURN_NOT_OK(ReadSchema(in, schema.get()));
  SINKHOST_RETURN_NOT_OK(NeedSink(*s));
  if (s->schema == nullptr) return Status::InvalidArgument("write before open");
  const uint64_t fingerprint = SchemaFingerprint(*schema);
  UniqueSchema foreign;
  const ArrowSchema* arrow_schema = s->arrow_schema.get();
  if (fingerprint != s->fingerprint) {
    schema->ExportToArrow(foreign.get());
    arrow_schema = foreign.get();
  }
  info.batch_id = batch_id.c_str();
  info.attempt = attempt;
  const Schema* rows_schema = s->schema.get();
  if (fingerprint != s->fingerprint) {
    s->foreign_schemas.push_back(std::move(schema));
    rows_schema = s->foreign_schemas.back().get();
  }
  uint64_t encoded_bytes = 0;
  if (!in->U64(&encoded_bytes)) return Status::InvalidArgument("a garbled write request");
  std::string_view encoded;
  SINKHOST_RETURN_NOT_OK(area->View(encoded_bytes, &encoded));
  std::shared_ptr<RowBatch> rows;
  if (rows_schema == s->schema.get() && s->spare != nullptr) {
    rows = std::move(s->spare);
    rows->Clear();
  } else {
    rows = std::make_shared<RowBatch>(*rows_schema);
  }
  SINKHOST_RETURN_NOT_OK(DecodeRowBatch(encoded, fingerprint, rows.get()));
  UniqueArray array;
  RowBatch::ExportToArrow(rows, array.get());
  Status st;
  {
    CpuLimitForCall cpu(s->cpu_seconds_per_call);
    st = s->sink->Write(arrow_schema, std::move(array), info);
  }
  // Only this function still holds the batch: the plugin let it go.
  if (rows_schema == s->schema.get() && rows.use_count() == 1) s->spare = std::move(rows);
  return st;
}

}  // namespace

int RunSinkWorker(int fd, int batch_fd) {
  std::set_new_handler(OutOfMemory);
  WorkerState state;
  BatchAreaReader area(batch_fd);
  uint32_t type = 0;
  std::string payload;
  for (;;) {
    const FrameRead r = ReadFrame(fd, -1, &type, &payload);
    if (r == FrameRead::kClosed) return 0;  // the host is done with us
    if (r != FrameRead::kOk) return kExitBadRequest;
    WireReader in(payload);
    WireWriter out;
    Status st;
    switch (static_cast<Call>(type)) {
      case Call::kLoad:
        st = Load(&state, &in);
        break;
      case Call::kCreate:
        st = Create(&state, &in);
        break;
      case Call::kOpen:
        st = Open(&state, &in);
        break;
      case Call::kWrite:
        st = Write(&state, &in, &area);
        break;
      case Call::kFlush: {
        st = NeedSink(state);
        CpuLimitForCall cpu(state.cpu_seconds_per_call);
        if (st.ok()) st = state.sink->Flush();
        break;
      }
      case Call::kClose: {
        st = NeedSink(state);
        CpuLimitForCall cpu(state.cpu_seconds_per_call);
        if (st.ok()) st = state.sink->Close();
        break;
      }
      default:
        return kExitBadRequest;
    }
    WriteStatus(&out, st);
    if (static_cast<Call>(type) == Call::kLoad && st.ok())
      WritePluginInfo(&out, state.library->info());
    if (!SendFrame(fd, type | kReplyBit, out.data()).ok()) return 0;
  }
}

}  // namespace sinkhost::worker
