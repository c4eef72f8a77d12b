# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# Sourced by the scripts that install server packages (scripts/deps.sh, the
# package test): while held, a package's maintainer scripts start no
# service. A policy-rc.d answering 101 ("action forbidden") is how Debian
# tells invoke-rc.d and deb-systemd-invoke not to start one. A policy-rc.d
# of someone else's is left alone; one this file wrote (its marker line) is
# taken over, so that a run killed while holding does not leave the machine
# starting no services for good.
#
#   trap release_services EXIT   # first, so that nothing can be left behind
#   hold_services                # before apt-get install / dpkg -i
#   release_services             # after; safe to call twice

_held_policy=${SINKHOST_POLICY_RC_D:-/usr/sbin/policy-rc.d}
_held_marker="written by sinkhost scripts/lib/hold_services.sh while installing"
_held_ours=0
_held_sudo=""
if [[ $(id -u) -ne 0 ]]; then _held_sudo="sudo"; fi

hold_services() {
  if [[ -e $_held_policy ]] && ! grep -qF "$_held_marker" "$_held_policy"; then
    return 0
  fi
  _held_ours=1
  printf '#!/bin/sh\n# %s\nexit 101\n' "$_held_marker" | $_held_sudo tee "$_held_policy" >/dev/null
  $_held_sudo chmod 755 "$_held_policy"
}

release_services() {
  if ((_held_ours)); then $_held_sudo rm -f "$_held_policy"; fi
  _held_ours=0
}
