from datetime import datetime, timezone

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from toolkit.dedupe import mark_duplicates

UTC = timezone.utc


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
