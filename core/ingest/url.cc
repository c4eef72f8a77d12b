// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/ingest/url.h"

#include "core/ingest/ingest.h"
#include "core/ingest/utf8.h"

namespace sinkhost::ingest {

namespace {

inline bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsSchemeChar(char c) {
  return IsAlpha(c) || IsDigit(c) || c == '+' || c == '-' || c == '.';
}

// Index of the first of `stops` in `text` at or after `from`, or text.size().
// (string_view::find_first_of calls memchr once per character, which
// profiles showed for every URL.)
template <char A, char B = A, char C = B>
inline size_t FindAny(std::string_view text, size_t from = 0) {
  for (size_t i = from; i < text.size(); ++i) {
    const char c = text[i];
    if (c == A || c == B || c == C) return i;
  }
  return text.size();
}

inline int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Host of an authority ("user@host:port"), as Elixir's split_authority
// finds it: after the last '@', either a bracketed IPv6 literal or
// everything up to the first ':'; surrounding brackets are stripped.
std::string_view HostOfAuthority(std::string_view authority) {
  size_t at = authority.rfind('@');
  std::string_view rest = at == std::string_view::npos ? authority : authority.substr(at + 1);
  std::string_view host;
  size_t close = std::string_view::npos;
  if (!rest.empty() && rest[0] == '[') {
    size_t i = 1;
    while (i < rest.size() && (IsAlpha(rest[i]) || IsDigit(rest[i]) || rest[i] == ':' ||
                               rest[i] == '.'))
      ++i;
    if (i < rest.size() && rest[i] == ']') close = i;
  }
  if (close != std::string_view::npos) {
    host = rest.substr(0, close + 1);
  } else {
    host = rest.substr(0, rest.find(':'));
  }
  while (!host.empty() && host.front() == '[') host.remove_prefix(1);
  while (!host.empty() && host.back() == ']') host.remove_suffix(1);
  return host;
}

}  // namespace

UrlParts ParseUrl(std::string_view url) {
  UrlParts parts;
  std::string_view rest = url;

  // scheme: [A-Za-z][A-Za-z0-9+.-]* followed by ':'
  if (!rest.empty() && IsAlpha(rest[0])) {
    size_t i = 1;
    while (i < rest.size() && IsSchemeChar(rest[i])) ++i;
    if (i < rest.size() && rest[i] == ':') {
      parts.has_scheme = true;
      parts.scheme = rest.substr(0, i);
      rest.remove_prefix(i + 1);
    }
  }
  // "//" authority up to the first '/', '?' or '#'
  if (rest.size() >= 2 && rest[0] == '/' && rest[1] == '/') {
    rest.remove_prefix(2);
    const size_t end = FindAny<'/', '?', '#'>(rest);
    parts.host = HostOfAuthority(rest.substr(0, end));
    rest.remove_prefix(end);
  }
  size_t end = FindAny<'?', '#'>(rest);
  parts.path = rest.substr(0, end);
  rest.remove_prefix(end);
  if (!rest.empty() && rest[0] == '?') {
    end = FindAny<'#'>(rest);
    parts.has_query = true;
    parts.query = rest.substr(1, end - 1);
    rest.remove_prefix(end);
  }
  if (!rest.empty() && rest[0] == '#') {
    parts.has_fragment = true;
    parts.fragment = rest.substr(1);
  }
  return parts;
}

bool SchemeEquals(const UrlParts& url, std::string_view lower) {
  if (!url.has_scheme || url.scheme.size() != lower.size()) return false;
  for (size_t i = 0; i < lower.size(); ++i) {
    char c = url.scheme[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

bool PercentDecode(std::string_view text, std::string* out) {
  out->clear();
  bool high_bytes = false;  // only decoded bytes >= 0x80 can break UTF-8
  size_t i = 0;
  while (i < text.size()) {
    size_t pct = text.find('%', i);
    if (pct == std::string_view::npos) {
      out->append(text.data() + i, text.size() - i);
      break;
    }
    out->append(text.data() + i, pct - i);
    int hi = pct + 2 < text.size() ? HexValue(text[pct + 1]) : -1;
    int lo = hi >= 0 ? HexValue(text[pct + 2]) : -1;
    if (lo < 0) {
      out->push_back('%');
      i = pct + 1;
      continue;
    }
    const int byte = hi * 16 + lo;
    high_bytes |= byte >= 0x80;
    out->push_back(static_cast<char>(byte));
    i = pct + 3;
  }
  return !high_bytes || IsValidUtf8(*out);
}

std::string_view SanitizeHostname(std::string_view host) {
  host = TrimSpace(host);
  if (host.substr(0, 4) == "www.") host.remove_prefix(4);
  return host;
}

}  // namespace sinkhost::ingest
