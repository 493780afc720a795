import hashlib
import json

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.write import atomic_dir, dumps_json, write_parquet


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@settings(max_examples=20)
@given(st.lists(st.tuples(st.text(max_size=30), st.integers(-5, 5)), max_size=50))
def test_parquet_round_trips_and_is_byte_identical(tmp_path_factory, rows):
    tmp = tmp_path_factory.mktemp("pq")
    df = pl.DataFrame({"s": [r[0] for r in rows], "i": [r[1] for r in rows]}, schema={"s": pl.Utf8, "i": pl.Int64})
    write_parquet(df, tmp / "a.parquet")
    write_parquet(df.lazy(), tmp / "b.parquet")
    write_parquet(df, tmp / "c.parquet")
    assert pl.read_parquet(tmp / "a.parquet").equals(df)
    assert pl.read_parquet(tmp / "b.parquet").equals(df)
    assert _digest(tmp / "a.parquet") == _digest(tmp / "c.parquet")


def test_canonical_json_sorts_keys_and_ends_with_newline():
    text = dumps_json({"b": 1, "a": {"d": 2, "c": 3}})
    assert text.endswith("\n")
    assert list(json.loads(text)) == ["a", "b"]
    assert text.index('"c"') < text.index('"d"')


def test_atomic_dir_replaces_the_old_folder_only_on_success(tmp_path):
    out = tmp_path / "ds"
    with atomic_dir(out) as tmp:
        (tmp / "x.txt").write_text("first")
    with pytest.raises(RuntimeError):
        with atomic_dir(out) as tmp:
            (tmp / "x.txt").write_text("half")
            raise RuntimeError("interrupted")
    assert (out / "x.txt").read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ds"]
    with atomic_dir(out) as tmp:
        (tmp / "y.txt").write_text("second")
    assert sorted(p.name for p in out.iterdir()) == ["y.txt"]
