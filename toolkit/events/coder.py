"""Events: CAMEO-coded "who did what to whom, when, where", read sentence by sentence.

The stage joins focused parts, each documented in its module:
- `toolkit.events.lexicon` and `toolkit.events.patterns`: the CAMEO lexicon (toolkit/data/lexicon, lemma
  rows expanded into their forms), verbs.tsv's no-event phrases and a recipe's files, matched per sentence;
- `toolkit.events.collectives`: actors named by a common noun ("police", "Iraqi troops") with role and country;
- `toolkit.events.pronouns`: subject pronouns ("he", "it", "they") as mentions of the actor they stand for;
- `toolkit.events.actors`: source and target from the mentions around each match (compound actors, passive
  voice, roles of the pattern), with CAMEO actor codes;
- `toolkit.events.modality`: asserted / negated / hypothetical / future, and who the text says reported it;
- `toolkit.events.dates`: event_date (and event_date_end of a range) with its precision;
- `toolkit.events.clusters`: the stable id shared by mentions of one happening across articles.
location_id is the first place (else country) the sentence introduces with "in", "at" or "near".
Sentences are those of the articles' text: fact boxes never reach this stage. Sports reports are not
coded: in them national teams carry country names ("Freedonia travel to Strelsau", "Syldavia
attacked"), so an article dense in words only sport uses (`_SPORT_WORDS`: at least three, and one in a
hundred of its words) yields no events. On the BBC News corpus this drops 85% of the sport articles
and 1% of the others.
"""

from __future__ import annotations

import polars as pl

from toolkit.events import actors, clauses, clusters, collectives, dates, modality, pronouns
from toolkit.regex import fast_regex
from toolkit.vocab.codes import cameo_table
from toolkit.contract.ids import stable_id
from toolkit.events.patterns import NO_EVENT, ROLES, load_patterns, pattern_table
from toolkit.events.patterns import matches as pattern_matches
from toolkit.contract.spans import slice_spans

__all__ = ["EVENT_COLUMNS", "ROLES", "events", "load_patterns", "verb_table"]

EVENT_COLUMNS = [
    "event_id", "article_id", "sentence", "start", "end", "text", "source_id", "target_id",
    "source_code", "target_code", "cameo_code", "root_code", "quad_class", "goldstein", "plover_type",
    "modality", "attributed_to", "event_date", "date_precision", "location_id", "cluster_id",
    "event_date_end", "trigger_start", "trigger_end",
]
# Words of sports reporting with (almost) no other sense in news: "match", "coach" and "season" yes;
# "victory", "defeat", "captain", "race" and "points" no, since wars and elections use them too.
_SPORT_WORDS = (
    r"(?i)\b(?:goals?|goalless|scorers?|striker|midfielders?|defenders?|goalkeepers?|squads?|tournaments?"
    r"|championships?|league|cup|semi-finals?|quarter-finals?|semi-finalists?|finalists?|fixtures?|kick-off"
    r"|half-time|referees?|stadium|wickets?|innings|batsmen|batsman|bowlers?|grand slam|olympics?|medals?"
    r"|athletes?|athletics|sprinters?|marathon|tennis|football|footballers?|rugby|cricket|golf|golfers?|boxing"
    r"|boxers?|wrestling|wrestlers?|formula one|seeded|podium|qualifiers?|six nations|premiership|uefa|fifa"
    r"|team-mates?|teammates?|scrum|fly-half|winger|trophy|season|match|matches|coach"
    r"|tie-breaks?|tiebreaks?|forehands?|backhands?|double faults?|baseline rall(?:y|ies))\b"
)
_SPORT_MIN_WORDS = 3
_SPORT_SHARE = 0.01
_LOCATION_CUE = r"(?i)(?:^|[^\w])(?:in|at|near|outside|inside)\s+(?:the\s+)?(?:[\w“”\"'-]+\s+){0,3}?$"
# "the crisis in Ruritania" names a topic, "in its offensive against" a campaign: neither is where an act
# took place.
_NOT_A_SCENE = r"(?i)\b(?:war|conflict|invasion|crisis|situation|interest|role|investment)s?\s+in\s+|\b(?:in|at|near)\s+(?:its|his|her|their|our|a|an)\s+"


