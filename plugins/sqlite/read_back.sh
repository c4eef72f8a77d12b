#!/bin/sh
# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# Read-back command for sinkhost-plugin-check (docs/conformance.md): prints
# every row of the sink's table as one JSON object per line. Python's
# sqlite3 module returns REAL values as exact doubles; the sqlite3 shell
# would round them to 15 digits.
exec python3 - <<'PY'
import json, os, sqlite3, sys
path = os.environ["SINKHOST_OPTION_PATH"]
table = os.environ.get("SINKHOST_OPTION_TABLE") or os.environ["SINKHOST_CHECK_STREAM"]
db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
cur = db.execute('SELECT * FROM "%s"' % table.replace('"', '""'))
names = [d[0] for d in cur.description]
out = sys.stdout
for row in cur:
    out.write(json.dumps(dict(zip(names, row)), ensure_ascii=False) + "\n")
PY
