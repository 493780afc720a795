"""Resolution: gazetteer matches and name candidates become mentions of canonical entities.

Rules, in order:
1. Gazetteer surfaces (gazetteer.py) are found case-sensitively as whole words; an ambiguous surface
   ("Jordan", "Georgia", ambiguous_names.tsv) counts only after a place preposition ("in Jordan") or
   before a possessive ("Georgia's"); blockers ("New Jersey") are dropped after they have done their job.
2. A capital is its country's government (a metonym: kind country, role GOV) when a speech or action
   verb follows it ("Canberra said", "Canberra has accused") or when it is the object of a persuasion
   verb followed by "to" ("persuade Canberra to join"); otherwise it is a place.
3. An actor's name, country and role come from the dictionary row, of all names its surface
   belongs to, whose date range holds the article's publication date (the latest range when the date
   is unknown; see `_actor_periods` for a day outside every range); a title at the mention wins.
4. A name candidate (people.py) on the very span of a gazetteer match only lends it its title; a
   pattern-only person that contains any gazetteer match is dropped ("Chile-Peru",
   "Macron-Scholz"): the matches inside it stand.
5. Overlaps: the leftmost, then longest, then gazetteer-before-pattern match is kept.
6. Coreference inside an article: a one-word person or an unresolved capitalised word equal to the
   first or last word of a full name in the same article is that person ("Ms Kovac" or "Ana" after
   "Ana Kovac"), also a dictionary surname ("Rowley" is "Mark Rowley" where the article names him,
   not the dictionary's other Rowley); an unresolved word without such a full name is dropped. A
   surname with a title but no full name stays a person of its own (entity key = the surname).
7. Country and role spread to every mention of the same entity in the article (the title is read
   once, "Ms Kovac" later carries it).
Rules 1-5 live here, 6 and 7 in mentions.py (`corefer`, `spread_codes`).
entity_id = stable_id(kind, canonical key): ISO3 for countries, GeoNames id for places, the
normalised name (canonical_key) for people and organisations, so that it never depends on which
other documents are present.
"""

from __future__ import annotations

from functools import lru_cache

import polars as pl

from toolkit.vocab.dictionaries import Dictionaries, actor_surfaces, canonical_key
from toolkit.entities.gazetteer import DICTIONARY_CACHE_SIZE, country_gazetteer, gazetteer
from toolkit.contract.ids import stable_id
from toolkit.contract.spans import char_offsets, slice_spans

_WORD_CHAR = r"^\w"
_PLACE_BEFORE = (
    r"(?i)\b(?:in|at|near|from|to|of|across|into|via|outside|inside|around|toward|towards|throughout"
    r"|within|visit|visited|visiting|visits)\s+(?:the\s+)?$"
)
_POSSESSIVE_AFTER = r"^['’]s\b"
# Two plain words: a capitalised first name and a surname ("Ana Varga", "Jan O'Brien", "Liam McCabe").
_FIRST_AND_SURNAME = r"^\p{Lu}\p{Ll}+ (?:Mc|Mac|O['’]|D['’])?\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?$"
# The last word of a two-word name that makes it a place, a site or a happening, not a person
# ("Westminster Bridge", "Gaza Strip", "Mosul Dam", "Boston Marathon").
_PLACE_NOUN = (
    r"\s(?:Bridge|Street|Road|Avenue|Boulevard|Drive|Highway|Parkway|Way|Place|Plaza|Terrace|Promenade|Lane"
    r"|Square|Hall|Airport|Station|Park|Tower|Towers|Abbey|Cathedral|Church|Mosque|Temple|Palace|Castle|Fort"
    r"|Camp|Valley|River|Lake|Mountains?|Hills?|Heights|Islands?|Bay|Beach|Coast"
    r"|Strip|Canal|Sea|Gulf|Plains?|Desert|Forest|Harbou?r|Port|Gate|Wall|Dam|Base|Prison|Jail|Stadium|Arena"
    r"|Centre|Center|Market|Mall|Museum|Zoo|Crossing|Checkpoint|Corridor|Province|Region|District|County|State"
    r"|Town|Village|Quarter|Marathon|Games|Olympics|Open|Festival|Summit|Conference|Show|Fair|Cup|Derby)$"
)
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
# "Eastvale 2 Westmark 1", "Eastvale 212 and 98": a town followed by a score is its team. A date
# after a town is a dateline ("OSLO 2031-05-17"), not a score.
_SCORE_AFTER = r"^ \d{1,3}(?:[ ,.;)]|$)"

