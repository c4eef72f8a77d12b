// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/ingest/json_values.h"

#include <charconv>
#include <cstring>
#include <limits>

#include "core/ingest/utf8.h"

namespace sinkhost::ingest {

using simdjson::dom::element;
using simdjson::dom::element_type;

const char* JsonTypeName(const element& value) {
  switch (value.type()) {
    case element_type::STRING: return "string";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: return "number";
    case element_type::BOOL: return "boolean";
    case element_type::NULL_VALUE: return "null";
    case element_type::ARRAY: return "array";
    case element_type::OBJECT: return "object";
  }
  return "value";
}

std::string DescribeJsonValue(const element& value) {
  switch (value.type()) {
    case element_type::STRING: {
      std::string_view s;
      if (value.get_string().get(s) != simdjson::SUCCESS) return "string";
      std::string out;
      std::string_view cut = TruncateCodePoints(s, 64);
      AppendJsonString(&out, cut);
      if (cut.size() < s.size()) out.insert(out.size() - 1, "...");
      return out;
    }
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: {
      char buf[kNumberTextMax];
      return std::string(buf, FormatJsonNumber(value, buf));
    }
    case element_type::BOOL: {
      bool b = false;
      if (value.get_bool().get(b) != simdjson::SUCCESS) return "boolean";
      return b ? "true" : "false";
    }
    case element_type::NULL_VALUE: return "null";
    case element_type::ARRAY: return "array";
    case element_type::OBJECT: return "object";
  }
  return "value";
}

size_t FormatJsonNumber(const element& number, char* buf) {
  char* end = buf + kNumberTextMax;
  std::to_chars_result r{buf, std::errc()};
  switch (number.type()) {
    case element_type::INT64: {
      int64_t v = 0;
      if (number.get_int64().get(v) == simdjson::SUCCESS) r = std::to_chars(buf, end, v);
      break;
    }
    case element_type::UINT64: {
      uint64_t v = 0;
      if (number.get_uint64().get(v) == simdjson::SUCCESS) r = std::to_chars(buf, end, v);
      break;
    }
    case element_type::DOUBLE: {
      double v = 0;
      if (number.get_double().get(v) != simdjson::SUCCESS) break;
      r = std::to_chars(buf, end - 2, v);
      if (r.ec != std::errc()) break;
      // A JSON float stays recognisable as one: 1.0 -> "1.0", not "1".
      if (std::memchr(buf, '.', static_cast<size_t>(r.ptr - buf)) == nullptr &&
          std::memchr(buf, 'e', static_cast<size_t>(r.ptr - buf)) == nullptr) {
        *r.ptr++ = '.';
        *r.ptr++ = '0';
      }
      break;
    }
    default: break;
  }
  return r.ec == std::errc() ? static_cast<size_t>(r.ptr - buf) : 0;
}

bool ParseIntegerText(std::string_view text, int64_t* value) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    negative = text[i] == '-';
    ++i;
  }
  if (i == text.size()) return false;
  uint64_t magnitude = 0;
  bool overflow = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    if (magnitude > (std::numeric_limits<uint64_t>::max() - 9) / 10) overflow = true;
    if (!overflow) magnitude = magnitude * 10 + static_cast<uint64_t>(c - '0');
  }
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (overflow || magnitude > limit) {
    *value = negative ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
  } else {
    *value = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
  }
  return true;
}

bool JsonIntegerSaturated(const element& value, int64_t* out) {
  if (value.type() == element_type::INT64) return value.get_int64().get(*out) == simdjson::SUCCESS;
  if (value.type() == element_type::UINT64) {
    *out = std::numeric_limits<int64_t>::max();
    return true;
  }
  return false;
}

}  // namespace sinkhost::ingest
