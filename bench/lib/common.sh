# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# Shared helpers for bench/run.sh: logging, time, ports, the processes we
# started (so the EXIT trap stops exactly those), and the sample file every
# measurement appends to. Sourced, not run.

# Everything a run creates lives under BENCH_TMP (made by run.sh).
: "${BENCH_TMP:?BENCH_TMP must be set before sourcing common.sh}"
SAMPLES="$BENCH_TMP/samples.txt"   # "KEY VALUE" per line, one line per run
ROWS="$BENCH_TMP/rows.tsv"         # the table's rows, in order (see add_row)
NOTES="$BENCH_TMP/notes.txt"       # free-text notes printed under the table
: >"$SAMPLES"
: >"$ROWS"
: >"$NOTES"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Seconds since the epoch with nanoseconds, for timing shell-level runs.
now() { date +%s.%N; }
# elapsed START -> seconds since START (float).
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.6f", b - a }'; }
# div A B -> A / B (float).
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a / b }'; }

# quiet CMD...: runs CMD with its stderr in a log file (the programs log
# every stream start and stop), and shows that log only when CMD fails.
quiet() {
  local err="$BENCH_TMP/stderr.log"
  if ! "$@" 2>"$err"; then
    log "failed: $*"
    tail -20 "$err" >&2
    return 1
  fi
}

# A TCP port nobody uses now, below the kernel's ephemeral range
# (32768-60999): a port the kernel picks with bind(0) can be handed to an
# outgoing connection (a load client's) before the server binds it.
free_port() {
  python3 -c '
import random, socket
for _ in range(1000):
    port = random.randrange(20000, 32768)
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
    print(port)
    break'
}

# wait_for DESCRIPTION SECONDS COMMAND... : polls COMMAND every 50 ms.
wait_for() {
  local what=$1 limit=$2
  shift 2
  local deadline
  deadline=$(awk -v n="$(now)" -v l="$limit" 'BEGIN { printf "%.3f", n + l }')
  until "$@" >/dev/null 2>&1; do
    if awk -v n="$(now)" -v d="$deadline" 'BEGIN { exit !(n > d) }'; then
      die "timed out after ${limit}s waiting for $what"
    fi
    sleep 0.05
  done
}

# Processes started by this run: "PID NAME" lines; stop_all (the EXIT trap)
# sends each SIGTERM, waits up to 10 s, then SIGKILL. Only these PIDs are
# ever signalled.
STARTED="$BENCH_TMP/started.txt"
: >"$STARTED"
register_pid() { echo "$1 $2" >>"$STARTED"; }
stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "pid $pid did not stop after SIGTERM; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}
# Stops one registered process and forgets it.
stop_registered() {
  local pid=$1
  stop_pid "$pid"
  sed -i "/^$pid /d" "$STARTED"
}

# sample KEY VALUE: one run's figure.
sample() { echo "$1 $2" >>"$SAMPLES"; }

# add_row FIGURE KEY UNIT PEER_LABEL PEER_KEY TARGET_KIND TARGET_VALUE TARGET_TEXT
# One line of the table. TARGET_KIND: ratio (median/peer median >= value),
# abs (median >= value), delta_mib (median - peer median <= value MiB),
# none (reported only). PEER_KEY may be "-" for no comparison.
add_row() {
  local IFS=$'\t'
  echo "$*" >>"$ROWS"
}
note() { echo "$*" >>"$NOTES"; }
