#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# Every source file the project ships carries an SPDX licence identifier in
# its first lines (after a shebang), and the licence it names is in LICENSE.
# Debian's copyright file and anyone reusing a file rely on it.
# Usage: license_headers_test.sh SOURCE_DIR
set -euo pipefail
cd "$1"
[[ -f LICENSE ]] && grep -q 'Apache License' LICENSE && grep -q 'Version 2.0, January 2004' LICENSE ||
  { echo "license_headers_test: LICENSE is missing or not the Apache License 2.0" >&2; exit 1; }

if [[ -e .git ]]; then
  mapfile -t files < <(git ls-files)
else  # an unpacked source tarball
  mapfile -t files < <(find . -path ./.git -prune -o -path './build*' -prune -o -type f -print | sed 's|^\./||')
fi
missing=()
for f in "${files[@]}"; do
  case $f in
    fuzz/corpus/*) continue ;;  # inputs, not source
    *.c|*.cc|*.h|*.hpp|*.cmake|*.in|*.map|*.lua|*.py|*.sh|*.yaml|*.supp|*.dict|*CMakeLists.txt|.ci/run) ;;
    debian/rules|debian/*.service|debian/*.postinst|debian/*.postrm|debian/*.preinst|debian/*.prerm) ;;
    *) continue ;;
  esac
  head -n 4 "$f" | grep -q 'SPDX-License-Identifier: Apache-2.0' || missing+=("$f")
done
if ((${#missing[@]})); then
  echo "license_headers_test: ${#missing[@]} source file(s) without 'SPDX-License-Identifier: Apache-2.0' in their first lines:" >&2
  printf '  %s\n' "${missing[@]}" >&2
  exit 1
fi
echo "license_headers_test: ok (${#files[@]} files looked at)"
