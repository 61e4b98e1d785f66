#!/usr/bin/env bash
# run_fuzz_test.sh BINARY FUZZ_DIR TARGET ARTIFACT_DIR [libFuzzer flags...]
# The CTest `fuzz.<target>` run: fuzzes a temporary copy of the seed corpus
# and the saved crashers (so the repository is never modified) with the
# target's .options and .dict. A crash, leak, timeout or invariant failure
# fails the test; the input is kept in ARTIFACT_DIR/<target>/ (copy it to
# tests/fuzz/regressions/<target>/ once fixed).
set -euo pipefail
bin=$(realpath "$1") dir=$(realpath "$2") target=$3 artifacts=$(realpath -m "$4")
shift 4
work=$(mktemp -d "${TMPDIR:-/tmp}/ttptag-fuzz-$target.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$artifacts/$target"
cp -R "$dir/corpus/$target/." "$work/corpus/"
if [ -d "$dir/regressions/$target" ]; then cp -R "$dir/regressions/$target/." "$work/corpus/"; fi
flags=()
# .options: libFuzzer flags, one or more per line, '#' comments.
if [ -f "$dir/$target.options" ]; then read -r -a flags <<< "$(grep -v '^[[:space:]]*#' "$dir/$target.options" | tr '\n' ' ')"; fi
if [ -f "$dir/$target.dict" ]; then flags+=("-dict=$dir/$target.dict"); fi
cd "$work"  # libFuzzer may write files (e.g. fuzz-0.log) to the working directory
exec "$bin" "${flags[@]}" -artifact_prefix="$artifacts/$target/" -print_final_stats=1 "$@" "$work/corpus"
