#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# The Debian packages, as an operator and a sink author meet them: install
# the built .debs with apt-get on this machine, run the installed
# /usr/bin/sinkhost with the installed /etc/sinkhost/sinkhost.yaml as the
# sinkhost user (no systemd: CI has no init), post an event and find it in
# /var/lib/sinkhost/events.db; verify the unit with systemd-analyze; build
# the shipped example sink against sinkhost-dev alone, pass it through the
# installed conformance kit and load it into the installed host; then
# purge the packages and check nothing is left running or on disk.
#
# Needs root (it installs packages). It refuses to touch a machine where a
# sinkhost package is installed already. It runs in a network namespace of
# its own (unshare), so the installed config's ports 8080 and 8081 are free
# whatever this machine runs.
#
# Usage: SINKHOST_PACKAGE_TEST=1 package_test.sh SOURCE_DIR
#   SINKHOST_PACKAGE_TEST=1    required: without it the test skips (exit 77),
#                              since it changes what is installed on the
#                              machine; scripts/test.sh sets it
#   SINKHOST_PACKAGE_DIST=DIR  use the .debs in DIR (scripts/test.sh builds
#                              them beside the test suite); otherwise they
#                              are built first with scripts/package.sh
set -euo pipefail
source_dir=$(realpath "$1")
packages=(sinkhost sinkhost-dashboard sinkhost-dev)
# Written before installing and removed after the purge: packages found
# installed with it present are this test's own, from a run that was killed.
marker=/var/tmp/sinkhost-package-test.installed
fail() { echo "package_test: $*" >&2; exit 1; }

if [[ ${SINKHOST_PACKAGE_TEST:-} != 1 ]]; then
  echo "package_test: skipped: it installs and purges the sinkhost packages on this machine;" \
       "scripts/test.sh runs it (by hand: SINKHOST_PACKAGE_TEST=1, as root)" >&2
  exit 77
fi
[[ $(id -u) -eq 0 ]] || fail "must run as root: it installs and purges the sinkhost packages"
if [[ -z ${SINKHOST_PACKAGE_TEST_NETNS:-} ]]; then
  # A watchdog below ctest's timeout (ctest kills with SIGKILL, which would
  # leave the packages installed): SIGTERM runs the cleanup below.
  SINKHOST_PACKAGE_TEST_NETNS=1 exec timeout -s TERM 1100 unshare --net -- "$0" "$@"
fi
ip link set lo up || fail "cannot bring up the loopback interface in the test's network namespace"
is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
if [[ -e $marker ]]; then
  echo "package_test: purging what a killed earlier run left installed" >&2
  DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${packages[@]}" >/dev/null 2>&1 || true
  rm -f "$marker"
fi
for p in "${packages[@]}"; do
  is_installed "$p" &&
    fail "package $p is installed on this machine; this test installs and purges it: remove it first"
done

