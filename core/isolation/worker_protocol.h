// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// What the host and a sink worker (sinkhost-sink-worker) say to each other
// over their socket: the host sends one request and waits for its reply;
// the worker answers one request at a time, in order.
//
//   frame   u32 type | u32 reserved (0) | u64 payload bytes | payload
//
//   request      payload                                     reply payload
//   kLoad        path, memory limit, cpu seconds per call    status, PluginInfo
//   kCreate      options (count, then key and value each)    status
//   kOpen        stream name, schema                         status
//   kWrite       batch id, first sequence, row count, flags,
//                attempt, schema, and the byte count of the
//                rows (RowBatchCodec) in the batch area      status
//
// The rows themselves are not in the frame: the host encodes them into a
// shared memory area (batch_area.h) the worker maps read-only.
//   kFlush, kClose                                           status
//
// A reply's type is its request's with kReplyBit set. Integers are
// little-endian; strings are a u32 length and the bytes. Every read is
// bounds-checked, so a garbled frame is an error, never an overrun. A
// status travels as its code, retry-after and message.
//
// Thread safety: the functions are stateless; a WireWriter or WireReader
// belongs to one thread.
#ifndef SINKHOST_CORE_ISOLATION_WORKER_PROTOCOL_H_
#define SINKHOST_CORE_ISOLATION_WORKER_PROTOCOL_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/plugin/plugin_library.h"
#include "core/schema/schema.h"
#include "sinkhost/status.hpp"

namespace sinkhost::worker {

enum class Call : uint32_t { kLoad = 1, kCreate, kOpen, kWrite, kFlush, kClose };
constexpr uint32_t kReplyBit = 0x80000000u;
const char* CallName(Call call);  // "load", "open", "write", ...

// The largest frame either side accepts: far above any batch the host
// seals (its buffer's byte cap), far below what would exhaust memory.
constexpr uint64_t kMaxFramePayload = uint64_t{1} << 31;

class WireWriter {
 public:
  void U32(uint32_t v);
  void U64(uint64_t v);
  void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
  void Str(std::string_view s);
  std::string& data() { return data_; }

 private:
  std::string data_;
};

class WireReader {
 public:
  explicit WireReader(std::string_view data) : rest_(data) {}
  bool U32(uint32_t* v);
  bool U64(uint64_t* v);
  bool I64(int64_t* v);
  bool Str(std::string* s);
  // What is left, unread.
  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
};

void WriteStatus(WireWriter* w, const Status& status);
bool ReadStatus(WireReader* r, Status* status);
void WritePluginInfo(WireWriter* w, const PluginInfo& info);
bool ReadPluginInfo(WireReader* r, PluginInfo* info);
// Kind, then each column's name, type and nullability (defaults are
// applied at ingest and do not travel).
void WriteSchema(WireWriter* w, const Schema& schema);
Status ReadSchema(WireReader* r, Schema* schema);
void WriteOptions(WireWriter* w, const std::map<std::string, std::string>& options);
bool ReadOptions(WireReader* r, std::map<std::string, std::string>* options);

// Writes one whole frame to `fd` (a blocking socket). IoError when the peer
// is gone.
Status SendFrame(int fd, uint32_t type, std::string_view payload);

enum class FrameRead { kOk, kTimedOut, kClosed, kBad };
// Reads one frame from `fd`, waiting at most `timeout_ms` (-1: forever)
// for all of it. kClosed: the peer closed or reset the connection; kBad: a
// header no sender of ours would write (reserved bits, a payload past
// kMaxFramePayload).
FrameRead ReadFrame(int fd, int64_t timeout_ms, uint32_t* type, std::string* payload);

}  // namespace sinkhost::worker

#endif  // SINKHOST_CORE_ISOLATION_WORKER_PROTOCOL_H_
