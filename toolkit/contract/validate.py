"""Validation: rows that break a schema rule or a cross-table rule leave their table for `rejects`,
each with a stable reason code; a built dataset folder is re-checked against its manifest.

Reason codes: null_value, duplicate_key, bad_pattern, not_in_enum, out_of_range (row rules from
schemas/*.yaml); missing_foreign_key, span_out_of_bounds, span_mismatch (cross-table rules);
missing_file, checksum_mismatch, unlisted_file, unreadable_file, row_count_mismatch, schema_mismatch,
missing_table, schema_version_mismatch, and of the manifest itself bad_manifest (unparseable, or not
shaped as MANIFEST_SCHEMA), path_outside (a path in it that is not a plain relative path inside the
folder), manifest_checksum_mismatch (manifest.json differs from manifest.sha256; an absent
manifest.sha256 is missing_file), manifest_mismatch (its reject counts differ from rejects.parquet)
(dataset folder checks, reported by validate_dataset only).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path, PureWindowsPath

import pandera.polars as pa
import polars as pl

from toolkit.errors import FrameSchemaError, NotADatasetError
from toolkit.contract.ids import stable_id
from toolkit.contract.precheck import passes
from toolkit.contract.schema import (
    TABLES,
    Extra,
    empty_frame,
    foreign_keys,
    load_schemas,
    pandera_schema,
    polars_schema,
    primary_key,
    table_schema,
)
from toolkit.contract.spans import slice_spans
from toolkit.io.write import MANIFEST_CHECKSUM, manifest_checksum_text

# pandera check name (text before the parenthesis) -> reason code. Anything else, such as a dtype
# or a missing column, means the producing stage broke the contract: an error, not bad data.
CHECK_REASONS = {
    "not_nullable": "null_value",
    "field_uniqueness": "duplicate_key",
    "multiple_fields_uniqueness": "duplicate_key",
    "str_matches": "bad_pattern",
    "isin": "not_in_enum",
    "greater_than_or_equal_to": "out_of_range",
    "less_than_or_equal_to": "out_of_range",
}
_ROW = "__row"  # temporary row number; the double underscore keeps it clear of schema columns
_DOC = "__doc_id"  # doc_id found through a join, for tables that do not carry one
_ID_PATTERN = r"^[0-9a-f]{32}$"
_SPAN_BOUNDS = "start/end outside the text (need 0 <= start < end <= length)"


@cache
def _empty_rejects() -> pl.DataFrame:
    return empty_frame("rejects")


def _no_rejects() -> pl.DataFrame:
    """An empty rejects frame; a copy of a cached one, as building it from the schema costs more."""
    return _empty_rejects().clone()


def _rejects(rows: pl.DataFrame, table: str, reason: str | pl.Expr, detail: str | pl.Expr) -> pl.DataFrame:
    """Rejects rows (rejects schema) for `rows` of `table`; one row per (key, reason)."""
    if rows.height == 0:  # most cross-table rules find nothing: skip building an empty frame
        return _no_rejects()
    columns = [c for c in polars_schema(table) if c in rows.columns]
    payload = pl.struct(sorted(columns)).struct.json_encode()
    key = pl.concat_str([pl.col(c).cast(pl.String) for c in primary_key(table)], separator="|")
    doc = pl.col("doc_id") if "doc_id" in columns else pl.col(_DOC) if _DOC in rows.columns else pl.lit(None)
    doc = doc.cast(pl.String)
    out = rows.select(
        table=pl.lit(table),
        # A row without a complete key is named by its content so that it still has a stable key.
        key=pl.coalesce(key, pl.lit("row:") + stable_id(payload, prefix="reject")),
        reason=reason if isinstance(reason, pl.Expr) else pl.lit(reason),
        detail=detail if isinstance(detail, pl.Expr) else pl.lit(detail),
        payload=payload,
        # A malformed doc_id would make the reject itself invalid; the payload still holds it.
        doc_id=pl.when(doc.str.contains(_ID_PATTERN)).then(doc),
    )
    return _tidy(out)


def _tidy(rejects: pl.DataFrame) -> pl.DataFrame:
    """Rejects with one row per (table, key, reason), first kept, sorted, in schema dtypes."""
    rejects = rejects.unique(["table", "key", "reason"], keep="first", maintain_order=True)
    return rejects.sort(["table", "key", "reason"]).cast(polars_schema("rejects"))  # type: ignore[arg-type]


def validate_table(df: pl.DataFrame, table: str, extra: Extra = ()) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows passing every rule of schemas/<table>.yaml, and a rejects row per failed (row, reason).

    Of rows sharing a key the first is kept. The frame must already have the schema's columns and
    dtypes (see toolkit.contract.schema.conform), the recipe's `extra` columns last; otherwise
    FrameSchemaError is raised.
    """
    if not isinstance(df, pl.DataFrame):
        # pandera checks only names and dtypes of a LazyFrame: bad rows would pass unseen.
        raise FrameSchemaError(f"{table}: validate_table needs a collected DataFrame, got {type(df).__name__}")
    if passes(df, table, extra):  # one collect instead of pandera's many; pandera judges anything else
        return df, _no_rejects()
    try:
        pandera_schema(table, extra).validate(df, lazy=True)
        return df, _no_rejects()
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    check_name = pl.col("check").str.extract(r"^(\w+)")
    cases = cases.with_columns(__reason=check_name.replace_strict(CHECK_REASONS, default=None))
    broken = cases.filter(pl.col("__reason").is_null() | pl.col("index").is_null())
    if broken.height:
        found = "; ".join(
            f"{r['column'] or table}: {r['check']} (found {r['failure_case']})" for r in broken.iter_rows(named=True)
        )
        raise FrameSchemaError(
            f"{table}: frame does not match schemas/{table}.yaml ({found}); pass it through toolkit.contract.schema.conform"
        )
    key = primary_key(table)
    unique = [name for name, column in pandera_schema(table, extra).columns.items() if column.unique]
    indexed = df.with_row_index(_ROW)
    # The polars backend reports every copy of a duplicate (report_duplicates is ignored), and a null
    # as a duplicate of another null: keep first copies and nulls here, nulls have their own rule.
    first = indexed.select(
        pl.col(_ROW),
        pl.struct(key).is_first_distinct().or_(pl.any_horizontal(pl.col(key).is_null())).alias(","),
        *[pl.col(c).is_first_distinct().or_(pl.col(c).is_null()).alias(c) for c in unique],
    ).unpivot(index=_ROW, variable_name="column", value_name="first")
    cases = (
        cases.select(
            pl.col("index").cast(pl.UInt32).alias(_ROW),
            pl.col("column").fill_null(","),
            "__reason",
            __detail=pl.concat_str(pl.col("column").fill_null(",".join(key)), pl.lit(": "), pl.col("check")),
        )
        .join(first, on=[_ROW, "column"], how="left", maintain_order="left")
        .filter((pl.col("__reason") != "duplicate_key") | ~pl.col("first"))
        .group_by(_ROW, "__reason", maintain_order=True)
        .agg(pl.col("__detail").unique(maintain_order=True).str.join("; "))
    )
    bad = indexed.join(cases, on=_ROW, how="inner", maintain_order="left")
    valid = indexed.join(cases.select(_ROW), on=_ROW, how="anti", maintain_order="left").drop(_ROW)
    return valid, _rejects(bad, table, pl.col("__reason"), pl.col("__detail"))


