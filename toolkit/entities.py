"""Entities: country mentions found by a gazetteer (pycountry + toolkit/data), and the entity table.

The gazetteer is built once from pycountry (names, official names, common names; ISO 3166 alpha-3)
plus two versioned data files: `country_variants.tsv` (spellings pycountry lacks, and blockers such
as "New Jersey" that consume a span so that no country is found inside it) and `demonyms.tsv`
("North Korean" -> PRK). Matching is case-sensitive ("US" is a country, "us" a pronoun), whole-word,
and prefers the leftmost, then the longest surface ("North Korean" over "North Korea").
"""

from __future__ import annotations

from functools import cache

import polars as pl
import pycountry

from toolkit.codes import read_table
from toolkit.errors import DictionaryError
from toolkit.ids import stable_id, stable_id_py
from toolkit.spans import byte_to_char

KIND_COUNTRY = "country"

MENTION_COLUMNS = [
    "mention_id", "article_id", "entity_id", "sentence", "start", "end",
    "surface", "kind", "name", "country_code", "role_code",
]
_VARIANT_SCHEMA = {"variant": pl.Utf8, "iso3": pl.Utf8, "note": pl.Utf8}
_DEMONYM_SCHEMA = {"demonym": pl.Utf8, "plural": pl.Utf8, "iso3": pl.Utf8}
# A surface is a whole word when no word character touches it on either side.
_WORD_CHAR = r"^\w"


def _pycountry_surfaces() -> list[tuple[str, str, str]]:
    """(surface, iso3, origin) for pycountry's names; catalogue forms ("Korea, Republic of") are left out."""
    rows = []
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if not value or "," in value or "(" in value:
                continue
            # "the State of Palestine": the article belongs to the sentence, not to the name.
            value = value.removeprefix("the ")
            rows.append((value, country.alpha_3, f"pycountry.{attr}"))
    return rows


def _display_names() -> dict[str, str]:
    """iso3 -> pycountry common name, else name."""
    return {c.alpha_3: getattr(c, "common_name", None) or c.name for c in pycountry.countries}


@cache
def country_gazetteer() -> pl.DataFrame:
    """One row per searchable surface: iso3, display name and entity id (null iso3 = blocker)."""
    names = _display_names()
    variants = read_table("country_variants.tsv", _VARIANT_SCHEMA)
    demonyms = read_table("demonyms.tsv", _DEMONYM_SCHEMA)
    rows = _pycountry_surfaces()
    rows += [(v, iso, "country_variants.tsv") for v, iso in variants.select("variant", "iso3").iter_rows()]
    for demonym, plural, iso in demonyms.iter_rows():
        rows += [(s, iso, "demonyms.tsv") for s in (demonym, plural) if s]
    table = pl.DataFrame(rows, schema={"surface": pl.Utf8, "iso3": pl.Utf8, "origin": pl.Utf8}, orient="row")
    unknown = table.filter(pl.col("iso3").is_not_null() & ~pl.col("iso3").is_in(list(names)))
    if unknown.height:
        raise DictionaryError(f"unknown ISO 3166 alpha-3 codes in the gazetteer: {unknown.rows()}")
    table = table.unique(["surface", "iso3"], keep="first", maintain_order=True)
    clash = table.filter(pl.col("surface").is_duplicated())
    if clash.height:
        raise DictionaryError(f"a surface names two countries (or a country and a blocker): {clash.rows()}")
    return table.with_columns(
        name=pl.col("iso3").replace_strict(names, default=None),
        entity_id=pl.when(pl.col("iso3").is_not_null()).then(
            stable_id(pl.lit(KIND_COUNTRY), pl.col("iso3"), prefix="entity")
        ),
    ).sort("surface")


def country_entity_id(iso3: str) -> str:
    """The entity id of a country, for callers holding an ISO3 code in Python."""
    return stable_id_py(KIND_COUNTRY, iso3, prefix="entity")


def _resolve_overlaps(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Keep the leftmost, then longest, match; drop matches that start inside an earlier kept one.

    Greedy over the order (start, -length): a match is dropped when it starts before the furthest end
    seen so far. A dropped match can in rare chains shadow a later one; names never chain in practice.
    """
    seen_end = pl.col("end").cum_max().shift(1).over("article_id")
    return (
        lf.sort(["article_id", "start", "end"], descending=[False, False, True])
        .filter(seen_end.is_null() | (pl.col("start") >= seen_end))
    )


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


def mentions(articles_lf: pl.LazyFrame, sentences_lf: pl.LazyFrame) -> pl.LazyFrame:
    """One row per whole-word country name or demonym in each article text; blockers and overlaps dropped."""
    gaz = country_gazetteer()
    patterns = gaz["surface"].to_list()
    text = pl.col("text")
    matches = (
        articles_lf.select("article_id", "text")
        .filter(text.is_not_null())
        .with_columns(
            _byte=text.str.find_many(patterns, overlapping=True),
            surface=text.str.extract_many(patterns, overlapping=True),
        )
        .explode(["_byte", "surface"])
        .drop_nulls("_byte")
        .with_columns(start=byte_to_char(text, pl.col("_byte")))
        .with_columns(end=pl.col("start") + pl.col("surface").str.len_chars().cast(pl.Int64))
        .filter(
            ((pl.col("start") == 0) | ~text.str.slice(pl.col("start") - 1, 1).str.contains(_WORD_CHAR))
            & ~text.str.slice(pl.col("end"), 1).str.contains(_WORD_CHAR)
        )
        .select("article_id", "start", "end", "surface")
        .pipe(_resolve_overlaps)
        .join(gaz.lazy().drop("origin"), on="surface", how="inner")
        .filter(pl.col("iso3").is_not_null())  # blockers have done their job
    )
    return (
        _assign_sentences(matches, sentences_lf)
        .with_columns(
            mention_id=stable_id("article_id", "start", "end", prefix="mention"),
            kind=pl.lit(KIND_COUNTRY),
            country_code=pl.col("iso3"),
            role_code=pl.lit(None, dtype=pl.Utf8),
        )
        .select(MENTION_COLUMNS)
        .sort("article_id", "start", "end")
    )


def entities(mentions_lf: pl.LazyFrame) -> pl.LazyFrame:
    """One row per entity mentioned anywhere: attributes, sorted unique surfaces, mention and article counts."""
    return (
        mentions_lf.group_by("entity_id", maintain_order=True)
        .agg(
            pl.col("kind").first(),
            pl.col("name").first(),
            pl.col("country_code").first(),
            pl.col("role_code").first(),
            pl.col("surface").unique().sort().alias("aliases"),
            pl.len().cast(pl.Int64).alias("n_mentions"),
            pl.col("article_id").n_unique().cast(pl.Int64).alias("n_articles"),
        )
        .with_columns(
            geonames_id=pl.lit(None, dtype=pl.Int64),
            latitude=pl.lit(None, dtype=pl.Float64),
            longitude=pl.lit(None, dtype=pl.Float64),
        )
        .select(
            "entity_id", "kind", "name", "country_code", "role_code", "geonames_id",
            "latitude", "longitude", "aliases", "n_mentions", "n_articles",
        )
        .sort("entity_id")
    )
