#include "plugins/file/file_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sinkhost/format.hpp"
#include "sinkhost/row_json.hpp"

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

// A buffer grown by one huge batch is freed after it, not kept forever.
constexpr size_t kMaxKeptBuffer = 64u << 20;

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
  for (size_t i = 0; i < columns_.size(); ++i) {
    std::string key(i == 0 ? "{" : ",");
    AppendJsonString(&key, columns_[i].name);
    key += ':';
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

Status FileSink::AppendBuffer() {
  const char* p = buffer_.data();
  size_t left = buffer_.size();
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
  for (size_t c = 0; c < cols.size(); ++c) {
    buffer_ += keys_[c];
    AppendJsonValue(&buffer_, cols[c], row);
  }
  buffer_.append("}\n", 2);
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

  buffer_.clear();
  for (int64_t r = 0; r < rows; ++r) AppendRow(batch, r);

  Status st = AppendBuffer();
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
  if (buffer_.capacity() > kMaxKeptBuffer) std::string().swap(buffer_);
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