def verb_table() -> pl.DataFrame:
    """The built-in patterns (toolkit/data/verbs.tsv), checked and numbered."""
    return pattern_table()


def _sentence_frame(
    articles_lf: pl.LazyFrame, sentences_lf: pl.LazyFrame, ments: pl.LazyFrame
) -> pl.LazyFrame:
    """Sentences that may hold an event, with their text and the article's publication time.

    Those are the sentences with at least one mention, and those without one that report force or a
    protest, whose doer may go unnamed (`toolkit.events.actors.UNNAMED_AGENT`).
    """
    has_date = "published_at" in articles_lf.collect_schema().names()
    published = pl.col("published_at") if has_date else pl.lit(None, dtype=pl.Datetime("us", "UTC"))
    arts = articles_lf.select("article_id", published.alias("published_at"))
    with_mentions = ments.select("article_id", "sentence").unique().with_columns(_named=pl.lit(True))
    sentences = (
        sentences_lf.select(
            "article_id", pl.col("sentence").cast(pl.Int64), pl.col("start").cast(pl.Int64),
            pl.col("end").cast(pl.Int64),
        )
        .join(with_mentions, on=["article_id", "sentence"], how="left")
        .join(sports_reports(articles_lf), on="article_id", how="anti")
        .join(arts, on="article_id", how="inner")
    )
    # Each article text is joined once, not once per sentence (`toolkit.contract.spans`): a slice of the
    # article text per sentence costs the square of the article's length.
    texts = articles_lf.select("article_id", "text")
    return (
        slice_spans(sentences, texts, "article_id", {"s_text": (pl.col("start"), pl.col("end"))})
        .filter(pl.col("_named").fill_null(False) | pl.col("s_text").str.contains(actors.AGENT_CUE))
        .drop("_named")
    )


def sports_reports(articles_lf: pl.LazyFrame) -> pl.LazyFrame:
    """article_id of the articles that read as sports reports (see the module docstring)."""
    return (
        articles_lf.select("article_id", "text", _n=pl.col("text").str.count_matches(fast_regex(_SPORT_WORDS)))
        .filter(pl.col("_n") >= _SPORT_MIN_WORDS)
        # Words are counted only in the few articles that get this far.
        .filter(pl.col("_n") >= _SPORT_SHARE * pl.col("text").str.count_matches(r"\w+"))
        .select("article_id")
    )


def _mention_frame(mentions_lf: pl.LazyFrame) -> pl.LazyFrame:
    """Mentions with a sentence, their CAMEO actor code as `code` and their kind."""
    names = mentions_lf.collect_schema().names()
    optional = {
        "actor_code": pl.Utf8, "role_code": pl.Utf8, "country_code": pl.Utf8, "kind": pl.Utf8,
        "demonym": pl.Boolean,
    }
    cols = [pl.col(c) if c in names else pl.lit(None, dtype=t).alias(c) for c, t in optional.items()]
    return (
        mentions_lf.select(
            "article_id", pl.col("sentence").cast(pl.Int64), "entity_id",
            pl.col("start").cast(pl.Int64), pl.col("end").cast(pl.Int64), *cols,
        )
        .drop_nulls("sentence")
        .with_columns(code=actors.actor_code())
    )


def _in_sentences(frame: pl.LazyFrame, sentences_lf: pl.LazyFrame, columns: list[str]) -> pl.LazyFrame:
    """`frame` (article_id, start, …) with the number of the sentence each row starts in, as `columns`."""
    spans = sentences_lf.select(
        "article_id", pl.col("sentence").cast(pl.Int64), s_start=pl.col("start").cast(pl.Int64)
    ).sort("article_id", "s_start")
    return (
        frame.sort("article_id", "start")
        .join_asof(spans, left_on="start", right_on="s_start", by="article_id", strategy="backward",
                   check_sortedness=False)
        .drop_nulls("sentence")
        .select(columns)
    )


