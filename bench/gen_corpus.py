#!/usr/bin/env python3
"""Generate a synthetic English news-like corpus for ttptag benchmarks and tests.

Articles are built from sentence templates with slot fillers (names, places,
platforms, organisations), mostly neutral reporting with a share of sentences
that describe influence-operation activity, some curly quotes, dashes and
accented names (so normalization has real work). Optionally mixed with the
DISARM incident pages (../shared/disarm/incidents) and with the `match`
example sentences of a rules folder, so rules fire at a realistic rate.

Output is deterministic for a given --seed and size:
  --out DIR          a folder of .txt files (1000 per subfolder)
  --jsonl FILE       one {"id", "text", "source"} object per line ("-" = stdout)

Examples:
  bench/gen_corpus.py --size 1G --out /tmp/corpus
  bench/gen_corpus.py --size 100M --jsonl /tmp/corpus.jsonl --rules rules
  bench/gen_corpus.py --docs 200 --jsonl - | ttptag tag --jsonl -
"""
import argparse
import glob
import json
import os
import random
import re
import sys

FIRST = ["Anna", "Mark", "Olena", "Li", "Carlos", "Fatima", "James", "Sofia", "Dmitri", "Amara",
         "José", "Zoë", "Henrik", "Chloé", "Mehmet", "Priya", "Tomás", "Ingrid", "Kwame", "Yuki"]
LAST = ["Smith", "Kowalski", "Nguyen", "García", "Okafor", "Müller", "Petrov", "Haddad", "Chen",
        "Johansson", "O'Brien", "Rossi", "Tanaka", "Dubois", "Novák", "Silva", "Kumar", "Brennan"]
TITLES = ["Dr.", "Mr.", "Ms.", "Prof.", "Sen.", "Gov."]
PLACES = ["Washington", "Brussels", "Kyiv", "Manila", "Lagos", "Berlin", "Taipei", "São Paulo",
          "Nairobi", "Warsaw", "Jakarta", "Ottawa", "Canberra", "Vilnius", "Bogotá", "Seoul"]
COUNTRIES = ["the U.S.", "Russia", "China", "Iran", "Brazil", "Germany", "India", "Nigeria",
             "the Philippines", "France", "Ukraine", "Mexico", "Taiwan", "Poland", "the U.K."]
ORGS = ["the Election Commission", "the Ministry of Health", "Reuters", "the Stanford Internet Observatory",
        "Graphika", "the Atlantic Council's DFRLab", "Meta", "Google's Threat Analysis Group",
        "the European External Action Service", "Microsoft", "OpenAI", "the city council",
        "a local university", "the central bank", "the Electoral Integrity Project"]
PLATFORMS = ["Facebook", "X", "Twitter", "TikTok", "YouTube", "Telegram", "VK", "Instagram",
             "Reddit", "WhatsApp", "Rumble", "Weibo", "Gab", "Truth Social"]
TOPICS = ["the election", "vaccine safety", "the energy crisis", "migration policy", "the war",
          "inflation", "the trade agreement", "climate policy", "the referendum", "public health",
          "housing costs", "the new tax law", "the Olympic games", "farm subsidies"]
NEUTRAL_VERBS = ["said", "told reporters", "wrote in a statement", "argued", "noted", "added",
                 "confirmed", "warned", "explained", "announced"]
NUMS = ["3.5%", "12", "two dozen", "about 400", "more than 1,000", "€133.9 million", "$2.4 billion",
        "17", "roughly 60 percent", "nine", "250,000", "1.2m"]
MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]

