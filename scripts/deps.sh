#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# Installs the Debian 12 packages sinkhost needs to build, run and test.
# Idempotent: when everything is installed it only checks, in well under a
# second. Run as root (or with sudo available).
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake ninja-build pkg-config git curl ca-certificates python3
  # libraries
  libpoco-dev libsqlite3-dev sqlite3 libsimdjson-dev libyaml-cpp-dev libcli11-dev
  # Qt 6: Qt Test, and the dashboard (Widgets, Network, Charts)
  qt6-base-dev qt6-charts-dev
  # the dashboard's screenshot (scripts/dashboard-screenshot.sh): a virtual X
  # display; xvfb-run needs xauth, which --no-install-recommends leaves out;
  # a font for the text
  xvfb xauth fonts-dejavu-core
  # PostgreSQL and ClickHouse sinks: client libraries, and real servers the
  # tests start on loopback (no system service is used)
  libpqxx-dev postgresql clickhouse-server clickhouse-client
  # fuzzing (scripts/fuzz.sh): clang 14, and libFuzzer with clang's
  # sanitizer runtimes (libclang_rt.fuzzer), which live in libclang-rt-14-dev
  clang libclang-rt-14-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "deps: installing ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
