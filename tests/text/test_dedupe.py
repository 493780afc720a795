import hashlib
import random
from datetime import datetime, timezone

import polars as pl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from toolkit.text.dedupe import components, exact_jaccard, mark_duplicates, signatures
from toolkit.errors import RecipeError

UTC = timezone.utc
# Made-up words: unrelated texts drawn from them share almost no five-word shingle.
VOCAB = [a + b + c for a in ("ka", "lo", "mi", "nu", "pe", "ro", "sa", "ti") for b in ("ra", "ve", "do", "gu", "fi")
         for c in ("n", "s", "l", "")]  # fmt: skip


def _frames(rows):
    arts = pl.LazyFrame(
        {
            "article_id": [f"a{i}" for i in range(len(rows))],
            "doc_id": [f"d{i}" for i in range(len(rows))],
            "position": [0] * len(rows),
            "content_hash": [r[0] for r in rows],
            "published_at": [r[1] for r in rows],
        },
        schema_overrides={"published_at": pl.Datetime("us", "UTC")},
    )
    docs = pl.LazyFrame({"doc_id": [f"d{i}" for i in range(len(rows))], "source": [r[2] for r in rows]})
    return arts, docs


def _text_frames(texts):
    """Articles with text (content hash from the text), one per document, sources in input order."""
    n = len(texts)
    arts = pl.LazyFrame(
        {
            "article_id": [f"a{i:03d}" for i in range(n)],
            "doc_id": [f"d{i:03d}" for i in range(n)],
            "position": [0] * n,
            "text": texts,
            "content_hash": [hashlib.sha256(t.encode()).hexdigest() for t in texts],
            "published_at": [None] * n,
            "duplicate_of": [None] * n,
        },
        schema_overrides={"published_at": pl.Datetime("us", "UTC"), "duplicate_of": pl.String},
    )
    docs = pl.LazyFrame({"doc_id": [f"d{i:03d}" for i in range(n)], "source": [f"s{i:03d}.txt" for i in range(n)]})
    return arts, docs


def _duplicate_of(texts, **params):
    arts, docs = _text_frames(texts)
    return mark_duplicates(arts, docs, **params).collect().sort("article_id")["duplicate_of"].to_list()


# 320 words in which nearly every five-word shingle is unique, as in real prose.
articles_st = st.tuples(st.permutations(VOCAB), st.permutations(VOCAB)).map(lambda t: " ".join(t[0] + t[1]))


def _jaccard(a, b):
    def shingles(t):
        w = t.split(" ")
        return {tuple(w[i : i + 5]) for i in range(len(w) - 4)}

    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb)


def _edit(text, data, n_changes):
    words = text.split(" ")
    for _ in range(n_changes):
        words[data.draw(st.integers(0, len(words) - 1))] = data.draw(st.sampled_from(["zorg", "quux", "blip"]))
    return " ".join(words)


def test_the_earliest_dated_article_is_the_original():
    arts, docs = _frames(
        [("h", None, "a.txt"), ("h", datetime(2024, 5, 1, tzinfo=UTC), "b.txt"), ("h", datetime(2024, 1, 1, tzinfo=UTC), "c.txt")]
    )
    out = mark_duplicates(arts, docs).collect().sort("article_id")
    assert out["duplicate_of"].to_list() == ["a2", "a2", None]


rows_st = st.lists(
    st.tuples(st.sampled_from(["h1", "h2", "h3"]), st.none(), st.text("abc", min_size=1, max_size=4)),
    min_size=1,
    max_size=20,
    unique_by=lambda r: r[2],
)


@given(rows_st, st.randoms())
def test_duplicate_of_does_not_depend_on_input_order(rows, rnd):
    arts, docs = _frames(rows)
    first = mark_duplicates(arts, docs).collect().sort("article_id")
    shuffled = arts.collect().sample(fraction=1.0, shuffle=True, seed=rnd.randint(0, 10**6)).lazy()
    second = mark_duplicates(shuffled, docs).collect().sort("article_id")
    assert first.equals(second)
    # Exactly one original per content hash; every duplicate points at an original.
    originals = first.filter(pl.col("duplicate_of").is_null())
    assert originals["content_hash"].n_unique() == originals.height == first["content_hash"].n_unique()
    assert set(first["duplicate_of"].drop_nulls()) <= set(originals["article_id"])


# Each example runs the whole corpus-wide stage; a few dozen cover the property in any profile.
NEAR = settings(max_examples=25)


@NEAR
@given(articles_st, st.data())
def test_a_lightly_edited_copy_is_a_near_duplicate_of_its_original(text, data):
    assert _duplicate_of([text, _edit(text, data, 2)]) == [None, "a000"]


@NEAR
@given(articles_st, articles_st)
def test_unrelated_articles_are_not_near_duplicates(a, b):
    assume(_jaccard(a, b) < 0.5)
    assert _duplicate_of([a, b]) == [None, None]


def test_exact_copies_are_duplicates_even_when_too_short_for_a_shingle():
    assert _duplicate_of(["Short text.", "Other words here.", "Short text."]) == [None, None, "a000"]


def test_without_near_search_only_exact_copies_are_duplicates():
    text = " ".join(VOCAB[:200])
    edited = text.replace(VOCAB[100], "zorg")
    assert _duplicate_of([text, edited, text]) == [None, "a000", "a000"]
    assert _duplicate_of([text, edited, text], near=False) == [None, None, "a000"]


