#!/usr/bin/env bash
# End to end: tag the bundled sample articles with the bundled rules.
set -euo pipefail
bin=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" tag examples/articles -o "$out/results.jsonl" --quiet
n_files=$(find examples/articles -type f \( -name '*.txt' -o -name '*.md' \) | wc -l)
n_lines=$(wc -l < "$out/results.jsonl")
[ "$n_files" -eq "$n_lines" ] || { echo "FAIL: $n_files articles but $n_lines result lines"; exit 1; }
[ ! -e "$out/results.jsonl.partial" ] || { echo "FAIL: partial file left behind"; exit 1; }
python3 - "$out/results.jsonl" <<'PY'
import json, sys, unicodedata
tagged = 0
for line in open(sys.argv[1], encoding="utf-8"):
    rec = json.loads(line)
    assert "error" not in rec, rec
    raw = open(rec["doc"], "rb").read()
    for t in rec["techniques"]:
        assert t["id"].startswith("T"), t
        assert 0 < t["score"] <= 1, t
        for ev in t["evidence"]:
            # Evidence offsets cut the evidence text out of the original file.
            assert raw[ev["start"]:ev["end"]].decode("utf-8") == ev["text"], (rec["doc"], ev)
    tagged += bool(rec["techniques"])
assert tagged >= 5, f"only {tagged} articles got tags"
print(f"ok: {tagged} articles tagged")
PY
