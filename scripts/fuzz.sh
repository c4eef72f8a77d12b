#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# Builds the libFuzzer targets (fuzz/, clang, -fsanitize=fuzzer,address,
# undefined) into build-fuzz and runs each for SECONDS over its seed corpus
# fuzz/corpus/<target>/, with leak detection. Fails on any crash, leak,
# sanitizer report, timeout (an input taking over 10 s) or out-of-memory.
#
# Usage: scripts/fuzz.sh [--build-only | --no-build] [SECONDS] [TARGET...]
#   SECONDS  per target, default 60; TARGET: plausible_event, bulk_parser,
#            wal_segment, enrich (default: all four, one after another,
#            enrich for a third of SECONDS: see below).
# The failing input is saved as build-fuzz/crashers/<target>/<kind>-<sha1>
# (kind: crash, leak, timeout, oom), with the log beside it. Reproduce with
#   build-fuzz/bin/fuzz_<target> build-fuzz/crashers/<target>/crash-...
# Inputs that found new coverage go to build-fuzz/corpus/<target>/ (kept
# across runs; the checked-in seeds are never modified).
# BUILD_DIR: FUZZ_BUILD_DIR (default build-fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${FUZZ_BUILD_DIR:-build-fuzz}
do_build=1 do_run=1
args=()
for arg in "$@"; do
  case $arg in
    --build-only) do_run=0 ;;
    --no-build) do_build=0 ;;
    *) args+=("$arg") ;;
  esac
done
seconds=${args[0]:-60}
[[ $seconds =~ ^[0-9]+$ ]] || { echo "fuzz.sh: SECONDS must be a number, got '$seconds'" >&2; exit 2; }
targets=("${args[@]:1}")
all_targets=0
((${#targets[@]})) || { targets=(plausible_event bulk_parser wal_segment enrich); all_targets=1; }

if ((do_build)); then
  scripts/deps.sh fuzz
  if [[ ! -f $build/build.ninja ]]; then
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DSINKHOST_FUZZ=ON >/dev/null
  fi
  cmake --build "$build" -j"$(nproc)" --target "${targets[@]/#/fuzz_}"
fi
((do_run)) || exit 0

# Leaks are checked after every input; UBSan reports are fatal already.
export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
for t in "${targets[@]}"; do
  bin=$build/bin/fuzz_$t
  seeds=$root/fuzz/corpus/$t
  [[ -x $bin && -d $seeds ]] || { echo "fuzz.sh: unknown target '$t'" >&2; exit 2; }
  work=$build/corpus/$t
  crashers=$build/crashers/$t
  mkdir -p "$work" "$crashers"
  log=$crashers/fuzz.log
  dict=()
  [[ $t == wal_segment || $t == enrich ]] || dict=(-dict="$root/fuzz/json.dict")
  # In the default run (CI: scripts/test.sh, 30 s, beside the sanitizer
  # suite) enrich gets a third of SECONDS, at least 10 s (or SECONDS when
  # less): from its seeds, 10 s reach ~90 % of the edges a 5-minute run
  # reaches, and its ASan tests already take ~40 s of that suite. A long
  # run names it.
  t_seconds=$seconds
  if ((all_targets)) && [[ $t == enrich ]]; then
    t_seconds=$((seconds / 3 > 10 ? seconds / 3 : (seconds < 10 ? seconds : 10)))
  fi
  echo "fuzz.sh: $t for ${t_seconds} s" >&2
  rc=0
  "$bin" -max_total_time="$t_seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    "${dict[@]}" -artifact_prefix="$crashers/" "$work" "$seeds" >"$log" 2>&1 || rc=$?
  # A sanitizer report without a non-zero exit should not happen; check anyway.
  # -a: a failed check prints the input's bytes, which need not be text.
  if ((rc != 0)) || grep -aqE '^==[0-9]+== ?ERROR|runtime error:|^SUMMARY: ' "$log"; then
    echo "fuzz.sh: $t FAILED (exit $rc); log: $log" >&2
    grep -aE '^==[0-9]+== ?ERROR|runtime error:|fuzz check failed|^SUMMARY: |Test unit written to' "$log" >&2 || tail -n 20 "$log" >&2
    status=1
  else
    echo "fuzz.sh: $t ok: $(grep -aE '^Done [0-9]+ runs' "$log" || echo done), corpus $(ls "$work" | wc -l) inputs" >&2
  fi
done
exit $status