def _drop_rows(indexed: pl.DataFrame, gone: pl.DataFrame) -> pl.DataFrame:
    """`indexed` without the rows numbered in `gone`."""
    if gone.height == 0:  # the usual case; the anti join would cost a collect for nothing
        return indexed
    return indexed.join(gone.select(_ROW), on=_ROW, how="anti", maintain_order="left")


def _orphans(indexed: pl.DataFrame, fields: list[str], parent: pl.DataFrame, parents: list[str]) -> pl.DataFrame:
    """Rows whose non-null foreign key has no row in `parent` (a null in the key exempts a row)."""
    complete = indexed.filter(pl.all_horizontal(pl.col(fields).is_not_null()))
    if complete.height == 0:  # e.g. duplicate_of before deduplication: no key to look up
        return complete
    keys = parent.select([pl.col(p).alias(f) for f, p in zip(fields, parents)]).unique()
    return complete.join(keys, on=fields, how="anti", maintain_order="left")


def _span_rejects(indexed: pl.DataFrame, table: str, articles: pl.DataFrame, surface: str | None) -> tuple[pl.DataFrame, list]:
    """Rows out of bounds of their article's text, then rows whose span text differs from `surface`.

    Only lengths are joined onto the rows; span texts are cut per article (`slice_spans`), so time and
    memory stay linear in the article's length however many rows it has.
    """
    lengths = articles.select("article_id", pl.col("text").str.len_chars().alias("__len"), pl.col("doc_id").alias(_DOC))
    checked = indexed.join(lengths, on="article_id", how="inner", maintain_order="left")
    inside = (pl.col("start") >= 0) & (pl.col("start") < pl.col("end")) & (pl.col("end") <= pl.col("__len"))
    oob = checked.filter(~inside)
    out = [_rejects(oob, table, "span_out_of_bounds", f"{table}: {_SPAN_BOUNDS} of the article text")]
    gone = [oob]
    rest = _drop_rows(checked, oob)
    if surface is not None and rest.height:
        spans = {"__span": (pl.col("start"), pl.col("end"))}
        cut = slice_spans(rest.lazy(), articles.lazy().select("article_id", "text"), "article_id", spans).collect()
        mismatch = cut.filter(pl.col("__span") != pl.col(surface)).drop("__span")
        out.append(_rejects(mismatch, table, "span_mismatch", f"{table}: {surface} != article text[start:end]"))
        gone.append(mismatch)
    return pl.concat(gone, how="diagonal_relaxed"), out


