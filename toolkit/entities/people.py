"""Names without a gazetteer: people and organisations from capitalisation, titles, honorifics and suffixes.

A *run* is a maximal sequence of capitalised tokens on one line joined by single spaces, with name
particles inside ("Karim al-Nouri", "Jan van Hoek"); "<Ministry|Bank|…> of <Name>" is one run.
Each run is read in this order:
- leading words that are capitalised only by position ("The", "On", "Wednesday") are dropped;
- a leading honorific ("Mr", "Dr.") marks a person;
- leading title words ("Ruritanian Defence Minister") are split off: they give a CAMEO role
  (role_words.tsv) and, through a demonym or country before the role, the person's country;
- a run ending in an organisation word (org_words.tsv: Ministry, Party, Times …) is an organisation;
- a person is also marked by a role word just before the run ("spokeswoman Lena Brandt"), by "said"
  before it, or by an apposition after it ("Tomas Varga, the Ruritanian foreign minister");
- an unmarked run of two or more title-case words is taken as a person ("pattern") unless it reads
  as a law, a treaty, a region or a product (`_NOT_A_NAME`: "Patriot Act", "Middle East", "MacBook
  Pro") or follows the word for a work ("the film Silent Harbour"); a lone
  all-caps token in running text as an organisation acronym; a lone title-case word stays
  unresolved (kind null) until coreference in resolve.py finds its full name.
Runs in all-caps text (headlines, wire slugs) are skipped: only the gazetteer reads them.
With an agent file loaded (`load_dictionaries(..., agents=[...])`), a group word next to a country or
actor is one organisation with both codes: "Arnor cleric", "Gondor's police", "clerics of Arnor".
"""

from __future__ import annotations

import re
from functools import lru_cache

import polars as pl

from toolkit.entities import resolve
from toolkit.vocab.dictionaries import Dictionaries, canonical_key
from toolkit.entities.gazetteer import DICTIONARY_CACHE_SIZE, country_gazetteer
from toolkit.entities.resolve import ART
from toolkit.contract.spans import char_offsets, slice_spans

_HONORIFIC = r"(?:Mr|Mrs|Ms|Mme|Dr|Sir|Dame|Lord|Lady)\.?"
_ABBREV = r"(?:Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|Lt|Col|Capt|Gov|Prof)\."
_TOKEN = (
    # Abbreviations and initials take any letters glued to them ("Mr.Smith", "X.Y", "J.Smith"), so a
    # name never ends inside a word.
    rf"{_ABBREV}[\p{{L}}\p{{N}}]*|(?:\p{{Lu}}\.){{1,4}}[\p{{L}}\p{{N}}]*"
    r"|\p{Lu}[\p{L}\p{M}\p{N}]*(?:['’]\p{Lu}[\p{L}\p{M}]*)?(?:-[\p{L}\p{N}]+)*"
)
_PARTICLES = r"al|el|bin|ibn|ben|bint|abu|van|von|der|den|de|del|della|da|dos|du|di|la|le"
_SPEECH_BEFORE = r"(?i)\b(?:said|says|told|according to)\s+$"
_SENTENCE_BREAK = r"[.!?;:]\s|\n|[()\[\]]"
_SCORE_AFTER = r"^ \d{1,3}(?:[ ,.;)]|$)"
# "<Country or demonym> [’s] [up to three words] <role>" at the end of the left context.
_TITLE_TAIL = r"(?:({countries})(?:['’]s)?\s+)?(?:[\p{{L}}.-]+\s+){{0,3}}?(?i:\b({roles}))\s+$"
_APPOSITION = r"^,\s+(?:(?i:the|a|an)\s+)?(?:({countries})\s+)?(?:[\p{{L}}.-]+\s+){{0,3}}?(?i:({roles}))\b"

