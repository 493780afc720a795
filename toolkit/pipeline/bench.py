"""Benchmark: a full build of a deterministic synthetic corpus; reports articles/s, MB/s, peak memory.

    python -m toolkit.pipeline.bench --articles 10000 --out build/bench

The corpus is news-like on purpose: country names and demonyms, event verbs, quotes, fact boxes
and URL-encoded boxes after some articles, so every stage does the work it does on real text.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import quote

from toolkit.pipeline.recipe import SHARD_SIZE

COUNTRIES = [
    ("Russia", "Russian"), ("Ukraine", "Ukrainian"), ("North Korea", "North Korean"),
    ("the United States", "American"), ("China", "Chinese"), ("Iran", "Iranian"), ("Israel", "Israeli"),
    ("Syria", "Syrian"), ("Turkey", "Turkish"), ("Japan", "Japanese"), ("South Korea", "South Korean"),
    ("Germany", "German"), ("France", "French"), ("India", "Indian"), ("Pakistan", "Pakistani"),
    ("Sudan", "Sudanese"), ("Brazil", "Brazilian"), ("Egypt", "Egyptian"), ("Poland", "Polish"),
]
ACTIONS = [
    "{a} imposed new sanctions on {b} on {day}, officials said.",
    "{A} forces launched air strikes on {b} overnight, killing at least {n} people.",
    "The foreign minister of {a} travelled to {b} for talks on trade and security.",
    "{a} provided {b} with humanitarian aid worth {n} million dollars.",
    "{a} accused {b} of violating the ceasefire agreement signed last year.",
    "Officials from {a} met their counterparts from {b} in Geneva on {day}.",
    "{a} criticised {b} for its treatment of journalists and opposition figures.",
    "{a} would consider further measures if {b} did not withdraw its troops.",
]
FILLER = [
    "The talks were described as constructive by diplomats familiar with the matter.",
    "Analysts said the move could raise tensions in the region over the coming months.",
    "“We will not accept pressure from anyone,” a government spokesman told reporters.",
    "The ministry did not respond to a request for comment on Tuesday.",
    "Markets in the capital fell by {n} per cent after the announcement.",
    "Humanitarian groups warned that {n},000 people had been displaced since March.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def synthetic_article(rng: random.Random, i: int) -> dict:
    """One news-like record (id, title, text, published_at); a third carry a fact box after the text."""
    sentences = []
    for _ in range(rng.randint(5, 12)):
        (a, a_dem), (b, _) = rng.sample(COUNTRIES, 2)
        template = rng.choice(ACTIONS if rng.random() < 0.5 else FILLER)
        sentences.append(template.format(a=a, A=a_dem, b=b, n=rng.randint(2, 90), day=rng.choice(DAYS)))
    sentences[0] = sentences[0][0].upper() + sentences[0][1:]
    paragraphs = [" ".join(sentences[k : k + 3]) for k in range(0, len(sentences), 3)]
    text = "\n".join(paragraphs)
    if i % 3 == 0:
        text += "\nMatch facts\nVenue: Central Stadium\nAttendance: 41,200\nReferee: A. Novak"
    if i % 7 == 0:
        box = "<p><strong>Director:</strong> Jane Doe</p>\n<p><strong>Rating:</strong> 4/5</p>"
        text += "\nFilm%20review\n" + quote(box, safe="()")
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    return {
        "id": f"synthetic-{i:08d}",
        "title": f"Report {i}: {rng.choice(COUNTRIES)[0].removeprefix('the ').title()} in the news",
        "text": text,
        "published_at": f"2024-{month:02d}-{day:02d}T{rng.randint(0, 23):02d}:00:00Z",
    }


def write_corpus(folder: Path, n_articles: int, per_file: int = 1000, seed: int = 20240101) -> int:
    """Write the synthetic corpus as JSONL files of `per_file` records; returns the bytes written."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for start in range(0, n_articles, per_file):
        lines = [json.dumps(synthetic_article(rng, i)) for i in range(start, min(start + per_file, n_articles))]
        data = ("\n".join(lines) + "\n").encode("utf-8")
        (folder / f"part-{start // per_file:05d}.jsonl").write_bytes(data)
        total += len(data)
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--out", default="build/bench")
    parser.add_argument("--shard-size", type=int, default=SHARD_SIZE, help="documents per shard")
    parser.add_argument("--workers", type=int, default=None, help="processes working on shards (default: the cores available)")
    parser.add_argument("--no-events", action="store_true", help="build without the event stage ([events] code = false)")
    args = parser.parse_args(argv)
    from toolkit.pipeline.run import available_cores, build

    out = Path(args.out)
    corpus = out / "corpus"
    shutil.rmtree(out, ignore_errors=True)
    n_bytes = write_corpus(corpus, args.articles)
    recipe = out / "dataset.toml"
    recipe.write_text(
        f'[inputs]\npaths = ["corpus"]\n\n[build]\nshard_size = {args.shard_size}\n\n'
        f"[events]\ncode = {str(not args.no_events).lower()}\n",
        encoding="utf-8",
    )
    started = time.perf_counter()
    result = build(recipe, out=out / "dataset", workers=args.workers)
    seconds = time.perf_counter() - started
    # Peak resident memory of this process and of the largest worker process.
    peak_mib = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    ) / 1024
    report = {
        "input_records": args.articles,
        "workers": args.workers or available_cores(),
        "events": not args.no_events,
        "shard_size": args.shard_size,
        "input_mb": round(n_bytes / 1e6, 2),
        "rows": result.rows,
        "seconds": round(seconds, 2),
        "articles_per_s": round(result.rows["articles"] / seconds),
        "mb_per_s": round(n_bytes / 1e6 / seconds, 2),
        "peak_rss_mib": round(peak_mib),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
