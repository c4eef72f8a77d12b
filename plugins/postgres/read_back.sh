#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# Read-back command for sinkhost-plugin-check (docs/conformance.md): one
# JSON object per row from row_to_json.
#  - COPY ... TO STDOUT, not a plain SELECT: psql's result printing drops
#    some characters (U+10FFFF came back as nothing), COPY passes bytes.
#    COPY's text format doubles each backslash; sed undoes that (JSON text
#    has no raw tabs or newlines, the only other characters COPY escapes).
#  - PGTZ=UTC, so timestamptz has a +00:00 offset (other zones can have
#    offsets in seconds for old dates, which RFC 3339 cannot express).
set -eo pipefail
schema=${SINKHOST_OPTION_SCHEMA:-public}
table=${SINKHOST_OPTION_TABLE:-$SINKHOST_CHECK_STREAM}
PGTZ=UTC psql "$SINKHOST_OPTION_CONNECTION" -X -q -v ON_ERROR_STOP=1 \
  -c "COPY (SELECT row_to_json(t) FROM \"$schema\".\"$table\" t) TO STDOUT" |
  sed 's/\\\\/\\/g'
