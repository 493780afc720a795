import hashlib

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from toolkit.contract.ids import ID_HEX_CHARS, sha256_expr, stable_id, stable_id_py

keys = st.lists(st.tuples(st.text(max_size=20), st.one_of(st.none(), st.integers(-10**9, 10**9))), min_size=1, max_size=30)


@given(keys)
def test_vectorised_id_equals_the_python_reference(rows):
    df = pl.DataFrame({"a": [r[0] for r in rows], "b": [r[1] for r in rows]}, schema={"a": pl.Utf8, "b": pl.Int64})
    got = df.select(stable_id("a", "b", prefix="t")).to_series().to_list()
    assert got == [stable_id_py(a, b, prefix="t") for a, b in rows]


def test_sha256_expr_equals_hashlib():
    texts = ["", "abc", "“é” – Kyiv"]
    got = pl.DataFrame({"t": texts}).select(sha256_expr(pl.col("t"))).to_series().to_list()
    assert got == [hashlib.sha256(t.encode()).hexdigest() for t in texts]


def test_ids_are_pinned_values_that_never_change_across_versions():
    # A changed value here would silently re-key every dataset ever built: it must stay fixed.
    assert stable_id_py("RUS", prefix="entity") == hashlib.sha256("entity\x1fRUS".encode()).hexdigest()[:32]
    assert len(stable_id_py("x", prefix="p")) == ID_HEX_CHARS


def test_separator_keeps_adjacent_parts_apart():
    assert stable_id_py("a", "bc", prefix="t") != stable_id_py("ab", "c", prefix="t")


def test_prefix_separates_tables():
    assert stable_id_py("k", prefix="article") != stable_id_py("k", prefix="event")
