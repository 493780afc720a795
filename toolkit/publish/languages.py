"""What a build extracted per article language, for the build summary and the dataset card.

Entities and events run only on articles in the languages their rules are written for
(toolkit.entities.LANGUAGES, toolkit.events.LANGUAGES) and on articles too short to tell their
language; in the other languages CLDR gives country names for, countries only are found
(toolkit.entities.country_names); the rest are kept without entities. These functions say so, with
the counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl
import pycountry

from toolkit.entities import LANGUAGES as ENTITY_LANGUAGES
from toolkit.entities.country_names import covers
from toolkit.events import LANGUAGES as EVENT_LANGUAGES
from toolkit.text.language import language_in

UNDETERMINED = "und"  # ISO 639-2 "undetermined": an article too short to tell its language


def extraction_by_language(tables: Mapping[str, pl.DataFrame], *, code_events: bool = True) -> list[dict]:
    """One row per article language: articles, whether entities and events were extracted, and how many.

    `countries_only` marks a language whose articles were searched for countries alone (their CLDR
    names). Rows are ordered by articles (most first), ties by language; a count is null where nothing was
    extracted. `code_events` is the recipe's switch (False: events were coded for no language).
    A mentions or events table that is absent (or has no `article_id`) counts as empty.
    """

    def per_article(table: str) -> pl.DataFrame:
        if table in tables and "article_id" in tables[table].columns:
            return tables[table].group_by("article_id").agg(pl.len().alias(table))
        return pl.DataFrame(schema={"article_id": pl.Utf8, table: pl.UInt32})

    articles = tables["articles"].select("article_id", pl.col("language").cast(pl.Utf8))
    # A handful of languages per build: whether CLDR covers each is asked once per language.
    cldr = [lang for lang in articles["language"].drop_nulls().unique().to_list() if covers(lang)]
    countries_only = ~language_in(ENTITY_LANGUAGES) & pl.col("language").is_in(cldr)
    return (
        articles
        .join(per_article("mentions"), on="article_id", how="left")
        .join(per_article("events"), on="article_id", how="left")
        .group_by("language")
        .agg(
            articles=pl.len(),
            mentions=pl.col("mentions").sum(),
            events=pl.col("events").sum(),
        )
        .with_columns(
            entities=language_in(ENTITY_LANGUAGES) | countries_only,
            countries_only=countries_only,
            events_coded=language_in(EVENT_LANGUAGES) & code_events,
        )
        .select(
            pl.col("language").fill_null(UNDETERMINED),
            pl.col("articles").cast(pl.Int64),
            "entities",
            "countries_only",
            # Null, not 0, where nothing was looked for.
            mentions=pl.when("entities").then(pl.col("mentions").cast(pl.Int64)),
            events_coded="events_coded",
            events=pl.when("events_coded").then(pl.col("events").cast(pl.Int64)),
        )
        .sort(["articles", "language"], descending=[True, False])
        .to_dicts()
    )


def _names(codes: Sequence[str]) -> str:
    """Language names from ISO 639-1 codes, as English prose ("English", "English and French")."""
    names = [getattr(pycountry.languages.get(alpha_2=c), "name", c) for c in codes]
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def _kept(rows: list[dict], without: str) -> str:
    """ "3 articles in de, fr were kept without …" """
    n = sum(r["articles"] for r in rows)
    were = "articles in {} were" if n != 1 else "article in {} was"
    return f" {n:,} {were.format(', '.join(r['language'] for r in rows))} kept without {without}."


def extraction_note(rows: list[dict]) -> str:
    """Which languages get entities and events, and which articles were kept without them."""
    if tuple(ENTITY_LANGUAGES) == tuple(EVENT_LANGUAGES):
        note = f"Entities and events are extracted for {_names(ENTITY_LANGUAGES)} only"
    else:
        note = f"Entities are extracted for {_names(ENTITY_LANGUAGES)} only, events for {_names(EVENT_LANGUAGES)} only"
    note += f" (an article too short to tell its language, `{UNDETERMINED}`, is read as English)."
    countries = [r for r in rows if r.get("countries_only")]
    if countries:
        n = sum(r["articles"] for r in countries)
        note += (
            f" Countries only, by their CLDR names, for {n:,} article{'s' if n != 1 else ''} in "
            f"{', '.join(r['language'] for r in countries)}."
        )
    without_any = [r for r in rows if not r["entities"]]
    without_events = [r for r in rows if r["entities"] and not r.get("countries_only") and not r["events_coded"]]
    if without_any:
        note += _kept(without_any, "entities or events")
    if without_events:
        note += _kept(without_events, "events")
    return note


def extraction_limitation() -> str:
    """The card's limitation: which articles get entities and events."""
    return (
        f"Entities and events are extracted only from articles in {_names(ENTITY_LANGUAGES)} and from those too "
        "short to tell their language. In the other languages whose country names the Unicode CLDR gives, "
        "countries only are found, by those names as written (no other inflection than a genitive -s in "
        "German, Dutch and the Scandinavian languages); other articles are kept, with their language, but "
        "without entities or events (see Languages under Statistics)."
    )


EXTRACTION_HEADER = ("language", "articles", "entities extracted?", "mentions", "events coded?", "events")


def extraction_table(rows: list[dict]) -> list[tuple]:
    """The rows as table cells under EXTRACTION_HEADER: yes/no, and counts only where extracted."""
    yes = {True: "yes", False: "no"}
    blank = lambda n: "" if n is None else n  # noqa: E731
    extracted = lambda r: "countries only" if r.get("countries_only") else yes[r["entities"]]  # noqa: E731
    return [
        (r["language"], r["articles"], extracted(r), blank(r["mentions"]), yes[r["events_coded"]], blank(r["events"]))
        for r in rows
    ]
