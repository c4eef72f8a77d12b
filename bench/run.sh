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
#                     e2e-clickhouse e2e-postgres isolation wal rss enrich); the table then goes to
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

# ---- enrichment ---------------------------------------------------------------
# The enrichment stage of a plausible stream (core/enrich): POST /api/event
# with it on vs `enrich: none`, two hosts side by side and the runs
# alternating; the stage in-process (bench_enrich stage: parse + enrich vs
# parse alone, one thread); cold User-Agent parses; RSS with 100,000 live
# sessions. The traffic is bench_enrich's mix: a few hundred User-Agents
# with Zipf weights, 2,000 visitors whose addresses come in X-Forwarded-For
# (trusted_proxy_hops: 1), a referrer mix.
ENRICH_MODE=on
ENRICH_MMDB=""
enrich_host_config() {
  local enrich=none
  if [[ $ENRICH_MODE == on ]]; then
    enrich=plausible
    [[ -z $ENRICH_MMDB ]] || enrich="{geo_database: $ENRICH_MMDB}"
  fi
  cat <<EOF
streams:
  events:
    schema: plausible
    enrich: $enrich
    sinks:
      - {plugin: discard, isolation: in_process}
EOF
}

# enrich_wrk_rate URL MIX_FILE CONNECTIONS -> requests/s, with wrk_rate's
# checks (bench/lib/measure.sh), through bench/wrk/enrich.lua.
enrich_wrk_rate() {
  local url=$1 mix=$2 conns=$3 out bad
  out=$(wrk -t2 -c"$conns" -d"${WRK_SECS}s" --timeout 10s -s "$ROOT/bench/wrk/enrich.lua" "$url" \
    -- "$mix" 202)
  if grep -q "Socket errors" <<<"$out"; then die "wrk saw socket errors against $url:"$'\n'"$out"; fi
  bad=$(awk '/^bad_status/ { print $2 }' <<<"$out")
  [[ $bad == 0 ]] || die "wrk got $bad answers other than 202 from $url:"$'\n'"$out"
  awk '/^Requests\/sec:/ { print $2 }' <<<"$out"
}

