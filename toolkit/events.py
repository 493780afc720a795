"""Events: CAMEO-coded "who did what to whom" from verb patterns (toolkit/data/verbs.tsv) and country mentions.

Baseline rules, applied inside one sentence:
- a verb pattern (regex, case-insensitive, whole words) matches; only its first match per sentence counts,
  and where two patterns overlap the leftmost, then longest, match wins;
- actors come from the country mentions around the match, by the pattern's `roles`:
  forward  source = nearest mention ending before the match, target = first mention starting at or
           after the match start (so "provided Russia with weapons" finds Russia inside the match);
  reverse  the same two mentions swapped ("X received weapons from Y" is Y aiding X);
  pair     source = second nearest, target = nearest mention before the match ("X and Y met for …");
  a mention before the verb only counts in the verb's clause (no , ; : ! ? or spaced dash between),
  one after it only within three words of the match ("sanctions on the Russian government");
  an event needs a source; a target equal to the source becomes null;
- modality is read from the words between the nearest mention before the verb (the subject) and the
  verb: negated > hypothetical > future > asserted;
- attributed_to is the country that is the subject of the sentence's first speech verb ("the US said",
  "Russia's foreign ministry told …"): the nearest mention before it, at most three words away;
- event_date is the published date moved back to the weekday named as "on <Weekday>", else null.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from toolkit.codes import cameo_table, read_table
from toolkit.errors import DictionaryError
from toolkit.ids import stable_id
from toolkit.spans import byte_to_char

EVENT_COLUMNS = [
    "event_id", "article_id", "sentence", "start", "end", "text", "source_id", "target_id",
    "source_code", "target_code", "cameo_code", "root_code", "quad_class", "goldstein", "plover_type",
    "modality", "attributed_to", "event_date", "date_precision", "location_id", "cluster_id",
]
ROLES = ("forward", "reverse", "pair")
_VERB_SCHEMA = {"pattern": pl.Utf8, "cameo_code": pl.Utf8, "roles": pl.Utf8, "notes": pl.Utf8}

# Modality cues, checked in this order of precedence.
_NEGATED = r"(?i)\b(?:not|never|no longer)\b|n['’]t\b|\b(?:denied|denies|deny|denying)\b"
_HYPOTHETICAL = r"(?i)\b(?:would|could|might|may|potential|potentially)\b"
_FUTURE = (
    r"(?i)\b(?:will|shall)\b|['’]ll\b|\b(?:plans?|planned|planning|intends?|intended|intending) to\b"
    r"|\b(?:is|are|was|were) (?:expected|set|going|due) to\b"
)
# The speech verb of an attribution and how far its subject may be ("Russia's foreign ministry said").
_SPEECH = r"(?i)\b(?:said|says|told|tells|stated|announced|added|claimed)\b"
_SPEAKER_GAP = r"^(?:['’]s)?(?:\s+[\w-]+){0,3}\s+$"
# An actor before the verb must be in the verb's clause; an object after it at most three words away
# ("sanctions on the Russian government"), so "provide Moscow with ammunition for the war in Ukraine"
# does not make Ukraine the recipient.
_CLAUSE_BREAK = r"[,;:!?]|\s[–—-]\s"
_OBJECT_GAP = r"^\s*(?:[\w-]+\s+){0,3}$"
_QUOTES = r"[\[\]()\"“”‘’']"
_WEEKDAYS = {d: i for i, d in enumerate(
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"], start=1)}
_ON_WEEKDAY = rf"\b[Oo]n ({'|'.join(_WEEKDAYS)})\b"


@cache
def verb_table() -> pl.DataFrame:
    """verbs.tsv checked: known CAMEO codes, known roles, and patterns the regex engine accepts."""
    verbs = read_table("verbs.tsv", _VERB_SCHEMA).with_row_index("verb").with_columns(
        regex=pl.format(r"(?i)\b(?:{})\b", pl.col("pattern"))
    )
    unknown = verbs.filter(~pl.col("cameo_code").is_in(cameo_table()["cameo_code"].implode()))
    bad_roles = verbs.filter(~pl.col("roles").is_in(ROLES))
    if unknown.height or bad_roles.height:
        raise DictionaryError(
            f"verbs.tsv: unknown CAMEO codes {unknown['cameo_code'].to_list()} or roles "
            f"{bad_roles['roles'].to_list()} (roles must be one of {ROLES})"
        )
    for pattern in verbs["regex"]:
        try:
            pl.select(pl.lit("").str.contains(pattern))
        except pl.exceptions.PolarsError as exc:
            raise DictionaryError(f"verbs.tsv: pattern {pattern!r} is not a valid regex ({exc})") from exc
    return verbs


def _sentence_frame(
    articles_lf: pl.LazyFrame, sentences_lf: pl.LazyFrame, mentions_lf: pl.LazyFrame
) -> pl.LazyFrame:
    """Sentences holding at least one mention, with their text and the article's publication time."""
    has_date = "published_at" in articles_lf.collect_schema().names()
    published = pl.col("published_at") if has_date else pl.lit(None, dtype=pl.Datetime("us", "UTC"))
    arts = articles_lf.select("article_id", "text", published.alias("published_at"))
    with_mentions = mentions_lf.select("article_id", pl.col("sentence").cast(pl.Int64)).drop_nulls().unique()
    return (
        sentences_lf.select(
            "article_id", pl.col("sentence").cast(pl.Int64), pl.col("start").cast(pl.Int64),
            pl.col("end").cast(pl.Int64),
        )
        .join(with_mentions, on=["article_id", "sentence"], how="semi")
        .join(arts, on="article_id", how="inner")
        .with_columns(s_text=pl.col("text").str.slice(pl.col("start"), pl.col("end") - pl.col("start")))
        .drop("text")
    )


