"""What the text asserts about an event: its modality, and who the text says reported it.

Modality is read from the clause of the match: the words between its subject (or the clause start)
and the match, with precedence negated > hypothetical > future > asserted. A bare infinitive ("to
persuade Ruritania to sell …") is hypothetical: the text states an aim, not an act. A condition
("if", "unless", "whether") anywhere earlier in the clause makes the event hypothetical. A pattern may
start with the auxiliary itself ("to visit", "will visit"): that first word counts as part of the gap.

An act of cooperation the actor commits itself to ("plans to visit", "intends to give", "agreed to
meet", "is ready to help", or its own announcement "said it will/would release"; `committed`, read in
the words just before the act) is, in CAMEO, also the expression of that intent: besides the future or
hypothetical act, the event stage codes an asserted event of root 03, its code from the act's by
`intent` (a visit or talks 036, aid 033x, material cooperation 031x, yielding 035x or 034x). A bare
"will" or "is due to" reports a schedule or a forecast and stays the future act alone.

attributed_to is the entity that is the subject of the sentence's speech verb ("the Ruritanian
cabinet said", "Ms Kovac told journalists", "according to Freedonia"): the nearest mention before the
verb, at most three words away, or the mention right after "according to".
"""

from __future__ import annotations

import polars as pl

_NEGATED = (
    r"(?i)\b(?:not|never|no longer|neither|nor|refused to|declined to|failed to)\b|n['’]t\b"
    r"|\b(?:denied|denies|deny|denying)\b"
)
_HYPOTHETICAL = (
    r"(?i)\b(?:would|could|might|may|should|can|potential|potentially|possible|possibly|likely|if|unless"
    r"|whether|threatens? to|threatened to|to try to|try to|tries to|seeks? to|sought to|wants? to|hopes? to)\b"
)
# A bare infinitive right before the verb, when no future cue explains it ("to persuade X to sell").
_INFINITIVE = r"(?i)(?:^|\s)to\s+$"
_FUTURE = (
    r"(?i)\b(?:will|shall)\b|['’]ll\b|\b(?:plans?|planned|planning|intends?|intended|intending|vowed|vows?"
    r"|pledged|pledges|promised|promises|agreed|agrees|prepares|preparing|is preparing) to\b"
    r"|\b(?:is|are|was|were) (?:expected|set|going|due|about) to\b|\bto be held\b"
    # An accepted invitation announces the act it invites to ("accepted an invitation from Y to visit Z").
    r"|\b(?:accepted|accepts|accepting) (?:an |the |a )?invitation\b"
)
_CONDITION = r"(?i)\b(?:if|unless|whether)\b"
_SPEECH = (
    r"(?i)\b(?:said|says|say|told|tells|stated|states|announced|announces|added|adds|claimed|claims"
    r"|reported|reports|alleged|alleges|insisted|noted|warned|wrote|according to)\b"
)
_SPEAKER_GAP = r"^(?:['’]s)?(?:\s+[\w-]+){0,3}\s+$"
_ACCORDING = r"(?i)according to\s+(?:the\s+)?$"
_CLAUSE = r"[;:!?“”\"]|,(?:[^\d]|$)|\s[–—-]\s"


_LEADING_AUX = r"(?i)^((?:to|will|would|could|may|might|shall|not|n't)\s)"


def modality(clause_before: pl.Expr, gap: pl.Expr, trigger: pl.Expr | None = None) -> pl.Expr:
    """negated, hypothetical, future or asserted, from the subject-to-verb gap and the clause before the verb."""
    if trigger is not None:
        gap = pl.concat_str(gap, trigger.str.extract(_LEADING_AUX, 1).fill_null(""))
    return (
        pl.when(gap.str.contains(_NEGATED)).then(pl.lit("negated"))
        .when(gap.str.contains(_HYPOTHETICAL) | clause_before.str.contains(_CONDITION)).then(pl.lit("hypothetical"))
        .when(gap.str.contains(_FUTURE)).then(pl.lit("future"))
        .when(gap.str.contains(_INFINITIVE)).then(pl.lit("hypothetical"))
        .otherwise(pl.lit("asserted"))
    )


# CAMEO's "express intent to ..." (03) code of each cooperative act (04-08), by the act's code: the
# longest prefix in the table decides.
_INTENT = {
    "04": "036",  # consult: meet, visit, negotiate
    "05": "032", "057": "030",  # diplomatic cooperation; an agreement to be signed
    "06": "031", "061": "0311", "062": "0312", "063": "0313", "064": "0314",
    "07": "033", "071": "0331", "072": "0332", "073": "0333", "074": "0334",
    "08": "035", "081": "0351", "082": "0352", "083": "034", "0831": "0341", "0832": "0342", "0833": "0343",
    "0834": "0344", "084": "0353", "085": "0354", "086": "0355", "087": "0356",
}


