#!/usr/bin/env bash
# `ttptag tag --jsonl -` is a streaming map step (Spark's RDD.pipe, Hadoop
# Streaming, GNU parallel --pipe): one result line per input line, in order,
# each carrying the input's id, written as soon as it is ready; a bad line in
# the middle gives an error record with its line number and the stream goes on.
# Regression: std::cin is tied to std::cout, so the input thread flushed
# std::cout while the output stage wrote it, and records came out twice.
set -euo pipefail
bin=$1
export TTPTAG_RULES=${TTPTAG_RULES:-$PWD/rules}
python3 - "$bin" <<'PY'
import json, subprocess, sys, threading
bin = sys.argv[1]
p = subprocess.Popen([bin, "tag", "--jsonl", "-", "--quiet", "--jobs", "2"], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, text=True, encoding="utf-8")
timer = threading.Timer(300, p.kill)  # a hang fails the test instead of blocking CTest
timer.start()
def send(line):
    p.stdin.write(line + "\n")
    p.stdin.flush()
# Interactive: each result arrives before the next line is sent, so ttptag
# must flush every record (a buffered writer would deadlock here).
send(json.dumps({"id": "first", "text": "Dozens of accounts were posing as U.S. voters.", "lang": "en"}))
r1 = json.loads(p.stdout.readline())
send('{"id": "second", "text": "no closing quote}')
r2 = json.loads(p.stdout.readline())
send("")  # a blank line is not a document
send(json.dumps({"id": 42, "text": "The committee met on Tuesday."}))
send(json.dumps({"id": "fourth", "text": "Accounts posing as U.S. voters posted AI-generated audio."}))
p.stdin.close()
rest = [json.loads(l) for l in p.stdout]
code = p.wait()
timer.cancel()
assert r1["doc"] == "first" and r1["techniques"], r1
assert "error" in r2 and "2" in r2["error"] + r2["doc"], f"error record should give line 2: {r2}"
assert len(rest) == 2, rest
assert str(rest[0]["doc"]) == "42" and "error" not in rest[0], rest[0]
assert rest[1]["doc"] == "fourth" and rest[1]["techniques"], rest[1]
assert code == 1, f"exit {code}: one line failed, so 1"
print("ok: streamed 4 records in order, the bad line as an error record")
PY