def _locations(sent: pl.LazyFrame, ments: pl.LazyFrame) -> pl.LazyFrame:
    """(article_id, sentence, location_id): the first place, else country, introduced by in/at/near."""
    before = pl.col("s_text").str.slice(0, pl.col("m_start") - pl.col("start")).str.slice(-60)
    return (
        ments.filter(pl.col("kind").is_in(["place", "country"]))
        .select("article_id", "sentence", "entity_id", "kind", m_start="start")
        .join(sent.select("article_id", "sentence", "start", "s_text"), on=["article_id", "sentence"])
        .filter(before.str.contains(_LOCATION_CUE) & ~before.str.contains(_NOT_A_SCENE + r"(?:\S+\s+){0,3}?$"))
        .sort("article_id", "sentence", pl.col("kind") != "place", "m_start")
        .group_by("article_id", "sentence", maintain_order=True)
        .agg(location_id=pl.col("entity_id").first())
    )


def _own_country(actor: pl.Expr, country: pl.Expr) -> pl.Expr:
    """True where `country` is the bare three-letter country that `actor` (a longer code) starts with."""
    bare = country.str.len_chars() == 3
    return (bare & (actor.str.len_chars() > 3) & (actor.str.slice(0, 3) == country)).fill_null(False)


def _now(lf: pl.LazyFrame) -> pl.LazyFrame:
    """`lf` computed now, as a lazy frame over the result."""
    return lf.collect().lazy()


