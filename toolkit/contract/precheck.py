"""A one-collect test that a frame breaks no rule of its pandera schema, so clean frames skip pandera.

pandera's polars backend collects once or more per check per column: hundreds of small collects per
shard, most of the fixed cost of validating one. `passes` evaluates the same rules, read from the same
pandera schema object and written as the same polars expressions, in a single select. It only ever
says "clean" when pandera would find nothing; for anything it cannot vouch for (a check it does not
know, a dtype or column that differs) it says "not clean" and pandera, the authority, runs as before.
"""

from __future__ import annotations

from functools import cache

import pandera.polars as pa
import polars as pl

from toolkit.contract.schema import Extra, pandera_schema, polars_schema


def _check_expr(name: str, check: pa.Check) -> pl.Expr | None:
    """True when every value passes `check` as pandera's builtin computes it; None for unknown checks."""
    col, stats = pl.col(name), check.statistics
    if check.element_wise or not check.ignore_na:
        return None
    if check.name == "str_matches" and isinstance(stats.get("pattern"), str):
        pattern = stats["pattern"] if stats["pattern"].startswith("^") else "^" + stats["pattern"]
        out = col.str.contains(pattern)
    elif check.name == "isin":
        out = col.is_in(list(stats["allowed_values"]))
    elif check.name == "greater_than_or_equal_to":
        out = col.ge(stats["min_value"])
    elif check.name == "less_than_or_equal_to":
        out = col.le(stats["max_value"])
    else:
        return None
    # pandera's ignore_na: a null check result is a pass.
    return (out | out.is_null()).all()


@cache
def _rules(table: str, extra: Extra = ()) -> pl.Expr | None:
    """One boolean aggregate over the schema's rules for a frame of exactly its dtypes; None when some
    rule is not one this module can restate."""
    expected = polars_schema(table, extra)
    schema = pandera_schema(table, extra)
    if schema.checks or not schema.strict or set(schema.columns) != set(expected):
        return None
    rules: list[pl.Expr] = []
    for name, column in schema.columns.items():
        col = pl.col(name)
        checks = [_check_expr(name, c) for c in column.checks]
        if column.regex or any(c is None for c in checks):
            return None
        if not column.nullable:
            present = col.is_not_null()
            if expected[name].is_float():  # pandera counts NaN as a missing value
                present = present & col.is_not_nan()
            rules.append(present.all())
        if column.unique:
            rules.append(~col.is_duplicated().any())
        rules.extend(checks)  # type: ignore[arg-type]
    if schema.unique:
        keys = [schema.unique] if all(isinstance(k, str) for k in schema.unique) else schema.unique
        rules.extend(~pl.struct(list(k)).is_duplicated().any() for k in keys)
    return pl.all_horizontal(rules).fill_null(False) if rules else pl.lit(True)


def passes(df: pl.DataFrame, table: str, extra: Extra = ()) -> bool:
    """True only when pandera's schema for `table` would accept `df` with no failure case."""
    # Same names in the same order with the same dtypes, else pandera decides.
    if list(df.schema.items()) != list(polars_schema(table, extra).items()):
        return False
    rules = _rules(table, extra)
    if rules is None:
        return False
    return df.height == 0 or bool(df.select(rules).item())
