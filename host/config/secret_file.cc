// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/config/secret_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sinkhost {

Status ReadSecretFile(const std::string& path, std::string* out) {
  constexpr size_t kMaxBytes = 64u << 10;
  const std::string quoted = "\"" + path + "\"";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot read " + quoted + ": " + std::strerror(errno));
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return Status::IoError("cannot read " + quoted + ": " + std::strerror(err));
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kMaxBytes) {
      ::close(fd);
      return Status::IoError(quoted + " is larger than 64 KiB: is that the right file?");
    }
  }
  ::close(fd);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty()) return Status::IoError(quoted + " is empty");
  if (text.find_first_of("\r\n") != std::string::npos)
    return Status::IoError(quoted +
                           " holds more than one line; the secret must be the file's only line");
  *out = std::move(text);
  return Status::OK();
}

}  // namespace sinkhost
