"""Event dates from the words of a sentence, resolved against the article's publication time.

The first date expression of the sentence dates its events, with the precision the words support:
- day: "September 13", "13 September 2023", "September 13, 2023", "on Wednesday" (the latest such
  weekday on or before publication), "yesterday", "today", "tonight"; a range "between September 7
  and October 1" gives its first day as event_date and its last as event_date_end;
- month: "last month", "this month", "in September" (the latest September on or before publication),
  "September 2023";
- year: "last year", "this year", "in 2022";
- none: no expression, or a relative one (or one without a year) in an article without a date: no
  year is ever invented. A month and day without a year take the publication year, or the year before
  when that date would fall more than a week after publication (news reports the past).
"""

from __future__ import annotations

import polars as pl

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
_MONTH_NO = {m: i for i, m in enumerate(MONTHS, start=1)} | {m[:3]: i for i, m in enumerate(MONTHS, start=1)}
_MONTH_NO["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"], start=1)}
_MON = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
_YEAR = r"(?:19|20)\d\d"
# "May" alone is too often the modal verb: a month name needs a day, a year or "in"/"last" before it.
_MD = rf"(?:{_MON}\.? (\d{{1,2}})(?:st|nd|rd|th)?(?:,? ({_YEAR}))?|(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?{_MON}(?:,? ({_YEAR}))?)"
_EXPR = (
    rf"\b(?:(?:between|from) )?(?P<md>{_MON}\.? \d{{1,2}}(?:st|nd|rd|th)?(?:,? {_YEAR})?|\d{{1,2}}(?:st|nd|rd|th)? (?:of )?{_MON}(?:,? {_YEAR})?)"
    rf"|\b(?P<wd>(?:[Oo]n|[Ll]ast) (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b"
    r"|\b(?P<rel>[Yy]esterday|[Tt]oday|[Tt]onight|[Ll]ast (?:month|year)|[Tt]his (?:month|year))\b"
    rf"|\b(?P<my>{_MON} {_YEAR}|[Ii]n {_MON}\b)"
    rf"|\b(?P<y>[Ii]n {_YEAR})\b"
)


def _month(word: pl.Expr) -> pl.Expr:
    return word.str.to_lowercase().str.strip_chars(".").replace_strict(_MONTH_NO, default=None, return_dtype=pl.Int32)


def _ymd(y: pl.Expr, m: pl.Expr, d: pl.Expr) -> pl.Expr:
    """A Date from parts, null when the parts are null or not a calendar day (30 February)."""
    return pl.concat_str([y.cast(pl.Utf8), m.cast(pl.Utf8).str.zfill(2), d.cast(pl.Utf8).str.zfill(2)], separator="-").str.to_date(
        "%Y-%m-%d", strict=False
    )