def cross_table(tables: dict[str, pl.DataFrame]) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    """Tables without rows breaking foreign keys or span rules, and the rejects for those rows.

    Tables are processed parent first (TABLES order), so a removed parent row takes its children
    with it. A foreign key to a table not in `tables` is not checked (shards lack corpus-wide tables).
    """
    out: dict[str, pl.DataFrame] = {}
    found = [_no_rejects()]
    for table in TABLES:
        if table not in tables:
            continue
        indexed = tables[table].with_row_index(_ROW)
        for fields, parent, parent_fields in foreign_keys(table):
            if parent != table and parent not in out:
                continue
            detail = f"{','.join(fields)} -> {parent}.{','.join(parent_fields)}: no such row"
            while True:
                orphans = _orphans(indexed, fields, indexed if parent == table else out[parent], parent_fields)
                found.append(_rejects(orphans, table, "missing_foreign_key", detail))
                indexed = _drop_rows(indexed, orphans)
                # Removing a row can orphan rows of the same table that point at it: repeat until none.
                if parent != table or orphans.height == 0:
                    break
        if table in ("mentions", "events") and "articles" in out:
            gone, rejected = _span_rejects(indexed, table, out["articles"], "surface" if table == "mentions" else "text")
            found.extend(rejected)
            indexed = _drop_rows(indexed, gone)
        if table == "fragments":
            # The document's length bounds a fragment when documents are at hand and the length is known.
            sizes = out["documents"] if "documents" in out else empty_frame("documents")
            joined = indexed.join(sizes.select("doc_id", "n_chars"), on="doc_id", how="left", maintain_order="left")
            inside = (pl.col("start") < pl.col("end")) & (pl.col("end") <= pl.col("n_chars")).fill_null(True)
            bad = joined.filter(~inside)
            found.append(_rejects(bad, table, "span_out_of_bounds", f"fragments: {_SPAN_BOUNDS} of the document text"))
            indexed = _drop_rows(indexed, bad)
        out[table] = indexed.drop(_ROW)
    return out, _tidy(pl.concat(found))


def validate_tables(
    tables: dict[str, pl.DataFrame], extra: Extra = ()
) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    """Every given table cleaned by its schema then by the cross-table rules, and all rejects.

    The rejects include the rows of any `rejects` table passed in; the returned dict holds them too
    under "rejects", ready to write. `extra`: the recipe's extra columns of the articles table.
    """
    cleaned: dict[str, pl.DataFrame] = {}
    found = [_no_rejects()]
    for table in TABLES:
        if table in tables:
            cleaned[table], rejected = validate_table(tables[table], table, extra if table == "articles" else ())
            found.append(rejected)
    existing = cleaned.pop("rejects", _no_rejects())
    cleaned, crossed = cross_table(cleaned)
    rejects = _tidy(pl.concat([existing, *found, crossed]))
    cleaned["rejects"] = rejects
    return cleaned, rejects


@dataclass
class Report:
    """Outcome of re-checking a built dataset: one entry per (table, reason, detail) with a count."""

    ok: bool
    problems: list[dict] = field(default_factory=list)

    def to_json(self) -> str:
        """The report as JSON with sorted keys (for `toolkit validate --json`)."""
        return json.dumps(asdict(self), indent=2, sort_keys=True, ensure_ascii=False)


def _problem(table: str | None, reason: str, detail: str, count: int = 1) -> dict:
    return {"table": table, "reason": reason, "detail": detail, "count": count}


