"""Country names in languages other than English, from the Unicode CLDR (as Babel ships it), and their matches.

CLDR gives the everyday name of every country in about a hundred languages ("Russland", "Südkorea",
"Corée du Sud"); each is keyed by its ISO 3166 alpha-2 code, so a match is the same country entity,
with the same id and code, as an English mention. Babel ships only CLDR's default names, not its
alternative short or variant forms (CLDR's "USA" beside "Vereinigte Staaten" is left out), and a
parenthesised gloss ("Myanmar (Birmanie)") is dropped.

A language is covered when CLDR names at least `MIN_COVERAGE` of the countries and writes their
names capitalised: matching is case-sensitive and on word boundaries, which uncased scripts (Arabic,
Chinese, Hindi …) and languages that write countries with a lowercase article do not allow. What is
left out, so that a name does not find other things:
- names of fewer than `MIN_LETTERS` letters;
- a name shared by two countries, one the English gazetteer gives another country, one of the English
  ambiguous names (ambiguous_names.tsv: also a first name or a word), and one GeoNames gives a city of
  another country where the language is official (places.tsv; CLDR's official languages, de facto):
  Spanish "Granada" is Grenada and the Spanish city a Spanish reader means, "Guadalupe" Guadeloupe
  and a Mexican city; Portuguese "Guadalupe" stays.
- a name inside a longer English country or GeoNames place name: the longer name is matched too and
  wins the overlap, as the country it names ("South Sudan") or as a blocker that is then dropped
  ("Rhode Island" over German "Island", "New Jersey" over "Jersey");
- a one-word name followed by a capitalised word, in languages that write common nouns in lowercase:
  a first name ("Maurice Ravel") or part of a longer name ("France Télévisions").
Inflection: names are matched as CLDR writes them, plus the genitive in -s of languages that form it
by adding -s to a name not ending in s, x, z or ß ("Russlands", "Sveriges"), the one inflection that is
a regular suffix on the name itself; other cases (Russian "России") are not found.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import cache

import babel
import polars as pl
import pycountry
from babel import localedata
from babel.languages import get_official_languages

from toolkit.contract.ids import stable_id
from toolkit.contract.spans import char_offsets, slice_spans
from toolkit.entities.gazetteer import KIND_COUNTRY, _display_names, _geonames, country_gazetteer
from toolkit.vocab.dictionaries import shipped

# Shorter names are abbreviations or everyday words far more often than countries.
MIN_LETTERS = 4
# CLDR has names for some languages for only a few countries; such a language is not said to be covered.
MIN_COVERAGE = 0.9
# Languages whose genitive adds -s to a name (German, Dutch, Danish, Norwegian, Swedish).
GENITIVE_S = frozenset({"da", "de", "nb", "nl", "nn", "no", "sv"})
# Languages that capitalise every noun: there a name before a capitalised word is no sign of a person.
CAPITALISED_NOUNS = frozenset({"de", "lb"})
NAMES_SCHEMA = {"language": pl.Utf8, "surface": pl.Utf8, "iso3": pl.Utf8, "name": pl.Utf8, "entity_id": pl.Utf8}
_GLOSS = re.compile(r"\s*\([^)]*\)$")
_WORD_BEFORE = r"\w$"
_WORD_AFTER = r"^\w"
# A one-word name followed by a capitalised word is a first name ("Maurice Ravel", "Mauricio Macri") or
# part of a longer name ("France Télévisions"), in a language that writes common nouns in lowercase.
_NAME_AFTER = r"^[ \u00a0]\p{Lu}"


def _others() -> tuple[dict[str, str], frozenset[str]]:
    """Surfaces already taken: English country surfaces (-> iso3) and English ambiguous names."""
    english = dict(country_gazetteer().drop_nulls("iso3").select("surface", "iso3").iter_rows())
    ambiguous = frozenset(shipped().ambiguous["surface"])
    return english, ambiguous


@cache
def _places() -> dict[str, frozenset[str]]:
    """Place name -> the countries (ISO alpha-2) GeoNames has a city or state of that name in (places.tsv)."""
    alpha2 = {c.alpha_3: c.alpha_2 for c in pycountry.countries}
    places = _geonames()[1].group_by("surface").agg(pl.col("country_code").unique())
    return {s: frozenset(alpha2[c] for c in codes if c in alpha2) for s, codes in places.iter_rows()}


def _a_place_in_its_language(surface: str, iso3: str, language: str) -> bool:
    """True when GeoNames has a place `surface` in another country where `language` is official."""
    own = pycountry.countries.get(alpha_3=iso3).alpha_2
    return any(
        language in get_official_languages(country, de_facto=True)
        for country in _places().get(surface, frozenset()) - {own}
    )


def _longer_names(surfaces: list[str]) -> list[tuple[str, str | None]]:
    """(name, iso3) of English country names and GeoNames places that hold one of `surfaces` as a word.

    Matched too, they win the overlap: an English country name as the country it names ("South
    Sudan" over German "Sudan"), a place as a blocker (iso3 null) that is then dropped ("Rhode Island"
    over German "Island", "New Jersey" over "Jersey"), as the English gazetteer's blockers are.
    """
    if not surfaces:
        return []
    word = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, sorted(surfaces, key=len, reverse=True))) + r")(?!\w)")
    english = dict(country_gazetteer().select("surface", "iso3").iter_rows())
    taken = set(surfaces)
    longer = {s: english.get(s) for s in set(english) | set(_places()) if s not in taken and word.search(s)}
    return sorted(longer.items())


@cache
def country_names(language: str) -> pl.DataFrame:
    """language, surface, iso3, English display name, entity id: the CLDR names of `language` (NAMES_SCHEMA).

    Rows with a null iso3 are blockers (`_longer_names`). Empty when CLDR does not cover the language (see
    the module's docstring).
    """
    empty = pl.DataFrame(schema=NAMES_SCHEMA)
    if not language or not localedata.exists(language):
        return empty
    iso3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    territories = babel.Locale.parse(language).territories
    named = {iso3[code]: _GLOSS.sub("", name) for code, name in territories.items() if code in iso3}
    capitalised = [n for n in named.values() if n[:1].isupper()]
    if len(capitalised) < MIN_COVERAGE * len(iso3):
        return empty
    rows = []
    for code, name in named.items():
        if not name[:1].isupper() or sum(ch.isalpha() for ch in name) < MIN_LETTERS:
            continue
        rows.append((name, code))
        if language in GENITIVE_S and not name.endswith(("s", "x", "z", "ß")):
            rows.append((name + "s", code))
    english, ambiguous = _others()
    counts = Counter(surface for surface, _ in rows)
    kept = [
        (surface, code)
        for surface, code in rows
        if counts[surface] == 1
        and english.get(surface, code) == code
        and surface not in ambiguous
        and not _a_place_in_its_language(surface, code, language)
    ]
    kept += _longer_names([surface for surface, _ in kept])
    names = _display_names()
    table = pl.DataFrame(kept, schema={"surface": pl.Utf8, "iso3": pl.Utf8}, orient="row")
    return table.select(
        language=pl.lit(language),
        surface="surface",
        iso3="iso3",
        name=pl.col("iso3").replace_strict(names, default=None, return_dtype=pl.Utf8),
        entity_id=pl.when(pl.col("iso3").is_not_null()).then(
            stable_id(pl.lit(KIND_COUNTRY), pl.col("iso3"), prefix="entity")
        ),
    ).sort("surface")


def covers(language: str | None) -> bool:
    """True when CLDR names countries in `language` well enough for them to be looked for."""
    return language is not None and country_names(language)["iso3"].is_not_null().any()


def country_matches(articles_lf: pl.LazyFrame, languages: Sequence[str], art: str) -> pl.LazyFrame:
    """Whole-word, case-sensitive matches of the CLDR country names of each article's own language.

    `articles_lf` holds article_id, `art` (the article's rank), language and text; `languages` are the
    languages to look in (those CLDR does not cover are passed over). Gives article_id, `art`, start,
    end (characters), surface, iso3, name, entity_id; overlapping matches are all kept, blockers (null
    iso3) among them.
    """
    table = pl.concat([pl.DataFrame(schema=NAMES_SCHEMA), *(country_names(lang) for lang in sorted(set(languages)))])
    patterns = table["surface"].unique().sort().to_list()
    if not patterns:
        return pl.LazyFrame(schema={"article_id": pl.Utf8, art: pl.Int64, "start": pl.Int64, "end": pl.Int64,
                                    "surface": pl.Utf8, "iso3": pl.Utf8, "name": pl.Utf8, "entity_id": pl.Utf8})
    text = pl.col("text")
    arts = articles_lf.filter(text.is_not_null() & pl.col("language").is_in(table["language"].unique().implode()))
    hits = (
        arts.select(
            "article_id", art, "language",
            _byte=text.str.find_many(patterns, overlapping=True),
            surface=text.str.extract_many(patterns, overlapping=True),
        )
        .explode(["_byte", "surface"])
        .drop_nulls("_byte")
        # Only the names of the article's own language: German "Island" is Iceland, not in English.
        .join(table.lazy(), on=["language", "surface"], how="inner", maintain_order="left")
    )
    start = pl.col("start")
    context = {"_before": ((start - 1).clip(lower_bound=0), start), "_after": (pl.col("end"), pl.col("end") + 2)}
    nouns = pl.col("language").is_in(list(CAPITALISED_NOUNS))
    one_word = ~pl.col("surface").str.contains(r"[\s-]")
    texts = arts.select(art, "text")
    return (
        char_offsets(hits, texts, art, {"start": pl.col("_byte")})
        .with_columns(end=start + pl.col("surface").str.len_chars().cast(pl.Int64))
        .pipe(slice_spans, texts, art, context)
        .filter(
            ~pl.col("_before").str.contains(_WORD_BEFORE)
            & ~pl.col("_after").str.contains(_WORD_AFTER)
            & (nouns | ~one_word | ~pl.col("_after").str.contains(_NAME_AFTER))
        )
        .select("article_id", art, "start", "end", "surface", "iso3", "name", "entity_id")
    )
