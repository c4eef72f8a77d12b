#!/bin/sh
# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# Read-back command for sinkhost-plugin-check (docs/conformance.md): the
# sink's NDJSON file is already one JSON object per line.
[ -e "$SINKHOST_OPTION_PATH" ] || exit 0
exec cat "$SINKHOST_OPTION_PATH"
