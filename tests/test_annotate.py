"""annotate(): the public API keys results by the caller's ids, with offsets into the caller's texts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.annotation import Annotation, annotate
from toolkit.errors import AnnotateInputError
from toolkit.entities.mentions import MENTION_COLUMNS
from toolkit.errors import ToolkitError
from toolkit.events.coder import EVENT_COLUMNS

TEXTS = [
    "Russia launched air strikes on Ukraine. Let us hope the US responds.",
    "Israel imposed sanctions on Iran, the “North Korean” envoy said – é.",
    "Nothing to see here.",
]


def test_annotate_returns_frozen_frames_keyed_by_caller_id():
    res = annotate(pl.DataFrame({"id": [10, 20, 30], "text": TEXTS}))
    assert isinstance(res, Annotation)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.events = pl.DataFrame()  # type: ignore[misc]
    assert res.mentions.columns == ["id" if c == "article_id" else c for c in MENTION_COLUMNS]
    assert res.events.columns == ["id" if c == "article_id" else c for c in EVENT_COLUMNS]
    assert res.mentions.schema["id"] == pl.Int64 and res.events.schema["id"] == pl.Int64
    assert set(res.mentions["kind"]) == {"country"}
    assert res.mentions["country_code"].to_list() == ["RUS", "UKR", "USA", "ISR", "IRN", "PRK"]
    assert res.events.select("id", "cameo_code").rows() == [(10, "195"), (20, "163")]
    assert set(res.entities["country_code"]) == {"RUS", "UKR", "USA", "ISR", "IRN", "PRK"}


def test_offsets_index_the_callers_text_as_given():
    text = "  \t Russia  attacked\u00a0Ukraine.\r\nThen Türkiye spoke."  # not cleaned on purpose
    res = annotate(pl.DataFrame({"doc": ["k"], "body": [text]}), id_column="doc", text_column="body")
    for row in res.mentions.iter_rows(named=True):
        assert text[row["start"] : row["end"]] == row["surface"]
    for row in res.events.iter_rows(named=True):
        assert text[row["start"] : row["end"]] == row["text"]
    assert res.mentions["doc"].to_list() == ["k", "k", "k"]


PIECES = ["Russia", "us", "US", "Iranian", "é", "“", "”", "–", "Woman", " ", ". ", "North Korean"]


# Many texts per call, fewer calls: each call pays a fixed planning cost of most of a second, and the
# texts of one frame are annotated independently (40 calls check about as many texts as 200 calls of one).
@settings(max_examples=40)
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=30), min_size=1, max_size=12))
def test_mentions_round_trip_through_annotate(texts):
    texts = [" ".join(pieces) for pieces in texts]
    res = annotate(pl.DataFrame({"id": list(range(len(texts))), "text": texts}))
    rows = res.mentions.select("id", "start", "end", "surface").iter_rows()
    assert all(texts[i][s:e] == surf for i, s, e, surf in rows)
    assert "OMN" not in res.mentions["country_code"].to_list()


def test_results_do_not_depend_on_row_order():
    df = pl.DataFrame({"id": ["a", "b", "c"], "text": TEXTS})
    shuffled = df.sample(fraction=1.0, shuffle=True, seed=random.Random(7).randint(0, 10**6))
    first, second = annotate(df), annotate(shuffled)
    assert first.entities.equals(second.entities)
    assert first.mentions.equals(second.mentions)
    assert first.events.equals(second.events)


def test_null_texts_are_skipped_and_empty_input_gives_empty_frames():
    res = annotate(pl.DataFrame({"id": [1, 2], "text": [None, "Russia and Ukraine."]}))
    assert set(res.mentions["id"]) == {2}
    empty = annotate(pl.DataFrame({"id": [], "text": []}, schema={"id": pl.Int64, "text": pl.Utf8}))
    assert empty.mentions.height == empty.events.height == empty.entities.height == 0
    assert empty.events.columns == ["id" if c == "article_id" else c for c in EVENT_COLUMNS]


def test_published_at_dates_events():
    df = pl.DataFrame({
        "id": [1],
        "text": ["On Friday, Russia attacked Ukraine."],
        "published_at": [dt.datetime(2023, 10, 16, 12)],  # naive: taken as UTC; a Monday
    })
    assert annotate(df).events["event_date"].to_list() == [dt.date(2023, 10, 13)]


@pytest.mark.parametrize(
    ("frame", "kwargs"),
    [
        (pl.DataFrame({"text": ["Russia"]}), {}),
        (pl.DataFrame({"id": [1]}), {}),
        (pl.DataFrame({"id": [1, None], "text": ["a", "b"]}), {}),
        (pl.DataFrame({"id": [1, 1], "text": ["a", "b"]}), {}),
        (pl.DataFrame({"id": ["1", 1], "text": ["a", "b"]}, strict=False), {}),
        (pl.DataFrame({"id": [1], "text": [3]}), {}),
        (pl.DataFrame({"id": [1], "text": ["a"], "published_at": ["2024-01-01"]}), {}),
        (pl.DataFrame({"sentence": [1], "text": ["a"]}), {"id_column": "sentence"}),
        (pl.DataFrame({"id": [1], "text": ["a"]}), {"id_column": "text"}),
        ({"id": [1], "text": ["a"]}, {}),
    ],
    ids=[
        "missing-id", "missing-text", "null-id", "duplicate-id", "duplicate-after-cast", "text-not-string",
        "published-at-string", "id-clashes-with-output", "id-is-text", "not-a-dataframe",
    ],
)
def test_bad_input_raises_annotate_input_error(frame, kwargs):
    with pytest.raises(AnnotateInputError) as info:
        annotate(frame, **kwargs)
    assert isinstance(info.value, ToolkitError) and isinstance(info.value, ValueError)


def test_seed_articles_yield_countries_and_conflict_events(shared):
    texts = []
    for path in sorted((shared / "seeds").glob("*.txt")):
        # only the prose: the fact boxes of the first seed start at this heading
        texts.append(path.read_text(encoding="utf-8").split("Ukraine and Russia conflict latest")[0])
    res = annotate(pl.DataFrame({"id": [p.name for p in sorted((shared / "seeds").glob("*.txt"))], "text": texts}))
    assert {"PRK", "RUS", "USA", "UKR"} <= set(res.mentions["country_code"])
    assert res.events["root_code"].is_in(["19", "16"]).any()
    assert "OMN" not in set(res.mentions["country_code"])  # "Oman" appears only in a fact box
    for row in res.mentions.iter_rows(named=True):
        text = texts[[p.name for p in sorted((shared / "seeds").glob("*.txt"))].index(row["id"])]
        assert text[row["start"] : row["end"]] == row["surface"]


def test_annotate_takes_user_dictionaries_and_can_skip_events(tmp_path):
    from toolkit.vocab.dictionaries import load_dictionaries

    path = tmp_path / "actors.tsv"
    path.write_text(
        "name\taliases\tkind\tcountry_code\trole_code\tstart_date\tend_date\n"
        "Northwind Militia\tNorthwind\torganisation\tNOR\tREB\t\t\n",
        encoding="utf-8",
    )
    df = pl.DataFrame({"id": [1], "text": ["Northwind attacked Russia."]})
    res = annotate(df, dictionaries=load_dictionaries([path]), events=False)
    assert res.mentions.select("surface", "actor_code").rows() == [("Northwind", "NORREB"), ("Russia", "RUS")]
    assert res.events.height == 0 and res.events.columns == ["id" if c == "article_id" else c for c in EVENT_COLUMNS]
    assert annotate(df, dictionaries=load_dictionaries([path])).events.height >= 0
