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

import argparse
import json
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

import polars as pl
import pycountry

from toolkit import events, segment
from toolkit.codes import cameo_table
from toolkit.patterns import PATTERN_SCHEMA

SUITE = Path("dev") / "petrarch2_unittest"
_CODE_BLOCK = re.compile(r"\[([^\]]*)\]")


def records(shared: Path) -> list[dict]:
    """The suite's records that expect events or none (records expecting an input error are left out)."""
    path = shared / SUITE / "petrarch2_unittest.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    # Ids repeat in the file (AGENTS-18, AGENTS-19): the position makes each record's key unique.
    return [dict(r, key=f"{r['id']}#{i}") for i, r in enumerate(rows) if not r["expected_error"]]


def _date(token: str) -> str | None:
    """YYYYMMDD or YYMMDD (19YY) as YYYY-MM-DD."""
    token = token.strip()
    if len(token) == 6:
        token = "19" + token
    return f"{token[:4]}-{token[4:6]}-{token[6:8]}" if len(token) == 8 and token.isdigit() else None


def _code_periods(block: str) -> list[tuple[str, str | None, str | None]]:
    """(code, start, end) from "HOB", "HOB < 950601", "HOBGOV 19950601 - 19990815", "HOBREB > 990816"."""
    block = block.strip()
    code, _, rest = block.partition(" ")
    rest = rest.replace(" ", "")
    if not rest:
        return [(code, None, None)]
    if rest.startswith("<"):
        return [(code, None, _date(rest[1:]))]
    if rest.startswith(">"):
        return [(code, _date(rest[1:]), None)]
    if "-" in rest:
        lo, hi = rest.split("-", 1)
        return [(code, _date(lo), _date(hi))]
    return [(code, None, None)]


def _phrase(entry: str) -> str:
    """A dictionary phrase as text: "+" marks (synonym, head verb) dropped, "_" joins words."""
    return entry.strip().replace("+", "").replace("_", " ").strip()


