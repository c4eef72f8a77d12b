# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# The measurements. Each function runs its figure and its comparison
# interleaved, RUNS times (so drift from other work on the machine hits both
# alike), records every run with `sample`, and adds its table rows. Sourced
# by bench/run.sh, which sets RUNS and the sizes (quick or full).

BIN="$BUILD/bin"
SINKHOST_PLUGINS="$BUILD/sinkhost/lib/sinkhost/plugins"
# For bench_sink's isolation=process (the hosts find theirs beside them).
export SINKHOST_SINK_WORKER="$BUILD/sinkhost/libexec/sinkhost/sinkhost-sink-worker"
BENCH_PLUGINS="$BUILD/plugins"
BATCH=10000  # rows per batch everywhere: the host's default max_events

# ---- helpers ----------------------------------------------------------------

# wrk_rate URL BODIES CONTENT_TYPE CONNECTIONS -> requests/s. A run with
# socket errors or refused requests fails the benchmark: its rate would
# measure the refusals.
wrk_rate() {
  local url=$1 bodies=$2 ctype=$3 conns=$4 out
  out=$(wrk -t2 -c"$conns" -d"${WRK_SECS}s" --timeout 10s -s "$ROOT/bench/wrk/post.lua" "$url" \
    -- "$bodies" "$ctype" 202)
  if grep -q "Socket errors" <<<"$out"; then die "wrk saw socket errors against $url:"$'\n'"$out"; fi
  local bad
  bad=$(awk '/^bad_status/ { print $2 }' <<<"$out")
  [[ $bad == 0 ]] || die "wrk got $bad answers other than 202 from $url:"$'\n'"$out"
  awk '/^Requests\/sec:/ { print $2 }' <<<"$out"
}

# hyperfine_secs COMMAND -> seconds of one run of COMMAND (no shell).
hyperfine_secs() {
  local json="$BENCH_TMP/hyperfine.json"
  hyperfine -N --runs 1 --style none --export-json "$json" "$1" >/dev/null 2>"$BENCH_TMP/hyperfine.err" ||
    die "hyperfine '$1' failed: $(cat "$BENCH_TMP/hyperfine.err")"
  jq '.results[0].mean' "$json"
}

# Row counts of a table in each backend (0 while it does not exist yet).
count_sqlite() { sqlite3 -cmd ".timeout 5000" "$1" "SELECT count(*) FROM $2" 2>/dev/null || echo 0; }
count_pg() { psql_q "SELECT count(*) FROM $1" 2>/dev/null || echo 0; }
count_ch() { ch_q "SELECT count() FROM $1" 2>/dev/null || echo 0; }

# wait_rows COUNT_FN ARGS... TARGET: polls every 50 ms until COUNT_FN ARGS
# reaches TARGET (5 minutes at most). Each poll starts a client process
# (sqlite3, psql, curl), which costs a few ms of CPU on the 2 cores the
# measured processes run on: polling every 20 ms took a quarter of a core.
wait_rows() {
  local target=${*: -1} n i
  local args=("${@:1:$#-1}")
  for i in $(seq 6000); do
    n=$("${args[@]}")
    ((n >= target)) && return 0
    sleep 0.05
  done
  die "rows never reached $target (${args[*]} gave $n)"
}

# ---- in-process ingest --------------------------------------------------------
measure_ingest() {
  log "in-process ingest: Stream::Accept vs std::vector + mutex, 1 and 2 threads"
  local r t
  for r in $(seq "$RUNS"); do
    for t in 1 2; do
      sample "ingest_stream_$t" "$(quiet "$BIN/bench_ingest" stream "$t" "$INGEST_SECS" "$BENCH_PLUGINS")"
      sample "ingest_vector_$t" "$(quiet "$BIN/bench_ingest" vector "$t" "$INGEST_SECS" "$BENCH_PLUGINS")"
    done
  done
  for t in 1 2; do
    add_row "in-process ingest, $t producer thread$([[ $t == 2 ]] && echo s), events/s" \
      "ingest_stream_$t" "events/s" "same loop into std::vector + mutex" "ingest_vector_$t" \
      abs+ratio "3000000,0.5" "≥ 3 M/s and ≥ 50 %"
  done
}

# ---- HTTP ---------------------------------------------------------------------
# The discard plugin is outside the host's own plugin directory, so it
# would run in a worker by default; the HTTP rows measure the host, so it
# runs in process (the baseline host, HOST_BINARY, knows no isolation key).
discard_sink() {
  if [[ -n ${HOST_BINARY:-} ]]; then echo "{plugin: discard}"; else echo "{plugin: discard, isolation: in_process}"; fi
}
# The rows that compare the host with a peer (nginx, the baseline host,
# syslog-ng) give it the peer's work: no enrichment. What enrichment costs
# is the enrich section's own row (on against enrich: none). The baseline
# host predates the key (and has nothing to switch off).
discard_host_config() {
  cat <<EOF
streams:
  events:
    schema: plausible
$([[ -n ${BASELINE_HOST:-} && ${HOST_BINARY:-} == "$BASELINE_HOST" ]] || echo "    enrich: none")
    sinks:
      - $(discard_sink)
EOF
}

