"""Claims about validation: bad rows leave their table for rejects with stable reason codes, valid
rows pass untouched, cross-table rules cascade, and a built folder is checked against its manifest."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.errors import NotADatasetError
from toolkit.contract.ids import stable_id_py
from toolkit.contract.schema import TABLES, FrameSchemaError, conform, empty_frame, load_schemas, polars_schema, primary_key
from toolkit.contract.validate import (
    MANIFEST_CHECKSUM,
    Report,
    cross_table,
    manifest_checksum_text,
    validate_dataset,
    validate_table,
    validate_tables,
)

TEXT = "Russia’s army shelled Kyiv on Monday, “officials” said. Ukraine’s café reopened."


def _frame(table: str, rows: list[dict]) -> pl.DataFrame:
    return conform(pl.DataFrame(rows, schema_overrides={}, infer_schema_length=None), table)


def _mention(article_id: str, entity_id: str, surface: str, start: int | None = None) -> dict:
    start = TEXT.index(surface) if start is None else start
    return {
        "mention_id": stable_id_py(article_id, start, prefix="mention"),
        "article_id": article_id,
        "entity_id": entity_id,
        "sentence": 0,
        "start": start,
        "end": start + len(surface),
        "surface": surface,
        "kind": "country",
        "name": surface,
    }


def dataset() -> dict[str, pl.DataFrame]:
    """A small, fully consistent dataset with non-ASCII text (char offsets differ from byte offsets)."""
    doc = stable_id_py("a.txt", prefix="doc")
    art = stable_id_py(doc, 0, prefix="article")
    rus, ukr = stable_id_py("country", "RUS", prefix="entity"), stable_id_py("country", "UKR", prefix="entity")
    evidence = TEXT[: TEXT.index(" said") + 6]
    return {
        "documents": _frame(
            "documents",
            [{"doc_id": doc, "source": "a.txt", "format": "txt", "sha256": "0" * 64, "n_bytes": 120,
              "encoding": "utf-8", "status": "ok", "n_chars": 100, "n_articles": 1}],
        ),
        "articles": _frame(
            "articles",
            [{"article_id": art, "doc_id": doc, "position": 0, "title": "Shelling", "text": TEXT, "language": "en",
              "published_at": dt.datetime(2024, 3, 4, tzinfo=dt.UTC), "n_words": 12, "content_hash": "ab" * 16,
              "block_starts": [10], "block_ends": [90]}],
        ),
        "fragments": _frame(
            "fragments",
            [{"fragment_id": stable_id_py(doc, 90, 100, prefix="fragment"), "doc_id": doc, "position": 0,
              "kind": "boilerplate", "text": "© News", "start": 90, "end": 100}],
        ),
        "entities": _frame(
            "entities",
            [{"entity_id": e, "kind": "country", "name": n, "country_code": c, "aliases": [n], "n_mentions": 1,
              "n_articles": 1} for e, n, c in [(rus, "Russia", "RUS"), (ukr, "Ukraine", "UKR")]],
        ),
        "mentions": _frame("mentions", [_mention(art, rus, "Russia"), _mention(art, ukr, "Ukraine")]),
        "events": _frame(
            "events",
            [{"event_id": stable_id_py(art, 0, prefix="event"), "article_id": art, "sentence": 0, "start": 0,
              "end": len(evidence), "text": evidence, "source_id": rus, "target_id": None, "source_code": "RUSMIL",
              "cameo_code": "195", "root_code": "19", "quad_class": 4, "goldstein": -10.0, "modality": "asserted",
              "attributed_to": "officials", "event_date": dt.date(2024, 3, 4), "date_precision": "day"}],
        ),
        "rejects": empty_frame("rejects"),
    }


def test_the_fixture_dataset_is_valid():
    tables, rejects = validate_tables(dataset())
    assert rejects.is_empty()
    assert all(tables[t].equals(dataset()[t]) for t in TABLES)


def _set(table: str, column: str, value: object):
    """A function setting `column` of the first row of a `table` frame to `value`."""
    return lambda df: df.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit(value, dtype=df.schema[column])).otherwise(column).alias(column)
    )


@pytest.mark.parametrize(
    ("table", "spoil", "reason"),
    [
        ("articles", _set("articles", "article_id", None), "null_value"),
        ("events", _set("events", "cameo_code", "19a"), "bad_pattern"),
        ("events", _set("events", "quad_class", 5), "out_of_range"),
        ("events", _set("events", "goldstein", -10.5), "out_of_range"),
        ("events", _set("events", "modality", "maybe"), "not_in_enum"),
        ("entities", lambda df: pl.concat([df, df.head(1)]), "duplicate_key"),
        ("articles", _set("articles", "language", "eng"), "bad_pattern"),
        ("entities", _set("entities", "country_code", "ru"), "bad_pattern"),
    ],
    ids=["null article_id", "bad cameo code", "quad class 5", "goldstein below -10", "unknown modality",
         "duplicate key", "bad language", "lowercase country code"],
)
def test_bad_rows_are_rejected_with_their_reason_code(table, spoil, reason):
    df = spoil(dataset()[table])
    valid, rejects = validate_table(df, table)
    assert rejects["reason"].to_list() == [reason]
    assert rejects["table"].to_list() == [table]
    assert valid.height + 1 == df.height
    assert validate_table(rejects, "rejects")[1].is_empty(), "a reject is itself a valid rejects row"


def test_of_duplicate_keys_the_first_row_is_kept():
    entities = dataset()["entities"]
    copy = entities.head(1).with_columns(name=pl.lit("Russian Federation"))
    valid, rejects = validate_table(pl.concat([entities, copy]), "entities")
    assert valid.equals(entities)
    assert json.loads(rejects["payload"][0])["name"] == "Russian Federation"


def test_reject_key_joins_the_primary_key_and_payload_is_sorted_json():
    rejects = dataset()["rejects"].vstack(
        pl.DataFrame({"table": ["x"], "key": ["k"], "reason": ["Bad"], "detail": ["d"], "payload": ["{}"],
                      "doc_id": [None]}, schema=polars_schema("rejects"))
    )
    _, out = validate_table(rejects, "rejects")
    assert out["key"].to_list() == ["x|k|Bad", "x|k|Bad"]
    assert out["reason"].to_list() == ["bad_pattern", "not_in_enum"]  # one row per failed reason
    payload = out["payload"][0]
    assert payload == json.dumps(json.loads(payload), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def test_a_wrong_dtype_is_a_programming_error_not_bad_data():
    df = dataset()["events"].with_columns(pl.col("quad_class").cast(pl.Int32))
    with pytest.raises(FrameSchemaError, match="quad_class"):
        validate_table(df, "events")


# ---- a property: rows built from the schema's own constraints always pass -------------------------

# Hex digests drawn as bytes: the same strings as from_regex gives, at a fraction of the cost.
_HEX = {r"^[0-9a-f]{32}$": 16, r"^[0-9a-f]{64}$": 32}


def _values(field: dict) -> st.SearchStrategy:
    """Values meeting every constraint of a schema field (null allowed unless required)."""
    c, kind = field.get("constraints", {}), field["type"]
    if "enum" in c:
        base = st.sampled_from(c["enum"])
    elif c.get("pattern") in _HEX:
        base = st.binary(min_size=_HEX[c["pattern"]], max_size=_HEX[c["pattern"]]).map(bytes.hex)
    elif "pattern" in c:
        base = st.from_regex(c["pattern"], fullmatch=True)
    elif kind == "integer":
        base = st.integers(c.get("minimum", -(2**62)), c.get("maximum", 2**62))
    elif kind == "number":
        base = st.floats(c.get("minimum"), c.get("maximum"), allow_nan=False, allow_infinity=False)
    elif kind == "datetime":
        base = st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 1, 1), timezones=st.just(dt.UTC))
    elif kind == "date":
        base = st.dates()
    elif kind == "boolean":
        base = st.booleans()
    elif kind == "list":
        base = st.lists(st.text(max_size=5) if field["itemType"] == "string" else st.integers(0, 10**6), max_size=3)
    else:
        base = st.text(max_size=20)
    return base if c.get("required") else st.none() | base


@st.composite
def valid_tables(draw) -> tuple[str, pl.DataFrame]:
    """A table name and a frame of rows meeting all its row rules, keys unique."""
    table = draw(st.sampled_from(TABLES))
    fields = load_schemas()[table]["fields"]
    row = st.fixed_dictionaries({f["name"]: _values(f) for f in fields})
    key = primary_key(table)
    rows = draw(st.lists(row, max_size=6, unique_by=lambda r: tuple(r[k] for k in key)))
    return table, pl.DataFrame(rows, schema=polars_schema(table))


def _spoilers(table: str) -> list[tuple[str, object]]:
    """(column, value) pairs that break one non-key rule of the table."""
    out = []
    for f in load_schemas()[table]["fields"]:
        c = f.get("constraints", {})
        if f["name"] in primary_key(table):
            continue
        if c.get("required"):
            out.append((f["name"], None))
        if "pattern" in c or "enum" in c:
            out.append((f["name"], "!"))
        if "minimum" in c:
            out.append((f["name"], c["minimum"] - 1))
        if "maximum" in c:
            out.append((f["name"], c["maximum"] + 1))
    return out


@given(valid_tables())
def test_rows_meeting_every_constraint_always_pass(case):
    table, df = case
    valid, rejects = validate_table(df, table)
    assert rejects.is_empty()
    assert valid.equals(df)


@given(valid_tables(), st.data())
def test_valid_and_rejected_rows_add_up_to_the_input(case, data):
    table, df = case
    spoilers = _spoilers(table)
    spoilt = data.draw(st.lists(st.booleans(), min_size=df.height, max_size=df.height))
    column, value = data.draw(st.sampled_from(spoilers))
    df = df.with_columns(
        pl.when(pl.Series(spoilt, dtype=pl.Boolean)).then(pl.lit(value, dtype=df.schema[column]))
        .otherwise(pl.col(column)).alias(column)
    )
    valid, rejects = validate_table(df, table)
    assert valid.height + rejects["key"].n_unique() == df.height
    assert valid.equals(df.filter(~pl.Series(spoilt, dtype=pl.Boolean)))


# ---- cross-table rules ---------------------------------------------------------------------------

def _reasons(rejects: pl.DataFrame, table: str) -> list[str]:
    return rejects.filter(pl.col("table") == table)["reason"].to_list()


def test_a_mention_of_an_unknown_entity_is_a_missing_foreign_key():
    tables = dataset()
    tables["mentions"] = tables["mentions"].with_columns(
        pl.when(pl.col("surface") == "Ukraine").then(pl.lit("f" * 32)).otherwise("entity_id").alias("entity_id")
    )
    out, rejects = cross_table(tables)
    assert _reasons(rejects, "mentions") == ["missing_foreign_key"]
    assert out["mentions"]["surface"].to_list() == ["Russia"]


def test_a_mention_whose_surface_differs_from_the_text_is_a_span_mismatch():
    tables = dataset()
    tables["mentions"] = tables["mentions"].with_columns(start=pl.col("start") + 1, end=pl.col("end") + 1)
    out, rejects = cross_table(tables)
    assert _reasons(rejects, "mentions") == ["span_mismatch", "span_mismatch"]
    assert out["mentions"].is_empty()
    assert rejects["doc_id"].to_list() == [dataset()["documents"]["doc_id"][0]] * 2


@pytest.mark.parametrize(
    ("table", "start", "end"),
    [("mentions", 0, len(TEXT) + 1), ("mentions", 5, 5), ("events", 0, len(TEXT) + 1), ("events", -1, 3)],
    ids=["mention past the text", "empty mention", "event past the text", "negative start"],
)
def test_spans_outside_the_article_text_are_out_of_bounds(table, start, end):
    tables = dataset()
    tables[table] = tables[table].head(1).with_columns(start=pl.lit(start), end=pl.lit(end))
    _, rejects = cross_table(tables)
    assert _reasons(rejects, table) == ["span_out_of_bounds"]


def test_an_event_whose_evidence_differs_from_the_text_is_a_span_mismatch():
    tables = dataset()
    tables["events"] = tables["events"].with_columns(text=pl.lit("Russia shelled Kyiv"))
    _, rejects = cross_table(tables)
    assert _reasons(rejects, "events") == ["span_mismatch"]


def test_a_fragment_ending_before_it_starts_or_past_the_document_is_out_of_bounds():
    for start, end in [(50, 40), (90, 101)]:
        tables = dataset()
        tables["fragments"] = tables["fragments"].with_columns(start=pl.lit(start), end=pl.lit(end))
        _, rejects = cross_table(tables)
        assert _reasons(rejects, "fragments") == ["span_out_of_bounds"]


def test_a_null_optional_foreign_key_is_not_an_orphan():
    tables = dataset()
    assert tables["events"]["target_id"].null_count() == 1
    _, rejects = cross_table(tables)
    assert rejects.is_empty()


def test_rejecting_an_article_cascades_to_its_mentions_and_events():
    tables = dataset()
    tables["articles"] = _set("articles", "language", "english")(tables["articles"])
    out, rejects = validate_tables(tables)
    assert out["articles"].is_empty() and out["mentions"].is_empty() and out["events"].is_empty()
    assert _reasons(rejects, "articles") == ["bad_pattern"]
    assert _reasons(rejects, "mentions") == ["missing_foreign_key"] * 2
    assert _reasons(rejects, "events") == ["missing_foreign_key"]
    assert out["rejects"].equals(rejects)


def test_a_removed_document_takes_its_articles_fragments_and_their_children():
    tables = dataset()
    tables["documents"] = tables["documents"].clear()
    out, rejects = cross_table(tables)
    assert all(out[t].is_empty() for t in ("articles", "fragments", "mentions", "events"))
    assert rejects.group_by("reason").len()["reason"].to_list() == ["missing_foreign_key"]


def test_duplicates_pointing_at_a_rejected_article_follow_it():
    tables = dataset()
    first = tables["articles"]
    second = first.with_columns(article_id=pl.lit("1" * 32), position=pl.lit(1), duplicate_of=first["article_id"])
    third = first.with_columns(article_id=pl.lit("2" * 32), position=pl.lit(2), duplicate_of=pl.lit("1" * 32))
    tables["articles"] = pl.concat([second, third])  # the original is gone
    out, rejects = cross_table(tables)
    assert out["articles"].is_empty()
    assert _reasons(rejects, "articles") == ["missing_foreign_key"] * 2


def test_validate_tables_keeps_earlier_rejects_once():
    tables = dataset()
    earlier = pl.DataFrame(
        {"table": ["documents"], "key": ["b.txt"], "reason": ["not_utf8"], "detail": ["bytes 3-4"],
         "payload": ["\\xff"], "doc_id": [None]}, schema=polars_schema("rejects"),
    )
    tables["rejects"] = pl.concat([earlier, earlier])
    _, rejects = validate_tables(tables)
    assert rejects.drop("detail", "payload").rows() == [("documents", "b.txt", "not_utf8", None)]
    assert rejects["table"].to_list() == ["documents"]


# ---- a built dataset folder ----------------------------------------------------------------------

def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _counts(column: pl.Series) -> dict[str, int]:
    return dict(sorted(column.value_counts().iter_rows()))


def write_folder(root: Path, tables: dict[str, pl.DataFrame]) -> Path:
    """A dataset folder as the build lays it out: one Parquet per table, a datapackage, a manifest
    shaped as pipeline._package writes it, and the manifest's checksum beside it."""
    for table, df in tables.items():
        df.write_parquet(root / f"{table}.parquet")
    (root / "datapackage.json").write_text('{"name": "demo"}', encoding="utf-8")
    files = {p.name: {"sha256": _sha256(p), "bytes": p.stat().st_size} for p in sorted(root.iterdir())}
    rejects = tables.get("rejects", empty_frame("rejects"))
    manifest = {
        "toolkit_version": "0.1.0",
        "schema_versions": {t: load_schemas()[t]["version"] for t in TABLES},
        "lockfile_sha256": "f" * 64,
        "inputs": [{"source": "raw/a.txt", "sha256": "a" * 64, "bytes": 120},
                   {"source": "raw/locked.txt", "sha256": None, "bytes": None}],
        "skipped_inputs": [{"path": "raw/.hidden", "reason": "hidden"}],
        "parameters": {"name": "demo", "shard_size": 1000, "actors": [{"path": "actors.tsv", "sha256": "b" * 64}]},
        "tables": {t: {"path": f"{t}.parquet", "rows": df.height} for t, df in tables.items()},
        "files": files,
        "validation": {"rejects": _counts(rejects["reason"]), "rejects_by_table": _counts(rejects["table"])},
    }
    _write_manifest(root, manifest)
    return root