# Mentions are grouped and sorted by `_art`, the rank of article_id: integers sort and hash faster
# than the 32-character ids and give the same order.
ART = "_art"
SPAN = [ART, "start", "end"]
CANDIDATE_COLUMNS = [
    "article_id", ART, "start", "end", "surface", "entity_id", "kind", "key", "name", "country_code",
    "role_code", "demonym", "metonym", "method", "n_tokens", "priority",
]


def with_article_index(articles_lf: pl.LazyFrame) -> pl.LazyFrame:
    """Articles with `_art` (dense rank of article_id) added unless they already carry it."""
    if ART in articles_lf.collect_schema().names():
        return articles_lf
    return articles_lf.with_columns(pl.col("article_id").rank("dense").cast(pl.Int64).alias(ART))


def kept(lf: pl.LazyFrame, cond: pl.Expr) -> pl.LazyFrame:
    """Rows of `lf` where `cond` holds (a filter that leaves a cache below it intact)."""
    # Polars drops a cache whose consumers filter it by different predicates and computes the cached
    # plan once per consumer instead; a filter on a column computed above the cache is not pushed into it.
    return lf.with_columns(_keep=cond).filter(pl.col("_keep")).drop("_keep")


def _actor_periods(matches: pl.LazyFrame, dicts: Dictionaries) -> pl.LazyFrame:
    """Actor matches as the actor, country and role in force on the publication date.

    A surface may belong to several names ("Bush" to both presidents of that name): the names it
    belongs to are found by its canonical form, so headline forms ("PUTIN") find them too, and of all
    their periods the one holding the publication date wins (at a tie the latest start, then the row
    listed first); with no date, the latest period. On a known day outside every period the actor
    keeps the country of the period nearest before the day (else after it); a person whose offices
    are all over is coded as CAMEO codes former office holders, an elite (ELI) of that country.
    """
    surfaces = actor_surfaces(dicts)
    names = surfaces.select(_skey=canonical_key(pl.col("surface")), key="key").unique()
    periods = (
        surfaces.unique(["key", "start_date", "end_date"], keep="first", maintain_order=True)
        .select("key", pl.col("name").alias("_a_name"), pl.col("kind").alias("_a_kind"),
                pl.col("country_code").alias("_a_country"), pl.col("role_code").alias("_a_role"),
                "start_date", "end_date", "_row")
    )
    candidates = names.join(periods, on="key").rename({"key": "_a_key"}).lazy()
    day = pl.col("published_at").dt.date()
    covers = (
        (pl.col("start_date").is_null() | (pl.col("start_date") <= day))
        & (pl.col("end_date").is_null() | (day < pl.col("end_date")))
    ).fill_null(False)
    over = (pl.col("end_date") <= day).fill_null(False)
    chosen = (
        matches.filter(pl.col("actor"))
        .select(ART, "start", "published_at", _skey=canonical_key(pl.col("surface")))
        .join(candidates, on="_skey", how="inner")
        .with_columns(_covers=covers, _over=over)
        # In force first; then periods already over, the latest end first; then those still to come.
        .with_columns(_order=pl.when(pl.col("_covers") | day.is_null()).then(pl.col("start_date"))
                      .when(pl.col("_over")).then(pl.col("end_date")))
        .sort([ART, "start", "_covers", "_over", "_order", "start_date", "_row"],
              descending=[False, False, True, True, True, False, False], nulls_last=True)
        .unique([ART, "start"], keep="first", maintain_order=True)
        .with_columns(_a_role=pl.when(pl.col("_covers") | day.is_null()).then(pl.col("_a_role"))
                      .when(pl.col("_over") & (pl.col("_a_kind") == "person")).then(pl.lit("ELI")))
        .select(ART, "start", "_a_key", "_a_name", "_a_kind", "_a_country", "_a_role")
    )
    actor = pl.col("actor")
    found = actor & pl.col("_a_key").is_not_null()
    return (
        matches.join(chosen, on=[ART, "start"], how="left", maintain_order="left")
        .with_columns(
            key=pl.when(found).then(pl.col("_a_key")).otherwise(pl.col("key")),
            name=pl.when(found).then(pl.col("_a_name")).otherwise(pl.col("name")),
            kind=pl.when(found).then(pl.col("_a_kind")).otherwise(pl.col("kind")),
            country_code=pl.when(actor).then(pl.col("_a_country")).otherwise(pl.col("country_code")),
            role_code=pl.when(actor).then(pl.col("_a_role")).otherwise(pl.col("role_code")),
        )
        .with_columns(entity_id=pl.when(found).then(stable_id(pl.col("kind"), pl.col("key"), prefix="entity"))
                      .otherwise(pl.col("entity_id")))
        .drop("_a_key", "_a_name", "_a_kind", "_a_country", "_a_role")
    )


