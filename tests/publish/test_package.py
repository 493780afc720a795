"""Claims about packaging: datapackage.json, croissant.json and the dataset card follow the schemas
and copy checksums from the manifest; mlcroissant loads the Croissant file and reads every table."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.publish import package
from toolkit.errors import DatasetError, SchemaFileError
from toolkit.contract.schema import TABLES, load_schemas

META = {
    "name": "Demo News 2024!",
    "title": "Demo news",
    "description": "A demo corpus.",
    "license": "CC-BY-4.0",
    "version": "0.1.0",
}


def _field(name: str, kind: str = "string", item: str | None = None, **constraints) -> dict:
    out = {"name": name, "type": kind, "description": f"The {name} | column."}
    if item:
        out["itemType"] = item
    if constraints:
        out["constraints"] = constraints
    return out


def _fk(column: str, resource: str, target: str) -> dict:
    return {"fields": [column], "reference": {"resource": resource, "fields": [target]}}


def _schema(table: str, key, fields: list[dict], fks: tuple = ()) -> dict:
    out = {"name": table, "title": table.capitalize(), "description": f"The {table} table.", "version": 1}
    return out | {"fields": fields, "primaryKey": key, "foreignKeys": list(fks)}


# Small stand-ins for schemas/*.yaml: every table, every field type the toolkit knows.
MINI = {
    "documents": _schema(
        "documents",
        ["doc_id"],
        [
            _field("doc_id", required=True, unique=True, pattern="^d[0-9]+$"),
            _field("n_bytes", "integer", required=True, minimum=0),
            _field("status", enum=["ok", "rejected"]),
            _field("is_html", "boolean"),
        ],
    ),
    "articles": _schema(
        "articles",
        ["article_id"],
        [
            _field("article_id", required=True),
            _field("doc_id", required=True),
            _field("published_at", "datetime"),
            _field("block_starts", "list", "integer", required=True),
        ],
        (_fk("doc_id", "documents", "doc_id"), _fk("article_id", "articles", "article_id")),
    ),
    "fragments": _schema("fragments", ["fragment_id"], [_field("fragment_id"), _field("doc_id"), _field("kind")]),
    "entities": _schema(
        "entities",
        ["entity_id"],
        [_field("entity_id"), _field("name"), _field("latitude", "number"), _field("aliases", "list", "string")],
    ),
    "mentions": _schema(
        "mentions",
        ["mention_id"],
        [_field("mention_id"), _field("article_id"), _field("entity_id")],
        (_fk("article_id", "articles", "article_id"), _fk("entity_id", "entities", "entity_id")),
    ),
    "events": _schema(
        "events",
        ["event_id"],
        [_field("event_id"), _field("root_code"), _field("goldstein", "number"), _field("event_date", "date")],
    ),
    "rejects": _schema("rejects", ["table", "key", "reason"], [_field("table"), _field("key"), _field("reason")]),
}


def _manifest(schemas: dict, files: dict | None = None) -> dict:
    """A manifest like write.py's; made-up checksums unless real file records are given."""
    files = files or {
        f"{t}.parquet": {"sha256": hashlib.sha256(t.encode()).hexdigest(), "bytes": 100 + i}
        for i, t in enumerate(schemas)
    }
    return {
        "toolkit_version": "9.8.7",
        "schema_versions": {t: 1 for t in schemas},
        "lockfile_sha256": "ab" * 32,
        "inputs": [
            {"source": "raw/a.txt", "sha256": "00" * 32, "n_bytes": 300},
            {"source": "raw/b.jsonl", "sha256": "11" * 32, "bytes": 45},
        ],
        "parameters": {"shard_size": 1000, "name": "demo"},
        "tables": {t: {"path": f"{t}.parquet", "rows": 10 * (i + 1)} for i, t in enumerate(schemas)},
        "files": files,
        "validation": {"rejects": {"empty_text": 2}, "rejects_by_table": {"documents": 2}},
    }


@pytest.fixture(params=["mini", "repo"])
def schemas(request) -> dict:
    """The stand-in schemas, and the repository's own schemas/."""
    if request.param == "mini":
        return MINI
    return load_schemas()


# ---------------------------------------------------------------- datapackage.json