def _md_parts(text: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(year or null, month, day) of a "Month day[, year]" / "day Month [year]" text."""
    parts = text.str.extract_groups(rf"^{_MD}$")
    month = _month(text.str.extract(rf"({_MON})", 1))
    day = pl.coalesce(parts.struct.field("1"), parts.struct.field("3")).cast(pl.Int32, strict=False)
    year = pl.coalesce(parts.struct.field("2"), parts.struct.field("4")).cast(pl.Int32, strict=False)
    return year, month, day


def _month_day(text: pl.Expr, pub: pl.Expr) -> pl.Expr:
    """Date of a "Month day[, year]" / "day Month [year]" text; the year from publication when absent."""
    year, month, day = _md_parts(text)
    pub_year = pub.dt.year().cast(pl.Int32)
    guess = _ymd(pub_year, month, day)
    late = guess > pub + pl.duration(days=7)
    return pl.when(year.is_not_null()).then(_ymd(year, month, day)).otherwise(
        pl.when(late).then(_ymd(pub_year - 1, month, day)).otherwise(guess)
    )


_FIELDS = ("md", "wd", "rel", "my", "y")


def _second(text: pl.Expr) -> pl.Expr:
    """A range: the second date of "between X and Y" / "from X to Y"."""
    return text.str.extract(rf"(?:between|from) {_MD_TEXT} (?:and|to|until) ({_MD_TEXT})", 1)


def event_dates(text: pl.Expr, published: pl.Expr) -> pl.Expr:
    """Struct(event_date, event_date_end, date_precision) of a sentence, resolved against `published`."""
    found = text.str.extract_groups(_EXPR)
    return _resolve(*(found.struct.field(k) for k in _FIELDS), _second(text), published.dt.date())


def with_event_dates(lf: pl.LazyFrame, text: str, published: str) -> pl.LazyFrame:
    """`lf` with event_date, event_date_end and date_precision columns, as `event_dates` gives them.

    The expressions are staged so each regex runs once per row (the single struct expression repeats
    them in every branch), and only rows holding a date expression are resolved: the others have none.
    """
    # Read twice below: cached, the test runs once.
    lf = lf.with_columns(_has_date=pl.col(text).str.contains(_EXPR).fill_null(False)).cache()
    dated = (
        lf.filter(pl.col("_has_date"))
        .with_columns(_found=pl.col(text).str.extract_groups(_EXPR), _second=_second(pl.col(text)),
                      _pub=pl.col(published).dt.date())
        .with_columns(pl.col("_found").struct.field(k).alias(f"_{k}") for k in _FIELDS)
        .with_columns(_md_date=_month_day(pl.col("_md"), pl.col("_pub")))
        .with_columns(_d=_resolve(*(pl.col(f"_{k}") for k in _FIELDS), pl.col("_second"), pl.col("_pub"),
                                  md_date=pl.col("_md_date")))
        .with_columns(pl.col("_d").struct.unnest())
        .drop("_found", "_second", "_pub", "_d", "_md_date", *(f"_{k}" for k in _FIELDS))
    )
    undated = lf.filter(~pl.col("_has_date")).with_columns(
        event_date=pl.lit(None, dtype=pl.Date), event_date_end=pl.lit(None, dtype=pl.Date),
        date_precision=pl.lit("none"),
    )
    return pl.concat([dated, undated]).drop("_has_date")


def _resolve(md: pl.Expr, wd: pl.Expr, rel: pl.Expr, my: pl.Expr, y: pl.Expr, second: pl.Expr, pub: pl.Expr,
             md_date: pl.Expr | None = None) -> pl.Expr:
    """Struct(event_date, event_date_end, date_precision) from the matched date expression's parts."""
    if md_date is None:
        md_date = _month_day(md, pub)
    weekday = wd.str.extract(r" (\w+)$", 1).str.to_lowercase().replace_strict(WEEKDAYS, default=None, return_dtype=pl.Int64)
    back = (pub.dt.weekday().cast(pl.Int64) - weekday) % 7
    rel_l = rel.str.to_lowercase()
    first_of_month = pub.dt.truncate("1mo")
    my_month = _month(my.str.extract(rf"({_MON})", 1))
    my_year = my.str.extract(rf"({_YEAR})", 1).cast(pl.Int32, strict=False)
    my_date = pl.when(my_year.is_not_null()).then(_ymd(my_year, my_month, pl.lit(1))).otherwise(
        pl.when(_ymd(pub.dt.year(), my_month, pl.lit(1)) > pub)
        .then(_ymd(pub.dt.year() - 1, my_month, pl.lit(1)))
        .otherwise(_ymd(pub.dt.year(), my_month, pl.lit(1)))
    )
    year_date = _ymd(y.str.extract(rf"({_YEAR})", 1), pl.lit(1), pl.lit(1))
    date = (
        pl.when(md.is_not_null()).then(md_date)
        .when(wd.is_not_null()).then(pub - pl.duration(days=back))
        .when(rel_l == "yesterday").then(pub - pl.duration(days=1))
        .when(rel_l.is_in(["today", "tonight"])).then(pub)
        .when(rel_l == "last month").then(first_of_month.dt.offset_by("-1mo"))
        .when(rel_l == "this month").then(first_of_month)
        .when(rel_l == "last year").then(pub.dt.truncate("1y").dt.offset_by("-1y"))
        .when(rel_l == "this year").then(pub.dt.truncate("1y"))
        .when(my.is_not_null()).then(my_date)
        .when(y.is_not_null()).then(year_date)
    )
    precision = (
        pl.when(date.is_null()).then(pl.lit("none"))
        .when(md.is_not_null() | wd.is_not_null() | rel_l.is_in(["yesterday", "today", "tonight"])).then(pl.lit("day"))
        .when(rel_l.is_in(["last month", "this month"]) | my.is_not_null()).then(pl.lit("month"))
        .otherwise(pl.lit("year"))
    )
    end = pl.when(md.is_not_null() & second.is_not_null()).then(_range_end(second, md_date))
    return pl.struct(event_date=date, event_date_end=end, date_precision=precision)


def _range_end(text: pl.Expr, start: pl.Expr) -> pl.Expr:
    """The last day of a range: without a year of its own, the first such day on or after the start
    ("between December 28 and January 3" ends in the next year)."""
    year, month, day = _md_parts(text)
    start_year = start.dt.year().cast(pl.Int32)
    same_year = _ymd(start_year, month, day)
    return pl.when(year.is_not_null()).then(_ymd(year, month, day)).otherwise(
        pl.when(same_year < start).then(_ymd(start_year + 1, month, day)).otherwise(same_year)
    )


_MD_TEXT = rf"(?:{_MON}\.? \d{{1,2}}(?:st|nd|rd|th)?(?:,? {_YEAR})?|\d{{1,2}}(?:st|nd|rd|th)? (?:of )?{_MON}(?:,? {_YEAR})?)"
