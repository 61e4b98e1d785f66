#!/usr/bin/env bash
# A broken pack: one line per problem naming file, line and rule; exit 2; tag refuses.
set -euo pipefail
bin=$1
set +e
out=$("$bin" rules lint tests/data/rules/broken 2>&1); code=$?
set -e
echo "$out"
[ "$code" -eq 2 ] || { echo "FAIL: lint exit $code"; exit 1; }
grep -q 'bad.json:[0-9]*: broken.lookbehind: error: .*look-around' <<<"$out"
grep -q 'bad.json:[0-9]*: broken.unknown-technique: .*duplicate-id' <<<"$out"
grep -q 'syntax.json:4: error: invalid JSON' <<<"$out"
set +e
"$bin" tag --rules tests/data/rules/broken examples/articles > /dev/null 2>&1; code=$?
set -e
[ "$code" -eq 2 ] || { echo "FAIL: tag ran with a broken pack (exit $code)"; exit 1; }
echo ok
