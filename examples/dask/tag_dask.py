#!/usr/bin/env python3
"""Tag a corpus with ttptag on a Dask cluster: `ttptag tag --jsonl -` as a map step.

Each partition of the corpus is piped, as JSON Lines, through one
`ttptag tag --jsonl -` process on a Dask worker; ttptag writes one result line
per input line, in order, carrying the input's id. The results come back in
corpus order.

  # a LocalCluster of 2 worker processes on this machine
  python3 examples/dask/tag_dask.py corpus.jsonl --workers 2 --out results.jsonl
  python3 examples/dask/tag_dask.py articles/ --workers 2 --out results.jsonl

  # an existing cluster (`dask scheduler` + `dask worker tcp://HOST:8786` on
  # each machine; ttptag and the corpus at the same paths on every worker)
  python3 examples/dask/tag_dask.py /shared/corpus.jsonl --scheduler tcp://HOST:8786 \\
      --ttptag /opt/ttptag/bin/ttptag --out-dir /shared/results

Input: a .jsonl file ({"id", "text", ...} per line: split into byte blocks
that workers read themselves) or a folder (its .txt/.md files, sorted; each
record's id is the file's path, as `ttptag tag FOLDER` reports it).
Extra arguments after `--` go to `ttptag tag` (e.g. -- --rules my-rules/ --min-score 0.7).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

import dask
import dask.bag as db
from dask.distributed import Client, LocalCluster

TEXT_EXTENSIONS = (".txt", ".md", ".markdown", ".text")


def run_ttptag(lines, ttptag, extra):
    """Pipes JSON lines through `ttptag tag --jsonl -`; returns its result lines."""
    lines = [l if l.endswith("\n") else l + "\n" for l in lines if l.strip()]
    if not lines:
        return []
    proc = subprocess.run([ttptag, "tag", "--jsonl", "-", "--quiet", "--jobs", "1", *extra],
                          input="".join(lines).encode("utf-8"), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, check=False)
    if proc.returncode not in (0, 1):  # 1: some documents are error records; the rest are tagged
        raise RuntimeError(f"ttptag exited {proc.returncode}: {proc.stderr.decode(errors='replace')}")
    out = proc.stdout.decode("utf-8").splitlines()
    if len(out) != len(lines):
        raise RuntimeError(f"ttptag returned {len(out)} lines for {len(lines)}")
    return out


def files_as_jsonl(paths):
    """Reads files on the worker into {"id": path, "text": ...} lines."""
    out = []
    for p in paths:
        try:
            # Invalid UTF-8 cannot travel in JSON: it becomes U+FFFD here (a
            # local `ttptag tag FILE` would keep the bytes), so offsets in such
            # a file may differ from a local run.
            with open(p, encoding="utf-8", errors="replace") as fh:
                out.append(json.dumps({"id": p, "text": fh.read()}, ensure_ascii=False))
        except OSError as e:
            out.append(json.dumps({"id": p, "error": str(e)}))  # no "text": ttptag reports it
    return out


@dask.delayed
def write_part(lines, path):
    """Writes one partition's results (on the worker: a path all can reach)."""
    with open(path, "w", encoding="utf-8") as fh:
        for line in lines:
            fh.write(line + "\n")
    return len(lines)


def list_folder(folder):
    found = []
    for dirpath, _, names in os.walk(folder):
        for n in names:
            if n.lower().endswith(TEXT_EXTENSIONS):
                found.append(os.path.join(dirpath, n))
    return sorted(found)


def build_bag(path, partitions, blocksize, ttptag, extra):
    if os.path.isdir(path):
        files = list_folder(path)
        bag = db.from_sequence(files, npartitions=max(1, min(partitions, len(files) or 1)))
        return bag.map_partitions(files_as_jsonl).map_partitions(run_ttptag, ttptag, extra)
    if blocksize is None:
        size = os.path.getsize(path)
        blocksize = max(1 << 16, -(-size // partitions))
    bag = db.read_text(path, blocksize=blocksize)
    return bag.map_partitions(run_ttptag, ttptag, extra)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", help="a .jsonl file or a folder of .txt/.md files")
    ap.add_argument("--workers", type=int, default=os.cpu_count(), help="LocalCluster worker processes")
    ap.add_argument("--scheduler", help="address of a running scheduler (instead of a LocalCluster)")
    ap.add_argument("--partitions", type=int, help="partitions (default: 2 per worker)")
    ap.add_argument("--blocksize", type=int, help="JSONL bytes per partition (default: input size / partitions)")
    ap.add_argument("--ttptag", default=shutil.which("ttptag") or os.path.join(here, "..", "..", "build", "ttptag"),
                    help="the ttptag binary, at the same path on every worker")
    ap.add_argument("--out", help="write results here as one JSONL file, in corpus order (default: stdout)")
    ap.add_argument("--out-dir", help="write one JSONL file per partition here instead (large corpora)")
    # Everything after "--" goes to ttptag as is (argparse alone cannot take
    # options there once the positional input is read).
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    ap.epilog = "Options after -- go to `ttptag tag`."
    args = ap.parse_args(argv)
    args.extra = extra
    ttptag = os.path.abspath(args.ttptag) if os.path.exists(args.ttptag) else args.ttptag
    path = os.path.abspath(args.input)

    if args.scheduler:
        client = Client(args.scheduler)
        workers = len(client.scheduler_info()["workers"]) or 1
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
        workers = args.workers
    partitions = args.partitions or 2 * workers
    bag = build_bag(path, partitions, args.blocksize, ttptag, args.extra)
    try:
        if args.out_dir:
            os.makedirs(args.out_dir, exist_ok=True)
            parts = [write_part(lines, os.path.join(args.out_dir, f"part-{i:05d}.jsonl"))
                     for i, lines in enumerate(bag.to_delayed())]
            dask.compute(*parts)
            print(f"tag_dask: {bag.npartitions} partitions written to {args.out_dir}", file=sys.stderr)
        else:
            results = bag.compute()
            out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
            for line in results:
                out.write(line + "\n")
            if out is not sys.stdout:
                out.close()
            print(f"tag_dask: {len(results)} results from {bag.npartitions} partitions on {workers} workers",
                  file=sys.stderr)
    finally:
        client.close()
        if not args.scheduler:
            cluster.close()


if __name__ == "__main__":
    main()
