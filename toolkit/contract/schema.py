"""Table schemas: `schemas/<table>.yaml` in the Frictionless Table Schema vocabulary is the one
source of truth; this module loads them and translates them to polars dtypes and pandera schemas
(metadata and the dataset card build on the same dicts).

Besides the Table Schema keys, every field carries the extra property `x-filled-by` (Table Schema
allows properties beyond the spec): the dotted name of the module whose code computes the column's
values, or a list of them. Which module that is:
- the module that computes the value, not one that creates the column as null (text.segment
  creates articles.language, text.language fills it), copies it over from another frame
  (articles.published_at is parsed in io.read and io.webpages; text.segment only carries it), or
  only applies an expression another module builds (events.coder applies events.clauses'
  recode_force to cameo_code: clauses counts);
- a value looked up per row in reference data (the gazetteer, dictionaries, the CAMEO table) is
  filled by the module that does the lookup, not by the module that builds the reference table;
- keys: a table's primary key, and a foreign key naming the row's parent (doc_id, article_id), are
  filled by the module that builds the rows; a foreign key that is chosen (duplicate_of, source_id,
  location_id, mentions.entity_id) by the module that chooses it; other hashes made with
  toolkit.contract.ids' helpers (content_hash, cluster_id) by the module that picks what is hashed.
  toolkit.contract.ids itself fills no column;
- a list when different modules compute the values of different rows (other inputs, other detection
  paths, the three sources of rejects) or one module overrides another's: every such module, in
  stage order (io, text, entities, events, vocab, contract, publish, pipeline), alphabetically within
  a package. Optional components count (entities.recognizers, when `annotate` is given a recogniser).
The property is checked here for shape only; it never reaches the polars or pandera translation.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TypeVar

import pandera.polars as pa
import polars as pl
import yaml

from toolkit.errors import FrameSchemaError, SchemaFileError

# Output order of the tables: parents before children, so foreign keys resolve in one pass.
TABLES = ("documents", "articles", "fragments", "entities", "mentions", "events", "rejects")

# Table Schema type -> polars dtype. Datetimes are UTC instants at microsecond resolution.
_SCALAR_TYPES: dict[str, pl.DataType] = {
    "string": pl.String(),
    "integer": pl.Int64(),
    "number": pl.Float64(),
    "boolean": pl.Boolean(),
    "datetime": pl.Datetime("us", "UTC"),
    "date": pl.Date(),
}
_LIST_ITEM_TYPES = ("string", "integer")
# The constraint vocabulary the translator understands; anything else is a typo to report.
_CONSTRAINTS = ("required", "unique", "pattern", "enum", "minimum", "maximum")
_ROW_CHECKS = ("pattern", "enum", "minimum", "maximum")
# Extra field property naming the module(s) that compute a column (see the module docstring).
FILLED_BY = "x-filled-by"
_MODULE_NAME = re.compile(r"^toolkit(?:\.[a-z_][a-z0-9_]*)+$")

Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)
# Columns a recipe carries from its inputs into a table (`[inputs.extra]`): (column, input field)
# pairs. Only a table whose schema declares `x-extra-fields` takes them; they are optional strings.
Extra = tuple[tuple[str, str], ...]
EXTRA_FIELDS = "x-extra-fields"
EXTRA_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def schema_dir() -> Path:
    """Folder holding the schema files: inside the installed wheel, else the repository's schemas/."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "schemas"
    return packaged if packaged.is_dir() else package.parent / "schemas"


@cache
def load_schemas() -> dict[str, dict]:
    """Every table's schema as a dict, keyed and ordered by TABLES; malformed files raise SchemaFileError."""
    out = {}
    for table in TABLES:
        path = schema_dir() / f"{table}.yaml"
        try:
            # libyaml's loader where PyYAML was built with it: the same documents, read ten times faster.
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except FileNotFoundError:
            raise SchemaFileError(f"{path}: schema file missing; every table needs schemas/<table>.yaml") from None
        except yaml.YAMLError as exc:
            raise SchemaFileError(f"{path}: not valid YAML ({exc})") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("fields"), list):
            raise SchemaFileError(f"{path}: expected a mapping with a 'fields' list")
        _check_table(path, table, doc)
        out[table] = doc
    for table, doc in out.items():
        _check_foreign_keys(schema_dir() / f"{table}.yaml", table, doc, out)
    return out


