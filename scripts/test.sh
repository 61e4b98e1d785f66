#!/usr/bin/env bash
# Quick start, command 2 (and CI, through .ci/run): install what is missing,
# then run the whole test suite three ways:
#   build  build/       -Werror build, every CTest test
#   asan   build-asan/  the same tests again under AddressSanitizer (leaks
#                       included) and UndefinedBehaviorSanitizer, at -O1
#   fuzz   build-fuzz/  clang + libFuzzer, a short run of each fuzz target
#                       (CTest label fuzz; only once tests/fuzz/ exists)
# Arguments go to the first two ctest runs (e.g. -R cli.). TTPTAG_TEST_STEPS
# picks steps (default "build asan fuzz"). Every step runs even if an earlier
# one failed; the script then names the failed steps and exits 1.
set -uo pipefail
source "$(dirname "$0")/deps.sh"
steps=${TTPTAG_TEST_STEPS:-build asan fuzz}
root=$ttptag_root
jobs=$(nproc)

declare -a names=() results=()
failed=0
# run_step NAME COMMAND...: a header, the command, its result and time.
run_step() {
  local name=$1; shift
  local start=$SECONDS
  echo
  echo "=== ttptag test step: $name ($(date +%H:%M:%S)) ==="
  "$@"
  local code=$?
  local took=$((SECONDS - start))
  if [ "$code" -eq 0 ]; then results+=("ok      $name  $((took / 60))m$((took % 60))s")
  else results+=("FAILED  $name  $((took / 60))m$((took % 60))s (exit $code)"); failed=$((failed + 1)); fi
  names+=("$name")
  echo "=== ttptag test step: $name: $([ "$code" -eq 0 ] && echo ok || echo "FAILED (exit $code)") in ${took}s ==="
}

want() { [[ " $steps " == *" $1 "* ]]; }
have_fuzz() { [ -f "$root/tests/fuzz/CMakeLists.txt" ]; }

deps() {
  local extra=("${ttptag_test_packages[@]}")
  want fuzz && have_fuzz && extra+=("${ttptag_fuzz_packages[@]}")
  ttptag_install_deps "${extra[@]}" || return 1
  ttptag_install_e2e_deps ||
    echo "ttptag: could not install the browser test's needs; cli.review_e2e will be skipped" >&2
  return 0
}

normal() {
  ttptag_build "$root/build" -DTTPTAG_BUILD_TESTS=ON -DTTPTAG_WERROR=ON &&
    ctest --test-dir "$root/build" --output-on-failure -j"$jobs" "$@"
}

# -O1 keeps the instrumented build and run fast enough for CI; the runtime
# options (leak checks, stack traces) are compiled in: cmake/sanitizer_options.cpp.
asan() {
  ttptag_build "$root/build-asan" -DTTPTAG_BUILD_TESTS=ON -DTTPTAG_WERROR=ON -DTTPTAG_SANITIZE=ON \
      -DTTPTAG_BUILD_BENCH=OFF -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" &&
    ctest --test-dir "$root/build-asan" --output-on-failure -j"$jobs" "$@"
}

fuzz() {
  cmake -S "$root" -B "$root/build-fuzz" -DCMAKE_CXX_COMPILER=clang++ -DTTPTAG_FUZZ=ON \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null &&
    cmake --build "$root/build-fuzz" -j"$jobs" &&
    ctest --test-dir "$root/build-fuzz" --output-on-failure -j"$jobs" -L fuzz
}

run_step deps deps
if [ "$failed" -eq 0 ]; then
  want build && run_step build normal "$@"
  want asan && run_step asan asan "$@"
  if want fuzz; then
    if have_fuzz; then run_step fuzz fuzz
    else echo; echo "=== ttptag test step: fuzz skipped: tests/fuzz/CMakeLists.txt not found ==="; fi
  fi
fi

echo
echo "=== ttptag test summary ==="
printf '  %s\n' "${results[@]}"
echo "steps: $((${#names[@]} - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