def _manifest(root: Path) -> dict:
    return json.loads((root / "manifest.json").read_text(encoding="utf-8"))


def _write_manifest(root: Path, manifest: object, *, seal: bool = True) -> None:
    """Write manifest.json (bytes as they are, or JSON, escaped so that any string can be written);
    `seal` also rewrites its checksum, as someone editing the manifest on purpose would, so that the
    other checks must catch the edit."""
    data = manifest if isinstance(manifest, bytes) else json.dumps(manifest, indent=2, sort_keys=True).encode()
    (root / "manifest.json").write_bytes(data)
    if seal:
        (root / MANIFEST_CHECKSUM).write_text(manifest_checksum_text(data), encoding="utf-8")


def _with_a_reject(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The tables with one earlier reject, so that the manifest's reject counts are not all empty."""
    reject = pl.DataFrame(
        {"table": ["documents"], "key": ["b.txt"], "reason": ["not_utf8"], "detail": ["bytes 3-4"],
         "payload": ["\\xff"], "doc_id": [None]}, schema=polars_schema("rejects"),
    )
    return {**tables, "rejects": reject}


@pytest.fixture
def folder(tmp_path) -> Path:
    """A valid dataset folder whose manifest counts one reject."""
    return write_folder(tmp_path, _with_a_reject(dataset()))


def _problem_reasons(root: Path) -> list[str]:
    report = validate_dataset(root)
    assert report.ok is (not report.problems)
    assert json.loads(report.to_json())["problems"] == report.problems
    return [p["reason"] for p in report.problems]


def test_a_freshly_written_dataset_is_valid(tmp_path):
    report = validate_dataset(write_folder(tmp_path, dataset()))
    assert report.ok and report.problems == []


def test_a_dataset_counting_a_reject_is_valid(folder):
    assert validate_dataset(folder).ok
    assert _manifest(folder)["validation"]["rejects"] == {"not_utf8": 1}


def test_a_manifest_from_before_skipped_inputs_were_recorded_is_valid(folder):
    manifest = _manifest(folder)
    del manifest["skipped_inputs"]
    _write_manifest(folder, manifest)
    assert validate_dataset(folder).ok


def test_a_flipped_byte_is_a_checksum_mismatch(tmp_path):
    root = write_folder(tmp_path, dataset())
    data = bytearray((root / "articles.parquet").read_bytes())
    data[len(data) // 2] ^= 0x01
    (root / "articles.parquet").write_bytes(bytes(data))
    assert _problem_reasons(root) == ["checksum_mismatch"]


def test_a_deleted_file_is_missing(tmp_path):
    root = write_folder(tmp_path, dataset())
    (root / "mentions.parquet").unlink()
    assert _problem_reasons(root) == ["missing_file"]


def test_an_unlisted_file_and_a_wrong_row_count_are_reported(tmp_path):
    root = write_folder(tmp_path, dataset())
    (root / "extra.parquet").write_bytes(b"")
    manifest = _manifest(root)
    manifest["tables"]["events"]["rows"] = 7
    _write_manifest(root, manifest)
    assert sorted(_problem_reasons(root)) == ["row_count_mismatch", "unlisted_file"]


def test_bad_rows_in_a_built_dataset_are_counted_by_reason(tmp_path):
    tables = dataset()
    tables["mentions"] = tables["mentions"].with_columns(end=pl.col("end") + 1)
    tables["events"] = _set("events", "quad_class", 9)(tables["events"])
    report = validate_dataset(write_folder(tmp_path, tables))
    assert {(p["table"], p["reason"], p["count"]) for p in report.problems} == {
        ("events", "out_of_range", 1),
        ("mentions", "span_mismatch", 2),
    }


# ---- the manifest itself -------------------------------------------------------------------------

OUTSIDE = Path(__file__).resolve()  # an existing file outside any dataset folder
_ENTRY = {"sha256": "0" * 64, "bytes": 1}


def _edit(change):
    """A case: `change(manifest, root)` edits the parsed manifest in place."""
    def apply(root: Path) -> dict:
        manifest = _manifest(root)
        change(manifest, root)
        return manifest
    return apply


def _raw(data: bytes):
    """A case: the manifest's bytes replaced outright."""
    return lambda root: data


def _symlinked(manifest: dict, root: Path, name: str = "linked.parquet") -> None:
    (root / name).symlink_to(OUTSIDE)
    manifest["files"][name] = {"sha256": _sha256(OUTSIDE), "bytes": OUTSIDE.stat().st_size}


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        pytest.param(_raw(b"{not json"), "bad_manifest", id="not JSON"),
        pytest.param(_raw(b'{"files": "\xff"}'), "bad_manifest", id="not UTF-8"),
        pytest.param(_raw(b"[]"), "bad_manifest", id="a JSON list"),
        pytest.param(_raw(b"null"), "bad_manifest", id="JSON null"),
        pytest.param(_raw(b"[" * 100_000), "bad_manifest", id="nested too deep to parse"),
        pytest.param(_edit(lambda m, r: m.pop("files")), "bad_manifest", id="no files key"),
        pytest.param(_edit(lambda m, r: m.update(extra=1)), "bad_manifest", id="unknown top-level key"),
        pytest.param(_edit(lambda m, r: m.update(files={"a": 5})), "bad_manifest", id="files entry is a number"),
        pytest.param(_edit(lambda m, r: m.update(tables=[])), "bad_manifest", id="tables is a list"),
        pytest.param(_edit(lambda m, r: m["tables"]["articles"].update(path=3)), "bad_manifest",
                     id="table path is a number"),
        pytest.param(_edit(lambda m, r: m["tables"]["events"].update(rows=True)), "bad_manifest",
                     id="row count is a boolean"),
        pytest.param(_edit(lambda m, r: m["tables"].update(extra={"path": "x.parquet", "rows": 0})), "bad_manifest",
                     id="unknown table"),
        pytest.param(_edit(lambda m, r: m["files"]["datapackage.json"].update(sha256="xyz")), "bad_manifest",
                     id="sha256 not a hex digest"),
        pytest.param(_edit(lambda m, r: m["inputs"].append({"source": "b.txt"})), "bad_manifest",
                     id="input entry lacks sha256"),
        pytest.param(_edit(lambda m, r: m["skipped_inputs"].append("b.txt")), "bad_manifest",
                     id="skipped input is a string"),
        pytest.param(_edit(lambda m, r: m["schema_versions"].update(articles="1")), "bad_manifest",
                     id="schema version is a string"),
        pytest.param(_edit(lambda m, r: m["validation"]["rejects"].update(not_utf8=-1)), "bad_manifest",
                     id="negative reject count"),
        pytest.param(_edit(lambda m, r: m["files"].update({"../../etc/passwd": _ENTRY})), "path_outside",
                     id="files path climbing out"),
        pytest.param(_edit(lambda m, r: m["files"].update({str(OUTSIDE): _ENTRY})), "path_outside",
                     id="absolute files path"),
        pytest.param(_edit(lambda m, r: m["files"].update({"..\\..\\etc\\passwd": _ENTRY})), "path_outside",
                     id="backslash files path"),
        pytest.param(_edit(lambda m, r: m["files"].update({"C:evil": _ENTRY})), "path_outside", id="drive letter"),
        pytest.param(_edit(lambda m, r: m["files"].update({"./articles.parquet": _ENTRY})), "path_outside",
                     id="files path with a dot part"),
        pytest.param(_edit(lambda m, r: m["files"].update({"a" * 300: _ENTRY})), "path_outside",
                     id="files name too long"),
        pytest.param(_edit(lambda m, r: m["files"].update({"\ud800": _ENTRY})), "path_outside",
                     id="files name with a lone surrogate"),
        pytest.param(_edit(_symlinked), "path_outside", id="files symlink leading out"),
        pytest.param(_edit(lambda m, r: m["tables"]["articles"].update(path="../articles.parquet")), "path_outside",
                     id="table path climbing out"),
        pytest.param(_edit(lambda m, r: m["tables"]["articles"].update(path=str(OUTSIDE))), "path_outside",
                     id="absolute table path"),
        pytest.param(_edit(lambda m, r: m["tables"]["articles"].update(path="")), "path_outside",
                     id="empty table path"),
        pytest.param(_edit(lambda m, r: (_symlinked(m, r), m["tables"]["articles"].update(path="linked.parquet"))),
                     "path_outside", id="table symlink leading out"),
        pytest.param(_edit(lambda m, r: m["tables"]["articles"].update(path="gone.parquet")), "missing_file",
                     id="table path to no file"),
        pytest.param(_edit(lambda m, r: m["files"]["datapackage.json"].update(bytes=7)), "checksum_mismatch",
                     id="wrong file size"),
        pytest.param(_edit(lambda m, r: m["validation"]["rejects"].update(not_utf8=2)), "manifest_mismatch",
                     id="reject count by reason"),
        pytest.param(_edit(lambda m, r: m["validation"].update(rejects_by_table={})), "manifest_mismatch",
                     id="reject count by table"),
    ],
)
def test_a_malformed_manifest_is_a_problem_with_its_reason_never_an_exception(folder, case, reason):
    _write_manifest(folder, case(folder))  # sealed: the checksum alone would catch every edit
    report = validate_dataset(folder)
    assert not report.ok
    assert reason in {p["reason"] for p in report.problems}, report.problems
    assert "manifest_checksum_mismatch" not in {p["reason"] for p in report.problems}
    report.to_json().encode("utf-8")  # printable by the CLI: no lone surrogate from the manifest in a detail