def _show(value: object) -> str:
    """A short JSON rendering of a manifest value for a problem's detail (escaped, so always printable)."""
    try:
        text = json.dumps(value)
    except (ValueError, RecursionError):
        text = "<unprintable>"
    return text if len(text) <= 60 else text[:57] + "..."


# ---- the manifest's own checks ---------------------------------------------------------------------

def _sha256(value: object) -> bool:
    """a sha256 hex digest"""
    return isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}", value) is not None


def _count_value(value: object) -> bool:
    """a non-negative integer"""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _table_name(value: object) -> bool:
    """a table name"""
    return value in TABLES


# The manifest as pipeline._package writes it. A leaf is a type (isinstance), a predicate (its
# docstring says what it wants) or a tuple of alternatives, None meaning null. A dict with string
# keys needs exactly those keys, those ending in "?" optional (absent from manifests of earlier
# builds); a dict with one non-string key is a mapping of such keys to values; [x] is a list of x.
# `parameters` mirrors the recipe, which changes often: the checksum guards it.
MANIFEST_SCHEMA: dict = {
    "toolkit_version": str,
    "schema_versions": {_table_name: _count_value},
    "lockfile_sha256": (_sha256, None),
    # An input the build could not read has no checksum or size (and a reject).
    "inputs": [{"source": str, "sha256": (_sha256, None), "bytes": (_count_value, None)}],
    "skipped_inputs?": [{"path": str, "reason": str}],
    "parameters": dict,
    "tables": {_table_name: {"path": str, "rows": _count_value}},
    "validation": {"rejects": {str: _count_value}, "rejects_by_table": {_table_name: _count_value}},
    "files": {str: {"sha256": _sha256, "bytes": _count_value}},
}
_WANTS = {str: "a string", dict: "an object", list: "a list", None: "null"}


def _fits(value: object, leaf: object) -> bool:
    """Whether `value` is what one schema leaf asks for."""
    if leaf is None:
        return value is None
    if isinstance(leaf, type):
        return isinstance(value, leaf)
    return leaf(value)  # type: ignore[operator]


def _shape(value: object, schema: object, where: str) -> list[str]:
    """Details of every place where `value` does not have the shape `schema` describes."""
    if isinstance(schema, dict) and all(isinstance(k, str) for k in schema):
        if not isinstance(value, dict):
            return [f"{where}: expected an object, got {_show(value)}"]
        keys = {k.removesuffix("?"): sub for k, sub in schema.items()}
        found = [f"{where}: missing key {k!r}" for k in schema if k not in value and not k.endswith("?")]
        found += [f"{where}: unknown key {_show(k)}" for k in value if k not in keys]
        for k, sub in keys.items():
            if k in value:
                found += _shape(value[k], sub, f"{where}.{k}")
        return found
    if isinstance(schema, dict):
        (key, sub), = schema.items()
        if not isinstance(value, dict):
            return [f"{where}: expected an object, got {_show(value)}"]
        found = [f"{where}: key {_show(k)} is not {key.__doc__}" for k in value if not _fits(k, key)]
        for k, v in value.items():
            found += _shape(v, sub, f"{where}[{_show(k)}]")
        return found
    if isinstance(schema, list):
        if not isinstance(value, list):
            return [f"{where}: expected a list, got {_show(value)}"]
        return [d for i, v in enumerate(value) for d in _shape(v, schema[0], f"{where}[{i}]")]
    leaves = schema if isinstance(schema, tuple) else (schema,)
    if any(_fits(value, leaf) for leaf in leaves):
        return []
    wants = " or ".join(_WANTS.get(leaf) or leaf.__doc__ for leaf in leaves)  # type: ignore[arg-type, union-attr]
    return [f"{where}: expected {wants}, got {_show(value)}"]


def _outside(root: Path, name: str) -> str | None:
    """Why a path from the manifest may not be opened, or None for a plain relative path inside `root`.

    Checked on the text first, so that nothing outside the folder is ever touched; then resolved,
    so that a symlink inside the folder cannot lead out of it.
    """
    try:
        name.encode("utf-8")  # a lone surrogate can name no file a build wrote
    except UnicodeEncodeError:
        return "is not valid UTF-8"
    if "\\" in name or "\0" in name or PureWindowsPath(name).drive:
        return "holds a backslash, NUL or drive letter"
    if name.startswith("/"):
        return "is absolute"
    if any(p in ("", ".", "..") for p in name.split("/")):
        return "is not normalised (empty, '.' or '..' part)"
    try:
        (root / name).exists()  # raises for a name too long; the checks that follow then cannot
        real = (root / name).resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop, before Python 3.13
        return f"cannot be used ({getattr(exc, 'strerror', None) or exc})"
    return None if real.is_relative_to(root.resolve()) else "leads out of the folder through a symlink"


