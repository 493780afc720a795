"""Event patterns: the shipped table covers CAMEO, recipe files load and win, matches round-trip."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.events import patterns
from toolkit.vocab.codes import cameo_table
from toolkit.errors import DictionaryError, ToolkitError

HEADER = "pattern\tcameo_code\troles\tnotes\n"


def sentences(texts: list[str]) -> pl.LazyFrame:
    return pl.LazyFrame(
        {"article_id": [f"a{i}" for i in range(len(texts))], "sentence": [0] * len(texts),
         "start": [0] * len(texts), "s_text": texts},
        schema={"article_id": pl.Utf8, "sentence": pl.Int64, "start": pl.Int64, "s_text": pl.Utf8},
    )


def found(texts: list[str], table: pl.DataFrame) -> pl.DataFrame:
    return (
        patterns.matches(sentences(texts), table)
        .join(table.lazy().select("verb", "cameo_code"), on="verb")
        .sort("article_id", "v_start", "verb")
        .collect()
    )


def test_shipped_patterns_are_no_event_rows_and_the_lexicon_codes_every_root():
    # verbs.tsv keeps the phrases that are no event; the lexicon (toolkit/data/lexicon) codes.
    assert (patterns.builtin_patterns()["cameo_code"] == patterns.NO_EVENT).all()
    table = patterns.pattern_table().filter(pl.col("cameo_code") != patterns.NO_EVENT)
    assert table["cameo_code"].is_in(cameo_table()["cameo_code"].implode()).all()
    assert sorted(table["cameo_code"].str.slice(0, 2).unique()) == [f"{r:02d}" for r in range(1, 21)]
    assert set(table["roles"]) <= set(patterns.ROLES)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("travelled to", "042"), ("imposed new sanctions on", "163"), ("air strikes on", "195"),
        ("provided the army with weapons", "072"), ("accused", "112"), ("met with", "040"), ("hosted", "043"),
        ("signed an agreement with", "057"), ("threatened", "130"), ("protested against", "141"),
        ("seeking military assistance from", "0232"), ("demanded the release of", "1053"),
    ],
    ids=lambda v: v if isinstance(v, str) and not v.isdigit() else None,
)
def test_phrases_the_issue_names_get_their_codes(text, code):
    got = found([f"X {text} Y."], patterns.pattern_table())
    assert got["cameo_code"].to_list()[:1] == [code]


def test_specific_phrase_wins_over_general_one_at_the_same_place():
    got = found(["They launched air strikes on the city."], patterns.pattern_table())
    assert got["cameo_code"].to_list() == ["195"]


def test_every_match_of_a_sentence_counts_and_offsets_round_trip():
    text = "“Élan” criticised Z, then accused Z and later attacked Z."
    got = found([text], patterns.pattern_table())
    assert got["cameo_code"].to_list() == ["111", "112", "190"]
    assert [text[s:e] for s, e in got.select("v_start", "v_end").iter_rows()] == ["criticised", "accused", "attacked"]


@given(st.text(alphabet="aé “”–Ω,.", max_size=20), st.text(alphabet="aé “”–Ω,.", max_size=20))
def test_trigger_offsets_are_character_offsets_in_any_text(before, after):
    # (a subject before the verb: after a determiner such as "a" the verb form would be read as a noun)
    text = f"{before} Ruritania imposed sanctions on {after}"
    got = found([text], patterns.pattern_table())
    spans = [text[s:e] for s, e in got.select("v_start", "v_end").iter_rows()]
    # The lexicon's frame ends at its object ("imposed sanctions"); offsets in bytes would shift it.
    assert "imposed sanctions" in spans


def test_recipe_patterns_load_and_win_over_shipped_ones(tmp_path):
    path = tmp_path / "mine.tsv"
    path.write_text(HEADER + "(?:criticised|criticized)\t1121\tforward\tmy reading\n", encoding="utf-8")
    mine = patterns.load_patterns([path])
    got = found(["X criticised Y."], patterns.pattern_table(mine))
    assert got["cameo_code"].to_list() == ["1121"]
    only = patterns.pattern_table(mine, builtin=False)
    assert only.height == 1


def test_one_phrase_can_code_two_events(tmp_path):
    path = tmp_path / "two.tsv"
    path.write_text(HEADER + "left for\t042\tforward\tvisit\nleft for\t043\treverse\thost\n", encoding="utf-8")
    got = found(["X left for Y."], patterns.pattern_table(patterns.load_patterns([path]), builtin=False))
    assert got["cameo_code"].to_list() == ["042", "043"]


@pytest.mark.parametrize(
    "row",
    [
        "attacked\t999\tforward\tunknown code",
        "attacked\t190\tsideways\tunknown role",
        "(attacked)\t190\tforward\tcapturing group",
        "attacked(?:\t190\tforward\tinvalid regex",
    ],
    ids=["unknown_code", "unknown_role", "capturing_group", "invalid_regex"],
)
def test_bad_pattern_rows_raise_dictionary_error(tmp_path, row):
    path = tmp_path / "bad.tsv"
    path.write_text(HEADER + row + "\n", encoding="utf-8")
    with pytest.raises(DictionaryError, match="bad.tsv") as info:
        patterns.load_patterns([path])
    assert isinstance(info.value, ToolkitError)


def test_missing_pattern_file_raises_dictionary_error(tmp_path):
    with pytest.raises(DictionaryError):
        patterns.load_patterns([tmp_path / "absent.tsv"])
