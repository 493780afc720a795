"""Entity recognition measured on CoNLL-2003 style IOB2 files: exact-span P/R/F1 per type, and words/s.

    .venv/bin/python -m toolkit.evaluate.ner [../shared/dev/conll2003/conllpp_dev.txt]

Each `-DOCSTART-` document becomes one text: tokens joined by single spaces, sentences by "\\n", so
that coreference inside a story works as in a real article. Gold spans become character offsets and
are compared with the mentions of `toolkit.annotate` on exact (start, end, type). Kinds map to CoNLL
types: person -> PER, organisation -> ORG, country and place -> LOC. CoNLL's MISC is not scored: gold
MISC spans are dropped, and so are predicted demonym mentions ("Russian"), which CoNLL calls MISC;
a prediction overlapping a gold MISC span is ignored rather than counted as a false positive.
The file is for measuring only: nothing in the toolkit is built from it.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl

TYPES = ("PER", "ORG", "LOC")
KIND_TO_TYPE = {"person": "PER", "organisation": "ORG", "country": "LOC", "place": "LOC"}
DEFAULT_PATH = Path(__file__).resolve().parents[2].parent / "shared" / "dev" / "conll2003" / "conllpp_dev.txt"


@dataclass(frozen=True)
class Corpus:
    """Texts (one per document) and gold spans (doc, start, end, type) in character offsets."""

    texts: list[str]
    gold: pl.DataFrame
    n_words: int


def read_conll(path: Path) -> Corpus:
    """Documents of an IOB2 file; MISC spans are kept in `gold` with type MISC so callers can ignore them."""
    texts: list[str] = []
    spans: list[tuple[int, int, int, str]] = []
    n_words = 0
    doc: list[list[tuple[str, str]]] = []
    sentence: list[tuple[str, str]] = []

    def flush_doc() -> None:
        if sentence:
            doc.append(list(sentence))
            sentence.clear()
        if not doc:
            return
        parts: list[str] = []
        offset = 0
        for sent in doc:
            if parts:
                parts.append("\n")
                offset += 1
            open_span: list = []
            for i, (token, tag) in enumerate(sent):
                if i:
                    parts.append(" ")
                    offset += 1
                if tag.startswith("B-") or (tag.startswith("I-") and (not open_span or open_span[2] != tag[2:])):
                    if open_span:
                        spans.append((len(texts), open_span[0], open_span[1], open_span[2]))
                    open_span = [offset, offset + len(token), tag[2:]]
                elif tag.startswith("I-"):
                    open_span[1] = offset + len(token)
                else:
                    if open_span:
                        spans.append((len(texts), open_span[0], open_span[1], open_span[2]))
                    open_span = []
                parts.append(token)
                offset += len(token)
            if open_span:
                spans.append((len(texts), open_span[0], open_span[1], open_span[2]))
        texts.append("".join(parts))
        doc.clear()

    with path.open(encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if line.startswith("-DOCSTART-"):
                flush_doc()
            elif not line.strip():
                if sentence:
                    doc.append(list(sentence))
                    sentence.clear()
            else:
                fields = line.split(" ")
                sentence.append((fields[0], fields[-1]))
                n_words += 1
    flush_doc()
    gold = pl.DataFrame(spans, schema={"doc": pl.Int64, "start": pl.Int64, "end": pl.Int64, "type": pl.Utf8}, orient="row")
    return Corpus(texts, gold, n_words)


def score(gold: pl.DataFrame, pred: pl.DataFrame) -> pl.DataFrame:
    """Per-type and micro precision, recall and F1 on exact (doc, start, end, type) spans; MISC ignored."""
    misc = gold.filter(pl.col("type") == "MISC")
    gold = gold.filter(pl.col("type") != "MISC")
    # A prediction sitting on a MISC span is neither right nor wrong for a PER/ORG/LOC scorer.
    on_misc = pred.join(misc.select("doc", pl.col("start").alias("ms"), pl.col("end").alias("me")), on="doc").filter(
        (pl.col("start") < pl.col("me")) & (pl.col("ms") < pl.col("end"))
    )
    pred = pred.join(on_misc.select("doc", "start", "end"), on=["doc", "start", "end"], how="anti").unique()
    keys = ["doc", "start", "end", "type"]
    tp = pred.join(gold, on=keys, how="semi")
    rows = []
    for label in (*TYPES, "micro"):
        sel = (lambda f: f) if label == "micro" else (lambda f, t=label: f.filter(pl.col("type") == t))
        n_tp, n_pred, n_gold = sel(tp).height, sel(pred).height, sel(gold).height
        p = n_tp / n_pred if n_pred else 0.0
        r = n_tp / n_gold if n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        rows.append((label, n_gold, n_pred, n_tp, p, r, f))
    return pl.DataFrame(
        rows, schema=["type", "gold", "predicted", "correct", "precision", "recall", "f1"], orient="row"
    )


def predict(texts: list[str], **annotate_kwargs) -> tuple[pl.DataFrame, float, float]:
    """Predicted (doc, start, end, type) spans from `toolkit.annotate`, wall seconds and CPU seconds."""
    import toolkit

    frame = pl.DataFrame({"id": list(range(len(texts))), "text": texts})
    toolkit.annotate(frame.head(1), events=False, **annotate_kwargs)  # load dictionaries and compile patterns first
    started, cpu = time.perf_counter(), time.process_time()
    res = toolkit.annotate(frame, events=False, **annotate_kwargs)
    seconds = time.perf_counter() - started
    # CPU seconds of all threads: a fairer speed figure than wall time on a shared, loaded machine.
    cpu = time.process_time() - cpu
    ments = res.mentions
    if "demonym" in ments.columns:
        ments = ments.filter(~pl.col("demonym").fill_null(False))
    pred = ments.select(
        pl.col("id").cast(pl.Int64).alias("doc"), "start", "end",
        pl.col("kind").replace_strict(KIND_TO_TYPE, default=None).alias("type"),
    ).drop_nulls("type")
    return pred, seconds, cpu


def evaluate(path: Path = DEFAULT_PATH, **annotate_kwargs) -> tuple[pl.DataFrame, float, float]:
    """The score table, words per wall second and words per CPU second of annotate on one IOB2 file."""
    corpus = read_conll(path)
    pred, seconds, cpu = predict(corpus.texts, **annotate_kwargs)
    return score(corpus.gold, pred), corpus.n_words / seconds, corpus.n_words / max(cpu, 1e-9)


def main(argv: list[str] | None = None) -> int:
    """Print per-type and micro P/R/F1 and words/s; exit 2 when the file is missing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args(argv)
    if not args.path.is_file():
        print(f"{args.path}: not found (the CoNLL files live in ../shared/dev/conll2003)", file=sys.stderr)
        return 2
    table, wps, cpu_wps = evaluate(args.path)
    with pl.Config(tbl_rows=10, float_precision=3, tbl_hide_dataframe_shape=True):
        print(table)
    print(f"words/s: {wps:,.0f} (wall clock, entities only: annotate(events=False))")
    print(f"words per CPU second: {cpu_wps:,.0f} (all threads; on an idle 2-core machine wall speed lies between this and twice it)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
