// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// URL splitting and percent-decoding for the Plausible hostname and
// pathname columns.
//
// ParseUrl follows Elixir's URI.parse, which Plausible uses: the lenient
// regular expression of RFC 3986 appendix B, no validation, no
// normalisation except that the scheme compares case-insensitively. So any
// string "parses"; a URL without "//authority" simply has no host.
//
// Thread safety: pure functions.
#ifndef SINKHOST_CORE_INGEST_URL_H_
#define SINKHOST_CORE_INGEST_URL_H_

#include <string>
#include <string_view>

namespace sinkhost::ingest {

// Views into the parsed string.
struct UrlParts {
  bool has_scheme = false;
  std::string_view scheme;    // as written, without the ':'
  std::string_view host;      // empty when there is none; [brackets] of IPv6 removed
  std::string_view path;      // empty when there is none
  bool has_query = false;
  std::string_view query;     // without the '?'
  bool has_fragment = false;  // true even for an empty fragment ("/#")
  std::string_view fragment;  // without the '#'
};

UrlParts ParseUrl(std::string_view url);

// True when the URL's scheme equals `lower` (given in lower case), ignoring
// ASCII case.
bool SchemeEquals(const UrlParts& url, std::string_view lower);

// Replaces each "%XX" (two hex digits) by its byte and keeps any other '%'
// as it is (Elixir's URI.decode raises on those instead; keeping them lets
// a slightly broken URL still count). Writes to *out (replacing its
// contents). Returns false, leaving *out unspecified, when the decoded bytes
// are not valid UTF-8; the caller then keeps the undecoded text.
bool PercentDecode(std::string_view text, std::string* out);

// Plausible's sanitize_hostname: trims Unicode whitespace and removes one
// leading "www.".
std::string_view SanitizeHostname(std::string_view host);

}  // namespace sinkhost::ingest

#endif  // SINKHOST_CORE_INGEST_URL_H_
