#include "host/app/version.h"

#ifndef SINKHOST_VERSION
#error "SINKHOST_VERSION must be defined by the build (host/CMakeLists.txt)"
#endif

namespace sinkhost {

const char* HostVersion() { return SINKHOST_VERSION; }

}  // namespace sinkhost
