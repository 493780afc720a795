"""Exact duplicates across the corpus: articles whose normalised content is the same."""

from __future__ import annotations

import polars as pl


def mark_duplicates(articles: pl.LazyFrame, documents: pl.LazyFrame) -> pl.LazyFrame:
    """Set `duplicate_of` to the first article with the same `content_hash`, null for that first one.

    "First" is a total order that does not depend on input order: earliest `published_at` (unknown
    dates last), then the document's source path, then the position inside the document.
    """
    order = articles.join(documents.select("doc_id", "source"), on="doc_id", how="left").with_columns(
        _rank=pl.struct(
            pl.col("published_at").is_null().alias("_undated"), "published_at", "source", "position"
        )
        .rank("ordinal")
        .over("content_hash")
    )
    first = (
        order.filter(pl.col("_rank") == 1)
        .select("content_hash", pl.col("article_id").alias("_first"))
    )
    return (
        articles.join(first, on="content_hash", how="left")
        .with_columns(
            duplicate_of=pl.when(pl.col("_first") != pl.col("article_id")).then(pl.col("_first"))
        )
        .drop("_first")
    )
