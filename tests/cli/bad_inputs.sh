#!/usr/bin/env bash
# Empty files, random bytes and missing files give records, never a crash.
set -euo pipefail
bin=$1
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
: > "$d/empty.txt"
head -c 20000 /dev/urandom > "$d/random.txt"
printf 'caf\xe9 posing as voters \xff\xfe end.' > "$d/latin1.txt"
set +e
"$bin" tag "$d/empty.txt" "$d/random.txt" "$d/latin1.txt" "$d/missing.txt" -o "$d/out.jsonl" --quiet
code=$?
set -e
[ "$code" -eq 1 ] || { echo "FAIL: exit $code, expected 1 (one missing input)"; exit 1; }
python3 - "$d/out.jsonl" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert len(recs) == 4, recs
by = {r["doc"].rsplit("/", 1)[1]: r for r in recs}
codes = lambda r: {w["code"] for w in r["warnings"]}
assert "empty-input" in codes(by["empty.txt"]), by["empty.txt"]
assert codes(by["random.txt"]) & {"binary-input", "invalid-utf8"}, by["random.txt"]
assert "invalid-utf8" in codes(by["latin1.txt"]), by["latin1.txt"]
assert "error" in by["missing.txt"], by["missing.txt"]
print("ok")
PY