NEUTRAL = [
    "{name} {verb} that {topic} would dominate the agenda in {place} this year.",
    "Officials in {place} met on {month} {day} to discuss {topic}, according to {org}.",
    "The report, published by {org}, runs to {num} pages and covers {topic}.",
    "“We are watching this closely,” {name} {verb}, declining to give details.",
    "Turnout rose by {num} compared with the previous vote, {org} said.",
    "{name}, who leads the research team at {org}, has studied {topic} for a decade.",
    "In {place}, the debate over {topic} has split the governing coalition.",
    "Prices climbed {num} in {month}, the fastest pace since 2019.",
    "The committee will publish its findings — including a list of recommendations — next month.",
    "Critics say the plan does little to address {topic}; supporters disagree.",
    "{name} {verb} the figures were “broadly in line” with expectations.",
    "A spokesperson for {org} did not respond to a request for comment.",
    "The agreement between {country} and {country2} was signed in {place} on {month} {day}.",
    "Researchers interviewed {num} residents about {topic} over six weeks.",
    "{title} {last} told lawmakers that the budget for {topic} would rise by {num}.",
    "The story was first reported by local media in {place}.",
    "It is not the first time {topic} has become a flashpoint in {country}.",
    "Shares fell {num} after the announcement, before recovering later in the day.",
    "The ministry’s website was briefly unavailable on Tuesday, e.g. for users in {place}.",
    "Analysts at {org} expect the issue to resurface before the end of the year…",
    "According to {org}, the number of complaints about {topic} doubled in {month}.",
    "{name} (a former adviser to the prime minister) called the decision “premature”.",
]

ACTIVITY = [
    "Accounts posing as {nationality} voters posted hundreds of messages about {topic} on {platform}.",
    "{org} said the network used AI-generated images to create fake personas on {platform}.",
    "The campaign relied on sockpuppet accounts that amplified posts criticising {name}.",
    "Investigators found a deepfake audio clip in which a voice resembling {name} urged people not to vote.",
    "The operation bought ads on {platform} targeting users in {place} ahead of {topic}.",
    "Pages run from {country} impersonated local news outlets and shared fabricated stories about {topic}.",
    "Dozens of {platform} accounts coordinated to push the same hashtag within minutes.",
    "{org} removed a network of {num} accounts linked to {country} for coordinated inauthentic behaviour.",
    "The videos, uploaded to {platform}, featured AI-generated news anchors reading scripted claims.",
    "Bots amplified the false claim that {name} had been arrested in {place}.",
    "The group paid influencers in {place} to repost content praising the government of {country}.",
    "Fake accounts posing as journalists contacted {name} and asked for comment on leaked documents.",
    "The network created fake websites that mimicked {org} and published forged letters.",
    "Spamouflage accounts posted cartoons about {topic} on {platform} and {platform2}.",
]

NATIONALITIES = ["U.S.", "American", "German", "French", "Filipino", "Taiwanese", "Polish", "Nigerian"]

HEADLINES = [
    "{place} braces for a heated debate over {topic}",
    "{org} warns of new campaign targeting {topic}",
    "What we know about {topic} in {country}",
    "{name} on {topic}: “This is only the beginning”",
    "Network of fake accounts targeted voters in {place}, researchers say",
]


def fill(rng, template):
    def pick(key):
        if key == "name":
            return rng.choice(FIRST) + " " + rng.choice(LAST)
        if key == "last":
            return rng.choice(LAST)
        if key == "title":
            return rng.choice(TITLES)
        if key == "verb":
            return rng.choice(NEUTRAL_VERBS)
        if key == "topic":
            return rng.choice(TOPICS)
        if key in ("place",):
            return rng.choice(PLACES)
        if key in ("country", "country2"):
            return rng.choice(COUNTRIES)
        if key == "org":
            return rng.choice(ORGS)
        if key in ("platform", "platform2"):
            return rng.choice(PLATFORMS)
        if key == "num":
            return rng.choice(NUMS)
        if key == "month":
            return rng.choice(MONTHS)
        if key == "day":
            return str(rng.randint(1, 28))
        if key == "nationality":
            return rng.choice(NATIONALITIES)
        return key
    return re.sub(r"\{(\w+)\}", lambda m: pick(m.group(1)), template)