@lru_cache(maxsize=DICTIONARY_CACHE_SIZE)  # bounded: see gazetteer.DICTIONARY_CACHE_SIZE
def _match_table(dicts: Dictionaries) -> pl.DataFrame:
    """The gazetteer plus what a match may turn into: a place's team (key, id), a capital's government."""
    countries = dict(country_gazetteer().drop_nulls("iso3").select("iso3", "name").unique("iso3").iter_rows())
    place, team_key = pl.col("kind") == "place", canonical_key(pl.col("name"))
    capital = pl.col("capital_of")
    return gazetteer(dicts).drop("priority").with_columns(
        _team_key=pl.when(place).then(team_key),
        _team_id=pl.when(place).then(stable_id(pl.lit("organisation"), team_key, prefix="entity")),
        _gov_id=pl.when(capital.is_not_null()).then(stable_id(pl.lit("country"), capital, prefix="entity")),
        _gov_name=capital.replace_strict(countries, default=None, return_dtype=pl.Utf8),
    )


@lru_cache(maxsize=DICTIONARY_CACHE_SIZE)
def _surfaces(dicts: Dictionaries) -> list[str]:
    """The gazetteer's surfaces, the Aho–Corasick patterns (a list built once, not per query)."""
    return gazetteer(dicts)["surface"].to_list()