def test_the_threshold_decides_how_near_is_near():
    text = " ".join(VOCAB * 2)
    edited = " ".join(w if i % 40 else "zorg" for i, w in enumerate(text.split(" ")))  # Jaccard about 0.6
    assert _duplicate_of([text, edited]) == [None, None]
    assert _duplicate_of([text, edited], threshold=0.4, bands=32, rows=4) == [None, "a000"]


@NEAR
@given(articles_st, st.data(), st.randoms())
def test_clusters_point_at_one_original_whatever_the_input_order(text, data, rnd):
    # A chain of edits: each copy is near the previous one, the last may be far from the first.
    chain = [text]
    for _ in range(data.draw(st.integers(1, 4))):
        chain.append(_edit(chain[-1], data, 2))
    texts = chain + [data.draw(articles_st)]
    assume(all(_jaccard(t, texts[-1]) < 0.5 for t in chain))
    arts, docs = _text_frames(texts)
    first = mark_duplicates(arts, docs).collect().sort("article_id")
    shuffled = arts.collect().sample(fraction=1.0, shuffle=True, seed=rnd.randint(0, 10**6)).lazy()
    assert mark_duplicates(shuffled, docs).collect().sort("article_id").equals(first)
    originals = set(first.filter(pl.col("duplicate_of").is_null())["article_id"])
    assert set(first["duplicate_of"].drop_nulls()) <= originals
    assert first["duplicate_of"].to_list()[1 : len(chain)] == ["a000"] * (len(chain) - 1)
    assert first["duplicate_of"].to_list()[-1] is None


def test_signatures_are_the_same_in_any_chunk_and_deterministic():
    texts = [" ".join(VOCAB[i : i + 50]) for i in range(0, 100, 10)] + ["too short"]
    frame = pl.DataFrame({"_ord": pl.Series(range(len(texts)), dtype=pl.UInt32), "text": texts})
    whole = signatures(frame, shingle_size=5, num_perm=64)
    parts = pl.concat([signatures(frame.slice(o, 3), shingle_size=5, num_perm=64) for o in range(0, len(texts), 3)])
    assert whole.equals(parts) and whole.equals(signatures(frame, shingle_size=5, num_perm=64))
    assert whole["_ord"].to_list() == list(range(len(texts) - 1))  # the short text has no shingle
    assert whole.width == 65


def test_components_label_each_node_with_the_smallest_node_it_is_linked_to():
    edges = pl.DataFrame({"a": [5, 3, 1, 8], "b": [6, 5, 2, 9]}, schema={"a": pl.UInt32, "b": pl.UInt32})
    label = dict(components(edges).iter_rows())
    assert label == {1: 1, 2: 1, 3: 3, 5: 3, 6: 3, 8: 8, 9: 8}


def test_more_band_values_than_signature_values_is_a_recipe_error():
    arts, docs = _text_frames(["a b c d e f"])
    with pytest.raises(RecipeError):
        mark_duplicates(arts, docs, num_perm=16, bands=8, rows=4)


def test_signatures_are_read_in_chunks_without_losing_an_article():
    rnd = random.Random(7)
    texts = [" ".join(rnd.sample(VOCAB, 100)) for _ in range(10)]
    words = texts[3].split(" ")
    texts.append(" ".join(words[:50] + ["zorg"] + words[51:]))
    arts, docs = _text_frames(texts)
    # The same article id twice (as when two shards produce it) must not hide the last chunk.
    arts = pl.concat([arts, arts.head(1)])
    whole = mark_duplicates(arts, docs).collect().unique("article_id").sort("article_id")
    chunked = mark_duplicates(arts, docs, chunk_size=3).collect().unique("article_id").sort("article_id")
    assert whole.equals(chunked)
    assert chunked["duplicate_of"].to_list()[-1] == "a003"


def test_exact_jaccard_keeps_only_pairs_at_or_above_the_threshold():
    base = VOCAB[:100]
    texts = [" ".join(base), " ".join(base[:95] + ["zorg"] * 5), " ".join(base[:50] + VOCAB[100:150])]
    frame = pl.DataFrame({"_ord": pl.Series([0, 1, 2], dtype=pl.UInt32), "text": texts})
    pairs = pl.DataFrame({"a": [0, 0, 1], "b": [1, 2, 2]}, schema={"a": pl.UInt32, "b": pl.UInt32})
    kept = exact_jaccard(pairs, frame, shingle_size=5, threshold=0.8)
    assert kept.rows() == [(0, 1)]  # 91 of 96 shingles shared; the half-copy shares 46 of 146


def test_a_chunk_of_exact_copies_only_is_signed_as_nothing():
    rnd = random.Random(11)
    texts = [" ".join(rnd.sample(VOCAB, 60)) for _ in range(3)]
    # Chunks of two: the second chunk holds only copies of the first chunk's articles.
    arts, docs = _text_frames([texts[0], texts[1], texts[0], texts[1], texts[2]])
    out = mark_duplicates(arts, docs, chunk_size=2).collect().sort("article_id")
    assert out["duplicate_of"].to_list() == [None, None, "a000", "a001", None]