measure_enrich() {
  log "enrichment: POST /api/event with enrich on vs enrich: none (User-Agent and X-Forwarded-For mix); the stage in-process; cold User-Agent parses; RSS with 100,000 sessions"
  local mix="$BENCH_TMP/enrich.mix" salts="$BENCH_TMP/enrich-salts" r out a b c d
  local -A port pid admin
  "$BIN/bench_enrich" mix 10000 >"$mix"
  # The test GeoIP database (tests/support), when its writer is installed
  # (scripts/deps.sh test): a third of the visitors' addresses are in it.
  # Without it the location part stays off.
  ENRICH_MMDB=""
  if perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null; then
    ENRICH_MMDB="$BENCH_TMP/geo-test.mmdb"
    perl "$ROOT/tests/support/make_test_mmdb.pl" "$ENRICH_MMDB" >/dev/null
  fi
  # Both hosts run for the whole section (the idle one costs nothing) and
  # the runs alternate between them.
  for ENRICH_MODE in on none; do
    HOST_INGEST_EXTRA="trusted_proxy_hops: 1" host_start "enrich-$ENRICH_MODE" enrich_host_config
    port[$ENRICH_MODE]=$HOST_PORT
    pid[$ENRICH_MODE]=$HOST_PID
    admin[$ENRICH_MODE]=$HOST_ADMIN
  done
  HOST_PID=""
  for r in $(seq "$RUNS"); do
    for ENRICH_MODE in on none; do
      sample "enrich_http_$ENRICH_MODE" \
        "$(enrich_wrk_rate "http://127.0.0.1:${port[$ENRICH_MODE]}/api/event" "$mix" 64)"
    done
    out=$(quiet "$BIN/bench_enrich" stage "$INGEST_SECS" "$salts" ${ENRICH_MMDB:+"$ENRICH_MMDB"})
    read -r a b c <<<"$out"
    sample enrich_parse "$a"
    sample enrich_parse_stage "$b"
    sample enrich_stage_ns "$c"
    sample enrich_stage_eps "$(awk -v ns="$c" 'BEGIN { printf "%.0f", 1e9 / ns }')"
    out=$(quiet "$BIN/bench_enrich" cold-ua)
    read -r a b c <<<"$out"
    sample enrich_ua_p50 "$a"
    sample enrich_ua_p99 "$b"
    out=$(quiet "$BIN/bench_enrich" rss 100000 "$salts" "$mix" ${ENRICH_MMDB:+"$ENRICH_MMDB"})
    read -r a b c d <<<"$out"
    [[ $d == 100000 ]] || die "bench_enrich rss: $d sessions live, not 100000"
    sample enrich_rss_before "$a"
    sample enrich_rss_opened "$b"
    sample enrich_rss_after "$c"
  done
  # The mix's visitors had sessions of their own: X-Forwarded-For was
  # believed (from the peer's address alone they would share a few hundred).
  local live
  live=$(curl -sf "http://127.0.0.1:${admin[on]}/api/stats" | jq '.streams.events.enrichment.sessions.live')
  ((live > 1000)) || die "the enriched host holds $live sessions for the mix's 2,000 visitors"
  for ENRICH_MODE in on none; do stop_registered "${pid[$ENRICH_MODE]}"; done
  add_row "HTTP POST /api/event, enrichment on (300 User-Agents, Zipf; 2,000 visitors in X-Forwarded-For, trusted_proxy_hops: 1; referrer mix), 64 connections, requests/s" \
    enrich_http_on "req/s" "the same host and load with enrich: none, runs alternating" enrich_http_none \
    ratio 0.85 "≥ 85 %"
  add_row "enrichment stage alone, 1 thread, warm User-Agent cache, events/s (1e9 / its ns per event)" \
    enrich_stage_eps "events/s" "PlausibleEventParser alone (no stage), same mix" enrich_parse \
    abs 1000000 "≥ 1 M/s"
  add_row "(context) PlausibleEventParser + enrichment stage, 1 thread, events/s" enrich_parse_stage \
    "events/s" "the same parse without the stage, slices alternating" enrich_parse none "" "reported"
  add_row "(context) the enrichment stage's own cost per event, ns" enrich_stage_ns "ns" "-" - \
    none "" "reported"
  add_row "cold User-Agent parse (cache miss), p50 over uap-core's test_ua.yaml strings, µs of CPU" \
    enrich_ua_p50 "µs" "-" - none "" "reported"
  add_row "cold User-Agent parse (cache miss), p99, µs of CPU" enrich_ua_p99 "µs" "-" - none "" "reported"
  add_row "RSS with the rule sets loaded and 100,000 live sessions (VmRSS), MiB" enrich_rss_after \
    "MiB" "the same process before it opened the enricher" enrich_rss_before delta_mib 96 \
    "≤ +96 MiB"
  add_row "(context) RSS with the rule sets loaded, no sessions yet, MiB" enrich_rss_opened "MiB" \
    "the same process before it opened the enricher" enrich_rss_before delta_mib "" "reported"
  note "Enrichment rows: bench_enrich (bench/bench_enrich.cc) makes the traffic, $(wc -l <"$mix") requests: 300 distinct User-Agents from uap-core's tests/test_ua.yaml (no crawlers), Zipf-weighted with the common browsers first, from 2,000 visitors (one address each, sent in X-Forwarded-For with trusted_proxy_hops: 1), bench_events.h's URLs with a referrer mix; bench/wrk/enrich.lua sends it. $(if [[ -n $ENRICH_MMDB ]]; then echo "GeoIP: the test database of tests/support/make_test_mmdb.pl."; else echo "No GeoIP database (libmaxmind-db-writer-perl is not installed): location off."; fi) The stage row runs bench_enrich stage (parse + enrich vs parse alone in alternating slices on one thread); cold parses are timed one string at a time, in thread CPU time (the cores are shared: a parse preempted by another process would be charged its 4 ms time slice), after a warm-up over test_os.yaml and test_device.yaml; the RSS row sends 100,000 distinct visitors through parser and stage in one process."
}

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
want enrich && measure_enrich

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
