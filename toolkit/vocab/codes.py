"""The project's versioned code tables: CAMEO event codes and CAMEO actor role codes (toolkit/data/)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl

from toolkit.errors import DictionaryError

DATA_DIR = Path(__file__).resolve().parents[1] / "data"

CAMEO_SCHEMA = {
    "cameo_code": pl.Utf8,
    "name": pl.Utf8,
    "root_code": pl.Utf8,
    "base_code": pl.Utf8,
    "level": pl.Int64,
    "quad_class": pl.Int64,
    "goldstein": pl.Float64,
    "plover_type": pl.Utf8,
    "plover_mode": pl.Utf8,
    "plover_context": pl.Utf8,
    "name_cameo_codefile": pl.Utf8,
}
ROLE_SCHEMA = {"role_code": pl.Utf8, "label": pl.Utf8, "group": pl.Utf8}


def read_text_table(
    path: Path, what: str, columns: list[str] | None = None, *, separator: str = "\t"
) -> pl.DataFrame:
    """A data file with every value as text (keeps "044", empty cells become null); when `columns`
    is given the header must be exactly those."""
    try:
        raw = pl.read_csv(
            path,
            separator=separator,
            infer_schema=False,
            quote_char='"' if separator == "," else None,
            empty_string_is_null=True,
        )
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise DictionaryError(f"{path}: cannot be read as {what} ({exc})") from exc
    if columns is not None and raw.columns != columns:
        raise DictionaryError(f"{path}: columns are {raw.columns}, expected {columns} ({what})")
    return raw


def first_bad_rows(table: pl.DataFrame, checks: dict[str, pl.Expr], path: Path) -> None:
    """Raise DictionaryError naming the first check some rows fail, with their file line numbers."""
    for problem, bad in checks.items():
        rows = table.with_row_index("line", offset=2).filter(bad.fill_null(False))
        if rows.height:
            raise DictionaryError(f"{path}: {problem} on line(s) {rows['line'].head(5).to_list()}; fix the file")


def read_table(name: str, schema: dict[str, pl.DataType], *, separator: str = "\t") -> pl.DataFrame:
    """A data file of toolkit/data read with exactly `schema` (every value as text first, then cast)."""
    path = DATA_DIR / name
    raw = read_text_table(path, "a shipped data file; restore it from the repository", list(schema), separator=separator)
    try:
        return raw.with_columns(pl.col(c).cast(t, strict=True) for c, t in schema.items() if t != pl.Utf8)
    except pl.exceptions.PolarsError as exc:
        raise DictionaryError(f"{path}: a value does not have the column's type ({exc})") from exc


@cache
def cameo_table() -> pl.DataFrame:
    """All 311 CAMEO event codes with name, root, GDELT quad class, Goldstein value and PLOVER type."""
    table = read_table("cameo_codes.csv", CAMEO_SCHEMA, separator=",")
    bad = table.filter(
        ~pl.col("cameo_code").str.contains(r"^\d{2,4}$")
        | (pl.col("root_code") != pl.col("cameo_code").str.slice(0, 2))
        | ~pl.col("quad_class").is_between(1, 4)
        | ~pl.col("goldstein").is_between(-10.0, 10.0)
    )
    if bad.height or table["cameo_code"].n_unique() != table.height:
        raise DictionaryError(f"cameo_codes.csv: malformed or duplicate codes {bad['cameo_code'].to_list()}")
    return table


@cache
def cameo_roles() -> pl.DataFrame:
    """CAMEO actor role and sector codes (GOV, MIL, MED = media, …) with their labels and groups."""
    table = read_table("cameo_roles.tsv", ROLE_SCHEMA)
    if not table["role_code"].str.contains(r"^[A-Z]{3}$").all() or table["role_code"].n_unique() != table.height:
        raise DictionaryError("cameo_roles.tsv: role codes must be unique three-letter upper-case codes")
    return table
