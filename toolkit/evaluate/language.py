"""Language identification measured on news of known language: AG News (English headlines and leads),
10kGNAD (Austrian German articles) and the BBC News corpus (English articles).

Each corpus is read whole and as first sentences only, to see how often short texts are left null
("unsure") and how often an answer given is wrong.
"""

from __future__ import annotations

import csv
import re
import time
from pathlib import Path

import polars as pl

from toolkit.text.language import detect_language

_FIRST_SENTENCE = re.compile(r"^.{20,}?[.!?](?=\s)")


def ag_news(shared: Path) -> list[str]:
    """AG News test split: title and description of each item (English)."""
    with open(shared / "corpora/ag_news_test/test.csv", newline="", encoding="utf-8") as fh:
        return [f"{row[1]}. {row[2]}".replace("\\", " ") for row in csv.reader(fh)]


def gnad(shared: Path) -> list[str]:
    """10kGNAD test split: one German article per line, `label;'text'`."""
    with open(shared / "corpora/gnad10k_test/test.csv", newline="", encoding="utf-8") as fh:
        return [row[1] for row in csv.reader(fh, delimiter=";", quotechar="'")]


def bbc(shared: Path) -> list[str]:
    """BBC News (Greene & Cunningham 2006): one English article per file, title on the first line."""
    files = sorted((shared / "corpora/bbc_news_greene/bbc").glob("*/*.txt"))
    return [p.read_bytes().decode("latin-1") for p in files]


def first_sentence(text: str) -> str:
    """The first sentence of the first line (at least 20 characters), else its first 150 characters."""
    line = text.strip().split("\n")[0]
    match = _FIRST_SENTENCE.search(line)
    return match.group(0) if match else line[:150]


CORPORA = {"ag_news": (ag_news, "en"), "gnad10k": (gnad, "de"), "bbc": (bbc, "en")}


def score(texts: list[str], gold: str, **params) -> dict:
    """Share of texts labelled `gold` (accuracy), labelled at all (coverage), and right when labelled."""
    started = time.perf_counter()
    found = detect_language(pl.DataFrame({"text": texts}), **params)["language"]
    seconds = time.perf_counter() - started
    labelled = found.drop_nulls()
    right = int((labelled == gold).sum())
    return {
        "n": len(texts),
        "accuracy": right / len(texts),
        "coverage": labelled.len() / len(texts),
        "precision": right / labelled.len() if labelled.len() else 1.0,
        "texts_per_s": len(texts) / seconds,
        "wrong": dict(labelled.filter(labelled != gold).value_counts(sort=True).head(5).iter_rows()),
    }


def main(shared: Path) -> int:
    for name, (load, gold) in CORPORA.items():
        texts = load(shared)
        for variant, sample in (("full", texts), ("first sentence", [first_sentence(t) for t in texts])):
            s = score(sample, gold)
            print(
                f"{name:8s} {variant:15s} n={s['n']:5d} accuracy={s['accuracy']:.4f} coverage={s['coverage']:.4f}"
                f" precision={s['precision']:.4f} {s['texts_per_s']:9.0f} texts/s  wrong={s['wrong']}"
            )
    return 0
