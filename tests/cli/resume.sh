#!/usr/bin/env bash
# Nothing lost (issue 10, part 4): a batch killed half way (kill -9: no
# chance to clean up) leaves FILE.partial, never FILE; `--resume` keeps its
# complete records, drops a torn last line, checks that they are the first
# inputs' and tags the rest, so the result is byte-identical to an
# uninterrupted run. A partial file from other inputs, other options or with
# a damaged line in the middle is refused (exit 2) and left as it is.
set -euo pipefail
bin=$(realpath "$1")
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
# A snapshot of the bundled rules: resuming refuses a partial file written
# with other rules, and the repository's rules may change while this runs.
cp -r rules "$d/rules"
if ! "$bin" rules lint "$d/rules" > /dev/null 2>&1; then
  echo "SKIP: the bundled rules have errors right now (ttptag rules lint rules)"
  exit 77
fi
# 480 articles in 10 folders, plus a JSON Lines file with a bad line, a
# .json document whose id becomes its doc, and a missing path: every kind of
# record identity that --resume checks.
c=$d/corpus
for i in $(seq 100 159); do
  sub=$c/part-$((i % 10))
  mkdir -p "$sub"
  for f in examples/articles/*; do cp "$f" "$sub/$i-$(basename "$f")"; done
done
python3 - "$c" <<'PY'
import json, sys
c = sys.argv[1]
with open(c + "/part-5/feed.jsonl", "w") as f:
    for i in range(40):
        f.write("{not json\n" if i == 7 else json.dumps({"id": "feed-%d" % i, "text": "Accounts were posing as U.S. voters, report %d." % i}) + "\n")
json.dump({"id": "doc-with-id", "text": "Bots amplified the hashtag."}, open(c + "/part-3/item.json", "w"))
PY
base=(tag --rules "$d/rules" -j 2)
args=("${base[@]}" --quiet "$c" "$d/missing.txt")

set +e
"$bin" "${args[@]}" -o "$d/full.jsonl"
code=$?
set -e
[ "$code" -eq 1 ] || { echo "FAIL: uninterrupted run exit $code, expected 1 (missing.txt)"; exit 1; }
total=$(wc -l < "$d/full.jsonl")
echo "uninterrupted: $total records"

# Kill -9 once at least 60 records are on disk.
"$bin" "${args[@]}" -o "$d/out.jsonl" &
pid=$!
for _ in $(seq 1 2400); do
  if [ -s "$d/out.jsonl.partial" ] && [ "$(wc -l < "$d/out.jsonl.partial")" -ge 60 ]; then break; fi
  if ! kill -0 "$pid" 2> /dev/null; then break; fi
  sleep 0.05
done
kill -9 "$pid" 2> /dev/null || { echo "FAIL: the run ended before it could be killed (make the corpus bigger)"; exit 1; }
wait "$pid" || true
[ ! -e "$d/out.jsonl" ] || { echo "FAIL: a killed run left out.jsonl, which looks complete"; exit 1; }
[ -s "$d/out.jsonl.partial" ] || { echo "FAIL: no out.jsonl.partial after kill -9"; exit 1; }
kept=$(wc -l < "$d/out.jsonl.partial")
echo "killed with $kept complete lines of $total in out.jsonl.partial ($(tail -c 1 "$d/out.jsonl.partial" | od -An -c | tr -d ' ') last byte)"
[ "$kept" -lt "$total" ] || { echo "FAIL: killed after the end"; exit 1; }
cp "$d/out.jsonl.partial" "$d/saved.partial"
cp "$d/out.jsonl.partial.run" "$d/saved.run"

# Refusals leave the partial file untouched.
refuse() {  # refuse WHAT EXPECTED-MESSAGE ARGS...
  local what=$1 msg=$2
  shift 2
  set +e
  "$bin" "$@" -o "$d/out.jsonl" --resume > /dev/null 2> "$d/refused"
  local rc=$?
  set -e
  cat "$d/refused"
  [ "$rc" -eq 2 ] || { echo "FAIL: resume with $what: exit $rc, expected 2"; exit 1; }
  grep -q "$msg" "$d/refused" || { echo "FAIL: resume with $what: no '$msg'"; exit 1; }
  cmp -s "$d/out.jsonl.partial" "$d/saved.partial" || { echo "FAIL: resume with $what changed the partial file"; exit 1; }
  [ ! -e "$d/out.jsonl" ] || { echo "FAIL: resume with $what wrote out.jsonl"; exit 1; }
}
refuse "other inputs" "does not match the inputs: record 1 is for" tag --rules "$d/rules" --quiet "$c/part-9" "$c/part-0"
refuse "another option" "written with other rules, catalogue, rule stats or options" "${args[@]}" --min-score 0.9
refuse "csv output" "resume needs -o FILE (a regular file) and --format jsonl" "${args[@]}" --format csv

# Resume: byte-identical to the uninterrupted run; the summary adds up.
set +e
"$bin" "${args[@]}" -o "$d/out.jsonl" --resume --summary "$d/summary.json"
code=$?
set -e
[ "$code" -eq 1 ] || { echo "FAIL: resumed run exit $code, expected 1"; exit 1; }
cmp "$d/full.jsonl" "$d/out.jsonl" || { echo "FAIL: resumed output differs from the uninterrupted run"; exit 1; }
[ ! -e "$d/out.jsonl.partial" ] && [ ! -e "$d/out.jsonl.partial.run" ] || { echo "FAIL: partial files left"; exit 1; }
python3 - "$d/summary.json" "$total" "$kept" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
total, kept = int(sys.argv[2]), int(sys.argv[3])
assert s["inputs"] == total == s["results"] + s["errors"], s
assert s["resumed"] == kept and s["complete"] is True, s
assert s["errors"] == 2, s  # the bad JSON line and missing.txt
print("resumed: %d inputs = %d results + %d errors, %d of them kept from the partial file" %
      (s["inputs"], s["results"], s["errors"], s["resumed"]))
PY

# A torn last line (cut mid-record) is dropped and redone.
head -n 150 "$d/full.jsonl" > "$d/out.jsonl.partial"
sed -n 151p "$d/full.jsonl" > "$d/line151"  # not piped into head: sed would die of SIGPIPE (pipefail)
head -c 300 "$d/line151" >> "$d/out.jsonl.partial"
cp "$d/saved.run" "$d/out.jsonl.partial.run"
"$bin" "${base[@]}" "$c" "$d/missing.txt" -o "$d/out.jsonl" --resume 2> "$d/torn.err" || true
grep -q "150 records kept, a torn last line of 300 bytes dropped" "$d/torn.err" || { cat "$d/torn.err"; exit 1; }
cmp "$d/full.jsonl" "$d/out.jsonl" || { echo "FAIL: torn line: output differs"; exit 1; }

# A damaged line in the middle: refused.
rm -f "$d/out.jsonl"
{ head -n 20 "$d/full.jsonl"; echo '{"doc": "broken'; sed -n 22,40p "$d/full.jsonl"; } > "$d/out.jsonl.partial"
cp "$d/out.jsonl.partial" "$d/saved.partial"
cp "$d/saved.run" "$d/out.jsonl.partial.run"
refuse "a damaged line" "line 21 is not a result record" "${args[@]}"

# -o to something that is not a regular file (a FIFO here; /dev/null alike)
# is written directly: renaming FILE.partial over it would replace it.
mkfifo "$d/pipe"
cat "$d/pipe" > "$d/from-pipe" &
reader=$!
"$bin" tag --rules tests/data/rules/good --quiet "$c/part-1" -o "$d/pipe"
wait "$reader"
[ -p "$d/pipe" ] || { echo "FAIL: -o FIFO: the FIFO was replaced"; exit 1; }
[ ! -e "$d/pipe.partial" ] || { echo "FAIL: -o FIFO: pipe.partial written"; exit 1; }
[ "$(wc -l < "$d/from-pipe")" -eq 48 ] || { echo "FAIL: -o FIFO: the reader did not get 48 records"; exit 1; }
echo ok