def _check_table(path: Path, table: str, doc: dict) -> None:
    """Raise SchemaFileError for the first thing the translator could not understand."""
    if doc.get("name") != table:
        raise SchemaFileError(f"{path}: top-level 'name' is {doc.get('name')!r}; set it to {table!r}")
    if not isinstance(doc.get("version"), int):
        raise SchemaFileError(f"{path}: top-level 'version' must be an integer (bump it when columns change)")
    names = []
    for i, field in enumerate(doc["fields"]):
        where = f"{path}: field #{i} ({field.get('name', '?') if isinstance(field, dict) else '?'})"
        if not isinstance(field, dict) or not isinstance(field.get("name"), str):
            raise SchemaFileError(f"{where}: each field needs a 'name' string")
        if not str(field.get("description", "")).strip():
            raise SchemaFileError(f"{where}: add a 'description' sentence saying what the column holds")
        kind = field.get("type")
        if kind == "list":
            if field.get("itemType") not in _LIST_ITEM_TYPES:
                raise SchemaFileError(f"{where}: a list field needs 'itemType' in {list(_LIST_ITEM_TYPES)}")
        elif kind not in _SCALAR_TYPES:
            raise SchemaFileError(f"{where}: 'type' is {kind!r}; use one of {[*_SCALAR_TYPES, 'list']}")
        constraints = field.get("constraints", {})
        if not isinstance(constraints, dict):
            raise SchemaFileError(f"{where}: 'constraints' must be a mapping")
        unknown = sorted(set(constraints) - set(_CONSTRAINTS))
        if unknown:
            raise SchemaFileError(f"{where}: unknown constraints {unknown}; use only {list(_CONSTRAINTS)}")
        if kind == "list" and any(k in constraints for k in _ROW_CHECKS):
            raise SchemaFileError(f"{where}: constraints on list items are not supported; keep only required")
        if "enum" in constraints and not isinstance(constraints["enum"], list):
            raise SchemaFileError(f"{where}: 'enum' must be a list of allowed values")
        if FILLED_BY in field and not _module_names(field[FILLED_BY]):
            raise SchemaFileError(
                f"{where}: '{FILLED_BY}' must be a module name such as toolkit.text.segment, or a non-empty "
                f"list of distinct ones, got {field[FILLED_BY]!r}"
            )
        names.append(field["name"])
    if len(set(names)) != len(names):
        raise SchemaFileError(f"{path}: field names repeat; each column must appear once")
    key = doc.get("primaryKey")
    if not isinstance(key, list) or not key or any(k not in names for k in key):
        raise SchemaFileError(f"{path}: 'primaryKey' must list existing fields, got {key!r}")


def _check_foreign_keys(path: Path, table: str, doc: dict, schemas: dict[str, dict]) -> None:
    """Raise SchemaFileError when a foreign key names a missing field, table or referenced field."""
    names = field_names(doc)
    for fk in doc.get("foreignKeys", []):
        ref = fk.get("reference", {}) if isinstance(fk, dict) else {}
        fields, parent = fk.get("fields") if isinstance(fk, dict) else None, ref.get("resource")
        parent = table if parent == "" else parent  # Table Schema: "" means this same table
        if not isinstance(fields, list) or any(f not in names for f in fields):
            raise SchemaFileError(f"{path}: foreign key fields {fields!r} are not all fields of {table}")
        if parent not in schemas:
            raise SchemaFileError(f"{path}: foreign key {fields} references unknown table {parent!r}")
        ref_fields = ref.get("fields")
        if not isinstance(ref_fields, list) or len(ref_fields) != len(fields) or any(
            f not in field_names(schemas[parent]) for f in ref_fields
        ):
            raise SchemaFileError(
                f"{path}: foreign key {fields} references {ref_fields!r}; name as many existing fields of {parent}"
            )


def _module_names(value: object) -> list[str]:
    """The module names of an `x-filled-by` value (a string or a list of strings); [] when malformed."""
    names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    if not all(isinstance(n, str) and _MODULE_NAME.match(n) for n in names) or len(set(names)) != len(names):
        return []
    return list(names)


def filled_by(field: dict) -> list[str]:
    """The modules whose code computes a field's values (its `x-filled-by`, as a list; [] when absent)."""
    return _module_names(field.get(FILLED_BY))


def field_names(doc: dict) -> list[str]:
    """Column names of a schema dict, in order."""
    return [f["name"] for f in doc["fields"]]


def primary_key(table: str) -> list[str]:
    """The primary key columns of a table."""
    return list(load_schemas()[table]["primaryKey"])


