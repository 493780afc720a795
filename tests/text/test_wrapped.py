"""Claims about hard-wrapped text (wire copy with a line break every 55-80 characters): rejoining
wrapped lines loses and repeats no character."""

from __future__ import annotations

import textwrap

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import documents_frame, prose_lines
from tests.text.test_segment import _segment, _texts

# Paragraphs of several sentences, wrapped at a fixed width and started by an indent or a blank line.
_paragraphs = st.lists(st.lists(prose_lines(), min_size=2, max_size=5).map(" ".join), min_size=1, max_size=4)


@st.composite
def wrapped_documents(draw: st.DrawFn) -> str:
    width = draw(st.integers(55, 80))
    separator = draw(st.sampled_from(["\n    ", "\n\n", "\n\n    "]))
    paragraphs = [textwrap.fill(p, width) for p in draw(_paragraphs)]
    indent = "    " if separator.endswith(" ") else ""
    return indent + separator.join(paragraphs)


@settings(max_examples=25, deadline=None)
@given(st.lists(wrapped_documents(), min_size=1, max_size=3))
def test_every_character_of_wrapped_text_lands_in_one_article_or_fragment(docs):
    out = _segment(documents_frame(docs))
    texts = _texts(out["docs"])
    spans = pl.concat(
        [
            out["articles"].select("doc_id", start="title_start", end="title_end").drop_nulls(),
            out["articles"].select("doc_id", start="block_starts", end="block_ends").explode("start", "end"),
            out["fragments"].select("doc_id", "start", "end"),
        ]
    )
    for doc_id, text in texts.items():
        covered = [0] * len(text)
        for start, end in spans.filter(pl.col("doc_id") == doc_id).select("start", "end").iter_rows():
            for i in range(start, end):
                covered[i] += 1
        assert all(c <= 1 for c in covered), "a character in two spans"
        assert all(c == 1 or ch.isspace() for ch, c in zip(text, covered)), "a character in no span"
