"""Actors: source and target of a pattern match from the mentions around it, without a parser.

Rules, inside one sentence:
- compound actors: mentions joined by "and", "or", "nor", "&" or commas, with at most "the" and two
  lower-case words after the separator ("Ruritania and Freedonia", "Mordor, Rohan, Fornost and Bree",
  "Syldavia and its ally Borduria") form one group; an event is coded once per member; mentions with only
  spaces between ("Bree President Romendacil") are one actor, coded by the most specific of them;
- the subject is the nearest group ending before the match, in the match's clause (no , ; : ! ? or
  spaced dash in between, unless it is a list comma inside the group itself);
- the object is the first group starting at or after the match start and at most eight words after its
  end ("sanctions on the Ruritanian government"); a later one is not, so in "supplied Freedonia with fuel
  for the winter campaign in Syldavia" Syldavia is no recipient;
- by the pattern's roles: forward (subject acts on object), reverse (object acts on subject: "received
  weapons from"), pair (the members of the subject group act on each other: "X and Y met"; with a single
  subject the group before it is the partner), between (members of the object group act on each other:
  "talks between X and Y"), passive (the agent after "by" acts on the subject); a forward pattern in
  the passive voice ("Eriador was opposed by Osgiliath") is read as passive;
- an agent leading the first member ("the ambassadors of Arnor, Osgiliath and Gondor") is the agent
  of every bare member (ARNGOV, OSGGOV, GONGOV);
- a verb right after "and" shares the subject of the sentence's previous act ("X condemned … and
  promised aid to Y"); an infinitive after "from Y"/"by Y" belongs to the subject before Y ("X accepted
  an invitation from Y to visit Z"); "by" right after the verb marks the passive agent, "by" after a
  noun the noun's agent, which is the target ("X condemned an attack by Y");
- an actor's code is the mention's `actor_code` when the entities stage gives one, else its
  country_code followed by its role_code (RUS + MIL = RUSMIL); an event needs a source with a code,
  except an act of force or protest whose doer the text withholds ("grenades were hurled at",
  "protests erupted"), which stands with no source (`UNNAMED_AGENT`); an event whose target is its
  own source is dropped.
"""

from __future__ import annotations

import polars as pl

from toolkit.events import clauses