def test_a_table_folder_is_read_only_from_the_parts_the_manifest_lists(folder):
    (folder / "articles").mkdir()
    (folder / "articles.parquet").rename(folder / "articles" / "part-0.parquet")
    (folder / "articles" / "part-1.parquet").symlink_to(OUTSIDE)  # unlisted, and leading out
    manifest = _manifest(folder)
    manifest["files"]["articles/part-0.parquet"] = manifest["files"].pop("articles.parquet")
    manifest["tables"]["articles"]["path"] = "articles"
    _write_manifest(folder, manifest)
    report = validate_dataset(folder)
    assert [(p["table"], p["reason"]) for p in report.problems] == [("articles", "unlisted_file")]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda m: m["inputs"][0].update(sha256="c" * 64), id="an input's sha256"),
        pytest.param(lambda m: m["inputs"].append({"source": "raw/b.txt", "sha256": "c" * 64, "bytes": 5}),
                     id="an input added"),
        pytest.param(lambda m: m["parameters"].update(shard_size=5), id="a parameter"),
        pytest.param(lambda m: m["parameters"]["actors"][0].update(path="other.tsv"), id="a dictionary file"),
        pytest.param(lambda m: m["validation"]["rejects"].update(not_utf8=0), id="a reject count"),
        pytest.param(lambda m: m.update(toolkit_version="9.9.9"), id="the toolkit version"),
        pytest.param(lambda m: m.update(lockfile_sha256=None), id="the lockfile hash"),
    ],
)
def test_an_edit_to_the_manifest_breaks_its_checksum(folder, change):
    manifest = _manifest(folder)
    change(manifest)
    _write_manifest(folder, manifest, seal=False)
    assert _problem_reasons(folder)[:1] == ["manifest_checksum_mismatch"]


