// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/http/body_decoding.h"

#include <zlib.h>

#include <algorithm>

namespace sinkhost {

namespace {

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Inflates with zlib's `window_bits` (31: gzip, 15: zlib, -15: raw).
BodyDecode Inflate(std::string_view body, int window_bits, uint64_t limit, std::string* out,
                   std::string* error) {
  z_stream z{};
  if (inflateInit2(&z, window_bits) != Z_OK) {
    *error = "cannot start zlib";
    return BodyDecode::kBadData;
  }
  out->clear();
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  z.avail_in = static_cast<uInt>(body.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    const size_t used = out->size();
    // Room for the next piece, never more than one past the limit.
    const size_t room = static_cast<size_t>(
        std::min<uint64_t>(std::max<size_t>(16384, used), limit + 1 - std::min(limit, used)));
    if (room == 0) break;
    out->resize(used + room);
    z.next_out = reinterpret_cast<Bytef*>(out->data() + used);
    z.avail_out = static_cast<uInt>(room);
    rc = inflate(&z, Z_NO_FLUSH);
    out->resize(used + room - z.avail_out);
    if (out->size() > limit) {
      inflateEnd(&z);
      return BodyDecode::kTooLarge;
    }
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;  // input ended early
  }
  const bool ended = rc == Z_STREAM_END;
  const bool trailing = ended && z.avail_in != 0;
  if (!ended) *error = z.msg != nullptr ? z.msg : "the compressed data ends early";
  inflateEnd(&z);
  if (trailing) {
    *error = "data after the end of the compressed stream";
    return BodyDecode::kBadData;
  }
  return ended ? BodyDecode::kDecoded : BodyDecode::kBadData;
}

}  // namespace

BodyDecode DecodeBody(std::string_view content_encoding, std::string_view body, uint64_t limit,
                      std::string* out, std::string* error) {
  const std::string_view coding = Trim(content_encoding);
  if (coding.empty() || IEquals(coding, "identity")) return BodyDecode::kIdentity;
  if (IEquals(coding, "gzip") || IEquals(coding, "x-gzip")) return Inflate(body, 31, limit, out, error);
  if (IEquals(coding, "deflate")) {
    // "deflate" is the zlib format (RFC 9110 §8.4.1.2); some clients send
    // bare deflate data, which has no zlib header.
    const bool zlib_header = body.size() >= 2 && (static_cast<unsigned char>(body[0]) & 0x0f) == 8 &&
                             ((static_cast<unsigned char>(body[0]) << 8) |
                              static_cast<unsigned char>(body[1])) % 31 == 0;
    return Inflate(body, zlib_header ? 15 : -15, limit, out, error);
  }
  return BodyDecode::kUnsupported;
}

}  // namespace sinkhost