# A list separator ("," "and" "or" "nor"), then at most "the" and two lower-case words ("and the evil
# awful Gondor", "and its ally Borduria").
_COMPOUND_GAP = r"^\s*(?:,\s*(?:(?:and|or|nor|&)\s+)?|(?:and|or|nor|&)\s+)(?:the\s+)?(?:\p{Ll}[\p{Ll}-]*\s+){0,2}$"
# A comma in a number ("25,000 tons") is no clause break.
_CLAUSE_BREAK = r"[;:!?]|,(?:[^\d]|$)|\s[–—-]\s"
_OBJECT_GAP = r"^\s*(?:[^\s,;:!?]+\s+){0,8}$"
# "by" before the object, with the words before it captured: none when it follows the verb ("attacked
# by X"), a noun otherwise ("an attack by X").
_BY_GAP = r"(?i)^\s*((?:[\w-]+\s+){0,3}?)by\s+(?:the\s+)?$"
# "and" (and an adverb) right before a verb: captured, its length is where the coordination starts.
_COORDINATED = r"(?i)((?:^|\s)and\s+(?:(?:also|then|later|\w+ly)\s+)?)$"
_PP_OBJECT = r"(?i)\b(?:from|by)\s+(?:the\s+)?$"
_SUBJECT_RELATIVE = r"(?i)\b(?:who|which)\s+\p{Ll}"
_VENUE = clauses.LOCATIVE_PREP + r"(?:city\s+of\s+|capital\s+(?:of\s+)?|town\s+of\s+)?$"
_INFINITIVE_GAP = r"(?i)^\s+to\s+$"
_PASSIVE_AUX = r"(?i)\b(?:was|were|been|being|is|are|be)\s+(?:[\w-]+ly\s+)?$"
_PARTICIPLE = r"(?i)^(?:\w+(?:ed|en|wn)|shot|hit|struck|held|met|sent|sold|caught|fought|kept|told|thrown|put)\b"
_TITLE_GAP = r"^\s+(?:[\p{L}.'’-]+\s+){1,3}$"
# A mention led by its agent: "ambassadors of Arnor", "officials in Fornost", "soldiers from the Shire".
_LEAD_AGENT = r"^[\p{L}-]+(?:\s+[\p{L}-]+){0,3}\s+(?:of|in|from)\s+(?:the\s+)?\p{Lu}"
# A pronoun subject between the nearest mention and the verb means the text names the actor elsewhere
# ("… left Strelsau before it accused Freedonia"), unless it follows a speech verb and so is the
# speaker ("Ruritania said it had closed the border …").
_PRONOUN = r"(?i)\b(?:it|he|she|they|we|i)\b"
_SPEAKER_PRONOUN = (
    r"(?i)^\s*(?:\S+\s+){0,3}?(?:said|says|told|added|announced|claimed|insisted|stated)\s+"
    r"(?:(?:on|last|this)\s+\w+\s+|yesterday\s+|today\s+)?(?:that\s+)?(?:it|he|she|they|we)\s+(?:\S+\s+){0,3}$"
)
# A speech verb and "that" between a name and the act: the name reports the act ("CNN reports that
# Comey rejected …"); the actor is in the reported clause, not the speaker.
_REPORTED = (
    r"(?i)\b(?:said|says|say|told|tells|reported|reports|report|added|adds|stated|states|claimed|claims"
    r"|announced|announces|insisted|insists|argued|argues|wrote|writes)\s+(?:\S+\s+){0,3}?that\s"
)
# "according to X" credits a report.
_ACCORDING_TO = r"(?i)\baccording\s+to\s+(?:the\s+)?$"
_QUOTES = r"[\[\]()\"“”‘’']"
# The kind of a source the text implies but does not name (see `assign`), and the acts of courts.
IMPLIED_AGENT = "implied"
# The kind of a source the text withholds in a report of force or protest ("grenades were hurled at a
# patrol", "a suicide bombing on a market"): the event stands with no source actor.
UNNAMED_AGENT = "unnamed"
UNNAMED_ACT = r"^(?:14|18|19|20|171$|1712)"  # with looting (171) and the destruction of property (1712)
# Words that say people used force or protested, not that something merely killed or destroyed (storms,
# fires and crashes kill too): the weapons, the armed, attacks and demonstrations.
AGENT_CUE = (
    r"(?i)\b(?:attack\w*|assault\w*|bomb\w*|grenades?|gun\w*|shot|shoot\w*|shell\w*|mortars?|missiles?|rockets?"
    r"|air\s?strikes?|air raids?|raid\w*|ambush\w*|militants?|gunmen|troops|soldiers|rebels?|insurgents?|jihadists?"
    r"|terror\w*|explosive devices?|ieds?|land\s?mines?|minefields?|suicide|sniper\w*|stabb\w*|hostages?"
    r"|kidnap\w*|abduct\w*|protest\w*|demonstrat\w*|rall(?:y|ies|ied)|march\w*|riot\w*|clash\w*|tear\s?gas"
    r"|loot\w*|ransack\w*|vandal\w*|torch(?:ed|ing)|arson\w*|set\s+(?:alight|ablaze|on\s+fire))\b"
)
_STATE_ACT = r"^(?:16|1711|17[234])"
# Between a subject and a noun of attack: the subject was harmed in it ("four workers were injured in the attack").
_HARMED_IN = r"(?i)\b(?:killed|injured|wounded|hurt|died|maimed|caught|dead)\b[^,;:]{0,40}$"
# "by" within four words after the act names its doer; a possessive before a noun names it too.
_BY_LATER = r"(?i)^(?:\s+[^\s,;:.!?]+){0,4}?\s+by\s"
_POSSESSIVE = r"(?i)\b(?:their|its|his|her|our)\s+(?:\w+\s+)?$"
# An attack, a weapon or a protest before a verb that has no subject found: the act's doer goes unnamed.
_WEAPON_SUBJECT = (
    r"(?i)\b(?:attacks?|bomb\w*|blasts?|explosi\w+|grenades?|mines?|ieds?|devices?|missiles?|rockets?|shells?"
    r"|shelling|mortars?|strikes?|airstrikes?|raids?|drones?|gunfire|shooting|ambush\w*|violence|clash\w*"
    r"|fighting|suicide|protests?|demonstrations?|rall(?:y|ies)|riots?)\b"
)
# Between two acts, "to" and at most one word make the first part of the second (see `assign`).
_CHAINED = r"(?i)^\s*(?:to\s+)?(?:[\w-]+\s+)?$"
_COURT_ACT = r"(?i)\b(?:jail|imprison|incarcerat|sentenc|convict|indict|prosecut|arraign|tried\b|try\b|trial|court)"
# Who helps an act along without taking part: "a truce brokered by X", "on behalf of X", "with the
# mediation of X" name a mediator or sponsor, not the target.
_MEDIATOR = (
    r"(?i)(?:\b(?:brokered|mediated|facilitated|sponsored|arranged|hosted|chaired)\s+by|\bon\s+behalf\s+of"
    r"|\b(?:with|through|under)\s+the\s+(?:mediation|auspices|help|support)\s+of)\s+(?:the\s+)?$"
)
# A name in parentheses repeats or credits ("the United Nations (UN)", "(AP)"), and a name opening a
# sentence before a dash is a dateline or agency credit ("AP - …"): neither is an actor of the sentence.
_DATELINE_AFTER = r"^\s*(?:-{1,2}|–|—)\s"