def test_datapackage_has_one_resource_per_table_in_table_order(schemas):
    pkg = package.datapackage(META, _manifest(schemas), schemas)
    assert pkg["profile"] == "tabular-data-package"
    assert [r["name"] for r in pkg["resources"]] == list(TABLES)


def test_datapackage_fields_follow_the_schema_and_all_have_descriptions(schemas):
    pkg = package.datapackage(META, _manifest(schemas), schemas)
    for resource in pkg["resources"]:
        spec = schemas[resource["name"]]
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == [f["name"] for f in spec["fields"]]
        assert all(f["description"].strip() for f in fields), resource["name"]
        assert resource["schema"]["primaryKey"] == package._as_list(spec["primaryKey"])


def test_datapackage_copies_hash_and_size_from_the_manifest(schemas):
    manifest = _manifest(schemas)
    for resource in package.datapackage(META, manifest, schemas)["resources"]:
        record = manifest["files"][resource["path"]]
        assert resource["hash"] == f"sha256:{record['sha256']}"
        assert resource["bytes"] == record["bytes"]
        assert (resource["format"], resource["mediatype"]) == ("parquet", "application/vnd.apache.parquet")


def test_datapackage_declares_list_columns_as_arrays_with_their_item_type():
    fields = package.datapackage(META, _manifest(MINI), MINI)["resources"][1]["schema"]["fields"]
    by_name = {f["name"]: f for f in fields}
    assert by_name["block_starts"]["type"] == "array"
    assert by_name["block_starts"]["itemType"] == "integer"
    assert by_name["published_at"]["type"] == "datetime"


def test_datapackage_keeps_constraints_and_foreign_keys():
    resources = package.datapackage(META, _manifest(MINI), MINI)["resources"]
    doc_id = resources[0]["schema"]["fields"][0]
    assert doc_id["constraints"] == {"required": True, "unique": True, "pattern": "^d[0-9]+$"}
    assert resources[1]["schema"]["foreignKeys"][0] == _fk("doc_id", "documents", "doc_id")


def test_datapackage_name_is_a_lowercase_slug():
    assert package.datapackage(META, _manifest(MINI), MINI)["name"] == "demo-news-2024"


@given(st.text())
def test_slug_is_a_valid_package_name_and_idempotent(text):
    name = package.slug(text)
    assert re.fullmatch(r"[a-z0-9._-]+", name)
    assert package.slug(name) == name


def test_missing_file_record_in_manifest_is_a_dataset_error():
    manifest = _manifest(MINI)
    del manifest["files"]["events.parquet"]
    with pytest.raises(DatasetError, match="events"):
        package.datapackage(META, manifest, MINI)


def test_unknown_field_type_is_a_schema_file_error():
    bad = MINI | {"events": _schema("events", ["event_id"], [_field("event_id", "geopoint")])}
    with pytest.raises(SchemaFileError, match="geopoint"):
        package.croissant(META, _manifest(bad), bad)


# ---------------------------------------------------------------- croissant.json


def test_croissant_declares_the_standard_context_and_conformance():
    doc = package.croissant(META, _manifest(MINI), MINI)
    assert doc["@type"] == "sc:Dataset"
    assert doc["conformsTo"] == "http://mlcommons.org/croissant/1.0"
    context = doc["@context"]
    assert context["cr"] == "http://mlcommons.org/croissant/"
    assert context["@vocab"] == "https://schema.org/"
    assert context["dataType"] == {"@id": "cr:dataType", "@type": "@vocab"}
    assert (doc["name"], doc["license"], doc["version"]) == ("demo-news-2024", "CC-BY-4.0", "0.1.0")


def test_croissant_has_a_checksummed_parquet_file_object_per_table(schemas):
    manifest = _manifest(schemas)
    files = package.croissant(META, manifest, schemas)["distribution"]
    assert [f["@id"] for f in files] == [f"{t}.parquet" for t in TABLES]
    for f in files:
        assert f["@type"] == "cr:FileObject"
        assert f["encodingFormat"] == "application/x-parquet"
        assert f["sha256"] == manifest["files"][f["contentUrl"]]["sha256"]


