// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Request bodies sent compressed (Content-Encoding: gzip or deflate),
// decoded with zlib under a limit on the decoded size, so that a small
// compressed body cannot expand into more than the endpoint would take
// uncompressed (a "zip bomb" is refused as soon as it passes the limit).
//
// Thread safety: stateless; call from any thread.
#ifndef SINKHOST_HOST_HTTP_BODY_DECODING_H_
#define SINKHOST_HOST_HTTP_BODY_DECODING_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace sinkhost {

enum class BodyDecode {
  kIdentity,     // no Content-Encoding (or "identity"): use the body as it is
  kDecoded,      // *out holds the decoded body
  kTooLarge,     // the decoded body passes `limit`
  kBadData,      // not valid data of its encoding; *error says why
  kUnsupported,  // an encoding other than gzip, x-gzip, deflate, identity
};

// Decodes `body` as `content_encoding` says (the header's value; one
// coding). *out is replaced, keeping its capacity.
BodyDecode DecodeBody(std::string_view content_encoding, std::string_view body, uint64_t limit,
                      std::string* out, std::string* error);

}  // namespace sinkhost

#endif  // SINKHOST_HOST_HTTP_BODY_DECODING_H_
