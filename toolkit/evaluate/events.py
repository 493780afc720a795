"""Event coding measured on the PETRARCH-2 unit-test records (../shared/dev/petrarch2_unittest).

    python -m toolkit.evaluate.events [--shared ../shared] [--json]

The records use fictional actors (Arnor, Gondor, …), so their dictionaries are loaded the way a recipe
loads its own: the actor file becomes a user actor dictionary (TSV: name, aliases, kind, country_code,
role_code, start_date, end_date), the agent file a user agent file (TSV: phrase, role_code), and the
test verb file a user pattern file.
Everything is converted at run time into a temporary folder; nothing derived is kept or shipped.

Scores are precision, recall and F1 over (source_code, target_code, cameo_code) triples per record,
exact and at the root level (first two digits), for two pattern sets: the project's own patterns
only, and the suite's verb dictionary (codes that exist in CAMEO) added as a recipe's patterns. The
suite measures mechanics (compound actors, agents, passive voice, dated actor codes), and its verb
codes are its own (mostly WEIS), so the second figure is the one that measures the coder.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

import polars as pl

from toolkit.evaluate import arguments
from toolkit.events import coder as events
from toolkit.text import segment
from toolkit.vocab.codes import cameo_table
from toolkit.evaluate.petrarch import alternation, actor_file, agent_file, convert_actors, convert_verbs

SUITE = Path("dev") / "petrarch2_unittest"


def records(shared: Path) -> list[dict]:
    """The suite's records that expect events or none (records expecting an input error are left out)."""
    path = shared / SUITE / "petrarch2_unittest.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    # Ids repeat in the file (AGENTS-18, AGENTS-19): the position makes each record's key unique.
    return [dict(r, key=f"{r['id']}#{i}") for i, r in enumerate(rows) if not r["expected_error"]]


def dictionary_mentions(recs: list[dict], actors: pl.DataFrame, agents: pl.DataFrame) -> pl.DataFrame:
    """Mentions of the suite's actors, each merged with an adjacent agent ("Arnor cleric" -> ARNREL).

    A stand-in for the entities stage, kept as a reference point: PETRARCH-style matching
    (case-insensitive words, the code valid on the record's date), written for the evaluation only.
    """
    surfaces: dict[str, list[tuple[str, str | None, str | None]]] = {}
    for name, aliases, code, start, end in actors.iter_rows():
        for s in [name, *(aliases.split("|") if aliases else [])]:
            surfaces.setdefault(s.lower(), []).append((code, start, end))
    actor_re = re.compile(alternation(list(surfaces)))
    agent_codes = {p: (r, pre) for p, r, pre in agents.iter_rows()}
    agent_re = re.compile(alternation(list(agent_codes)))
    rows = []
    for rec in recs:
        text, day = rec["text"], f"{rec['date'][:4]}-{rec['date'][4:6]}-{rec['date'][6:]}"
        found = []
        for m in actor_re.finditer(text):
            key = re.sub(r"\s+", " ", m.group(0).lower())
            options = surfaces.get(key) or surfaces.get(re.sub(r"e?s$", "", key)) or []
            dated = [c for c, s, e in options if (s is None or s <= day) and (e is None or day < e)]
            if dated:
                found.append([m.start(), m.end(), dated[-1]])
        for m in agent_re.finditer(text):
            key = re.sub(r"e?s$", "", re.sub(r"\s+", " ", m.group(0).lower()))
            role, prefix = agent_codes.get(key) or agent_codes.get(m.group(0).lower(), (None, False))
            if role is None or any(a < m.end() and m.start() < b for a, b, _ in found):
                continue
            # The agent belongs to the actor right before it ("Arnor cleric", "Gondor's government") or
            # right after "of"/"in"/"from" ("activists in Arnor", "soldiers from Gondor").
            for actor in found:
                gap_before = text[actor[1]:m.start()]
                gap_after = text[m.end():actor[0]]
                if re.fullmatch(r"(?:'s)?\s+(?:[a-z-]+\s+){0,2}", gap_before) or re.fullmatch(
                    r"\s+(?:of|in|from)\s+(?:the\s+)?", gap_after
                ):
                    if role not in re.findall("...", actor[2]):  # "White House officials" stays USAGOV
                        actor[2] = role + actor[2] if prefix else actor[2] + role
                    actor[0], actor[1] = min(actor[0], m.start()), max(actor[1], m.end())
                    break
        for start, end, code in found:
            rows.append((rec["key"], start, end, text[start:end], code))
    return pl.DataFrame(rows, schema=["article_id", "start", "end", "surface", "actor_code"], orient="row")


def _mentions_frame(raw: pl.DataFrame, sentences: pl.DataFrame) -> pl.LazyFrame:
    spans = sentences.select("article_id", "sentence", s_start="start", s_end="end")
    return (
        raw.lazy().join(spans.lazy(), on="article_id")
        .filter((pl.col("start") >= pl.col("s_start")) & (pl.col("start") < pl.col("s_end")))
        .with_columns(
            entity_id=pl.col("actor_code"), mention_id=pl.concat_str("article_id", "start"),
            kind=pl.lit("organisation"), name=pl.col("surface"),
            country_code=pl.lit(None, dtype=pl.Utf8), role_code=pl.lit(None, dtype=pl.Utf8),
        )
    )


