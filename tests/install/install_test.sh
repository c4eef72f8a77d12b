#!/usr/bin/env bash
# The install tree mirrors the build tree: after `cmake --install`, the
# installed sinkhost finds its plugins relative to its own executable (no
# plugin_dirs in the config) and the SDK headers are in include/sinkhost.
# Usage: install_test.sh BUILD_DIR
set -euo pipefail
build=$1
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
echo "install_test: ok ($plugin_dir)"
