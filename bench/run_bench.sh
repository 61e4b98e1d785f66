#!/usr/bin/env bash
# Whole-process benchmarks of ttptag (README "Performance").
#
#   bench/run_bench.sh [BUILD_DIR]        default build dir: build
#
# Environment:
#   SIZE=1G           size of the generated corpus folder and JSONL stream
#   PROFILE_SIZE=100M size of the corpus for the one-process measurements
#   JOBS="1 2"        --jobs values timed in one process
#   WORK=/tmp/ttptag-bench   where corpora and rule packs are generated (kept
#                     between runs: delete it to regenerate)
#   SKIP_BIG=1        skip the SIZE runs (only the one-process measurements)
#
# Prints, for the record:
#  1. start-up: `ttptag tag` on an empty input, best of 5 (load, compile, ready);
#  2. in one process (`ttptag bench`, hidden) on PROFILE_SIZE: each stage on one
#     thread, a bare RE2::Set scan of the same sentences (the engine's limit)
#     and the pipeline as a ratio of it; then whole batches per --jobs value;
#  3. the rule-count sweep: the same with the bundled rules and with packs 4x and
#     16x as large (bench/gen_rules.py);
#  4. tagging the SIZE corpus folder and the SIZE JSONL stream with all cores:
#     wall time, MB/s and peak memory (GNU time's maximum resident set size),
#     and peak memory on PROFILE_SIZE for comparison.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${1:-$root/build}
bin=$build/ttptag
SIZE=${SIZE:-1G}
PROFILE_SIZE=${PROFILE_SIZE:-100M}
JOBS=${JOBS:-1 2}
WORK=${WORK:-/tmp/ttptag-bench}
export TTPTAG_RULES=${TTPTAG_RULES:-$root/rules}
[ -x "$bin" ] || { echo "run_bench: no $bin; build first (cmake --build $build --target ttptag)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "run_bench: needs GNU time (apt-get install time)" >&2; exit 2; }
mkdir -p "$WORK"

echo "== machine"
echo "$(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(free -g | awk '/Mem:/ {print $2}') GB RAM"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "free disk in $WORK: $(df -h "$WORK" | awk 'NR==2 {print $4}')"
echo "rules: $TTPTAG_RULES"

gen() {  # gen SIZE KIND -> path (generated once)
  local size=$1 kind=$2 path
  if [ "$kind" = jsonl ]; then
    path=$WORK/corpus-$size.jsonl
    [ -s "$path" ] || python3 "$here/gen_corpus.py" --size "$size" --jsonl "$path" --rules "$TTPTAG_RULES" >&2
  else
    path=$WORK/corpus-$size
    [ -d "$path" ] || python3 "$here/gen_corpus.py" --size "$size" --out "$path" --rules "$TTPTAG_RULES" >&2
  fi
  echo "$path"
}

timed() {  # timed LABEL BYTES CMD... : wall time, MB/s, peak RSS
  local label=$1 bytes=$2; shift 2
  local log=$WORK/time.log
  /usr/bin/time -f "%e %M" -o "$log" "$@" > /dev/null
  read -r secs kb < "$log"
  python3 -c "import sys; s=float(sys.argv[2]); print(f'{sys.argv[1]}: {s:.1f} s, {int(sys.argv[3])/1e6/s:.1f} MB/s, peak {int(sys.argv[4])/1024:.0f} MiB')" \
    "$label" "$secs" "$bytes" "$kb"
}

echo
echo "== 1. start-up (load, compile, ready to tag), best of 5"
best=""
for _ in 1 2 3 4 5; do
  /usr/bin/time -f "%e" -o "$WORK/time.log" "$bin" tag --quiet /dev/null > /dev/null
  t=$(cat "$WORK/time.log")
  best=$(python3 -c "import sys; a=sys.argv[1]; print(min(float(x) for x in (a, sys.argv[2]) if x))" "${best:-$t}" "$t")
done
echo "start-up: ${best} s"

profile=$(gen "$PROFILE_SIZE" folder)
echo
echo "== 2. one process, $PROFILE_SIZE corpus folder ($profile)"
# shellcheck disable=SC2086
"$bin" bench "$profile" --jobs $JOBS

echo
echo "== 3. rule-count sweep ($PROFILE_SIZE corpus, one thread, first 20% of the folder)"
sweep_in=$(find "$profile/" -mindepth 1 -maxdepth 1 -type d | sort | awk 'NR % 5 == 1')
for factor in 1 4 16; do
  rules=$TTPTAG_RULES
  if [ "$factor" != 1 ]; then
    rules=$WORK/rules-${factor}x
    [ -d "$rules" ] || python3 "$here/gen_rules.py" --factor "$factor" --out "$rules" --rules "$TTPTAG_RULES" >&2
  fi
  echo "-- ${factor}x rules"
  # shellcheck disable=SC2086
  "$bin" bench $sweep_in --rules "$rules" --jobs 1 | grep -E '^rules|^pipeline|^batch'
done

[ "${SKIP_BIG:-0}" = 1 ] && exit 0
folder=$(gen "$SIZE" folder)
jsonl=$(gen "$SIZE" jsonl)
folder_bytes=$(du -sbL --apparent-size "$folder" | cut -f1)
jsonl_bytes=$(stat -L -c %s "$jsonl")
echo
echo "== 4. whole process, all cores ($(nproc))"
timed "tag $PROFILE_SIZE folder" "$(du -sbL --apparent-size "$profile" | cut -f1)" "$bin" tag --quiet "$profile"
timed "tag $SIZE folder" "$folder_bytes" "$bin" tag --quiet "$folder"
timed "tag --jsonl $SIZE stream (stdin)" "$jsonl_bytes" sh -c "'$bin' tag --quiet --jsonl - < '$jsonl'"
