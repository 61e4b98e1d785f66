#!/usr/bin/env bash
# End to end in a real browser: tag the sample articles (plus one holding a
# <script> tag), write the HTML report, start `ttptag serve` on a free
# loopback port, and let headless chromium (tests/e2e/review.spec.mjs)
# accept, reject and add, reload, and check page and decision log. Then
# `gold from-review` turns the log into gold that `eval` reads.
# Screenshots go to the build folder's tests/e2e-output/ (or $TTPTAG_E2E_OUT).
# Exit 77 (skipped) only when chromium, node or playwright-core cannot be installed.
set -euo pipefail
bin=$(realpath "$1")
root=$(pwd)
out=${TTPTAG_E2E_OUT:-$(dirname "$bin")/tests/e2e-output}
mkdir -p "$out"
out=$(realpath "$out")

have_deps() {
  command -v node >/dev/null && [ -x /usr/bin/chromium ] &&
    [ -f "$root/tests/e2e/node_modules/playwright-core/package.json" ]
}
if ! have_deps; then
  # shellcheck source=../../scripts/deps.sh
  source "$root/scripts/deps.sh"
  ttptag_install_e2e_deps >&2 || true
  have_deps || { echo "SKIP: chromium, node or playwright-core cannot be installed"; exit 77; }
fi

tmp=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# Without ../shared/disarm (or $TTPTAG_CATALOG), the review app gets the
# mini catalogue in tests/data (its technique search needs one). `tag` and
# `eval`, which load the rules, run without it: given explicitly, it would
# make the bundled rules' techniques it lacks errors.
catalog=()
if [ -z "${TTPTAG_CATALOG:-}" ] && [ ! -f ../shared/disarm/DISARM.json ]; then
  catalog=(--catalog tests/data/catalog/mini-disarm.json)
fi

{ echo '<script>alert(1)</script> <img src=x onerror=alert(2)>'; cat examples/articles/01-deepfake-robocall.txt; } > "$tmp/xss.txt"
"$bin" tag examples/articles "$tmp/xss.txt" -o "$tmp/results.jsonl" --quiet
"$bin" report "$tmp/results.jsonl" -o "$out/report.html" "${catalog[@]}" 2>/dev/null

"$bin" serve --results "$tmp/results.jsonl" --decisions "$tmp/review.jsonl" --port 0 "${catalog[@]}" \
  > "$tmp/serve.out" 2> "$tmp/serve.err" &
server=$!
url=""
for _ in $(seq 100); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$tmp/serve.out" || true)
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || { echo "FAIL: serve exited"; cat "$tmp/serve.err"; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "FAIL: serve did not start"; cat "$tmp/serve.err"; exit 1; }

timeout 300 node tests/e2e/review.spec.mjs --url "$url" --decisions "$tmp/review.jsonl" \
  --report "$out/report.html" --out "$out" --xss xss.txt

kill "$server"
wait "$server" 2>/dev/null || true
server=""
grep -q "stopped" "$tmp/serve.err" || { echo "FAIL: serve did not stop cleanly"; cat "$tmp/serve.err"; exit 1; }
cp "$tmp/review.jsonl" "$out/review.jsonl"

# The decisions become gold units that eval reads.
"$bin" gold from-review "$tmp/review.jsonl" -o "$tmp/gold.jsonl" 2>/dev/null
python3 - "$tmp/gold.jsonl" <<'PY'
import json, sys
units = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert all(u["level"] == "document" and u["source"] == "review" and u["path"] for u in units), units
tags = sum(len(u["tags"]) for u in units)
rejected = sum(len(u.get("rejected", [])) for u in units)
assert tags == 2, units        # one accepted, one added
assert rejected >= 1, units    # the rejected suggestion, per rule
print(f"ok: gold from review: {len(units)} units, {tags} tags, {rejected} known false positives")
PY
"$bin" eval --gold "$tmp/gold.jsonl" > "$tmp/eval.txt" ||
  { echo "FAIL: eval on the review gold"; cat "$tmp/eval.txt"; exit 1; }
cp "$tmp/eval.txt" "$out/eval.txt"
grep -q "Known false positives" "$tmp/eval.txt" ||
  { echo "FAIL: eval does not report the rejected suggestion as a known false positive"; cat "$tmp/eval.txt"; exit 1; }
echo "ok: eval reads the review gold and reports its known false positives; screenshots in $out"
