"""Event dates: explicit and relative expressions resolved against publication, with their precision."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.events import dates

PUBLISHED = dt.datetime(2023, 10, 16, 9, tzinfo=dt.UTC)  # a Monday


def resolve(texts: list[str], published: dt.datetime | None = PUBLISHED) -> list[tuple]:
    frame = pl.DataFrame(
        {"text": texts, "published_at": [published] * len(texts)},
        schema={"text": pl.Utf8, "published_at": pl.Datetime("us", "UTC")},
    )
    out = frame.select(d=dates.event_dates(pl.col("text"), pl.col("published_at"))).unnest("d")
    return list(out.iter_rows())


@pytest.mark.parametrize(
    ("text", "date", "precision"),
    [
        ("On September 13, they met.", dt.date(2023, 9, 13), "day"),
        ("They met on 13 September 2021.", dt.date(2021, 9, 13), "day"),
        ("They met on December 28.", dt.date(2022, 12, 28), "day"),  # later than publication: the year before
        ("On Friday, Russia attacked.", dt.date(2023, 10, 13), "day"),
        ("It happened on Monday.", dt.date(2023, 10, 16), "day"),
        ("It happened yesterday.", dt.date(2023, 10, 15), "day"),
        ("They met for a summit last month.", dt.date(2023, 9, 1), "month"),
        ("It happened in August.", dt.date(2023, 8, 1), "month"),
        ("It happened in November.", dt.date(2022, 11, 1), "month"),
        ("Sanctions were imposed last year.", dt.date(2022, 1, 1), "year"),
        ("Sanctions were imposed in 2019.", dt.date(2019, 1, 1), "year"),
        ("Russia may attack.", None, "none"),
    ],
)
def test_expressions_resolve_against_publication(text, date, precision):
    got_date, _, got_precision = resolve([text])[0]
    assert (got_date, got_precision) == (date, precision)


def test_a_range_gives_its_first_and_last_day():
    assert resolve(["The delivery took place between September 7 and October 1, the US said."])[0] == (
        dt.date(2023, 9, 7), dt.date(2023, 10, 1), "day",
    )


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        # The end would be more than a week after publication, the start not: one year for both.
        ("They fought between October 14 and October 30.", PUBLISHED, (dt.date(2023, 10, 14), dt.date(2023, 10, 30))),
        ("Talks ran from December 28 to January 3.", dt.datetime(2024, 1, 5, tzinfo=dt.UTC),
         (dt.date(2023, 12, 28), dt.date(2024, 1, 3))),
        ("Talks ran from December 28 to January 3 2025.", dt.datetime(2024, 1, 5, tzinfo=dt.UTC),
         (dt.date(2023, 12, 28), dt.date(2025, 1, 3))),
    ],
)
def test_a_range_never_ends_before_it_starts(text, published, expected):
    start, end, precision = resolve([text], published=published)[0]
    assert (start, end, precision) == (*expected, "day")


def test_no_year_is_invented_without_a_publication_date():
    got = resolve(["On September 13, they met.", "On Friday they met.", "Last month they met.",
                   "On 13 September 2021 they met."], published=None)
    assert got == [(None, None, "none")] * 3 + [(dt.date(2021, 9, 13), None, "day")]


@given(st.text(max_size=60))
def test_precision_is_none_exactly_when_there_is_no_date(text):
    (date, _, precision), = resolve([text])
    assert (date is None) == (precision == "none")


_SAMPLES = [
    "On September 13, they met.", "They met on 13 September 2021.", "They met on December 28.",
    "On Friday, Russia attacked.", "It happened yesterday.", "They met for a summit last month.",
    "It happened in August.", "Sanctions were imposed in 2019.", "Russia may attack.",
    "The delivery took place between September 7 and October 1, the US said.", "On 30 February they met.",
    "Last year and this month.", "",
]


@given(st.lists(st.one_of(st.sampled_from(_SAMPLES), st.text(max_size=40)), max_size=8),
       st.sampled_from([PUBLISHED, None]))
def test_staged_dates_agree_with_the_expression(texts, published):
    frame = pl.DataFrame(
        {"i": list(range(len(texts))), "text": texts, "published_at": [published] * len(texts)},
        schema={"i": pl.Int64, "text": pl.Utf8, "published_at": pl.Datetime("us", "UTC")},
    )
    staged = dates.with_event_dates(frame.lazy(), "text", "published_at").collect().sort("i")
    expected = frame.with_columns(d=dates.event_dates(pl.col("text"), pl.col("published_at"))).unnest("d")
    assert staged.select(expected.columns).equals(expected)
