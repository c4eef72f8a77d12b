#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# The install tree under any prefix mirrors the build tree: after
# `cmake --install --prefix DIR`, the installed sinkhost finds its plugins
# relative to its own executable (no plugin_dirs in the config), the SDK's
# pkg-config file leads to its headers wherever it lands, and the config,
# unit and man pages are under the prefix with their paths pointing into
# it. (The packages, and the SDK as a sink author uses it, are checked by
# tests/package/package_test.sh.)
# Usage: install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
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

# --- the SDK's pkg-config file, relocated --------------------------------
pc_dir=$(dirname "$(find "$prefix" -name sinkhost.pc | head -1)")
[[ -f $pc_dir/sinkhost.pc ]] || fail "pkg-config file sinkhost.pc not installed"
cflags=$(PKG_CONFIG_PATH=$pc_dir pkg-config --cflags sinkhost | xargs)
[[ -f ${cflags#-I}/sinkhost/sink_abi.h ]] || fail "pkg-config --cflags ($cflags) does not lead to sink_abi.h"
[[ -x $prefix/bin/sinkhost-plugin-check ]] || fail "sinkhost-plugin-check not installed"
[[ -x $prefix/libexec/sinkhost/sinkhost-sink-worker ]] ||
  fail "libexec/sinkhost/sinkhost-sink-worker not installed"
# The installed kit finds the installed worker (relative to itself) and
# runs an installed plugin in it.
out=$("$prefix/bin/sinkhost-plugin-check" --plugin "$plugin_dir/file.so" --isolation process \
      --option "path=$prefix/check.ndjson" --read-back "$source/plugins/file/read_back.sh" 2>&1) ||
  fail "the installed kit failed the file sink in a worker: $out"
grep -q 'in a sinkhost-sink-worker process' <<<"$out" || fail "the kit did not use a worker: $out"

# --- what a service runs with, under this prefix ---------------------------
config=$prefix/etc/sinkhost/sinkhost.yaml
[[ -f $config ]] || fail "etc/sinkhost/sinkhost.yaml not installed"
grep -q "^data_dir: $prefix/var/lib/sinkhost " "$config" ||
  fail "the installed config's data_dir is not $prefix/var/lib/sinkhost: $(grep data_dir "$config")"
grep -q "path: $prefix/var/lib/sinkhost/events.db" "$config" ||
  fail "the installed config's SQLite path is not under $prefix/var/lib/sinkhost"
unit=$prefix/lib/systemd/system/sinkhost.service
[[ -f $unit ]] || fail "lib/systemd/system/sinkhost.service not installed"
grep -qx "ExecStart=$prefix/bin/sinkhost --config $config" "$unit" ||
  fail "the unit's ExecStart is not the installed host and config: $(grep ExecStart "$unit")"
grep -qx "ReadWritePaths=$prefix/var/lib/sinkhost" "$unit" || fail "the unit's ReadWritePaths is wrong"
for page in man8/sinkhost.8 man1/sinkhost-plugin-check.1; do
  [[ -f $prefix/share/man/$page ]] || fail "share/man/$page not installed"
done
grep -q 'config FILE' "$prefix/share/man/man8/sinkhost.8" || fail "sinkhost.8 does not list --config FILE"
mkdir -p "$prefix/var/lib/sinkhost"
out=$("$prefix/bin/sinkhost" --check-config --config "$config" 2>&1) ||
  fail "the installed host rejects its installed config: $out"

echo "install_test: ok ($plugin_dir; config, unit and man pages under the prefix)"