def convert_actors(actor_file: Path, agent_file: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """PETRARCH actor and agent dictionaries as (actors: name, aliases, code, start, end; agents: phrase, code, prefix)."""
    rows, names, periods = [], [], []

    def flush() -> None:
        for code, start, end in periods or []:
            code = code.upper()
            if names and re.fullmatch(r"(?:[A-Z]{3})+", code):
                rows.append((names[0], "|".join(names[1:]) or None, code, start, end))

    for raw in actor_file.read_text(encoding="latin-1").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip() or line.lstrip().startswith("<"):
            continue
        blocks = _CODE_BLOCK.findall(line)
        head = _CODE_BLOCK.sub("", line).strip()
        if line.startswith("+"):
            names.append(_phrase(head))
        elif head and not line[0].isspace():
            flush()
            names, periods = [_phrase(head)], []
        for block in blocks:
            periods.extend(_code_periods(block.split("/")[0]))
    flush()
    actors = pl.DataFrame(rows, schema=["name", "aliases", "code", "start_date", "end_date"], orient="row")
    subs: dict[str, list[str]] = {}
    agents = []
    for raw in agent_file.read_text(encoding="latin-1").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("!") and "=" in line:
            key, _, values = line.partition("=")
            subs[key.strip()] = [v.strip().lower() for v in values.split(",")]
            continue
        blocks = _CODE_BLOCK.findall(line)
        if not blocks:
            continue
        code = blocks[0].replace(" ", "")
        text = _CODE_BLOCK.sub("", line)
        head = re.sub(r"\{[^}]*\}", "", text).strip()
        # "GOLDEN_GOOSE {GOLDEN_GEESE}": an irregular plural in braces is a phrase of its own.
        plurals = [p for braces in re.findall(r"\{([^}]*)\}", text) for p in braces.split()]
        for name in [n for h in [head, *plurals] for n in _expand(h.lower(), subs)]:
            agents.append((_phrase(name), code.strip("~"), code.endswith("~")))
    return actors, pl.DataFrame(agents, schema=["phrase", "role", "prefix"], orient="row")


def _expand(head: str, subs: dict[str, list[str]]) -> list[str]:
    for key, values in subs.items():
        if key.lower() in head:
            return [head.replace(key.lower(), v) for v in values]
    return [head]


def _forms(verb: str) -> list[str]:
    """A verb and its regular inflections ("restore" -> restores, restored, restoring).

    The word inflected is the one marked "+" ("WIRE_+TAP": tap), else the first one.
    """
    words = verb.replace("_", " ").split()
    at = next((i for i, w in enumerate(words) if w.startswith("+") and i > 0), 0)
    words = [w.lstrip("+") for w in words]
    head = words[at]
    stem = head[:-1] if head.endswith("e") else head
    forms = {head, head + "s", head + "es" if head.endswith(("s", "sh", "ch", "x", "z")) else head + "s",
             stem + "ed", stem + "ing", head + "d" if head.endswith("e") else head + "ed"}
    if head.endswith("y") and len(head) > 2 and head[-2] not in "aeiou":
        forms |= {head[:-1] + "ies", head[:-1] + "ied"}
    return sorted(" ".join([*words[:at], f, *words[at + 1:]]) for f in forms)


def _cameo(code: str, valid: set[str]) -> str:
    """A dictionary code as a CAMEO code: itself, else the longest CAMEO code it extends ("1717" -> "171",
    "174K" -> "174"), else "---" (a phrase that codes nothing).

    The suite's own codes ("901", "345") cannot be emitted; their patterns still claim their words, as
    they do in PETRARCH, so a general verb pattern does not code those words with another code.
    """
    for n in range(len(code), 2, -1):
        if code[:n] in valid:
            return code[:n]
    return "---"


def convert_verbs(verb_file: Path) -> pl.DataFrame:
    """The suite's verb dictionary as a pattern file ("032:033" gives two rows; codes read by `_cameo`)."""
    valid = set(cameo_table()["cameo_code"])
    synsets: dict[str, list[str]] = {}
    lines = verb_file.read_text(encoding="latin-1").splitlines()
    name = None
    for raw in lines:  # synsets first: patterns may use them before they are defined
        line = raw.split("#", 1)[0].rstrip()
        if line.startswith("&"):
            name = line.split()[0].lower()
            synsets[name] = []
        elif line.startswith("+") and name and name in synsets and not _CODE_BLOCK.search(line):
            synsets[name].append(_phrase(line).lower())
        elif line.startswith("---") or not line.strip():
            name = None
    specific, general = [], []
    forms: list[str] = []
    block_code = None
    for raw in lines:
        line = raw.split("#", 1)[0].rstrip()
        if line.startswith("---"):
            found = _CODE_BLOCK.search(line)
            block_code, forms = (found.group(1).strip() if found else None), []
            continue
        if block_code is None or not line.strip() or line.startswith(("&", "<")):
            continue
        if line.startswith("-"):
            found = _CODE_BLOCK.search(line)
            if found and forms:
                spec = _CODE_BLOCK.sub("", line)[1:]
                specific.append((_pattern(spec, forms, synsets), found.group(1).strip(), _role(spec)))
            continue
        # A verb line may carry its own code ("DOWNPLAY [014]" inside the DELAY block).
        own = _CODE_BLOCK.search(line)
        head = _CODE_BLOCK.sub("", line).strip()
        head = head[1:] if head.startswith("+") else head  # "+" first: a synonym of the block's verb
        explicit = re.findall(r"\{([^}]*)\}", head)
        word = re.sub(r"\{[^}]*\}", "", head).strip().lower()
        if not word or word.startswith("&"):
            continue
        new = _forms(word) + [_phrase(f).lower() for e in explicit for f in e.split()]
        forms = sorted(set(forms) | set(new))
        code = own.group(1).strip() if own else block_code
        general.append(("|".join(re.escape(f) for f in sorted(set(new), key=len, reverse=True)), code, "forward"))
    rows = []
    flip = {"forward": "reverse", "reverse": "forward", "pair": "pair"}
    for pattern, codes, role in sorted(specific, key=lambda r: -len(r[0])) + general:
        # "032:033": the first code for the source acting on the target, the second the other way round.
        for code, r in zip(codes.split(":"), (role, flip[role]), strict=False):
            rows.append((_treebank(pattern), _cameo(code.strip(), valid), r,
                         "converted from PETR.Validate.verbs.txt at evaluation time"))
    return pl.DataFrame(rows, schema=list(PATTERN_SCHEMA), orient="row").unique(
        ["pattern", "cameo_code", "roles"], keep="first", maintain_order=True
    )


def _role(spec: str) -> str:
    """Roles from PETRARCH's markers: "%" a compound acting on itself (pair); the target "+" before the verb
    and the source "$" after it ("+ * FROM $") reverse; otherwise forward."""
    pieces = re.split(r"[\s_]+", spec.strip())
    if "%" in pieces:
        return "pair"
    verb = next((i for i, p in enumerate(pieces) if p == "*"), None)
    if verb is None:
        return "forward"
    target_before = any(p == "+" for p in pieces[:verb])
    source_after = any(p == "$" for p in pieces[verb + 1:])
    return "reverse" if target_before and source_after else "forward"


def _treebank(pattern: str) -> str:
    """Treebank-split contractions ("DID N'T", "CA N'T") as they are written in running text."""
    for space in ("\\ ", " "):  # re.escape writes the space as "\ "
        pattern = pattern.replace(f"ca{space}n't", "can't").replace(f"{space}n't", "n't")
    return pattern.replace("n't", "n['’]t")


def _pattern(spec: str, forms: list[str], synsets: dict[str, list[str]]) -> str:
    """A PETRARCH pattern ("- * FOR &ECONSANCT") as a regex around the verb's forms.

    Tokens are separated by at most four words; "_" joins words that must be adjacent; "^" skips a
    noun phrase (at least one word); the actor markers "%", "$" and "+" match nothing themselves.
    """
    gap = r"(?:[^\s,;:!?]+ ){0,4}?"
    out = []
    for token in spec.split():
        if token == "*":
            out.append("(?:" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) + ")")
        elif token in ("%", "$", "+"):
            continue
        elif token == "^":
            out.append(r"[^\s,;:!?]+")
        else:
            words = []
            for piece in token.strip("_").split("_"):
                piece = piece.strip("+$%").lower()
                if piece.startswith("&"):
                    words.append("(?:" + "|".join(re.escape(w) for w in synsets.get(piece, [piece[1:]])) + ")")
                elif piece == "*":
                    words.append("(?:" + "|".join(re.escape(f) for f in forms) + ")")
                elif piece:
                    words.append(re.escape(piece))
            if words:
                out.append(" ".join(words))
    return (" " + gap).join(out)


