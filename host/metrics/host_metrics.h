// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The sinkhost metrics, as served on the admin listener's GET /metrics:
// every number of a HostSnapshot as a Prometheus family. Names and labels
// are listed in docs/configuration.md ("Admin API").
//
// Thread safety: a pure function.
#ifndef SINKHOST_HOST_METRICS_HOST_METRICS_H_
#define SINKHOST_HOST_METRICS_HOST_METRICS_H_

#include <string>

#include "host/stats/host_snapshot.h"

namespace sinkhost {

std::string RenderPrometheusMetrics(const HostSnapshot& snapshot);

}  // namespace sinkhost

#endif  // SINKHOST_HOST_METRICS_HOST_METRICS_H_