def actor_code() -> pl.Expr:
    """CAMEO actor code of a mention: its actor_code, else country_code + role_code (null when both are null)."""
    return pl.coalesce(
        pl.col("actor_code"),
        pl.concat_str([pl.col("country_code"), pl.col("role_code").fill_null("")]),
        pl.col("role_code"),
    )


def groups(ments: pl.LazyFrame, sent: pl.LazyFrame, found: pl.LazyFrame) -> pl.LazyFrame:
    """Compound actor groups per sentence: (_sid, g_start, g_end, members list[struct]); `_sid` keys a sentence.

    A mention joined to the previous one by "and"/"or"/a comma stays in its group, except when it is the
    subject of the next match and both follow an earlier match: in "X attacked Ukraine and Russia
    attacked Y", Ukraine is the object of the first act and Russia the subject of the second.
    """
    s = sent.select("_sid", s_begin="start", s_text="s_text")
    ments = _without_credits(ments, s)
    gap = pl.col("s_text").str.slice(
        pl.col("prev_end") - pl.col("s_begin"), (pl.col("start") - pl.col("prev_end")).clip(lower_bound=0)
    )
    nxt = found.select("_sid", _next_v="v_start").unique().sort("_sid", "_next_v")
    prv = found.select("_sid", _prev_v="v_end").unique().sort("_sid", "_prev_v")
    # The end of the last match before each mention (`_prev_v`): read by the appositions, then below.
    ments = _appositions(
        ments.sort("_sid", "start").join_asof(
            prv, left_on="start", right_on="_prev_v", by="_sid", strategy="backward", check_sortedness=False
        ),
        s,
    )
    by = ["_sid"]
    # Rows stay sorted by (_sid, start): a shift within the same `_sid` is the window's shift, without
    # the cost of a window over tens of thousands of small groups.
    same_prev = pl.col("_sid").shift(1) == pl.col("_sid")
    # The sentence text joins after the sorts: moving it through them costs more than the rest.
    heads = (
        ments.sort("_sid", "end")
        .join_asof(nxt, left_on="end", right_on="_next_v", by="_sid", strategy="forward", check_sortedness=False)
        .sort("_sid", "start")
        .join(s, on=by, how="inner", maintain_order="left")
        .with_columns(
            prev_end=pl.when(same_prev).then(pl.col("end").shift(1)),
            prev_start=pl.when(same_prev).then(pl.col("start").shift(1)),
            next_start=pl.when(pl.col("_sid").shift(-1) == pl.col("_sid")).then(pl.col("start").shift(-1)),
        )
    )
    head = pl.col("_next_v").is_not_null() & (pl.col("next_start").is_null() | (pl.col("next_start") > pl.col("_next_v")))
    split = head & (pl.col("prev_start") >= pl.col("_prev_v")).fill_null(False)
    # An agent written before the first member ("the ambassadors of Arnor, Osgiliath and Gondor") is the
    # agent of every member: its role (the code after the three-letter country) goes to the bare members.
    surface = pl.col("s_text").str.slice(pl.col("start") - pl.col("s_begin"), pl.col("end") - pl.col("start"))
    lead = (
        surface.str.contains(_LEAD_AGENT)
        & (surface.str.contains(r"^\p{Ll}") | (pl.col("start") == pl.col("s_begin")))
        & (pl.col("code").str.len_chars() > 3)
    )
    # A sentence's first mention always starts a group, so one running count numbers groups corpus-wide.
    # A name modifying a noun it does not stand for ("Ruritanian farmers") keeps its place; it names no source
    # (see `assign`), but as an object it names what is acted on.
    adjective = pl.col("demonym").fill_null(False) | surface.str.contains(r"^\p{Lu}{2,3}$")
    mod = clauses.modifies_noun(pl.col("s_text"), pl.col("s_begin"), pl.col("end"), pl.col("_next_v"), adjective)
    return (
        heads.with_columns(
            new=(pl.col("prev_end").is_null() | ~gap.str.contains(_COMPOUND_GAP) | split).cast(pl.Int64),
            _modifier=mod,
            _headless=(clauses.after_noun(pl.col("s_text"), pl.col("s_begin"), pl.col("start"))
                       # a town where something happens is no doer: "the board met in Mumbai to discuss …"
                       | ((pl.col("kind") == "place").fill_null(False)
                          & clauses.after_locative(pl.col("s_text"), pl.col("s_begin"), pl.col("start"))))
            & (pl.col("kind") != "person").fill_null(True)
            & ~pl.col("s_text").str.slice(pl.col("end") - pl.col("s_begin"), 2).str.contains("^['’]s"),
        )
        .with_columns(grp=pl.col("new").cum_sum())
        # The first member's agent, carried down its group: a fill from each group's first row (never null
        # as a struct) stays inside the group.
        .with_columns(_agent=pl.when(pl.col("new") == 1).then(
            pl.struct(role=pl.when(lead).then(pl.col("code").str.slice(3)))).forward_fill().struct.field("role"))
        .with_columns(code=pl.when((pl.col("code").str.len_chars() == 3) & pl.col("_agent").is_not_null())
                      .then(pl.col("code") + pl.col("_agent")).otherwise(pl.col("code")))
        .group_by("grp", maintain_order=True)
        .agg(
            pl.col("_sid").first(),
            g_start=pl.col("start").min(),
            g_end=pl.col("end").max(),
            members=pl.struct(id="entity_id", code="code", start="start", kind="kind", headless="_headless",
                              modifier="_modifier"),
        )
        .drop("grp")
    )


