#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# Benchmarks sinkhost against the raw backends and a peer (issue 6) and
# prints one table, also written to bench/results.md.
#
#   bench/run.sh [--quick]
#
# It installs what it needs (scripts/deps.sh bench: wrk, nginx, syslog-ng,
# hyperfine and the servers), builds Release into build-bench
# (cmake -S bench: the project plus bench/*.cc), starts PostgreSQL,
# ClickHouse, nginx, syslog-ng and sinkhost on free loopback ports with
# their files in one temporary folder, and stops them on exit (trap), also
# after an error or Ctrl-C.
#
# Every figure is the median of RUNS runs (with min and max); a figure and
# what it is compared with run interleaved in the same invocation, so a
# ratio never mixes runs from different moments. --quick uses fewer events
# and shorter runs (still 5 runs a figure) and finishes in under 3 minutes;
# it skips the PostgreSQL end-to-end row (syslog-ng's sql() manages only a
# few thousand rows/s into PostgreSQL, so 5 runs take minutes).
#
# Environment:
#   BENCH_ONLY=a,b    run only these sections (ingest http idle latency
#                     sqlite postgres clickhouse file e2e-sqlite
#                     e2e-clickhouse e2e-postgres isolation wal rss); the table then goes to
#                     /tmp/sinkhost-bench-partial.md, not bench/results.md
#   BENCH_BUILD_DIR   build folder (default: build-bench in the repository)
#   BENCH_KEEP_TMP=1  keep the temporary folder (logs, configs) for a look
#   BENCH_BASELINE    the commit the HTTP rows compare with (default 6ba3de4,
#                     the last with Poco's thread-per-connection listener);
#                     built once into $BENCH_BUILD_DIR/baseline
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BENCH_BUILD_DIR:-$ROOT/build-bench}
MODE=full
case ${1:-} in
  "") ;;
  --quick) MODE=quick ;;
  -h | --help) sed -n '2,30p' "$0"; exit 0 ;;
  *) echo "usage: bench/run.sh [--quick]" >&2; exit 2 ;;
esac

# Sizes. Both modes keep 5+ runs per figure; quick shortens each run.
if [[ $MODE == quick ]]; then
  RUNS=5 INGEST_SECS=0.3 WRK_SECS=1 SINK_ROWS=50000 E2E_EVENTS=50000 E2E_PG_EVENTS=0 WAL_SECS=0.2
else
  RUNS=7 INGEST_SECS=1 WRK_SECS=5 SINK_ROWS=200000 E2E_EVENTS=300000 E2E_PG_EVENTS=30000 WAL_SECS=1
fi
BULK_CONNS=4  # bulk clients: a few senders of large requests

# wrk at 1,024 connections and 10,000 idle connections need descriptors.
ulimit -n "$(ulimit -Hn)"

START_TIME=$(date +%s.%N)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- dependencies and build ---------------------------------------------------
"$ROOT/scripts/deps.sh" bench
if [[ ! -f $BUILD/build.ninja ]]; then
  cmake -S "$ROOT/bench" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
# -j2: the machine has 2 cores and is shared with other builds.
if ! ninja -C "$BUILD" -j2 bench_all >"$BUILD/bench-build.log" 2>&1; then
  tail -40 "$BUILD/bench-build.log" >&2
  echo "bench: the Release build failed (full log: $BUILD/bench-build.log)" >&2
  exit 1
fi

# ---- temporary folder, helpers, cleanup ---------------------------------------
BENCH_TMP=$(mktemp -d /tmp/sinkhost-bench.XXXXXX)
chmod 755 "$BENCH_TMP"  # the postgres and clickhouse users must enter it
export BENCH_TMP
# shellcheck source=bench/lib/common.sh
source "$ROOT/bench/lib/common.sh"
# shellcheck source=bench/lib/servers.sh
source "$ROOT/bench/lib/servers.sh"
# shellcheck source=bench/lib/measure.sh
source "$ROOT/bench/lib/measure.sh"

cleanup() {
  local pid name
  # Newest first: the host before the servers it writes to.
  tac "$STARTED" 2>/dev/null | while read -r pid name; do stop_pid "$pid"; done
  pg_stop
  if [[ ${BENCH_KEEP_TMP:-0} == 1 ]]; then log "kept $BENCH_TMP"; else rm -rf "$BENCH_TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- sections -----------------------------------------------------------------
want() { [[ -z ${BENCH_ONLY:-} || ,$BENCH_ONLY, == *,$1,* ]]; }
need_pg() { [[ -n $PG_DIR ]] || { log "starting PostgreSQL"; pg_start; }; }
need_ch() { [[ -n $CH_PID ]] || { log "starting ClickHouse"; ch_start; }; }

log "mode $MODE: $RUNS runs a figure; temporary files in $BENCH_TMP"
want ingest && measure_ingest
want http && measure_http
want idle && measure_idle
want latency && measure_latency
want sqlite && measure_sink_sqlite
want postgres && { need_pg; measure_sink_postgres; }
want clickhouse && { need_ch; measure_sink_clickhouse; }
want file && measure_sink_file
want e2e-sqlite && measure_e2e sqlite "$E2E_EVENTS"
want e2e-clickhouse && { need_ch; measure_e2e clickhouse "$E2E_EVENTS"; }
if want e2e-postgres; then
  if ((E2E_PG_EVENTS > 0)); then
    need_pg
    measure_e2e postgres "$E2E_PG_EVENTS"
  else
    note "--quick skips end to end into PostgreSQL: syslog-ng's sql() writes a few thousand rows/s there, so 5 runs do not fit in 3 minutes; the full run has it."
  fi
fi
want isolation && measure_isolation
want wal && measure_wal
want rss && measure_rss

# ---- the table ----------------------------------------------------------------
OUT="$ROOT/bench/results.md"
[[ -z ${BENCH_ONLY:-} ]] || OUT=/tmp/sinkhost-bench-partial.md
TOTAL=$(elapsed "$START_TIME")
{
  echo "# sinkhost benchmark results"
  echo
  echo "\`bench/run.sh$([[ $MODE == quick ]] && echo " --quick")\`$([[ -n ${BENCH_ONLY:-} ]] && echo " (BENCH_ONLY=$BENCH_ONLY)"), $(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- core host plugins 2>/dev/null || echo " with uncommitted changes in core/host/plugins"), Release build, $RUNS runs a figure, $(printf '%.0f' "$TOTAL") s in all."
  echo
  echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/ { print $2 }') GiB memory, kernel $(uname -r). Load average (1, 5, 15 min) at start $LOAD_BEFORE, at end $(cut -d' ' -f1-3 /proc/loadavg): other builds share the machine, so compare ratios, not absolute figures, across runs."
  echo
} >"$BENCH_TMP/header.md"
echo
python3 "$ROOT/bench/lib/report.py" "$SAMPLES" "$ROWS" "$NOTES" "$BENCH_TMP/header.md" "$OUT"
echo
log "table written to $OUT ($(printf '%.0f' "$TOTAL") s)"