def test_croissant_has_a_record_set_per_table_with_a_field_per_column(schemas):
    record_sets = package.croissant(META, _manifest(schemas), schemas)["recordSet"]
    assert [rs["@id"] for rs in record_sets] == list(TABLES)
    for rs in record_sets:
        table = rs["@id"]
        assert rs["@type"] == "cr:RecordSet"
        assert [f["@id"] for f in rs["field"]] == [f"{table}/{f['name']}" for f in schemas[table]["fields"]]
        for f in rs["field"]:
            assert f["source"] == {"fileObject": {"@id": f"{table}.parquet"}, "extract": {"column": f["name"]}}
            assert f["description"].strip()


@pytest.mark.parametrize(
    ("kind", "item", "data_type", "repeated"),
    [
        ("string", None, "sc:Text", False),
        ("integer", None, "sc:Integer", False),
        ("number", None, "sc:Float", False),
        ("boolean", None, "sc:Boolean", False),
        ("datetime", None, "sc:DateTime", False),
        ("date", None, "sc:Date", False),
        ("list", "string", "sc:Text", True),
        ("list", "integer", "sc:Integer", True),
    ],
    ids=lambda v: str(v),
)
def test_croissant_maps_each_type_to_a_schema_org_data_type(kind, item, data_type, repeated):
    one = {"events": _schema("events", ["x"], [_field("x", kind, item)])}
    field = package.croissant(META, _manifest(one), one)["recordSet"][0]["field"][0]
    assert field["dataType"] == data_type
    assert field.get("repeated", False) is repeated


def test_croissant_keys_come_from_primary_keys():
    record_sets = {rs["@id"]: rs for rs in package.croissant(META, _manifest(MINI), MINI)["recordSet"]}
    assert record_sets["documents"]["key"] == {"@id": "documents/doc_id"}
    assert record_sets["rejects"]["key"] == [{"@id": f"rejects/{c}"} for c in ("table", "key", "reason")]


def test_croissant_leaves_foreign_keys_out_so_readers_do_not_join_tables():
    # mlcroissant reads `references` as a join: rows repeat, and articles -> articles is a cycle.
    text = json.dumps(package.croissant(META, _manifest(MINI), MINI)["recordSet"])
    assert '"references"' not in text


# ---------------------------------------------------------------- determinism


def _all_outputs(schemas: dict, manifest: dict, stats: dict) -> tuple[str, str, str]:
    return (
        json.dumps(package.datapackage(META, manifest, schemas), sort_keys=True),
        json.dumps(package.croissant(META, manifest, schemas), sort_keys=True),
        package.dataset_card(META, manifest, stats, schemas),
    )


def test_outputs_are_identical_for_the_same_inputs_in_any_dict_order(schemas):
    manifest = _manifest(schemas)
    stats = {"languages": {"en": 3, "de": 3, "fr": 1}, "rejects": {"b": 1, "a": 1}}
    first = _all_outputs(schemas, manifest, stats)
    assert _all_outputs(schemas, manifest, stats) == first
    shuffled_manifest = manifest | {"files": dict(reversed(manifest["files"].items()))}
    shuffled_stats = {k: dict(reversed(v.items())) for k, v in reversed(stats.items())}
    assert _all_outputs(dict(reversed(schemas.items())), shuffled_manifest, shuffled_stats) == first


@given(st.dictionaries(st.text(min_size=1), st.integers(0, 10**6), max_size=8))
def test_card_does_not_depend_on_the_order_counts_arrive_in(counts):
    card = package.dataset_card(META, _manifest(MINI), {"languages": counts}, MINI)
    assert package.dataset_card(META, _manifest(MINI), {"languages": dict(reversed(counts.items()))}, MINI) == card


# ---------------------------------------------------------------- dataset card


def test_card_lists_every_table_with_its_rows_and_every_column(schemas):
    manifest = _manifest(schemas)
    card = package.dataset_card(META, manifest, {}, schemas)
    for table in TABLES:
        assert f"| {table} | {manifest['tables'][table]['rows']} |" in card
        assert f"### {table}" in card
        for field in schemas[table]["fields"]:
            assert f"| `{field['name']}` |" in card, (table, field["name"])


