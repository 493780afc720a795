"""Claims about the sentence splitter: exact spans, abbreviations, quotes, decimals and initials."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import messy_text, prose_lines
from toolkit.text.segment import sentences as sentences_from_segment
from toolkit.text.sentences import sentences, with_sentence_counts


def _split(texts: list[str]) -> list[list[str]]:
    ids = [f"a{i:03d}" for i in range(len(texts))]
    rows = sentences(pl.LazyFrame({"article_id": ids, "text": texts})).collect()
    out = {i: [] for i in ids}
    for article_id, start, end in rows.select("article_id", "start", "end").iter_rows():
        out[article_id].append(texts[ids.index(article_id)][start:end])
    return [out[i] for i in ids]


SENTENCES = [
    ("Mr. Kirby said “yes.” He left.", ["Mr. Kirby said “yes.”", "He left."]),
    ("It cost 3.5 m. Prices rose.", ["It cost 3.5 m.", "Prices rose."]),
    ("John F. Kennedy met U.S. officials at 5 p.m. on Monday.", ["John F. Kennedy met U.S. officials at 5 p.m. on Monday."]),
    ("Dr Émile and Gen. Park left. The U.N. agreed.", ["Dr Émile and Gen. Park left.", "The U.N. agreed."]),
    ("Troops left the U.S. The base closed.", ["Troops left the U.S.", "The base closed."]),
    ("“Why?” he asked. “Because.”", ["“Why?” he asked.", "“Because.”"]),
    ("Subheading\n\nThe text goes on!", ["Subheading", "The text goes on!"]),
    ("No final stop – “é”", ["No final stop – “é”"]),
    ("J. K. Rowling wrote it. She was paid.", ["J. K. Rowling wrote it.", "She was paid."]),
    ("Lt. Col. Smith met Sen. Jones and Gov. Brown. They spoke.",
     ["Lt. Col. Smith met Sen. Jones and Gov. Brown.", "They spoke."]),
    ("He met Mrs. May at No. 10 Downing St. on Tuesday.", ["He met Mrs. May at No. 10 Downing St. on Tuesday."]),
    ("It was e.g. red. The U.K. and U.S. agreed.", ["It was e.g. red.", "The U.K. and U.S. agreed."]),
    ("Sales fell in Jan. and Feb. Then they rose.", ["Sales fell in Jan. and Feb.", "Then they rose."]),
    ("Apple Inc. said so. Apple Inc. The company rose.", ["Apple Inc. said so.", "Apple Inc.", "The company rose."]),
    ("He paused... Then he left. Wait... what?", ["He paused...", "Then he left.", "Wait... what?"]),
    ("Das ist z. B. gut. Der Vertrag Nr. 5 gilt.", ["Das ist z. B. gut.", "Der Vertrag Nr. 5 gilt."]),
    ("Er sagte: „Wir schaffen das.“ Dann ging er.", ["Er sagte: „Wir schaffen das.“", "Dann ging er."]),
    ("« Nous partons. » Il est parti.", ["« Nous partons. »", "Il est parti."]),
    ("Prices rose 2.5% in 2023. Growth slowed.", ["Prices rose 2.5% in 2023.", "Growth slowed."]),
    # A hard-wrapped paragraph is one sentence; a headline or a short line before a break is not wrapped.
    ("The British government reached an agreement with\nJapan on new rights, officials said.\nIt was signed.",
     ["The British government reached an agreement with\nJapan on new rights, officials said.", "It was signed."]),
    ("Russia Expels British Diplomats Over Spy Case\nMoscow said it had expelled them.",
     ["Russia Expels British Diplomats Over Spy Case", "Moscow said it had expelled them."]),
    ("Home\nNews\nSport", ["Home", "News", "Sport"]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), SENTENCES, ids=[t[:24] for t, _ in SENTENCES])
def test_sentence_splitter_handles_abbreviations_initials_decimals_and_quotes(text, expected):
    assert _split([text]) == [expected]


# The Unicode White_Space characters polars strips; Python's str.isspace() also counts the
# information separators U+001C..U+001F, which are not whitespace to the toolkit.
_WS = "".join(c for c in map(chr, range(0x3000 + 1)) if c.isspace() and c not in "\x1c\x1d\x1e\x1f")
_texts = st.lists(st.one_of(messy_text, st.lists(prose_lines(), min_size=1, max_size=4).map(" ".join)),
                  min_size=1, max_size=5)  # fmt: skip


@given(_texts)
def test_sentence_spans_are_ordered_stripped_and_cover_every_non_whitespace_character(texts):
    ids = [f"a{i:03d}" for i in range(len(texts))]
    rows = sentences(pl.LazyFrame({"article_id": ids, "text": texts})).collect()
    for article_id, text in zip(ids, texts, strict=True):
        spans = rows.filter(pl.col("article_id") == article_id)
        assert spans["sentence"].to_list() == list(range(spans.height))
        covered, last_end = [False] * len(text), 0
        for start, end in spans.select("start", "end").iter_rows():
            assert last_end <= start < end <= len(text)
            assert text[start:end] == text[start:end].strip(_WS)
            covered[start:end] = [True] * (end - start)
            last_end = end
        assert all(covered[i] or ch in _WS for i, ch in enumerate(text))


@given(_texts)
def test_a_sentence_split_again_on_its_own_is_one_sentence(texts):
    pieces = [s for found in _split(texts) for s in found]
    if pieces:
        assert _split(pieces) == [[p] for p in pieces]


@given(_texts, st.randoms())
def test_sentences_do_not_depend_on_article_order(texts, rnd):
    frame = pl.DataFrame({"article_id": [f"a{i:03d}" for i in range(len(texts))], "text": texts})
    order = list(range(frame.height))
    rnd.shuffle(order)
    first = sentences(frame.lazy()).collect().sort("article_id", "sentence")
    again = sentences(frame[order].lazy()).collect().sort("article_id", "sentence")
    assert first.equals(again)


def test_sentence_counts_fill_zero_for_articles_without_sentences():
    arts = pl.LazyFrame({"article_id": ["a", "b"], "text": ["One. Two.", "   "], "n_sentences": [None, None]},
                        schema_overrides={"n_sentences": pl.Int64})  # fmt: skip
    out = with_sentence_counts(arts, sentences(arts)).collect()
    assert out["n_sentences"].to_list() == [2, 0]


def test_segment_still_exports_the_sentence_splitter():
    assert sentences_from_segment is sentences
