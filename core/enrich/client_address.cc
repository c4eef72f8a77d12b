// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/enrich/client_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace sinkhost::enrich {

namespace {

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsPort(std::string_view s) {
  if (s.empty() || s.size() > 5) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// inet_pton wants a NUL-terminated string; the longest valid text form is
// well under this.
constexpr size_t kMaxParseSize = 64;

bool ParseFamily(int af, std::string_view text, uint8_t* bytes) {
  char buf[kMaxParseSize];
  if (text.empty() || text.size() >= sizeof(buf)) return false;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  return inet_pton(af, buf, bytes) == 1;
}

bool IsV4Mapped(const uint8_t* b) {
  static constexpr uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(b, kPrefix, sizeof(kPrefix)) == 0;
}

bool ParseV4(std::string_view text, IpAddress* out) {
  uint8_t b[4];
  if (!ParseFamily(AF_INET, text, b)) return false;
  *out = IpAddress();
  out->family = 4;
  std::memcpy(out->bytes, b, 4);
  return true;
}

bool ParseV6(std::string_view text, IpAddress* out) {
  // The zone names an interface on the machine that wrote it: meaningless
  // here, and inet_pton rejects it.
  if (size_t pct = text.find('%'); pct != std::string_view::npos) {
    if (pct + 1 == text.size()) return false;
    text = text.substr(0, pct);
  }
  uint8_t b[16];
  if (!ParseFamily(AF_INET6, text, b)) return false;
  *out = IpAddress();
  if (IsV4Mapped(b)) {
    out->family = 4;
    std::memcpy(out->bytes, b + 12, 4);
  } else {
    out->family = 6;
    std::memcpy(out->bytes, b, 16);
  }
  return true;
}

// Calls fn(entry) for each non-blank comma-separated entry of the fields,
// right to left, until fn returns false.
template <typename Fn>
void ForEachEntryFromTheRight(std::span<const std::string_view> fields, Fn&& fn) {
  for (size_t f = fields.size(); f-- > 0;) {
    std::string_view rest = fields[f];
    while (true) {
      size_t comma = rest.rfind(',');
      std::string_view entry =
          TrimBlanks(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
      if (!entry.empty() && !fn(entry)) return;
      if (comma == std::string_view::npos) break;
      rest = rest.substr(0, comma);
    }
  }
}

}  // namespace

std::string_view IpAddress::ToString(char* buf) const {
  buf[0] = '\0';
  if (family == 0) return {};
  if (family == 4) {
    // inet_ntop's IPv4 path goes through sprintf; this is on every request.
    char* p = buf;
    for (int i = 0; i < 4; ++i) {
      const unsigned v = bytes[i];
      if (v >= 100) *p++ = static_cast<char>('0' + v / 100);
      if (v >= 10) *p++ = static_cast<char>('0' + v / 10 % 10);
      *p++ = static_cast<char>('0' + v % 10);
      if (i < 3) *p++ = '.';
    }
    *p = '\0';
    return std::string_view(buf, static_cast<size_t>(p - buf));
  }
  if (inet_ntop(family == 4 ? AF_INET : AF_INET6, bytes, buf, kMaxTextSize) == nullptr) return {};
  return std::string_view(buf);
}

bool operator==(const IpAddress& a, const IpAddress& b) {
  if (a.family != b.family) return false;
  const size_t n = a.family == 4 ? 4 : a.family == 6 ? 16 : 0;
  return std::memcmp(a.bytes, b.bytes, n) == 0;
}

bool ParseIpAddress(std::string_view text, IpAddress* out) {
  const bool ok =
      text.find(':') != std::string_view::npos ? ParseV6(text, out) : ParseV4(text, out);
  if (!ok) *out = IpAddress();
  return ok;
}

bool ParseForwardedAddress(std::string_view entry, IpAddress* out) {
  *out = IpAddress();
  std::string_view s = TrimBlanks(entry);
  if (!s.empty() && s.front() == '[') {
    const size_t close = s.find(']');
    if (close == std::string_view::npos) return false;
    std::string_view after = s.substr(close + 1);
    if (!after.empty() && (after.front() != ':' || !IsPort(after.substr(1)))) return false;
    // Brackets hold IPv6 only (RFC 3986 IP-literal).
    std::string_view inside = s.substr(1, close - 1);
    if (inside.find(':') == std::string_view::npos) return false;
    return ParseIpAddress(inside, out);
  }
  const size_t first_colon = s.find(':');
  if (first_colon != std::string_view::npos &&
      s.find(':', first_colon + 1) == std::string_view::npos) {
    // Exactly one colon: IPv4 and a port.
    if (!IsPort(s.substr(first_colon + 1))) return false;
    return ParseV4(s.substr(0, first_colon), out);
  }
  return ParseIpAddress(s, out);
}

IpAddress ClientAddress(const IpAddress& peer, std::string_view x_forwarded_for,
                        std::string_view x_real_ip, int trusted_proxy_hops) {
  const std::string_view fields[1] = {x_forwarded_for};
  return ClientAddress(peer, std::span<const std::string_view>(fields), x_real_ip,
                       trusted_proxy_hops);
}

IpAddress ClientAddress(const IpAddress& peer, std::span<const std::string_view> x_forwarded_for,
                        std::string_view x_real_ip, int trusted_proxy_hops) {
  if (trusted_proxy_hops <= 0) return peer;
  int seen = 0;
  std::string_view selected;
  ForEachEntryFromTheRight(x_forwarded_for, [&](std::string_view entry) {
    selected = entry;  // when the list runs out first, this ends as the leftmost
    return ++seen < trusted_proxy_hops;
  });
  IpAddress client;
  if (seen > 0) return ParseForwardedAddress(selected, &client) ? client : peer;
  if (ParseForwardedAddress(x_real_ip, &client)) return client;
  return peer;
}

size_t ToSockaddr(const IpAddress& address, sockaddr_storage* out) {
  std::memset(out, 0, sizeof(*out));
  if (address.family == 4) {
    auto* sin = reinterpret_cast<sockaddr_in*>(out);
    sin->sin_family = AF_INET;
    std::memcpy(&sin->sin_addr, address.bytes, 4);
    return sizeof(sockaddr_in);
  }
  if (address.family == 6) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(out);
    sin6->sin6_family = AF_INET6;
    std::memcpy(&sin6->sin6_addr, address.bytes, 16);
    return sizeof(sockaddr_in6);
  }
  return 0;
}

}  // namespace sinkhost::enrich