def test_card_records_how_the_dataset_was_built():
    card = package.dataset_card(META, _manifest(MINI), {}, MINI)
    assert card.startswith("# Demo news\n")
    assert "9.8.7" in card and "ab" * 32 in card
    assert "2 files, 345 bytes" in card
    assert '"shard_size": 1000' in card
    assert 'pl.read_parquet("events.parquet")' in card
    assert "## Limitations" in card and "yield no entities or events" in card


def test_card_counts_the_inputs_that_were_not_read_by_reason():
    manifest = _manifest(MINI)
    assert "Inputs not read" not in package.dataset_card(META, manifest, {}, MINI)
    manifest["skipped_inputs"] = [{"path": ".a", "reason": "hidden"}, {"path": ".b", "reason": "hidden"},
                                  {"path": "p", "reason": "not_a_file"}]  # fmt: skip
    assert "Inputs not read: 3 (2 hidden, 1 not_a_file;" in package.dataset_card(META, manifest, {}, MINI)


def test_card_escapes_pipes_so_dictionary_rows_keep_four_cells():
    card = package.dataset_card(META, _manifest(MINI), {}, MINI)
    rows = [line for line in card.splitlines() if line.startswith("| `doc_id` |")]
    assert rows and all(len(re.split(r"(?<!\\)\|", row)) == 6 for row in rows)


def test_card_renders_the_stats_given_and_skips_the_absent():
    manifest = _manifest(MINI)
    del manifest["validation"]
    card = package.dataset_card(META, manifest, {}, MINI)
    assert "## Statistics" not in card
    card = package.dataset_card(
        META, manifest, {"languages": {"de": 1, "en": 5}, "top_entities": [("Russia", 9)], "extra_count": 3}, MINI
    )
    assert "### Languages" in card and "### Top entities" in card and "| Russia | 9 |" in card
    assert "### Event" not in card and "### Rejects" not in card
    assert card.index("| en | 5 |") < card.index("| de | 1 |")
    assert "### Extra count" in card


def test_card_falls_back_to_the_manifest_reject_counts():
    card = package.dataset_card(META, _manifest(MINI), {}, MINI)
    assert "### Rejects by reason" in card and "| empty_text | 2 |" in card


# ---------------------------------------------------------------- card_stats


def _built_tables() -> dict[str, pl.DataFrame]:
    names = [f"E{i:02d}" for i in range(12)]
    return {
        "articles": pl.DataFrame({"article_id": ["a", "b", "c"], "language": ["en", None, "en"]}),
        "entities": pl.DataFrame({"name": ["Zed", "Abe", *names], "n_mentions": [7, 7, *range(12)]}),
        "events": pl.DataFrame(
            {
                "event_id": ["e1", "e2", "e3", "e4"],
                "root_code": ["04", "01", "04", None],
                "cluster_id": ["c1", "c1", None, "c2"],
            }
        ),
        "rejects": pl.DataFrame({"reason": ["empty_text", "span_mismatch", "empty_text"]}),
    }


def test_card_stats_counts_languages_roots_rejects_and_cluster_sizes():
    stats = package.card_stats(_built_tables())
    assert stats["languages"] == {"en": 2, "und": 1}
    assert stats["event_roots"] == {"04": 2, "01": 1, "none": 1}
    assert stats["rejects"] == {"empty_text": 2, "span_mismatch": 1}
    assert stats["cluster_sizes"] == {"1": 2, "2": 1}


def test_card_stats_ranks_top_ten_entities_ties_by_name():
    top = package.card_stats(_built_tables())["top_entities"]
    assert len(top) == 10
    assert top[:3] == [("E11", 11), ("E10", 10), ("E09", 9)]
    assert top[3:7] == [("E08", 8), ("Abe", 7), ("E07", 7), ("Zed", 7)]


def test_card_stats_skips_tables_that_are_absent():
    assert package.card_stats({}) == {}
    assert set(package.card_stats({"rejects": _built_tables()["rejects"]})) == {"rejects"}


def test_card_stats_are_json_and_render_in_the_card():
    stats = package.card_stats(_built_tables())
    assert json.loads(json.dumps(stats))["languages"] == {"en": 2, "und": 1}
    card = package.dataset_card(META, _manifest(MINI), stats, MINI)
    assert "| Abe | 7 |" in card and "| 04 | 2 |" in card


