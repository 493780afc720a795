"""Character offsets. Polars string search reports byte offsets; the tables store Python
character offsets so that `text[start:end] == surface` holds in every language."""

from __future__ import annotations

import polars as pl


def byte_to_char(text: pl.Expr, byte_offset: pl.Expr) -> pl.Expr:
    """Character offset of a byte offset that lies on a character boundary of `text`."""
    prefix = text.cast(pl.Binary).bin.slice(0, byte_offset).cast(pl.Utf8)
    return prefix.str.len_chars().cast(pl.Int64)


def span_text(text: pl.Expr, start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """`text[start:end]` in character offsets."""
    return text.str.slice(start, end - start)
