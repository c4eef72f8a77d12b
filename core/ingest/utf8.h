// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// UTF-8 helpers for ingest: locating invalid bytes, repairing header text,
// counting and truncating by code point, and trimming Unicode whitespace
// the way Plausible (Elixir's String.trim) does.
//
// Thread safety: pure functions.
#ifndef SINKHOST_CORE_INGEST_UTF8_H_
#define SINKHOST_CORE_INGEST_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace sinkhost::ingest {

// Offset of the first byte that does not start or continue a valid UTF-8
// sequence (overlongs, surrogates and values above U+10FFFF are invalid), or
// std::string_view::npos when `text` is valid. Slow path: call it only after
// IsValidUtf8 said no, to name the position in an error message.
size_t FindInvalidUtf8(std::string_view text);

// Appends `text` to `out` with every invalid sequence replaced by U+FFFD.
// Used for header values (User-Agent), which HTTP does not promise to be
// UTF-8 but which must be before they enter a string column.
void AppendRepairedUtf8(std::string_view text, std::string* out);

// Code points in valid UTF-8 `text`.
size_t CountCodePoints(std::string_view text);

// The longest prefix of valid UTF-8 `text` with at most `n` code points.
std::string_view TruncateCodePoints(std::string_view text, size_t n);

// Unicode White_Space (U+0009..000D, U+0020, U+0085, U+00A0, U+1680,
// U+2000..200A, U+2028, U+2029, U+202F, U+205F, U+3000) removed from the
// start, the end, or both ends of valid UTF-8 `text`.
std::string_view TrimLeadingSpace(std::string_view text);
std::string_view TrimTrailingSpace(std::string_view text);
inline std::string_view TrimSpace(std::string_view text) {
  return TrimTrailingSpace(TrimLeadingSpace(text));
}

}  // namespace sinkhost::ingest

#endif  // SINKHOST_CORE_INGEST_UTF8_H_
