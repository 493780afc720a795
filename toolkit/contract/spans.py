"""Character offsets. Polars string search reports byte offsets; the tables store Python
character offsets so that `text[start:end] == surface` holds in every language."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl


def byte_to_char(text: pl.Expr, byte_offset: pl.Expr) -> pl.Expr:
    """Character offset of a byte offset that lies on a character boundary of `text`.

    It copies the text up to the offset: for many offsets into long texts use `char_offsets`.
    """
    prefix = text.cast(pl.Binary).bin.slice(0, byte_offset).cast(pl.Utf8)
    return prefix.str.len_chars().cast(pl.Int64)


def span_text(text: pl.Expr, start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """`text[start:end]` in character offsets."""
    return text.str.slice(start, end - start)




# Spans of many rows into long texts. A `str.slice` of the whole text per row reads the text up to the
# offset and `byte_to_char` copies it: for a document of n characters with a span every few dozen
# characters that is n² (a 1 MB document took gigabytes). A lazy join of the text onto every row copies
# the text once per row under the streaming engine. The helpers below group the rows per text and join
# each text once; exploding the groups back repeats a reference to the text, not the text. Then
# `char_offsets` reads the bytes between consecutive offsets of a text, and `slice_spans` slices a long
# text by bytes, at byte offsets found through one anchor per non-ASCII character (the character offset
# after it and the extra bytes of the non-ASCII characters up to it): time and memory stay linear in
# the length of the texts. A short text is sliced by characters, which costs little and needs no anchors.
# The work runs as one opaque step (`map_batches`) on the rows' keys and offsets and on the texts: inside
# a stage's large query polars spent longer optimising these plans, on every collect, than running them.
_ROW = "_span_row"
_NON_ASCII = r"[\x00-\x7F]*[^\x00-\x7F]"  # pieces that tile a text up to its last non-ASCII character
LONG_TEXT = 1 << 13  # bytes: `slice_spans` slices longer texts through anchors


def _per_text(
    rows: pl.LazyFrame, texts: pl.LazyFrame, on: str | list[str], text: str, inputs: dict[str, pl.Expr],
    compute: Callable[[pl.LazyFrame, list[str]], pl.LazyFrame], schema: dict[str, pl.DataType],
) -> pl.LazyFrame:
    """`rows` with the columns of `schema`, which `compute` makes, beside them in the order of `rows`.

    `compute` gets one row per text key `on`: the row numbers `_span_row` and the `inputs` of its rows
    as lists, and the text `_t`; it returns the columns of `schema` and `_span_row`, one row per row.
    """
    on = [on] if isinstance(on, str) else list(on)
    rows = rows.with_row_index(_ROW).cache()

    def per_text(both: pl.DataFrame) -> pl.DataFrame:
        numbered = pl.col(_ROW).is_not_null()
        grouped = (
            both.lazy().filter(numbered)
            .group_by(on)
            .agg(_ROW, *inputs)
            # One row per text on both sides: the join never repeats a text.
            .join(both.lazy().filter(~numbered).select(*on, "_t"), on=on, how="left")
        )
        return compute(grouped, on).sort(_ROW).select(_ROW, *schema).collect()

    both = pl.concat([rows.select(*on, _ROW, **inputs), texts.select(*on, _t=pl.col(text))], how="diagonal_relaxed")
    values = both.map_batches(per_text, schema={_ROW: pl.get_index_type(), **schema})
    return pl.concat([rows.drop(_ROW), values.drop(_ROW)], how="horizontal")


def slice_spans(
    rows: pl.LazyFrame, texts: pl.LazyFrame, on: str | list[str], spans: dict[str, tuple[pl.Expr, pl.Expr]],
    *, text: str = "text",
) -> pl.LazyFrame:
    """`rows` with a column per entry of `spans`, name -> (start, end): `text[start:end]` as Python slices it.

    `texts` holds one row per key `on` with its `text`; start and end are character offsets (below 0
    they count as 0). A null offset, a null text or a key without a text gives null. Rows keep their
    order. Texts longer than `LONG_TEXT` bytes are sliced through anchors (see above).
    """
    inputs = {}
    for i, (start, end) in enumerate(spans.values()):
        inputs[f"_s{i}"] = start.cast(pl.Int64).clip(lower_bound=0)
        inputs[f"_e{i}"] = end.cast(pl.Int64).clip(lower_bound=0)
    bounds = [(name, pl.col(f"_s{i}"), pl.col(f"_e{i}")) for i, name in enumerate(spans)]
    t = pl.col("_t")

    def sliced(piece: pl.Expr, start: pl.Expr, end: pl.Expr) -> pl.Expr:  # a null length would run to the end
        return pl.when(start.is_not_null() & end.is_not_null()).then(piece)

    # The anchors of a text, both lists led by 0 so that every offset has an anchor at or before it.
    pieces = t.str.extract_all(_NON_ASCII)
    zero = pl.lit([0], dtype=pl.List(pl.Int64))
    chars = pl.element().str.len_chars().cast(pl.Int64)
    extra = pl.element().str.len_bytes().cast(pl.Int64) - chars
    anchor_chars, anchor_extra = pl.col("_ac").explode(), pl.col("_ad").explode()

    def to_byte(offset: pl.Expr) -> pl.Expr:  # per text, on the exploded offsets of its rows
        return offset + anchor_extra.gather(anchor_chars.search_sorted(offset.fill_null(0), side="right") - 1)

    def compute(grouped: pl.LazyFrame, on: list[str]) -> pl.LazyFrame:
        grouped = grouped.with_columns(_long=(t.str.len_bytes() > LONG_TEXT).fill_null(False))
        short = grouped.filter(~pl.col("_long")).explode(_ROW, *inputs).select(_ROW, **{
            name: sliced(t.str.slice(s, (e - s).clip(lower_bound=0)), s, e) for name, s, e in bounds
        })
        long = (
            grouped.filter(pl.col("_long"))
            .with_columns(
                _ac=pl.concat_list(zero, pieces.list.eval(chars.cum_sum())),
                _ad=pl.concat_list(zero, pieces.list.eval(extra.cum_sum())),
            )
            .group_by(on)
            .agg(pl.col(_ROW).explode(), t.first(), *(to_byte(pl.col(c).explode()) for c in inputs))
            .explode(_ROW, *inputs)
            .select(_ROW, **{
                name: sliced(t.cast(pl.Binary).bin.slice(s, (e - s).clip(lower_bound=0)).cast(pl.Utf8), s, e)
                for name, s, e in bounds
            })
        )
        return pl.concat([short, long])

    return _per_text(rows, texts, on, text, inputs, compute, dict.fromkeys(spans, pl.String()))


def char_offsets(
    rows: pl.LazyFrame, texts: pl.LazyFrame, on: str | list[str], offsets: dict[str, pl.Expr],
    *, text: str = "text",
) -> pl.LazyFrame:
    """`rows` with a column per entry of `offsets`, name -> byte offset: the character offset of that byte.

    The byte offsets must lie on character boundaries of the text (as `str.find_many` reports them);
    `texts` holds one row per key `on` with its `text`. A null offset, a null text or a key without a
    text gives null. Rows keep their order.
    """
    inputs = {f"_b{i}": offset.cast(pl.Int64) for i, offset in enumerate(offsets.values())}
    t, k, b = pl.col("_t"), pl.col("_k"), pl.col("_b")
    # Sorted by text and offset, the characters up to an offset are those up to the one before plus
    # those of the bytes between them: each text's bytes are read once, whatever the number of offsets.
    first = k.ne_missing(k.shift(1))
    before = pl.when(first).then(0).otherwise(b.shift(1))
    n = t.cast(pl.Binary).bin.slice(before, b - before).cast(pl.Utf8).str.len_chars().cast(pl.Int64)
    total = n.cum_sum()
    chars = total - pl.when(first).then(total - n).forward_fill()

    def compute(grouped: pl.LazyFrame, on: list[str]) -> pl.LazyFrame:
        grouped = grouped.with_columns(
            _k=pl.int_range(pl.len()), _ascii=(t.str.len_bytes() == t.str.len_chars()).fill_null(False)
        )
        values = None
        for i, name in enumerate(offsets):
            exploded = grouped.select("_k", "_t", "_ascii", _ROW, _b=pl.col(f"_b{i}")).explode(_ROW, "_b")
            one = pl.concat([
                exploded.filter(pl.col("_ascii")).select(_ROW, b.alias(name)),  # in ASCII a byte is a character
                exploded.filter(~pl.col("_ascii"))
                .sort("_k", "_b", nulls_last=True)
                .select(_ROW, pl.when(b.is_not_null()).then(chars).alias(name)),
            ])
            values = one if values is None else values.join(one, on=_ROW)
        return values

    return _per_text(rows, texts, on, text, inputs, compute, dict.fromkeys(offsets, pl.Int64()))
