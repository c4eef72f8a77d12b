// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/app/version.h"

#ifndef SINKHOST_VERSION
#error "SINKHOST_VERSION must be defined by the build (host/CMakeLists.txt)"
#endif

namespace sinkhost {

const char* HostVersion() { return SINKHOST_VERSION; }

}  // namespace sinkhost