def _verb_matches(sent: pl.LazyFrame) -> pl.LazyFrame:
    """One row per (sentence, pattern) first match, overlaps resolved; offsets are article offsets."""
    verbs = verb_table()
    text = pl.col("s_text")
    # One column per pattern holding its first match (byte offset, length), unpivoted to one row per
    # match: much cheaper than building a list per sentence.
    wide = sent.select(
        "article_id", "sentence", "start", "s_text",
        *(
            pl.struct(byte=text.str.find(regex), n=text.str.extract(regex, 0).str.len_chars()).alias(str(i))
            for i, regex in zip(verbs["verb"], verbs["regex"], strict=True)
        ),
    )
    found = (
        wide.unpivot(index=["article_id", "sentence", "start", "s_text"], variable_name="verb", value_name="m")
        .unnest("m")
        .filter(pl.col("byte").is_not_null())
        .with_columns(
            verb=pl.col("verb").cast(pl.UInt32), v_start=pl.col("start") + byte_to_char(text, pl.col("byte"))
        )
        .with_columns(v_end=pl.col("v_start") + pl.col("n").cast(pl.Int64))
        .select("article_id", "sentence", "verb", "v_start", "v_end")
        .sort(
            ["article_id", "sentence", "v_start", "v_end", "verb"], descending=[False, False, False, True, False]
        )
    )
    seen_end = pl.col("v_end").cum_max().shift(1).over("article_id", "sentence")
    return (
        found.filter(seen_end.is_null() | (pl.col("v_start") >= seen_end))
        .join(verbs.lazy().select("verb", "cameo_code", "roles"), on="verb", how="left")
        .join(sent, on=["article_id", "sentence"], how="inner")
    )


def _nearest(
    left: pl.LazyFrame, ments: pl.LazyFrame, *, on: str, key: str, strategy: str, tag: str
) -> pl.LazyFrame:
    """Add the mention nearest to `on` (by its `key` offset) in the same sentence as `<tag>_*` columns."""
    right = ments.select(
        "article_id", "sentence",
        pl.col(key).alias(f"_{tag}_key"),
        pl.col("entity_id").alias(f"{tag}_id"), pl.col("country_code").alias(f"{tag}_code"),
        pl.col("start").alias(f"{tag}_start"), pl.col("end").alias(f"{tag}_end"),
    ).sort("article_id", "sentence", f"_{tag}_key")
    return (
        left.sort("article_id", "sentence", on, nulls_last=True)
        .join_asof(
            right, left_on=on, right_on=f"_{tag}_key", by=["article_id", "sentence"], strategy=strategy,
            check_sortedness=False,  # both sides are sorted just above; polars cannot check it per group
        )
        .drop(f"_{tag}_key")
    )


def _attributions(sent: pl.LazyFrame, ments: pl.LazyFrame) -> pl.LazyFrame:
    """(article_id, sentence, attributed_to) for sentences whose speech verb has a country as subject."""
    speech = (
        sent.select("article_id", "sentence", "start", "s_text", _byte=pl.col("s_text").str.find(_SPEECH))
        .drop_nulls("_byte")
        .with_columns(_say=pl.col("start") + byte_to_char(pl.col("s_text"), pl.col("_byte")))
    )
    return (
        _nearest(speech, ments, on="_say", key="end", strategy="backward", tag="spk")
        .filter(_between(pl.col("spk_end"), pl.col("_say")).str.contains(_SPEAKER_GAP))
        .select("article_id", "sentence", pl.col("spk_id").alias("attributed_to"))
    )


def _between(lo: pl.Expr, hi: pl.Expr) -> pl.Expr:
    """Sentence text between two article offsets (empty when they are out of order)."""
    return pl.col("s_text").str.slice(lo - pl.col("start"), (hi - lo).clip(lower_bound=0))


