// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/ingest/utf8.h"

#include <simdjson.h>

#include <cstdint>

#include "core/ingest/ingest.h"

namespace sinkhost {

bool IsValidUtf8(std::string_view text) {
  // simdjson's validator is SIMD and runs at several GB/s, so checking every
  // body up front costs little next to parsing it.
  return simdjson::validate_utf8(text.data(), text.size());
}

namespace ingest {

namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 if the bytes
// there are not one (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
size_t SequenceLength(std::string_view text, size_t i) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const size_t n = text.size();
  const uint8_t b0 = s[i];
  if (b0 < 0x80) return 1;
  auto cont = [&](size_t k) { return i + k < n && (s[i + k] & 0xC0) == 0x80; };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    const uint8_t b1 = s[i + 1];
    if (b0 == 0xE0 && b1 < 0xA0) return 0;  // overlong
    if (b0 == 0xED && b1 > 0x9F) return 0;  // surrogate
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    const uint8_t b1 = s[i + 1];
    if (b0 == 0xF0 && b1 < 0x90) return 0;  // overlong
    if (b0 == 0xF4 && b1 > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

// Decodes the code point at text[i] of valid UTF-8; sets *len to its size.
uint32_t DecodeAt(std::string_view text, size_t i, size_t* len) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const uint8_t b0 = s[i];
  if (b0 < 0x80) {
    *len = 1;
    return b0;
  }
  if (b0 < 0xE0) {
    *len = 2;
    return (uint32_t(b0 & 0x1F) << 6) | (s[i + 1] & 0x3F);
  }
  if (b0 < 0xF0) {
    *len = 3;
    return (uint32_t(b0 & 0x0F) << 12) | (uint32_t(s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
  }
  *len = 4;
  return (uint32_t(b0 & 0x07) << 18) | (uint32_t(s[i + 1] & 0x3F) << 12) |
         (uint32_t(s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F);
}

bool IsUnicodeSpace(uint32_t c) {
  if (c <= 0x20) return c == 0x20 || (c >= 0x09 && c <= 0x0D);
  if (c < 0x85) return false;
  return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
         c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

inline bool IsContinuation(char c) { return (static_cast<uint8_t>(c) & 0xC0) == 0x80; }

}  // namespace

size_t FindInvalidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    size_t len = SequenceLength(text, i);
    if (len == 0) return i;
    i += len;
  }
  return std::string_view::npos;
}

void AppendRepairedUtf8(std::string_view text, std::string* out) {
  size_t i = 0;
  while (i < text.size()) {
    size_t len = SequenceLength(text, i);
    if (len == 0) {
      out->append("\xEF\xBF\xBD");  // U+FFFD REPLACEMENT CHARACTER
      ++i;
      continue;
    }
    out->append(text.data() + i, len);
    i += len;
  }
}

size_t CountCodePoints(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += IsContinuation(c) ? 0 : 1;
  return n;
}

std::string_view TruncateCodePoints(std::string_view text, size_t n) {
  if (text.size() <= n) return text;  // never more code points than bytes
  size_t seen = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (IsContinuation(text[i])) continue;
    if (seen == n) return text.substr(0, i);
    ++seen;
  }
  return text;
}

std::string_view TrimLeadingSpace(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<uint8_t>(text[i]);
    if (c > 0x20 && c < 0x80) break;  // fast path: printable ASCII
    size_t len = 0;
    if (!IsUnicodeSpace(DecodeAt(text, i, &len))) break;
    i += len;
  }
  return text.substr(i);
}

std::string_view TrimTrailingSpace(std::string_view text) {
  size_t end = text.size();
  while (end > 0) {
    const auto last = static_cast<uint8_t>(text[end - 1]);
    if (last > 0x20 && last < 0x80) break;  // fast path: printable ASCII
    size_t start = end - 1;
    while (start > 0 && IsContinuation(text[start])) --start;
    size_t len = 0;
    if (!IsUnicodeSpace(DecodeAt(text, start, &len))) break;
    end = start;
  }
  return text.substr(0, end);
}

}  // namespace ingest
}  // namespace sinkhost
