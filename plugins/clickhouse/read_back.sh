#!/bin/sh
# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# Read-back command for sinkhost-plugin-check (docs/conformance.md): one
# JSON object per row from ClickHouse's HTTP interface. 64-bit integers
# come back quoted, which the kit accepts.
database=${SINKHOST_OPTION_DATABASE:-default}
table=${SINKHOST_OPTION_TABLE:-$SINKHOST_CHECK_STREAM}
exec curl -sS --fail-with-body \
  -H "X-ClickHouse-User: ${SINKHOST_OPTION_USER:-default}" \
  ${SINKHOST_OPTION_PASSWORD:+-H "X-ClickHouse-Key: $SINKHOST_OPTION_PASSWORD"} \
  --data-binary "SELECT * FROM \`$database\`.\`$table\` FORMAT JSONEachRow" \
  "$SINKHOST_OPTION_URL/"