def _keep_near(matches: pl.LazyFrame) -> pl.LazyFrame:
    """Forget mentions too far from the verb to be its actors: another clause, or a long way after it."""
    far = {
        "b1": _between(pl.col("b1_end"), pl.col("v_start")).str.contains(_CLAUSE_BREAK),
        "b2": _between(pl.col("b2_end"), pl.col("b1_start")).str.contains(_CLAUSE_BREAK),
        "a1": (pl.col("a1_start") > pl.col("v_end"))
        & ~_between(pl.col("v_end"), pl.col("a1_start")).str.replace_all(_QUOTES, "").str.contains(_OBJECT_GAP),
    }
    return matches.with_columns(
        pl.when(far[tag].fill_null(True)).then(None).otherwise(pl.col(f"{tag}_{field}")).alias(f"{tag}_{field}")
        for tag in far  # a null test means the mention is already missing
        for field in ("id", "code", "start", "end")
    )


def _modality(gap: pl.Expr) -> pl.Expr:
    """negated, hypothetical, future or asserted, from the words before the verb."""
    return (
        pl.when(gap.str.contains(_NEGATED)).then(pl.lit("negated"))
        .when(gap.str.contains(_HYPOTHETICAL)).then(pl.lit("hypothetical"))
        .when(gap.str.contains(_FUTURE)).then(pl.lit("future"))
        .otherwise(pl.lit("asserted"))
    )


def _event_date(sentence_text: pl.Expr, published: pl.Expr) -> pl.Expr:
    """The latest day on or before publication that falls on the weekday named by "on <Weekday>"."""
    named = sentence_text.str.extract(_ON_WEEKDAY, 1)
    weekday = named.replace_strict(_WEEKDAYS, default=None, return_dtype=pl.Int64)
    back = (published.dt.weekday().cast(pl.Int64) - weekday) % 7
    return published.dt.date() - pl.duration(days=back)


def events(articles_lf: pl.LazyFrame, sentences_lf: pl.LazyFrame, mentions_lf: pl.LazyFrame) -> pl.LazyFrame:
    """One event per (sentence, verb match, source, target) with a country source; others are not events."""
    ments = mentions_lf.select(
        "article_id", pl.col("sentence").cast(pl.Int64), "entity_id", "country_code",
        pl.col("start").cast(pl.Int64), pl.col("end").cast(pl.Int64),
    ).drop_nulls("sentence")
    sent = _sentence_frame(articles_lf, sentences_lf, ments)
    matches = _verb_matches(sent)
    matches = _nearest(matches, ments, on="v_start", key="end", strategy="backward", tag="b1")
    matches = _nearest(matches, ments, on="b1_start", key="end", strategy="backward", tag="b2")
    matches = _nearest(matches, ments, on="v_start", key="start", strategy="forward", tag="a1")
    matches = _keep_near(matches)
    role = pl.col("roles")

    def pick(field: str, forward: str, reverse: str, pair: str) -> pl.Expr:
        return (
            pl.when(role == "forward").then(pl.col(f"{forward}_{field}"))
            .when(role == "reverse").then(pl.col(f"{reverse}_{field}"))
            .otherwise(pl.col(f"{pair}_{field}"))
        )

    subject_end = pl.coalesce("b1_end", "start")
    codes = cameo_table().lazy().select("cameo_code", "root_code", "quad_class", "goldstein", "plover_type")
    same = pick("id", "b1", "a1", "b2") == pick("id", "a1", "b1", "b1")
    out = (
        matches.with_columns(
            source_id=pick("id", "b1", "a1", "b2"), source_code=pick("code", "b1", "a1", "b2"),
            target_id=pick("id", "a1", "b1", "b1"), target_code=pick("code", "a1", "b1", "b1"),
            modality=_modality(_between(subject_end, pl.col("v_start"))),
            event_date=_event_date(pl.col("s_text"), pl.col("published_at")),
        )
        .filter(pl.col("source_id").is_not_null())
        .with_columns(
            target_id=pl.when(same.fill_null(False)).then(None).otherwise(pl.col("target_id")),
            target_code=pl.when(same.fill_null(False)).then(None).otherwise(pl.col("target_code")),
        )
        .join(codes, on="cameo_code", how="left")
        .join(_attributions(sent, ments), on=["article_id", "sentence"], how="left")
        .with_columns(
            text=pl.col("s_text"),
            date_precision=pl.when(pl.col("event_date").is_not_null()).then(pl.lit("day")).otherwise(pl.lit("none")),
            location_id=pl.lit(None, dtype=pl.Utf8),
            event_id=stable_id("article_id", "sentence", "cameo_code", "source_id", "target_id", prefix="event"),
            cluster_id=stable_id("source_id", "target_id", "root_code", "event_date", prefix="cluster"),
        )
        .sort("article_id", "sentence", "v_start", "event_id")
    )
    # Two patterns coding the same act between the same actors in one sentence are one event.
    return out.unique("event_id", keep="first", maintain_order=True).select(EVENT_COLUMNS)
