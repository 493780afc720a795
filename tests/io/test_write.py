import hashlib
import json

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.errors import BuildLockedError, OutputError
from toolkit.io.write import _locked, atomic_dir, check_out, dumps_json, foreign_files, recover, write_parquet


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


def _dataset(folder, *names):
    """A folder as a build leaves it: files and a manifest that lists them."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text(name)
    (folder / "manifest.json").write_text(json.dumps({"files": {n: {} for n in names}}))


def _listing(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_atomic_dir_replaces_the_old_folder_only_on_success(tmp_path):
    out = tmp_path / "ds"
    with atomic_dir(out) as tmp:
        _dataset(tmp, "x.txt")
    with pytest.raises(RuntimeError):
        with atomic_dir(out) as tmp:
            (tmp / "x.txt").write_text("half")
            raise RuntimeError("interrupted")
    assert (out / "x.txt").read_text() == "x.txt"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".ds.lock") == ["ds"]
    with atomic_dir(out) as tmp:
        _dataset(tmp, "y.txt")
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "y.txt"]


@pytest.mark.parametrize(
    "setup",
    [
        pytest.param(lambda out: (out.mkdir(), (out / "thesis.txt").write_text("mine")), id="folder with a user file"),
        pytest.param(lambda out: out.write_text("notes"), id="a file"),
        pytest.param(lambda out: (_dataset(out, "a.parquet"), (out / "notes.txt").write_text("mine")),
                     id="dataset with an extra user file"),
        pytest.param(lambda out: (out.mkdir(), (out / "manifest.json").write_text("{not json")), id="broken manifest"),
        pytest.param(lambda out: (out.mkdir(), (out / ".hidden").write_text("x")), id="folder with a hidden file"),
    ],
)
def test_out_that_is_not_a_dataset_is_refused_and_left_untouched(tmp_path, setup):
    out = tmp_path / "out"
    setup(out)
    before = _listing(tmp_path) if out.is_dir() else out.read_text()
    with pytest.raises(OutputError, match="choose"):
        with atomic_dir(out):
            pytest.fail("the build must not start")
    assert (_listing(tmp_path) if out.is_dir() else out.read_text()) == before


@pytest.mark.parametrize(
    "out, protected",
    [
        pytest.param("raw", ["raw"], id="out is the input folder"),
        pytest.param("raw/built", ["raw"], id="out inside the input folder"),
        pytest.param(".", ["raw"], id="out above the input folder"),
        pytest.param("raw/a.txt", ["raw/a.txt"], id="out is an input file"),
        pytest.param("recipe", ["recipe/dataset.toml", "recipe/raw"], id="out is the recipe folder"),
    ],
)
def test_out_over_or_among_the_inputs_is_refused(tmp_path, out, protected):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.txt").write_text("text")
    (tmp_path / "recipe" / "raw").mkdir(parents=True)
    (tmp_path / "recipe" / "dataset.toml").write_text("")
    with pytest.raises(OutputError, match="input"):
        check_out(tmp_path / out, [tmp_path / p for p in protected])


def test_an_empty_folder_or_a_new_path_may_be_used(tmp_path):
    (tmp_path / "empty").mkdir()
    for name in ("empty", "new/deeper"):
        with atomic_dir(tmp_path / name) as tmp:
            _dataset(tmp, "a.txt")
        assert foreign_files(tmp_path / name) == []


def test_a_second_build_into_a_locked_out_fails_with_a_clear_error(tmp_path):
    out = tmp_path / "ds"
    with _locked(out):
        with pytest.raises(BuildLockedError, match="another build"):
            with atomic_dir(out):
                pytest.fail("the build must not start")
    with atomic_dir(out) as tmp:  # free again once the first build is done
        _dataset(tmp, "a.txt")


def test_folders_left_by_killed_builds_are_removed_or_restored(tmp_path):
    out = tmp_path / "ds"
    _dataset(tmp_path / ".ds.tmp-999999", "half.txt")  # a build killed while writing
    _dataset(tmp_path / ".ds.old-999998", "previous.txt")  # a build killed between its two renames
    recover(out)
    assert (out / "previous.txt").is_file()
    _dataset(tmp_path / ".ds.old-999997", "older.txt")
    with atomic_dir(out) as tmp:
        _dataset(tmp, "new.txt")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".ds.lock", "ds"]
    assert (out / "new.txt").is_file()
