"""Claims about the input kinds researchers' corpora arrive in: CSV and TSV, JSON documents, ZIP and
tar archives, include and exclude patterns, dates in other forms and zones, extra columns."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tarfile
import tempfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.errors import RecipeError
from toolkit.io.options import Csv, Dates, Fields
from toolkit.io.read import discover, read_files, walk_inputs
from toolkit.pipeline.recipe import load_recipe

# Text a news export holds: letters, digits, punctuation including every delimiter and both quote
# characters, accented letters, typographic quotes and line breaks inside a field.
_ALPHABET = st.sampled_from(list("abcXYZ019 .,;|\t'\"-()éü—“”\n"))
TEXTS = st.text(_ALPHABET, min_size=1, max_size=60).filter(lambda t: t.strip())


def _ok_texts(docs: pl.DataFrame) -> list[str]:
    return docs.filter(pl.col("status") == "ok")["raw_text"].to_list()


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(TEXTS, min_size=1, max_size=6),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    newline=st.sampled_from(["\n", "\r\n"]),
    suffix=st.sampled_from([".csv", ".tsv"]),
)
def test_every_csv_dialect_gives_back_each_rows_text_exactly(texts, delimiter, quoting, newline, suffix):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator=newline)
    writer.writerow(["id", "title", "text"])
    starts = []  # the line each row starts on
    for i, t in enumerate(texts):
        starts.append(out.getvalue().count("\n") + 1)
        writer.writerow([str(i), f"Title {i}", t])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"export{suffix}"
        path.write_bytes(out.getvalue().encode())
        # A .tsv of another delimiter needs the recipe to say so; a .csv's delimiter is detected.
        options = Csv(delimiter=delimiter if suffix == ".tsv" and delimiter != "\t" else "")
        docs, rejects = read_files(discover([path], Path(tmp)), csv_options=options)
    assert rejects.height == 0
    assert _ok_texts(docs) == texts
    assert docs["external_id"].to_list() == [str(i) for i in range(len(texts))]
    assert docs["title"].to_list() == [f"Title {i}" for i in range(len(texts))]
    # Each row is named by the line it starts on, so a reader can find it in the file.
    assert docs["source"].to_list() == [f"export{suffix}#L{n}" for n in starts]


def test_a_csv_row_that_does_not_fit_the_header_is_a_reject_and_the_rest_are_read(tmp_path):
    (tmp_path / "a.csv").write_text("id,text\n1,Iran met France.\n2,one,two\n\n3,Third row.\n")
    docs, rejects = read_files(discover([tmp_path], tmp_path))
    assert _ok_texts(docs) == ["Iran met France.", "Third row."]
    assert rejects.select("reason").to_series().to_list() == ["malformed_csv"]
    assert "#L3" in rejects["detail"][0] and "2 fields" not in rejects["detail"][0]


def test_a_csv_without_the_text_column_is_one_reject_naming_its_columns(tmp_path):
    (tmp_path / "a.csv").write_text("id,body\n1,Iran met France.\n2,Second.\n")
    docs, rejects = read_files(discover([tmp_path], tmp_path))
    assert docs.height == 1 and rejects["reason"].to_list() == ["missing_text_field"]
    assert "id, body" in rejects["detail"][0] and "[inputs.fields] text" in rejects["detail"][0]
    docs, rejects = read_files(discover([tmp_path], tmp_path), Fields(text="body"))
    assert _ok_texts(docs) == ["Iran met France.", "Second."] and rejects.height == 0


def test_a_csv_without_a_header_names_its_columns_by_number_and_reads_a_declared_encoding(tmp_path):
    (tmp_path / "a.csv").write_bytes("1;Caf\xe9 talks;Les ministres se sont réunis.\n".encode("cp1252"))
    options = Csv(header=False, encoding="cp1252")
    docs, _ = read_files(discover([tmp_path], tmp_path), Fields(text="column_3", title="column_2"), csv_options=options)
    assert docs.select("title", "raw_text", "encoding").row(0) == ("Café talks", "Les ministres se sont réunis.\n"[:-1], "cp1252")


@given(records=st.lists(st.fixed_dictionaries({"id": st.integers(0, 99), "text": TEXTS}), min_size=1, max_size=5))
@settings(max_examples=30, deadline=None)
def test_a_json_array_reads_like_the_same_records_as_json_lines(records):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "a.json").write_text(json.dumps(records))
        (root / "b.json").write_text(json.dumps({"status": "ok", "articles": records}))
        (root / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
        docs, rejects = read_files(discover([root], root))
    assert rejects.height == 0
    by_file = docs.group_by(pl.col("source").str.extract(r"^(\w)\.")).agg("raw_text", "external_id")
    got = {row[0]: (row[1], row[2]) for row in by_file.iter_rows()}
    want = ([r["text"] for r in records], [str(r["id"]) for r in records])
    assert got == {"a": want, "b": want, "c": want}


def test_a_json_file_of_one_object_per_line_is_read_as_json_lines(tmp_path):
    (tmp_path / "a.json").write_text('{"text": "One."}\n{"text": "Two."}\n')
    docs, rejects = read_files(discover([tmp_path], tmp_path))
    assert _ok_texts(docs) == ["One.", "Two."] and rejects.height == 0
    assert docs["source"].to_list() == ["a.json#L1", "a.json#L2"]


# Member names as archives hold them: nested folders, spaces, accented letters.
NAMES = st.lists(
    st.from_regex(r"[a-z]{1,6}(/[a-zé ]{1,6}){0,2}\.txt", fullmatch=True), min_size=1, max_size=5, unique=True
).filter(lambda names: not any(b.startswith(a[:-4] + "/") for a in names for b in names))


@given(names=NAMES, texts=st.lists(TEXTS, min_size=5, max_size=5), kind=st.sampled_from(["zip", "tar.gz", "tar"]))
@settings(max_examples=30, deadline=None)
def test_an_archive_reads_like_the_folder_it_was_made_from(names, texts, kind):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = root / "plain"
        for name, text in zip(names, texts):
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text)
        packed = root / "packed" / f"news.{kind}"
        packed.parent.mkdir()
        if kind == "zip":
            with zipfile.ZipFile(packed, "w") as z:
                for name in names:
                    z.write(folder / name, name)
        else:
            with tarfile.open(packed, "w:gz" if kind == "tar.gz" else "w") as t:
                for name in names:
                    t.add(folder / name, name)
        want, _ = read_files(discover([folder], folder))
        got, rejects = read_files(discover([packed.parent], packed.parent))
    assert rejects.height == 0
    assert got["source"].to_list() == [f"news.{kind}/{s}" for s in want["source"]]
    assert got.select("raw_text", "sha256", "n_bytes").equals(want.select("raw_text", "sha256", "n_bytes"))


def test_archive_members_are_passed_over_as_folder_files_are_and_damage_is_a_reject(tmp_path):
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as z:
        z.writestr("news/one.txt", "Iran met France.")
        z.writestr("__MACOSX/news/._one.txt", "resource fork")
        z.writestr(".hidden.txt", "hidden")
        z.writestr("inner.zip", b"PK")
        z.writestr("secret.txt", "locked")
    data = (tmp_path / "a.zip").read_bytes()
    (tmp_path / "a.zip").write_bytes(data.replace(b"locked", b"lockeX", 1))  # a bad CRC
    files, skipped = walk_inputs([tmp_path], tmp_path)
    assert [f.source for f in files] == ["a.zip/inner.zip", "a.zip/news/one.txt", "a.zip/secret.txt"]
    assert skipped == [{"path": "a.zip/.hidden.txt", "reason": "hidden"},
                       {"path": "a.zip/__MACOSX/news/._one.txt", "reason": "hidden"}]  # fmt: skip
    docs, rejects = read_files(files)
    assert _ok_texts(docs) == ["Iran met France."]
    assert rejects["reason"].to_list() == ["nested_archive", "malformed_archive"]
    # The nested archive is accounted for by the checksum of its bytes.
    assert docs.filter(pl.col("source") == "a.zip/inner.zip")["sha256"].to_list() == [hashlib.sha256(b"PK").hexdigest()]


def test_an_empty_archive_is_listed_as_passed_over(tmp_path):
    zipfile.ZipFile(tmp_path / "none.zip", "w").close()
    files, skipped = walk_inputs([tmp_path], tmp_path)
    assert files == [] and skipped == [{"path": "none.zip", "reason": "empty_archive"}]


def test_include_and_exclude_patterns_choose_sources_in_folders_and_archives(tmp_path):
    for name in ["2017/a.txt", "2017/README.txt", "2018/b.txt", "notes.md"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("Text.")
    with zipfile.ZipFile(tmp_path / "more.zip", "w") as z:
        z.writestr("c.txt", "Text.")
        z.writestr("README.txt", "About.")
    files, skipped = walk_inputs([tmp_path], tmp_path, include=("*.txt",), exclude=("README*",))
    assert [f.source for f in files] == ["2017/a.txt", "2018/b.txt", "more.zip/c.txt"]
    assert {s["path"]: s["reason"] for s in skipped} == {
        "2017/README.txt": "excluded", "more.zip/README.txt": "excluded", "notes.md": "not_included"
    }  # fmt: skip
    files, _ = walk_inputs([tmp_path], tmp_path, include=("2017/*",))
    assert [f.source for f in files] == ["2017/README.txt", "2017/a.txt"]


UTC = timezone.utc


@pytest.mark.parametrize(
    ("value", "dates", "want"),
    [
        ("2017-02-07T10:00:00+01:00", Dates(), datetime(2017, 2, 7, 9, tzinfo=UTC)),
        ("2017-02-07 10:00", Dates(timezone="America/New_York"), datetime(2017, 2, 7, 15, tzinfo=UTC)),
        ("2017/2/7", Dates(), datetime(2017, 2, 7, tzinfo=UTC)),
        ("2017-02-07", Dates(timezone="Asia/Tokyo"), datetime(2017, 2, 7, tzinfo=UTC)),  # a day stays that day
        ("07.02.2017", Dates(("%d.%m.%Y",), "Asia/Tokyo"), datetime(2017, 2, 7, tzinfo=UTC)),
        ("2017/2/7 09:00", Dates(timezone="Asia/Tokyo"), datetime(2017, 2, 7, tzinfo=UTC)),
        ("Tue, 07 Feb 2017 10:00:00 GMT", Dates(), datetime(2017, 2, 7, 10, tzinfo=UTC)),
        ("07.02.2017 10:30", Dates(("%d.%m.%Y %H:%M",), "Europe/Berlin"), datetime(2017, 2, 7, 9, 30, tzinfo=UTC)),
        ("July 4, 2016", Dates(("%d.%m.%Y", "%B %d, %Y")), datetime(2016, 7, 4, tzinfo=UTC)),
        (1486461600, Dates(("epoch_s",)), datetime(2017, 2, 7, 10, tzinfo=UTC)),
        ("1486461600000", Dates(("epoch_ms",)), datetime(2017, 2, 7, 10, tzinfo=UTC)),
    ],
)
def test_dates_in_the_forms_exports_use_are_read_in_the_recipes_zone(tmp_path, value, dates, want):
    (tmp_path / "a.jsonl").write_text(json.dumps({"text": "Text.", "published_at": value}) + "\n")
    docs, rejects = read_files(discover([tmp_path], tmp_path), dates=dates)
    assert docs["published_at"].to_list() == [want] and rejects.height == 0


def test_a_date_no_form_reads_is_a_bad_published_at_reject_that_says_what_to_set(tmp_path):
    (tmp_path / "a.jsonl").write_text(json.dumps({"text": "Text.", "published_at": "07.02.2017"}) + "\n")
    docs, rejects = read_files(discover([tmp_path], tmp_path))
    assert docs.select("status", "published_at").row(0) == ("ok", None)
    assert rejects["reason"].to_list() == ["bad_published_at"] and "date_formats" in rejects["detail"][0]


def test_extra_fields_of_any_type_become_text_columns(tmp_path):
    df = pl.DataFrame({"text": ["One.", "Two."], "tags": [["a", "b"], []], "rank": [1, None], "topic": ["x", "y"]})
    df.write_parquet(tmp_path / "a.parquet")
    fields = Fields(extra=(("tags", "tags"), ("rank", "rank"), ("topic", "topic"), ("gone", "missing")))
    docs, _ = read_files(discover([tmp_path], tmp_path), fields)
    assert docs.select(pl.col("^extra:.*$")).rows() == [('["a", "b"]', "1", "x", None), ("[]", None, "y", None)]


def _recipe(tmp_path: Path, inputs: str) -> Path:
    (tmp_path / "raw").mkdir(exist_ok=True)
    path = tmp_path / "dataset.toml"
    path.write_text(f'[inputs]\npaths = ["raw"]\n{inputs}\n')
    return path


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ('timezone = "Europe/Berln"', "unknown time zone"),
        ('date_formats = ["dd.mm.yyyy"]', "strptime pattern"),
        ('[inputs.csv]\ndelimiter = ";;"', "one character"),
        ('[inputs.csv]\nencoding = "klingon"', "not a codec"),
        ('[inputs.extra]\ntitle = "headline"', "already a column"),
        ('[inputs.extra]\n"Section Name" = "section"', "lower-case identifier"),
        ('[inputs.extra]\nsection = 3', "column = \\\"input field\\\""),
        ('[inputs.csv]\ndelimeter = ";"', "did you mean 'delimiter'"),
    ],
)
def test_recipe_mistakes_in_the_new_input_keys_are_clear_errors(tmp_path, inputs, message):
    with pytest.raises(RecipeError, match=message.replace("\\", "")):
        load_recipe(_recipe(tmp_path, inputs))


def test_recipe_input_keys_reach_the_recipe(tmp_path):
    recipe = load_recipe(_recipe(tmp_path, 'include = ["*.csv"]\nexclude = ["old/*"]\ndate_formats = ["%d.%m.%Y"]\n'
                                 'timezone = "Europe/Berlin"\n[inputs.csv]\ndelimiter = ";"\n'
                                 '[inputs.extra]\nsection = "category"'))  # fmt: skip
    assert (recipe.include, recipe.exclude) == (("*.csv",), ("old/*",))
    assert recipe.dates == Dates(("%d.%m.%Y",), "Europe/Berlin") and recipe.csv == Csv(delimiter=";")
    assert recipe.fields.extra == (("section", "category"),)
    # The manifest records them, so that `toolkit validate` knows the articles table's extra columns.
    assert json.loads(json.dumps(recipe.parameters()))["fields"]["extra"] == [["section", "category"]]