def events(
    articles_lf: pl.LazyFrame,
    sentences_lf: pl.LazyFrame,
    mentions_lf: pl.LazyFrame,
    *,
    patterns: pl.DataFrame | None = None,
    builtin_patterns: bool = True,
) -> pl.LazyFrame:
    """One event per (sentence, pattern match, source, target) with a named source; others are not events.

    `patterns` adds a recipe's own patterns (columns of verbs.tsv, see `load_patterns`); they win over
    the built-in ones where both match at the same place. `builtin_patterns=False` uses only them.
    """
    table = pattern_table(patterns, builtin=builtin_patterns)
    # Every part below reads these frames more than once. They are computed here, at the stage's own
    # boundaries: left as one lazy graph, planning it costs most of a second per call and the plan
    # runs about twice as long as the parts one after another.
    # A bare role ("GOV" for a mention of a president naming no country) takes the entity's country.
    named = _now(collectives.with_home_country(_mention_frame(mentions_lf)))
    columns = named.collect_schema().names()
    # Collective actors ("police", "Iraqi troops") and subject pronouns ("he", "they") join the named
    # mentions (`toolkit.events.collectives`, `toolkit.events.pronouns`).
    groups = _now(collectives.mentions(articles_lf, named))
    # "Assad's forces shelled …": the forces act, and are acted upon; their owner only says whose they are.
    owners = groups.select("article_id", end="owner_end").drop_nulls("end")
    named = named.join(owners, on=["article_id", "end"], how="anti")
    with_groups = _now(pl.concat([named, _in_sentences(groups, sentences_lf, columns)]))
    said = _now(_in_sentences(pronouns.mentions(articles_lf, with_groups), sentences_lf, columns))
    # A title that stands for a person ("the foreign minister" after "Foreign Minister Tomas Lind") is that
    # person, not the collective its noun would be.
    spans = said.select("article_id", s_start="start", s_end="end").sort("article_id", "s_start")
    with_groups = (
        with_groups.sort("article_id", "start")
        .join_asof(spans, left_on="start", right_on="s_start", by="article_id", strategy="backward",
                   check_sortedness=False)
        .filter(~((pl.col("kind") == collectives.KIND) & (pl.col("s_end") >= pl.col("end"))).fill_null(False))
        .drop("s_start", "s_end")
    )
    mentioned = _now(pl.concat([with_groups, said]))
    # `_sid` numbers the sentences: one integer key is much cheaper to join and window on than two.
    sent = _now(_sentence_frame(articles_lf, sentences_lf, mentioned).sort("article_id", "sentence").with_row_index("_sid"))
    # An apposition describes its subject and reports no act: its words are blanked for the patterns and
    # the clause rules, and the actors named inside it take no part (`toolkit.events.clauses`).
    at, length = clauses.apposition(pl.col("s_text"))
    sent = _now(
        sent.with_columns(_ap_at=at, _ap_len=length)
        .with_columns(s_full=pl.col("s_text"), s_text=clauses.blank(pl.col("s_text"), pl.col("_ap_at"), pl.col("_ap_len")),
                      _ap_start=pl.col("start") + pl.col("_ap_at"))
        .with_columns(_ap_end=pl.col("_ap_start") + pl.col("_ap_len"))
        .drop("_ap_at", "_ap_len")
    )
    ments = _now(
        mentioned.join(sent.select("article_id", "sentence", "_sid", "_ap_start", "_ap_end"), on=["article_id", "sentence"])
        .filter(~((pl.col("start") >= pl.col("_ap_start")) & (pl.col("end") <= pl.col("_ap_end"))).fill_null(False))
        .drop("_ap_start", "_ap_end")
    )
    sent = sent.drop("_ap_start", "_ap_end")
    found = _now(
        pattern_matches(sent, table)
        .join(table.lazy().select("verb", "cameo_code", "roles",
                                  # A noun, or an act told by its device ("a bomb exploded"), may leave its
                                  # doer unnamed (`toolkit.events.actors.UNNAMED_AGENT`).
                                  _doerless=(pl.col("kind") == "noun") | pl.col("subject").is_not_null()),
              on="verb", how="left")
        # A "no event" phrase has claimed its words in the match above; it codes nothing.
        .filter(pl.col("cameo_code") != NO_EVENT)
        .join(sent, on=["article_id", "sentence"], how="inner")
    )
    coded = _now(actors.assign(found, _now(actors.groups(ments, sent, found))))
    # A source the text implies ("X was arrested": the police) is of the story's own country, as the
    # collectives at home are, else its role alone; a named person acted upon whom no dictionary or
    # title codes ("Andrew Hill was charged") is a civilian (CVL) of that country
    # (`collectives.home_country`).
    coded = (
        coded.join(collectives.home_country(ments), on="article_id", how="left")
        .with_columns(
            source_code=pl.when(pl.col("implied_source") & pl.col("d_country").is_not_null())
            .then(pl.col("d_country") + pl.col("source_code")).otherwise(pl.col("source_code")),
            target_code=pl.when(pl.col("target_code").is_null() & (pl.col("target_kind") == "person")
                                & pl.col("target_id").is_not_null())
            .then(pl.col("d_country") + pl.lit("CVL")).otherwise(pl.col("target_code")),
        )
        .drop("d_country", "implied_source")
        # A country's own body acts within it, not upon it: "Russia's envoy travelled to Russia" has no target.
        .with_columns(_own=_own_country(pl.col("source_code"), pl.col("target_code")))
        .with_columns(pl.when(~pl.col("_own")).then(pl.col(c)).alias(c)
                      for c in ("target_id", "target_code", "target_kind", "target_start"))
        .drop("_own")
        .filter((pl.col("source_code") != pl.col("target_code")).fill_null(True))
    )
    # Attack words outside a scene of force are verbal attacks or no event; a visit, meeting or hosting
    # needs someone visited or met (see `toolkit.events.clauses`).
    trigger = actors.between(pl.col("v_start"), pl.col("v_end"))
    violent = (
        clauses.force_context(pl.col("s_text"), pl.col("start"), pl.col("v_start"), pl.col("v_end"))
        | (pl.col("target_kind").is_in(["country", "place"]) & pl.col("target_id").is_not_null()
           & ~clauses.owned_by_target(actors.between(pl.col("v_end"), pl.col("target_start")))).fill_null(False)
        | clauses.armed(pl.col("source_code")) | clauses.armed(pl.col("target_code"))
    )
    coded = (
        coded.with_columns(cameo_code=clauses.recode_killing(trigger))
        .with_columns(cameo_code=clauses.recode_force(trigger, violent))
        .drop_nulls("cameo_code")
        .filter(~clauses.lacks_needed_target())
        # "X said that Y must …" is a demand of Y: without a Y it is only a view ("reforms must continue").
        .filter(~(trigger.str.contains(r"(?i)\smust$") & pl.col("target_id").is_null() & pl.col("target_code").is_null()))
        # An act named as the occasion of another ("protests over the killing of X") was reported before.
        .filter(~clauses.background(pl.col("s_text"), pl.col("start"), pl.col("v_start")))
        # A firm acting alone or on another firm (deals, loans, offers, refusals) is commerce, which
        # CAMEO's political interactions leave out; a firm acting on a state stays.
        .filter(~(clauses.commercial(pl.col("source_code"))
                  & (pl.col("target_code").is_null() | clauses.commercial(pl.col("target_code")))))
        # An unnamed doer stands only for force and protest: an "attack" read as words needs its speaker.
        # Next to an act of the same kind with a named doer it is that act's toll or its other words
        # ("two people were killed in Ruritanian air strikes"): the named one stands for both.
        .filter(pl.col("source_code").is_not_null() | (
            pl.col("cameo_code").str.contains(actors.UNNAMED_ACT)
            & ~pl.col("source_code").is_not_null().any().over("_sid", pl.col("cameo_code").str.slice(0, 2))))
    )
    before_verb = actors.between(pl.col("start"), pl.col("v_start"))
    clause = before_verb.str.slice(modality.clause_start(pl.col("s_text"), before_verb))
    subject_end = pl.max_horizontal(pl.col("b1_end").fill_null(pl.col("start")), pl.col("start"))
    # Dates, attributions and places depend on the sentence only: resolved once per sentence with an
    # event, not once per event, and not for the sentences without one.
    coded = _now(coded)
    has_event = coded.select("_sid").unique()
    sent = _now(sent.join(has_event, on="_sid", how="semi"))
    ments = _now(ments.join(has_event, on="_sid", how="semi"))
    dated = dates.with_event_dates(
        sent.select("_sid", "s_text", "published_at"), "s_text", "published_at",
    ).select("_sid", "event_date", "event_date_end", "date_precision")
    codes = cameo_table().lazy().select("cameo_code", "root_code", "quad_class", "goldstein", "plover_type")
    gap, trigger_text = actors.between(subject_end, pl.col("v_start")), actors.between(pl.col("v_start"), pl.col("v_end"))
    out = coded.with_columns(
        modality=modality.modality(clause, gap, trigger_text),
        # The words just before the act, not only those after its subject: "X said they will release …".
        _committed=modality.committed(before_verb.str.slice(-60), trigger_text),
    )
    # A cooperative act the actor commits itself to is also the intent expressed now (`modality.intent`):
    # "Russia plans to visit India" is a future visit (042) and an asserted intent to meet (036).
    intents = (
        out.filter(pl.col("modality").is_in(["future", "hypothetical"]) & pl.col("_committed"))
        .with_columns(cameo_code=modality.intent(pl.col("cameo_code")), modality=pl.lit("asserted"))
        .drop_nulls("cameo_code")
    )
    out = (
        pl.concat([out, intents])
        .join(dated, on="_sid", how="left", maintain_order="left")
        .join(codes, on="cameo_code", how="left")
        .join(modality.attributions(sent, ments), on=["article_id", "sentence"], how="left")
        .join(_locations(sent, ments), on=["article_id", "sentence"], how="left")
        .with_columns(
            text=pl.col("s_full"),
            trigger_start=pl.col("v_start"),
            trigger_end=pl.col("v_end"),
            # Codes as well as ids: collective actors have no entity id.
            event_id=stable_id("article_id", "sentence", "cameo_code", "source_id", "target_id", "source_code", "target_code",
                               prefix="event"),
        )
        .with_columns(cluster_id=clusters.cluster_id(pl.col("published_at")))
        .sort("article_id", "sentence", "v_start", "event_id")
    )
    # Two patterns coding the same act between the same actors in one sentence are one event.
    return out.unique("event_id", keep="first", maintain_order=True).select(EVENT_COLUMNS)
