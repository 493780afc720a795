"""Validation: rows that break a schema rule or a cross-table rule leave their table for `rejects`,
each with a stable reason code; a built dataset folder is re-checked against its manifest.

Reason codes: null_value, duplicate_key, bad_pattern, not_in_enum, out_of_range (row rules from
schemas/*.yaml); missing_foreign_key, span_out_of_bounds, span_mismatch (cross-table rules);
missing_file, checksum_mismatch, unlisted_file, unreadable_file, row_count_mismatch, schema_mismatch,
missing_table, schema_version_mismatch (dataset folder checks, reported by validate_dataset only).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import pandera.polars as pa
import polars as pl

from toolkit.errors import DatasetError, FrameSchemaError
from toolkit.ids import stable_id
from toolkit.precheck import passes
from toolkit.schema import (
    TABLES,
    empty_frame,
    foreign_keys,
    load_schemas,
    pandera_schema,
    polars_schema,
    primary_key,
)
from toolkit.spans import span_text

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


def validate_table(df: pl.DataFrame, table: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows passing every rule of schemas/<table>.yaml, and a rejects row per failed (row, reason).

    Of rows sharing a key the first is kept. The frame must already have the schema's columns and
    dtypes (see toolkit.schema.conform); otherwise FrameSchemaError is raised.
    """
    if not isinstance(df, pl.DataFrame):
        # pandera checks only names and dtypes of a LazyFrame: bad rows would pass unseen.
        raise FrameSchemaError(f"{table}: validate_table needs a collected DataFrame, got {type(df).__name__}")
    if passes(df, table):  # one collect instead of pandera's many; pandera judges anything else
        return df, _no_rejects()
    try:
        pandera_schema(table).validate(df, lazy=True)
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
            f"{table}: frame does not match schemas/{table}.yaml ({found}); pass it through toolkit.schema.conform"
        )
    key = primary_key(table)
    unique = [name for name, column in pandera_schema(table).columns.items() if column.unique]
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


def _span_rejects(indexed: pl.DataFrame, table: str, text: str, surface: str | None) -> tuple[pl.DataFrame, list]:
    """Rows out of bounds of `text` (joined in), then rows whose span text differs from `surface`."""
    length = pl.col(text).str.len_chars()
    checked = indexed.filter(pl.col(text).is_not_null())
    inside = (pl.col("start") >= 0) & (pl.col("start") < pl.col("end")) & (pl.col("end") <= length)
    oob = checked.filter(~inside)
    out = [_rejects(oob, table, "span_out_of_bounds", f"{table}: {_SPAN_BOUNDS} of the article text")]
    gone = [oob]
    if surface is not None:
        spanned = span_text(pl.col(text), pl.col("start"), pl.col("end"))
        mismatch = _drop_rows(checked, oob).filter(spanned != pl.col(surface))
        out.append(_rejects(mismatch, table, "span_mismatch", f"{table}: {surface} != article text[start:end]"))
        gone.append(mismatch)
    return pl.concat(gone), out


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
            article = out["articles"].select("article_id", pl.col("text").alias("__text"), pl.col("doc_id").alias(_DOC))
            joined = indexed.join(article, on="article_id", how="left", maintain_order="left")
            gone, rejected = _span_rejects(joined, table, "__text", "surface" if table == "mentions" else "text")
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


def validate_tables(tables: dict[str, pl.DataFrame]) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    """Every given table cleaned by its schema then by the cross-table rules, and all rejects.

    The rejects include the rows of any `rejects` table passed in; the returned dict holds them too
    under "rejects", ready to write.
    """
    cleaned: dict[str, pl.DataFrame] = {}
    found = [_no_rejects()]
    for table in TABLES:
        if table in tables:
            cleaned[table], rejected = validate_table(tables[table], table)
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


def _read_manifest(root: Path) -> dict:
    """The parsed manifest.json of a dataset folder; DatasetError when it is missing or unreadable."""
    path = root / "manifest.json"
    if not path.is_file():
        raise DatasetError(f"{path}: no manifest; point to a folder written by `toolkit build`, or rebuild it")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DatasetError(f"{path}: unreadable manifest ({exc}); rebuild the dataset with `toolkit build`") from None
    if not isinstance(manifest, dict) or not all(isinstance(manifest.get(k), dict) for k in ("files", "tables")):
        raise DatasetError(f"{path}: manifest lacks 'files' or 'tables'; rebuild the dataset with `toolkit build`")
    return manifest


def _table_of(name: str) -> str | None:
    """The table a file of the folder belongs to ("articles.parquet", "articles/part-0.parquet")."""
    stem = name.split("/")[0].removesuffix(".parquet")
    return stem if stem in TABLES else None


def _file_problems(root: Path, files: dict) -> list[dict]:
    """Listed files that are missing or differ from their checksum, and files nobody listed."""
    problems = []
    for name, meta in sorted(files.items()):
        path = root / name
        if not path.is_file():
            problems.append(_problem(_table_of(name), "missing_file", f"{name}: listed in the manifest but absent"))
            continue
        with path.open("rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
        if digest != meta.get("sha256"):
            problems.append(_problem(_table_of(name), "checksum_mismatch", f"{name}: sha256 differs from manifest"))
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        # Hidden files (.DS_Store, editor swap files) are not part of a dataset.
        if path.is_file() and name != "manifest.json" and name not in files and not path.name.startswith("."):
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


def validate_dataset(path: str | Path) -> Report:
    """Re-check a built dataset folder: checksums, file list, schemas, row counts, cross-table rules."""
    root = Path(path)
    manifest = _read_manifest(root)
    problems = _file_problems(root, manifest["files"])
    untrusted = {p["table"] for p in problems if p["reason"] in ("missing_file", "checksum_mismatch")}
    versions = manifest.get("schema_versions", {})
    tables: dict[str, pl.DataFrame] = {}
    for table in TABLES:
        meta = manifest["tables"].get(table)
        if meta is None:
            problems.append(_problem(table, "missing_table", f"{table} is not in the manifest's tables"))
            continue
        if versions.get(table) != load_schemas()[table]["version"]:
            detail = f"built with schema version {versions.get(table)}, toolkit has {load_schemas()[table]['version']}"
            problems.append(_problem(table, "schema_version_mismatch", detail))
        if table in untrusted or not (root / meta["path"]).exists():
            continue  # already reported; a corrupt file is not read (a broken Parquet page can crash a reader)
        try:
            df = _read_table(root, meta)
        except (OSError, pl.exceptions.PolarsError) as exc:
            problems.append(_problem(table, "unreadable_file", f"{meta['path']}: {exc}"))
            continue
        if df.height != meta.get("rows"):
            detail = f"{df.height} rows, the manifest says {meta.get('rows')}"
            problems.append(_problem(table, "row_count_mismatch", detail))
        try:
            tables[table], rejected = validate_table(df, table)
        except FrameSchemaError as exc:
            problems.append(_problem(table, "schema_mismatch", str(exc)))
            continue
        problems.extend(_count(rejected))
    tables.pop("rejects", None)
    problems.extend(_count(cross_table(tables)[1]))
    problems.sort(key=lambda p: (p["table"] or "", p["reason"], p["detail"]))
    return Report(ok=not problems, problems=problems)
