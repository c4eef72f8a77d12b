#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# Builds the Debian packages sinkhost, sinkhost-dashboard and sinkhost-dev
# (and their -dbgsym) from debian/ with dpkg-buildpackage, checks them with
# lintian (any error fails; warnings are printed) and puts them in dist/.
#
# Why debian/ and not CPack: debhelper is what Debian's own packages are
# built with, so the result behaves like them — /etc files are conffiles,
# the unit is enabled and restarted by dh_installsystemd's maintainer
# scripts, dependencies come from dpkg-shlibdeps, binaries are stripped into
# -dbgsym packages, hardening flags come from dpkg-buildflags, and lintian
# checks it against Debian policy.
#
# The tree (tracked and new files, not build folders) is copied to
# PKG_BUILD_DIR (default build-pkg) and built there, because
# dpkg-buildpackage writes its results into the parent of the source.
# Usage: scripts/package.sh [--no-lintian]    DIST_DIR (default dist)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
lint=1
for arg in "$@"; do
  case $arg in
    --no-lintian) lint=0 ;;
    *) echo "usage: scripts/package.sh [--no-lintian]" >&2; exit 2 ;;
  esac
done
dist=$(realpath -m "${DIST_DIR:-dist}")
work=$(realpath -m "${PKG_BUILD_DIR:-build-pkg}")
scripts/deps.sh package

# One version number: the changelog's must be the project's.
project_version=$(sed -n 's/^project(sinkhost VERSION \([0-9.]*\) .*/\1/p' CMakeLists.txt)
package_version=$(dpkg-parsechangelog -l debian/changelog -S Version)
[[ ${package_version%%-*} == "$project_version" ]] || {
  echo "package: debian/changelog is at $package_version but CMakeLists.txt at $project_version;" \
       "add a changelog entry (dch -v $project_version)" >&2
  exit 1
}

src=$work/sinkhost-$project_version
rm -rf "$work"
mkdir -p "$src"
git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} find {} -maxdepth 0 -type f -print0 |
  tar -C "$root" --null -T - -cf - | tar -C "$src" -xf -

echo "package: dpkg-buildpackage in $src (log: $work/build.log)" >&2
if ! (cd "$src" && dpkg-buildpackage -b -us -uc -j"$(nproc)") >"$work/build.log" 2>&1; then
  tail -n 40 "$work/build.log" >&2
  echo "package: dpkg-buildpackage failed (full log: $work/build.log)" >&2
  exit 1
fi

rm -rf "$dist"
mkdir -p "$dist"
mv "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$dist"/
mv "$work"/*.ddeb "$dist"/ 2>/dev/null || true
changes=$(ls "$dist"/*.changes)

if ((lint)); then
  # Errors fail the build; warnings and infos are listed for the reader.
  lintian --fail-on error --display-info "$changes" | tee "$work/lintian.log" >&2 ||
    { echo "package: lintian found errors (above)" >&2; exit 1; }
  echo "package: lintian: $(grep -c '^E:' "$work/lintian.log" || true) errors," \
       "$(grep -c '^W:' "$work/lintian.log" || true) warnings," \
       "$(grep -c '^I:' "$work/lintian.log" || true) infos" >&2
fi
ls -1 "$dist"/*.deb