def _without_credits(ments: pl.LazyFrame, s: pl.LazyFrame) -> pl.LazyFrame:
    """`ments` without names in parentheses, sentence-opening datelines (see `_DATELINE_AFTER`) and
    sources of a report ("according to X"): they credit, they do not act."""
    at = pl.col("start") - pl.col("s_begin")
    upto = pl.col("end") - pl.col("s_begin")
    bracketed = (pl.col("s_text").str.slice(at - 1, 1) == "(") & (pl.col("s_text").str.slice(upto, 1) == ")")
    dateline = (at == 0) & pl.col("s_text").str.slice(upto, 5).str.contains(_DATELINE_AFTER)
    credited = pl.col("s_text").str.slice((at - 20).clip(lower_bound=0), at.clip(upper_bound=20)).str.contains(_ACCORDING_TO)
    return (
        ments.join(s, on="_sid", how="inner", maintain_order="left")
        .filter(~(bracketed.fill_null(False) | dateline.fill_null(False) | credited.fill_null(False)))
        .drop("s_begin", "s_text")
    )


def _appositions(ments: pl.LazyFrame, s: pl.LazyFrame) -> pl.LazyFrame:
    """Mentions side by side are one actor, coded by the most specific (longest) code over their joint span:
    with only spaces between ("Bree President Romendacil"), or of one country with at most three title
    words between ("Ruritanian President Tomas Varga", "Syldavian Prime Minister Jana Horvat"), and no
    pattern match between them ("Varga to visit Syldavia" is an act, not a title).

    `ments` is sorted by (_sid, start) and has `_prev_v`, the end of the last match before each mention;
    the mentions of one actor share it, since no match lies between them.
    """
    by = ["_sid"]
    gap = pl.col("s_text").str.slice(
        pl.col("_prev_end") - pl.col("s_begin"), (pl.col("start") - pl.col("_prev_end")).clip(lower_bound=0)
    )
    same_prev = pl.col("_sid").shift(1) == pl.col("_sid")
    # A match ending inside the gap: what lies between is an act, not a title.
    acts = (pl.col("_prev_v") > pl.col("_prev_end")).fill_null(False)
    return (
        ments.join(s, on=by, how="inner", maintain_order="left")
        .with_columns(
            _prev_end=pl.when(same_prev).then(pl.col("end").shift(1)),
            _prev_country=pl.when(same_prev).then(pl.col("country_code").shift(1)),
            _prev_kind=pl.when(same_prev).then(pl.col("kind").shift(1)),
        )
        .with_columns(
            _joined=gap.str.contains(r"^ +$")
            | ((pl.col("country_code") == pl.col("_prev_country")) & gap.str.contains(_TITLE_GAP) & ~acts
               # A collective noun is joined only across spaces: lower-case words before it are a verb
               # as often as a title ("Ruritania expelled diplomats").
               & (pl.col("kind") != "group") & (pl.col("_prev_kind") != "group").fill_null(True)
               & ~gap.str.contains(r"\b(?:and|or|nor)\b")).fill_null(False)
            # "officials in Ruritania", "the army of Syldavia", "Ruritania's foreign minister": the collective
            # and its country are one actor.
            | ((pl.col("country_code") == pl.col("_prev_country")) & (pl.col("_prev_kind") == "group")
               & gap.str.contains(r"(?i)^\s+(?:of|in|from)\s+(?:the\s+)?$")).fill_null(False)
            | ((pl.col("country_code") == pl.col("_prev_country")) & (pl.col("kind") == "group")
               & gap.str.contains(r"^['’]s\s+(?:\p{Ll}[\p{Ll}-]*\s+){0,2}$")).fill_null(False)
        )
        # A sentence's first mention always opens a slot, so one running count numbers slots corpus-wide.
        .with_columns(_slot=(pl.col("_prev_end").is_null() | ~pl.col("_joined")).cast(pl.Int64).cum_sum())
        # The longest code wins; at equal length a name over a collective noun ("the rights group Amnesty
        # International"), then the first.
        .with_columns(_len=pl.col("code").str.len_chars().fill_null(0), _group=pl.col("kind") == "group")
        .drop("s_begin", "s_text")
        .sort("_slot", "_len", "_group", "start", descending=[False, True, False, False])
        .group_by("_slot", maintain_order=True)
        .agg(pl.all().first(), _span_start=pl.col("start").min(), _span_end=pl.col("end").max())
        .with_columns(start=pl.col("_span_start"), end=pl.col("_span_end"))
        .drop("_slot", "_span_start", "_span_end", "_len", "_group", "_prev_end", "_prev_country", "_prev_kind",
              "_joined")
    )