measure_http() {
  log "HTTP: the listeners alone (sinkhost's, h2o's) and POST /api/event at 64 and 1,024 connections vs nginx; bulk NDJSON vs the baseline host"
  build_baseline
  HOST_BINARY=$BASELINE_HOST host_start baseline discard_host_config
  local base_pid=$HOST_PID base_port=$HOST_PORT
  host_start http discard_host_config
  [[ -n ${NGINX_PORT:-} ]] || nginx_start
  floor_start bench_h2o_floor
  local h2o_port=$FLOOR_PORT h2o_pid=$FLOOR_PID
  floor_start bench_http_floor
  local api_bodies="$BENCH_TMP/api.bodies" bulk_bodies="$BENCH_TMP/bulk.bodies" r rps
  "$BIN/bench_load" bodies 1 1000 >"$api_bodies"
  "$BIN/bench_load" bodies 1000 10 >"$bulk_bodies"
  local api="http://127.0.0.1:%s/api/event"
  for r in $(seq "$RUNS"); do
    sample http_nginx "$(wrk_rate "$(printf "$api" "$NGINX_PORT")" "$api_bodies" text/plain 64)"
    sample http_floor "$(wrk_rate "$(printf "$api" "$FLOOR_PORT")" "$api_bodies" text/plain 64)"
    sample http_h2o "$(wrk_rate "$(printf "$api" "$h2o_port")" "$api_bodies" text/plain 64)"
    sample http_api "$(wrk_rate "$(printf "$api" "$HOST_PORT")" "$api_bodies" text/plain 64)"
    sample http_api_base "$(wrk_rate "$(printf "$api" "$base_port")" "$api_bodies" text/plain 64)"
    sample http_nginx_1k "$(wrk_rate "$(printf "$api" "$NGINX_PORT")" "$api_bodies" text/plain 1024)"
    sample http_api_1k "$(wrk_rate "$(printf "$api" "$HOST_PORT")" "$api_bodies" text/plain 1024)"
    rps=$(wrk_rate "http://127.0.0.1:$HOST_PORT/v1/streams/events/events" "$bulk_bodies" \
      application/x-ndjson "$BULK_CONNS")
    sample http_bulk "$(awk -v r="$rps" 'BEGIN { printf "%.0f", r * 1000 }')"
    rps=$(wrk_rate "http://127.0.0.1:$base_port/v1/streams/events/events" "$bulk_bodies" \
      application/x-ndjson "$BULK_CONNS")
    sample http_bulk_base "$(awk -v r="$rps" 'BEGIN { printf "%.0f", r * 1000 }')"
    sample parse_simdjson "$("$BIN/bench_parse" simdjson "$INGEST_SECS")"
    sample parse_sinkhost "$("$BIN/bench_parse" sinkhost "$INGEST_SECS")"
  done
  host_stop
  stop_registered "$base_pid"
  stop_registered "$FLOOR_PID"
  stop_registered "$h2o_pid"
  add_row "sinkhost's HTTP layer alone (HttpServer, one event loop per core) answering 202, 64 keep-alive connections, requests/s" \
    http_floor "req/s" "nginx (2 workers) answering 202 to the same requests" http_nginx ratio 0.9 "≥ 90 %"
  add_row "(context) h2o 2.2.5 (libh2o-evloop, one loop per core) answering 202, 64 connections, requests/s" \
    http_h2o "req/s" "nginx answering 202 to the same requests" http_nginx none "" "reported"
  add_row "HTTP POST /api/event, 1 event/request, 64 keep-alive connections, wal fsync: interval, requests/s" \
    http_api "req/s" "nginx answering 202 to the same requests" http_nginx ratio 0.7 "≥ 70 %"
  add_row "HTTP POST /api/event, 1,024 keep-alive connections, requests/s" \
    http_api_1k "req/s" "nginx answering 202, 1,024 connections" http_nginx_1k ratio 0.6 "≥ 60 %"
  add_row "(context) HTTP POST /api/event, 64 connections, requests/s" \
    http_api "req/s" "sinkhost's HTTP layer alone (first row)" http_floor none "" "reported"
  add_row "(context) HTTP POST /api/event, 64 connections, requests/s" \
    http_api "req/s" "the baseline host (Poco's thread per connection, ${BENCH_BASELINE:-6ba3de4})" http_api_base none "" "reported"
  add_row "HTTP bulk NDJSON, 1,000 events/request, $BULK_CONNS connections, events/s" \
    http_bulk "events/s" "the baseline host, same requests, same run" http_bulk_base \
    ratio 0.95 "≥ 95 % (no regression)"
  add_row "(context) HTTP bulk NDJSON, events/s" \
    http_bulk "events/s" "simdjson parse_many of the same bodies, 1 thread" parse_simdjson none "" "reported"
  add_row "(context) sinkhost's bulk parser in-process, 1 thread, events/s" \
    parse_sinkhost "events/s" "simdjson parse_many, 1 thread" parse_simdjson none "" "reported"
  note "HTTP rows use a sink that discards batches (bench/discard_sink.cc), so they measure HTTP, parsing, the write-ahead log (fsync: interval, the default) and the buffer; wrk (2 threads) runs on the same 2 cores as the servers."
  note "The HTTP layer alone (bench/bench_http_floor.cc) is the host's HttpServer with a handler that answers 202 to every request; h2o (bench/bench_h2o_floor.c) is the same with libh2o-evloop: the two floors the HTTP layer was chosen between."
  note "The baseline host is sinkhost built from ${BENCH_BASELINE:-6ba3de4}, the last commit before the event-driven HTTP layer, run with the same config and plugin in the same run (BENCH_BASELINE picks another commit)."
}

