# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# Starting and stopping the servers the benchmarks need, each on free
# loopback ports with its files under BENCH_TMP, following the recipes in
# tests/support/postgres_server.cc and clickhouse_server.cc. Nothing here
# touches a system service. Sourced, not run.

# Runs a command as USER when we are root (servers refuse to run as root or
# want their folders owned by their own user), else as ourselves.
as_user() {
  local user=$1
  shift
  if [[ $(id -u) -eq 0 ]]; then runuser -u "$user" -- "$@"; else "$@"; fi
}
# Gives DIR (recursively) to USER when we are root.
give_to() { if [[ $(id -u) -eq 0 ]]; then chown -R "$1:$1" "$2"; fi; }

# ---- PostgreSQL -------------------------------------------------------------
# pg_start: initdb + pg_ctl start (default settings, fsync on). Sets PG_PORT.
PG_DIR=""
pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [[ -x $d/initdb ]] || die "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin"
  echo "$d"
}
pg_start() {
  local bin
  bin=$(pg_bin)
  PG_DIR="$BENCH_TMP/pg"
  mkdir -p "$PG_DIR"
  chmod 755 "$PG_DIR"
  give_to postgres "$PG_DIR"
  as_user postgres "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 \
    --locale=C.UTF-8 --no-sync >"$BENCH_TMP/pg-initdb.log" 2>&1 ||
    die "initdb failed: $(cat "$BENCH_TMP/pg-initdb.log")"
  PG_PORT=$(free_port)
  as_user postgres "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_DIR" \
    start >/dev/null || die "pg_ctl start failed: $(tail -20 "$PG_DIR/server.log")"
}
pg_stop() {
  [[ -n $PG_DIR && -f $PG_DIR/data/postmaster.pid ]] || return 0
  as_user postgres "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
}
# psql_q SQL: runs SQL, prints unaligned tuples only.
psql_q() {
  env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE PGOPTIONS="-c client_min_messages=warning" \
    psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -Atc "$1"
}
pg_url() { echo "host=127.0.0.1 port=$PG_PORT user=postgres dbname=postgres"; }

# ---- ClickHouse 18.16 ---------------------------------------------------------
# ch_start: a minimal config of our own; run as the clickhouse user. Sets
# CH_PORT (HTTP).
CH_PID=""
ch_start() {
  local dir="$BENCH_TMP/ch" tcp
  mkdir -p "$dir"/{data,tmp,user_files,format_schemas,log}
  chmod 755 "$dir"
  CH_PORT=$(free_port)
  tcp=$(free_port)
  cat >"$dir/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$dir/log/server.log</log><errorlog>$dir/log/error.log</errorlog><console>0</console></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$CH_PORT</http_port>
  <tcp_port>$tcp</tcp_port>
  <keep_alive_timeout>10</keep_alive_timeout>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <format_schema_path>$dir/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
</yandex>
EOF
  cat >"$dir/users.xml" <<'EOF'
<?xml version="1.0"?>
<yandex>
  <profiles><default></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
    <profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
EOF
  give_to clickhouse "$dir"
  # The server refuses (exit 78) folders that belong to another user.
  if [[ $(id -u) -eq 0 ]]; then
    (cd "$dir" && exec setpriv --reuid=clickhouse --regid=clickhouse --init-groups \
      clickhouse-server --config-file="$dir/config.xml") >"$dir/console.log" 2>&1 &
  else
    (cd "$dir" && exec clickhouse-server --config-file="$dir/config.xml") >"$dir/console.log" 2>&1 &
  fi
  CH_PID=$!
  register_pid "$CH_PID" clickhouse-server
  wait_for "ClickHouse on port $CH_PORT" 30 curl -sf "http://127.0.0.1:$CH_PORT/ping"
}
# ch_q SQL: runs SQL over HTTP, prints the answer; fails on an error.
ch_q() { curl -sS --fail-with-body "http://127.0.0.1:$CH_PORT/" --data-binary "$1"; }

# ---- nginx ------------------------------------------------------------------
# nginx_start: answers 202 "ok" to every request on NGINX_PORT, keep-alive
# without a request limit, no access log: the cheapest answer an HTTP server
# can give, as the ceiling for POST /api/event.
nginx_start() {
  local dir="$BENCH_TMP/nginx"
  mkdir -p "$dir/tmp"
  NGINX_PORT=$(free_port)
  cat >"$dir/nginx.conf" <<EOF
worker_processes auto;
worker_rlimit_nofile $(ulimit -Hn);
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 16384; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 60s;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { return 202 "ok"; }
  }
}
EOF
  nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' >"$dir/console.log" 2>&1 &
  NGINX_PID=$!
  register_pid "$NGINX_PID" nginx
  wait_for "nginx on port $NGINX_PORT" 10 curl -sf -o /dev/null -X POST -d x \
    -w '%{http_code}' "http://127.0.0.1:$NGINX_PORT/api/event"
}