def _nearest(left: pl.LazyFrame, grps: pl.LazyFrame, *, on: str, key: str, strategy: str, tag: str) -> pl.LazyFrame:
    """Add the group nearest to `on` (by its `key` offset) in the same sentence as `<tag>_*` columns."""
    right = grps.select(
        "_sid", pl.col(key).alias(f"_{tag}_key"),
        pl.col("g_start").alias(f"{tag}_start"), pl.col("g_end").alias(f"{tag}_end"),
        pl.col("members").alias(f"{tag}_members"),
    ).sort("_sid", f"_{tag}_key")
    return (
        left.sort("_sid", on, nulls_last=True)
        .join_asof(
            right, left_on=on, right_on=f"_{tag}_key", by="_sid", strategy=strategy,
            check_sortedness=False,  # both sides are sorted just above; polars cannot check it per group
        )
        .drop(f"_{tag}_key")
    )


def between(lo: pl.Expr, hi: pl.Expr) -> pl.Expr:
    """Sentence text between two article offsets (empty when they are out of order)."""
    return pl.col("s_text").str.slice(lo - pl.col("start"), (hi - lo).clip(lower_bound=0))


def _before(at: pl.Expr, n: int) -> pl.Expr:
    """The (at most) `n` characters of the sentence text before article offset `at`."""
    offset = at - pl.col("start")
    return pl.col("s_text").str.slice((offset - n).clip(lower_bound=0), offset.clip(upper_bound=n))


def _drop(tag: str, far: pl.Expr) -> list[pl.Expr]:
    return [
        pl.when(far.fill_null(True)).then(None).otherwise(pl.col(f"{tag}_{f}")).alias(f"{tag}_{f}")
        for f in ("start", "end", "members")
    ]


def _venue(after: pl.Expr) -> pl.Expr:
    """A place after "in" or "at" where the act took place ("met … in Brussels"): where, not whom.

    Acts of force are aimed at the places they hit ("shelling in Kharkiv" targets Ukraine), and a
    preposition a verb takes ("intervened in Syria") is part of its match, not of `after`.
    """
    places = pl.col("a1_members").list.eval(pl.element().struct.field("kind").is_in(["place", "country"])).list.all()
    return after.str.contains(_VENUE) & places & ~pl.col("cameo_code").str.contains("^(?:18|19|20)")


