// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// A reusable copy of a request body followed by the zero padding simdjson
// needs after the last byte (SIMDJSON_PADDING). The HTTP layer's buffers
// carry no such promise, so each body is copied once; the allocation is kept
// and reused, so a parser object stops allocating after warm-up.
//
// Thread safety: not thread-safe; owned by one parser object.
#ifndef SINKHOST_CORE_INGEST_PADDED_BUFFER_H_
#define SINKHOST_CORE_INGEST_PADDED_BUFFER_H_

#include <simdjson.h>

#include <cstring>
#include <memory>
#include <string_view>

namespace sinkhost::ingest {

class PaddedBuffer {
 public:
  // Copies `text`; the result is valid until the next Assign. Any prefix of
  // it, and any substring, may be handed to simdjson with
  // realloc_if_needed = false: at least SIMDJSON_PADDING readable bytes
  // follow its end.
  std::string_view Assign(std::string_view text) {
    const size_t need = text.size() + simdjson::SIMDJSON_PADDING;
    if (need > capacity_) {
      capacity_ = need + need / 2;
      data_.reset(new char[capacity_]);
    }
    if (!text.empty()) std::memcpy(data_.get(), text.data(), text.size());
    std::memset(data_.get() + text.size(), 0, simdjson::SIMDJSON_PADDING);
    return std::string_view(data_.get(), text.size());
  }

 private:
  std::unique_ptr<char[]> data_;
  size_t capacity_ = 0;
};

}  // namespace sinkhost::ingest

#endif  // SINKHOST_CORE_INGEST_PADDED_BUFFER_H_