measure_idle() {
  log "10,000 idle keep-alive connections: host RSS, and POST /api/event at 64 connections with and without them"
  local api_bodies="$BENCH_TMP/api.bodies" r holder out="$BENCH_TMP/idle-holder.out"
  [[ -f $api_bodies ]] || "$BIN/bench_load" bodies 1 1000 >"$api_bodies"
  for r in $(seq "$RUNS"); do
    # A new host each run: memory that held connections of an earlier run
    # stays in the allocator and would hide the next run's growth.
    host_start idle discard_host_config
    sample idle_without "$(wrk_rate "http://127.0.0.1:$HOST_PORT/api/event" "$api_bodies" text/plain 64)"
    sample idle_rss_before "$(awk -v k="$(proc_kib "$HOST_PID" VmRSS)" 'BEGIN { printf "%.1f", k / 1024 }')"
    : >"$out"
    "$BIN/bench_load" idle "$HOST_PORT" 10000 >"$out" 2>"$BENCH_TMP/idle-holder.err" &
    holder=$!
    register_pid "$holder" bench_load-idle
    wait_for "10,000 idle connections" 60 grep -q ready "$out"
    sample idle_rss_with "$(awk -v k="$(proc_kib "$HOST_PID" VmRSS)" 'BEGIN { printf "%.1f", k / 1024 }')"
    sample idle_with "$(wrk_rate "http://127.0.0.1:$HOST_PORT/api/event" "$api_bodies" text/plain 64)"
    stop_registered "$holder"
    host_stop
  done
  add_row "host RSS with 10,000 idle keep-alive connections open, MiB" idle_rss_with "MiB" \
    "the same host warmed by the 64-connection load, before they opened (VmRSS)" idle_rss_before \
    delta_mib 64 "≤ idle + 64 MiB"
  add_row "HTTP POST /api/event, 64 connections, with 10,000 idle connections open, requests/s" \
    idle_with "req/s" "the same load without the idle connections" idle_without ratio 0.8 "≥ 80 %"
}

# The latency a client sees below saturation: half of the measured peak.
measure_latency() {
  log "latency: POST /api/event at half the peak rate, 64 connections"
  host_start latency discard_host_config
  local api_bodies="$BENCH_TMP/api.bodies" r peak out
  [[ -f $api_bodies ]] || "$BIN/bench_load" bodies 1 1000 >"$api_bodies"
  for r in $(seq "$RUNS"); do
    peak=$(wrk_rate "http://127.0.0.1:$HOST_PORT/api/event" "$api_bodies" text/plain 64)
    sample lat_peak "$peak"
    # "<achieved> <p50> <p99> <p99.9> <max>", milliseconds.
    out=$("$BIN/bench_load" rate "$HOST_PORT" "$(awk -v p="$peak" 'BEGIN { printf "%.0f", p / 2 }')" \
      "$((WRK_SECS * 2))" 64)
    read -r rate p50 p99 p999 pmax <<<"$out"
    sample lat_rate "$rate"
    sample lat_p50 "$p50"
    sample lat_p99 "$p99"
    sample lat_p999 "$p999"
  done
  host_stop
  add_row "p99 latency of POST /api/event at half the peak rate (64 connections, on a schedule), ms" \
    lat_p99 "ms" "-" - none "" "reported"
  add_row "(context) p50 latency at half the peak rate, ms" lat_p50 "ms" "-" - none "" "reported"
  add_row "(context) p99.9 latency at half the peak rate, ms" lat_p999 "ms" "-" - none "" "reported"
  add_row "(context) the rate sent, requests/s" lat_rate "req/s" "the peak measured just before (wrk, 64 connections)" lat_peak none "" "reported"
  note "Latency rows: bench_load rate sends each connection's requests on a schedule at half the peak just measured and times each from when it was due (so a stall is not hidden by the requests it delays)."
}

