"""Resolution: gazetteer matches and name candidates become mentions of canonical entities.

Rules, in order:
1. Gazetteer surfaces (gazetteer.py) are found case-sensitively as whole words; an ambiguous surface
   ("Jordan", "Georgia", ambiguous_names.tsv) counts only after a place preposition ("in Jordan") or
   before a possessive ("Georgia's"); blockers ("New Jersey") are dropped after they have done their job.
2. A capital is its country's government (a metonym: kind country, role GOV) when a speech or action
   verb follows it ("Moscow said", "Moscow has accused") or when it is the object of a persuasion
   verb followed by "to" ("convince Pyongyang to sell"); otherwise it is a place.
3. An actor's country and role come from its dictionary row whose date range holds the article's
   publication date (the latest range when the date is unknown); a title at the mention wins.
4. A name candidate (people.py) on the very span of a gazetteer match only lends it its title; a
   pattern-only person that contains any gazetteer match is dropped ("Russia-North Korea",
   "Putin-Kim Jong Un"): the matches inside it stand.
5. Overlaps: the leftmost, then longest, then gazetteer-before-pattern match is kept.
6. Coreference inside an article: a one-word person or an unresolved capitalised word equal to the
   first or last word of a full name in the same article is that person ("Mr Kirby", "Kim"); an
   unresolved word without such a full name is dropped. A surname with a title but no full name
   stays a person of its own (entity key = the surname).
7. Country and role spread to every mention of the same entity in the article (the title is read
   once, "Mr Kirby" later carries it).
entity_id = stable_id(kind, canonical key): ISO3 for countries, GeoNames id for places, the
normalised name (canonical_key) for people and organisations, so that it never depends on which
other documents are present.
"""

from __future__ import annotations

import polars as pl

from toolkit.dictionaries import Dictionaries, actor_surfaces, canonical_key
from toolkit.gazetteer import country_gazetteer, gazetteer
from toolkit.ids import stable_id
from toolkit.spans import byte_to_char

_WORD_CHAR = r"^\w"
_PLACE_BEFORE = (
    r"(?i)\b(?:in|at|near|from|to|of|across|into|via|outside|inside|around|toward|towards|throughout"
    r"|within|visit|visited|visiting|visits)\s+(?:the\s+)?$"
)
_POSSESSIVE_AFTER = r"^['’]s\b"
_METONYM_AFTER = (
    r"^\s+(?:(?:will|would|could|may|might|must|should|can|cannot|did not|does not|is to|was to)\s+\p{Ll}"
    r"|(?:(?:has|have|had)\s+(?:also\s+|not\s+|already\s+)?|also\s+)?"
    r"(?:said|says|told|tells|announced|announces|accused|accuses|warned|warns|denied|denies|rejected|rejects"
    r"|demanded|demands|insisted|insists|claimed|claims|confirmed|confirms|urged|urges|threatened|threatens"
    r"|vowed|vows|agreed|agrees|refused|refuses|responded|responds|condemned|condemns|criticised|criticized"
    r"|welcomed|welcomes|wants|wanted|hopes|hoped|fears|feared|plans|planned|sent|sends|launched|launches"
    r"|ordered|orders|signed|signs|imposed|imposes|recalled|expelled|summoned|sees|considers|called|calls"
    r"|blamed|blames|supports|supported|backed|backs|sought|seeks|offered|offers)\b)"
)
_PERSUADED_BEFORE = (
    r"(?i)\b(?:convince|convinced|persuade|persuaded|urge|urged|press|pressed|push|pushed|allow|allowed"
    r"|ask|asked|force|forced|encourage|encouraged|want|wants|wanted)\s+$"
)
_TO_AFTER = r"^\s+to\s+\w"
# "Hartlepool 1 Rotherham 2", "Somerset 83 and 174": a town followed by a score is its team. A date
# after a town is a dateline ("LONDON 1996-08-30"), not a score.
_SCORE_AFTER = r"^ \d{1,3}(?:[ ,.;)]|$)"

CANDIDATE_COLUMNS = [
    "article_id", "start", "end", "surface", "entity_id", "kind", "key", "name", "country_code",
    "role_code", "demonym", "metonym", "method", "n_tokens", "priority",
]


