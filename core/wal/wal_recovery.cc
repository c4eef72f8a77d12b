// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// WriteAheadLog::Open's recovery: lock the directory, load the consumers,
// repair the tail of the last segment and decide where appending resumes.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "core/wal/segment_scanner.h"
#include "core/wal/wal_format.h"
#include "core/wal/write_ahead_log.h"

namespace sinkhost {

using wal_format::kConsumerSuffix;
using wal_internal::ErrnoStatus;
using wal_internal::JoinPath;
using wal_internal::UniqueFd;

Status WriteAheadLog::Recover() {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Status::IoError("create directory: " + ec.message());

  const std::string lock_path = JoinPath(dir_, wal_format::kLockFile);
  lock_fd_ = UniqueFd(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!lock_fd_.valid()) return ErrnoStatus(errno, "open " + lock_path);
  if (::flock(lock_fd_.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK)
      return Status::IoError("already open (by another process, or another log object)");
    return ErrnoStatus(errno, "lock " + lock_path);
  }

  wal_internal::LogDirListing listing;
  SINKHOST_RETURN_NOT_OK(wal_internal::ListLogDir(dir_, &listing));
  for (const std::string& tmp : listing.temp_files) ::unlink(JoinPath(dir_, tmp).c_str());

  std::lock_guard<std::mutex> lock(mu_);  // no other thread yet; for the Locked helpers
  std::vector<std::string> bad_consumers;
  SINKHOST_RETURN_NOT_OK(LoadConsumers(listing.consumers, &bad_consumers));

  for (size_t i = 0; i + 1 < listing.segments.size(); ++i) {
    struct stat st;
    const std::string path = SegmentPath(listing.segments[i]);
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus(errno, "stat " + path);
    segments_.push_back(Segment{listing.segments[i], static_cast<uint64_t>(st.st_size)});
    total_bytes_ += static_cast<uint64_t>(st.st_size);
    // A previous run under `never` may have left them unsynced; what is
    // recovered counts as durable from here on.
    if (options_.fsync != FsyncPolicy::kNever) {
      UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
      if (!fd.valid()) return ErrnoStatus(errno, "open " + path);
      if (io_->SyncData(fd.get()) != 0) return ErrnoStatus(errno, "fsync " + path);
    }
  }
  uint64_t next = MaxConfirmedLocked() + 1;
  bool reusable = false;
  if (!listing.segments.empty())
    SINKHOST_RETURN_NOT_OK(
        RecoverLastSegment(listing.segments.back(), MaxConfirmedLocked(), &next, &reusable));
  if (!reusable) SINKHOST_RETURN_NOT_OK(CreateSegmentLocked(next));
  next_seq_ = next;
  written_seq_ = next - 1;
  // Everything kept was synced above (except under never, which promises nothing).
  durable_seq_ = options_.fsync != FsyncPolicy::kNever ? written_seq_ : 0;

  // A position that cannot be read becomes "nothing confirmed": the sink
  // gets every retained record again instead of missing some.
  for (const std::string& name : bad_consumers) {
    const uint64_t start = segments_.front().first_seq - 1;
    SINKHOST_RETURN_NOT_OK(wal_internal::WriteFileAtomically(
        io_, dir_, name + std::string(kConsumerSuffix), wal_format::EncodeConsumerFile(start)));
    consumers_[name] = start;
    persisted_[name] = start;
    for (WalDamage& d : counters_.damage)
      if (d.kind == WalDamageKind::kBadConsumerFile &&
          d.file == name + std::string(kConsumerSuffix))
        d.repaired = true;
  }
  // A crash between a confirmation and its deletions leaves segments behind.
  DeleteFiles(TakeConfirmedSegmentsLocked());
  return Status::OK();
}

Status WriteAheadLog::LoadConsumers(const std::vector<std::string>& names,
                                    std::vector<std::string>* bad) {
  for (const std::string& name : names) {
    const std::string file = name + std::string(kConsumerSuffix);
    std::string text;
    SINKHOST_RETURN_NOT_OK(wal_internal::ReadWholeFile(JoinPath(dir_, file), &text));
    uint64_t seq = 0;
    if (wal_format::DecodeConsumerFile(text, &seq)) {
      consumers_[name] = seq;
      persisted_[name] = seq;
      continue;
    }
    WalDamage d;
    d.kind = WalDamageKind::kBadConsumerFile;
    d.file = file;
    d.bytes = text.size();
    NoteDamageLocked(d);
    bad->push_back(name);
  }
  return Status::OK();
}

Status WriteAheadLog::RecoverLastSegment(uint64_t first_seq, uint64_t max_confirmed,
                                         uint64_t* next_seq, bool* reusable) {
  const std::string file = wal_format::SegmentFileName(first_seq);
  const std::string path = SegmentPath(first_seq);
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus(errno, "open " + path);
  std::string bytes;
  SINKHOST_RETURN_NOT_OK(wal_internal::ReadWholeFile(fd.get(), path, &bytes));

  SegmentScanner scanner(bytes, file, first_seq);
  ScannedRecord r;
  while (scanner.Next(&r)) {
  }
  const uint64_t last_intact =
      scanner.last_record_seq() != 0 ? scanner.last_record_seq() : first_seq - 1;
  *next_seq = std::max({last_intact, scanner.max_seen_seq(), scanner.next_expected_seq() - 1,
                        max_confirmed, first_seq - 1}) +
              1;
  std::vector<WalDamage> damage = scanner.TakeDamage();
  uint64_t size = bytes.size();

  if (!scanner.header_ok()) {
    // Appending after a header that does not check out would hide the new
    // records from readers that distrust the file; start a new segment.
    if (scanner.records() == 0) {
      // Nothing to keep: most likely a crash while the segment was created.
      if (::unlink(path.c_str()) != 0) return ErrnoStatus(errno, "remove " + path);
      for (WalDamage& d : damage) d.repaired = true;
    } else {
      segments_.push_back(Segment{first_seq, size});
      total_bytes_ += size;
    }
    for (const WalDamage& d : damage) NoteDamageLocked(d);
    *reusable = false;
    return Status::OK();
  }

  const uint64_t valid_end = scanner.valid_end();
  if (valid_end < size) {
    // Nothing intact follows valid_end: cut the damaged tail off, so that
    // new records follow the last intact one.
    if (::ftruncate(fd.get(), static_cast<off_t>(valid_end)) != 0)
      return ErrnoStatus(errno, "truncate " + path);
    for (WalDamage& d : damage)
      if (d.offset >= valid_end) d.repaired = true;
    size = valid_end;
  }
  if (options_.fsync != FsyncPolicy::kNever && io_->SyncData(fd.get()) != 0)
    return ErrnoStatus(errno, "fsync " + path);
  for (const WalDamage& d : damage) NoteDamageLocked(d);
  segments_.push_back(Segment{first_seq, size});
  total_bytes_ += size;

  // Resume in this segment unless numbers must be skipped: within a
  // segment they are dense.
  *reusable = *next_seq == last_intact + 1;
  if (*reusable) {
    UniqueFd append_fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
    if (!append_fd.valid()) return ErrnoStatus(errno, "open " + path);
    active_fd_ = std::make_shared<UniqueFd>(std::move(append_fd));
  }
  return Status::OK();
}

}  // namespace sinkhost