# ---- sinks in-process vs the bare tools -----------------------------------------
measure_sink_sqlite() {
  log "SQLite sink vs a bare prepared-statement loop ($SINK_ROWS rows, batches of $BATCH)"
  local dir="$BENCH_TMP/sqlite" r
  mkdir -p "$dir"
  for r in $(seq "$RUNS"); do
    rm -f "$dir"/*.db*
    sample sqlite_sink "$(quiet "$BIN/bench_sink" sink "$SINKHOST_PLUGINS" sqlite "$SINK_ROWS" "$BATCH" \
      path="$dir/sink.db" table=events | cut -d' ' -f1)"
    sample sqlite_raw "$("$BIN/bench_sink" sqlite-raw "$dir/raw.db" "$SINK_ROWS" "$BATCH" | cut -d' ' -f1)"
    rm -f "$dir"/*.db*
    sample sqlite_sink_worker "$(quiet "$BIN/bench_sink" sink "$SINKHOST_PLUGINS" sqlite "$SINK_ROWS" "$BATCH" \
      path="$dir/sink.db" table=events isolation=process | cut -d' ' -f1)"
  done
  add_row "SQLite sink, 10,000-row batches, rows/s" sqlite_sink "rows/s" \
    "bare prepared-statement loop, same pragmas and table" sqlite_raw ratio 0.9 "≥ 90 %"
  add_row "SQLite sink in a worker (isolation: process), rows/s" sqlite_sink_worker "rows/s" \
    "the same sink in process" sqlite_sink ratio 0.85 "≥ 85 %"
}

measure_sink_postgres() {
  log "PostgreSQL sink vs psql \\copy ($SINK_ROWS rows, batches of $BATCH)"
  local dir="$BENCH_TMP/pgsink" r secs f
  mkdir -p "$dir"
  "$BIN/bench_sink" dump tsv "$SINK_ROWS" "$BATCH" "$dir/rows"
  chmod -R a+rX "$dir"
  # One psql session, one \copy (one transaction) per 10,000-row file, as
  # the sink commits one COPY per batch.
  for f in "$dir"/rows.*; do echo "\\copy events FROM '$f'"; done >"$dir/copy.sql"
  for r in $(seq "$RUNS"); do
    psql_q "DROP TABLE IF EXISTS events" >/dev/null
    # The sink creates the table (its own layout) and writes with binary COPY.
    sample pg_sink "$(quiet "$BIN/bench_sink" sink "$SINKHOST_PLUGINS" postgres "$SINK_ROWS" "$BATCH" \
      "connection=$(pg_url)" table=events | cut -d' ' -f1)"
    psql_q "TRUNCATE events" >/dev/null
    secs=$(hyperfine_secs "psql -X -q -h 127.0.0.1 -p $PG_PORT -U postgres -d postgres -v ON_ERROR_STOP=1 -f $dir/copy.sql")
    [[ $(count_pg events) == "$SINK_ROWS" ]] || die "psql \\copy did not store $SINK_ROWS rows"
    sample pg_copy "$(div "$SINK_ROWS" "$secs")"
    psql_q "DROP TABLE IF EXISTS events" >/dev/null
    sample pg_sink_worker "$(quiet "$BIN/bench_sink" sink "$SINKHOST_PLUGINS" postgres "$SINK_ROWS" "$BATCH" \
      "connection=$(pg_url)" table=events isolation=process | cut -d' ' -f1)"
  done
  add_row "PostgreSQL sink, 10,000-row batches, rows/s" pg_sink "rows/s" \
    "psql \\copy of the same rows into the same table (one \\copy per 10,000)" pg_copy ratio 0.9 "≥ 90 %"
  add_row "PostgreSQL sink in a worker (isolation: process), rows/s" pg_sink_worker "rows/s" \
    "the same sink in process" pg_sink ratio 0.85 "≥ 85 %"
  note "psql \\copy times include starting psql (hyperfine, one run each, interleaved with the sink's runs)."
}

measure_sink_clickhouse() {
  log "ClickHouse sink vs curl --data-binary ($SINK_ROWS rows RowBinary, batches of $BATCH)"
  local dir="$BENCH_TMP/chsink" r secs f cmd="curl" url
  mkdir -p "$dir"
  "$BIN/bench_sink" dump rowbinary "$SINK_ROWS" "$BATCH" "$dir/rows"
  url="http://127.0.0.1:$CH_PORT/?query=INSERT%20INTO%20events%20FORMAT%20RowBinary"
  # One curl process, one keep-alive connection, one POST per 10,000 rows
  # (--next), as the sink sends one insert per batch.
  for f in "$dir"/rows.*; do
    [[ $cmd == curl ]] || cmd+=" --next"
    cmd+=" -sS --fail -o /dev/null --data-binary @$f $url"
  done
  for r in $(seq "$RUNS"); do
    ch_q "DROP TABLE IF EXISTS events" >/dev/null
    sample ch_sink "$(quiet "$BIN/bench_sink" sink "$SINKHOST_PLUGINS" clickhouse "$SINK_ROWS" "$BATCH" \
      url="http://127.0.0.1:$CH_PORT" table=events | cut -d' ' -f1)"
    ch_q "TRUNCATE TABLE events" >/dev/null
    secs=$(hyperfine_secs "$cmd")
    [[ $(count_ch events) == "$SINK_ROWS" ]] || die "curl did not store $SINK_ROWS rows in ClickHouse"
    sample ch_curl "$(div "$SINK_ROWS" "$secs")"
    ch_q "DROP TABLE IF EXISTS events" >/dev/null
    sample ch_sink_worker "$(quiet "$BIN/bench_sink" sink "$SINKHOST_PLUGINS" clickhouse "$SINK_ROWS" "$BATCH" \
      url="http://127.0.0.1:$CH_PORT" table=events isolation=process | cut -d' ' -f1)"
  done
  add_row "ClickHouse sink, 10,000-row batches, rows/s" ch_sink "rows/s" \
    "curl --data-binary of the same rows (RowBinary), one POST per 10,000" ch_curl ratio 0.9 "≥ 90 %"
  add_row "ClickHouse sink in a worker (isolation: process), rows/s" ch_sink_worker "rows/s" \
    "the same sink in process" ch_sink ratio 0.85 "≥ 85 %"
}

measure_sink_file() {
  log "file sink vs dd ($SINK_ROWS rows NDJSON, batches of $BATCH, fsync off and on)"
  local dir="$BENCH_TMP/file" r out secs bytes batches bs policy sync_flag
  mkdir -p "$dir"
  batches=$(((SINK_ROWS + BATCH - 1) / BATCH))
  for policy in false true; do
    sync_flag=""
    [[ $policy == true ]] && sync_flag="oflag=dsync"
    for r in $(seq "$RUNS"); do
      rm -f "$dir/sink.ndjson" "$dir/dd.out"
      out=$(quiet "$BIN/bench_sink" sink "$SINKHOST_PLUGINS" file "$SINK_ROWS" "$BATCH" \
        path="$dir/sink.ndjson" fsync=$policy)
      bytes=$(stat -c %s "$dir/sink.ndjson")
      sample "file_sink_$policy" "$(div "$bytes" "$(cut -d' ' -f2 <<<"$out")" | awk '{ printf "%.1f", $1 / 1e6 }')"
      # dd writes the very bytes the sink wrote, in blocks of one batch's
      # average size; with fsync, each block is written with O_DSYNC, as the
      # sink fdatasyncs each batch.
      [[ -f $dir/dd.in ]] || cp "$dir/sink.ndjson" "$dir/dd.in"
      bs=$(((bytes + batches - 1) / batches))
      secs=$(hyperfine_secs "dd if=$dir/dd.in of=$dir/dd.out bs=$bs count=$batches status=none $sync_flag")
      sample "file_dd_$policy" "$(div "$bytes" "$secs" | awk '{ printf "%.1f", $1 / 1e6 }')"
    done
  done
  add_row "file sink, NDJSON, fsync: false, MB/s" file_sink_false "MB/s" \
    "dd of the same bytes, no sync" file_dd_false ratio 0.9 "≥ 90 %"
  add_row "file sink, NDJSON, fsync: true (fdatasync per batch), MB/s" file_sink_true "MB/s" \
    "dd of the same bytes, oflag=dsync, one block per batch" file_dd_true ratio 0.9 "≥ 90 %"
  note "file sink MB/s counts the NDJSON bytes it wrote, including encoding them from columns; dd only copies those bytes from the page cache."
}

# ---- end to end -----------------------------------------------------------------
# sinkhost and syslog-ng both run while the runs alternate; both flush at
# 10,000 events or after 1 s, whichever comes first.
E2E_BACKEND=""
e2e_host_config() {
  local sink
  case $E2E_BACKEND in
    sqlite) sink="{plugin: sqlite, options: {path: $BENCH_TMP/e2e/host.db, table: events}}" ;;
    clickhouse) sink="{plugin: clickhouse, options: {url: \"http://127.0.0.1:$CH_PORT\", table: e2e_events}}" ;;
    postgres) sink="{plugin: postgres, options: {connection: \"$(pg_url)\", table: e2e_events}}" ;;
  esac
  cat <<EOF
streams:
  events:
    schema: plausible
    enrich: none
    buffer: {max_events: $BATCH, flush_interval: 1s}
    sinks:
      - $sink
EOF
}

# syslog-ng: TCP lines -> json-parser -> the backend, with the fair-peer
# settings from environment.md (flow control with a large window, fetch
# limit 1000, explicit commits for sql()). http() gets one worker, like the
# host's one connection per sink: with workers(2) each worker fills its own
# batch, the last two wait for batch-timeout, and a 100,000-event run
# measured half the rate (SYSLOG_HTTP_WORKERS=2 shows it).
e2e_syslog_config() {
  local dest
  case $E2E_BACKEND in
    sqlite)
      dest="sql(type(sqlite3) database(\"sl.db\") dbd-option(\"sqlite3_dbdir\", \"$BENCH_TMP/e2e\")
      dbd-option(\"sqlite3_timeout\", 5000) session-statements(\"PRAGMA journal_mode=WAL\", \"PRAGMA synchronous=NORMAL\")
      table(\"sl_events\") $(e2e_sql_columns) flags(explicit-commits) batch-lines($BATCH) batch-timeout(1000))" ;;
    postgres)
      dest="sql(type(pgsql) host(\"127.0.0.1\") port(\"$PG_PORT\") username(\"postgres\") password(\"\")
      database(\"postgres\") table(\"sl_events\") $(e2e_sql_columns) flags(explicit-commits)
      batch-lines($BATCH) batch-timeout(1000))" ;;
    clickhouse)
      dest="http(url(\"http://127.0.0.1:$CH_PORT/?query=INSERT%20INTO%20sl_events%20FORMAT%20JSONEachRow\")
      method(\"POST\") workers(${SYSLOG_HTTP_WORKERS:-1}) batch-lines($BATCH) batch-bytes(64MB) batch-timeout(1000)
      body('\$(format-json --scope none timestamp=int64(\${R_UNIXTIME}) name=\${.json.name} domain=\${.json.domain} url=\${.json.url} referrer=\${.json.referrer} screen_width=int64(\${.json.screen_width}) props=\"\$(format-json --key .json.props.* --shift 12)\")'))" ;;
  esac
  cat <<EOF
options { stats-freq(0); log-fifo-size(400000); keep-timestamp(no); };
source s_tcp { network(ip("127.0.0.1") port($SYSLOG_PORT) transport("tcp") flags(no-parse)
  max-connections(16) log-iw-size(400000) log-fetch-limit(1000) log-msg-size(65536)); };
parser p_json { json-parser(prefix(".json.")); };
destination d_backend { $dest; };
destination d_internal { file("$SYSLOG_DIR/internal.log"); };
log { source(s_tcp); parser(p_json); destination(d_backend); flags(flow-control); };
log { source { internal(); }; destination(d_internal); };
EOF
}
e2e_sql_columns() {
  echo "columns(\"timestamp varchar(32)\", \"name text\", \"domain text\", \"url text\", \"referrer text\", \"screen_width bigint\", \"props text\")
      values(\"\${R_ISODATE}\", \"\${.json.name}\", \"\${.json.domain}\", \"\${.json.url}\", \"\${.json.referrer}\", \"\${.json.screen_width}\", \"\$(format-json --key .json.props.* --shift 12)\")
      indexes()"
}

# Counts for the current backend: host table, syslog-ng table.
e2e_count_host() {
  case $E2E_BACKEND in
    sqlite) count_sqlite "$BENCH_TMP/e2e/host.db" events ;;
    clickhouse) count_ch e2e_events ;;
    postgres) count_pg e2e_events ;;
  esac
}
e2e_count_syslog() {
  case $E2E_BACKEND in
    sqlite) count_sqlite "$BENCH_TMP/e2e/sl.db" sl_events ;;
    clickhouse) count_ch sl_events ;;
    postgres) count_pg sl_events ;;
  esac
}

# Flush durations of the sqlite sink's 10,000-row batches finished since the
# last call, from the admin API (the host keeps the last 120).
FLUSH_LAST_BATCH=0
collect_flush_latency() {
  local stats
  stats=$(curl -sf "http://127.0.0.1:$HOST_ADMIN/api/stats")
  jq -r --argjson last "$FLUSH_LAST_BATCH" \
    '.streams.events.sinks.sqlite.recent[] | select(.batch > $last and .rows == 10000 and .ok) | .duration_ms' \
    <<<"$stats" | while read -r ms; do sample flush_ms_sqlite "$ms"; done
  FLUSH_LAST_BATCH=$(jq '.streams.events.sinks.sqlite.last_flush.batch // 0' <<<"$stats")
}

measure_e2e() {
  E2E_BACKEND=$1
  local events=$2 label=$1 r base t0
  log "end to end into $label: sinkhost (HTTP bulk) vs syslog-ng 3.38 (TCP), $events events a run"
  mkdir -p "$BENCH_TMP/e2e"
  chmod 777 "$BENCH_TMP/e2e"  # syslog-ng and sqlite3 write here; the host too
  case $E2E_BACKEND in
    clickhouse)
      ch_q "CREATE TABLE IF NOT EXISTS sl_events (timestamp DateTime, name String, domain String,
        url String, referrer String, screen_width Int64, props String)
        ENGINE = MergeTree() ORDER BY timestamp" >/dev/null ;;
  esac
  host_start "e2e-$label" e2e_host_config
  syslog_start "$label" e2e_syslog_config
  FLUSH_LAST_BATCH=0
  for r in $(seq "$RUNS"); do
    base=$(e2e_count_host)
    t0=$(now)
    "$BIN/bench_load" http "$HOST_PORT" /v1/streams/events/events "$events" 1000 4 >/dev/null
    wait_rows e2e_count_host $((base + events))
    sample "e2e_host_$label" "$(div "$events" "$(elapsed "$t0")")"
    [[ $label == sqlite ]] && collect_flush_latency

    base=$(e2e_count_syslog)
    t0=$(now)
    "$BIN/bench_load" tcp "$SYSLOG_PORT" "$events" 4 >/dev/null
    wait_rows e2e_count_syslog $((base + events))
    sample "e2e_syslog_$label" "$(div "$events" "$(elapsed "$t0")")"
  done
  host_stop
  stop_registered "$SYSLOG_PID"
  add_row "end to end HTTP → $label sink, events/s" "e2e_host_$label" "events/s" \
    "syslog-ng 3.38, TCP → $label, same batch size and interval" "e2e_syslog_$label" \
    ratio 2 "≥ 2× syslog-ng"
  if [[ $label == sqlite ]]; then
    add_row "flush latency into SQLite, 10,000-event batches (host's write call), ms" \
      flush_ms_sqlite "ms" "-" "-" p99 "" "reported"
  fi
}

# ---- process isolation ----------------------------------------------------------
# The same host and SQLite sink twice, in process and in a worker, both
# running while the runs alternate; then the worker is killed with SIGSEGV
# between batches, ten times, and the host's own stats say how long each
# loss took to the next batch delivered (backoff, a new worker's start,
# load, create and open, and the write).
ISOLATION=in_process
isolation_host_config() {
  cat <<EOF
streams:
  events:
    schema: plausible
    enrich: none
    buffer: {max_events: $BATCH, flush_interval: 1s}
    retry: {initial_delay: 50ms, max_delay: 1s}
    sinks:
      - {plugin: sqlite, isolation: $ISOLATION, options: {path: $HOST_DIR/host.db, table: events}}
EOF
}

measure_isolation() {
  local events=$E2E_EVENTS r base t0 in_port in_dir in_pid stats pid
  log "end to end HTTP → SQLite: isolation: process vs in_process ($events events a run); worker crash → next batch"
  ISOLATION=in_process
  host_start iso-in isolation_host_config
  in_port=$HOST_PORT in_dir=$HOST_DIR in_pid=$HOST_PID
  ISOLATION=process
  host_start iso-worker isolation_host_config
  for r in $(seq "$RUNS"); do
    base=$(count_sqlite "$in_dir/host.db" events)
    t0=$(now)
    "$BIN/bench_load" http "$in_port" /v1/streams/events/events "$events" 1000 4 >/dev/null
    wait_rows count_sqlite "$in_dir/host.db" events $((base + events))
    sample e2e_in_process "$(div "$events" "$(elapsed "$t0")")"

    base=$(count_sqlite "$HOST_DIR/host.db" events)
    t0=$(now)
    "$BIN/bench_load" http "$HOST_PORT" /v1/streams/events/events "$events" 1000 4 >/dev/null
    wait_rows count_sqlite "$HOST_DIR/host.db" events $((base + events))
    sample e2e_worker "$(div "$events" "$(elapsed "$t0")")"
  done
  stop_registered "$in_pid"
  for r in $(seq 10); do
    pid=$(curl -sf "http://127.0.0.1:$HOST_ADMIN/api/stats" | jq '.streams.events.sinks.sqlite.worker.pid')
    ((pid > 0)) || die "the SQLite sink runs in no worker (pid $pid)"
    kill -SEGV "$pid"
    base=$(count_sqlite "$HOST_DIR/host.db" events)
    "$BIN/bench_load" http "$HOST_PORT" /v1/streams/events/events 1000 1000 1 >/dev/null
    wait_rows count_sqlite "$HOST_DIR/host.db" events $((base + 1000))
  done
  stats=$(curl -sf "http://127.0.0.1:$HOST_ADMIN/api/stats")
  [[ $(jq '.streams.events.sinks.sqlite.worker.restarts_by_reason.SIGSEGV' <<<"$stats") == 10 ]] ||
    die "the host did not count 10 worker crashes: $(jq -c '.streams.events.sinks.sqlite.worker' <<<"$stats")"
  jq -r '.streams.events.sinks.sqlite.worker.recoveries_ms[]' <<<"$stats" |
    while read -r ms; do sample worker_recovery_ms "$ms"; done
  host_stop
  add_row "end to end HTTP → SQLite sink in a worker (isolation: process), events/s" e2e_worker \
    "events/s" "the same host and sink in process, runs alternating" e2e_in_process ratio 0.9 "≥ 90 %"
  add_row "SQLite sink's worker killed (SIGSEGV) → next batch delivered, ms" worker_recovery_ms \
    "ms" "-" "-" p99 "" "reported"
  note "worker crash → next batch: from the host seeing the worker gone (at its next call) to that batch written by a new worker: retry backoff (initial_delay 50ms), starting the worker, load, create, open and the write of up to 1,000 events."
}

# ---- write-ahead log ------------------------------------------------------------
wal_host_config() {
  cat <<EOF
streams:
  events:
    schema: plausible
    enrich: none
    wal: {fsync: $WAL_POLICY}
    sinks:
      - $(discard_sink)
EOF
}

# True once the host takes a per-stream `wal: {fsync: ...}` (being wired in
# by another change); until then the log is measured with sinkhost_wal_bench.
host_has_wal() {
  local dir="$BENCH_TMP/walcheck"
  mkdir -p "$dir"
  {
    echo "data_dir: $dir/data"
    echo "plugin_dirs: [$BENCH_PLUGINS]"
    WAL_POLICY=always wal_host_config
  } >"$dir/check.yaml"
  "$BUILD/sinkhost/bin/sinkhost" --check-config --config "$dir/check.yaml" >/dev/null 2>&1
}

measure_wal() {
  local r rps bulk_bodies="$BENCH_TMP/bulk.bodies"
  [[ -f $bulk_bodies ]] || "$BIN/bench_load" bodies 1000 10 >"$bulk_bodies"
  if host_has_wal; then
    log "write-ahead log: bulk ingest over HTTP with wal fsync always vs never"
    # Both hosts run for the whole section (the idle one costs nothing) and
    # the runs alternate between them: one start each, not one per run.
    local -A port pid
    for WAL_POLICY in always never; do
      host_start "wal-$WAL_POLICY" wal_host_config
      port[$WAL_POLICY]=$HOST_PORT
      pid[$WAL_POLICY]=$HOST_PID
    done
    HOST_PID=""
    for r in $(seq "$RUNS"); do
      for WAL_POLICY in always never; do
        rps=$(wrk_rate "http://127.0.0.1:${port[$WAL_POLICY]}/v1/streams/events/events" \
          "$bulk_bodies" application/x-ndjson "$BULK_CONNS")
        sample "wal_$WAL_POLICY" "$(awk -v r="$rps" 'BEGIN { printf "%.0f", r * 1000 }')"
      done
    done
    for WAL_POLICY in always never; do stop_registered "${pid[$WAL_POLICY]}"; done
    add_row "WAL fsync: always, bulk ingest over HTTP ($BULK_CONNS connections), events/s" wal_always \
      "events/s" "the same with fsync: never" wal_never ratio 0.5 "≥ 50 % (group commit)"
  else
    # The record size of one 1,000-event bulk request, as the host would log it.
    local payload
    payload=$(head -1000 "$bulk_bodies" | wc -c)
    log "write-ahead log: host has no wal config yet; sinkhost_wal_bench, ${payload}-byte records"
    local out
    for r in $(seq "$RUNS"); do
      out=$("$BUILD/sinkhost/bin/sinkhost_wal_bench" "$BENCH_TMP" "$WAL_SECS" "$payload")
      sample wal_always_8 "$(awk '$1 == "always" && $2 == 8 { print $3 }' <<<"$out")"
      sample wal_never_8 "$(awk '$1 == "never" && $2 == 8 { print $3 }' <<<"$out")"
      sample wal_always_1 "$(awk '$1 == "always" && $2 == 1 { print $3 }' <<<"$out")"
      sample wal_never_1 "$(awk '$1 == "never" && $2 == 1 { print $3 }' <<<"$out")"
    done
    add_row "WAL fsync: always, 8 appending threads, ${payload}-byte records (one bulk request), appends/s [wal_bench: host not wired yet]" \
      wal_always_8 "appends/s" "the same with fsync: never" wal_never_8 ratio 0.5 "≥ 50 % (group commit)"
    add_row "(context) WAL fsync: always, 1 appending thread, appends/s [wal_bench]" \
      wal_always_1 "appends/s" "the same with fsync: never" wal_never_1 none "" "reported"
    note "The host does not take a per-stream wal: config yet, so the WAL row is core/wal/wal_bench.cc (WriteAheadLog::Append in-process), not HTTP ingest; once it does, bench/run.sh measures bulk HTTP ingest with wal: {fsync: always} vs never by itself (host_has_wal)."
  fi
}

# ---- memory ---------------------------------------------------------------------
# A sink that never delivers (ClickHouse on a port nobody listens on: open
# fails as retryable, so the host starts and keeps every batch), so the
# events stay in memory; no interval flush.
rss_host_config() {
  cat <<EOF
shutdown_timeout: 1s
streams:
  events:
    schema: plausible
    buffer: {max_events: $BATCH, flush_interval: 0, block_timeout: 0}
    retry: {initial_delay: 10s, max_delay: 30s}
    sinks:
      - {plugin: clickhouse, options: {url: "http://127.0.0.1:$RSS_DEAD_PORT", connect_timeout: 1s}}
EOF
}
proc_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

measure_rss() {
  log "memory: peak RSS with 10,000 (and 50,000) buffered events vs the idle host"
  local r idle
  for r in $(seq "$RUNS"); do
    RSS_DEAD_PORT=$(free_port)
    host_start rss rss_host_config
    sleep 0.3
    idle=$(proc_kib "$HOST_PID" VmRSS)
    # 10,000 single events from 64 connections: the buffer reaches its cap
    # and the batch is sealed and held for the sink, with every server
    # thread's scratch buffers in use.
    "$BIN/bench_load" http "$HOST_PORT" /api/event 10000 1 64 >/dev/null
    sample rss_idle "$(awk -v k="$idle" 'BEGIN { printf "%.1f", k / 1024 }')"
    sample rss_10k "$(awk -v k="$(proc_kib "$HOST_PID" VmHWM)" 'BEGIN { printf "%.1f", k / 1024 }')"
    # 40,000 more: four sealed batches held (max_pending_batches) plus a
    # full open batch, the most the default buffer holds.
    "$BIN/bench_load" http "$HOST_PORT" /v1/streams/events/events 40000 1000 4 >/dev/null
    sample rss_50k "$(awk -v k="$(proc_kib "$HOST_PID" VmHWM)" 'BEGIN { printf "%.1f", k / 1024 }')"
    host_stop
  done
  add_row "peak RSS (VmHWM) with a full 10,000-event buffer, MiB" rss_10k "MiB" \
    "the same host idle (VmRSS)" rss_idle delta_mib 32 "≤ idle + 32 MiB"
  add_row "(context) peak RSS with 50,000 events held (4 pending batches + open batch), MiB" \
    rss_50k "MiB" "the same host idle (VmRSS)" rss_idle delta_mib "" "reported"
}