# ---------------------------------------------------------------- mlcroissant end to end

POLARS_TYPES = {
    "string": pl.Utf8,
    "integer": pl.Int64,
    "number": pl.Float64,
    "boolean": pl.Boolean,
    "datetime": pl.Datetime("us", "UTC"),
    "date": pl.Date,
}
SAMPLES = {  # row number -> a value; distinct per row so keys stay unique
    "string": lambda i: f"“é”–{i}",
    "integer": lambda i: 7 + i,
    "number": lambda i: 1.5 + i,
    "boolean": lambda i: i == 0,
    "datetime": lambda i: dt.datetime(2024, 2, 29, 12, i, tzinfo=dt.UTC),
    "date": lambda i: dt.date(2024, 2, 29 - i),
}


def _frame(spec: dict) -> pl.DataFrame:
    """Two rows: every column filled, then every optional column empty (lists empty, not null)."""
    columns = {}
    for f in spec["fields"]:
        required = (f.get("constraints") or {}).get("required", False)
        if f["type"] == "list":
            item = f.get("itemType", "string")
            columns[f["name"]] = pl.Series([[SAMPLES[item](0)], []], dtype=pl.List(POLARS_TYPES[item]))
        else:
            sample = SAMPLES[f["type"]]
            second = sample(1) if required else None
            columns[f["name"]] = pl.Series([sample(0), second], dtype=POLARS_TYPES[f["type"]])
    return pl.DataFrame(columns)


def _build(folder: Path, schemas: dict) -> tuple[dict, dict[str, pl.DataFrame]]:
    """Parquet files for every table and a manifest with their real checksums."""
    frames, files = {}, {}
    for table in schemas:
        frames[table] = _frame(schemas[table])
        path = folder / f"{table}.parquet"
        frames[table].write_parquet(path)
        data = path.read_bytes()
        files[path.name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    return _manifest(schemas, files), frames


def _plain(value):
    """mlcroissant's value as the Python value polars wrote (Text comes back as bytes)."""
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    return value


# mlcroissant's own dependencies (rdflib, pandas) warn about their deprecations; not ours to fix.
THIRD_PARTY_DEPRECATIONS = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")


@THIRD_PARTY_DEPRECATIONS
def test_mlcroissant_loads_the_metadata_and_reads_every_table(schemas, tmp_path, caplog):
    mlc = pytest.importorskip("mlcroissant")
    manifest, frames = _build(tmp_path, schemas)
    path = tmp_path / "croissant.json"
    path.write_text(json.dumps(package.croissant(META, manifest, schemas), indent=2, sort_keys=True))
    with caplog.at_level(logging.WARNING):
        dataset = mlc.Dataset(jsonld=path)
    assert not dataset.metadata.ctx.issues.errors
    assert "not standard" not in caplog.text  # the @context is the one mlcroissant expects
    for table, frame in frames.items():
        records = list(dataset.records(record_set=table))
        assert len(records) == frame.height, table
        for record, row in zip(records, frame.iter_rows(named=True), strict=True):
            got = {key.split("/", 1)[1]: _plain(value) for key, value in record.items()}
            for column, want in row.items():
                if isinstance(want, dt.date) and not isinstance(want, dt.datetime):
                    got[column] = got[column].date() if got[column] is not None else None
                assert got[column] == want, (table, column)


@THIRD_PARTY_DEPRECATIONS
def test_mlcroissant_rejects_a_file_whose_checksum_differs(tmp_path):
    mlc = pytest.importorskip("mlcroissant")
    manifest, _ = _build(tmp_path, MINI)
    manifest["files"]["events.parquet"]["sha256"] = "0" * 64
    path = tmp_path / "croissant.json"
    path.write_text(json.dumps(package.croissant(META, manifest, MINI)))
    with pytest.raises(Exception, match="events.parquet"):
        list(mlc.Dataset(jsonld=path).records(record_set="events"))
    assert len(list(mlc.Dataset(jsonld=path).records(record_set="articles"))) == 2  # only that file fails
