"""Claims about the share of document text kept as article text, and the documents far below it."""

from __future__ import annotations

import polars as pl

from toolkit.publish.coverage import FAR_BELOW, kept_note, text_kept
from toolkit.publish.package import card_stats


def _tables(blocks: dict[str, list[tuple[int, int]]], fragments: dict[str, list[tuple[int, int]]]) -> dict:
    docs = sorted(set(blocks) | set(fragments))
    articles = pl.DataFrame(
        {
            "article_id": [f"a{d}" for d in blocks],
            "doc_id": list(blocks),
            "title_start": [0 for _ in blocks],
            "title_end": [10 for _ in blocks],
            "block_starts": [[s for s, _ in b] for b in blocks.values()],
            "block_ends": [[e for _, e in b] for b in blocks.values()],
            "language": ["en" for _ in blocks],
        }
    )
    frags = pl.DataFrame(
        [(d, s, e) for d, spans in fragments.items() for s, e in spans],
        schema={"doc_id": pl.String, "start": pl.Int64, "end": pl.Int64},
        orient="row",
    )
    documents = pl.DataFrame({"doc_id": docs, "source": [f"raw/{d}.txt" for d in docs]})
    return {"documents": documents, "articles": articles, "fragments": frags}


def test_the_share_counts_titles_and_paragraphs_against_fragments_and_names_misread_documents():
    tables = _tables(
        {"good": [(12, 1000)], "bad": [(12, 100)]},  # "bad" files most of its text as fragments
        {"good": [(1000, 1050)], "bad": [(100, 1100)], "nav": [(0, 30)]},
    )
    kept = text_kept(tables)
    article, fragment = (10 + 988) + (10 + 88), 50 + 1000 + 30
    assert (kept["article_chars"], kept["fragment_chars"]) == (article, fragment)
    assert kept["share"] == round(article / (article + fragment), 4)
    # "nav" keeps nothing but is too short to judge; "bad" keeps 9% where the corpus keeps half.
    assert kept["flagged"] == 1 and kept["documents"] == [("raw/bad.txt", round(98 / 1098, 4), 1098)]
    assert "1 document(s) kept less than" in kept_note(kept)


def test_a_corpus_kept_whole_flags_nothing_and_the_card_reports_it():
    tables = _tables({"a": [(12, 500), (502, 900)], "b": [(12, 400)]}, {})
    kept = card_stats(tables)["text_kept"]
    assert kept["share"] == 1.0 and kept["flagged"] == 0 and kept["documents"] == []
    assert kept_note(kept).startswith("100.0% of the characters") and "kept less than" not in kept_note(kept)
    assert 0 < FAR_BELOW < 1
