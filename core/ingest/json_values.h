// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Small conversions between simdjson DOM values and text, shared by the
// Plausible event converter, the bulk row converter and error rendering:
// type names and value descriptions for error messages, number text, JSON
// string escaping, and Elixir-style integer parsing of strings.
//
// Thread safety: pure functions.
#ifndef SINKHOST_CORE_INGEST_JSON_VALUES_H_
#define SINKHOST_CORE_INGEST_JSON_VALUES_H_

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "sinkhost/format.hpp"

namespace sinkhost::ingest {

// "string", "number", "boolean", "null", "array" or "object".
const char* JsonTypeName(const simdjson::dom::element& value);

// The value for an error message: strings quoted (cut after 64 code points
// with "..."), numbers and literals as JSON text, "array"/"object" for
// containers. E.g. `"abc"`, `1.5`, `true`, `array`.
std::string DescribeJsonValue(const simdjson::dom::element& value);

// Text of a JSON number: integers in decimal; floats in the shortest form
// that reads back to the same double, with ".0" added when that form would
// look like an integer (so 1.0 stays "1.0", 2.5 is "2.5", 1e300 is
// "1e+300"). Returns the length written to buf (at most 32 bytes).
inline constexpr size_t kNumberTextMax = 32;
size_t FormatJsonNumber(const simdjson::dom::element& number, char* buf);

// JSON string literals are written with sinkhost::AppendJsonString
// (sinkhost/format.hpp), the one escaper sinks and the host share.
using ::sinkhost::AppendJsonString;

// The rule every string value obeys at ingest: no NUL character. Some sinks
// (PostgreSQL text) cannot store one, and a stream may route to any sink, so
// such an event is refused here rather than failing a whole batch later.
inline constexpr std::string_view kNulMessage = "must not contain the NUL character (\\u0000)";
inline bool HasNul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

// Integer.parse-like: optional '+' or '-', then one or more ASCII digits and
// nothing else. Values beyond int64 saturate to INT64_MIN/INT64_MAX (callers
// only compare them against small bounds). Returns false for other text.
bool ParseIntegerText(std::string_view text, int64_t* value);

// The value of a JSON integer (int64 or uint64 on the tape), saturating
// uint64 values above INT64_MAX. Returns false for floats and non-numbers.
bool JsonIntegerSaturated(const simdjson::dom::element& value, int64_t* out);

}  // namespace sinkhost::ingest

#endif  // SINKHOST_CORE_INGEST_JSON_VALUES_H_
