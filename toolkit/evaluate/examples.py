"""CAMEO coverage measured on the project's own example sentences (toolkit/evaluate/gold/cameo_examples.tsv).

    python -m toolkit.evaluate.examples [--json]

679 news-style sentences invented for the project, one to three for each CAMEO code at levels 2 and 3
(three for the three-digit codes of the frequent roots), in the voices wire copy uses: active and
passive, nominal events, headlines, reported speech. Each row gives the code, the source and target
actor codes a careful coder would give (empty where the sentence names none) and the modality. They
were written from the CAMEO 1.1b3 definitions, without reading any corpus, and need no ../shared.

Scores, per sentence: whether any event is coded; root recall (an event of the row's root); exact
(the row's code); dyad + root (an event of the row's root whose source and target agree with the
row's on their first three letters, an empty side only with an empty side). Per root, root recall.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import polars as pl

EXAMPLES = Path(__file__).resolve().parent / "gold" / "cameo_examples.tsv"


def examples(path: Path = EXAMPLES) -> pl.DataFrame:
    """The example rows: cameo_code, source, target, modality, sentence (all text; empty cells null)."""
    return pl.read_csv(path, separator="\t", infer_schema=False, quote_char=None)


def score(rows: pl.DataFrame, coded: pl.DataFrame) -> dict:
    """Scores of `coded` (an events frame keyed by `id`, the row number as text) against `rows`."""
    got: dict[str, list[tuple[str, str, str]]] = {}
    for key, code, src, tgt in coded.select(pl.col("id").cast(pl.Utf8), "cameo_code", "source_code", "target_code").iter_rows():
        got.setdefault(key, []).append((code, (src or "")[:3], (tgt or "")[:3]))
    n = rows.height
    counts = {"any": 0, "root": 0, "exact": 0, "dyad_root": 0}
    per_root: dict[str, list[int]] = {}
    for i, (code, src, tgt) in enumerate(rows.select("cameo_code", "source", "target").iter_rows()):
        events = got.get(str(i), [])
        root = code[:2]
        hit = any(c[:2] == root for c, _, _ in events)
        counts["any"] += bool(events)
        counts["root"] += hit
        counts["exact"] += any(c == code for c, _, _ in events)
        counts["dyad_root"] += any(
            c[:2] == root and s == (src or "")[:3] and t == (tgt or "")[:3] for c, s, t in events
        )
        per_root.setdefault(root, [0, 0])
        per_root[root][0] += hit
        per_root[root][1] += 1
    return {
        "sentences": n,
        **{k: round(v / n, 3) for k, v in counts.items()},
        "per_root": {r: {"hits": h, "sentences": t} for r, (h, t) in sorted(per_root.items())},
    }


def evaluate(path: Path = EXAMPLES) -> dict:
    import toolkit

    rows = examples(path)
    docs = pl.DataFrame({"id": [str(i) for i in range(rows.height)], "text": rows["sentence"]})
    return score(rows, toolkit.annotate(docs).events)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    result = evaluate()
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{result['sentences']} sentences: any event {result['any']}, root recall {result['root']}, "
          f"exact code {result['exact']}, dyad + root {result['dyad_root']}")
    print(" ".join(f"{r}:{v['hits']}/{v['sentences']}" for r, v in result["per_root"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
