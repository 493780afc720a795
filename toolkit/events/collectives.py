"""Collective actors named by a common noun: "police", "protesters", "Iraqi troops", "the government".

News names most of its actors this way, and CAMEO codes them by role (toolkit/data/group_nouns.tsv:
noun, CAMEO role code) and country. The country is, in order:
- a country or nation adjective right before the noun ("Iraqi police", "Ruritania's army"), or a
  person or body of a known country that owns it ("Varga's government", "the Syldavian Army's troops");
- a country or place right after "of", "in" or "from" ("police in Strelsau", "the army of Syldavia");
- for police, courts, parliaments, parties, protesters, students, workers, farmers and criminals
  (`HOME_ROLES`), the story's own country (`home_country`): where a story's unqualified police,
  courts and protesters act. Unqualified officials and troops in an international story are as
  often another country's;
- in a story that names one country and no other (`sole_country`), that country, for every noun but
  those that are as often a verb ("forces");
- none: the actor is coded by its role alone ("MIL"), as CAMEO codes an actor of unknown country.
A noun inside a named mention ("the Syldavian Army" as an organisation) is that mention's; a noun
before a lower-case noun it modifies ("police station", "army base") and an indefinite one ("a
company", "any soldier") name no actor, but before its own people ("opposition supporters", "a police
spokesman") it does. Collective
mentions have kind `group` and no entity: events they take part in have the code and a null id.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from toolkit.contract.spans import slice_spans
from toolkit.events import clauses, lexicon
from toolkit.events.lexicon import noun_forms
from toolkit.vocab.codes import read_table

KIND = "group"
_SCHEMA = {"noun": pl.Utf8, "role_code": pl.Utf8, "needs_country": pl.Utf8, "notes": pl.Utf8}
# Domestic roles a bare code can name (cameo_roles.tsv's first group and sectors; not IGO, NGO and the like).
ROLE_CODES = [
    "COP", "GOV", "INS", "JUD", "MIL", "OPP", "REB", "SEP", "SPY", "UAF", "AGR", "BUS", "CRM", "CVL", "DEV",
    "EDU", "ELI", "ENV", "HLH", "HRI", "LAB", "LEG", "MED", "REF", "MOD", "RAD",
]
# Roles an unqualified noun gives to the article's own country ("police", "the court", "protesters"); an
# unqualified "officials" or "troops" in an international story is as often another country's.
HOME_ROLES = ["COP", "JUD", "LEG", "OPP", "CVL", "EDU", "LAB", "AGR", "CRM"]
# A story's own country (`home_country`) is that of at least this share of its places (towns, cities,
# regions): countries a story names are as often its topic ("the war in Iraq") as its scene.
UNAMBIGUOUS = 0.75
# A story names its one country at least this many times to count as a story of that country.
SOLE_MENTIONS = 2
_INDEFINITE = r"(?i)\b(?:a|an|any|some|another|every|each|no)\s+$"
_OF_IN = r"(?i)^\s+(?:of|in|from)\s+(?:the\s+)?$"
# Between a country and its noun: a space ("Ruritania army"), or after a nation adjective or a possessive
# at most two lower-case words ("Ruritanian defence minister", "Syldavia's security forces"); a bare
# name before lower-case words is a subject before its verb ("Ruritania expelled diplomats").
_ADJACENT = r"^\s+$"
# Places and assets an actor's noun may modify and still name the actor as what is acted on.
_ASSET = (
    r"(?i)^ (?:stations?|posts?|bases?|positions?|headquarters|camps?|convoys?|checkpoints?|strongholds?|barracks"
    r"|patrols?|vehicles?|compounds?|offices?|outposts?|hideouts?|bunkers?|depots?|facilit(?:y|ies)|installations?)\b"
)
# People of the actor a noun may modify and still name the actor: "opposition supporters" act as the
# opposition, "a police spokesman" speaks for the police.
_MEMBERS = (
    r"(?i)^ (?:supporters?|members?|leaders?|leadership|officers?|fighters?|activists?|loyalists?|personnel"
    r"|spokes(?:man|men|woman|women|person|persons|people)|representatives?|delegates?|delegations?|chiefs?)\b"
)
_COUNTS = ["thousands", "hundreds"]
_COUNT_OF = r"^ of (?:(?:the|his|her|their|its|our)\s+)?(?:\p{Ll}[\p{Ll}-]*\s+)?"
_COUNT_OF_THINGS, _COUNT_OF_PEOPLE = _COUNT_OF + r"\p{Ll}", _COUNT_OF + r"people\b"
_MODIFIED = r"^(?:\s+|['’]s\s+)(?:\p{Ll}[\p{Ll}-]*\s+){0,2}$"
# The same after a possessive only: the name owns the noun ("Varga's new government").
_OWNED = r"^['’]s\s+(?:\p{Ll}[\p{Ll}-]*\s+){0,2}$"


def _plain(gap: pl.Expr) -> pl.Expr:
    """True where the lower-case words of `gap` are modifiers only, no verb or function word."""
    words = gap.fill_null("").str.extract_all(r"\p{Ll}[\p{Ll}-]*")
    return ~words.list.eval(clauses.function_or_verb(pl.element())).list.any()


@cache
def group_nouns() -> pl.DataFrame:
    """(form, role_code, needs_country): every singular and plural form of toolkit/data/group_nouns.tsv, lower-case."""
    table = read_table("group_nouns.tsv", _SCHEMA)
    rows = {}
    for noun, role, needs, _ in table.iter_rows():
        forms = [noun] if noun.endswith(("s", "men", "police", "military", "army", "authorities")) else noun_forms(noun)
        for form in forms:
            rows.setdefault(form.lower(), (role, needs == "yes"))
    return pl.DataFrame([(f, r, n) for f, (r, n) in rows.items()], schema=["form", "role_code", "needs_country"],
                        orient="row")


def home_country(ments: pl.LazyFrame) -> pl.LazyFrame:
    """(article_id, d_country): the article's own country where its places leave no doubt: the country
    of at least `UNAMBIGUOUS` of its place mentions (ties: the one named first), else the one country
    it names at all (`sole_country`)."""
    return _story_countries(ments).select("article_id", "d_country")


def _story_countries(ments: pl.LazyFrame) -> pl.LazyFrame:
    """(article_id, d_country, s_country): `home_country` and `sole_country` from one pass."""
    places = (
        ments.filter((pl.col("kind") == "place") & pl.col("country_code").is_not_null())
        .group_by("article_id", "country_code")
        .agg(n=pl.len(), first=pl.col("start").min())
        .sort("article_id", "n", "first", descending=[False, True, False])
        .group_by("article_id", maintain_order=True)
        .agg(d_country=pl.col("country_code").first(), _top=pl.col("n").first(), _all=pl.col("n").sum())
        .filter(pl.col("_top") >= UNAMBIGUOUS * pl.col("_all"))
        .select("article_id", "d_country")
    )
    return (
        places.join(sole_country(ments), on="article_id", how="full", coalesce=True)
        .select("article_id", "s_country", d_country=pl.coalesce("d_country", "s_country"))
    )


def sole_country(ments: pl.LazyFrame) -> pl.LazyFrame:
    """(article_id, s_country) of the articles whose mentions (countries, places, people, bodies; not
    news outlets) name one country and no other, at least `SOLE_MENTIONS` times: a story of one country,
    whose unqualified government, troops and police are that country's."""
    # The outlet that reports a story ("(AP)", "Al Jazeera television says") is no country it tells of.
    told = pl.col("country_code").is_not_null()
    if "role_code" in ments.collect_schema().names():
        told = told & ~(pl.col("role_code") == "MED").fill_null(False)
    return (
        ments.filter(told)
        .group_by("article_id")
        .agg(s_country=pl.col("country_code").first(), _n=pl.col("country_code").n_unique(), _m=pl.len())
        # Named at least twice (a headline and its lead): a sentence naming a country once is no story of it.
        .filter((pl.col("_n") == 1) & (pl.col("_m") >= SOLE_MENTIONS))
        .select("article_id", "s_country")
    )