work=$(mktemp -d)
chmod 755 "$work"  # the sinkhost user reads the example's build
installed=0 host_pid=""
source "$source_dir/scripts/lib/hold_services.sh"
cleanup() {
  if [[ -n $host_pid ]]; then
    kill -9 "$host_pid" 2>/dev/null
    wait "$host_pid" 2>/dev/null  # gone before postrm removes its files
  fi
  if ((installed)); then
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${packages[@]}" >"$work/cleanup.log" 2>&1 ||
      { echo "package_test: cleanup: apt-get purge failed:" >&2; tail -5 "$work/cleanup.log" >&2; }
  fi
  release_services
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
elapsed() { echo "$((SECONDS))s"; }

# --- the packages --------------------------------------------------------
dist=${SINKHOST_PACKAGE_DIST:-}
if [[ -z $dist ]]; then
  dist=$work/dist
  DIST_DIR=$dist PKG_BUILD_DIR=$work/pkg "$source_dir/scripts/package.sh" >&2 ||
    fail "scripts/package.sh failed"
fi
debs=()
for p in "${packages[@]}"; do
  deb=$(ls "$dist"/"${p}"_*.deb 2>/dev/null | head -1)
  [[ -f $deb ]] || fail "no ${p}_*.deb in $dist"
  debs+=("$deb")
done
field() { dpkg-deb -f "$1" "$2"; }
version=$(field "${debs[0]}" Version)
# Dependencies generated from the binaries (dpkg-shlibdeps), not listed by hand.
for lib in libpocofoundation libpoconet libsqlite3 libyaml-cpp libpqxx libsystemd0 libstdc++6; do
  field "${debs[0]}" Depends | grep -q "$lib" || fail "sinkhost's Depends lacks $lib: $(field "${debs[0]}" Depends)"
done
field "${debs[1]}" Depends | grep -q libqt6charts6 ||
  fail "sinkhost-dashboard's Depends lacks libqt6charts6: $(field "${debs[1]}" Depends)"
dpkg-deb --ctrl-tarfile "${debs[0]}" | tar -xOf - ./conffiles | grep -qx /etc/sinkhost/sinkhost.yaml ||
  fail "/etc/sinkhost/sinkhost.yaml is not a conffile of sinkhost"
echo "package_test: $version packages look right ($(elapsed))"

# --- install: no service may start, systemd or not -----------------------
# The postinst enables the unit and starts it where systemd runs (as the
# README says: installing starts the host with the default config).
postinst=$(dpkg-deb --ctrl-tarfile "${debs[0]}" | tar -xOf - ./postinst)
grep -q 'deb-systemd-helper enable .sinkhost.service' <<<"$postinst" ||
  fail "the postinst does not enable sinkhost.service"
grep -q '_dh_action=start' <<<"$postinst" && grep -q "deb-systemd-invoke \$_dh_action 'sinkhost.service'" <<<"$postinst" ||
  fail "the postinst does not start sinkhost.service"

hold_services
touch "$marker"
installed=1
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${debs[@]}" \
  >"$work/install.log" 2>&1 || fail "apt-get install failed: $(tail -20 "$work/install.log")"
release_services
for f in /usr/bin/sinkhost /usr/bin/sinkhost-dashboard /usr/bin/sinkhost-plugin-check \
         /usr/libexec/sinkhost/sinkhost-sink-worker; do
  [[ -x $f ]] || fail "$f not installed"
done
for f in /etc/sinkhost/sinkhost.yaml /lib/systemd/system/sinkhost.service \
         /usr/share/man/man8/sinkhost.8.gz /usr/share/man/man1/sinkhost-dashboard.1.gz \
         /usr/share/man/man1/sinkhost-plugin-check.1.gz /usr/include/sinkhost/sink_abi.h \
         /usr/share/doc/sinkhost/copyright; do
  [[ -f $f ]] || fail "$f not installed"
done
plugin_dir=$(dirname "$(ls /usr/lib/*/sinkhost/plugins/sqlite.so 2>/dev/null | head -1)")
for p in sqlite file postgres clickhouse; do
  [[ -f $plugin_dir/$p.so ]] || fail "plugin $p.so not installed under /usr/lib/*/sinkhost/plugins"
done
[[ $(/usr/bin/sinkhost --version | head -1) == "sinkhost ${version%%-*}" ]] ||
  fail "sinkhost --version says '$(/usr/bin/sinkhost --version | head -1)', the package is $version"
getent passwd sinkhost >/dev/null || fail "the sinkhost user was not created"
[[ $(stat -c '%U:%G %a' /var/lib/sinkhost) == "sinkhost:sinkhost 750" ]] ||
  fail "/var/lib/sinkhost is $(stat -c '%U:%G %a' /var/lib/sinkhost), want sinkhost:sinkhost 750"
grep -q '^data_dir: /var/lib/sinkhost ' /etc/sinkhost/sinkhost.yaml ||
  fail "the installed config does not keep its data in /var/lib/sinkhost"
analyze=$(systemd-analyze verify /lib/systemd/system/sinkhost.service 2>&1) ||
  fail "systemd-analyze verify sinkhost.service: $analyze"
[[ -z $analyze ]] || fail "systemd-analyze verify sinkhost.service printed: $analyze"
echo "package_test: installed; unit verified ($(elapsed))"

# --- the installed host, as its unit runs it ------------------------------
# As the unit runs it. (Started with `setpriv ... &` itself, never through a
# function, so that $! is the host's pid.)
as_sinkhost() { setpriv --reuid=sinkhost --regid=sinkhost --init-groups "$@"; }
wait_healthy() { # port
  for _ in $(seq 1 150); do
    curl -sf "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$host_pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
stop_host() { # what
  kill -TERM "$host_pid"
  wait "$host_pid" || fail "$1 did not exit 0 on SIGTERM: $(cat "$work/host.log")"
  host_pid=""
}
(cd /var/lib/sinkhost && exec setpriv --reuid=sinkhost --regid=sinkhost --init-groups \
   /usr/bin/sinkhost) >"$work/host.log" 2>&1 &
host_pid=$!
wait_healthy 8081 || fail "the installed host (default config) did not come up: $(cat "$work/host.log")"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:8080/api/event \
  -H 'Content-Type: text/plain' -d '{"n":"pageview","u":"https://example.com/packaged","d":"example.com"}')
[[ $code == 202 ]] || fail "POST /api/event answered $code: $(cat "$work/host.log")"
curl -sf -X POST http://127.0.0.1:8081/api/flush >/dev/null || fail "POST /api/flush failed"
row=$(as_sinkhost sqlite3 'file:/var/lib/sinkhost/events.db?mode=ro' \
  "SELECT hostname || ' ' || pathname FROM events" 2>&1) || fail "reading events.db: $row"
[[ $row == "example.com /packaged" ]] || fail "events.db holds '$row', want 'example.com /packaged'"
stop_host "the installed host"
bad=$(find /var/lib/sinkhost ! -user sinkhost)
[[ -z $bad ]] || fail "files in /var/lib/sinkhost not owned by sinkhost: $bad"
echo "package_test: the installed host stored the event in /var/lib/sinkhost/events.db ($(elapsed))"

# --- sinkhost-dev, as a sink author sees it --------------------------------
example=$work/csv_sink
cp -r /usr/share/doc/sinkhost-dev/examples/csv_sink "$example"
find "$example" -name '*.gz' -exec gunzip {} +
cmake -S "$example" -B "$example/build" -G Ninja >"$work/example.log" 2>&1 ||
  fail "configuring the example against the installed SDK failed: $(cat "$work/example.log")"
cmake --build "$example/build" >>"$work/example.log" 2>&1 ||
  fail "building the example failed: $(tail -20 "$work/example.log")"
csv=$example/build/csv.so
exports=$(nm -D --defined-only "$csv" | awk '$2 ~ /[TDRB]/ {print $3}' | sort | tr '\n' ' ')
[[ $exports == "sinkhost_plugin_descriptor sinkhost_plugin_init " ]] ||
  fail "csv.so must export only the two entry points, exports: $exports"
cflags=$(pkg-config --cflags sinkhost | xargs)
[[ -f ${cflags#-I}/sinkhost/sink_abi.h ]] ||
  fail "pkg-config --cflags sinkhost ($cflags) does not lead to sink_abi.h"
[[ $(realpath -m "$(pkg-config --variable=plugindir sinkhost)") == "$plugin_dir" ]] ||
  fail "pkg-config plugindir is $(pkg-config --variable=plugindir sinkhost), the plugins are in $plugin_dir"
check_out=$(sinkhost-plugin-check --plugin "$csv" --option "path=$work/check.csv" \
  --read-back "python3 $example/read_back.py" 2>&1) ||
  fail "sinkhost-plugin-check failed for the example: $check_out"
# Both ways: in process, then in the installed sinkhost-sink-worker.
[[ $(grep -c '^summary: [0-9]* passed, 0 failed' <<<"$check_out") == 2 ]] ||
  fail "the kit did not pass the example in process and in a worker: $check_out"
grep -q 'in a sinkhost-sink-worker process' <<<"$check_out" ||
  fail "the kit did not run the example in a worker: $check_out"

mkdir -m 770 "$work/csv-data" && chgrp sinkhost "$work/csv-data"
cat >"$work/csv.yaml" <<YAML
ingest: {listen: "127.0.0.1:8080"}
admin: {listen: "127.0.0.1:8081"}
data_dir: "$work/csv-data/state"
plugin_dirs: ["$example/build", "$plugin_dir"]
streams:
  events:
    schema: plausible
    sinks:
      - {plugin: csv, options: {path: "$work/csv-data/events.csv"}}
      - {plugin: sqlite, options: {path: "$work/csv-data/events.db"}}
YAML
chmod 644 "$work/csv.yaml"
setpriv --reuid=sinkhost --regid=sinkhost --init-groups /usr/bin/sinkhost --config "$work/csv.yaml" \
  >"$work/host.log" 2>&1 &
host_pid=$!
wait_healthy 8081 || fail "the installed host with the example sink did not come up: $(cat "$work/host.log")"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:8080/api/event \
  -d '{"n":"pageview","u":"https://example.com/a,b","d":"example.com"}')
[[ $code == 202 ]] || fail "POST /api/event to the host with the csv sink answered $code"
stop_host "the installed host with the example sink"
grep -q ',pageview,example.com,"https://example.com/a,b",example.com,"/a,b",' "$work/csv-data/events.csv" ||
  fail "csv row wrong: $(cat "$work/csv-data/events.csv" 2>&1)"
echo "package_test: the example sink built against sinkhost-dev, passed the kit and loaded ($(elapsed))"

# --- purge ----------------------------------------------------------------
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${packages[@]}" >"$work/purge.log" 2>&1 ||
  fail "apt-get purge failed: $(tail -20 "$work/purge.log")"
installed=0
rm -f "$marker"
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
  [[ -z $status || $status == "un "* || $status == "pn "* ]] || fail "$p still known to dpkg as '$status'"
done
for f in /usr/bin/sinkhost /etc/sinkhost /var/lib/sinkhost /lib/systemd/system/sinkhost.service \
         "$plugin_dir" /usr/include/sinkhost; do
  [[ ! -e $f ]] || fail "$f is left after purge"
done
for exe in /proc/[0-9]*/exe; do
  [[ $(readlink "$exe" 2>/dev/null) != /usr/bin/sinkhost* ]] ||
    fail "a sinkhost process is still running after purge: ${exe%/exe}"
done
echo "package_test: ok ($version: installed, ran, SDK example built and loaded, purged clean; $(elapsed))"