def _whole_word(text: pl.Expr) -> pl.Expr:
    """True when no word character touches the span [start, end) on either side."""
    return ((pl.col("start") == 0) | ~text.str.slice(pl.col("start") - 1, 1).str.contains(_WORD_CHAR)) & ~text.str.slice(
        pl.col("end"), 1
    ).str.contains(_WORD_CHAR)


def _actor_periods(matches: pl.LazyFrame, dicts: Dictionaries) -> pl.LazyFrame:
    """Actor matches with country and role of the dictionary row in force on the publication date."""
    # Periods belong to the actor's name (its key), so headline forms ("PUTIN") find them too.
    periods = (
        actor_surfaces(dicts)
        .unique(["key", "start_date", "end_date"], keep="first", maintain_order=True)
        .lazy()
        .select("key", pl.col("country_code").alias("_a_country"), pl.col("role_code").alias("_a_role"),
                "start_date", "end_date", "_row")
    )
    day = pl.col("published_at").dt.date()
    covers = (
        (pl.col("start_date").is_null() | (pl.col("start_date") <= day))
        & (pl.col("end_date").is_null() | (day < pl.col("end_date")))
    ).fill_null(False)
    chosen = (
        matches.filter(pl.col("actor"))
        .select("article_id", "start", "key", "published_at")
        .join(periods, on="key", how="inner")
        .with_columns(_covers=covers, _day_known=day.is_not_null())
        # In force on the day; else (day unknown) the latest period; a known day outside every period
        # keeps the entity but not the period's codes.
        .filter(pl.col("_covers") | ~pl.col("_day_known"))
        .sort(["article_id", "start", "_covers", "start_date", "_row"], descending=[False, False, True, True, False],
              nulls_last=True)
        .unique(["article_id", "start"], keep="first", maintain_order=True)
        .select("article_id", "start", "_a_country", "_a_role")
    )
    actor = pl.col("actor")
    return (
        matches.join(chosen, on=["article_id", "start"], how="left")
        .with_columns(
            country_code=pl.when(actor).then(pl.col("_a_country")).otherwise(pl.col("country_code")),
            role_code=pl.when(actor).then(pl.col("_a_role")).otherwise(pl.col("role_code")),
        )
        .drop("_a_country", "_a_role")
    )


def _country_names() -> dict[str, str]:
    """iso3 -> the display name countries carry in mentions."""
    return dict(country_gazetteer().drop_nulls("iso3").select("iso3", "name").unique("iso3").iter_rows())


def gazetteer_matches(articles_lf: pl.LazyFrame, dicts: Dictionaries) -> pl.LazyFrame:
    """Whole-word gazetteer matches with their attributes, ambiguity and metonymy already decided."""
    gaz = gazetteer(dicts)
    patterns = gaz["surface"].to_list()
    text = pl.col("text")
    names = articles_lf.collect_schema().names()
    published = pl.col("published_at") if "published_at" in names else pl.lit(None, pl.Datetime("us", "UTC"))
    found = (
        articles_lf.select("article_id", "text", published.alias("published_at"))
        .filter(text.is_not_null())
        .with_columns(
            _byte=text.str.find_many(patterns, overlapping=True),
            surface=text.str.extract_many(patterns, overlapping=True),
        )
        .explode(["_byte", "surface"])
        .drop_nulls("_byte")
        .with_columns(start=byte_to_char(text, pl.col("_byte")))
        .with_columns(end=pl.col("start") + pl.col("surface").str.len_chars().cast(pl.Int64))
        .filter(_whole_word(text))
        .with_columns(
            _before=text.str.slice((pl.col("start") - 40).clip(lower_bound=0),
                                   pl.col("start") - (pl.col("start") - 40).clip(lower_bound=0)),
            _after=text.str.slice(pl.col("end"), 40),
        )
        .drop("text", "_byte")
        .join(gaz.lazy().drop("priority"), on="surface", how="inner")
    )
    in_place = pl.col("_before").str.contains(_PLACE_BEFORE) | pl.col("_after").str.contains(_POSSESSIVE_AFTER)
    as_government = pl.col("capital_of").is_not_null() & (
        pl.col("_after").str.contains(_METONYM_AFTER)
        | (pl.col("_before").str.contains(_PERSUADED_BEFORE) & pl.col("_after").str.contains(_TO_AFTER))
    )
    country_id = stable_id(pl.lit("country"), pl.col("capital_of"), prefix="entity")
    team = (pl.col("kind") == "place") & pl.col("_after").str.contains(_SCORE_AFTER)
    return (
        found.filter(~pl.col("ambiguous") | in_place)
        .with_columns(_gov=as_government)
        .with_columns(
            kind=pl.when(team).then(pl.lit("organisation")).otherwise(pl.col("kind")),
            key=pl.when(team).then(canonical_key(pl.col("name"))).otherwise(pl.col("key")),
            entity_id=pl.when(team).then(
                stable_id(pl.lit("organisation"), canonical_key(pl.col("name")), prefix="entity")
            ).otherwise(pl.col("entity_id")),
        )
        .with_columns(
            entity_id=pl.when(pl.col("_gov")).then(country_id).otherwise(pl.col("entity_id")),
            kind=pl.when(pl.col("_gov")).then(pl.lit("country")).otherwise(pl.col("kind")),
            key=pl.when(pl.col("_gov")).then(pl.col("capital_of")).otherwise(pl.col("key")),
            name=pl.when(pl.col("_gov")).then(
                pl.col("capital_of").replace_strict(_country_names(), default=None, return_dtype=pl.Utf8)
            ).otherwise(pl.col("name")),
            role_code=pl.when(pl.col("_gov")).then(pl.lit("GOV")).otherwise(pl.col("role_code")),
            metonym=pl.col("metonym") | pl.col("_gov"),
            method=pl.when(pl.col("_gov") | pl.col("metonym")).then(pl.lit("metonym")).when(pl.col("actor")).then(pl.lit("dictionary"))
            .otherwise(pl.lit("gazetteer")),
            n_tokens=pl.col("surface").str.count_matches(r"\s").cast(pl.Int64) + 1,
            priority=pl.lit(0, pl.Int64),
        )
        .pipe(_actor_periods, dicts)
    )


