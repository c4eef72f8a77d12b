#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# Builds the test suite with AddressSanitizer (LeakSanitizer included) and
# UndefinedBehaviorSanitizer into its own build dir, and runs it with ctest.
# Any report fails the test: UBSan is built with -fno-sanitize-recover=all,
# and a leak makes the process exit non-zero (LSan suppressions, only
# libpqxx 6.4's known leak: tests/lsan.supp).
#
# Usage: scripts/sanitize.sh [--all] [--build-only | --no-build] [ctest arguments]
#   (default) the tests CI runs within its time budget: every core unit test
#             (ingest, WAL, batches, buffer, stream, delivery, plugin loading),
#             the enrichment tests (label enrich, enrich_*_test: User-Agent,
#             referrer, client address, GeoIP, session and visitor ids),
#             the host's unit tests, the SQLite and file sink tests, and the
#             end-to-end tests that need neither PostgreSQL nor ClickHouse
#             (host_e2e_test, bad_input_test, crash_e2e_test, wal_cli_test,
#             ...). Left out: the tests labelled postgres, clickhouse or
#             conformance (postgres_sink_test, clickhouse_*_test,
#             plugin_check_test, four_sinks_e2e_test, ...) and install_test:
#             a second build of those does not fit CI's 20 minutes.
#   --all     every test but the dashboard's (the GUI is not built here).
#   --build-only / --no-build  only build, or only run (scripts/test.sh runs
#             the fuzzers while this runs).
#   ctest arguments that select tests (-R, -L, -E, -LE, ...) also narrow
#   what is built: `scripts/sanitize.sh -R '^enrich_'` builds and runs only
#   the enrichment tests.
# BUILD_DIR: ASAN_BUILD_DIR (default build-asan): clang 14 (installed for
# the fuzzers anyway; with ASan and UBSan it compiles this code in about 60 %
# of g++'s time), Debug (-O0: with UBSan, -O1 compiles 2-3x slower), no GUI.
# With clang the shared ASan runtime is used, so that plugins link
# (CMakeLists.txt, SINKHOST_SANITIZE).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${ASAN_BUILD_DIR:-build-asan}
all=0 do_build=1 do_run=1
ctest_args=()
for arg in "$@"; do
  case $arg in
    --all) all=1 ;;
    --build-only) do_run=0 ;;
    --no-build) do_build=0 ;;
    *) ctest_args+=("$arg") ;;
  esac
done

# Left out of the CI subset: tests labelled postgres, clickhouse or
# conformance (they need those servers or build their sinks' tests and the
# conformance kit), install_test and the license check. package_test is
# never run here: it builds and installs the packages, uninstrumented.
filters=(-LE 'postgres|clickhouse|conformance|package' -E '^(install_test|license_headers_test|hold_services_test)$')
if ((all)); then filters=(-LE '^package$'); fi

if ((do_build)); then
  scripts/deps.sh test fuzz
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DSINKHOST_SANITIZE=address,undefined -DSINKHOST_BUILD_GUI=OFF -DSINKHOST_BUILD_TESTS=ON >/dev/null
  if ((all)); then
    cmake --build "$build" -j"$(nproc)"
  else
    # Each test's executable is a target of the same name (install_test,
    # the one exception, is excluded); its plugins come as dependencies.
    mapfile -t targets < <(ctest --test-dir "$build" -N "${filters[@]}" "${ctest_args[@]}" |
                           sed -n 's/^ *Test *#[0-9]*: //p')
    ((${#targets[@]})) || { echo "sanitize.sh: no test selected" >&2; exit 2; }
    cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"
  fi
fi
((do_run)) || exit 0

export ASAN_OPTIONS=detect_leaks=1:check_initialization_order=1:detect_stack_use_after_return=1
export LSAN_OPTIONS=suppressions=$root/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd "$build"
ctest --output-on-failure --no-tests=error -j"$(nproc)" "${filters[@]}" "${ctest_args[@]}"
