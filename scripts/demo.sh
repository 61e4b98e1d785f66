#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build, and tag the bundled
# sample articles with the bundled rules, printing the results.
set -euo pipefail
source "$(dirname "$0")/deps.sh"
ttptag_install_deps
ttptag_build "$ttptag_root/build" -DTTPTAG_BUILD_TESTS=OFF
cd "$ttptag_root"
echo "== ttptag tag examples/articles (JSON Lines; the same as text with --explain)" >&2
./build/ttptag tag examples/articles
