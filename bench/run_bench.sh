#!/usr/bin/env bash
# Whole-process benchmarks of ttptag and the issue-7 targets (README "Performance").
#
#   bench/run_bench.sh [--quick] [BUILD_DIR]      default build dir: build
#
# Full run (~10-15 min on a quiet 2-core machine): a 100 MB profile corpus
# and a 1 GB corpus folder and JSONL stream. --quick (~3-5 min): 20 MB and
# 100 MB, no JSONL stream; its memory figure compares 100 MB with 20 MB, so
# it is only indicative for the 1 GB target.
#
# Environment:
#   WORK=/tmp/ttptag-bench   corpora and rule packs (generated once, kept
#                            between runs: delete the folder to regenerate;
#                            the full run needs ~2.5 GB there)
#   TTPTAG_RULES             the rules (default: the repo's rules/)
#
# Measured, in this order:
#  1. start-up: `ttptag tag --quiet /dev/null`, best of 5 (wall and CPU);
#  2. `ttptag bench` (hidden) on the profile corpus: each stage on one thread
#     against a bare RE2::Set scan of the same sentences with all triggers
#     (thread CPU time, warm second pass; then each side alone, two more
#     warm passes), then whole batches --jobs 1 and 2
#     in the same process (wall time: needs 2 idle cores, see the load);
#  3. the rule-count sweep: the same with packs 4x and 16x as large
#     (bench/gen_rules.py), on a fifth of the profile corpus;
#  4. `ttptag tag` on the big corpus folder (and the JSONL stream) with all
#     cores, and on the profile corpus: wall time, MB/s, peak RSS (GNU time).
# Then one table: each target, measured value, PASS/FAIL, and the machine.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
quick=0
if [ "${1:-}" = --quick ]; then
  quick=1
  shift
fi
build=${1:-$root/build}
bin=$build/ttptag
WORK=${WORK:-/tmp/ttptag-bench}
export TTPTAG_RULES=${TTPTAG_RULES:-$root/rules}
if [ "$quick" = 1 ]; then
  PROFILE_SIZE=20M BIG_SIZE=100M
else
  PROFILE_SIZE=100M BIG_SIZE=1G
