#!/usr/bin/env bash
# Ctrl-C and SIGTERM (issue 10, part 4), with real signals: ttptag stops
# taking inputs, finishes the documents in flight, leaves FILE.partial of
# complete records (never FILE), says how to resume, exits 130 (SIGINT) or
# 143 (SIGTERM); `--resume` then gives the uninterrupted run's bytes. A
# second Ctrl-C stops at once. Output to standard output stays whole lines.
set -euo pipefail
bin=$(realpath "$1")
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
# Job control: background jobs get their own process group and SIGINT is
# not ignored for them, as for a command run from a terminal.
set -m
cp -r rules "$d/rules"  # a snapshot (resuming checks the rules did not change)
if ! "$bin" rules lint "$d/rules" > /dev/null 2>&1; then
  echo "SKIP: the bundled rules have errors right now (ttptag rules lint rules)"
  exit 77
fi
c=$d/corpus
for i in $(seq 100 339); do
  mkdir -p "$c/p$((i % 6))"
  for f in examples/articles/*; do cp "$f" "$c/p$((i % 6))/$i-$(basename "$f")"; done
done
args=(tag --rules "$d/rules" -j 2 "$c")
"$bin" "${args[@]}" --quiet -o "$d/full.jsonl"
total=$(wc -l < "$d/full.jsonl")

# Starts a run in the background and waits until FILE has >= N lines.
start() {  # start FILE N ARGS...
  local file=$1 n=$2
  shift 2
  "$@" 2> "${errfile:-/dev/stderr}" &
  pid=$!
  for _ in $(seq 1 2400); do
    if [ -s "$file" ] && [ "$(wc -l < "$file")" -ge "$n" ]; then return 0; fi
    kill -0 "$pid" 2> /dev/null || break
    sleep 0.05
  done
  echo "FAIL: the run ended before it could be interrupted (make the corpus bigger)"
  exit 1
}

# Every line of a file is a complete JSON record; prints how many.
complete_lines() {
  python3 - "$1" <<'PY'
import json, sys
data = open(sys.argv[1], "rb").read()
assert data.endswith(b"\n"), "the last line is torn"
lines = data.decode().splitlines()
for l in lines:
    assert "doc" in json.loads(l)
print(len(lines))
PY
}

# signal_and_expect WHAT SIGNAL CODE [LOG]: sends SIGNAL to $pid, waits for
# it, shows LOG if given, and fails unless it exited with CODE.
signal_and_expect() {
  kill -"$2" "$pid"
  set +e
  wait "$pid" 2> /dev/null
  local code=$?
  set -e
  if [ -n "${4:-}" ]; then cat "$4"; fi
  [ "$code" -eq "$3" ] || { echo "FAIL: $1: exit $code, expected $3"; exit 1; }
}

# 1. Ctrl-C (SIGINT) with -o FILE.
errfile=$d/int.err start "$d/out.jsonl.partial" 40 "$bin" "${args[@]}" -o "$d/out.jsonl" --summary "$d/summary.json"
signal_and_expect SIGINT INT 130
[ ! -e "$d/out.jsonl" ] || { echo "FAIL: an interrupted run wrote out.jsonl"; exit 1; }
cat "$d/int.err"
grep -q "stopping: finishing the documents in progress (press Ctrl-C again to stop at once)" "$d/int.err"
grep -q "interrupted by SIGINT after [0-9]* inputs; .*out.jsonl.partial holds their records and .*out.jsonl was not written. To continue, run the same command with --resume" "$d/int.err"
n=$(complete_lines "$d/out.jsonl.partial")
echo "SIGINT: stopped with $n of $total records, all complete"
[ "$n" -lt "$total" ] || { echo "FAIL: stopped after the end"; exit 1; }
python3 - "$d/summary.json" "$n" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
assert s["complete"] is False and s["interrupted_by"] == "SIGINT", s
assert s["inputs"] == n == s["results"] + s["errors"], s
assert s["output"].endswith("out.jsonl.partial"), s
PY

set +e
"$bin" "${args[@]}" -o "$d/out.jsonl" --resume 2> "$d/resume.err"
code=$?
set -e
cat "$d/resume.err"
[ "$code" -eq 0 ] || { echo "FAIL: resume exit $code"; exit 1; }
grep -q "resuming from .*out.jsonl.partial: $n records kept" "$d/resume.err"
cmp "$d/full.jsonl" "$d/out.jsonl" || { echo "FAIL: interrupted + resumed differs from an uninterrupted run"; exit 1; }

# 2. SIGTERM, results to standard output: whole lines, exit 143.
start "$d/stdout.jsonl" 40 sh -c 'exec "$0" "$@" > "'"$d"'/stdout.jsonl" 2> /dev/null' "$bin" "${args[@]}"
signal_and_expect SIGTERM TERM 143
n=$(complete_lines "$d/stdout.jsonl")
echo "SIGTERM: standard output holds $n complete records"
head -n "$n" "$d/full.jsonl" | cmp - "$d/stdout.jsonl" || { echo "FAIL: stdout is not a prefix of the full run"; exit 1; }

# 3. Ctrl-C twice: the second stops at once, without waiting for the
# document in flight (a 20 MB one, many seconds of work): nothing of it is
# written, and out.jsonl is not.
python3 - "$d/big.txt" <<'PY'
import glob, sys
text = "".join(open(f).read() for f in sorted(glob.glob("examples/articles/*.txt")))
open(sys.argv[1], "w").write((text * (20_000_000 // len(text) + 1))[:20_000_000])
PY
"$bin" tag --rules "$d/rules" -j 1 "$d/big.txt" "$c" -o "$d/twice.jsonl" 2> "$d/twice.err" &
pid=$!
# Up to 2 minutes, as in start(): loading the rules takes far longer under ASan.
for _ in $(seq 1 2400); do  # the rules are loaded and the big document is being tagged
  [ -e "$d/twice.jsonl.partial" ] && break
  sleep 0.05
done
[ -e "$d/twice.jsonl.partial" ] || { echo "FAIL: no twice.jsonl.partial after 2 minutes"; exit 1; }
sleep 1
kill -INT "$pid"
for _ in $(seq 1 100); do grep -q "stopping" "$d/twice.err" && break; sleep 0.05; done
signal_and_expect "double SIGINT" INT 130 "$d/twice.err"
[ ! -e "$d/twice.jsonl" ] || { echo "FAIL: twice.jsonl written"; exit 1; }
[ ! -s "$d/twice.jsonl.partial" ] || { echo "FAIL: the second Ctrl-C waited for the big document"; exit 1; }
echo "double SIGINT: stopped at once, nothing written"
echo ok
