#!/usr/bin/env python3
"""Write a rules folder N times the size of a given one, for the rule-count sweep.

Copies every pack of --rules (default: the bundled rules/) into --out and adds
a pack of synthetic rules so the total is --factor times the original count.
Synthetic rules look like the real ones: 2-5 phrases of two or three common
news words, and about one in four uses one of the small word lists the real packs
define, so they fire on ordinary text now and then and cost what
real rules cost.

  bench/gen_rules.py --factor 4 --out /tmp/rules-4x
  ttptag bench corpus/ --rules /tmp/rules-4x
"""
import argparse
import glob
import json
import os
import random
import re
import shutil

WORDS = """according account accounts activists added agency agreement amplified analysts announced
army articles attack audience authorities ballot bank bill border budget business campaign candidate
channel citizens city claims coalition committee community company content council country court crisis
data debate deal decision defence democracy documents economy election energy experts facebook fake
false farmers figures foreign forum funding government group growth health hospital households images
influence interview investigation journalists law leaders leaked local market media meeting messages
migrants military minister ministry network news officials online opposition organisation page parliament
party people platform police policy political poll posts president press prices protest public
questions referendum regional report reporters research residents results rights rumours schools
security senator sources spokesperson state statement story students supporters survey targeted tax
telegram television threat tiktok trade union video viral voters vote war website week workers youth
said told warned posted shared published claimed denied reported launched created bought paid used
spread targeted hired promoted removed banned""".split()


def strip_comments(text):
    return re.sub(r'^\s*//.*$', "", text, flags=re.M)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rules", default=os.path.join(here, "..", "rules"))
    ap.add_argument("--factor", type=float, required=True, help="total rules = factor x the original count")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)
    n_rules, techniques, lists = 0, set(), []
    for f in sorted(glob.glob(os.path.join(args.rules, "**", "*.json"), recursive=True)):
        rel = os.path.relpath(f, args.rules)
        os.makedirs(os.path.dirname(os.path.join(args.out, rel)), exist_ok=True)
        shutil.copy(f, os.path.join(args.out, rel))
        if f.endswith(".stats.json"):
            continue
        pack = json.loads(strip_comments(open(f, encoding="utf-8").read()))
        for rule in pack.get("rules", []):
            n_rules += 1
            techniques.update(rule.get("techniques", []))
        # Small lists only (the gazetteers would make 16x the rules exceed
        # RE2's 512 MiB set budget, which `rules lint` reports as set-too-large).
        lists.extend(name for name, items in pack.get("lists", {}).items()
                     if len(items) <= 30 and not any(str(i).startswith("{") for i in items))
    techniques = sorted(techniques) or ["T0001"]
    extra = int(round(n_rules * args.factor)) - n_rules
    rules = []
    for i in range(extra):
        phrases = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 3))) for _ in range(rng.randint(2, 5))]
        if lists and rng.random() < 0.25:
            phrases.append(rng.choice(WORDS) + " {" + rng.choice(lists) + "}")
        rules.append({
            "id": f"synthetic.r{i:05d}",
            "techniques": [rng.choice(techniques)],
            "note": "synthetic rule for the rule-count benchmark",
            "phrases": phrases,
            "examples": {"match": [f"The text says {phrases[0]} here."], "no_match": ["Nothing relevant."]},
        })
    with open(os.path.join(args.out, "zz-synthetic.json"), "w", encoding="utf-8") as fh:
        json.dump({"pack": "synthetic", "version": "1", "rules": rules}, fh, indent=1)
    print(f"gen_rules: {n_rules} rules + {extra} synthetic = {n_rules + extra} in {args.out}")


if __name__ == "__main__":
    main()
