// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Parses JSON that arrives inside a JSON string, as Plausible allows for
// props and revenue ("p": "{\"plan\":\"pro\"}"). A second parser, because
// re-using the request's parser would invalidate the request document while
// it is still being read.
//
// Thread safety: not thread-safe; owned by one converter.
#ifndef SINKHOST_CORE_INGEST_NESTED_JSON_H_
#define SINKHOST_CORE_INGEST_NESTED_JSON_H_

#include <simdjson.h>

#include <string_view>

#include "core/ingest/padded_buffer.h"

namespace sinkhost::ingest {

class NestedJsonParser {
 public:
  // True, with *out set, when `text` is a JSON document whose root is an
  // object. The object is valid until the next call.
  bool ParseObject(std::string_view text, simdjson::dom::object* out) {
    std::string_view padded = buffer_.Assign(text);
    simdjson::dom::element root;
    if (parser_.parse(padded.data(), padded.size(), false).get(root) != simdjson::SUCCESS)
      return false;
    return root.get_object().get(*out) == simdjson::SUCCESS;
  }

 private:
  simdjson::dom::parser parser_;
  PaddedBuffer buffer_;
};

}  // namespace sinkhost::ingest

#endif  // SINKHOST_CORE_INGEST_NESTED_JSON_H_