# ---- the HTTP floors -------------------------------------------------------------
# floor_start PROGRAM: a server that answers 202 to every request and does
# nothing else (PROGRAM PORT LOOPS, one event loop per core): bench_http_floor
# (sinkhost's HttpServer) or bench_h2o_floor (libh2o-evloop). Sets
# FLOOR_PORT, FLOOR_PID.
floor_start() {
  local program=$1
  FLOOR_PORT=$(free_port)
  "$BIN/$program" "$FLOOR_PORT" "$(nproc)" >"$BENCH_TMP/$program.log" 2>&1 &
  FLOOR_PID=$!
  register_pid "$FLOOR_PID" "$program"
  wait_for "$program on port $FLOOR_PORT" 10 curl -sf -o /dev/null -X POST -d x \
    "http://127.0.0.1:$FLOOR_PORT/api/event"
}

# ---- syslog-ng ----------------------------------------------------------------
# syslog_start NAME CONF_BODY: runs syslog-ng in the foreground with its own
# files; CONF_BODY is everything after the @version line and may use
# SYSLOG_PORT (set here before it is expanded by the caller: pass a
# function name that prints the body). Sets SYSLOG_PID.
syslog_start() {
  local name=$1 body_fn=$2 dir="$BENCH_TMP/syslog-$1"
  mkdir -p "$dir"
  SYSLOG_PORT=$(free_port)
  SYSLOG_DIR=$dir
  { echo "@version: 3.38"; "$body_fn"; } >"$dir/syslog-ng.conf"
  syslog-ng --syntax-only -f "$dir/syslog-ng.conf" >"$dir/syntax.log" 2>&1 ||
    die "syslog-ng config for $name: $(cat "$dir/syntax.log")"
  syslog-ng -F -f "$dir/syslog-ng.conf" --no-caps -R "$dir/persist" -p "$dir/pid" \
    -c "$dir/ctl" >"$dir/console.log" 2>&1 &
  SYSLOG_PID=$!
  register_pid "$SYSLOG_PID" "syslog-ng-$name"
  wait_for "syslog-ng ($name) on port $SYSLOG_PORT" 15 \
    bash -c "ss -Hltn 'sport = :$SYSLOG_PORT' | grep -q LISTEN"
}

# ---- sinkhost ---------------------------------------------------------------
# host_start NAME CONFIG_BODY_FN: writes a config (the function prints the
# streams: part; listeners are added here) and starts the Release host, or
# the binary HOST_BINARY names (the baseline). Sets HOST_PID, HOST_PORT
# (ingest), HOST_ADMIN (admin port).
# host_start NAME BODY_FN: a host whose config is the lines below and then
# what BODY_FN prints; HOST_INGEST_EXTRA adds keys to its ingest: mapping.
host_start() {
  local name=$1 body_fn=$2 dir="$BENCH_TMP/host-$1"
  # A fresh data_dir: a write-ahead log left by an earlier run would be
  # replayed into this one.
  rm -rf "$dir/data"
  mkdir -p "$dir"
  HOST_DIR=$dir
  HOST_PORT=$(free_port)
  HOST_ADMIN=$(free_port)
  {
    echo "ingest: {listen: \"127.0.0.1:$HOST_PORT\", max_threads: 64${HOST_INGEST_EXTRA:+, $HOST_INGEST_EXTRA}}"
    echo "admin: {listen: \"127.0.0.1:$HOST_ADMIN\"}"
    echo "data_dir: $dir/data"
    echo "plugin_dirs: [$BUILD/plugins, $BUILD/sinkhost/lib/sinkhost/plugins]"
    echo "log: {level: warning}"
    "$body_fn"
  } >"$dir/sinkhost.yaml"
  "${HOST_BINARY:-$BUILD/sinkhost/bin/sinkhost}" --config "$dir/sinkhost.yaml" >"$dir/host.log" 2>&1 &
  HOST_PID=$!
  register_pid "$HOST_PID" "sinkhost-$name"
  wait_for "sinkhost ($name) admin on port $HOST_ADMIN" 20 \
    curl -sf "http://127.0.0.1:$HOST_ADMIN/healthz"
}
host_stop() {
  [[ -n ${HOST_PID:-} ]] || return 0
  stop_registered "$HOST_PID"
  HOST_PID=""
}

# ---- the baseline -----------------------------------------------------------------
# build_baseline: the host as it was before the event-driven HTTP layer
# (Poco's HTTPServer, a thread per connection), built once from
# BENCH_BASELINE (default 6ba3de4) into $BUILD/baseline, so that figures can
# be compared with it in the same run. Sets BASELINE_HOST.
build_baseline() {
  local commit=${BENCH_BASELINE:-6ba3de4} src="$BUILD/baseline-src" out="$BUILD/baseline"
  BASELINE_HOST="$out/sinkhost/bin/sinkhost"
  [[ -x $BASELINE_HOST && $(cat "$out/commit" 2>/dev/null) == "$commit" ]] && return 0
  log "building the baseline host ($commit) once, into $out"
  rm -rf "$src" "$out"
  git -C "$ROOT" worktree prune
  git -C "$ROOT" worktree add --detach "$src" "$commit" >"$BENCH_TMP/worktree.log" 2>&1 ||
    die "git worktree add $commit failed: $(cat "$BENCH_TMP/worktree.log")"
  cmake -S "$src/bench" -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=Release >"$BENCH_TMP/baseline-cmake.log" 2>&1 ||
    die "configuring the baseline failed: $(tail -20 "$BENCH_TMP/baseline-cmake.log")"
  ninja -C "$out" -j2 sinkhost >"$out/build.log" 2>&1 ||
    die "building the baseline failed: $(tail -20 "$out/build.log")"
  echo "$commit" >"$out/commit"
}
