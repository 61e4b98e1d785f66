#!/usr/bin/env bash
# The seed documents: persona evidence cuts "posing as U.S. voters"; the AI audio seed yields T0088.001.
set -euo pipefail
bin=$1
seeds=../shared/seeds
[ -d "$seeds" ] || { echo "SKIP: $seeds not found"; exit 77; }
"$bin" tag "$seeds/001_7ea6da3e628f8baf.txt" --quiet > /tmp/ttptag_seed001.jsonl
python3 - "$seeds/001_7ea6da3e628f8baf.txt" /tmp/ttptag_seed001.jsonl <<'PY'
import json, sys
raw = open(sys.argv[1], "rb").read()
rec = json.loads(open(sys.argv[2]).readline())
spans = [raw[e["start"]:e["end"]].decode() for t in rec["techniques"] if t["id"].startswith(("T0143", "T0097"))
         for e in t["evidence"]]
assert any("posing as U.S. voters" in s for s in spans), spans
print("ok: persona evidence", [s for s in spans if "posing" in s][:2])
PY
"$bin" tag "$seeds/000_6267a460307621a3.txt" --quiet | python3 -c '
import json, sys
ids = [t["id"] for t in json.loads(sys.stdin.readline())["techniques"]]
assert "T0088.001" in ids, ids
print("ok: seed 000 ->", ids)'
