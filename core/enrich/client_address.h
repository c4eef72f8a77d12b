// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The client address of a request: the address that Plausible geolocates and
// hashes into the visitor id (`remote_ip` in lib/plausible/ingestion/
// event.ex). By default it is the socket's peer. Behind reverse proxies that
// the operator declares (trusted_proxy_hops = N > 0) it is taken from
// X-Forwarded-For, counting N entries from the right:
//
//   Every proxy appends the address it received the connection from to
//   X-Forwarded-For. With N trusted proxies in front of the host, the last N
//   entries were written by them and the leftmost of those, entry N from the
//   right, is the address the outermost trusted proxy saw: the client.
//   Entries further left were sent by the client and are never used.
//
//     X-Forwarded-For: <forged>, <client>, <proxy1>   peer = proxy2
//       hops = 1 -> proxy1    hops = 2 -> client    hops = 0 -> proxy2 (peer)
//
// This is Express's `trust proxy = N` ("the nth hop from the front-facing
// proxy"; expressjs.com/en/guide/behind-proxies) and, for N = 1, nginx
// `real_ip_header X-Forwarded-For` without real_ip_recursive ("the last
// address"; nginx.org/r/real_ip_recursive). It is deliberately NOT Plausible's
// PlausibleWeb.RemoteIP, which takes the leftmost X-Forwarded-For entry and
// so lets any client choose its own address.
//
// Details, all of them chosen so that a client cannot move the selection:
//   - Several X-Forwarded-For fields count as one list, joined with "," in
//     the order received (RFC 9110 section 5.3).
//   - Empty entries ("a,,b", a trailing ",") are skipped: a trusted proxy
//     never writes one, so skipping them cannot shift the N entries it wrote.
//   - Fewer than N entries: the leftmost entry (Express's proxy-addr and
//     nginx real_ip_recursive both end there when every hop is trusted).
//   - The selected entry is not an address: the peer, as nginx does when the
//     header does not parse. Other entries are not looked at.
//   - No X-Forwarded-For at all (absent or only blanks) and N > 0:
//     X-Real-IP (one address, as nginx's `proxy_set_header X-Real-IP
//     $remote_addr` writes it), else the peer. X-Real-IP carries no hop
//     count: with N > 1 it is the client only when the outermost proxy sets
//     it and the inner ones pass it on unchanged.
//
// Accepted forms of one entry (ParseForwardedAddress): optional spaces and
// tabs around it; "1.2.3.4", "1.2.3.4:5678"; "2001:db8::1", "[2001:db8::1]",
// "[2001:db8::1]:80"; an IPv6 zone ("fe80::1%eth0") is dropped; a port is
// 1 to 5 digits. Rejected: anything else, e.g. "unknown" and "_hidden"
// (RFC 7239 obfuscated names), "1.2.3", "01.2.3.4", "[1.2.3.4]", "1.2.3.4:",
// hostnames, quotes. "2001:db8::1:80" is the IPv6 address it spells (a port
// after IPv6 needs brackets, RFC 3986). IPv4-mapped IPv6 (::ffff:1.2.3.4) is
// the IPv4 address.
//
// Thread safety: plain functions on values; no shared state.
#ifndef SINKHOST_CORE_ENRICH_CLIENT_ADDRESS_H_
#define SINKHOST_CORE_ENRICH_CLIENT_ADDRESS_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

struct sockaddr_storage;

namespace sinkhost::enrich {

// An IPv4 or IPv6 address in network byte order. IPv4 uses bytes[0..3];
// IPv4-mapped IPv6 addresses are always stored as IPv4, so that one client
// has one form whichever socket family it came in on.
struct IpAddress {
  static constexpr size_t kMaxTextSize = 46;  // INET6_ADDRSTRLEN, with the NUL

  uint8_t family = 0;  // 0: none, 4, 6
  uint8_t bytes[16] = {};

  bool empty() const { return family == 0; }
  // The canonical text form (inet_ntop: "192.0.2.1", "2001:db8::1"), written
  // into buf (at least kMaxTextSize bytes); "" when empty.
  std::string_view ToString(char* buf) const;

  friend bool operator==(const IpAddress& a, const IpAddress& b);
};

// A bare address ("192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1", an IPv6
// zone dropped), nothing around it. False, with *out empty, otherwise.
bool ParseIpAddress(std::string_view text, IpAddress* out);

// One entry of X-Forwarded-For or X-Real-IP: ParseIpAddress plus the
// whitespace, brackets and ports listed above.
bool ParseForwardedAddress(std::string_view entry, IpAddress* out);

// The client address, as described above. trusted_proxy_hops <= 0 returns
// the peer and never reads the headers.
IpAddress ClientAddress(const IpAddress& peer, std::string_view x_forwarded_for,
                        std::string_view x_real_ip, int trusted_proxy_hops);

// The same with each X-Forwarded-For field given separately, in the order
// received (no joining, no allocation).
IpAddress ClientAddress(const IpAddress& peer, std::span<const std::string_view> x_forwarded_for,
                        std::string_view x_real_ip, int trusted_proxy_hops);

// Fills *out with a sockaddr_in or sockaddr_in6 (port 0) for the address and
// returns its length; 0 when the address is empty.
size_t ToSockaddr(const IpAddress& address, sockaddr_storage* out);

}  // namespace sinkhost::enrich

#endif  // SINKHOST_CORE_ENRICH_CLIENT_ADDRESS_H_
