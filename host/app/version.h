// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The version of this sinkhost build (the CMake project version).
#ifndef SINKHOST_HOST_APP_VERSION_H_
#define SINKHOST_HOST_APP_VERSION_H_

namespace sinkhost {

const char* HostVersion();

}  // namespace sinkhost

#endif  // SINKHOST_HOST_APP_VERSION_H_
