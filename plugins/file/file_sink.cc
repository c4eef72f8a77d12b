// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "plugins/file/file_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>

#include "sinkhost/format.hpp"

namespace sinkhost::file {

namespace {

// The directory part of `path` ("." for a bare file name).
std::string ParentDir(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string ErrnoText(int err) {
  char buf[256];
  // GNU strerror_r: returns a pointer to the text (maybe not into buf).
  return strerror_r(err, buf, sizeof(buf));
}

// Encoded rows are written out whenever this much has collected: large
// enough that the write calls cost nothing next to the encoding (a 10,000-
// row Plausible batch is about 5 MB, so some 20 writes), small enough that
// the bytes are still in the CPU cache when the kernel copies them, and
// that a batch of any size needs no more memory than this.
constexpr size_t kWriteChunk = 256u << 10;

// The most bytes one non-string value takes as JSON: a timestamp in the
// expanded form with its quotes (31), an int64 (20), a double with ".0" (26).
constexpr size_t kMaxScalarBytes = 40;

// The JSON escape of each byte below 0x20 (\b \f \n \r \t, else \u00XX), as
// AppendJsonString writes them.
struct EscapeTable {
  char text[32][6];
  uint8_t len[32];
  constexpr EscapeTable() : text(), len() {
    constexpr char kHex[] = "0123456789abcdef";
    for (int c = 0; c < 32; ++c) {
      text[c][0] = '\\';
      switch (c) {
        case '\b': text[c][1] = 'b'; len[c] = 2; break;
        case '\f': text[c][1] = 'f'; len[c] = 2; break;
        case '\n': text[c][1] = 'n'; len[c] = 2; break;
        case '\r': text[c][1] = 'r'; len[c] = 2; break;
        case '\t': text[c][1] = 't'; len[c] = 2; break;
        default:
          text[c][1] = 'u';
          text[c][2] = '0';
          text[c][3] = '0';
          text[c][4] = kHex[c >> 4];
          text[c][5] = kHex[c & 0xF];
          len[c] = 6;
      }
    }
  }
};
constexpr EscapeTable kEscapes;

// True when one of the 8 bytes of `w` is below 0x20, '"' or '\\' (the
// bytes JSON escapes), by the usual SWAR tests for a byte below n and a
// zero byte (exact as to whether any byte matches).
inline bool WordNeedsEscape(uint64_t w) {
  constexpr uint64_t k01 = 0x0101010101010101ULL, k80 = 0x8080808080808080ULL;
  const uint64_t below_20 = (w - k01 * 0x20) & ~w & k80;
  const uint64_t q = w ^ (k01 * '"');
  const uint64_t bs = w ^ (k01 * '\\');
  const uint64_t quote = (q - k01) & ~q & k80;
  const uint64_t backslash = (bs - k01) & ~bs & k80;
  return (below_20 | quote | backslash) != 0;
}

// Writes `s` as a quoted JSON string at `p` (room for 6 * size + 2 bytes)
// and returns the end: the same bytes as AppendJsonString
// (sinkhost/format.hpp), eight bytes at a time while none needs escaping.
char* PutJsonString(char* p, std::string_view s) {
  *p++ = '"';
  const char* in = s.data();
  const char* const end = in + s.size();
  while (end - in >= 8) {
    uint64_t w;
    std::memcpy(&w, in, 8);
    if (WordNeedsEscape(w)) break;
    std::memcpy(p, in, 8);
    p += 8;
    in += 8;
  }
  for (; in != end; ++in) {
    const unsigned char c = static_cast<unsigned char>(*in);
    if (c >= 0x20 && c != '"' && c != '\\') {
      *p++ = static_cast<char>(c);
    } else if (c >= 0x20) {
      *p++ = '\\';
      *p++ = static_cast<char>(c);
    } else {
      std::memcpy(p, kEscapes.text[c], 6);
      p += kEscapes.len[c];
    }
  }
  *p++ = '"';
  return p;
}

// Writes `us` as FormatTimestampMicros does, in quotes, and returns the
// end. The date part ("YYYY-MM-DDT") is formatted once per day and reused:
// a batch's timestamps are mostly from one day, and the calendar arithmetic
// was an eighth of the encoding.
char* PutTimestamp(char* p, int64_t us, FileDayCache* day) {
  constexpr int64_t kMicrosPerDay = 86400LL * 1000000LL;
  int64_t days = us / kMicrosPerDay;
  int64_t rem = us % kMicrosPerDay;
  if (rem < 0) {
    rem += kMicrosPerDay;
    --days;
  }
  *p++ = '"';
  if (days != day->days || !day->valid) {
    char buf[kTimestampBufferSize];
    const size_t n = FormatTimestampMicros(us, buf);
    if (n != 27) {
      // A year outside 0000-9999 (expanded form): not cached.
      std::memcpy(p, buf, n);
      p += n;
      *p++ = '"';
      return p;
    }
    std::memcpy(day->text, buf, sizeof(day->text));
    day->days = days;
    day->valid = true;
  }
  std::memcpy(p, day->text, sizeof(day->text));
  p += sizeof(day->text);
  const uint64_t micros_of_day = static_cast<uint64_t>(rem);
  const uint64_t secs = micros_of_day / 1000000;
  p = format_internal::PutDigits(p, secs / 3600, 2);
  *p++ = ':';
  p = format_internal::PutDigits(p, secs / 60 % 60, 2);
  *p++ = ':';
  p = format_internal::PutDigits(p, secs % 60, 2);
  *p++ = '.';
  p = format_internal::PutDigits(p, micros_of_day % 1000000, 6);
  *p++ = 'Z';
  *p++ = '"';
  return p;
}

// Writes the value of `col` at `row` at `p` as AppendJsonValue
// (sinkhost/row_json.hpp) does and returns the end.
char* PutJsonValue(char* p, const ColumnView& col, int64_t row, FileDayCache* day) {
  if (col.is_null(row)) {
    std::memcpy(p, "null", 4);
    return p + 4;
  }
  switch (col.type()) {
    case ColumnType::kString: return PutJsonString(p, col.string(row));
    case ColumnType::kInt64: return std::to_chars(p, p + 24, col.int64(row)).ptr;
    case ColumnType::kFloat64: {
      const double v = col.float64(row);
      if (!std::isfinite(v)) {
        std::memcpy(p, "null", 4);
        return p + 4;
      }
      char* end = std::to_chars(p, p + 32, v).ptr;
      // As AppendJsonDouble: "3.0", not "3", so the text still reads as a float.
      bool integral_text = true;
      for (const char* q = p; q != end; ++q) {
        if (*q == '.' || *q == 'e') {
          integral_text = false;
          break;
        }
      }
      if (integral_text) {
        std::memcpy(end, ".0", 2);
        end += 2;
      }
      return end;
    }
    case ColumnType::kBool:
      if (col.boolean(row)) {
        std::memcpy(p, "true", 4);
        return p + 4;
      }
      std::memcpy(p, "false", 5);
      return p + 5;
    case ColumnType::kTimestamp: return PutTimestamp(p, col.int64(row), day);
  }
  return p;
}

}  // namespace

FileSink::~FileSink() { (void)Close(); }

Status FileSink::Init(const Options& options) {
  path_ = options.GetString("path");
  if (path_.empty()) return Status::InvalidArgument("option 'path' must not be empty");
  if (path_.back() == '/')
    return Status::InvalidArgument("option 'path': '" + path_ + "' names a directory, not a file");
  SINKHOST_RETURN_NOT_OK(options.GetBool("fsync", &fsync_));
  SINKHOST_RETURN_NOT_OK(options.GetSize("rotate_bytes", &rotate_bytes_));
  int64_t max_files = 0;
  SINKHOST_RETURN_NOT_OK(options.GetInt64("max_files", &max_files));
  // path.1 must exist for rotation to keep anything; the upper bound keeps
  // the rename loop of a rotation short.
  if (max_files < 1 || max_files > 1000)
    return Status::InvalidArgument("option 'max_files': must be between 1 and 1000, got " +
                                   std::to_string(max_files));
  max_files_ = static_cast<int>(max_files);
  return Status::OK();
}

Status FileSink::IoFailure(const std::string& what, int err) const {
  // No value in a batch can make an append fail: every value has a JSON
  // form. A failure is the disk's or the file system's (ENOSPC, EIO, EDQUOT,
  // EFBIG, a vanished mount), which may go away, so the host should retry;
  // a permanent error would throw the rows away.
  return Status::Retryable("file: " + what + " '" + path_ + "': " + ErrnoText(err));
}

Status FileSink::Open(const StreamInfo& stream) {
  if (open_) (void)Close();
  if (stream.columns.empty())
    return Status::InvalidArgument("file: stream '" + stream.name + "' has no columns");
  // open() reports a missing directory as ENOENT, which does not say which
  // part is missing; name it.
  const std::string dir = ParentDir(path_);
  struct stat sb;
  if (::stat(dir.c_str(), &sb) != 0 || !S_ISDIR(sb.st_mode))
    return Status::InvalidArgument("file: directory '" + dir + "' of '" + path_ +
                                   "' does not exist");
  columns_ = stream.columns;
  keys_.clear();
  keys_bytes_ = 0;
  for (size_t i = 0; i < columns_.size(); ++i) {
    std::string key(i == 0 ? "{" : ",");
    AppendJsonString(&key, columns_[i].name);
    key += ':';
    keys_bytes_ += key.size();
    keys_.push_back(std::move(key));
  }
  SINKHOST_RETURN_NOT_OK(OpenFile(/*during_write=*/false));
  Status st = DropPartialLine();
  if (!st.ok()) {
    ::close(fd_);
    fd_ = -1;
    return st;
  }
  if (fsync_) SyncDirectory();
  pending_truncate_ = -1;
  open_ = true;
  return Status::OK();
}

Status FileSink::OpenFile(bool during_write) {
  // Read access too, only so that Open can find a partial last line.
  fd_ = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    const int err = errno;
    // At Open, a path we may not write (permissions, a directory, a
    // read-only file system) is a configuration error the host must reject.
    if (!during_write && (err == EACCES || err == EPERM || err == EISDIR || err == ENOTDIR ||
                          err == EROFS || err == ELOOP || err == ENAMETOOLONG))
      return Status::InvalidArgument("file: cannot open '" + path_ + "' for appending: " +
                                     ErrnoText(err));
    return IoFailure("cannot open", err);
  }
  struct stat sb;
  regular_ = ::fstat(fd_, &sb) == 0 && S_ISREG(sb.st_mode);
  return Status::OK();
}

Status FileSink::DropPartialLine() {
  // Only a crash in the middle of an append leaves a line without its
  // newline (a failed append is truncated at once). The host re-sends that
  // batch, since its write never returned OK, so the fragment goes.
  if (!regular_) return Status::OK();
  struct stat sb;
  if (::fstat(fd_, &sb) != 0) return IoFailure("cannot stat", errno);
  off_t end = sb.st_size;
  char buf[4096];
  while (end > 0) {
    const off_t start = end > static_cast<off_t>(sizeof(buf)) ? end - sizeof(buf) : 0;
    const ssize_t n = ::pread(fd_, buf, static_cast<size_t>(end - start), start);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoFailure("cannot read the end of", errno);
    }
    if (n != end - start) return IoFailure("short read at the end of", EIO);
    for (ssize_t i = n - 1; i >= 0; --i) {
      if (buf[i] != '\n') continue;
      const off_t keep = start + i + 1;
      if (keep == sb.st_size) return Status::OK();  // already line-complete
      if (::ftruncate(fd_, keep) != 0) return IoFailure("cannot cut a partial line off", errno);
      return Status::OK();
    }
    end = start;
  }
  // No newline at all: the whole file is one fragment.
  if (sb.st_size > 0 && ::ftruncate(fd_, 0) != 0)
    return IoFailure("cannot cut a partial line off", errno);
  return Status::OK();
}