def foreign_keys(table: str) -> list[tuple[list[str], str, list[str]]]:
    """(fields, parent table, parent fields) for every foreign key of a table, in file order."""
    out = []
    for fk in load_schemas()[table].get("foreignKeys", []):
        parent = fk["reference"]["resource"] or table
        out.append((list(fk["fields"]), parent, list(fk["reference"]["fields"])))
    return out


def polars_dtype(field: dict) -> pl.DataType:
    """The polars dtype of one schema field."""
    if field["type"] == "list":
        return pl.List(_SCALAR_TYPES[field["itemType"]])
    return _SCALAR_TYPES[field["type"]]


def table_schema(table: str, extra: Extra = ()) -> dict:
    """A table's schema dict, with the recipe's extra columns appended as optional string fields.

    ValueError when the table takes no extra columns or a name is not a new lower-case identifier.
    """
    doc = load_schemas()[table]
    if not extra:
        return doc
    spec = doc.get(EXTRA_FIELDS)
    if not isinstance(spec, dict):
        raise ValueError(f"{table}: the table takes no extra columns (its schema has no {EXTRA_FIELDS})")
    names = field_names(doc)
    fields = []
    for name, source in extra:
        if not EXTRA_NAME.match(name) or name in names:
            raise ValueError(f"{table}: extra column {name!r} must be a lower-case identifier (a-z, 0-9, _) of "
                             f"at most 64 characters that is not already a column: {', '.join(names)}")
        names.append(name)
        fields.append({"name": name, "type": "string", "description": spec["description"].format(field=source),
                       FILLED_BY: spec[FILLED_BY]})  # fmt: skip
    return {**doc, "fields": [*doc["fields"], *fields]}


def table_schemas(extra: Extra = ()) -> dict[str, dict]:
    """Every table's schema dict, the articles table with the recipe's extra columns."""
    return {t: table_schema(t, extra if t == "articles" else ()) for t in TABLES}


def polars_schema(table: str, extra: Extra = ()) -> dict[str, pl.DataType]:
    """Column name -> polars dtype, in schema order (the recipe's extra columns last)."""
    return {f["name"]: polars_dtype(f) for f in table_schema(table, extra)["fields"]}


def empty_frame(table: str, extra: Extra = ()) -> pl.DataFrame:
    """A frame with the table's columns and dtypes and no rows."""
    return pl.DataFrame(schema=polars_schema(table, extra))


def _checks(constraints: dict) -> list[pa.Check]:
    """pandera checks for a field's row-level constraints (pattern, enum, minimum, maximum)."""
    checks = []
    if "pattern" in constraints:
        checks.append(pa.Check.str_matches(constraints["pattern"]))
    if "enum" in constraints:
        checks.append(pa.Check.isin(constraints["enum"]))
    if "minimum" in constraints:
        checks.append(pa.Check.ge(constraints["minimum"]))
    if "maximum" in constraints:
        checks.append(pa.Check.le(constraints["maximum"]))
    return checks


@cache
def pandera_schema(table: str, extra: Extra = ()) -> pa.DataFrameSchema:
    """The pandera schema of a table: strict, ordered, nullable unless required, keys unique.

    pandera validates values only on collected frames; on a LazyFrame it checks names and dtypes.
    """
    doc = table_schema(table, extra)
    key = doc["primaryKey"]
    columns = {}
    for field in doc["fields"]:
        c = field.get("constraints", {})
        unique = bool(c.get("unique")) or key == [field["name"]]
        columns[field["name"]] = pa.Column(
            polars_dtype(field),
            checks=_checks(c),
            nullable=not c.get("required", False),
            unique=unique,
            description=field["description"],
        )
    return pa.DataFrameSchema(
        columns,
        strict=True,
        ordered=True,
        unique=key if len(key) > 1 else None,
        name=table,
        description=doc.get("description"),
    )


def conform(df: Frame, table: str, extra: Extra = ()) -> Frame:
    """Keep the table's columns in schema order, cast to schema dtypes; drop extra columns.

    Missing nullable columns are added as nulls; a missing required column is a bug upstream and
    raises FrameSchemaError.
    """
    have = df.collect_schema().names() if isinstance(df, pl.LazyFrame) else df.columns
    doc = table_schema(table, extra)
    missing = [
        f["name"] for f in doc["fields"] if f["name"] not in have and f.get("constraints", {}).get("required")
    ]
    if missing:
        raise FrameSchemaError(f"{table}: frame lacks required columns {missing}; the stage producing it must add them")
    return df.select(
        [
            (pl.col(name) if name in have else pl.lit(None)).cast(dtype).alias(name)
            for name, dtype in polars_schema(table, extra).items()
        ]
    )
