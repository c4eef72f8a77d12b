#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# scripts/lib/hold_services.sh, against a policy-rc.d of its own: holding
# writes one that forbids every start (101), releasing removes it, another
# one's file is never touched, and one a killed run left behind is taken
# over and removed.
# Usage: hold_services_test.sh SOURCE_DIR
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export SINKHOST_POLICY_RC_D=$dir/policy-rc.d
fail() { echo "hold_services_test: $*" >&2; exit 1; }
run() { bash -c "source '$1/scripts/lib/hold_services.sh'; $2"; }

run "$1" 'hold_services; "$SINKHOST_POLICY_RC_D" x start; echo "rc=$?"; release_services' >"$dir/out" || true
grep -qx 'rc=101' "$dir/out" || fail "a held policy-rc.d must answer 101, got: $(cat "$dir/out")"
[[ ! -e $SINKHOST_POLICY_RC_D ]] || fail "release_services left the policy-rc.d behind"

printf '#!/bin/sh\nexit 0\n' >"$SINKHOST_POLICY_RC_D"
run "$1" 'hold_services; release_services'
grep -qx 'exit 0' "$SINKHOST_POLICY_RC_D" || fail "someone else's policy-rc.d was changed or removed"

rm -f "$SINKHOST_POLICY_RC_D"
run "$1" 'hold_services'  # a run that never released: killed while holding
[[ -e $SINKHOST_POLICY_RC_D ]] || fail "hold_services wrote no policy-rc.d"
run "$1" 'hold_services; release_services'
[[ ! -e $SINKHOST_POLICY_RC_D ]] || fail "a policy-rc.d left by an earlier run was not taken over and removed"
echo "hold_services_test: ok"
