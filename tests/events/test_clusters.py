"""Event clusters: one id per happening across articles, stable under input order."""

from __future__ import annotations

import datetime as dt

import polars as pl

from tests.events.test_events import run
from toolkit.events import clusters

MONDAY = dt.datetime(2023, 10, 16, 9, tzinfo=dt.UTC)
TUESDAY = dt.datetime(2023, 10, 17, 9, tzinfo=dt.UTC)


def test_reports_of_one_happening_share_a_cluster_across_articles():
    found = run(
        ["On Friday, Russia launched air strikes on Ukraine.", "Russia launched air strikes on Ukraine on October 13.",
         "Russia launched air strikes on Ukraine.", "Israel imposed sanctions on Iran on Friday."],
        ["a", "b", "c", "d"], published=[MONDAY, TUESDAY, TUESDAY, MONDAY],
    ).sort("article_id")
    ids = found["cluster_id"].to_list()
    assert ids[0] == ids[1]  # same dyad, root and day, told two ways
    assert ids[2] != ids[0]  # no day in the text: the publication day, another day
    assert ids[3] not in ids[:3]
    counts = clusters.cluster_counts(found.lazy()).collect()
    assert counts.filter(pl.col("cluster_id") == ids[0]).select("n_events", "n_articles").row(0) == (2, 2)


def test_events_without_any_day_are_not_clustered():
    assert run(["Russia launched air strikes on Ukraine."])["cluster_id"].to_list() == [None]


def test_clusters_do_not_depend_on_input_order():
    texts = ["On Friday, Russia attacked Ukraine.", "Russia attacked Ukraine on Friday. China criticised Japan."]
    a = run(texts, ["x", "y"], published=[MONDAY, MONDAY]).sort("event_id")
    b = run(texts[::-1], ["y", "x"], published=[MONDAY, MONDAY]).sort("event_id")
    assert a["cluster_id"].equals(b["cluster_id"])