def shouted_places(runs_lf: pl.LazyFrame, dicts: Dictionaries) -> pl.LazyFrame:
    """All-caps runs that are a place name in title case ("LOS ANGELES 1996-08-30"), as gazetteer matches.

    Only capitals have upper-case forms in the Aho–Corasick gazetteer (each surface costs build time
    on every query); other places in wire datelines and headlines are found by this join instead.
    """
    places = gazetteer(dicts).filter((pl.col("kind") == "place") & ~pl.col("ambiguous")).lazy()
    return (
        runs_lf.filter(pl.col("run").str.contains(r"^[^\p{Ll}]*\p{Lu}{2}[^\p{Ll}]*$"))
        .select("article_id", "start", "end", pl.col("run").alias("surface"),
                pl.col("run").str.to_titlecase().alias("_title"))
        .join(places.drop("priority").rename({"surface": "_title"}), on="_title", how="inner")
        .with_columns(method=pl.lit("gazetteer"), priority=pl.lit(0, pl.Int64),
                      n_tokens=pl.col("surface").str.count_matches(r"\s").cast(pl.Int64) + 1)
        .select(*CANDIDATE_COLUMNS, "ambiguous")
    )


def resolve_overlaps(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Keep the leftmost, then longest, then highest-priority match; drop matches inside a kept one.

    Greedy over the order (start, -length, priority): a match is dropped when it starts before the
    furthest end seen so far. A dropped match can in rare chains shadow a later one.
    """
    seen_end = pl.col("end").cum_max().shift(1).over("article_id")
    return (
        lf.sort(["article_id", "start", "end", "priority"], descending=[False, False, True, False])
        .filter(seen_end.is_null() | (pl.col("start") >= seen_end))
    )


def combine(gaz: pl.LazyFrame, names: pl.LazyFrame) -> pl.LazyFrame:
    """Gazetteer matches and name candidates merged into non-overlapping candidate mentions."""
    span = ["article_id", "start", "end"]
    titles = names.filter(pl.col("kind") == "person").select(
        *span, pl.col("country_code").alias("_t_country"), pl.col("role_code").alias("_t_role")
    )
    person = pl.col("kind") == "person"
    gaz = (
        gaz.join(titles, on=span, how="left")
        .with_columns(
            country_code=pl.when(person).then(pl.coalesce("_t_country", "country_code")).otherwise(pl.col("country_code")),
            role_code=pl.when(person).then(pl.coalesce("_t_role", "role_code")).otherwise(pl.col("role_code")),
        )
        .drop("_t_country", "_t_role")
    )
    inside = (
        names.filter(pl.col("method") == "pattern")
        .select(*span)
        .join(
            gaz.filter(pl.col("kind").is_not_null() & ~pl.col("ambiguous"))
            .select("article_id", pl.col("start").alias("_gs"), pl.col("end").alias("_ge")),
            on="article_id",
        )
        .filter((pl.col("_gs") >= pl.col("start")) & (pl.col("_ge") <= pl.col("end")))
        .select(span)
        .unique()
    )
    names = (
        names.join(gaz.select(span), on=span, how="anti")
        .join(inside, on=span, how="anti")
        .with_columns(
            entity_id=pl.when(pl.col("kind").is_not_null()).then(stable_id("kind", "key", prefix="entity")),
            name=pl.col("surface"), demonym=pl.lit(False), metonym=pl.lit(False), priority=pl.lit(1, pl.Int64),
        )
    )
    typed = (
        pl.concat([gaz.select(CANDIDATE_COLUMNS), names.filter(pl.col("kind").is_not_null()).select(CANDIDATE_COLUMNS)],
                  how="vertical_relaxed")
        .pipe(resolve_overlaps)
        .filter(pl.col("kind").is_not_null())  # blockers have done their job
    )
    # A lone unresolved word never shadows a match: "Russia-led" keeps Russia.
    loose = names.filter(pl.col("kind").is_null()).select(CANDIDATE_COLUMNS)
    clashing = (
        loose.select(span)
        .join(typed.select("article_id", pl.col("start").alias("_ts"), pl.col("end").alias("_te")), on="article_id")
        .filter((pl.col("_ts") < pl.col("end")) & (pl.col("start") < pl.col("_te")))
        .select(span)
        .unique()
    )
    loose = loose.join(clashing, on=span, how="anti")
    merged = pl.concat([typed, loose], how="vertical_relaxed").sort("article_id", "start", "end")
    return _corefer(merged)


def _corefer(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Short references take the entity of the article's full name sharing their first or last word."""
    words = pl.col("key").str.split(" ")
    full = (
        lf.filter((pl.col("kind") == "person") & (pl.col("n_tokens") >= 2))
        .sort("article_id", "start")
        .select("article_id", "entity_id", "key", "name", tok=pl.concat_list(words.list.first(), words.list.last()))
        .explode("tok")
        .unique(["article_id", "tok"], keep="first", maintain_order=True)
        .rename({"entity_id": "_f_id", "key": "_f_key", "name": "_f_name"})
    )
    short = (
        (pl.col("n_tokens") == 1)
        & (pl.col("kind").is_null() | (pl.col("kind") == "person") | (pl.col("kind") == "place"))
        & ~pl.col("metonym")
        & (pl.col("method") != "dictionary")
    )
    joined = lf.with_columns(_short=short).join(
        full, left_on=["article_id", pl.col("key")], right_on=["article_id", "tok"], how="left"
    )
    hit = pl.col("_short") & pl.col("_f_id").is_not_null()
    return (
        joined.with_columns(
            entity_id=pl.when(hit).then(pl.col("_f_id")).otherwise(pl.col("entity_id")),
            key=pl.when(hit).then(pl.col("_f_key")).otherwise(pl.col("key")),
            name=pl.when(hit).then(pl.col("_f_name")).otherwise(pl.col("name")),
            kind=pl.when(hit).then(pl.lit("person")).otherwise(pl.col("kind")),
            country_code=pl.when(hit & (pl.col("kind") == "place")).then(None).otherwise(pl.col("country_code")),
            method=pl.when(hit).then(pl.lit("coreference")).otherwise(pl.col("method")),
        )
        .filter(pl.col("kind").is_not_null())
        .drop("_short", "_f_id", "_f_key", "_f_name")
    )


def spread_codes(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Country and role of a person or organisation read once in an article carry to its other mentions."""
    group = ["article_id", "entity_id"]
    agent = pl.col("kind").is_in(["person", "organisation"])
    return lf.with_columns(
        country_code=pl.when(agent).then(
            pl.coalesce("country_code", pl.col("country_code").drop_nulls().first().over(group))
        ).otherwise(pl.col("country_code")),
        role_code=pl.when(agent).then(
            pl.coalesce("role_code", pl.col("role_code").drop_nulls().first().over(group))
        ).otherwise(pl.col("role_code")),
    )
