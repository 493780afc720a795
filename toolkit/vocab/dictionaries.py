"""Entity dictionaries: the shipped actor, role-word, organisation-word and metonym files, and users' own.

    dicts = load_dictionaries(["my_actors.tsv"])          # shipped files + mine (mine win)
    toolkit.annotate(df, dictionaries=dicts)

An actor file is UTF-8, tab-separated, with the header
`name  aliases  kind  country_code  role_code  start_date  end_date` (see toolkit/data/README.md).
A name listed in a user file replaces every shipped row of that name; an alias claimed by a later
file is taken from earlier ones, so a user can re-point "Kirby" at another person.

An agent file (`load_dictionaries(paths, agents=["my_agents.tsv"])`, header `phrase  role_code`)
lists group words ("cleric", "police") that combine with a country or actor next to them into one
actor: "Arnor cleric", "clerics of Arnor" -> ARN + REL (see `people.agent_candidates`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl
import pycountry

from toolkit.vocab.codes import DATA_DIR, first_bad_rows, read_table, read_text_table
from toolkit.errors import DictionaryError

KINDS = ("person", "organisation", "country", "place")
ACTOR_SCHEMA = {
    "name": pl.Utf8, "aliases": pl.Utf8, "kind": pl.Utf8, "country_code": pl.Utf8, "role_code": pl.Utf8,
    "start_date": pl.Date, "end_date": pl.Date,
}
_ROLE_SCHEMA = {"phrase": pl.Utf8, "role_code": pl.Utf8}
_ORG_SCHEMA = {"word": pl.Utf8, "role_code": pl.Utf8, "position": pl.Utf8}
_METONYM_SCHEMA = {"surface": pl.Utf8, "iso3": pl.Utf8, "role_code": pl.Utf8, "note": pl.Utf8}
_STOP_SCHEMA = {"word": pl.Utf8}
AGENT_SCHEMA = {"phrase": pl.Utf8, "role_code": pl.Utf8}
_AMBIGUOUS_SCHEMA = {"surface": pl.Utf8, "note": pl.Utf8}


def canonical_key(expr: pl.Expr) -> pl.Expr:
    """Lowercase, diacritics folded, every run of non-letters one space: "Kim Jong-un" -> "kim jong un"."""
    return (
        expr.str.normalize("NFKD").str.replace_all(r"\p{Mn}", "").str.to_lowercase()
        .str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars()
    )


@dataclass(frozen=True, eq=False)
class Dictionaries:
    """The tables the recogniser reads; build one with `load_dictionaries`, never by hand."""

    actors: pl.DataFrame
    role_words: pl.DataFrame
    org_words: pl.DataFrame
    metonyms: pl.DataFrame
    name_stopwords: pl.DataFrame
    ambiguous: pl.DataFrame
    sources: tuple[str, ...] = field(default=())
    # Agent words (phrase, role_code); empty unless the caller loads an agent file.
    agents: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=AGENT_SCHEMA))


def _read_actor_file(path: Path) -> pl.DataFrame:
    """One actor TSV, checked: known kinds, ISO3 countries, CAMEO-shaped roles, ordered dates."""
    raw = read_text_table(path, "a tab-separated actor file", list(ACTOR_SCHEMA))
    try:
        table = raw.with_columns(pl.col("start_date", "end_date").str.to_date("%Y-%m-%d", strict=True))
    except pl.exceptions.PolarsError as exc:
        raise DictionaryError(f"{path}: dates must be YYYY-MM-DD or empty ({exc})") from exc
    iso3 = [c.alpha_3 for c in pycountry.countries]
    checks = {
        "missing name": pl.col("name").is_null(),
        "unknown kind": ~pl.col("kind").is_in(KINDS),
        "unknown ISO 3166 alpha-3 country_code": pl.col("country_code").is_not_null() & ~pl.col("country_code").is_in(iso3),
        "role_code not CAMEO-shaped (GOV, MIL, IGOUNO…)": ~pl.col("role_code").fill_null("GOV").str.contains(r"^(?:[A-Z]{3})+$"),
        "end_date before start_date": pl.col("end_date") < pl.col("start_date"),
    }
    first_bad_rows(table, checks, path)
    return table.with_columns(source=pl.lit(str(path)))


def _read_agent_file(path: Path) -> pl.DataFrame:
    """One agent TSV (phrase, role_code), checked; phrases lower-cased with single spaces."""
    raw = read_text_table(path, "a tab-separated agent file", list(AGENT_SCHEMA))
    checks = {
        "missing phrase": pl.col("phrase").is_null(),
        "role_code missing or not CAMEO-shaped (GOV, REL…)": ~pl.col("role_code").fill_null("").str.contains(
            r"^(?:[A-Z]{3})+$"
        ),
    }
    first_bad_rows(raw, checks, path)
    return raw.with_columns(pl.col("phrase").str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars())


# The shipped knowledge base: actors.tsv and the files of actors/ (by region and kind), read as one
# dictionary. A name appears in one shipped file only (checked by the tests), so the files' order never
# decides anything; their rows of one surface are told apart by date (see `resolve._actor_periods`).
SHIPPED_ACTOR_FILES = ("actors.tsv", "actors/*.tsv")


def shipped_actor_paths() -> list[Path]:
    """The files of SHIPPED_ACTOR_FILES, in a fixed order."""
    return [DATA_DIR / "actors.tsv", *sorted((DATA_DIR / "actors").glob("*.tsv"))]


def _shipped_actors() -> pl.DataFrame:
    return pl.concat([_read_actor_file(p) for p in shipped_actor_paths()]).with_columns(source=pl.lit("shipped"))


def _checked_roles(table: pl.DataFrame) -> pl.DataFrame:
    if not table["role_code"].drop_nulls().str.contains(r"^(?:[A-Z]{3})+$").all():
        raise DictionaryError("role_words.tsv / org_words.tsv: role codes must be CAMEO-shaped (GOV, MIL, …)")
    return table


@cache
def shipped() -> Dictionaries:
    """The dictionaries shipped in toolkit/data (read once)."""
    return Dictionaries(
        actors=_shipped_actors(),
        role_words=_checked_roles(read_table("role_words.tsv", _ROLE_SCHEMA)),
        org_words=_checked_roles(read_table("org_words.tsv", _ORG_SCHEMA)),
        metonyms=read_table("metonyms.tsv", _METONYM_SCHEMA),
        name_stopwords=read_table("name_stopwords.tsv", _STOP_SCHEMA),
        ambiguous=read_table("ambiguous_names.tsv", _AMBIGUOUS_SCHEMA),
        sources=SHIPPED_ACTOR_FILES,
    )


def load_dictionaries(
    paths: Iterable[str | Path] = (), *, include_shipped: bool = True, agents: Iterable[str | Path] = ()
) -> Dictionaries:
    """Shipped dictionaries extended by actor files in order (a later file's names and aliases win) and agent files."""
    base = shipped()
    actors = base.actors if include_shipped else base.actors.clear()
    sources = list(base.sources if include_shipped else ())
    for path in paths:
        user = _read_actor_file(Path(path))
        actors = pl.concat([actors.filter(~pl.col("name").is_in(user["name"].implode())), user])
        sources.append(str(path))
    agent_rows = base.agents
    for path in agents:
        agent_rows = pl.concat([agent_rows, _read_agent_file(Path(path))])
        sources.append(str(path))
    # A phrase listed again (in a later file) takes the later role.
    agent_rows = agent_rows.unique("phrase", keep="last", maintain_order=True)
    return Dictionaries(
        actors=actors, role_words=base.role_words, org_words=base.org_words, metonyms=base.metonyms,
        name_stopwords=base.name_stopwords, ambiguous=base.ambiguous, sources=tuple(sources), agents=agent_rows,
    )


def actor_surfaces(dicts: Dictionaries) -> pl.DataFrame:
    """One row per (surface, actor period): name and aliases; an alias claimed by a later file wins."""
    actors = dicts.actors.with_row_index("_row")
    rows = (
        actors.with_columns(
            surface=pl.concat_list(pl.col("name"), pl.col("aliases").fill_null("").str.split("|"))
        )
        .explode("surface")
        .with_columns(pl.col("surface").str.strip_chars())
        .filter(pl.col("surface") != "")
    )
    # Initials are also written without their stops ("George W Bush", "George HW Bush" for "George W.
    # Bush", "George H. W. Bush"): each surface with initials gains that spelling.
    unstopped = (
        pl.col("surface").str.replace_all(r"\b(\p{Lu})\.\s?(\p{Lu})\.", "$1$2").str.replace_all(r"\b(\p{Lu})\.", "$1")
    )
    rows = pl.concat([rows, rows.filter(unstopped != pl.col("surface")).with_columns(surface=unstopped)])
    # The last file naming a surface owns it; within that file every period of every name claiming it
    # is kept (the shipped files count as one).
    owner = rows.group_by("surface", maintain_order=True).agg(pl.col("source").last().alias("_owner"))
    return (
        rows.join(owner, on="surface")
        .filter(pl.col("source") == pl.col("_owner"))
        .unique(["surface", "name", "start_date", "end_date"], keep="first", maintain_order=True)
        .with_columns(key=canonical_key(pl.col("name")))
        .select("surface", "name", "key", "kind", "country_code", "role_code", "start_date", "end_date", "_row")
        .sort("surface", "_row")
    )
