#!/usr/bin/env bash
# examples/dask: tag a small corpus (JSONL and a folder) on a LocalCluster of
# 2 worker processes; every document must come back exactly once, with the
# same record as a local `ttptag tag` run. Skips (77) only when Dask's
# distributed package cannot be imported (scripts/test.sh installs it).
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
py=""
for p in python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null && "$p" -c "import dask.bag, distributed" 2>/dev/null; then py=$p; break; fi
done
[ -n "$py" ] || { echo "SKIP: python3-distributed is not installed"; exit 77; }
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
export TTPTAG_RULES=${TTPTAG_RULES:-$PWD/rules}
python3 bench/gen_corpus.py --docs 40 --jsonl "$d/corpus.jsonl" --rules rules --seed 3
python3 bench/gen_corpus.py --docs 25 --out "$d/folder" --rules rules --seed 4
# A bad line in the middle of the stream must come back as an error record.
sed -i '20a {"id": "broken", "text": ' "$d/corpus.jsonl"

set +e
"$bin" tag --quiet --jsonl "$d/corpus.jsonl" > "$d/local.jsonl"
[ $? -eq 1 ] || { echo "FAIL: local run should exit 1 (one bad line)"; exit 1; }
set -e
"$bin" tag --quiet "$d/folder" > "$d/local-folder.jsonl"
"$py" examples/dask/tag_dask.py "$d/corpus.jsonl" --workers 2 --partitions 4 --ttptag "$bin" \
  --out "$d/dask.jsonl"
"$py" examples/dask/tag_dask.py "$d/folder" --workers 2 --partitions 3 --ttptag "$bin" \
  --out "$d/dask-folder.jsonl"

python3 - "$d" <<'PY'
import json, sys
d = sys.argv[1]
def load(name):
    return [json.loads(l) for l in open(f"{d}/{name}", encoding="utf-8")]
for local_name, dask_name, n in [("local.jsonl", "dask.jsonl", 41), ("local-folder.jsonl", "dask-folder.jsonl", 25)]:
    local, dist = load(local_name), load(dask_name)
    assert len(local) == n, (local_name, len(local))
    ids = [r["doc"] for r in dist]
    assert len(ids) == len(set(ids)) == n, f"{dask_name}: {len(ids)} records, {len(set(ids))} distinct, want {n}"
    # The broken line's error record names its line; its "doc" is the source and line number.
    by_id = {r["doc"]: r for r in local}
    for r in dist:
        want = by_id.get(r["doc"])
        if "error" in r:
            assert any("error" in x for x in local), r
            continue
        assert want is not None, f"unexpected id {r['doc']}"
        assert r["techniques"] == want["techniques"], f"{r['doc']}: tags differ from the local run"
    assert sum("error" in r for r in dist) == sum("error" in r for r in local)
    assert [r["doc"] for r in dist if "error" not in r] == [r["doc"] for r in local if "error" not in r], "order"
    tagged = sum(bool(r.get("techniques")) for r in dist)
    assert tagged > 0, "nothing tagged"
    print(f"ok: {dask_name}: {n} records, {tagged} with tags, same as the local run")
PY
