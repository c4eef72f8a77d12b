#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# Takes docs/dashboard.png: a real screenshot of sinkhost-dashboard watching
# a host under load, in a virtual X display (Xvfb), so it runs on a server.
#
# It starts a host on free loopback ports with two streams — `events` (into
# SQLite and an NDJSON file) under a varying bulk load, and `orders`, whose
# PostgreSQL sink points at a port where nothing listens, so one sink shows
# what trouble looks like — lets the dashboard collect a minute of history,
# and saves the window.
#
# Usage: scripts/dashboard-screenshot.sh [OUTPUT.png]   (default docs/dashboard.png)
# BUILD_DIR (default build) is configured if needed, and the few targets
# the script needs are built.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$(realpath -m "${1:-docs/dashboard.png}")
build=${BUILD_DIR:-build}
# Long enough for the depth chart to span its first full minute.
history_seconds=${HISTORY_SECONDS:-65}

scripts/deps.sh screenshot
[[ -f $build/build.ninja ]] || cmake -S . -B "$build" -G Ninja >/dev/null
cmake --build "$build" -j"$(nproc)" --target sinkhost sinkhost-dashboard \
  sinkhost_plugin_sqlite sinkhost_plugin_file sinkhost_plugin_postgres >/dev/null

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
closed_port=$(free_port)

cat >"$work/sinkhost.yaml" <<YAML
ingest: {listen: "127.0.0.1:0"}
admin: {listen: "127.0.0.1:0"}
data_dir: "$work/data"
log: {level: information}
shutdown_timeout: 2s
streams:
  events:
    schema: plausible
    buffer: {max_events: 20000, max_bytes: 8MiB, flush_interval: 3s}
    sinks:
      - {plugin: sqlite, options: {path: "$work/events.db", table: events}}
      - {plugin: file, name: archive, options: {path: "$work/events.ndjson"}}
  orders:
    columns:
      - {name: id, type: int64}
      - {name: amount, type: float64}
      - {name: currency, type: string}
      - {name: at, type: timestamp, default: now}
    buffer: {max_events: 2000, flush_interval: 5s}
    sinks:
      - name: warehouse
        plugin: postgres
        options: {connection: "postgresql://sinkhost@127.0.0.1:$closed_port/analytics", table: orders}
YAML

: >"$work/host.log"
"$build/bin/sinkhost" --config "$work/sinkhost.yaml" >"$work/host.log" 2>&1 &
pids+=($!)
ingest="" admin=""
for _ in $(seq 100); do
  ingest=$(sed -n 's/.*ingest listening on \(.*\)$/\1/p' "$work/host.log")
  admin=$(sed -n 's/.*admin listening on \(.*\)$/\1/p' "$work/host.log")
  [[ -n $ingest && -n $admin ]] && break
  sleep 0.1
done
[[ -n $admin ]] || { echo "dashboard-screenshot: the host did not start:" >&2; cat "$work/host.log" >&2; exit 1; }

# Bodies of a few sizes, so the load (and the charts) go up and down.
paths=(/ /pricing /blog/launch /docs/install /signup)
for n in 150 400 900; do
  for ((i = 0; i < n; i++)); do
    printf '{"name":"pageview","url":"https://example.com%s?i=%d","domain":"example.com","screen_width":%d}\n' \
      "${paths[i % 5]}" "$i" $((1280 + i % 3 * 640))
  done >"$work/events-$n.ndjson"
done
for ((i = 0; i < 40; i++)); do
  printf '{"id":%d,"amount":%d.%02d,"currency":"EUR"}\n' "$i" $((i * 7 % 90 + 10)) $((i * 13 % 100))
done >"$work/orders.ndjson"

post() {
  curl -s -o /dev/null -X POST "http://$ingest/v1/streams/$1/events" \
    -H 'Content-Type: application/x-ndjson' --data-binary "@$2" || true
}
(
  sizes=(150 150 400 900 900 400 150 400 900 400)
  for ((i = 0; ; i++)); do
    post events "$work/events-${sizes[i / 8 % 10]}.ndjson"
    sleep 0.1
  done
) &
pids+=($!)
(
  while true; do
    post orders "$work/orders.ndjson"
    sleep 1
  done
) &
pids+=($!)

echo "dashboard-screenshot: host on $ingest (admin $admin), collecting ${history_seconds} s of history" >&2
mkdir -p "$(dirname "$out")"
# A fresh settings folder: a scripted run must not touch the user's.
XDG_CONFIG_HOME="$work/config" xvfb-run -a -s "-screen 0 1600x1800x24" \
  "$build/bin/sinkhost-dashboard" --admin "http://$admin" --window-size 1280x900 \
  --screenshot "$out" --screenshot-after "$history_seconds"
echo "dashboard-screenshot: wrote $out" >&2