fi
[ -x "$bin" ] || { echo "run_bench: no $bin; build first (cmake --build $build --target ttptag)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "run_bench: needs GNU time (apt-get install time)" >&2; exit 2; }
mkdir -p "$WORK"
started=$(date +%s)
results=$WORK/results.txt  # key=value lines for the table
: > "$results"
put() { echo "$1=$2" >> "$results"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

echo "== machine"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
ram=$(free -g | awk '/Mem:/ {print $2}')
cxx=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
compiler=$("${cxx:-c++}" --version 2>/dev/null | head -1 || echo unknown)
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt" 2>/dev/null || echo unknown)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit+changes"; fi
put machine "$(nproc) cores: $cpu; $ram GB RAM"
put build "$compiler; $build_type; commit $commit"
put load_start "$(loadavg)"
echo "$(nproc) cores: $cpu; $ram GB RAM; $compiler; $build_type; commit $commit"
echo "load average: $(loadavg); date $(date -u +%Y-%m-%dT%H:%MZ)"
echo "rules: $TTPTAG_RULES; work dir: $WORK (free: $(df -h "$WORK" | awk 'NR==2 {print $4}'))"

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

# timed KEY LABEL BYTES CMD...: wall time, MB/s, peak RSS; records KEY_mib.
timed() {
  local key=$1 label=$2 bytes=$3
  shift 3
  /usr/bin/time -f "%e %M" -o "$WORK/time.log" "$@" > /dev/null
  read -r secs kb < "$WORK/time.log"
  put "${key}_mib" "$((kb / 1024))"
  python3 -c "import sys; s=float(sys.argv[2]); print(f'{sys.argv[1]}: {s:.1f} s, {int(sys.argv[3])/1e6/s:.1f} MB/s, peak RSS {int(sys.argv[4])/1024:.0f} MiB')" \
    "$label" "$secs" "$bytes" "$kb"
}

json_get() {  # json_get FILE EXPR (python, `j` is the object)
  python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"
}

echo
echo "== 1. start-up (load, compile, ready to tag): ttptag tag /dev/null, best of 5"
best_wall="" best_cpu=""
for _ in 1 2 3 4 5; do
  t0=$(date +%s%N)
  /usr/bin/time -f "%U %S" -o "$WORK/time.log" "$bin" tag --quiet /dev/null > /dev/null
  t1=$(date +%s%N)
  wall=$(( (t1 - t0) / 1000000 ))
  read -r u s < "$WORK/time.log"
  cpu_ms=$(python3 -c "print(round((float('$u') + float('$s')) * 1000))")
  if [ -z "$best_wall" ] || [ "$wall" -lt "$best_wall" ]; then best_wall=$wall; fi
  if [ -z "$best_cpu" ] || [ "$cpu_ms" -lt "$best_cpu" ]; then best_cpu=$cpu_ms; fi
done
put startup_ms "$best_wall"
put startup_cpu_ms "$best_cpu"
echo "start-up: ${best_wall} ms wall, ${best_cpu} ms CPU (user+sys)"

profile=$(gen "$PROFILE_SIZE" folder)
echo
echo "== 2. one process, $PROFILE_SIZE corpus folder ($profile); load average before: $(loadavg)"
put load_jobs "$(loadavg)"
"$bin" bench "$profile" --jobs 1 2 --json > "$WORK/bench-1x.json"
json_get "$WORK/bench-1x.json" "f\"{j['docs']} docs, {j['mb']:.1f} MB, {j['sentences']} sentences; stages (CPU s): \" + ', '.join(f'{k} {v:.2f}' for k, v in j['stages_s'].items())"
json_get "$WORK/bench-1x.json" "f\"pipeline {j['pipeline_s']:.2f} s = {j['pipeline_mb_s']:.1f} MB/s; bare Set scan {j['set_scan_s']:.2f} s = {j['set_scan_mb_s']:.1f} MB/s; ratio {100*j['pipeline_vs_set']:.0f}%  (cold pass: pipeline {j['cold_pipeline_s']:.2f} s, Set {j['cold_set_scan_s']:.2f} s; Set compile {j['set_compile_s']:.2f} s)\""
json_get "$WORK/bench-1x.json" "f\"each side alone (warm, not per document in turn): pipeline {j['alone']['pipeline_s']:.2f} s, Set {j['alone']['set_scan_s']:.2f} s, ratio {100*j['alone']['pipeline_vs_set']:.0f}%\""
json_get "$WORK/bench-1x.json" "'; '.join(f\"--jobs {b['jobs']}: {b['s']:.2f} s wall, {b['mb_s']:.1f} MB/s, x{b['speedup']:.2f}\" for b in j['batch'])"
echo "load average after: $(loadavg)"
put ratio "$(json_get "$WORK/bench-1x.json" "j['pipeline_vs_set']")"
put ratio_alone "$(json_get "$WORK/bench-1x.json" "j['alone']['pipeline_vs_set']")"
put speedup "$(json_get "$WORK/bench-1x.json" "j['batch'][-1]['speedup']")"
put load_jobs_after "$(loadavg)"

echo
echo "== 3. rule-count sweep (one thread, warm, CPU time; a fifth of the $PROFILE_SIZE corpus)"
# shellcheck disable=SC2207
sweep_in=($(find "$profile/" -mindepth 1 -maxdepth 1 -type d | sort | awk 'NR % 5 == 1'))
for factor in 1 4 16; do
  rules=$TTPTAG_RULES
  if [ "$factor" != 1 ]; then
    rules=$WORK/rules-${factor}x
    [ -d "$rules" ] || python3 "$here/gen_rules.py" --factor "$factor" --out "$rules" --rules "$TTPTAG_RULES" >&2
  fi
  "$bin" bench "${sweep_in[@]}" --rules "$rules" --json > "$WORK/sweep-$factor.json"
  json_get "$WORK/sweep-$factor.json" "f\"{$factor}x: {j['rules']} rules, start-up {j['startup_ms']:.0f} ms, pipeline {j['pipeline_s']:.2f} s ({j['pipeline_mb_s']:.1f} MB/s), match {j['stages_s']['match']:.2f} s, bare Set {j['set_scan_s']:.2f} s ({j.get('sets', 1)} Set{'' if j.get('sets', 1) == 1 else 's'})\""
  put "sweep${factor}_s" "$(json_get "$WORK/sweep-$factor.json" "j['pipeline_s']")"
done

echo
big=$(gen "$BIG_SIZE" folder)
big_bytes=$(du -sbL --apparent-size "$big" | cut -f1)
profile_bytes=$(du -sbL --apparent-size "$profile" | cut -f1)
echo "== 4. whole process, all cores ($(nproc)); load average before: $(loadavg)"
timed mem_small "tag $PROFILE_SIZE folder" "$profile_bytes" "$bin" tag --quiet "$profile"
timed mem_big "tag $BIG_SIZE folder" "$big_bytes" "$bin" tag --quiet "$big"
if [ "$quick" = 0 ]; then
  jsonl=$(gen "$BIG_SIZE" jsonl)
  timed mem_jsonl "tag --jsonl $BIG_SIZE stream (stdin)" "$(stat -L -c %s "$jsonl")" \
    sh -c "'$bin' tag --quiet --jsonl - < '$jsonl'"
fi
put load_end "$(loadavg)"
put minutes "$(( ($(date +%s) - started) / 60 ))"

echo
echo "== summary ($([ "$quick" = 1 ] && echo "--quick: $PROFILE_SIZE / $BIG_SIZE" || echo "$PROFILE_SIZE / $BIG_SIZE"))"
python3 - "$results" "$PROFILE_SIZE" "$BIG_SIZE" <<'EOF'
import sys
r = dict(line.rstrip("\n").split("=", 1) for line in open(sys.argv[1]) if "=" in line)
small, big = sys.argv[2], sys.argv[3]
f = float
rows = []
def row(name, value, target, ok):
    rows.append((name, value, target, "PASS" if ok else "FAIL"))
row("1 thread, end to end vs bare RE2::Set scan", f"{100*f(r['ratio']):.0f}% (each alone: {100*f(r['ratio_alone']):.0f}%)", ">= 60%", f(r["ratio"]) >= 0.60)
row("--jobs 2 vs --jobs 1 throughput", f"x{f(r['speedup']):.2f} (load {r['load_jobs']})", ">= x1.80", f(r["speedup"]) >= 1.80)
mb, ms = int(r["mem_big_mib"]), int(r["mem_small_mib"])
row(f"peak RSS tagging {big}", f"{mb} MiB", "<= 256 MiB", mb <= 256)
row(f"peak RSS {big} vs {small}", f"{mb} vs {ms} MiB (+{100*(mb-ms)/ms:.0f}%)", "<= +10%", mb <= ms * 1.10)
s1, s16 = f(r["sweep1_s"]), f(r["sweep16_s"])
row("16x rules vs bundled: tagging time", f"x{s16/s1:.2f} ({s16:.2f} vs {s1:.2f} s)", "<= x2.00", s16 <= 2 * s1)
row("start-up, bundled rules (best of 5)", f"{r['startup_ms']} ms wall, {r['startup_cpu_ms']} ms CPU", "<= 200 ms", int(r["startup_ms"]) <= 200)
w = [max(len(x[i]) for x in rows + [("target", "measured", "goal", "result")]) for i in range(4)]
for x in [("target", "measured", "goal", "result")] + rows:
    print("  ".join(x[i].ljust(w[i]) for i in range(4)))
print(f"machine: {r['machine']}; {r['build']}")
print(f"load average: start {r['load_start']}, around --jobs {r['load_jobs']} .. {r['load_jobs_after']}, end {r['load_end']}; "
      f"run took {r['minutes']} min")
EOF