def gazetteer_matches(articles_lf: pl.LazyFrame, dicts: Dictionaries) -> pl.LazyFrame:
    """Whole-word gazetteer matches with their attributes, ambiguity and metonymy already decided."""
    patterns = _surfaces(dicts)
    text = pl.col("text")
    arts = with_article_index(articles_lf)
    names = arts.collect_schema().names()
    published = pl.col("published_at") if "published_at" in names else pl.lit(None, pl.Datetime("us", "UTC"))
    texts = arts.select(ART, "text").filter(text.is_not_null())
    hits = (
        arts.filter(text.is_not_null())
        .select(
            "article_id", ART, published.alias("published_at"),
            _byte=text.str.find_many(patterns, overlapping=True),
            surface=text.str.extract_many(patterns, overlapping=True),
        )
        .explode(["_byte", "surface"])
        .drop_nulls("_byte")
    )
    # Offsets and contexts come from each text joined once (`toolkit.contract.spans`): a slice of the article
    # text per match costs the square of the article's length. The context's last character and the
    # one after the match are the whole-word test.
    start = pl.col("start")
    context = {"_before": ((start - 40).clip(lower_bound=0), start), "_after": (pl.col("end"), pl.col("end") + 40)}
    found = (
        char_offsets(hits, texts, ART, {"start": pl.col("_byte")})
        .with_columns(end=start + pl.col("surface").str.len_chars().cast(pl.Int64))
        .pipe(slice_spans, texts, ART, context)
        .filter(~pl.col("_before").str.contains(r"\w$") & ~pl.col("_after").str.contains(_WORD_CHAR))
        .drop("_byte")
        .join(_match_table(dicts).lazy(), on="surface", how="inner", maintain_order="left")
    )
    # Contexts are tested only on the rows a test can change (null elsewhere): ambiguous names,
    # capitals and places; regexes skip null rows.
    capital = pl.col("capital_of").is_not_null()
    before, after = pl.col("_before"), pl.col("_after")
    amb_before, amb_after = (pl.when(pl.col("ambiguous")).then(c) for c in (before, after))
    cap_before, cap_after = (pl.when(capital).then(c) for c in (before, after))
    in_place = amb_before.str.contains(_PLACE_BEFORE) | amb_after.str.contains(_POSSESSIVE_AFTER)
    as_government = capital & (
        cap_after.str.contains(_METONYM_AFTER)
        | (cap_before.str.contains(_PERSUADED_BEFORE) & cap_after.str.contains(_TO_AFTER))
    )
    team = (pl.col("kind") == "place") & pl.when(pl.col("kind") == "place").then(after).str.contains(_SCORE_AFTER)
    gov = pl.col("_gov")
    return (
        found.filter(~pl.col("ambiguous") | in_place)
        .with_columns(_gov=as_government, _team=team)
        .with_columns(
            kind=pl.when(gov).then(pl.lit("country")).when(pl.col("_team")).then(pl.lit("organisation"))
            .otherwise(pl.col("kind")),
            key=pl.when(gov).then(pl.col("capital_of")).when(pl.col("_team")).then(pl.col("_team_key"))
            .otherwise(pl.col("key")),
            entity_id=pl.when(gov).then(pl.col("_gov_id")).when(pl.col("_team")).then(pl.col("_team_id"))
            .otherwise(pl.col("entity_id")),
            name=pl.when(gov).then(pl.col("_gov_name")).otherwise(pl.col("name")),
            role_code=pl.when(gov).then(pl.lit("GOV")).otherwise(pl.col("role_code")),
            metonym=pl.col("metonym") | gov,
            method=pl.when(gov | pl.col("metonym")).then(pl.lit("metonym"))
            .when(pl.col("actor")).then(pl.lit("dictionary")).otherwise(pl.lit("gazetteer")),
            n_tokens=pl.col("surface").str.count_matches(r"\s").cast(pl.Int64) + 1,
            priority=pl.lit(0, pl.Int64),
        )
        # A town: a place that is neither a capital nor a US state (states have no coordinates here).
        .with_columns(town=(pl.col("kind") == "place") & pl.col("capital_of").is_null() & pl.col("latitude").is_not_null())
        .drop("_team", "_team_key", "_team_id", "_gov_id", "_gov_name")
        .cache()
        .pipe(_actor_periods, dicts)
    )


def shouted_places(runs_lf: pl.LazyFrame, dicts: Dictionaries) -> pl.LazyFrame:
    """All-caps runs that are a place name in title case ("BUENOS AIRES 2031-05-17"), as gazetteer matches.

    Only capitals have upper-case forms in the Aho–Corasick gazetteer (each surface costs build time
    on every query); other places in wire datelines and headlines are found by this join instead.
    """
    places = gazetteer(dicts).filter((pl.col("kind") == "place") & ~pl.col("ambiguous")).lazy()
    return (
        # A null title (not all-caps) joins nothing. Not a filter: two consumers filtering the cached
        # runs differently make polars drop the cache and compute the runs twice.
        runs_lf.select("article_id", ART, "start", "end", pl.col("run").alias("surface"),
                       pl.when(pl.col("run").str.contains(r"^[^\p{Ll}]*\p{Lu}{2}[^\p{Ll}]*$"))
                       .then(pl.col("run").str.to_titlecase()).alias("_title"))
        .join(places.drop("priority").rename({"surface": "_title"}), on="_title", how="inner")
        .with_columns(method=pl.lit("gazetteer"), priority=pl.lit(0, pl.Int64), town=pl.lit(False),
                      n_tokens=pl.col("surface").str.count_matches(r"\s").cast(pl.Int64) + 1)
        .select(*CANDIDATE_COLUMNS, "ambiguous", "town")
    )


