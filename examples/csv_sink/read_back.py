#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

"""Read-back command for sinkhost-plugin-check (see docs/conformance.md).

Prints each row of the CSV file the sink wrote as one JSON object, keyed by
the header's column names. Python's csv module cannot tell an empty quoted
field ("", an empty string) from an empty unquoted one (NULL), so the file
is parsed here, RFC 4180 style, keeping that difference.

    sinkhost-plugin-check --plugin build/csv.so --option path=/tmp/check.csv \\
        --read-back 'python3 read_back.py'
"""
import json
import re
import os
import sys


# One field and what ends it: a quoted field ("" inside is a quote) or an
# unquoted one, then a comma or a line break.
FIELD = re.compile(r'(?:"((?:[^"]|"")*)"|([^,"\n]*))([,\n])')


def records(text):
    """Yields each record as a list of fields; None for an unquoted empty one."""
    fields, pos = [], 0
    while pos < len(text):
        m = FIELD.match(text, pos)
        if m is None:
            sys.exit(f"read_back.py: malformed CSV at byte {pos}: {text[pos:pos + 60]!r}")
        quoted, plain, end = m.groups()
        if quoted is not None:
            fields.append(quoted.replace('""', '"'))
        else:
            fields.append(plain if plain else None)
        if end == "\n":
            yield fields
            fields = []
        pos = m.end()


def main():
    path = os.environ["SINKHOST_OPTION_PATH"]
    if not os.path.exists(path):
        return
    with open(path, encoding="utf-8", newline="") as f:
        rows = records(f.read())
    header = next(rows, None)
    for row in rows:
        sys.stdout.write(json.dumps(dict(zip(header, row)), ensure_ascii=False) + "\n")


main()
