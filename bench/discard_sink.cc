// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// discard: a sink that accepts every batch and stores nothing. The HTTP and
// in-process ingest benchmarks use it so that they measure sinkhost's own
// path (HTTP, parsing, the write buffer, batch hand-over to a sink thread)
// and not a database; the end-to-end benchmarks use the real sinks.
//
// Thread safety: the host never calls one instance concurrently; instances
// share nothing.
#include "sinkhost/sink.hpp"

namespace {

using sinkhost::BatchInfo;
using sinkhost::BatchView;
using sinkhost::Options;
using sinkhost::Status;
using sinkhost::StreamInfo;

class DiscardSink : public sinkhost::Sink {
 public:
  Status Init(const Options&) override { return Status::OK(); }
  Status Open(const StreamInfo&) override { return Status::OK(); }
  Status Write(const BatchView&, const BatchInfo&) override { return Status::OK(); }
};

const sinkhost_option_spec* const kOptions[] = {nullptr};

}  // namespace

SINKHOST_EXPORT_SINK(DiscardSink, "discard", "1.0.0", "Accepts every batch, stores nothing", 0,
                     kOptions)
