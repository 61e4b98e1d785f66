#!/usr/bin/env bash
# Quick start, command 2: install what is missing, build, and run the whole
# test suite through CTest.
set -euo pipefail
source "$(dirname "$0")/deps.sh"
ttptag_install_deps "${ttptag_test_packages[@]}"
ttptag_install_e2e_deps || echo "ttptag: could not install the browser test's needs; cli.review_e2e will be skipped" >&2
ttptag_build "$ttptag_root/build" -DTTPTAG_BUILD_TESTS=ON -DTTPTAG_WERROR=ON
cd "$ttptag_root/build"
ctest --output-on-failure -j"$(nproc)" "$@"
