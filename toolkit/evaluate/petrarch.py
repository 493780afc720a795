"""PETRARCH-2 dictionaries read as a recipe's user dictionaries: actors, agents and verb patterns.

The PETRARCH syntax: actor names with `_` for spaces and `+` aliases, bracketed codes with optional
date restrictions (`[KESGOV < 20100101]`); agents with `~` saying whether the code follows or precedes
the actor's; verb blocks (`--- GREET [051] ---`) with synsets (`&SYNS`), noun-phrase slots (`^`),
source and target markers (`$`, `+`) and per-line codes. Used by `toolkit.evaluate.events` only;
converted at run time, nothing derived is shipped.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pycountry

from toolkit.vocab.codes import cameo_table
from toolkit.events.patterns import PATTERN_SCHEMA

_CODE_BLOCK = re.compile(r"\[([^\]]*)\]")

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


def alternation(phrases: list[str]) -> str:
    """One case-insensitive regex for the phrases, longest first, with any spacing and a plural ending."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return r"(?i)\b(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered) + r")(?:e?s)?\b"


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
