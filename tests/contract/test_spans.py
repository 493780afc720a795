"""Claims about spans sliced out of texts by many rows at once (toolkit.contract.spans): Python's own slices,
with each text joined once per text rather than once per row."""

from __future__ import annotations

from contextlib import contextmanager

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.entities import mentions as entities
from toolkit.events import coder as events
from toolkit.text import segment
from toolkit.contract import spans
from toolkit.contract.spans import char_offsets, slice_spans

# Characters of one to four UTF-8 bytes, line breaks, and anything else UTF-8 can hold.
_CHARS = st.one_of(st.sampled_from(list("ab .\n\r\té€“”😀")), st.characters(codec="utf-8"))
_texts = st.lists(st.none() | st.text(_CHARS, max_size=40), min_size=1, max_size=5)
ENGINES = ["in-memory", "streaming"]


@contextmanager
def _setting(engine: str, long_text: int):
    """Collect on `engine`, with texts longer than `long_text` bytes sliced through anchors."""
    saved = spans.LONG_TEXT
    spans.LONG_TEXT = long_text
    try:
        with pl.Config(engine_affinity=engine):
            yield
    finally:
        spans.LONG_TEXT = saved


@st.composite
def texts_and_spans(draw: st.DrawFn) -> tuple[list[str | None], list[tuple]]:
    """Texts (some null) and spans into them in any order: out of range, inverted, null, or of a key
    without a text (key == len(texts))."""
    texts = draw(_texts)
    rows = []
    for _ in range(draw(st.integers(0, 25))):
        key = draw(st.integers(0, len(texts)))
        n = len(texts[key] or "") if key < len(texts) else 0
        offset = st.none() | st.integers(-3, n + 3)
        rows.append((key, draw(offset), draw(offset)))
    return texts, rows


def _python_slice(texts: list[str | None], key: int, start: int | None, end: int | None) -> str | None:
    if key >= len(texts) or texts[key] is None or start is None or end is None:
        return None
    return texts[key][max(start, 0) : max(end, 0)]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("long_text", [0, spans.LONG_TEXT])
@given(case=texts_and_spans())
def test_slice_spans_gives_pythons_slices_in_the_order_of_the_rows(engine, long_text, case):
    texts, rows = case
    frame = pl.DataFrame(rows, schema={"key": pl.Int64, "start": pl.Int64, "end": pl.Int64}, orient="row")
    docs = pl.LazyFrame({"key": range(len(texts)), "text": texts}, schema={"key": pl.Int64, "text": pl.Utf8})
    wanted = {
        "piece": (pl.col("start"), pl.col("end")),
        "before": (pl.col("start") - 2, pl.col("start")),  # two spans per row, one clipped at 0
    }
    with _setting(engine, long_text):
        out = slice_spans(frame.lazy(), docs, "key", wanted).collect()
    assert out.columns == ["key", "start", "end", "piece", "before"]
    assert out.select("key", "start", "end").equals(frame)
    assert out["piece"].to_list() == [_python_slice(texts, k, s, e) for k, s, e in rows]
    assert out["before"].to_list() == [None if s is None else _python_slice(texts, k, s - 2, s) for k, s, e in rows]


@pytest.mark.parametrize("engine", ENGINES)
@given(texts=st.lists(st.text(_CHARS, max_size=40), min_size=1, max_size=5), data=st.data())
def test_char_offsets_count_the_characters_before_each_byte_offset(engine, texts, data):
    keys = st.integers(0, len(texts))  # len(texts): a key without a text
    rows, wanted = [], []
    for key in data.draw(st.lists(keys, max_size=25)):
        text = texts[key] if key < len(texts) else ""
        char = data.draw(st.none() | st.integers(0, len(text)))
        rows.append((key, None if char is None else len(text[:char].encode("utf-8"))))
        wanted.append(None if key == len(texts) else char)
    frame = pl.DataFrame(rows, schema={"key": pl.Int64, "byte": pl.Int64}, orient="row")
    docs = pl.LazyFrame({"key": range(len(texts)), "text": texts}, schema={"key": pl.Int64, "text": pl.Utf8})
    with pl.Config(engine_affinity=engine):
        out = char_offsets(frame.lazy(), docs, "key", {"char": pl.col("byte")}).collect()
    assert out.select("key", "byte").equals(frame)
    assert out["char"].to_list() == wanted


def _text_joins(monkeypatch) -> list[tuple[list[str], list[str]]]:
    """Record every lazy join that puts a text column beside row-level span columns.

    A text joined onto every block, sentence or match of its document is what made memory and time
    grow with the square of a document's length: a text may only meet its rows grouped per text.
    """
    found = []
    join = pl.LazyFrame.join

    def spans_of(frame: pl.LazyFrame) -> list[str]:
        schema = frame.collect_schema()
        return [c for c, t in schema.items() if t.is_integer() and (c in ("start", "end") or c.endswith(("_start",
                "_end", "_byte")))]  # fmt: skip

    def texts_of(frame: pl.LazyFrame) -> list[str]:
        return [c for c, t in frame.collect_schema().items() if t == pl.Utf8 and c in ("text", "_doc_text", "_t")]

    def spy(self, other, *args, **kwargs):
        for a, b in ((self, other), (other, self)):
            if texts_of(a) and spans_of(b):
                found.append((texts_of(a), spans_of(b)))
        return join(self, other, *args, **kwargs)

    monkeypatch.setattr(pl.LazyFrame, "join", spy)
    return found


def test_no_stage_joins_a_text_onto_its_spans(monkeypatch):
    text = "Russia accused Ukraine of shelling Kyiv on Monday, officials said.\n\nFrance sent aid to Sudan."
    docs = pl.LazyFrame({
        "doc_id": ["d"], "text": [text], "title": [None], "status": ["ok"], "published_at": [None],
    }, schema={"doc_id": pl.Utf8, "text": pl.Utf8, "title": pl.Utf8, "status": pl.Utf8,
               "published_at": pl.Datetime("us", "UTC")})  # fmt: skip
    blocks = segment.blocks(docs).collect()
    found = _text_joins(monkeypatch)
    arts = segment.articles(blocks.lazy(), docs, count_sentences=False).collect()
    segment.fragments(blocks.lazy(), docs).collect()
    sents = segment.sentences(arts.lazy()).collect()
    ments = entities.mentions(arts.lazy(), sents.lazy()).collect()
    coded = events.events(arts.lazy(), sents.lazy(), ments.lazy()).collect()
    assert coded.height and ments.height
    assert found == []