# Capitalised runs that are not people: laws, treaties and plans ("Affordable Care Act", "Minsk
# Agreement"), regions named by a compass word ("Middle East", "Southeast Asia", "Horn of Africa"),
# products named by a model word ("MacBook Pro", "Apple Watch"), and named happenings.
_NOT_A_NAME = (
    r"\s(?:Act|Bill|Treaty|Accords?|Agreement|Convention|Protocol|Amendment|Resolution|Charter|Directive"
    r"|Doctrine|Declaration|Statute|Code|Initiative|Programme|Program|Plan|Strategy|Reform|Deal)$"
    r"|^(?:North|South|East|West|Northern|Southern|Eastern|Western|Central|Middle|Far|Near|Southeast|Southwest"
    r"|Northeast|Northwest|South-East|South-West|North-East|North-West|Sub-Saharan|Horn of|Gulf of)"
    r"\s(?:East|Asia|Africa|Europe|America|Americas|Pacific|Atlantic|Caribbean|Caucasus|Mediterranean|Balkans"
    r"|Sahel|Arctic|Antarctic)$"
    r"|\s(?:Pro|Max|Plus|Mini|Watch|Phone|Pad|TV|Edition|Series|Console|Pixel)$"
    # Happenings named like people: wars, tournaments, festivals ("Cold War", "World War II", "World Cup").
    r"|\s(?:War|Wars|Cup|Festival|Games|Olympics|Championships?|Marathon|Grand Prix)$|\sWar\s(?:I|II|One|Two)$"
)

# A run right after the word for a work ("the film …", "her novel “…”") is the work's title.
_WORK_BEFORE = (
    r"(?i)\b(?:film|movie|book|novel|series|show|album|song|single|play|documentary|opera|musical|sitcom|drama"
    r"|programme|program|memoir|poem|painting|video game|game|podcast|novella|biopic)\s+[\"“‘']?$"
)

CANDIDATE_SCHEMA = {
    "article_id": pl.Utf8, "start": pl.Int64, "end": pl.Int64, "surface": pl.Utf8, "kind": pl.Utf8,
    "key": pl.Utf8, "country_code": pl.Utf8, "role_code": pl.Utf8, "method": pl.Utf8, "n_tokens": pl.Int64,
}