def _read_manifest(root: Path) -> tuple[dict | None, list[dict]]:
    """The parsed manifest.json (None when unparseable) and the problems of the manifest itself."""
    path = root / "manifest.json"
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [_problem(None, "bad_manifest", f"manifest.json: unreadable ({exc.strerror or exc})")]
    problems = _checksum_problems(root, data)
    try:
        manifest = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        problems.append(_problem(None, "bad_manifest", f"manifest.json: not UTF-8 ({exc.reason} at byte {exc.start})"))
        return None, problems
    except (json.JSONDecodeError, RecursionError) as exc:
        problems.append(_problem(None, "bad_manifest", f"manifest.json: not JSON ({exc})"))
        return None, problems
    problems += [_problem(None, "bad_manifest", d) for d in _shape(manifest, MANIFEST_SCHEMA, "manifest")]
    return (manifest if isinstance(manifest, dict) else None), problems


def _checksum_problems(root: Path, manifest_bytes: bytes) -> list[dict]:
    """manifest.sha256 absent, or not naming the digest of these manifest bytes."""
    path = root / MANIFEST_CHECKSUM
    if not path.is_file():
        return [_problem(None, "missing_file", f"{MANIFEST_CHECKSUM}: absent, so the manifest cannot be trusted")]
    try:
        recorded = path.read_bytes().decode("ascii").split()
    except (OSError, UnicodeDecodeError):
        recorded = []
    # The first word of sha256sum's format; the file name after it is informational.
    if recorded[:1] != [hashlib.sha256(manifest_bytes).hexdigest()]:
        return [_problem(None, "manifest_checksum_mismatch", f"manifest.json: sha256 differs from {MANIFEST_CHECKSUM}")]
    return []


def _object(value: object) -> dict:
    """`value` when it is a JSON object, else {} (the shape check has reported it)."""
    return value if isinstance(value, dict) else {}


def _table_of(name: str) -> str | None:
    """The table a file of the folder belongs to ("articles.parquet", "articles/part-0.parquet")."""
    stem = name.split("/")[0].removesuffix(".parquet")
    return stem if stem in TABLES else None


def _file_problems(root: Path, files: dict) -> list[dict]:
    """Listed files that are missing or differ from their checksum, and files nobody listed."""
    problems = []
    for name, meta in sorted(files.items()):
        why = _outside(root, name)
        if why:
            problems.append(_problem(_table_of(name), "path_outside", f"files: {_show(name)} {why}"))
            continue
        meta = _object(meta)
        path = root / name
        if not path.is_file():
            problems.append(_problem(_table_of(name), "missing_file", f"{name}: listed in the manifest but absent"))
            continue
        try:
            with path.open("rb") as fh:
                digest = hashlib.file_digest(fh, "sha256").hexdigest()
        except OSError as exc:
            problems.append(_problem(_table_of(name), "unreadable_file", f"{name}: {exc.strerror or exc}"))
            continue
        if digest != meta.get("sha256") or path.stat().st_size != meta.get("bytes"):
            detail = f"{name}: sha256 or size differs from manifest"
            problems.append(_problem(_table_of(name), "checksum_mismatch", detail))
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        # Hidden files (.DS_Store, editor swap files) are not part of a dataset.
        if (
            path.is_file()
            and name not in ("manifest.json", MANIFEST_CHECKSUM)
            and name not in files
            and not path.name.startswith(".")
        ):
            problems.append(_problem(_table_of(name), "unlisted_file", f"{name}: not listed in the manifest"))
    return problems


def _read_table(root: Path, meta: dict) -> pl.DataFrame:
    """One table from its Parquet file or folder of part files (sorted, so row order is stable)."""
    path = root / meta["path"]
    parts = sorted(path.rglob("*.parquet")) if path.is_dir() else [path]
    return pl.read_parquet(parts) if parts else pl.DataFrame()


def _count(rejects: pl.DataFrame) -> list[dict]:
    """Problems from rejects, counted per (table, reason, detail)."""
    counts = rejects.group_by("table", "reason", "detail", maintain_order=True).len()
    return [_problem(t, r, d, n) for t, r, d, n in counts.iter_rows()]


