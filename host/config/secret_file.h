// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Secrets read from a file named in the config (admin.token_file), the way
// systemd's LoadCredential= and Docker/Kubernetes secrets hand them over:
// the whole file is the secret, without its trailing newline(s).
//
// Thread safety: a pure function of the file system.
#ifndef SINKHOST_HOST_CONFIG_SECRET_FILE_H_
#define SINKHOST_HOST_CONFIG_SECRET_FILE_H_

#include <string>

#include "sinkhost/status.hpp"

namespace sinkhost {

// The file's content without its trailing line ends ("\n", "\r\n").
// IoError naming the path when it cannot be read, is empty, holds more
// than one line (no client could send that as a header) or is larger than
// 64 KiB (a wrong path, not a secret). The error never contains the content.
Status ReadSecretFile(const std::string& path, std::string* out);

}  // namespace sinkhost

#endif  // SINKHOST_HOST_CONFIG_SECRET_FILE_H_
