// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Compress: zlib's deflate at its best level, for tests that send
// compressed request bodies. `window_bits` picks the format as zlib does:
// 31 gzip, 15 zlib ("deflate" in HTTP), -15 bare deflate data. Link zlib.
//
// Thread safety: a pure function.
#ifndef SINKHOST_TESTS_SUPPORT_DEFLATE_H_
#define SINKHOST_TESTS_SUPPORT_DEFLATE_H_

#include <zlib.h>

#include <string>

namespace sinkhost::testing {

inline std::string Compress(const std::string& text, int window_bits) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, window_bits, 9, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, text.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return out;
}

}  // namespace sinkhost::testing

#endif  // SINKHOST_TESTS_SUPPORT_DEFLATE_H_