def _alternation(phrases: list[str]) -> str:
    ordered = sorted(set(phrases), key=len, reverse=True)
    return r"(?i)\b(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered) + r")(?:e?s)?\b"


def dictionary_mentions(recs: list[dict], actors: pl.DataFrame, agents: pl.DataFrame) -> pl.DataFrame:
    """Mentions of the suite's actors, each merged with an adjacent agent ("Arnor cleric" -> ARNREL).

    A stand-in for the entities stage, kept as a reference point: PETRARCH-style matching
    (case-insensitive words, the code valid on the record's date), written for the evaluation only.
    """
    surfaces: dict[str, list[tuple[str, str | None, str | None]]] = {}
    for name, aliases, code, start, end in actors.iter_rows():
        for s in [name, *(aliases.split("|") if aliases else [])]:
            surfaces.setdefault(s.lower(), []).append((code, start, end))
    actor_re = re.compile(_alternation(list(surfaces)))
    agent_codes = {p: (r, pre) for p, r, pre in agents.iter_rows()}
    agent_re = re.compile(_alternation(list(agent_codes)))
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


def _default_outside(periods: list[tuple]) -> list[tuple]:
    """PETRARCH's undated default code holds only where no dated code does: made explicit as date ranges.

    In a recipe actor file every row whose range holds the day competes; in PETRARCH a dated
    restriction always beats the actor's default ("SAM_GAMGEE [HOB]" with "[HOBCIV <20080120]").
    """
    dated = sorted((p for p in periods if p[3] or p[4]), key=lambda p: p[3] or "")
    defaults = [p for p in periods if not (p[3] or p[4])]
    if not dated or not defaults:
        return periods
    gaps: list[tuple[str | None, str | None]] = []
    cursor, forever = None, False  # cursor: where the dated cover so far ends (None: nothing covered yet)
    for *_, start, end in dated:
        if start and (cursor is None or start > cursor):
            gaps.append((cursor, start))
        if end is None:
            forever = True
            break
        cursor = end if cursor is None or end > cursor else cursor
    if not forever:
        gaps.append((cursor, None))
    return [(*d[:3], lo, hi) for d in defaults for lo, hi in gaps] + dated


def actor_file(actors: pl.DataFrame, path: Path) -> Path:
    """The suite's actors as a recipe actor file; fictional codes go whole into role_code."""
    iso3 = {c.alpha_3 for c in pycountry.countries}
    by_name: dict[str, list[tuple]] = {}
    for row in actors.iter_rows():
        by_name.setdefault(row[0], []).append(row)
    rows = []
    for name, aliases, code, start, end in (p for periods in by_name.values() for p in _default_outside(periods)):
        country, role = (code[:3], code[3:] or None) if code[:3] in iso3 else (None, code)
        rows.append((name.title(), aliases and "|".join(a.title() for a in aliases.split("|")), "organisation",
                     country, role, start, end))
    frame = pl.DataFrame(rows, schema=["name", "aliases", "kind", "country_code", "role_code", "start_date", "end_date"],
                         orient="row")
    frame.write_csv(path, separator="\t", quote_style="never")
    return path


def agent_file(agents: pl.DataFrame, path: Path) -> Path:
    """The suite's agents that follow their actor ("[~REL]") as a recipe agent file (phrase, role_code).

    Agents written before the actor code ("[NGO~]") have no place in a mention's country + role code
    and are left out.
    """
    rows = agents.filter(~pl.col("prefix") & pl.col("role").str.contains(r"^(?:[A-Z]{3})+$")).select(
        pl.col("phrase").str.to_lowercase(), role_code=pl.col("role")
    ).unique("phrase", keep="first", maintain_order=True)
    rows.write_csv(path, separator="\t", quote_style="never")
    return path


def _annotate_mentions(recs: list[dict], actors: pl.DataFrame, agents: pl.DataFrame, tmp: Path) -> pl.DataFrame:
    """Mentions from `toolkit.annotate` with the suite's actors and agents loaded as a recipe's user dictionaries."""
    import toolkit
    from toolkit.dictionaries import load_dictionaries

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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[3] / "shared"))
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    shared = Path(args.shared)
    if not (shared / SUITE).is_dir():
        print(f"{shared / SUITE} not found; pass --shared", file=sys.stderr)
        return 2
    result = evaluate(shared)
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
