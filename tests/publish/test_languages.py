"""Claims about what a build says it extracted per language (summary and card)."""

from __future__ import annotations

import json

import polars as pl

from toolkit.publish import package
from toolkit.publish.languages import extraction_by_language, extraction_note, extraction_table

from tests.publish.test_package import META, MINI, _manifest

TABLES = {
    "articles": pl.DataFrame(
        {"article_id": ["a", "b", "c", "d", "e", "f"], "language": ["en", None, "de", "fr", "de", "ar"]}
    ),
    "mentions": pl.DataFrame({"article_id": ["a", "a", "b", "c"]}),
    "events": pl.DataFrame({"article_id": ["a"]}),
}


def test_each_language_says_what_was_extracted_and_how_much():
    rows = {r["language"]: r for r in extraction_by_language(TABLES)}
    assert rows["en"] == {
        "language": "en", "articles": 1, "entities": True, "countries_only": False, "mentions": 2,
        "events_coded": True, "events": 1,
    }
    # Too short to tell: read as English, and named "und" (ISO 639-2 undetermined).
    assert rows["und"] == {
        "language": "und", "articles": 1, "entities": True, "countries_only": False, "mentions": 1,
        "events_coded": True, "events": 0,
    }
    # CLDR names countries in German: they alone were looked for, and counted.
    assert rows["de"] == {
        "language": "de", "articles": 2, "entities": True, "countries_only": True, "mentions": 1,
        "events_coded": False, "events": None,
    }
    assert rows["fr"]["countries_only"] and rows["fr"]["mentions"] == 0
    # Arabic is written without capitals, which the case-sensitive names need: nothing was looked for,
    # so no count rather than a count of zero.
    assert rows["ar"] == {
        "language": "ar", "articles": 1, "entities": False, "countries_only": False, "mentions": None,
        "events_coded": False, "events": None,
    }


def test_rows_are_ordered_by_articles_then_language():
    assert [r["language"] for r in extraction_by_language(TABLES)] == ["de", "ar", "en", "fr", "und"]


def test_the_note_counts_the_articles_kept_without_extraction():
    note = extraction_note(extraction_by_language(TABLES))
    assert note.startswith("Entities and events are extracted for English only")
    assert "Countries only, by their CLDR names, for 3 articles in de, fr." in note
    assert "1 article in ar was kept without entities or events." in note
    assert "without events." not in note


def test_without_coded_events_the_note_says_which_articles_have_none():
    rows = extraction_by_language(TABLES, code_events=False)
    assert not any(r["events_coded"] for r in rows) and all(r["events"] is None for r in rows)
    assert "2 articles in en, und were kept without events." in extraction_note(rows)


def test_table_cells_leave_counts_blank_where_nothing_was_extracted():
    cells = extraction_table(extraction_by_language(TABLES))
    assert cells[0] == ("de", 2, "countries only", 1, "no", "")
    assert cells[1] == ("ar", 1, "no", "", "no", "")
    assert cells[2] == ("en", 1, "yes", 2, "yes", 1)


def test_the_card_shows_one_languages_table_with_the_note():
    stats = package.card_stats(TABLES)
    assert json.loads(json.dumps(stats))["extraction"] == stats["extraction"]
    card = package.dataset_card(META, _manifest(MINI), stats, MINI)
    assert card.count("### Languages") == 1
    assert "1 article in ar was kept without entities or events." in card
    assert "| language | articles | entities extracted? | mentions | events coded? | events |" in card
    assert "| de | 2 | countries only | 1 | no |  |" in card and "| en | 1 | yes | 2 | yes | 1 |" in card


def test_the_card_names_the_languages_among_its_limitations():
    card = package.dataset_card(META, _manifest(MINI), {}, MINI)
    limitations = card.split("## Limitations", 1)[1]
    assert "Entities and events are extracted only from articles in English" in limitations
    assert "countries only are found" in limitations
