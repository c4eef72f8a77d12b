#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# On a fresh Debian 12 machine: installs what running needs (the build
# tools and the host's libraries; no database server, Qt or clang), builds
# the host, its four sinks and the conformance kit, and starts sinkhost in
# the foreground with the default config (the `events` stream into
# data/events.db). The dashboard is built too when Qt is installed, or
# installed and built with --with-dashboard. Other arguments go to sinkhost.
# Usage: scripts/run.sh [--with-dashboard] [sinkhost arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
profiles=(run)
if [[ ${1:-} == --with-dashboard ]]; then profiles+=(dashboard); shift; fi
scripts/deps.sh "${profiles[@]}"
scripts/build.sh -DSINKHOST_BUILD_TESTS=OFF
mkdir -p data
exec "${BUILD_DIR:-build}/bin/sinkhost" --config config/sinkhost.yaml "$@"