def _alternation(words: list[str]) -> str:
    """Regex alternation of literal words, longest first so a longer phrase wins at the same start."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@lru_cache(maxsize=DICTIONARY_CACHE_SIZE)  # bounded: see gazetteer.DICTIONARY_CACHE_SIZE
def _patterns(dicts: Dictionaries) -> dict[str, str]:
    """The regexes this module needs, built from the dictionaries once per Dictionaries object."""
    orgs = dicts.org_words
    heads = orgs.filter(pl.col("position") == "both")["word"].to_list()
    run = rf"\b(?:{_TOKEN})(?:(?: (?:{_PARTICLES}) | (?:al|el)-| )(?:{_TOKEN}))*"
    countries = _alternation([s for s in country_gazetteer().drop_nulls("iso3")["surface"].to_list()])
    roles = _alternation(dicts.role_words["phrase"].to_list())
    stop = _alternation(dicts.name_stopwords["word"].to_list())
    return {
        # Pieces tile the text: non-capitals, then a run or a lone capital that cannot start one ("iPhone").
        "piece": rf"[^\p{{Lu}}]*(?:{run}|\p{{Lu}})",
        "head_end": rf"(?:^| )(?:{_alternation(heads)})$",
        "stop": rf"^(?:(?:{stop})(?: |$))+",
        "honorific": rf"^{_HONORIFIC} ",
        "prefix": rf"^((?:(?:{countries}|(?i:{roles})) )*(?i:{roles}) )\S",
        "org_suffix": rf"(?:^| )({_alternation(orgs['word'].to_list())})$",
        "org_head": rf"^(?:.* )?({_alternation(heads)}) (?:of|for) ",
        "title_tail": _TITLE_TAIL.format(countries=countries, roles=roles),
        "apposition": _APPOSITION.format(countries=countries, roles=roles),
        "countries": countries,
        "title_only": rf"(?i:\b(?:{roles}))$",
    }


def _role_of(phrase: pl.Expr, dicts: Dictionaries) -> pl.Expr:
    """CAMEO role of a role phrase (any case); null for role words that only mark a person."""
    mapping = dict(dicts.role_words.select(pl.col("phrase"), pl.col("role_code")).iter_rows())
    return phrase.str.to_lowercase().replace_strict(mapping, default=None, return_dtype=pl.Utf8)


def _country_of(surface: pl.Expr) -> pl.Expr:
    """ISO3 of a country name or demonym surface; null otherwise."""
    mapping = dict(country_gazetteer().drop_nulls("iso3").select("surface", "iso3").iter_rows())
    return surface.replace_strict(mapping, default=None, return_dtype=pl.Utf8)


def _prev(expr: pl.Expr, n: int = 1) -> pl.Expr:
    """`expr` shifted by `n` rows within the article (`_art`); null across an article boundary."""
    # Rows of one article are contiguous, so a shift plus a boundary check is a window without hashing.
    return pl.when(pl.col(ART).shift(n) == pl.col(ART)).then(expr.shift(n))


def runs(articles_lf: pl.LazyFrame, dicts: Dictionaries) -> pl.LazyFrame:
    """One row per capitalised run: offsets, the run, the text since the previous run and the next gap."""
    pat = _patterns(dicts)
    text, piece = pl.col("text"), pl.col("piece")
    n, at_first = pl.col("_n"), pl.col(ART).ne_missing(pl.col(ART).shift(1))
    pieces = (
        resolve.with_article_index(articles_lf)
        .select("article_id", ART, "text", text.str.extract_all(pat["piece"]).alias("piece"))
        # The text after the last piece, which no piece holds: the last run's right context.
        .with_columns(_tail=text.str.slice(piece.list.eval(pl.element().str.len_chars()).list.sum().cast(pl.Int64), 80))
        .drop("text")
        .explode("piece")
        .drop_nulls("piece")
        .with_columns(_n=piece.str.len_chars().cast(pl.Int64), gap=piece.str.extract(r"^([^\p{Lu}]*)", 1))
        # End offset = running total of piece lengths, restarted at each article's first piece.
        .with_columns(end=n.cum_sum(), _g=pl.col("gap").str.len_chars().cast(pl.Int64))
        .with_columns(end=pl.col("end") - pl.when(at_first).then(pl.col("end") - n).forward_fill())
        .with_columns(
            start=pl.col("end") - n + pl.col("_g"),
            run=piece.str.slice(pl.col("_g")),
            # A lone capital glued to a word ("iPhone") is not a run: the regex's \b refused it.
            _glued=pl.when(pl.col("_g") > 0).then(pl.col("gap").str.contains(r"\w$"))
            .otherwise(_prev(piece).str.contains(r"\w$").fill_null(False)),
        )
        .filter(~pl.col("_glued"))
        .with_columns(pl.col("gap").str.slice(-80))
    )
    # "Ministry" + " of " + "Public Works" is one name: a run ending in a head word absorbs the next.
    absorb = pl.col("run").str.contains(pat["head_end"]) & _prev(pl.col("gap"), -1).str.contains(
        r"^ (?:of|for) (?:the )?$"
    ).fill_null(False)
    merged = (
        pieces.with_columns(_absorb=absorb)
        .with_columns(_absorbed=_prev(pl.col("_absorb")).fill_null(False))
        .with_columns(
            run=pl.when(pl.col("_absorb")).then(pl.concat_str(
                "run", _prev(pl.col("gap"), -1), _prev(pl.col("run"), -1)
            )).otherwise(pl.col("run")),
            end=pl.when(pl.col("_absorb")).then(_prev(pl.col("end"), -1)).otherwise(pl.col("end")),
        )
        .filter(~pl.col("_absorbed"))
    )
    return (
        merged.with_columns(
            prev_run=_prev(pl.col("run")),
            next_run=_prev(pl.col("run"), -1),
            after=_prev(pl.col("gap"), -1).fill_null(pl.col("_tail")),
            after2=_prev(pl.col("gap"), -2).fill_null(
                pl.when(_prev(pl.col("gap"), -1).is_not_null()).then(pl.col("_tail"))),
        )
        .select("article_id", ART, "start", "end", "run", "gap", "after", "prev_run", "next_run", "after2")
    )


def _agent_forms(dicts: Dictionaries) -> pl.DataFrame:
    """(form, role_code): each agent phrase and its plurals ("cleric", "clerics"; "authority", "authorities")."""
    phrase = pl.col("phrase")
    plurals = [phrase, phrase + "s", phrase + "es",
               pl.when(phrase.str.contains(r"[^aeiou]y$")).then(phrase.str.replace(r"y$", "ies"))]
    return (
        dicts.agents.select(pl.concat_list(plurals).alias("form"), "role_code")
        .explode("form").drop_nulls("form")
        .unique("form", keep="first", maintain_order=True)
        .sort(pl.col("form").str.len_bytes(), "form", descending=[True, False])
    )


def agent_candidates(
    articles_lf: pl.LazyFrame, dicts: Dictionaries, matches_lf: pl.LazyFrame | None = None
) -> pl.LazyFrame:
    """Agent words joined to the country or actor before ("Arnor cleric", "Gondor's") or after ("of Arnor").

    `matches_lf`: the articles' `resolve.gazetteer_matches`, when the caller has them already.
    """
    forms = _agent_forms(dicts)
    patterns = forms["form"].to_list()
    roles = dict(forms.iter_rows())
    text, start, end = pl.col("text"), pl.col("start"), pl.col("end")
    arts = resolve.with_article_index(articles_lf).select("article_id", ART, "text")
    # Offsets and the text around them come from each text joined once (`toolkit.contract.spans`): a slice of
    # the article text per row costs the square of the article's length.
    texts = arts.select(ART, "text")
    hits = (
        arts.select(
            "article_id", ART,
            _byte=text.str.find_many(patterns, ascii_case_insensitive=True, leftmost=True),
            _surface=text.str.extract_many(patterns, ascii_case_insensitive=True, leftmost=True),
        )
        .explode(["_byte", "_surface"]).drop_nulls("_byte")
    )
    around = {"_before": ((start - 1).clip(lower_bound=0), start), "_after": (end, end + 1)}
    agents = (
        char_offsets(hits, texts, ART, {"start": pl.col("_byte")})
        .with_columns(end=start + pl.col("_surface").str.len_chars().cast(pl.Int64))
        .pipe(slice_spans, texts, ART, around)
        # No word character touches the agent word on either side.
        .filter(~pl.col("_before").str.contains(r"\w") & ~pl.col("_after").str.contains(r"^\w"))
        .select("article_id", ART, ag_start="start", ag_end="end", agent_role=pl.col("_surface").str.to_lowercase()
                .replace_strict(roles, default=None, return_dtype=pl.Utf8))
        .drop_nulls("agent_role")
        .cache()  # read by both the "before" and the "after" pairing below
    )
    # Only countries and coded organisations take agents; a person ("Putin police") does not.
    actors = (
        resolve.resolve_overlaps(resolve.gazetteer_matches(articles_lf, dicts) if matches_lf is None else matches_lf)
        .filter(pl.col("kind").is_in(["country", "organisation"])
                & (pl.col("country_code").is_not_null() | pl.col("role_code").is_not_null()))
        .select(ART, a_start="start", a_end="end", a_key="key",
                a_country="country_code", a_role="role_code")
    )
    gap_ok = {"before": r"^(?:['’]s)?\s+$", "after": r"(?i)^\s+(?:of|in|from)\s+(?:the\s+)?$"}
    pairs = []
    for side, (left_on, right_on, strategy) in {
        "before": ("ag_start", "a_end", "backward"), "after": ("ag_end", "a_start", "forward"),
    }.items():
        lo, hi = ("a_end", "ag_start") if side == "before" else ("ag_end", "a_start")
        pairs.append(
            agents.sort(ART, left_on)
            .join_asof(actors.sort(ART, right_on), left_on=left_on, right_on=right_on, by=ART,
                       strategy=strategy, check_sortedness=False)
            .drop_nulls("a_start")
            .pipe(slice_spans, texts, ART, {"_gap": (pl.col(lo), pl.col(hi))})
            .filter(pl.col("_gap").str.contains(gap_ok[side]))
            .drop("_gap")
            .with_columns(_side=pl.lit(0 if side == "before" else 1))
        )
    role = pl.col("a_role").fill_null("")
    # "White House officials" stays USA GOV: an agent role the actor already carries is not added twice.
    has_role = role.str.contains(pl.concat_str(pl.lit("^(?:[A-Z]{3})*"), pl.col("agent_role")))
    return (
        pl.concat(pairs)
        # An agent between two actors belongs to the one before it ("Arnor police of Gondor").
        .sort(ART, "ag_start", "_side")
        .unique([ART, "ag_start"], keep="first", maintain_order=True)
        .with_columns(start=pl.min_horizontal("a_start", "ag_start"), end=pl.max_horizontal("a_end", "ag_end"))
        .pipe(slice_spans, texts, ART, {"surface": (start, end)})
        .select(
            "article_id", ART, "start", "end", "surface",
            kind=pl.lit("organisation"),
            key=pl.concat_str(pl.col("a_key").fill_null(""), pl.lit(" "), pl.col("agent_role").str.to_lowercase()),
            country_code="a_country",
            role_code=pl.when(has_role).then(pl.col("a_role")).otherwise(role + pl.col("agent_role")),
            method=pl.lit("agent"),
        )
        .with_columns(n_tokens=pl.col("surface").str.count_matches(r"\s+").cast(pl.Int64) + 1)
    )


def candidates(
    articles_lf: pl.LazyFrame, dicts: Dictionaries, runs_lf: pl.LazyFrame | None = None,
    matches_lf: pl.LazyFrame | None = None,
) -> pl.LazyFrame:
    """Person and organisation candidates from capitalised runs (kind null = lone word, unresolved).

    `runs_lf` and `matches_lf` (`runs`, `resolve.gazetteer_matches`) are reused when given, not recomputed.
    """
    pat = _patterns(dicts)
    run, gap, after = pl.col("run"), pl.col("gap"), pl.col("after").fill_null("")
    no_lower = r"^[^\p{Ll}]*$"
    shouting = run.str.contains(no_lower) & (
        run.str.contains(" ") | (gap.str.contains(no_lower) & after.str.contains(no_lower))
    )
    org_words = dict(dicts.org_words.select("word", "role_code").iter_rows())
    lf = (
        (runs(articles_lf, dicts) if runs_lf is None else runs_lf)
        .filter(~shouting)
        .with_columns(honorific=run.str.contains(pat["honorific"]))
        .with_columns(_strip=pl.when(pl.col("honorific")).then(run.str.extract(r"^(\S+ )", 1))
                      .otherwise(run.str.extract(f"({pat['stop']})", 1)).fill_null(""))
        .with_columns(
            start=pl.col("start") + pl.col("_strip").str.len_chars().cast(pl.Int64),
            run=run.str.slice(pl.col("_strip").str.len_chars()),
            gap=pl.when(pl.col("_strip") != "").then(pl.lit(" ")).otherwise(gap),
        )
        .filter(pl.col("run").str.len_chars() > 0)
        .with_columns(prefix=run.str.extract(pat["prefix"], 1).fill_null(""))
        .with_columns(
            org_word=pl.coalesce(run.str.extract(pat["org_suffix"], 1), run.str.extract(pat["org_head"], 1)),
            # Left context: the previous run and the gap when they are in the same sentence.
            left=pl.when(gap.str.contains(_SENTENCE_BREAK)).then(pl.lit(""))
            .otherwise(pl.concat_str(pl.col("prev_run").fill_null(""), gap)).str.slice(-80)
            + pl.col("prefix"),
            right=pl.concat_str(after, pl.col("next_run").fill_null(""), pl.col("after2").fill_null("")),
        )
        .with_columns(
            # Capture groups cost a slower regex engine: run it only where the cheap test matched.
            title=pl.when(pl.col("left").str.contains(pat["title_tail"])).then(pl.col("left"))
            .str.extract_groups(pat["title_tail"]),
            appos=pl.when(pl.col("right").str.starts_with(",")).then(pl.col("right"))
            .str.extract_groups(pat["apposition"]),
            said=gap.str.contains(_SPEECH_BEFORE) & ~gap.str.contains(_SENTENCE_BREAK),
        )
        .with_columns(
            # An organisation keeps its country words ("Ruritanian Defence Ministry"); a person drops its title.
            name_start=pl.when(pl.col("org_word").is_not_null()).then(pl.col("start"))
            .otherwise(pl.col("start") + pl.col("prefix").str.len_chars().cast(pl.Int64)),
            role_code=pl.when(pl.col("org_word").is_not_null())
            .then(pl.col("org_word").replace_strict(org_words, default=None, return_dtype=pl.Utf8))
            .otherwise(pl.coalesce(_role_of(pl.col("title").struct.field("2"), dicts),
                                   _role_of(pl.col("appos").struct.field("2"), dicts))),
            country_code=pl.coalesce(
                _country_of(pl.col("title").struct.field("1")),
                _country_of(pl.col("appos").struct.field("1")),
                _country_of(pl.when(pl.col("prefix") != "").then(pl.col("prefix"))
                            .str.extract(rf"^({pat['countries']}) ", 1)),
                _country_of(pl.when(pl.col("org_word").is_not_null()).then(run)
                            .str.extract(rf"^({pat['countries']}) ", 1)),
            ),
            titled=pl.col("title").struct.field("2").is_not_null() | pl.col("appos").struct.field("2").is_not_null(),
        )
        .with_columns(
            surface=pl.when(pl.col("org_word").is_not_null()).then(run)
            .otherwise(run.str.slice(pl.col("prefix").str.len_chars())),
        )
        .with_columns(n_tokens=pl.col("surface").str.count_matches(" ").cast(pl.Int64) + 1)
    )
    single_caps = pl.col("surface").str.contains(r"^\p{Lu}{2,6}$")
    method = (
        pl.when(pl.col("org_word").is_not_null()).then(pl.lit("org_word"))
        # "Eastvale 2 Westmark 1": a name followed by a score is a team (see resolve._SCORE_AFTER).
        .when(pl.col("after").fill_null("").str.contains(_SCORE_AFTER) & ~pl.col("honorific") & ~pl.col("titled"))
        .then(pl.lit("score"))
        .when(pl.col("honorific")).then(pl.lit("honorific"))
        .when(pl.col("titled")).then(pl.lit("title"))
        .when(pl.col("said") & (pl.col("n_tokens") >= 2)).then(pl.lit("said"))
        .when((pl.col("n_tokens") >= 2) & pl.col("surface").str.contains(r"\p{Ll}")).then(pl.lit("pattern"))
        .when(single_caps).then(pl.lit("acronym"))
        .otherwise(pl.lit("single"))
    )
    kind = (
        pl.when(pl.col("method").is_in(["org_word", "acronym", "score"])).then(pl.lit("organisation"))
        .when(pl.col("method") == "single").then(pl.lit(None, pl.Utf8))
        .otherwise(pl.lit("person"))
    )
    found = (
        lf.with_columns(method=method)
        .with_columns(kind=kind)
        .filter(pl.col("surface").str.len_chars() > 0)
        # "Deputy Culture Minister" is a title without its holder.
        .filter(~((pl.col("kind") == "person") & pl.col("surface").str.contains(pat["title_only"])))
        # An unmarked run that reads as a document, a region or a product is no one (`_NOT_A_NAME`), nor
        # is the title of a work ("the film Silent Harbour").
        .filter(~((pl.col("method") == "pattern")
                  & (pl.col("surface").str.contains(_NOT_A_NAME) | pl.col("gap").str.contains(_WORK_BEFORE))))
        .select(
            "article_id", ART, pl.col("name_start").alias("start"),
            (pl.col("name_start") + pl.col("surface").str.len_chars().cast(pl.Int64)).alias("end"),
            "surface", "kind", canonical_key(pl.col("surface")).alias("key"),
            "country_code", "role_code", "method", "n_tokens",
        )
    )
    if dicts.agents.is_empty():
        return found
    found = found.cache()  # read twice below: once for the clash test, once for the anti join
    groups = agent_candidates(articles_lf, dicts, matches_lf).cache()
    # "Calenardhon Ministry of Silly Walks" is the actor's ministry: the agent reading beats a name read over it.
    span = [ART, "start", "end"]
    clash = resolve.overlapping(found, groups)
    return pl.concat([found.join(clash, on=span, how="anti"), groups], how="vertical_relaxed")
