"""Countries in other languages: CLDR names of the article's language, the English entities' ids and codes."""

from __future__ import annotations

import polars as pl
import pytest

from toolkit.entities import mentions as entities
from toolkit.entities.country_names import country_names, covers
from toolkit.entities.gazetteer import country_entity_id
from toolkit.text import segment


def run(text: str, language: str) -> pl.DataFrame:
    arts = pl.LazyFrame({"article_id": ["a"], "language": [language], "text": [text]})
    return entities.country_mentions(arts, segment.sentences(arts), [language]).collect()


def spans(found: pl.DataFrame) -> list[tuple]:
    return found.select("surface", "start", "end", "country_code").rows()


# Sentences written for these tests.
@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        pytest.param("de", "Gestern reiste die Delegation nach Russland.", [("Russland", 35, 43, "RUS")], id="de"),
        pytest.param("de", "Die Regierung Frankreichs widersprach.", [("Frankreichs", 14, 25, "FRA")], id="de-genitive"),
        pytest.param("fr", "Le ministre est rentré de Corée du Sud hier.", [("Corée du Sud", 26, 38, "KOR")], id="fr"),
        pytest.param("es", "La reunión entre Alemania y Estados Unidos fue breve.",
                     [("Alemania", 17, 25, "DEU"), ("Estados Unidos", 28, 42, "USA")], id="es"),
    ],
)
def test_a_country_is_found_by_its_name_in_the_articles_language(language, text, expected):
    found = run(text, language)
    assert spans(found) == expected
    assert all(text[s:e] == surface for surface, s, e, _ in expected)


def test_a_country_mention_is_the_english_entity():
    found = run("Die Türkei und Polen unterzeichneten ein Abkommen.", "de")
    assert found["entity_id"].to_list() == [country_entity_id("TUR"), country_entity_id("POL")]
    assert found.select("kind", "method", "demonym", "metonym").unique().rows() == [("country", "gazetteer", False, False)]
    table = entities.entities(found.lazy()).collect()
    assert set(table["kind"]) == {"country"} and set(table["name"]) == {"Türkiye", "Poland"}


@pytest.mark.parametrize(
    ("language", "text"),
    [
        # Capitalised words that are no country: nouns, a first name, and names holding a country's name.
        pytest.param("de", "Die Regierung kündigte am Montag neue Millionen Euro für Schulen an.", id="de-nouns"),
        pytest.param("de", "Er studierte zwei Jahre in Rhode Island.", id="de-longer-place"),
        pytest.param("fr", "Maurice Leblanc a publié un nouveau roman.", id="fr-first-name"),
        pytest.param("es", "El equipo de Granada ganó el domingo.", id="es-city"),
        pytest.param("de", "Die Russlandreise wurde abgesagt.", id="de-inside-a-word"),
        pytest.param("fr", "Les chiffres de la france rurale.", id="fr-lowercase"),
    ],
)
def test_a_capitalised_word_that_is_no_country_gives_nothing(language, text):
    assert run(text, language).height == 0


def test_only_the_articles_own_language_is_read():
    # "Island" is Iceland in German; in a French article it is no country.
    assert spans(run("Elle a visité Island et la Chine.", "fr")) == [("Chine", 27, 32, "CHN")]


def test_names_too_short_or_ambiguous_are_left_out():
    for language in ("de", "fr", "es", "it", "pt", "nl"):
        surfaces = country_names(language).drop_nulls("iso3")["surface"]
        assert surfaces.str.replace_all(r"\P{L}", "").str.len_chars().min() >= 4
    spanish = set(country_names("es").drop_nulls("iso3")["surface"])
    # An English ambiguous name (a first name, a US state), and a Spanish city a Spanish reader means.
    assert not {"Chad", "Georgia", "Granada"} & spanish and "Alemania" in spanish


def test_languages_without_capitalised_names_are_not_covered():
    assert covers("de") and covers("fr") and covers("es")
    assert not covers("ar") and not covers("zh") and not covers(None) and not covers("xx")
    assert run("زار الوزير روسيا", "ar").height == 0