# The actor's own commitment to a future act, as against a schedule or a forecast ("will", "is due to").
_COMMITTED = (
    r"(?i)\b(?:plans?|planned|planning|intends?|intended|intending|vowed|vows?|pledged|pledges|promised|promises"
    r"|agreed|agrees|offered|offers|ready|prepared|willing|committed|determined) to\b"
    r"|\b(?:accepted|accepts|accepting) (?:an |the |a )?invitation\b"
    # The actor's own announcement of what it will do: "X said it will release …" is a promise.
    r"|\b(?:said|says|announced|announces|declared|declares|confirmed|confirms) (?:that )?(?:it|he|she|they|we|i)"
    r" (?:will|would|is going to|are going to|was going to|were going to)\b"
)


def committed(gap: pl.Expr, trigger: pl.Expr) -> pl.Expr:
    """True where the words before the act (and its leading words) commit the actor to it."""
    return pl.concat_str(gap, trigger.str.extract(_LEADING_AUX, 1).fill_null("")).str.contains(_COMMITTED)


def intent(code: pl.Expr) -> pl.Expr:
    """The "express intent" (03) code of a cooperative act's CAMEO code, null for other codes."""
    out = pl.lit(None, dtype=pl.Utf8)
    for prefix in sorted(_INTENT, key=len):  # longer prefixes are tested last and win
        out = pl.when(code.str.starts_with(prefix)).then(pl.lit(_INTENT[prefix])).otherwise(out)
    return out


def clause_start(text: pl.Expr, before: pl.Expr) -> pl.Expr:
    """Length of `before` up to its last clause break: `text_before.str.slice(that)` is the verb's clause."""
    tail = before.str.extract(rf"((?:{_CLAUSE})(?:[^,;:!?“”\"]|,\d)*)$", 1)
    return before.str.len_chars() - tail.str.len_chars().fill_null(before.str.len_chars())


def attributions(sent: pl.LazyFrame, ments: pl.LazyFrame) -> pl.LazyFrame:
    """(article_id, sentence, attributed_to) for sentences whose speech verb has a named speaker."""
    by = ["article_id", "sentence"]
    pieces = (
        # Only sentences with a speech verb are cut into pieces (a plain `contains` is cheap).
        sent.filter(pl.col("s_text").str.contains(_SPEECH))
        .select(*by, "start", "s_text",
                piece=pl.col("s_text").str.extract_all(rf"(?s).*?{_SPEECH}"))
        # End of each piece inside its sentence: a running length within the list (no window needed).
        .with_columns(n=pl.col("piece").list.eval(pl.element().str.len_chars().cast(pl.Int64).cum_sum()))
        .explode("piece", "n")
        .drop_nulls("piece")
        .with_columns(_end=pl.col("n") + pl.col("start"))
        .with_columns(
            # The leftmost verb ending the piece, as after the shortest prefix `^.*?` but much cheaper.
            _verb=pl.col("piece").str.extract(rf"(?s)({_SPEECH})$", 1).str.len_chars().cast(pl.Int64)
        )
        .with_columns(_say=pl.col("_end") - pl.col("_verb"))
        .select(*by, "start", "s_text", "_say", "_end")
        .cache()  # read three times below
    )
    # Only the mentions of sentences with a speech verb: sorting all of them costs more than the rest.
    m = ments.select(*by, "entity_id", m_start="start", m_end="end").join(pieces.select(by).unique(), on=by, how="semi")
    before = (
        pieces.sort(*by, "_say")
        .join_asof(m.sort(*by, "m_end"), left_on="_say", right_on="m_end", by=by, strategy="backward",
                   check_sortedness=False)
        .filter(pl.col("s_text").str.slice(pl.col("m_end") - pl.col("start"), pl.col("_say") - pl.col("m_end"))
                .str.contains(_SPEAKER_GAP))
    )
    after = (
        pieces.sort(*by, "_end")
        .join_asof(m.sort(*by, "m_start"), left_on="_end", right_on="m_start", by=by, strategy="forward",
                   check_sortedness=False)
        .filter(pl.col("s_text").str.slice(pl.col("_say") - pl.col("start"), pl.col("m_start") - pl.col("_say"))
                .str.contains(_ACCORDING))
    )
    cols = ["article_id", "sentence", "_say", "entity_id"]
    return (
        pl.concat([before.select(cols), after.select(cols)])
        .sort("article_id", "sentence", "_say", "entity_id")
        .group_by("article_id", "sentence", maintain_order=True)
        .agg(attributed_to=pl.col("entity_id").first())
    )