def with_home_country(ments: pl.LazyFrame) -> pl.LazyFrame:
    """`ments` with a person's or organisation's bare role code ("GOV" for a mention of a president
    that names no country) preceded by the country another mention of the same entity in the article
    gives ("the Ruritanian president Varga … Varga said"), else by the article's own country where its
    places leave no doubt which it is (`home_country`)."""
    roles = pl.col("code").is_in(ROLE_CODES) & pl.col("kind").is_in(["person", "organisation"])
    own = (
        ments.filter(pl.col("country_code").is_not_null() & pl.col("entity_id").is_not_null())
        .group_by("article_id", "entity_id")
        .agg(e_country=pl.col("country_code").mode().sort().first())
    )
    return (
        ments.join(own, on=["article_id", "entity_id"], how="left", maintain_order="left")
        .join(home_country(ments), on="article_id", how="left", maintain_order="left")
        .with_columns(code=pl.when(roles).then(pl.coalesce(pl.col("e_country"), pl.col("d_country")) + pl.col("code"))
                      .otherwise(pl.col("code")).fill_null(pl.col("code")))
        .drop("e_country", "d_country")
    )


def mentions(articles_lf: pl.LazyFrame, ments: pl.LazyFrame) -> pl.LazyFrame:
    """Collective mentions in the columns of `ments` (which has article_id, sentence, start, end, kind, code …),
    and `owner_end`: the end of the person or body whose possessive gave the country ("Assad's forces")."""
    table = group_nouns()
    texts = articles_lf.select("article_id", "text")
    hits = (
        lexicon.word_hits(texts, "article_id", table["form"].to_list())
        .select("article_id", start="w_start", end="w_end", form="key")
        .join(table.lazy(), on="form", how="inner")
        # Of overlapping nouns the longer counts ("defence minister", not "minister").
        .sort("article_id", "start", "end", descending=[False, False, True])
        .filter(pl.col("end") > pl.col("end").shift(1).cum_max().over("article_id").fill_null(-1))
        # Collected here: left lazy, the optimiser moves later work into the explode and runs slower.
        .collect()
        .lazy()
    )
    named = ments.select("article_id", "start", "end", "kind", "country_code", "demonym").sort("article_id", "start")
    # Inside (or overlapping) a named mention: the name's.
    hits = (
        hits.join_asof(named.select("article_id", m_start="start", m_end="end"), left_on="start", right_on="m_start",
                       by="article_id", strategy="backward", check_sortedness=False)
        .filter(pl.col("m_end").is_null() | (pl.col("m_end") <= pl.col("start")))
        .drop("m_start", "m_end")
        .join_asof(named.select("article_id", n_start="start"), left_on="start", right_on="n_start",
                   by="article_id", strategy="forward", check_sortedness=False)
        .filter(pl.col("n_start").is_null() | (pl.col("n_start") >= pl.col("end")))
        .drop("n_start")
    )
    places = named.filter(pl.col("kind").is_in(["country", "place"]) & pl.col("country_code").is_not_null())
    # A person or body of a known country owns the noun through a possessive ("Zuma's government", "Assad's
    # forces"); "Putin police" is no phrase.
    owners = named.filter(pl.col("kind").is_in(["person", "organisation"]) & pl.col("country_code").is_not_null())
    before = pl.concat([places, owners]).select(
        "article_id", b_end="end", b_country="country_code", b_adjective=pl.col("demonym").fill_null(False),
        b_owner=pl.col("kind").is_in(["person", "organisation"]),
    ).sort("article_id", "b_end")
    after = places.select("article_id", a_start="start", a_country="country_code")
    has_code = pl.col("code").is_not_null() if "code" in ments.collect_schema().names() else pl.lit(False)
    coded_names = ments.filter(has_code).select("article_id", n_end="end").sort("article_id", "n_end")
    hits = (
        hits.sort("article_id", "start")
        .join_asof(before, left_on="start", right_on="b_end", by="article_id", strategy="backward",
                   check_sortedness=False)
        .join_asof(after.sort("article_id", "a_start"), left_on="end", right_on="a_start", by="article_id",
                   strategy="forward", check_sortedness=False)
        .join(_story_countries(ments), on="article_id", how="left")
        # The nearest coded name before the noun, for a possessive that owns it.
        .join_asof(coded_names, left_on="start", right_on="n_end", by="article_id", strategy="backward",
                   check_sortedness=False)
    )
    hits = slice_spans(hits, texts, "article_id", {
        "_next": (pl.col("end"), pl.col("end") + 40), "_before": (pl.col("start") - 8, pl.col("start")),
        "_gap_b": (pl.col("b_end"), pl.col("start")), "_gap_a": (pl.col("end"), pl.col("a_start")),
        "_gap_n": (pl.col("n_end"), pl.col("start")),
    })
    # An indefinite noun ("a company", "any soldier") names no particular actor, and a modifier of another
    # lower-case noun ("military operations") none at all but before its people (`_MEMBERS`), or before a place or
    # asset of the actor's ("police station", "rebel positions"): kept as the nation adjectives are
    # (`demonym` true), no subject, but as an object what is acted on (`toolkit.events.actors`).
    modifier = clauses.modifies_noun(pl.col("_next"), pl.lit(0), pl.lit(0), pl.lit(None, dtype=pl.Int64), pl.lit(True))
    hits = (
        hits.filter(~pl.col("_before").str.contains(_INDEFINITE))
        # A count names a crowd only of people: "thousands of people" or "of Nigerians", not "of dollars"
        # (and "thousands of protesters" are the protesters, found on their own).
        .filter(~(pl.col("form").is_in(_COUNTS) & pl.col("_next").str.contains(_COUNT_OF_THINGS)
                  & ~pl.col("_next").str.contains(_COUNT_OF_PEOPLE)))
        .with_columns(_modifier=modifier & ~pl.col("_next").str.contains(_MEMBERS)
                      # a word before "to" is a verb of wanting or planning: "rebels plan to free hostages"
                      & ~pl.col("_next").str.contains(r"^ \p{Ll}+ to "))
        .filter(~pl.col("_modifier") | pl.col("_next").str.contains(_ASSET))
    )
    gap_before, gap_after = pl.col("_gap_b").fill_null(""), pl.col("_gap_a").fill_null("")
    # The words between a nation adjective and its noun are modifiers ("Ruritanian foreign minister"),
    # not a verb or a function word ("Chinese government expelled diplomats": the diplomats are not
    # Chinese).
    plain_words = _plain(gap_before)
    possessive = gap_before.str.contains("^['’]s")
    country = pl.coalesce(
        pl.when(pl.col("b_end").is_not_null() & pl.when(pl.col("b_owner")).then(
                    gap_before.str.contains(_OWNED) & plain_words
                ).otherwise(
                    gap_before.str.contains(_ADJACENT)
                    | (gap_before.str.contains(_MODIFIED) & plain_words & (pl.col("b_adjective") | possessive))
                )).then(pl.col("b_country")),
        pl.when(gap_after.str.contains(_OF_IN)).then(pl.col("a_country")),
        # The article's country stands only for actors at home: police, courts, protesters, parties;
        # in a story of one country, for every actor (but a noun that is as often a verb, "forces").
        pl.when(pl.col("role_code").is_in(HOME_ROLES)).then(pl.col("d_country")),
        pl.when(~pl.col("needs_country")).then(pl.col("s_country")),
    )
    owned = pl.col("b_owner").fill_null(False) & (pl.col("country_code") == pl.col("b_country")).fill_null(False)
    return (
        hits.with_columns(country_code=country)
        # A noun that is as often another word ("forces" as a verb) is an actor only with its country.
        .filter(~pl.col("needs_country") | pl.col("country_code").is_not_null())
        # A coded name owning the noun that gives it no country ("NATO's envoy") stays the actor: the
        # noun alone would be a bare role.
        .filter(pl.col("country_code").is_not_null()
                | ~(pl.col("_gap_n").fill_null("").str.contains(_OWNED) & _plain(pl.col("_gap_n"))))
        .select(
            "article_id", "start", "end", "role_code", "country_code",
            # Where the country came from an owner ("Assad's forces"): the end of the owner's name.
            owner_end=pl.when(owned & possessive & pl.col("b_end").is_not_null()).then(pl.col("b_end")),
            entity_id=pl.lit(None, dtype=pl.Utf8), actor_code=pl.lit(None, dtype=pl.Utf8), kind=pl.lit(KIND),
            demonym="_modifier",
            code=pl.concat_str([pl.col("country_code").fill_null(""), pl.col("role_code")]),
        )
    )
