#!/usr/bin/env bash
# scripts/fuzz.sh: longer libFuzzer runs of the tests/fuzz targets.
#
#   scripts/fuzz.sh [--runs N | --time SECONDS] [--no-build] [TARGET...]
#
# Builds build-fuzz (clang, ASan + UBSan, as CI does; --no-build skips it),
# then runs each target (default: all) one after the other, one process each
# (no -jobs: the machine's cores are shared), for N executions (default
# 1000000) or SECONDS each. The working corpus is build-fuzz/corpus/<target>
# (seeded from tests/fuzz/corpus/<target>, kept between runs, never written
# back to the repository). A crash, leak, timeout, out-of-memory or invariant
# failure stops that target's run and its input is saved as
# tests/fuzz/regressions/<target>/<kind>-<sha1>: fix the bug, keep the file
# (fuzz_replay.<target> then runs it in every ctest), run again.
# Prints per target: executions, seconds, exec/s, coverage (cov:), findings.
# TTPTAG_FUZZ_BUILD=DIR uses another build dir (two campaigns at once).
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
build=${TTPTAG_FUZZ_BUILD:-$repo/build-fuzz}  # another build dir: run campaigns side by side
fuzz=$repo/tests/fuzz
limit=(-runs=1000000)
do_build=1
targets=()
while [ $# -gt 0 ]; do
  case $1 in
    --runs) limit=(-runs="$2"); shift 2 ;;
    --time) limit=(-max_total_time="$2"); shift 2 ;;
    --no-build) do_build=0; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$fuzz"/fuzz_*.cpp; do t=$(basename "$f" .cpp); targets+=("${t#fuzz_}"); done
fi

if [ $do_build -eq 1 ]; then
  cmake -S "$repo" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang \
        -DTTPTAG_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo > "$build.configure.log" 2>&1 \
    || { cat "$build.configure.log"; exit 2; }
  cmake --build "$build" -j2 || exit 2
fi

summary=()
status=0
for t in "${targets[@]}"; do
  bin=$build/tests/fuzz/fuzz_$t
  [ -x "$bin" ] || { echo "fuzz.sh: no target $t ($bin)" >&2; exit 2; }
  corpus=$build/corpus/$t
  regressions=$fuzz/regressions/$t
  mkdir -p "$corpus" "$regressions"
  cp -Rn "$fuzz/corpus/$t/." "$corpus/"
  flags=()
  if [ -f "$fuzz/$t.options" ]; then read -r -a flags <<< "$(grep -v '^[[:space:]]*#' "$fuzz/$t.options" | tr '\n' ' ')"; fi
  if [ -f "$fuzz/$t.dict" ]; then flags+=("-dict=$fuzz/$t.dict"); fi
  log=$build/fuzz-$t.log
  before=$(ls "$regressions" | wc -l)
  echo "== fuzz_$t ${limit[*]} (log: $log)"
  start=$(date +%s%N)
  (cd "$build" && "$bin" -timeout=25 "${flags[@]}" "${limit[@]}" -print_final_stats=1 \
      -artifact_prefix="$regressions/" "$corpus" "$regressions") > "$log" 2>&1
  rc=$?
  secs=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  found=$(( $(ls "$regressions" | wc -l) - before ))
  rmdir "$regressions" 2>/dev/null || true
  if [ $rc -ne 0 ]; then
    status=1
    grep -m3 -E 'ERROR: |invariant violated|Test unit written' "$log" | sed 's/^/   /'
  fi
  line=$(printf '%-10s execs %9s  time %7ss  exec/s %6s  cov %6s  findings %d (exit %d)' \
         "$t" "${execs:-?}" "$secs" "${rate:-?}" "${cov:-?}" "$found" "$rc")
  echo "$line"
  summary+=("$line")
done
echo
echo "== summary"
printf '%s\n' "${summary[@]}"
exit $status
