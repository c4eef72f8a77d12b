#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# The install tree mirrors the build tree: after `cmake --install`, the
# installed sinkhost finds its plugins relative to its own executable (no
# plugin_dirs in the config) and the SDK headers are in include/sinkhost.
# Then, as a sink author would: build examples/csv_sink against the
# installed SDK only (find_package and pkg-config), load it into the
# installed host, and check what it wrote.
# Usage: install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$2
prefix=$(mktemp -d)
host_pid=""
cleanup() {
  [[ -n $host_pid ]] && kill -9 "$host_pid" 2>/dev/null
  rm -rf "$prefix"
}
trap cleanup EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null

fail() { echo "install_test: $*" >&2; exit 1; }
[[ -x $prefix/bin/sinkhost ]] || fail "bin/sinkhost not installed"
plugin_dir=$(dirname "$(find "$prefix" -name sqlite.so -path '*sinkhost/plugins*' | head -1)")
[[ -f $plugin_dir/sqlite.so ]] || fail "sqlite.so not installed under lib*/sinkhost/plugins"
[[ -f $plugin_dir/file.so ]] || fail "file.so not installed"
[[ -z $(find "$prefix" -name 'test_sink*.so') ]] || fail "test plugins must not be installed"
for h in sink_abi.h sink.hpp arrow.hpp status.hpp units.hpp format.hpp; do
  [[ -f $prefix/include/sinkhost/$h ]] || fail "include/sinkhost/$h not installed"
done

cat > "$prefix/sinkhost.yaml" <<YAML
ingest: {listen: "127.0.0.1:0"}
admin: {listen: "127.0.0.1:0"}
data_dir: "$prefix/data"
streams:
  events:
    schema: plausible
    sinks:
      - {plugin: sqlite, options: {path: "$prefix/events.db"}}
      - {plugin: file, options: {path: "$prefix/events.ndjson"}}
YAML
out=$("$prefix/bin/sinkhost" --check-config --config "$prefix/sinkhost.yaml" 2>&1) ||
  fail "installed host cannot load its plugins: $out"

# --- the SDK, as a sink author sees it -----------------------------------
pc_dir=$(dirname "$(find "$prefix" -name sinkhost.pc | head -1)")
[[ -f $pc_dir/sinkhost.pc ]] || fail "pkg-config file sinkhost.pc not installed"
cflags=$(PKG_CONFIG_PATH=$pc_dir pkg-config --cflags sinkhost | xargs)
[[ -f ${cflags#-I}/sinkhost/sink_abi.h ]] || fail "pkg-config --cflags ($cflags) does not lead to sink_abi.h"

example=$prefix/example-build
cmake -S "$source/examples/csv_sink" -B "$example" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
  >"$prefix/example.log" 2>&1 || fail "configuring the example against the SDK failed: $(cat "$prefix/example.log")"
cmake --build "$example" >>"$prefix/example.log" 2>&1 ||
  fail "building the example failed: $(tail -20 "$prefix/example.log")"
[[ -f $example/csv.so ]] || fail "example did not produce csv.so"
exports=$(nm -D --defined-only "$example/csv.so" | awk '$2 ~ /[TDRB]/ {print $3}' | sort | tr '\n' ' ')
[[ $exports == "sinkhost_plugin_descriptor sinkhost_plugin_init " ]] ||
  fail "csv.so must export only the two entry points, exports: $exports"

# The conformance kit, installed beside the host, passes the example.
[[ -x $prefix/bin/sinkhost-plugin-check ]] || fail "sinkhost-plugin-check not installed"
check_out=$("$prefix/bin/sinkhost-plugin-check" --plugin "$example/csv.so" \
  --option "path=$prefix/check.csv" --read-back "python3 $source/examples/csv_sink/read_back.py" 2>&1) ||
  fail "sinkhost-plugin-check failed for the example: $check_out"
grep -q '^summary: [0-9]* passed, 0 failed' <<<"$check_out" || fail "kit summary wrong: $check_out"
grep -q '^PASS  batch.100k_rows .*read back' <<<"$check_out" || fail "kit did not read back: $check_out"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ingest=$(free_port)
admin=$(free_port)
cat > "$prefix/csv.yaml" <<YAML
ingest: {listen: "127.0.0.1:$ingest"}
admin: {listen: "127.0.0.1:$admin"}
data_dir: "$prefix/data"
plugin_dirs: ["$example"]
streams:
  events:
    schema: plausible
    sinks: [{plugin: csv, options: {path: "$prefix/events.csv"}}]
YAML
"$prefix/bin/sinkhost" --config "$prefix/csv.yaml" >"$prefix/host.log" 2>&1 &
host_pid=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$admin/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$ingest/api/event" \
  -d '{"n":"pageview","u":"https://example.com/a,b","d":"example.com"}')
[[ $code == 202 ]] || fail "POST /api/event to the host with the csv sink answered $code: $(cat "$prefix/host.log")"
kill -TERM "$host_pid"
wait "$host_pid" || fail "host with the csv sink did not exit cleanly: $(cat "$prefix/host.log")"
host_pid=""
head -1 "$prefix/events.csv" | grep -q '^timestamp,name,domain,url,hostname,pathname,' ||
  fail "csv header wrong: $(head -1 "$prefix/events.csv")"
grep -q ',pageview,example.com,"https://example.com/a,b",example.com,"/a,b",' "$prefix/events.csv" ||
  fail "csv row wrong: $(cat "$prefix/events.csv")"

echo "install_test: ok ($plugin_dir; SDK example built, passed the conformance kit and loaded)"