def load_incidents(path):
    """Prose lines of the DISARM incident pages (tables and headers dropped)."""
    lines = []
    for f in sorted(glob.glob(os.path.join(path, "*.md"))):
        with open(f, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                line = re.sub(r"<[^>]*>", " ", line)               # <i>, <br>
                line = re.sub(r"^\W*\*\*[^*]*\*\*:?", "", line)  # "* **Summary:**"
                line = " ".join(line.split())
                if len(line) > 60 and not line.startswith(("|", "#", "DO NOT EDIT")):
                    lines.append(line)
    return lines


def load_rule_examples(path):
    """The `match` example sentences of every rule pack in `path`."""
    out = []
    for f in sorted(glob.glob(os.path.join(path, "**", "*.json"), recursive=True)):
        if f.endswith(".stats.json"):
            continue
        text = open(f, encoding="utf-8").read()
        text = re.sub(r'^\s*//.*$', "", text, flags=re.M)  # the packs allow // comments
        try:
            pack = json.loads(text)
        except ValueError:
            continue
        for rule in pack.get("rules", []):
            out.extend(s for s in rule.get("examples", {}).get("match", []) if isinstance(s, str))
    return out


class Generator:
    def __init__(self, seed, incidents, examples, activity_rate):
        self.rng = random.Random(seed)
        self.incidents = incidents
        self.examples = examples
        self.activity_rate = activity_rate

    def sentence(self):
        rng = self.rng
        r = rng.random()
        if r < self.activity_rate:
            if self.examples and rng.random() < 0.5:
                return rng.choice(self.examples)
            return fill(rng, rng.choice(ACTIVITY))
        if self.incidents and r < self.activity_rate + 0.1:
            return rng.choice(self.incidents)
        return fill(rng, rng.choice(NEUTRAL))

    def article(self, target_bytes):
        rng = self.rng
        parts = [fill(rng, rng.choice(HEADLINES)), "",
                 f"{rng.choice(PLACES).upper()}, {rng.choice(MONTHS)} {rng.randint(1, 28)} (Wire) —"]
        size = sum(len(p) for p in parts)
        while size < target_bytes:
            para = " ".join(self.sentence() for _ in range(rng.randint(2, 6)))
            parts += ["", para]
            size += len(para) + 2
        return "\n".join(parts) + "\n"


def parse_size(s):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([KMG]?)B?", s.strip().upper())
    if not m:
        raise argparse.ArgumentTypeError(f"bad size {s!r} (e.g. 500K, 100M, 1G)")
    return int(float(m.group(1)) * {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[m.group(2)])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=parse_size, help="stop after this many bytes of text (e.g. 100M, 1G)")
    ap.add_argument("--docs", type=int, help="stop after this many documents")
    ap.add_argument("--out", help="write a folder of .txt files here")
    ap.add_argument("--jsonl", help="write JSON Lines here (- for standard output)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--mean-doc-kb", type=float, default=6.0, help="mean article size in KiB")
    ap.add_argument("--activity-rate", type=float, default=0.08,
                    help="share of sentences describing influence-operation activity")
    ap.add_argument("--incidents", default=os.path.join(here, "..", "..", "shared", "disarm", "incidents"),
                    help="folder of DISARM incident pages to mix in, if present")
    ap.add_argument("--rules", help="rules folder whose `match` examples are mixed in")
    args = ap.parse_args()
    if not args.out and not args.jsonl:
        ap.error("give --out DIR or --jsonl FILE")
    if not args.size and not args.docs:
        ap.error("give --size or --docs")

    incidents = load_incidents(args.incidents) if os.path.isdir(args.incidents) else []
    examples = load_rule_examples(args.rules) if args.rules else []
    gen = Generator(args.seed, incidents, examples, args.activity_rate)

    jsonl = None
    if args.jsonl:
        jsonl = sys.stdout if args.jsonl == "-" else open(args.jsonl, "w", encoding="utf-8")
    if args.out:
        os.makedirs(args.out, exist_ok=True)
    total = n = 0
    while (not args.size or total < args.size) and (not args.docs or n < args.docs):
        target = max(400, int(gen.rng.lognormvariate(0, 0.6) * args.mean_doc_kb * 1024 * 0.84))
        text = gen.article(target)
        doc_id = f"doc-{n:07d}"
        if args.out:
            sub = os.path.join(args.out, f"{n // 1000:04d}")
            if n % 1000 == 0:
                os.makedirs(sub, exist_ok=True)
            with open(os.path.join(sub, doc_id + ".txt"), "w", encoding="utf-8") as fh:
                fh.write(text)
        if jsonl:
            jsonl.write(json.dumps({"id": doc_id, "text": text, "source": "gen_corpus"}, ensure_ascii=False) + "\n")
        total += len(text.encode("utf-8"))
        n += 1
    if jsonl and jsonl is not sys.stdout:
        jsonl.close()
    print(f"gen_corpus: {n} documents, {total / 1e6:.1f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
