# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# Sourced by the scripts that install server packages (scripts/deps.sh, the
# package test): while held, a package's maintainer scripts start no
# service. A policy-rc.d answering 101 ("action forbidden") is how Debian
# tells invoke-rc.d and deb-systemd-invoke not to start one. A policy-rc.d
# that was there before is left alone.
#
#   hold_services      # before apt-get install / dpkg -i
#   release_services   # after; also safe to call twice or from a trap

_held_policy=/usr/sbin/policy-rc.d
_held_ours=0
_held_sudo=""
if [[ $(id -u) -ne 0 ]]; then _held_sudo="sudo"; fi

hold_services() {
  [[ -e $_held_policy ]] && return 0
  printf '#!/bin/sh\n# written by sinkhost scripts/lib/hold_services.sh while installing\nexit 101\n' |
    $_held_sudo tee "$_held_policy" >/dev/null
  $_held_sudo chmod 755 "$_held_policy"
  _held_ours=1
}

release_services() {
  if ((_held_ours)); then $_held_sudo rm -f "$_held_policy"; fi
  _held_ours=0
}
