// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/enrich/visitor_id.h"

#include <errno.h>
#include <libpsl.h>
#include <sodium.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>

#include "core/wal/wal_files.h"

namespace sinkhost::enrich {
namespace {

constexpr std::string_view kFileName = "visitor-salts";
constexpr std::string_view kHeader = "# sinkhost visitor-id salts v1: day created_us salt\n";

int64_t DayOf(int64_t now_us) {
  return now_us >= 0 ? now_us / kMicrosPerDay : (now_us - kMicrosPerDay + 1) / kMicrosPerDay;
}

bool ParseHexSalt(std::string_view hex, Salt* out) {
  if (hex.size() != 32) return false;
  size_t bin_len = 0;
  return sodium_hex2bin(out->data(), out->size(), hex.data(), hex.size(), nullptr, &bin_len,
                        nullptr) == 0 &&
         bin_len == out->size();
}

template <typename T>
bool ParseNumber(std::string_view text, T* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

// libsodium must be initialised once before its random generator is used;
// sodium_init is safe to call again and from several threads.
bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

const psl_ctx_t* PublicSuffixList() {
  // The newest of libpsl's built-in list and Debian's publicsuffix package
  // (/usr/share/publicsuffix). Never freed: shared by every thread.
  static const psl_ctx_t* psl = [] {
    const psl_ctx_t* latest = psl_latest(nullptr);
    return latest != nullptr ? latest : psl_builtin();
  }();
  return psl;
}

}  // namespace

std::string SaltStore::FileIn(const std::string& dir) { return wal_internal::JoinPath(dir, kFileName); }

Status SaltStore::Open(const std::string& dir, int64_t now_us, std::unique_ptr<SaltStore>* out) {
  if (!SodiumReady()) return Status::IoError("libsodium could not be initialised");
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return wal_internal::ErrnoStatus(errno, "create directory " + dir);
  std::unique_ptr<SaltStore> store(new SaltStore(FileIn(dir)));
  SINKHOST_RETURN_NOT_OK(store->Load());
  DaySalts salts;
  SINKHOST_RETURN_NOT_OK(store->ForTime(now_us, &salts));
  *out = std::move(store);
  return Status::OK();
}

Status SaltStore::Load() {
  std::string text;
  Status st = wal_internal::ReadWholeFile(path_, &text);
  if (!st.ok()) {
    if (::access(path_.c_str(), F_OK) != 0 && errno == ENOENT) return Status::OK();
    return st;
  }
  std::vector<Entry> entries;
  size_t line_no = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    ++line_no;
    const size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    if (line.empty() || line.front() == '#') continue;
    Entry e;
    const size_t a = line.find(' ');
    const size_t b = a == std::string_view::npos ? a : line.find(' ', a + 1);
    if (b == std::string_view::npos || !ParseNumber(line.substr(0, a), &e.day) ||
        !ParseNumber(line.substr(a + 1, b - a - 1), &e.created_us) ||
        !ParseHexSalt(line.substr(b + 1), &e.salt))
      return Status::InvalidArgument(
          path_ + " line " + std::to_string(line_no) +
          ": expected '<day> <created_us> <32 hex digits>'; fix or remove the file (visitor ids "
          "change when it is removed)");
    entries.push_back(e);
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& x, const Entry& y) { return x.day > y.day; });
  std::lock_guard<std::mutex> lock(mu_);
  entries_ = std::move(entries);
  return Status::OK();
}

Status SaltStore::Save() const {
  std::string text(kHeader);
  char hex[33];
  for (const Entry& e : entries_) {
    sodium_bin2hex(hex, sizeof hex, e.salt.data(), e.salt.size());
    text += std::to_string(e.day) + " " + std::to_string(e.created_us) + " " + hex + "\n";
  }
  const size_t slash = path_.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path_.substr(0, slash);
  return wal_internal::WriteFileAtomically(WalIo::Default(), dir, std::string(kFileName), text, 0600);
}

Status SaltStore::ForTime(int64_t now_us, DaySalts* out) {
  const int64_t day = DayOf(now_us);
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.empty() || entries_.front().day < day) {
    Entry fresh;
    fresh.day = day;
    fresh.created_us = now_us;
    randombytes_buf(fresh.salt.data(), fresh.salt.size());
    entries_.insert(entries_.begin(), fresh);
    dirty_ = true;
  }
  // Keep today's salt and the newest older one while it is younger than
  // 48 hours; forget the rest.
  while (entries_.size() > 2 ||
         (entries_.size() == 2 && now_us - entries_[1].created_us >= kSaltLifetimeUs)) {
    entries_.pop_back();
    dirty_ = true;
  }
  Status st;
  if (dirty_) {
    st = Save();
    if (st.ok()) dirty_ = false;
  }
  // A clock that went back keeps the newest salt: ids stay stable.
  out->day = entries_.front().day;
  out->current = entries_.front().salt;
  out->has_previous = entries_.size() > 1;
  if (out->has_previous) out->previous = entries_[1].salt;
  return st;
}

std::vector<SaltStore::Entry> SaltStore::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_;
}

uint64_t SipHash24(const Salt& salt, std::string_view data) {
  static_assert(crypto_shorthash_siphash24_KEYBYTES == 16);
  unsigned char out[crypto_shorthash_siphash24_BYTES];
  crypto_shorthash_siphash24(out, reinterpret_cast<const unsigned char*>(data.data()),
                             data.size(), salt.data());
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | out[i];
  return v;
}

RegistrableDomains::RegistrableDomains() { (void)PublicSuffixList(); }

std::string_view RegistrableDomains::Of(std::string_view host) {
  if (host.empty()) return "(none)";  // Plausible's hostname without a host
  // An IPv4 literal is its own root (Plausible's get_root_domain); libpsl
  // would cut it at the last dot.
  scratch_.assign(host);
  in_addr v4;
  if (inet_pton(AF_INET, scratch_.c_str(), &v4) == 1) return host;
  if (host == last_host_ && !last_host_.empty()) return last_domain_;
  scratch_.assign(host);
  const char* domain = psl_registrable_domain(PublicSuffixList(), scratch_.c_str());
  last_host_.assign(host);
  if (domain != nullptr) last_domain_.assign(domain);
  else last_domain_.assign(host);
  return last_domain_;
}

uint64_t VisitorHasher::UserId(const Salt& salt, std::string_view user_agent,
                               std::string_view client_address, std::string_view domain,
                               std::string_view hostname) {
  const std::string_view root = domains_.Of(hostname);
  message_.clear();
  message_.append(user_agent).append(client_address).append(domain).append(root);
  return SipHash24(salt, message_);
}

}  // namespace sinkhost::enrich
