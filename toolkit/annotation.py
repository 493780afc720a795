"""Public API: annotate a researcher's own texts with entities, their mentions and CAMEO events.

    import polars as pl, toolkit
    res = toolkit.annotate(pl.DataFrame({"id": [1, 2], "text": ["…", "…"]}))
    res.entities, res.mentions, res.events

Each row is one article, taken as it is: no cleaning, no segmentation into articles and fact boxes,
and no language detection: the rules are English (`toolkit.entities.LANGUAGES`), so texts in other
languages give junk and should be left out first, as `toolkit build` does.
Offsets in `mentions` and `events` index the caller's text. Rows whose text is null are skipped (they
have nothing to annotate and appear in no output); a missing column, a null or duplicate id, or a
text column that is not a string column raises `AnnotateInputError`.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from toolkit.entities import mentions as _entities
from toolkit.events import coder as _events
from toolkit.text import segment
from toolkit.vocab.dictionaries import Dictionaries
from toolkit.pipeline.engine import per_document_engine
from toolkit.entities.mentions import Recognizer
from toolkit.errors import AnnotateInputError
from toolkit.contract.schema import polars_schema

_ARTICLE_ID = "article_id"
_CALLER_ID = "__caller_id"  # the caller's id, original dtype, until it takes the caller's column name


@dataclass(frozen=True)
class Annotation:
    """What `annotate` found: entities (corpus-wide), mentions and events (keyed by the caller's id)."""

    entities: pl.DataFrame
    mentions: pl.DataFrame
    events: pl.DataFrame


def _checked(df: pl.DataFrame | pl.LazyFrame, id_column: str, text_column: str) -> pl.DataFrame:
    """The caller's id, text and optional published_at columns, after every check `annotate` promises."""
    if isinstance(df, pl.LazyFrame):
        df = df.collect()
    if not isinstance(df, pl.DataFrame):
        raise AnnotateInputError(
            f"annotate() takes a polars DataFrame, not {type(df).__name__}; convert with pl.from_pandas(df) "
            "or pl.DataFrame({...})"
        )
    missing = [c for c in (id_column, text_column) if c not in df.columns]
    if missing:
        raise AnnotateInputError(
            f"column(s) {missing} not found (columns are {df.columns}); pass id_column= and text_column= "
            "to name the id and text columns"
        )
    if id_column == text_column:
        raise AnnotateInputError(f"id_column and text_column are both {id_column!r}; they must differ")
    reserved = (set(_entities.MENTION_COLUMNS) | set(_events.EVENT_COLUMNS)) - {_ARTICLE_ID}
    if id_column in reserved:
        raise AnnotateInputError(f"id_column {id_column!r} clashes with an output column; rename it first")
    if df.schema[text_column] not in (pl.Utf8, pl.Null):
        raise AnnotateInputError(f"column {text_column!r} is {df.schema[text_column]}, expected strings")
    ids = df.get_column(id_column)
    if ids.null_count():
        rows = df.with_row_index("row").filter(pl.col(id_column).is_null())["row"].head(5).to_list()
        raise AnnotateInputError(f"column {id_column!r} has null ids (rows {rows}); every row needs an id")
    as_text = ids.cast(pl.Utf8)
    if as_text.is_duplicated().any():
        dupes = as_text.filter(as_text.is_duplicated()).unique(maintain_order=True).head(5).to_list()
        raise AnnotateInputError(f"column {id_column!r} has duplicate ids {dupes}; ids must be unique")
    return df.select(
        pl.col(id_column).alias(_CALLER_ID),
        as_text.alias(_ARTICLE_ID),
        pl.col(text_column).cast(pl.Utf8).alias("text"),
        _published_at(df),
    )


def _published_at(df: pl.DataFrame) -> pl.Expr:
    """published_at as a UTC timestamp: naive times are taken as UTC, dates as midnight UTC."""
    if "published_at" not in df.columns:
        return pl.lit(None, dtype=pl.Datetime("us", "UTC")).alias("published_at")
    dtype = df.schema["published_at"]
    col = pl.col("published_at")
    if dtype == pl.Date:
        col = col.cast(pl.Datetime("us"))
    elif not isinstance(dtype, pl.Datetime):
        raise AnnotateInputError(
            f"column 'published_at' is {dtype}; pass a Date or Datetime (parse strings with str.to_datetime)"
        )
    tz = getattr(dtype, "time_zone", None)
    col = col.dt.convert_time_zone("UTC") if tz else col.dt.replace_time_zone("UTC")
    return col.cast(pl.Datetime("us", "UTC")).alias("published_at")


def _with_caller_id(frame: pl.DataFrame, keys: pl.DataFrame, id_column: str) -> pl.DataFrame:
    """`frame` with article_id replaced, in place, by the caller's id (original dtype)."""
    order = [id_column if c == _ARTICLE_ID else c for c in frame.columns]
    joined = frame.join(keys, on=_ARTICLE_ID, how="left", maintain_order="left").drop(_ARTICLE_ID)
    return joined.rename({_CALLER_ID: id_column}).select(order)


def annotate(
    df: pl.DataFrame,
    *,
    id_column: str = "id",
    text_column: str = "text",
    dictionaries: Dictionaries | None = None,
    recognizer: Recognizer | None = None,
    patterns: pl.DataFrame | None = None,
    events: bool = True,
) -> Annotation:
    """Entities, their mentions and CAMEO events of each row's text; null texts are skipped.

    `dictionaries` (from `toolkit.load_dictionaries`) adds or overrides actors; `recognizer` (for
    example `SpacyRecognizer(nlp)`) replaces the model-free name finder; `patterns` (from
    `toolkit.load_patterns`) adds event patterns; `events=False` leaves the events frame empty
    (with its columns) for callers who only want entities.
    """
    with per_document_engine():
        return _annotate(_checked(df, id_column, text_column), id_column, dictionaries, recognizer, patterns, events)


def _annotate(
    rows: pl.DataFrame,
    id_column: str,
    dictionaries: Dictionaries | None,
    recognizer: Recognizer | None,
    patterns: pl.DataFrame | None,
    events: bool,
) -> Annotation:
    keys = rows.select(_ARTICLE_ID, _CALLER_ID)
    articles = rows.lazy().select(_ARTICLE_ID, "text", "published_at").filter(pl.col("text").is_not_null())
    sentences = segment.sentences(articles).collect()
    # Mentions feed both the entity table and the events: computed once, here, at the stage boundary.
    ments = _entities.mentions(
        articles, sentences.lazy(), dictionaries=dictionaries, recognizer=recognizer
    ).collect()
    ents = _entities.entities(ments.lazy()).collect()
    if events:
        evs = _events.events(articles, sentences.lazy(), ments.lazy(), patterns=patterns).collect()
    else:
        types = polars_schema("events")
        evs = pl.DataFrame(schema={c: types.get(c, pl.Utf8) for c in _events.EVENT_COLUMNS})
    return Annotation(
        entities=ents,
        mentions=_with_caller_id(ments, keys, id_column),
        events=_with_caller_id(evs, keys, id_column),
    )
