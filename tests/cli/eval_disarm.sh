#!/usr/bin/env bash
# The DISARM gold: import the incident pages, check the import, and guard the
# measured micro F1 (passage level, full text) against regressions.
set -euo pipefail
bin=$1
incidents=../shared/disarm/incidents
[ -d "$incidents" ] || { echo "SKIP: ../shared/disarm not found"; exit 77; }
# Just under the figures measured when the guards were last raised (passage units;
# full text 0.865, quotes only 0.739); raise them as the rules improve.
min_f1=0.84
min_f1_quotes=0.72

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" gold import-disarm "$incidents" -o "$tmp/disarm.jsonl" | tee "$tmp/summary.txt"
grep -q "with technique rows" "$tmp/summary.txt"

# No technique ID may reach the text the tagger sees.
python3 - "$tmp/disarm.jsonl" <<'PY'
import json, re, sys
levels = {}
for line in open(sys.argv[1], encoding="utf-8"):
    u = json.loads(line)
    levels[u["level"]] = levels.get(u["level"], 0) + 1
    for field in ("text", "quotes"):
        assert not re.search(r"T\d{4}", u.get(field, "")), (u["id"], field)
    assert u["tags"], u["id"]
assert set(levels) == {"incident", "passage", "segment"}, levels
print("ok: no technique IDs in text or quotes;", levels)
PY

"$bin" eval --gold "$tmp/disarm.jsonl" --min-f1 "$min_f1" --json "$tmp/report.json" \
  --html "$tmp/report.html" --write-rule-stats "$tmp/stats.json" --show 0 > "$tmp/report.txt"
head -6 "$tmp/report.txt"
python3 - "$tmp/report.json" "$tmp/stats.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for k in ("precision", "recall", "f1"):
    assert 0 <= r["micro"][k] <= 1 and 0 <= r["macro"][k] <= 1, r["micro"]
assert r["units"]["scored"] > 0 and r["unit"] == "passage", r["units"]
assert isinstance(r["techniques"], list) and isinstance(r["rules"], list)
s = json.load(open(sys.argv[2]))
assert all(0 <= v["precision"] <= 1 for v in s["rules"].values())
print("ok: micro F1 %.3f, macro F1 %.3f" % (r["micro"]["f1"], r["macro"]["f1"]))
PY
grep -q "<table>" "$tmp/report.html"
# Quoted article language only: the figure that transfers to real articles.
"$bin" eval --gold "$tmp/disarm.jsonl" --text quotes --min-f1 "$min_f1_quotes" --show 0 | sed -n 5p

# The guard itself: an unreachable threshold must fail with exit code 1.
set +e
"$bin" eval --gold "$tmp/disarm.jsonl" --min-f1 1 --show 0 > /dev/null 2>&1
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "FAIL: --min-f1 1 exited $rc, expected 1"; exit 1; }
echo "ok: --min-f1 guard"
