// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/isolation/worker_protocol.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

namespace sinkhost::worker {

const char* CallName(Call call) {
  switch (call) {
    case Call::kLoad: return "load";
    case Call::kCreate: return "create";
    case Call::kOpen: return "open";
    case Call::kWrite: return "write";
    case Call::kFlush: return "flush";
    case Call::kClose: return "close";
  }
  return "unknown";
}

namespace {

template <typename T>
void PutLe(std::string* out, T v) {
  char b[sizeof(T)];
  for (size_t i = 0; i < sizeof(T); ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  out->append(b, sizeof(T));
}

template <typename T>
T GetLe(const char* p) {
  T v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v |= static_cast<T>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

constexpr size_t kHeaderBytes = 16;

}  // namespace

void WireWriter::U32(uint32_t v) { PutLe(&data_, v); }
void WireWriter::U64(uint64_t v) { PutLe(&data_, v); }
void WireWriter::Str(std::string_view s) {
  U32(static_cast<uint32_t>(s.size()));
  data_.append(s);
}

bool WireReader::U32(uint32_t* v) {
  if (rest_.size() < 4) return false;
  *v = GetLe<uint32_t>(rest_.data());
  rest_.remove_prefix(4);
  return true;
}

bool WireReader::U64(uint64_t* v) {
  if (rest_.size() < 8) return false;
  *v = GetLe<uint64_t>(rest_.data());
  rest_.remove_prefix(8);
  return true;
}

bool WireReader::I64(int64_t* v) {
  uint64_t u = 0;
  if (!U64(&u)) return false;
  *v = static_cast<int64_t>(u);
  return true;
}

bool WireReader::Str(std::string* s) {
  uint32_t n = 0;
  if (!U32(&n) || rest_.size() < n) return false;
  s->assign(rest_.data(), n);
  rest_.remove_prefix(n);
  return true;
}

void WriteStatus(WireWriter* w, const Status& status) {
  w->U32(static_cast<uint32_t>(status.code()));
  w->I64(status.retry_after_ms());
  w->Str(status.message());
}

bool ReadStatus(WireReader* r, Status* status) {
  uint32_t code = 0;
  int64_t retry_after = 0;
  std::string message;
  if (!r->U32(&code) || !r->I64(&retry_after) || !r->Str(&message)) return false;
  if (code > static_cast<uint32_t>(Status::Code::kBusy)) return false;
  *status = Status::FromCode(static_cast<Status::Code>(code), message, retry_after);
  return true;
}

void WritePluginInfo(WireWriter* w, const PluginInfo& info) {
  w->Str(info.path);
  w->Str(info.name);
  w->Str(info.version);
  w->Str(info.description);
  w->U32(info.abi_major);
  w->U32(info.abi_minor);
  w->U64(info.capabilities);
  w->U32(static_cast<uint32_t>(info.options.size()));
  for (const PluginInfo::Option& o : info.options) {
    w->Str(o.name);
    w->Str(o.type);
    w->Str(o.default_value);
    w->Str(o.description);
    w->U32((o.has_default ? 1u : 0u) | (o.required ? 2u : 0u));
  }
}

bool ReadPluginInfo(WireReader* r, PluginInfo* info) {
  uint32_t major = 0, minor = 0, count = 0;
  if (!r->Str(&info->path) || !r->Str(&info->name) || !r->Str(&info->version) ||
      !r->Str(&info->description) || !r->U32(&major) || !r->U32(&minor) ||
      !r->U64(&info->capabilities) || !r->U32(&count))
    return false;
  info->abi_major = static_cast<uint16_t>(major);
  info->abi_minor = static_cast<uint16_t>(minor);
  info->options.clear();
  for (uint32_t i = 0; i < count; ++i) {
    PluginInfo::Option o;
    uint32_t flags = 0;
    if (!r->Str(&o.name) || !r->Str(&o.type) || !r->Str(&o.default_value) ||
        !r->Str(&o.description) || !r->U32(&flags))
      return false;
    o.has_default = (flags & 1u) != 0;
    o.required = (flags & 2u) != 0;
    info->options.push_back(std::move(o));
  }
  return true;
}

void WriteSchema(WireWriter* w, const Schema& schema) {
  w->U32(schema.kind() == Schema::Kind::kPlausible ? 1 : 0);
  w->U32(static_cast<uint32_t>(schema.num_columns()));
  for (const Column& c : schema.columns()) {
    w->Str(c.name);
    w->U32(static_cast<uint32_t>(c.type));
    w->U32(c.nullable ? 1 : 0);
  }
}

Status ReadSchema(WireReader* r, Schema* schema) {
  uint32_t kind = 0, count = 0;
  if (!r->U32(&kind) || !r->U32(&count) || count > 4096)
    return Status::InvalidArgument("a garbled schema");
  std::vector<Column> columns(count);
  for (Column& c : columns) {
    uint32_t type = 0, nullable = 0;
    if (!r->Str(&c.name) || !r->U32(&type) || !r->U32(&nullable) ||
        type > static_cast<uint32_t>(ColumnType::kTimestamp))
      return Status::InvalidArgument("a garbled schema column");
    c.type = static_cast<ColumnType>(type);
    c.nullable = nullable != 0;
  }
  return Schema::Make(kind == 1 ? Schema::Kind::kPlausible : Schema::Kind::kCustom,
                      std::move(columns), schema);
}

void WriteOptions(WireWriter* w, const std::map<std::string, std::string>& options) {
  w->U32(static_cast<uint32_t>(options.size()));
  for (const auto& [k, v] : options) {
    w->Str(k);
    w->Str(v);
  }
}

bool ReadOptions(WireReader* r, std::map<std::string, std::string>* options) {
  uint32_t count = 0;
  if (!r->U32(&count)) return false;
  for (uint32_t i = 0; i < count; ++i) {
    std::string k, v;
    if (!r->Str(&k) || !r->Str(&v)) return false;
    (*options)[std::move(k)] = std::move(v);
  }
  return true;
}

Status SendFrame(int fd, uint32_t type, std::string_view payload) {
  std::string header;
  PutLe(&header, type);
  PutLe(&header, uint32_t{0});
  PutLe(&header, static_cast<uint64_t>(payload.size()));
  iovec parts[2] = {{header.data(), header.size()},
                    {const_cast<char*>(payload.data()), payload.size()}};
  msghdr msg{};
  msg.msg_iov = parts;
  msg.msg_iovlen = 2;
  size_t left = header.size() + payload.size();
  while (left > 0) {
    const ssize_t n = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(std::string("the worker's socket: ") + std::strerror(errno));
    }
    left -= static_cast<size_t>(n);
    // Step over what went out.
    size_t sent = static_cast<size_t>(n);
    while (sent > 0 && msg.msg_iovlen > 0) {
      iovec& first = msg.msg_iov[0];
      const size_t take = std::min(sent, first.iov_len);
      first.iov_base = static_cast<char*>(first.iov_base) + take;
      first.iov_len -= take;
      sent -= take;
      if (first.iov_len == 0) {
        ++msg.msg_iov;
        --msg.msg_iovlen;
      }
    }
  }
  return Status::OK();
}

namespace {

// Reads exactly `size` bytes into `out` by `deadline` (none when
// timeout_ms < 0).
FrameRead ReadExactly(int fd, char* out, size_t size, int64_t timeout_ms,
                      std::chrono::steady_clock::time_point deadline) {
  while (size > 0) {
    int wait = -1;
    if (timeout_ms >= 0) {
      const auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero()) return FrameRead::kTimedOut;
      // Rounded up: a deadline is never called before it has passed.
      wait = static_cast<int>(std::min<int64_t>(
          std::chrono::ceil<std::chrono::milliseconds>(left).count(), 1 << 30));
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, wait);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return FrameRead::kClosed;
    }
    if (ready == 0) continue;  // the deadline check above ends it
    const ssize_t n = ::recv(fd, out, size, 0);
    if (n == 0) return FrameRead::kClosed;
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return FrameRead::kClosed;
    }
    out += n;
    size -= static_cast<size_t>(n);
  }
  return FrameRead::kOk;
}

}  // namespace

FrameRead ReadFrame(int fd, int64_t timeout_ms, uint32_t* type, std::string* payload) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char header[kHeaderBytes];
  FrameRead r = ReadExactly(fd, header, sizeof(header), timeout_ms, deadline);
  if (r != FrameRead::kOk) return r;
  *type = GetLe<uint32_t>(header);
  const uint32_t reserved = GetLe<uint32_t>(header + 4);
  const uint64_t size = GetLe<uint64_t>(header + 8);
  if (reserved != 0 || size > kMaxFramePayload) return FrameRead::kBad;
  payload->resize(size);
  return ReadExactly(fd, payload->data(), size, timeout_ms, deadline);
}

}  // namespace sinkhost::worker