void FileSink::SyncDirectory() {
  // Best effort: the data itself is synced by fdatasync on the file; this
  // only makes a new name survive a crash.
  int dfd = ::open(ParentDir(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return;
  (void)::fsync(dfd);
  ::close(dfd);
}

Status FileSink::Rotate() {
  // Shift path.(k) to path.(k+1), oldest first; renaming onto
  // path.(max_files) replaces, and so drops, the oldest kept file.
  for (int k = max_files_ - 1; k >= 1; --k) {
    const std::string from = path_ + "." + std::to_string(k);
    const std::string to = path_ + "." + std::to_string(k + 1);
    if (::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT)
      return IoFailure("cannot rename '" + from + "' to '" + to + "' while rotating", errno);
  }
  const std::string first = path_ + ".1";
  if (::rename(path_.c_str(), first.c_str()) != 0 && errno != ENOENT)
    return IoFailure("cannot rename to '" + first + "' while rotating", errno);
  ::close(fd_);
  fd_ = -1;
  SINKHOST_RETURN_NOT_OK(OpenFile(/*during_write=*/true));
  if (fsync_) SyncDirectory();
  return Status::OK();
}

char* FileSink::Reserve(size_t bytes) {
  if (buffer_capacity_ - buffer_size_ < bytes) {
    const size_t capacity = std::max(buffer_size_ + bytes, kWriteChunk + (kWriteChunk >> 1));
    auto grown = std::make_unique<char[]>(capacity);
    // memcpy from the null buffer_ of the first call is undefined even for 0 bytes.
    if (buffer_size_ > 0) std::memcpy(grown.get(), buffer_.get(), buffer_size_);
    buffer_ = std::move(grown);
    buffer_capacity_ = capacity;
  }
  return buffer_.get() + buffer_size_;
}

Status FileSink::AppendBuffer() {
  const char* p = buffer_.get();
  size_t left = buffer_size_;
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoFailure("cannot append to", errno);
    }
    if (n == 0) return IoFailure("cannot append to", EIO);  // no progress, no errno
    p += n;
    left -= static_cast<size_t>(n);
  }
  return Status::OK();
}