def test_an_absent_or_garbled_manifest_checksum_is_reported(folder):
    (folder / MANIFEST_CHECKSUM).write_bytes(b"\xff\n")
    assert _problem_reasons(folder) == ["manifest_checksum_mismatch"]
    (folder / MANIFEST_CHECKSUM).unlink()
    report = validate_dataset(folder)
    assert [(p["reason"], p["detail"].split(":")[0]) for p in report.problems] == [("missing_file", MANIFEST_CHECKSUM)]


def test_the_manifest_checksum_is_in_sha256sum_format(folder):
    data = (folder / "manifest.json").read_bytes()
    assert manifest_checksum_text(data) == f"{hashlib.sha256(data).hexdigest()}  manifest.json\n"
    if shutil.which("sha256sum"):
        subprocess.run(["sha256sum", "--check", "--quiet", MANIFEST_CHECKSUM], cwd=folder, check=True)


@pytest.mark.parametrize(
    "where",
    [
        pytest.param(lambda tmp: tmp, id="a folder without manifest.json"),
        pytest.param(lambda tmp: tmp / "nothing-here", id="a path that does not exist"),
        pytest.param(lambda tmp: (tmp / "a.parquet").write_bytes(b"x") and tmp / "a.parquet", id="a file"),
    ],
)
def test_what_is_not_a_dataset_folder_is_a_usage_error(tmp_path, where):
    with pytest.raises(NotADatasetError, match="--out folder of a `toolkit build`"):
        validate_dataset(where(tmp_path))


