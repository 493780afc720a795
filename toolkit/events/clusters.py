"""Event clusters: mentions of the same real-world happening across articles (GDELT's NumMentions/NumArticles).

Two events fall in one cluster when they have the same dyad (source and target entity), the same CAMEO
root and the same day: the event_date when the text gives a day, else the article's publication day
(news reports what happened on or just before that day). An event with neither has no cluster. The
id is a stable hash of that key, so it is computed per shard and still agrees across shards and runs,
whatever the input order; `cluster_counts` is the corpus-wide step that counts each cluster.
"""

from __future__ import annotations

import polars as pl

from toolkit.contract.ids import stable_id


def cluster_id(published: pl.Expr) -> pl.Expr:
    """Stable cluster id over (source_id, target_id, root_code, day); null when no day is known."""
    day = (
        pl.when(pl.col("date_precision") == "day").then(pl.col("event_date"))
        .otherwise(published.dt.date())
    )
    key = stable_id(pl.col("source_id"), pl.col("target_id"), pl.col("root_code"), day.cast(pl.Utf8), prefix="cluster")
    return pl.when(day.is_not_null()).then(key)


def cluster_counts(events_lf: pl.LazyFrame) -> pl.LazyFrame:
    """Per cluster: n_events (mentions of it) and n_articles (articles reporting it), sorted by cluster_id."""
    return (
        events_lf.drop_nulls("cluster_id")
        .group_by("cluster_id")
        .agg(n_events=pl.len().cast(pl.Int64), n_articles=pl.col("article_id").n_unique().cast(pl.Int64))
        .sort("cluster_id")
    )
