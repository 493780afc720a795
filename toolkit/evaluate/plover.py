"""PLOVER event type per sentence, measured on the PLOVER gold-standard records (../shared/dev/plover_gsr_dev).

    python -m toolkit.evaluate.plover [--shared ../shared] [--json] [--errors]

Each record is one sentence with one gold event, typed in the current PLOVER categories
(`event_plover_current`). All records are annotated in one `toolkit.annotate` call, with the project's
own dictionaries and patterns; each coded event carries the PLOVER type of its CAMEO code.

Scores are micro precision, recall and F1 over (record, PLOVER type) pairs: the gold pair is the
record's type; the predicted pairs are the distinct PLOVER types of the events coded in the record
(events whose CAMEO code has no PLOVER type, such as bare root codes, are left out). Every other type
coded in a record is a false positive. The main figure counts events of any modality, the secondary
one only asserted events (negated, hypothetical and future ones dropped). Per-type counts (gold,
predicted, true positives) are given for the main figure.

`--errors` prints, for each record whose predicted types differ from its gold type, the record id,
the gold type and the predicted types: for developers, on the terminal only (the records' text and
anything derived from it are never written into the project).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import polars as pl

from toolkit.evaluate import arguments

SUITE = Path("dev") / "plover_gsr_dev"
FILE = "plover_gsr_dev.jsonl"


def records(shared: Path) -> list[dict]:
    """The development records: id, text and gold PLOVER type (`event_plover_current`)."""
    path = shared / SUITE / FILE
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def code(recs: list[dict]) -> pl.DataFrame:
    """The events `toolkit.annotate` codes in the records, keyed by record id (column `id`)."""
    import toolkit

    docs = pl.DataFrame({"id": [r["id"] for r in recs], "text": [r["text"] for r in recs]})
    return toolkit.annotate(docs).events


def predicted(coded: pl.DataFrame, *, asserted_only: bool = False) -> dict[str, set[str]]:
    """Distinct PLOVER types coded per record id (events without a PLOVER type left out)."""
    id_col = "id" if "id" in coded.columns else "article_id"
    frame = coded.filter(pl.col("plover_type").is_not_null())
    if asserted_only:
        frame = frame.filter(pl.col("modality") == "asserted")
    out: dict[str, set[str]] = {}
    for key, ptype in frame.select(pl.col(id_col).cast(pl.Utf8), "plover_type").iter_rows():
        out.setdefault(key, set()).add(ptype)
    return out


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3),
            "true_positives": tp, "predicted": n_pred, "expected": n_gold}


def score(gold: dict[str, str], coded: pl.DataFrame, *, asserted_only: bool = False) -> dict:
    """Micro P/R/F1 over (record, PLOVER type) pairs, and per-type counts.

    `gold` maps record id -> gold PLOVER type; `coded` is an events frame (columns id or article_id,
    plover_type, modality). Only records in `gold` are scored.
    """
    pred = predicted(coded, asserted_only=asserted_only)
    gold_pairs = {(k, t) for k, t in gold.items()}
    pred_pairs = {(k, t) for k in gold for t in pred.get(k, set())}
    tp_pairs = gold_pairs & pred_pairs
    types = sorted({t for _, t in gold_pairs | pred_pairs})
    n_gold, n_pred, n_tp = (Counter(t for _, t in s) for s in (gold_pairs, pred_pairs, tp_pairs))
    per_type = {t: {"gold": n_gold[t], "predicted": n_pred[t], "tp": n_tp[t]} for t in types}
    return {"records": len(gold), **_prf(len(tp_pairs), len(pred_pairs), len(gold_pairs)), "per_type": per_type}


def errors(gold: dict[str, str], coded: pl.DataFrame) -> list[tuple[str, str, list[str]]]:
    """(record id, gold type, predicted types) for each record whose predicted types are not exactly its gold type."""
    pred = predicted(coded)
    return [(k, t, sorted(pred.get(k, set()))) for k, t in gold.items() if pred.get(k, set()) != {t}]


def evaluate(shared: Path) -> tuple[dict, dict[str, str], pl.DataFrame]:
    recs = records(shared)
    gold = {r["id"]: r["event_plover_current"] for r in recs}
    coded = code(recs)
    result = {"any_modality": score(gold, coded), "asserted_only": score(gold, coded, asserted_only=True)}
    return result, gold, coded


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__, f"{SUITE}/{FILE}", argv, lambda p: p.add_argument(
        "--errors", action="store_true", help="print each record's id, gold type and predicted types where they differ"))
    if args is None:
        return 2
    result, gold, coded = evaluate(args.shared)
    if args.json:
        if args.errors:
            result["errors"] = [{"id": k, "gold": t, "predicted": got} for k, t, got in errors(gold, coded)]
        print(json.dumps(result, indent=2))
        return 0
    else:
        for name, s in result.items():
            print(f"{name:14} {s['records']} records  P {s['precision']:>5}  R {s['recall']:>5}  F1 {s['f1']:>5}  "
                  f"(tp {s['true_positives']}, predicted {s['predicted']}, expected {s['expected']})")
        print(f"\n{'PLOVER type (any modality)':26} {'gold':>5} {'pred':>5} {'tp':>4}")
        for t, c in result["any_modality"]["per_type"].items():
            print(f"{t:26} {c['gold']:>5} {c['predicted']:>5} {c['tp']:>4}")
    if args.errors:
        print("\nrecord id / gold type / predicted types (miss: gold type not predicted; extra: other types too)")
        for key, t, got in errors(gold, coded):
            print(f"{'miss ' if t not in got else 'extra'} {key}  {t}  {','.join(got) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
