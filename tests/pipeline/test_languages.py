"""Entities and events only for the languages their rules are written in, countries alone in the
languages CLDR names them in; other articles kept, and said so."""

from __future__ import annotations

import json

import polars as pl
import pytest

from toolkit.cli import EXIT_OK, main
from toolkit.entities import LANGUAGES as ENTITY_LANGUAGES
from toolkit.events import LANGUAGES as EVENT_LANGUAGES

# Written for this test. The German one is full of capitalised nouns and phrases that English name
# rules take for people ("Die Regierung", "Millionen Euro") and names a country the gazetteer knows.
ENGLISH = (
    "Foreign Minister Visits Ankara\n\n"
    "The French foreign minister met Turkish President Recep Tayyip Erdogan in Ankara on Tuesday. "
    "France condemned the attack on the border post and urged Turkey to hold talks with Syria. "
    "Officials said the two governments signed an agreement on trade.\n"
)
GERMAN = (
    "Regierung plant neue Hilfen\n\n"
    "Die Regierung will den Gemeinden im kommenden Jahr weitere Millionen Euro für Schulen und "
    "Krankenhäuser geben. Der Finanzminister sagte am Dienstag, die Mittel seien gesichert. "
    "Die Opposition kritisierte den Plan als zu spät und forderte eine Debatte im Parlament. "
    "Auch China und die Türkei wurden in der Sitzung erwähnt, weil die Regierung dort Aufträge vergeben will.\n"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("languages")
    (root / "raw").mkdir()
    (root / "raw" / "en.txt").write_text(ENGLISH, encoding="utf-8")
    (root / "raw" / "de.txt").write_text(GERMAN, encoding="utf-8")
    return root, root / "out"


@pytest.fixture(scope="module")
def summary(built):
    """The build's JSON summary and its human output (stderr)."""
    import contextlib
    import io

    root, out = built
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        assert main(["build", str(root / "raw"), "--out", str(out), "--json"]) == EXIT_OK
    return json.loads(stdout.getvalue()), stderr.getvalue()


def _tables(out):
    return {t: pl.read_parquet(out / f"{t}.parquet") for t in ("articles", "mentions", "events")}


def test_entities_and_events_are_english_only():
    assert ENTITY_LANGUAGES == ("en",) and EVENT_LANGUAGES == ("en",)


def test_a_german_article_is_kept_with_its_countries_only(built, summary):
    t = _tables(built[1])
    german = t["articles"].filter(pl.col("language") == "de")
    assert german.height == 1 and "Millionen Euro" in german["text"].item()
    found = t["mentions"].join(german, on="article_id", how="semi").sort("start")
    # Countries by their German names; no person from "Die Regierung" or "Millionen Euro".
    assert found["surface"].to_list() == ["China", "Türkei"] and found["country_code"].to_list() == ["CHN", "TUR"]
    assert t["events"].join(german, on="article_id", how="semi").height == 0


def test_a_country_is_one_entity_whatever_the_language(built, summary):
    entities = pl.read_parquet(built[1] / "entities.parquet")
    turkey = entities.filter((pl.col("kind") == "country") & (pl.col("country_code") == "TUR")).to_dicts()
    assert len(turkey) == 1 and {"Turkey", "Türkei"} <= set(turkey[0]["aliases"]) and turkey[0]["n_articles"] == 2


def test_an_english_article_still_gets_entities_and_events(built, summary):
    t = _tables(built[1])
    english = t["articles"].filter(pl.col("language") == "en")
    assert english.height == 1
    assert t["mentions"].join(english, on="article_id", how="semi").height > 0
    assert t["events"].join(english, on="article_id", how="semi").height > 0


def test_the_summary_gives_per_language_figures(built, summary):
    data, human = summary
    t = _tables(built[1])
    rows = {r["language"]: r for r in data["languages"]}
    assert rows["de"] == {
        "language": "de", "articles": 1, "entities": True, "countries_only": True, "mentions": 2,
        "events_coded": False, "events": None,
    }
    assert rows["en"]["entities"] and rows["en"]["events_coded"]
    assert rows["en"]["mentions"] == t["mentions"].height - rows["de"]["mentions"]
    assert rows["en"]["events"] == t["events"].height
    said = " ".join(human.split())  # rich wraps lines to the terminal
    assert "extracted for English only" in said and "Countries only, by their CLDR names, for 1 article in de" in said


def test_the_card_gives_per_language_figures(built, summary):
    card = (built[1] / "README.md").read_text(encoding="utf-8")
    t = _tables(built[1])
    assert "### Languages" in card
    assert "Entities and events are extracted for English only" in card
    assert "| de | 1 | countries only | 2 | no |  |" in card
    assert f"| en | 1 | yes | {t['mentions'].height - 2} | yes | {t['events'].height} |" in card
