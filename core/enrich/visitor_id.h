// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Plausible's privacy-preserving visitor id and the salts behind it.
//
// A visitor id is SipHash-2-4, keyed with a random 16-byte salt, over
// user agent + client address (text) + domain + registrable domain of the
// page's hostname, exactly as Plausible's generate_user_id concatenates
// them. The salt changes every UTC day, so the same person gets a new id
// each day and ids cannot be joined across days; the previous day's salt is
// kept so that a session running over midnight continues, and every salt is
// forgotten 48 hours after it was made. Neither the address nor the salts
// ever reach a sink.
//
// SaltStore keeps the salts in a file (mode 0600) in the data directory so a
// restart does not change ids in the middle of a day.
//
// Thread safety: SaltStore is thread-safe. VisitorHasher is not (one per
// thread; it keeps scratch buffers and a small cache).
#ifndef SINKHOST_CORE_ENRICH_VISITOR_ID_H_
#define SINKHOST_CORE_ENRICH_VISITOR_ID_H_

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "sinkhost/status.hpp"

namespace sinkhost::enrich {

using Salt = std::array<uint8_t, 16>;

inline constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;
// How long a salt is kept after it was made (Plausible.Session.Salts).
inline constexpr int64_t kSaltLifetimeUs = 2 * kMicrosPerDay;

// The salts in force on one UTC day.
struct DaySalts {
  int64_t day = -1;  // days since the epoch, UTC
  Salt current{};
  bool has_previous = false;
  Salt previous{};
};

class SaltStore {
 public:
  // The file in `dir` that holds the salts.
  static std::string FileIn(const std::string& dir);
  // Reads the salts file in `dir`, creating the directory and the file when
  // missing, and makes sure a salt exists for the day of `now_us`. Errors
  // name the file and what was wrong with it (a corrupt file is not
  // silently replaced: ids would change).
  static Status Open(const std::string& dir, int64_t now_us, std::unique_ptr<SaltStore>* out);

  // The salts for the day of `now_us`; on the first call of a new day makes
  // that day's salt, keeps the newest older one as previous when it is less
  // than 48 hours old, forgets the rest and rewrites the file. A failed
  // write is returned (and retried on the next call) but the salts in
  // memory are used anyway: ingest must not stop over it.
  Status ForTime(int64_t now_us, DaySalts* out);

  // Every salt kept (newest first), for tests and the stats.
  struct Entry {
    Salt salt{};
    int64_t day = 0;         // the UTC day it is the current salt of
    int64_t created_us = 0;  // when it was made
  };
  std::vector<Entry> entries() const;

 private:
  explicit SaltStore(std::string path) : path_(std::move(path)) {}
  Status Load();
  Status Save() const;  // requires mu_

  const std::string path_;
  mutable std::mutex mu_;
  std::vector<Entry> entries_;  // guarded by mu_; newest first, at most 2 after a rotation
  bool dirty_ = false;          // guarded by mu_; the file lags entries_
};

// SipHash-2-4 of `data` under `salt`, as the 64-bit little-endian integer
// Plausible's SipHash.hash! returns.
uint64_t SipHash24(const Salt& salt, std::string_view data);

// The registrable domain of `host` by the public suffix list (libpsl, with
// Debian's publicsuffix list), e.g. "blog.example.co.uk" -> "example.co.uk";
// `host` itself when it has none (an address, "localhost").
class RegistrableDomains {
 public:
  RegistrableDomains();
  std::string_view Of(std::string_view host);

 private:
  // A one-entry cache: a stream's events mostly come from one hostname.
  std::string last_host_, last_domain_;
  std::string scratch_;
};

class VisitorHasher {
 public:
  // Plausible's user_id for one event.
  uint64_t UserId(const Salt& salt, std::string_view user_agent, std::string_view client_address,
                  std::string_view domain, std::string_view hostname);

 private:
  RegistrableDomains domains_;
  std::string message_;
};

}  // namespace sinkhost::enrich

#endif  // SINKHOST_CORE_ENRICH_VISITOR_ID_H_