def _annotate_mentions(recs: list[dict], actors: pl.DataFrame, agents: pl.DataFrame, tmp: Path) -> pl.DataFrame:
    """Mentions from `toolkit.annotate` with the suite's actors and agents loaded as a recipe's user dictionaries."""
    import toolkit
    from toolkit.vocab.dictionaries import load_dictionaries

    dicts = load_dictionaries([actor_file(actors, tmp / "petrarch_actors.tsv")],
                              agents=[agent_file(agents, tmp / "petrarch_agents.tsv")])
    df = pl.DataFrame({"id": [r["key"] for r in recs], "text": [r["text"] for r in recs],
                       "published_at": [r["date"] for r in recs]}).with_columns(
        pl.col("published_at").str.to_date("%Y%m%d"))
    res = toolkit.annotate(df, dictionaries=dicts, events=False)
    return res.mentions.rename({"id": "article_id"})


def code(recs: list[dict], suite_dir: Path, *, suite_verbs: bool, entities_stage: bool = False) -> pl.DataFrame:
    """Events coded for the records with the suite's actors (and, if asked, its verbs as recipe patterns).

    `entities_stage=True` takes the mentions from `toolkit.annotate` with the actors as a user
    dictionary and the agents as an agent file; otherwise the stand-in matcher above finds them.
    """
    actors, agents = convert_actors(suite_dir / "PETR.Validate.actors.txt", suite_dir / "PETR.Validate.agents.txt")
    arts = pl.DataFrame(
        {"article_id": [r["key"] for r in recs], "text": [r["text"] for r in recs],
         "published_at": [r["date"] for r in recs]}
    ).with_columns(pl.col("published_at").str.to_datetime("%Y%m%d", time_zone="UTC"))
    sents = segment.sentences(arts.lazy()).collect()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        if entities_stage:
            ments = _annotate_mentions(recs, actors, agents, tmp).lazy()
        else:
            ments = _mentions_frame(dictionary_mentions(recs, actors, agents), sents)
        patterns = None
        if suite_verbs:
            path = tmp / "petrarch_verbs.tsv"
            convert_verbs(suite_dir / "PETR.Validate.verbs.txt").write_csv(path, separator="\t", quote_style="never")
            patterns = events.load_patterns([path])
    return events.events(arts.lazy(), sents.lazy(), ments, patterns=patterns).collect()


def score(recs: list[dict], coded: pl.DataFrame, *, root: bool) -> dict[str, float]:
    """Micro precision, recall and F1 of (source, target, code) triples over the records.

    PETRARCH writes "---" for a missing country ("---GOV": an official of no named country; "---": no
    target): read as the coder's empty code.
    """
    def cut(c: str) -> str:
        return c[:2] if root else c

    def actor(c: str) -> str:
        return c[3:] if c.startswith("---") else c

    gold = {
        r["key"]: Counter((actor(e["source"]), actor(e["target"]), cut(e["event"])) for e in r["expected_events"])
        for r in recs
    }
    got: dict[str, Counter] = {}
    for key, src, tgt, cameo in coded.select("article_id", "source_code", "target_code", "cameo_code").iter_rows():
        got.setdefault(key, Counter())[(src or "", tgt or "", cut(cameo))] += 1
    tp = sum(sum((gold[k] & got.get(k, Counter())).values()) for k in gold)
    n_got = sum(sum(got.get(k, Counter()).values()) for k in gold)
    n_gold = sum(sum(c.values()) for c in gold.values())
    p = tp / n_got if n_got else 0.0
    r = tp / n_gold if n_gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3),
            "true_positives": tp, "predicted": n_got, "expected": n_gold}


def evaluate(shared: Path) -> dict[str, dict]:
    """Scores for both pattern sets, on all records and on those whose expected codes are all CAMEO codes."""
    suite_dir = shared / SUITE
    recs = records(shared)
    valid = set(cameo_table()["cameo_code"])
    subsets = {"all": recs, "cameo_only": [r for r in recs if all(e["event"] in valid for e in r["expected_events"])]}
    out = {}
    runs = (("own_patterns", False, False), ("suite_verbs", True, False), ("suite_verbs+annotate", True, True))
    for label, suite_verbs, stage in runs:
        coded = code(recs, suite_dir, suite_verbs=suite_verbs, entities_stage=stage)
        for part, chosen in subsets.items():
            out[f"{label}/{part}"] = {
                "records": len(chosen), "exact": score(chosen, coded, root=False), "root": score(chosen, coded, root=True),
            }
    return out


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__, str(SUITE), argv)
    if args is None:
        return 2
    result = evaluate(args.shared)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{'patterns/records':28} {'n':>4}  {'exact P':>7} {'R':>5} {'F1':>5}   {'root P':>6} {'R':>5} {'F1':>5}")
    for name, res in result.items():
        e, r = res["exact"], res["root"]
        print(f"{name:28} {res['records']:>4}  {e['precision']:>7} {e['recall']:>5} {e['f1']:>5}   "
              f"{r['precision']:>6} {r['recall']:>5} {r['f1']:>5}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
