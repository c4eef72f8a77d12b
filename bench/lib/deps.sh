#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# The Debian packages the benchmarks need beyond scripts/deps.sh: the load
# generator, the peers sinkhost is compared with, and hyperfine for timing
# the command-line peers. Same idempotent pattern as scripts/deps.sh: when
# everything is installed it only checks.
set -euo pipefail

BENCH_PACKAGES=(
  wrk            # HTTP load generator (Lua scripts for POST bodies)
  nginx-light    # the HTTP peer: answers 202 to the same requests
  hyperfine      # times psql \copy, curl, dd and the like
  # the end-to-end peer: syslog-ng 3.38 with its HTTP (ClickHouse) and SQL
  # (SQLite, PostgreSQL through libdbi) destinations
  syslog-ng-core syslog-ng-mod-http syslog-ng-mod-sql libdbd-sqlite3 libdbd-pgsql
  sqlite3 curl jq procps util-linux iproute2
)

missing=()
for p in "${BENCH_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "bench deps: installing ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
