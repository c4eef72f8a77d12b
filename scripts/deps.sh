#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# Installs the Debian 12 packages a task needs, by profile, on any Debian 12
# down to a minimal one (debootstrap minbase). Idempotent: when everything
# is installed it only checks, in well under a second. Run as root (or with
# sudo available).
#
# Usage: scripts/deps.sh [PROFILE...]   (default: run)
#   run        build the host, the four sinks and the conformance kit, and
#              run the host on the SQLite default (scripts/run.sh)
#   dashboard  build the Qt dashboard
#   screenshot take the dashboard's picture under Xvfb (scripts/dashboard-screenshot.sh)
#   test       build and run the test suite (Qt Test; real PostgreSQL and
#              ClickHouse servers, started by the tests on loopback)
#   fuzz       the libFuzzer targets and the sanitizer build (clang 14)
#   package    build, check and install the Debian packages (scripts/package.sh)
#   bench      the benchmark peers and load generator (bench/run.sh)
#   all        every profile
#
# Server packages (PostgreSQL, ClickHouse, nginx, syslog-ng) are installed
# without starting their system services: the tests and benchmarks start
# their own servers in temporary folders. A service a package enabled
# during this install is disabled again (and stopped, where systemd runs),
# even when the install fails halfway, so nothing is left to start at the
# next boot; services that were enabled before are untouched.
set -euo pipefail

declare -A PROFILE=(
  [run]="g++ cmake ninja-build pkg-config
         libpoco-dev libsqlite3-dev libsimdjson-dev libyaml-cpp-dev libcli11-dev libpqxx-dev
         libsystemd-dev libboost1.81-dev zlib1g-dev
         libre2-dev libmaxminddb-dev libpsl-dev libsodium-dev
         uap-core ruby-referer-parser publicsuffix
         curl sqlite3"
  [dashboard]="qt6-base-dev qt6-charts-dev libqt6opengl6-dev"
  [screenshot]="xvfb xauth fonts-dejavu-core python3"
  [test]="qt6-base-dev git python3 postgresql clickhouse-server help2man gdb
          libmaxmind-db-writer-perl"
  [fuzz]="clang libclang-rt-14-dev llvm-14"
  [package]="build-essential debhelper dpkg-dev fakeroot lintian help2man adduser systemd iproute2
             git python3"
  [bench]="wrk nginx-light hyperfine libh2o-evloop-dev libssl-dev libmaxmind-db-writer-perl
           syslog-ng-core syslog-ng-mod-http syslog-ng-mod-sql libdbd-sqlite3 libdbd-pgsql
           postgresql clickhouse-server jq procps iproute2 python3"
)
# What each word needs beyond its own list: every task builds the project.
declare -A NEEDS=([dashboard]=run [screenshot]="run dashboard" [test]=run [fuzz]=run
                  [package]="run dashboard" [bench]=run)
# Units the server packages above enable where systemd runs.
SERVICES=(postgresql clickhouse-server nginx syslog-ng)

profiles=("${@:-run}")
if [[ ${profiles[*]} == all ]]; then profiles=("${!PROFILE[@]}"); fi
wanted=()
for p in "${profiles[@]}"; do
  [[ -n ${PROFILE[$p]:-} ]] || {
    echo "deps: unknown profile '$p' (known: ${!PROFILE[*]} all)" >&2; exit 2; }
  for q in $p ${NEEDS[$p]:-}; do wanted+=(${PROFILE[$q]}); done
done

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=()
for pkg in $(printf '%s\n' "${wanted[@]}" | sort -u); do
  installed "$pkg" || missing+=("$pkg")
done
((${#missing[@]})) || exit 0

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
# A unit counts as enabled when its package linked it into a target, which
# deb-systemd-helper does whether or not systemd runs (a chroot, an image
# being built): such a machine would start the server at its first boot.
enabled() { compgen -G "/etc/systemd/system/*.wants/$1.service" >/dev/null; }
enabled_before=()
for unit in "${SERVICES[@]}"; do
  if enabled "$unit"; then enabled_before+=("$unit"); fi
done
# Disables what this install enabled; from the EXIT trap, so that an install
# that fails halfway leaves nothing enabled either.
disable_new_services() {
  local unit
  for unit in "${SERVICES[@]}"; do
    [[ " ${enabled_before[*]} " == *" $unit "* ]] && continue
    enabled "$unit" || continue
    echo "deps: disabling $unit (enabled by its package; the tests start their own)" >&2
    if [[ -d /run/systemd/system ]]; then
      $SUDO systemctl disable --now --quiet "$unit" || true
    elif command -v systemctl >/dev/null; then
      $SUDO systemctl disable --quiet "$unit" >/dev/null 2>&1 || true  # offline: the links only
    else
      $SUDO deb-systemd-helper disable "$unit.service" || true
    fi
  done
}

echo "deps: installing ${missing[*]}" >&2
source "$(dirname "${BASH_SOURCE[0]}")/lib/hold_services.sh"
trap 'release_services; disable_new_services' EXIT
hold_services

# sudo resets the environment: the frontend goes on apt-get's command line.
# Both outputs go to a log shown on failure; noninteractive means no
# debconf question can wait there unseen.
apt() { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get "$@"; }
log=$(mktemp)
if ! { apt update -qq && apt install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  echo "deps: apt-get failed installing: ${missing[*]}" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