# ---- a property: no manifest value makes validation raise, and every change is caught -----------

# Sections the validator recomputes from the folder: a change there is caught even when whoever
# made it also rewrote manifest.sha256. Elsewhere (inputs, parameters) only the checksum can tell.
_RECOMPUTED = {"schema_versions", "tables", "validation", "files"}

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
    # Values close to real ones: paths in and out of the folder, counts, digests.
    | st.sampled_from(["articles.parquet", "mentions.parquet", "../manifest.json", "/etc/passwd", "a\\b", ".",
                      "0" * 64, 0, 1, -1, 2**70, {}, []]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def _keys(value: object, where: tuple = ()) -> list[tuple]:
    """The path to every value inside a manifest (object keys and list indices), the root excluded."""
    inner = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    return [p for k, v in inner for p in [(*where, k), *_keys(v, (*where, k))]]


def _near(value: object) -> list:
    """Values a small edit away from `value`, as a hand edit or an off-by-one would make them."""
    if isinstance(value, bool) or value is None:
        return [not value]
    if isinstance(value, int):
        return [value + 1, value - 1, str(value)]
    if isinstance(value, str):
        return [value + "x", "../" + value, value.upper(), ""]
    if isinstance(value, dict):
        return [dict(list(value.items())[1:]), {**value, "x": 1}]
    return [value[1:], value + value[:1]]  # type: ignore[index, operator]


@pytest.fixture(scope="module")
def sealed(tmp_path_factory) -> Path:
    return write_folder(tmp_path_factory.mktemp("sealed"), _with_a_reject(dataset()))


@given(st.data(), st.booleans())
def test_any_value_anywhere_in_the_manifest_gives_a_report_that_catches_it(sealed, data, reseal):
    manifest = _manifest(sealed)
    *parent, last = key = data.draw(st.sampled_from(_keys(manifest)), label="key")
    holder = manifest
    for k in parent:
        holder = holder[k]
    original = holder[last]
    holder[last] = value = data.draw(_json | st.sampled_from(_near(original)), label="value")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(shutil.copytree(sealed, Path(tmp) / "ds"))
        _write_manifest(root, manifest, seal=reseal)
        report = validate_dataset(root)
    assert isinstance(report, Report)
    if value != original and (not reseal or key[0] in _RECOMPUTED):
        assert not report.ok, (key, value)


# ---- a real build --------------------------------------------------------------------------------

def test_a_demo_build_passes_and_a_sealed_edit_of_its_counts_does_not(tmp_path):
    from toolkit.pipeline.run import build

    from tests.conftest import REPO

    out = tmp_path / "demo"
    build(REPO / "datasets" / "demo" / "dataset.toml", out=out)
    assert (out / MANIFEST_CHECKSUM).read_text() == manifest_checksum_text((out / "manifest.json").read_bytes())
    report = validate_dataset(out)
    assert report.ok, report.problems
    manifest = _manifest(out)
    manifest["validation"]["rejects_by_table"] = {}
    _write_manifest(out, manifest)
    assert _problem_reasons(out) == ["manifest_mismatch"]


def test_a_lazy_frame_is_refused_because_pandera_would_only_check_its_dtypes():
    with pytest.raises(FrameSchemaError, match="collected"):
        validate_table(dataset()["events"].lazy(), "events")  # type: ignore[arg-type]


# ---- the one-collect pre-check that lets clean frames skip pandera -------------------------------


@given(valid_tables(), st.data())
def test_precheck_passes_exactly_the_frames_pandera_accepts(case, data):
    import pandera.polars as pa

    from toolkit.contract.precheck import passes
    from toolkit.contract.schema import pandera_schema

    table, df = case
    if data.draw(st.booleans()):
        column, value = data.draw(st.sampled_from(_spoilers(table)))
        spoilt = data.draw(st.lists(st.booleans(), min_size=df.height, max_size=df.height))
        df = df.with_columns(
            pl.when(pl.Series(spoilt, dtype=pl.Boolean)).then(pl.lit(value, dtype=df.schema[column]))
            .otherwise(pl.col(column)).alias(column)
        )
    if data.draw(st.booleans()) and df.height:
        df = pl.concat([df, df.head(1)])  # a duplicate key
    try:
        pandera_schema(table).validate(df, lazy=True)
        accepted = True
    except pa.errors.SchemaErrors:
        accepted = False
    assert passes(df, table) == accepted


def test_precheck_leaves_frames_with_other_columns_or_dtypes_to_pandera():
    from toolkit.contract.precheck import passes

    df = dataset()["articles"]
    assert passes(df, "articles")
    assert not passes(df.select(reversed(df.columns)), "articles")
    assert not passes(df.with_columns(pl.col("position").cast(pl.Int32)), "articles")
    assert not passes(df.drop("title"), "articles")