void FileSink::AppendRow(const BatchView& batch, int64_t row) {
  const std::vector<ColumnView>& cols = batch.columns();
  // Room for the longest text this row can have (every string byte
  // escaped as \u00XX), so the values are written without bounds checks.
  size_t most = keys_bytes_ + 2;
  for (const ColumnView& col : cols)
    most += col.type() == ColumnType::kString ? 6 * col.string(row).size() + 2 : kMaxScalarBytes;
  char* const start = Reserve(most);
  char* p = start;
  for (size_t c = 0; c < cols.size(); ++c) {
    std::memcpy(p, keys_[c].data(), keys_[c].size());
    p += keys_[c].size();
    p = PutJsonValue(p, cols[c], row, &day_);
  }
  *p++ = '}';
  *p++ = '\n';
  buffer_size_ += static_cast<size_t>(p - start);
}

Status FileSink::Write(const BatchView& batch, const BatchInfo& info) {
  if (!open_) return Status::Retryable("file: write to '" + path_ + "' while the sink is not open");
  if (batch.num_columns() != columns_.size())
    return Status::Permanent("file: batch has " + std::to_string(batch.num_columns()) +
                             " columns but '" + path_ + "' was opened for " +
                             std::to_string(columns_.size()));
  for (size_t c = 0; c < columns_.size(); ++c) {
    const ColumnView& col = batch.column(c);
    if (col.type() != columns_[c].type || col.name() != columns_[c].name)
      return Status::Permanent("file: batch column " + std::to_string(c) + " is '" +
                               std::string(col.name()) + "' (" + ColumnTypeName(col.type()) +
                               ") but '" + path_ + "' was opened with '" + columns_[c].name +
                               "' (" + ColumnTypeName(columns_[c].type) + ")");
  }
  const int64_t rows = batch.num_rows();
  if (rows == 0) return Status::OK();

  if (fd_ < 0) SINKHOST_RETURN_NOT_OK(OpenFile(/*during_write=*/true));
  if (pending_truncate_ >= 0) {
    if (::ftruncate(fd_, pending_truncate_) != 0)
      return IoFailure("cannot cut a partly written batch off", errno);
    pending_truncate_ = -1;
  }
  struct stat sb;
  if (::fstat(fd_, &sb) != 0) return IoFailure("cannot stat", errno);
  if (rotate_bytes_ > 0 && sb.st_size > 0 && static_cast<uint64_t>(sb.st_size) >= rotate_bytes_) {
    SINKHOST_RETURN_NOT_OK(Rotate());
    sb.st_size = 0;
  }
  const off_t before = sb.st_size;

  // Encoded and written a chunk at a time. With fsync, the kernel is asked
  // to start writing each chunk back at once (sync_file_range), so the disk
  // works while the next chunks are encoded and fdatasync waits only for
  // the tail and the flush.
  Status st;
  off_t at = before;
  buffer_size_ = 0;
  for (int64_t r = 0; r < rows && st.ok(); ++r) {
    AppendRow(batch, r);
    if (buffer_size_ >= kWriteChunk || r + 1 == rows) {
      st = AppendBuffer();
      if (st.ok() && fsync_ && regular_)
        (void)::sync_file_range(fd_, at, static_cast<off_t>(buffer_size_), SYNC_FILE_RANGE_WRITE);
      at += static_cast<off_t>(buffer_size_);
      buffer_size_ = 0;
    }
  }
  if (st.ok() && fsync_ && ::fdatasync(fd_) != 0) st = IoFailure("cannot fdatasync", errno);
  if (!st.ok() && regular_) {
    // Cut off whatever part of the batch reached the file (after a failed
    // fdatasync, possibly all of it: the kernel may have dropped the pages),
    // so the retry appends the whole batch exactly once.
    if (::ftruncate(fd_, before) != 0) {
      const int err = errno;
      pending_truncate_ = before;
      st = Status::Retryable(st.message() + "; and cannot truncate it back to " +
                             std::to_string(before) + " bytes (" + ErrnoText(err) +
                             "), which is retried before the next append");
    }
  }
  if (buffer_capacity_ > 2 * kWriteChunk) {
    // One huge row grew it; do not keep that.
    buffer_.reset();
    buffer_capacity_ = 0;
  }
  return st;
}

