"""Claims about schemas/*.yaml and their translation to polars dtypes and pandera schemas."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from pathlib import Path

import polars as pl
import pytest
import yaml

from toolkit.contract import schema
from toolkit.publish import package
from toolkit.errors import FrameSchemaError, SchemaFileError, ToolkitError
from toolkit.contract.schema import (
    TABLES,
    conform,
    empty_frame,
    foreign_keys,
    load_schemas,
    pandera_schema,
    polars_dtype,
    polars_schema,
    primary_key,
)


@pytest.mark.parametrize("table", TABLES)
def test_every_field_has_a_description_sentence(table):
    doc = yaml.safe_load((schema.schema_dir() / f"{table}.yaml").read_text(encoding="utf-8"))
    assert doc["description"].strip() and doc["title"].strip() and doc["version"] == 1
    for field in doc["fields"]:
        assert len(field["description"].split()) >= 4, f"{table}.{field['name']} needs a real sentence"


@pytest.mark.parametrize("table", TABLES)
def test_every_table_builds_a_strict_ordered_pandera_schema(table):
    built = pandera_schema(table)
    assert list(built.columns) == list(polars_schema(table))
    assert built.strict is True and built.ordered is True
    built.validate(empty_frame(table))  # an empty frame of the right dtypes is valid


@pytest.mark.parametrize("table", TABLES)
def test_primary_and_foreign_keys_name_existing_fields_and_tables(table):
    columns = polars_schema(table)
    assert all(k in columns for k in primary_key(table))
    for fields, parent, parent_fields in foreign_keys(table):
        assert parent in TABLES and TABLES.index(parent) <= TABLES.index(table), "parents come first"
        assert all(f in columns for f in fields)
        assert all(f in polars_schema(parent) for f in parent_fields)
        assert [columns[f] for f in fields] == [polars_schema(parent)[f] for f in parent_fields]


def test_contract_columns_are_in_the_schemas_in_order():
    assert list(polars_schema("events"))[:6] == ["event_id", "article_id", "sentence", "start", "end", "text"]
    assert list(polars_schema("rejects")) == ["table", "key", "reason", "detail", "payload", "doc_id"]
    assert "raw_text" not in polars_schema("documents") and "text" not in polars_schema("documents")
    assert primary_key("rejects") == ["table", "key", "reason"]


def test_types_translate_to_the_documented_polars_dtypes():
    assert polars_schema("articles")["published_at"] == pl.Datetime("us", "UTC")
    assert polars_schema("events")["event_date"] == pl.Date
    assert polars_schema("events")["goldstein"] == pl.Float64
    assert polars_schema("events")["cameo_code"] == pl.String
    assert polars_schema("entities")["aliases"] == pl.List(pl.String)
    assert polars_schema("articles")["block_starts"] == pl.List(pl.Int64)
    assert polars_dtype({"type": "boolean"}) == pl.Boolean


def test_required_fields_are_not_nullable_and_keys_are_unique():
    columns = pandera_schema("events").columns
    assert columns["event_id"].unique and not columns["event_id"].nullable
    assert columns["source_id"].nullable and columns["event_date"].nullable
    assert not columns["modality"].nullable
    assert pandera_schema("rejects").unique == ["table", "key", "reason"]


def test_conform_gives_exactly_the_schema_columns_and_dtypes():
    df = pl.DataFrame(
        {
            "internal": [1],  # an extra working column a stage may carry
            "surface": ["Kyiv"],
            "mention_id": ["a" * 32],
            "article_id": ["b" * 32],
            "entity_id": ["c" * 32],
            "sentence": pl.Series([0], dtype=pl.Int32),
            "start": [0],
            "end": [4],
            "kind": ["place"],
            "name": ["Kyiv"],
        }
    )
    out = conform(df, "mentions")
    assert out.schema == pl.Schema(polars_schema("mentions"))
    assert out["country_code"].null_count() == 1  # missing nullable column arrives as nulls
    assert conform(df.lazy(), "mentions").collect().equals(out)
    assert conform(out, "mentions").equals(out)


def test_conform_refuses_a_frame_missing_a_required_column():
    with pytest.raises(FrameSchemaError, match="surface") as info:
        conform(pl.DataFrame({"mention_id": ["a" * 32]}), "mentions")
    assert isinstance(info.value, ToolkitError) and isinstance(info.value, TypeError)


@pytest.fixture
def broken_schemas(tmp_path, monkeypatch):
    """A copy of schemas/ that a test may break; caches are cleared before and after."""
    for table in TABLES:
        shutil.copy(schema.schema_dir() / f"{table}.yaml", tmp_path / f"{table}.yaml")
    monkeypatch.setattr(schema, "schema_dir", lambda: tmp_path)
    load_schemas.cache_clear()
    pandera_schema.cache_clear()
    yield tmp_path
    load_schemas.cache_clear()
    pandera_schema.cache_clear()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("type: integer\n    description: Order", "type: int\n    description: Order", "position"),
        ("    description: Headline of the article, from its title line or else from the input's title field.\n", "", "title"),
        ("constraints: {required: true, minimum: 0}", "constraints: {required: true, min: 0}", "min"),
        ("fields: [doc_id]}", "fields: [document]}", r"\['document'\]"),
        ("resource: documents", "resource: papers", "papers"),
        ("primaryKey: [article_id]", "primaryKey: [id]", "primaryKey"),
    ],
    ids=["unknown type", "missing description", "unknown constraint", "foreign field", "unknown table", "bad key"],
)
def test_a_malformed_schema_file_names_the_file_and_what_to_fix(broken_schemas, old, new, says):
    _edit(broken_schemas / "articles.yaml", old, new)
    with pytest.raises(SchemaFileError, match=says) as info:
        load_schemas()
    assert "articles.yaml" in str(info.value)


def test_invalid_yaml_is_a_schema_file_error(broken_schemas):
    (broken_schemas / "events.yaml").write_text("fields: [unclosed", encoding="utf-8")
    with pytest.raises(SchemaFileError, match="events.yaml"):
        load_schemas()


# ---------------------------------------------------------------- x-filled-by: which module fills each column

# Packages in the order a build runs them: a list of fillers follows it (see toolkit.contract.schema).
STAGES = ("io", "text", "entities", "events", "vocab", "contract", "publish", "pipeline")


def _unowned(schemas: dict) -> list[str]:
    """`table.field: why` for every field without x-filled-by or naming a module that does not exist."""
    problems = []
    for table, doc in schemas.items():
        for field in doc["fields"]:
            where = f"{table}.{field['name']}"
            names = schema.filled_by(field)
            if not names:
                problems.append(f"{where}: no x-filled-by")
            for name in names:
                try:
                    spec = importlib.util.find_spec(name)
                except ModuleNotFoundError:  # a missing parent package
                    spec = None
                if spec is None or spec.submodule_search_locations is not None:
                    problems.append(f"{where}: {name} is not a module of the toolkit")
    return problems


def test_every_field_names_existing_modules_that_fill_it():
    assert _unowned(load_schemas()) == []


def test_a_field_without_a_filler_or_with_a_missing_module_is_caught():
    doc = {"fields": [
        {"name": "a", "x-filled-by": "toolkit.text.nothing_here"},
        {"name": "b", "x-filled-by": ["toolkit.text.segment", "toolkit.no_such_package.module"]},
        {"name": "c", "x-filled-by": "toolkit.text"},  # a package, not the module that computes
        {"name": "d"},
    ]}  # fmt: skip
    assert _unowned({"t": doc}) == [
        "t.a: toolkit.text.nothing_here is not a module of the toolkit",
        "t.b: toolkit.no_such_package.module is not a module of the toolkit",
        "t.c: toolkit.text is not a module of the toolkit",
        "t.d: no x-filled-by",
    ]


def test_fillers_of_one_column_are_listed_in_stage_order_then_by_name():
    for table, doc in load_schemas().items():
        for field in doc["fields"]:
            names = schema.filled_by(field)
            order = [(STAGES.index(n.split(".")[1]) if n.count(".") == 2 else len(STAGES), n) for n in names]
            assert order == sorted(order), f"{table}.{field['name']}: {names}"


def test_fillers_stay_out_of_the_polars_and_pandera_translation():
    field = {"name": "n", "type": "integer", "description": "A count of things.", "x-filled-by": "toolkit.pipeline.run"}
    assert polars_dtype(field) == pl.Int64
    for table in TABLES:
        for name, column in pandera_schema(table).columns.items():
            assert column.metadata is None, (table, name)
            assert not any("filled" in repr(check) for check in column.checks), (table, name)


@pytest.mark.parametrize(
    "value",
    ["text.segment", "[]", "[toolkit.text.segment, 3]", "[toolkit.text.segment, toolkit.text.segment]", "{a: 1}"],
)
def test_a_malformed_x_filled_by_is_a_schema_file_error(broken_schemas, value):
    _edit(broken_schemas / "articles.yaml", "x-filled-by: toolkit.text.language", f"x-filled-by: {value}")
    with pytest.raises(SchemaFileError, match="x-filled-by") as info:
        load_schemas()
    assert "articles.yaml" in str(info.value) and "language" in str(info.value)


def test_a_list_of_fillers_loads():
    fields = {f["name"]: f for f in load_schemas()["articles"]["fields"]}
    assert schema.filled_by(fields["language"]) == ["toolkit.text.language"]
    assert schema.filled_by(fields["published_at"]) == ["toolkit.io.read", "toolkit.io.webpages"]
    assert schema.filled_by({"name": "x"}) == []


def _dictionary_rows(card: str) -> dict[str, dict[str, list[str]]]:
    """table -> column -> cells of its data-dictionary row, read from the card's Markdown."""
    rows: dict[str, dict[str, list[str]]] = {}
    section = card.split("## Data dictionary", 1)[1].split("\n## ", 1)[0]
    table = None
    for line in section.splitlines():
        if line.startswith("### "):
            table = line[4:].strip()
            rows[table] = {}
        elif table and line.startswith("| `"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            rows[table][cells[0].strip("`")] = cells
    return rows


def test_the_card_dictionary_names_the_modules_that_fill_each_column():
    from tests.publish.test_package import META, _manifest

    schemas = load_schemas()
    card = package.dataset_card(META, _manifest(schemas), {}, schemas)
    assert "| column | type | required | description | filled by |" in card
    rows = _dictionary_rows(card)
    for table in TABLES:
        for field in schemas[table]["fields"]:
            cells = rows[table][field["name"]]
            assert cells[-1] == ", ".join(f"`{m}`" for m in schema.filled_by(field)), (table, field["name"])


def test_datapackage_keeps_the_fillers_and_croissant_leaves_them_out():
    from tests.publish.test_package import META, _manifest

    schemas = load_schemas()
    manifest = _manifest(schemas)
    for resource in package.datapackage(META, manifest, schemas)["resources"]:
        spec = {f["name"]: f for f in schemas[resource["name"]]["fields"]}
        for field in resource["schema"]["fields"]:
            assert field["x-filled-by"] == spec[field["name"]]["x-filled-by"]
    assert "x-filled-by" not in json.dumps(package.croissant(META, manifest, schemas))