def assign(matches: pl.LazyFrame, grps: pl.LazyFrame) -> pl.LazyFrame:
    """One row per (match, source member, target member) with source/target id and code; sourceless rows dropped."""
    # A group never reaches across another match: "X attacked Ukraine and Russia attacked Y" has two
    # groups, not one; members before the previous match or after the next one are left out below.
    # Rows are sorted by (_sid, v_start): neighbours come from plain shifts checked against `_sid`, and
    # the running max of v_end stays inside a sentence when packed with it in one integer (windows over
    # tens of thousands of sentences cost many times more).
    sid = pl.col("_sid").cast(pl.Int64)
    packed = (sid * (1 << 32) + pl.col("v_end")).cum_max()
    first_of_match = sid.ne_missing(sid.shift(1)) | pl.col("v_start").ne_missing(pl.col("v_start").shift(1))
    last_of_match = sid.ne_missing(sid.shift(-1)) | pl.col("v_start").ne_missing(pl.col("v_start").shift(-1))
    matches = matches.sort("_sid", "v_start").with_columns(
        _prev_end=pl.when(sid.shift(1) == sid).then(packed.shift(1) - sid * (1 << 32)),
        _next_start=pl.when(sid.shift(-1) == sid).then(pl.col("v_start").shift(-1)),
    ).with_columns(
        # Rows sharing one match (a phrase coding two events) see the same neighbours.
        _prev_end=pl.when(first_of_match).then(pl.col("_prev_end").fill_null(-1)).forward_fill(),
        _next_start=pl.when(last_of_match).then(pl.col("_next_start").fill_null(1 << 62)).backward_fill(),
    )
    m = _nearest(matches, grps, on="v_start", key="g_end", strategy="backward", tag="b1")
    subject_gap = between(pl.col("b1_end"), pl.col("v_start"))
    m = m.with_columns(_drop(
        "b1",
        subject_gap.str.contains(_CLAUSE_BREAK)
        | (subject_gap.str.contains(_PRONOUN) & ~subject_gap.str.contains(_SPEAKER_PRONOUN))
        | subject_gap.str.contains(_REPORTED)
        | clauses.relative_subject(subject_gap),
    ))
    # A verb joined by "and" to the act before it shares that act's subject ("X condemned the attack and
    # promised aid to Y"): the subject of the sentence's previous act, when there is one.
    tail = _before(pl.col("v_start"), 40)
    # So does a participle clause after a comma ("X shelled the town, killing two people").
    participle_clause = between(pl.col("v_start"), pl.col("v_end")).str.contains(r"^\w+ing\b")
    and_len = pl.coalesce(
        tail.str.extract(_COORDINATED, 1),
        pl.when(participle_clause).then(tail.str.extract(r"(,\s*)$", 1)),
    ).str.len_chars()
    coordinated = and_len.is_not_null() & (pl.col("_prev_end") >= 0)
    earlier = pl.struct(sid=sid, s="b1_start", members="b1_members")
    carried = pl.when(~coordinated).then(earlier).forward_fill().shift(1)
    inherit = coordinated & (carried.struct.field("sid") == sid).fill_null(False)
    m = m.with_columns(_inherit=inherit, _and_len=and_len).with_columns(
        b1_start=pl.when("_inherit").then(carried.struct.field("s")).otherwise("b1_start"),
        b1_members=pl.when("_inherit").then(carried.struct.field("members")).otherwise("b1_members"),
        # The subject "ends" at the "and": modality and voice are read from the words after it.
        b1_end=pl.when("_inherit").then(pl.col("v_start") - pl.col("_and_len"))
        .otherwise("b1_end"),
        _prev_end=pl.when("_inherit").then(-1).otherwise("_prev_end"),
    )
    m = _nearest(m, grps, on="b1_start", key="g_end", strategy="backward", tag="b2")
    m = m.with_columns(_drop("b2", between(pl.col("b2_end"), pl.col("b1_start")).str.contains(_CLAUSE_BREAK)))
    # The object of "from" or "by" does not control the infinitive after it: in "X accepted an invitation
    # from Y to visit Z" the visitor is X, the group before.
    controlled = (
        _before(pl.col("b1_start"), 12).str.contains(_PP_OBJECT)
        & (between(pl.col("b1_end"), pl.col("v_start")).str.contains(_INFINITIVE_GAP)
           | pl.col("s_text").str.slice(pl.col("v_start") - pl.col("start"), 3).str.contains("^(?i:to )"))
        & pl.col("b2_members").is_not_null()
    ).fill_null(False)
    # A subject found inside a prepositional phrase after a noun ("the sides of the island of Ruritania
    # agreed") is no subject: the phrase's owner before it, in the same clause, is.
    headless = pl.col("b1_members").list.eval(pl.element().struct.field("headless")).list.all()
    controlled = controlled | (headless & pl.col("b2_members").is_not_null() & (pl.col("roles") == "forward")).fill_null(False)
    # A subject found inside a relative clause on the subject ("a man who abused an American tourist was
    # jailed", "Russia, which backs Syria, attacked …") is that clause's object: the noun before "who" or
    # "which" is the subject. (An object relative, "which Iran imposed", has its own subject next.)
    controlled = controlled | (
        pl.col("b2_members").is_not_null()
        & between(pl.col("b2_end"), pl.col("b1_start")).str.contains(_SUBJECT_RELATIVE)
    ).fill_null(False)
    m = m.with_columns(
        *(pl.when(controlled).then(pl.col(f"b2_{f}")).otherwise(pl.col(f"b1_{f}")).alias(f"b1_{f}")
          for f in ("start", "end", "members")),
        # That subject stands before the previous act by construction: it may.
        _prev_end=pl.when(controlled).then(-1).otherwise("_prev_end"),
    )
    # A town where something happened, with no owner before it, is no subject: the doer goes unnamed.
    venue = pl.col("b1_members").list.eval(
        pl.element().struct.field("headless") & (pl.element().struct.field("kind") == "place")).list.all()
    m = m.with_columns(_drop("b1", (venue & (pl.col("roles") == "forward")).fill_null(False)))
    m = _nearest(m, grps, on="v_start", key="g_start", strategy="forward", tag="a1")
    # A trigger that begins with its actor ("suicide bombers struck", a noun row) has that actor as its
    # subject, not its object.
    leads = (pl.col("a1_start") == pl.col("v_start")).fill_null(False) & (pl.col("roles") == "forward")
    m = m.with_columns(
        *(pl.when(leads & pl.col("b1_members").is_null()).then(pl.col(f"a1_{f}")).otherwise(pl.col(f"b1_{f}"))
          .alias(f"b1_{f}") for f in ("start", "end", "members")),
    ).with_columns(_drop("a1", leads))
    after = between(pl.col("v_end"), pl.col("a1_start")).str.replace_all(_QUOTES, "")
    by_words = after.str.extract(_BY_GAP, 1)
    inside = pl.col("a1_start") <= pl.col("v_end")
    # "by" inside the match, right before the mention there, names the doer as well: "was accused by
    # Ruritania of spying" (the frame runs past the agent to its "of").
    by_inside = (inside & between(pl.col("v_start"), pl.col("a1_start")).str.contains(r"(?i)\sby\s+(?:the\s+)?$")).fill_null(False)
    m = m.with_columns(
        _by=by_words.is_not_null() | by_inside, _by_noun=(by_words.str.len_chars() > 0).fill_null(False)
    ).with_columns(_drop("a1", ~(inside | after.str.contains(_OBJECT_GAP) | pl.col("_by")) | after.str.contains(_MEDIATOR)
                         | _venue(after)))
    passive_voice = between(pl.col("b1_end").fill_null(pl.col("start")), pl.col("v_start")).str.contains(_PASSIVE_AUX)
    # "by" right after the verb is its agent ("attacked by X"); after a noun ("condemned an attack by X")
    # it names the noun's agent, which is what the act is aimed at: the target.
    noun_agent = pl.col("_by_noun") & ~passive_voice
    # "X was arrested", "X is accused of": the subject undergoes the act. Without a "by" the text does
    # not say who acted, and a sourceless act is not an event ("is attacking" stays active).
    participle = between(pl.col("v_start"), pl.col("v_end")).str.contains(_PARTICIPLE)
    # People "killed in an air strike" suffered the act the noun names: they are its target, not its doer.
    harmed = (pl.col("_doerless").fill_null(False)
              & between(pl.col("b1_end").fill_null(pl.col("start")), pl.col("v_start")).str.contains(_HARMED_IN))
    role = (
        pl.when((pl.col("roles") == "forward") & harmed).then(pl.lit("passive"))
        .when((pl.col("roles") == "forward") & pl.col("_by") & ~noun_agent).then(pl.lit("passive"))
        .when((pl.col("roles") == "forward") & passive_voice & participle).then(pl.lit("passive"))
        # Co-subjects of a cooperative act that names no other party act with each other: "Ruritania and
        # Syldavia agreed to build a bridge" (roots 03 to 06: intents, consultation, diplomatic and
        # material cooperation).
        .when((pl.col("roles") == "forward") & pl.col("a1_members").is_null()
              & (pl.col("b1_members").list.len() > 1) & pl.col("cameo_code").str.contains("^0[3-6]"))
        .then(pl.lit("pair"))
        .otherwise(pl.col("roles"))
    )
    # "X was arrested", "the party was banned", "diplomats were expelled": some acts are by definition
    # the state's, which the text then leaves unnamed. The source is that role (`IMPLIED_AGENT`; its
    # country is added by the coder): for CAMEO's 173 (arrest, detain, charge with legal action) the
    # police, or the courts for sentences, prison terms and indictments; for the reduced relations,
    # embargoes and bans of root 16, confiscations (1711: "weapons were seized"), the administrative
    # sanctions of 172 and the expulsions of 174, the government.
    court = between(pl.col("v_start"), pl.col("v_end")).str.contains(_COURT_ACT)
    implied_role = (
        pl.when(pl.col("cameo_code") != "173").then(pl.lit("GOV")).when(court).then(pl.lit("JUD")).otherwise(pl.lit("COP"))
    )
    implied = pl.concat_list(pl.struct(
        id=pl.lit(None, pl.Utf8), code=implied_role,
        start=pl.col("v_start").cast(pl.Int64), kind=pl.lit(IMPLIED_AGENT), headless=pl.lit(False), modifier=pl.lit(False),
    ))
    # An act of force or protest whose doer the text withholds (a passive without "by", or no subject at
    # all) is still an event, with no source: reports of bombings and protests rarely name who did it.
    unnamed = pl.concat_list(pl.struct(
        id=pl.lit(None, pl.Utf8), code=pl.lit(None, pl.Utf8),
        start=pl.col("v_start").cast(pl.Int64), kind=pl.lit(UNNAMED_AGENT), headless=pl.lit(False),
        modifier=pl.lit(False),
    ))
    # A verb in the active voice with no subject found has one the text names but no dictionary codes
    # ("deputies blocked the street"): only a passive, a noun ("an air strike on"), an act told by its
    # device ("a bomb exploded") or after an attack or weapon ("a grenade attack killed ten", "rockets
    # hit the town, killing two") leaves the doer unsaid. "By" right after the act names the doer, and
    # so does a possessive before a noun ("their offensive").
    withheld = (
        pl.col("cameo_code").str.contains(UNNAMED_ACT)
        & ~pl.col("_by")
        & ~pl.col("s_text").str.slice(pl.col("v_end") - pl.col("start"), 60).str.contains(_BY_LATER)
        & ((role == "passive")
           | ((role == "forward") & pl.col("b1_members").is_null()
              & (pl.col("_doerless").fill_null(False)
                 | _before(pl.col("v_start"), 100).str.contains(_WEAPON_SUBJECT))
              & ~_before(pl.col("v_start"), 30).str.contains(_POSSESSIVE)))
        & (pl.col("cameo_code").str.starts_with("14") | pl.col("s_text").str.contains(AGENT_CUE))
    )
    # A pair is every member of the subject group (with the group before it when it stands alone).
    partners = pl.when((pl.col("b1_members").list.len() == 1) & pl.col("b2_members").is_not_null()).then(
        pl.concat_list("b2_members", "b1_members")
    ).otherwise(pl.col("b1_members"))
    src = pl.coalesce(
        pl.when(role == "forward").then(pl.col("b1_members"))
        .when(role == "reverse").then(pl.col("a1_members"))
        .when(role == "passive").then(
            pl.when(pl.col("_by")).then(pl.col("a1_members"))
            .when(pl.col("cameo_code").str.contains(_STATE_ACT)).then(implied)
        )
        .when(role == "pair").then(partners)
        .when(role == "between").then(pl.col("a1_members")),
        pl.when(withheld).then(unnamed),
    )
    tgt = (
        pl.when(role == "forward").then(pl.when(~pl.col("_by") | noun_agent).then(pl.col("a1_members")))
        .when(role == "reverse").then(pl.col("b1_members"))
        .when(role == "passive").then(pl.col("b1_members"))
        .when(role == "pair").then(partners)
        .when(role == "between").then(pl.col("a1_members"))
    )
    return (
        m.with_columns(_src=src, _tgt=tgt, _role=role)
        .drop_nulls("_src")
        .explode("_src")
        .explode("_tgt")
        .filter(pl.col("_src").struct.field("start") >= pl.col("_prev_end"))
        # A member past the next act is that act's, not this one's. An act right before the next one is
        # part of it ("promised to increase aid to X": one act) and gives way; a farther one stands
        # without a target from it ("jailed members of the banned party").
        .with_columns(_past=((pl.col("_tgt").struct.field("start") >= pl.col("_next_start"))
                             & (pl.col("_tgt").struct.field("start") >= pl.col("v_end"))).fill_null(False))
        .filter(~(pl.col("_past") & between(pl.col("v_end"), pl.col("_next_start")).str.contains(_CHAINED)))
        .with_columns(_tgt=pl.when(~pl.col("_past")).then(pl.col("_tgt")))
        .with_columns(
            # A mention after a noun and a preposition is no subject, and a nation word on a noun it does not
            # stand for ("Ruritanian farmers") is no actor: neither names a source. As an object the
            # nation word names what is acted on ("attacked Ruritanian positions", "banned Syldavian
            # imports"), which CAMEO codes as the country.
            source_id=pl.when(pl.col("_src").struct.field("modifier")).then(None).otherwise(pl.col("_src").struct.field("id")),
            source_code=pl.when((pl.col("_src").struct.field("headless") & (pl.col("_role") == "forward"))
                                | pl.col("_src").struct.field("modifier")).then(None)
            .otherwise(pl.col("_src").struct.field("code")),
            target_id=pl.col("_tgt").struct.field("id"), target_code=pl.col("_tgt").struct.field("code"),
            target_kind=pl.col("_tgt").struct.field("kind"), target_start=pl.col("_tgt").struct.field("start"),
            implied_source=pl.col("_src").struct.field("kind") == IMPLIED_AGENT,
        )
        # An actor acting on itself is a misreading (in a pair every member acts on every other; otherwise
        # the object found is the subject's own entity, "Eriadori … a visit to Eriador"): dropped.
        .filter((pl.col("source_id") != pl.col("target_id")).fill_null(True))
        # Two mentions of one actor ("Moscow" and "Russia", two Ruritanian ministers) are no dyad either.
        .filter((pl.col("source_code") != pl.col("target_code")).fill_null(True))
        # A source without an actor code (a name no dictionary codes) makes no event; it still held the
        # subject's place above, so the act is not given to an actor further away.
        .filter(pl.col("source_code").is_not_null() | (pl.col("_src").struct.field("kind") == UNNAMED_AGENT))
        # An act without a target adds nothing where the same source has the same act with a target in
        # the sentence (one phrase coded both ways, "renewed ties" forward and as a pair).
        .filter(pl.col("_tgt").is_not_null()
                | ~pl.col("_tgt").is_not_null().any().over("_sid", "cameo_code", "source_id", "source_code"))
        .drop("_src", "_tgt", "_past", "_role", "_by", "_by_noun", "_prev_end", "_next_start", "_inherit", "_and_len")
    )