def resolve_overlaps(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Keep the leftmost, then longest, then highest-priority match; drop matches inside a kept one.

    Greedy over the order (start, -length, priority): a match is dropped when it starts before the
    furthest end seen so far. A dropped match can in rare chains shadow a later one.
    """
    # Offsets lifted by the article's rank: one running maximum over the sorted frame then never
    # crosses into the next article (a window per article would hash every row).
    base = pl.col(ART) * (1 << 32)
    seen_end = (base + pl.col("end")).cum_max().shift(1)
    return (
        lf.sort([ART, "start", "end", "priority"], descending=[False, False, True, False], maintain_order=True)
        .filter(seen_end.is_null() | (base + pl.col("start") >= seen_end))
    )


# Span tests between two frames of one article's spans: a join on the article pairs every span with
# every other, n² rows for an article with n mentions (hundreds of millions in a long document).
# Sorted by start, a running maximum (minimum) of the ends answers them with one as-of join instead;
# ends are lifted by the article's rank so that one running value over the sorted frame never crosses
# into the next article (as in `resolve_overlaps`).
def holding(lf: pl.LazyFrame, inner: pl.LazyFrame) -> pl.LazyFrame:
    """SPAN of the rows of `lf` that hold a span of `inner` (inner start >= start, inner end <= end).

    A span may come more than once: the result is meant for a semi or anti join.
    """
    base = pl.col(ART) * (1 << 32)
    # From each start on: the least end of the spans starting there or later.
    least_end = (
        inner.select(ART, _is=pl.col("start").cast(pl.Int64), _ie=pl.col("end").cast(pl.Int64))
        .sort(ART, "_is")
        .with_columns(_least_end=(base + pl.col("_ie")).cum_min(reverse=True) - base)
        .select(ART, "_is", "_least_end")
    )
    # A forward as-of join takes the first of equal starts, whose least end covers them all.
    return (
        lf.select(ART, pl.col("start").cast(pl.Int64), pl.col("end").cast(pl.Int64))
        .sort(ART, "start")
        .join_asof(least_end, left_on="start", right_on="_is", by=ART, strategy="forward", check_sortedness=False)
        .filter(pl.col("_least_end") <= pl.col("end"))
        .select(SPAN)
    )


def overlapping(lf: pl.LazyFrame, others: pl.LazyFrame) -> pl.LazyFrame:
    """SPAN of the rows of `lf` that overlap a span of `others` (other start < end, start < other end).

    A span may come more than once: the result is meant for a semi or anti join.
    """
    base = pl.col(ART) * (1 << 32)
    # Up to each start: the furthest end of the spans starting there or earlier.
    reach = (
        others.select(ART, _os=pl.col("start").cast(pl.Int64), _oe=pl.col("end").cast(pl.Int64))
        .sort(ART, "_os")
        .with_columns(_reach=(base + pl.col("_oe")).cum_max() - base)
        .select(ART, "_os", "_reach")
    )
    # A backward as-of join takes the last of equal starts, whose reach covers them all.
    return (
        lf.select(ART, pl.col("start").cast(pl.Int64), pl.col("end").cast(pl.Int64))
        .with_columns(_last=pl.col("end") - 1)
        .sort(ART, "_last")
        .join_asof(reach, left_on="_last", right_on="_os", by=ART, strategy="backward", check_sortedness=False)
        .filter(pl.col("_reach") > pl.col("start"))
        .select(SPAN)
    )


def _inside(names: pl.LazyFrame, gaz: pl.LazyFrame) -> pl.LazyFrame:
    """Spans of pattern-only names that hold a typed, unambiguous gazetteer match.

    Except a town's name that opens a two-word name of a person: "Warren Buffett", "Mary Duffy" and
    "George Gilmore" are people whose first name is also a town. The town stays the place when it is a
    capital or a US state, which news names before its desks, teams and indices ("Dublin Newsroom"); when
    the second word is not a plain surname ("Chicago PMI", "Ohio-based KeyCorp"); when it is a word for
    a place (`_PLACE_NOUN`: "Westminster Bridge", "Mosul Dam"); and before a plural ("Eastvale Rangers",
    "Westmark Tigers"): teams are named that way (a surname in -s is lost).
    """
    pattern = kept(names, pl.col("method") == "pattern")
    typed = gaz.filter(pl.col("kind").is_not_null() & ~pl.col("ambiguous"))
    towns = typed.filter(pl.col("town") & (pl.col("n_tokens") == 1)).select(ART, "start")
    first_names = (
        pattern.filter(pl.col("surface").str.contains(_FIRST_AND_SURNAME) & ~pl.col("surface").str.contains(_PLACE_NOUN)
                       & ~pl.col("surface").str.ends_with("s"))
        .join(towns, on=[ART, "start"], how="semi")
        .select(SPAN)
    )
    return holding(pattern, typed).join(first_names, on=SPAN, how="anti")


def _clashing(loose: pl.LazyFrame, typed: pl.LazyFrame) -> pl.LazyFrame:
    """Spans of loose words that overlap a typed mention."""
    return overlapping(loose, typed)


def combine(gaz: pl.LazyFrame, names: pl.LazyFrame) -> pl.LazyFrame:
    """Gazetteer matches and name candidates merged into non-overlapping candidate mentions, in text order.

    Loose words (kind null) stay for coreference (`entities.corefer`), which types or drops them.
    """
    # The frames cached below each feed several joins; `kept` filters leave those caches intact.
    person = pl.col("kind") == "person"
    titles = kept(names, person).select(*SPAN, _t_country="country_code", _t_role="role_code")
    # A place or country name right after an honorific or a title is a surname ("Mr Jordan", "Ms
    # Georgia"): the person candidate of that very span replaces the gazetteer match.
    addressed = kept(names, person & pl.col("method").is_in(["honorific", "title"])).select(SPAN)
    surnames = kept(gaz, pl.col("kind").is_in(["place", "country"])).join(addressed, on=SPAN, how="semi")
    gaz = (
        gaz.join(surnames.select(SPAN), on=SPAN, how="anti", maintain_order="left")
        .join(titles, on=SPAN, how="left", maintain_order="left")
        .with_columns(
            country_code=pl.when(person).then(pl.coalesce("_t_country", "country_code")).otherwise(pl.col("country_code")),
            # A title gives the role, except that the dictionary's opposition (OPP) stands: a title that says
            # "government" of an opposition figure is a generic one ("Tory leader", "spokesman").
            role_code=pl.when(person & ~((pl.col("role_code") == "OPP") & (pl.col("_t_role") == "GOV")).fill_null(False))
            .then(pl.coalesce("_t_role", "role_code")).otherwise(pl.col("role_code")),
        )
        .drop("_t_country", "_t_role")
        .cache()
    )
    names = (
        names.join(gaz.select(SPAN), on=SPAN, how="anti", maintain_order="left")
        .join(_inside(names, gaz), on=SPAN, how="anti", maintain_order="left")
        .with_columns(
            name=pl.col("surface"), demonym=pl.lit(False), metonym=pl.lit(False), priority=pl.lit(1, pl.Int64)
        )
        .cache()
    )
    typed_names = kept(names, pl.col("kind").is_not_null()).with_columns(
        entity_id=stable_id("kind", "key", prefix="entity")
    )
    typed = (
        pl.concat([gaz.select(CANDIDATE_COLUMNS), typed_names.select(CANDIDATE_COLUMNS)], how="vertical_relaxed")
        .pipe(resolve_overlaps)
        .filter(pl.col("kind").is_not_null())  # blockers have done their job
        .cache()
    )
    # A lone unresolved word never shadows a match: "Russia-led" keeps Russia.
    loose = kept(names, pl.col("kind").is_null()).with_columns(entity_id=pl.lit(None, pl.Utf8))
    loose = loose.select(CANDIDATE_COLUMNS)
    loose = loose.join(_clashing(loose, typed), on=SPAN, how="anti", maintain_order="left")
    return pl.concat([typed, loose], how="vertical_relaxed").sort(SPAN)