def _summary_problems(validation: dict, rejects: pl.DataFrame) -> list[dict]:
    """The manifest's reject counts (validation.rejects, .rejects_by_table) against rejects.parquet."""
    problems = []
    for key, column in (("rejects", "reason"), ("rejects_by_table", "table")):
        # Through JSON as the build wrote it, so keys are what a manifest can hold (a null becomes "null").
        actual = json.loads(json.dumps(dict(rejects[column].value_counts().iter_rows())))
        claimed = validation.get(key)
        if claimed != actual:
            detail = f"validation.{key} is {_show(claimed)}, rejects.parquet has {_show(actual)}"
            problems.append(_problem("rejects", "manifest_mismatch", detail))
    return problems


_UNTRUSTED = ("missing_file", "checksum_mismatch", "path_outside", "unlisted_file")


def _extra(manifest: dict) -> Extra:
    """The recipe's extra article columns as the manifest records them (parameters.fields.extra)."""
    pairs = _object(_object(_object(manifest.get("parameters")).get("fields"))).get("extra", [])
    if not isinstance(pairs, list):
        return ()
    extra = tuple(tuple(p) for p in pairs if isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p))
    try:
        table_schema("articles", extra)
    except ValueError:
        return ()  # names no build would write: the articles table then fails its schema check
    return extra


def validate_dataset(path: str | Path) -> Report:
    """Re-check a built dataset folder: its manifest and the manifest's checksum, the files' checksums
    and list, schemas, row and reject counts, cross-table rules.

    A folder without manifest.json is not a dataset: NotADatasetError. Anything wrong inside a
    dataset folder, the manifest included, is a problem in the Report, never an exception.
    """
    root = Path(path)
    what = "pass the --out folder of a `toolkit build`"
    if not root.is_dir():
        raise NotADatasetError(f"{root}: not a folder; {what}")
    if not os.path.lexists(root / "manifest.json"):
        raise NotADatasetError(f"{root}: no manifest.json, so not a dataset; {what}")
    manifest, problems = _read_manifest(root)
    if manifest is None:
        return Report(ok=False, problems=problems)
    files = _object(manifest.get("files"))
    problems += _file_problems(root, files)
    # A table is read only from files the manifest vouches for: an unlisted part could be anything.
    untrusted = {p["table"] for p in problems if p["reason"] in _UNTRUSTED}
    versions = _object(manifest.get("schema_versions"))
    extra = _extra(manifest)
    tables: dict[str, pl.DataFrame] = {}
    for table in TABLES:
        meta = _object(manifest.get("tables")).get(table)
        if meta is None:
            problems.append(_problem(table, "missing_table", f"{table} is not in the manifest's tables"))
            continue
        if versions.get(table) != load_schemas()[table]["version"]:
            found, wanted = _show(versions.get(table)), load_schemas()[table]["version"]
            detail = f"built with schema version {found}, toolkit has {wanted}"
            problems.append(_problem(table, "schema_version_mismatch", detail))
        if not isinstance(meta, dict) or not isinstance(meta.get("path"), str):
            continue  # reported by the shape check
        why = _outside(root, meta["path"])
        if why:
            problems.append(_problem(table, "path_outside", f"tables.{table}.path: {_show(meta['path'])} {why}"))
            continue
        if table in untrusted:
            continue  # already reported; a corrupt file is not read (a broken Parquet page can crash a reader)
        if not (root / meta["path"]).exists():
            detail = f"tables.{table}.path: {meta['path']} absent"
            problems.append(_problem(table, "missing_file", detail))
            continue
        try:
            df = _read_table(root, meta)
        except (OSError, pl.exceptions.PolarsError) as exc:
            problems.append(_problem(table, "unreadable_file", f"{meta['path']}: {exc}"))
            continue
        if df.height != meta.get("rows"):
            detail = f"{df.height} rows, the manifest says {_show(meta.get('rows'))}"
            problems.append(_problem(table, "row_count_mismatch", detail))
        try:
            tables[table], rejected = validate_table(df, table, extra if table == "articles" else ())
        except FrameSchemaError as exc:
            problems.append(_problem(table, "schema_mismatch", str(exc)))
            continue
        problems.extend(_count(rejected))
        if table == "rejects":
            problems.extend(_summary_problems(_object(manifest.get("validation")), df))
    tables.pop("rejects", None)
    problems.extend(_count(cross_table(tables)[1]))
    problems.sort(key=lambda p: (p["table"] or "", p["reason"], p["detail"]))
    return Report(ok=not problems, problems=problems)
