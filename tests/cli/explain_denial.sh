#!/usr/bin/env bash
# explain shows the AI-audio rule vetoed by its `unless` on a denial.
set -euo pipefail
bin=$1
out=$("$bin" explain "There is no evidence the audio was AI-generated.")
echo "$out"
grep -q 'T0088.001 .*vetoed by unless "no evidence"' <<<"$out"
if grep -A3 '^tags:' <<<"$out" | grep -q T0088.001; then echo "FAIL: tagged despite the denial"; exit 1; fi
echo ok
