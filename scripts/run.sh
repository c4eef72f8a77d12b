#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# On a fresh Debian 12 machine: installs what is missing, builds, and starts
# sinkhost in the foreground with the default config (the `events` stream
# into data/events.db). Extra arguments go to sinkhost.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh -DSINKHOST_BUILD_TESTS=OFF
mkdir -p data
exec "${BUILD_DIR:-build}/bin/sinkhost" --config config/sinkhost.yaml "$@"
