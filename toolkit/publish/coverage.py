"""How much of what was read became article text, for the build summary and the dataset card.

Every character of a document's text lands in an article (its title or a paragraph) or in a
fragment (navigation, captions, fact boxes, boilerplate, promos, repeated text), so the share kept
as article text is article characters over article plus fragment characters (the whitespace between
blocks counts for neither). A layout the segmenter misreads shows up as documents whose share is far
below the corpus's: those are named, so a user sees where text was filed as page furniture.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

# A document is flagged when it keeps less than this part of the corpus's share, and has at least
# MIN_CHARS characters in blocks (a short document's share says little).
FAR_BELOW = 0.5
MIN_CHARS = 200
SHOWN = 10  # flagged documents named in the card


def text_kept(tables: Mapping[str, pl.DataFrame]) -> dict:
    """{"share", "article_chars", "fragment_chars", "flagged", "documents"}: the corpus's share of
    characters kept as article text, the count of documents far below it and the first SHOWN of them
    (source, share, characters), lowest share first. Empty when the tables lack the columns."""
    arts, frags, docs = tables.get("articles"), tables.get("fragments"), tables.get("documents")
    if arts is None or frags is None or docs is None or "block_starts" not in arts.columns:
        return {}
    title = (pl.col("title_end") - pl.col("title_start")).fill_null(0)
    body = (pl.col("block_ends") - pl.col("block_starts")).list.sum().fill_null(0)
    per_doc = pl.concat(
        [
            arts.group_by("doc_id").agg(kept=(title + body).sum().cast(pl.Int64), filed=pl.lit(0, pl.Int64)),
            frags.group_by("doc_id").agg(kept=pl.lit(0, pl.Int64), filed=(pl.col("end") - pl.col("start")).sum().cast(pl.Int64)),
        ]
    ).group_by("doc_id").agg(pl.col("kept").sum(), pl.col("filed").sum())
    kept, filed = int(per_doc["kept"].sum()), int(per_doc["filed"].sum())
    if kept + filed == 0:
        return {}
    share = kept / (kept + filed)
    low = (
        per_doc.join(docs.select("doc_id", "source"), on="doc_id", how="left")
        .with_columns(total=pl.col("kept") + pl.col("filed"))
        .with_columns(doc_share=pl.col("kept") / pl.col("total"))
        .filter((pl.col("total") >= MIN_CHARS) & (pl.col("doc_share") < FAR_BELOW * share))
        .sort(["doc_share", "source"])
    )
    return {
        "share": round(share, 4),
        "article_chars": kept,
        "fragment_chars": filed,
        "flagged": low.height,
        "documents": [
            (source, round(s, 4), int(total))
            for source, s, total in low.head(SHOWN).select("source", "doc_share", "total").iter_rows()
        ],
    }


def kept_note(stats: dict) -> str:
    """One sentence for the summary and the card."""
    if not stats:
        return "No document text was kept as articles or fragments."
    note = (
        f"{stats['share']:.1%} of the characters of the documents read are article text (titles and "
        f"paragraphs); the rest ({stats['fragment_chars']:,} characters) was filed as fragments."
    )
    if stats["flagged"]:
        note += (
            f" {stats['flagged']:,} document(s) kept less than {FAR_BELOW:.0%} of that share: their layout may "
            "have been misread; see the fragments table for where their text went."
        )
    return note