Status FileSink::Close() {
  if (!open_ && fd_ < 0) return Status::OK();
  open_ = false;
  Status st;
  if (fd_ >= 0) {
    if (pending_truncate_ >= 0 && ::ftruncate(fd_, pending_truncate_) == 0) pending_truncate_ = -1;
    if (pending_truncate_ >= 0)
      st = Status::Permanent("file: '" + path_ + "' keeps a partly written batch after " +
                             std::to_string(pending_truncate_) + " bytes");
    if (::close(fd_) != 0 && st.ok()) st = IoFailure("error closing", errno);
    fd_ = -1;
  }
  pending_truncate_ = -1;
  return st;
}

}  // namespace sinkhost::file

namespace {

const sinkhost_option_spec kPath = {sizeof(sinkhost_option_spec), "path", "path", nullptr,
                                    "NDJSON file to append to; its directory must exist",
                                    SINKHOST_OPTION_REQUIRED};
const sinkhost_option_spec kFsync = {
    sizeof(sinkhost_option_spec), "fsync", "bool", "false",
    "fdatasync after each batch, so a batch is on disk when the write returns", 0};
const sinkhost_option_spec kRotateBytes = {
    sizeof(sinkhost_option_spec), "rotate_bytes", "size", "0",
    "before a batch, rotate the file once it has reached this size; 0 never rotates", 0};
const sinkhost_option_spec kMaxFiles = {sizeof(sinkhost_option_spec), "max_files", "int", "10",
                                        "rotated files kept (path.1 is the newest)", 0};
const sinkhost_option_spec* const kOptions[] = {&kPath, &kFsync, &kRotateBytes, &kMaxFiles,
                                                nullptr};

}  // namespace

// No capabilities: a write is not atomic (a crash can leave a partial
// batch), and with the default fsync=false it is not durable either. The
// descriptor is static, so fsync=true cannot advertise DURABLE per instance.
SINKHOST_EXPORT_SINK(sinkhost::file::FileSink, "file", "1.0.0",
                     "Appends each batch to a file as NDJSON, with size-based rotation", 0,
                     kOptions)
