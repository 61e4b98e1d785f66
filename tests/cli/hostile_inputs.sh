#!/usr/bin/env bash
# Hostile inputs (issue 10, part 3): a folder mixing good and hostile files
# gives one record per input (a result, with a warning where something was
# odd, or an error record naming the file), the batch goes on, and the
# summary's counts add up: inputs = results + errors. Each case below states
# its expected outcome; the Python check asserts exactly that.
set -euo pipefail
bin=$(realpath "$1")
rules=tests/data/rules/good  # a small, stable pack: this test is about inputs
d=$(mktemp -d)
cleanup() { chmod -R u+rwx "$d" 2>/dev/null || true; rm -rf "$d"; }
trap cleanup EXIT
c=$d/corpus
mkdir -p "$c/sub"
sentence='Accounts were posing as U.S. voters online.'

# Good files: result records with techniques and no warnings.
for i in 1 2 3; do echo "$sentence Report $i." > "$c/good-$i.txt"; done
cp examples/articles/*.txt "$c/sub/"
# empty.txt, blank.txt: result, warning empty-input.
: > "$c/empty.txt"
printf ' \n\t\r\n' > "$c/blank.txt"
# random.txt: result, warning binary-input (and invalid-utf8).
head -c 20000 /dev/urandom > "$c/random.txt"
# latin1.txt (invalid UTF-8): result, warning invalid-utf8, still tagged.
printf 'Caf\xe9 accounts were posing as U.S. voters \xff\xfe online.' > "$c/latin1.txt"
# utf16.txt (UTF-16LE with BOM): decoded, warning transcoded, tagged.
python3 -c "import sys; open(sys.argv[1],'wb').write(('\ufeff' + sys.argv[2] + ' \u00e9t\u00e9\n').encode('utf-16-le'))" \
  "$c/utf16.txt" "$sentence"
# crlf.txt, cr.txt: tagged; evidence offsets slice the file's own bytes.
printf 'Heading\r\n\r\n%s\r\nMore text.\r\n' "$sentence" > "$c/crlf.txt"
printf 'Heading\r\r%s\rMore text.\r' "$sentence" > "$c/cr.txt"
# nul.txt: warning nul-bytes; the sentence after the NULs is tagged.
printf 'Intro.\0\0\0 %s\n' "$sentence" > "$c/nul.txt"
# deep.html (100 000 nested divs): warning html-too-deep, text tagged, no crash.
python3 -c "import sys; open(sys.argv[1],'w').write('<html><body>' + '<div>'*100000 + sys.argv[2] + '</div>'*100000 + '</body></html>')" \
  "$c/deep.html" "$sentence"
# truncated.jsonl: line 2 is an error record naming truncated.jsonl:2;
# lines 1 and 3 are tagged; line 4 (cut, no line end) is an error "may be truncated".
printf '{"id": "j1", "text": "%s"}\n{"id": "j2", "text": "cut in the mi\n{"id": "j3", "text": "%s"}\n{"id": "j4", "te' \
  "$sentence" "$sentence" > "$c/truncated.jsonl"
# loop.txt -> loop.txt: error record "symbolic link loop"; dangling.txt: error "broken symbolic link".
ln -s loop.txt "$c/loop.txt"
ln -s gone.txt "$c/dangling.txt"
# sub/up -> .. and self -> . (folder loops): skipped with a warning on stderr
# and in the summary; the walk ends and lists each file once.
ln -s .. "$c/sub/up"
ln -s . "$c/self"
# fifo.txt in a folder: skipped with a warning (reading it would wait forever).
mkfifo "$c/fifo.txt"
# missing.txt (explicit): error record "no such file".

set +e
timeout 600 "$bin" tag --rules "$rules" "$c" "$d/missing.txt" -o "$d/out.jsonl" --summary "$d/summary.json" \
  2> "$d/stderr"
code=$?
set -e
cat "$d/stderr"
[ "$code" -eq 1 ] || { echo "FAIL: exit $code, expected 1 (some inputs failed, the rest tagged)"; exit 1; }
[ ! -e "$d/out.jsonl.partial" ] || { echo "FAIL: out.jsonl.partial left after a complete run"; exit 1; }
grep -q 'sub/up: skipped: a symbolic link loop back to folder' "$d/stderr"
grep -q 'self: skipped: a symbolic link loop back to folder' "$d/stderr"
grep -q 'fifo.txt: skipped: not a regular file' "$d/stderr"

python3 - "$d" "$c" <<'PY'
import json, os, sys
d, c = sys.argv[1], sys.argv[2]
recs = [json.loads(l) for l in open(os.path.join(d, "out.jsonl"), encoding="utf-8")]
summary = json.load(open(os.path.join(d, "summary.json")))
by = {}
for r in recs:
    doc = r["doc"]
    name = os.path.relpath(doc, c) if doc.startswith(c + "/") else os.path.basename(doc) if doc.startswith(d) else doc
    assert name not in by, "one record per input: %s twice" % name
    by[name] = r
codes = lambda r: {w["code"] for w in r.get("warnings", [])}
techs = lambda r: {t["id"] for t in r.get("techniques", [])}
def ok(name, warning=None, tagged=True):
    r = by[name]
    assert "error" not in r, (name, r)
    if warning: assert warning in codes(r), (name, r.get("warnings"))
    if tagged: assert "T0143.003" in techs(r), (name, "not tagged", r)
    return r
def err(name, *words):
    r = by[name]
    assert "error" in r, (name, r)
    for w in words: assert w in r["error"], (name, w, r["error"])
    return r

for i in (1, 2, 3):
    r = ok("good-%d.txt" % i)
    assert not r["warnings"], r
ok("empty.txt", "empty-input", tagged=False)
ok("blank.txt", "empty-input", tagged=False)
ok("random.txt", "binary-input", tagged=False)
ok("latin1.txt", "invalid-utf8")
r = ok("utf16.txt", "transcoded")
assert "UTF-16LE" in r["warnings"][0]["message"], r
for name in ("crlf.txt", "cr.txt", "nul.txt"):
    r = ok(name, "nul-bytes" if name == "nul.txt" else None)
    data = open(os.path.join(c, name), "rb").read()
    for t in r["techniques"]:
        for e in t["evidence"]:
            assert data[e["start"]:e["end"]].decode() == e["text"], (name, e)
            assert "\r" not in e["context"] and e["context"] == "Accounts were posing as U.S. voters online.", e
ok("deep.html", "html-too-deep")
assert "j1" in by and "j3" in by, sorted(by)
ok("j1"); ok("j3")
err("truncated.jsonl#2", "truncated.jsonl:2: not valid JSON")
e4 = err("truncated.jsonl#4", "truncated.jsonl:4: not valid JSON", "may be truncated")
err("loop.txt", "loop.txt", "symbolic link loop")
err("dangling.txt", "dangling.txt", "broken symbolic link")
err("missing.txt", "missing.txt", "no such file")
assert not any("fifo" in k for k in by), "the FIFO is skipped, not read"
assert not any("/up/" in k or "self/" in k for k in by), "looping folders are not walked"

n_err = sum(1 for r in recs if "error" in r)
assert summary["inputs"] == len(recs), (summary, len(recs))
assert summary["inputs"] == summary["results"] + summary["errors"], summary
assert summary["errors"] == n_err == 5, (summary, n_err)
assert summary["complete"] is True and summary["resumed"] == 0, summary
assert len(summary["input_warnings"]) == 3, summary["input_warnings"]
print("mixed folder: %d inputs = %d results + %d errors" % (summary["inputs"], summary["results"], summary["errors"]))
PY

# Unreadable file and folder. root reads any file whatever its mode, so as
# root the check runs as user nobody (setpriv); otherwise chmod 000 suffices.
u=$d/unreadable
mkdir -p "$u/closed"
echo "$sentence" > "$u/ok.txt"
echo "$sentence" > "$u/locked.txt"
echo "$sentence" > "$u/closed/inside.txt"
chmod 000 "$u/locked.txt" "$u/closed"
run_as=()
if [ "$(id -u)" -eq 0 ]; then
  if command -v setpriv > /dev/null && setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$bin"; then
    run_as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
    chmod 755 "$d" "$u"
    chmod 777 "$d"
  else
    echo "note: running as root and user nobody cannot run $bin: unreadable-file check skipped"
    u=""
  fi
fi
if [ -n "$u" ]; then
  set +e
  "${run_as[@]}" "$bin" tag --rules "$PWD/$rules" "$u" -o "$d/unreadable.jsonl" --quiet
  code=$?
  set -e
  [ "$code" -eq 1 ] || { echo "FAIL: unreadable: exit $code, expected 1"; exit 1; }
  python3 - "$d/unreadable.jsonl" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
errors = {r["doc"].rsplit("/", 1)[1]: r["error"] for r in recs if "error" in r}
assert len(recs) == 3, recs
assert "locked.txt: permission denied" in errors["locked.txt"], errors
assert "closed: permission denied" in errors["closed"] and "cannot list folder" in errors["closed"], errors
print("unreadable: error records name locked.txt and closed/")
PY
fi

# A 50 MB line without punctuation: bounded time and memory, sentences capped.
python3 - "$d/long.txt" <<'PY'
import sys
chunk = b"accounts were posing as voters while the network amplified content across many platforms "
n = 50 * 1024 * 1024
open(sys.argv[1], "wb").write((chunk * (n // len(chunk) + 1))[:n])
PY
timing=()
[ -x /usr/bin/time ] && timing=(/usr/bin/time -f 'long line: %e s wall, %U s user, %M KB peak RSS' -o "$d/time")
set +e
timeout 600 "${timing[@]}" "$bin" tag --rules "$rules" "$d/long.txt" -o "$d/long.jsonl" --quiet -j 1
code=$?
set -e
[ "$code" -eq 0 ] || { echo "FAIL: 50 MB line: exit $code (124 = over 600 s)"; exit 1; }
[ -f "$d/time" ] && cat "$d/time"
python3 - "$d/long.jsonl" "$d/time" <<'PY'
import json, os, re, sys
r = json.loads(open(sys.argv[1]).readline())
assert "error" not in r and r["techniques"], r.keys()
for t in r["techniques"]:
    for e in t["evidence"]:
        assert len(e["context"].encode()) <= 4096, len(e["context"])
if os.path.exists(sys.argv[2]):
    rss_kb = int(re.search(r"(\d+) KB peak", open(sys.argv[2]).read()).group(1))
    assert rss_kb < 3 * 1024 * 1024, "peak RSS %d KB for a 50 MB document" % rss_kb
print("long line: tagged, every sentence at most 4096 bytes")
PY

# A rule pack whose pattern compiles past RE2's memory budget: a pack is
# configuration, not input, so `tag` refuses it (exit 2) before reading any
# document, and the message names file:line: rule and what to do.
mkdir -p "$d/pack"
cat > "$d/pack/huge.json" <<'JSON'
{
  "pack": "huge",
  "version": "1",
  "rules": [
    {
      "id": "huge.counted",
      "techniques": ["T0049"],
      "note": "A counted repetition of a wide class.",
      "patterns": ["\\bbots \\pL{1000}"],
      "examples": {"match": ["bots"], "no_match": ["none"]}
    }
  ]
}
JSON
set +e
"$bin" tag --rules "$d/pack" "$c/good-1.txt" -o "$d/never.jsonl" > "$d/pack.out" 2>&1
code=$?
set -e
cat "$d/pack.out"
[ "$code" -eq 2 ] || { echo "FAIL: huge pattern: exit $code, expected 2"; exit 1; }
grep -q "huge.json:6: huge.counted: error: pattern .* compiles to more than the 8 MiB RE2 memory budget: lower counted repetitions" "$d/pack.out"
[ ! -e "$d/never.jsonl" ] && [ ! -e "$d/never.jsonl.partial" ] || { echo "FAIL: output written with a refused pack"; exit 1; }
echo ok
